"""Arithmetic whose result does not depend on the machine (ARCHITECTURE.md, "Same digits on every machine").

The book promises that every reader gets the digits printed in the chapters.
Two things break that promise in plain numpy:

- a matrix product ``A @ B`` is computed by the BLAS library, whose kernels
  (chosen by CPU: OpenBLAS's Haswell or Prescott kernel, Apple's Accelerate,
  MKL, a thread count) add the terms in different orders, so the last bits differ;
- ``np.tanh`` and ``np.exp`` use different code paths on different CPUs
  (AVX-512, AVX2, NEON, the C library), which differ in the last bit.

Training turns a last-bit difference into a different trained network within a
few hundred updates (chapter 05). So everything that feeds training is built
here from the basic operations + - * / (and ``rint``, ``ldexp``), which the
IEEE-754 standard requires to be correctly rounded on every machine, applied in
an order fixed by this code:

- ``matmul(A, B)`` = A B and ``rows_dot(A, B)`` = A B^T: small products are
  formed elementwise, then added in an order fixed by this code and numpy's C
  loops: one term after another along a short axis (``matmul``, the time
  loops), or numpy's pairwise summation along the contiguous last axis
  (``rows_dot``, the long sums over every step of a weight gradient). Large
  products (M K N >= 2^18 per network) run on BLAS after splitting both factors
  into slices so short that BLAS computes every slice product exactly, in
  whatever order its kernel adds (Ozaki et al. 2012). Both broadcast over
  leading axes, so one call serves one network or several side by side.
- ``expm1``, ``exp``, ``tanh`` and ``sigmoid``: range reduction by powers of two
  and a rational (Pade) approximation, accurate to a few units in the last place.

The price is speed: small products form every term (about 3-10x a BLAS call
at the book's sizes; those with many outputs add them into the output one k at
a time, ``_accumulate``), large ones take six BLAS calls, and ``tanh`` takes
about 17 array operations instead of one. ``benchmarks/bench_rnn.py`` measures
both paths, ``benchmarks/exact_cost.py`` what they cost each chapter; models
built with ``exact=False`` use BLAS and numpy's functions.
"""
import math

import numpy as np

# ln 2 split in two: LN2_HI has its last 21 bits zero, so k * LN2_HI is exact for |k| < 2**20
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00

# Pade (6, 6) approximation of exp(r) = (E + O) / (E - O) for |r| <= ln(2) / 2 (error below 2e-19):
# E = 1 + r^2/44*5 + r^4/792 + r^6/665280 (even part), O = r (1/2 + r^2/66 + r^4/15840) (odd part)
_E2, _E4, _E6 = 5.0 / 44.0, 1.0 / 792.0, 1.0 / 665280.0
_O1, _O3, _O5 = 0.5, 1.0 / 66.0, 1.0 / 15840.0

# how many terms a small product forms at once (8 MB of float64); more go in blocks of rows
_CHUNK = 1 << 20


def rows_dot(A, B):
    """A B^T, i.e. ``out[..., m, n] = sum_k A[..., m, k] * B[..., n, k]``, in a machine-independent order.

    ``A`` is (..., M, K) and ``B`` is (..., N, K); leading axes broadcast, as in
    ``np.matmul``. The long sums of chapter 05's weight gradients (over every
    step and sequence) use it. Each term is one IEEE product; the K terms are
    added by numpy's pairwise summation along the contiguous last axis, whose
    order depends only on K.
    """
    A, B = np.asarray(A), np.asarray(B)
    return _product(A, B, lambda a: np.multiply(a[..., :, None, :], B[..., None, :, :], order="C"), axis=-1)


def _lead(A, B):
    """The leading (network, step) axes of a product of A and B, broadcast (no call when they are equal)."""
    return A.shape[:-2] if A.shape[:-2] == B.shape[:-2] else np.broadcast_shapes(A.shape[:-2], B.shape[:-2])


