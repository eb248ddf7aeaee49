"""The basic RNN (Elman network): forward pass and backpropagation through time.

Chapter 01 (structure), chapter 02 (the formula) and chapter 05 (training):

    h_t = f(W x_t + D h_{t-1} + B)        hidden layer (隐层), h_0 given (zeros by default)
    y_t = V h_t + c                       output layer

W (H, I) input to hidden weight, D (H, H) delayed-input weight, B (H,) hidden
threshold, V (O, H) output weight, c (O,) output threshold. Sequences are
time-major: one sequence X is (T, I), a batch is (T, N, I).

The time loops run in the network's ``arithmetic`` (``rnnlib/arithmetic.py``):
by default the portable orders, compiled, so that the numbers are the same on
every machine (ARCHITECTURE.md). Speed comes from doing each thing once: the
input projection W x_t + B of all steps is one product before the time loop,
so the loop holds only the recurrent part; in ``backward`` the slopes f'(a_t)
of all steps are computed at once, and the weight gradients are single
products after the loop. Parameters may carry a leading axis of stacked
networks (``Model._stack``), trained side by side. ``rnnlib.reference`` is the
same network in one page of plain numpy.
"""

import numpy as np

from . import arithmetic
from ._checks import as_float_array, as_state
from .model import Model, previous_states, transposed


