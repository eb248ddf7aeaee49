"""Losses, optimisers, clipping and the fit loop (chapter 05)."""
import numpy as np
import pytest

import rnnlib
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
    assert rnnlib.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))[0] == pytest.approx(np.log(4))
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
        rnnlib.fit(rnnlib.ElmanRNN(1, 2, 1), np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge", epochs=1)


def test_clip_grad_norm_rescales_only_large_gradients():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert rnnlib.clip_grad_norm(grads, 10.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(5.0)
    assert rnnlib.clip_grad_norm(grads, 1.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    with pytest.raises(ValueError, match="max_norm must be positive"):
        rnnlib.clip_grad_norm(grads, 0)


@pytest.mark.parametrize("opt", [rnnlib.SGD(lr=0.1), rnnlib.SGD(lr=0.05, momentum=0.9), rnnlib.Adam(lr=0.1)])
def test_optimisers_minimise_a_quadratic(opt):
    p = {"x": np.array([3.0, -2.0])}
    for _ in range(300):
        opt.step(p, {"x": 2 * p["x"]})
    assert np.abs(p["x"]).max() < 1e-2


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


def test_fit_with_chunks_and_clipping(rng):
    """Truncated BPTT by chunks, carrying h across chunks, still learns the task."""
    X, Y = delayed_copy_task(rng, T=40, N=32)
    net = rnnlib.ElmanRNN(1, 8, 1, seed=1)
    hist = rnnlib.fit(net, X, Y, epochs=60, chunk=10, clip=1.0, verbose=False, optimizer=rnnlib.Adam(0.02))
    assert hist.final_loss < 0.02
    assert max(hist.grad_norm) > 0


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
    hist = rnnlib.fit(net, X, Y, epochs=20, batch_size=4, verbose=False, callback=lambda e, h: e < 3)
    assert len(hist.loss) == 3 and len(hist.step_loss) == 3 * 4 and not hist.diverged


def test_fit_skips_fully_masked_chunks_but_carries_the_state(rng):
    X, Y = delayed_copy_task(rng, T=20, N=8)
    mask = np.ones((20, 8))
    mask[:10] = 0                      # the first chunk of 10 has nothing to learn from
    net = rnnlib.ElmanRNN(1, 4, 1)
    hist = rnnlib.fit(net, X, Y, mask=mask, chunk=10, epochs=3, verbose=False)
    assert len(hist.step_loss) == 3    # one update per epoch: the second chunk only


def test_fit_refuses_bad_arguments_in_its_own_words():
    net, X, Y = rnnlib.ElmanRNN(1, 2, 1), np.zeros((4, 3, 1)), np.zeros((4, 3, 1))
    with pytest.raises(TypeError, match="optimizer must be an optimiser object"):
        rnnlib.fit(net, X, Y, optimizer="adam", epochs=1)
    with pytest.raises(TypeError, match="callback must be a function"):
        rnnlib.fit(net, X, Y, callback=5, epochs=1)
    with pytest.raises(ValueError, match="clip must be a positive number"):
        rnnlib.fit(net, X, Y, clip=-1, epochs=1)
    with pytest.raises(TypeError, match="seed must be a non-negative integer"):
        rnnlib.fit(net, X, Y, seed="a", epochs=1)
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
