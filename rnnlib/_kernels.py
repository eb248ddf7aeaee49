"""The portable orders of ``rnnlib/portable.py``, compiled with Numba (ARCHITECTURE.md, "Same
digits").

Each function adds in exactly the order that ``portable`` writes down, one IEEE
operation at a time: ``njit`` without ``fastmath`` neither reorders sums nor
fuses a multiply and an add, also where LLVM vectorises a loop over
independent outputs (the N sequences, innermost). So the results are the same
bits as ``portable``'s, on x86-64 and ARM64 alike, and the tests check it.
What the compiled loops save is numpy's per-call cost: a whole time loop is one call.

Arrays arrive C-contiguous, with one leading axis of networks or steps
(``rnnlib/arithmetic.py`` shapes them); a factor with fewer leading entries
than the output is reused cyclically (``l % LA``), which is numpy's
broadcasting of (S, M, K) against (T, S, K, N). Compiled code is cached on
disk (``cache=True``), so only the first run of a new install compiles.
"""

import math

import numba
import numpy as np

from .portable import (
    _E2,
    _E4,
    _E6,
    _INV_LN2,
    _K_HI,
    _K_LO,
    _LN2_HI,
    _LN2_LO,
    _O1,
    _O3,
    _O5,
    _SHIFT,
    JMAX,
    STEPS,
    T3,
    T5,
    TANH_TABLE,
    X_MAX,
    X_MIN,
)

CACHED = True  # whether compiled code is kept on disk (False where no cache folder can be written)


def _jit(f):
    """``numba.njit`` without fastmath (IEEE, in the written order), cached on disk where Numba
    finds a writable folder: ``rnnlib/__pycache__``, else its per-user cache folder; with none (a
    read-only install and no home folder), each process compiles what it uses."""
    global CACHED
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(f)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        CACHED = False
        return numba.njit(cache=False, nogil=True, error_model="numpy")(f)


