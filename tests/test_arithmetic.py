"""rnnlib.arithmetic: the Numba kernels and the numpy fallback give the same bits, in the written
order.

Bit for bit means the raw bytes (signs of zero and NaN positions count), the dtype
and the shape. Four layers:

1. property tests: every operation of ``REPRODUCIBLE`` under ``compiled(True)`` (the
   kernels of ``rnnlib/_kernels.py``, whatever the size) and ``compiled(False)`` (the
   numpy of ``rnnlib/portable.py``), on shapes, dtypes and signed zeros;
2. the portable orders against Python loops that write the order down, and proof that
   the test data tell a different order apart (so agreement is not a coincidence);
3. whole ``rnnlib.fit`` runs, Numba on and off: the same weights and the same History;
4. fresh processes: test_exact's fingerprint with ``RNNLIB_NUMBA=0`` and with the kernels,
   and rnnlib training where Numba is switched off.
"""

import contextlib
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from helpers import FINGERPRINT, ROOT
from rnnlib import arithmetic, portable, tasks
from rnnlib.arithmetic import REPRODUCIBLE as R

if not arithmetic.numba_enabled():
    pytest.skip(
        "Numba cannot be used here (not importable, or RNNLIB_NUMBA=0): nothing to compare",
        allow_module_level=True,
    )

KERNELS = arithmetic._load()


# ----------------------------------------------------------------------------- helpers


