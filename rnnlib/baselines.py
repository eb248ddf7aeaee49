"""Two baselines for the basic RNN (chapter 03, the input-information view).

Both follow ``ElmanRNN``'s interface (``params``, ``param_names``,
``forward(X, h0=None) -> (Hs, Y)``, ``backward(X, dY, h0=None) -> grads``,
``n_params``), so ``rnnlib.fit`` and ``rnnlib.check_gradients`` work on them.

``FeedForward`` sees only the current input (a 3-layer BP network applied at
every step, no memory):

    h_t = f(W x_t + B),    y_t = V h_t + c

``JordanRNN`` feeds back the previous *output* instead of the previous hidden
layer (Jordan 1986; "output recurrence" in Goodfellow et al. 2016, 10.2.1):

    h_t = f(W x_t + D s_{t-1} + B),    y_t = V h_t + c,    s_t = g(y_t),  s_0 = 0

where g is the identity (``feedback="identity"``) or the logistic sigmoid
(``feedback="sigmoid"``, for outputs read as logits of bits). Here D has shape
(H, O), not (H, H). The state fed back is the network's own output, never the
true target (no teacher forcing), and the gradients flow back through it.
"""
import numpy as np

from ._checks import as_sequence, as_state, check_choice
from .activations import sigmoid
from .model import Model

FEEDBACKS = ("identity", "sigmoid")


class FeedForward(Model):
    """A 3-layer BP network applied to each step on its own (chapter 03).

    ``FeedForward(n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64")``

    h_t = f(W x_t + B), y_t = V h_t + c: the basic RNN with D removed, so the
    output at step t depends on x_t only. ``h0`` is accepted so that code
    written for ``ElmanRNN`` runs unchanged, and ignored: there is no state.
    """

    param_names = ("W", "B", "V", "c")

    def param_shapes(self):
        """W (H, I), B (H,), V (O, H), c (O,): H*I + H + O*H + O numbers."""
        I, H, O = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, I), "B": (H,), "V": (O, H), "c": (O,)}

    def forward(self, X, h0=None):
        """Returns ``(Hs, Y)`` for X (T, I) or (T, N, I): h_t = f(W x_t + B), y_t = V h_t + c."""
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        self._check_params_finite()
        Hs = self._hidden(X3)
        Y = Hs @ self.V.T
        Y += self.c
        self._remember((X3,), Hs)
        if not batched:
            return Hs[:, 0], Y[:, 0]
        return Hs, Y

    def _hidden(self, X3):
        Hs = self._input_projection(X3)
        return self._f(Hs, Hs)

    def backward(self, X, dY, h0=None):
        """Gradients of ``sum(dY * Y)`` with respect to W, B, V, c (plain backpropagation, no time)."""
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        T, N, _ = X3.shape
        G = self._check_dY(dY, T, N, batched)
        Hs = self._recall((X3,))
        if Hs is None:
            self._check_params_finite()
            Hs = self._hidden(X3)
        G2 = G.reshape(T * N, self.n_out)
        H2 = Hs.reshape(T * N, self.n_hidden)
        dA = (G2 @ self.V) * self._f_grad(H2)
        grads = {"W": dA.T @ X3.reshape(T * N, -1), "B": dA.sum(axis=0), "V": G2.T @ H2, "c": G2.sum(axis=0)}
        return {name: grads[name] for name in self.param_names}

    def final_state(self, Hs, Y):
        """A feed-forward net carries nothing from one piece of a sequence to the next."""
        return None


