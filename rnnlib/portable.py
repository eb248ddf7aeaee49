"""Portable arithmetic: the same digits on every machine (ARCHITECTURE.md, "Same digits on every
machine").

Chapter 00 promises every reader the digits printed in the chapters. Plain
numpy cannot keep that promise: ``A @ B`` runs in the BLAS library, whose
kernels add the terms in an order that depends on the CPU and the thread
count, and ``np.tanh`` and ``np.exp`` take different code paths on different
CPUs. Training turns a last-bit difference into a different network within a
few hundred updates (chapter 05).

So every sum here has an order that this file writes down, built only from
operations that IEEE 754 rounds correctly on every machine (+ - * /, ``rint``,
``ldexp``, comparisons):

- ``matmul(A, B)`` = A B, the short sums (over the hidden or input size) of the
  time loops: ``0 + t_1 + t_2 + ... + t_K``, one term after another (a single
  term, K = 1, is the product itself);
- ``rows_dot(A, B)`` = A B^T and ``total(A)``, the long sums over every step
  and sequence of chapter 05's weight gradients, losses and norms: pairwise
  summation (``pairwise``, below), started from +0;
- ``tanh``, ``sigmoid``, ``exp``, ``expm1``: range reduction and a rational or
  Taylor approximation, accurate to a few units in the last place.

This module is the definition of those orders in plain numpy, and the fallback
that runs wherever Numba does not (``RNNLIB_NUMBA=0``, Pyodide, a numpy too new
for Numba). ``rnnlib/_kernels.py`` compiles the very same orders with Numba;
``rnnlib/arithmetic.py`` chooses between them, and the tests check that both
give the same bits.
"""

import math

import numpy as np

# ---------------------------------------------------------------- the sums


def pairwise(A, lo=0, n=None):
    """Sum of A[..., lo:lo+n] along the last axis in the pairwise order of this book (chapter 05).

    Fewer than 8 terms: -0 + a_1 + a_2 + ... one after another. Up to 128:
    eight running sums r_j = a_j + a_{j+8} + a_{j+16} + ..., combined as
    ((r_0 + r_1) + (r_2 + r_3)) + ((r_4 + r_5) + (r_6 + r_7)), then the last
    n mod 8 terms one after another. More than 128: the two halves (the first
    a multiple of 8 long) summed the same way and added. This is the order
    numpy's own sums used in its 2.x releases, here written out, so the digits
    no longer depend on how numpy adds: rounding errors grow like log n, not n.
    """
    n = A.shape[-1] - lo if n is None else n
    if n < 8:
        res = A[..., lo].copy()
        for i in range(lo + 1, lo + n):
            res += A[..., i]
        return res
    if n <= 128:
        r = A[..., lo : lo + 8].copy()
        end = lo + n - n % 8
        for i in range(lo + 8, end, 8):
            r += A[..., i : i + 8]
        res = (r[..., 0] + r[..., 1]) + (r[..., 2] + r[..., 3])
        res += (r[..., 4] + r[..., 5]) + (r[..., 6] + r[..., 7])
        for i in range(end, lo + n):
            res += A[..., i]
        return res
    half = n // 2
    half -= half % 8
    return pairwise(A, lo, half) + pairwise(A, lo + half, n - half)


def total(A):
    """Sum along the last axis, ``0 + pairwise(A)``: a bias gradient, a loss, a norm (chapter
    05)."""
    A = np.asarray(A)
    if A.shape[-1] == 0:
        return np.zeros(A.shape[:-1], dtype=A.dtype)
    res = pairwise(A)
    res += 0.0  # +0 first: a sum of -0s is +0, as in the book's other sums
    return res


def matmul(A, B):
    """A @ B over the last two axes: ``out[..., m, n] = 0 + sum_k A[..., m, k] B[..., k, n]`` in k
    order.

    The product of the time loops (D h_{t-1} in chapter 02, D^T dL/da_{t+1} in
    chapter 05) and of the input and output layers (W x_t, V h_t). K is the
    hidden or input size; each term is added for a whole row of N sequences at
    once. One sequence (N = 1) is a dot product of two rows: ``rows_dot``'s order.
    """
    A, B = np.asarray(A), np.asarray(B)
    if B.shape[-1] == 1 and A.shape[-1] > 1:
        return rows_dot(A, np.swapaxes(B, -1, -2))
    out = np.multiply(A[..., :, 0, None], B[..., 0, None, :])
    if A.shape[-1] == 1:
        return out
    out += 0.0  # 0 + t_1
    term = np.empty_like(out)
    for k in range(1, A.shape[-1]):
        np.multiply(A[..., :, k, None], B[..., k, None, :], out=term)
        out += term  # ... + t_k
    return out


