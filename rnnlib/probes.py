"""Linear probes and short-term memory of the hidden state (chapter 04).

The hidden-information view of the article: h_t is a running summary of the
whole past x_1 ... x_t. How much of the past it still holds is measured with
*linear probes*: least-squares read-outs with a bias,

    x_{t-k}  ~  p_k . h_t + q_k          (one probe per delay k = 0, 1, ..., K),

fitted on one stretch of time and scored on a later, held-out stretch. The
score per delay is the memory curve; its sum over k is the memory capacity
MC of Jaeger (2001/2002), which for an i.i.d. scalar input can never exceed
the number of hidden units H.

Shapes follow the book: states are time-major, (T, H) for one sequence or
(T, N, H) for a batch; the scalar input stream is (T,) / (T, 1) or
(T, N) / (T, N, 1) to match.
"""
from dataclasses import dataclass
import numbers

import numpy as np

from ._checks import as_float_array

SCORES = ("corr2", "r2")


# ------------------------------------------------------------ spectral radius
def _square_matrix(name, D):
    D = as_float_array(name, D)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or D.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix of shape (H, H), got shape {D.shape}")
    return D


def spectral_radius(D):
    """Largest absolute eigenvalue of the delayed-input weight D (chapter 04).

    For a linear unit h_t = D h_{t-1} + W x_t, an input's trace in h decays
    like rho(D)^k after k steps (for large k), so rho < 1 means fading memory.
    """
    D = _square_matrix("D", D)
    return float(np.max(np.abs(np.linalg.eigvals(D))))


def scale_spectral_radius(D, rho):
    """Return D rescaled so that its spectral radius is ``rho`` (chapter 04).

    D_new = D * rho / rho(D), the echo-state recipe: draw a random D, then
    set how fast the network forgets by one number. A nilpotent D (all
    eigenvalues zero, e.g. a shift register) cannot be rescaled and raises.
    """
    D = _square_matrix("D", D)
    if isinstance(rho, (bool, np.bool_)) or not isinstance(rho, numbers.Real) or not np.isfinite(rho):
        raise TypeError(f"rho must be a finite real number, got {rho!r}")
    if rho < 0:
        raise ValueError(f"rho must be non-negative (a spectral radius), got {rho}")
    current = spectral_radius(D)
    if current < 1e-12:
        raise ValueError("D has spectral radius 0 (all eigenvalues are zero), so it cannot be "
                         "rescaled to a given radius")
    return D * (float(rho) / current)


# ----------------------------------------------------------------- the probe
@dataclass(frozen=True)
class LinearProbe:
    """A fitted linear read-out ``targets ~ states @ coef + intercept`` (chapter 04).

    ``coef`` is (H, K) and ``intercept`` (K,), one column per decoded target.
    """

    coef: np.ndarray
    intercept: np.ndarray

    def predict(self, states):
        """Decode targets from states of shape (..., H); returns (..., K)."""
        S = as_float_array("states", states)
        if S.ndim < 1 or S.shape[-1] != self.coef.shape[0]:
            raise ValueError(f"states must have {self.coef.shape[0]} features on the last axis, "
                             f"got shape {S.shape}")
        return S @ self.coef + self.intercept


def _rows(arr, n_lead):
    """Flatten the leading ``n_lead`` axes of ``arr`` into rows: (rows, features)."""
    return arr.reshape((int(np.prod(arr.shape[:n_lead])), -1))


def fit_probe(states, targets, ridge=0.0):
    """Fit least-squares linear probes with a bias (chapter 04).

    ``states`` is (n, H) or (T, N, H); ``targets`` has the same leading axes
    with one value per row, (n,) / (T, N), or K values, (n, K) / (T, N, K);
    the probe always predicts K columns (K = 1 for one target).
    Minimises sum ||targets - states @ coef - intercept||^2
    + ridge * ||coef||^2 (ridge >= 0; 0 means ordinary least squares, with
    the minimum-norm solution when states are collinear). Returns a ``LinearProbe``.
    """
    S = as_float_array("states", states)
    Y = as_float_array("targets", targets)
    if S.ndim not in (2, 3):
        raise ValueError(f"states must be (n, H) or (T, N, H), got shape {S.shape}")
    lead = S.shape[:-1]
    if Y.shape[:len(lead)] != lead or Y.ndim not in (len(lead), len(lead) + 1):
        raise ValueError(f"targets must have shape {lead} or {lead + ('K',)} to match states "
                         f"{S.shape}, got {Y.shape}")
    ridge = _check_nonneg("ridge", ridge)
    X = _rows(S, len(lead))
    Y2 = Y.reshape(X.shape[0], -1)
    if X.shape[0] < 2:
        raise ValueError(f"a probe needs at least 2 rows of states, got {X.shape[0]}")
    x_mean, y_mean = X.mean(axis=0), Y2.mean(axis=0)
    coef = _least_squares(X - x_mean, Y2 - y_mean, ridge)
    intercept = y_mean - x_mean @ coef
    return LinearProbe(coef=coef, intercept=intercept)


