"""benchmarks/exact_cost.py times every chapter with exact arithmetic and on BLAS; these tests check
it switches paths.

The benchmark is only meaningful if its BLAS runs really build every network
with ``reproducible=False`` (whatever the chapter asks for) and its exact runs leave
them alone. The tests never time anything.
"""

import warnings

import numpy as np
import pytest

import rnnlib
from helpers import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("benchmarks/exact_cost.py")


def _old_name():
    """A network asking for the portable arithmetic by its deprecated name ``exact=True``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return rnnlib.ElmanRNN(2, 3, 1, seed=1, exact=True)


@pytest.mark.parametrize(
    "make",
    [
        lambda: rnnlib.ElmanRNN(2, 3, 1, seed=1),
        lambda: rnnlib.ElmanRNN(
            2, 3, 1, "tanh", 1, "float64", True
        ),  # reproducible=True given by position
        lambda: rnnlib.ElmanRNN(2, 3, 1, seed=1, reproducible=True),
        _old_name,
        lambda: rnnlib.JordanRNN(2, 3, 1, seed=1),
        lambda: rnnlib.FeedForward(2, 3, 1, seed=1, reproducible=True),
    ],
)
def test_blas_models_builds_every_network_on_blas_and_restores(bench, make):
    assert make().reproducible
    with bench.blas_models():
        net = make()
    assert net.reproducible is False and net.arithmetic is rnnlib.arithmetic.BLAS
    assert make().reproducible, "the patch must not outlive the block"
    # the BLAS network is the same network: same weights, outputs equal to rounding
    ref = make()
    assert all(np.array_equal(getattr(net, p), getattr(ref, p)) for p in ref.param_names)
    X = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_allclose(net.forward(X)[1], ref.forward(X)[1], rtol=1e-12, atol=1e-14)


@pytest.mark.slow
def test_a_chapter_script_runs_in_both_modes(bench, tmp_path):
    """The runner executes a script (asserts and all) and returns its time; a failing script
    fails."""
    script = tmp_path / "99_probe.py"
    script.write_text(
        "import rnnlib\nnet = rnnlib.ElmanRNN(1, 2, 1)\nprint('exact' if net.reproducible else "
        "'blas')\nopen('mode.txt', 'w').write('exact' if net.reproducible else 'blas')\n"
    )
    for mode in bench.MODES:
        seconds, finished = bench.timed(script, mode)
        assert finished and seconds >= 0
        assert (tmp_path / "mode.txt").read_text() == mode
    script.write_text("raise RuntimeError('boom')\n")
    seconds, finished = bench.timed(script, "exact")
    assert not finished and np.isnan(seconds)
