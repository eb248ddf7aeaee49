# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05. Training by backpropagation through time
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F05_training_bptt.ipynb)
#
# The article describes what the basic RNN computes and how to read it, and stops there:
# it never says where the three weights (权重) $W, D, V$ and the two thresholds (阈值, i.e.
# biases) $B, c$ come from. This chapter goes beyond the article and answers that
# question. The parameters are *learned*: we choose a loss that measures how wrong the
# outputs are and follow its gradient downhill. Computing that gradient for a network
# that is unrolled over time is called **backpropagation through time** (BPTT). We derive
# it step by step, write it as a short numpy loop, check it against `rnnlib` and against
# finite differences, train with it, and then look at what makes it hard: gradients that
# vanish or explode over long time spans. Two standard tools close the chapter: gradient
# clipping, against explosions, and truncation, against the cost of long sequences. Short
# definitions of the terms used here are in the introduction (see the
# [glossary](00_introduction.ipynb#Glossary)).
#
# **What you will learn**
#
# - how a loss over a whole sequence turns into one number per output, $\partial L/\partial y_t$;
# - the four formulas of BPTT in the book's notation, and why the hidden-layer error runs *backwards* in time;
# - how to check any gradient code against finite differences, and what the relative errors should look like;
# - how to train the basic RNN with `rnnlib.fit` on a task that needs memory;
# - why gradients vanish or explode: the product of the factors $\operatorname{diag}(f'(a_t))\,D$ and the bound $(\gamma\lVert D\rVert)^k$, measured;
# - why storing a bit robustly and receiving a gradient pull against each other (Bengio et al., 1994);
# - how to tell an exploding gradient from a learning rate that is too large, by the gradient norm of each parameter;
# - what gradient-norm clipping does at a cliff of the loss, and what entry-wise clipping does instead;
# - what the two kinds of truncated BPTT cost and give up: with a window shorter than the dependency, the task cannot be learned.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb) and [04. The hidden view](04_hidden_view.ipynb);
# the chain rule; matrix-vector products and transposes.
#
# **Time to read:** about 50 minutes.

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS thread: faster for our small matrices (set before numpy loads)
import numpy as np

import rnnlib
from rnnlib import diagrams, gradients, plotting, portable, tasks
from rnnlib.linalg import scale_spectral_radius, spectral_radius

plt = plotting.use_style()
C = plotting.PALETTE

# %% [markdown]
# ## 1. A task that needs memory, and the loss
#
# To have something to learn we use **delayed recall**: the input is a stream of random
# bits $x_t \in \{0, 1\}$ and the wanted output at step $t$ is the bit seen $\tau$ steps
# earlier, $y^*_t = x_{t-\tau}$ (we call $\tau$ the *lag*, since $L$ is the loss). No single
# input says anything about the target; the network can only succeed if its hidden layer
# (隐层) carries $x_{t-\tau}$ for $\tau$ steps, which is exactly the job chapter 04 gave it.
# For the first $\tau$ steps the target does not exist, so a *mask* $m_t$ leaves those steps
# out. We take $\tau = 8$; `rnnlib.tasks.delayed_bit` (chapter 03) makes such streams, targets
# and masks.
#
# The loss is the mean squared error over the counted steps and output units,
#
# $$L = \frac{1}{n} \sum_{t=1}^{T} m_t \,\lVert y_t - y^*_t\rVert^2, \qquad n = O \sum_t m_t .$$
#
# Whatever the loss, BPTT needs only one thing from it: the derivative with respect to
# each output, $\partial L/\partial y_t = \tfrac{2}{n}\, m_t\, (y_t - y^*_t)$. The losses in
# `rnnlib` return the value and this array `dY` together. Always answering $0.5$ gives a
# loss of $0.25$ on fair bits: that is the chance level to beat.

# %%
LAG = 8
X, Y, M = tasks.delayed_bit(T=24, N=32, k=LAG, seed=0)                 # training set
X_test, Y_test, M_test = tasks.delayed_bit(T=24, N=256, k=LAG, seed=1)  # held-out streams

net = rnnlib.ElmanRNN(1, 16, 1, seed=0)
_, out = net.forward(X)
loss, dY = rnnlib.mse(out, Y, M)
print(f"X {X.shape}, targets {Y.shape}, counted steps per stream: {int(M[:, 0].sum())}")
print(f"untrained loss {loss:.4f}   (always 0.5: {rnnlib.mse(np.full_like(Y, 0.5), Y, M)[0]:.4f})")
print(f"dL/dy has the shape of the outputs: {dY.shape}; it is zero on masked steps: {np.all(dY[:LAG] == 0)}")

# %% [markdown]
# ## 2. Backpropagation through time, step by step
#
# Recall the forward pass (chapter 02), with the pre-activation written out:
#
# $$a_t = W x_t + D h_{t-1} + B, \qquad h_t = f(a_t), \qquad y_t = V h_t + c, \qquad h_0 = 0 .$$
#
# Unrolled over $T$ steps this is an ordinary feed-forward computation graph, only a deep
# one in which the *same* $W, D, B, V, c$ appear at every step. The chain rule applied to
# this graph (Rumelhart, Hinton & Williams, 1986; Werbos, 1990) gives four formulas:
#
# 1. **Output layer.** $y_t$ depends on $V$ and $c$ directly, at every step, so
#    $$\frac{\partial L}{\partial V} = \sum_t \frac{\partial L}{\partial y_t}\, h_t^\top, \qquad
#      \frac{\partial L}{\partial c} = \sum_t \frac{\partial L}{\partial y_t}.$$
# 2. **Two paths out of $h_t$.** The hidden state $h_t$ influences the loss through its own
#    output $y_t$ *and* through the next step's pre-activation $a_{t+1}$, which contains $D h_t$:
#    $$\frac{\partial L}{\partial h_t} = V^\top \frac{\partial L}{\partial y_t} + D^\top \frac{\partial L}{\partial a_{t+1}},
#      \qquad \frac{\partial L}{\partial a_{T+1}} = 0 .$$
#    The second term needs $\partial L/\partial a_{t+1}$ before $\partial L/\partial a_t$:
#    the recursion runs from $t = T$ down to $t = 1$, *backwards through time*.
# 3. **Through the activation**, element by element:
#    $$\frac{\partial L}{\partial a_t} = f'(a_t) \odot \frac{\partial L}{\partial h_t}.$$
#    For tanh, $f'(a_t) = 1 - h_t^2$, so the stored $h_t$ is all we need.
# 4. **Shared weights add up.** $W, D, B$ act at every step, so their gradients are sums over steps:
#    $$\frac{\partial L}{\partial W} = \sum_t \frac{\partial L}{\partial a_t}\, x_t^\top, \qquad
#      \frac{\partial L}{\partial D} = \sum_t \frac{\partial L}{\partial a_t}\, h_{t-1}^\top, \qquad
#      \frac{\partial L}{\partial B} = \sum_t \frac{\partial L}{\partial a_t}.$$
#
# **Cost.** One backward sweep costs a small constant times the forward pass (a few
# matrix products per step instead of one); the price is memory: every $h_t$ of the
# forward pass must be kept until the sweep is done. (The exact gradient can also be
# carried *forward* in time, with no stored states: real-time recurrent learning, Williams &
# Zipser, 1989. It costs of the order of $H^4$ operations per step instead of $H^2$, which is
# why BPTT and its truncations are what is used.)
#
# The figure shows formula 2 on three steps, drawn on chapter 01's unrolled network
# (`rnnlib.diagrams.draw_backward`): the error arriving at $h_t$ (purple) comes from above,
# through $V^\top$, and from the right, through $D^\top$; the last step has no right neighbour.

# %% mystnb={"figure": {"caption": "BPTT: the error at h_t comes from its output through V transposed and from the next step through D transposed."}, "image": {"alt": "The basic RNN unrolled over three time steps, drawn as in chapter 01: input nodes x_1 to x_3 at the bottom, hidden nodes h_1 to h_3 in the middle (with h_0 = 0 on the left), output nodes y_1 to y_3 at the top, forward arrows coloured by weight (W, D, B, V, c). Purple arrows show the error flowing back: from each output down to its hidden node through V-transpose, and from each hidden node back to the previous one through D-transpose; after step T there is nothing to come back from."}}
fig, ax = plt.subplots(figsize=(9.0, 4.6), layout="constrained")
diagrams.draw_backward(T=3, ax=ax)
plt.show()

# %% [markdown]
# The four formulas become a loop of a dozen lines. It handles one sequence `X` of shape
# $(T, I)$; Python's index `t` holds step $t+1$ of the text, so `Hs[t]` is $h_{t+1}$ and the
# previous state is `Hs[t - 1]` (or $h_0 = 0$ at the start). `dY` holds $\partial L/\partial y_t$.
# The same loop, for batches, with truncation, a loss, Adam and a training loop, is
# [`rnnlib/reference.py`](../rnnlib/reference.py): the whole RNN in one page.

