"""rnnlib.portable at the edges of the floating-point range (chapter 00's "same digits"):
IEEE-faithful results for inf, NaN, signed zeros, subnormals and values near overflow, the same
bits compiled (rnnlib/_kernels.py) and in numpy, and norms that neither overflow nor underflow.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from rnnlib import arithmetic, portable
from rnnlib.arithmetic import REPRODUCIBLE as R
from rnnlib.optim import global_norm
from rnnlib.train import _norms

KERNELS = arithmetic.numba_enabled()
EDGES = [
    0.0,
    -0.0,
    np.inf,
    -np.inf,
    np.nan,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1e-300,
    -1e-300,
    709.0,
    709.5,
    709.78,
    709.79,
    710.0,
    -708.5,
    -720.3,
    -745.0,
    -745.1,
    -745.2,
    -746.0,
    1e300,
    -1e300,
    20.0,
    -20.0,
    19.9999,
    1e-8,
    -1e-8,
]


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def ulps(a, b):
    """Distance in units in the last place between float64 arrays of finite values."""
    ia, ib = (np.asarray(x, np.float64).view(np.int64) for x in (a, b))
    ia = np.where(ia < 0, np.int64(-(2**63)) - ia, ia)
    ib = np.where(ib < 0, np.int64(-(2**63)) - ib, ib)
    return np.abs(ia - ib)


def both_paths(fn):
    """fn() under the numpy orders and (where Numba is usable) the compiled kernels, whatever the
    size."""
    with arithmetic.compiled(False):
        ours = fn()
    if not KERNELS:
        return ours, ours
    with arithmetic.compiled(True):
        return ours, fn()


# ------------------------------------------------------------------------ the reproducers


def test_exp_overflows_to_inf_and_underflows_to_zero_as_ieee_does():
    """exp(710) and exp(inf) were 8.2e307 (the input was clipped at 709); expm1(1000) too."""
    x = np.array([709.5, 709.78, 709.79, 710.0, np.inf, -745.0, -745.1, -745.2, -746.0, -np.inf])
    with np.errstate(over="ignore", under="ignore"):
        expected = np.exp(x)
    for got in both_paths(lambda: R.exp(x)):
        assert np.array_equal(got, expected)
    assert np.array_equal(
        portable.expm1(np.array([1000.0, 709.79, -1000.0, -np.inf])), [np.inf, np.inf, -1.0, -1.0]
    )
    assert portable.expm1(np.array([709.5]))[0] == pytest.approx(np.expm1(709.5), rel=1e-15)


def test_tanh_keeps_the_sign_of_zero_and_carries_nan():
    """tanh(-0.0) was +0.0; tanh(NaN) and sigmoid(NaN) raised IndexError before the rebuild."""
    x = np.array([-0.0, 0.0, np.nan, np.inf, -np.inf])
    for got in both_paths(lambda: R.activate("tanh", x, np.empty_like(x))):
        assert np.signbit(got[0]) and not np.signbit(got[1])
        assert np.isnan(got[2]) and got[3] == 1.0 and got[4] == -1.0
    for got in both_paths(lambda: R.activate("sigmoid", x, np.empty_like(x))):
        assert got[0] == got[1] == 0.5 and np.isnan(got[2]) and got[3] == 1.0 and got[4] == 0.0
    assert (
        np.signbit(portable.tanh(np.float32(-0.0)))
        and portable.tanh(np.float32(-0.0)).dtype == np.float32
    )


@pytest.mark.parametrize("fn", [portable.tanh, portable.sigmoid, rnnlib.activations.sigmoid])
def test_no_silent_cast_into_an_integer_out(fn):
    with pytest.raises(TypeError, match="out must be a float numpy array, got int64"):
        fn(np.array([1.0, 2.0]), out=np.zeros(2, dtype=np.int64))


@pytest.mark.parametrize("big", [np.inf, -np.inf, 1e300])
def test_products_with_inf_or_huge_entries_are_ieee_whatever_their_size(big):
    """A product large enough for the old sliced path turned inf or 1e300 into NaN; now every size
    gives what the written order gives in IEEE arithmetic: inf where a term overflows, NaN only for
    inf - inf."""
    for M, K, N in [(2, 3, 2), (40, 70, 30)]:
        A = np.full((M, K), 1.0)
        A[0, 1] = big
        B = np.full((K, N), 2.0)
        with np.errstate(over="ignore", invalid="ignore"):
            expected = np.full((M, N), float(K) * 2.0)
            expected[0] = big * 2.0 if np.isinf(big) else np.float64(big) * 2.0 + (K - 1) * 2.0
            for got in both_paths(lambda A=A, B=B: R.matmul(A, B)):
                assert same_bits(got, expected)
            for got in both_paths(lambda A=A, B=B: R.rows_dot(A, B.T)):
                assert same_bits(got, expected)


# ---------------------------------------------------------------------- property tests


def finite_or_not(dtype):
    width = 32 if dtype == np.float32 else 64
    return st.one_of(
        st.sampled_from(EDGES),
        st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=width),
    )


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64]), n=st.integers(1, 40))
def test_activations_are_ieee_faithful_at_every_value(data, dtype, n):
    """tanh and sigmoid of any float (inf, NaN, +-0, subnormals, huge): tanh within 4 units in the
    last place of numpy's, sigmoid within 4 eps absolute (in float64), exactly +-1 / 0 / 1 at the
    ends, NaN for NaN, the sign of zero kept, float32 in float32, and the same bits compiled and in
    numpy."""
    with np.errstate(over="ignore"):  # an edge like 1e300 becomes inf in float32
        x = np.array(data.draw(st.lists(finite_or_not(dtype), min_size=n, max_size=n)), dtype=dtype)
    for name, ref in (("tanh", np.tanh), ("sigmoid", lambda v: 0.5 * (1.0 + np.tanh(0.5 * v)))):
        numpy_path, compiled_path = both_paths(
            lambda name=name: R.activate(name, x, np.empty_like(x))
        )
        assert same_bits(numpy_path, compiled_path)
        got = numpy_path
        assert got.dtype == dtype
        nan = np.isnan(x)
        assert np.array_equal(np.isnan(got), nan)
        want = ref(x.astype(np.float64))
        if dtype == np.float64 and name == "tanh":
            assert (ulps(got[~nan], want[~nan]) <= 4).all()
        elif (
            dtype == np.float64
        ):  # (1 + tanh(x/2)) / 2: absolute accuracy (relative is lost near 0)
            assert (np.abs(got[~nan] - want[~nan]) <= 4 * np.finfo(float).eps).all()
        else:
            assert np.allclose(got[~nan], want[~nan], rtol=2e-7, atol=1e-45)
        if name == "tanh":
            zero = x == 0
            assert np.array_equal(np.signbit(got[zero]), np.signbit(x[zero]))
            assert (np.abs(got[~nan]) <= 1).all()


@settings(max_examples=200, deadline=None)
@given(
    x=st.lists(
        st.one_of(
            st.sampled_from(EDGES),
            st.floats(-800, 800),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_exp_is_ieee_faithful_at_every_value(x):
    """exp of any float64: inf exactly where numpy's overflows, 0 where it underflows to 0, within 2
    units in the last place elsewhere (subnormal results: within one subnormal step), NaN for NaN,
    and the same bits compiled and in numpy."""
    x = np.array(x)
    numpy_path, compiled_path = both_paths(lambda: R.exp(x))
    assert same_bits(numpy_path, compiled_path)
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(x)
    got = numpy_path
    assert np.array_equal(np.isnan(got), np.isnan(x))
    assert np.array_equal(np.isinf(got), np.isinf(want))
    normal = np.isfinite(want) & (want >= np.finfo(float).tiny)
    assert (ulps(got[normal], want[normal]) <= 2).all()
    tiny = ~normal & np.isfinite(want)
    assert (np.abs(got[tiny] - want[tiny]) <= 5e-324).all()


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(-10, 10, allow_subnormal=False), min_size=1, max_size=12),
    e=st.integers(-1000, 1000),
)
def test_norms_scale_exactly_with_powers_of_two(values, e):
    """norm(g 2^e) = norm(g) 2^e to a few units in the last place, for e that would overflow or
    underflow the squares (|entries| up to about 2^1000): fit's per-network norms and global_norm.
    Ordinary entries are not scaled at all (the digits of every stored training run stay)."""
    g = np.array(values)
    big = np.ldexp(g, e)
    if not np.isfinite(big).all() or (np.abs(big[g != 0]) < np.finfo(float).tiny).any():
        return  # 2^e itself out of range for these values
    plain = global_norm({"a": g})
    scaled = global_norm({"a": big})
    assert scaled == pytest.approx(np.ldexp(plain, e), rel=1e-14, abs=0)
    stacked = {"a": np.stack([g, big])}
    n = _norms(stacked, 2)
    assert n[0] == _norms({"a": g[None]}, 1)[0]
    assert n[1] == pytest.approx(np.ldexp(n[0], e), rel=1e-14, abs=0)


def test_fit_trains_through_gradients_whose_squares_would_overflow():
    """A loss scaled by 1e200: the gradient norm is about 1e200 (its square overflows); fit's norm
    stays finite, clipping brings it to 1, and training does not stop as if it had diverged."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 4, 1))

    def huge(Y, target, mask):
        value, dY = rnnlib.mse(Y, target, mask)
        return value * 1e200, dY * 1e200

    net = rnnlib.ElmanRNN(1, 3, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        hist = rnnlib.fit(
            net, X, X, loss=huge, clip=1.0, optimizer=rnnlib.SGD(lr=0.01), epochs=3, verbose=False
        )
    assert not hist.diverged and len(hist.step_grad_norm) == 3
    assert all(1e199 < g < 1e202 for g in hist.step_grad_norm)