class JordanRNN(Model):
    """The Jordan network: the previous output, not the hidden layer, is fed back (chapter 03).

    ``JordanRNN(n_in, n_hidden, n_out, activation="tanh", feedback="identity", seed=0, dtype="float64")``

        h_t = f(W x_t + D s_{t-1} + B),   y_t = V h_t + c,   s_t = g(y_t),   s_0 = 0

    g is the identity or, with ``feedback="sigmoid"``, the logistic function,
    so that a network whose outputs are logits of bits feeds back its own
    probabilities. D is (H, O). ``h0`` of ``forward``/``backward`` is the
    initial fed-back state s_0, of shape (O,) or (N, O), zeros by default.
    Jordan's (1986) state units also had self-connections; this is the plain
    output recurrence without them.
    """

    param_names = ("W", "D", "B", "V", "c")

    def __init__(self, n_in, n_hidden, n_out, activation="tanh", feedback="identity", seed=0, dtype="float64"):
        self.feedback = check_choice("feedback", feedback, FEEDBACKS)
        super().__init__(n_in, n_hidden, n_out, activation, seed, dtype)

    def _repr_extra(self):
        return f", feedback={self.feedback!r}"

    def param_shapes(self):
        """W (H, I), D (H, O), B (H,), V (O, H), c (O,): H*I + H*O + H + O*H + O numbers."""
        I, H, O = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, I), "D": (H, O), "B": (H,), "V": (O, H), "c": (O,)}

    def forward(self, X, h0=None):
        """Run over X (T, I) or (T, N, I); returns ``(Hs, Y)``. ``h0`` is s_0 (O,) or (N, O)."""
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        S0 = as_state("h0 (the initial fed-back output s_0)", h0, X3.shape[1], self.n_out, self.dtype, batched)
        self._check_params_finite()
        Hs, Y, S = self._run(X3, S0)
        self._remember((X3, S0), (Hs, Y, S))
        if not batched:
            return Hs[:, 0], Y[:, 0]
        return Hs, Y

    def _run(self, X3, S0):
        T, N, _ = X3.shape
        Hs = self._input_projection(X3)  # W x_t + B for all steps; the loop adds D s_{t-1}
        Y = np.empty((T, N, self.n_out), dtype=self.dtype)
        squash = self.feedback == "sigmoid"
        S = np.empty_like(Y) if squash else Y  # s_t = g(y_t); with g = identity, S is Y itself
        DT, VT, c, f = np.ascontiguousarray(self.D.T), np.ascontiguousarray(self.V.T), self.c, self._f
        s = S0
        for t in range(T):
            a = Hs[t]
            a += s @ DT
            h = f(a, a)
            y = np.matmul(h, VT, out=Y[t])
            y += c
            s = sigmoid(y, out=S[t]) if squash else y
        return Hs, Y, S

    def backward(self, X, dY, h0=None):
        """BPTT through the output feedback (chapter 03): gradients of ``sum(dY * Y)``.

        The error reaching y_t is dY_t from outside plus g'(y_t) D^T dL/da_{t+1}
        from the next step, because y_t also enters step t+1 through s_t.
        """
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        T, N, _ = X3.shape
        S0 = as_state("h0 (the initial fed-back output s_0)", h0, N, self.n_out, self.dtype, batched)
        G = self._check_dY(dY, T, N, batched)
        remembered = self._recall((X3, S0))
        if remembered is None:
            self._check_params_finite()
            remembered = self._run(X3, S0)
        Hs, _, S = remembered
        Fp = self._f_grad(Hs)
        Gp = S * (1.0 - S) if self.feedback == "sigmoid" else None
        dYt = np.empty_like(G)      # total error at y_t (outside + through the feedback)
        dA = np.empty_like(Hs)      # dL/da_t
        V, D = np.ascontiguousarray(self.V), np.ascontiguousarray(self.D)
        carry = np.zeros((N, self.n_out), dtype=self.dtype)  # dL/ds_t from step t+1
        for t in range(T - 1, -1, -1):
            gy = dYt[t]
            if Gp is not None:
                np.multiply(carry, Gp[t], out=gy)
            else:
                gy[...] = carry
            gy += G[t]
            ga = np.matmul(gy, V, out=dA[t])
            ga *= Fp[t]
            np.matmul(ga, D, out=carry)
        dY2, dA2 = dYt.reshape(T * N, -1), dA.reshape(T * N, -1)
        grads = {"W": dA2.T @ X3.reshape(T * N, -1), "B": dA2.sum(axis=0),
                 "V": dY2.T @ Hs.reshape(T * N, -1), "c": dY2.sum(axis=0), "D": dA[0].T @ S0}
        if T > 1:
            grads["D"] += dA[1:].reshape(-1, self.n_hidden).T @ S[:-1].reshape(-1, self.n_out)
        return {name: grads[name] for name in self.param_names}

    def final_state(self, Hs, Y):
        """The state to carry into the next piece of a sequence: s_T = g(y_T) (used by ``fit(chunk=)``)."""
        y = np.array(Y[-1], dtype=self.dtype)
        return sigmoid(y) if self.feedback == "sigmoid" else y
