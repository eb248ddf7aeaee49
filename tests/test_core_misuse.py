"""The networks, fit, losses and optimisers under misuse.

One test per kind of failure: aliasing, independent copies, optimisers bound to
one model, entry checks of fit and the losses, sizes that fail fast, no large
buffers kept after a pass, non-finite results reported, and refused operations
that leave everything as it was.
"""

import copy

import numpy as np
import pytest

import rnnlib


def _data(T=6, N=3, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, N, n_in)), rng.standard_normal((T, N, n_out))


@pytest.mark.parametrize(
    "make",
    [
        lambda: rnnlib.ElmanRNN(3, 4, 2),
        lambda: rnnlib.JordanRNN(3, 4, 2),
        lambda: rnnlib.FeedForward(3, 4, 2),
    ],
)
def test_changing_returned_arrays_changes_nothing_else(make):
    net = make()
    X, dY = np.ones((6, 3)), np.ones((6, 2))
    before = net.backward(X, dY)
    Hs, Y = net.forward(X)
    assert not np.shares_memory(Hs, Y)
    Hs -= Hs.mean(0)  # e.g. centring states for a probe
    Y[:] = 0
    after = net.backward(X, dY)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    g = net.backward(X, dY)
    g["W"][:] = 7.0
    assert not np.any(net.W == 7.0)
    first = net.forward(X[:1])[0].copy()
    net.forward(X[:1])[0][:] += 1
    assert np.array_equal(net.forward(X[:1])[0], first)


def test_step_returns_fresh_arrays():
    net = rnnlib.ElmanRNN(3, 4, 2)
    h, y = net.step(np.ones(3))
    h_kept = h.copy()
    h2, _ = net.step(np.ones(3), h)
    h += 1
    y += 1
    assert np.array_equal(net.step(np.ones(3), h_kept)[0], h2)


def test_copies_are_independent_and_inputs_are_never_changed():
    net = rnnlib.ElmanRNN(3, 4, 2)
    for twin in (copy.copy(net), copy.deepcopy(net)):
        twin.D[0, 0] = 99.0
        twin.W = np.zeros((4, 3))
        assert net.D[0, 0] != 99.0 and np.any(net.W != 0)
    X, target = _data()
    X0, t0 = X.copy(), target.copy()
    rnnlib.fit(net, X, target, epochs=2, verbose=False)
    net.backward(X, target)
    assert np.array_equal(X, X0) and np.array_equal(target, t0)


def test_an_optimiser_serves_one_model_and_reset_frees_it():
    X, target = _data()
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


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(h0=np.zeros((4, 4))), ValueError, r"h0 must have shape \(4,\) or \(3, 4\)"),
        (dict(h0=np.zeros((2, 4))), ValueError, r"h0 must have shape"),
        (dict(mask=np.zeros((6, 3))), ValueError, "mask leaves no time step"),
        (dict(mask=-np.ones((6, 3))), ValueError, "mask must not be negative"),
        (dict(optimizer=rnnlib.Adam), TypeError, "not the class Adam itself"),
        (dict(optimizer="adam"), TypeError, "optimiser object"),
        (dict(loss="hinge"), ValueError, "unknown loss 'hinge'"),
        (dict(epochs=0), ValueError, "epochs must be a positive integer"),
        (dict(clip=-1), ValueError, "clip must be a positive number"),
        (dict(chunk=0), ValueError, "chunk must be a positive integer"),
        (dict(truncate=1.5), TypeError, "truncate must be a positive integer"),
        (dict(seed=-1), ValueError, "seed must be a non-negative integer"),
        (dict(callback=3), TypeError, "callback must be a function"),
    ],
)
def test_fit_checks_everything_before_the_first_update(kwargs, error, message):
    X, target = _data()
    net = rnnlib.ElmanRNN(3, 4, 2)
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(error, match=message):
        rnnlib.fit(net, X, target, verbose=False, **kwargs)
    assert all(np.array_equal(v, before[k]) for k, v in net.params.items())


def test_fit_refuses_empty_and_mismatched_data():
    net = rnnlib.ElmanRNN(3, 4, 2)
    with pytest.raises(ValueError, match="at least one time step"):
        rnnlib.fit(net, np.zeros((0, 2, 3)), np.zeros((0, 2, 2)), verbose=False)
    with pytest.raises(ValueError, match="same time steps"):
        rnnlib.fit(net, np.zeros((5, 2, 3)), np.zeros((4, 2, 2)), verbose=False)
    with pytest.raises(ValueError, match="class labels must be integers"):
        rnnlib.fit(
            net, np.zeros((5, 2, 3)), np.full((5, 2), 7), loss="cross_entropy", verbose=False
        )
    with pytest.raises(TypeError, match="rnnlib network"):
        rnnlib.fit("net", np.zeros((5, 2, 3)), np.zeros((5, 2, 2)))


