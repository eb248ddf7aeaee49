"""rnnlib/train.py: the fit loop (chapter 05), alone and with networks side by side."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import evidence
import rnnlib
from helpers import (
    GOOD_KINDS,
    REFUSED,
    arrays,
    call,
    misuse_data,
    mostly,
    sequences_for,
    small_net,
    weights,
)
from rnnlib import tasks


# ------------------------------------------------------------------------------- misuse
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
    X, target = misuse_data()
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


# ---------------------------------------------------------------------------------- fit
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


# ------------------------- side by side: networks trained together end exactly as alone
def _xor_data(seed, N=24):
    return tasks.xor_previous(12, N, seed=seed)


@pytest.mark.parametrize(
    "make, extra",
    [
        (lambda s: rnnlib.ElmanRNN(1, 6, 1, seed=s), dict(chunk=5, clip=0.5)),
        (
            lambda s: rnnlib.ElmanRNN(1, 6, 1, activation="relu", seed=s),
            dict(truncate=2, batch_size=10),
        ),
        (lambda s: rnnlib.JordanRNN(1, 6, 1, feedback="sigmoid", seed=s), dict(batch_size=8)),
        (lambda s: rnnlib.FeedForward(1, 6, 1, seed=s), dict()),
    ],
)
def test_networks_trained_side_by_side_end_exactly_as_alone(make, extra):
    seeds = [0, 1, 2]
    data = [_xor_data(10 + s) for s in seeds]
    together = [make(s) for s in seeds]
    hists = rnnlib.fit(
        together,
        [d[0] for d in data],
        [d[1] for d in data],
        mask=[d[2] for d in data],
        loss="bce",
        optimizer=rnnlib.Adam(lr=0.05),
        epochs=6,
        seed=seeds,
        verbose=False,
        **extra,
    )
    for s, net, hist, (X, t, m) in zip(seeds, together, hists, data, strict=True):
        alone = make(s)
        h = rnnlib.fit(
            alone,
            X,
            t,
            mask=m,
            loss="bce",
            optimizer=rnnlib.Adam(lr=0.05),
            epochs=6,
            seed=s,
            verbose=False,
            **extra,
        )
        assert h.step_loss == hist.step_loss and h.step_grad_norm == hist.step_grad_norm
        for name in alone.param_names:
            assert np.array_equal(alone.params[name], net.params[name]), name


def test_side_by_side_with_mse_cross_entropy_h0_and_shared_data():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((10, 6, 2))
    labels = rng.integers(0, 3, size=(10, 6))
    h0 = rng.standard_normal((6, 4))
    for loss, target in (("mse", rng.standard_normal((10, 6, 3))), ("cross_entropy", labels)):
        nets = [rnnlib.ElmanRNN(2, 4, 3, seed=s) for s in (3, 4)]
        rnnlib.fit(
            nets, X, target, loss=loss, h0=h0, epochs=3, batch_size=4, seed=[0, 1], verbose=False
        )
        for s, net in zip((0, 1), nets, strict=True):
            alone = rnnlib.ElmanRNN(2, 4, 3, seed=3 + s)
            rnnlib.fit(
                alone, X, target, loss=loss, h0=h0, epochs=3, batch_size=4, seed=s, verbose=False
            )
            assert all(np.array_equal(alone.params[k], net.params[k]) for k in alone.param_names)


def test_a_callback_sees_each_network_of_the_stack_as_it_is_at_that_epoch():
    """Chapter 07 scores each seed on the validation years while it trains, all seeds side by side:
    what the callback sees of each network, epoch by epoch, is what it would see training alone."""
    seeds = [0, 1, 2]
    data = [_xor_data(20 + s) for s in seeds]

    def score(net, X):
        return float(np.sum(net.forward(X)[1]))

    together = [rnnlib.ElmanRNN(1, 5, 1, seed=s) for s in seeds]
    seen = []
    rnnlib.fit(
        together,
        [d[0] for d in data],
        [d[1] for d in data],
        mask=[d[2] for d in data],
        loss="bce",
        optimizer=rnnlib.Adam(lr=0.05),
        epochs=5,
        batch_size=8,
        seed=seeds,
        verbose=False,
        callback=lambda epoch, hists: seen.append(
            [score(n, d[0]) for n, d in zip(together, data, strict=True)]
        ),
    )
    for i, (s, (X, t, m)) in enumerate(zip(seeds, data, strict=True)):
        alone, own = rnnlib.ElmanRNN(1, 5, 1, seed=s), []
        rnnlib.fit(
            alone,
            X,
            t,
            mask=m,
            loss="bce",
            optimizer=rnnlib.Adam(lr=0.05),
            epochs=5,
            batch_size=8,
            seed=s,
            verbose=False,
            callback=lambda epoch, hist, own=own, alone=alone, X=X: own.append(score(alone, X)),
        )
        assert [row[i] for row in seen] == own
    assert len({tuple(row) for row in seen}) == 5  # the networks changed from epoch to epoch


def test_a_diverging_network_stops_alone_and_the_others_go_on(capsys):
    X, t, m = _xor_data(3)
    nets = [rnnlib.ElmanRNN(1, 6, 1, seed=s, activation="relu") for s in (0, 1)]
    nets[1].D = 40 * np.eye(6)  # its states overflow at once
    nets[1].W = 40 * np.ones((6, 1))
    hists = rnnlib.fit(
        nets, X, t, mask=m, loss="mse", optimizer=rnnlib.SGD(lr=0.05), epochs=4, verbose=True
    )
    assert hists[1].diverged and not hists[0].diverged and len(hists[0].loss) == 4
    assert "network 1: stopped" in capsys.readouterr().out
    alone = rnnlib.ElmanRNN(1, 6, 1, seed=0, activation="relu")
    rnnlib.fit(
        alone, X, t, mask=m, loss="mse", optimizer=rnnlib.SGD(lr=0.05), epochs=4, verbose=False
    )
    assert all(np.array_equal(alone.params[k], nets[0].params[k]) for k in alone.param_names)


def test_side_by_side_refuses_mixed_networks_and_mismatched_lists():
    X, t, m = _xor_data(4)
    with pytest.raises(ValueError, match="same kind, sizes"):
        rnnlib.fit(
            [rnnlib.ElmanRNN(1, 4, 1), rnnlib.ElmanRNN(1, 5, 1)], X, t, epochs=1, verbose=False
        )
    net = rnnlib.ElmanRNN(1, 4, 1)
    with pytest.raises(ValueError, match="same network twice"):
        rnnlib.fit([net, net], X, t, epochs=1, verbose=False)
    with pytest.raises(ValueError, match="one entry per network"):
        rnnlib.fit(
            [rnnlib.ElmanRNN(1, 4, 1), rnnlib.ElmanRNN(1, 4, 1)], [X], t, epochs=1, verbose=False
        )
    with pytest.raises(ValueError, match="non-empty"):
        rnnlib.fit([], X, t)


# ------------------------------------------ properties: random arguments (helpers.call)
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
