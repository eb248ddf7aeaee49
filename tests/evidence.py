"""Checks with exact expectations, written once and applied twice.

Each ``check_*`` function takes an implementation (an optimiser factory, a
clipping function, a ``fit``, a truncated ``backward``) and asserts what the
maths of chapter 05 says it must do. The tests apply them to rnnlib, where they
must pass (tests/test_optim.py, tests/test_train.py, tests/test_elman.py), and to deliberately
broken implementations, where they must fail (tests/test_broken_variants.py):
that is the evidence that the checks can fail.

The expected values are worked out here by hand from the definitions, not by
calling rnnlib's implementation; truncated BPTT's comes from ``rnnlib.reference``,
the one-page plain-numpy reference, which shares no code with it.
"""

import numpy as np

import rnnlib
from rnnlib import reference

# the slope f'(a) written with h = f(a), independently of rnnlib.activations
REFERENCE_SLOPES = {
    "tanh": lambda h: 1 - h**2,
    "relu": lambda h: (h > 0).astype(float),
    "sigmoid": lambda h: h * (1 - h),
}


# ---------------------------------------------------------------- optimisers
def _two_params():
    """Two parameters of different shapes, one float32: updates must stay per name and in place."""
    return {"a": np.array([1.0, -2.0, 0.5]), "b": np.array([[0.25, 4.0]], dtype=np.float32)}


G1 = {"a": np.array([0.5, -3.0, 0.0]), "b": np.array([[2.0, -0.25]], dtype=np.float32)}
G2 = {"a": np.array([-1.5, 1.0, 0.75]), "b": np.array([[2.0, 0.5]], dtype=np.float32)}


def _assert_step(params, arrays, expected, what):
    for name, p in params.items():
        assert p is arrays[name], f"{what}: parameter {name} was replaced, not updated in place"
        tol = 1e-12 if p.dtype == np.float64 else 1e-6
        np.testing.assert_allclose(
            p, expected[name], rtol=tol, atol=tol, err_msg=f"{what}: parameter {name}"
        )


def check_sgd(make_sgd, lr=0.1):
    """Plain SGD, two steps by hand: p1 = p0 - lr g1, p2 = p1 - lr g2."""
    params = _two_params()
    arrays = dict(params)
    p0 = {k: v.astype(float) for k, v in params.items()}
    opt = make_sgd(lr=lr)
    opt.step(params, G1)
    _assert_step(params, arrays, {k: p0[k] - lr * G1[k] for k in p0}, "SGD step 1")
    opt.step(params, G2)
    _assert_step(params, arrays, {k: p0[k] - lr * G1[k] - lr * G2[k] for k in p0}, "SGD step 2")
    assert params["b"].dtype == np.float32, "SGD changed a float32 parameter's dtype"


def check_momentum(make_sgd, lr=0.1, m=0.9):
    """SGD with momentum m, two steps by hand: v1 = g1, p1 = p0 - lr g1;
    v2 = m g1 + g2, p2 = p1 - lr (m g1 + g2). (A dampened momentum, v <- m v + (1 - m) g,
    moves the first step by only lr (1 - m) g1.)"""
    params = _two_params()
    arrays = dict(params)
    p0 = {k: v.astype(float) for k, v in params.items()}
    opt = make_sgd(lr=lr, momentum=m)
    opt.step(params, G1)
    p1 = {k: p0[k] - lr * G1[k] for k in p0}
    _assert_step(params, arrays, p1, "momentum step 1")
    opt.step(params, G2)
    _assert_step(
        params, arrays, {k: p1[k] - lr * (m * G1[k] + G2[k]) for k in p0}, "momentum step 2"
    )


