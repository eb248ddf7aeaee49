"""rnnlib.reference, the whole RNN in one page, against the library (chapters 02 and 05).

The reference is plain numpy written to be read; the library (``ElmanRNN``,
``fit``, ``Adam``, ``mse``) computes the same formulas with machine-independent
arithmetic, in other orders. They must agree to about 1e-12, relative, in float64.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

import rnnlib
from rnnlib import reference

# (T, N, I, H, O)
SHAPES = [(1, 1, 1, 1, 1), (5, 1, 2, 3, 1), (7, 3, 2, 5, 2), (12, 4, 3, 6, 3)]


def assert_close(got, want, what=""):
    """The same numbers up to the last bits: rtol 1e-12, with atol 1e-13 for entries near zero."""
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13, err_msg=what)


def rel_diff(a, b):
    """max |a - b| / max |b|."""
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


def problem(shape, activation="tanh", seed=0, h0=False):
    """A network with a nonzero c and data: (net, X, dY, h0), h0 (N, H) or None."""
    T, N, n_in, H, n_out = shape
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(n_in, H, n_out, activation=activation, seed=seed)
    net.c = rng.uniform(-0.5, 0.5, n_out)
    if activation == "relu":
        net.B = net.B + 0.3  # most units active, so that gradients flow
    X, dY = rng.standard_normal((T, N, n_in)), rng.standard_normal((T, N, n_out))
    return net, X, dY, (rng.standard_normal((N, H)) if h0 else None)


def test_it_is_one_page_of_plain_numpy():
    """At most 150 lines, and nothing imported but numpy: a learner reads it in one sitting."""
    path = Path(reference.__file__)
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 150
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [(type(n).__name__, [a.name for a in n.names]) for n in imports] == [
        ("Import", ["numpy"])
    ]


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("sizes", [(1, 1, 1), (3, 5, 2), (2, 8, 4)])
def test_init_gives_elman_rnns_weights(sizes, seed):
    net, params = rnnlib.ElmanRNN(*sizes, seed=seed), reference.init(*sizes, seed=seed)
    assert list(params) == list(net.param_names)
    for name in net.param_names:
        np.testing.assert_array_equal(params[name], net.params[name], err_msg=name)


@pytest.mark.parametrize("h0", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_the_library(shape, activation, h0):
    net, X, _, H0 = problem(shape, activation, h0=h0)
    Hs, Y = net.forward(X, H0)
    Hr, Yr = reference.forward(net.params, X, H0, f=activation)
    assert Hr.shape == Hs.shape and Yr.shape == Y.shape
    assert_close(Hr, Hs, "Hs")
    assert_close(Yr, Y, "Y")


def test_forward_of_one_sequence_and_one_h0_for_a_batch():
    net, X, _, H0 = problem((6, 3, 2, 4, 2), h0=True)
    Hs, Y = net.forward(X[:, 0], H0[0])  # X (T, I), h0 (H,)
    Hr, Yr = reference.forward(net.params, X[:, 0], H0[0])
    assert Hr.shape == Hs.shape
    assert_close(Hr, Hs)
    assert_close(Yr, Y)
    assert_close(
        reference.forward(net.params, X, H0[0])[1], net.forward(X, H0[0])[1]
    )  # h0 (H,) for N sequences


@pytest.mark.parametrize("h0", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("shape", SHAPES)
def test_bptt_matches_the_library(shape, activation, h0):
    """Full BPTT and truncate = 1 (Elman's rule), 2, T and None."""
    net, X, dY, H0 = problem(shape, activation, h0=h0)
    T = shape[0]
    for k in (1, 2, T, None):
        want = net.backward(X, dY, H0) if k is None else net.backward(X, dY, H0, truncate=k)
        got = reference.bptt(net.params, X, dY, H0, truncate=k, f=activation)
        assert list(got) == list(want)
        for name in want:
            assert got[name].shape == want[name].shape
            assert_close(got[name], want[name], f"truncate={k}, gradient of {name}")


def test_bptt_of_one_sequence():
    net, X, dY, H0 = problem((6, 1, 2, 4, 2), h0=True)
    for k in (None, 2):
        got = reference.bptt(net.params, X[:, 0], dY[:, 0], H0[0], truncate=k)
        want = net.backward(X[:, 0], dY[:, 0], H0[0], truncate=k)
        for name in want:
            assert_close(got[name], want[name], f"truncate={k}, gradient of {name}")


def test_the_comparison_can_fail():
    """A reference whose truncation were off by one (k = 2 for k = 1, or T - 1 for full BPTT)
    would differ from the library by far more than the 1e-12 that the tests allow."""
    net, X, dY, H0 = problem((7, 3, 2, 5, 2), h0=True)
    one, two = (reference.bptt(net.params, X, dY, H0, truncate=k) for k in (1, 2))
    full, almost = (
        reference.bptt(net.params, X, dY, H0),
        reference.bptt(net.params, X, dY, H0, truncate=6),
    )
    for name in ("W", "D"):
        assert rel_diff(two[name], one[name]) > 1e-2, name
        assert rel_diff(almost[name], full[name]) > 1e-6, name
    assert_close(two["B"], net.backward(X, dY, H0, truncate=2)["B"])
    with pytest.raises(AssertionError):
        assert_close(two["W"], net.backward(X, dY, H0, truncate=1)["W"])


def test_mse_matches_the_library():
    rng = np.random.default_rng(3)
    for shape in [(5, 1), (6, 3, 2)]:
        Y, target = rng.standard_normal(shape), rng.standard_normal(shape)
        loss, dY = reference.mse(Y, target)
        want_loss, want_dY = rnnlib.mse(Y, target)
        assert_close(loss, want_loss)
        assert_close(dY, want_dY)


def test_adam_step_matches_the_library():
    net, X, dY, _ = problem((5, 2, 2, 4, 2))
    lib, ref = dict(net.params), {k: v.copy() for k, v in net.params.items()}
    opt, state = rnnlib.Adam(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6), {}
    for step in range(5):
        grads = net.backward(X, (step + 1) * dY)
        opt.step(lib, grads)
        reference.adam_step(ref, grads, state, lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
        for name in lib:
            assert_close(ref[name], lib[name], f"step {step + 1}, {name}")


@pytest.mark.parametrize("shape", [(8, 1, 2, 4, 1), (10, 5, 3, 6, 2)])
def test_train_matches_fit(shape):
    """Full batch, mse, Adam: the loss of every epoch and the final weights agree with
    ``rnnlib.fit``.

    (``fit`` shuffles the sequences each epoch, so its sums over them run in another
    order: the agreement is to the last bits, relative to each weight's largest entry.)"""
    T, N, n_in, H, n_out = shape
    rng = np.random.default_rng(5)
    X, target = rng.standard_normal((T, N, n_in)), rng.standard_normal((T, N, n_out))
    net, params = rnnlib.ElmanRNN(n_in, H, n_out, seed=2), reference.init(n_in, H, n_out, seed=2)
    history = rnnlib.fit(
        net,
        X,
        target,
        loss="mse",
        optimizer=rnnlib.Adam(0.02),
        epochs=30,
        batch_size=None,
        verbose=False,
    )
    losses = reference.train(params, X, target, epochs=30, lr=0.02)
    assert len(losses) == 30 and losses[-1] < 0.9 * losses[0]
    assert_close(losses, history.loss, "loss per epoch")
    for name in net.param_names:
        assert rel_diff(params[name], net.params[name]) < 1e-12, name