class ElmanRNN(Model):
    """The basic RNN of the article (Elman network), chapters 01-02 and 05.

    ``ElmanRNN(n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64",
    reproducible=True)``

    Weights are drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] (the convention of
    PyTorch's ``nn.RNN``) from ``np.random.default_rng(seed)``; the output
    threshold c starts at zero. ``W, D, B, V, c`` are plain numpy arrays and can
    be replaced after construction by arrays of the same shapes.
    """

    param_names = ("W", "D", "B", "V", "c")
    supports_truncate = True

    def param_shapes(self):
        """Shapes of the three weights and two thresholds (chapter 01)."""
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        return {"W": (H, n_in), "D": (H, H), "B": (H,), "V": (n_out, H), "c": (n_out,)}

    def step(self, x, h_prev=None):
        """One time step (chapter 02): returns ``(h_t, y_t)``.

        ``x`` is (I,) or (N, I); ``h_prev`` is (H,) or (N, H), zeros if None.
        Step-by-step use (a free run, an explorer) calls this many times, so it
        is one compiled call when it can be (``rnnlib.arithmetic.step_kernels``),
        with the same numbers as ``forward`` over the same steps.
        """
        x = as_float_array("x", x, self.dtype)
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_in:
            raise ValueError(
                f"x must be one time step of shape ({self.n_in},) or (N, {self.n_in}), got "
                f"{x.shape}"
            )
        N = x.shape[0] if x.ndim == 2 else 1
        k = (
            arithmetic.step_kernels(self.n_hidden * (self.n_hidden + self.n_in) * N)
            if self.reproducible
            else None
        )
        if k is None:
            XT, H0, batched = self._inputs(x[None], h_prev, "h_prev")
            run = self._checked_run(XT, H0)
            Hs, Y = run[0][0], run[1][0]  # (H, N) and (O, N)
            return (Hs.T.copy(), Y.T.copy()) if batched else (Hs[:, 0].copy(), Y[:, 0].copy())
        batched = x.ndim == 2
        xs = np.ascontiguousarray(x.T) if batched else x.reshape(-1, 1)
        if h_prev is None:
            h = np.empty((self.n_hidden, N), self.dtype)
        else:
            h = np.ascontiguousarray(
                as_state("h_prev", h_prev, N, self.n_hidden, self.dtype, batched).T
            )
        z, y = np.empty((self.n_hidden, N), self.dtype), np.empty((self.n_out, N), self.dtype)
        p = self._params
        if not k.elman_step(
            p["W"],
            p["D"],
            p["B"],
            p["V"],
            p["c"],
            xs,
            h,
            h_prev is not None,
            arithmetic.ACTIVATION_CODES[self.activation],
            z,
            y,
            arithmetic.pairwise_plan(self.n_in),
            arithmetic.pairwise_plan(self.n_hidden),
        ):
            self._check_params_finite()
            raise ValueError(
                "the state overflowed: it is infinite or NaN after this step (with ReLU, states "
                "can grow without bound when D amplifies them)"
            )
        return (z.T.copy(), y.T.copy()) if batched else (z[:, 0], y[:, 0])

    # ------------------------------------------------------------------ forward
    def _run(self, X, H0):
        """h_t = f(W x_t + D h_{t-1} + B) and y_t = V h_t + c for t = 1..T (chapter 02).

        X is (T, [S,] I, N) and H0 ([S,] H, N) or None for zeros (the state layout
        of ``rnnlib.model``). The input part W x_t + B of every step is one
        product, written into the array that then receives the hidden states,
        step by step. Returns (Hs, Y), (T, [S,] H, N) and (T, [S,] O, N).
        """
        Z = self._input_projection(X)  # W x_t + B, every step
        self.arithmetic.elman_forward(Z, self.D, H0, self.activation)  # h_t = f(Z_t + D h_{t-1})
        return Z, self._readout(Z)

    def _carry(self, run):
        """h_T, the state handed to the next piece of a long sequence (``fit(chunk=)``)."""
        return run[0][-1]

    # ----------------------------------------------------------------- backward
    def _grads(self, X, H0, run, dY, truncate=None):
        """Backpropagation through time (chapter 05): gradients of sum(dY * Y) as a dict.

        ``truncate=k`` lets the error of each output flow back through at most k
        hidden states; ``truncate=1`` is Elman's (1990) rule, which treats the
        context units as a fixed extra input (chapter 06). None means full BPTT.
        """
        Z = run[0]
        grads = {}
        self._readout_grads(grads, dY, Z)
        VT = transposed(self.V)
        G = self._mm(VT, dY, self._product_out("G", VT, dY))  # dL/dh_t from the outputs: V^T dY_t
        Fp = self._f_grad(Z, self._empty("Fp", Z.shape))  # f'(a_t) of all steps, from h_t
        if truncate is not None and truncate < len(Z):
            dA = self._truncated_grads(G, Fp, truncate)
        else:
            dA = self._recur_back(G, Fp)
        grads["W"] = self._weight_grad(dA, X)
        grads["D"] = self._weight_grad(
            dA, previous_states(Z, H0, self._empty("P", Z.shape))
        )  # dL/da_t h_{t-1}^T
        grads["B"] = self.arithmetic.step_total(dA)
        return {name: grads[name] for name in self.param_names}

    def _recur_back(self, G, Fp):
        """The time loop of BPTT (chapter 05), in place on ``G``, from t = T down to 1:

        dL/da_t = (dL/dh_t from y_t + D^T dL/da_{t+1}) * f'(a_t)
        """
        return self.arithmetic.elman_backward(G, self.D, Fp)

    def _truncated_grads(self, G, Fp, k):
        """dL/da_t of truncated BPTT, ``truncate=k`` (chapters 05 and 06).

        The error of the output at step s reaches a_t only for s - t < k:
        E_0 = G * f'; E_j[t] = (D^T E_{j-1}[t+1]) * f'(a_t); dL/da = sum over j < k of E_j.
        """
        E = np.multiply(G, Fp, out=G)  # E_0 (G is not needed after this)
        if k == 1:
            return E
        DT = transposed(self.D)
        dA = self._empty("dA", E.shape)
        dA[...] = E
        for _ in range(1, k):
            E[:-1] = self._mm(
                DT, E[1:], self._product_out("DE", DT, E[1:])
            )  # E_j[t] = D^T E_{j-1}[t+1] ...
            E[-1] = 0.0
            E *= Fp  # ... * f'(a_t)
            dA += E
        return dA
