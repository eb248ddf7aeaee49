"""Losses for sequence outputs (chapter 05): each returns ``(loss, dY)``.

``Y`` are the network outputs (T, [N,] O) and ``target`` the wanted values of
the same shape (for ``softmax_cross_entropy`` also integer class labels of
shape (T, [N])). ``mask`` (T,) or (T, N), optional, weights the time steps:
0 leaves a step out, e.g. the first steps of a task whose target looks back
further than the sequence has gone. Losses are means over the counted steps,
and ``dY`` is the gradient of that mean, ready for ``ElmanRNN.backward``.
"""
import numpy as np

from ._checks import as_float_array, check_shape
from .activations import sigmoid


def _prepare(Y, target, mask, name="target"):
    Y = as_float_array("Y", Y)
    target = as_float_array(name, target)
    check_shape(name, target, Y.shape)
    return Y, target, _weights(mask, Y.shape[:-1])


def _weights(mask, steps_shape):
    """The mask as non-negative weights of shape (T, [N]); ones when None."""
    if mask is None:
        return np.ones(steps_shape)
    w = as_float_array("mask", mask)
    if w.shape != steps_shape:
        raise ValueError(f"mask must have shape {steps_shape} (one weight per time step and sequence), got {w.shape}")
    if np.any(w < 0):
        raise ValueError("mask must not be negative (0 leaves a step out, 1 counts it)")
    if w.sum() <= 0:
        raise ValueError("mask leaves no time step to count")
    return w


def mse(Y, target, mask=None):
    """Mean squared error over counted steps and output units (chapter 05)."""
    Y, target, w = _prepare(Y, target, mask)
    diff = Y - target
    n = w.sum() * Y.shape[-1]
    loss = float(np.sum(w[..., None] * diff ** 2) / n)
    return loss, (2.0 / n) * w[..., None] * diff


def bce_with_logits(Y, target, mask=None):
    """Binary cross-entropy of sigmoid(Y) against 0/1 targets, from logits (chapter 03).

    Computed stably: log(1 + exp(-|y|)) + max(y, 0) - y * target.
    """
    Y, target, w = _prepare(Y, target, mask)
    if np.any((target < 0) | (target > 1)):
        raise ValueError("bce_with_logits: targets must lie in [0, 1]")
    n = w.sum() * Y.shape[-1]
    per = np.logaddexp(0.0, -np.abs(Y)) + np.maximum(Y, 0.0) - Y * target
    p = sigmoid(Y)
    return float(np.sum(w[..., None] * per) / n), w[..., None] * (p - target) / n


def softmax_cross_entropy(Y, target, mask=None):
    """Cross-entropy of softmax(Y) against class labels or probability rows (chapter 06).

    ``target`` is either integer labels of shape Y.shape[:-1] or rows of
    probabilities of Y's shape. The loss is the mean over counted steps.
    """
    Y = as_float_array("Y", Y)
    t = np.asarray(target)
    if t.shape == Y.shape[:-1]:
        if t.dtype.kind not in "iu" or np.any((t < 0) | (t >= Y.shape[-1])):
            raise ValueError(f"class labels must be integers in [0, {Y.shape[-1]})")
        t = np.eye(Y.shape[-1])[t]
    t = as_float_array("target", t)
    check_shape("target", t, Y.shape)
    w = _weights(mask, Y.shape[:-1])
    logp = Y - Y.max(axis=-1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(axis=-1, keepdims=True))
    n = w.sum()
    return float(-np.sum(w[..., None] * t * logp) / n), w[..., None] * (np.exp(logp) - t) / n


LOSSES = {"mse": mse, "bce": bce_with_logits, "cross_entropy": softmax_cross_entropy}
