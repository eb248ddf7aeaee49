"""Property-based tests of rnnlib's public API, with Hypothesis.

Every call below gets random arguments: shapes with zeros, dtypes (float32,
float64, integers, booleans, strings), array kinds (lists, read-only arrays,
non-contiguous views, Fortran order, NaN), bad types and bad options. Whatever
it gets, a call must either

- return correct arrays (checked against a short reference: ``rnnlib.reference``
  or one written here), that share no memory with its inputs, with each other
  or with the model, and that can be modified without changing the inputs or
  the next call's result; or
- raise rnnlib's own ValueError or TypeError (raised inside rnnlib, not by
  numpy), whose message names one of the arguments;

and it never modifies its inputs. The number of examples is bounded (profile
"ci", the default: 25 per test, derandomized so that CI runs are reproducible;
HYPOTHESIS_PROFILE=dev draws 200 fresh ones).
"""

import copy
import dataclasses
import os
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib
from conftest import REFERENCE_ACTIVATIONS
from rnnlib import elman1990 as e9
from rnnlib import explorer, forecast, gradients, linalg, probes, reference, tasks, text

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RNNLIB_DIR = Path(rnnlib.__file__).resolve().parent
REFUSED = object()
STATS = {}  # function name -> [returned, refused]; printed with HYPOTHESIS_STATS=1 (pytest -s)


def _count(fn, refused):
    entry = STATS.setdefault(getattr(fn, "__qualname__", repr(fn)), [0, 0])
    entry[refused] += 1


if os.environ.get("HYPOTHESIS_STATS"):
    import atexit

    atexit.register(
        lambda: print(
            "\n".join(
                f"{k:45} returned {v[0]:5}  refused {v[1]:5}" for k, v in sorted(STATS.items())
            )
        )
    )


# ------------------------------------------------------------------ the harness
def _arrays_in(obj):
    """Every numpy array inside a result or an argument (tuples, lists, dicts, dataclasses,
    models)."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _arrays_in(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _arrays_in(item)
    elif isinstance(obj, rnnlib.model.Model):
        yield from obj.params.values()
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _arrays_in(getattr(obj, f.name))


def _snapshot(value):
    if isinstance(value, rnnlib.model.Model):
        return {k: v.copy() for k, v in value.params.items()}
    if isinstance(value, np.ndarray):
        return value.copy(), value.flags.writeable, value.strides
    return copy.deepcopy(value)


def _equal(a, b):
    """Exact equality of nested results (arrays compared with their dtypes and shapes)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        )
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            _equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if (
        hasattr(a, "__dict__") and not isinstance(a, type) and not callable(a)
    ):  # e.g. an optimiser's state
        return type(a) is type(b) and _equal(vars(a), vars(b))
    return a == b


def _assert_unchanged(values, before):
    for value, snap in zip(values, before, strict=True):
        if isinstance(value, rnnlib.model.Model):
            assert _equal(snap, {k: v.copy() for k, v in value.params.items()}), (
                "the call changed the model"
            )
        elif isinstance(value, np.ndarray):
            arr, writeable, strides = snap
            assert (
                _equal(arr, value)
                and value.flags.writeable == writeable
                and value.strides == strides
            ), "the call modified an input array"
        else:
            assert _equal(snap, value), "the call modified an input"


def assert_rnnlib_error(exc, names):
    """The error was raised inside rnnlib (its own words) and names one of ``names``."""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    where = Path(tb.tb_frame.f_code.co_filename).resolve()
    assert where.is_relative_to(RNNLIB_DIR), (
        f"{type(exc).__name__} raised outside rnnlib ({where}): {exc}"
    )
    named = [n for n in names if re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", str(exc))]
    assert named, f"the message names none of {names}: {exc}"


def _scribble(out):
    """Overwrite every writeable array of a result, as a careless caller might."""
    for arr in _arrays_in(out):
        if arr.flags.writeable and arr.size:
            if arr.dtype.kind == "b":
                np.logical_not(arr, out=arr)
            else:
                arr[...] = 77


def call(fn, *args, names, repeat=True, updates=(), **kwargs):
    """Run ``fn(*args, **kwargs)`` under the rules of this file.

    Returns REFUSED when rnnlib refused the arguments (after checking the
    error, and that no argument changed), else the result, checked for
    aliasing; with ``repeat`` the result is scribbled over and the call
    repeated, which must give the same result again. ``updates`` are the
    arguments the call may change when it succeeds (fit's model and optimiser).
    """
    inputs = list(args) + list(kwargs.values())
    before = [_snapshot(v) for v in inputs]
    try:
        out = fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        assert_rnnlib_error(exc, names)
        _assert_unchanged(inputs, before)
        _count(fn, True)
        if os.environ.get("HYPOTHESIS_STATS"):  # which refusals the strategies hit most
            print("refused:", getattr(fn, "__qualname__", fn), "|", str(exc)[:110])
        return REFUSED
    _count(fn, False)
    kept = [(v, b) for v, b in zip(inputs, before, strict=True) if not any(v is u for u in updates)]
    _assert_unchanged([v for v, _ in kept], [b for _, b in kept])
    outs = list(_arrays_in(out))
    ins = list(_arrays_in(inputs))
    for i, a in enumerate(outs):
        assert not any(np.shares_memory(a, b) for b in ins), (
            "a returned array shares memory with an input"
        )
        assert not any(np.shares_memory(a, b) for b in outs[i + 1 :]), (
            "two returned arrays share memory"
        )
    if not repeat:
        return out
    expected = copy.deepcopy(out)
    _scribble(out)
    again = fn(*args, **kwargs)
    assert _equal(again, expected), "modifying a result changed the next call's result"
    _assert_unchanged(inputs, before)
    return expected


# ---------------------------------------------------------------- strategies
VALUES = st.integers(-24, 24).map(lambda k: k / 8)  # exact, well-scaled numbers in [-3, 3]
KINDS = (
    "array",
    "array",
    "list",
    "readonly",
    "strided",
    "reversed",
    "fortran",
    "float32",
    "int",
    "bool",
    "nan",
    "str",
)
GOOD_KINDS = (
    "array",
    "list",
    "readonly",
    "strided",
    "reversed",
    "fortran",
    "float32",
    "int",
    "bool",
)


def as_kind(arr, kind):
    """The same numbers as another kind of array-like."""
    arr = np.asarray(arr, dtype=np.float64)
    if kind == "list":
        return arr.tolist()
    if kind == "readonly":
        out = arr.copy()
        out.flags.writeable = False
        return out
    if kind == "strided" and arr.ndim:
        big = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],))
        big[..., ::2] = arr
        return big[..., ::2]
    if kind == "reversed" and arr.ndim:
        return arr[::-1].copy()[::-1]
    if kind == "fortran":
        return np.asfortranarray(arr)
    if kind == "float32":
        return arr.astype(np.float32)
    if kind == "int":
        return np.rint(arr).astype(np.int64)
    if kind == "bool":
        return arr > 0
    if kind == "nan" and arr.size:
        out = arr.copy()
        out.flat[out.size // 2] = np.nan
        return out
    if kind == "str":
        return arr.astype(str)
    return arr.copy()


def numeric(value):
    """The float64 array a well-behaved array-like stands for (reference computations)."""
    return np.asarray(value, dtype=np.float64)


def mostly(good, bad, odds=5):
    """``odds`` examples drawn from ``good`` for each one from ``bad``: most calls
    should succeed, so that the reference checks run, and some must be refused."""
    return st.integers(0, odds).flatmap(lambda i: good if i < odds else bad)


def shapes(min_dims=0, max_dims=3, max_side=4):
    """Array shapes, mostly without zero-length axes."""
    return mostly(
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side),
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side),
    )


