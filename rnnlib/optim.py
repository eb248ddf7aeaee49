"""Optimisers and gradient clipping (chapter 05).

An optimiser updates the arrays of ``model.params`` in place from a dict of
gradients with the same keys, so it works for any rnnlib model. It keeps
running statistics (momentum, Adam's moments) for the parameters it updates
first, and refuses to be used for another model's parameters afterwards: make
one optimiser per model, or call ``reset()``. A copy (``copy.copy``,
``copy.deepcopy``, pickle) has statistics of its own and takes up the first
parameters it is given with the same names and shapes: copy or pickle a
network together with its optimiser, and training resumes exactly where it
would have gone. Updates are done in place with one scratch array per
parameter, and use only + - * / and sqrt, so they give the same digits on
every machine.
"""

import copy

import numpy as np


def _check_rate(name, value, upper=None):
    """A finite number in [0, upper) (or >= 0): learning rates, momenta, norms."""
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
    ):
        raise TypeError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (upper is not None and value >= upper):
        bound = f"in [0, {upper})" if upper is not None else "non-negative"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return float(value)


def _check_grads(params, grads):
    """Every parameter has a finite float gradient of its own shape."""
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError(
            "params and grads must be dicts name -> array, such as model.params and "
            "model.backward(...)"
        )
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"gradients missing for {sorted(missing)}")
    for name, p in params.items():
        if not (isinstance(p, np.ndarray) and p.dtype.kind == "f"):
            raise TypeError(
                f"parameter {name} must be a float numpy array (it is updated in place), "
                f"got {type(p).__name__}"
            )
        if not p.flags.writeable:
            raise ValueError(
                f"parameter {name} is read-only, so the optimiser cannot update it in place"
            )
        if np.shape(grads[name]) != p.shape:
            raise ValueError(
                f"gradient of {name} has shape {np.shape(grads[name])}, parameter has {p.shape}"
            )
        if np.asarray(grads[name]).dtype.kind not in "biuf":
            raise TypeError(
                f"gradient of {name} must contain real numbers, got an array of dtype "
                f"{np.asarray(grads[name]).dtype}"
            )
        if not np.all(np.isfinite(grads[name])):
            raise ValueError(
                f"gradient of {name} contains NaN or infinite values; the update would destroy "
                "the parameters (try a smaller learning rate or gradient clipping)"
            )


class _Optimiser:
    """What SGD and Adam share: checked steps, and binding to one set of parameters."""

    def __init__(self):
        self.reset()

    def reset(self):
        """Forget all running statistics and the parameters they belong to (a fresh optimiser)."""
        self.t = 0
        self.state = {}
        self._tmp = {}
        self._bound = self._shapes = None

    def step(self, params, grads):
        """Update each ``params[name]`` in place with ``grads[name]`` (chapter 05)."""
        _check_grads(params, grads)
        self._bind(params)
        self._update(
            params, {name: np.asarray(grads[name], dtype=p.dtype) for name, p in params.items()}
        )

    def _bind(self, params):
        """The first step binds the optimiser to these arrays; another model's arrays are refused.

        A copy starts unbound, with its statistics: it binds to parameters of the same names and
        shapes."""
        if self._bound is None:
            shapes = {name: p.shape for name, p in params.items()}
            if self.t and self._shapes != shapes:
                raise ValueError(
                    f"this {type(self).__name__}'s running statistics are for parameters "
                    f"{self._shapes}, not {shapes}; make one optimiser per model, or call reset() "
                    "first"
                )
            self._bound, self._shapes = dict(params), shapes
        elif self._bound.keys() != params.keys() or any(
            params[n] is not p for n, p in self._bound.items()
        ):
            raise ValueError(
                f"this {type(self).__name__} already updates other parameter arrays (its running "
                "statistics belong to them): another model's, or a parameter was replaced (net.D "
                "= ...; change it in place instead: net.D[...] = ...). Make one optimiser per "
                "model, copy or pickle a network together with its optimiser, or call reset() "
                "first"
            )

    def __getstate__(self):
        """What a copy or a pickle keeps: settings and statistics, not the parameters they were
        bound to."""
        state = dict(self.__dict__)
        state["_bound"], state["_tmp"] = None, {}
        return state

    def __copy__(self):
        """``copy.copy(opt)``: an independent optimiser with the same settings and statistics
        (unbound)."""
        return self.__deepcopy__({})

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        new.__dict__.update(copy.deepcopy(self.__getstate__(), memo))
        return new

    def _scratch(self, name, p):
        buf = self._tmp.get(name)
        if buf is None:
            buf = self._tmp[name] = np.empty_like(p)
        return buf


