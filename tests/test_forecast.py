"""rnnlib.forecast: windows, AR least squares, persistence, RNN rollouts, errors (chapter 07)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import (
    COUNTS,
    FEEDFORWARD,
    JORDAN,
    NOT_A_NET,
    REFUSED,
    arrays,
    call,
    mostly,
    numeric,
    reference_forward,
    sizes,
    small_net,
)
from rnnlib import forecast as fc


def simulate_ar2(rng, n, phi1, phi2, phi0, noise=1.0):
    x = np.zeros(n + 200)
    e = rng.normal(0.0, noise, size=x.size)
    for t in range(2, x.size):
        x[t] = phi0 + phi1 * x[t - 1] + phi2 * x[t - 2] + e[t]
    return x[200:]  # drop the burn-in


# ------------------------------------------------------------------ shaping
def test_windows_accept_a_column_and_integer_lists():
    X, Y = fc.windows([[1], [2], [3], [5]], 3)
    assert X.shape == Y.shape == (3, 1, 1)
    assert X[:, 0, 0].tolist() == [1, 2, 3] and Y[:, 0, 0].tolist() == [2, 3, 5]


def test_windows_are_time_major_and_shifted():
    s = np.arange(10.0) ** 2
    X, Y = fc.windows(s, 4, step=2)
    assert X.shape == Y.shape == (4, 3, 1)  # starts 0, 2, 4 (a window needs 5 values)
    for n, start in enumerate((0, 2, 4)):
        assert np.array_equal(X[:, n, 0], s[start : start + 4])
        assert np.array_equal(Y[:, n, 0], s[start + 1 : start + 5])


def test_lag_matrix_rows():
    L, y = fc.lag_matrix([10, 11, 12, 13, 14], 2)
    assert L.tolist() == [[11, 10], [12, 11], [13, 12]]
    assert y.tolist() == [12, 13, 14]


# ---------------------------------------------------------------- baselines
def test_fit_ar_recovers_a_synthetic_ar2(rng):
    x = simulate_ar2(rng, 5000, 1.3, -0.6, 0.5)
    phi, phi0 = fc.fit_ar(x, 2)
    assert phi == pytest.approx([1.3, -0.6], abs=0.03)
    assert phi0 == pytest.approx(0.5, abs=0.1)


def test_fit_ar_with_extra_lags_gives_them_small_weights(rng):
    x = simulate_ar2(rng, 5000, 0.75, -0.5, 0.0)
    phi, _ = fc.fit_ar(x, 4)
    assert phi[:2] == pytest.approx([0.75, -0.5], abs=0.04)
    assert np.all(np.abs(phi[2:]) < 0.05)


def test_fit_ar_is_exact_on_a_noise_free_series():
    x = [1.0, 2.0]
    for _ in range(20):
        x.append(0.3 + 0.9 * x[-1] - 0.2 * x[-2])
    phi, phi0 = fc.fit_ar(x, 2)
    assert phi == pytest.approx([0.9, -0.2], abs=1e-9) and phi0 == pytest.approx(0.3, abs=1e-9)


def test_ar_one_step_matches_the_formula_by_hand():
    s = np.array([1.0, 4.0, 2.0, 8.0, 5.0, 7.0])
    phi, phi0 = np.array([0.5, -0.25]), 1.0
    pred = fc.ar_one_step(s, phi, phi0, start=3)
    hand = [phi0 + 0.5 * s[t - 1] - 0.25 * s[t - 2] for t in (3, 4, 5)]
    assert pred == pytest.approx(hand)


def test_ar_free_run_feeds_forecasts_back():
    assert fc.ar_free_run([7.0, 4.0], [0.5], 1.0, 3) == pytest.approx([3.0, 2.5, 2.25])
    # AR(2): the second forecast uses the first forecast as its lag 1
    out = fc.ar_free_run([1.0, 2.0], [1.0, 1.0], 0.0, 4)
    assert out.tolist() == [3.0, 5.0, 8.0, 13.0]


def test_persistence_is_last_value():
    assert fc.persistence([3, 1, 4, 1, 5], 2).tolist() == [1.0, 4.0, 1.0]


def test_errors():
    truth, pred = [1, 2, 3], [1, 2, 7]
    assert fc.rmse(truth, pred) == pytest.approx(np.sqrt(16 / 3))
    assert fc.mae([1, 2, 3], [2, 0, 3]) == pytest.approx(1.0)
    # y_true first, as in probes.r2_score; the errors themselves are symmetric
    assert fc.rmse(pred, truth) == fc.rmse(truth, pred) and fc.mae(pred, truth) == fc.mae(
        truth, pred
    )


# ---------------------------------------------------------------- the RNN
def shift_net(shift):
    """h_t = relu(x_t), y_t = h_t + shift: the output is the input shifted (for x >= 0)."""
    net = rnnlib.ElmanRNN(1, 1, 1, activation="relu")
    net.W, net.D, net.B, net.V, net.c = [[1.0]], [[0.0]], [0.0], [[1.0]], [shift]
    return net


def test_free_run_of_a_shift_net_by_hand():
    out = fc.rnn_free_run(shift_net(1.0), [5.0, 2.0], 4)
    assert out.tolist() == [3.0, 4.0, 5.0, 6.0]  # 2+1, then each output + 1


def test_free_run_carries_the_hidden_state():
    # h_t = relu(x_t + h_{t-1}), y_t = h_t: a running sum.
    net = rnnlib.ElmanRNN(1, 1, 1, activation="relu")
    net.W, net.D, net.B, net.V, net.c = [[1.0]], [[1.0]], [0.0], [[1.0]], [0.0]
    # read 1, 2: h = 1, 3 -> forecast 3; feed 3: h = 6; feed 6: h = 12; feed 12: h = 24
    assert fc.rnn_free_run(net, [1.0, 2.0], 4).tolist() == [3.0, 6.0, 12.0, 24.0]


def test_free_run_of_a_tanh_net_matches_a_loop():
    net = rnnlib.ElmanRNN(1, 3, 1, seed=4)
    hist = [0.3, -0.2, 0.5]
    h = np.zeros(3)
    for x in hist:
        h = np.tanh(net.W[:, 0] * x + net.D @ h + net.B)
    outs = []
    for _ in range(5):
        y = float(net.V[0] @ h + net.c[0])
        outs.append(y)
        h = np.tanh(net.W[:, 0] * y + net.D @ h + net.B)
    assert fc.rnn_free_run(net, hist, 5) == pytest.approx(outs, abs=1e-12)


def test_one_step_uses_the_true_past_only():
    net = shift_net(0.5)
    s = np.array([1.0, 3.0, 2.0, 6.0])
    assert fc.rnn_one_step(net, s, 1).tolist() == [1.5, 3.5, 2.5]
    # changing the future does not change the forecast of s[2]
    s2 = s.copy()
    s2[3] = 100.0
    assert fc.rnn_one_step(net, s2, 2)[0] == fc.rnn_one_step(net, s, 2)[0]


def test_one_step_and_free_run_agree_on_the_first_forecast():
    net = rnnlib.ElmanRNN(1, 4, 1, seed=1)
    s = np.sin(np.arange(30) / 3)
    assert fc.rnn_one_step(net, s, 20)[0] == pytest.approx(fc.rnn_free_run(net, s[:20], 3)[0])


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: fc.windows([1.0], 1), ValueError, "at least 2 values"),
        (
            lambda: fc.windows(np.zeros((4, 2)), 2),
            ValueError,
            r"series must be one scalar series of shape \(T,\) or \(T, 1\)",
        ),
        (lambda: fc.persistence(["a", "b"], 1), TypeError, "real numbers"),
        (lambda: fc.fit_ar([1.0, np.nan, 2.0, 3.0, 4.0], 1), ValueError, "NaN or infinite"),
        (lambda: fc.windows(np.arange(5.0), 5), ValueError, "at most 4"),
        (lambda: fc.windows(np.arange(5.0), 0), ValueError, "length must be a positive integer"),
        (
            lambda: fc.windows(np.arange(5.0), 2, step=1.5),
            TypeError,
            "step must be a positive integer",
        ),
        (lambda: fc.lag_matrix(np.arange(3.0), 3), ValueError, "smaller than the series length"),
        (
            lambda: fc.fit_ar(np.arange(6.0), 3),
            ValueError,
            "series must hold at least 7 values for an AR\\(3\\) fit",
        ),
        (lambda: fc.fit_ar(np.arange(6.0), 0), ValueError, "p must be a positive integer"),
        (
            lambda: fc.ar_one_step(np.arange(9.0), [0.5, 0.1], 0.0, 1),
            ValueError,
            r"start must be an index in \[2, 8\]",
        ),
        (
            lambda: fc.ar_one_step(np.arange(9.0), [[0.5]], 0.0, 3),
            ValueError,
            "phi must be a 1-D array",
        ),
        (
            lambda: fc.ar_one_step(np.arange(9.0), [0.5], [1.0, 2.0], 3),
            ValueError,
            "intercept must be one number",
        ),
        (
            lambda: fc.ar_free_run([1.0], [0.5, 0.2], 0.0, 3),
            ValueError,
            "history must hold at least 2 values",
        ),
        (
            lambda: fc.ar_free_run([1.0, 2.0], [0.5], 0.0, 0),
            ValueError,
            "steps must be a positive integer",
        ),
        (
            lambda: fc.persistence(np.arange(5.0), 5),
            ValueError,
            r"start must be an index in \[1, 4\]",
        ),
        (
            lambda: fc.persistence(np.arange(5.0), 2.0),
            TypeError,
            "start must be a non-negative integer",
        ),
        (
            lambda: fc.persistence(np.arange(5.0), -1),
            ValueError,
            "start must be a non-negative integer",
        ),
        (
            lambda: fc.rnn_free_run(rnnlib.ElmanRNN(1, 3, 1), [], 2),
            ValueError,
            "history must hold at least 1 value,",
        ),
        (
            lambda: fc.rnn_one_step(rnnlib.ElmanRNN(2, 3, 1), np.arange(5.0), 2),
            ValueError,
            "n_in=1, n_out=1",
        ),
        (
            lambda: fc.rnn_free_run(rnnlib.ElmanRNN(1, 3, 2), np.arange(5.0), 2),
            ValueError,
            "got n_in=1, n_out=2",
        ),
        (
            lambda: fc.rmse([1, 2], [1, 2, 3]),
            ValueError,
            r"y_true and y_pred must have the same non-empty shape, got \(2,\) and \(3,\)",
        ),
        (lambda: fc.mae([], []), ValueError, "same non-empty shape"),
    ],
)
def test_bad_input_fails_clearly(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_integer_lists_are_accepted():
    phi, phi0 = fc.fit_ar([0, 1, 0, 1, 0, 1, 0, 1, 0], 1)
    assert phi[0] == pytest.approx(-1.0) and phi0 == pytest.approx(1.0)
    assert fc.persistence(np.arange(4), 1).dtype == np.float64


# ------------------------------------------ properties: random arguments (helpers.call)
SERIES = mostly(
    st.integers(3, 9)
    .flatmap(lambda T: st.sampled_from([(T,), (T, 1)]))
    .flatmap(lambda s: arrays(shape=s)),
    arrays(max_dims=2, max_side=9),
)
STARTS = mostly(st.integers(1, 8), COUNTS)


@given(series=SERIES, length=sizes(1, 5), step=sizes(1, 3), p=sizes(1, 4))
def test_forecast_data_shaping(series, length, step, p):
    out = call(fc.windows, series, length, step, names=["series", "length", "step"])
    s = numeric(series).ravel()
    if out is not REFUSED:
        X, Y = out
        for n in range(X.shape[1]):
            np.testing.assert_array_equal(X[:, n, 0], s[n * step : n * step + length])
            np.testing.assert_array_equal(Y[:, n, 0], s[n * step + 1 : n * step + length + 1])
    out = call(fc.lag_matrix, series, p, names=["series", "p"])
    if out is not REFUSED:
        L, y = out
        for t in range(p, s.size):
            np.testing.assert_array_equal(L[t - p], s[t - p : t][::-1])
        np.testing.assert_array_equal(y, s[p:])


@given(series=SERIES, p=sizes(1, 3), start=STARTS, steps=sizes(1, 4))
def test_forecast_baselines(series, p, start, steps):
    s = numeric(series).ravel()
    out = call(fc.fit_ar, series, p, names=["series", "p"])
    if out is not REFUSED:
        phi, intercept = out
        assert phi.shape == (p,) and isinstance(intercept, float)
        one = call(
            fc.ar_one_step,
            series,
            phi,
            intercept,
            start,
            names=["series", "phi", "intercept", "start"],
        )
        if one is not REFUSED:
            ref = [intercept + phi @ s[t - p : t][::-1] for t in range(start, s.size)]
            np.testing.assert_allclose(one, ref, atol=1e-9)
        free = call(
            fc.ar_free_run,
            series,
            phi,
            intercept,
            steps,
            names=["history", "phi", "intercept", "steps"],
        )
        if free is not REFUSED:
            buf = list(s)
            for _ in range(steps):
                buf.append(intercept + sum(phi[k] * buf[-1 - k] for k in range(p)))
            np.testing.assert_allclose(free, buf[s.size :], atol=1e-9)
    out = call(fc.persistence, series, start, names=["series", "start"])
    if out is not REFUSED:
        np.testing.assert_array_equal(out, s[start - 1 : -1])


@given(SERIES.flatmap(lambda a: st.tuples(st.just(a), mostly(arrays(shape=np.shape(a)), SERIES))))
def test_forecast_errors(pair):
    a, b = pair
    for fn, ref in (
        (fc.rmse, lambda d: np.sqrt(np.mean(d**2))),
        (fc.mae, lambda d: np.mean(np.abs(d))),
    ):
        out = call(fn, a, b, names=["y_true", "y_pred"])
        if out is not REFUSED:
            assert out == pytest.approx(ref(numeric(b) - numeric(a)))


@st.composite
def forecast_net(draw):
    if draw(mostly(st.just(True), st.just(False))):
        return small_net(draw, n_in=1, n_out=1)
    return small_net(
        draw,
        n_in=draw(st.sampled_from([1, 2])),
        n_out=draw(st.sampled_from([1, 2])),
        kinds=("elman", "jordan", "feedforward", "other"),
    )


@given(net=forecast_net(), series=SERIES, start=STARTS, steps=sizes(1, 4))
def test_forecast_rnn(net, series, start, steps):
    s = numeric(series).ravel()
    out = call(fc.rnn_one_step, net, series, start, names=["net", "series", "start"])
    if out is not REFUSED:
        _, Y = net.forward(s[:-1, None])
        np.testing.assert_allclose(out, Y[start - 1 :, 0], atol=1e-12)
    out = call(fc.rnn_free_run, net, series, steps, names=["net", "history", "steps"])
    if out is not REFUSED:
        Hs, Y = reference_forward(net, s[:, None])
        h, y, ref = Hs[-1], Y[-1], [Y[-1, 0]]
        for _ in range(steps - 1):
            Hs, Y = reference_forward(net, y[None], h)
            h, y = Hs[-1], Y[-1]
            ref.append(y[0])
        np.testing.assert_allclose(out, ref, atol=1e-9)


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "make",
    [
        lambda s: fc.persistence(s, 2),
        lambda s: fc.windows(s, 3)[0],
        lambda s: fc.lag_matrix(s, 2)[1],
        lambda s: fc.fit_ar(s, 1)[0],
    ],
)
def test_forecast_results_are_not_views_of_the_series(make):
    s = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0, 8.0])
    out = make(s)
    assert not np.shares_memory(out, s)
    before = make(s.copy())
    out[...] = 0.0
    np.testing.assert_array_equal(make(s), before)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        # a model forecast does not support is a TypeError, not an AttributeError
        (
            lambda: fc.rnn_one_step(NOT_A_NET, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib network",
        ),
        (
            lambda: fc.rnn_one_step(None, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib network",
        ),
        (
            lambda: fc.rnn_free_run(JORDAN, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: fc.rnn_free_run(FEEDFORWARD, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: fc.rnn_free_run({"n_in": 1, "n_out": 1}, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(
    "call,argument",
    [
        (lambda: fc.ar_free_run([1.0, 2.0], [0.5], 0.0, 10**15), "steps=1000000000000000"),
        (
            lambda: fc.rnn_free_run(rnnlib.ElmanRNN(1, 2, 1), [1.0], 10**15),
            "steps=1000000000000000",
        ),
        (lambda: fc.windows(np.zeros(200_000), 100_000), "length=100000, step=1"),
        (lambda: fc.lag_matrix(np.zeros(200_000), 100_000), "p=100000"),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


def test_refused_calls_leave_models_and_inputs_as_they_were():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=1)
    kept = {k: v.copy() for k, v in net.params.items()}
    series = np.arange(6.0)
    for bad in (
        lambda: fc.rnn_one_step(net, series, 0),
        lambda: fc.rnn_free_run(net, series, 0),
    ):
        with pytest.raises(ValueError):
            bad()
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])
    np.testing.assert_array_equal(series, np.arange(6.0))