def _least_squares(Xc, Yc, ridge):
    """Minimum-norm solution of min ||Xc b - Yc||^2 + ridge ||b||^2 for centred data.

    Columns are standardised first (constant units get coefficient 0). When
    the small (H, H) matrix of the normal equations is well conditioned (the
    usual case) it is solved directly, with one step of iterative refinement
    on the residual; otherwise (collinear or nearly collinear units) the
    SVD-based ``np.linalg.lstsq`` gives the minimum-norm solution. The fast
    path matters on a busy machine, where multithreaded LAPACK on the tall
    data matrix can be many times slower than on an (H, H) matrix.
    """
    H = Xc.shape[1]
    scale = np.sqrt((Xc * Xc).mean(axis=0))
    live = scale > 1e-12 * max(float(scale.max()), 1e-300)
    coef = np.zeros((H, Yc.shape[1]))
    if not np.any(live):
        return coef
    Z = Xc[:, live] / scale[live]
    penalty = ridge / scale[live] ** 2  # ridge on the coefficients of the unscaled states
    G = Z.T @ Z + np.diag(penalty)
    evals, evecs = np.linalg.eigh(G)
    if evals[0] > evals[-1] * 1e-10:
        inv = (evecs / evals) @ evecs.T
        beta = inv @ (Z.T @ Yc)
        beta += inv @ (Z.T @ (Yc - Z @ beta) - penalty[:, None] * beta)  # refinement
    else:  # minimum-norm least squares in the units of the states themselves
        A, Yb = Xc, Yc
        if ridge > 0:
            A = np.vstack([Xc, np.sqrt(ridge) * np.eye(H)])
            Yb = np.vstack([Yc, np.zeros((H, Yc.shape[1]))])
        return np.linalg.lstsq(A, Yb, rcond=None)[0]
    coef[live] = beta / scale[live][:, None]
    return coef


# ------------------------------------------------------------------- scores
def _pair(y_true, y_pred):
    a = as_float_array("y_true", y_true)
    b = as_float_array("y_pred", y_pred)
    if a.shape != b.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {a.shape} and {b.shape}")
    if a.ndim == 0 or a.shape[0] < 2:
        raise ValueError(f"scores need at least 2 values per column, got shape {a.shape}")
    return a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1), a.shape


def r2_score(y_true, y_pred):
    """Coefficient of determination R^2 = 1 - SS_res / SS_tot, per column (chapter 04).

    1 is a perfect decoding, 0 is no better than predicting the mean; on
    held-out data it can be negative. A constant ``y_true`` column raises.
    """
    a, b, shape = _pair(y_true, y_pred)
    ss_tot = ((a - a.mean(axis=0)) ** 2).sum(axis=0)
    if np.any(ss_tot == 0):
        raise ValueError("y_true has a constant column; R^2 is undefined for it")
    r2 = 1.0 - ((a - b) ** 2).sum(axis=0) / ss_tot
    return float(r2[0]) if len(shape) == 1 else r2


def squared_correlation(y_true, y_pred):
    """Squared Pearson correlation r^2 between columns (chapter 04).

    Jaeger's "determination coefficient" of a delayed input and its probe:
    it equals R^2 of the best rescaled prediction, so it lies in [0, 1].
    A constant prediction carries no information and scores 0; a constant
    ``y_true`` column raises.
    """
    a, b, shape = _pair(y_true, y_pred)
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    va, vb = (a * a).sum(axis=0), (b * b).sum(axis=0)
    if np.any(va == 0):
        raise ValueError("y_true has a constant column; the correlation is undefined for it")
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where(vb > 0, (a * b).sum(axis=0) ** 2 / (va * np.where(vb > 0, vb, 1.0)), 0.0)
    r2 = np.clip(r2, 0.0, 1.0)
    return float(r2[0]) if len(shape) == 1 else r2


_SCORE_FN = {"corr2": squared_correlation, "r2": r2_score}


