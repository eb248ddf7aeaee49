"""rnnlib.optim at its edges (chapter 05): subclasses, copies, pickles and replaced parameters.

An optimiser is bound to the parameter arrays it first updates; a copy has statistics of its
own and binds to the first parameters of the same names and shapes, so a network copied or
pickled together with its optimiser trains on exactly as the original would have.
"""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import evidence
import rnnlib
from helpers import arrays, assert_rnnlib_error, misuse_data, mostly, numeric, same_values
from rnnlib.optim import global_norm

OPTIMISERS = [
    lambda: rnnlib.Adam(lr=0.05),
    lambda: rnnlib.SGD(lr=0.1, momentum=0.9),
    lambda: rnnlib.SGD(lr=0.1),
]


def _task(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((8, 5, 2))
    return X, np.roll(X, 1, axis=0)


def _fit(net, opt, epochs=3, **kw):
    X, Y = _task()
    return rnnlib.fit(net, X, Y, optimizer=opt, epochs=epochs, verbose=False, **kw)


def _same(a, b):
    return all(np.array_equal(a.params[k], b.params[k]) for k in a.param_names)


def test_fit_calls_the_step_of_a_subclass_that_overrides_it():
    """A subclass of SGD with weight decay in step() is what fit uses (it was skipped for the
    built-in update)."""

    class DecayingSGD(rnnlib.SGD):
        def step(self, params, grads):
            self.calls = getattr(self, "calls", 0) + 1
            super().step(
                params, {k: g + 0.1 * params[k] for k, g in grads.items()}
            )  # L2 weight decay

    plain, decayed = rnnlib.ElmanRNN(2, 4, 2, seed=1), rnnlib.ElmanRNN(2, 4, 2, seed=1)
    opt = DecayingSGD(lr=0.1)
    _fit(plain, rnnlib.SGD(lr=0.1))
    _fit(decayed, opt)
    assert opt.calls == 3
    assert np.sum(decayed.D**2) < np.sum(plain.D**2)  # the decay shrank the weights
    # the same decay written by hand, one update at a time
    by_hand = rnnlib.ElmanRNN(2, 4, 2, seed=1)
    X, Y = _task()
    for _ in range(3):
        _, Yhat = by_hand.forward(X)
        grads = by_hand.backward(X, rnnlib.mse(Yhat, Y)[1])
        for k, p in by_hand.params.items():
            p -= 0.1 * (grads[k] + 0.1 * p)
    assert all(
        np.allclose(decayed.params[k], by_hand.params[k], rtol=1e-12, atol=1e-15)
        for k in by_hand.param_names
    )


def test_a_subclass_that_overrides_only_the_update_keeps_the_fast_path():
    class Halved(rnnlib.SGD):
        def _update(self, params, grads):
            super()._update(params, {k: 0.5 * g for k, g in grads.items()})

    a, b = rnnlib.ElmanRNN(2, 4, 2, seed=1), rnnlib.ElmanRNN(2, 4, 2, seed=1)
    _fit(a, Halved(lr=0.2))
    _fit(b, rnnlib.SGD(lr=0.1))
    assert all(np.allclose(a.params[k], b.params[k], rtol=1e-13, atol=0) for k in a.param_names)


@pytest.mark.parametrize("make", OPTIMISERS)
@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_a_copied_optimiser_has_its_own_statistics_and_resumes_exactly(make, how):
    """Train 3 epochs, copy (net, optimiser) together, train both 2 more: the copy ends where the
    original does, and stepping it never touches the original's statistics."""
    dup = {
        "copy": lambda o: tuple(map(copy.copy, o)),
        "deepcopy": copy.deepcopy,
        "pickle": lambda o: pickle.loads(pickle.dumps(o)),
    }[how]
    net, opt = rnnlib.ElmanRNN(2, 4, 2, seed=3), make()
    _fit(net, opt)
    net2, opt2 = dup((net, opt))
    before = copy.deepcopy(opt.state)
    _fit(net2, opt2, epochs=2)
    after = opt.state
    assert all(
        np.array_equal(np.asarray(before[k]), np.asarray(after[k])) for k in before
    )  # original untouched
    assert opt.t == 3 and opt2.t == 5
    _fit(net, opt, epochs=2)
    assert _same(net, net2)


def test_a_fresh_copy_binds_only_to_parameters_of_the_same_names_and_shapes():
    net, opt = rnnlib.ElmanRNN(2, 4, 2), rnnlib.Adam()
    _fit(net, opt, epochs=1)
    with pytest.raises(ValueError, match=r"running statistics are for parameters .*'W': \(4, 2\)"):
        _fit(rnnlib.ElmanRNN(2, 5, 2), copy.copy(opt), epochs=1)


@pytest.mark.parametrize("replace", ["in place", "assigned"])
def test_a_parameter_changed_between_updates_outside_fit(replace):
    """net.D *= 0.9 changes the bound array itself: the optimiser goes on. net.D = new replaces it:
    refused with a message that says what to do."""
    net, opt = rnnlib.ElmanRNN(2, 4, 2), rnnlib.Adam()
    X, Y = _task()
    opt.step(net.params, net.backward(X, Y))
    if replace == "in place":
        net.D *= 0.9
        opt.step(net.params, net.backward(X, Y))
        assert opt.t == 2
    else:
        net.D = net.D * 0.9
        with pytest.raises(ValueError, match=r"a parameter was replaced .*net.D\[\.\.\.\] = "):
            opt.step(net.params, net.backward(X, Y))


def test_in_place_operations_on_a_parameter_keep_its_array():
    net = rnnlib.ElmanRNN(2, 4, 2)
    D = net.D
    net.D *= 0.5
    assert net.D is D
    net.D = D * 2  # a new array: copied in
    assert net.D is not D and np.array_equal(net.D, D * 2)


# ------------------------------------------------------------------------------- misuse
def test_an_optimiser_serves_one_model_and_reset_frees_it():
    X, target = misuse_data()
    a, b = rnnlib.ElmanRNN(3, 4, 2, seed=0), rnnlib.ElmanRNN(3, 4, 2, seed=1)
    opt = rnnlib.Adam(lr=0.01)
    rnnlib.fit(a, X, target, optimizer=opt, epochs=2, verbose=False)
    state = {k: tuple(v.copy() for v in s) for k, s in opt.state.items()}
    b_before = {k: v.copy() for k, v in b.params.items()}
    with pytest.raises(ValueError, match="already updates other parameter arrays"):
        rnnlib.fit(b, X, target, optimizer=opt, epochs=1, verbose=False)
    assert all(np.array_equal(v, b_before[k]) for k, v in b.params.items())  # refused: b untouched
    assert all(np.array_equal(opt.state[k][i], state[k][i]) for k in state for i in (0, 1))
    rnnlib.fit(a, X, target, optimizer=opt, epochs=1, verbose=False)  # a goes on
    assert opt.t == 3
    opt.reset()
    rnnlib.fit(b, X, target, optimizer=opt, epochs=1, verbose=False)
    assert opt.t == 1
    sgd = rnnlib.SGD(lr=0.1, momentum=0.9)
    sgd.step(a.params, a.backward(X, target))
    with pytest.raises(ValueError, match="already updates other parameter arrays"):
        sgd.step(b.params, b.backward(X, target))


# ------------------------------------------------- SGD, Adam and clipping, step by step
def test_clip_grad_norm_rescales_only_large_gradients():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert rnnlib.clip_grad_norm(grads, 10.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(5.0)
    assert rnnlib.clip_grad_norm(grads, 1.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    with pytest.raises(ValueError, match="max_norm must be positive"):
        rnnlib.clip_grad_norm(grads, 0)


# exact steps, worked out by hand in tests/evidence.py (tests/test_broken_variants.py shows
# that the same checks reject Adam without bias correction, v_hat for sqrt(v_hat), dampened
# momentum)
def test_sgd_two_steps_by_hand():
    evidence.check_sgd(rnnlib.SGD)


def test_momentum_two_steps_by_hand():
    evidence.check_momentum(rnnlib.SGD)


def test_adam_two_steps_by_hand():
    """The first Adam step is lr g / (|g| + eps) (bias correction makes m_hat = g, v_hat = g^2)."""
    evidence.check_adam(rnnlib.Adam)


def test_clipping_leaves_the_norm_exactly_at_the_limit():
    evidence.check_clip(rnnlib.clip_grad_norm)


@pytest.mark.parametrize(
    "make",
    [
        lambda: rnnlib.SGD(lr=0.1),
        lambda: rnnlib.SGD(lr=0.05, momentum=0.9),
        lambda: rnnlib.Adam(lr=0.1),
    ],
)
def test_optimisers_minimise_a_quadratic(make):
    opt = make()  # a fresh optimiser each run: an optimiser is bound to the parameters it updates
    p = {"x": np.array([3.0, -2.0])}
    for _ in range(300):
        opt.step(p, {"x": 2 * p["x"]})
    assert np.abs(p["x"]).max() < 1e-2


@pytest.mark.parametrize(
    "make", [lambda: rnnlib.SGD(lr=0.1, momentum=0.5), lambda: rnnlib.Adam(lr=0.1)]
)
def test_optimisers_keep_float32(make):
    """float32 parameters with float32 gradients stay float32 arrays, updated in place."""
    p = {"x": np.array([1.0, -2.0], dtype=np.float32)}
    x = p["x"]
    opt = make()
    for _ in range(3):
        opt.step(p, {"x": np.array([0.5, 0.25], dtype=np.float32)})
    assert p["x"] is x and x.dtype == np.float32
    assert np.all(x < [1.0, -2.0])


def test_optimiser_bad_input():
    with pytest.raises(ValueError, match="lr must be non-negative"):
        rnnlib.SGD(lr=-1)
    with pytest.raises(TypeError, match="lr must be a finite number"):
        rnnlib.Adam(lr="fast")
    with pytest.raises(ValueError, match="gradient of x has shape"):
        rnnlib.SGD().step({"x": np.zeros(2)}, {"x": np.zeros(3)})


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: rnnlib.SGD(momentum=1.0), ValueError, r"momentum must be in \[0, 1.0\), got 1.0"),
        (lambda: rnnlib.Adam(beta1=1.0), ValueError, r"beta1 must be in \[0, 1.0\)"),
        (lambda: rnnlib.Adam(beta2=1.5), ValueError, r"beta2 must be in \[0, 1.0\)"),
        (lambda: rnnlib.Adam(eps=-1e-8), ValueError, "eps must be non-negative"),
        (
            lambda: rnnlib.SGD().step({"x": np.zeros(2)}, [np.zeros(2)]),
            TypeError,
            "params and grads must be dicts",
        ),
        (
            lambda: rnnlib.SGD().step([np.zeros(2)], {"x": np.zeros(2)}),
            TypeError,
            "params and grads must be dicts",
        ),
        (
            lambda: rnnlib.SGD().step({"x": np.zeros(2), "y": np.zeros(1)}, {"x": np.zeros(2)}),
            ValueError,
            r"gradients missing for \['y'\]",
        ),
        (
            lambda: rnnlib.SGD().step({"x": np.zeros(2, dtype=int)}, {"x": np.zeros(2)}),
            TypeError,
            "parameter x must be a float numpy array .* got ndarray",
        ),
        (
            lambda: rnnlib.SGD().step({"x": np.zeros(2)}, {"x": np.zeros(3)}),
            ValueError,
            r"gradient of x has shape \(3,\), parameter has \(2,\)",
        ),
        (
            lambda: rnnlib.clip_grad_norm({"x": np.ones(2)}, -1.0),
            ValueError,
            "max_norm must be non-negative",
        ),
        (
            lambda: rnnlib.clip_grad_norm({"x": [3.0, 4.0]}, 1.0),
            TypeError,
            "gradient x must be a float numpy array .* got list",
        ),
    ],
)
def test_optimiser_and_clipping_input_checks(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_a_momentum_just_below_one_is_accepted():
    assert rnnlib.SGD(momentum=0.999).momentum == 0.999


# ------------------------------------------ properties: random arguments (helpers.call)
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
    assert same_values(grads, grads_before)
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
        assert same_values(grads, before)  # a refused clip changes nothing
        return
    ref = np.sqrt(sum(np.sum(numeric(g) ** 2) for g in before.values()))
    assert norm == pytest.approx(ref)
    scale = min(1.0, max_norm / ref) if ref > 0 else 1.0
    for k in grads:  # rescaled in place (documented), in the same direction
        np.testing.assert_allclose(grads[k], scale * before[k], rtol=1e-12, atol=1e-15)


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
