"""benchmarks/exact_cost.py times every chapter with exact arithmetic and on BLAS; these tests check it switches paths.

The benchmark is only meaningful if its BLAS runs really build every network
with ``exact=False`` (whatever the chapter asks for) and its exact runs leave
them alone. The tests never time anything.
"""
import numpy as np
import pytest

import rnnlib
from conftest import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("benchmarks/exact_cost.py")


@pytest.mark.parametrize("make", [
    lambda: rnnlib.ElmanRNN(2, 3, 1, seed=1),
    lambda: rnnlib.ElmanRNN(2, 3, 1, "tanh", 1, "float64", True),     # exact=True given by position
    lambda: rnnlib.ElmanRNN(2, 3, 1, seed=1, exact=True),
    lambda: rnnlib.JordanRNN(2, 3, 1, seed=1),
])
def test_blas_models_builds_every_network_on_blas_and_restores(bench, make):
    assert make().exact
    with bench.blas_models():
        net = make()
    assert net.exact is False
    assert make().exact, "the patch must not outlive the block"
    # the BLAS network is the same network: same weights, outputs equal to rounding
    ref = make()
    assert all(np.array_equal(getattr(net, p), getattr(ref, p)) for p in ref.param_names)
    X = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_allclose(net.forward(X)[1], ref.forward(X)[1], rtol=1e-12, atol=1e-14)


def test_a_chapter_script_runs_in_both_modes(bench, tmp_path):
    """The runner executes a script (asserts and all) and returns its time; a failing script fails."""
    script = tmp_path / "99_probe.py"
    script.write_text("import rnnlib\nnet = rnnlib.ElmanRNN(1, 2, 1)\nprint('exact' if net.exact else 'blas')\n"
                      "open('mode.txt', 'w').write('exact' if net.exact else 'blas')\n")
    for mode in bench.MODES:
        seconds, finished = bench.timed(script, mode)
        assert finished and seconds >= 0
        assert (tmp_path / "mode.txt").read_text() == mode
    script.write_text("raise RuntimeError('boom')\n")
    seconds, finished = bench.timed(script, "exact")
    assert not finished and np.isnan(seconds)