def same_bits(a, b):
    """The same dtype, shape and bytes: -0.0 differs from +0.0, a NaN's position and payload
    count."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@contextlib.contextmanager
def kernel_calls():
    """Count the calls arithmetic makes into rnnlib._kernels (so "compiled" really means
    compiled)."""
    calls = {}
    saved = {}
    for name in (
        "matmul",
        "rows_dot",
        "weight_grad",
        "total",
        "activate",
        "elman_forward",
        "elman_backward",
        "jordan_forward",
        "jordan_backward",
    ):
        saved[name] = original = getattr(KERNELS, name)

        def wrapper(*args, _name=name, _original=original):
            calls[_name] = calls.get(_name, 0) + 1
            return _original(*args)

        setattr(KERNELS, name, wrapper)
    try:
        yield calls
    finally:
        for name, original in saved.items():
            setattr(KERNELS, name, original)


def on_and_off(fn, *arrays, kernel=None):
    """fn(*copies of arrays) with the kernels forced on, then with numpy only; asserts ``kernel``
    ran."""
    with arithmetic.compiled(True), kernel_calls() as calls:
        on = fn(*[None if a is None else a.copy() for a in arrays])
    if kernel is not None:
        assert calls.get(kernel), f"the {kernel} kernel did not run"
    with arithmetic.compiled(False), kernel_calls() as calls_off:
        off = fn(*[None if a is None else a.copy() for a in arrays])
    assert not calls_off, "compiled(False) called a kernel"
    return on, off


VALUES = [1.0, -1.0, 0.5, -2.0, 3.0, 0.25, -7.25, 1e-300]


def make(rng, shape, mode, dtype):
    """Test values: normals, normals mixed with +0.0 and -0.0, sparse exact values (cancellations
    give zeros of both signs), or normals over many magnitudes (rounding matters in every sum)."""
    if mode == "normal":
        x = rng.standard_normal(shape)
    elif mode == "zeros":
        x = rng.standard_normal(shape)
        z = rng.random(shape)
        x[z < 0.3] = 0.0
        x[z > 0.7] = -0.0
    elif mode == "sparse":
        x = rng.choice(VALUES, shape)
        z = rng.random(shape)
        x[z < 0.35] = 0.0
        x[z > 0.65] = -0.0
    else:  # "scaled"
        x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6, shape)
    return np.asarray(x, dtype=dtype)


K_SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 127, 128, 129, 136, 255, 256, 257, 300]
MODES = st.sampled_from(["normal", "zeros", "sparse", "scaled"])
DTYPES = st.sampled_from(["float64", "float32"])
SEEDS = st.integers(0, 2**32 - 1)
# leading axes of the two factors: none, (S,), (T, S), and an (S, M, K) factor against (T, S, K, N)
LEADS = st.sampled_from(
    [
        ((), ()),
        ((3,), (3,)),
        ((2,), (2,)),
        ((4, 2), (4, 2)),
        ((2,), (4, 2)),
        ((4, 2), (2,)),
        ((), (3, 2)),
        ((1,), (3, 2)),
        ((3, 1), (2,)),
        ((3, 2), ()),
    ]
)


# ------------------------------------------------------ 1. kernels == numpy, operation by operation


@settings(max_examples=150, deadline=None)
@given(
    lead=LEADS,
    M=st.integers(1, 5),
    K=st.one_of(st.sampled_from(K_SIZES), st.integers(1, 40)),
    N=st.sampled_from([1, 2, 3, 5, 8, 17]),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
)
def test_matmul(lead, M, K, N, dtype, mode, seed):
    rng = np.random.default_rng(seed)
    A, B = make(rng, lead[0] + (M, K), mode, dtype), make(rng, lead[1] + (K, N), mode, dtype)
    on, off = on_and_off(R.matmul, A, B, kernel="matmul")
    assert same_bits(on, off)
    assert on.shape == np.broadcast_shapes(lead[0], lead[1]) + (M, N)


@settings(max_examples=120, deadline=None)
@given(
    lead=LEADS,
    M=st.integers(1, 5),
    K=st.one_of(st.sampled_from(K_SIZES), st.integers(1, 40)),
    N=st.integers(1, 6),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
)
def test_rows_dot(lead, M, K, N, dtype, mode, seed):
    rng = np.random.default_rng(seed)
    A, B = make(rng, lead[0] + (M, K), mode, dtype), make(rng, lead[1] + (N, K), mode, dtype)
    on, off = on_and_off(R.rows_dot, A, B, kernel="rows_dot")
    assert same_bits(on, off)


@settings(max_examples=120, deadline=None)
@given(
    lead=st.sampled_from([(), (1,), (4,), (3, 2), (2, 2, 3)]),
    K=st.one_of(st.sampled_from(K_SIZES + [600, 1000]), st.integers(1, 40)),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
)
def test_total(lead, K, dtype, mode, seed):
    A = make(np.random.default_rng(seed), lead + (K,), mode, dtype)
    on, off = on_and_off(R.total, A, kernel="total")
    assert same_bits(on, off)


@settings(max_examples=80, deadline=None)
@given(
    lead=st.sampled_from([(), (3,), (4, 2)]),
    C=st.one_of(st.sampled_from(K_SIZES), st.integers(1, 12)),
    N=st.sampled_from([1, 2, 5, 9]),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
)
def test_sum_rows(lead, C, N, dtype, mode, seed):
    A = make(np.random.default_rng(seed), lead + (C, N), mode, dtype)
    on, off = on_and_off(R.sum_rows, A, kernel="matmul")
    assert same_bits(on, off) and on.shape == lead + (1, N)


@settings(max_examples=120, deadline=None)
@given(
    shape=st.sampled_from([(7,), (1, 1), (3, 5), (4, 3, 2), (2, 3, 4, 5), (1, 300)]),
    name=st.sampled_from(["tanh", "relu", "sigmoid"]),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
    scale=st.sampled_from([1e-8, 1.0, 8.0, 40.0]),
    in_place=st.booleans(),
)
def test_activate(shape, name, dtype, mode, seed, scale, in_place):
    a = (make(np.random.default_rng(seed), shape, mode, "float64") * scale).astype(dtype)

    def act(a):
        out = a if in_place else np.empty_like(a)
        res = R.activate(name, a, out)
        assert res is out
        return out

    on, off = on_and_off(
        act, a, kernel=None if name == "relu" else "activate"
    )  # relu is numpy on both paths
    assert same_bits(on, off)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid"])
def test_activate_nan_inf_and_signed_zeros(name, dtype):
    """The elementwise functions keep NaN where it was (bit for bit, sign included) and map +-inf
    alike."""
    big, tiny = np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal
    special = [
        np.nan,
        -np.nan,
        np.inf,
        -np.inf,
        0.0,
        -0.0,
        tiny,
        -tiny,
        20.0,
        -20.0,
        big,
        -big,
        0.3,
    ]
    a = np.array(special * 2, dtype=dtype).reshape(2, -1)
    with np.errstate(over="ignore"):
        on, off = on_and_off(
            lambda a: R.activate(name, a, a), a, kernel=None if name == "relu" else "activate"
        )
    assert same_bits(on, off)
    assert np.array_equal(np.isnan(on), np.isnan(a))
    expected_inf = {"tanh": (1.0, -1.0), "relu": (np.inf, 0.0), "sigmoid": (1.0, 0.0)}[name]
    assert tuple(on[0, 2:4]) == expected_inf


def _elman_case(draw_lead, T, H, N, dtype, mode, seed, with_h0):
    rng = np.random.default_rng(seed)
    S = draw_lead
    lead = () if S is None else (S,)

    def bounded(shape, scale=1.0):  # |x| <= 4 (signed zeros kept): the time loops stay finite
        return (np.clip(make(rng, shape, mode, "float64"), -4.0, 4.0) * scale).astype(dtype)

    Z = bounded((T,) + lead + (H, N))
    D = bounded(lead + (H, H), 1 / np.sqrt(H))
    H0 = bounded(lead + (H, N)) if with_h0 else None
    Fp = np.clip(bounded((T,) + lead + (H, N)), -1.0, 1.0)  # as f'(a_t): at most 1
    return Z, D, H0, Fp


@settings(max_examples=150, deadline=None)
@given(
    S=st.sampled_from([None, 1, 3]),
    T=st.integers(1, 9),
    H=st.sampled_from([1, 2, 3, 7, 8, 9, 16, 17, 33, 129]),
    N=st.sampled_from([1, 2, 3, 5]),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
    with_h0=st.booleans(),
    name=st.sampled_from(["tanh", "relu", "sigmoid"]),
)
def test_elman_forward(S, T, H, N, dtype, mode, seed, with_h0, name):
    Z, D, H0, _ = _elman_case(S, T, H, N, dtype, mode, seed, with_h0)

    def forward(Z, D, H0):
        out = R.elman_forward(Z, D, H0, name)
        assert out is Z
        return Z

    on, off = on_and_off(forward, Z, D, H0, kernel="elman_forward")
    assert np.all(np.isfinite(off))
    assert same_bits(on, off)


@settings(max_examples=120, deadline=None)
@given(
    S=st.sampled_from([None, 1, 3]),
    T=st.integers(1, 9),
    H=st.sampled_from([1, 2, 3, 7, 8, 9, 16, 17, 33, 129]),
    N=st.sampled_from([1, 2, 3, 5]),
    dtype=DTYPES,
    mode=MODES,
    seed=SEEDS,
)
def test_elman_backward(S, T, H, N, dtype, mode, seed):
    G, D, _, Fp = _elman_case(S, T, H, N, dtype, mode, seed, False)

    def backward(G, D, Fp):
        out = R.elman_backward(G, D, Fp)
        assert out is G
        return G

    on, off = on_and_off(backward, G, D, Fp, kernel="elman_backward")
    assert np.all(np.isfinite(off))
    assert same_bits(on, off)


# ------------------------------------------------------- 2. the orders, written out as loops


def ref_pairwise(x, lo, n):
    """portable.pairwise's docstring as a Python loop over numpy scalars of x's dtype."""
    if n < 8:
        res = -x.dtype.type(0.0)
        for i in range(lo, lo + n):
            res = res + x[i]
        return res
    if n <= 128:
        r = [x[lo + j] for j in range(8)]
        end = lo + n - n % 8
        for i in range(lo + 8, end, 8):
            r = [r[j] + x[i + j] for j in range(8)]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(end, lo + n):
            res = res + x[i]
        return res
    half = n // 2 - (n // 2) % 8
    return ref_pairwise(x, lo, half) + ref_pairwise(x, lo + half, n - half)


def ref_total(x):
    return x.dtype.type(0.0) + ref_pairwise(x, 0, len(x)) if len(x) else x.dtype.type(0.0)


def ref_sequential(a, b):
    """0 + a_1 b_1 + a_2 b_2 + ... in the dtype of the arrays (matmul's order for K, N >= 2)."""
    acc = a.dtype.type(0.0)
    for k in range(len(a)):
        acc = acc + a[k] * b[k]
    return acc


ORDER_SIZES = [1, 2, 5, 7, 8, 9, 16, 17, 100, 128, 129, 136, 300, 777]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["normal", "zeros", "sparse", "scaled"])
def test_pairwise_and_total_follow_the_written_order(mode, dtype):
    rng = np.random.default_rng(11)
    for n in ORDER_SIZES:
        A = make(rng, (3, n), mode, dtype)
        ref = np.array([ref_total(row) for row in A], dtype=dtype)
        assert same_bits(portable.total(A), ref), n
        assert same_bits(
            portable.pairwise(A), np.array([ref_pairwise(row, 0, n) for row in A], dtype=dtype)
        ), n
        with arithmetic.compiled(True):
            assert same_bits(R.total(A), ref), n


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["normal", "zeros", "sparse", "scaled"])
def test_matmul_and_rows_dot_follow_the_written_order(mode, dtype):
    """matmul: K = 1 the product itself; N = 1 0 + pairwise; else 0 + t_1 + ... + t_K. rows_dot: 0 +
    pairwise."""
    rng = np.random.default_rng(12)
    for M, K, N in [
        (2, 1, 3),
        (3, 2, 2),
        (2, 9, 4),
        (2, 300, 3),
        (3, 129, 1),
        (2, 7, 1),
        (1, 1, 1),
    ]:
        A, B = make(rng, (M, K), mode, dtype), make(rng, (K, N), mode, dtype)
        if K == 1:
            ref = np.array([[A[m, 0] * B[0, n] for n in range(N)] for m in range(M)], dtype=dtype)
        elif N == 1:
            ref = np.array([[ref_total(A[m] * B[:, 0])] for m in range(M)], dtype=dtype)
        else:
            ref = np.array(
                [[ref_sequential(A[m], B[:, n]) for n in range(N)] for m in range(M)], dtype=dtype
            )
        for flag in (False, True):
            with arithmetic.compiled(flag):
                assert same_bits(R.matmul(A, B), ref), (M, K, N, flag)
        Bt = np.ascontiguousarray(B.T)
        ref_rd = np.array(
            [
                [A[m, 0] * Bt[n, 0] if K == 1 else ref_total(A[m] * Bt[n]) for n in range(N)]
                for m in range(M)
            ],
            dtype=dtype,
        )
        for flag in (False, True):
            with arithmetic.compiled(flag):
                assert same_bits(R.rows_dot(A, Bt), ref_rd), (M, K, N, flag)


