"""Bad input gets a clear error in rnnlib's own words (chapter 02 shows some)."""

import re

import numpy as np
import pytest

import rnnlib
from rnnlib import _checks


@pytest.fixture
def net():
    return rnnlib.ElmanRNN(3, 4, 2)


@pytest.mark.parametrize(
    "args,exc,match",
    [
        ((0, 4, 2), ValueError, "n_in must be a positive integer"),
        ((3, -1, 2), ValueError, "n_hidden must be a positive integer"),
        ((3, 4, 2.0), TypeError, "n_out must be a positive integer"),
        ((3.5, 4, 2), TypeError, "n_in must be a positive integer"),
        (("3", 4, 2), TypeError, "n_in must be a positive integer"),
        ((True, 4, 2), TypeError, "n_in must be a positive integer"),
    ],
)
def test_bad_sizes(args, exc, match):
    with pytest.raises(exc, match=match):
        rnnlib.ElmanRNN(*args)


def test_numpy_integer_sizes_are_fine():
    assert rnnlib.ElmanRNN(np.int64(3), np.int32(4), 2).n_hidden == 4


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'softplus'; choose one of"):
        rnnlib.ElmanRNN(1, 2, 1, activation="softplus")


def test_bad_dtype():
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        rnnlib.ElmanRNN(1, 2, 1, dtype=int)


@pytest.mark.parametrize(
    "X,match",
    [
        (np.zeros(5), "got an array with 1 dimension"),
        (np.zeros((2, 2, 2, 3)), "got an array with 4 dimension"),
        (np.zeros((5, 2)), "has 2 features per step .* expected 3"),
        (np.zeros((5, 2, 4)), "has 4 features per step .* expected 3"),
        (np.zeros((0, 3)), "at least one time step"),
        (np.zeros((4, 0, 3)), "at least one time step and one sequence"),
        ([[1, 2, 3], [4, 5]], "rectangular array of numbers"),
    ],
)
def test_bad_X_shapes(net, X, match):
    with pytest.raises(ValueError, match=match):
        net.forward(X)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_X(net, value):
    X = np.zeros((3, 3))
    X[1, 2] = value
    with pytest.raises(ValueError, match="X contains NaN or infinite values"):
        net.forward(X)


@pytest.mark.parametrize(
    "X",
    [[["a", "b", "c"]], np.array([[1 + 2j, 0, 0]]), np.array([[None, 1, 2]], dtype=object), None],
)
def test_non_numeric_X(net, X):
    with pytest.raises(TypeError, match="X must"):
        net.forward(X)


def test_lists_and_integer_arrays_work(net):
    a = net.forward([[1, 0, 1], [0, 1, 0]])[1]
    b = net.forward(np.array([[1, 0, 1], [0, 1, 0]], dtype=np.int8))[1]
    c = net.forward(np.array([[True, False, True], [False, True, False]]))[1]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize(
    "X,h0,match",
    [
        (np.zeros((3, 3)), np.zeros(5), r"h0 must have shape \(4,\), got \(5,\)"),
        (np.zeros((3, 3)), np.zeros((1, 4)), r"h0 must have shape \(4,\), got \(1, 4\)"),
        (np.zeros((3, 2, 3)), np.zeros((3, 4)), r"h0 must have shape \(4,\) or \(2, 4\)"),
        (np.zeros((3, 3)), [np.nan] * 4, "h0 contains NaN"),
    ],
)
def test_bad_h0(net, X, h0, match):
    with pytest.raises(ValueError, match=match):
        net.forward(X, h0)


def test_bad_dY(net):
    X = np.zeros((3, 3))
    net.forward(X)
    with pytest.raises(ValueError, match=r"dY must have shape \(3, 2\), got \(3, 1\)"):
        net.backward(X, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="dY contains NaN"):
        net.backward(X, np.full((3, 2), np.inf))
    with pytest.raises(TypeError, match="dY must contain real numbers"):
        net.backward(X, [["a", "b"]] * 3)


def test_bad_truncate(net):
    X = np.zeros((3, 3))
    with pytest.raises(ValueError, match="truncate must be a positive integer"):
        net.backward(X, np.zeros((3, 2)), truncate=0)


@pytest.mark.parametrize(
    "name,value,exc,match",
    [
        ("W", np.zeros((3, 4)), ValueError, r"ElmanRNN.W must have shape \(4, 3\), got \(3, 4\)"),
        ("D", np.zeros(4), ValueError, r"ElmanRNN.D must have shape \(4, 4\)"),
        ("B", np.zeros((4, 1)), ValueError, r"ElmanRNN.B must have shape \(4,\)"),
        ("V", np.zeros((2, 5)), ValueError, r"ElmanRNN.V must have shape \(2, 4\)"),
        ("c", [1.0, np.nan], ValueError, "ElmanRNN.c contains NaN"),
        ("W", "weights", TypeError, "ElmanRNN.W must contain real numbers"),
    ],
)
def test_bad_replaced_parameters(net, name, value, exc, match):
    with pytest.raises(exc, match=match):
        setattr(net, name, value)


def test_parameter_broken_in_place_is_caught(net):
    net.D[0, 0] = np.nan
    with pytest.raises(ValueError, match="parameter D contains NaN"):
        net.forward(np.zeros((2, 3)))


