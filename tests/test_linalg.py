"""The spectral radius of D and its rescaling (chapters 04 and 05)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import REFUSED, arrays, call, mostly, numeric
from rnnlib import linalg
from rnnlib.gradients import random_orthogonal
from rnnlib.linalg import scale_spectral_radius, spectral_radius


def test_spectral_radius_of_known_matrices():
    assert spectral_radius(np.diag([0.5, -0.9, 0.1])) == pytest.approx(0.9)
    assert spectral_radius(np.diag([0.3, -2.0, 1.0])) == pytest.approx(2.0)
    a = 0.7
    rotation = a * np.array([[np.cos(1.0), -np.sin(1.0)], [np.sin(1.0), np.cos(1.0)]])
    assert spectral_radius(rotation) == pytest.approx(a)  # complex eigenvalues a e^{+-i}
    assert spectral_radius([[0, 2], [-2, 0]]) == pytest.approx(
        2.0
    )  # integer lists, eigenvalues +-2i
    assert spectral_radius([[2]]) == pytest.approx(2.0)
    assert spectral_radius(np.eye(4, k=-1)) == 0.0  # a shift register is nilpotent


def test_spectral_radius_is_not_the_norm():
    D = np.array([[0.5, 4.0], [0.0, 0.5]])
    assert spectral_radius(D) == pytest.approx(0.5)
    assert np.linalg.norm(D, 2) > 4


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.95, 1, 1.5, np.float32(0.5)])
def test_scale_spectral_radius(rho, rng):
    D = rng.standard_normal((6, 6))
    D2 = scale_spectral_radius(D, rho)
    assert spectral_radius(D2) == pytest.approx(float(rho), abs=1e-12)
    if rho > 0:  # only the scale changes, not the direction
        np.testing.assert_allclose(D2 / np.linalg.norm(D2), D / np.linalg.norm(D))


def test_scaled_orthogonal_matrix_has_radius_and_norm_rho():
    Q = random_orthogonal(5, seed=0)
    for rho in (0.5, 1.0, 1.5):
        assert spectral_radius(rho * Q) == pytest.approx(rho)
        assert spectral_radius(scale_spectral_radius(Q, rho)) == pytest.approx(rho)


@pytest.mark.parametrize(
    "D,match",
    [
        (np.ones((2, 3)), r"D must be a square \(H, H\) matrix with H >= 1, got shape \(2, 3\)"),
        (np.ones(3), r"D must be a square \(H, H\) matrix"),
        (np.zeros((0, 0)), r"H >= 1, got shape \(0, 0\)"),
        (np.full((2, 2), np.nan), "D contains NaN"),
    ],
)
def test_spectral_radius_bad_matrix(D, match):
    with pytest.raises(ValueError, match=match):
        spectral_radius(D)
    with pytest.raises(ValueError, match=match):
        scale_spectral_radius(D, 0.9)


@pytest.mark.parametrize("D", ["abc", [["a", "b"], ["c", "d"]]])
def test_spectral_radius_non_numeric(D):
    with pytest.raises(TypeError, match="D must contain real numbers"):
        spectral_radius(D)


@pytest.mark.parametrize(
    "D,rho,exc,match",
    [
        (np.eye(2), -0.5, ValueError, "rho must be non-negative, got -0.5"),
        (np.eye(2), float("nan"), ValueError, "rho must be a finite real number, got nan"),
        (np.eye(2), np.inf, ValueError, "rho must be a finite real number"),
        (np.eye(2), "0.9", TypeError, "rho must be a finite real number"),
        (np.eye(2), True, TypeError, "rho must be a finite real number"),
        (np.eye(2), [1.0, 2.0], TypeError, "rho must be a finite real number"),
        (np.eye(3, k=-1), 0.9, ValueError, "spectral radius 0"),
        (np.zeros((2, 2)), 1.0, ValueError, "spectral radius 0"),
    ],
)
def test_scale_spectral_radius_bad_input(D, rho, exc, match):
    with pytest.raises(exc, match=match):
        scale_spectral_radius(D, rho)


# ------------------------------------------ properties: random arguments (helpers.call)
@given(
    D=mostly(
        st.integers(1, 3).flatmap(lambda H: arrays(shape=(H, H))), arrays(max_dims=3, max_side=3)
    ),
    rho=mostly(st.integers(0, 24).map(lambda k: k / 8), st.sampled_from([np.inf, -1.0, "1", None])),
)
def test_linalg(D, rho):
    r = call(linalg.spectral_radius, D, names=["D"])
    if r is REFUSED:
        return
    assert r == pytest.approx(np.max(np.abs(np.linalg.eigvals(numeric(D)))), rel=1e-9, abs=1e-12)
    out = call(linalg.scale_spectral_radius, D, rho, names=["D", "rho", "spectral radius 0"])
    if out is not REFUSED:
        assert linalg.spectral_radius(out) == pytest.approx(rho, rel=1e-9, abs=1e-9)