def test_the_data_tell_other_orders_apart():
    """On the property tests' kind of data, another order gives other bits: agreement is not
    luck."""
    rng = np.random.default_rng(3)
    A = make(rng, (50, 300), "normal", "float64")
    good = portable.total(A)
    sequential = np.array([ref_sequential(row, np.ones_like(row)) for row in A])
    reversed_ = np.sum(A[:, ::-1], axis=-1)
    assert not same_bits(good, sequential) and not same_bits(good, reversed_)
    # the time-loop product: term after term, not pairwise
    a, b = make(rng, (40, 300), "scaled", "float64"), make(rng, (300, 3), "scaled", "float64")
    assert not same_bits(
        portable.matmul(a, b),
        np.array([[ref_total(a[m] * b[:, n]) for n in range(3)] for m in range(40)]),
    )
    # the +0 that starts each sum: a sum of -0s is +0, not -0
    z = np.full((2, 9), -0.0)
    assert same_bits(portable.total(z), np.zeros(2)) and not same_bits(
        portable.pairwise(z), np.zeros(2)
    )
    # float32 sums stay float32 term by term: accumulating in float64 and rounding once differs
    f = make(rng, (50, 300), "normal", "float32")
    assert not same_bits(portable.total(f), portable.total(f.astype(np.float64)).astype(np.float32))