# ------------------------------------------------------------ memory curves
def _check_nonneg(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite real number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return float(value)


def _check_count(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def _states_and_inputs(states, inputs):
    """Return states as (T, N, H) and the scalar input stream as (T, N)."""
    S = as_float_array("states", states)
    U = as_float_array("inputs", inputs)
    if S.ndim == 2:
        S = S[:, None, :]
        if U.ndim == 2 and U.shape[1] == 1:
            U = U[:, 0]
        if U.ndim != 1:
            raise ValueError(f"for states of shape (T, H) the inputs must be one scalar stream, "
                             f"(T,) or (T, 1); got shape {U.shape}")
        U = U[:, None]
    elif S.ndim == 3:
        if U.ndim == 3 and U.shape[2] == 1:
            U = U[:, :, 0]
        if U.ndim != 2:
            raise ValueError(f"for states of shape (T, N, H) the inputs must be scalar streams, "
                             f"(T, N) or (T, N, 1); got shape {U.shape}")
    else:
        raise ValueError(f"states must be (T, H) or (T, N, H), got shape {S.shape}")
    if U.shape != S.shape[:2]:
        raise ValueError(f"inputs must have the same time steps (and sequences) as states: "
                         f"states {S.shape[:2]} + (H,), inputs {U.shape}")
    return S, U


def delayed_inputs(inputs, max_delay, start):
    """Stack x_{t-k} for k = 0..max_delay and t = start..T-1: (T - start, N, max_delay + 1)."""
    return np.stack([inputs[start - k: inputs.shape[0] - k] for k in range(max_delay + 1)], axis=-1)


def memory_curve(states, inputs, max_delay, washout=0, train_fraction=0.5, ridge=0.0, score="corr2"):
    """How well x_{t-k} can be read linearly from h_t, for k = 0..max_delay (chapter 04).

    Time steps t >= washout + max_delay are used (every probe sees the same
    steps); the first ``train_fraction`` of them fit the probes (one least-
    squares read-out with a bias per delay), the rest score them: "corr2"
    (squared correlation, Jaeger's measure, in [0, 1]) or "r2" (R^2).
    ``states[t]`` must be the hidden state just after reading ``inputs[t]``,
    as ``ElmanRNN.forward`` returns them. Returns an array of length
    max_delay + 1 whose entry k is the held-out score for delay k.
    """
    S, U = _states_and_inputs(states, inputs)
    max_delay = _check_count("max_delay", max_delay)
    washout = _check_count("washout", washout)
    if isinstance(train_fraction, bool) or not isinstance(train_fraction, numbers.Real) \
            or not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be a number strictly between 0 and 1, got {train_fraction!r}")
    if score not in _SCORE_FN:
        raise ValueError(f"unknown score {score!r}; choose one of {', '.join(map(repr, SCORES))}")
    T = S.shape[0]
    start = washout + max_delay
    usable = T - start
    n_train = int(round(train_fraction * usable))
    if n_train * S.shape[1] < 2 or (usable - n_train) * S.shape[1] < 2:
        raise ValueError(f"too few time steps: states have T={T}, of which washout={washout} + "
                         f"max_delay={max_delay} are skipped, leaving {max(usable, 0)} to split into "
                         f"training and held-out steps (need at least 2 rows in each)")
    targets = delayed_inputs(U, max_delay, start)
    X = S[start:]
    probe = fit_probe(X[:n_train], targets[:n_train], ridge=ridge)
    pred = probe.predict(X[n_train:])
    K = max_delay + 1
    scores = _SCORE_FN[score](targets[n_train:].reshape(-1, K), pred.reshape(-1, K))
    return np.atleast_1d(np.asarray(scores, dtype=float))


def memory_capacity(states, inputs, max_delay, washout=0, train_fraction=0.5, ridge=0.0):
    """Short-term memory capacity MC = sum_k r^2(x_{t-k}, probe_k(h_t)) (chapter 04).

    Jaeger (2001/2002): with the squared correlation of each delay's held-out
    probe summed over k = 0..max_delay. For an i.i.d. input and H hidden
    units MC <= H (up to sampling noise of the held-out estimate): the delayed
    inputs are uncorrelated, and an H-dimensional state can explain at most H
    units of their variance. Arguments as in ``memory_curve``.
    """
    curve = memory_curve(states, inputs, max_delay, washout=washout,
                         train_fraction=train_fraction, ridge=ridge, score="corr2")
    return float(curve.sum())