@pytest.mark.parametrize("fn", [rnnlib.mse, rnnlib.bce_with_logits, rnnlib.softmax_cross_entropy])
def test_losses_refuse_scalars_and_bad_shapes_in_their_own_words(fn):
    with pytest.raises(ValueError, match="Y must be outputs of shape"):
        fn(1.0, 1.0)
    with pytest.raises(ValueError):
        fn(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(TypeError, match="real numbers"):
        fn([["a", "b"]], [[0, 1]])


def test_softmax_targets_must_be_probability_rows():
    with pytest.raises(ValueError, match="probabilities"):
        rnnlib.softmax_cross_entropy(np.zeros((3, 2)), np.full((3, 2), 0.9))


def test_sizes_that_cannot_fit_in_memory_fail_at_once_naming_the_size():
    with pytest.raises(ValueError, match=r"n_hidden=1000000000.*8,000,000,024,000,000,008 bytes"):
        rnnlib.ElmanRNN(1, 10**9, 1)
    with pytest.raises(ValueError, match="its parameters"):
        rnnlib.JordanRNN(10**7, 10**6, 1)


def test_a_pass_leaves_no_large_buffer_in_the_model():
    net = rnnlib.ElmanRNN(1, 8, 1)
    X = np.zeros((20_000, 1))
    net.forward(X)
    net.backward(X, np.ones((20_000, 1)))
    held = [v for v in vars(net).values() if isinstance(v, np.ndarray)]
    held += [p for p in net._params.values()]
    assert sum(a.nbytes for a in held) == sum(p.nbytes for p in net.params.values())


def test_overflowing_states_are_reported_with_the_step():
    net = rnnlib.ElmanRNN(1, 4, 1, activation="relu")
    net.D = 50 * np.eye(4)
    net.W = np.ones((4, 1))
    with pytest.raises(ValueError, match=r"overflowed: .* from step t = \d+ of 300"):
        net.forward(np.ones((300, 1)))
    with pytest.raises(ValueError, match="overflowed"):
        net.backward(np.ones((300, 1)), np.ones((300, 1)))
    hist = rnnlib.fit(net, np.ones((300, 1)), np.ones((300, 1)), epochs=3, verbose=False)
    assert hist.diverged and hist.loss == []


def test_assigning_the_activation_changes_the_computation():
    net = rnnlib.ElmanRNN(1, 3, 1, seed=2)
    X = -np.ones((4, 1))
    tanh_states = net.forward(X)[0]
    net.activation = "relu"
    assert np.array_equal(
        net.forward(X)[0],
        np.maximum(
            tanh_states * 0 + rnnlib.ElmanRNN(1, 3, 1, seed=2, activation="relu").forward(X)[0], 0
        ),
    )
    assert "relu" in repr(net)
    with pytest.raises(ValueError, match="unknown activation"):
        net.activation = "softsign"
    assert net.activation == "relu"
    with pytest.raises(TypeError, match="reproducible must be True or False"):
        rnnlib.ElmanRNN(1, 3, 1, reproducible="yes")


def test_a_refused_weight_leaves_the_old_one():
    net = rnnlib.ElmanRNN(2, 3, 1)
    D = net.D.copy()
    with pytest.raises(ValueError, match=r"ElmanRNN.D must have shape \(3, 3\)"):
        net.D = np.zeros((2, 2))
    with pytest.raises(ValueError, match="NaN"):
        net.D = np.full((3, 3), np.nan)
    assert np.array_equal(net.D, D)


def test_core_edge_cases_found_by_the_property_suite():
    with pytest.raises(ValueError, match="at least one time step"):
        rnnlib.mse(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(TypeError, match="grads must be a dict"):
        rnnlib.clip_grad_norm([np.ones(3)], 1.0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        rnnlib.clip_grad_norm({"W": np.array([np.inf, 1.0])}, 1.0)
    net = rnnlib.ElmanRNN(2, 3, 1)
    frozen = {k: v.copy() for k, v in net.params.items()}
    frozen["W"].flags.writeable = False
    with pytest.raises(ValueError, match="parameter W is read-only"):
        rnnlib.SGD(lr=0.1).step(frozen, {k: np.ones_like(v) for k, v in frozen.items()})
    X, t = np.ones((4, 2)), np.zeros((4, 1))
    with pytest.raises(TypeError, match=r"must return a pair \(loss, dY\)"):
        rnnlib.fit(net, X, t, loss=lambda Y, target, mask: 0.5, epochs=1, verbose=False)
    with pytest.raises(ValueError, match="h_prev must have shape"):
        net.step(np.ones(2), np.ones(5))
    h, y = net.step(np.ones((3, 2)), np.zeros((3, 3)))
    assert h.shape == (3, 3) and y.shape == (3, 1)
    Hs, Y = net.forward(np.ones((1, 3, 2)))
    assert np.array_equal(h, Hs[0]) and np.array_equal(y, Y[0])