def test_bad_step_input(net):
    with pytest.raises(ValueError, match=r"x must be one time step of shape \(3,\)"):
        net.step(np.zeros(2))
    with pytest.raises(TypeError, match="x must contain real numbers"):
        net.step(["a", "b", "c"])


# ------------------------------------------------ the shared checks (rnnlib._checks)


@pytest.mark.parametrize(
    "value,exc",
    [
        (-1, ValueError),
        (1.5, TypeError),
        ("3", TypeError),
        (None, TypeError),
        (True, TypeError),
        (np.bool_(False), TypeError),
    ],
)
def test_check_count_refuses(value, exc):
    with pytest.raises(exc, match="k must be a non-negative integer"):
        _checks.check_count("k", value)


def test_check_count_accepts_zero_and_numpy_integers():
    assert _checks.check_count("k", 0) == 0
    out = _checks.check_count("k", np.int32(7))
    assert out == 7 and type(out) is int


# The seed rule, once: the shared check refuses every kind of bad seed, and each module that
# takes a seed (model, train, tasks, elman1990, gradients) goes through it.
SEED_RULE = [
    ("check_seed", lambda seed: _checks.check_seed("seed", seed), -1, ValueError),
    ("check_seed", lambda seed: _checks.check_seed("seed", seed), 1.5, TypeError),
    ("check_seed", lambda seed: _checks.check_seed("seed", seed), "a", TypeError),
    ("check_seed", lambda seed: _checks.check_seed("seed", seed), None, TypeError),
    ("check_seed", lambda seed: _checks.check_seed("seed", seed), True, TypeError),
    ("ElmanRNN", lambda seed: rnnlib.ElmanRNN(1, 2, 1, seed=seed), -1, ValueError),
    (
        "fit",
        lambda seed: rnnlib.fit(
            rnnlib.ElmanRNN(1, 2, 1), np.zeros((3, 1)), np.zeros((3, 1)), seed=seed
        ),
        "a",
        TypeError,
    ),
    ("tasks", lambda seed: rnnlib.tasks.xor_previous(5, 2, seed=seed), 1.5, TypeError),
    ("elman1990", lambda seed: rnnlib.elman1990.letter_stream(3, seed=seed), True, TypeError),
    ("gradients", lambda seed: rnnlib.gradients.random_orthogonal(3, seed=seed), -1, ValueError),
]


@pytest.mark.parametrize(
    "where,call,seed,exc", SEED_RULE, ids=[f"{w}-{s!r}" for w, _, s, _ in SEED_RULE]
)
def test_the_seed_rule(where, call, seed, exc):
    with pytest.raises(
        exc, match="seed must be a non-negative integer, got " + re.escape(repr(seed))
    ):
        call(seed)


@pytest.mark.parametrize(
    "value,kw,exc,match",
    [
        ("1", {}, TypeError, "a must be a finite real number, got '1' \\(str\\)"),
        (True, {}, TypeError, "a must be a finite real number"),
        (np.ones(1), {}, TypeError, "a must be a finite real number"),
        (np.nan, {}, ValueError, "a must be a finite real number, got nan"),
        (-np.inf, {}, ValueError, "a must be a finite real number"),
        (-0.5, {"low": 0}, ValueError, "a must be non-negative, got -0.5"),
        (0.5, {"low": 1}, ValueError, "a must be at least 1, got 0.5"),
        (2.5, {"high": 2}, ValueError, "a must be at most 2, got 2.5"),
        (3, {"low": 0, "high": 1}, ValueError, r"a must be in \[0, 1\], got 3"),
    ],
)
def test_check_real_refuses(value, kw, exc, match):
    with pytest.raises(exc, match=match):
        _checks.check_real("a", value, **kw)


def test_check_real_accepts_numbers_at_the_bounds():
    for v in (0, 1, np.float32(0.25), np.int64(1), 1.0):
        out = _checks.check_real("a", v, low=0, high=1)
        assert out == float(v) and type(out) is float


def test_as_scalar_series():
    np.testing.assert_array_equal(_checks.as_scalar_series("s", [[1], [2], [3]]), [1.0, 2.0, 3.0])
    assert _checks.as_scalar_series("s", np.arange(4)).dtype == np.float64
    for bad, match in (
        (
            np.ones((3, 2)),
            r"s must be one scalar series of shape \(T,\) or \(T, 1\), got shape \(3, 2\)",
        ),
        (5.0, r"got shape \(\)"),
        ([1.0], "s must hold at least 2 values, got 1"),
        ([1.0, np.nan], "s contains NaN"),
    ):
        with pytest.raises(ValueError, match=match):
            _checks.as_scalar_series("s", bad, min_length=2)


def test_as_square_matrix():
    assert _checks.as_square_matrix("D", [[1, 2], [3, 4]]).shape == (2, 2)
    for bad in (np.ones((2, 3)), np.ones(2), np.zeros((0, 0)), np.ones((2, 2, 2))):
        with pytest.raises(ValueError, match=r"D must be a square \(H, H\) matrix with H >= 1"):
            _checks.as_square_matrix("D", bad)
