"""Jacobians of later hidden states, vanishing and exploding gradients (chapter 05)."""

import numpy as np
import pytest

import rnnlib
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
