"""rnnlib/_checks.py: the shared argument checks (sizes, counts, seeds, numbers, arrays)."""

import re

import numpy as np
import pytest

import rnnlib
from rnnlib import _checks


# ---------------------------------------------------------------------------- bad input
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


# ---------------------------------------------- robustness: copies, entry checks, sizes
def test_check_alloc_refuses_more_than_the_machine_holds(monkeypatch):
    monkeypatch.setattr(_checks, "machine_memory", lambda: 1000)
    assert _checks.check_alloc("n=62", 62, 8) == 496  # 496 bytes <= half of 1000
    with pytest.raises(
        ValueError, match=r"n=63 needs an array of 504 bytes, more than rnnlib allows .*500 bytes"
    ):
        _checks.check_alloc("n=63", 63, 8)


def test_machine_memory_falls_back_to_8_gib(monkeypatch):
    def broken(name):
        raise ValueError(name)

    monkeypatch.setattr(_checks.os, "sysconf", broken)
    assert _checks.machine_memory() == 8 * 2**30
    assert _checks.machine_memory() > 0