class SGD(_Optimiser):
    """Stochastic gradient descent (chapter 05), optionally with momentum m:
    v <- m v + g, p <- p - lr v (plain SGD when m = 0)."""

    def __init__(self, lr=0.1, momentum=0.0):
        self.lr = _check_rate("lr", lr)
        self.momentum = _check_rate("momentum", momentum, 1.0)
        super().__init__()

    def _update(self, params, grads):
        self.t += 1
        for name, p in params.items():
            g, tmp = grads[name], self._scratch(name, p)
            if self.momentum:
                v = self.state.get(name)
                if v is None:
                    v = self.state[name] = np.zeros_like(p)
                v *= self.momentum
                v += g  # v <- m v + g
                g = v
            np.multiply(g, self.lr, out=tmp)
            p -= tmp  # p <- p - lr v


class Adam(_Optimiser):
    """Adam (Kingma & Ba, 2015) with bias correction (chapter 05), the default of ``fit``:
    running means m of g and v of g*g, p <- p - lr m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _check_rate("lr", lr)
        self.beta1 = _check_rate("beta1", beta1, 1.0)
        self.beta2 = _check_rate("beta2", beta2, 1.0)
        self.eps = _check_rate("eps", eps)
        super().__init__()

    def reset(self):
        super().reset()
        self._b1t = self._b2t = 1.0  # beta1^t and beta2^t, by repeated products (no pow())

    def _update(self, params, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self._b1t *= b1
        self._b2t *= b2
        for name, p in params.items():
            g, tmp = grads[name], self._scratch(name, p)
            if name not in self.state:
                self.state[name] = (np.zeros_like(p), np.zeros_like(p))
            m, v = self.state[name]
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp  # m <- b1 m + (1 - b1) g
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp  # v <- b2 v + (1 - b2) g^2
            np.divide(v, 1.0 - self._b2t, out=tmp)  # v_hat
            np.sqrt(tmp, out=tmp)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= self.lr / (1.0 - self._b1t)  # lr m_hat / (sqrt(v_hat) + eps)
            p -= tmp


SAFE = 2.0**500  # entries between 1/SAFE and SAFE square and sum without overflow or underflow


def norm_scale(largest):
    """Powers of two 2^e (one per entry of ``largest``, the largest |entry| of each set) that bring
    a huge (> 2^500) or tiny (< 2^-500) largest entry near 1, else 1: a norm computed from x 2^e and
    divided by 2^e neither overflows nor underflows, and multiplying by a power of two is exact."""
    largest = np.asarray(largest, dtype=np.float64)
    scale = (largest > SAFE) | ((largest < 1.0 / SAFE) & (largest > 0))
    return np.ldexp(1.0, np.where(scale, -np.frexp(largest)[1], 0))


def global_norm(grads):
    """sqrt of the sum of squares of every gradient entry (chapter 05), scaled where the entries are
    huge or tiny (``norm_scale``)."""
    largest = max((float(np.max(np.abs(g), initial=0.0)) for g in grads.values()), default=0.0)
    k = float(norm_scale(largest))
    return (
        float(
            np.sqrt(sum(float(np.square(g * k if k != 1.0 else g).sum()) for g in grads.values()))
        )
        / k
    )


def clip_grad_norm(grads, max_norm):
    """Rescale ``grads`` in place so their global norm is at most ``max_norm`` (chapter 05).

    Pascanu et al. (2013). Returns the norm *before* clipping.
    """
    max_norm = _check_rate("max_norm", max_norm)
    if max_norm == 0:
        raise ValueError("max_norm must be positive, got 0")
    if not isinstance(grads, dict):
        raise TypeError(
            "grads must be a dict name -> array, such as model.backward(...), got "
            f"{type(grads).__name__}"
        )
    for name, g in grads.items():
        if not (isinstance(g, np.ndarray) and g.dtype.kind == "f"):
            raise TypeError(
                f"gradient {name} must be a float numpy array (it is rescaled in place), got "
                f"{type(g).__name__}"
            )
        if not g.flags.writeable:
            raise ValueError(f"gradient {name} is read-only, so it cannot be rescaled in place")
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise ValueError(
            "the gradients contain NaN or infinite values: no rescaling makes them finite "
            "(try a smaller learning rate)"
        )
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