# %%
def bptt(net, X, dY):
    """Gradients of the loss for one sequence X (T, I) of a tanh net: formulas 1-4, literally."""
    Hs, _ = net.forward(X)
    grads = {name: np.zeros_like(p) for name, p in net.params.items()}
    da_next = np.zeros(net.n_hidden)                  # dL/da_{T+1} = 0
    for t in reversed(range(len(X))):
        h_prev = Hs[t - 1] if t > 0 else np.zeros(net.n_hidden)
        grads["V"] += np.outer(dY[t], Hs[t])          # (1) output layer
        grads["c"] += dY[t]
        dh = net.V.T @ dY[t] + net.D.T @ da_next      # (2) two paths out of h_t
        da = (1 - Hs[t] ** 2) * dh                    # (3) tanh'(a_t) = 1 - h_t^2
        grads["W"] += np.outer(da, X[t])              # (4) shared weights: sums over steps
        grads["D"] += np.outer(da, h_prev)
        grads["B"] += da
        da_next = da
    return grads


x1, y1, m1 = X[:, 0], Y[:, 0], M[:, 0]     # the first training stream, (T, 1)
_, out1 = net.forward(x1)
_, dY1 = rnnlib.mse(out1, y1, m1)
ours, library = bptt(net, x1, dY1), net.backward(x1, dY1)
for name in net.param_names:
    assert np.allclose(ours[name], library[name], rtol=1e-10, atol=1e-14), name
    print(f"dL/d{name}: shape {str(ours[name].shape):8s}  loop == net.backward: True")

# %% [markdown]
# `ElmanRNN.backward` computes exactly these formulas; it only arranges them for speed.
# It takes a batch $(T, N, I)$ at once, runs the backward loop for formulas 2-3 alone
# (`_recur_back`), and moves the sums of formula 4 *out* of the loop: with all
# $\partial L/\partial a_t$ stacked into one array `dA`, $\sum_t \partial L/\partial a_t\, x_t^\top$ is a
# single matrix product of `dA` and `X` over the steps and streams (`_weight_grad`). Like our
# loop it runs the forward pass itself, from `X`, so nothing is remembered between calls, and
# it reads $f'(a_t)$ from $h_t$ (for tanh
# $1-h_t^2$, for the sigmoid $h_t(1-h_t)$, for ReLU $[h_t > 0]$), so the forward pass need
# not store $a_t$. One more detail: `backward(X, dY)` returns the gradient of
# $\sum_t \mathrm{dY}_t \cdot y_t$, which is the loss gradient because `dY` *is*
# $\partial L/\partial y$; it never needs to know which loss was used.
#
# ## 3. Checking gradients against finite differences
#
# A wrong sign or a missing term in gradient code does not crash anything: training just
# goes worse, and the bug can hide for a long time. The standard test compares every
# entry with a **central finite difference**,
#
# $$\frac{\partial L}{\partial p} \approx \frac{L(p + \varepsilon) - L(p - \varepsilon)}{2\varepsilon},$$
#
# whose error shrinks like $\varepsilon^2$, and reports the relative error
# $\lVert g - \tilde g\rVert / (\lVert g\rVert + \lVert \tilde g\rVert)$ per parameter.
# `rnnlib.check_gradients` does this for the scalar $\sum_t \mathrm{dY}_t \cdot y_t$ with a random
# `dY`. We use $\varepsilon = 10^{-4}$: then what we see is the $\varepsilon^2$ error of the method
# itself, rather than rounding noise, which is smaller still but differs from machine to machine.
# **Expected:** relative errors far below $10^{-6}$ for the true BPTT, and large ones for a
# gradient with a term left out. As the "broken" version we drop the $D^\top$ term of formula 2,
# which is what `backward(..., truncate=1)` does (section 7).

# %%
small = rnnlib.ElmanRNN(2, 5, 3, seed=1)            # float64, as gradient checks need
X_small = np.random.default_rng(2).standard_normal((6, 4, 2))
checks = {"full BPTT": rnnlib.check_gradients(small, X_small, eps=1e-4),
          "without D^T term": rnnlib.check_gradients(small, X_small, eps=1e-4, truncate=1)}
print("relative error     " + "".join(f"{name:>10s}" for name in small.param_names))
for label, errors in checks.items():
    print(f"{label:18s} " + "".join(f"{errors[name]:10.1e}" if errors[name] >= 1e-10 else f"{'<1e-10':>10s}"
                                   for name in small.param_names))
assert all(e < 1e-6 for e in checks["full BPTT"].values()), "the text says full BPTT is right"
assert all(checks["without D^T term"][p] > 0.1 for p in "WDB"), "... and W, D, B are off by a large fraction"
assert all(checks["without D^T term"][p] < 1e-10 for p in "Vc"), "... while V and c are still right"

# %% [markdown]
# The first row is at the level of the $\varepsilon^2$ truncation error of the finite
# difference: the BPTT gradients are right. (For $V$ and $c$ the checked scalar is linear,
# so the finite difference is exact up to rounding; errors below $10^{-10}$ are printed as
# `<1e-10` because their digits are rounding noise.) In the second row $V$ and $c$ are still right
# (formula 1 does not involve the recursion), but $W$, $D$ and $B$ are off by a large
# fraction: every path of length two or more through $D$ is missing.
#
# ## 4. Training
#
# With a correct gradient, training is repeated small steps against it. `rnnlib.fit` runs
# the loop: forward, loss, BPTT, an optimiser step (here Adam; Kingma & Ba, 2015), for
# shuffled mini-batches of sequences, and it returns a `History` with the mean loss and
# gradient norm of every epoch (and of every update, used in section 6). Given a list of
# networks of the same sizes, `fit` trains them side by side as one computation, each exactly
# as it would be trained alone; we train three initialisations (seeds 0, 1, 2) and draw seed 0.
# **Expected:** the loss starts above the chance level $0.25$ (the untrained net of section 1
# is worse than always answering 0.5); since full BPTT lets the error of $y_t$ reach
# $x_{t-8}$, it should then fall far below chance, close to 0, and the trained networks
# should recall the bit on held-out streams nearly always.

# %%
def accuracy(net, X, Y, M):
    """Fraction of counted steps where the output, cut at 0.5, is the target bit."""
    _, out = net.forward(X)
    return float(np.mean(((out > 0.5) == (Y > 0.5))[M > 0]))


SEEDS = (0, 1, 2)
nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS]          # three initialisations, trained side by side
histories = rnnlib.fit(nets, X, Y, mask=M, optimizer=rnnlib.Adam(lr=0.02), epochs=150, seed=list(SEEDS),
                       log_every=30)
acc_full = [accuracy(n, X_test, Y_test, M_test) for n in nets]
print("held-out accuracy per seed: " + " ".join(f"{a:.3f}" for a in acc_full))
net, history = nets[0], histories[0]                                 # seed 0, drawn below
print(f"seed 0: loss {history.loss[0]:.4f} in epoch 1, {history.loss[-1]:.5f} in epoch 150")
assert all(h.loss[0] > 0.25 for h in histories), "the text says training starts above chance"
assert history.loss[-1] < 0.25 / 100, "the text says the loss falls by orders of magnitude below chance"
assert min(acc_full) > 0.95, "the text says every seed recalls the bit nearly always"

# %% mystnb={"figure": {"caption": "Full BPTT learns to recall the bit from 8 steps back."}, "image": {"alt": "Left: training loss (mean squared error, log scale) over 150 epochs of full BPTT with Adam for seed 0, falling from above the chance level of always answering 0.5 (dashed) by more than two orders of magnitude. Right: one held-out stream after training, with the input bits (shifted up), the target x_(t\u22128) and the output y_t; after the first steps, which are masked (grey), the output follows the target closely."}}
_, out = net.forward(X_test[:, :1])
assert np.all((out[LAG:, 0, 0] > 0.5) == (Y_test[LAG:, 0, 0] > 0.5)), "the text says every counted step is recalled"
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), width_ratios=[1, 1.4])
ax1.semilogy(np.arange(1, 151), history.loss, color=C["blue"], label="training loss")
ax1.axhline(0.25, color=C["black"], ls="--", lw=1, label="chance (always 0.5)")
ax1.set(xlabel="epoch", ylabel="mean squared error", title="Loss curve (full BPTT, Adam)")
ax1.legend()
steps = np.arange(1, 25)
ax2.step(steps, X_test[:, 0, 0] + 2.4, where="mid", color=C["sky"], label="input $x_t$ (shifted up)")
ax2.step(steps, Y_test[:, 0, 0], where="mid", color=C["black"], lw=2.5, label=r"target $x_{t-8}$")
ax2.plot(steps, out[:, 0, 0], "o-", color=C["vermillion"], ms=4, label="output $y_t$")
ax2.axvspan(0.5, LAG + 0.5, color="#eeeeee", zorder=0, label="masked steps")
ax2.set(xlabel="time step $t$", yticks=[0, 1, 2.4, 3.4], yticklabels=["0", "1", "0", "1"],
        title="A held-out stream after training")
ax2.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.show()

