"""rnnlib against an outside implementation: PyTorch.

The outputs and all five gradients (W, D, B, V, c) of ``ElmanRNN`` are compared
in float64, to 1e-8, with PyTorch's autograd: ``nn.RNN`` for tanh and relu (its
own recurrence, not ours), and a loop of torch operations for sigmoid, which
``nn.RNN`` does not offer. Then truncated BPTT by pieces (``fit(chunk=)``,
chapter 05): torch cannot truncate each output's error separately, but it can
cut the graph between pieces (``detach``) while the state is carried on.

torch is not part of the book's environment: .ci/run installs
tests/requirements-torch.txt in an environment of its own and runs this file
with RNNLIB_REQUIRE_TORCH=1, where a missing torch fails instead of skipping.
"""

import numpy as np
import pytest

import rnnlib
from helpers import require_optional

ACTIVATIONS = ("tanh", "relu", "sigmoid")
RTOL, ATOL = 1e-8, 1e-12


@pytest.fixture(scope="module")
def torch():
    torch = require_optional("torch")
    torch.set_num_threads(1)
    return torch


class TorchElman:
    """The same network in torch, holding copies of an ElmanRNN's weights as leaf tensors."""

    def __init__(self, torch, net):
        self.torch, self.activation = torch, net.activation

        def t(a):
            return torch.tensor(np.array(a), dtype=torch.float64)

        if net.activation in ("tanh", "relu"):
            self.rnn = torch.nn.RNN(
                net.n_in, net.n_hidden, nonlinearity=net.activation, dtype=torch.float64
            )
            with torch.no_grad():
                self.rnn.weight_ih_l0.copy_(t(net.W))
                self.rnn.weight_hh_l0.copy_(t(net.D))
                self.rnn.bias_ih_l0.copy_(t(net.B))
                self.rnn.bias_hh_l0.zero_()
            self.rnn.bias_hh_l0.requires_grad_(False)  # the basic RNN has one hidden threshold B
            self.P = {
                "W": self.rnn.weight_ih_l0,
                "D": self.rnn.weight_hh_l0,
                "B": self.rnn.bias_ih_l0,
            }
        else:
            self.P = {k: t(getattr(net, k)).requires_grad_() for k in ("W", "D", "B")}
        self.P["V"] = t(net.V).requires_grad_()
        self.P["c"] = t(net.c).requires_grad_()

    def forward(self, X, h0):
        """(Hs, Y) as tensors for a (T, N, I) input and an (N, H) initial state tensor."""
        torch, P = self.torch, self.P
        if self.activation in ("tanh", "relu"):
            Hs, _ = self.rnn(X, h0[None])
        else:
            h, states = h0, []
            for x in X:
                h = torch.sigmoid(x @ P["W"].T + h @ P["D"].T + P["B"])
                states.append(h)
            Hs = torch.stack(states)
        return Hs, Hs @ P["V"].T + P["c"]

    def grads(self):
        return {k: p.grad.numpy().copy() for k, p in self.P.items()}


def problem(activation, T=9, N=3, seed=0):
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(3, 5, 2, activation=activation, seed=seed)
    X = rng.standard_normal((T, N, 3))
    dY = rng.standard_normal((T, N, 2))
    h0 = 0.5 * rng.standard_normal((N, 5))
    return net, X, dY, h0


def assert_grads_close(ours, theirs, what):
    assert set(ours) == set(theirs) == {"W", "D", "B", "V", "c"}
    for k in ours:
        np.testing.assert_allclose(
            ours[k], theirs[k], rtol=RTOL, atol=ATOL, err_msg=f"{what}: gradient of {k}"
        )


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("T,N,with_h0", [(9, 3, True), (9, 3, False), (1, 2, True), (6, 1, True)])
def test_outputs_and_all_gradients_agree_with_torch(torch, activation, T, N, with_h0):
    net, X, dY, h0 = problem(activation, T, N)
    h0 = h0 if with_h0 else np.zeros_like(h0)
    Hs, Y = net.forward(X, h0 if with_h0 else None)
    ours = net.backward(X, dY, h0 if with_h0 else None)
    ref = TorchElman(torch, net)
    tHs, tY = ref.forward(torch.tensor(X), torch.tensor(h0))
    (tY * torch.tensor(dY)).sum().backward()  # backward returns the gradients of sum(dY * Y)
    np.testing.assert_allclose(Hs, tHs.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(Y, tY.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert_grads_close(ours, ref.grads(), f"{activation}, T={T}, N={N}")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_one_unbatched_sequence_agrees_with_torch(torch, activation):
    net, X, dY, h0 = problem(activation, T=7, N=1, seed=2)
    Y = net.forward(X[:, 0], h0[0])[1]
    ours = net.backward(X[:, 0], dY[:, 0], h0[0])
    ref = TorchElman(torch, net)
    tY = ref.forward(torch.tensor(X), torch.tensor(h0))[1]
    (tY * torch.tensor(dY)).sum().backward()
    np.testing.assert_allclose(Y, tY.detach().numpy()[:, 0], rtol=RTOL, atol=ATOL)
    assert_grads_close(ours, ref.grads(), f"{activation}, one sequence")


def pieces(T, chunk):
    return [slice(s, min(s + chunk, T)) for s in range(0, T, chunk)]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_truncation_by_pieces_agrees_with_torch_detach(torch, activation):
    """Gradients summed over pieces of 4 steps, each piece starting from the last state of the
    previous one: rnnlib's backward on each piece against torch with the graph cut (detach)
    between pieces. Cutting matters here: the full-BPTT gradient of D is different."""
    net, X, dY, h0 = problem(activation, T=10)
    ours = {k: np.zeros_like(v) for k, v in net.params.items()}
    h = h0
    for s in pieces(10, 4):
        Hs, _ = net.forward(X[s], h)
        for k, g in net.backward(X[s], dY[s], h).items():
            ours[k] += g
        h = Hs[-1]
    ref = TorchElman(torch, net)
    th = torch.tensor(h0)
    for s in pieces(10, 4):
        tHs, tY = ref.forward(torch.tensor(X[s]), th.detach())
        (tY * torch.tensor(dY[s])).sum().backward()  # .grad accumulates over the pieces
        th = tHs[-1]
    assert_grads_close(ours, ref.grads(), f"{activation}, pieces of 4")
    assert not np.allclose(ours["D"], net.backward(X, dY, h0)["D"], rtol=1e-3)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fit_by_pieces_agrees_with_torch_sgd(torch, activation):
    """fit(chunk=4, SGD, mse) over two epochs against the same loop in torch: forward a piece from
    the detached carried state, mean squared error, backward, p -= lr grad, carry the last state."""
    net, X, target, h0 = problem(activation, T=10, seed=5)
    lr, epochs = 0.1, 2
    ref = TorchElman(torch, net)
    rnnlib.fit(
        net,
        X,
        target,
        loss="mse",
        optimizer=rnnlib.SGD(lr=lr),
        epochs=epochs,
        chunk=4,
        h0=h0,
        verbose=False,
    )
    for _ in range(epochs):
        th = torch.tensor(h0)
        for s in pieces(10, 4):
            tHs, tY = ref.forward(torch.tensor(X[s]), th.detach())
            ((tY - torch.tensor(target[s])) ** 2).mean().backward()
            with torch.no_grad():
                for p in ref.P.values():
                    p -= lr * p.grad
                    p.grad = None
            th = tHs[-1]
    for k, p in ref.P.items():
        np.testing.assert_allclose(
            net.params[k],
            p.detach().numpy(),
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{activation}: {k} after fit",
        )
