"""The checks of tests/evidence.py can fail: each rejects a deliberately wrong implementation.

rnnlib passes the same checks in tests/test_optim.py, tests/test_train.py and
tests/test_elman.py.
The wrong implementations are the mistakes these checks exist to catch: Adam without bias
correction, Adam dividing by v_hat instead of sqrt(v_hat), SGD with dampened
momentum, clipping removed (or done per array), a fit that drops the state
carried between pieces, and truncated BPTT that credits a step's gradient to
the wrong step (or lets the error through one state too many).
"""

import numpy as np
import pytest

import evidence
import rnnlib
from helpers import REFERENCE_ACTIVATIONS


# ------------------------------------------------------------ broken optimisers
class AdamWithoutBiasCorrection:
    def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.state = lr, beta1, beta2, eps, {}

    def update(self, m, v):
        return m / (np.sqrt(v) + self.eps)

    def step(self, params, grads):
        self.t = getattr(self, "t", 0) + 1
        for k, p in params.items():
            m, v = self.state.get(k, (0.0, 0.0))
            m = self.b1 * m + (1 - self.b1) * grads[k]
            v = self.b2 * v + (1 - self.b2) * grads[k] ** 2
            self.state[k] = (m, v)
            p -= self.lr * self.update(m, v)


class AdamWithVhatNotItsRoot(AdamWithoutBiasCorrection):
    def update(self, m, v):
        m_hat, v_hat = m / (1 - self.b1**self.t), v / (1 - self.b2**self.t)
        return m_hat / (v_hat + self.eps)


class SGDWithDampenedMomentum:
    def __init__(self, lr=0.1, momentum=0.0):
        self.lr, self.m, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            v = self.m * self.state.get(k, 0.0) + (1 - self.m) * grads[k]
            self.state[k] = v
            p -= self.lr * v


class SGDWithSharedVelocity(SGDWithDampenedMomentum):
    """Momentum kept in one velocity for all parameters of the same shape (a keying mistake)."""

    def step(self, params, grads):
        for k, p in params.items():
            v = self.m * self.state.get(p.shape, 0.0) + grads[k]
            self.state[p.shape] = v
            p -= self.lr * v


@pytest.mark.parametrize("broken", [AdamWithoutBiasCorrection, AdamWithVhatNotItsRoot])
def test_check_adam_rejects(broken):
    evidence.check_adam(rnnlib.Adam)
    with pytest.raises(AssertionError):
        evidence.check_adam(broken)


def test_check_momentum_rejects_dampened_momentum():
    evidence.check_momentum(rnnlib.SGD)
    with pytest.raises(AssertionError, match="momentum step 1"):
        evidence.check_momentum(SGDWithDampenedMomentum)


def test_check_sgd_rejects_a_momentum_left_on():
    with pytest.raises(AssertionError, match="SGD step 2"):
        evidence.check_sgd(lambda lr: rnnlib.SGD(lr=lr, momentum=0.5))


# ------------------------------------------------------------ broken clipping
def clip_removed(grads, max_norm):
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))


def clip_each_array(grads, max_norm):
    norm = clip_removed(grads, max_norm)
    for g in grads.values():
        n = np.sqrt(np.sum(g**2))
        if n > max_norm:
            g *= max_norm / n
    return norm


@pytest.mark.parametrize("broken", [clip_removed, clip_each_array])
def test_check_clip_rejects(broken):
    evidence.check_clip(rnnlib.clip_grad_norm)
    with pytest.raises(AssertionError):
        evidence.check_clip(broken)


def fit_ignoring_clip(*args, clip=None, **kw):
    return rnnlib.fit(*args, **kw)


def test_check_fit_clips_rejects_a_fit_without_clipping():
    evidence.check_fit_clips(rnnlib.fit)
    with pytest.raises(AssertionError, match="update norm"):
        evidence.check_fit_clips(fit_ignoring_clip)


# ------------------------------------------------------------ a fit that drops the state
def fit_restarting_each_piece(model, X, target, chunk=None, epochs=1, h0=None, mask=None, **kw):
    """fit(chunk=) built from whole-piece fits: every piece starts again from h0."""
    T = X.shape[0]
    chunk = chunk or T
    for _ in range(epochs):
        for start in range(0, T, chunk):
            s = slice(start, start + chunk)
            if mask is not None and not mask[s].any():
                continue
            rnnlib.fit(
                model,
                X[s],
                target[s],
                epochs=1,
                h0=h0,
                mask=None if mask is None else mask[s],
                **kw,
            )


@pytest.mark.parametrize("mask_first", [False, True])
def test_check_fit_chunks_rejects_a_fit_that_drops_the_state(mask_first):
    evidence.check_fit_chunks(rnnlib.fit, mask_first=mask_first)
    with pytest.raises(AssertionError, match="hand-chained backward differ"):
        evidence.check_fit_chunks(fit_restarting_each_piece, mask_first=mask_first)


# ------------------------------------------------------------ broken truncation
def truncated_step_gradients(net, X, dY, h0, k):
    """dL/da_t of truncated BPTT (its own recursion), with the states: (dA, hs)."""
    f = REFERENCE_ACTIVATIONS[net.activation]
    slope = evidence.REFERENCE_SLOPES[net.activation]
    hs = [np.broadcast_to(h0, (X.shape[1], net.n_hidden))]
    for x in X:
        hs.append(f(x @ net.W.T + hs[-1] @ net.D.T + net.B))
    hs = np.array(hs)
    Fp = slope(hs[1:])
    E = (dY @ net.V) * Fp
    dA = E.copy()
    for _ in range(1, k):
        E = np.concatenate([(E[1:] @ net.D) * Fp[:-1], np.zeros_like(E[:1])])
        dA += E
    return dA, hs


def credit(dA, X, hs):
    return {
        "W": np.einsum("tnh,tni->hi", dA, X),
        "D": np.einsum("tnh,tnj->hj", dA, hs[:-1]),
        "B": dA.sum(axis=(0, 1)),
    }


def truncation_credited_to_the_next_step(net, X, dY, h0, k):
    dA, hs = truncated_step_gradients(net, X, dY, h0, k)
    return credit(np.roll(dA, 1, axis=0), X, hs)


def truncation_one_state_too_far(net, X, dY, h0, k):
    dA, hs = truncated_step_gradients(net, X, dY, h0, k + 1)
    return credit(dA, X, hs)


def correct_truncation(net, X, dY, h0, k):
    dA, hs = truncated_step_gradients(net, X, dY, h0, k)
    return credit(dA, X, hs)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_the_separate_recursion_is_right(activation):
    """The broken variants start from a correct recursion: without the mistake it passes."""
    evidence.check_truncated_backward(correct_truncation, activation)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_check_truncation_rejects_gradient_credited_to_the_wrong_step(activation):
    net, X, dY, h0 = evidence.truncation_problem(activation)
    wrong = truncation_credited_to_the_next_step(net, X, dY, h0, 2)
    # B is a sum over the steps and cannot see the mistake: the old test compared only B
    np.testing.assert_allclose(
        wrong["B"], evidence.brute_force_truncated(net, X, dY, h0, 2)["B"], rtol=1e-12
    )
    with pytest.raises(AssertionError, match="gradient of W"):
        evidence.check_truncated_backward(truncation_credited_to_the_next_step, activation)


def test_check_truncation_rejects_a_window_one_state_too_long():
    with pytest.raises(AssertionError):
        evidence.check_truncated_backward(truncation_one_state_too_far)
