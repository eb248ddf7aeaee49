"""rnnlib.portable (formerly rnnlib.exact) and what it promises: the same digits on every machine
(ARCHITECTURE.md).

Accuracy against numpy's own functions, products against BLAS, networks trained
side by side against networks trained alone (bit for bit), and the same
fingerprint of a training run under other BLAS kernels and numpy CPU paths,
each run in a fresh process.
"""

import hashlib
import math
import os
import platform
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from helpers import FINGERPRINT
from rnnlib import arithmetic, portable
from rnnlib.model import picked_columns

ROOT = Path(__file__).resolve().parents[1]


def test_tanh_is_accurate_to_a_few_units_in_the_last_place():
    a = np.concatenate(
        [
            np.random.default_rng(0).uniform(-25, 25, 200_000),
            np.random.default_rng(1).uniform(-1e-3, 1e-3, 50_000),
            [0.0, -0.0, 19.5, -30.0],
        ]
    )
    t, ref = portable.tanh(a), np.tanh(a)
    assert np.max(np.abs(t - ref)) <= 6e-16
    assert (
        np.max(np.abs(t - ref) / np.spacing(np.abs(ref) + 1e-300)) <= 6
    )  # units in the last place
    assert np.array_equal(portable.tanh(-a), -t)  # odd, exactly
    assert (
        portable.tanh(np.array([40.0]))[0] == 1.0 and portable.tanh(np.array([1e-300]))[0] == 1e-300
    )


def test_tanh_float32_scalar_and_in_place():
    a = np.linspace(-3, 3, 101)
    assert portable.tanh(a.astype(np.float32)).dtype == np.float32
    assert np.array_equal(
        portable.tanh(a.astype(np.float32)),
        portable.tanh(a.astype(np.float32).astype(float)).astype(np.float32),
    )
    b = a.copy()
    assert portable.tanh(b, out=b) is b and np.array_equal(b, portable.tanh(a))
    assert float(portable.tanh(np.float64(0.5))) == float(portable.tanh(np.array([0.5]))[0])


def test_exp_expm1_and_sigmoid_are_accurate():
    x = np.random.default_rng(2).uniform(-700, 700, 100_000)
    assert np.max(np.abs(portable.exp(x) - np.exp(x)) / np.exp(x)) < 1e-15
    y = np.random.default_rng(3).uniform(-1, 1, 100_000)
    assert np.max(np.abs(portable.expm1(y) - np.expm1(y)) / np.abs(np.expm1(y))) < 1e-15
    z = np.random.default_rng(4).uniform(-40, 40, 100_000)
    assert np.max(np.abs(portable.sigmoid(z) - 1 / (1 + np.exp(-z)))) < 1e-15


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((5, 3), (3, 4)), ((7, 1), (1, 6)), ((2, 5, 8), (2, 8, 9)), ((1, 40), (40, 1))],
)
def test_products_agree_with_blas(shape_a, shape_b):
    rng = np.random.default_rng(5)
    A, B = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    np.testing.assert_allclose(portable.matmul(A, B), A @ B, rtol=1e-13, atol=1e-13)
    Bt = np.swapaxes(B, -1, -2)
    np.testing.assert_allclose(portable.rows_dot(A, Bt), A @ B, rtol=1e-13, atol=1e-13)


def test_large_products_are_accurate_pairwise_sums_the_same_stacked_or_alone():
    """A B^T over 2100 terms (every step and sequence of a weight gradient) is ``total``'s pairwise
    sum of the products: close to their correctly rounded sum, and the same bits alone or stacked,
    compiled or not."""
    rng = np.random.default_rng(9)
    A, B = rng.standard_normal((2, 70, 2100)), rng.standard_normal((2, 60, 2100)) * 1e5
    got = portable.rows_dot(A, B)
    ref = np.matmul(A, np.swapaxes(B, -1, -2))
    assert np.max(np.abs(got - ref)) <= 1e-14 * np.max(np.abs(ref))
    fsum = np.array([[math.fsum(A[0, m] * B[0, n]) for n in range(60)] for m in range(70)])
    assert np.max(np.abs(got[0] - fsum)) <= 1e-15 * np.max(np.abs(fsum))
    for m, n in ((0, 0), (69, 59), (33, 7)):
        assert got[1, m, n] == portable.total(A[1, m] * B[1, n])  # the pairwise order of total
    assert np.array_equal(
        portable.rows_dot(A[:1], B[:1]), got[:1]
    )  # the same bits alone or stacked
    for enabled in (True, False):
        with arithmetic.compiled(enabled):
            assert np.array_equal(arithmetic.REPRODUCIBLE.rows_dot(A, B), got)


