"""ElmanRNN: the formula, batches, dtypes and BPTT gradients (chapters 02 and 05)."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evidence
import rnnlib
from helpers import REFUSED, arrays, call, forward_args, mostly, numeric, reference_forward
from rnnlib import reference
from rnnlib.activations import ACTIVATIONS


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_forward_matches_the_formula(activation, rng):
    net = rnnlib.ElmanRNN(3, 5, 2, activation=activation, seed=4)
    X = rng.standard_normal((6, 3))
    h0 = rng.standard_normal(5)
    Hs, Y = net.forward(X, h0)
    Hn, Yn = reference.forward(net.params, X, h0, f=activation)  # the formula, one step at a time
    assert Hs.shape == (6, 5) and Y.shape == (6, 2)
    np.testing.assert_allclose(Hs, Hn, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Y, Yn, rtol=1e-12, atol=1e-12)


def test_default_h0_is_zero(rng):
    net = rnnlib.ElmanRNN(2, 4, 1)
    X = rng.standard_normal((5, 2))
    np.testing.assert_array_equal(net.forward(X)[1], net.forward(X, np.zeros(4))[1])
    assert not np.allclose(net.forward(X)[1], net.forward(X, np.ones(4))[1])


def test_batch_equals_sequences_one_by_one(rng):
    net = rnnlib.ElmanRNN(3, 4, 2, seed=1)
    X = rng.standard_normal((7, 5, 3))
    H0 = rng.standard_normal((5, 4))
    Hs, Y = net.forward(X, H0)
    assert Hs.shape == (7, 5, 4) and Y.shape == (7, 5, 2)
    for n in range(5):
        Hn, Yn = net.forward(X[:, n], H0[n])
        np.testing.assert_allclose(Y[:, n], Yn, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(Hs[:, n], Hn, rtol=1e-12, atol=1e-12)


def test_single_h0_is_broadcast_over_a_batch(rng):
    net = rnnlib.ElmanRNN(2, 3, 1)
    X = rng.standard_normal((4, 6, 2))
    h0 = rng.standard_normal(3)
    np.testing.assert_allclose(net.forward(X, h0)[1], net.forward(X, np.tile(h0, (6, 1)))[1])


def test_step_is_one_column_of_forward(rng):
    net = rnnlib.ElmanRNN(2, 3, 2, seed=2)
    X = rng.standard_normal((3, 2))
    Hs, Y = net.forward(X)
    h = None
    for t in range(3):
        h, y = net.step(X[t], h)
        np.testing.assert_allclose(h, Hs[t])
        np.testing.assert_allclose(y, Y[t])
    hb, yb = net.step(np.stack([X[0], X[1]]), None)
    assert hb.shape == (2, 3) and yb.shape == (2, 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_are_kept(dtype, rng):
    net = rnnlib.ElmanRNN(3, 4, 2, dtype=dtype)
    X = rng.standard_normal((5, 2, 3))
    Hs, Y = net.forward(X)
    grads = net.backward(X, np.ones_like(Y))
    assert net.W.dtype == dtype and Hs.dtype == dtype and Y.dtype == dtype
    assert all(g.dtype == dtype for g in grads.values())


def test_float32_agrees_with_float64(rng):
    n64 = rnnlib.ElmanRNN(3, 8, 2, seed=3)
    n32 = rnnlib.ElmanRNN(3, 8, 2, seed=3, dtype="float32")
    X = rng.standard_normal((20, 4, 3))
    np.testing.assert_allclose(n32.forward(X)[1], n64.forward(X)[1], rtol=1e-4, atol=1e-5)
    dY = rng.standard_normal((20, 4, 2))
    g32, g64 = n32.backward(X, dY), n64.backward(X, dY)
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-3, atol=1e-4)


def test_same_weights_serve_every_step():
    """Weight sharing (chapter 01): a constant input gives the same step map every time."""
    net = rnnlib.ElmanRNN(1, 3, 1, seed=5)
    X = np.ones((4, 1))
    Hs, _ = net.forward(X)
    for t in range(1, 4):
        np.testing.assert_allclose(Hs[t], np.tanh(net.W[:, 0] + net.D @ Hs[t - 1] + net.B))


def test_parameter_count_formula():
    net = rnnlib.ElmanRNN(3, 7, 2)
    n_in, H, n_out = 3, 7, 2
    assert net.n_params == H * n_in + H * H + H + n_out * H + n_out == 93


def test_seed_makes_weights_reproducible():
    a, b, c = (
        rnnlib.ElmanRNN(2, 3, 1, seed=7),
        rnnlib.ElmanRNN(2, 3, 1, seed=7),
        rnnlib.ElmanRNN(2, 3, 1, seed=8),
    )
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.param_names)
    assert not np.array_equal(a.W, c.W)


def test_parameters_are_replaceable(rng):
    net = rnnlib.ElmanRNN(2, 2, 1)
    net.W = [[1, 0], [0, 1]]  # a list of ints is accepted and converted
    net.D = np.zeros((2, 2), dtype=int)
    net.B = [0, 0]
    net.V = [[1, 1]]
    net.c = [0.5]
    assert net.W.dtype == np.float64
    Hs, Y = net.forward([[1, 2]])
    np.testing.assert_allclose(Y[0, 0], np.tanh(1) + np.tanh(2) + 0.5)


# ----------------------------------------------------------------- gradients
CASES = [  # (T, N or None, h0 nonzero?)
    (5, None, False),
    (5, None, True),
    (1, None, True),
    (4, 3, True),
    (1, 3, False),
]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("T,N,nonzero_h0", CASES)
def test_bptt_matches_finite_differences(activation, T, N, nonzero_h0):
    rng = np.random.default_rng(T * 10 + (N or 0))
    net = rnnlib.ElmanRNN(3, 4, 2, activation=activation, seed=T)
    if activation == "relu":  # keep pre-activations away from the kink at 0
        net.B = net.B + 0.3
    shape = (T, 3) if N is None else (T, N, 3)
    X = rng.standard_normal(shape)
    h0 = None
    if nonzero_h0:
        h0 = rng.standard_normal(4 if N is None else (N, 4))
    errors = rnnlib.check_gradients(net, X, h0=h0)
    assert set(errors) == {"W", "D", "B", "V", "c"}
    assert max(errors.values()) < 1e-6, errors


def test_gradcheck_detects_a_wrong_gradient(rng):
    """The checker itself can fail: a gradient with one wrong entry is caught."""
    net = rnnlib.ElmanRNN(2, 3, 1)
    X = rng.standard_normal((4, 2))
    original = net.backward

    def broken(*args, **kw):
        g = original(*args, **kw)
        g["D"][0, 0] += 0.1
        return g

    net.backward = broken
    errors = rnnlib.check_gradients(net, X)
    assert errors["D"] > 1e-3 and errors["W"] < 1e-6


def test_backward_recomputes_when_forward_was_on_other_data(rng):
    net = rnnlib.ElmanRNN(2, 3, 1)
    X1, X2 = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    dY = rng.standard_normal((5, 1))
    net.forward(X2)
    g_stale = net.backward(X1, dY)
    net.forward(X1)
    g_fresh = net.backward(X1, dY)
    for k in g_fresh:
        np.testing.assert_allclose(g_stale[k], g_fresh[k])
    net.forward(X1)
    net.W = net.W * 2  # parameters changed after forward: recompute too
    g_new = net.backward(X1, dY)
    net.forward(X1)
    np.testing.assert_allclose(g_new["D"], net.backward(X1, dY)["D"])


def test_full_truncation_is_full_bptt(rng):
    net = rnnlib.ElmanRNN(2, 3, 1)
    X, dY = rng.standard_normal((6, 4, 2)), rng.standard_normal((6, 4, 1))
    full = net.backward(X, dY)
    for k in (6, 10):
        trunc = net.backward(X, dY, truncate=k)
        for name in full:
            np.testing.assert_allclose(trunc[name], full[name], rtol=1e-12, atol=1e-12)


def test_truncate_one_is_elman_rule(rng):
    """truncate=1: the context h_{t-1} is a fixed input; error stops at h_t."""
    net = rnnlib.ElmanRNN(2, 3, 1)
    X, dY = rng.standard_normal((5, 2)), rng.standard_normal((5, 1))
    Hs, _ = net.forward(X)
    g = net.backward(X, dY, truncate=1)
    dA = (dY @ net.V) * (1 - Hs**2)
    prev = np.vstack([np.zeros(3), Hs[:-1]])
    np.testing.assert_allclose(g["W"], dA.T @ X)
    np.testing.assert_allclose(g["D"], dA.T @ prev)
    np.testing.assert_allclose(g["B"], dA.sum(0))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_truncate_k_matches_brute_force(activation):
    """truncate=k < T (k = 1, 2, 3, 5; T = 7), batched, nonzero h0: W, D and B against a
    brute force written output by output (tests/evidence.py). B alone is a sum over the
    steps and cannot see gradient credited to the wrong step; W and D can."""
    evidence.check_truncated_backward(
        lambda net, X, dY, h0, k: net.backward(X, dY, h0, truncate=k), activation
    )


def test_truncate_k_on_one_sequence_is_the_batch_of_one(rng):
    net = rnnlib.ElmanRNN(2, 3, 1, activation="sigmoid")
    X, dY, h0 = rng.standard_normal((6, 2)), rng.standard_normal((6, 1)), rng.standard_normal(3)
    one = net.backward(X, dY, h0, truncate=2)
    want = evidence.brute_force_truncated(net, X[:, None], dY[:, None], h0[None], 2)
    for name in ("W", "D", "B"):
        np.testing.assert_allclose(one[name], want[name], rtol=1e-12, atol=1e-14)


def test_backward_sees_inputs_edited_in_place_after_forward(rng):
    net = rnnlib.ElmanRNN(2, 3, 1)
    X = rng.standard_normal((5, 2))
    h0 = rng.standard_normal(3)
    dY = rng.standard_normal((5, 1))
    net.forward(X, h0)
    X[2] += 1.0  # same array object, new contents
    h0[0] -= 1.0
    stale_check = net.backward(X, dY, h0)
    fresh = rnnlib.ElmanRNN(2, 3, 1).backward(X, dY, h0)
    for k in fresh:
        np.testing.assert_allclose(stale_check[k], fresh[k], rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------- bad input
@pytest.fixture
def net():
    return rnnlib.ElmanRNN(3, 4, 2)


def test_bad_step_input(net):
    with pytest.raises(ValueError, match=r"x must be one time step of shape \(3,\)"):
        net.step(np.zeros(2))
    with pytest.raises(TypeError, match="x must contain real numbers"):
        net.step(["a", "b", "c"])


# ------------------------------------------------------------------------------- misuse
def test_step_returns_fresh_arrays():
    net = rnnlib.ElmanRNN(3, 4, 2)
    h, y = net.step(np.ones(3))
    h_kept = h.copy()
    h2, _ = net.step(np.ones(3), h)
    h += 1
    y += 1
    assert np.array_equal(net.step(np.ones(3), h_kept)[0], h2)


# ------------------------------------------ properties: random arguments (helpers.call)
@given(forward_args())
def test_elman_forward(args):
    net, X, h0 = args
    out = call(net.forward, X, h0, names=["X", "h0"])
    if out is REFUSED:
        return
    Hs, Y = out
    ref_H, ref_Y = reference_forward(net, X, h0)
    tol = 1e-5 if net.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(Hs, ref_H, atol=tol)
    np.testing.assert_allclose(Y, ref_Y, atol=tol)


@given(args=forward_args(), seed=st.integers(0, 3))
def test_elman_backward_is_not_changed_by_edits_of_forward_results(args, seed):
    net, X, h0 = args
    try:
        Hs, Y = net.forward(X, h0)
    except (ValueError, TypeError):
        return
    dY = np.random.default_rng(seed).standard_normal(Y.shape)
    fresh = copy.deepcopy(net).backward(X, dY, h0)
    Hs -= Hs.mean(axis=0)  # what a user might do: centre the states for a probe
    Y *= 0
    grads = call(net.backward, X, dY, h0, names=["X", "dY", "h0"])
    for name in net.param_names:
        np.testing.assert_allclose(grads[name], fresh[name], rtol=1e-6, atol=1e-6)


@given(args=forward_args(), data=st.data())
def test_elman_step(args, data):
    net = args[0]
    x = data.draw(
        mostly(
            st.sampled_from([(net.n_in,), (2, net.n_in)]).flatmap(lambda s: arrays(shape=s)),
            arrays(max_dims=2, max_side=3),
        )
    )
    batch = np.shape(x)[:-1]
    h_prev = data.draw(
        mostly(
            st.one_of(st.none(), arrays(shape=batch + (net.n_hidden,))),
            arrays(max_dims=2, max_side=3),
        )
    )
    out = call(net.step, x, h_prev, names=["x", "h_prev"])
    if out is REFUSED:
        return
    ref_H, ref_Y = reference_forward(net, numeric(x)[None], h_prev)
    tol = 1e-5 if net.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out[0], ref_H[0], atol=tol)
    np.testing.assert_allclose(out[1], ref_Y[0], atol=tol)


def test_step_names_its_own_argument():
    net = rnnlib.ElmanRNN(1, 2, 1)
    out = call(
        net.step, [1.0], np.zeros(3), names=["h_prev"]
    )  # a state of 3 values for 2 hidden units
    assert out is REFUSED
