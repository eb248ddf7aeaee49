"""Losses, optimisers, clipping and the fit loop (chapter 05)."""

import numpy as np
import pytest

import evidence
import rnnlib
from conftest import REFERENCE_ACTIVATIONS
from rnnlib.gradcheck import numerical_gradients, relative_error
from rnnlib.optim import global_norm


@pytest.mark.parametrize("name", ["mse", "bce", "cross_entropy"])
def test_loss_gradients_match_finite_differences(name, rng):
    Y = rng.standard_normal((4, 3, 5))
    if name == "mse":
        target = rng.standard_normal(Y.shape)
    elif name == "bce":
        target = (rng.random(Y.shape) > 0.5).astype(float)
    else:
        target = rng.integers(0, 5, size=(4, 3))
    mask = (rng.random((4, 3)) > 0.3).astype(float)
    fn = rnnlib.LOSSES[name]
    _, dY = fn(Y, target, mask)
    num = numerical_gradients(lambda: fn(Y, target, mask)[0], {"Y": Y})["Y"]
    assert relative_error(dY, num) < 1e-7


def test_loss_values():
    assert rnnlib.mse([[1.0], [3.0]], [[0.0], [1.0]])[0] == pytest.approx(2.5)
    assert rnnlib.bce_with_logits([[0.0]], [[1.0]])[0] == pytest.approx(np.log(2))
    assert rnnlib.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))[0] == pytest.approx(
        np.log(4)
    )
    # the mask leaves steps out of the mean
    assert rnnlib.mse([[5.0], [1.0]], [[0.0], [0.0]], mask=[0, 1])[0] == pytest.approx(1.0)