def test_large_products_go_in_blocks_of_rows_with_the_same_bits(monkeypatch):
    rng = np.random.default_rng(6)
    A, B, C = (
        rng.standard_normal((3, 30, 20)),
        rng.standard_normal((3, 20, 25)),
        rng.standard_normal((3, 25, 20)),
    )
    whole_mm, whole_rd = portable.matmul(A, B), portable.rows_dot(A, C)
    monkeypatch.setattr(portable, "_CHUNK", 64)
    assert np.array_equal(portable.matmul(A, B), whole_mm)
    assert np.array_equal(portable.rows_dot(A, C), whole_rd)


def test_reproducible_and_blas_paths_agree():
    rng = np.random.default_rng(7)
    X, dY, h0 = (
        rng.standard_normal((9, 4, 3)),
        rng.standard_normal((9, 4, 2)),
        rng.standard_normal((4, 5)),
    )
    for act in ("tanh", "relu", "sigmoid"):
        a = rnnlib.ElmanRNN(3, 5, 2, activation=act, seed=1)
        b = rnnlib.ElmanRNN(3, 5, 2, activation=act, seed=1, reproducible=False)
        np.testing.assert_allclose(a.forward(X, h0)[1], b.forward(X, h0)[1], rtol=1e-12, atol=1e-13)
        ga, gb = a.backward(X, dY, h0), b.backward(X, dY, h0)
        for k in ga:
            np.testing.assert_allclose(ga[k], gb[k], rtol=1e-11, atol=1e-12)
    assert a.reproducible is True and a.arithmetic is arithmetic.REPRODUCIBLE
    assert b.reproducible is False and b.arithmetic is arithmetic.BLAS
    assert "reproducible=False" in repr(b) and "reproducible" not in repr(a)


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: rnnlib.ElmanRNN(2, 3, 1, seed=1, **kw),
        lambda **kw: rnnlib.FeedForward(2, 3, 1, seed=1, **kw),
        lambda **kw: rnnlib.JordanRNN(2, 3, 1, seed=1, **kw),
    ],
)
def test_exact_is_the_deprecated_name_of_reproducible(make):
    """``exact=`` and ``net.exact`` still work, each with a DeprecationWarning that points at the
    caller."""
    with pytest.warns(DeprecationWarning, match="reproducible") as record:
        net = make(exact=False)
    assert record[0].filename == __file__, "the warning must name the caller's line, not rnnlib's"
    assert (
        net.reproducible is False
        and net.arithmetic is arithmetic.BLAS
        and "reproducible=False" in repr(net)
    )
    assert all(
        np.array_equal(getattr(net, p), getattr(make(), p)) for p in net.param_names
    )  # the same weights
    with pytest.warns(DeprecationWarning, match="reproducible") as record:
        assert net.exact is False
    assert record[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="reproducible"):
        net.exact = True
    assert net.reproducible is True and net.arithmetic is arithmetic.REPRODUCIBLE
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name warns about nothing
        assert make(reproducible=False).reproducible is False


def test_rnnlib_exact_is_the_old_name_of_rnnlib_portable():
    from rnnlib import exact

    assert sorted(exact.__all__) == [
        "exp",
        "expm1",
        "matmul",
        "rows_dot",
        "sigmoid",
        "sum_rows",
        "tanh",
        "total",
    ]
    for name in ("exp", "expm1", "matmul", "rows_dot", "sigmoid", "tanh", "total"):
        assert getattr(exact, name) is getattr(portable, name), name
    A = np.random.default_rng(0).standard_normal((2, 5, 3))
    assert np.array_equal(exact.sum_rows(A), arithmetic.REPRODUCIBLE.sum_rows(A))
    want = np.zeros((2, 3))
    for row in np.moveaxis(A, -2, 0):
        want += row  # 0 + a_1 + ... + a_C, one row after another
    assert np.array_equal(exact.sum_rows(A), want[:, None, :])


