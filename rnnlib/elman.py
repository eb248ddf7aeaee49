"""The basic RNN (Elman network): forward pass and backpropagation through time.

Chapter 01 (structure), chapter 02 (the formula) and chapter 05 (training):

    h_t = f(W x_t + D h_{t-1} + B)        hidden layer (隐层), h_0 given (zeros by default)
    y_t = V h_t + c                       output layer

W (H, I) input to hidden weight, D (H, H) delayed-input weight, B (H,) hidden
threshold, V (O, H) output weight, c (O,) output threshold. Sequences are
time-major: one sequence X is (T, I), a batch is (T, N, I).

Speed: the input projection W x_t + B of all steps is one matrix product before
the time loop, so the loop holds only the recurrent part; in ``backward`` the
weight gradients are single matrix products after the loop.
"""
import numpy as np

from ._checks import as_float_array, as_sequence, as_state, check_dtype, check_shape, check_size
from .activations import ACTIVATIONS, get_activation


class Parameter:
    """A model attribute such as ``net.W`` that checks what is assigned to it.

    Assigning an array-like converts it to the model's dtype and checks its
    shape against ``model.param_shapes()``, so a replaced weight of the wrong
    size fails at once, in rnnlib's words (chapter 01).
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, model, owner=None):
        if model is None:
            return self
        return model._params[self.name]

    def __set__(self, model, value):
        arr = as_float_array(f"{type(model).__name__}.{self.name}", value, model.dtype)
        check_shape(f"{type(model).__name__}.{self.name}", arr, model.param_shapes()[self.name])
        model._params[self.name] = np.array(arr, dtype=model.dtype, copy=True)


class ElmanRNN:
    """The basic RNN of the article (Elman network), chapters 01-02 and 05.

    ``ElmanRNN(n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64")``

    Weights are drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] (the convention of
    PyTorch's ``nn.RNN``) from ``np.random.default_rng(seed)``; the output
    threshold c starts at zero. ``W, D, B, V, c`` are plain numpy arrays and can
    be replaced after construction by arrays of the same shapes.
    """

    param_names = ("W", "D", "B", "V", "c")
    W = Parameter()
    D = Parameter()
    B = Parameter()
    V = Parameter()
    c = Parameter()

    def __init__(self, n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64"):
        self.n_in = check_size("n_in", n_in)
        self.n_hidden = check_size("n_hidden", n_hidden)
        self.n_out = check_size("n_out", n_out)
        self.activation = activation
        self._f, self._f_grad = get_activation(activation)
        self.dtype = check_dtype(dtype)
        self._params = {}
        self._cache = None
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(self.n_hidden)
        for name, shape in self.param_shapes().items():
            if name == "c":
                setattr(self, name, np.zeros(shape))
            else:
                setattr(self, name, rng.uniform(-k, k, size=shape))

    def __repr__(self):
        return (f"ElmanRNN(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}, "
                f"activation={self.activation!r}, dtype={np.dtype(self.dtype).name!r})")

    def param_shapes(self):
        """Shapes of the three weights and two thresholds (chapter 01)."""
        I, H, O = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, I), "D": (H, H), "B": (H,), "V": (O, H), "c": (O,)}

    @property
    def params(self):
        """The parameters as a dict name -> array (the arrays themselves, not copies)."""
        return {name: self._params[name] for name in self.param_names}

    @property
    def n_params(self):
        """Number of trainable numbers: H*I + H*H + H + O*H + O (chapter 01)."""
        return sum(p.size for p in self.params.values())

    def _check_params_finite(self):
        for name in self.param_names:
            if not np.all(np.isfinite(self._params[name])):
                raise ValueError(f"parameter {name} contains NaN or infinite values "
                                 "(a diverged training run? try a smaller learning rate or gradient clipping)")

    # ------------------------------------------------------------------ forward
    def step(self, x, h_prev=None):
        """One time step (chapter 02): returns ``(h_t, y_t)``.

        ``x`` is (I,) or (N, I); ``h_prev`` is (H,) or (N, H), zeros if None.
        """
        x = as_float_array("x", x, self.dtype)
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_in:
            raise ValueError(f"x must be one time step of shape ({self.n_in},) or (N, {self.n_in}), got {x.shape}")
        Hs, Y = self.forward(x[None], h_prev)
        return Hs[0], Y[0]

    def forward(self, X, h0=None):
        """Run the network over a sequence (chapter 02): returns ``(Hs, Y)``.

        ``X`` is (T, I) or (T, N, I); ``h0`` is (H,) or (N, H) and defaults to
        zeros. ``Hs`` is (T, [N,] H) with ``Hs[t]`` = h_{t+1}; ``Y`` is (T, [N,] O).
        """
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        H0 = as_state("h0", h0, X3.shape[1], self.n_hidden, self.dtype, batched)
        self._check_params_finite()
        Hs = self._hidden_states(X3, H0)
        Y = Hs @ self.V.T
        Y += self.c
        self._cache = (X3, H0, Hs, {k: v.copy() for k, v in self.params.items()})
        if not batched:
            return Hs[:, 0], Y[:, 0]
        return Hs, Y

    def _hidden_states(self, X3, H0):
        T, N, _ = X3.shape
        # input projection for all steps at once: A[t] = W x_t + B
        Hs = (X3.reshape(T * N, -1) @ self.W.T).reshape(T, N, self.n_hidden)
        Hs += self.B
        DT = np.ascontiguousarray(self.D.T)
        f = self._f
        tmp = np.empty((N, self.n_hidden), dtype=self.dtype)
        h = H0
        for t in range(T):
            np.matmul(h, DT, out=tmp)
            a = Hs[t]
            a += tmp
            h = f(a, a)
        return Hs

    # ----------------------------------------------------------------- backward
    def backward(self, X, dY, h0=None, truncate=None):
        """Backpropagation through time (chapter 05).

        Returns the gradients of ``sum(dY * Y)`` with respect to W, D, B, V, c as
        a dict, where Y is the output of ``forward(X, h0)``. ``dY`` has the shape
        of Y. The forward pass is reused when ``forward`` was just called with
        the same X, h0 and parameters, and recomputed otherwise.

        ``truncate=k`` lets the error of each output flow back through at most k
        hidden states; ``truncate=1`` is Elman's (1990) rule, which treats the
        context units as a fixed extra input (chapter 06). None means full BPTT.
        """
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        H0 = as_state("h0", h0, X3.shape[1], self.n_hidden, self.dtype, batched)
        T, N, _ = X3.shape
        expected = (T, N, self.n_out) if batched else (T, self.n_out)
        G = as_float_array("dY", dY, self.dtype)
        check_shape("dY", G, expected)
        if truncate is not None:
            truncate = check_size("truncate", truncate)
        Hs = self._cached_states(X3, H0)
        dY3 = G.reshape(T, N, self.n_out)
        H2 = Hs.reshape(T * N, self.n_hidden)
        grads = {"V": dY3.reshape(T * N, -1).T @ H2, "c": dY3.sum(axis=(0, 1))}
        dA = self._hidden_grads(dY3 @ self.V, Hs, truncate)
        dA2 = dA.reshape(T * N, self.n_hidden)
        grads["W"] = dA2.T @ X3.reshape(T * N, -1)
        grads["D"] = dA[0].T @ H0
        if T > 1:
            grads["D"] += dA[1:].reshape(-1, self.n_hidden).T @ Hs[:-1].reshape(-1, self.n_hidden)
        grads["B"] = dA2.sum(axis=0)
        return {name: grads[name] for name in self.param_names}

    def _cached_states(self, X3, H0):
        if self._cache is not None:
            cX, cH0, cHs, cparams = self._cache
            if (cX.shape == X3.shape and np.array_equal(cX, X3) and np.array_equal(cH0, H0)
                    and all(np.array_equal(cparams[k], v) for k, v in self.params.items())):
                return cHs
        self._check_params_finite()
        return self._hidden_states(X3, H0)

    def _hidden_grads(self, G, Hs, truncate):
        """dL/da_t for every step, where a_t = W x_t + D h_{t-1} + B (chapter 05).

        ``G`` holds dL/dh_t coming from the outputs; it is overwritten.
        """
        T = Hs.shape[0]
        Fp = self._f_grad(Hs)
        if truncate is not None and truncate < T:
            return self._truncated_grads(G, Fp, truncate)
        D = np.ascontiguousarray(self.D)
        carry = np.zeros_like(G[0])
        for t in range(T - 1, -1, -1):
            g = G[t]
            g += carry
            g *= Fp[t]
            np.matmul(g, D, out=carry)
        return G

    def _truncated_grads(self, G, Fp, k):
        # contribution of the output at step s to a_t for s - t = j < k, summed over j:
        # E_0 = G * f'; E_j[t] = (E_{j-1}[t+1] D) * f'_t; dA = sum_j E_j
        E = G * Fp
        dA = E.copy()
        for _ in range(1, k):
            E = np.concatenate([(E[1:] @ self.D) * Fp[:-1], np.zeros_like(E[:1])])
            dA += E
        return dA