# %% [markdown]
# The printed progress and the curve show the loss leaving the chance level and falling by
# orders of magnitude; on the right, the output (dots) copies the input of eight steps
# earlier from the first counted step on. Chapter 04 measured that information about $x_{t-k}$
# can be read from $h_t$; here training has *made* the network keep one particular past bit.
#
# ## 5. Vanishing and exploding gradients, measured
#
# How far back can an error travel? Formulas 2 and 3 say that one step back multiplies the
# error by $\operatorname{diag}(f'(a_t))\,D$ (transposed). So the sensitivity of a late hidden state
# to an early one is a product of $k$ such factors, the latest step on the left:
#
# $$\frac{\partial h_T}{\partial h_{T-k}} = \operatorname{diag}\!\big(f'(a_T)\big)\,D\;
#   \operatorname{diag}\!\big(f'(a_{T-1})\big)\,D \;\cdots\; \operatorname{diag}\!\big(f'(a_{T-k+1})\big)\,D ,
#   \qquad \Big\lVert \frac{\partial h_T}{\partial h_{T-k}} \Big\rVert \le \big(\gamma\, \lVert D\rVert\big)^k ,$$
#
# where $\gamma$ bounds $|f'|$ ($\gamma = 1$ for tanh and for a linear unit) and $\lVert D\rVert$ is the
# largest singular value. The error that $y_T$ sends back to $h_{T-k}$ is this matrix,
# transposed, times $\partial L/\partial h_T$. If $\gamma\lVert D\rVert < 1$ it must shrink
# geometrically: the gradient **vanishes**. If the largest singular value is above $1/\gamma$,
# it *can* grow geometrically and **explode**.
#
# What vanishes is the *long-range part* of the gradient, not the gradient. The gradient of
# $W$ (or $D$, $B$) is a sum over pairs of steps: the error of $y_t$ reaching $a_s$, for every
# $s \le t$. The pairs with a small gap $t - s$ are not damped, the pairs with a large gap are
# damped geometrically; so the sum is dominated by short-range terms, and a dependency over
# many steps gets almost no share of the update, however large the gradient is.
#
# Bengio, Simard & Frasconi (1994) showed why this cannot be escaped by choosing $D$ well. To
# store a bit *robustly*, so that small noise in $h_t$ does not erase it over many steps, the
# hidden state must sit in a region where perturbations shrink from step to step: the
# contracting regime, where the factors above have norm below 1. That is exactly where the
# error sent back vanishes. In the other regime, where perturbations grow, the state forgets
# or flips the bit, and the gradient can explode. "Keep $\rho(D)$ near 1" therefore trades one
# problem for the other; it is no escape (section 6 measures both sides on one unit). The two
# conditions in the norm form above are from Pascanu, Mikolov & Bengio (2013); Hochreiter
# (1991) had analysed the vanishing error in his diploma thesis, and his remedy with
# Schmidhuber, the LSTM (1997), gives the error a path whose factor stays 1.
#
# To test this we set $D = \rho\,Q$ with $Q$ a random orthogonal matrix, so that the spectral
# radius *and* the norm of $D$ are both exactly $\rho$, for $\rho = 0.5, 1, 1.5$; $H = 32$. The
# module `rnnlib.gradients` builds the product above from $D$ and the slopes $f'(a_t)$ of a
# forward run, and takes the spectral norm. For a **linear** activation all slopes are 1, the
# product is $D^k = \rho^k Q^k$, and its norm should be *exactly* $\rho^k$, on the bound. For **tanh**
# the slopes are below 1 wherever a unit is not at zero, so the curves should lie *below* $\rho^k$:
# still vanishing for $\rho = 0.5$, decaying slowly instead of staying flat at $\rho = 1$, and,
# at $\rho = 1.5$, growing only if the slopes stay large enough.

# %%
H, T_long, RHOS = 32, 60, (0.5, 1.0, 1.5)
Q = gradients.random_orthogonal(H, seed=0)
X_rand = np.random.default_rng(3).standard_normal((T_long, 20, 1))   # 20 random input streams
norms = {}
for rho in RHOS:
    probe = rnnlib.ElmanRNN(1, H, 1, seed=0)
    probe.D = rho * Q
    norms["linear", rho] = gradients.jacobian_norms(gradients.jacobian_products(probe.D, np.ones((T_long, H))))
    norms["tanh", rho] = gradients.jacobian_norms(gradients.hidden_jacobians(probe, X_rand))  # (T+1, 20)
print(f"spectral radius and norm of D: " + ", ".join(
    f"{spectral_radius(r * Q):.2f} / {np.linalg.norm(r * Q, 2):.2f}" for r in RHOS))
print("||dh_T/dh_(T-k)||   k=10       k=30       k=60   (tanh: median of 20 streams)")
for (act, rho), n in norms.items():
    typical = np.median(n, axis=1) if n.ndim == 2 else n
    print(f"{act:6s} rho={rho:.1f}  " + "  ".join(f"{typical[k]:9.2e}" for k in (10, 30, 60))
          + f"   bound rho^60 = {rho ** 60:.2e}" * (act == "linear"))
steps_back = np.arange(T_long + 1)
for rho in RHOS:
    typical = np.median(norms["tanh", rho], axis=1)
    assert np.allclose(norms["linear", rho], rho ** steps_back, rtol=1e-9), "linear: on the bound rho^k"
    assert np.all(typical[1:] < rho ** steps_back[1:]), "tanh: below the bound"
assert np.median(norms["tanh", 1.0], axis=1)[60] < 0.1, "tanh at rho = 1 decays"
assert 100 < np.median(norms["tanh", 1.5], axis=1)[60] < 1.5 ** 60 / 1e6, "tanh at rho = 1.5 grows, far slower"

# %% mystnb={"figure": {"caption": "Vanishing and exploding gradients: sensitivity to the past scales like \u03c1^k at most."}, "image": {"alt": "Two panels, log scale: the norm of \u2202h_T/\u2202h_(T\u2212k) against k steps back from 0 to 60, for recurrent weights D = \u03c1Q with Q orthogonal and H = 32, for \u03c1 = 0.5, 1.0 and 1.5. Left, linear activation: the norm follows \u03c1^k, vanishing for 0.5, constant for 1.0 and exploding for 1.5. Right, tanh: the curves stay below the bound \u03c1^k (dashed); 0.5 vanishes, 1.0 decays slowly and 1.5 grows far more slowly than 1.5^k."}}
ks = np.arange(T_long + 1)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
colours = dict(zip(RHOS, (C["blue"], C["green"], C["vermillion"])))
for ax, act in zip(axes, ("linear", "tanh")):
    for rho in RHOS:
        ax.semilogy(ks, rho ** ks, ls="--", lw=1, color="#777777")
        n = norms[act, rho]
        if n.ndim == 2:
            ax.fill_between(ks, n.min(axis=1), n.max(axis=1), color=colours[rho], alpha=0.2, lw=0)
            n = np.median(n, axis=1)
        ax.semilogy(ks, n, color=colours[rho], label=rf"$\rho = {rho}$")
    ax.set(xlabel="steps back $k$", title=f"{act} activation")
axes[0].set_ylabel(r"$\|\partial h_T / \partial h_{T-k}\|$")
axes[0].plot([], [], ls="--", lw=1, color="#777777", label=r"bound $(\gamma\|D\|)^k = \rho^k$")
axes[0].legend()
axes[1].text(0.02, 0.02, "tanh: median of 20 streams, band = min to max", transform=axes[1].transAxes, fontsize=9)
fig.suptitle(r"How the sensitivity to the past scales with $D = \rho Q$ ($Q$ orthogonal, $H = 32$)")
plt.show()

# %% [markdown]
# The linear panel is the theory made visible: the measured norms lie on the dashed bound
# $\rho^k$; at $k = 60$ the table shows 8.67e-19 for $\rho = 0.5$ and 3.68e+10 for $\rho = 1.5$,
# exactly $0.5^{60}$ and $1.5^{60}$, and 1 for $\rho = 1$. With tanh every
# curve is below its bound, because $f'(a) = 1 - h^2 < 1$: at $\rho = 1$ the sensitivity now
# decays, and at $\rho = 1.5$ it still grows but at a much smaller rate than $1.5^k$, since
# large weights push the units towards saturation where the slope is small. The
# geometric rate is the whole story: an error sent back 60 steps is multiplied by a number
# that is either astronomically small or large, unless $\gamma\lVert D\rVert$ is close to 1.
#
# This is why the basic RNN struggles with long dependencies, and why later architectures
# (LSTM, GRU) were built around a path whose factor stays near 1. Chapter 04 saw the same
# number from the forward side: the spectral radius of $D$ sets how long information
# survives in $h_t$; here it sets how far back the error can reach.
#
# ## 6. Exploding gradients: where they come from, and clipping
#
# When the gradient explodes, one update can throw the weights far from anything sensible.
# The remedy of Pascanu, Mikolov & Bengio (2013) is simple: if the global norm of the
# gradient (all parameters together) exceeds a limit $\theta$, rescale it to norm $\theta$,
#
# $$g \leftarrow \frac{\theta}{\lVert g\rVert}\, g \quad\text{if } \lVert g\rVert > \theta ,$$
#
# which keeps its direction; the step then has length (learning rate) $\times\,\theta$. In `fit`
# this is `clip=θ`. (Papers often call $\theta$ a threshold; we say *limit*, because in this
# book a threshold is a bias.) Before using it, we should make sure that a run which blows up
# really suffers from an *exploding gradient*, i.e. from the products of section 5, and not
# from something else. The test is to look at the gradient of each parameter separately: an
# explosion through the recurrence shows in $W$, $D$ and $B$, whose gradients are sums of those
# products, while the readout $V$, $c$ (formula 1) never goes through them.
#
# ### A run that blows up, taken apart
#
# The delayed-recall task of section 4, plain SGD with learning rate $0.5$, mini-batches of 8
# streams, and the delayed-input (延迟输入) weight $D$ rescaled to spectral radius $1.5$ at the
# start, so that gradients *could* grow over the 24 steps. `fit` takes any optimiser object
# with a method `step(params, grads)`; ours is plain SGD that records the norm of each
# parameter's gradient and allows a learning rate per parameter (0 freezes it). Four variants,
# three seeds each, trained side by side for 100 updates: all five parameters at rate 0.5;
# only $V, c$ (the rest frozen at the start); only $W, D, B$; and $W, D, B$ at 0.5 with $V, c$ at
# 0.05. **Expected, if the recurrence were the culprit:** the gradients of $W, D, B$ grow first
# and stay large, freezing $V, c$ does not help, and training only $V, c$ is harmless.


