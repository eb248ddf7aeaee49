"""Losses for sequence outputs (chapter 05): each returns ``(loss, dY)``.

``Y`` are the network outputs (T, [N,] O) and ``target`` the wanted values of
the same shape (for ``softmax_cross_entropy`` also integer class labels of
shape (T, [N])). ``mask`` (T,) or (T, N), optional, weights the time steps:
0 leaves a step out, e.g. the first steps of a task whose target looks back
further than the sequence has gone. Losses are means over the counted steps,
and ``dY`` is the gradient of that mean, ready for ``ElmanRNN.backward``.

Each loss and its gradient are computed together in one pass (``_mse``,
``_bce``, ``_cross_entropy``) on arrays in the state layout of
``rnnlib.model``, (T, [S,] O, N) with weights (T, [S,] N); ``rnnlib.fit``
checks its data once and then calls these directly. The gradients (which feed
training) use only the portable arithmetic (``rnnlib.portable``, through
``rnnlib.arithmetic.REPRODUCIBLE``); the loss values, which are only reported,
use numpy's log.
"""

import numpy as np

from ._checks import as_float_array, check_shape
from .arithmetic import REPRODUCIBLE as _ARITH
from .arithmetic import steps_flat
from .model import state_layout


def _check_outputs(Y):
    """Y as a float array of outputs (T, O) or (T, N, O) with at least one step and one output."""
    Y = as_float_array("Y", Y)
    if Y.ndim not in (2, 3) or 0 in Y.shape:
        raise ValueError(
            f"Y must be outputs of shape (T, O) or (T, N, O) with at least one time step, "
            f"sequence and output, got shape {Y.shape}"
        )
    return Y


def _prepare(Y, target, mask, name="target"):
    Y = _check_outputs(Y)
    target = as_float_array(name, target)
    check_shape(name, target, Y.shape)
    return Y, target, _weights(mask, Y.shape[:-1])


def _weights(mask, steps_shape):
    """The mask as non-negative weights of shape (T, [N]); ones when None."""
    if mask is None:
        return np.ones(steps_shape)
    w = as_float_array("mask", mask)
    if w.shape != steps_shape:
        raise ValueError(
            f"mask must have shape {steps_shape} (one weight per time step and sequence), got "
            f"{w.shape}"
        )
    if np.any(w < 0):
        raise ValueError("mask must not be negative (0 leaves a step out, 1 counts it)")
    if w.sum() <= 0:
        raise ValueError("mask leaves no time step to count")
    return w


def _total(A):
    """Sum of a (T, [S,] O, N) array over steps, sequences and units: a number, or one per stacked
    network."""
    return _ARITH.total(_ARITH.total(steps_flat(A)))


def _count(w):
    """Sum of the weights (T, [S,] N): how many steps count, per stacked network."""
    return _total(w[..., None, :])


def _per_network(n):
    """A per-network number ([S],) shaped to broadcast against (T, [S,] O, N)."""
    return np.reshape(n, np.shape(n) + (1, 1))


def _new(name, shape, dtype):
    """A new array: where the fused losses put their results outside ``fit``, which passes its
    ``Workspace.empty`` instead (``rnnlib.model``: last update's arrays, reused)."""
    return np.empty(shape, dtype)


def _out(empty, name, *operands):
    """``empty``'s array ``name`` for the result of an elementwise operation on ``operands``
    (numpy's result shape and dtype, so the numbers are those of the operation without ``out``)."""
    return empty(
        name, np.broadcast_shapes(*(np.shape(a) for a in operands)), np.result_type(*operands)
    )


def _mse(Y, target, w, empty=_new):
    """Mean squared error and its gradient in one pass (chapter 05)."""
    wt = w[..., None, :]
    diff = np.subtract(Y, target, out=_out(empty, "diff", Y, target))
    n = _count(w) * Y.shape[-2]
    wd = np.multiply(diff, wt, out=_out(empty, "dY", diff, wt))
    loss = _total(np.multiply(wd, diff, out=_out(empty, "square", wd, diff))) / n
    wd *= _per_network(2.0 / n)
    return loss, wd


