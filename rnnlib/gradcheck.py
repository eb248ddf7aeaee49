"""Gradient checking by central finite differences (chapter 05).

Backpropagation through time is easy to get subtly wrong; comparing it with
(L(p + eps) - L(p - eps)) / (2 eps), one parameter entry at a time, is the
standard test. Use float64 models: float32 rounding swamps the comparison.
"""
import numpy as np

from ._checks import as_float_array


def relative_error(a, b):
    """||a - b|| / max(||a|| + ||b||, 1e-300): 0 for equal arrays, 1 for opposite ones (chapter 05)."""
    a, b = as_float_array("a", a), as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"relative_error compares arrays of one shape, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def numerical_gradients(loss_fn, params, eps=1e-6):
    """Central-difference gradient of ``loss_fn()`` with respect to each array in ``params``.

    ``params`` is a dict name -> float array that ``loss_fn`` reads; entries
    are perturbed in place and restored (chapter 05). Returns a dict of arrays
    of the same shapes.
    """
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.floating)) or not 0 < eps < 1:
        raise ValueError(f"eps must be a small positive number such as 1e-6, got {eps!r}")
    for name, p in params.items():
        if not (isinstance(p, np.ndarray) and p.dtype.kind == "f"):
            raise TypeError(f"parameter {name} must be a float numpy array (it is perturbed in place), "
                            f"got {type(p).__name__} of dtype {getattr(p, 'dtype', None)}")
    grads = {}
    for name, p in params.items():
        g = np.zeros(p.shape)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = loss_fn()
            p[idx] = old - eps
            down = loss_fn()
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
    if getattr(model, "dtype", np.float64) != np.float64:
        raise TypeError("check_gradients needs a float64 model; float32 rounding hides real errors")
    _, Y = model.forward(X, h0)
    if dY is None:
        dY = np.random.default_rng(seed).standard_normal(Y.shape)
    dY = as_float_array("dY", dY)
    analytic = model.backward(X, dY, h0, **backward_kw)

    def loss():
        return float(np.sum(dY * model.forward(X, h0)[1]))

    numeric = numerical_gradients(loss, model.params, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in model.param_names}