@st.composite
def arrays(draw, shape=None, min_dims=0, max_dims=3, max_side=4, kinds=None, elements=VALUES):
    """An array-like of ``shape`` (random if None), as one of the ``kinds`` (mostly well-behaved
    ones)."""
    if shape is None:
        shape = draw(shapes(min_dims, max_dims, max_side))
    arr = draw(hnp.arrays(np.float64, shape, elements=elements))
    kind = draw(
        mostly(st.sampled_from(GOOD_KINDS), st.sampled_from(["nan", "str"]), odds=6)
        if kinds is None
        else st.sampled_from(kinds)
    )
    return as_kind(arr, kind)


def bits(shape):
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))


def good_kind_of(strategy):
    """The arrays of ``strategy`` as a random well-behaved kind of array-like."""
    return st.tuples(strategy, st.sampled_from(GOOD_KINDS)).map(lambda p: as_kind(*p))


# sizes, counts, seeds: mostly valid, sometimes not
def sizes(low=1, high=5):
    return mostly(
        st.one_of(st.integers(low, high), st.just(np.int64(high))),
        st.sampled_from([0, -1, True, 2.0, "3", None]),
        odds=6,
    )


SIZES = sizes()
COUNTS = mostly(st.integers(0, 4), st.sampled_from([-1, 1.5, True, None]), odds=6)
SEEDS = mostly(st.integers(0, 3), st.sampled_from([-1, 1.5, False, "0"]), odds=6)
ACTIVATIONS = ("tanh", "relu", "sigmoid")


def small_net(draw, n_in=None, n_out=None, kinds=("elman",)):
    kind = draw(st.sampled_from(kinds))
    in_size = n_in if n_in is not None else draw(st.integers(1, 3))
    out_size = n_out if n_out is not None else draw(st.integers(1, 2))
    H = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 3))
    if kind == "elman":
        return rnnlib.ElmanRNN(
            in_size, H, out_size, activation=draw(st.sampled_from(ACTIVATIONS)), seed=seed
        )
    if kind == "jordan":
        return rnnlib.JordanRNN(in_size, H, out_size, seed=seed)
    if kind == "feedforward":
        return rnnlib.FeedForward(in_size, H, out_size, seed=seed)
    return {"n_in": in_size, "n_out": out_size}  # not a network: a dict with the right sizes


def reference_forward(net, X, h0=None):
    """h_t = f(W x_t + D h_{t-1} + B), y_t = V h_t + c, step by step in float64 (chapter 02):
    ``rnnlib.reference.forward`` on float64 copies of the weights and data."""
    params = {name: numeric(p) for name, p in net.params.items()}
    X = numeric(X)
    h0 = None if h0 is None else np.broadcast_to(numeric(h0), X.shape[1:-1] + (net.n_hidden,))
    return reference.forward(params, X, h0, f=net.activation)


# ------------------------------------------------------------------- tasks (ch. 03)
@given(
    T=sizes(1, 6),
    N=sizes(1, 4),
    k=COUNTS,
    seed=SEEDS,
    which=st.sampled_from(["bits", "delayed", "xor", "parity"]),
)
def test_tasks_generators(T, N, k, seed, which):
    if which == "bits":
        X = call(tasks.bit_stream, T, N, seed, names=["T", "N", "seed"])
        out = None if X is REFUSED else (X,)
    else:
        fn = {
            "delayed": lambda T, N, seed: tasks.delayed_bit(T, N, k, seed),
            "xor": tasks.xor_previous,
            "parity": tasks.running_parity,
        }[which]
        out = call(fn, T, N, seed, names=["T", "N", "k", "seed", "delay"])
    if out is REFUSED or out is None:
        return
    X = out[0]
    assert X.shape == (T, N, 1) and set(np.unique(X)) <= {0.0, 1.0}
    if which == "bits":
        return
    _, target, mask = out
    b = X[..., 0].astype(int)
    expected = {
        "delayed": lambda: np.concatenate([np.zeros((k, N), int), b[: T - k]]),
        "xor": lambda: np.concatenate([np.zeros((1, N), int), b[1:] ^ b[:-1]]),
        "parity": lambda: np.cumsum(b, axis=0) % 2,
    }[which]()
    np.testing.assert_array_equal(target[..., 0] * mask, expected * mask)


def weights(shape):
    """Mask-like weights of ``shape``: 0, 0.5 or 1, as a random kind of array-like."""
    return good_kind_of(
        hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.5, 1.0, 1.0]))
    )


@st.composite
def accuracy_args(draw):
    shape = draw(shapes(min_dims=1))
    Y = draw(arrays(shape=shape))
    target = draw(mostly(good_kind_of(bits(shape)), arrays()))
    mask = draw(st.one_of(st.none(), mostly(weights(shape[:-1]), arrays(max_dims=2))))
    return Y, target, mask


@given(accuracy_args())
def test_tasks_accuracy(args):
    Y, target, mask = args
    acc = call(tasks.accuracy, Y, target, mask, names=["Y", "target", "mask"])
    if acc is REFUSED:
        return
    correct = ((numeric(Y) > 0) == (numeric(target) > 0.5)).mean(axis=-1)
    w = np.ones(correct.shape) if mask is None else numeric(mask)
    assert isinstance(acc, float) and acc == pytest.approx(np.sum(w * correct) / w.sum())


