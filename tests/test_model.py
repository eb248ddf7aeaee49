"""rnnlib/model.py: what every network shares (ElmanRNN, JordanRNN, FeedForward): sizes, inputs,
parameters and copies are checked, returned arrays are the caller's own."""

import copy

import numpy as np
import pytest
from hypothesis import given

import rnnlib
from helpers import forward_args, misuse_data


# ---------------------------------------------------------------------------- bad input
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


# ------------------------------------------------------------------------------- misuse
@pytest.mark.parametrize(
    "make",
    [
        lambda: rnnlib.ElmanRNN(3, 4, 2),
        lambda: rnnlib.JordanRNN(3, 4, 2),
        lambda: rnnlib.FeedForward(3, 4, 2),
    ],
)
def test_changing_returned_arrays_changes_nothing_else(make):
    net = make()
    X, dY = np.ones((6, 3)), np.ones((6, 2))
    before = net.backward(X, dY)
    Hs, Y = net.forward(X)
    assert not np.shares_memory(Hs, Y)
    Hs -= Hs.mean(0)  # e.g. centring states for a probe
    Y[:] = 0
    after = net.backward(X, dY)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    g = net.backward(X, dY)
    g["W"][:] = 7.0
    assert not np.any(net.W == 7.0)
    first = net.forward(X[:1])[0].copy()
    net.forward(X[:1])[0][:] += 1
    assert np.array_equal(net.forward(X[:1])[0], first)


def test_copies_are_independent_and_inputs_are_never_changed():
    net = rnnlib.ElmanRNN(3, 4, 2)
    for twin in (copy.copy(net), copy.deepcopy(net)):
        twin.D[0, 0] = 99.0
        twin.W = np.zeros((4, 3))
        assert net.D[0, 0] != 99.0 and np.any(net.W != 0)
    X, target = misuse_data()
    X0, t0 = X.copy(), target.copy()
    rnnlib.fit(net, X, target, epochs=2, verbose=False)
    net.backward(X, target)
    assert np.array_equal(X, X0) and np.array_equal(target, t0)


def test_sizes_that_cannot_fit_in_memory_fail_at_once_naming_the_size():
    with pytest.raises(ValueError, match=r"n_hidden=1000000000.*8,000,000,024,000,000,008 bytes"):
        rnnlib.ElmanRNN(1, 10**9, 1)
    with pytest.raises(ValueError, match="its parameters"):
        rnnlib.JordanRNN(10**7, 10**6, 1)


def test_a_pass_leaves_no_large_buffer_in_the_model():
    net = rnnlib.ElmanRNN(1, 8, 1)
    X = np.zeros((20_000, 1))
    net.forward(X)
    net.backward(X, np.ones((20_000, 1)))
    held = [v for v in vars(net).values() if isinstance(v, np.ndarray)]
    held += [p for p in net._params.values()]
    assert sum(a.nbytes for a in held) == sum(p.nbytes for p in net.params.values())


def test_overflowing_states_are_reported_with_the_step():
    net = rnnlib.ElmanRNN(1, 4, 1, activation="relu")
    net.D = 50 * np.eye(4)
    net.W = np.ones((4, 1))
    with pytest.raises(ValueError, match=r"overflowed: .* from step t = \d+ of 300"):
        net.forward(np.ones((300, 1)))
    with pytest.raises(ValueError, match="overflowed"):
        net.backward(np.ones((300, 1)), np.ones((300, 1)))
    hist = rnnlib.fit(net, np.ones((300, 1)), np.ones((300, 1)), epochs=3, verbose=False)
    assert hist.diverged and hist.loss == []


def test_assigning_the_activation_changes_the_computation():
    net = rnnlib.ElmanRNN(1, 3, 1, seed=2)
    X = -np.ones((4, 1))
    tanh_states = net.forward(X)[0]
    net.activation = "relu"
    assert np.array_equal(
        net.forward(X)[0],
        np.maximum(
            tanh_states * 0 + rnnlib.ElmanRNN(1, 3, 1, seed=2, activation="relu").forward(X)[0], 0
        ),
    )
    assert "relu" in repr(net)
    with pytest.raises(ValueError, match="unknown activation"):
        net.activation = "softsign"
    assert net.activation == "relu"
    with pytest.raises(TypeError, match="reproducible must be True or False"):
        rnnlib.ElmanRNN(1, 3, 1, reproducible="yes")


def test_a_refused_weight_leaves_the_old_one():
    net = rnnlib.ElmanRNN(2, 3, 1)
    D = net.D.copy()
    with pytest.raises(ValueError, match=r"ElmanRNN.D must have shape \(3, 3\)"):
        net.D = np.zeros((2, 2))
    with pytest.raises(ValueError, match="NaN"):
        net.D = np.full((3, 3), np.nan)
    assert np.array_equal(net.D, D)


# ------------------------------------------ properties: random arguments (helpers.call)
@given(forward_args())
def test_copies_of_a_model_are_independent(args):
    net = args[0]
    before = {k: v.copy() for k, v in net.params.items()}
    for clone in (copy.copy(net), copy.deepcopy(net)):
        for p in clone.params.values():
            p += 1.0
        clone.W = np.zeros_like(net.W)
        for k in net.param_names:
            np.testing.assert_array_equal(net.params[k], before[k])