def test_bad_loss_input():
    with pytest.raises(ValueError, match=r"target must have shape \(2, 1\)"):
        rnnlib.mse(np.zeros((2, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="targets must lie in"):
        rnnlib.bce_with_logits(np.zeros((2, 1)), np.full((2, 1), 2.0))
    with pytest.raises(ValueError, match="class labels must be integers"):
        rnnlib.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="mask must have shape"):
        rnnlib.mse(np.zeros((2, 1)), np.zeros((2, 1)), mask=[1, 1, 1])
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        rnnlib.fit(
            rnnlib.ElmanRNN(1, 2, 1), np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge", epochs=1
        )


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


def delayed_copy_task(rng, T=12, N=64):
    """Target y_t = x_{t-1}: needs one step of memory."""
    X = rng.integers(0, 2, size=(T, N, 1)).astype(float)
    Y = np.concatenate([np.zeros((1, N, 1)), X[:-1]])
    return X, Y


def test_fit_learns_a_memory_task(rng, capsys):
    X, Y = delayed_copy_task(rng)
    net = rnnlib.ElmanRNN(1, 8, 1, seed=0)
    before = rnnlib.mse(net.forward(X)[1], Y)[0]
    hist = rnnlib.fit(net, X, Y, epochs=150, batch_size=16, optimizer=rnnlib.Adam(0.02))
    after = rnnlib.mse(net.forward(X)[1], Y)[0]
    assert len(hist.loss) == 150 and len(hist.grad_norm) == 150
    assert after < 0.02 < before
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("epoch   1/150  loss ") and lines[-1].startswith("epoch 150/150")
    assert 10 <= len(lines) <= 12


def test_fit_is_deterministic(rng):
    X, Y = delayed_copy_task(rng, N=16)
    runs = []
    for _ in range(2):
        net = rnnlib.ElmanRNN(1, 4, 1, seed=3)
        runs.append(rnnlib.fit(net, X, Y, epochs=5, batch_size=4, verbose=False).loss)
    assert runs[0] == runs[1]


def test_fit_with_chunks_and_clipping_learns(rng):
    """Truncated BPTT by chunks, carrying h across chunks, with clipping, still learns the task."""
    X, Y = delayed_copy_task(rng, T=40, N=32)
    net = rnnlib.ElmanRNN(1, 8, 1, seed=1)
    hist = rnnlib.fit(
        net, X, Y, epochs=60, chunk=10, clip=0.3, verbose=False, optimizer=rnnlib.Adam(0.02)
    )
    assert hist.final_loss < 0.02
    # clipping acted: many steps' gradient norms (recorded before clipping) are above the limit
    assert sum(n > 0.3 for n in hist.step_grad_norm) >= 10


def test_fit_clips_the_update_to_the_limit():
    evidence.check_fit_clips(rnnlib.fit)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("truncate", [None, 2])
def test_fit_with_chunks_is_backward_chained_by_hand(activation, truncate):
    """fit(chunk=4, truncate=) over 2 epochs (batched, h0 per sequence, shuffled order) equals
    forward/backward/SGD written out piece by piece, the state carried between the pieces."""
    evidence.check_fit_chunks(rnnlib.fit, activation=activation, truncate=truncate)


def test_fit_bad_target(rng):
    with pytest.raises(ValueError, match="target must have the same time steps"):
        rnnlib.fit(rnnlib.ElmanRNN(1, 2, 1), np.zeros((5, 3, 1)), np.zeros((4, 3, 1)), epochs=1)


def test_fit_stops_cleanly_when_training_diverges(rng, capsys):
    X, Y = delayed_copy_task(rng, T=30, N=8)
    net = rnnlib.ElmanRNN(1, 8, 1, activation="relu", seed=0)
    net.D = 3.0 * np.eye(8)
    hist = rnnlib.fit(net, X, Y * 1e3, epochs=50, optimizer=rnnlib.SGD(lr=10.0))
    assert hist.diverged
    assert len(hist.loss) < 50
    assert "stopped, the loss or the gradients are no longer finite" in capsys.readouterr().out
    assert all(np.isfinite(v) for v in hist.step_loss)


def test_fit_callback_can_stop_and_steps_are_recorded(rng):
    X, Y = delayed_copy_task(rng, N=16)
    net = rnnlib.ElmanRNN(1, 4, 1)
    hist = rnnlib.fit(
        net, X, Y, epochs=20, batch_size=4, verbose=False, callback=lambda e, h: e < 3
    )
    assert len(hist.loss) == 3 and len(hist.step_loss) == 3 * 4 and not hist.diverged


def test_fit_skips_fully_masked_chunks_but_carries_the_state(rng):
    X, Y = delayed_copy_task(rng, T=20, N=8)
    mask = np.ones((20, 8))
    mask[:10] = 0  # the first chunk of 10 has nothing to learn from
    net = rnnlib.ElmanRNN(1, 4, 1)
    hist = rnnlib.fit(net, X, Y, mask=mask, chunk=10, epochs=3, verbose=False)
    assert len(hist.step_loss) == 3  # one update per epoch: the second chunk only
    # and the second chunk starts from the state the first one reached, not from h0
    evidence.check_fit_chunks(rnnlib.fit, mask_first=True)


def test_fit_shuffles_h0_with_its_sequences(rng):
    """With mini-batches of one shuffled sequence, each update starts from that sequence's own
    row of h0: fit ends exactly where SGD over the sequences in some order ends, with the rows
    of h0 following their sequences, and that order is not the given one."""
    import itertools

    N, lr = 4, 0.1
    X, Y = rng.standard_normal((5, N, 1)), rng.standard_normal((5, N, 1))
    H0 = rng.standard_normal((N, 3))
    net = rnnlib.ElmanRNN(1, 3, 1, seed=2)
    start = {k: v.copy() for k, v in net.params.items()}
    rnnlib.fit(
        net, X, Y, h0=H0, batch_size=1, epochs=1, optimizer=rnnlib.SGD(lr=lr), verbose=False, seed=2
    )
    matches = []
    for order in itertools.permutations(range(N)):
        ref = rnnlib.ElmanRNN(1, 3, 1, seed=2)
        for n in order:
            _, dY = rnnlib.mse(ref.forward(X[:, n : n + 1], H0[n : n + 1])[1], Y[:, n : n + 1])
            g = ref.backward(X[:, n : n + 1], dY, H0[n : n + 1])
            for k, p in ref.params.items():
                p -= lr * g[k]
        if all(np.allclose(ref.params[k], net.params[k], rtol=1e-12, atol=1e-14) for k in start):
            matches.append(order)
    assert len(matches) == 1 and matches[0] != tuple(range(N)), matches


def one_sgd_step(net, X, target, loss, lr=0.1, **kw):
    before = {k: v.copy() for k, v in net.params.items()}
    rnnlib.fit(
        net, X, target, loss=loss, optimizer=rnnlib.SGD(lr=lr), epochs=1, verbose=False, **kw
    )
    return {k: (before[k] - net.params[k]) / lr for k in before}


def test_fit_with_cross_entropy_and_integer_labels(rng):
    X = rng.standard_normal((6, 4, 2))
    labels = rng.integers(0, 3, size=(6, 4))
    net = rnnlib.ElmanRNN(2, 5, 3, seed=2)
    Y = net.forward(X)[1]
    # softmax cross-entropy by hand: dL/dY = (softmax(Y) - onehot) / (T N)
    P = np.exp(Y) / np.exp(Y).sum(axis=-1, keepdims=True)
    dY = (P - np.eye(3)[labels]) / labels.size
    expected = net.backward(X, dY)
    got = one_sgd_step(net, X, labels, "cross_entropy")
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-9, atol=1e-13)


