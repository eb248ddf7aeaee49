"""Bit-stream tasks and the accuracy of binary outputs (chapter 03)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    COUNTS,
    REFUSED,
    SEEDS,
    arrays,
    bits,
    call,
    good_kind_of,
    mostly,
    numeric,
    shapes,
    sizes,
    weights,
)
from rnnlib import tasks

T, N = 12, 7


def bits_of(X):
    return X[..., 0].astype(int)


def test_bit_stream_is_seeded_bits():
    X = tasks.bit_stream(T, N, seed=3)
    assert X.shape == (T, N, 1) and X.dtype == np.float64
    assert set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(X, tasks.bit_stream(T, N, seed=3))
    assert not np.array_equal(X, tasks.bit_stream(T, N, seed=4))
    big = tasks.bit_stream(200, 100, seed=0)
    assert 0.45 < big.mean() < 0.55  # fair bits


def test_every_task_uses_the_same_bits_for_the_same_seed():
    X0 = tasks.bit_stream(T, N, seed=5)
    for X, _, _ in (
        tasks.xor_previous(T, N, seed=5),
        tasks.delayed_bit(T, N, 3, seed=5),
        tasks.running_parity(T, N, seed=5),
    ):
        np.testing.assert_array_equal(X, X0)


def test_xor_previous_targets_and_mask():
    X, target, mask = tasks.xor_previous(T, N, seed=1)
    b = bits_of(X)
    assert target.shape == (T, N, 1) and mask.shape == (T, N)
    for t in range(1, T):
        np.testing.assert_array_equal(target[t, :, 0], b[t] ^ b[t - 1])
    np.testing.assert_array_equal(mask[0], 0)
    np.testing.assert_array_equal(mask[1:], 1)


@pytest.mark.parametrize("k", [0, 1, 2, 5])
def test_delayed_bit_targets_and_mask(k):
    X, target, mask = tasks.delayed_bit(T, N, k=k, seed=2)
    b = bits_of(X)
    for t in range(k, T):
        np.testing.assert_array_equal(target[t, :, 0], b[t - k])
    assert mask.sum() == (T - k) * N
    np.testing.assert_array_equal(mask[:k], 0)


def test_running_parity_targets():
    X, target, mask = tasks.running_parity(T, N, seed=3)
    b = bits_of(X)
    p = np.zeros(N, dtype=int)
    for t in range(T):
        p ^= b[t]
        np.testing.assert_array_equal(target[t, :, 0], p)
    np.testing.assert_array_equal(mask, 1)


def test_accuracy_of_logits():
    _, target, mask = tasks.xor_previous(T, N, seed=0)
    right = 4.0 * target - 2.0  # logits with the right sign
    assert tasks.accuracy(right, target, mask) == 1.0
    assert tasks.accuracy(-right, target, mask) == 0.0
    # a mistake at a masked step does not count; without the mask it does
    wrong_first = right.copy()
    wrong_first[0] *= -1
    assert tasks.accuracy(wrong_first, target, mask) == 1.0
    assert tasks.accuracy(wrong_first, target) == pytest.approx(1 - 1 / T)
    # lists are accepted, and a constant guess is right about half the time on fair bits
    assert tasks.accuracy([[1.0], [-1.0]], [[1], [1]]) == 0.5
    _, t_big, m_big = tasks.running_parity(100, 100, seed=1)
    assert 0.45 < tasks.accuracy(np.ones_like(t_big), t_big, m_big) < 0.55


def test_bad_input():
    with pytest.raises(ValueError, match="T must be a positive integer"):
        tasks.bit_stream(0, 3)
    with pytest.raises(TypeError, match="N must be a positive integer"):
        tasks.running_parity(5, 2.5)
    with pytest.raises(
        ValueError, match="k \\(the delay\\) must be a non-negative integer, got -1"
    ):
        tasks.delayed_bit(5, 2, k=-1)
    with pytest.raises(TypeError, match="k \\(the delay\\) must be a non-negative integer"):
        tasks.delayed_bit(5, 2, k=True)
    with pytest.raises(ValueError, match="delay k=5 leaves no defined target"):
        tasks.delayed_bit(5, 2, k=5)
    with pytest.raises(ValueError, match="xor_previous needs T >= 2"):
        tasks.xor_previous(1, 2)
    with pytest.raises(ValueError, match="target must have shape"):
        tasks.accuracy(np.zeros((3, 2, 1)), np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match=r"target must hold bits \(0 or 1\)"):
        tasks.accuracy(np.zeros((3, 1)), np.full((3, 1), 0.5))
    with pytest.raises(ValueError, match=r"mask must have shape \(3, 2\)"):
        tasks.accuracy(np.zeros((3, 2, 1)), np.zeros((3, 2, 1)), mask=np.ones(3))
    with pytest.raises(ValueError, match="count at least one step"):
        tasks.accuracy(np.zeros((3, 1)), np.zeros((3, 1)), mask=np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        tasks.accuracy([[np.nan]], [[1]])


def test_best_rule_accuracy_counts_the_majority_of_each_combination():
    features = np.array([[0], [0], [0], [1], [1]])
    target = np.array([1, 1, 0, 0, 0])
    assert tasks.best_rule_accuracy(features, target) == pytest.approx(4 / 5)
    # a feature that determines the target gives 1; the mask leaves steps out
    assert tasks.best_rule_accuracy(features, features[:, 0]) == 1.0
    assert tasks.best_rule_accuracy(features, target, mask=[1, 1, 0, 1, 1]) == 1.0


def test_best_rule_accuracy_on_the_chapter_tasks():
    X, target, mask = tasks.delayed_bit(30, 400, k=1, seed=3)
    alone = tasks.best_rule_accuracy(X, target, mask)
    previous = np.concatenate([X[:1], X[:-1]])
    with_previous = tasks.best_rule_accuracy(np.concatenate([X, previous], -1), target, mask)
    assert abs(alone - 0.5) < 0.02 and with_previous == 1.0


def test_best_rule_accuracy_bad_input():
    with pytest.raises(ValueError, match=r"features must have shape S \+ \(F,\)"):
        tasks.best_rule_accuracy(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match="target must have shape"):
        tasks.best_rule_accuracy(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="mask must leave at least one step"):
        tasks.best_rule_accuracy(np.zeros((4, 1)), np.zeros(4), mask=np.zeros(4))


# ------------------------------------------ properties: random arguments (helpers.call)
@given(
    T=sizes(1, 6),
    N=sizes(1, 4),
    k=COUNTS,
    seed=SEEDS,
    which=st.sampled_from(["bits", "delayed", "xor", "parity"]),
)
def test_tasks_generators(T, N, k, seed, which):
    if which == "bits":
        X = call(tasks.bit_stream, T, N, seed, names=["T", "N", "seed"])
        out = None if X is REFUSED else (X,)
    else:
        fn = {
            "delayed": lambda T, N, seed: tasks.delayed_bit(T, N, k, seed),
            "xor": tasks.xor_previous,
            "parity": tasks.running_parity,
        }[which]
        out = call(fn, T, N, seed, names=["T", "N", "k", "seed", "delay"])
    if out is REFUSED or out is None:
        return
    X = out[0]
    assert X.shape == (T, N, 1) and set(np.unique(X)) <= {0.0, 1.0}
    if which == "bits":
        return
    _, target, mask = out
    b = X[..., 0].astype(int)
    expected = {
        "delayed": lambda: np.concatenate([np.zeros((k, N), int), b[: T - k]]),
        "xor": lambda: np.concatenate([np.zeros((1, N), int), b[1:] ^ b[:-1]]),
        "parity": lambda: np.cumsum(b, axis=0) % 2,
    }[which]()
    np.testing.assert_array_equal(target[..., 0] * mask, expected * mask)


@st.composite
def accuracy_args(draw):
    shape = draw(shapes(min_dims=1))
    Y = draw(arrays(shape=shape))
    target = draw(mostly(good_kind_of(bits(shape)), arrays()))
    mask = draw(st.one_of(st.none(), mostly(weights(shape[:-1]), arrays(max_dims=2))))
    return Y, target, mask


@given(accuracy_args())
def test_tasks_accuracy(args):
    Y, target, mask = args
    acc = call(tasks.accuracy, Y, target, mask, names=["Y", "target", "mask"])
    if acc is REFUSED:
        return
    correct = ((numeric(Y) > 0) == (numeric(target) > 0.5)).mean(axis=-1)
    w = np.ones(correct.shape) if mask is None else numeric(mask)
    assert isinstance(acc, float) and acc == pytest.approx(np.sum(w * correct) / w.sum())


@st.composite
def best_rule_args(draw):
    features = draw(mostly(arrays(min_dims=2), arrays(max_dims=2)))
    steps = np.shape(features)[:-1]
    target = draw(mostly(good_kind_of(bits(steps)), arrays()))
    mask = draw(st.one_of(st.none(), mostly(weights(steps), arrays())))
    return features, target, mask


@given(best_rule_args())
def test_tasks_best_rule_accuracy(args):
    features, target, mask = args
    acc = call(
        tasks.best_rule_accuracy, features, target, mask, names=["features", "target", "mask"]
    )
    if acc is REFUSED:
        return
    keep = np.ones(np.shape(features)[:-1], bool) if mask is None else numeric(mask) > 0
    t = numeric(target).reshape(keep.shape)[keep]
    _, counts = np.unique(t, return_counts=True)
    assert (
        isinstance(acc, float) and counts.max() / t.size - 1e-12 <= acc <= 1.0
    )  # at least the constant rule


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: tasks.accuracy(1.0, 1.0), ValueError, r"Y must be a non-empty array"),
        (
            lambda: tasks.accuracy(np.zeros((0, 1)), np.zeros((0, 1))),
            ValueError,
            r"Y must be a non-empty array",
        ),
        (
            lambda: tasks.best_rule_accuracy(np.zeros((3, 0)), np.zeros(3)),
            ValueError,
            r"features must have shape S \+ \(F,\)",
        ),
        (
            lambda: tasks.bit_stream(3, 2, seed=None),
            TypeError,
            "seed must be a non-negative integer",
        ),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(
    "call,argument",
    [
        (lambda: tasks.bit_stream(10**8, 10**8), "T=100000000, N=100000000"),
        (lambda: tasks.delayed_bit(10**8, 10**8, k=1), "T=100000000, N=100000000"),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message
