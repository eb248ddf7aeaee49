"""The speed benchmark's cross-check at tiny sizes, so that benchmarks/bench_rnn.py cannot rot.

benchmarks/bench_rnn.py times rnnlib's ElmanRNN against a naive per-step numpy
loop and PyTorch (ARCHITECTURE.md, benchmarks), after checking that all of them compute
the same outputs and gradients. These tests run that check; they never time
anything. The PyTorch part is skipped when torch is not installed (it is not
part of the book's environment), and fails instead when RNNLIB_REQUIRE_TORCH=1
(.ci/run sets it in the environment that installs tests/requirements-torch.txt).
"""

import numpy as np
import pytest

from helpers import load_script, require_optional

TINY = [(1, 1, 1, 1, 1), (5, 1, 2, 3, 1), (4, 3, 2, 5, 2), (6, 2, 1, 4, 3)]


@pytest.fixture(scope="module")
def bench():
    return load_script("benchmarks/bench_rnn.py")


@pytest.mark.parametrize("h0", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", TINY)
def test_rnnlib_agrees_with_the_naive_loop(bench, shape, dtype, h0):
    worst = bench.crosscheck(shape, dtype, use_torch=False, h0=h0)
    assert set(worst) == {"rnnlib", "fast"}
    assert worst["rnnlib"] <= bench.TOL[dtype] and worst["fast"] <= bench.TOL[dtype]


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_other_activations_agree_too(bench, activation):
    bench.crosscheck((5, 2, 3, 4, 2), "float64", activation=activation, use_torch=False, h0=True)


def test_a_wrong_gradient_is_refused(bench, monkeypatch):
    """The cross-check can fail: a gradient with one wrong entry stops the benchmark."""
    original = bench.rnnlib_forward_backward

    def broken(*args):
        Y, grads = original(*args)
        grads["D"][0, 0] += 1e-3
        return Y, grads

    monkeypatch.setattr(bench, "rnnlib_forward_backward", broken)
    with pytest.raises(AssertionError, match="rnnlib gradient D"):
        bench.crosscheck((4, 3, 2, 5, 2), "float64", use_torch=False)


def test_the_naive_loop_is_the_formula(bench):
    """The naive reference itself, one step written out by hand (chapter 02)."""
    net, X, dY, _ = bench.make_problem((3, 2, 2, 4, 1), "float64")
    Hs, Y = bench.naive_forward(net.params, X)
    h1 = np.tanh(X[0] @ net.W.T + net.B)
    h2 = np.tanh(X[1] @ net.W.T + h1 @ net.D.T + net.B)
    np.testing.assert_allclose(Hs[1], h2, rtol=1e-14)
    np.testing.assert_allclose(Y[1], h2 @ net.V.T + net.c, rtol=1e-14)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", TINY)
def test_rnnlib_and_naive_agree_with_torch(bench, shape, dtype):
    require_optional("torch")
    worst = bench.crosscheck(shape, dtype, use_torch=True, h0=True)
    assert set(worst) == {"rnnlib", "fast", "torch"}


def test_table_has_one_row_per_case(bench):
    med = {"rnnlib": 1e-3, "fast": 5e-4, "naive": 2e-3, "torch": 4e-3}
    rows = [
        ("forward", (5, 1, 2, 3, 1), "float32", med),
        ("forward+backward", (5, 1, 2, 3, 1), "float64", med),
    ]
    lines = bench.table_lines(rows, has_torch=True)
    assert len(lines) == 4 and lines[0].startswith("| pass |")
    assert lines[2].endswith("| 0.50 | 0.25 | 0.12 |")
    assert "torch" not in bench.table_lines(rows, has_torch=False)[0]


def test_main_runs_end_to_end_at_tiny_sizes(bench, tmp_path):
    """The whole script on tiny shapes: cross-check, one timing round, the report (no timing
    checks)."""
    require_optional("threadpoolctl")
    out = tmp_path / "results.md"
    bench.main(
        [
            "--repeats",
            "1",
            "--warmup",
            "0",
            "--shapes",
            "3,2,2,3,1",
            "2,1,1,2,1",
            "--output",
            str(out),
        ]
    )
    text = out.read_text()
    assert text.count("| forward | ") == 4 and text.count("| forward+backward | ") == 4
    assert "thread pool (BLAS/OpenMP)" in text and "nproc" in text and "- targets" in text