# %%
class PerParameterSGD:
    """p <- p - lr[name] * grad for each parameter; lr[name] has one rate per network (0 = frozen).

    For networks trained side by side, `fit` hands over arrays whose first axis runs over the
    networks. Records the norm of every parameter's gradient at every update, one per network."""

    def __init__(self, lr):
        self.lr = {name: np.asarray(rates, dtype=float) for name, rates in lr.items()}
        self.norms = {name: [] for name in lr}

    def step(self, params, grads):
        for name, p in params.items():
            g, rate = grads[name], self.lr[name]
            self.norms[name].append(np.sqrt(np.sum((g * g).reshape(len(rate), -1), axis=1)))
            p -= rate.reshape((-1,) + (1,) * (p.ndim - 1)) * g


VARIANTS = {"all at 0.5": (0.5, 0.5), "only V, c": (0.0, 0.5), "only W, D, B": (0.5, 0.0),
            "V, c at 0.05": (0.5, 0.05)}          # name: (rate of W, D, B; rate of V, c)
nets, rates, seeds = [], [], []
for name, rate in VARIANTS.items():
    for seed in SEEDS:
        trained = rnnlib.ElmanRNN(1, 16, 1, seed=seed)
        trained.D = scale_spectral_radius(trained.D, 1.5)
        nets.append(trained), rates.append(rate), seeds.append(seed)
recurrent_rates, readout_rates = zip(*rates)
sgd = PerParameterSGD({"W": recurrent_rates, "D": recurrent_rates, "B": recurrent_rates,
                       "V": readout_rates, "c": readout_rates})
runs = rnnlib.fit(nets, X, Y, mask=M, optimizer=sgd, epochs=25, batch_size=8, seed=seeds, verbose=False)
norm = {name: np.array(n) for name, n in sgd.norms.items()}            # (update, network)
recurrent = np.sqrt(norm["W"] ** 2 + norm["D"] ** 2 + norm["B"] ** 2)  # gradient norm of W, D, B together
readout = np.sqrt(norm["V"] ** 2 + norm["c"] ** 2)                     # ... and of V, c
outcome = {}
print("variant        seed  first loss  last loss   largest |grad W,D,B|  largest |grad V,c|")
for i, (h, (name, seed)) in enumerate(zip(runs, [(v, s) for v in VARIANTS for s in SEEDS])):
    outcome[name, seed] = (h.step_loss[0], h.step_loss[-1])
    print(f"{name:13s}  {seed:4d}  {h.step_loss[0]:10.3f}  {h.step_loss[-1]:9.3g}   {recurrent[:, i].max():18.1e}"
          f"  {readout[:, i].max():18.1e}")