VARIANTS = {
    "OpenBLAS Prescott kernel": {"OPENBLAS_CORETYPE": "Prescott"},
    "OpenBLAS Sandybridge kernel, 2 threads": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "OPENBLAS_NUM_THREADS": "2",
    },
    "numpy x86-64-v2 code paths": {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4",
        "OPENBLAS_CORETYPE": "Prescott",
    },
    # the kernels compiled for a generic x86-64 (SSE2: vectors of 2 doubles instead of AVX-512's 8)
    "Numba code for a generic x86-64 CPU": {"NUMBA_CPU_NAME": "generic"},
}


def _fingerprint(extra_env, argv=(sys.executable,)):
    env = dict(os.environ, **extra_env)
    out = subprocess.run(
        [*argv, "-c", FINGERPRINT], env=env, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"),
    reason="the variants name x86-64 BLAS kernels and CPU features (this is not an x86-64 machine)",
)
def test_same_digits_under_other_blas_kernels_and_cpu_paths():
    """A training run, products, tanh, exp and a spectral radius give the same bits in fresh
    processes with another OpenBLAS kernel, thread count or numpy CPU dispatch level."""
    reference = _fingerprint({})
    for name, env in VARIANTS.items():
        assert _fingerprint(env) == reference, f"digits differ under: {name}"
    assert len(hashlib.sha256(reference.encode()).hexdigest()) == 64


def _arm64_python():
    """The emulated ARM64 Python of scripts/arm64_setup.sh, if a developer prepared it."""
    root = Path(os.environ.get("ARM64_ROOT", Path.home() / ".cache" / "arm64-python"))
    site, py = root / f"site-{np.__version__}", root / "sys" / "usr" / "bin" / "python3.11"
    if not (site.is_dir() and os.access(py, os.X_OK) and shutil.which("qemu-aarch64-static")):
        return None
    return (
        ["qemu-aarch64-static", "-L", str(root / "sys"), str(py)],
        {
            "QEMU_LD_PREFIX": str(root / "sys"),
            "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
            "NUMBA_CACHE_DIR": str(root / "numba-cache"),
        },
    )  # compiled once under emulation, kept there


@pytest.mark.slow
@pytest.mark.skipif(
    _arm64_python() is None, reason="no emulated ARM64 Python (run scripts/arm64_setup.sh)"
)
def test_same_digits_on_arm64():
    """Another CPU architecture (aarch64 numpy under qemu) gives the same bits."""
    argv, env = _arm64_python()
    assert _fingerprint(env, argv) == _fingerprint({})


# --------------------------------------------------------------- one-hot inputs (chapter 08)


def _one_hot(rng, shape_lead, n_in, N):
    """A (T, [S,] I, N) array whose every column x_t holds one 1, and where the 1s are."""
    c = rng.integers(0, n_in, shape_lead + (N,))
    X = np.zeros(shape_lead + (n_in, N))
    np.put_along_axis(X, c[..., None, :], 1.0, axis=-2)
    return X, c


@settings(max_examples=60, deadline=None)
@given(
    T=st.integers(1, 5),
    n_in=st.integers(1, 9),
    N=st.integers(1, 4),
    H=st.integers(1, 6),
    S=st.sampled_from([None, 1, 3]),
    dtype=st.sampled_from(["float64", "float32"]),
    seed=st.integers(0, 2**16),
)
def test_one_hot_inputs_pick_the_columns_the_product_computes(T, n_in, N, H, S, dtype, seed):
    """W x_t for one-hot x_t is column c of W, bit for bit what portable.matmul adds up (signs of
    zeros included)."""
    rng = np.random.default_rng(seed)
    lead = (T,) if S is None else (T, S)
    X, c = _one_hot(rng, lead, n_in, N)
    W = rng.standard_normal((H, n_in) if S is None else (S, H, n_in))
    X, W = X.astype(dtype), W.astype(dtype)
    got, ref = picked_columns(W, X), portable.matmul(W, X)
    assert got is not None and got.dtype == ref.dtype and got.flags.c_contiguous
    assert np.array_equal(got, ref) and np.array_equal(np.signbit(got), np.signbit(ref))
    t, n = 0, N - 1  # and it is the column the text names
    expected = W[:, c[t, n]] if S is None else W[S - 1, :, c[t, S - 1, n]]
    assert np.array_equal(got[t, :, n] if S is None else got[t, S - 1, :, n], expected)