def test_fit_with_a_callable_loss(rng):
    """A loss function (Y, target, mask) -> (loss, dY) is called on the batch; its dY is what
    backward receives, and its value is what the history records."""
    X, T = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    net = rnnlib.ElmanRNN(2, 3, 1, seed=4)
    calls = []

    def absolute(Y, target, mask):
        calls.append(Y.shape)
        return float(np.abs(Y - target).sum()), np.sign(Y - target)

    Y = net.forward(X)[1]
    expected, value = net.backward(X, np.sign(Y - T)), np.abs(Y - T).sum()
    before = {k: v.copy() for k, v in net.params.items()}
    hist = rnnlib.fit(
        net, X, T, loss=absolute, optimizer=rnnlib.SGD(lr=0.1), epochs=1, verbose=False
    )
    assert calls == [(6, 1)] and hist.step_loss == [pytest.approx(value, rel=1e-14)]
    for k in expected:
        np.testing.assert_allclose(
            (before[k] - net.params[k]) / 0.1, expected[k], rtol=1e-9, atol=1e-13
        )


def test_fit_in_float32_agrees_with_float64(rng):
    X, Y = delayed_copy_task(rng, T=10, N=8)
    nets = {dt: rnnlib.ElmanRNN(1, 4, 1, seed=5, dtype=dt) for dt in ("float32", "float64")}
    hist = {
        dt: rnnlib.fit(net, X, Y, epochs=5, chunk=5, clip=1.0, verbose=False)
        for dt, net in nets.items()
    }
    assert all(p.dtype == np.float32 for p in nets["float32"].params.values())
    np.testing.assert_allclose(hist["float32"].loss, hist["float64"].loss, rtol=1e-4)
    for k in nets["float64"].param_names:
        np.testing.assert_allclose(
            nets["float32"].params[k], nets["float64"].params[k], rtol=1e-3, atol=1e-4
        )


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_fit_trains_relu_and_sigmoid_networks(activation, rng):
    X, Y = delayed_copy_task(rng, N=32)
    net = rnnlib.ElmanRNN(1, 8, 1, activation=activation, seed=0)
    before = rnnlib.mse(net.forward(X)[1], Y)[0]
    rnnlib.fit(net, X, Y, epochs=150, batch_size=16, optimizer=rnnlib.Adam(0.02), verbose=False)
    assert rnnlib.mse(net.forward(X)[1], Y)[0] < 0.1 * before


