"""How gradients travel back through time: Jacobians of later hidden states (chapter 05).

With a_t = W x_t + D h_{t-1} + B and h_t = f(a_t), one step back multiplies by

    dh_t/dh_{t-1} = diag(f'(a_t)) D,

so k steps back multiply k such factors:

    dh_T/dh_{T-k} = diag(f'(a_T)) D  diag(f'(a_{T-1})) D  ...  diag(f'(a_{T-k+1})) D.

Its norm is at most (gamma ||D||)^k with gamma = max |f'| (1 for tanh), the bound
behind vanishing and exploding gradients (Bengio, Simard & Frasconi 1994;
Pascanu, Mikolov & Bengio 2013). A linear activation has f' = 1 and the product
is simply D^k. The spectral radius of D and its rescaling live in ``rnnlib.linalg``.
"""

import numbers

import numpy as np

from ._checks import (
    as_float_array,
    as_sequence,
    as_square_matrix,
    as_state,
    check_alloc,
    check_count,
    check_instance,
    check_real,
    check_seed,
    check_size,
)
from .activations import get_activation
from .elman import ElmanRNN

_NEEDS_ELMAN = "an rnnlib ElmanRNN (its Jacobians dh_T/dh_(T-k) go through D)"


def random_orthogonal(n, seed=0):
    """A random (n, n) orthogonal matrix Q (Q^T Q = I), from the QR of a Gaussian matrix (chapter
    05).

    Every singular value and every |eigenvalue| of Q is 1, so rho * Q has
    norm and spectral radius exactly rho.
    """
    n = check_size("n", n)
    check_alloc(f"n={n}", n * n)
    Q, R = np.linalg.qr(np.random.default_rng(check_seed("seed", seed)).standard_normal((n, n)))
    return Q * np.sign(np.diag(R))  # fix the signs so that Q is uniformly distributed


def jacobian_products(D, fprime):
    """The Jacobians dh_T/dh_{T-k} for k = 0..K from D and the slopes f'(a_t) (chapter 05).

    ``fprime`` is (K, H) or (K, N, H): f'(a_t) for the last K steps t = T-K+1..T
    in time order (for a linear activation, all ones). Returns an array of
    shape (K+1, H, H) or (K+1, N, H, H) whose entry k is
    diag(f'(a_T)) D ... diag(f'(a_{T-k+1})) D; entry 0 is the identity.
    """
    D = as_square_matrix("D", D)
    Fp = as_float_array("fprime", fprime)
    H = D.shape[0]
    if Fp.ndim not in (2, 3) or Fp.shape[-1] != H:
        raise ValueError(
            f"fprime must have shape (K, {H}) or (K, N, {H}) to match D of shape {D.shape}, got "
            f"{Fp.shape}"
        )
    if Fp.ndim == 3 and Fp.shape[1] == 0:
        raise ValueError(f"fprime must hold at least one sequence (N >= 1), got shape {Fp.shape}")
    K = Fp.shape[0]
    n_seq = Fp.shape[1] if Fp.ndim == 3 else 1
    check_alloc(f"fprime of shape {Fp.shape} with D of shape {D.shape}", (K + 1) * n_seq * H * H)
    J = np.broadcast_to(np.eye(H), Fp.shape[1:-1] + (H, H)).copy()
    out = np.empty((K + 1,) + J.shape)
    out[0] = J
    for k in range(1, K + 1):
        # one more step back: multiply on the right by diag(f'(a_{T-k+1})) D
        J = J @ (Fp[K - k][..., :, None] * D)
        out[k] = J
    return out


def hidden_jacobians(net, X, h0=None):
    """dh_T/dh_{T-k} for k = 0..T along the run of ``net`` on ``X`` (chapter 05).

    ``X`` is (T, I) or (T, N, I). Returns (T+1, H, H) or (T+1, N, H, H); entry
    k = T is dh_T/dh_0. The slopes f'(a_t) are those of the net's activation.
    """
    check_instance("net", net, ElmanRNN, _NEEDS_ELMAN)
    X3, batched = as_sequence("X", X, net.n_in, np.float64)
    H0 = as_state("h0", h0, X3.shape[1], net.n_hidden, np.float64, batched)
    T, N, H = X3.shape[0], X3.shape[1], net.n_hidden
    check_alloc(f"X of shape {np.shape(X)} with n_hidden={H}", (T + 1) * N * H * H)
    Hs, _ = net.forward(X3, H0)
    _, f_grad = get_activation(net.activation)
    Fp = f_grad(np.asarray(Hs, dtype=np.float64))
    J = jacobian_products(net.D, Fp)
    return J if batched else J[:, 0]


def jacobian_norms(J, ord=2):
    """Matrix norms of a stack of Jacobians (..., H, H); ``ord=2`` is the largest singular value
    (chapter 05)."""
    J = as_float_array("J", J)
    if J.ndim < 2 or J.shape[-1] != J.shape[-2] or J.shape[-1] == 0:
        raise ValueError(
            f"J must be a stack of square matrices (..., H, H) with H >= 1, got shape {J.shape}"
        )
    is_two = (
        isinstance(ord, numbers.Integral) and not isinstance(ord, (bool, np.bool_)) and ord == 2
    )
    if not (is_two or (isinstance(ord, str) and ord == "fro")):
        raise ValueError(f"ord must be 2 (spectral norm) or 'fro' (Frobenius), got {ord!r}")
    return np.linalg.norm(J, ord=ord, axis=(-2, -1))


def numerical_hidden_jacobian(net, X, k, h0=None, eps=1e-6):
    """dh_T/dh_{T-k} of a single sequence by central finite differences (chapter 05).

    Restarts the net at h_{T-k} on the last k inputs and nudges each entry
    of that state by +-``eps`` (> 0); used to check ``hidden_jacobians``.
    """
    check_instance("net", net, ElmanRNN, _NEEDS_ELMAN)
    if net.dtype != np.float64:
        raise TypeError(
            "net must be a float64 model for numerical_hidden_jacobian, got float32: "
            "float32 rounding swamps finite differences"
        )
    X3, batched = as_sequence("X", X, net.n_in, np.float64)
    if batched:
        raise ValueError(
            f"X must be one sequence of shape (T, {net.n_in}), got a batch of shape {X3.shape}"
        )
    T = X3.shape[0]
    k = check_count("k", k)
    if k > T:
        raise ValueError(f"k must be an integer from 0 to T = {T}, got {k}")
    eps = check_real("eps", eps)
    if eps <= 0:
        raise ValueError(f"eps must be a positive step size, got {eps}")
    X2 = X3[:, 0]
    Hs, _ = net.forward(X2, h0)
    start = np.array(
        as_state("h0", h0, 1, net.n_hidden, np.float64, False)[0] if k == T else Hs[T - k - 1]
    )
    H = net.n_hidden
    if k == 0:
        return np.eye(H)
    J = np.empty((H, H))
    for j in range(H):
        e = np.zeros(H)
        e[j] = eps
        up = net.forward(X2[T - k :], start + e)[0][-1]
        down = net.forward(X2[T - k :], start - e)[0][-1]
        J[:, j] = (up - down) / (2 * eps)
    return J