def chained_plan(plan):
    """Another order over the same terms: blocks of 8 added one after another, not halved
    pairwise."""
    K = int(max(lo + n for lo, n in plan if lo >= 0))
    rows = [(0, min(8, K))]
    for lo in range(8, K, 8):
        rows += [(lo, min(8, K - lo)), (-1, -1)]
    return np.array(rows, dtype=np.int64)


@contextlib.contextmanager
def kernel_in_another_order(name):
    """The real kernel ``name`` (its arguments (..., plan, out)), run with ``chained_plan``
    instead."""
    original = getattr(KERNELS, name)
    setattr(KERNELS, name, lambda *args: original(*args[:-2], chained_plan(args[-2]), args[-1]))
    try:
        yield
    finally:
        setattr(KERNELS, name, original)


def test_a_kernel_in_another_order_is_caught():
    """Run a kernel in another order: the on/off comparison then fails, on the property tests' kind
    of data."""
    A = make(np.random.default_rng(5), (6, 300), "normal", "float64")
    with kernel_in_another_order("total"):
        on, off = on_and_off(R.total, A, kernel="total")
    assert not same_bits(on, off)
    on, off = on_and_off(R.total, A, kernel="total")
    assert same_bits(on, off)


# ----------------------------------------------------------------- 3. whole training runs


def _params(nets):
    return [(name, net.params[name].copy()) for net in nets for name in net.param_names]