@_jit
def _block(a, lo, n):
    """a[lo:lo+n], n <= 128, in ``portable.pairwise``'s order: 8 running sums, then the last n mod 8
    terms."""
    if n < 8:
        res = a[lo]
        for i in range(lo + 1, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    end = lo + n - n % 8
    for i in range(lo + 8, end, 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
    res = (r0 + r1) + (r2 + r3)
    res += (r4 + r5) + (r6 + r7)
    for i in range(end, lo + n):
        res += a[i]
    return res


@_jit
def _pairwise(a, plan, stack):
    """``portable.pairwise`` of a 1-D array, following ``plan`` (``arithmetic.pairwise_plan``).

    The plan lists, in order, the blocks of at most 128 terms (lo, n) and, as (-1, -1),
    each addition of the two partial sums on top of ``stack``: the halving of
    ``portable.pairwise`` without recursion.
    """
    sp = 0
    for i in range(plan.shape[0]):
        if plan[i, 0] >= 0:
            stack[sp] = _block(a, plan[i, 0], plan[i, 1])
            sp += 1
        else:
            stack[sp - 2] += stack[sp - 1]
            sp -= 1
    return stack[0]


@_jit
def total(A, plan, out):
    """out[l] = 0 + pairwise(A[l, :]) for a 2-D A: the long sums (``portable.total``)."""
    stack = np.empty(64, A.dtype)
    for i in range(A.shape[0]):
        out[i] = _pairwise(A[i], plan, stack)
        out[i] += 0.0


@_jit
def _product_add(a, b, z, acc, buf, plan, stack):
    """z += a @ b for one network, in ``portable.matmul``'s order: (M, K) @ (K, N) into z (M, N).

    K = 1: the product itself; N = 1: 0 + pairwise over k; else 0 + t_1 + ... + t_K,
    each term added for the whole row of N sequences (acc, four rows of a at a time,
    each its own sums) before z receives the sum.
    """
    M, K = a.shape
    N = b.shape[1]
    if K == 1 or N == 1:
        for m in range(M):
            if K == 1:
                for n in range(N):
                    z[m, n] += a[m, 0] * b[0, n]
            else:
                for k in range(K):
                    buf[k] = a[m, k] * b[k, 0]
                acc[0, 0] = _pairwise(buf, plan, stack)
                acc[0, 0] += 0.0
                z[m, 0] += acc[0, 0]
        return
    m = 0
    while m + 4 <= M:  # four rows at a time share each row of b
        acc[:, :] = 0.0
        for k in range(K):
            a0, a1, a2, a3 = a[m, k], a[m + 1, k], a[m + 2, k], a[m + 3, k]
            for n in range(N):
                bkn = b[k, n]
                acc[0, n] += a0 * bkn
                acc[1, n] += a1 * bkn
                acc[2, n] += a2 * bkn
                acc[3, n] += a3 * bkn
        for r in range(4):
            for n in range(N):
                z[m + r, n] += acc[r, n]
        m += 4
    while m < M:
        acc[0, :] = 0.0
        for k in range(K):
            amk = a[m, k]
            for n in range(N):
                acc[0, n] += amk * b[k, n]
        for n in range(N):
            z[m, n] += acc[0, n]
        m += 1


@_jit
def matmul(A, B, plan, out):
    """out[l] = A[l % LA] @ B[l % LB] for 3-D arrays, in ``portable.matmul``'s order; out arrives
    zeroed."""
    acc = np.empty((4, out.shape[2]), out.dtype)
    buf = np.empty(A.shape[2], out.dtype)
    stack = np.empty(64, out.dtype)
    for s in range(out.shape[0]):
        a, b, o = A[s % A.shape[0]], B[s % B.shape[0]], out[s]
        if A.shape[2] == 1:  # one term: the product itself
            for m in range(o.shape[0]):
                for n in range(o.shape[1]):
                    o[m, n] = a[m, 0] * b[0, n]
        else:
            _product_add(
                a, b, o, acc, buf, plan, stack
            )  # 0 + (0 + t_1 + ... + t_K): the same number


@_jit
def _dot_rows_block(a, BT, lo, n, R, res):
    """res[:] = sum over k in lo..lo+n-1 (n <= 128) of a[k] BT[k, :], in ``_block``'s order for
    every column.

    The eight running sums of ``_block`` are the rows of R, each a vector over the columns,
    so the loops run along the contiguous columns of BT (vectorised), not along k.
    """
    N = BT.shape[1]
    if n < 8:
        for c in range(N):
            res[c] = a[lo] * BT[lo, c]
        for i in range(lo + 1, lo + n):
            for c in range(N):
                res[c] += a[i] * BT[i, c]
        return
    for j in range(8):
        for c in range(N):
            R[j, c] = a[lo + j] * BT[lo + j, c]
    end = lo + n - n % 8
    for i in range(lo + 8, end, 8):
        for j in range(8):
            aij = a[i + j]
            for c in range(N):
                R[j, c] += aij * BT[i + j, c]
    for c in range(N):
        res[c] = (R[0, c] + R[1, c]) + (R[2, c] + R[3, c])
        res[c] += (R[4, c] + R[5, c]) + (R[6, c] + R[7, c])
    for i in range(end, lo + n):
        for c in range(N):
            res[c] += a[i] * BT[i, c]


@_jit
def rows_dot(A, BT, plan, out):
    """out[l] = A[l % LA] B[l % LB]^T, given BT = B^T (3-D arrays): each sum 0 + pairwise over k
    (``portable.rows_dot``), computed for a whole row of outputs at once."""
    _rows_dot(A, BT, plan, out)


@_jit
def _rows_dot(A, BT, plan, out):
    """``rows_dot``, called by the other kernels.

    Block by block of the plan, every row of A in turn: a block of BT (at most 128 of its
    rows) is then read from the cache by all rows of A, instead of the whole of BT once per
    row. Each output keeps its own partial sums (``stack[m]``), added in the plan's order.
    """
    K, N = BT.shape[1], BT.shape[2]
    M = A.shape[1]
    depth, sp = 1, 0
    for i in range(plan.shape[0]):
        sp += 1 if plan[i, 0] >= 0 else -1
        depth = max(depth, sp)
    R = np.empty((8, N), out.dtype)
    stack = np.empty((M, depth, N), out.dtype)
    for s in range(out.shape[0]):
        a_l, bt, o = A[s % A.shape[0]], BT[s % BT.shape[0]], out[s]
        if K == 1:
            for m in range(M):
                for c in range(N):
                    o[m, c] = a_l[m, 0] * bt[0, c]  # one term: the product itself
            continue
        sp = 0
        for i in range(plan.shape[0]):
            if plan[i, 0] >= 0:
                for m in range(M):
                    _dot_rows_block(a_l[m], bt, plan[i, 0], plan[i, 1], R, stack[m, sp])
                sp += 1
            else:
                for m in range(M):
                    for c in range(N):
                        stack[m, sp - 2, c] += stack[m, sp - 1, c]
                sp -= 1
        for m in range(M):
            for c in range(N):
                o[m, c] = stack[m, 0, c]
                o[m, c] += 0.0


@_jit
def weight_grad(dA, Z, plan, out):
    """out[s] = sum over steps t and sequences n of dA[t, s] z[t, s]^T, from the state layout
    (chapter 05).

    dA is (T, S, M, N), Z (T, S, C, N), out (S, M, C). Each sum runs over j = t N + n in
    ``rows_dot``'s pairwise order, exactly ``rows_dot(steps_flat(dA), steps_flat(Z))``; the
    rows are gathered here, in compiled loops, instead of by two transposed copies in numpy.
    """
    T, S, M, N = dA.shape
    C = Z.shape[2]
    A = np.empty((1, M, T * N), out.dtype)
    BT = np.empty((1, T * N, C), out.dtype)
    for s in range(S):
        for t in range(T):
            for m in range(M):
                for n in range(N):
                    A[0, m, t * N + n] = dA[t, s, m, n]
            for n in range(N):
                for c in range(C):
                    BT[0, t * N + n, c] = Z[t, s, c, n]
        _rows_dot(A, BT, plan, out[s : s + 1])


@_jit
def _tanh(x):
    """``portable.tanh`` of one float64: table value at j/1024, Taylor series of the rest, addition
    theorem."""
    y = x * STEPS
    if y != y:
        return y  # NaN stays NaN
    y = min(y, JMAX)
    y = max(y, -JMAX)
    j = np.rint(y)
    y -= j
    y *= 1.0 / STEPS  # r, exactly
    t = TANH_TABLE[int(j)]  # tanh(j/1024), negative j from the end
    z = y * y
    p = z * T5
    p += T3
    p *= z
    p *= y
    p += y  # tanh r = r + r^3 (-1/3 + 2 r^2 / 15)
    z = t * p
    z += 1.0
    t += p
    return math.copysign(t / z, x)  # (t + tanh r) / (1 + t tanh r), the sign of x (tanh -0 = -0)


@_jit
def exp(x, out):
    """``portable.exp`` of a flat float64 array: x = k ln 2 + r, Pade (6, 6) of exp(r), times 2^k
    (in two exact steps beyond the normal exponents, as ``portable._scaled``)."""
    for i in range(x.shape[0]):
        v = x[i]
        if v != v:
            out[i] = v  # NaN stays NaN
            continue
        v = min(max(v, X_MIN), X_MAX)
        k = np.rint(v * _INV_LN2)
        r = v - k * _LN2_HI
        r -= k * _LN2_LO
        z = r * r
        even = ((_E6 * z + _E4) * z + _E2) * z + 1.0
        odd = ((_O5 * z + _O3) * z + _O1) * r
        ki = int(k)
        shift = _SHIFT if ki > _K_HI else (-_SHIFT if ki < _K_LO else 0)
        res = (even + odd) / (even - odd) * math.ldexp(1.0, ki - shift)
        out[i] = res * math.ldexp(1.0, shift)


@_jit
def _activate(z, act):
    """f applied in place to a 2-D block: act 0 = tanh, 1 = relu, 2 = sigmoid (``portable``'s
    functions)."""
    for m in range(z.shape[0]):
        for n in range(z.shape[1]):
            v = z[m, n]
            if act == 0:
                z[m, n] = _tanh(np.float64(v))
            elif act == 1:
                z[m, n] = v if (v > 0 or v != v) else 0.0
            else:
                t = _tanh(np.float64(v) * 0.5)
                t += 1.0
                t *= 0.5
                z[m, n] = t


@_jit
def activate(Z, act):
    """f applied in place to a 3-D array (l, rows, columns)."""
    for s in range(Z.shape[0]):
        _activate(Z[s], act)


@_jit
def elman_forward(Z, D, H0, act, plan):
    """The time loop of chapter 02, in place: Z[t] holds W x_t + B and becomes h_t = f(Z[t] + D
    h_{t-1}).

    Z is (T, S, H, N) in the state layout, D (S, H, H); H0 (S, H, N) is h_0, or has
    no networks (shape[0] == 0) for h_0 = 0, when step 1 is f(W x_1 + B).
    """
    T, S, H, N = Z.shape
    acc = np.empty((4, N), Z.dtype)
    buf = np.empty(H, Z.dtype)
    stack = np.empty(64, Z.dtype)
    for s in range(S):
        d = D[s]
        for t in range(T):
            z = Z[t, s]
            if t > 0:
                _product_add(
                    d, Z[t - 1, s], z, acc, buf, plan, stack
                )  # a_t = W x_t + B + D h_{t-1}
            elif H0.shape[0] > 0:
                _product_add(d, H0[s], z, acc, buf, plan, stack)  # step 1 starts from h_0
            _activate(z, act)  # h_t = f(a_t)


@_jit
def elman_backward(G, DT, Fp, plan):
    """The time loop of BPTT (chapter 05), in place on G, from t = T down to 1:

        dL/da_t = (dL/dh_t from y_t + D^T dL/da_{t+1}) * f'(a_t)

    G, Fp are (T, S, H, N); DT (S, H, H) holds D^T of each network.
    """
    T, S, H, N = G.shape
    acc = np.empty((4, N), G.dtype)
    buf = np.empty(H, G.dtype)
    stack = np.empty(64, G.dtype)
    for s in range(S):
        last = G[T - 1, s]
        last *= Fp[T - 1, s]
        for t in range(T - 2, -1, -1):
            g = G[t, s]
            _product_add(DT[s], G[t + 1, s], g, acc, buf, plan, stack)  # + D^T dL/da_{t+1}
            g *= Fp[t, s]  # * f'(a_t)


@_jit
def _product_set(a, b, z, acc, buf, plan, stack):
    """z = a @ b, exactly ``matmul``'s number: the product itself for one term, else 0 + the sum."""
    if a.shape[1] == 1:
        for m in range(z.shape[0]):
            for n in range(z.shape[1]):
                z[m, n] = a[m, 0] * b[0, n]
    else:
        z[:, :] = 0.0
        _product_add(a, b, z, acc, buf, plan, stack)


@_jit
def _step(W, D, B, V, c, x, h, has_h, act, z, y, planI, planH):
    """One step of chapter 02 for one network, columns = sequences: z = h_t, y = y_t (same bits as
    ``forward``).

        h_t = f((W x_t + B) + D h_{t-1}),    y_t = V h_t + c

    Returns whether a_t and y_t are finite: every weight multiplies something on the way, so a NaN
    or infinite weight (or an overflow) shows up there, even where tanh would saturate it.
    """
    ok = True
    N = x.shape[1]
    acc = np.empty((4, N), z.dtype)
    buf = np.empty(max(W.shape[1], D.shape[1]), z.dtype)
    stack = np.empty(64, z.dtype)
    _product_set(W, x, z, acc, buf, planI, stack)  # W x_t
    for m in range(z.shape[0]):
        for n in range(N):
            z[m, n] += B[m]  # + B
    if has_h:
        _product_add(D, h, z, acc, buf, planH, stack)  # + D h_{t-1}
    for m in range(z.shape[0]):
        for n in range(N):
            ok &= z[m, n] - z[m, n] == 0  # finite a_t
    _activate(z, act)  # h_t = f(a_t)
    _product_set(V, z, y, acc, buf, planH, stack)  # V h_t
    for o in range(y.shape[0]):
        for n in range(N):
            y[o, n] += c[o]  # + c
            ok &= y[o, n] - y[o, n] == 0
    return ok


@_jit
def elman_step(W, D, B, V, c, x, h, has_h, act, z, y, planI, planH):
    """``_step`` for the public ``ElmanRNN.step`` (chapter 02): x (I, N), h (H, N) in, z (H, N), y
    (O, N) out."""
    return _step(W, D, B, V, c, x, h, has_h, act, z, y, planI, planH)


@_jit
def elman_free_run(W, D, B, V, c, h, y, steps, act, planI, planH, out):
    """A free run (chapter 07): from state h and output y (columns of one sequence), feed each
    output back as the next input, x_{t+1} = y_t, for ``steps`` steps; out[i] = y of step i (out[0]
    = the y given). Returns the number of steps done: fewer than ``steps`` when a step was not
    finite (``_step``)."""
    H, n_out = h.shape[0], y.shape[0]
    z = np.empty((H, 1), h.dtype)
    x = np.empty((n_out, 1), h.dtype)
    for o in range(n_out):
        out[0, o] = y[o, 0]
    for i in range(1, steps):
        x[:, :] = y
        if not _step(W, D, B, V, c, x, h, True, act, z, y, planI, planH):
            return i
        h[:, :] = z
        for o in range(n_out):
            out[i, o] = y[o, 0]
    return steps


@_jit
def elman_free_run_t(WT, DT, B, VT, c, h, y, steps, act, planI, planH, out):
    """``elman_free_run`` for one sequence, given W^T, D^T and V^T: each product D h is
    ``rows_dot``'s h^T D^T, the same pairwise sums (a b = b a) run along the contiguous rows of D^T,
    so long rows vectorise. Returns the number of steps done, as ``elman_free_run``."""
    H, n_out = DT.shape[1], VT.shape[1]
    x = np.empty((1, 1, n_out), h.dtype)
    hv = h.reshape(1, 1, H)
    z = np.empty((1, 1, H), h.dtype)
    t = np.empty((1, 1, H), h.dtype)
    yv = np.empty((1, 1, n_out), h.dtype)
    WT3, DT3, VT3 = WT.reshape(1, WT.shape[0], H), DT.reshape(1, H, H), VT.reshape(1, H, n_out)
    for o in range(n_out):
        yv[0, 0, o] = y[o, 0]
        out[0, o] = y[o, 0]
    for i in range(1, steps):
        x[:, :, :] = yv  # x_t = y_{t-1}
        _rows_dot(x, WT3, planI, z)  # W x_t
        _rows_dot(hv, DT3, planH, t)  # D h_{t-1}
        ok = True
        for m in range(H):
            z[0, 0, m] += B[m]  # + B
            z[0, 0, m] += t[0, 0, m]  # + D h_{t-1}
            ok &= z[0, 0, m] - z[0, 0, m] == 0
        _activate(z[0], act)  # h_t = f(a_t)
        _rows_dot(z, VT3, planH, yv)  # V h_t
        for o in range(n_out):
            yv[0, 0, o] += c[o]  # + c
            ok &= yv[0, 0, o] - yv[0, 0, o] == 0
            out[i, o] = yv[0, 0, o]
        if not ok:
            return i
        hv[:, :, :] = z
    return steps


@_jit
def jordan_forward(Z, D, V, c, S0, squash, act, planH, planO, Y, S):
    """The time loop of the Jordan network (chapter 03), in place, for (T, Sn, H, N) arrays:

        a_t = Z[t] + D s_{t-1} (Z holds W x_t + B),  h_t = f(a_t),  y_t = V h_t + c,  s_t = g(y_t)

    g = sigmoid when ``squash``, else S is Y (s_t = y_t). S0 (Sn, O, N), or no networks for s_0 = 0.
    """
    T, Sn, H, N = Z.shape
    n_out = Y.shape[2]
    acc = np.empty((4, N), Z.dtype)
    buf = np.empty(max(H, n_out), Z.dtype)
    stack = np.empty(64, Z.dtype)
    for s in range(Sn):
        for t in range(T):
            a = Z[t, s]
            if t > 0:
                _product_add(D[s], S[t - 1, s], a, acc, buf, planO, stack)  # + D s_{t-1}
            elif S0.shape[0] > 0:
                _product_add(D[s], S0[s], a, acc, buf, planO, stack)  # + D s_0
            _activate(a, act)  # h_t = f(a_t)
            y = Y[t, s]
            _product_set(V[s], a, y, acc, buf, planH, stack)  # V h_t
            for o in range(n_out):
                for n in range(N):
                    y[o, n] += c[s, o]  # + c
            if squash:
                g = S[t, s]
                g[:, :] = y
                _activate(g, 2)  # s_t = sigmoid(y_t)


@_jit
def jordan_backward(dY, Fp, Gp, squash, VT, DT, planO, planH, dYt, dA):
    """BPTT through the output feedback (chapter 03), from t = T down to 1, for (T, Sn, K, N)
    arrays:

    dL/dy_t = dY_t + g'(y_t) * carry,  dL/da_t = (V^T dL/dy_t) * f'(a_t),  carry = D^T dL/da_t
    """
    T, Sn, n_out, N = dY.shape
    H = dA.shape[2]
    acc = np.empty((4, N), dY.dtype)
    buf = np.empty(max(H, n_out), dY.dtype)
    stack = np.empty(64, dY.dtype)
    carry = np.empty((n_out, N), dY.dtype)
    for s in range(Sn):
        carry[:, :] = 0.0
        for t in range(T - 1, -1, -1):
            gy = dYt[t, s]
            for o in range(n_out):
                for n in range(N):
                    gy[o, n] = carry[o, n] * Gp[t, s, o, n] if squash else carry[o, n]
                    gy[o, n] += dY[t, s, o, n]  # dL/dy_t
            ga = dA[t, s]
            _product_set(VT[s], gy, ga, acc, buf, planO, stack)  # V^T dL/dy_t
            for h in range(H):
                for n in range(N):
                    ga[h, n] *= Fp[t, s, h, n]  # * f'(a_t)
            _product_set(DT[s], ga, carry, acc, buf, planH, stack)  # carry = D^T dL/da_t