@st.composite
def best_rule_args(draw):
    features = draw(mostly(arrays(min_dims=2), arrays(max_dims=2)))
    steps = np.shape(features)[:-1]
    target = draw(mostly(good_kind_of(bits(steps)), arrays()))
    mask = draw(st.one_of(st.none(), mostly(weights(steps), arrays())))
    return features, target, mask


@given(best_rule_args())
def test_tasks_best_rule_accuracy(args):
    features, target, mask = args
    acc = call(
        tasks.best_rule_accuracy, features, target, mask, names=["features", "target", "mask"]
    )
    if acc is REFUSED:
        return
    keep = np.ones(np.shape(features)[:-1], bool) if mask is None else numeric(mask) > 0
    t = numeric(target).reshape(keep.shape)[keep]
    _, counts = np.unique(t, return_counts=True)
    assert (
        isinstance(acc, float) and counts.max() / t.size - 1e-12 <= acc <= 1.0
    )  # at least the constant rule


# ------------------------------------------------------------------ probes (ch. 04)
@st.composite
def probe_args(draw):
    n = draw(mostly(st.integers(2, 8), st.integers(0, 1)))
    lead = draw(st.sampled_from([(n,), (draw(st.integers(1, 4)), draw(st.integers(1, 3)))]))
    H = draw(mostly(st.integers(1, 3), st.just(0)))
    states = draw(mostly(arrays(shape=lead + (H,)), arrays(max_dims=4)))
    tshape = draw(st.sampled_from([lead, lead + (draw(mostly(st.integers(1, 2), st.just(0))),)]))
    targets = draw(mostly(arrays(shape=tshape), arrays(max_dims=3)))
    ridge = draw(
        mostly(st.sampled_from([0.0, 0.5, 2]), st.sampled_from([-1.0, np.nan, "a", None, True]))
    )
    return states, targets, ridge


@given(probe_args())
def test_probes_fit_and_predict(args):
    states, targets, ridge = args
    probe = call(probes.fit_probe, states, targets, ridge, names=["states", "targets", "ridge"])
    if probe is REFUSED:
        return
    S = numeric(states).reshape(-1, np.shape(states)[-1])
    Yt = numeric(targets).reshape(S.shape[0], -1)
    fresh = probes.fit_probe(states, targets, ridge)
    assert not fresh.coef.flags.writeable and not fresh.intercept.flags.writeable
    pred = call(probe.predict, states, names=["states"])
    np.testing.assert_allclose(pred.reshape(Yt.shape), S @ probe.coef + probe.intercept, atol=1e-9)
    if ridge == 0:  # least-squares fitted values are unique: compare with numpy's
        A = np.column_stack([S, np.ones(len(S))])
        np.testing.assert_allclose(
            pred.reshape(Yt.shape), A @ np.linalg.lstsq(A, Yt, rcond=None)[0], atol=1e-6
        )


@st.composite
def score_pairs(draw):
    shape = draw(
        mostly(hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=5), shapes(max_dims=2))
    )
    a = draw(arrays(shape=shape))
    b = draw(mostly(arrays(shape=shape), arrays(max_dims=2, max_side=5)))
    return a, b


@given(score_pairs())
def test_probes_scores(pair):
    a, b = pair
    for fn in (probes.r2_score, probes.squared_correlation):
        score = call(fn, a, b, names=["y_true", "y_pred"])
        if score is REFUSED:
            continue
        x, y = numeric(a).reshape(len(numeric(a)), -1), numeric(b).reshape(len(numeric(b)), -1)
        if fn is probes.r2_score:
            ref = 1 - ((x - y) ** 2).sum(0) / ((x - x.mean(0)) ** 2).sum(0)
        else:
            xc, yc = x - x.mean(0), y - y.mean(0)
            vy = (yc**2).sum(0)
            ref = np.where(
                vy > 0, (xc * yc).sum(0) ** 2 / ((xc**2).sum(0) * np.where(vy > 0, vy, 1)), 0.0
            )
        np.testing.assert_allclose(np.ravel(score), ref, rtol=1e-9, atol=1e-12)


@st.composite
def stream_shapes(draw, low=3, high=8):
    T = draw(st.integers(low, high))
    return draw(st.sampled_from([(T,), (T, draw(st.integers(1, 3)))]))


@given(
    inputs=mostly(
        stream_shapes().flatmap(lambda s: arrays(shape=s)), arrays(max_dims=3, max_side=6)
    ),
    max_delay=COUNTS,
    start=COUNTS,
)
def test_probes_delayed_inputs(inputs, max_delay, start):
    out = call(
        probes.delayed_inputs, inputs, max_delay, start, names=["inputs", "max_delay", "start"]
    )
    if out is REFUSED:
        return
    x = numeric(inputs)
    for k in range(max_delay + 1):
        np.testing.assert_array_equal(out[..., k], x[start - k : len(x) - k])


@given(
    T=mostly(st.integers(6, 14), st.integers(0, 5)),
    N=mostly(st.sampled_from([None, 1, 2]), st.just(0)),
    H=mostly(st.integers(1, 3), st.just(0)),
    max_delay=mostly(st.integers(0, 2), COUNTS),
    washout=mostly(st.integers(0, 2), COUNTS),
    kind=st.sampled_from(GOOD_KINDS),
    score=mostly(st.sampled_from(["corr2", "r2"]), st.sampled_from(["R2", None])),
    seed=st.integers(0, 5),
)
def test_probes_memory_curve(T, N, H, max_delay, washout, kind, score, seed):
    rng = np.random.default_rng(seed)
    lead = (T,) if N is None else (T, N)
    states = as_kind(rng.integers(-8, 9, size=lead + (H,)) / 8, kind)
    inputs = as_kind(rng.integers(-8, 9, size=lead) / 8, kind)
    curve = call(
        probes.memory_curve,
        states,
        inputs,
        max_delay,
        washout,
        0.5,
        0.0,
        score,
        names=["states", "inputs", "max_delay", "washout", "score", "y_true", "steps"],
    )
    if curve is REFUSED:
        return
    assert curve.shape == (max_delay + 1,)
    if score == "corr2":
        assert np.all((curve >= 0) & (curve <= 1))


# ---------------------------------------------------------------- forecast (ch. 07)
SERIES = mostly(
    st.integers(3, 9)
    .flatmap(lambda T: st.sampled_from([(T,), (T, 1)]))
    .flatmap(lambda s: arrays(shape=s)),
    arrays(max_dims=2, max_side=9),
)
STARTS = mostly(st.integers(1, 8), COUNTS)