def _product(A, Bt, terms, axis):
    """A Bt^T: ``terms(rows of A)`` forms the products, summed along ``axis``; large products on BLAS slices.

    A product with one term is that term. One with M K N >= 2^18 terms per
    network runs on exact BLAS slices. Otherwise the terms are formed for as many
    rows of A at a time as fit in ``_CHUNK`` numbers; each row's sum is the same
    whatever the block, so the result depends only on the shapes.
    """
    M, K = A.shape[-2:]
    N = Bt.shape[-2]
    lead = _lead(A, Bt)
    if K == 1:
        return terms(A).reshape(lead + (M, N))
    if M * K * N >= _SLICED:
        return _sliced_rows_dot(A, Bt)
    rows = max(1, _CHUNK // max(1, N * K * math.prod(lead)))
    if rows >= M:
        return np.add.reduce(terms(A), axis=axis)
    out = np.empty(lead + (M, N), dtype=np.result_type(A, Bt))
    for i in range(0, M, rows):
        out[..., i:i + rows, :] = np.add.reduce(terms(A[..., i:i + rows, :]), axis=axis)
    return out


# products with at least this many terms (M * K * N per network) run on BLAS by exact slices
_SLICED = 1 << 18


def _slices(A, beta):
    """A = A_1 + A_2 + A_3 + (a remainder below 2^(-3 beta) of each row's largest entry), row by row.

    Slice k holds the bits of A between 2^(e - (k-1) beta) and 2^(e - k beta),
    where 2^e bounds the row: adding and subtracting 1.5 * 2^(e - k beta + 52)
    rounds to that grid exactly (Ozaki et al. 2012). Every operation is exact.
    """
    e = np.frexp(np.max(np.abs(A), axis=-1, keepdims=True))[1]
    out, R = [], A
    for k in range(1, 4):
        sigma = np.ldexp(1.5, e - k * beta + 52)
        S = (R + sigma) - sigma
        out.append(S)
        R = R - S
    return out


def _sliced_rows_dot(A, B):
    """A B^T on BLAS, yet machine-independent: each slice product is exact.

    With beta bits per slice and 2 beta + log2(K) <= 53, every product of two
    slices and every partial sum is a whole multiple of one small power of two
    below 2^53 of it, so BLAS computes it exactly in any order, on any kernel,
    with or without fused multiply-adds. The six leading slice products are
    then added in a fixed order (their sum is accurate to about 2^-60 of the
    rows' and columns' largest entries).
    """
    K = A.shape[-1]
    dtype = np.result_type(A, B)
    beta = (53 - max(1, math.ceil(math.log2(K)))) // 2
    a, b = _slices(A.astype(np.float64, copy=False), beta), _slices(B.astype(np.float64, copy=False), beta)
    bt = [np.swapaxes(x, -1, -2) for x in b]
    small = np.matmul(a[0], bt[2]) + np.matmul(a[1], bt[1]) + np.matmul(a[2], bt[0])
    small += np.matmul(a[0], bt[1]) + np.matmul(a[1], bt[0])
    small += np.matmul(a[0], bt[0])
    return small.astype(dtype, copy=False)


def matmul(A, B):
    """A @ B over the last two axes, machine-independent: ``out[..., m, n] = sum_k A[..., m, k] B[..., k, n]``.

    ``A`` is (..., M, K) and ``B`` is (..., K, N); leading axes broadcast. The
    K terms are added one after another (k = 1, 2, ..., K), each addition done
    for a whole contiguous row of N numbers at once. This is the product of the
    time loops (D h_{t-1} in chapter 02, D^T dL/da_{t+1} in chapter 05), where K
    is the hidden size and N the number of sequences, and of the input and
    output layers of all steps at once (W x_t, V h_t).
    """
    A, B = np.asarray(A), np.asarray(B)
    (M, K), N = A.shape[-2:], B.shape[-1]
    if K >= 2 and N >= 2 and M * K * N < _SLICED and math.prod(_lead(A, B)) * M * N >= _ACCUMULATE:
        return _accumulate(A, B)
    return _product(A, np.swapaxes(B, -1, -2),
                    lambda a: np.multiply(a[..., :, :, None], B[..., None, :, :], order="C"), axis=-2)


# products with at least this many outputs (and N >= 2) add their terms into the output one k at a time
_ACCUMULATE = 1 << 14


def _accumulate(A, B):
    """``matmul`` for many outputs: out = 0 + t_1 + t_2 + ... + t_K with t_k = A[..., :, k] B[..., k, :].

    The same sums, in the same order, as adding up the array of all K terms
    along its K axis (``_product``, whose reduction also starts from +0, so
    even the signs of zero results agree), but one term at a time into the
    output, so the terms never fill memory: 1.3-2x faster for the products of
    all steps at once (W x_t + B before the time loop, V h_t after it).
    """
    out = np.multiply(A[..., :, 0, None], B[..., 0, None, :])
    out += 0.0                                       # 0 + t_1: a -0 becomes +0, as in the reduction
    term = np.empty_like(out)
    for k in range(1, A.shape[-1]):
        np.multiply(A[..., :, k, None], B[..., k, None, :], out=term)
        out += term
    return out


def sum_rows(A):
    """Sum over the second-to-last axis, keeping it: (..., K, N) -> (..., 1, N), adding row after row.

    The softmax denominator over the classes of a (..., classes, N) array (chapter 08).
    """
    return np.add.reduce(A, axis=-2, keepdims=True)


def _pade(x):
    """Range reduction and Pade (6, 6) for exp: returns (2^k, E, O) with exp(x) = 2^k (E + O) / (E - O).

    x = k ln 2 + r with k an integer and |r| <= ln(2)/2 (Cody and Waite's two-part ln 2).
    """
    x = np.clip(x, -745.0, 709.0)
    k = np.rint(x * _INV_LN2)
    r = x - k * _LN2_HI
    r -= k * _LN2_LO
    z = r * r
    E = ((_E6 * z + _E4) * z + _E2) * z + 1.0
    O = ((_O5 * z + _O3) * z + _O1) * r
    return np.ldexp(1.0, k.astype(np.int32)), E, O


def expm1(x):
    """exp(x) - 1 for float64 x, machine-independent, accurate also for tiny |x| (builds the tanh table).

    exp(x) - 1 = 2^k (exp(r) - 1) + (2^k - 1) with exp(r) - 1 = 2 O / (E - O).
    """
    s, E, O = _pade(np.asarray(x, dtype=np.float64))
    return (2.0 * O / (E - O)) * s + (s - 1.0)


def exp(x):
    """exp(x) for float64 x, machine-independent (softmax and sigmoid outputs of the losses, chapters 05, 08)."""
    s, E, O = _pade(np.asarray(x, dtype=np.float64))
    return (E + O) / (E - O) * s


def _tanh_pade(x):
    """tanh(x) = -m / (2 + m) with m = expm1(-2|x|), signed: slow but accurate; builds ``_TANH_TABLE``."""
    m = expm1(-2.0 * np.abs(x))
    return np.copysign(-m / (2.0 + m), x)


# tanh at the multiples j/1024 of [-20, 20], stored so that TABLE[j] is tanh(j/1024) for
# j = -20480..20480 (negative j index from the end). Beyond 20, tanh is 1 to double precision.
_STEPS = 1024
_JMAX = 20 * _STEPS
_TANH_TABLE = _tanh_pade(np.concatenate([np.arange(0, _JMAX + 1), np.arange(-_JMAX, 0)]) / _STEPS)
# tanh r = r + r^3 (-1/3 + r^2 2/15) + O(r^7) for |r| <= 1/2048 (error below 4e-25)
_T3, _T5 = -1.0 / 3.0, 2.0 / 15.0


def tanh(a, out=None):
    """tanh(a), machine-independent and accurate to a few units in the last place (chapter 02).

    a = j/1024 + r with j an integer and |r| <= 1/2048; t = tanh(j/1024) comes
    from a table, tanh r from its Taylor series, and the addition theorem gives
    tanh(a) = (t + tanh r) / (1 + t tanh r). About 17 array operations.
    Float32 input is computed in float64 and rounded once. ``out`` may be ``a`` itself.
    """
    a = np.asarray(a)
    if a.ndim == 0:
        return tanh(a[None])[0] if out is None else tanh(a[None], out=out[None])[0]
    y = np.multiply(a, _STEPS, dtype=np.float64)
    np.minimum(y, _JMAX, out=y)
    np.maximum(y, -_JMAX, out=y)
    j = np.rint(y)
    y -= j
    y *= 1.0 / _STEPS                        # r, exactly
    t = _TANH_TABLE.take(j.astype(np.intp))  # tanh(j/1024)
    z = y * y
    p = z * _T5
    p += _T3
    p *= z
    p *= y
    p += y                                  # tanh r = r + r^3 (-1/3 + 2 r^2 / 15)
    z = np.multiply(t, p, out=z)
    z += 1.0
    t += p
    if out is None:
        t /= z
        return t.astype(a.dtype, copy=False) if a.dtype.kind == "f" else t
    return np.divide(t, z, out=out)


def sigmoid(a, out=None):
    """The logistic function 1 / (1 + exp(-a)) = (1 + tanh(a/2)) / 2, machine-independent (chapters 03, 06)."""
    a = np.asarray(a)
    t = tanh(np.multiply(a, 0.5, dtype=np.float64))
    t += 1.0
    t *= 0.5
    if out is None:
        return t.astype(a.dtype, copy=False) if a.dtype.kind == "f" else t
    out[...] = t
    return out