def test_softmax_cross_entropy_with_probability_targets(rng):
    Y = rng.standard_normal((4, 3, 5))
    P = rng.random((4, 3, 5))
    P /= P.sum(axis=-1, keepdims=True)
    loss, dY = rnnlib.softmax_cross_entropy(Y, P)
    logq = Y - np.log(np.exp(Y).sum(axis=-1, keepdims=True))
    assert loss == pytest.approx(-(P * logq).sum() / 12, rel=1e-12)
    np.testing.assert_allclose(dY, (np.exp(logq) - P) / 12, rtol=1e-12, atol=1e-15)
    num = numerical_gradients(lambda: rnnlib.softmax_cross_entropy(Y, P)[0], {"Y": Y})["Y"]
    assert relative_error(dY, num) < 1e-7
    # one-hot rows are the same as integer labels
    labels = rng.integers(0, 5, size=(4, 3))
    a, b = (
        rnnlib.softmax_cross_entropy(Y, labels),
        rnnlib.softmax_cross_entropy(Y, np.eye(5)[labels]),
    )
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-14)


@pytest.mark.parametrize("name", sorted(REFERENCE_ACTIVATIONS))
def test_activate(name):
    a = np.linspace(-3, 3, 13).reshape(1, 13)
    keep = a.copy()
    out = rnnlib.activate(name, a)
    np.testing.assert_allclose(out, REFERENCE_ACTIVATIONS[name](keep), rtol=1e-15, atol=1e-16)
    assert out is not a and np.array_equal(a, keep)
    np.testing.assert_allclose(
        rnnlib.activate(name, [0.5, -0.5]), REFERENCE_ACTIVATIONS[name](np.array([0.5, -0.5]))
    )


def test_activate_refuses_an_unknown_name():
    with pytest.raises(ValueError, match="unknown activation 'softsign'"):
        rnnlib.activate("softsign", [0.0])


def test_fit_refuses_bad_arguments_in_its_own_words():
    net, X, Y = rnnlib.ElmanRNN(1, 2, 1), np.zeros((4, 3, 1)), np.zeros((4, 3, 1))
    with pytest.raises(TypeError, match="optimizer must be an optimiser object"):
        rnnlib.fit(net, X, Y, optimizer="adam", epochs=1)
    with pytest.raises(TypeError, match="callback must be a function"):
        rnnlib.fit(net, X, Y, callback=5, epochs=1)
    with pytest.raises(ValueError, match="clip must be a positive number"):
        rnnlib.fit(net, X, Y, clip=-1, epochs=1)
    with pytest.raises(ValueError, match=r"mask must have shape \(4, 3\)"):
        rnnlib.fit(net, X, Y, mask=np.ones((4, 2)), epochs=1)
    with pytest.raises(ValueError, match="mask must not be negative"):
        rnnlib.fit(net, X, Y, mask=-np.ones((4, 3)), epochs=1, verbose=False)


def test_gradient_tools_refuse_bad_input():
    with pytest.raises(ValueError, match="compares arrays of one shape"):
        relative_error([1, 2, 3], [1])
    with pytest.raises(ValueError, match="eps must be a small positive number"):
        numerical_gradients(lambda: 0.0, {"x": np.zeros(2)}, eps=0)
    with pytest.raises(TypeError, match="must be a float numpy array"):
        numerical_gradients(lambda: 0.0, {"x": np.zeros(2, dtype=int)})
    with pytest.raises(ValueError, match="gradient of x contains NaN"):
        rnnlib.SGD().step({"x": np.zeros(2)}, {"x": np.array([np.nan, 0.0])})
    with pytest.raises(TypeError, match="must be a float numpy array"):
        rnnlib.clip_grad_norm({"x": np.array([3, 4])}, 1.0)
    assert rnnlib.SGD(lr=np.int64(1)).lr == 1.0
    with pytest.raises(ValueError, match="mask must not be negative"):
        rnnlib.mse(np.zeros((3, 1)), np.zeros((3, 1)), mask=[1, -1, 1])


# ------------------------------------------------ killing the mutants that mattered (issue 14)
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


class HandSGD:
    """A user's optimiser: any object with step(params, grads) that updates in place."""

    def __init__(self, lr):
        self.lr, self.calls = lr, 0

    def step(self, params, grads):
        self.calls += 1
        for k, p in params.items():
            p -= self.lr * grads[k]