@pytest.mark.parametrize(
    "spoil",
    [
        "two ones",
        "a two",
        "an empty step",
        "a NaN",
        "a zero weight",
        "an infinite weight",
        "a shape mismatch",
    ],
)
def test_anything_but_one_hot_is_left_to_the_product(spoil):
    rng = np.random.default_rng(0)
    X, _ = _one_hot(rng, (4, 2), 5, 3)
    W = rng.standard_normal((2, 6, 5))
    if spoil == "two ones":
        X[1, 0, :, 2] = 0.0
        X[1, 0, :2, 2] = 1.0
        X[1, 0, :, 1] = 0.0  # the total count stays one per step
        X[1, 0, 4, 1] = 0.0
    elif spoil == "a two":
        X[2, 1, :, 0] = 0.0
        X[2, 1, 3, 0] = 2.0
    elif spoil == "an empty step":
        X[0, 0, :, 0] = 0.0
    elif spoil == "a NaN":
        X[3, 1, :, 2] = 0.0
        X[3, 1, 0, 2] = np.nan
    elif spoil == "a zero weight":
        W[1, 2, 3] = -0.0
    elif spoil == "an infinite weight":
        W[0, 0, 0] = np.inf
    else:
        W = W[:, :, :4]
    assert picked_columns(W, X) is None


def test_a_char_lm_trains_to_the_same_bits_with_and_without_picking(monkeypatch):
    """fit on one-hot characters, side by side and alone: the weights equal those of the product,
    bit for bit."""
    import rnnlib.model

    text = "the cat sat on the mat. the dog sat on the log. " * 6
    chars = rnnlib.text.alphabet(text)
    ids = rnnlib.text.encode(text, chars)

    def train(nets):
        rnnlib.text.fit_char_lm(
            nets,
            ids,
            n_streams=4,
            chunk=9,
            updates=6,
            lr=0.02,
            clip=5.0,
            seed=list(range(len(nets))),
        )
        return [np.concatenate([p.ravel() for p in net.params.values()]) for net in nets]

    def nets(seeds):
        return [rnnlib.ElmanRNN(len(chars), 7, len(chars), seed=s) for s in seeds]

    picks = []
    original = rnnlib.model.picked_columns
    monkeypatch.setattr(
        rnnlib.model, "picked_columns", lambda W, X: picks.append(original(W, X)) or picks[-1]
    )
    picked, alone = train(nets([0, 1])), train(nets([0]))
    assert picks and all(p is not None for p in picks), "the characters were picked, not multiplied"
    monkeypatch.setattr(rnnlib.model, "picked_columns", lambda W, X: None)
    multiplied = train(nets([0, 1]))
    assert all(np.array_equal(a, b) for a, b in zip(picked, multiplied, strict=True))
    assert np.array_equal(alone[0], multiplied[0])


# ------------------------------------------------ the order of portable.matmul, written out by hand
VALUES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, 1e-300, -7.25]


def _pairwise_by_hand(terms):
    """``portable.pairwise``'s order along the last axis, from its docstring: under 8 terms one
    after another; up to 128, eight running sums combined as a tree, then the rest; beyond, two
    halves."""
    n = terms.shape[-1]
    if n < 8:
        res = terms[..., 0].copy()
        for i in range(1, n):
            res = res + terms[..., i]
        return res
    if n <= 128:
        r = [terms[..., j].copy() for j in range(8)]
        for i in range(8, n - n % 8):
            r[i % 8] = r[i % 8] + terms[..., i]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(n - n % 8, n):
            res = res + terms[..., i]
        return res
    half = n // 2 - (n // 2) % 8
    return _pairwise_by_hand(terms[..., :half]) + _pairwise_by_hand(terms[..., half:])


def _matmul_by_hand(A, B):
    """A @ B in the order ``portable.matmul`` documents: K = 1, the product; N = 1, 0 + the pairwise
    sum; else 0 + t_1 + t_2 + ... + t_K, one term after another."""
    terms = np.multiply(
        A[..., :, :, None], B[..., None, :, :]
    )  # (..., M, K, N): t_k = A[m, k] B[k, n]
    K, N = terms.shape[-2:]
    if K == 1:
        return terms[..., 0, :]
    if N == 1:
        return (_pairwise_by_hand(terms[..., 0]) + np.zeros((), terms.dtype))[
            ..., None
        ]  # pairwise, then + 0
    out = np.zeros(terms.shape[:-2] + (N,), dtype=terms.dtype)
    for k in range(K):
        out = out + terms[..., k, :]
    return out