all_05 = [i for i in range(len(runs)) if i // len(SEEDS) == 0]            # the first variant, three seeds
zero_from = [2 + max(np.flatnonzero(recurrent[:, i] > 0)) for i in all_05]   # updates count from 1
print("all at 0.5: the gradients of W, D, B are exactly 0 from update", ", ".join(map(str, zero_from)),
      "on (seeds 0, 1, 2)")
factor = [np.array(runs[i].step_loss[20:]) / np.array(runs[i].step_loss[19:-1]) for i in all_05]
print("all at 0.5: the loss is multiplied at every update from update 21 on by",
      ", ".join(f"{f.min():.1f} to {f.max():.1f}" for f in factor))
Hs_end, _ = nets[all_05[0]].forward(X)
saturated = np.all(np.abs(Hs_end[M > 0]) == 1)
print(f"seed 0 after 100 updates: every hidden unit at exactly +1 or -1 on every counted step: {saturated}")
assert all(outcome["all at 0.5", s][1] > 1e200 for s in SEEDS), "the text says every seed blows up"
assert all(z <= 20 for z in zero_from), "the text says W, D, B stop learning within 20 updates"
assert all(f.max() / f.min() < 1.001 for f in factor) and saturated, "the text says: a constant factor, saturated units"
assert all(readout[-1, i] > 1e10 * readout[20, i] for i in all_05), "the readout's gradient keeps growing"
assert all(outcome["only V, c", s][1] > 10 * outcome["only V, c", s][0] for s in SEEDS), "readout alone blows up"
assert all(outcome[v, s][1] < 0.25 for v in ("only W, D, B", "V, c at 0.05") for s in SEEDS), "these learn"

# %% mystnb={"figure": {"caption": "The SGD blow-up is the readout's: its gradient grows while the recurrent gradient vanishes."}, "image": {"alt": "Two panels, log scale, plain SGD with learning rate 0.5 and D rescaled to spectral radius 1.5, seed 0. Left: gradient norm per update of the readout (V, c), a straight line rising to about 10^115 by update 100, and of the recurrent weights (W, D, B), which spikes in the first ten updates and is exactly zero from update 12 on (grey band). Right: loss of every update for four variants: all parameters at rate 0.5 and only V, c trained both rise steeply; only W, D, B trained and V, c at rate 0.05 stay near or below the chance loss (dashed)."}}
i0, n_up = all_05[0], len(runs[0].step_loss)
ups = np.arange(1, n_up + 1)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.semilogy(ups, readout[:, i0], color=C["vermillion"], label=r"$\|\partial L/\partial(V, c)\|$")
shown = recurrent[:, i0] > 0                                                # a log axis cannot show the zeros
ax1.semilogy(ups[shown], recurrent[shown, i0], "o-", ms=3, color=C["blue"], label=r"$\|\partial L/\partial(W, D, B)\|$")
ax1.axvspan(zero_from[0] - 0.5, n_up, color="#eeeeee", zorder=0, label="W, D, B gradient exactly 0")
ax1.set(xlabel="update", ylabel="gradient norm", title="All at rate 0.5, seed 0: who grows?")
ax1.legend(loc="upper left", fontsize=9)
for k, (name, colour) in enumerate(zip(VARIANTS, (C["vermillion"], C["orange"], C["blue"], C["green"]))):
    losses = runs[k * len(SEEDS)].step_loss                                 # fewer if fit stopped the run
    ax2.semilogy(np.arange(1, len(losses) + 1), losses, color=colour, label=name)
ax2.axhline(0.25, color=C["black"], ls="--", lw=1, label="chance")
ax2.set(xlabel="update", ylabel="loss of the mini-batch", title="Loss of every update, seed 0")
ax2.legend(loc="upper left", fontsize=9)
plt.show()

# %% [markdown]
# The expectation fails on every count. With all rates at 0.5 the gradient that keeps growing
# is the readout's (left panel), on all three seeds. The gradient of $W, D, B$ does spike, but
# only after $V$ has grown (it carries $V^\top$ times the error, formula 2), and then it falls to
# *exactly* 0: the hidden units are saturated, $f'(a_t) = 1 - h_t^2 = 0$ in floating point, and
# the recurrent weights stop learning altogether: their gradient *vanishes*. From then on the
# loss is multiplied by the same factor at every update, 256 for seed 0. That number is the
# readout's own arithmetic: with every unit at $\pm 1$, the readout sees the same vector
# $z = (h_t, 1)$ at every counted step, $\lVert z\rVert^2 = 16 + 1 = 17$, the loss is a quadratic in
# $(V, c)$ along $z$ with curvature $2\lVert z\rVert^2 = 34$, and each step multiplies the error by
# $1 - 0.5 \times 34 = -16$, the loss by $16^2 = 256$. Training only $V, c$ blows up as well (on
# seed 2 more slowly in these 100 updates); training only $W, D, B$, with the same rate, the
# same $\rho(D) = 1.5$ and the same data, brings the loss below chance on every seed, and so
# does the run with the same rate on $W, D, B$ and a ten times smaller one on $V, c$. The
# culprit is a learning rate too large for the readout's own curvature: gradient descent on a
# quadratic diverges when the rate times its largest curvature exceeds 2 (exercise 4 measures
# it at the start of training). $\rho(D)$ matters only indirectly, by making $h_t$ larger, which
# steepens that quadratic. Clipping can tame such a run, but only by shortening the readout's
# steps, as a smaller learning rate does; that does not make it an exploding gradient.
#
# ### A genuine explosion: the cliff of a one-unit memory
#
# An explosion through the recurrence needs the products of section 5 to grow, and Pascanu et
# al. (2013) show where that happens with a single unit. Take $H = 1$, $W = 1$, $D = 2$, $V = 1$,
# $c = 0$, and a task that asks the unit to *store one bit*: two streams get $x_1 = +1$ or $x_1 =
# -1$ and zeros after, and the target at step $T$ (the only counted step) is $x_1$. With $D = 2$
# the map $h \mapsto \tanh(2h + B)$ has, for small $B$, two stable fixed points near $\pm 0.96$ and
# an unstable one in between: the unit *latches* the sign of $x_1$, as in Bengio et al. (1994). As
# the threshold $B$ grows, the $-1$ stream starts above the unstable point, is pulled to the
# positive attractor, and the loss jumps: a **wall**, or cliff, in the loss surface. **Expected:**
# the gradients of $W, D, B$ are huge at the wall and grow geometrically with $T$ (the
# trajectory lingers at the unstable point, where the factor $D f'(a)$ is above 1), while those of
# $V$ and $c$ stay of the size of the output errors (formula 1: the error of $y_T$ times $h_T$, or
# times 1), whatever $T$. Away from the wall, at $B = 0$, the bit is stored robustly, in the
# contracting regime: at the fixed point $h^* \approx 0.96$ of $h = \tanh(2h)$ the factor is, by
# theory, $2\,(1 - h^{*2}) \approx 0.17$ per step. There the credit of $x_1$, the gradient of $W$,
# should vanish geometrically with $T$. We locate the wall on ever finer grids of $B$, and compute the
# final state for many values of $B$ at once with elementwise arithmetic (one unit needs no
# matrix products), checked against `net.forward`.

# %%
def memory_task(T):
    """Two streams: +1 or -1 at step 1, zeros after; the target at step T (the only counted step) is that bit."""
    X = np.zeros((T, 2, 1)); X[0, :, 0] = (1.0, -1.0)
    Y = np.zeros((T, 2, 1)); Y[-1, :, 0] = (1.0, -1.0)
    M = np.zeros((T, 2)); M[-1] = 1.0
    return X, Y, M


def one_unit(B, W=1.0, D=2.0, V=1.0, c=0.0):
    """An ElmanRNN with one hidden unit and the given scalar parameters."""
    net = rnnlib.ElmanRNN(1, 1, 1)
    net.W, net.D, net.B, net.V, net.c = [np.full(shape, float(v)) for shape, v in
                                         zip(net.param_shapes().values(), (W, D, B, V, c))]
    return net


def final_states(B, T, W=1.0, D=2.0):
    """h_T of the +1 and the -1 stream for an array of thresholds B at once: shape (2, len(B))."""
    h = portable.tanh(W * np.array([[1.0], [-1.0]]) + B)
    for _ in range(T - 1):
        h = portable.tanh(D * h + B)
    return h


def wall(T):
    """The threshold B in [0, 0.6] where the -1 stream's h_T changes sign (it grows with B).

    Each round evaluates 1001 values of B between the last two that bracket the sign change."""
    low, high = 0.0, 0.6
    for _ in range(6):
        grid = np.linspace(low, high, 1001)
        i = np.flatnonzero(final_states(grid, T)[1] < 0)[-1]
        low, high = grid[i], grid[i + 1]
    return low


def gradient_norms(net, X, Y, M):
    """The loss and the norm of each parameter's gradient (BPTT)."""
    _, out = net.forward(X)
    loss, dY = rnnlib.mse(out, Y, M)
    return loss, {name: float(np.sqrt(np.sum(g * g))) for name, g in net.backward(X, dY).items()}


X_bit, Y_bit, M_bit = memory_task(20)
assert np.array_equal(final_states(np.array([0.3]), 20)[:, 0], one_unit(0.3).forward(X_bit)[0][-1, :, 0])
print("  T  at       B      loss  " + "".join(f"  |dL/d{name}|" for name in "WDBVc"))
cliff = {}
for T in (10, 20, 40):
    for where, B in (("B = 0", 0.0), ("wall", wall(T))):
        loss, n = cliff[T, where] = gradient_norms(one_unit(B), *memory_task(T))
        print(f"{T:3d}  {where:6s} {B:6.4f}  {loss:6.4f}  " + "".join(f"  {n[name]:7.1e}" for name in "WDBVc"))
for T in (10, 20, 40):
    assert all(cliff[T, "wall"][1][p] > 50 for p in "WDB") and all(cliff[T, "wall"][1][p] < 1 for p in "Vc")
    assert cliff[T, "B = 0"][1]["W"] < 1e-8 and cliff[T, "B = 0"][1]["D"] > 1e-3
for p in "WDB":
    assert cliff[20, "wall"][1][p] > 50 * cliff[10, "wall"][1][p], "the text says: more than 50 times"
    assert cliff[40, "wall"][1][p] > 1000 * cliff[20, "wall"][1][p], "the text says: more than 1,000 times"

# %% mystnb={"figure": {"caption": "A genuine exploding gradient: at the wall of a one-unit memory, the gradients of W, D and B grow geometrically with T."}, "image": {"alt": "Two panels for a one-unit network that stores the sign of its first input (W = 1, D = 2, V = 1, c = 0). Left: loss against the threshold B from 0 to 0.8 for sequence lengths T = 10, 20 and 40; the loss is near 0 up to B of about 0.45 and then jumps to about 2, a wall that gets steeper with T. Right, log scale: gradient norm of each parameter at the wall against T from 4 to 40; the gradients of W, D and B rise along straight lines to about 10^7, those of V and c stay flat below 1."}}
B_grid = np.linspace(0.0, 0.8, 801)
T_range = np.arange(4, 41)
at_wall = [gradient_norms(one_unit(wall(T)), *memory_task(T))[1] for T in T_range]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
for T, colour in zip((10, 20, 40), (C["sky"], C["blue"], C["black"])):
    h = final_states(B_grid, T)
    ax1.plot(B_grid, ((h[0] - 1) ** 2 + (h[1] + 1) ** 2) / 2, color=colour, label=f"T = {T}")
ax1.set(xlabel="threshold $B$ (W = 1, D = 2, V = 1, c = 0)", ylabel="loss", title="The wall in the loss surface")
ax1.legend(loc="upper left")
for name, colour, marker in zip("WDBVc", (C["blue"], C["orange"], "#555555", C["vermillion"], C["purple"]), "os^vd"):
    ax2.semilogy(T_range, [n[name] for n in at_wall], marker + "-", ms=3, color=colour,
                 label=f"$|\\partial L/\\partial {name}|$")
ax2.set(xlabel="sequence length $T$", ylabel="gradient norm at the wall", title="Gradients at the wall, per parameter")
ax2.legend(loc="upper left", ncol=2, fontsize=9)
plt.show()

# %% [markdown]
# This is an exploding gradient, and the table and the figure show its signature. At the
# wall the gradients of $W$, $D$ and $B$ grow by a constant factor per step of $T$ (a straight
# line on the log axis: more than 50 times larger from $T = 10$ to $T = 20$, more than 1,000 times
# from $T = 20$ to $T = 40$), while those of $V$ and $c$ do not move and stay below 1. The wall
# itself hardly moves with $T$ ($B \approx 0.45$); it only gets steeper. The rows at $B = 0$ show
# the other half of Bengio et al.'s trade-off: there the bit is stored robustly and the loss is
# small, but the gradient of $W$, the credit that the loss gives to the input $x_1$, vanishes
# geometrically with $T$. The gradient of $D$ does not vanish: $D$ acts at every step, and its
# short-range terms (section 5) do not depend on $T$.
#
# ### What clipping does at the wall
#
# Now train from a point on the wall, as a run that has drifted there would: plain SGD with
# learning rate 0.1, 100 updates, once without and once with `clip=1.0`. **Expected:** without
# clipping the first step has length $0.1 \times$ the gradient norm, over a thousand, and throws
# the parameters far away, into a saturated region from which gradient descent cannot return;
# with clipping the first step has length $0.1 \times 1$, in the gradient's direction, which
# carries the parameters over the wall to the low side.

# %%
B_wall = wall(20)
steps_taken = {}
for clip in (None, 1.0):
    unit = one_unit(B_wall)
    h = rnnlib.fit(unit, X_bit, Y_bit, mask=M_bit, optimizer=rnnlib.SGD(lr=0.1), epochs=100, clip=clip,
                   verbose=False)
    loss, n = gradient_norms(unit, X_bit, Y_bit, M_bit)
    steps_taken[clip] = h
    print(f"clip={str(clip):4s}  first gradient norm {h.step_grad_norm[0]:.2e}; loss {h.step_loss[0]:.4f} -> "
          f"{h.step_loss[1]:.4f} after one update -> {loss:.4f} after 100; "
          f"then B = {unit.B[0]:.3f}, D = {unit.D[0, 0]:.3f}; "
          f"W, D, B gradients exactly 0: {all(n[p] == 0 for p in 'WDB')}")
    if clip is None:
        thrown = unit.B[0] < -100 and unit.D[0, 0] > 100 and np.all(unit.forward(X_bit)[0] == -1)
        assert thrown and all(n[p] == 0 for p in "WDB") and loss > 0.99, "the text says: thrown off, saturated, stuck"
    else:
        assert steps_taken[clip].step_loss[1] < 0.01 and loss < 1e-3, "over the wall, and learning"

# %% [markdown]
# Both runs see the same gradient at the first update, of norm above ten thousand. Without
# clipping the step throws $B$ to a large negative value and $D$ to hundreds: both streams now
# saturate at $h_t = -1$, no output can tell them apart, the loss settles at 1 (the best a
# constant output can do) and the gradients of $W, D, B$ are exactly zero: the run is ruined for
# good. With clipping the same direction, cut to length 0.1, carries the parameters over the
# wall, and the loss falls at once and keeps falling. That is what clipping is for: the
# direction of an exploding gradient is still useful, its length is not (Pascanu et al.,
# 2013). Clipping treats the symptom, not the cause: it stops single steps from being
# catastrophic, but does nothing for *vanishing* gradients, where the step is small for the
# wrong reason.
#
# ## 7. Truncated BPTT
#
# Full BPTT stores every hidden state of a sequence and sends every error all the way back.
# For long sequences (a text, a sensor stream) that is too costly, and one **truncates**
# (Williams & Peng, 1990). `rnnlib` offers two forms, and they are different things:
#
# - `fit(..., chunk=k)` is the practical method, **TBPTT($k$, $k$)**: cut a long sequence into
#   pieces of $k$ steps, run full BPTT inside each piece, carry the hidden state from one piece to
#   the next, and update the weights after every piece. Only $k$ states are kept at a time, the
#   arithmetic per step is that of full BPTT, and the updates come $T/k$ times as often; but no
#   error crosses a piece boundary, so the error of the last output of a piece flows back $k$
#   steps and that of the first only one. The general form, TBPTT($k_1$, $k_2$) (Williams & Peng,
#   1990; Sutskever, 2013), runs BPTT over the last $k_2$ steps every $k_1$ steps; with $k_2 > k_1$
#   every output's error flows back at least $k_2 - k_1 + 1$ steps, at the price of overlapping
#   backward sweeps. `chunk=k` is the case $k_1 = k_2 = k$.
# - `backward(..., truncate=k)` (and `fit(..., truncate=k)`) is the **per-output truncated
#   gradient**: the error of *every* output $y_t$ flows back through exactly $k$ pre-activations,
#   $a_t, a_{t-1}, \dots, a_{t-k+1}$ (fewer at the start). It saves nothing: it still stores every
#   state, and computing it as `rnnlib` does, one extra backward pass over the whole sequence
#   per step of window, costs about $k$ times the $T H^2$ multiply-adds of the backward pass of
#   full BPTT, i.e. $O(kTH^2)$. It is a *diagnostic*: it shows exactly what a window of $k$ steps can
#   learn. With $k = 1$ nothing flows through $D^\top$ at all: that is the rule Elman (1990) trained
#   with, treating the previous hidden state as a fixed extra input (chapter 06).
#
# Either way the gradient is no longer the true gradient (section 3 showed how far off $k = 1$ is).
# What it can no longer see is predictable. The target $x_{t-8}$ enters the network at
# $a_{t-8}$, so the error of $y_t$ must pass through the nine pre-activations
# $a_t, \dots, a_{t-8}$ to tell $W$ about it. **Expected:** with `truncate` up to 8 the
# task should not be learned, from 9 on it should be; the same for chunks of up to 8 steps
# against longer ones. Each window is trained with the three seeds of section 4 (same data,
# same Adam settings, the three networks side by side) and scored on the held-out streams; the
# full-BPTT row is section 4's result.

# %%
acc_trunc = {}
for k in (1, 8, 9):
    nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS]
    rnnlib.fit(nets, X, Y, mask=M, optimizer=rnnlib.Adam(lr=0.02), epochs=150, truncate=k, seed=list(SEEDS),
               verbose=False)
    acc_trunc[k] = [accuracy(n, X_test, Y_test, M_test) for n in nets]