def test_fit_uses_a_user_optimiser_object(rng):
    X, Y = rng.standard_normal((6, 3, 2)), rng.standard_normal((6, 3, 1))
    a, b = rnnlib.ElmanRNN(2, 4, 1, seed=1), rnnlib.ElmanRNN(2, 4, 1, seed=1)
    opt = HandSGD(0.1)
    rnnlib.fit(a, X, Y, optimizer=opt, epochs=2, chunk=3, verbose=False)
    rnnlib.fit(b, X, Y, optimizer=rnnlib.SGD(lr=0.1), epochs=2, chunk=3, verbose=False)
    assert opt.calls == 4
    for k in a.param_names:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-13, atol=1e-15)


def test_fit_passes_the_mask_to_a_callable_loss(rng):
    """A batched callable loss receives each batch's piece of the mask, and its dY is used."""
    T, N = 6, 4
    X, Y = rng.standard_normal((T, N, 2)), rng.standard_normal((T, N, 1))
    mask = (rng.random((T, N)) > 0.3).astype(float)
    seen = []

    def weighted_mse(Yp, target, w):
        seen.append(None if w is None else np.array(w))
        return rnnlib.mse(Yp, target, w)

    a, b = rnnlib.ElmanRNN(2, 3, 1, seed=3), rnnlib.ElmanRNN(2, 3, 1, seed=3)
    rnnlib.fit(
        a,
        X,
        Y,
        loss=weighted_mse,
        mask=mask,
        optimizer=rnnlib.SGD(lr=0.1),
        epochs=2,
        batch_size=2,
        verbose=False,
    )
    rnnlib.fit(
        b,
        X,
        Y,
        loss="mse",
        mask=mask,
        optimizer=rnnlib.SGD(lr=0.1),
        epochs=2,
        batch_size=2,
        verbose=False,
    )
    assert len(seen) == 4 and all(w is not None and w.shape == (T, 2) for w in seen)
    for k in a.param_names:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-12, atol=1e-15)


def test_softmax_cross_entropy_checks_its_targets_in_its_own_words():
    Y = np.zeros((3, 2, 4))
    with pytest.raises(
        ValueError,
        match=r"class labels must be integers in \[0, 4\), got dtype float64 outside that",
    ):
        rnnlib.softmax_cross_entropy(Y, np.zeros((3, 2)))
    with pytest.raises(
        ValueError, match=r"class labels must be integers in \[0, 4\), got values outside that"
    ):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2), 4))
    with pytest.raises(ValueError, match="target rows must be probabilities"):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 4), 0.3))  # rows sum to 1.2
    bad = np.full((3, 2, 4), 0.25)
    bad[0, 0] = [0.75, 0.5, -0.25, 0.0]  # sums to 1, one negative
    with pytest.raises(ValueError, match="target rows must be probabilities"):
        rnnlib.softmax_cross_entropy(Y, bad)
    with pytest.raises(ValueError, match=r"target must have shape \(3, 2, 4\)"):
        rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 2), 0.5))
    # uniform rows against equal logits: ln 4, whether given as rows or as (float) one-hot rows
    assert rnnlib.softmax_cross_entropy(Y, np.full((3, 2, 4), 0.25))[0] == pytest.approx(
        np.log(4), rel=1e-14
    )


def test_softmax_cross_entropy_is_stable_for_large_logits():
    """Each row is shifted by its own maximum: logits of +-800 (and a row far below the others)
    neither overflow nor underflow."""
    Y = np.array([[800.0, 0.0], [0.0, 800.0], [-800.0, -1000.0]])
    loss, dY = rnnlib.softmax_cross_entropy(Y, np.array([0, 0, 0]))
    assert loss == pytest.approx(800.0 / 3, rel=1e-12)  # (0 + 800 + 0) / 3
    np.testing.assert_allclose(
        dY, [[0.0, 0.0], [-1 / 3, 1 / 3], [0.0, 0.0]], atol=1e-15
    )  # (softmax - one-hot) / 3


