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

import numpy as np

from ._checks import (
    as_float_array,
    as_scalar_series,
    check_alloc,
    check_choice,
    check_count,
    check_real,
)

SCORES = ("corr2", "r2")


# ----------------------------------------------------------------- the probe
@dataclass(frozen=True, eq=False)  # arrays have no single truth value: probes compare by identity
class LinearProbe:
    """A fitted linear read-out ``targets ~ states @ coef + intercept`` (chapter 04).

    ``coef`` is (H, K) and ``intercept`` (K,), one column per decoded target.
    The probe keeps float64 copies of what it is given, so later changes to the
    caller's arrays do not change it (and its own arrays are read-only).
    """

    coef: np.ndarray
    intercept: np.ndarray

    def __post_init__(self):
        coef = as_float_array("coef", self.coef)
        if coef.ndim != 2 or 0 in coef.shape:
            raise ValueError(f"coef must be a (H, K) matrix with H, K >= 1, got shape {coef.shape}")
        intercept = as_float_array("intercept", self.intercept)
        if intercept.shape != (coef.shape[1],):
            raise ValueError(
                f"intercept must have shape ({coef.shape[1]},), one value per column of coef, "
                f"got {intercept.shape}"
            )
        for name, arr in (("coef", coef), ("intercept", intercept)):
            arr = np.array(arr, dtype=np.float64, copy=True)
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    def predict(self, states):
        """Decode targets from states of shape (..., H) as states @ coef + intercept (chapter 04).

        Returns an array (..., K): one column per decoded target.
        """
        states = as_float_array("states", states)
        if states.ndim < 1 or states.shape[-1] != self.coef.shape[0]:
            raise ValueError(
                f"states must have {self.coef.shape[0]} features on the last axis, "
                f"got shape {states.shape}"
            )
        return states @ self.coef + self.intercept


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
    states = as_float_array("states", states)
    targets = as_float_array("targets", targets)
    if states.ndim not in (2, 3) or states.shape[-1] == 0:
        raise ValueError(
            f"states must be (n, H) or (T, N, H) with H >= 1, got shape {states.shape}"
        )
    lead = states.shape[:-1]
    if (
        targets.shape[: len(lead)] != lead
        or targets.ndim not in (len(lead), len(lead) + 1)
        or (targets.ndim == len(lead) + 1 and targets.shape[-1] == 0)
    ):
        raise ValueError(
            f"targets must have shape {lead} or {lead + ('K',)} with K >= 1 to match states "
            f"{states.shape}, got {targets.shape}"
        )
    ridge = check_real("ridge", ridge, low=0)
    n_rows = int(np.prod(lead))
    if n_rows < 2:
        raise ValueError(
            f"states must hold at least 2 rows to fit a probe, got shape {states.shape}"
        )
    rows = _rows(states, len(lead))
    target_rows = targets.reshape(n_rows, -1)
    s_mean, t_mean = rows.mean(axis=0), target_rows.mean(axis=0)
    coef = _least_squares(rows - s_mean, target_rows - t_mean, ridge)
    intercept = t_mean - s_mean @ coef
    return LinearProbe(coef=coef, intercept=intercept)


def _least_squares(Sc, Yc, ridge):
    """Minimum-norm solution of min ||Sc b - Yc||^2 + ridge ||b||^2 for centred data.

    Columns are standardised first (constant units get coefficient 0). When
    the small (H, H) matrix of the normal equations is well conditioned (the
    usual case) it is solved directly, with one step of iterative refinement
    on the residual; otherwise (collinear or nearly collinear units) the
    SVD-based ``np.linalg.lstsq`` gives the minimum-norm solution. The fast
    path matters on a busy machine, where multithreaded LAPACK on the tall
    matrix of states can be many times slower than on an (H, H) matrix.
    """
    H = Sc.shape[1]
    scale = np.sqrt((Sc * Sc).mean(axis=0))
    live = scale > 1e-12 * max(float(scale.max()), 1e-300)
    coef = np.zeros((H, Yc.shape[1]))
    if not np.any(live):
        return coef
    Z = Sc[:, live] / scale[live]
    penalty = ridge / scale[live] ** 2  # ridge on the coefficients of the unscaled states
    G = Z.T @ Z + np.diag(penalty)
    evals, evecs = np.linalg.eigh(G)
    if evals[0] > evals[-1] * 1e-10:
        inv = (evecs / evals) @ evecs.T
        beta = inv @ (Z.T @ Yc)
        beta += inv @ (Z.T @ (Yc - Z @ beta) - penalty[:, None] * beta)  # refinement
    else:  # minimum-norm least squares in the units of the states themselves
        A, Yb = Sc, Yc
        if ridge > 0:
            A = np.vstack([Sc, np.sqrt(ridge) * np.eye(H)])
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
    if a.ndim == 0 or a.shape[0] < 2 or a.size == 0:
        raise ValueError(
            f"y_true and y_pred need at least 2 values per column and at least one column, "
            f"got shape {a.shape}"
        )
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
def _states_and_inputs(states, inputs):
    """Return states as (T, N, H) and the scalar input streams as (T, N)."""
    states = as_float_array("states", states)
    if states.ndim == 2:
        states = states[:, None, :]
        inputs = as_scalar_series("inputs", inputs)[:, None]
    elif states.ndim == 3:
        inputs = as_float_array("inputs", inputs)
        if inputs.ndim == 3 and inputs.shape[2] == 1:
            inputs = inputs[:, :, 0]
        if inputs.ndim != 2:
            raise ValueError(
                f"for states of shape (T, N, H) the inputs must be scalar streams, "
                f"(T, N) or (T, N, 1); got shape {inputs.shape}"
            )
    else:
        raise ValueError(f"states must be (T, H) or (T, N, H), got shape {states.shape}")
    if 0 in states.shape[1:]:
        raise ValueError(
            "states must hold at least one sequence and one unit (H >= 1), got shape "
            f"{states.shape}"
        )
    if inputs.shape != states.shape[:2]:
        raise ValueError(
            f"inputs must have the same time steps (and sequences) as states: "
            f"states {states.shape[:2]} + (H,), inputs {inputs.shape}"
        )
    return states, inputs