@given(series=SERIES, length=sizes(1, 5), step=sizes(1, 3), p=sizes(1, 4))
def test_forecast_data_shaping(series, length, step, p):
    out = call(forecast.windows, series, length, step, names=["series", "length", "step"])
    s = numeric(series).ravel()
    if out is not REFUSED:
        X, Y = out
        for n in range(X.shape[1]):
            np.testing.assert_array_equal(X[:, n, 0], s[n * step : n * step + length])
            np.testing.assert_array_equal(Y[:, n, 0], s[n * step + 1 : n * step + length + 1])
    out = call(forecast.lag_matrix, series, p, names=["series", "p"])
    if out is not REFUSED:
        L, y = out
        for t in range(p, s.size):
            np.testing.assert_array_equal(L[t - p], s[t - p : t][::-1])
        np.testing.assert_array_equal(y, s[p:])


@given(series=SERIES, p=sizes(1, 3), start=STARTS, steps=sizes(1, 4))
def test_forecast_baselines(series, p, start, steps):
    s = numeric(series).ravel()
    out = call(forecast.fit_ar, series, p, names=["series", "p"])
    if out is not REFUSED:
        phi, intercept = out
        assert phi.shape == (p,) and isinstance(intercept, float)
        one = call(
            forecast.ar_one_step,
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
            forecast.ar_free_run,
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
    out = call(forecast.persistence, series, start, names=["series", "start"])
    if out is not REFUSED:
        np.testing.assert_array_equal(out, s[start - 1 : -1])


@given(SERIES.flatmap(lambda a: st.tuples(st.just(a), mostly(arrays(shape=np.shape(a)), SERIES))))
def test_forecast_errors(pair):
    a, b = pair
    for fn, ref in (
        (forecast.rmse, lambda d: np.sqrt(np.mean(d**2))),
        (forecast.mae, lambda d: np.mean(np.abs(d))),
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
    out = call(forecast.rnn_one_step, net, series, start, names=["net", "series", "start"])
    if out is not REFUSED:
        _, Y = net.forward(s[:-1, None])
        np.testing.assert_allclose(out, Y[start - 1 :, 0], atol=1e-12)
    out = call(forecast.rnn_free_run, net, series, steps, names=["net", "history", "steps"])
    if out is not REFUSED:
        Hs, Y = reference_forward(net, s[:, None])
        h, y, ref = Hs[-1], Y[-1], [Y[-1, 0]]
        for _ in range(steps - 1):
            Hs, Y = reference_forward(net, y[None], h)
            h, y = Hs[-1], Y[-1]
            ref.append(y[0])
        np.testing.assert_allclose(out, ref, atol=1e-9)


# ------------------------------------------------------------------ gradients (ch. 05)
@given(n=SIZES, seed=SEEDS)
def test_random_orthogonal(n, seed):
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
def sequences_for(draw, net, max_T=4):
    """An input X for ``net``: mostly (T, I) or (T, N, I) with T, N >= 1, sometimes anything."""
    in_size = net["n_in"] if isinstance(net, dict) else net.n_in
    T = draw(mostly(st.integers(1, max_T), st.just(0)))
    N = draw(mostly(st.sampled_from([None, 1, 2]), st.just(0)))
    shape = (T, in_size) if N is None else (T, N, in_size)
    return draw(mostly(arrays(shape=shape), arrays(max_dims=3, max_side=3)))


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


# ----------------------------------------------------------------- gradcheck (ch. 05)
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


@st.composite
def gradcheck_args(draw):
    if draw(mostly(st.just(True), st.just(False))):
        net = small_net(draw, kinds=("elman", "jordan", "feedforward"))
    else:
        net = small_net(draw, kinds=("other",))
    if not isinstance(net, dict):
        assume(
            net.activation != "relu"
        )  # finite differences across the kink of relu are not gradients
    return net, draw(sequences_for(net, max_T=3))


@given(args=gradcheck_args(), seed=SEEDS)
def test_check_gradients(args, seed):
    net, X = args
    errors = call(
        rnnlib.check_gradients, net, X, seed=seed, names=["model", "X", "seed"], repeat=False
    )
    if errors is not REFUSED:
        assert set(errors) == set(net.param_names) and max(errors.values()) < 1e-5


# ------------------------------------------------------------------ elman1990 (ch. 06)
@given(n=SIZES, seed=SEEDS)
def test_elman1990_streams(n, seed):
    s = call(e9.temporal_xor_stream, n, seed, names=["n_triples", "seed"])
    if s is not REFUSED:
        np.testing.assert_array_equal(s[2::3], s[0::3] ^ s[1::3])
    floor = call(e9.xor_error_floor, n, names=["n_bits"])
    if floor is not REFUSED:
        assert floor.shape == (n - 1,)
    letters = call(e9.letter_stream, n, seed, names=["n_consonants", "seed"])
    if letters is not REFUSED:
        assert (letters.replace("ba", "").replace("dii", "").replace("guuu", "")) == ""
        pos = call(e9.syllable_positions, letters, names=["letters"])
        fl = call(e9.letter_error_floor, letters, names=["letters"])
        if pos is not REFUSED:
            np.testing.assert_array_equal(fl.any(axis=1), pos[1:] == 0)
    out = call(e9.word_stream, n, seed, names=["n_sentences", "seed"])
    if out is not REFUSED:
        letters, onsets, words = out
        assert letters == "".join(words) and onsets.sum() == len(words)
    numbers = call(e9.word_numbers, n, seed, names=["n_sentences", "seed"])
    if numbers is not REFUSED:
        words = [w for sentence in e9.class_sentences(n, seed) for w in sentence]
        assert [e9.VOCABULARY[i] for i in numbers] == words


@given(
    probs=mostly(
        st.sampled_from(
            [
                None,
                [0.2, 0.3, 0.5],
                (1.0, 0.0, 0.0),
                {"b": 0.5, "g": 0.5},
                np.array([0.25, 0.25, 0.5], dtype=np.float32),
                np.array([0, 0, 1]),
            ]
        ),
        st.one_of(arrays(max_dims=1, max_side=4), st.dictionaries(st.sampled_from("bdgx"), VALUES)),
    )
)
def test_elman1990_onset_variance(probs):
    v = call(e9.onset_variance, probs, names=["probs"])
    if v is not REFUSED:
        p = (
            np.full(3, 1 / 3)
            if probs is None
            else numeric([probs.get(c, 0.0) for c in "bdg"] if isinstance(probs, dict) else probs)
        )
        C = np.array([e9.LETTER_CODES[c] for c in "bdg"], float)
        np.testing.assert_allclose(v, p @ (C - p @ C) ** 2, atol=1e-12)


CODE_TABLES = st.integers(1, 4).flatmap(
    lambda w: st.fixed_dictionaries({c: good_kind_of(bits((w,))) for c in "abdgiu"})
)


@given(
    letters=mostly(
        st.text("abdgiu", max_size=8),
        st.one_of(
            st.text("abdgiux", max_size=8),
            st.lists(st.sampled_from("abd"), max_size=3),
            st.integers(),
        ),
    ),
    codes=mostly(
        st.one_of(st.none(), CODE_TABLES),
        st.one_of(
            st.dictionaries(
                st.one_of(st.sampled_from("abdgiu"), st.sampled_from(["ab", 1])),
                arrays(max_dims=2, max_side=3),
                max_size=6,
            ),
            st.sampled_from([[1, 0], {}]),
        ),
    ),
)
def test_elman1990_encode_letters(letters, codes):
    out = call(e9.encode_letters, letters, codes, names=["letters", "codes"])
    if out is not REFUSED:
        table = e9.LETTER_CODES if codes is None else codes
        assert out.shape[0] == len(letters)
        for row, ch in zip(out, letters, strict=True):
            np.testing.assert_array_equal(row, numeric(table[ch]))


@given(
    alphabet=mostly(
        st.text("abcdefgh", min_size=1, max_size=6),
        st.one_of(
            st.just(""),
            st.lists(st.one_of(st.text(max_size=2), st.integers()), max_size=3),
            st.integers(),
        ),
    ),
    n_bits=mostly(st.integers(3, 6), st.sampled_from([0, 1, 40, 64, 200, 2.0, True])),
    seed=SEEDS,
)
def test_elman1990_random_letter_codes(alphabet, n_bits, seed):
    codes = call(
        e9.random_letter_codes, alphabet, n_bits, seed, names=["alphabet", "n_bits", "seed"]
    )
    if codes is not REFUSED:
        rows = {tuple(v) for v in codes.values()}
        assert len(rows) == len(codes) and all(len(r) == n_bits and any(r) for r in rows)


@given(
    codes=mostly(
        st.integers(2, 6)
        .flatmap(lambda T: st.sampled_from([(T,), (T, 2), (T, 1), (T, 2, 3)]))
        .flatmap(lambda s: arrays(shape=s)),
        arrays(max_dims=3, max_side=5),
    ),
    n_streams=sizes(1, 3),
)
def test_elman1990_batching(codes, n_streams):
    out = call(e9.next_step_pairs, codes, names=["codes"])
    if out is not REFUSED:
        arr = (
            numeric(codes).reshape(len(numeric(codes)), -1)
            if np.ndim(codes) == 1
            else numeric(codes)
        )
        np.testing.assert_array_equal(out[0], arr[:-1])
        np.testing.assert_array_equal(out[1], arr[1:])
    out = call(e9.parallel_streams, codes, n_streams, names=["codes", "n_streams"])
    if out is not REFUSED:
        arr = numeric(codes).reshape(len(numeric(codes)), -1)
        T = len(arr) // n_streams
        for n in range(n_streams):
            np.testing.assert_array_equal(out[:, n], arr[n * T : (n + 1) * T])


@st.composite
def squared_error_args(draw):
    net, X = draw(gradcheck_args())
    out_size = net["n_out"] if isinstance(net, dict) else net.n_out
    target = draw(mostly(good_kind_of(bits(np.shape(X)[:-1] + (out_size,))), arrays(max_dims=3)))
    return net, X, target


@given(squared_error_args())
def test_elman1990_squared_errors(args):
    net, X, target = args
    err = call(e9.squared_errors, net, X, target, names=["model", "X", "target"])
    if err is not REFUSED:
        _, Y = net.forward(X)
        np.testing.assert_allclose(err, (1 / (1 + np.exp(-Y)) - numeric(target)) ** 2, atol=1e-12)


# ------------------------------------------------------------ explorer, datasets, linalg
@given(
    x=mostly(
        st.integers(1, 6)
        .flatmap(lambda T: st.sampled_from([(T,), (T, 1)]))
        .flatmap(lambda s: arrays(shape=s)),
        arrays(max_dims=2, max_side=6),
    ),
    W=mostly(VALUES, st.sampled_from(["1", None, np.nan])),
    D=VALUES,
    activation=mostly(
        st.sampled_from(["tanh", "relu", "sigmoid", "linear"]), st.sampled_from(["softplus", 3])
    ),
)
def test_explorer_unit_response(x, W, D, activation):
    h = call(explorer.unit_response, x, W, D, 0.0, activation, names=["x", "W", "D", "activation"])
    if h is REFUSED:
        return
    f = {"linear": lambda a: a, **REFERENCE_ACTIVATIONS}[activation]
    state, ref = 0.0, []
    for xt in numeric(x).ravel():
        state = f(W * xt + D * state)
        ref.append(state)
    np.testing.assert_allclose(h, ref, atol=1e-12)


@given(T=SIZES)
def test_explorer_input(T):
    x = call(explorer.explorer_input, T, names=["T"])
    if x is not REFUSED:
        assert x.shape == (T,)


def test_load_sunspots_returns_new_arrays_each_time():
    call(rnnlib.datasets.load_sunspots, names=["path"])


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


# ------------------------------------------------------------------------ text (ch. 08)
TEXTS = mostly(
    st.text("ab \ncd", min_size=1, max_size=12),
    st.one_of(st.just(""), st.integers(), st.lists(st.just("a"))),
)


@given(txt=TEXTS, extra=st.text("xyz", max_size=2))
def test_text_encoding(txt, extra):
    chars = call(text.alphabet, txt, names=["text"])
    if chars is REFUSED:
        return
    assert chars == "".join(sorted(set(txt)))
    ids = call(text.encode, txt, chars + extra, names=["text", "chars"])
    if ids is REFUSED:
        return
    assert call(text.decode, ids, chars + extra, names=["ids", "chars"]) == txt
    V = len(chars + extra)
    oh = call(text.one_hot, ids, V, names=["ids", "size"])
    np.testing.assert_array_equal(oh.argmax(-1), ids)
    assert np.all(oh.sum(-1) == 1)


@given(
    ids=mostly(
        hnp.arrays(np.int64, st.integers(2, 12), elements=st.integers(0, 3)),
        st.one_of(arrays(max_dims=2), st.just([])),
    ),
    n_streams=sizes(1, 4),
)
def test_text_streams(ids, n_streams):
    out = call(text.streams, ids, n_streams, names=["ids", "n_streams"])
    if out is REFUSED:
        return
    inputs, targets = out
    T = (len(ids) - 1) // n_streams
    for n in range(n_streams):
        np.testing.assert_array_equal(inputs[:, n], ids[n * T : (n + 1) * T])
        np.testing.assert_array_equal(targets[:, n], ids[n * T + 1 : (n + 1) * T + 1])


@given(
    txt=mostly(
        st.lists(st.text("ab ", min_size=1, max_size=5), min_size=3, max_size=8).map(
            lambda lines: "\n".join(lines) + "\n"
        ),
        TEXTS,
    ),
    fractions=mostly(
        st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.5), [0.3, 0.3, 0.4]]),
        st.sampled_from([(0.5, 0.6), (1.5, -0.5), ("a",), 0.5]),
    ),
)
def test_text_split(txt, fractions):
    parts = call(text.split, txt, fractions, names=["text", "fractions", "part"])
    if parts is not REFUSED:
        assert "".join(parts) == txt and len(parts) == len(fractions) and all(parts)


