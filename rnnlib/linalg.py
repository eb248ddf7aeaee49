"""The spectral radius of the delayed-input weight D (chapters 04 and 05).

rho(D), the largest absolute eigenvalue of D, sets how an input's trace in
the hidden state fades: for a linear unit h_t = D h_{t-1} + W x_t it decays
like rho(D)^k after k steps (chapter 04, the memory of the hidden state), and
it is the first guess at whether gradients vanish or explode over k steps of
backpropagation through time (chapter 05).
"""

import numpy as np

from ._checks import as_square_matrix, check_real


def spectral_radius(D):
    """Largest absolute eigenvalue rho(D) = max_i |lambda_i(D)| of a square matrix (chapter 04).

    ``D`` is an (H, H) array-like with H >= 1; complex eigenvalues count by
    their modulus. rho < 1 means fading memory for a linear unit. The value is
    rounded to 12 significant digits, so that it is the same on every machine.
    """
    D = as_square_matrix("D", D)
    return _same_everywhere(float(np.max(np.abs(np.linalg.eigvals(D)))))


def _same_everywhere(rho):
    """rho rounded to 12 significant digits (ARCHITECTURE.md, "Same digits on every machine").

    LAPACK's eigenvalues differ between machines (BLAS kernels, CPUs) in their
    last bits, and a scaled D feeds training, where last bits grow. Rounded to
    12 digits, the radius is the same everywhere unless the exact value lies
    within about 1e-15 of a rounding boundary, which is checked for the book's
    matrices by its tests.
    """
    return float(f"{rho:.12g}")


def scale_spectral_radius(D, rho):
    """Return D rescaled to spectral radius ``rho``: D * rho / rho(D) (chapters 04, 05).

    The echo-state recipe: draw a random D, then set how fast the network
    forgets by one number. ``rho`` is a finite real number >= 0. A nilpotent D
    (all eigenvalues zero, e.g. a shift register) cannot be rescaled and raises.
    """
    D = as_square_matrix("D", D)
    rho = check_real("rho", rho, low=0)
    current = spectral_radius(D)
    if current < 1e-12:
        raise ValueError(
            "D has spectral radius 0 (all eigenvalues are zero), so it cannot be "
            "rescaled to a given radius"
        )
    return D * (rho / current)