acc_trunc[None] = acc_full                                           # full BPTT, section 4
for k, accs in acc_trunc.items():
    print(f"truncate={str(k):4s}  held-out accuracy per seed " + " ".join(f"{a:.3f}" for a in accs)
          + f"   mean {np.mean(accs):.3f}")
assert max(acc_trunc[1] + acc_trunc[8]) < 0.7, "the text says windows up to 8 stay near chance on every seed"
assert min(acc_trunc[9] + acc_trunc[None]) > 0.95, "the text says 9 and full BPTT solve it on every seed"

# %% [markdown]
# For `chunk` we need longer streams to cut: 16 streams of 96 steps, with the same mask (the
# first 8 steps of each stream have no target), trained for 80 epochs; each epoch now makes
# one update per piece, up to 96/k of them. With chunks of 8 the first piece holds masked
# steps only: `fit` runs it, to carry the hidden state into the next piece, but makes no
# update from it.

# %%
X_stream, Y_stream, M_stream = tasks.delayed_bit(T=96, N=16, k=LAG, seed=0)
acc_chunk = {}
for k in (8, 9, 16):
    nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS]
    rnnlib.fit(nets, X_stream, Y_stream, mask=M_stream, optimizer=rnnlib.Adam(lr=0.01), epochs=80, chunk=k,
               seed=list(SEEDS), verbose=False)
    acc_chunk[k] = [accuracy(n, X_test, Y_test, M_test) for n in nets]
for k, accs in acc_chunk.items():
    print(f"chunk={k:<3d}  held-out accuracy per seed " + " ".join(f"{a:.3f}" for a in accs)
          + f"   mean {np.mean(accs):.3f}")
assert max(acc_chunk[8]) < 0.75, "the text says chunks of 8 stay well below the longer chunks"
assert min(acc_chunk[9] + acc_chunk[16]) > 0.95, "the text says chunks of 9 and 16 solve it on every seed"

# %% mystnb={"figure": {"caption": "Truncation and chunking learn the lag only when the window is longer than it."}, "image": {"alt": "Two panels of held-out accuracy on a recall task with lag \u03c4 = 8 (dots: seeds; bars: means; dashed: chance 0.5). Left, truncated gradient with truncate = 1, 8, 9 and full BPTT: near chance for k = 1 and 8, about 1 for k = 9 and for full BPTT. Right, training on chunks of k = 8, 9 and 16 steps: well below the others for 8, about 1 for 9 and 16."}}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, width_ratios=[4, 3])
for ax, results, name in ((axes[0], acc_trunc, "truncate"), (axes[1], acc_chunk, "chunk")):
    labels = ["full" if k is None else str(k) for k in results]
    for i, (k, accs) in enumerate(results.items()):
        ok = k is None or k > LAG
        colour = C["blue"] if ok else C["vermillion"]
        ax.plot([i] * len(accs), accs, "o", color=colour, alpha=0.5, ms=6)
        ax.plot([i - 0.25, i + 0.25], [np.mean(accs)] * 2, color=colour, lw=3)
    ax.axhline(0.5, color=C["black"], ls="--", lw=1, label="chance")
    ax.set(xticks=range(len(labels)), xticklabels=labels, xlabel=f"{name} = k",
           title=f"fit(..., {name}=k), lag τ = {LAG}")
axes[0].set_ylabel("held-out accuracy")
axes[0].plot([], [], "o", color=C["vermillion"], label=f"k ≤ {LAG} (seeds, bar = mean)")
axes[0].plot([], [], "o", color=C["blue"], label=f"k > {LAG}")
axes[0].legend(loc="center left")
plt.show()