@st.composite
def score_rows(draw):
    shape = draw(mostly(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), shapes()))
    return draw(arrays(shape=shape))


@given(
    Y=score_rows(),
    data=st.data(),
    temperature=mostly(st.sampled_from([0.5, 1, 2.0]), st.sampled_from([0, -1, "hot"])),
)
def test_text_scores(Y, data, temperature):
    logp = call(text.log_softmax, Y, names=["Y"])
    if logp is not REFUSED:
        y = numeric(Y)
        np.testing.assert_allclose(logp, y - np.log(np.exp(y).sum(-1, keepdims=True)), atol=1e-12)
        nxt = data.draw(
            mostly(
                hnp.arrays(np.int64, y.shape[:-1], elements=st.integers(0, y.shape[-1] - 1)),
                arrays(max_dims=2),
            )
        )
        bits = call(text.next_char_bits, Y, nxt, names=["Y", "next_ids"])
        if bits is not REFUSED:
            np.testing.assert_allclose(
                bits, -np.take_along_axis(logp, nxt[..., None], -1)[..., 0] / np.log(2)
            )
            if bits.size:
                bpc, perplexity = call(text.bits_per_char, bits, names=["bits"])
                assert bpc == pytest.approx(bits.mean()) and perplexity == pytest.approx(
                    2 ** bits.mean()
                )
    p = call(text.temperature_probs, Y, temperature, names=["y", "temperature"])
    if p is not REFUSED:
        z = numeric(Y) / temperature
        np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(-1, keepdims=True), atol=1e-12)


