"""The one seam for arithmetic: every product and activation of rnnlib's networks, losses and
training.

Chapters 02 and 05 write the formulas; this module decides how the machine adds.
It has two implementations of one small interface (``Arithmetic``):

- ``REPRODUCIBLE`` (the default of every network, ``reproducible=True``): the
  summation orders written down in ``rnnlib/portable.py``, so that every reader
  gets the digits stored in the chapters, whatever the CPU, BLAS or thread
  count. The work runs in Numba-compiled loops (``rnnlib/_kernels.py``) once it
  is large enough to pay for loading them, and in ``portable``'s numpy
  otherwise, or wherever Numba cannot be imported, or when the environment
  variable ``RNNLIB_NUMBA=0`` is set. Both give the same bits (tested).
- ``BLAS`` (``reproducible=False``): numpy's ``@``, ``np.tanh`` and ``np.sum``:
  fast for large networks, last bits machine-dependent.

Arrays are in the state layout of ``rnnlib.model``: (..., K, N), one column per
sequence; leading axes (steps, stacked networks) broadcast as in ``np.matmul``.
"""

import contextlib
import functools
import math
import os

import numpy as np

from . import portable

ACTIVATION_CODES = {"tanh": 0, "relu": 1, "sigmoid": 2}

# ------------------------------------------------------------ the compiled kernels

_kernels = None  # rnnlib._kernels once loaded; False when Numba cannot be used here
# work (multiply-adds) from which a call loads the compiled kernels if they are not loaded yet
PAYS = 1 << 17


def numba_enabled():
    """Whether the compiled kernels may be used: Numba importable, and ``RNNLIB_NUMBA`` not set to
    0."""
    return _load(force=False) is not False


def _load(force=True):
    """rnnlib._kernels (importing Numba on first use), or False where it cannot be used."""
    global _kernels
    if _kernels is None and (force or os.environ.get("RNNLIB_NUMBA", "1") == "0"):
        if os.environ.get("RNNLIB_NUMBA", "1") == "0":
            _kernels = False
        else:
            try:
                from . import _kernels as k
            except Exception:  # no Numba, one built for another numpy, or no cache folder
                k = False
            _kernels = k
    return _kernels


@contextlib.contextmanager
def compiled(enabled):
    """``with compiled(False):`` runs the reproducible arithmetic in numpy only; ``compiled(True)``
    always in the Numba kernels (when Numba can be used), whatever the size. For tests and
    benchmarks: the bits are the same either way."""
    global _kernels, PAYS
    saved = _kernels, PAYS
    if enabled:
        _load()
        PAYS = 0
    else:
        _kernels = False
    try:
        yield
    finally:
        _kernels, PAYS = saved


def _compiled(work):
    """The kernels if they are loaded or ``work`` pays for loading them; else None (use numpy)."""
    if _kernels is None and work < PAYS:
        return None
    return _load() or None


@functools.lru_cache(maxsize=256)
def pairwise_plan(n):
    """The order of ``portable.pairwise`` over n terms, flattened for the compiled loops (no
    recursion).

    Rows (lo, n) are blocks of at most 128 terms, summed in place; a row (-1, -1)
    adds the two partial sums computed last. Halves as ``portable.pairwise`` does.
    """
    rows = []

    def split(lo, n):
        if n <= 128:
            rows.append((lo, n))
            return
        half = n // 2 - (n // 2) % 8
        split(lo, half)
        split(lo + half, n - half)
        rows.append((-1, -1))

    split(0, max(n, 1))
    return np.array(rows, dtype=np.int64)


def steps_flat(A):
    """(T, *L, K, N) -> (*L, K, T*N), contiguous: every step and sequence along the last axis.

    Sums over time and sequences (chapter 05: a weight's gradient adds up its
    contributions from every step) then run along one contiguous axis, in the
    same order (step by step, sequence by sequence) whether or not several
    networks are stacked.
    """
    nd = A.ndim
    B = np.ascontiguousarray(A.transpose(tuple(range(1, nd - 1)) + (0, nd - 1)))
    return B.reshape(B.shape[:-2] + (-1,))


