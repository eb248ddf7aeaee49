"""Shared paths, reference formulas, script loaders and the property-test harness of the suite.

A plain module: the test files import from it (``from helpers import ...``); the fixtures stay
in conftest.py, which pytest loads itself.

The harness (``call`` and the Hypothesis strategies below) gives rnnlib's public API random
arguments: shapes with zeros, dtypes (float32, float64, integers, booleans, strings), array kinds
(lists, read-only arrays, non-contiguous views, Fortran order, NaN), bad types and bad options.
Whatever it gets, a call must either

- return correct arrays (checked against a short reference: ``rnnlib.reference`` or one written
  in the test), that share no memory with its inputs, with each other or with the model, and
  that can be modified without changing the inputs or the next call's result; or
- raise rnnlib's own ValueError or TypeError (raised inside rnnlib, not by numpy), whose message
  names one of the arguments;

and it never modifies its inputs. The number of examples is bounded (profile "ci", the default:
25 per test, derandomized so that CI runs are reproducible; HYPOTHESIS_PROFILE=dev draws 200
fresh ones). Each module's property tests sit in its test file (tests/test_<module>.py).
"""

import copy
import dataclasses
import importlib.util
import os
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib
from rnnlib import reference

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


# the activations written out independently of rnnlib, for step-by-step reference formulas
REFERENCE_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0),
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
}


def load_script(relative_path):
    """Import a script of the repository that is not part of rnnlib (benchmarks/, scripts/) as a
    module."""
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_optional(module):
    """Import an optional test dependency (torch, threadpoolctl: tests/requirements-torch.txt).

    Skips the test when it is missing, except when RNNLIB_REQUIRE_TORCH=1 (set by .ci/run in
    the environment that installs them), where a missing dependency is a failure: there the
    cross-check must run, not be skipped.
    """
    if os.environ.get("RNNLIB_REQUIRE_TORCH") == "1":
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"RNNLIB_REQUIRE_TORCH=1 but {module} cannot be imported: {exc}")
    return pytest.importorskip(
        module, reason=f"{module} is not installed (pip install -r tests/requirements-torch.txt)"
    )


# ------------------------------------------------------------------ small data sets
def misuse_data(T=6, N=3, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, N, n_in)), rng.standard_normal((T, N, n_out))


# the same-digits fingerprint: a script whose printed hash must not depend on the machine
# (test_exact.py runs it under other BLAS kernels and CPU paths, test_arithmetic.py with Numba on
# and off)
FINGERPRINT = r"""
import hashlib, numpy as np, rnnlib
from rnnlib import arithmetic, portable, tasks, linalg
# the compiled kernels for every call, where Numba is there (RNNLIB_NUMBA=0: numpy)
arithmetic.PAYS = 0
parts = []
for act, make in (("tanh", rnnlib.ElmanRNN), ("sigmoid", rnnlib.ElmanRNN),
                  ("relu", rnnlib.ElmanRNN)):
    X, t, m = tasks.delayed_bit(30, 32, k=2, seed=1)
    nets = [make(1, 12, 1, activation=act, seed=s) for s in (0, 1)]
    rnnlib.fit(nets, X, t, mask=m, loss="bce", optimizer=rnnlib.Adam(lr=0.02), epochs=10,
               batch_size=16, chunk=10, clip=1.0, verbose=False)
    parts += [p.tobytes() for net in nets for p in net.params.values()]
rng = np.random.default_rng(2)
A = rng.standard_normal((40, 30)); B = rng.standard_normal((30, 50))
L1 = rng.standard_normal((2, 64, 3000)); L2 = rng.standard_normal((2, 48, 3000)) * 1e-3
parts += [portable.matmul(A, B).tobytes(), portable.rows_dot(A, B.T).tobytes(),
          portable.rows_dot(L1, L2).tobytes(),
          portable.matmul(L2[0, :, :300], L1[0, :, :300].T.copy()).tobytes(),
          portable.tanh(np.linspace(-21, 21, 5001)).tobytes(),
          portable.exp(np.linspace(-700, 700, 5001)).tobytes(),
          np.float64(linalg.spectral_radius(rng.standard_normal((16, 16)))).tobytes()]
print(hashlib.sha256(b"".join(parts)).hexdigest())
"""


# what a function that takes an ElmanRNN (or any network) must refuse by name (entry checks)
NOT_A_NET = object()
JORDAN = rnnlib.JordanRNN(1, 2, 1)
FEEDFORWARD = rnnlib.FeedForward(1, 2, 1)


# ------------------------------------------- the property-test harness (Hypothesis)
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


def same_values(a, b):
    """Exact equality of nested results (arrays compared with their dtypes and shapes)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        )
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same_values, a, b))
    if isinstance(a, dict):
        return (
            isinstance(b, dict) and a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
        )
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(
            same_values(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if (
        hasattr(a, "__dict__") and not isinstance(a, type) and not callable(a)
    ):  # e.g. an optimiser's state
        return type(a) is type(b) and same_values(vars(a), vars(b))
    return a == b


def _assert_unchanged(values, before):
    for value, snap in zip(values, before, strict=True):
        if isinstance(value, rnnlib.model.Model):
            assert same_values(snap, {k: v.copy() for k, v in value.params.items()}), (
                "the call changed the model"
            )
        elif isinstance(value, np.ndarray):
            arr, writeable, strides = snap
            assert (
                same_values(arr, value)
                and value.flags.writeable == writeable
                and value.strides == strides
            ), "the call modified an input array"
        else:
            assert same_values(snap, value), "the call modified an input"


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
    assert same_values(again, expected), "modifying a result changed the next call's result"
    _assert_unchanged(inputs, before)
    return expected


# -------------------------------------------------------------- strategies
VALUES = st.integers(-24, 24).map(lambda k: k / 8)  # exact, well-scaled numbers in [-3, 3]


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


ACTIVATION_NAMES = ("tanh", "relu", "sigmoid")


def small_net(draw, n_in=None, n_out=None, kinds=("elman",)):
    kind = draw(st.sampled_from(kinds))
    in_size = n_in if n_in is not None else draw(st.integers(1, 3))
    out_size = n_out if n_out is not None else draw(st.integers(1, 2))
    H = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 3))
    if kind == "elman":
        return rnnlib.ElmanRNN(
            in_size, H, out_size, activation=draw(st.sampled_from(ACTIVATION_NAMES)), seed=seed
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


def weights(shape):
    """Mask-like weights of ``shape``: 0, 0.5 or 1, as a random kind of array-like."""
    return good_kind_of(
        hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.5, 1.0, 1.0]))
    )


@st.composite
def sequences_for(draw, net, max_T=4):
    """An input X for ``net``: mostly (T, I) or (T, N, I) with T, N >= 1, sometimes anything."""
    in_size = net["n_in"] if isinstance(net, dict) else net.n_in
    T = draw(mostly(st.integers(1, max_T), st.just(0)))
    N = draw(mostly(st.sampled_from([None, 1, 2]), st.just(0)))
    shape = (T, in_size) if N is None else (T, N, in_size)
    return draw(mostly(arrays(shape=shape), arrays(max_dims=3, max_side=3)))


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


@st.composite
def forward_args(draw):
    net = rnnlib.ElmanRNN(
        draw(st.integers(1, 3)),
        draw(st.integers(1, 3)),
        draw(st.integers(1, 2)),
        activation=draw(st.sampled_from(ACTIVATION_NAMES)),
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