def _history(hist):
    hists = hist if isinstance(hist, list) else [hist]
    return [
        (
            np.asarray(h.loss, float).tobytes(),
            np.asarray(h.grad_norm, float).tobytes(),
            np.asarray(h.step_loss, float).tobytes(),
            np.asarray(h.step_grad_norm, float).tobytes(),
            h.diverged,
        )
        for h in hists
    ]


def _xor(T=12, N=6, seed=0):
    return tasks.xor_previous(T, N, seed=seed)


FIT_CASES = {
    "tanh mse chunk clip": (
        lambda: rnnlib.ElmanRNN(1, 6, 1, seed=1),
        "xor",
        dict(loss="mse", chunk=5, clip=0.5, epochs=4),
    ),
    "relu mse truncate batches": (
        lambda: rnnlib.ElmanRNN(1, 8, 1, activation="relu", seed=2),
        "xor",
        dict(loss="mse", truncate=3, batch_size=4, epochs=4, optimizer=rnnlib.SGD(lr=0.1)),
    ),
    "sigmoid bce mask": (
        lambda: rnnlib.ElmanRNN(1, 5, 1, activation="sigmoid", seed=3),
        "xor mask",
        dict(loss="bce", epochs=5, optimizer=rnnlib.Adam(lr=0.05)),
    ),
    "tanh cross_entropy labels h0": (
        lambda: rnnlib.ElmanRNN(2, 7, 3, seed=4),
        "labels h0",
        dict(loss="cross_entropy", epochs=4, batch_size=3, chunk=7),
    ),
    "tanh cross_entropy probabilities": (
        lambda: rnnlib.ElmanRNN(2, 4, 3, seed=5),
        "probabilities",
        dict(loss="cross_entropy", epochs=3),
    ),
    "float32 tanh bce clip": (
        lambda: rnnlib.ElmanRNN(1, 8, 1, seed=6, dtype="float32"),
        "xor mask",
        dict(loss="bce", clip=1.0, epochs=4, chunk=4),
    ),
    "largest: T=20 N=6 H=8": (
        lambda: rnnlib.ElmanRNN(1, 8, 1, seed=7),
        "long",
        dict(loss="bce", epochs=5, clip=2.0, optimizer=rnnlib.Adam(lr=0.03)),
    ),
    "side by side, 3 networks": (
        lambda: [rnnlib.ElmanRNN(1, 6, 1, activation="tanh", seed=s) for s in (0, 1, 2)],
        "list",
        dict(loss="bce", epochs=4, batch_size=4, chunk=6, clip=1.0, seed=[0, 1, 2]),
    ),
    "side by side relu h0": (
        lambda: [rnnlib.ElmanRNN(2, 5, 3, activation="relu", seed=s) for s in (3, 4, 5)],
        "labels h0",
        dict(loss="mse", epochs=3, truncate=2, seed=[1, 2, 3]),
    ),
    "Jordan sigmoid feedback": (
        lambda: rnnlib.JordanRNN(1, 6, 1, feedback="sigmoid", seed=1),
        "xor mask",
        dict(loss="bce", epochs=4, batch_size=3),
    ),
    "Jordan identity relu": (
        lambda: rnnlib.JordanRNN(1, 6, 1, activation="relu", seed=2),
        "xor",
        dict(loss="mse", epochs=4, chunk=5),
    ),
    "Jordan side by side": (
        lambda: [rnnlib.JordanRNN(1, 5, 1, feedback="sigmoid", seed=s) for s in (0, 1, 2)],
        "list",
        dict(loss="bce", epochs=3, seed=[0, 1, 2]),
    ),
    "FeedForward sigmoid": (
        lambda: rnnlib.FeedForward(1, 6, 1, activation="sigmoid", seed=1),
        "xor mask",
        dict(loss="bce", epochs=4),
    ),
    "FeedForward side by side": (
        lambda: [rnnlib.FeedForward(2, 5, 3, seed=s) for s in (0, 1, 2)],
        "labels",
        dict(loss="cross_entropy", epochs=3, batch_size=4, seed=[0, 1, 2]),
    ),
}