def _stack3(A, lead):
    """A (..., M, K) as a C-contiguous (L, M, K) array whose rows repeat cyclically over
    ``lead``."""
    own = A.shape[:-2]
    if own != lead[len(lead) - len(own) :]:
        A = np.broadcast_to(A, lead + A.shape[-2:])
    return np.ascontiguousarray(A).reshape((-1,) + A.shape[-2:])


class Arithmetic:
    """The interface: products, sums and activations of the formulas of chapters 02 and 05."""

    reproducible = None

    def matmul(self, A, B, out=None):
        """A @ B over the last two axes; into ``out`` when given (``fit``'s workspace)."""
        raise NotImplementedError

    def rows_dot(self, A, B):
        """A B^T over the last two axes (weight gradients: sums over every step and sequence)."""
        raise NotImplementedError

    def total(self, A):
        """Sum along the last axis (bias gradients, losses, norms)."""
        raise NotImplementedError

    def activate(self, name, a, out):
        """f(a) into ``out`` (may be ``a``) for f in "tanh", "relu", "sigmoid"."""
        raise NotImplementedError

    def weight_grad(self, dA, Z):
        """sum over steps and sequences of dA_t z_t^T, from (T, [S,] M, N) and (T, [S,] C, N): ([S,]
        M, C)."""
        return self.rows_dot(steps_flat(dA), steps_flat(Z))

    def step_total(self, dA):
        """sum over steps and sequences of dA_t, from (T, [S,] M, N): ([S,] M) (bias gradients)."""
        return self.total(steps_flat(dA))

    def exp(self, x, out=None):
        """exp(x) as float64 (the softmax of chapter 08), into ``out`` when given."""
        raise NotImplementedError

    def sum_rows(self, A):
        """Sum over the second-to-last axis, kept: (..., C, N) -> (..., 1, N) (softmax
        denominators)."""
        return self.matmul(np.ones((1, A.shape[-2]), dtype=A.dtype), A)

    def elman_forward(self, Z, D, H0, name):
        """In place on Z (T, [S,] H, N), holding W x_t + B: Z[t] becomes h_t = f(Z[t] + D
        h_{t-1})."""
        for t in range(len(Z)):
            prev = Z[t - 1] if t else H0
            if prev is not None:
                Z[t] += self.matmul(D, prev)  # a_t = W x_t + B + D h_{t-1}
            self.activate(name, Z[t], Z[t])  # h_t = f(a_t)
        return Z

    def elman_backward(self, G, D, Fp):
        """In place on G (T, [S,] H, N), from t = T down to 1: dL/da_t = (G_t + D^T dL/da_{t+1}) *
        f'(a_t)."""
        DT = np.ascontiguousarray(np.swapaxes(D, -1, -2))
        G[-1] *= Fp[-1]
        for t in range(len(G) - 2, -1, -1):
            G[t] += self.matmul(DT, G[t + 1])  # + D^T dL/da_{t+1}
            G[t] *= Fp[t]  # * f'(a_t)
        return G

    def jordan_forward(self, Z, D, V, c, S0, squash, name):
        """The Jordan network's loop (chapter 03), in place on Z (T, [S,] H, N) holding W x_t + B:
        returns (Y, S) with y_t = V f(Z_t + D s_{t-1}) + c and s_t = sigmoid(y_t) (or y_t)."""
        Y = np.empty(Z.shape[:-2] + (V.shape[-2], Z.shape[-1]), dtype=Z.dtype)
        S = np.empty_like(Y) if squash else Y
        s, col = S0, c[..., :, None]
        for t in range(len(Z)):
            if s is not None:
                Z[t] += self.matmul(D, s)  # a_t = W x_t + B + D s_{t-1}
            self.activate(name, Z[t], Z[t])  # h_t = f(a_t)
            Y[t] = self.matmul(V, Z[t])
            Y[t] += col  # y_t = V h_t + c
            s = self.activate("sigmoid", Y[t], S[t]) if squash else Y[t]
        return Y, S

    def jordan_backward(self, dY, Fp, Gp, V, D):
        """BPTT through the output feedback (chapter 03): returns (dL/dy_t, dL/da_t) for every step,
        dL/dy_t = dY_t + g'(y_t) D^T dL/da_{t+1} (Gp = g'(y_t), None for g = identity)."""
        VT, DT = (np.ascontiguousarray(np.swapaxes(M, -1, -2)) for M in (V, D))
        dYt, dA = np.empty_like(dY), np.empty_like(Fp)
        carry = np.zeros_like(dY[0])  # dL/ds_t from step t+1
        for t in range(len(dY) - 1, -1, -1):
            if Gp is not None:
                np.multiply(carry, Gp[t], out=dYt[t])
            else:
                dYt[t] = carry
            dYt[t] += dY[t]
            dA[t] = self.matmul(VT, dYt[t])
            dA[t] *= Fp[t]
            carry = self.matmul(DT, dA[t])
        return dYt, dA