# how many terms rows_dot forms at once (8 MB of float64); more go in blocks of rows
_CHUNK = 1 << 20


def rows_dot(A, B):
    """A B^T, ``out[..., m, n] = sum_k A[..., m, k] B[..., n, k]``: the weight gradients of chapter
    05.

    ``A`` is (..., M, K), ``B`` (..., N, K); leading axes broadcast. K is every
    step of every sequence, so the sum is long: pairwise (``total``), each
    product rounded before it is added.
    """
    A, B = np.asarray(A), np.asarray(B)
    (M, K), N = A.shape[-2:], B.shape[-2]
    if K == 0:
        return np.zeros(
            np.broadcast_shapes(A.shape[:-2], B.shape[:-2]) + (M, N), np.result_type(A, B)
        )
    if K == 1:
        return A * np.swapaxes(B, -1, -2)  # one term: the product itself
    lead = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    rows = max(1, _CHUNK // max(1, N * K * math.prod(lead)))
    out = np.empty(lead + (M, N), dtype=np.result_type(A, B))
    for i in range(0, M, rows):
        out[..., i : i + rows, :] = total(A[..., i : i + rows, None, :] * B[..., None, :, :])
    return out


# -------------------------------------------------------- elementwise functions

# ln 2 split in two: LN2_HI has its last 21 bits zero, so k * LN2_HI is exact for |k| < 2**20
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00

# Pade (6, 6) approximation of exp(r) = (E + O) / (E - O) for |r| <= ln(2) / 2 (error below 2e-19):
# E = 1 + r^2/44*5 + r^4/792 + r^6/665280 (even part), O = r (1/2 + r^2/66 + r^4/15840) (odd part)
_E2, _E4, _E6 = 5.0 / 44.0, 1.0 / 792.0, 1.0 / 665280.0
_O1, _O3, _O5 = 0.5, 1.0 / 66.0, 1.0 / 15840.0


# beyond these, exp(x) is inf (above ln of the largest double, 709.78) or 0 (below ln of half the
# smallest subnormal, -745.13); clipping x to them keeps k within what the scaling below handles
X_MAX, X_MIN = 710.0, -746.0
# 2^k for k outside the normal exponents is applied in two exact steps (``_scaled``)
_K_HI, _K_LO, _SHIFT = 1023, -1022, 64


def _pade(x):
    """Range reduction and Pade (6, 6) for exp: returns (k, E, O) with exp(x) = 2^k (E + O) / (E -
    O).

    x = k ln 2 + r with k an integer and |r| <= ln(2)/2 (Cody and Waite's two-part ln 2).
    """
    x = np.clip(x, X_MIN, X_MAX)
    k = np.rint(x * _INV_LN2)
    r = x - k * _LN2_HI
    r -= k * _LN2_LO
    z = r * r
    even = ((_E6 * z + _E4) * z + _E2) * z + 1.0
    odd = ((_O5 * z + _O3) * z + _O1) * r
    with np.errstate(invalid="ignore"):  # NaN: its k is never used, the result stays NaN
        return np.where(np.isnan(k), 0, k).astype(np.int32), even, odd


def _scaled(p, k):
    """p 2^k for p near 1, rounded once: 2^k directly for normal exponents (-1022 <= k <= 1023);
    beyond, 2^(k -+ 64) first (an exact product) and then 2^(+-64), so that exp(709.5) is finite,
    exp(710) inf, and results below the smallest normal are rounded once, not twice."""
    hi, lo = k > _K_HI, k < _K_LO
    shift = np.where(hi, _SHIFT, np.where(lo, -_SHIFT, 0))
    out = p * np.ldexp(1.0, k - shift)
    with np.errstate(over="ignore"):
        out *= np.ldexp(1.0, shift)
    return out


def expm1(x):
    """exp(x) - 1 for float64 x, accurate also for tiny |x| (builds the tanh table).

    exp(x) - 1 = 2^k (exp(r) - 1) + (2^k - 1) with exp(r) - 1 = 2 O / (E - O); for large k
    (exp(x) - 1 = exp(x) to double precision), 2^k exp(r) - 1.
    """
    k, even, odd = _pade(np.asarray(x, dtype=np.float64))
    big = k > _K_HI
    s = np.ldexp(1.0, np.minimum(k, _K_HI))
    out = (2.0 * odd / (even - odd)) * s + (s - 1.0)
    if big.any():
        out[big] = _scaled((even + odd) / (even - odd), k)[big] - 1.0
    return out


def exp(x):
    """exp(x) for float64 x (the softmax and the sampling of chapter 08); inf above 709.78, 0 below
    -745.13."""
    k, even, odd = _pade(np.asarray(x, dtype=np.float64))
    return _scaled((even + odd) / (even - odd), k)


def _tanh_pade(x):
    """tanh(x) = -m / (2 + m) with m = expm1(-2|x|), signed: slow but accurate; builds
    ``TANH_TABLE``."""
    m = expm1(-2.0 * np.abs(x))
    return np.copysign(-m / (2.0 + m), x)


# tanh at the multiples j/1024 of [-20, 20], stored so that TABLE[j] is tanh(j/1024) for
# j = -20480..20480 (negative j index from the end). Beyond 20, tanh is 1 to double precision.
STEPS = 1024
JMAX = 20 * STEPS
TANH_TABLE = _tanh_pade(np.concatenate([np.arange(0, JMAX + 1), np.arange(-JMAX, 0)]) / STEPS)
# tanh r = r + r^3 (-1/3 + r^2 2/15) + O(r^7) for |r| <= 1/2048 (error below 4e-25)
T3, T5 = -1.0 / 3.0, 2.0 / 15.0


def tanh(a, out=None):
    """tanh(a), accurate to a few units in the last place (chapter 02).

    a = j/1024 + r with j an integer and |r| <= 1/2048; t = tanh(j/1024) comes
    from a table, tanh r from its Taylor series, and the addition theorem gives
    tanh(a) = (t + tanh r) / (1 + t tanh r). Float32 input is computed in
    float64 and rounded once. ``out`` may be ``a`` itself.
    """
    a = np.asarray(a)
    _check_out(out)
    if a.ndim == 0:
        return tanh(a[None])[0] if out is None else tanh(a[None], out=out[None])[0]
    with np.errstate(over="ignore"):  # |a| > 1.7e305: y = +-inf, clipped to the table's end below
        y = np.multiply(a, STEPS, dtype=np.float64)
    np.minimum(y, JMAX, out=y)
    np.maximum(y, -JMAX, out=y)
    j = np.rint(y)
    nan = np.isnan(j)
    y -= j
    y *= 1.0 / STEPS  # r, exactly
    t = TANH_TABLE.take(
        np.where(nan, 0, j).astype(np.intp)
    )  # tanh(j/1024); NaN stays NaN through r
    z = y * y
    p = z * T5
    p += T3
    p *= z
    p *= y
    p += y  # tanh r = r + r^3 (-1/3 + 2 r^2 / 15)
    z = np.multiply(t, p, out=z)
    z += 1.0
    t += p
    if out is None:
        t /= z
        np.copysign(t, a, out=t)  # the sign of a: tanh(-0) = -0
        return t.astype(a.dtype, copy=False) if a.dtype.kind == "f" else t
    np.divide(t, z, out=t)
    return np.copysign(t, a, out=out)


def _check_out(out):
    """``out=`` of the elementwise functions: a float array (an integer one would truncate the
    values)."""
    if out is not None and not (isinstance(out, np.ndarray) and out.dtype.kind == "f"):
        raise TypeError(
            f"out must be a float numpy array, got {getattr(out, 'dtype', type(out).__name__)}"
        )


def sigmoid(a, out=None):
    """The logistic function 1 / (1 + exp(-a)) = (1 + tanh(a/2)) / 2 (chapters 03, 06)."""
    a = np.asarray(a)
    _check_out(out)
    t = tanh(np.multiply(a, 0.5, dtype=np.float64))
    t += 1.0
    t *= 0.5
    if out is None:
        return t.astype(a.dtype, copy=False) if a.dtype.kind == "f" else t
    out[...] = t
    return out


def relu(a, out=None):
    """max(a, 0), with max(-0, 0) = +0 and NaN kept (chapter 02)."""
    return np.maximum(a, 0.0, out=out)