# %% [markdown]
# The two tables and the figure show the predicted cliff. With `truncate` of 1 or 8 the
# held-out accuracy stays close to chance for every seed (the best single run is 0.652),
# while 9, the smallest window that reaches back to $a_{t-8}$, already solves the task, as
# does full BPTT. Chunks behave the same way: pieces of 8 steps never contain both a cue and
# the step that asks for it, and stay far below the longer pieces (the best run of the three
# reaches 0.716); pieces of 9 contain exactly one such pair (the last step of each piece) and
# are enough; longer pieces learn as well. That the runs which cannot reach the cue still land
# a little above chance has a likely reason: a randomly initialised network already keeps a
# fading echo of past inputs in $h_t$ (chapter 04), which the output weights can partly read; a
# gradient that never reaches the cue can use that echo but not build a reliable memory.
#
# The lesson for practice: `chunk=k` trades *horizon* for memory and frequent updates. Choose
# the window longer than the longest dependency you want the network to learn; a net
# trained with window $k$ can still *carry* information longer than $k$ steps at run time,
# but training gives it no reason to. `truncate=k` trades nothing useful: it costs more than
# full BPTT, and is there to show what a window of $k$ steps sees.
#
# ## Key takeaways
#
# - Training needs only $\partial L/\partial y_t$ from the loss; BPTT turns it into gradients for
#   $W, D, B, V, c$ with four formulas, the key one being
#   $\partial L/\partial h_t = V^\top \partial L/\partial y_t + D^\top \partial L/\partial a_{t+1}$, computed backwards from $t = T$.
# - Shared weights get the *sum* of their per-step gradients; $f'$ can be read from $h_t$.
# - Check gradient code with central finite differences: relative errors at the level of the
#   $\varepsilon^2$ error (here a few times $10^{-9}$ or less) mean correct; a missing term shows up at once.
# - The error sent back $k$ steps is multiplied by $\operatorname{diag}(f'(a_T))\,D \cdots \operatorname{diag}(f'(a_{T-k+1}))\,D$,
#   whose norm is at most $(\gamma\lVert D\rVert)^k$: the long-range contributions to the gradient vanish
#   or explode geometrically relative to the short-range ones. A linear net with $D = \rho Q$ hits
#   $\rho^k$ exactly; tanh stays below.
# - Storing a bit robustly needs the contracting regime, where the gradient vanishes (Bengio et
#   al., 1994); near the boundary between stored states it explodes. Measured on one unit: the
#   input's gradient falls to 3.9e-32 over 40 steps at $B = 0$, and the gradients of $W, D, B$
#   reach 4.6e+07 at the wall, while $V, c$ stay below 1.
# - Not every blow-up is an exploding gradient: look at the gradient of each parameter. The
#   SGD run with $\rho(D) = 1.5$ diverged through its readout $V, c$, while the gradients of
#   $W, D, B$ fell to exactly 0.
# - Gradient-norm clipping keeps the direction and caps the step at (learning rate) $\times\,\theta$;
#   at the wall it turned a ruinous step into a useful one, but it does nothing against
#   vanishing gradients.
# - `chunk=k` (TBPTT($k$, $k$)) keeps $k$ states and updates every $k$ steps; `truncate=k` (every
#   output's error flows back $k$ steps) stores everything and costs $O(kTH^2)$: a diagnostic.
#   Neither can learn a dependency of $\tau$ steps unless $k > \tau$: measured here as a sharp
#   cliff between $k = 8$ and $k = 9$.