def _fit_data(kind):
    rng = np.random.default_rng(21)
    if kind in ("xor", "xor mask"):
        X, t, m = _xor()
        return (X, t), ({"mask": m} if kind == "xor mask" else {})
    if kind == "long":
        X, t, m = tasks.delayed_bit(20, 6, k=2, seed=3)
        return (X, t), {"mask": m}
    if kind == "list":
        data = [_xor(seed=10 + s) for s in range(3)]
        return ([d[0] for d in data], [d[1] for d in data]), {"mask": [d[2] for d in data]}
    X = rng.standard_normal((10, 6, 2))
    if kind in ("labels h0", "labels"):  # a feed-forward net has no h0
        labels = rng.integers(0, 3, size=(10, 6))
        extra = {"mask": (rng.random((10, 6)) > 0.2).astype(float)}
        return (X, labels), dict(extra, h0=True) if kind == "labels h0" else extra
    p = rng.random((10, 6, 3))
    return (X, p / p.sum(axis=-1, keepdims=True)), {}


@pytest.mark.parametrize("case", FIT_CASES)
def test_fit_gives_the_same_weights_and_history_with_numba_on_and_off(case):
    build, kind, kw = FIT_CASES[case]
    data, extra = _fit_data(kind)
    net = build()
    first = net[0] if isinstance(net, list) else net
    if "h0" in extra:  # one initial state per sequence
        extra = dict(extra, h0=np.random.default_rng(22).standard_normal((6, first.state_size())))
    if kind == "labels h0" and kw.get("loss") == "mse":  # mse needs (T, N, O) targets
        data = (data[0], np.eye(3)[data[1]])
    kw = dict(kw)
    opt = kw.pop("optimizer", None)

    def make_opt():  # a fresh optimiser for each run
        return None if opt is None else type(opt)(lr=opt.lr)

    runs = []
    for flag in (True, False):
        with arithmetic.compiled(flag), kernel_calls() as calls:
            nets = build()
            hist = rnnlib.fit(nets, *data, optimizer=make_opt(), verbose=False, **extra, **kw)
        runs.append(
            (_params(nets if isinstance(nets, list) else [nets]), _history(hist), dict(calls))
        )
    (p_on, h_on, calls_on), (p_off, h_off, calls_off) = runs
    assert not calls_off
    assert calls_on.get("weight_grad") and calls_on.get("total") and calls_on.get("matmul"), (
        calls_on
    )
    if isinstance(first, rnnlib.JordanRNN):
        assert calls_on.get("jordan_forward") and calls_on.get("jordan_backward"), calls_on
    if isinstance(first, rnnlib.ElmanRNN):
        assert calls_on.get("elman_forward"), calls_on
        assert calls_on.get("elman_backward") or kw.get("truncate"), (
            calls_on
        )  # truncate= has its own loop
    for (name, a), (_, b) in zip(p_on, p_off, strict=True):
        assert same_bits(a, b), name
    assert h_on == h_off
    assert all(len(h[2]) > 0 and not h[4] for h in h_on)  # updates were made, nothing diverged
    untrained = build()
    untrained = _params(untrained if isinstance(untrained, list) else [untrained])
    assert not all(
        same_bits(a, b) for (_, a), (_, b) in zip(p_on, untrained, strict=True)
    )  # the weights moved


def test_a_fit_with_a_kernel_in_another_order_is_caught():
    """A weight-gradient kernel adding in another order changes the trained weights:
    the fit comparison can fail."""
    data, extra = _fit_data("long")

    def run(flag):
        with arithmetic.compiled(flag):
            net = rnnlib.ElmanRNN(1, 8, 1, seed=7)
            rnnlib.fit(net, *data, loss="bce", epochs=5, verbose=False, **extra)
        return _params([net])

    with kernel_in_another_order("weight_grad"):
        changed = run(True)
    off, on = run(False), run(True)
    assert all(same_bits(a, b) for (_, a), (_, b) in zip(on, off, strict=True))
    assert not all(same_bits(a, b) for (_, a), (_, b) in zip(changed, off, strict=True))


# --------------------------------------------------------------------- 4. fresh processes

KERNELS_STATE = """
import rnnlib.arithmetic as _ar
print("numba_enabled", _ar.numba_enabled(), "kernels_loaded", bool(_ar._kernels))
"""