@st.composite
def text_net_args(draw):
    V = draw(st.integers(2, 4))
    net = (
        rnnlib.ElmanRNN(
            V,
            draw(st.integers(1, 3)),
            draw(mostly(st.just(V), st.just(V + 1))),
            seed=draw(st.integers(0, 3)),
        )
        if draw(mostly(st.just(True), st.just(False)))
        else "net"
    )
    ids = draw(
        mostly(
            hnp.arrays(np.int64, st.integers(1, 10), elements=st.integers(0, V - 1)),
            arrays(max_dims=2),
        )
    )
    return net, ids


@given(
    args=text_net_args(),
    n_streams=sizes(1, 3),
    warmup=mostly(st.integers(0, 3), COUNTS),
    n=COUNTS,
    temperature=mostly(
        st.sampled_from([1.0, 0.5, [1.0, 2.0]]), st.sampled_from([0.0, "x", [1.0, -1.0]])
    ),
    seed=SEEDS,
)
def test_text_read_and_sample(args, n_streams, warmup, n, temperature, seed):
    net, ids = args
    out = call(text.read, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"])
    if out is not REFUSED and n_streams == 1:
        ref_H, ref_Y = reference_forward(net, np.eye(net.n_in)[ids[:-1]])
        np.testing.assert_allclose(out[0], ref_H, atol=1e-12)
        np.testing.assert_allclose(out[1], ref_Y, atol=1e-12)
    bits = call(
        text.surprisal, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"]
    )
    if bits is not REFUSED:
        assert bits.shape == (len(ids) - 1,) and np.all(bits >= 0)
    chars = call(
        text.sample,
        net,
        ids,
        n,
        temperature,
        seed,
        names=["net", "prefix_ids", "n", "temperature", "seed"],
    )
    if chars is not REFUSED:
        assert chars.shape == ((len(temperature), n) if isinstance(temperature, list) else (n,))
        assert np.all((0 <= chars) & (chars < net.n_out))


# --------------------------------------------------- the core, at the public API level
@st.composite
def forward_args(draw):
    net = rnnlib.ElmanRNN(
        draw(st.integers(1, 3)),
        draw(st.integers(1, 3)),
        draw(st.integers(1, 2)),
        activation=draw(st.sampled_from(ACTIVATIONS)),
        seed=draw(st.integers(0, 3)),
        dtype=draw(st.sampled_from(["float32", "float64"])),
    )
    X = draw(sequences_for(net))
    N = np.shape(X)[1] if np.ndim(X) == 3 else 1
    h0_shape = draw(
        mostly(
            st.sampled_from([None, (net.n_hidden,), (N, net.n_hidden)]),
            st.sampled_from([(net.n_hidden + 1,), (N + 1, net.n_hidden)]),
        )
    )
    h0 = None if h0_shape is None else draw(arrays(shape=h0_shape))
    return net, X, h0


@given(forward_args())
def test_elman_forward(args):
    net, X, h0 = args
    out = call(net.forward, X, h0, names=["X", "h0"])
    if out is REFUSED:
        return
    Hs, Y = out
    ref_H, ref_Y = reference_forward(net, X, h0)
    tol = 1e-5 if net.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(Hs, ref_H, atol=tol)
    np.testing.assert_allclose(Y, ref_Y, atol=tol)


@st.composite
def baseline_args(draw):
    n_in, H, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    act, seed = draw(st.sampled_from(ACTIVATIONS)), draw(st.integers(0, 3))
    if draw(st.booleans()):
        net = rnnlib.FeedForward(n_in, H, n_out, activation=act, seed=seed)
    else:
        net = rnnlib.JordanRNN(
            n_in,
            H,
            n_out,
            activation=act,
            seed=seed,
            feedback=draw(st.sampled_from(["identity", "sigmoid"])),
        )
    X = draw(sequences_for(net))
    N = np.shape(X)[1] if np.ndim(X) == 3 else 1
    state = n_out if isinstance(net, rnnlib.JordanRNN) else H
    h0 = draw(
        st.one_of(st.none(), mostly(arrays(shape=(state,)), arrays(shape=(N + 1, state + 1))))
    )
    return net, X, h0


@given(baseline_args())
def test_baselines_forward(args):
    net, X, h0 = args
    out = call(net.forward, X, h0, names=["X", "h0"])
    if out is REFUSED:
        return
    f = REFERENCE_ACTIVATIONS[net.activation]
    x = numeric(X)
    W, B, V, c = (numeric(getattr(net, k)) for k in "WBVc")
    if isinstance(net, rnnlib.FeedForward):
        ref_H = f(x @ W.T + B)
    else:
        g = (lambda y: y) if net.feedback == "identity" else REFERENCE_ACTIVATIONS["sigmoid"]
        s_prev = (
            np.zeros(x.shape[1:-1] + (net.n_out,))
            if h0 is None
            else np.broadcast_to(numeric(h0), x.shape[1:-1] + (net.n_out,))
        )
        ref_H = []
        for xt in x:
            h = f(xt @ W.T + s_prev @ numeric(net.D).T + B)
            ref_H.append(h)
            s_prev = g(h @ V.T + c)
        ref_H = np.array(ref_H)
    np.testing.assert_allclose(out[0], ref_H, atol=1e-12)
    np.testing.assert_allclose(out[1], ref_H @ V.T + c, atol=1e-12)


@given(args=forward_args(), seed=st.integers(0, 3))
def test_elman_backward_is_not_changed_by_edits_of_forward_results(args, seed):
    net, X, h0 = args
    try:
        Hs, Y = net.forward(X, h0)
    except (ValueError, TypeError):
        return
    dY = np.random.default_rng(seed).standard_normal(Y.shape)
    fresh = copy.deepcopy(net).backward(X, dY, h0)
    Hs -= Hs.mean(axis=0)  # what a user might do: centre the states for a probe
    Y *= 0
    grads = call(net.backward, X, dY, h0, names=["X", "dY", "h0"])
    for name in net.param_names:
        np.testing.assert_allclose(grads[name], fresh[name], rtol=1e-6, atol=1e-6)


@st.composite
def loss_args(draw):
    shape = draw(
        mostly(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3), shapes(max_dims=3))
    )
    Y = draw(arrays(shape=shape))
    one_hot = (
        hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, max(shape[-1] - 1, 0))).map(
            lambda labels: np.eye(shape[-1])[labels]
        )
        if shape and shape[-1]
        else bits(shape)
    )
    target = draw(mostly(good_kind_of(st.one_of(bits(shape), one_hot)), arrays(max_dims=3)))
    mask = draw(st.one_of(st.none(), mostly(weights(shape[:-1]), arrays(max_dims=2))))
    return Y, target, mask


