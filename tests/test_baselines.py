"""The Jordan network and the feed-forward baseline (chapter 03)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import (
    ACTIVATION_NAMES,
    REFERENCE_ACTIVATIONS,
    REFUSED,
    arrays,
    call,
    mostly,
    numeric,
    sequences_for,
)
from helpers import REFERENCE_ACTIVATIONS as F
from rnnlib import tasks
from rnnlib.activations import ACTIVATIONS
from rnnlib.baselines import FEEDBACKS, FeedForward, JordanRNN


def naive_jordan(net, X, s0=None):
    """h_t = f(W x_t + D s_{t-1} + B), y_t = V h_t + c, s_t = g(y_t), written out step by step."""
    f = F[net.activation]
    g = F["sigmoid"] if net.feedback == "sigmoid" else (lambda y: y)
    s = np.zeros(net.n_out) if s0 is None else np.asarray(s0, float)
    Hs, Y = [], []
    for x in X:
        h = f(net.W @ x + net.D @ s + net.B)
        y = net.V @ h + net.c
        s = g(y)
        Hs.append(h)
        Y.append(y)
    return np.array(Hs), np.array(Y)


# ------------------------------------------------------------------ the formulas
@pytest.mark.parametrize("feedback", FEEDBACKS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_jordan_forward_matches_the_formula(feedback, activation, rng):
    net = JordanRNN(3, 5, 2, activation=activation, feedback=feedback, seed=2)
    net.c = rng.standard_normal(2)
    X = rng.standard_normal((7, 3))
    s0 = rng.standard_normal(2)
    Hs, Y = net.forward(X, s0)
    Hn, Yn = naive_jordan(net, X, s0)
    assert Hs.shape == (7, 5) and Y.shape == (7, 2)
    np.testing.assert_allclose(Hs, Hn, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Y, Yn, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_feedforward_matches_the_formula(activation, rng):
    net = FeedForward(3, 4, 2, activation=activation, seed=1)
    X = rng.standard_normal((6, 3))
    Hs, Y = net.forward(X)
    Hn = F[activation](X @ net.W.T + net.B)
    np.testing.assert_allclose(Hs, Hn, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Y, Hn @ net.V.T + net.c, rtol=1e-12, atol=1e-12)


def test_jordan_feeds_back_the_output_not_the_hidden_layer(rng):
    # the output weights V shape later hidden states of a Jordan net (not of an Elman net)
    X = rng.standard_normal((5, 1))
    jordan, elman = JordanRNN(1, 4, 1, seed=0), rnnlib.ElmanRNN(1, 4, 1, seed=0)
    for net in (jordan, elman):
        H_before = net.forward(X)[0]
        net.V = net.V + 0.5
        H_after = net.forward(X)[0]
        np.testing.assert_array_equal(H_before[0], H_after[0])
        assert np.allclose(H_before, H_after) == (net is elman)


def test_feedforward_has_no_memory(rng):
    net = FeedForward(2, 3, 1, seed=0)
    X = rng.standard_normal((8, 4, 2))
    perm = rng.permutation(8)
    np.testing.assert_allclose(
        net.forward(X[perm])[1], net.forward(X)[1][perm], rtol=1e-12, atol=1e-12
    )
    # there is no state to start from: an h0 is refused
    # (test_the_feed_forward_net_refuses_an_initial_state)
    with pytest.raises(ValueError, match="no h0"):
        net.forward(X, h0=np.ones(3))


@pytest.mark.parametrize(
    "make",
    [lambda: JordanRNN(3, 4, 2, feedback="sigmoid", seed=1), lambda: FeedForward(3, 4, 2, seed=1)],
    ids=["jordan", "feedforward"],
)
def test_batch_equals_sequences_one_by_one(make, rng):
    net = make()
    X = rng.standard_normal((6, 5, 3))
    Hs, Y = net.forward(X)
    assert Hs.shape == (6, 5, 4) and Y.shape == (6, 5, 2)
    for n in range(5):
        Hn, Yn = net.forward(X[:, n])
        np.testing.assert_allclose(Y[:, n], Yn, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(Hs[:, n], Hn, rtol=1e-12, atol=1e-12)


def test_jordan_batched_initial_state(rng):
    net = JordanRNN(2, 3, 2, seed=0)
    X = rng.standard_normal((4, 3, 2))
    S0 = rng.standard_normal((3, 2))
    Y = net.forward(X, S0)[1]
    for n in range(3):
        np.testing.assert_allclose(
            Y[:, n], naive_jordan(net, X[:, n], S0[n])[1], rtol=1e-12, atol=1e-12
        )


def test_parameter_shapes_and_counts():
    n_in, H, n_out = 3, 5, 2
    j, ff = JordanRNN(n_in, H, n_out), FeedForward(n_in, H, n_out)
    assert {k: v.shape for k, v in j.params.items()} == {
        "W": (H, n_in),
        "D": (H, n_out),
        "B": (H,),
        "V": (n_out, H),
        "c": (n_out,),
    }
    assert {k: v.shape for k, v in ff.params.items()} == {
        "W": (H, n_in),
        "B": (H,),
        "V": (n_out, H),
        "c": (n_out,),
    }
    assert j.n_params == H * n_in + H * n_out + H + n_out * H + n_out
    assert ff.n_params == H * n_in + H + n_out * H + n_out
    assert tuple(j.params) == j.param_names and tuple(ff.params) == ff.param_names
    np.testing.assert_array_equal(j.c, 0)
    assert np.all(np.abs(j.W) <= 1 / np.sqrt(H))


def test_same_seed_same_weights_and_float32():
    a, b = JordanRNN(2, 3, 1, seed=7), JordanRNN(2, 3, 1, seed=7)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.param_names)
    assert not np.array_equal(a.W, JordanRNN(2, 3, 1, seed=8).W)
    for net in (
        JordanRNN(2, 3, 1, feedback="sigmoid", dtype="float32"),
        FeedForward(2, 3, 1, dtype=np.float32),
    ):
        Hs, Y = net.forward(np.ones((4, 2), dtype=int))
        assert Hs.dtype == np.float32 and Y.dtype == np.float32
        assert all(
            g.dtype == np.float32 for g in net.backward(np.ones((4, 2)), np.ones((4, 1))).values()
        )


def test_parameters_can_be_replaced_by_lists():
    net = JordanRNN(1, 2, 1)
    net.D = [[0.5], [-0.5]]
    assert net.D.dtype == np.float64 and net.D.shape == (2, 1)
    with pytest.raises(ValueError, match=r"JordanRNN.D must have shape \(2, 1\)"):
        net.D = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"FeedForward.V must have shape \(1, 2\)"):
        FeedForward(1, 2, 1).V = np.zeros((2, 1))


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("feedback", FEEDBACKS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_jordan_gradients_match_finite_differences(feedback, activation, rng):
    net = JordanRNN(2, 4, 3, activation=activation, feedback=feedback, seed=3)
    net.c = rng.standard_normal(3)
    X = rng.standard_normal((6, 3, 2))
    errs = rnnlib.check_gradients(net, X, h0=rng.standard_normal((3, 3)))
    assert set(errs) == set(net.param_names)
    assert max(errs.values()) < 1e-6, errs
    assert max(rnnlib.check_gradients(net, X[:, 0]).values()) < 1e-6


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_feedforward_gradients_match_finite_differences(activation, rng):
    net = FeedForward(2, 4, 3, activation=activation, seed=3)
    errs = rnnlib.check_gradients(net, rng.standard_normal((5, 3, 2)))
    assert max(errs.values()) < 1e-6, errs


def test_jordan_error_flows_back_through_the_fed_back_output(rng):
    # an error at the last output only: with D = 0 only the last step's input shapes it;
    # with feedback, earlier inputs reach the last output through s_{t-1} and BPTT must count them
    X = rng.standard_normal((4, 1))
    dY = np.zeros((4, 1))
    dY[-1] = 1.0

    def last_step_only(net, Hs):
        return (net.V[0] * (1 - Hs[-1] ** 2))[:, None] * X[-1][None, :]

    net = JordanRNN(1, 3, 1, seed=0)
    Hs, _ = net.forward(X)
    assert not np.allclose(net.backward(X, dY)["W"], last_step_only(net, Hs))
    net.D = np.zeros((3, 1))
    Hs, _ = net.forward(X)
    np.testing.assert_allclose(
        net.backward(X, dY)["W"], last_step_only(net, Hs), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(
    "make",
    [lambda: JordanRNN(2, 3, 1, feedback="sigmoid", seed=1), lambda: FeedForward(2, 3, 1, seed=1)],
    ids=["jordan", "feedforward"],
)
def test_backward_without_forward_recomputes(make, rng):
    X = rng.standard_normal((5, 2, 2))
    dY = rng.standard_normal((5, 2, 1))
    a, b = make(), make()
    a.forward(X)
    a.forward(X + 1.0)  # the cache now holds another input
    g1, g2 = a.backward(X, dY), b.backward(X, dY)
    for k in g1:
        np.testing.assert_allclose(g1[k], g2[k], rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------- training
def test_fit_trains_a_jordan_net_on_running_parity():
    X, target, mask = tasks.running_parity(12, 64, seed=1)
    Xt, tt, mt = tasks.running_parity(12, 128, seed=2)
    net = JordanRNN(1, 6, 1, feedback="sigmoid", seed=0)
    before = tasks.accuracy(net.forward(Xt)[1], tt, mt)
    hist = rnnlib.fit(
        net,
        X,
        target,
        loss="bce",
        mask=mask,
        epochs=100,
        batch_size=32,
        optimizer=rnnlib.Adam(lr=0.02),
        verbose=False,
    )
    assert hist.loss[-1] < 0.5 * hist.loss[0]
    assert before < 0.75 and tasks.accuracy(net.forward(Xt)[1], tt, mt) > 0.95


def test_fit_trains_the_feedforward_net_to_copy_the_input_but_not_to_look_back():
    net = FeedForward(1, 3, 1, seed=0)
    X, target, mask = tasks.delayed_bit(10, 32, k=0, seed=1)
    rnnlib.fit(
        net,
        X,
        target,
        loss="bce",
        mask=mask,
        epochs=100,
        optimizer=rnnlib.Adam(lr=0.05),
        verbose=False,
    )
    assert tasks.accuracy(net.forward(X)[1], target, mask) == 1.0
    X, target, mask = tasks.delayed_bit(10, 64, k=1, seed=1)
    rnnlib.fit(
        net,
        X,
        target,
        loss="bce",
        mask=mask,
        epochs=100,
        optimizer=rnnlib.Adam(lr=0.05),
        verbose=False,
    )
    assert tasks.accuracy(net.forward(X)[1], target, mask) < 0.6


# ---------------------------------------------------------------- bad input
def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="unknown feedback 'target'"):
        JordanRNN(1, 2, 1, feedback="target")
    with pytest.raises(ValueError, match="unknown activation"):
        FeedForward(1, 2, 1, activation="softsign")
    with pytest.raises(ValueError, match="n_hidden must be a positive integer"):
        JordanRNN(1, 0, 1)
    with pytest.raises(TypeError, match="n_in must be a positive integer"):
        FeedForward(1.5, 2, 1)
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        JordanRNN(1, 2, 1, dtype="int32")


def test_bad_forward_and_backward_input():
    j, ff = JordanRNN(2, 3, 1), FeedForward(2, 3, 1)
    for net in (j, ff):
        with pytest.raises(ValueError, match="features per step"):
            net.forward(np.zeros((4, 3)))
        with pytest.raises(ValueError, match="one sequence of shape"):
            net.forward(np.zeros(4))
        with pytest.raises(TypeError, match="real numbers"):
            net.forward([["a", "b"]])
        with pytest.raises(ValueError, match=r"dY must have shape \(4, 1\)"):
            net.backward(np.zeros((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"initial fed-back output s_0\) must have shape \(1,\)"):
        j.forward(
            np.zeros((4, 2)), h0=np.zeros(3)
        )  # a hidden-sized state is not the fed-back output
    j.W = np.full((3, 2), 1.0)
    j._params["V"][0, 0] = np.nan
    with pytest.raises(ValueError, match="parameter V contains NaN"):
        j.forward(np.zeros((4, 2)))


@pytest.mark.parametrize(
    "make", [lambda: JordanRNN(2, 3, 1, seed=1), lambda: FeedForward(2, 3, 1, seed=1)]
)
def test_truncate_is_refused_it_is_the_basic_rnns(make):
    """Truncated BPTT belongs to the basic RNN: backward and fit refuse truncate= at once, leaving
    the net as it was."""
    net = make()
    X, dY = np.ones((5, 2)), np.ones((5, 1))
    before = {k: v.copy() for k, v in net.params.items()}
    for k in (1, 2, 10):
        with pytest.raises(ValueError, match=r"truncate= is for rnnlib\.ElmanRNN"):
            net.backward(X, dY, truncate=k)
        with pytest.raises(ValueError, match=r"truncate= is for rnnlib\.ElmanRNN"):
            rnnlib.fit(net, X, dY, epochs=1, truncate=k, verbose=False)
        with pytest.raises(ValueError, match=r"truncate= is for rnnlib\.ElmanRNN"):
            rnnlib.fit([net, make()], X, dY, epochs=1, truncate=k, verbose=False)
    assert all(np.array_equal(before[k], v) for k, v in net.params.items())
    g = net.backward(X, dY, truncate=None)  # None is the default: full BPTT
    assert all(np.array_equal(g[k], v) for k, v in net.backward(X, dY).items())
    rnnlib.fit(net, X, dY, epochs=1, truncate=None, verbose=False)


def test_repr():
    assert repr(JordanRNN(1, 4, 1, feedback="sigmoid")) == (
        "JordanRNN(n_in=1, n_hidden=4, n_out=1, activation='tanh', feedback='sigmoid', "
        "dtype='float64')"
    )
    assert repr(FeedForward(2, 3, 1)).startswith("FeedForward(n_in=2, n_hidden=3, n_out=1")


@pytest.mark.parametrize("feedback", ["identity", "sigmoid"])
def test_fit_with_chunks_carries_the_jordan_state(feedback):
    """Training a Jordan net by pieces carries s_T = g(y_T), not the hidden layer."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 4, 2))
    net = JordanRNN(2, 5, 3, feedback=feedback, seed=1)
    Hs, Y = net.forward(X)
    s = net.final_state(*net.forward(X[:6]))
    np.testing.assert_allclose(net.forward(X[6:], s)[1], Y[6:], rtol=1e-12, atol=1e-12)
    hist = rnnlib.fit(net, X, np.zeros((12, 4, 3)), epochs=2, chunk=6, verbose=False)
    assert len(hist.step_loss) == 4