class Blas(Arithmetic):
    """numpy's BLAS products, ``np.tanh`` and sums: fast, last bits machine-dependent."""

    reproducible = False

    def matmul(self, A, B, out=None):
        return np.matmul(A, B, out=out)

    def rows_dot(self, A, B):
        return np.matmul(A, np.swapaxes(B, -1, -2))

    def total(self, A):
        return np.sum(A, axis=-1)

    def activate(self, name, a, out):
        if name == "tanh":
            return np.tanh(a, out=out)
        if name == "relu":
            return np.maximum(a, 0.0, out=out)
        np.multiply(a, 0.5, out=out)  # sigmoid(a) = (1 + tanh(a / 2)) / 2
        np.tanh(out, out=out)
        out += 1.0
        out *= 0.5
        return out

    def exp(self, x, out=None):
        return np.exp(x, out=out)

    def sum_rows(self, A):
        return np.sum(A, axis=-2, keepdims=True)


class Reproducible(Arithmetic):
    """The orders of ``rnnlib.portable``: compiled by Numba where that pays and works, else numpy;
    same bits."""

    reproducible = True

    def matmul(self, A, B, out=None):
        A, B = np.asarray(A), np.asarray(B)
        lead = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        (M, K), N = A.shape[-2:], B.shape[-1]
        k = _compiled(math.prod(lead) * M * K * N)
        if (
            k is None
            or 0 in A.shape
            or 0 in B.shape
            or (out is not None and not out.flags.c_contiguous)
        ):
            if out is None:
                return portable.matmul(A, B)
            out[...] = portable.matmul(A, B)
            return out
        if out is None:
            out = np.zeros(lead + (M, N), dtype=np.result_type(A, B))
        else:
            out.fill(0.0)
        k.matmul(_stack3(A, lead), _stack3(B, lead), pairwise_plan(K), out.reshape((-1, M, N)))
        return out

    def rows_dot(self, A, B):
        A, B = np.asarray(A), np.asarray(B)
        lead = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        (M, K), N = A.shape[-2:], B.shape[-2]
        k = _compiled(math.prod(lead) * M * K * N)
        if k is None or 0 in A.shape or 0 in B.shape:
            return portable.rows_dot(A, B)
        if N < M:  # the kernel runs along the outputs' last axis: the longer one
            return np.swapaxes(self.rows_dot(B, A), -1, -2).copy()  # a b = b a, bit for bit
        out = np.empty(lead + (M, N), dtype=np.result_type(A, B))
        k.rows_dot(
            _stack3(A, lead),
            _stack3(np.swapaxes(B, -1, -2), lead),
            pairwise_plan(K),
            out.reshape((-1, M, N)),
        )
        return out

    def total(self, A):
        A = np.asarray(A)
        k = _compiled(A.size)
        if k is None or A.shape[-1] == 0:
            return portable.total(A)
        A2 = np.ascontiguousarray(A).reshape(-1, A.shape[-1])
        out = np.empty(A2.shape[0], dtype=A.dtype)
        k.total(A2, pairwise_plan(A2.shape[1]), out)
        return out.reshape(A.shape[:-1])

    def activate(self, name, a, out):
        k = _compiled(a.size * 16)
        if k is None or name == "relu" or a.dtype != out.dtype or not out.flags.c_contiguous:
            return getattr(portable, name)(a, out=out)
        if out is not a:
            out[...] = a
        k.activate(
            out.reshape((-1,) + out.shape[-2:]) if out.ndim >= 2 else out.reshape(1, 1, -1),
            ACTIVATION_CODES[name],
        )
        return out

    def exp(self, x, out=None):
        x = np.asarray(x, dtype=np.float64)
        k = _compiled(x.size * 16)
        if k is None or (out is not None and not out.flags.c_contiguous):
            if out is None:
                return portable.exp(x)
            out[...] = portable.exp(x)
            return out
        if out is None:
            out = np.empty(x.shape)
        k.exp(np.ascontiguousarray(x).reshape(-1), out.reshape(-1))
        return out

    def weight_grad(self, dA, Z):
        T, M, N, C = dA.shape[0], dA.shape[-2], dA.shape[-1], Z.shape[-2]
        S = math.prod(dA.shape[1:-2])
        k = _compiled(T * S * M * N * C)
        if k is None or dA.dtype != Z.dtype or dA.shape[1:-2] != Z.shape[1:-2]:
            return super().weight_grad(dA, Z)
        if M > C:  # the kernel runs along the outputs' last axis: the longer one
            return np.swapaxes(self.weight_grad(Z, dA), -1, -2).copy()  # a z = z a, bit for bit
        out = np.empty(dA.shape[1:-2] + (M, C), dtype=dA.dtype)
        k.weight_grad(
            np.ascontiguousarray(dA).reshape(T, S, M, N),
            np.ascontiguousarray(Z).reshape(T, S, C, N),
            pairwise_plan(T * N),
            out.reshape(S, M, C),
        )
        return out

    def step_total(self, dA):
        N = dA.shape[-1]
        if _compiled(dA.size) is None or dA.dtype.kind != "f":
            return super().step_total(dA)
        ones = np.ones(dA.shape[:-2] + (1, N), dtype=dA.dtype)
        return self.weight_grad(dA, ones)[..., 0]  # sum of dA_t * 1: the same bits as the sum

    def elman_forward(self, Z, D, H0, name):
        S = math.prod(D.shape[:-2])
        T, H, N = Z.shape[0], Z.shape[-2], Z.shape[-1]
        k = _compiled(T * S * H * H * N)
        if k is None or not Z.flags.c_contiguous:
            return super().elman_forward(Z, D, H0, name)
        h0 = (
            np.zeros((0, H, N), Z.dtype)
            if H0 is None
            else np.ascontiguousarray(H0, Z.dtype).reshape(S, H, N)
        )
        k.elman_forward(
            Z.reshape(T, S, H, N),
            np.ascontiguousarray(D).reshape(S, H, H),
            h0,
            ACTIVATION_CODES[name],
            pairwise_plan(H),
        )
        return Z

    def elman_backward(self, G, D, Fp):
        S = math.prod(D.shape[:-2])
        T, H, N = G.shape[0], G.shape[-2], G.shape[-1]
        k = _compiled(T * S * H * H * N)
        if k is None or not G.flags.c_contiguous:
            return super().elman_backward(G, D, Fp)
        DT = np.ascontiguousarray(np.swapaxes(D, -1, -2)).reshape(S, H, H)
        k.elman_backward(
            G.reshape(T, S, H, N),
            DT,
            np.ascontiguousarray(Fp).reshape(T, S, H, N),
            pairwise_plan(H),
        )
        return G

    def jordan_forward(self, Z, D, V, c, S0, squash, name):
        S = math.prod(D.shape[:-2])
        T, H, N, n_out = Z.shape[0], Z.shape[-2], Z.shape[-1], V.shape[-2]
        k = _compiled(T * S * H * (n_out + n_out) * N)
        if k is None or not Z.flags.c_contiguous or not Z.dtype == D.dtype == V.dtype == c.dtype:
            return super().jordan_forward(Z, D, V, c, S0, squash, name)
        Y = np.empty(Z.shape[:-2] + (n_out, N), dtype=Z.dtype)
        Sv = np.empty_like(Y) if squash else Y
        s0 = (
            np.zeros((0, n_out, N), Z.dtype)
            if S0 is None
            else np.ascontiguousarray(S0, Z.dtype).reshape(S, n_out, N)
        )
        k.jordan_forward(
            Z.reshape(T, S, H, N),
            np.ascontiguousarray(D).reshape(S, H, n_out),
            np.ascontiguousarray(V).reshape(S, n_out, H),
            np.ascontiguousarray(c).reshape(S, n_out),
            s0,
            squash,
            ACTIVATION_CODES[name],
            pairwise_plan(H),
            pairwise_plan(n_out),
            Y.reshape(T, S, n_out, N),
            Sv.reshape(T, S, n_out, N),
        )
        return Y, Sv

    def jordan_backward(self, dY, Fp, Gp, V, D):
        S = math.prod(D.shape[:-2])
        T, n_out, N, H = dY.shape[0], dY.shape[-2], dY.shape[-1], Fp.shape[-2]
        k = _compiled(T * S * H * (n_out + n_out) * N)
        if (
            k is None or not dY.dtype == Fp.dtype == V.dtype == D.dtype
        ):  # mixed dtypes: numpy's casts
            return super().jordan_backward(dY, Fp, Gp, V, D)
        VT = np.ascontiguousarray(np.swapaxes(V, -1, -2)).reshape(S, H, n_out)
        DT = np.ascontiguousarray(np.swapaxes(D, -1, -2)).reshape(S, n_out, H)
        dYt, dA = np.empty_like(dY), np.empty_like(Fp)
        g = (
            np.empty((0, 0, 0, 0), dY.dtype)
            if Gp is None
            else np.ascontiguousarray(Gp).reshape(T, S, n_out, N)
        )
        k.jordan_backward(
            np.ascontiguousarray(dY).reshape(T, S, n_out, N),
            np.ascontiguousarray(Fp).reshape(T, S, H, N),
            g,
            Gp is not None,
            VT,
            DT,
            pairwise_plan(n_out),
            pairwise_plan(H),
            dYt.reshape(T, S, n_out, N),
            dA.reshape(T, S, H, N),
        )
        return dYt, dA