@given(args=loss_args(), which=st.sampled_from(["mse", "bce", "cross_entropy"]))
@example(args=(np.zeros((0, 2)), np.zeros((0, 2)), None), which="mse")  # no time step
@example(args=(np.zeros((2, 0)), np.zeros((2, 0)), None), which="bce")  # no output unit
@example(
    args=(np.zeros((1, 0, 1)), np.zeros((1, 0, 1)), None), which="cross_entropy"
)  # no sequence
def test_losses(args, which):
    Y, target, mask = args
    out = call(rnnlib.LOSSES[which], Y, target, mask, names=["Y", "target", "mask", "class labels"])
    if out is REFUSED:
        return
    value, dY = out
    y, t = numeric(Y), numeric(target)
    w = np.ones(y.shape[:-1]) if mask is None else numeric(mask)
    if which == "mse":
        ref = np.sum(w[..., None] * (y - t) ** 2) / (w.sum() * y.shape[-1])
    elif which == "bce":
        p = 1 / (1 + np.exp(-y))
        ref = np.sum(w[..., None] * -(t * np.log(p) + (1 - t) * np.log1p(-p))) / (
            w.sum() * y.shape[-1]
        )
    else:
        if t.shape == y.shape[:-1]:
            t = np.eye(y.shape[-1])[t.astype(int)]
        logp = y - np.log(np.exp(y).sum(-1, keepdims=True))
        ref = -np.sum(w[..., None] * t * logp) / w.sum()
    assert value == pytest.approx(ref, rel=1e-9, abs=1e-12) and dY.shape == y.shape


@st.composite
def optimiser_args(draw):
    param_shapes = {"a": (2,), "b": (1, 3)}
    params = {
        k: draw(
            mostly(
                arrays(shape=s, kinds=("array", "strided")), arrays(shape=s, kinds=("readonly",))
            )
        )
        for k, s in param_shapes.items()
    }
    grads = {
        k: draw(mostly(arrays(shape=s), arrays(max_dims=2, max_side=3)))
        for k, s in param_shapes.items()
    }
    if draw(mostly(st.just(False), st.just(True))):
        grads.pop(draw(st.sampled_from(sorted(grads))))
    opt = draw(
        st.sampled_from(
            [
                lambda: rnnlib.SGD(lr=0.1),
                lambda: rnnlib.SGD(lr=0.1, momentum=0.5),
                lambda: rnnlib.Adam(lr=0.01),
            ]
        )
    )
    return params, grads, opt


def _read_only(arr):
    arr.flags.writeable = False
    return arr


@given(optimiser_args())
@example(
    args=({"a": _read_only(np.ones(2))}, {"a": np.ones(2)}, rnnlib.SGD)
)  # cannot be updated in place
@example(
    args=({"a": np.ones(2)}, {"a": np.array(["0.5", "1"])}, rnnlib.SGD)
)  # strings are not numbers
@example(
    args=({"a": np.ones(2)}, {"a": np.array([1 + 1j, 0])}, rnnlib.Adam)
)  # complex: not a real gradient
def test_optimiser_step(args):
    params, grads, make = args
    before = {k: v.copy() for k, v in params.items()}
    grads_before = copy.deepcopy(grads)
    opt = make()
    try:
        opt.step(params, grads)
    except (ValueError, TypeError) as exc:
        assert_rnnlib_error(exc, ["gradient", "gradients", "parameter", "params", "grads"])
        for k in params:
            np.testing.assert_array_equal(params[k], before[k])  # a refused step changes nothing
        return
    assert _equal(grads, grads_before)
    assert all(np.asarray(g).dtype.kind in "biuf" for g in grads.values()), (
        "a non-real gradient was accepted"
    )
    if isinstance(opt, rnnlib.SGD):  # first step, with or without momentum: p - lr g
        for k in params:
            np.testing.assert_allclose(params[k], before[k] - 0.1 * numeric(grads[k]), atol=1e-12)


@st.composite
def clip_args(draw):
    grads = {
        k: draw(arrays(shape=s, kinds=("array", "strided")))
        for k, s in {"a": (2,), "b": (1, 3)}.items()
    }
    if not draw(mostly(st.just(True), st.just(False))):
        grads = draw(
            st.sampled_from(
                [list(grads.values()), {"a": np.array([np.inf, 1.0])}, {"a": [1.0, 2.0]}]
            )
        )
    max_norm = draw(
        mostly(st.sampled_from([0.5, 1, 3.0, 100.0]), st.sampled_from([0, -1.0, np.nan, "1", None]))
    )
    return grads, max_norm