def test_feedforward_chunks_train():
    rng = np.random.default_rng(1)
    net = FeedForward(2, 3, 1)
    hist = rnnlib.fit(
        net, rng.standard_normal((10, 2, 2)), np.zeros((10, 2, 1)), epochs=1, chunk=5, verbose=False
    )
    assert len(hist.step_loss) == 2


@pytest.mark.parametrize("make", [lambda: FeedForward(2, 3, 1), lambda: JordanRNN(2, 3, 1)])
def test_backward_sees_inputs_edited_in_place_after_forward(make):
    rng = np.random.default_rng(5)
    net = make()
    X, dY = rng.standard_normal((5, 2)), rng.standard_normal((5, 1))
    net.forward(X)
    X[1] += 1.0  # same array, new contents
    fresh = make().backward(X, dY)
    got = net.backward(X, dY)
    for k in fresh:
        np.testing.assert_allclose(got[k], fresh[k], rtol=1e-12, atol=1e-12)


def test_the_feed_forward_net_refuses_an_initial_state():
    """A feed-forward net carries no state: h0 is refused with a clear error, never ignored."""
    net = rnnlib.FeedForward(1, 3, 1, seed=0)
    X = np.ones((4, 2, 1))
    for refused_call in (
        lambda: net.forward(X, h0=np.zeros((2, 3))),
        lambda: net.backward(X, np.ones((4, 2, 1)), h0=np.zeros((2, 3))),
        lambda: rnnlib.fit(
            net, X, np.ones((4, 2, 1)), h0=np.zeros((2, 3)), epochs=1, verbose=False
        ),
        lambda: rnnlib.fit(
            [net, rnnlib.FeedForward(1, 3, 1, seed=1)],
            X,
            np.ones((4, 2, 1)),
            h0=np.zeros((2, 3)),
            epochs=1,
            verbose=False,
        ),
    ):
        with pytest.raises(ValueError, match="FeedForward carries no state"):
            refused_call()
    Hs, Y = net.forward(X, h0=None)  # None is fine: nothing to start from
    assert Hs.shape == (4, 2, 3)


