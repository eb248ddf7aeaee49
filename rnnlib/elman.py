"""The basic RNN (Elman network): forward pass and backpropagation through time.

Chapter 01 (structure), chapter 02 (the formula) and chapter 05 (training):

    h_t = f(W x_t + D h_{t-1} + B)        hidden layer (隐层), h_0 given (zeros by default)
    y_t = V h_t + c                       output layer

W (H, I) input to hidden weight, D (H, H) delayed-input weight, B (H,) hidden
threshold, V (O, H) output weight, c (O,) output threshold. Sequences are
time-major: one sequence X is (T, I), a batch is (T, N, I).

Speed (ARCHITECTURE.md, rnnlib core; measured by benchmarks/bench_rnn.py): the input
projection W x_t + B of all steps is one matrix product before the time loop,
so the loop holds only the recurrent part, in place; in ``backward`` the slopes
f'(a_t) of all steps are computed at once, the loop holds only the recurrent
part, and the weight gradients are single matrix products after the loop.
Per-step products are matrix-vector products when there is one sequence (N = 1).
"""
import math

import numpy as np

from ._checks import as_float_array, as_sequence, as_state, check_size
from .model import Model


class ElmanRNN(Model):
    """The basic RNN of the article (Elman network), chapters 01-02 and 05.

    ``ElmanRNN(n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64")``

    Weights are drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] (the convention of
    PyTorch's ``nn.RNN``) from ``np.random.default_rng(seed)``; the output
    threshold c starts at zero. ``W, D, B, V, c`` are plain numpy arrays and can
    be replaced after construction by arrays of the same shapes.
    """

    param_names = ("W", "D", "B", "V", "c")

    def param_shapes(self):
        """Shapes of the three weights and two thresholds (chapter 01)."""
        I, H, O = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, I), "D": (H, H), "B": (H,), "V": (O, H), "c": (O,)}

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
        self._remember((X3, H0), Hs)
        if not batched:
            return Hs[:, 0], Y[:, 0]
        return Hs, Y

    def _hidden_states(self, X3, H0):
        """h_t = f(W x_t + D h_{t-1} + B) for t = 1..T as one (T, N, H) array (chapter 02).

        The input part W x_t + B of every step is one matrix product, written
        into the array that then receives the hidden states, step by step.
        """
        Hs = self._input_projection(X3)
        DT = np.ascontiguousarray(self.D.T)
        a = Hs[0]
        a += np.matmul(H0, DT)          # step 1 starts from h0 (maybe a broadcast view)
        self._f(a, a)
        A = _steps(Hs)
        self._recur(A, DT, np.empty_like(A[0]))
        return Hs

    def _recur(self, A, DT, tmp):
        """The time loop of the forward pass (chapter 02), in place on ``A``.

        On entry A[0] holds h_1 and A[t] holds W x_{t+1} + B; on exit A[t] holds
        h_{t+1} = f(A[t] + D h_t). ``DT`` is D transposed and contiguous, ``tmp``
        a scratch array of one step's shape.
        """
        f = self._f
        h = A[0]
        for a in A[1:]:
            np.dot(h, DT, out=tmp)
            a += tmp
            h = f(a, a)

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
        dY3 = self._check_dY(dY, T, N, batched)
        if truncate is not None:
            truncate = check_size("truncate", truncate)
        Hs = self._cached_states(X3, H0)
        H2 = Hs.reshape(T * N, self.n_hidden)
        grads = {"V": dY3.reshape(T * N, -1).T @ H2, "c": dY3.sum(axis=(0, 1))}
        # dL/dh_t from the outputs (dY_t V), in a work array that becomes dL/da_t
        dH = np.matmul(dY3, self.V, out=self._scratch_array("dA", Hs.shape))
        dA = self._hidden_grads(dH, Hs, truncate)
        dA2 = dA.reshape(T * N, self.n_hidden)
        grads["W"] = dA2.T @ X3.reshape(T * N, -1)
        grads["D"] = dA[0].T @ H0
        if T > 1:
            grads["D"] += dA[1:].reshape(-1, self.n_hidden).T @ Hs[:-1].reshape(-1, self.n_hidden)
        grads["B"] = dA2.sum(axis=0)
        return {name: grads[name] for name in self.param_names}

    def _cached_states(self, X3, H0):
        """The hidden states of the last forward pass if it ran on the same X, h0
        and parameters (chapter 05: BPTT reuses the forward pass), else recomputed."""
        Hs = self._recall((X3, H0))
        if Hs is None:
            self._check_params_finite()
            Hs = self._hidden_states(X3, H0)
        return Hs

    def _scratch_array(self, name, shape):
        """A work array of ``shape`` kept by the model between calls (never returned).

        Reusing the same memory avoids a fresh allocation of T*N*H numbers on
        every call, whose first touch (page faults) can cost more than the
        arithmetic done in it.
        """
        size = math.prod(shape)
        buf = self._scratch.get(name)
        if buf is None or buf.size < size or buf.dtype != self.dtype:
            buf = self._scratch[name] = np.empty(size, dtype=self.dtype)
        return buf[:size].reshape(shape)

    def _hidden_grads(self, G, Hs, truncate):
        """dL/da_t for every step, where a_t = W x_t + D h_{t-1} + B (chapter 05).

        ``G`` holds dL/dh_t coming from the outputs; it is overwritten. The
        slopes f'(a_t), written in terms of h_t, are computed for all steps at once.
        """
        T = Hs.shape[0]
        Fp = self._f_grad(Hs, out=self._scratch_array("fp", Hs.shape))
        if truncate is not None and truncate < T:
            return self._truncated_grads(G, Fp, truncate)
        self._recur_back(_steps(G), _steps(Fp), np.ascontiguousarray(self.D))
        return G

    @staticmethod
    def _recur_back(G, Fp, D):
        """The time loop of BPTT (chapter 05), in place on ``G``, from t = T down to 1:

            dL/da_t = (dL/dh_t from y_t + dL/da_{t+1} D) * f'(a_t)
        """
        carry = np.zeros_like(G[0])         # dL/da_{t+1} D, zero after the last step
        for g, fp in zip(G[:0:-1], Fp[:0:-1]):
            g += carry
            g *= fp
            np.dot(g, D, out=carry)
        G[0] += carry
        G[0] *= Fp[0]

    def _truncated_grads(self, G, Fp, k):
        """dL/da_t of truncated BPTT, ``truncate=k`` (chapters 05 and 06).

        ``G`` is dL/dh_t from the outputs, ``Fp`` the slopes f'(a_t); both are read only.
        """
        # contribution of the output at step s to a_t for s - t = j < k, summed over j:
        # E_0 = G * f'; E_j[t] = (E_{j-1}[t+1] D) * f'_t; dA = sum_j E_j
        E = G * Fp
        dA = E.copy()
        for _ in range(1, k):
            E = np.concatenate([(E[1:] @ self.D) * Fp[:-1], np.zeros_like(E[:1])])
            dA += E
        return dA



def _steps(A):
    """Per-step views of a (T, N, H) array: (N, H) matrices, or (H,) vectors if N = 1.

    With vectors, each step's product is a matrix-vector product, the cheapest call.
    """
    T, N, H = A.shape
    return A.reshape(T, H) if N == 1 else A
