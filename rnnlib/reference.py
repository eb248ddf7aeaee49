"""The whole RNN in one page: forward pass, BPTT, loss, Adam and training in plain numpy.

Chapter 02 (the formula, ``forward``) and chapter 05 (``bptt``, ``mse``,
``adam_step``, ``train``), written to be read in one sitting, in the spirit of
Karpathy's min-char-rnn:

    h_t = f(W x_t + D h_{t-1} + B)        h_0 given (zeros by default)
    y_t = V h_t + c

W (H, I), D (H, H), B (H,), V (O, H), c (O,), kept in a dict ``params``.
Sequences are time-major: X (T, N, I) for N sequences (or (T, I) for one).
A row h of a batch is a state, so D h_{t-1} is written ``h @ D.T``, and
D^T e is ``e @ D``.

This is the readable reference that the library's fast, reproducible
implementation (``rnnlib.ElmanRNN``, ``rnnlib.fit``, ``rnnlib.Adam``) is
tested against (tests/test_reference.py). It checks nothing, uses numpy's own
products and tanh (so its last bits depend on the machine), and imports
nothing from the rest of rnnlib.
"""

import numpy as np

# f(a), and its slope f'(a_t) written with h_t = f(a_t), so that a_t need not be kept
ACTIVATIONS = {
    "tanh": (np.tanh, lambda h: 1 - h * h),
    "relu": (lambda a: np.maximum(a, 0), lambda h: (h > 0).astype(h.dtype)),
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)), lambda h: h * (1 - h)),
}


def init(n_in, n_hidden, n_out, seed=0):
    """Initial weights (chapter 05), the same as ``rnnlib.ElmanRNN(n_in, n_hidden, n_out,
    seed=seed)``: uniform in [-1/sqrt(H), 1/sqrt(H)], drawn in the order W, D, B, V; c = 0 (draws
    nothing)."""
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(n_hidden)
    shapes = {
        "W": (n_hidden, n_in),
        "D": (n_hidden, n_hidden),
        "B": (n_hidden,),
        "V": (n_out, n_hidden),
    }
    params = {name: rng.uniform(-k, k, size=shape) for name, shape in shapes.items()}
    params["c"] = np.zeros(n_out)
    return params


def forward(params, X, h0=None, f="tanh"):
    """The formula of chapter 02, one step at a time: returns (Hs, Y), Hs[t] = h_{t+1}."""
    W, D, B, V, c = (params[name] for name in ("W", "D", "B", "V", "c"))
    f = ACTIVATIONS[f][0]
    A = X @ W.T + B  # W x_t + B for every step at once
    h = np.zeros_like(A[0]) if h0 is None else h0
    Hs = []
    for t in range(len(X)):
        h = f(A[t] + h @ D.T)  # h_t = f(W x_t + D h_{t-1} + B)
        Hs.append(h)
    Hs = np.array(Hs)
    return Hs, Hs @ V.T + c  # y_t = V h_t + c for every step


def rows(A):
    """(T, [N,] K) -> (T*N, K): every step (and sequence) as one row, for the sums over t."""
    return A.reshape(-1, A.shape[-1])


def bptt(params, X, dY, h0=None, truncate=None, f="tanh"):
    """Backpropagation through time (chapter 05): gradients of sum(dY * Y), keyed W, D, B, V, c.

    ``truncate=k``: the error of the output at step s reaches a_t only when
    s - t < k (k = 1 is Elman's 1990 rule: h_{t-1} counts as a fixed input).
    None (or k >= T) is full BPTT.
    """
    D, V = params["D"], params["V"]
    Hs, _ = forward(params, X, h0, f)
    Fp = ACTIVATIONS[f][1](Hs)  # f'(a_t) for every step
    dH = dY @ V  # V^T dY_t: the error reaching h_t from y_t
    dA = np.zeros_like(Hs)  # dL/da_t, a_t = W x_t + D h_{t-1} + B
    if truncate is None:
        da = np.zeros_like(Hs[0])  # dL/da_{T+1} = 0
        for t in reversed(range(len(X))):
            da = dA[t] = (dH[t] + da @ D) * Fp[t]  # dL/da_t = (V^T dY_t + D^T dL/da_{t+1}) f'(a_t)
    else:
        for s in range(len(X)):
            e = dH[s] * Fp[s]  # the error of output s at a_s, dL_s/da_s ...
            dA[s] += e
            for t in range(s - 1, max(s - truncate, -1), -1):  # ... reaches a_t for s - t < k
                e = (e @ D) * Fp[t]  # dL_s/da_t = (D^T dL_s/da_{t+1}) f'(a_t)
                dA[t] += e
    H0 = np.zeros_like(Hs[0]) if h0 is None else np.broadcast_to(h0, Hs[0].shape)
    Hprev = np.concatenate([H0[None], Hs[:-1]])  # h_{t-1} for every step
    # each weight is shared by every step: its gradient is a sum over t (and the sequences)
    return {
        "W": rows(dA).T @ rows(X),  # sum_t dL/da_t x_t^T
        "D": rows(dA).T @ rows(Hprev),  # sum_t dL/da_t h_{t-1}^T
        "B": rows(dA).sum(axis=0),  # sum_t dL/da_t
        "V": rows(dY).T @ rows(Hs),  # sum_t dY_t h_t^T
        "c": rows(dY).sum(axis=0),
    }  # sum_t dY_t


def mse(Y, target):
    """Mean squared error over every entry and its gradient dY (chapter 05): (loss, dY)."""
    diff = Y - target
    return np.mean(diff * diff), 2 * diff / diff.size


def adam_step(params, grads, state, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update in place (Kingma & Ba 2015, bias-corrected; chapter 05).

    ``state`` is a dict, empty before the first step, that keeps the step count
    t and the running means m of g and v of g^2 of each parameter.
    """
    t = state["t"] = state.get("t", 0) + 1
    for name, g in grads.items():
        m, v = state.get(name, (0.0, 0.0))
        m = beta1 * m + (1 - beta1) * g  # m <- b1 m + (1 - b1) g
        v = beta2 * v + (1 - beta2) * g * g  # v <- b2 v + (1 - b2) g^2
        state[name] = (m, v)
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        params[name] -= (
            lr * m_hat / (np.sqrt(v_hat) + eps)
        )  # p <- p - lr m_hat / (sqrt(v_hat) + eps)


def train(params, X, target, epochs, lr=0.01):
    """Full-batch training (chapter 05): forward, mse, BPTT, Adam, ``epochs`` times.

    Updates ``params`` in place; returns the loss of each epoch (before its update).
    """
    state, losses = {}, []
    for _ in range(epochs):
        _, Y = forward(params, X)
        loss, dY = mse(Y, target)
        adam_step(params, bptt(params, X, dY), state, lr)
        losses.append(loss)
    return losses