def _run(script, numba):
    env = dict(os.environ)
    env.pop("RNNLIB_NUMBA", None)
    if not numba:
        env["RNNLIB_NUMBA"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()


@pytest.mark.slow
def test_SLOW_fingerprint_with_numba_off_equals_the_fingerprint_with_numba_on():
    """SLOW (about 10 s): tests/test_exact.py's training fingerprint in three fresh processes, with
    RNNLIB_NUMBA=0 (numpy only), with Numba at its default thresholds, and with every call compiled
    (PAYS = 0). The fingerprint's networks are small enough that at the default thresholds the
    kernels never load, so the forced run is the one that compares the kernels with numpy."""
    forced = "import rnnlib.arithmetic as _ar\n_ar.PAYS = 0\n"
    off = _run(FINGERPRINT + KERNELS_STATE, numba=False)
    default = _run(FINGERPRINT + KERNELS_STATE, numba=True)
    on = _run(forced + FINGERPRINT + KERNELS_STATE, numba=True)
    assert off[-1] == "numba_enabled False kernels_loaded False"
    assert on[-1] == "numba_enabled True kernels_loaded True"
    assert default[-1].startswith("numba_enabled True")
    assert len(off[-2]) == 64
    assert off[-2] == default[-2] == on[-2]


TRAIN_ALONE = """
import hashlib, sys, numpy as np, rnnlib
from rnnlib import arithmetic, tasks
X, t, m = tasks.xor_previous(20, 8, seed=1)
with arithmetic.compiled(True):                  # asks for the kernels: there are none to have
    net = rnnlib.ElmanRNN(1, 8, 1, seed=0)
    h = rnnlib.fit(net, X, t, mask=m, loss="bce", optimizer=rnnlib.Adam(lr=0.05), epochs=30,
                   chunk=5, verbose=False)
print("numba imported", "numba" in sys.modules, "kernels", arithmetic._kernels)
print(h.loss[0], h.loss[-1])
print(hashlib.sha256(b"".join(p.tobytes() for p in net.params.values())).hexdigest())
"""


@pytest.mark.slow
def test_numba_off_in_a_subprocess_and_rnnlib_still_trains():
    lines = _run(
        "import rnnlib.arithmetic as a\nprint(a.numba_enabled())\n" + TRAIN_ALONE, numba=False
    )
    assert lines[0] == "False"
    assert lines[1] == "numba imported False kernels False"
    first, last = map(float, lines[2].split())
    assert np.isfinite(last) and last < first
    X, t, m = tasks.xor_previous(20, 8, seed=1)  # and here, with the kernels: the very same weights
    import hashlib

    with arithmetic.compiled(True):
        net = rnnlib.ElmanRNN(1, 8, 1, seed=0)
        rnnlib.fit(
            net,
            X,
            t,
            mask=m,
            loss="bce",
            optimizer=rnnlib.Adam(lr=0.05),
            epochs=30,
            chunk=5,
            verbose=False,
        )
    assert (
        lines[3] == hashlib.sha256(b"".join(p.tobytes() for p in net.params.values())).hexdigest()
    )


@pytest.mark.parametrize(
    "H, activation", [(1, "tanh"), (8, "relu"), (20, "sigmoid"), (130, "tanh")]
)
def test_step_and_free_run_give_the_bits_of_forward_and_of_numpy(H, activation):
    """The lean step-by-step paths (one compiled call per step, one per free run) compute the same
    numbers as ``forward`` over the same steps, and as the numpy-only fallback."""
    from rnnlib import forecast

    net = rnnlib.ElmanRNN(1, H, 1, seed=3, activation=activation)
    X = np.random.default_rng(H).standard_normal((4, 3, 1))
    Hs, Y = net.forward(X)
    h, y = net.step(X[0])
    for t in range(1, 4):
        h, y = net.step(X[t], h)
        assert same_bits(h, Hs[t]) and same_bits(y, Y[t])
    Hs1, Y1 = net.forward(X[:, 0])  # one sequence: its own order (N = 1 is a dot product)
    h1, y1 = net.step(X[0, 0])
    assert same_bits(h1, Hs1[0]) and same_bits(y1, Y1[0])
    history = np.sin(np.arange(30) / 4)
    on = forecast.rnn_free_run(net, history, 25)
    with arithmetic.compiled(False):
        off = forecast.rnn_free_run(net, history, 25)
    assert same_bits(on, off)
    # and the free run is the network fed its own outputs, step by step
    Hh, Yh = net.forward(history[:, None])
    h, y, manual = Hh[-1], Yh[-1], [float(Yh[-1, 0])]
    for _ in range(24):
        h, y = net.step(y, h)
        manual.append(float(y[0]))
    assert same_bits(on, np.array(manual))


def test_step_refuses_non_finite_weights_even_where_tanh_saturates():
    """An infinite weight makes tanh(a) = 1, a finite number: the step still refuses it, by name."""
    net = rnnlib.ElmanRNN(1, 4, 1, seed=0)
    net.W[...] = np.inf  # in place: assigning a new W would be refused at once
    with pytest.raises(ValueError, match="parameter W"):
        net.step(np.ones(1))
    net = rnnlib.ElmanRNN(1, 4, 1, seed=0, activation="relu")
    net.D = 1e200 * np.eye(4)
    h = np.full(4, 1e200)
    with pytest.raises(ValueError, match="overflowed"):
        net.step(np.ones(1), h)


# ----------------------------------------------------------------- 6. where compiled code is cached

CACHE_PROBE = """
import numpy as np, rnnlib, rnnlib.arithmetic as ar
net = rnnlib.ElmanRNN(2, 8, 1, seed=0)
with ar.compiled(True):
    Hs, Y = net.forward(np.ones((20, 4, 2)))
k = ar._load()
print("kernels", bool(k), "cached", k.CACHED, "sum", repr(float(Y.sum())))
"""


def _probe_cache(tmp_path, locators):
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        NUMBA_CACHE_LOCATOR_CLASSES=locators,
    )
    env.pop("NUMBA_CACHE_DIR", None)
    env.pop("RNNLIB_NUMBA", None)
    out = subprocess.run(
        [sys.executable, "-c", CACHE_PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Numba's user cache folder on Windows is the user's local "
    "AppData, which the test cannot move into a temporary folder",
)
def test_a_read_only_install_caches_in_numbas_user_folder(tmp_path):
    """Where the package folder cannot be written (a read-only install), Numba's per-user cache
    folder takes the compiled kernels (simulated by leaving Numba only that locator)."""
    words = _probe_cache(tmp_path, "UserWideCacheLocator")
    assert words[:4] == ["kernels", "True", "cached", "True"], words
    # Numba's user cache folder under HOME=tmp_path: XDG_CACHE_HOME on Linux, ~/Library/Caches
    # on macOS
    user = tmp_path / ("Library/Caches" if sys.platform == "darwin" else "cache") / "numba"
    assert list(user.rglob("_kernels*.nbi")), f"nothing was cached in the user folder {user}"


@pytest.mark.slow
def test_no_writable_cache_folder_still_compiles_and_gives_the_same_digits(tmp_path):
    """With no cache folder anywhere (Numba's locators all refuse), the kernels compile in each
    process instead of failing, and compute the same numbers."""
    nowhere = _probe_cache(tmp_path, "ZipCacheLocator")  # only for zip imports: refuses this file
    assert nowhere[:4] == ["kernels", "True", "cached", "False"], nowhere
    usual = _probe_cache(tmp_path, "UserWideCacheLocator")
    assert nowhere[-1] == usual[-1]


WARM_THEN_TRAIN = """
import sys, numpy as np, rnnlib, rnnlib.arithmetic as ar
if sys.argv[1] == "warm":
    print("warm", ar.warm())
else:
    from rnnlib import forecast
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 8, 3)); bits = (X > 0).astype(float)
    for net in (rnnlib.ElmanRNN(3, 12, 3, activation="sigmoid"),
                rnnlib.JordanRNN(3, 12, 3, feedback="sigmoid"), rnnlib.FeedForward(3, 12, 3)):
        rnnlib.fit(net, X, bits, loss="bce", epochs=2, verbose=False)
    rnnlib.fit(rnnlib.ElmanRNN(3, 12, 3), X, X, truncate=3, epochs=2, verbose=False)
    forecast.rnn_free_run(rnnlib.ElmanRNN(1, 16, 1), np.ones(30), 80)
    k = ar._load()
    misses = {name: sum(f.stats.cache_misses.values())
              for name, f in vars(k).items() if hasattr(f, "stats")}
    print("compiled after warm:", sum(misses.values()), {n: m for n, m in misses.items() if m})
"""


@pytest.mark.slow
def test_warm_compiles_what_the_chapters_use(tmp_path):
    """Binder's build runs ``arithmetic.warm()``: afterwards, training each kind of network,
    truncated BPTT and a free run load every kernel from the cache and compile nothing."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    env.pop("RNNLIB_NUMBA", None)
    outs = [
        subprocess.run(
            [sys.executable, "-c", WARM_THEN_TRAIN, step],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        for step in ("warm", "train")
    ]
    assert all(o.returncode == 0 for o in outs), [o.stderr[-2000:] for o in outs]
    assert outs[0].stdout.split() == ["warm", "True"]
    assert outs[1].stdout.startswith("compiled after warm: 0 "), outs[1].stdout
