"""rnnlib.optim at its edges (chapter 05): subclasses, copies, pickles and replaced parameters.

An optimiser is bound to the parameter arrays it first updates; a copy has statistics of its
own and binds to the first parameters of the same names and shapes, so a network copied or
pickled together with its optimiser trains on exactly as the original would have.
"""

import copy
import pickle

import numpy as np
import pytest

import rnnlib

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