@pytest.mark.parametrize("name", ["mse", "bce", "cross_entropy"])
def test_public_losses_with_a_mask_count_only_the_kept_steps(name, rng):
    """loss(Y, t, mask) of 0/1 weights equals the loss over the kept steps alone, with several
    outputs and sequences; the gradient is zero on the dropped steps. An all-zero mask is
    refused."""
    fn = {
        "mse": rnnlib.mse,
        "bce": rnnlib.bce_with_logits,
        "cross_entropy": rnnlib.softmax_cross_entropy,
    }[name]
    Y = rng.standard_normal((5, 3, 4))
    if name == "cross_entropy":
        t = rng.integers(0, 4, size=(5, 3))
    else:
        t = rng.random((5, 3, 4)) if name == "bce" else rng.standard_normal((5, 3, 4))
    mask = np.ones((5, 3))
    mask[1, 0] = mask[3, 2] = mask[4, 1] = 0
    keep = mask.astype(bool)
    loss, dY = fn(Y, t, mask)
    alone, dkept = fn(Y[keep], t[keep])  # the kept steps as one (K, O) sequence
    assert loss == pytest.approx(alone, rel=1e-12)
    np.testing.assert_allclose(dY[keep], dkept, rtol=1e-12, atol=1e-15)
    assert not dY[~keep].any()
    with pytest.raises(ValueError, match="mask leaves no time step to count"):
        fn(Y, t, np.zeros((5, 3)))


def test_mse_and_bce_average_over_the_output_units():
    Y = np.array([[[1.0, 2.0, 3.0]]])  # T = 1, N = 1, O = 3
    assert rnnlib.mse(Y, np.zeros_like(Y))[0] == pytest.approx(14 / 3, rel=1e-14)
    assert rnnlib.bce_with_logits(np.zeros((2, 3)), np.ones((2, 3)))[0] == pytest.approx(
        np.log(2), rel=1e-14
    )


@pytest.mark.parametrize(
    "kw,match",
    [
        ({"epochs": 0}, "epochs must be a positive integer, got 0"),
        ({"batch_size": 0}, "batch_size must be a positive integer, got 0"),
        ({"chunk": 0}, "chunk must be a positive integer, got 0"),
        ({"truncate": 0}, "truncate must be a positive integer, got 0"),
        ({"log_every": 0}, "log_every must be a positive integer, got 0"),
        (
            {"clip": 0},
            r"clip must be a positive number \(the largest gradient norm allowed\) or None, got 0",
        ),
        ({"clip": True}, "clip must be a positive number"),
        ({"h0": np.zeros((3, 5))}, r"h0 must have shape \(2,\) or \(3, 2\), got \(3, 5\)"),
        ({"X": np.zeros((4, 3, 2))}, r"X has 2 features per step \(last axis\), expected 1"),
        (
            {"target": np.zeros((4, 3, 2))},
            r"target must have the same time steps \(and sequences\) as X and one value",
        ),
        (
            {"X": np.zeros((4, 1)), "target": np.zeros((4, 2))},
            r"target must have the same time steps as X and one value",
        ),
    ],
)
def test_fit_names_the_bad_argument(kw, match):
    args = {"X": np.zeros((4, 3, 1)), "target": np.zeros((4, 3, 1))}
    args.update(kw)
    X, target = args.pop("X"), args.pop("target")
    with pytest.raises(ValueError, match=match):
        rnnlib.fit(rnnlib.ElmanRNN(1, 2, 1), X, target, verbose=False, **args)


@pytest.mark.parametrize(
    "epochs,log_every,shown",
    [
        (5, None, [1, 2, 3, 4, 5]),
        (25, None, [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]),
        (7, 3, [1, 3, 6, 7]),
    ],
)
def test_fit_prints_every_log_every_epochs(epochs, log_every, shown, capsys):
    """By default about ten lines: every max(1, epochs // 10) epochs, plus the first and the
    last."""
    rnnlib.fit(
        rnnlib.ElmanRNN(1, 2, 1),
        np.zeros((3, 1)),
        np.zeros((3, 1)),
        epochs=epochs,
        log_every=log_every,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [int(line.split("/")[0].split()[-1]) for line in lines] == shown


def test_fit_default_seed_is_zero(rng):
    X, Y = delayed_copy_task(rng, N=8)
    a, b = rnnlib.ElmanRNN(1, 3, 1), rnnlib.ElmanRNN(1, 3, 1)
    rnnlib.fit(a, X, Y, epochs=2, batch_size=3, verbose=False)
    rnnlib.fit(b, X, Y, epochs=2, batch_size=3, verbose=False, seed=0)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.param_names)