def _bce(Y, target, w, empty=_new):
    """Binary cross-entropy of sigmoid(Y) from logits and its gradient (sigmoid(Y) - target) / n
    (chapter 03)."""
    n = _count(w) * Y.shape[-2]
    soft = np.abs(Y, out=_out(empty, "soft", Y))
    np.negative(soft, out=soft)
    np.log1p(
        np.exp(soft, out=soft), out=soft
    )  # log(1 + exp(-|y|)): only reported, so numpy's exp and log
    per = np.add(soft, np.maximum(Y, 0.0, out=_out(empty, "relu", Y)), out=soft)
    yt = np.multiply(Y, target, out=_out(empty, "yt", Y, target))
    per = np.subtract(per, yt, out=_out(empty, "per", per, yt))
    per *= w[..., None, :]
    dY = _ARITH.activate("sigmoid", Y, _out(empty, "dY", Y))
    dY -= target
    dY *= w[..., None, :]
    dY *= _per_network(1.0 / n)
    return _total(per) / n, dY


def _cross_entropy(Y, target, w, empty=_new):
    """Cross-entropy of softmax(Y) against probability rows and its gradient (softmax(Y) - target) /
    n."""
    n = _count(w)
    z = np.subtract(Y, Y.max(axis=-2, keepdims=True), out=_out(empty, "z", Y))
    e = _ARITH.exp(z, out=empty("dY", z.shape, np.float64))
    total = _ARITH.sum_rows(e)
    per = np.subtract(np.log(total), z, out=_out(empty, "per", total, z))
    per *= target
    per *= w[..., None, :]
    e /= total  # softmax(Y)
    e -= target
    e *= w[..., None, :]
    e *= _per_network(1.0 / n)
    return _total(per) / n, e


def _in_state_layout(fused, Y, target, w):
    """Run a fused loss on the book's (T, [N,] O) arrays: returns (loss, dY) in that layout."""
    T = Y.shape[0]
    Y3, t3 = Y.reshape(T, -1, Y.shape[-1]), target.reshape(T, -1, Y.shape[-1])
    loss, dY = fused(state_layout(Y3), state_layout(t3), w.reshape(T, -1))
    return float(loss), state_layout(dY).reshape(Y.shape)


def mse(Y, target, mask=None):
    """Mean squared error over counted steps and output units (chapter 05)."""
    Y, target, w = _prepare(Y, target, mask)
    return _in_state_layout(_mse, Y, target, w)


def bce_with_logits(Y, target, mask=None):
    """Binary cross-entropy of sigmoid(Y) against targets in [0, 1], from logits (chapter 03).

    Computed stably: log(1 + exp(-|y|)) + max(y, 0) - y * target.
    """
    Y, target, w = _prepare(Y, target, mask)
    check_unit_interval(target)
    return _in_state_layout(_bce, Y, target, w)


def check_unit_interval(target):
    """Targets of the binary cross-entropy are probabilities: refuse values outside [0, 1]."""
    if np.any((target < 0) | (target > 1)):
        raise ValueError("bce_with_logits: targets must lie in [0, 1]")


def class_rows(Y_shape, target):
    """Targets of the softmax cross-entropy as rows of probabilities of shape ``Y_shape`` (chapter
    08).

    Integer labels of shape ``Y_shape[:-1]`` become one-hot rows; rows of
    probabilities (non-negative, summing to 1) are checked and returned as floats.
    """
    t = np.asarray(target)
    n_classes = Y_shape[-1]
    if t.shape == tuple(Y_shape[:-1]):
        if t.dtype.kind not in "iu" or np.any((t < 0) | (t >= n_classes)):
            raise ValueError(
                f"class labels must be integers in [0, {n_classes}), "
                f"got {'values' if t.dtype.kind in 'iu' else 'dtype ' + str(t.dtype)} outside that"
            )
        return np.eye(n_classes)[t]
    t = as_float_array("target", t)
    check_shape("target", t, tuple(Y_shape))
    if np.any(t < 0) or not np.allclose(t.sum(axis=-1), 1.0, rtol=0, atol=1e-6):
        raise ValueError("target rows must be probabilities: non-negative, each row summing to 1")
    return t


def softmax_cross_entropy(Y, target, mask=None):
    """Cross-entropy of softmax(Y) against class labels or probability rows (chapters 05, 08).

    ``target`` is either integer labels of shape Y.shape[:-1] or rows of
    probabilities of Y's shape. The loss is the mean over counted steps.
    """
    Y = _check_outputs(Y)
    t = class_rows(Y.shape, target)
    return _in_state_layout(_cross_entropy, Y, t, _weights(mask, Y.shape[:-1]))


LOSSES = {"mse": mse, "bce": bce_with_logits, "cross_entropy": softmax_cross_entropy}
FUSED = {mse: _mse, bce_with_logits: _bce, softmax_cross_entropy: _cross_entropy}