# ------------------------------------------ properties: random arguments (helpers.call)
@st.composite
def baseline_args(draw):
    n_in, H, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    act, seed = draw(st.sampled_from(ACTIVATION_NAMES)), draw(st.integers(0, 3))
    if draw(st.booleans()):
        net = rnnlib.FeedForward(n_in, H, n_out, activation=act, seed=seed)
    else:
        net = rnnlib.JordanRNN(
            n_in,
            H,
            n_out,
            activation=act,
            seed=seed,
            feedback=draw(st.sampled_from(["identity", "sigmoid"])),
        )
    X = draw(sequences_for(net))
    N = np.shape(X)[1] if np.ndim(X) == 3 else 1
    state = n_out if isinstance(net, rnnlib.JordanRNN) else H
    h0 = draw(
        st.one_of(st.none(), mostly(arrays(shape=(state,)), arrays(shape=(N + 1, state + 1))))
    )
    return net, X, h0


@given(baseline_args())
def test_baselines_forward(args):
    net, X, h0 = args
    out = call(net.forward, X, h0, names=["X", "h0"])
    if out is REFUSED:
        return
    f = REFERENCE_ACTIVATIONS[net.activation]
    x = numeric(X)
    W, B, V, c = (numeric(getattr(net, k)) for k in "WBVc")
    if isinstance(net, rnnlib.FeedForward):
        ref_H = f(x @ W.T + B)
    else:
        g = (lambda y: y) if net.feedback == "identity" else REFERENCE_ACTIVATIONS["sigmoid"]
        s_prev = (
            np.zeros(x.shape[1:-1] + (net.n_out,))
            if h0 is None
            else np.broadcast_to(numeric(h0), x.shape[1:-1] + (net.n_out,))
        )
        ref_H = []
        for xt in x:
            h = f(xt @ W.T + s_prev @ numeric(net.D).T + B)
            ref_H.append(h)
            s_prev = g(h @ V.T + c)
        ref_H = np.array(ref_H)
    np.testing.assert_allclose(out[0], ref_H, atol=1e-12)
    np.testing.assert_allclose(out[1], ref_H @ V.T + c, atol=1e-12)