def test_diverging_training_raises_no_floating_point_warnings(rng):
    """fit stops a diverging run by itself; numpy's overflow warnings are silenced along the way."""
    import warnings

    X, Y = delayed_copy_task(rng, T=30, N=8)
    net = rnnlib.ElmanRNN(1, 8, 1, activation="relu", seed=0)
    net.D = 3.0 * np.eye(8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        hist = rnnlib.fit(net, X, Y * 1e3, epochs=50, optimizer=rnnlib.SGD(lr=10.0), verbose=False)
    assert hist.diverged


@pytest.mark.parametrize(
    "kind,loss,options",
    [
        (rnnlib.ElmanRNN, "mse", {}),
        (
            rnnlib.ElmanRNN,
            "bce",
            {"truncate": 2, "chunk": 4},
        ),  # pieces of 4 and 2 steps, carried state
        (rnnlib.ElmanRNN, "cross_entropy", {"batch_size": 3}),
        (rnnlib.JordanRNN, "mse", {"h0": np.full(2, 0.5)}),
        (rnnlib.FeedForward, "bce", {}),
    ],
)
def test_fit_reuses_its_workspace_from_one_update_to_the_next(
    kind, loss, options, monkeypatch, rng
):
    """Every array fit keeps in its workspace (rnnlib.model.Workspace) is allocated during the first
    epoch and reused afterwards: later epochs ask for no new memory, and the training is the same as
    with fresh arrays at every update (a workspace that hands out nothing, so every pass
    allocates)."""
    allocated = []

    class Counting(rnnlib.model.Workspace):
        def empty(self, name, shape, dtype):
            before = len(self.arrays)
            a = super().empty(name, shape, dtype)
            if len(self.arrays) > before:
                allocated.append((epoch[0], name))
            return a

    class Fresh(rnnlib.model.Workspace):
        def empty(self, name, shape, dtype):
            return np.empty(shape, dtype)

    epoch = [1]
    X = rng.standard_normal((10, 6, 2))
    target = {"mse": X, "bce": (X > 0).astype(float), "cross_entropy": (X[..., 0] > 0).astype(int)}[
        loss
    ]
    nets = {}
    for workspace in (Counting, Fresh):
        monkeypatch.setattr(rnnlib.train, "Workspace", workspace)
        net = nets[workspace] = kind(2, 5, 2, seed=1)
        rnnlib.fit(
            net,
            X,
            target,
            loss=loss,
            epochs=4,
            verbose=False,
            callback=lambda e, h: epoch.__setitem__(0, e + 1),
            **options,
        )
    assert allocated and {e for e, _ in allocated} == {1}, allocated
    a, b = nets.values()
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.param_names)


