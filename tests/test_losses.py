"""rnnlib/losses.py: mse, bce_with_logits and softmax_cross_entropy, their gradients and checks
(chapter 05)."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib
from helpers import REFUSED, arrays, bits, call, good_kind_of, mostly, numeric, shapes, weights
from rnnlib.gradcheck import numerical_gradients, relative_error


# ------------------------------------------------------------------------------- misuse
@pytest.mark.parametrize("fn", [rnnlib.mse, rnnlib.bce_with_logits, rnnlib.softmax_cross_entropy])
def test_losses_refuse_scalars_and_bad_shapes_in_their_own_words(fn):
    with pytest.raises(ValueError, match="Y must be outputs of shape"):
        fn(1.0, 1.0)
    with pytest.raises(ValueError):
        fn(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(TypeError, match="real numbers"):
        fn([["a", "b"]], [[0, 1]])


def test_softmax_targets_must_be_probability_rows():
    with pytest.raises(ValueError, match="probabilities"):
        rnnlib.softmax_cross_entropy(np.zeros((3, 2)), np.full((3, 2), 0.9))


# --------------------------------------------------------- values, gradients and checks
@pytest.mark.parametrize("name", ["mse", "bce", "cross_entropy"])
def test_loss_gradients_match_finite_differences(name, rng):
    Y = rng.standard_normal((4, 3, 5))
    if name == "mse":
        target = rng.standard_normal(Y.shape)
    elif name == "bce":
        target = (rng.random(Y.shape) > 0.5).astype(float)
    else:
        target = rng.integers(0, 5, size=(4, 3))
    mask = (rng.random((4, 3)) > 0.3).astype(float)
    fn = rnnlib.LOSSES[name]
    _, dY = fn(Y, target, mask)
    num = numerical_gradients(lambda: fn(Y, target, mask)[0], {"Y": Y})["Y"]
    assert relative_error(dY, num) < 1e-7


def test_loss_values():
    assert rnnlib.mse([[1.0], [3.0]], [[0.0], [1.0]])[0] == pytest.approx(2.5)
    assert rnnlib.bce_with_logits([[0.0]], [[1.0]])[0] == pytest.approx(np.log(2))
    assert rnnlib.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))[0] == pytest.approx(
        np.log(4)
    )
    # the mask leaves steps out of the mean
    assert rnnlib.mse([[5.0], [1.0]], [[0.0], [0.0]], mask=[0, 1])[0] == pytest.approx(1.0)


def test_bad_loss_input():
    with pytest.raises(ValueError, match=r"target must have shape \(2, 1\)"):
        rnnlib.mse(np.zeros((2, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="targets must lie in"):
        rnnlib.bce_with_logits(np.zeros((2, 1)), np.full((2, 1), 2.0))
    with pytest.raises(ValueError, match="class labels must be integers"):
        rnnlib.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="mask must have shape"):
        rnnlib.mse(np.zeros((2, 1)), np.zeros((2, 1)), mask=[1, 1, 1])
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        rnnlib.fit(
            rnnlib.ElmanRNN(1, 2, 1), np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge", epochs=1
        )


def test_softmax_cross_entropy_with_probability_targets(rng):
    Y = rng.standard_normal((4, 3, 5))
    P = rng.random((4, 3, 5))
    P /= P.sum(axis=-1, keepdims=True)
    loss, dY = rnnlib.softmax_cross_entropy(Y, P)
    logq = Y - np.log(np.exp(Y).sum(axis=-1, keepdims=True))
    assert loss == pytest.approx(-(P * logq).sum() / 12, rel=1e-12)
    np.testing.assert_allclose(dY, (np.exp(logq) - P) / 12, rtol=1e-12, atol=1e-15)
    num = numerical_gradients(lambda: rnnlib.softmax_cross_entropy(Y, P)[0], {"Y": Y})["Y"]
    assert relative_error(dY, num) < 1e-7
    # one-hot rows are the same as integer labels
    labels = rng.integers(0, 5, size=(4, 3))
    a, b = (
        rnnlib.softmax_cross_entropy(Y, labels),
        rnnlib.softmax_cross_entropy(Y, np.eye(5)[labels]),
    )
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-14)


def test_softmax_cross_entropy_checks_its_targets_in_its_own_words():
    Y = np.zeros((3, 2, 4))
    with pytest.raises(
        ValueError,
        match=r"class labels must be integers in \[0, 4\), got dtype float64 outside that",
    ):
        rnnlib.softmax_cross_entropy(Y, np.zeros((3, 2)))
    with pytest.raises(
        ValueError, match=r"class labels must be integers in \[0, 4\), got values outside that"
    ):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2), 4))
    with pytest.raises(ValueError, match="target rows must be probabilities"):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 4), 0.3))  # rows sum to 1.2
    bad = np.full((3, 2, 4), 0.25)
    bad[0, 0] = [0.75, 0.5, -0.25, 0.0]  # sums to 1, one negative
    with pytest.raises(ValueError, match="target rows must be probabilities"):
        rnnlib.softmax_cross_entropy(Y, bad)
    with pytest.raises(ValueError, match=r"target must have shape \(3, 2, 4\)"):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 2), 0.5))
    # uniform rows against equal logits: ln 4, whether given as rows or as (float) one-hot rows
    assert rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 4), 0.25))[0] == pytest.approx(
        np.log(4), rel=1e-14
    )


def test_softmax_cross_entropy_is_stable_for_large_logits():
    """Each row is shifted by its own maximum: logits of +-800 (and a row far below the others)
    neither overflow nor underflow."""
    Y = np.array([[800.0, 0.0], [0.0, 800.0], [-800.0, -1000.0]])
    loss, dY = rnnlib.softmax_cross_entropy(Y, np.array([0, 0, 0]))
    assert loss == pytest.approx(800.0 / 3, rel=1e-12)  # (0 + 800 + 0) / 3
    np.testing.assert_allclose(
        dY, [[0.0, 0.0], [-1 / 3, 1 / 3], [0.0, 0.0]], atol=1e-15
    )  # (softmax - one-hot) / 3


@pytest.mark.parametrize("name", ["mse", "bce", "cross_entropy"])
def test_public_losses_with_a_mask_count_only_the_kept_steps(name, rng):
    """loss(Y, t, mask) of 0/1 weights equals the loss over the kept steps alone, with several
    outputs and sequences; the gradient is zero on the dropped steps. An all-zero mask is
    refused."""
    fn = {
        "mse": rnnlib.mse,
        "bce": rnnlib.bce_with_logits,
        "cross_entropy": rnnlib.softmax_cross_entropy,
    }[name]
    Y = rng.standard_normal((5, 3, 4))
    if name == "cross_entropy":
        t = rng.integers(0, 4, size=(5, 3))
    else:
        t = rng.random((5, 3, 4)) if name == "bce" else rng.standard_normal((5, 3, 4))
    mask = np.ones((5, 3))
    mask[1, 0] = mask[3, 2] = mask[4, 1] = 0
    keep = mask.astype(bool)
    loss, dY = fn(Y, t, mask)
    alone, dkept = fn(Y[keep], t[keep])  # the kept steps as one (K, O) sequence
    assert loss == pytest.approx(alone, rel=1e-12)
    np.testing.assert_allclose(dY[keep], dkept, rtol=1e-12, atol=1e-15)
    assert not dY[~keep].any()
    with pytest.raises(ValueError, match="mask leaves no time step to count"):
        fn(Y, t, np.zeros((5, 3)))


def test_mse_and_bce_average_over_the_output_units():
    Y = np.array([[[1.0, 2.0, 3.0]]])  # T = 1, N = 1, O = 3
    assert rnnlib.mse(Y, np.zeros_like(Y))[0] == pytest.approx(14 / 3, rel=1e-14)
    assert rnnlib.bce_with_logits(np.zeros((2, 3)), np.ones((2, 3)))[0] == pytest.approx(
        np.log(2), rel=1e-14
    )


# ------------------------------------------ properties: random arguments (helpers.call)
@st.composite
def loss_args(draw):
    shape = draw(
        mostly(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3), shapes(max_dims=3))
    )
    Y = draw(arrays(shape=shape))
    one_hot = (
        hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, max(shape[-1] - 1, 0))).map(
            lambda labels: np.eye(shape[-1])[labels]
        )
        if shape and shape[-1]
        else bits(shape)
    )
    target = draw(mostly(good_kind_of(st.one_of(bits(shape), one_hot)), arrays(max_dims=3)))
    mask = draw(st.one_of(st.none(), mostly(weights(shape[:-1]), arrays(max_dims=2))))
    return Y, target, mask


@given(args=loss_args(), which=st.sampled_from(["mse", "bce", "cross_entropy"]))
@example(args=(np.zeros((0, 2)), np.zeros((0, 2)), None), which="mse")  # no time step
@example(args=(np.zeros((2, 0)), np.zeros((2, 0)), None), which="bce")  # no output unit
@example(
    args=(np.zeros((1, 0, 1)), np.zeros((1, 0, 1)), None), which="cross_entropy"
)  # no sequence
def test_losses(args, which):
    Y, target, mask = args
    out = call(rnnlib.LOSSES[which], Y, target, mask, names=["Y", "target", "mask", "class labels"])
    if out is REFUSED:
        return
    value, dY = out
    y, t = numeric(Y), numeric(target)
    w = np.ones(y.shape[:-1]) if mask is None else numeric(mask)
    if which == "mse":
        ref = np.sum(w[..., None] * (y - t) ** 2) / (w.sum() * y.shape[-1])
    elif which == "bce":
        p = 1 / (1 + np.exp(-y))
        ref = np.sum(w[..., None] * -(t * np.log(p) + (1 - t) * np.log1p(-p))) / (
            w.sum() * y.shape[-1]
        )
    else:
        if t.shape == y.shape[:-1]:
            t = np.eye(y.shape[-1])[t.astype(int)]
        logp = y - np.log(np.exp(y).sum(-1, keepdims=True))
        ref = -np.sum(w[..., None] * t * logp) / w.sum()
    assert value == pytest.approx(ref, rel=1e-9, abs=1e-12) and dY.shape == y.shape