@given(clip_args())
@example(args=([np.ones(2)], 1.0))  # a list, not a dict
@example(args=({"a": np.array([np.inf, 1.0])}, 1.0))  # a non-finite gradient cannot be rescaled
def test_clip_grad_norm(args):
    grads, max_norm = args
    before = copy.deepcopy(grads)
    try:
        norm = rnnlib.clip_grad_norm(grads, max_norm)
    except (ValueError, TypeError) as exc:
        assert_rnnlib_error(exc, ["grads", "gradient", "gradients", "max_norm"])
        assert _equal(grads, before)  # a refused clip changes nothing
        return
    ref = np.sqrt(sum(np.sum(numeric(g) ** 2) for g in before.values()))
    assert norm == pytest.approx(ref)
    scale = min(1.0, max_norm / ref) if ref > 0 else 1.0
    for k in grads:  # rescaled in place (documented), in the same direction
        np.testing.assert_allclose(grads[k], scale * before[k], rtol=1e-12, atol=1e-15)


@given(args=forward_args(), data=st.data())
def test_elman_step(args, data):
    net = args[0]
    x = data.draw(
        mostly(
            st.sampled_from([(net.n_in,), (2, net.n_in)]).flatmap(lambda s: arrays(shape=s)),
            arrays(max_dims=2, max_side=3),
        )
    )
    batch = np.shape(x)[:-1]
    h_prev = data.draw(
        mostly(
            st.one_of(st.none(), arrays(shape=batch + (net.n_hidden,))),
            arrays(max_dims=2, max_side=3),
        )
    )
    out = call(net.step, x, h_prev, names=["x", "h_prev"])
    if out is REFUSED:
        return
    ref_H, ref_Y = reference_forward(net, numeric(x)[None], h_prev)
    tol = 1e-5 if net.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out[0], ref_H[0], atol=tol)
    np.testing.assert_allclose(out[1], ref_Y[0], atol=tol)


@given(n1=st.integers(1, 3), n2=st.integers(1, 3), make=st.sampled_from(["sgd", "adam"]))
def test_an_optimiser_reused_for_a_second_model_is_refused_or_starts_afresh(n1, n2, make):
    new = {"sgd": lambda: rnnlib.SGD(lr=0.1, momentum=0.9), "adam": lambda: rnnlib.Adam(lr=0.1)}[
        make
    ]
    a, b = rnnlib.ElmanRNN(1, n1, 1, seed=1), rnnlib.ElmanRNN(1, n2, 1, seed=2)
    b_fresh = copy.deepcopy(b)

    def grads(net):
        return {k: np.ones_like(v) for k, v in net.params.items()}

    opt = new()
    opt.step(a.params, grads(a))
    try:
        opt.step(b.params, grads(b))
    except (ValueError, TypeError) as exc:
        assert_rnnlib_error(exc, ["optimizer", "optimiser", "params", "model"])
        return
    new().step(b_fresh.params, grads(b_fresh))
    for k in b.params:
        np.testing.assert_allclose(b.params[k], b_fresh.params[k])


@st.composite
def fit_args(draw):
    net = small_net(draw, kinds=("elman", "elman", "jordan", "feedforward"))
    X = draw(sequences_for(net, max_T=3))
    lead = np.shape(X)[:-1]
    target = draw(
        mostly(arrays(shape=lead + (net.n_out,), kinds=GOOD_KINDS), arrays(max_dims=3, max_side=3))
    )
    mask = draw(st.one_of(st.none(), mostly(weights(lead), arrays(max_dims=2, max_side=3))))
    N = lead[1] if len(lead) == 2 else 1
    h0 = draw(
        mostly(
            st.one_of(
                st.none(),
                arrays(shape=(net.n_hidden,), kinds=GOOD_KINDS),
                arrays(shape=(N, net.n_hidden), kinds=GOOD_KINDS),
            ),
            st.integers(0, 4).flatmap(lambda n: arrays(shape=(n, net.n_hidden))),
        )
    )
    optimizer = draw(
        mostly(
            st.sampled_from([None, "sgd", "adam"]),
            st.sampled_from([rnnlib.Adam, rnnlib.SGD, "adam"]),
        )
    )
    optimizer = {"sgd": rnnlib.SGD(lr=0.05), "adam": rnnlib.Adam(lr=0.01)}.get(optimizer, optimizer)
    loss = draw(
        mostly(
            st.just("mse"),
            st.sampled_from(["l1", lambda Y, t, m: 1.0, lambda Y, t, m: (1.0, None)]),
        )
    )
    return net, X, target, mask, h0, optimizer, loss


@given(args=fit_args(), epochs=mostly(st.sampled_from([1, 2]), st.sampled_from([0, 1.0])))
@example(
    args=(
        rnnlib.ElmanRNN(1, 2, 1),
        np.ones((3, 1)),
        np.ones((3, 1)),
        None,
        None,
        None,
        lambda Y, t, m: 1.0,
    ),
    epochs=1,
)  # a loss function must return (loss, dY)
def test_fit(args, epochs):
    net, X, target, mask, h0, optimizer, loss = args
    history = call(
        rnnlib.fit,
        net,
        X,
        target,
        loss=loss,
        optimizer=optimizer,
        epochs=epochs,
        mask=mask,
        h0=h0,
        verbose=False,
        names=["model", "X", "target", "mask", "h0", "optimizer", "epochs", "loss"],
        repeat=False,
        updates=(net, optimizer),
    )
    if history is REFUSED:
        return
    assert len(history.loss) in (epochs, 0) and all(np.isfinite(history.loss))
    assert not history.diverged or np.isnan(history.final_loss) or len(history.loss) < epochs


@given(forward_args())
def test_copies_of_a_model_are_independent(args):
    net = args[0]
    before = {k: v.copy() for k, v in net.params.items()}
    for clone in (copy.copy(net), copy.deepcopy(net)):
        for p in clone.params.values():
            p += 1.0
        clone.W = np.zeros_like(net.W)
        for k in net.param_names:
            np.testing.assert_array_equal(net.params[k], before[k])


def test_step_names_its_own_argument():
    net = rnnlib.ElmanRNN(1, 2, 1)
    out = call(
        net.step, [1.0], np.zeros(3), names=["h_prev"]
    )  # a state of 3 values for 2 hidden units
    assert out is REFUSED
