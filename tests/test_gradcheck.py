"""rnnlib/gradcheck.py: finite-difference gradients and the relative error (chapter 05)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import JORDAN, NOT_A_NET, REFUSED, SEEDS, arrays, call, gradcheck_args, mostly, numeric
from rnnlib.gradcheck import numerical_gradients, relative_error


def test_gradient_tools_refuse_bad_input():
    with pytest.raises(ValueError, match="compares arrays of one shape"):
        relative_error([1, 2, 3], [1])
    with pytest.raises(ValueError, match="eps must be a small positive number"):
        numerical_gradients(lambda: 0.0, {"x": np.zeros(2)}, eps=0)
    with pytest.raises(TypeError, match="must be a float numpy array"):
        numerical_gradients(lambda: 0.0, {"x": np.zeros(2, dtype=int)})
    with pytest.raises(ValueError, match="gradient of x contains NaN"):
        rnnlib.SGD().step({"x": np.zeros(2)}, {"x": np.array([np.nan, 0.0])})
    with pytest.raises(TypeError, match="must be a float numpy array"):
        rnnlib.clip_grad_norm({"x": np.array([3, 4])}, 1.0)
    assert rnnlib.SGD(lr=np.int64(1)).lr == 1.0
    with pytest.raises(ValueError, match="mask must not be negative"):
        rnnlib.mse(np.zeros((3, 1)), np.zeros((3, 1)), mask=[1, -1, 1])


# ------------------------------------------ properties: random arguments (helpers.call)
@given(
    st.tuples(arrays(max_dims=2), st.booleans()).flatmap(
        lambda p: st.tuples(
            st.just(p[0]), arrays(shape=np.shape(p[0])) if p[1] else arrays(max_dims=2)
        )
    )
)
def test_relative_error(pair):
    a, b = pair
    r = call(rnnlib.relative_error, a, b, names=["a", "b"])
    if r is not REFUSED:
        x, y = numeric(a), numeric(b)
        assert r == pytest.approx(
            np.linalg.norm(x - y) / max(np.linalg.norm(x) + np.linalg.norm(y), 1e-300)
        )


@given(
    p=mostly(
        arrays(max_dims=2, kinds=("array", "strided", "float32")),
        arrays(max_dims=2, kinds=("int", "readonly", "list")),
    ),
    eps=mostly(st.sampled_from([1e-6, 1e-3]), st.sampled_from([0, -1e-6, 2.0, "small", True])),
)
def test_numerical_gradients_of_a_quadratic(p, eps):
    params = {"p": p}

    def loss():
        return float(np.sum(np.asarray(params["p"], dtype=np.float64) ** 2))

    g = call(
        rnnlib.numerical_gradients,
        loss,
        params,
        eps,
        names=["loss_fn", "params", "parameter p", "eps"],
        repeat=False,
    )
    if g is not REFUSED and (
        p.dtype == np.float64 or eps >= 1e-3
    ):  # float32 rounding swamps a tiny eps
        np.testing.assert_allclose(
            g["p"], 2 * numeric(p), atol=1e-3 if p.dtype == np.float32 else 1e-6
        )


@given(args=gradcheck_args(), seed=SEEDS)
def test_check_gradients(args, seed):
    net, X = args
    errors = call(
        rnnlib.check_gradients, net, X, seed=seed, names=["model", "X", "seed"], repeat=False
    )
    if errors is not REFUSED:
        assert set(errors) == set(net.param_names) and max(errors.values()) < 1e-5


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "call,exc,match",
    [
        (
            lambda: rnnlib.check_gradients(NOT_A_NET, np.ones((3, 1))),
            TypeError,
            "model must be an rnnlib network",
        ),
        (
            lambda: rnnlib.check_gradients(rnnlib.ElmanRNN(1, 2, 1), np.ones((3, 1)), seed=-1),
            ValueError,
            "seed must be",
        ),
        (
            lambda: rnnlib.check_gradients(rnnlib.ElmanRNN(1, 2, 1), np.ones((3, 1)), eps=0),
            ValueError,
            "eps must be",
        ),
        (
            lambda: rnnlib.check_gradients(JORDAN, np.ones((3, 1)), clip=1),
            TypeError,
            r"JordanRNN.backward takes no option\(s\) clip; its options: truncate",
        ),
        (lambda: rnnlib.numerical_gradients(None, {}), TypeError, "loss_fn must be a function"),
        (
            lambda: rnnlib.numerical_gradients(lambda: 0.0, [np.zeros(2)]),
            TypeError,
            "params must be a dict",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: 0.0, {"x": np.zeros(2)}, eps="1e-6"),
            TypeError,
            "eps must be",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: np.zeros(2), {"x": np.zeros(2)}),
            TypeError,
            "loss_fn must return one real number",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: float("nan"), {"x": np.zeros(2)}),
            ValueError,
            "finite loss",
        ),
        (
            lambda: rnnlib.relative_error([1.0], [1.0, 2.0]),
            ValueError,
            "a and b must have one shape",
        ),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
@pytest.mark.parametrize("fail_at", [1, 2, 5])
def test_numerical_gradients_restore_the_parameters_when_the_loss_raises(error, fail_at):
    params = {"W": np.arange(6.0).reshape(2, 3), "c": np.array([0.5, -0.5])}
    kept = {k: v.copy() for k, v in params.items()}
    calls = []

    def loss():
        calls.append(1)
        if len(calls) == fail_at:  # 1: during the +eps evaluation, 2: during -eps, 5: a later entry
            raise error("stop")
        return float(sum(np.sum(p**2) for p in params.values()))

    with pytest.raises(error):
        rnnlib.numerical_gradients(loss, params)
    for k in params:
        np.testing.assert_array_equal(params[k], kept[k])


def test_check_gradients_restores_the_model_after_an_interrupt(monkeypatch):
    net = rnnlib.ElmanRNN(1, 2, 1, seed=2)
    kept = {k: v.copy() for k, v in net.params.items()}
    original = net.forward
    count = []

    def forward(*args, **kwargs):  # interrupt the finite differences half way
        count.append(1)
        if len(count) == 6:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(net, "forward", forward)
    with pytest.raises(KeyboardInterrupt):
        rnnlib.check_gradients(net, np.ones((3, 1)))
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])


def test_a_refused_call_leaves_the_model_and_the_input_as_they_were():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=1)
    kept = {k: v.copy() for k, v in net.params.items()}
    series = np.arange(6.0)
    with pytest.raises(ValueError):
        rnnlib.check_gradients(net, series[:, None], dY=np.ones((5, 1)))
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])
    np.testing.assert_array_equal(series, np.arange(6.0))