@settings(max_examples=150, deadline=None)
@given(
    lead_a=st.sampled_from([(), (1,), (3,), (2, 3)]),
    lead_b=st.sampled_from([(), (3,), (4, 3), (2, 1)]),
    M=st.integers(1, 6),
    K=st.sampled_from([1, 2, 3, 7, 8, 9, 17, 140]),
    N=st.integers(1, 7),
    dtype=st.sampled_from(["float64", "float32"]),
    seed=st.integers(0, 2**16),
    dense=st.booleans(),
)
def test_products_keep_the_written_order(lead_a, lead_b, M, K, N, dtype, seed, dense):
    """portable.matmul adds in the order its docstring writes down, bit for bit, and so do the
    compiled kernels.

    The reference is that order as a loop over the array of all terms: 0 + t_1 + ... + t_K for
    several columns; a single term (K = 1) returned as it is; a single column (N = 1) summed
    pairwise (the order of ``rows_dot``). Values include zeros of both signs, so the signs of zero
    results are checked too, and tiny ones (1e-300) whose products underflow.
    """
    try:
        np.broadcast_shapes(lead_a, lead_b)
    except ValueError:
        return
    rng = np.random.default_rng(seed)
    draw = (
        (lambda shape: rng.standard_normal(shape))
        if dense
        else (lambda shape: rng.choice(VALUES, shape))
    )
    A, B = draw(lead_a + (M, K)).astype(dtype), draw(lead_b + (K, N)).astype(dtype)
    ref = _matmul_by_hand(A, B)
    got = portable.matmul(A, B)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    if K > 1 and N > 1:
        assert got.flags.c_contiguous
    assert np.array_equal(got, ref, equal_nan=True) and np.array_equal(
        np.signbit(got), np.signbit(ref)
    )
    for enabled in (True, False):  # the compiled loops and numpy alone: the same bits
        with arithmetic.compiled(enabled):
            seam = arithmetic.REPRODUCIBLE.matmul(A, B)
        assert (
            seam.dtype == ref.dtype
            and np.array_equal(seam, ref)
            and np.array_equal(np.signbit(seam), np.signbit(ref))
        )


def test_the_products_of_all_steps_are_each_step_alone_in_the_written_order():
    """A chapter-sized input projection (22 steps, 3 networks, 200 sequences, one call) gives every
    step of every network the bits of its own product, 0 + t_1 + ... + t_K, compiled or not."""
    rng = np.random.default_rng(3)
    W, X = rng.standard_normal((3, 20, 9)), rng.standard_normal((22, 3, 9, 200))
    whole = portable.matmul(W, X)
    assert whole.shape == (22, 3, 20, 200)
    want = np.zeros((22, 3, 20, 200))
    for k in range(9):
        want += W[None, :, :, k, None] * X[:, :, None, k, :]
    assert np.array_equal(whole, want)
    for t, s in ((0, 0), (7, 2), (21, 1)):
        assert np.array_equal(portable.matmul(W[s], X[t, s]), whole[t, s])
        assert np.array_equal(
            portable.matmul(W[s], X[t, s, :, :2]), whole[t, s, :, :2]
        )  # 2 sequences of 200
    for enabled in (True, False):
        with arithmetic.compiled(enabled):
            assert np.array_equal(arithmetic.REPRODUCIBLE.matmul(W, X), whole)
            assert np.array_equal(arithmetic.REPRODUCIBLE.matmul(W[1], X[:, 1]), whole[:, 1])


def test_a_long_single_column_product_has_the_same_bits_compiled_or_not():
    """D h for one sequence of a 512-unit network (512 * 512 = 2^18 terms): compiled or numpy, the
    same bits."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((512, 512)), rng.standard_normal((512, 1))
    with arithmetic.compiled(True):
        compiled = arithmetic.REPRODUCIBLE.matmul(A, B)
    with arithmetic.compiled(False):
        plain = arithmetic.REPRODUCIBLE.matmul(A, B)
    assert np.array_equal(compiled, plain)
