"""Forecasting one series with an RNN and with honest baselines (chapter 07).

A series s_0, s_1, ..., s_{T-1} (1-D) is forecast one step ahead: the forecast
of s_t may use s_0 .. s_{t-1} only. Every one-step function here takes the
whole series and a ``start`` index and returns the forecasts of
``series[start:]``, so that forecasts of different models line up with each
other and with the truth.

- persistence:      s_t is forecast by s_{t-1}
- AR(p):            s_t is forecast by phi_0 + phi_1 s_{t-1} + ... + phi_p s_{t-p},
                    the intercept phi_0 and phi fitted by least squares (Yule 1927)
- the basic RNN:    input x_t = s_{t-1}, output y_t is the forecast of s_t
                    (h_t = f(W x_t + D h_{t-1} + B), y_t = V h_t + c)

Free-running (closed-loop) forecasts feed each forecast back in as if it were
the next observation, so errors compound: this is how a model forecasts years
it has not seen at all.

Every function returns new arrays, never views of the series it is given.
"""

import numpy as np

from . import arithmetic
from ._checks import (
    as_float_array,
    as_scalar_series,
    check_alloc,
    check_count,
    check_instance,
    check_size,
)
from .elman import ElmanRNN
from .model import Model


def _check_start(start, series, lowest=1):
    """``start`` as an index into ``series`` with at least ``lowest`` values before it."""
    start = check_count("start", start)
    if not lowest <= start < series.size:
        raise ValueError(
            f"start must be an index in [{lowest}, {series.size - 1}] of a series of "
            f"length {series.size} (at least {lowest} past value(s) before it), got {start}"
        )
    return start


# ------------------------------------------------------------------- data shaping
def windows(series, length, step=1):
    """Cut a series into a batch of overlapping next-value windows (chapter 07).

    Returns ``X`` and ``Y`` of shape (length, N, 1), time-major: window n starts
    at s_{n*step}; ``Y[:, n]`` is ``X[:, n]`` shifted one step ahead. A batch of
    short windows trains much faster than one long sequence (chapter 05).
    """
    s = as_scalar_series("series", series, min_length=2)
    length = check_size("length", length)
    step = check_size("step", step)
    if length > s.size - 1:
        raise ValueError(
            f"window length must be at most {s.size - 1} for a series of {s.size} values, got "
            f"{length}"
        )
    starts = np.arange(0, s.size - length, step)
    check_alloc(f"length={length}, step={step}", 2 * length * starts.size)
    idx = starts[None, :] + np.arange(length)[:, None]  # (length, N)
    return s[idx][..., None], s[idx + 1][..., None]


def lag_matrix(series, p):
    """Lagged inputs of an AR(p) model (chapter 07).

    Returns ``L`` (T-p, p) with row t-p = [s_{t-1}, s_{t-2}, ..., s_{t-p}] and
    the targets ``y`` = s_p .. s_{T-1}.
    """
    s = as_scalar_series("series", series, min_length=2)
    p = check_size("p", p)
    if p >= s.size:
        raise ValueError(f"p must be smaller than the series length {s.size}, got {p}")
    check_alloc(f"p={p}", (s.size - p) * p)
    L = np.column_stack([s[p - k : s.size - k] for k in range(1, p + 1)])
    return L, s[p:].copy()