@pytest.mark.parametrize("side_by_side", [False, True])
@pytest.mark.parametrize("change", ["in place", "assigned"])
def test_fit_trains_on_from_the_weights_a_callback_leaves(side_by_side, change):
    """A callback that shrinks D after epoch 1 (in place, net.D *= 0.5, or by assignment, net.D =
    ...): training goes on from the shrunk D with the same optimiser statistics, exactly as fit for
    1 epoch, the shrink, and fit for 2 more with the same optimiser (each network alone). One
    sequence, so no shuffling: the two runs see the same data in the same order."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((7, 2))
    Y = np.roll(X, 1, axis=0)
    nets = [rnnlib.ElmanRNN(2, 4, 2, seed=s) for s in (1, 2)][: 2 if side_by_side else 1]

    def cb(epoch, hist):
        for net in nets:
            if epoch == 1 and change == "in place":
                net.D *= 0.5
            elif epoch == 1:
                net.D = net.D * 0.5

    rnnlib.fit(
        nets if side_by_side else nets[0],
        X,
        Y,
        optimizer=rnnlib.Adam(lr=0.05),
        epochs=3,
        verbose=False,
        callback=cb,
    )
    for s, net in enumerate(nets):
        alone, opt = rnnlib.ElmanRNN(2, 4, 2, seed=s + 1), rnnlib.Adam(lr=0.05)
        rnnlib.fit(alone, X, Y, optimizer=opt, epochs=1, verbose=False)
        alone.D *= 0.5
        rnnlib.fit(alone, X, Y, optimizer=opt, epochs=2, verbose=False)
        assert all(np.array_equal(net.params[k], alone.params[k]) for k in net.param_names), s


def test_side_by_side_fit_never_guesses_what_a_nested_list_holds():
    """Two networks and a nested list of 2 time steps: one sequence shared by both, or one entry per
    network? Refused, naming the ambiguity (it used to be read as one step per network). Arrays, or
    lists of arrays, say what they are and train exactly as each network alone."""
    X = [[0.5], [-0.25]]  # T = 2 steps of one input: as long as the list of networks
    Y = [[0.1], [0.3]]
    nets = [rnnlib.ElmanRNN(1, 3, 1, seed=s) for s in range(2)]
    with pytest.raises(
        ValueError, match=r"X is a list of 2 entries, as many as there are networks: it could be"
    ):
        rnnlib.fit(nets, X, Y, epochs=1, verbose=False)
    with pytest.raises(ValueError, match=r"h0 is a list of 2 entries"):
        rnnlib.fit(
            [rnnlib.ElmanRNN(1, 2, 1, seed=s) for s in range(2)],
            np.array(X),
            np.array(Y),
            h0=[0.1, 0.2],
            epochs=1,
            verbose=False,
        )
    shared = rnnlib.fit(nets, np.array(X), np.array(Y), epochs=2, verbose=False)
    own = [rnnlib.ElmanRNN(1, 3, 1, seed=s) for s in range(2)]
    rnnlib.fit(own, [np.array(X), np.array(X)], [np.array(Y), np.array(Y)], epochs=2, verbose=False)
    for s, net in enumerate(nets):
        alone = rnnlib.ElmanRNN(1, 3, 1, seed=s)
        hist = rnnlib.fit(alone, X, Y, epochs=2, verbose=False)  # one network: a list is just data
        assert all(np.array_equal(alone.params[k], net.params[k]) for k in net.param_names)
        assert all(np.array_equal(alone.params[k], own[s].params[k]) for k in net.param_names)
        assert hist.loss == shared[s].loss
    # a nested list of another length than the list of networks can only be shared data
    three = [rnnlib.ElmanRNN(1, 3, 1, seed=s) for s in range(3)]
    rnnlib.fit(three, X, Y, epochs=2, verbose=False)
    assert all(np.array_equal(three[s].W, nets[s].W) for s in range(2))


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
@pytest.mark.parametrize("side_by_side", [False, True])
def test_a_custom_loss_may_return_its_value_in_any_shape_of_size_one(shape, side_by_side):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((5, 3, 1))

    def loss(Y, target, mask):
        value, dY = rnnlib.mse(Y, target, mask)
        return np.reshape(value, shape), dY

    nets = [rnnlib.ElmanRNN(1, 3, 1, seed=s) for s in range(2)]
    hists = rnnlib.fit(nets if side_by_side else nets[0], X, X, loss=loss, epochs=2, verbose=False)
    ref = rnnlib.ElmanRNN(1, 3, 1, seed=0)
    expected = rnnlib.fit(ref, X, X, loss="mse", epochs=2, verbose=False)
    got = hists[0] if side_by_side else hists
    assert got.loss == expected.loss and np.array_equal(nets[0].W, ref.W)


def test_a_custom_loss_must_return_one_number():
    def loss(Y, target, mask):
        value, dY = rnnlib.mse(Y, target, mask)
        return np.array([value, value]), dY

    with pytest.raises(
        ValueError, match=r"must return the mean loss as one number .*got shape \(2,\)"
    ):
        rnnlib.fit(
            rnnlib.ElmanRNN(1, 3, 1),
            np.zeros((4, 1)),
            np.zeros((4, 1)),
            loss=loss,
            epochs=1,
            verbose=False,
        )