def check_adam(make_adam, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Adam with bias correction (Kingma & Ba 2015), two steps by hand.

    Step 1: m_hat = g1 and v_hat = g1^2 exactly, so p1 = p0 - lr g1 / (|g1| + eps):
    every entry moves by lr (or 0 where g1 = 0), whatever the size of g1.
    Step 2: m_hat = (b1 (1-b1) g1 + (1-b1) g2) / (1 - b1^2),
    v_hat = (b2 (1-b2) g1^2 + (1-b2) g2^2) / (1 - b2^2), p2 = p1 - lr m_hat / (sqrt(v_hat) + eps).
    """
    params = _two_params()
    arrays = dict(params)
    p0 = {k: v.astype(float) for k, v in params.items()}
    opt = make_adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    opt.step(params, G1)
    p1 = {k: p0[k] - lr * G1[k] / (np.abs(G1[k]) + eps) for k in p0}
    _assert_step(params, arrays, p1, "Adam step 1")
    g1, g2 = G1, G2
    m_hat = {k: (b1 * (1 - b1) * g1[k] + (1 - b1) * g2[k]) / (1 - b1**2) for k in p0}
    v_hat = {k: (b2 * (1 - b2) * g1[k] ** 2 + (1 - b2) * g2[k] ** 2) / (1 - b2**2) for k in p0}
    opt.step(params, G2)
    _assert_step(
        params,
        arrays,
        {k: p1[k] - lr * m_hat[k] / (np.sqrt(v_hat[k]) + eps) for k in p0},
        "Adam step 2",
    )


def check_clip(clip_fn):
    """Clipping to a global norm (Pascanu et al. 2013): above the limit, the gradients are
    rescaled together so that their global norm is exactly the limit and their direction
    is kept; below it they are left as they are. The norm before clipping is returned."""
    g = {"a": np.array([3.0, 0.0, -4.0]), "b": np.array([[12.0]])}  # global norm 13
    original = {k: v.copy() for k, v in g.items()}
    assert clip_fn(g, 6.5) == 13.0
    norm = np.sqrt(sum(np.sum(v**2) for v in g.values()))
    assert abs(norm - 6.5) <= 1e-12 * 6.5, f"norm after clipping {norm}, limit 6.5"
    for k in g:
        np.testing.assert_allclose(
            g[k], original[k] * 0.5, rtol=1e-15, err_msg=f"direction of {k} not kept"
        )
    small = {"a": np.array([0.3, -0.4])}
    assert clip_fn(small, 1.0) == 0.5
    np.testing.assert_array_equal(small["a"], [0.3, -0.4])


# ---------------------------------------------------------------- fit
def training_problem(activation="tanh", T=12, N=4, seed=0, h0=True):
    """A small batched problem with a nonzero h0 per sequence, for fit against hand-written
    loops."""
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(2, 5, 2, activation=activation, seed=seed + 1)
    if activation == "relu":
        net.B = net.B + 0.2
    X = rng.standard_normal((T, N, 2))
    Y = rng.standard_normal((T, N, 2))
    H0 = 0.5 * rng.standard_normal((N, 5)) if h0 else None
    return net, X, Y, H0


def _copy(net):
    twin = rnnlib.ElmanRNN(
        net.n_in, net.n_hidden, net.n_out, activation=net.activation, dtype=net.dtype
    )
    for k, v in net.params.items():
        setattr(twin, k, v)
    return twin


def chained_by_hand(net, X, Y, h0, chunk, lr, truncate=None, mask=None, epochs=1):
    """What ``fit(chunk=, optimizer=SGD(lr), batch_size=N)`` must do, written with forward,
    mse, backward and an SGD update: each piece starts from the last state of the one before
    (computed before the update), and a piece with an all-zero mask is run but not trained on."""
    T = X.shape[0]
    for _ in range(epochs):
        h = h0
        for start in range(0, T, chunk):
            s = slice(start, start + chunk)
            Hs, Yp = net.forward(X[s], h)
            if mask is None or mask[s].any():
                _, dY = rnnlib.mse(Yp, Y[s], None if mask is None else mask[s])
                kw = {} if truncate is None else {"truncate": truncate}
                g = net.backward(X[s], dY, h, **kw)
                for k, p in net.params.items():
                    p -= lr * g[k]
            h = Hs[-1]
    return net


def check_fit_chunks(fit_fn, activation="tanh", truncate=None, mask_first=False, chunk=4):
    """``fit`` with ``chunk=`` (one batch of all sequences, SGD) equals the hand-chained
    ``backward`` calls carrying the state, to 1e-10. Also checks that carrying the state
    matters here, so a fit that restarts every piece from h0 cannot pass by luck."""
    net, X, Y, H0 = training_problem(activation)
    T, N = X.shape[:2]
    mask = None
    if mask_first:
        mask = np.ones((T, N))
        mask[:chunk] = 0
    lr = 0.05
    expected = chained_by_hand(_copy(net), X, Y, H0, chunk, lr, truncate, mask, epochs=2)
    fit_fn(
        net,
        X,
        Y,
        optimizer=rnnlib.SGD(lr=lr),
        epochs=2,
        chunk=chunk,
        h0=H0,
        truncate=truncate,
        mask=mask,
        verbose=False,
    )
    for k in net.param_names:
        np.testing.assert_allclose(
            net.params[k],
            expected.params[k],
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"fit(chunk={chunk}) and hand-chained backward differ in {k}",
        )


def check_fit_clips(fit_fn):
    """With clip=c and one SGD(lr) step, the update is the gradient rescaled to norm c:
    its global norm is exactly lr * c (when the gradient's norm is above c), and its
    direction is the gradient's."""
    net, X, Y, H0 = training_problem()
    X, Y = 3 * X, 3 * Y
    before = {k: v.copy() for k, v in net.params.items()}
    _, dY = rnnlib.mse(net.forward(X, H0)[1], Y)
    g = net.backward(X, dY, H0)
    gnorm = np.sqrt(sum(np.sum(v**2) for v in g.values()))
    c, lr = 0.1, 0.5
    assert gnorm > 2 * c, "the test problem must have a gradient above the limit"
    fit_fn(net, X, Y, optimizer=rnnlib.SGD(lr=lr), epochs=1, clip=c, h0=H0, verbose=False)
    step = {k: before[k] - net.params[k] for k in before}
    norm = np.sqrt(sum(np.sum(v**2) for v in step.values()))
    assert abs(norm - lr * c) <= 1e-10 * lr * c, (
        f"update norm {norm}, expected lr * clip = {lr * c}"
    )
    for k in step:
        np.testing.assert_allclose(step[k], lr * c / gnorm * g[k], rtol=1e-8, atol=1e-14)


# ---------------------------------------------------------------- truncated BPTT
def brute_force_truncated(net, X, dY, h0, k):
    """Truncated BPTT written output by output: the error of output s reaches
    a_s, a_{s-1}, ..., a_{s-k+1} (k hidden states), and each a_t credits W with x_t,
    D with h_{t-1} and B with 1. Returns {W, D, B}. X is (T, N, I), dY (T, N, O), h0 (N, H).

    That is the truncated branch of ``rnnlib.reference.bptt`` (the loop over outputs s),
    a different computation from rnnlib's (``ElmanRNN._truncated_grads``: the errors of
    all outputs moved back one step at a time)."""
    grads = reference.bptt(net.params, X, dY, h0, truncate=k, f=net.activation)
    return {name: grads[name] for name in ("W", "D", "B")}


def truncation_problem(activation, T=7, N=3, seed=3):
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(3, 4, 2, activation=activation, seed=seed)
    if activation == "relu":
        net.B = net.B + 0.3
    X = rng.standard_normal((T, N, 3))
    dY = rng.standard_normal((T, N, 2))
    h0 = rng.standard_normal((N, 4))
    return net, X, dY, h0


def check_truncated_backward(backward_fn, activation="tanh", ks=(1, 2, 3, 5)):
    """truncate=k < T against the brute force, on W, D and B (batched, nonzero h0)."""
    net, X, dY, h0 = truncation_problem(activation)
    for k in ks:
        assert k < X.shape[0]
        got = backward_fn(net, X, dY, h0, k)
        want = brute_force_truncated(net, X, dY, h0, k)
        for name in ("W", "D", "B"):
            np.testing.assert_allclose(
                got[name],
                want[name],
                rtol=1e-10,
                atol=1e-12,
                err_msg=f"truncate={k}, {activation}: gradient of {name}",
            )