_steps = 0  # calls of step_kernels so far: many small steps pay for loading Numba too
STEPS_PAY = 64


def step_kernels(work):
    """The compiled ``elman_step`` and ``elman_free_run``, or None (use numpy): for the lean
    step-by-step paths of ``ElmanRNN.step`` and ``forecast.rnn_free_run``. Numba is loaded once the
    kernels are loaded anyway, or this call's ``work`` pays for it, or after ``STEPS_PAY`` steps: a
    chapter that takes a few steps by hand never loads it."""
    global _steps
    _steps += 1
    return _compiled(PAYS if _steps >= STEPS_PAY else work)


REPRODUCIBLE = Reproducible()
BLAS = Blas()


def get(reproducible=True):
    """The arithmetic of a network built with ``reproducible=`` (chapter 00: the same digits
    everywhere)."""
    return REPRODUCIBLE if reproducible else BLAS


def warm(dtypes=("float64",)):
    """Compile (or load from Numba's cache) every kernel a chapter uses (Binder's build,
    ``binder/postBuild``).

    Runs the public API once on tiny data: ``fit`` of the basic RNN with each loss and activation,
    plain and truncated, of the Jordan network with both feedbacks and of the feed-forward net, a
    step and a free run. Returns whether the kernels are available. The cache lives in
    ``rnnlib/__pycache__`` when the package folder is writable (an editable install), else in
    Numba's per-user cache folder.
    """
    if not _load():
        return False
    from . import baselines, elman, forecast, train  # the models import this module

    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3, 2))
    bits, labels = (X > 0).astype(float), rng.integers(0, 2, (6, 3))
    with compiled(True):
        for dtype in dtypes:
            nets = [elman.ElmanRNN(2, 9, 2, activation=a, dtype=dtype) for a in ACTIVATION_CODES]
            nets += [
                baselines.JordanRNN(2, 9, 2, feedback=g, dtype=dtype)
                for g in ("identity", "sigmoid")
            ]
            nets.append(baselines.FeedForward(2, 9, 2, dtype=dtype))
            for net in nets:
                for loss, target in (("mse", X), ("bce", bits), ("cross_entropy", labels)):
                    train.fit(net, X, target, loss=loss, epochs=1, verbose=False)
            train.fit(nets[0], X, X, truncate=2, epochs=1, verbose=False)
            one = elman.ElmanRNN(1, 9, 1, dtype=dtype)
            one.step(np.ones(1), np.zeros(9))
            forecast.rnn_free_run(one, np.ones(5), 3)
    return True