def delayed_inputs(inputs, max_delay, start):
    """The delayed inputs x_{t-k}, k = 0..max_delay, that probes decode from h_t (chapter 04).

    ``inputs`` is one scalar stream (T,) or N streams (T, N), time first.
    Returns, for t = start..T-1, the values x_t, x_{t-1}, ..., x_{t-max_delay}
    on the last axis: shape (T - start, max_delay + 1) or (T - start, N,
    max_delay + 1). Needs max_delay <= start < T, so that every delay exists.
    """
    inputs = as_float_array("inputs", inputs)
    if inputs.ndim not in (1, 2) or (inputs.ndim == 2 and inputs.shape[1] == 0):
        raise ValueError(
            f"inputs must be one scalar stream (T,) or streams (T, N) with N >= 1, "
            f"got shape {inputs.shape}"
        )
    max_delay = check_count("max_delay", max_delay)
    start = check_count("start", start)
    T = inputs.shape[0]
    if not max_delay <= start < T:
        raise ValueError(
            f"start must satisfy max_delay <= start < T, so that x_(start - max_delay) exists "
            f"and at least one step is left; got start={start}, max_delay={max_delay}, T={T}"
        )
    check_alloc(f"max_delay={max_delay}", (T - start) * (inputs.size // T) * (max_delay + 1))
    return np.stack([inputs[start - k : T - k] for k in range(max_delay + 1)], axis=-1)


def memory_curve(
    states, inputs, max_delay, washout=0, train_fraction=0.5, ridge=0.0, score="corr2"
):
    """How well x_{t-k} can be read linearly from h_t, for k = 0..max_delay (chapter 04).

    Time steps t >= washout + max_delay are used (every probe sees the same
    steps); the first ``train_fraction`` of them fit the probes (one least-
    squares read-out with a bias per delay), the rest score them: "corr2"
    (squared correlation, Jaeger's measure, in [0, 1]) or "r2" (R^2).
    ``states[t]`` must be the hidden state just after reading ``inputs[t]``,
    as ``ElmanRNN.forward`` returns them. Returns an array of length
    max_delay + 1 whose entry k is the held-out score for delay k.
    """
    states, inputs = _states_and_inputs(states, inputs)
    max_delay = check_count("max_delay", max_delay)
    washout = check_count("washout", washout)
    train_fraction = check_real("train_fraction", train_fraction)
    if not 0 < train_fraction < 1:
        raise ValueError(
            f"train_fraction must be a number strictly between 0 and 1, got {train_fraction!r}"
        )
    check_choice("score", score, SCORES)
    T, N = states.shape[:2]
    start = washout + max_delay
    usable = T - start
    n_train = int(round(train_fraction * usable))
    if n_train * N < 2 or (usable - n_train) * N < 2:
        raise ValueError(
            f"too few time steps: states have T={T}, of which washout={washout} + "
            f"max_delay={max_delay} are skipped, leaving {max(usable, 0)} to split into "
            f"training and held-out steps (need at least 2 rows in each)"
        )
    targets = delayed_inputs(inputs, max_delay, start)
    used = states[start:]
    probe = fit_probe(used[:n_train], targets[:n_train], ridge=ridge)
    pred = probe.predict(used[n_train:])
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
    curve = memory_curve(
        states,
        inputs,
        max_delay,
        washout=washout,
        train_fraction=train_fraction,
        ridge=ridge,
        score="corr2",
    )
    return float(curve.sum())
