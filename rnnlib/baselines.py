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

from ._checks import check_choice
from .model import Model, _deprecated_exact, previous_states, transposed

FEEDBACKS = ("identity", "sigmoid")


class FeedForward(Model):
    """A 3-layer BP network applied to each step on its own (chapter 03).

    ``FeedForward(n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64",
    reproducible=True)``

    h_t = f(W x_t + B), y_t = V h_t + c: the basic RNN with D removed, so the
    output at step t depends on x_t only. It carries no state, so ``h0`` (and
    ``truncate``) are refused with a clear error rather than ignored.
    """

    param_names = ("W", "B", "V", "c")

    def state_size(self):
        """A feed-forward net carries nothing from step to step."""
        return 0

    def param_shapes(self):
        """W (H, I), B (H,), V (O, H), c (O,): H*I + H + O*H + O numbers."""
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, n_in), "B": (H,), "V": (n_out, H), "c": (n_out,)}

    def _run(self, X, H0=None):
        """h_t = f(W x_t + B), y_t = V h_t + c for all steps at once (state layout): returns (Hs,
        Y)."""
        Z = self._input_projection(X)
        self._f(Z, Z)
        return Z, self._readout(Z)

    def _grads(self, X, H0, run, dY, truncate=None):
        """Gradients of ``sum(dY * Y)`` with respect to W, B, V, c (plain backpropagation, no
        time)."""
        Z = run[0]
        grads = {}
        self._readout_grads(grads, dY, Z)
        VT = transposed(self.V)
        dA = self._mm(VT, dY, self._product_out("G", VT, dY))
        dA *= self._f_grad(Z, self._empty("Fp", Z.shape))
        grads["W"] = self._weight_grad(dA, X)
        grads["B"] = self.arithmetic.step_total(dA)
        return {name: grads[name] for name in self.param_names}

    def _carry(self, run):
        """A feed-forward net carries nothing from one piece of a sequence to the next."""
        return None

    def final_state(self, Hs, Y):
        """A feed-forward net carries nothing from one piece of a sequence to the next."""
        return None


class JordanRNN(Model):
    """The Jordan network: the previous output, not the hidden layer, is fed back (chapter 03).

    ``JordanRNN(n_in, n_hidden, n_out, activation="tanh", feedback="identity", seed=0,
    dtype="float64", reproducible=True)``

        h_t = f(W x_t + D s_{t-1} + B),   y_t = V h_t + c,   s_t = g(y_t),   s_0 = 0

    g is the identity or, with ``feedback="sigmoid"``, the logistic function,
    so that a network whose outputs are logits of bits feeds back its own
    probabilities. D is (H, O). ``h0`` of ``forward``/``backward`` is the
    initial fed-back state s_0, of shape (O,) or (N, O), zeros by default.
    Jordan's (1986) state units also had self-connections; this is the plain
    output recurrence without them.
    """

    param_names = ("W", "D", "B", "V", "c")
    _h0_name = "h0 (the initial fed-back output s_0)"

    def __init__(
        self,
        n_in,
        n_hidden,
        n_out,
        activation="tanh",
        feedback="identity",
        seed=0,
        dtype="float64",
        reproducible=True,
        exact=None,
    ):
        self.feedback = check_choice("feedback", feedback, FEEDBACKS)
        if exact is not None:
            _deprecated_exact()  # warned here, so that it names the caller's line
            reproducible = exact
        super().__init__(n_in, n_hidden, n_out, activation, seed, dtype, reproducible)

    def _repr_extra(self):
        return f", feedback={self.feedback!r}"

    def param_shapes(self):
        """W (H, I), D (H, O), B (H,), V (O, H), c (O,): H*I + H*O + H + O*H + O numbers."""
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, n_in), "D": (H, n_out), "B": (H,), "V": (n_out, H), "c": (n_out,)}

    def state_size(self):
        """The Jordan network carries s_t = g(y_t): O numbers."""
        return self.n_out

    def _run(self, X, S0):
        """The forward pass (chapter 03, state layout): returns (Hs, Y, S) with S[t] = s_{t+1} =
        g(y_{t+1})."""
        Z = self._input_projection(X)  # W x_t + B for all steps; the loop adds D s_{t-1}
        Y, S = self.arithmetic.jordan_forward(
            Z, self.D, self.V, self.c, S0, self.feedback == "sigmoid", self.activation
        )
        return Z, Y, S

    def _carry(self, run):
        """s_T = g(y_T), the state handed to the next piece of a long sequence."""
        return run[2][-1]

    def _grads(self, X, S0, run, dY, truncate=None):
        """BPTT through the output feedback (chapter 03): gradients of ``sum(dY * Y)``.

        The error reaching y_t is dY_t from outside plus g'(y_t) D^T dL/da_{t+1}
        from the next step, because y_t also enters step t+1 through s_t.
        """
        Z, _, S = run
        Fp = self._f_grad(Z, self._empty("Fp", Z.shape))
        Gp = S * (1.0 - S) if self.feedback == "sigmoid" else None
        dYt, dA = self.arithmetic.jordan_backward(dY, Fp, Gp, self.V, self.D)  # dL/dy_t, dL/da_t
        grads = {}
        self._readout_grads(grads, dYt, Z)
        grads["W"] = self._weight_grad(dA, X)
        grads["D"] = self._weight_grad(
            dA, previous_states(S, S0, self._empty("P", S.shape))
        )  # dL/da_t s_{t-1}^T
        grads["B"] = self.arithmetic.step_total(dA)
        return {name: grads[name] for name in self.param_names}

    def final_state(self, Hs, Y):
        """The state to carry into the next piece of a sequence, from ``forward``'s results: s_T =
        g(y_T) (``fit`` carries the same state with ``_carry``)."""
        y = np.array(Y[-1], dtype=self.dtype)
        return self.arithmetic.activate("sigmoid", y, y) if self.feedback == "sigmoid" else y
