"""Optimisers and gradient clipping (chapter 05).

An optimiser updates the arrays of ``model.params`` in place from a dict of
gradients with the same keys, so it works for any rnnlib model.
"""
import numpy as np


def _check_rate(name, value, upper=None):
    """A finite number in [0, upper) (or >= 0): learning rates, momenta, norms."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (upper is not None and value >= upper):
        bound = f"in [0, {upper})" if upper is not None else "non-negative"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return float(value)


def _check_grads(params, grads):
    """Every parameter has a finite gradient of its own shape."""
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"gradients missing for {sorted(missing)}")
    for name, p in params.items():
        if np.shape(grads[name]) != p.shape:
            raise ValueError(f"gradient of {name} has shape {np.shape(grads[name])}, parameter has {p.shape}")
        if not np.all(np.isfinite(grads[name])):
            raise ValueError(f"gradient of {name} contains NaN or infinite values; the update would destroy "
                             "the parameters (try a smaller learning rate or gradient clipping)")


class SGD:
    """Stochastic gradient descent (chapter 05), optionally with momentum m:
    v <- m v + g, p <- p - lr v (plain SGD when m = 0)."""

    def __init__(self, lr=0.1, momentum=0.0):
        self.lr = _check_rate("lr", lr)
        self.momentum = _check_rate("momentum", momentum, 1.0)
        self.state = {}

    def step(self, params, grads):
        """Update each ``params[name]`` in place with ``grads[name]``."""
        _check_grads(params, grads)
        for name, p in params.items():
            g = grads[name]
            if self.momentum:
                v = self.state.get(name, 0.0) * self.momentum + g
                self.state[name] = v
                g = v
            p -= self.lr * g


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction (chapter 05), the default of ``fit``:
    running means m of g and v of g*g, p <- p - lr m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _check_rate("lr", lr)
        self.beta1 = _check_rate("beta1", beta1, 1.0)
        self.beta2 = _check_rate("beta2", beta2, 1.0)
        self.eps = _check_rate("eps", eps)
        self.t = 0
        self.state = {}

    def step(self, params, grads):
        """Update each ``params[name]`` in place with ``grads[name]``."""
        _check_grads(params, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for name, p in params.items():
            g = grads[name]
            m, v = self.state.get(name, (0.0, 0.0))
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            self.state[name] = (m, v)
            m_hat = m / (1 - b1 ** self.t)
            v_hat = v / (1 - b2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def global_norm(grads):
    """sqrt of the sum of squares of every gradient entry (chapter 05)."""
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))


def clip_grad_norm(grads, max_norm):
    """Rescale ``grads`` in place so their global norm is at most ``max_norm`` (chapter 05).

    Pascanu et al. (2013). Returns the norm *before* clipping.
    """
    max_norm = _check_rate("max_norm", max_norm)
    if max_norm == 0:
        raise ValueError("max_norm must be positive, got 0")
    for name, g in grads.items():
        if not (isinstance(g, np.ndarray) and g.dtype.kind == "f"):
            raise TypeError(f"gradient {name} must be a float numpy array (it is rescaled in place), got {type(g).__name__}")
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm

