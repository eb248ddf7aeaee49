"""Gradient checking by central finite differences (chapter 05).

Backpropagation through time is easy to get subtly wrong; comparing it with
(L(p + eps) - L(p - eps)) / (2 eps), one parameter entry at a time, is the
standard test. Use float64 models: float32 rounding swamps the comparison.
"""

import inspect
import numbers
from collections.abc import Mapping

import numpy as np

from ._checks import as_float_array, check_instance, check_seed
from .model import Model


def relative_error(a, b):
    """||a - b|| / max(||a|| + ||b||, 1e-300): 0 for equal arrays, 1 for opposite ones (chapter
    05)."""
    a, b = as_float_array("a", a), as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have one shape (relative_error compares arrays of one shape), "
            f"got {a.shape} and {b.shape}"
        )
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def _loss_value(value):
    """The number a loss function returned, or a clear error (chapter 05)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"loss_fn must return one real number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"loss_fn returned {value}; finite differences need a finite loss")
    return float(value)


def _check_eps(eps):
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real):
        raise TypeError(
            f"eps must be a small positive number such as 1e-6, got {eps!r} ({type(eps).__name__})"
        )
    if not 0 < eps < 1:
        raise ValueError(f"eps must be a small positive number such as 1e-6, got {eps!r}")
    return float(eps)


def numerical_gradients(loss_fn, params, eps=1e-6):
    """Central-difference gradient of ``loss_fn()`` with respect to each array in ``params``.

    ``params`` is a dict name -> float array that ``loss_fn`` reads; entries
    are perturbed in place and restored (chapter 05): also when ``loss_fn``
    raises or the run is interrupted (Ctrl-C), every entry is put back as it
    was before the exception goes on. Returns a dict of new arrays of the same
    shapes.
    """
    if not callable(loss_fn):
        raise TypeError(
            f"loss_fn must be a function of no arguments returning the loss, "
            f"got {type(loss_fn).__name__}"
        )
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict name -> float array, got {type(params).__name__}")
    eps = _check_eps(eps)
    for name, p in params.items():
        if not (isinstance(p, np.ndarray) and p.dtype.kind == "f"):
            raise TypeError(
                f"parameter {name} must be a float numpy array (it is perturbed in place), "
                f"got {type(p).__name__} of dtype {getattr(p, 'dtype', None)}"
            )
        if not p.flags.writeable:
            raise ValueError(
                f"parameter {name} must be a writeable array (it is perturbed in place), "
                "got a read-only one"
            )
    grads = {}
    for name, p in params.items():
        g = np.zeros(p.shape)
        for idx in np.ndindex(p.shape):
            old = p[idx].copy()
            try:
                p[idx] = old + eps
                up = _loss_value(loss_fn())
                p[idx] = old - eps
                down = _loss_value(loss_fn())
            finally:  # also on an exception or KeyboardInterrupt: leave the parameter as it was
                p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def check_gradients(model, X, dY=None, h0=None, eps=1e-6, seed=0, **backward_kw):
    """Compare ``model.backward`` with finite differences (chapter 05).

    The scalar checked is sum(dY * Y), with ``dY`` random (seeded) unless
    given, which is exactly what ``backward`` differentiates. Returns a dict
    name -> relative error (see ``relative_error``).
    """
    check_instance("model", model, Model, "an rnnlib network (ElmanRNN, JordanRNN or FeedForward)")
    if model.dtype != np.float64:
        raise TypeError(
            "model must be a float64 network for check_gradients, got float32: "
            "float32 rounding hides real errors"
        )
    seed = check_seed("seed", seed)
    eps = _check_eps(eps)
    accepted = inspect.signature(model.backward).parameters
    unknown = sorted(set(backward_kw) - set(accepted))
    if unknown:
        raise TypeError(
            f"{type(model).__name__}.backward takes no option(s) {', '.join(unknown)}; "
            f"its options: {', '.join(k for k in accepted if k not in ('X', 'dY', 'h0')) or 'none'}"
        )
    _, Y = model.forward(X, h0)
    if dY is None:
        dY = np.random.default_rng(seed).standard_normal(Y.shape)
    dY = as_float_array("dY", dY)
    analytic = model.backward(X, dY, h0, **backward_kw)

    def loss():
        return float(np.sum(dY * model.forward(X, h0)[1]))

    numeric = numerical_gradients(loss, model.params, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in model.param_names}
