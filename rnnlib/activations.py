"""Hidden-layer activation functions f of the formula h_t = f(W x_t + D h_{t-1} + B).

Chapter 02 compares tanh and ReLU; sigmoid is the squashing function of the
original Elman (1990) network (chapter 06). Each activation is stored as a pair:
an in-place forward ``f(a, out)`` and its derivative ``f_grad(h, out=None)``
written in terms of the *output* h = f(a), which is all that backpropagation
through time needs (chapter 05), so pre-activations never have to be kept.

tanh and sigmoid come from ``rnnlib.portable`` (the same digits on every
machine); a network's forward pass applies f through its ``arithmetic``
(``rnnlib/arithmetic.py``), which may use numpy's ``np.tanh`` instead
(``reproducible=False``). ReLU and the derivatives use only + - * and
comparisons, which are the same everywhere.
"""

import numpy as np

from . import portable
from ._checks import as_float_array, check_choice


def _tanh_grad(h, out=None):
    # tanh' = 1 - h^2
    out = np.multiply(h, h, out=out)
    return np.subtract(1.0, out, out=out)


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
    "tanh": (portable.tanh, _tanh_grad),
    "relu": (portable.relu, _relu_grad),
    "sigmoid": (portable.sigmoid, _sigmoid_grad),
}


def get_activation(name):
    """Return ``(f, f_grad_from_output)`` for ``name`` in ``ACTIVATIONS`` (chapter 02), portable."""
    check_choice("activation", name, tuple(ACTIVATIONS))
    return ACTIVATIONS[name]


def sigmoid(a, out=None):
    """The logistic function 1 / (1 + exp(-a)) = (1 + tanh(a/2)) / 2, the same on every machine.

    Elman's (1990) units (chapter 06), the Jordan network's fed-back bits
    (chapter 03) and the probabilities of ``bce_with_logits`` (chapter 05).
    ``out`` may be ``a`` itself (in place).
    """
    return portable.sigmoid(np.asarray(a, dtype=float) if out is None else a, out=out)


def activate(name, a):
    """Apply the activation ``name`` to an array ``a`` and return a new array (chapter 02)."""
    f, _ = get_activation(name)
    a = as_float_array("a", a)
    return f(a, np.empty_like(a))