# ------------------------------------------------------------ linear autoregression
def fit_ar(series, p):
    """Least-squares fit of an AR(p) model with intercept (chapter 07; Yule 1927).

    Minimises sum_t (s_t - phi_0 - sum_k phi_k s_{t-k})^2 over t = p .. T-1 and
    returns ``(phi, intercept)``: phi (p,) with phi[k-1] the weight of lag k, and
    the intercept phi_0 as a float (not called c: in this book c is the RNN's
    output threshold).
    """
    L, y = lag_matrix(series, p)
    if L.shape[0] < p + 1:
        raise ValueError(
            f"series must hold at least {2 * p + 1} values for an AR({p}) fit (p + 1 unknowns, "
            f"p values lost to the lags), got {L.shape[0] + p}"
        )
    A = np.column_stack([L, np.ones(len(y))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef[:-1].copy(), float(coef[-1])


def _check_ar(phi, intercept):
    phi = as_float_array("phi", phi)
    if phi.ndim != 1 or phi.size == 0:
        raise ValueError(
            f"phi must be a 1-D array of AR coefficients (one per lag), got shape {phi.shape}"
        )
    intercept = as_float_array("intercept", intercept)
    if intercept.size != 1:
        raise ValueError(f"intercept must be one number, got shape {intercept.shape}")
    return phi, float(intercept.reshape(()))


def ar_one_step(series, phi, intercept, start):
    """One-step-ahead AR forecasts of ``series[start:]`` (chapter 07); needs ``start >= p``."""
    phi, intercept = _check_ar(phi, intercept)
    s = as_scalar_series("series", series, min_length=2)
    start = _check_start(start, s, lowest=phi.size)
    L, _ = lag_matrix(s, phi.size)
    return intercept + L[start - phi.size :] @ phi


def ar_free_run(history, phi, intercept, steps):
    """Free-running AR forecast of the ``steps`` values after ``history`` (chapter 07).

    Each forecast is appended to the history and used as a lag for the next one.
    """
    phi, intercept = _check_ar(phi, intercept)
    buf = list(as_scalar_series("history", history, min_length=phi.size))
    steps = check_size("steps", steps)
    check_alloc(f"steps={steps}", steps)
    out = []
    for _ in range(steps):
        y = intercept + sum(phi[k] * buf[-1 - k] for k in range(phi.size))
        out.append(y)
        buf.append(y)
    return np.array(out)


def persistence(series, start):
    """Persistence forecasts of ``series[start:]`` (chapter 07): this year is forecast by last
    year."""
    s = as_scalar_series("series", series, min_length=2)
    start = _check_start(start, s)
    return s[start - 1 : -1].copy()


# ------------------------------------------------------------------- the basic RNN
def _check_scalar_net(
    net, cls=Model, what="an rnnlib network (ElmanRNN, JordanRNN or FeedForward)"
):
    check_instance("net", net, cls, what)
    if net.n_in != 1 or net.n_out != 1:
        raise ValueError(
            "net must have one input and one output to forecast a single series "
            f"(n_in=1, n_out=1), got n_in={net.n_in}, n_out={net.n_out}"
        )


def rnn_one_step(net, series, start, h0=None):
    """One-step-ahead RNN forecasts of ``series[start:]`` (chapter 07).

    The net reads the true series from s_0 (teacher forcing): input x_t = s_{t-1},
    so its output at that step is the forecast of s_t, made from s_0 .. s_{t-1}
    through the hidden state.
    """
    _check_scalar_net(net)
    s = as_scalar_series("series", series, min_length=2)
    start = _check_start(start, s)
    _, Y = net.forward(s[:-1, None], h0)
    return Y[start - 1 :, 0].copy()


def rnn_free_run(net, history, steps, h0=None):
    """Free-running (closed-loop) RNN forecast of the ``steps`` values after ``history`` (chapter
    07).

    The net first reads ``history`` (the hidden state sums up the past); its last
    output is the first forecast. From then on each output is fed back as the
    next input: x_{t+1} = y_t. Needs an ``ElmanRNN`` (its state h_t is all it carries).
    """
    _check_scalar_net(
        net, ElmanRNN, "an rnnlib ElmanRNN (a free run carries its hidden state step by step)"
    )
    s = as_scalar_series("history", history, min_length=1)
    steps = check_size("steps", steps)
    check_alloc(f"steps={steps}", steps)
    Hs, Y = net.forward(s[:, None], h0)
    h, y = Hs[-1], Y[-1]
    k = (
        arithmetic.step_kernels(steps * net.n_hidden * (net.n_hidden + 2))
        if net.reproducible
        else None
    )
    if k is None:  # one step at a time, in the network's arithmetic
        out = [float(y[0])]
        for _ in range(steps - 1):
            h, y = net.step(y, h)
            out.append(float(y[0]))
        return np.array(out)
    out = np.empty((steps, 1), net.dtype)  # the same steps, in one compiled loop
    p = net.params
    plans = arithmetic.pairwise_plan(1), arithmetic.pairwise_plan(net.n_hidden)
    code = arithmetic.ACTIVATION_CODES[net.activation]
    if net.n_hidden >= 128:  # long rows: run along the outputs of W^T, D^T, V^T (vectorised)
        T = [np.ascontiguousarray(p[name].T) for name in "WDV"]
        done = k.elman_free_run_t(
            T[0], T[1], p["B"], T[2], p["c"], h.copy(), y[:, None].copy(), steps, code, *plans, out
        )
    else:
        done = k.elman_free_run(
            p["W"],
            p["D"],
            p["B"],
            p["V"],
            p["c"],
            h[:, None].copy(),
            y[:, None].copy(),
            steps,
            code,
            *plans,
            out,
        )
    if done < steps:
        raise ValueError(
            f"the free run overflowed at forecast step {done + 1}: the state is infinite or NaN "
            "(with ReLU, states can grow without bound when D amplifies them)"
        )
    return out[:, 0].astype(float)


# ---------------------------------------------------------------------- errors
def _pair(y_true, y_pred):
    y_true = as_float_array("y_true", y_true)
    y_pred = as_float_array("y_pred", y_pred)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(
            f"y_true and y_pred must have the same non-empty shape, got {y_true.shape} and "
            f"{y_pred.shape}"
        )
    return y_true, y_pred


def rmse(y_true, y_pred):
    """Root mean squared error sqrt(mean((y_pred - y_true)^2)) of forecasts (chapter 07)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_pred - y_true) ** 2)))


def mae(y_true, y_pred):
    """Mean absolute error mean(|y_pred - y_true|) of forecasts (chapter 07)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_pred - y_true)))