# %% [markdown]
# ## Exercises
#
# **1. BPTT for ReLU.** Which line of `bptt` depends on the activation? Change it for ReLU
# and check your loop against `ElmanRNN(..., activation="relu").backward`.
#
# <details>
# <summary>Solution</summary>
#
# Only formula 3: for ReLU $f'(a_t) = 1$ where $a_t > 0$ and $0$ elsewhere, which is the same
# as $h_t > 0$, so again the stored $h_t$ suffices.
#
# ```python
# import numpy as np
# import rnnlib
#
# def bptt_relu(net, X, dY):
#     Hs, _ = net.forward(X)
#     g = {name: np.zeros_like(p) for name, p in net.params.items()}
#     da_next = np.zeros(net.n_hidden)
#     for t in reversed(range(len(X))):
#         h_prev = Hs[t - 1] if t > 0 else np.zeros(net.n_hidden)
#         g["V"] += np.outer(dY[t], Hs[t]); g["c"] += dY[t]
#         da = (Hs[t] > 0) * (net.V.T @ dY[t] + net.D.T @ da_next)   # ReLU'(a_t) = [h_t > 0]
#         g["W"] += np.outer(da, X[t]); g["D"] += np.outer(da, h_prev); g["B"] += da
#         da_next = da
#     return g
#
# rng = np.random.default_rng(0)
# net = rnnlib.ElmanRNN(3, 6, 2, activation="relu", seed=4)
# X, dY = rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
# ours, lib = bptt_relu(net, X, dY), net.backward(X, dY)
# assert all(np.allclose(ours[k], lib[k], rtol=1e-10, atol=1e-14) for k in net.param_names)
# print("ReLU loop == net.backward")
# ```
#
# </details>
#
# **2. The spectral radius is not the norm.** The bound uses $\lVert D\rVert$, the largest
# singular value; the long-run rate is set by the spectral radius $\rho(D)$, since
# $\lVert D^k\rVert^{1/k} \to \rho(D)$. For the linear "net" with $D = \begin{pmatrix}0.5 & 4\\ 0 & 0.5\end{pmatrix}$
# (both eigenvalues 0.5, norm about 4), compute $\lVert D^k\rVert$ for $k = 0..40$ with
# `gradients.jacobian_products`. Does the error shrink by half at every step, as the
# eigenvalues suggest?
#
# <details>
# <summary>Solution</summary>
#
# Not at first. $D^k$ has the entry $4k\cdot 0.5^{k-1}$, so for the first few steps the norm
# stays *above 1*, far above $0.5^k$; only then does the geometric factor win and the
# error vanish at rate 0.5 per step. Matrices that are not normal (not diagonalisable by a
# rotation) can keep or amplify a signal for a while even with all eigenvalues inside the
# unit circle, so the spectral radius alone does not tell the short-range story; the bound
# $\lVert D\rVert^k$, on the other hand, is far too pessimistic after a few steps.
#
# ```python
# import numpy as np
# from rnnlib import gradients
# from rnnlib.linalg import spectral_radius
#
# D = np.array([[0.5, 4.0], [0.0, 0.5]])
# n = gradients.jacobian_norms(gradients.jacobian_products(D, np.ones((40, 2))))
# k = np.arange(41)
# print(f"rho(D) = {spectral_radius(D):.2f}, ||D|| = {np.linalg.norm(D, 2):.2f}")
# print("||D^k|| for k = 0..8:", " ".join(f"{x:.2f}" for x in n[:9]))
# assert np.all(n[1:5] > 1) and np.all(n[1:5] > 4 * 0.5 ** k[1:5])   # no shrinking at first
# assert n[40] < 1e-8                                                  # then it vanishes
# assert abs(n[40] ** (1 / 40) - 0.5) < 0.1                            # at a rate approaching rho(D)
# assert np.all(n[2:] < np.linalg.norm(D, 2) ** k[2:])                # the bound ||D||^k is loose
# ```
#
# </details>
#
# **3. Which window for which task?** A target $y^*_t = x_{t-2}\ \mathrm{XOR}\ x_{t-5}$ needs two
# past bits. What is the smallest `truncate=k` that lets the error of $y_t$ reach both cues?
# And the smallest `chunk=k`? Check the first answer in code: with an error only at the last
# step, how many steps back does the gradient of $B$ change as $k$ grows?
#
# <details>
# <summary>Solution</summary>
#
# The older cue $x_{t-5}$ enters at $a_{t-5}$, six pre-activations back counting $a_t$, so
# `truncate=6`. For chunks, a piece must hold both $x_{t-5}$ and $y_t$, i.e. at least 6 steps;
# with `chunk=6` only the last step of each piece sees both cues, so longer chunks train faster.
# In code: each extra step of window adds the contribution of exactly one more step back, and
# beyond the sequence length nothing changes.
#
# ```python
# import numpy as np
# import rnnlib
#
# rng = np.random.default_rng(1)
# net = rnnlib.ElmanRNN(1, 4, 1, seed=0)
# X = rng.standard_normal((8, 1))
# dY = np.zeros((8, 1)); dY[-1] = 1.0                 # error only at the last step
# gB = [net.backward(X, dY, truncate=k)["B"] for k in range(1, 11)]
# changed = [not np.allclose(gB[i], gB[i + 1], rtol=0, atol=1e-15) for i in range(9)]
# print("window k -> k+1 changes the gradient:", changed)
# assert changed[:7] == [True] * 7 and changed[7:] == [False, False]   # T = 8 steps, then nothing more
# assert np.allclose(gB[-1], net.backward(X, dY)["B"])                # a long window is full BPTT
# ```
#
# </details>
#
# **4. Why did the SGD run of section 6 blow up?** One might rescale $D$ to $\rho = 0.5$, see
# no blow-up, and conclude that the recurrence had exploded. Test another explanation. With the
# hidden states held fixed, the loss is a quadratic in the readout $(V, c)$, $L = \frac{1}{n}\sum_t m_t\,(V h_t + c - y^*_t)^2$, whose Hessian is
# $\frac{2}{n}\sum_t m_t\, z_t z_t^\top$ with $z_t = (h_t, 1)$. Gradient descent with rate $\eta$ on a
# quadratic diverges when $\eta$ times its largest eigenvalue exceeds 2. Compute this product
# for the three seeds at the start of training (on all 32 training streams), with $\rho(D) = 1.5$
# and with $\rho(D) = 0.5$, and compare it with what SGD at rate 0.5 does in 100 updates.
#
# <details>
# <summary>Solution</summary>
#
# The product is above 2 for every seed at $\rho = 1.5$ (far above for seed 0; only just above 2
# for seed 2, whose readout-only run in section 6 grew slowly) and below 2 at $\rho = 0.5$, and the
# runs follow: they blow up at $\rho = 1.5$ and stay bounded at $\rho = 0.5$. So the absence of a
# blow-up at $\rho = 0.5$ says nothing about products of $D$: a larger $\rho$ makes the hidden
# states larger, which steepens the readout's quadratic. That $\rho = 0.5$ "helps" is compatible
# with a readout divergence, and section 6's per-parameter norms and frozen variants show that
# this is what happened.
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib import tasks
# from rnnlib.linalg import scale_spectral_radius
#
# X, Y, M = tasks.delayed_bit(T=24, N=32, k=8, seed=0)
#
#
# def readout_curvature(net):
#     """Largest eigenvalue of the Hessian of the loss in (V, c), at the net's hidden states."""
#     Hs, _ = net.forward(X)
#     Z = np.concatenate([Hs, np.ones(Hs.shape[:2] + (1,))], axis=2)[M > 0]   # z_t = (h_t, 1), counted steps
#     return np.linalg.eigvalsh(2 * Z.T @ Z / len(Z)).max()
#
#
# lr, seeds = 0.5, [0, 1, 2]
# for rho in (1.5, 0.5):
#     nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in seeds]
#     for net in nets:
#         net.D = scale_spectral_radius(net.D, rho)
#     product = [lr * readout_curvature(net) for net in nets]
#     runs = rnnlib.fit(nets, X, Y, mask=M, optimizer=rnnlib.SGD(lr=lr), epochs=25, batch_size=8,
#                       seed=seeds, verbose=False)
#     print(f"rho = {rho}: lr x curvature " + " ".join(f"{p:.2f}" for p in product)
#           + "; largest loss " + " ".join(f"{max(h.step_loss):.3g}" for h in runs))
#     if rho == 1.5:
#         assert all(p > 2 for p in product) and all(max(h.step_loss) > 1e6 for h in runs)
#     else:
#         assert all(p < 2 for p in product) and all(max(h.step_loss) < 2 for h in runs)
# ```
#
# </details>
#
# **5. Clip the norm, or the entries?** Another way to bound a step is to clip every entry of
# the gradient to $[-\theta, \theta]$; Mikolov (2012) trained his recurrent language models this
# way. Show that (a) entry-wise clipping can never turn a step uphill: the clipped gradient
# always has a positive dot product with the gradient; (b) unlike norm clipping
# (`rnnlib.clip_grad_norm`), it changes the direction; (c) as $\theta$ shrinks, the clipped
# gradient points more and more along $\operatorname{sign}(g)$. Use random gradients with a few
# large entries (Cauchy draws), shaped like those of an `ElmanRNN(1, 4, 1)`.
#
# <details>
# <summary>Solution</summary>
#
# (a) Clipping keeps every sign and only shrinks magnitudes: each term of the dot product is
# $g_i \operatorname{clip}(g_i) = |g_i| \min(|g_i|, \theta) \ge 0$, and it is positive wherever $g_i \ne 0$. So
# the clipped step is a descent direction whenever the gradient is not zero, as for norm
# clipping. (b) Norm clipping multiplies every entry by the same factor (cosine 1 with the
# gradient); entry-wise clipping shrinks the large entries more than the small ones, so it
# turns the step, here by a lot (the cosine has a median near one half). (c) Every entry larger
# than $\theta$ becomes $\pm\theta$; once $\theta$ is below all of them, the step is $\theta \operatorname{sign}(g)$:
# **sign descent**, which moves every parameter by the same amount, however small or large its
# gradient. That is its real effect: not an uphill step, but a different descent method, which
# forgets the relative sizes that norm clipping keeps (Pascanu et al., 2013, argue that near a
# cliff the direction is informative and only the length is wrong).
#
# ```python
# import numpy as np
# import rnnlib
#
# rng = np.random.default_rng(0)
# flat = lambda d: np.concatenate([v.ravel() for v in d.values()])
# cos = lambda a, b: np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b))
# theta, dots, cos_value, cos_norm = 0.5, [], [], []
# for _ in range(1000):                                   # heavy-tailed gradients: a few large entries
#     g = {"W": rng.standard_cauchy((4, 1)), "D": rng.standard_cauchy((4, 4)), "B": rng.standard_cauchy(4)}
#     by_norm = {k: v.copy() for k, v in g.items()}
#     rnnlib.clip_grad_norm(by_norm, theta)
#     by_value = {k: np.clip(v, -theta, theta) for k, v in g.items()}
#     dots.append(np.sum(flat(g) * flat(by_value)))
#     cos_value.append(cos(flat(g), flat(by_value)))
#     cos_norm.append(cos(flat(g), flat(by_norm)))
# print(f"smallest dot product g . clip(g): {min(dots):.3g} (never negative)")
# print(f"cosine with g: norm clipping {min(cos_norm):.4f} to {max(cos_norm):.4f}; "
#       f"entry clipping {min(cos_value):.2f} to {max(cos_value):.2f} (median {np.median(cos_value):.2f})")
# assert min(dots) > 0 and np.allclose(cos_norm, 1.0)      # downhill always; norm clipping keeps the direction
# assert np.median(cos_value) < 0.9                          # entry clipping turns the step
#
# g = flat({"W": rng.standard_cauchy((4, 1)), "D": rng.standard_cauchy((4, 4)), "B": rng.standard_cauchy(4)})
# towards_sign = [cos(np.clip(g, -t, t), np.sign(g)) for t in (10.0, 1.0, 0.1, 0.01, 1e-4)]
# print("cosine with sign(g) as theta shrinks (10 ... 1e-4):", " ".join(f"{c:.3f}" for c in towards_sign))
# assert all(a <= b for a, b in zip(towards_sign, towards_sign[1:])) and towards_sign[-1] > 0.999
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习
#    ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. The model and
#    notation; training is beyond the article.
# 2. D. E. Rumelhart, G. E. Hinton and R. J. Williams, “Learning representations by
#    back-propagating errors,” *Nature* 323 (6088), 533–536, 1986.
#    [doi:10.1038/323533a0](https://doi.org/10.1038/323533a0)
# 3. P. J. Werbos, “Backpropagation through time: what it does and how to do it,”
#    *Proceedings of the IEEE* 78 (10), 1550–1560, 1990. [doi:10.1109/5.58337](https://doi.org/10.1109/5.58337)
# 4. R. J. Williams and D. Zipser, “A learning algorithm for continually running fully recurrent
#    neural networks,” *Neural Computation* 1 (2), 270–280, 1989.
#    [doi:10.1162/neco.1989.1.2.270](https://doi.org/10.1162/neco.1989.1.2.270) (Real-time recurrent learning.)
# 5. R. J. Williams and J. Peng, “An efficient gradient-based algorithm for on-line training of
#    recurrent network trajectories,” *Neural Computation* 2 (4), 490–501, 1990.
#    [doi:10.1162/neco.1990.2.4.490](https://doi.org/10.1162/neco.1990.2.4.490) (Truncated BPTT.)
# 6. J. L. Elman, “Finding structure in time,” *Cognitive Science* 14 (2), 179–211, 1990.
#    [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 7. S. Hochreiter, *Untersuchungen zu dynamischen neuronalen Netzen*, diploma thesis, Institut
#    für Informatik, Technische Universität München, 1991. (The vanishing error.)
# 8. Y. Bengio, P. Simard and P. Frasconi, “Learning long-term dependencies with gradient
#    descent is difficult,” *IEEE Transactions on Neural Networks* 5 (2), 157–166, 1994.
#    [doi:10.1109/72.279181](https://doi.org/10.1109/72.279181)
# 9. S. Hochreiter and J. Schmidhuber, “Long short-term memory,” *Neural Computation* 9 (8),
#    1735–1780, 1997. [doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735)
# 10. T. Mikolov, *Statistical Language Models Based on Neural Networks*, PhD thesis, Brno
#     University of Technology, 2012. (Entry-wise gradient clipping.)
# 11. R. Pascanu, T. Mikolov and Y. Bengio, “On the difficulty of training recurrent neural
#     networks,” *Proceedings of the 30th International Conference on Machine Learning (ICML)*,
#     PMLR 28 (3), 1310–1318, 2013,
#     [proceedings.mlr.press/v28/pascanu13.html](https://proceedings.mlr.press/v28/pascanu13.html).
# 12. I. Sutskever, *Training Recurrent Neural Networks*, PhD thesis, University of Toronto, 2013.
#     (TBPTT($k_1$, $k_2$).)
# 13. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016:
#     §10.2.2 (computing the gradient in a recurrent network), §10.7 (the challenge of
#     long-term dependencies), §10.11.1 (clipping gradients); [www.deeplearningbook.org](https://www.deeplearningbook.org/).
# 14. D. P. Kingma and J. Ba, “Adam: a method for stochastic optimization,” *International
#     Conference on Learning Representations (ICLR)*, 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980).
#
# [← 04. The hidden view](04_hidden_view.ipynb) | [06. Elman (1990) reproduced →](06_elman_1990.ipynb)
