"""Hidden-layer activation functions f of the formula h_t = f(W x_t + D h_{t-1} + B).

Chapter 02 compares tanh and ReLU; sigmoid is the squashing function of the
original Elman (1990) network (chapter 06). Each activation is stored as a pair:
an in-place forward ``f(a, out)`` and its derivative ``f_grad(h, out=None)``
written in terms of the *output* h = f(a), which is all that backpropagation
through time needs (chapter 05), so pre-activations never have to be kept.

tanh and sigmoid come from ``rnnlib.exact`` (the same digits on every machine);
``get_activation(name, exact=False)`` gives numpy's faster ``np.tanh`` instead,
whose last bit depends on the CPU. ReLU and the derivatives use only + - * and
comparisons, which are the same everywhere.
"""
import numpy as np

from . import exact as _exact
from ._checks import as_float_array, check_choice


def _np_tanh(a, out):
    return np.tanh(a, out=out)


def _np_sigmoid(a, out):
    # sigmoid(a) = (1 + tanh(a / 2)) / 2, computed in place
    np.multiply(a, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _tanh_grad(h, out=None):
    # tanh' = 1 - h^2
    out = np.multiply(h, h, out=out)
    return np.subtract(1.0, out, out=out)


def _relu(a, out):
    return np.maximum(a, 0.0, out=out)


def _relu_grad(h, out=None):
    # relu' = 1 where h > 0, else 0
    if out is None:
        return (h > 0).astype(h.dtype)
    return np.greater(h, 0.0, out=out)


def _sigmoid_grad(h, out=None):
    # sigmoid' = h (1 - h)
    out = np.subtract(1.0, h, out=out)
    return np.multiply(h, out, out=out)


ACTIVATIONS = {
    "tanh": (_exact.tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "sigmoid": (_exact.sigmoid, _sigmoid_grad),
}
_FAST = {"tanh": (_np_tanh, _tanh_grad), "relu": ACTIVATIONS["relu"], "sigmoid": (_np_sigmoid, _sigmoid_grad)}


def get_activation(name, exact=True):
    """Return ``(f, f_grad_from_output)`` for ``name`` in ``ACTIVATIONS`` (chapter 02).

    ``exact=False`` gives numpy's tanh (faster, last bit machine-dependent).
    """
    check_choice("activation", name, tuple(ACTIVATIONS))
    return (ACTIVATIONS if exact else _FAST)[name]


def sigmoid(a, out=None):
    """The logistic function 1 / (1 + exp(-a)) = (1 + tanh(a/2)) / 2, the same on every machine.

    Elman's (1990) units (chapter 06), the Jordan network's fed-back bits
    (chapter 03) and the probabilities of ``bce_with_logits`` (chapter 05).
    ``out`` may be ``a`` itself (in place).
    """
    return _exact.sigmoid(np.asarray(a, dtype=float) if out is None else a, out=out)


def activate(name, a):
    """Apply the activation ``name`` to an array ``a`` and return a new array (chapter 02)."""
    f, _ = get_activation(name)
    a = as_float_array("a", a)
    return f(a, np.empty_like(a))
