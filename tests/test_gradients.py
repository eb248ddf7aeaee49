"""Jacobians of later hidden states, vanishing and exploding gradients (chapter 05)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import (
    COUNTS,
    FEEDFORWARD,
    JORDAN,
    REFUSED,
    SEEDS,
    SIZES,
    arrays,
    call,
    mostly,
    numeric,
    sequences_for,
    small_net,
)
from rnnlib import _checks, gradients
from rnnlib import gradients as g


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("k", [0, 1, 3, 7])
def test_jacobians_match_finite_differences(activation, k, rng):
    net = rnnlib.ElmanRNN(2, 5, 1, activation=activation, seed=3)
    net.D = 1.5 * net.D  # away from the trivial small-weight regime
    X = rng.standard_normal((7, 2))
    h0 = rng.standard_normal(5)
    J = g.hidden_jacobians(net, X, h0)
    assert J.shape == (8, 5, 5)
    num = g.numerical_hidden_jacobian(net, X, k, h0)
    np.testing.assert_allclose(J[k], num, rtol=1e-6, atol=1e-9)


def test_first_step_back_is_diag_fprime_times_D(rng):
    net = rnnlib.ElmanRNN(3, 4, 2, seed=0)
    X = rng.standard_normal((5, 3))
    Hs, _ = net.forward(X)
    J = g.hidden_jacobians(net, X)
    np.testing.assert_allclose(J[0], np.eye(4))
    np.testing.assert_allclose(J[1], np.diag(1 - Hs[-1] ** 2) @ net.D, rtol=1e-12)
    np.testing.assert_allclose(
        J[2], np.diag(1 - Hs[-1] ** 2) @ net.D @ np.diag(1 - Hs[-2] ** 2) @ net.D, rtol=1e-12
    )


def test_batch_equals_sequences_one_by_one(rng):
    net = rnnlib.ElmanRNN(2, 4, 1, seed=5)
    X = rng.standard_normal((6, 3, 2))
    Jb = g.hidden_jacobians(net, X)
    assert Jb.shape == (7, 3, 4, 4)
    for n in range(3):
        np.testing.assert_allclose(
            Jb[:, n], g.hidden_jacobians(net, X[:, n]), rtol=1e-12, atol=1e-15
        )
    assert g.jacobian_norms(Jb).shape == (7, 3)


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.5])
def test_linear_net_with_scaled_orthogonal_D_gives_exactly_rho_to_the_k(rho):
    Q = g.random_orthogonal(6, seed=2)
    J = g.jacobian_products(rho * Q, np.ones((10, 6)))
    ks = np.arange(11)
    np.testing.assert_allclose(g.jacobian_norms(J), rho**ks, rtol=1e-10)
    # every singular value is rho^k, not only the largest
    np.testing.assert_allclose(np.linalg.svd(J[10], compute_uv=False), rho**10, rtol=1e-10)


def test_linear_products_are_powers_of_D(rng):
    D = rng.standard_normal((4, 4))
    J = g.jacobian_products(D, np.ones((5, 4)))
    for k in range(6):
        np.testing.assert_allclose(J[k], np.linalg.matrix_power(D, k), rtol=1e-10, atol=1e-12)


def test_tanh_norms_respect_the_bound(rng):
    # ||dh_T/dh_{T-k}|| <= (gamma ||D||)^k with gamma = max tanh' = 1 (Pascanu et al. 2013)
    net = rnnlib.ElmanRNN(1, 8, 1, seed=1)
    net.D = 2.0 * rng.standard_normal((8, 8)) / np.sqrt(8)
    X = rng.standard_normal((20, 4, 1))
    norms = g.jacobian_norms(g.hidden_jacobians(net, X))
    bound = np.linalg.norm(net.D, 2) ** np.arange(21)
    assert np.all(norms <= bound[:, None] * (1 + 1e-9))
    assert np.any(norms[5:] < 0.5 * bound[5:, None])  # and tanh' < 1 makes it strictly smaller


def test_jacobian_matches_truncated_backward(rng):
    # with an error only at the last output, the part of dL/dB that flows back exactly k
    # steps is f'(a_{T-k}) * J_k^T V^T dY_T: backward(truncate=k+1) minus backward(truncate=k)
    net = rnnlib.ElmanRNN(2, 5, 3, seed=7)
    X = rng.standard_normal((8, 2))
    dY = np.zeros((8, 3))
    dY[-1] = rng.standard_normal(3)
    Hs, _ = net.forward(X)
    J = g.hidden_jacobians(net, X)
    for k in range(1, 7):
        diff = net.backward(X, dY, truncate=k + 1)["B"] - net.backward(X, dY, truncate=k)["B"]
        expected = (1 - Hs[-1 - k] ** 2) * (J[k].T @ (net.V.T @ dY[-1]))
        np.testing.assert_allclose(diff, expected, rtol=1e-9, atol=1e-12)


def test_random_orthogonal():
    Q = g.random_orthogonal(5, seed=0)
    np.testing.assert_allclose(Q.T @ Q, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(Q)), 1.0, rtol=1e-12)
    assert not np.allclose(Q, g.random_orthogonal(5, seed=1))
    np.testing.assert_array_equal(Q, g.random_orthogonal(5, seed=np.int64(0)))


def test_norm_choices():
    J = np.stack([np.eye(3), 2 * np.eye(3)])
    np.testing.assert_allclose(g.jacobian_norms(J), [1, 2])
    np.testing.assert_allclose(g.jacobian_norms(J, ord="fro"), [np.sqrt(3), 2 * np.sqrt(3)])


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: g.random_orthogonal(0), ValueError, "n must be a positive integer"),
        (
            lambda: g.jacobian_products(np.ones((2, 3)), np.ones((4, 2))),
            ValueError,
            r"D must be a square \(H, H\) matrix",
        ),
        (
            lambda: g.jacobian_products(np.zeros((0, 0)), np.ones((4, 0))),
            ValueError,
            r"D must be a square \(H, H\) matrix",
        ),
        (
            lambda: g.jacobian_products(np.eye(3), np.ones((4, 2))),
            ValueError,
            r"fprime must have shape \(K, 3\)",
        ),
        (lambda: g.jacobian_products(np.eye(3), np.ones(3)), ValueError, "fprime must have shape"),
        (
            lambda: g.jacobian_norms(np.ones((2, 3))),
            ValueError,
            "J must be a stack of square matrices",
        ),
        (lambda: g.jacobian_norms(np.ones((2, 2)), ord=1), ValueError, "ord must be 2"),
        (
            lambda: g.hidden_jacobians(rnnlib.ElmanRNN(2, 3, 1), np.ones((4, 3))),
            ValueError,
            "expected 2",
        ),
        (
            lambda: g.numerical_hidden_jacobian(rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 1)), 5),
            ValueError,
            "k must be an integer from 0 to T = 4",
        ),
        (
            lambda: g.numerical_hidden_jacobian(rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 1)), 1.0),
            TypeError,
            "k must be a non-negative integer",
        ),
        (
            lambda: g.numerical_hidden_jacobian(rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 1)), -1),
            ValueError,
            "k must be a non-negative integer",
        ),
        (
            lambda: g.numerical_hidden_jacobian(
                rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 1)), 1, eps=0.0
            ),
            ValueError,
            "eps must be a positive",
        ),
        (
            lambda: g.numerical_hidden_jacobian(
                rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 1)), 1, eps="small"
            ),
            TypeError,
            "eps must be a finite real",
        ),
        (
            lambda: g.numerical_hidden_jacobian(rnnlib.ElmanRNN(1, 3, 1), np.ones((4, 2, 1)), 1),
            ValueError,
            "must be one sequence",
        ),
        (
            lambda: g.numerical_hidden_jacobian(
                rnnlib.ElmanRNN(1, 3, 1, dtype="float32"), np.ones((4, 1)), 1
            ),
            TypeError,
            "float64",
        ),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_lists_are_accepted():
    J = g.jacobian_products([[0.5, 0.0], [0.0, 0.5]], [[1, 1], [1, 1]])
    np.testing.assert_allclose(g.jacobian_norms(J), [1.0, 0.5, 0.25])


# ------------------------------------------ properties: random arguments (helpers.call)
@given(n=SIZES, seed=SEEDS)
def test_random_orthogonal_with_random_arguments(n, seed):
    Q = call(gradients.random_orthogonal, n, seed, names=["n", "seed"])
    if Q is not REFUSED:
        np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-12)


@st.composite
def jacobian_product_args(draw):
    H, K = draw(st.integers(1, 3)), draw(st.integers(0, 3))
    D = draw(mostly(arrays(shape=(H, H)), arrays(max_dims=3, max_side=3)))
    fshape = draw(st.sampled_from([(K, H), (K, draw(mostly(st.integers(1, 2), st.just(0))), H)]))
    fprime = draw(mostly(arrays(shape=fshape), arrays(max_dims=4, max_side=3)))
    ord_ = draw(
        mostly(
            st.sampled_from([2, "fro", np.int64(2)]), st.sampled_from([1, 2.5, True, None, "nuc"])
        )
    )
    return D, fprime, ord_


@given(jacobian_product_args())
def test_jacobian_products_and_norms(args):
    D, fprime, ord_ = args
    J = call(gradients.jacobian_products, D, fprime, names=["D", "fprime"])
    if J is REFUSED:
        return
    Dn, F = numeric(D), numeric(fprime)
    ref = np.broadcast_to(np.eye(len(Dn)), F.shape[1:-1] + Dn.shape).copy()
    for k in range(1, F.shape[0] + 1):
        ref = ref @ (F[F.shape[0] - k][..., :, None] * Dn)
        np.testing.assert_allclose(J[k], ref, atol=1e-9)
    norms = call(gradients.jacobian_norms, J, ord_, names=["J", "ord"])
    if norms is not REFUSED:
        np.testing.assert_allclose(norms, np.linalg.norm(J, ord=ord_, axis=(-2, -1)), atol=1e-9)


@st.composite
def jacobian_args(draw):
    net = (
        small_net(draw, kinds=("elman",))
        if draw(mostly(st.just(True), st.just(False)))
        else small_net(draw, kinds=("jordan", "other"))
    )
    return net, draw(sequences_for(net))


@given(args=jacobian_args(), k=COUNTS)
def test_hidden_jacobians(args, k):
    net, X = args
    J = call(gradients.hidden_jacobians, net, X, names=["net", "X"])
    if J is REFUSED:
        return
    T = np.shape(X)[0]
    assert J.shape[0] == T + 1 and J.shape[-2:] == (net.n_hidden, net.n_hidden)
    num = call(gradients.numerical_hidden_jacobian, net, X, k, names=["net", "X", "k"])
    if num is not REFUSED:
        np.testing.assert_allclose(J[k], num, atol=1e-6)


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "call,exc,match",
    [
        (
            lambda: gradients.hidden_jacobians(JORDAN, np.ones((3, 1))),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.hidden_jacobians("net", np.ones((3, 1))),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.numerical_hidden_jacobian(FEEDFORWARD, np.ones((3, 1)), 1),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.jacobian_products(np.eye(2), np.ones((3, 0, 2))),
            ValueError,
            "fprime must hold at least one sequence",
        ),
        (lambda: gradients.jacobian_norms(np.zeros((3, 0, 0))), ValueError, "H >= 1"),
        (lambda: gradients.jacobian_norms(np.eye(2), ord=True), ValueError, "ord must be 2"),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(
    "call,argument",
    [
        (lambda: gradients.random_orthogonal(10**7), "n=10000000"),
        (
            lambda: gradients.jacobian_products(
                np.eye(300), np.broadcast_to(np.ones(300), (10**5, 300))
            ),
            "fprime of shape (100000, 300)",
        ),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


def test_hidden_jacobians_are_new_arrays():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=3)
    X = np.ones((4, 1))
    J = gradients.hidden_jacobians(net, X)
    J[:] = 0.0
    assert not np.allclose(gradients.hidden_jacobians(net, X)[1], 0.0)


def test_hidden_jacobians_refuse_a_stack_larger_than_memory(monkeypatch):
    monkeypatch.setattr(_checks, "machine_memory", lambda: 10_000)
    net = rnnlib.ElmanRNN(1, 10, 1)
    with pytest.raises(ValueError, match=r"n_hidden=10 needs an array of 8,800 bytes"):
        gradients.hidden_jacobians(net, np.ones((10, 1)))  # 11 Jacobians of 10 x 10


def test_a_refused_call_leaves_the_model_and_the_input_as_they_were():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=1)
    kept = {k: v.copy() for k, v in net.params.items()}
    series = np.arange(6.0)
    with pytest.raises(ValueError):
        gradients.numerical_hidden_jacobian(net, series[:, None], 9)
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])
    np.testing.assert_array_equal(series, np.arange(6.0))
