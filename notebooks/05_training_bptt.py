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
# The article says what the basic RNN computes and how to read it, but not where the
# weights (权重) $W, D, V$ and the thresholds (阈值, i.e. biases) $B, c$ come from. This
# chapter goes beyond it: the parameters are *learned*, by following the gradient of a loss
# downhill. For a network unrolled over time that gradient is computed by
# **backpropagation through time** (BPTT). We derive it, write it as a short numpy loop,
# check it, train with it, and then look at what makes it hard: gradients that vanish or
# explode over long spans, and the two standard tools, clipping and truncation. Terms are
# defined in the [glossary](00_introduction.ipynb#Glossary).
#
# **What you will learn**
#
# - the four formulas of BPTT in the book's notation, and why the error runs *backwards* in time;
# - how to check gradient code against finite differences;
# - how to train the basic RNN with `rnnlib.fit` on a task that needs memory;
# - why gradients vanish or explode, measured against the bound $(\gamma\lVert D\rVert)^k$;
# - what gradient-norm clipping does at a cliff of the loss;
# - what truncated BPTT costs and gives up.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb) and [04. The hidden view](04_hidden_view.ipynb);
# the chain rule; matrix-vector products and transposes.
#
# **Time to read:** about 40 minutes.

# %%
import numpy as np

import rnnlib
from rnnlib import diagrams, gradients, plotting, portable, tasks
from rnnlib.linalg import spectral_radius

plt = plotting.use_style()
C = plotting.PALETTE

# %% [markdown]
# ## 1. A task that needs memory, and the loss
#
# To have something to learn we use **delayed recall**: the input is a stream of random bits
# $x_t \in \{0, 1\}$ and the wanted output is the bit seen $\tau$ steps earlier,
# $y^*_t = x_{t-\tau}$ (the *lag*; $L$ is the loss). No single input tells the answer: the
# hidden layer (隐层) must carry $x_{t-\tau}$ for $\tau$ steps, the job chapter 04 gave it. For
# the first $\tau$ steps there is no target, so a *mask* $m_t$ leaves them out. We take
# $\tau = 8$ and `rnnlib.tasks.delayed_bit` (chapter 03). The loss is the mean squared error
# over the counted steps,
#
# $$L = \frac{1}{n} \sum_{t=1}^{T} m_t \,\lVert y_t - y^*_t\rVert^2, \qquad n = O \sum_t m_t .$$
#
# BPTT needs only one thing from the loss: $\partial L/\partial y_t = \tfrac{2}{n}\, m_t\, (y_t - y^*_t)$,
# which `rnnlib`'s losses return as `dY` along with the value. Always answering $0.5$ gives
# $0.25$ on fair bits: the chance level to beat.

# %%
LAG = 8
X, Y, M = tasks.delayed_bit(T=24, N=32, k=LAG, seed=0)  # training set
X_test, Y_test, M_test = tasks.delayed_bit(T=24, N=256, k=LAG, seed=1)  # held-out streams

net = rnnlib.ElmanRNN(1, 16, 1, seed=0)
_, out = net.forward(X)
loss, dY = rnnlib.mse(out, Y, M)
print(f"X {X.shape}, targets {Y.shape}, counted steps per stream: {int(M[:, 0].sum())}")
print(f"untrained loss {loss:.4f}   (always 0.5: {rnnlib.mse(np.full_like(Y, 0.5), Y, M)[0]:.4f})")
print(
    f"dL/dy has the shape of the outputs: {dY.shape}; it is zero on masked steps: {np.all(dY[:LAG] == 0)}"
)

# %% [markdown]
# ## 2. Backpropagation through time, step by step
#
# The forward pass (chapter 02), with the pre-activation written out:
#
# $$a_t = W x_t + D h_{t-1} + B, \qquad h_t = f(a_t), \qquad y_t = V h_t + c, \qquad h_0 = 0 .$$
#
# Unrolled over $T$ steps this is a deep feed-forward graph in which the *same* $W, D, B, V, c$
# appear at every step. The chain rule on this graph (Rumelhart, Hinton & Williams, 1986;
# Werbos, 1990) gives four formulas:
#
# 1. **Output layer.** $y_t$ depends on $V$ and $c$ directly, at every step:
#    $$\frac{\partial L}{\partial V} = \sum_t \frac{\partial L}{\partial y_t}\, h_t^\top, \qquad
#      \frac{\partial L}{\partial c} = \sum_t \frac{\partial L}{\partial y_t}.$$
# 2. **Two paths out of $h_t$**: through its output $y_t$ and through the next pre-activation
#    $a_{t+1}$, which contains $D h_t$:
#    $$\frac{\partial L}{\partial h_t} = V^\top \frac{\partial L}{\partial y_t} + D^\top \frac{\partial L}{\partial a_{t+1}},
#      \qquad \frac{\partial L}{\partial a_{T+1}} = 0 .$$
#    It needs $\partial L/\partial a_{t+1}$ first, so it runs from $t = T$ down to $t = 1$:
#    *backwards through time*.
# 3. **Through the activation**, element by element:
#    $$\frac{\partial L}{\partial a_t} = f'(a_t) \odot \frac{\partial L}{\partial h_t},$$
#    with $f'(a_t) = 1 - h_t^2$ for tanh, so the stored $h_t$ is enough.
# 4. **Shared weights add up** over the steps where they act:
#    $$\frac{\partial L}{\partial W} = \sum_t \frac{\partial L}{\partial a_t}\, x_t^\top, \qquad
#      \frac{\partial L}{\partial D} = \sum_t \frac{\partial L}{\partial a_t}\, h_{t-1}^\top, \qquad
#      \frac{\partial L}{\partial B} = \sum_t \frac{\partial L}{\partial a_t}.$$
#
# One backward sweep costs a few times the forward pass, but every $h_t$ must be kept until it is
# done. (Real-time recurrent learning carries the exact gradient *forward* with no stored
# states, at about $H^4$ operations per step instead of $H^2$; Williams & Zipser, 1989.)
#
# The figure draws formula 2 on three steps of chapter 01's unrolled network: the error
# arriving at $h_t$ (purple) comes from above, through $V^\top$, and from the right, through
# $D^\top$.

# %% mystnb={"figure": {"caption": "BPTT: the error at h_t comes from its output through V transposed and from the next step through D transposed."}, "image": {"alt": "The basic RNN unrolled over three time steps, drawn as in chapter 01: input nodes x_1 to x_3 at the bottom, hidden nodes h_1 to h_3 in the middle (with h_0 = 0 on the left), output nodes y_1 to y_3 at the top, forward arrows coloured by weight (W, D, B, V, c). Purple arrows show the error flowing back: from each output down to its hidden node through V-transpose, and from each hidden node back to the previous one through D-transpose; after step T there is nothing to come back from."}}
fig, ax = plt.subplots(figsize=(9.0, 4.6), layout="constrained")
diagrams.draw_backward(T=3, ax=ax)
plt.show()

# %% [markdown]
# The four formulas become a loop of a dozen lines, for one sequence `X` of shape $(T, I)$.
# Python's index `t` holds step $t+1$ of the text, so `Hs[t]` is $h_{t+1}$.


# %%
def bptt(net, X, dY):
    """Gradients of the loss for one sequence X (T, I) of a tanh net: formulas 1-4, literally."""
    Hs, _ = net.forward(X)
    grads = {name: np.zeros_like(p) for name, p in net.params.items()}
    da_next = np.zeros(net.n_hidden)  # dL/da_{T+1} = 0
    for t in reversed(range(len(X))):
        h_prev = Hs[t - 1] if t > 0 else np.zeros(net.n_hidden)
        grads["V"] += np.outer(dY[t], Hs[t])  # (1) output layer
        grads["c"] += dY[t]
        dh = net.V.T @ dY[t] + net.D.T @ da_next  # (2) two paths out of h_t
        da = (1 - Hs[t] ** 2) * dh  # (3) tanh'(a_t) = 1 - h_t^2
        grads["W"] += np.outer(da, X[t])  # (4) shared weights: sums over steps
        grads["D"] += np.outer(da, h_prev)
        grads["B"] += da
        da_next = da
    return grads


# %%
x1, y1, m1 = X[:, 0], Y[:, 0], M[:, 0]  # the first training stream, (T, 1)
_, out1 = net.forward(x1)
_, dY1 = rnnlib.mse(out1, y1, m1)
ours = bptt(net, x1, dY1)
library = net.backward(x1, dY1)
for name in net.param_names:
    same = np.allclose(ours[name], library[name], rtol=1e-10, atol=1e-14)
    print(f"dL/d{name}: shape {str(ours[name].shape):8s}  loop == net.backward: {same}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the loop and net.backward agree on all five gradients
assert all(np.allclose(ours[n], library[n], rtol=1e-10, atol=1e-14) for n in net.param_names)

# %% [markdown]
# `ElmanRNN.backward` computes the same formulas, arranged for batches and speed (its
# docstring and [`rnnlib/elman.py`](../rnnlib/elman.py) say how). The same loop with batches,
# truncation, a loss, Adam and a training loop is [`rnnlib/reference.py`](../rnnlib/reference.py):
# the whole RNN in one page.
#
# ## 3. Checking gradients against finite differences
#
# A wrong sign or a missing term in gradient code crashes nothing; training just goes worse.
# The standard test compares every entry with a **central finite difference**,
#
# $$\frac{\partial L}{\partial p} \approx \frac{L(p + \varepsilon) - L(p - \varepsilon)}{2\varepsilon},$$
#
# whose error shrinks like $\varepsilon^2$, and reports the relative error
# $\lVert g - \tilde g\rVert / (\lVert g\rVert + \lVert \tilde g\rVert)$ per parameter
# (`rnnlib.check_gradients`, with $\varepsilon = 10^{-4}$, so that the method's own error, not
# rounding noise, is what we see). **Expected:** errors far below $10^{-6}$ for true BPTT, and
# large ones when we drop the $D^\top$ term of formula 2, as `backward(..., truncate=1)` does
# (section 7).

# %%
small = rnnlib.ElmanRNN(2, 5, 3, seed=1)  # float64, as gradient checks need
X_small = np.random.default_rng(2).standard_normal((6, 4, 2))
checks = {
    "full BPTT": rnnlib.check_gradients(small, X_small, eps=1e-4),
    "without D^T term": rnnlib.check_gradients(small, X_small, eps=1e-4, truncate=1),
}


def shown(error):
    """A relative error as printed: errors below 1e-10 are rounding noise."""
    if error < 1e-10:
        return f"{'<1e-10':>10s}"
    return f"{error:10.1e}"


print("relative error     " + "".join(f"{name:>10s}" for name in small.param_names))
for label, errors in checks.items():
    print(f"{label:18s} " + "".join(shown(errors[name]) for name in small.param_names))

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: full BPTT is right; without D^T, W, D, B are off by a large fraction while V, c stay right
assert all(e < 1e-6 for e in checks["full BPTT"].values())
assert all(checks["without D^T term"][p] > 0.1 for p in "WDB")
assert all(checks["without D^T term"][p] < 1e-10 for p in "Vc")

# %% [markdown]
# The first row is at the level of the $\varepsilon^2$ error: the gradients are right (for $V$
# and $c$ the checked scalar is linear, so only rounding remains). In the second row $V$ and
# $c$ are still right, since formula 1 has no recursion, but $W$, $D$ and $B$ are off by a large
# fraction: every path through $D$ is missing.
#
# ## 4. Training
#
# With a correct gradient, training is repeated small steps against it. `rnnlib.fit` runs
# forward, loss, BPTT and an optimiser step (Adam; Kingma & Ba, 2015) on shuffled
# mini-batches, and returns a `History` of losses and gradient norms. We train three
# initialisations side by side, each exactly as if alone ([chapter 03](03_input_view.ipynb)),
# and draw seed 0. **Expected:** the loss starts above chance, $0.25$; since full BPTT lets
# the error of $y_t$ reach $x_{t-8}$, it should fall close to 0, and the networks should
# recall the bit on held-out streams nearly always.


# %%
def accuracy(net, X, Y, M):
    """Fraction of counted steps where the output, cut at 0.5, is the target bit."""
    _, out = net.forward(X)
    return float(np.mean(((out > 0.5) == (Y > 0.5))[M > 0]))


SEEDS = (0, 1, 2)
nets = [
    rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS
]  # three initialisations, trained side by side
histories = rnnlib.fit(
    nets, X, Y, mask=M, optimizer=rnnlib.Adam(lr=0.02), epochs=150, seed=list(SEEDS), log_every=30
)
acc_full = [accuracy(n, X_test, Y_test, M_test) for n in nets]
print("held-out accuracy per seed: " + " ".join(f"{a:.3f}" for a in acc_full))
net, history = nets[0], histories[0]  # seed 0, drawn below
print(f"seed 0: loss {history.loss[0]:.4f} in epoch 1, {history.loss[-1]:.5f} in epoch 150")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: every seed starts above chance; seed 0 ends orders of magnitude below it; every seed recalls the bit
assert all(h.loss[0] > 0.25 for h in histories)
assert history.loss[-1] < 0.25 / 100
assert min(acc_full) > 0.95

# %% mystnb={"figure": {"caption": "Full BPTT learns to recall the bit from 8 steps back."}, "image": {"alt": "Left: training loss (mean squared error, log scale) over 150 epochs of full BPTT with Adam for seed 0, falling from above the chance level of always answering 0.5 (dashed) by more than two orders of magnitude. Right: one held-out stream after training, with the input bits (shifted up), the target x_(t\u22128) and the output y_t; after the first steps, which are masked (grey), the output follows the target closely."}}
_, out = net.forward(X_test[:, :1])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), width_ratios=[1, 1.4])
ax1.semilogy(np.arange(1, 151), history.loss, color=C["blue"], label="training loss")
ax1.axhline(0.25, color=C["black"], ls="--", lw=1, label="chance (always 0.5)")
ax1.set(xlabel="epoch", ylabel="mean squared error", title="Loss curve (full BPTT, Adam)")
ax1.legend()
steps = np.arange(1, 25)
ax2.step(
    steps, X_test[:, 0, 0] + 2.4, where="mid", color=C["sky"], label="input $x_t$ (shifted up)"
)
ax2.step(steps, Y_test[:, 0, 0], where="mid", color=C["black"], lw=2.5, label=r"target $x_{t-8}$")
ax2.plot(steps, out[:, 0, 0], "o-", color=C["vermillion"], ms=4, label="output $y_t$")
ax2.axvspan(0.5, LAG + 0.5, color="#eeeeee", zorder=0, label="masked steps")
ax2.set(
    xlabel="time step $t$",
    yticks=[0, 1, 2.4, 3.4],
    yticklabels=["0", "1", "0", "1"],
    title="A held-out stream after training",
)
ax2.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.show()


# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: on the drawn held-out stream every counted step is recalled
assert np.all((out[LAG:, 0, 0] > 0.5) == (Y_test[LAG:, 0, 0] > 0.5))

# %% [markdown]
# The loss leaves the chance level and falls by orders of magnitude; on the right the output
# copies the input of eight steps earlier from the first counted step on. Chapter 04 measured
# that $h_t$ holds information about $x_{t-k}$; here training has *made* the network keep one
# particular past bit.
#
# ## 5. Vanishing and exploding gradients, measured
#
# How far back can an error travel? By formulas 2 and 3, one step back multiplies it by
# $\operatorname{diag}(f'(a_t))\,D$ (transposed), so $k$ steps back give a product:
#
# $$\frac{\partial h_T}{\partial h_{T-k}} = \operatorname{diag}\!\big(f'(a_T)\big)\,D\;
#   \cdots\; \operatorname{diag}\!\big(f'(a_{T-k+1})\big)\,D ,
#   \qquad \Big\lVert \frac{\partial h_T}{\partial h_{T-k}} \Big\rVert \le \big(\gamma\, \lVert D\rVert\big)^k ,$$
#
# where $\gamma$ bounds $|f'|$ (1 for tanh and for a linear unit) and $\lVert D\rVert$ is the
# largest singular value. If $\gamma\lVert D\rVert < 1$ the error sent back shrinks
# geometrically: the gradient **vanishes**; above 1 it *can* grow geometrically and
# **explode** (Pascanu, Mikolov & Bengio, 2013; Hochreiter, 1991, had analysed the vanishing
# error). What vanishes is the *long-range part*: the gradient of $W$ is a sum over pairs of
# steps, the error of $y_t$ reaching $a_s$ for every $s \le t$, and the pairs with a large gap
# get almost no share of it.
#
# This cannot be escaped by choosing $D$ well (Bengio, Simard & Frasconi, 1994). To store a bit
# *robustly*, so that noise does not erase it, the state must sit where perturbations shrink
# from step to step, and that is exactly where the error sent back vanishes; where they grow,
# the bit is lost and the gradient can explode. The LSTM (Hochreiter & Schmidhuber, 1997) gives
# the error a path whose factor stays 1.
#
# To test this we set $D = \rho\,Q$ with $Q$ a random orthogonal matrix, so that its spectral
# radius *and* norm are exactly $\rho$, for $\rho = 0.5, 1, 1.5$ and $H = 32$; `rnnlib.gradients`
# builds the product from $D$ and the slopes of a forward run. **Expected:** for a **linear**
# activation the product is $\rho^k Q^k$, of norm *exactly* $\rho^k$; for **tanh** the slopes are
# below 1, so the curves should lie *below* $\rho^k$.

# %%
H, T_long, RHOS = 32, 60, (0.5, 1.0, 1.5)
Q = gradients.random_orthogonal(H, seed=0)
X_rand = np.random.default_rng(3).standard_normal((T_long, 20, 1))  # 20 random input streams
norms = {}
for rho in RHOS:
    probe = rnnlib.ElmanRNN(1, H, 1, seed=0)
    probe.D = rho * Q
    norms["linear", rho] = gradients.jacobian_norms(
        gradients.jacobian_products(probe.D, np.ones((T_long, H)))
    )
    norms["tanh", rho] = gradients.jacobian_norms(
        gradients.hidden_jacobians(probe, X_rand)
    )  # (T+1, 20)
print(
    "spectral radius and norm of D: "
    + ", ".join(f"{spectral_radius(r * Q):.2f} / {np.linalg.norm(r * Q, 2):.2f}" for r in RHOS)
)
print("||dh_T/dh_(T-k)||   k=10       k=30       k=60   (tanh: median of 20 streams)")
for (act, rho), n in norms.items():
    typical = np.median(n, axis=1) if n.ndim == 2 else n
    row = f"{act:6s} rho={rho:.1f}  " + "  ".join(f"{typical[k]:9.2e}" for k in (10, 30, 60))
    if act == "linear":
        row += f"   bound rho^60 = {rho**60:.2e}"
    print(row)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: linear on the bound rho^k; tanh below it; tanh decays at rho = 1 and grows far slower than 1.5^k at 1.5
steps_back = np.arange(T_long + 1)
for rho in RHOS:
    assert np.allclose(norms["linear", rho], rho**steps_back, rtol=1e-9)
    assert np.all(np.median(norms["tanh", rho], axis=1)[1:] < rho ** steps_back[1:])
assert np.median(norms["tanh", 1.0], axis=1)[60] < 0.1
assert 100 < np.median(norms["tanh", 1.5], axis=1)[60] < 1.5**60 / 1e6

# %% mystnb={"figure": {"caption": "Vanishing and exploding gradients: sensitivity to the past scales like \u03c1^k at most."}, "image": {"alt": "Two panels, log scale: the norm of \u2202h_T/\u2202h_(T\u2212k) against k steps back from 0 to 60, for recurrent weights D = \u03c1Q with Q orthogonal and H = 32, for \u03c1 = 0.5, 1.0 and 1.5. Left, linear activation: the norm follows \u03c1^k, vanishing for 0.5, constant for 1.0 and exploding for 1.5. Right, tanh: the curves stay below the bound \u03c1^k (dashed); 0.5 vanishes, 1.0 decays slowly and 1.5 grows far more slowly than 1.5^k."}}
ks = np.arange(T_long + 1)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
colours = dict(zip(RHOS, (C["blue"], C["green"], C["vermillion"]), strict=True))
for ax, act in zip(axes, ("linear", "tanh"), strict=True):
    for rho in RHOS:
        ax.semilogy(ks, rho**ks, ls="--", lw=1, color="#777777")
        n = norms[act, rho]
        if n.ndim == 2:
            ax.fill_between(ks, n.min(axis=1), n.max(axis=1), color=colours[rho], alpha=0.2, lw=0)
            n = np.median(n, axis=1)
        ax.semilogy(ks, n, color=colours[rho], label=rf"$\rho = {rho}$")
    ax.set(xlabel="steps back $k$", title=f"{act} activation")
axes[0].set_ylabel(r"$\|\partial h_T / \partial h_{T-k}\|$")
axes[0].plot([], [], ls="--", lw=1, color="#777777", label=r"bound $(\gamma\|D\|)^k = \rho^k$")
axes[0].legend()
axes[1].text(
    0.02,
    0.02,
    "tanh: median of 20 streams, band = min to max",
    transform=axes[1].transAxes,
    fontsize=9,
)
fig.suptitle(r"How the sensitivity to the past scales with $D = \rho Q$ ($Q$ orthogonal, $H = 32$)")
plt.show()

# %% [markdown]
# The linear panel is the theory made visible: at $k = 60$ the table shows 8.67e-19 for
# $\rho = 0.5$ and 3.68e+10 for $\rho = 1.5$, exactly $0.5^{60}$ and $1.5^{60}$. With tanh every
# curve is below its bound: at $\rho = 1$ the sensitivity decays, and at $\rho = 1.5$ it grows
# far more slowly than $1.5^k$, because large weights push units towards saturation, where the
# slope is small. An error sent back 60 steps is multiplied by a number that is astronomically
# small or large unless $\gamma\lVert D\rVert$ is close to 1. Chapter 04 saw the same number from
# the forward side: the spectral radius of $D$ sets how long information survives in $h_t$; here
# it sets how far back the error reaches.
#
# ## 6. Exploding gradients and clipping
#
# When the gradient explodes, one update can throw the weights far from anything sensible.
# The remedy of Pascanu et al. (2013): if the global norm of the gradient exceeds a limit
# $\theta$, rescale it to norm $\theta$, keeping its direction,
#
# $$g \leftarrow \frac{\theta}{\lVert g\rVert}\, g \quad\text{if } \lVert g\rVert > \theta ;$$
#
# in `fit` this is `clip=θ` (we say *limit*, since in this book a threshold is a bias). Not
# every blow-up is an exploding gradient: plain SGD at learning rate 0.5 on the task of
# section 4, with $D$ rescaled to spectral radius 1.5, blows up, yet the cause is a rate too
# large for the curvature of the readout $V, c$ alone, which never goes through the products of
# section 5 (exercise 5). So look at the gradient of each parameter before blaming the recurrence.
#
# ### A genuine explosion: the cliff of a one-unit memory
#
# Pascanu et al. (2013) show where a real explosion happens with a single unit: $H = 1$,
# $W = 1$, $D = 2$, $V = 1$, $c = 0$, and a task that asks it to *store one bit*: two streams get
# $x_1 = +1$ or $-1$ and zeros after, and the only counted target, at step $T$, is $x_1$. With
# $D = 2$ the map $h \mapsto \tanh(2h + B)$ has, for small $B$, two stable fixed points near
# $\pm 0.96$ and an unstable one between them: the unit *latches* the sign of $x_1$. As $B$
# grows, the $-1$ stream starts above the unstable point and is pulled to the positive
# attractor: the loss jumps, a **wall** in the loss surface. **Expected:** at the wall the
# gradients of $W, D, B$ are huge and grow geometrically with $T$, while those of $V, c$ stay
# of the size of the output error. At $B = 0$ the bit is stored robustly, in the contracting
# regime (the factor at the fixed point is $2\,(1 - 0.96^2) \approx 0.17$ per step), so the
# credit of $x_1$, the gradient of $W$, should vanish geometrically with $T$. One unit needs no
# matrix products, so we compute the final state for many $B$ at once, checked against `net.forward`.


# %%
def memory_task(T):
    """Two streams: +1 or -1 at step 1, zeros after; the target at step T (the only counted step) is that bit."""
    X = np.zeros((T, 2, 1))
    X[0, :, 0] = (1.0, -1.0)
    Y = np.zeros((T, 2, 1))
    Y[-1, :, 0] = (1.0, -1.0)
    M = np.zeros((T, 2))
    M[-1] = 1.0
    return X, Y, M


def one_unit(B, W=1.0, D=2.0, V=1.0, c=0.0):
    """An ElmanRNN with one hidden unit and the given scalar parameters."""
    net = rnnlib.ElmanRNN(1, 1, 1)
    for name, value in zip("WDBVc", (W, D, B, V, c), strict=True):
        setattr(net, name, np.full(getattr(net, name).shape, float(value)))
    return net


def final_states(B, T, W=1.0, D=2.0):
    """h_T of the +1 and the -1 stream for an array of thresholds B at once: shape (2, len(B))."""
    h = portable.tanh(W * np.array([[1.0], [-1.0]]) + B)
    for _ in range(T - 1):
        h = portable.tanh(D * h + B)
    return h


# %%
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


# %%
X_bit, Y_bit, M_bit = memory_task(20)
print("  T  at       B      loss  " + "".join(f"  |dL/d{name}|" for name in "WDBVc"))
cliff = {}
for T in (10, 20, 40):
    for where, B in (("B = 0", 0.0), ("wall", wall(T))):
        loss, n = cliff[T, where] = gradient_norms(one_unit(B), *memory_task(T))
        print(
            f"{T:3d}  {where:6s} {B:6.4f}  {loss:6.4f}  "
            + "".join(f"  {n[name]:7.1e}" for name in "WDBVc")
        )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: final_states is the network's; at the wall W, D, B are huge (V, c below 1) and grow > 50x from T = 10
# to 20 and > 1,000x from 20 to 40; at B = 0 the gradient of W vanishes, D's does not; at T = 40, B's is about
# three times those of W and D, which are equal to two digits
assert np.array_equal(
    final_states(np.array([0.3]), 20)[:, 0], one_unit(0.3).forward(X_bit)[0][-1, :, 0]
)
for T in (10, 20, 40):
    assert all(cliff[T, "wall"][1][p] > 50 for p in "WDB") and all(
        cliff[T, "wall"][1][p] < 1 for p in "Vc"
    )
    assert cliff[T, "B = 0"][1]["W"] < 1e-8 and cliff[T, "B = 0"][1]["D"] > 1e-3
for p in "WDB":
    assert cliff[20, "wall"][1][p] > 50 * cliff[10, "wall"][1][p]
    assert cliff[40, "wall"][1][p] > 1000 * cliff[20, "wall"][1][p]
g40 = cliff[40, "wall"][1]
assert f"{g40['W']:.1e}" == f"{g40['D']:.1e}" and 2.5 * max(g40["W"], g40["D"]) < g40[
    "B"
] < 3.5 * min(g40["W"], g40["D"])

# %% mystnb={"figure": {"caption": "A genuine exploding gradient: at the wall of a one-unit memory, the gradients of W, D and B grow geometrically with T."}, "image": {"alt": "Two panels for a one-unit network that stores the sign of its first input (W = 1, D = 2, V = 1, c = 0). Left: loss against the threshold B from 0 to 0.8 for sequence lengths T = 10, 20 and 40; the loss is near 0 up to B of about 0.45 and then jumps to about 2, a wall that gets steeper with T. Right, log scale: gradient norm of each parameter at the wall against T from 4 to 40; the gradients of W, D and B rise along straight lines to about 10^7, those of V and c stay flat below 1."}}
B_grid = np.linspace(0.0, 0.8, 801)
T_range = np.arange(4, 41)
at_wall = [gradient_norms(one_unit(wall(T)), *memory_task(T))[1] for T in T_range]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
for T, colour in zip((10, 20, 40), (C["sky"], C["blue"], C["black"]), strict=True):
    h = final_states(B_grid, T)
    ax1.plot(B_grid, ((h[0] - 1) ** 2 + (h[1] + 1) ** 2) / 2, color=colour, label=f"T = {T}")
ax1.set(
    xlabel="threshold $B$ (W = 1, D = 2, V = 1, c = 0)",
    ylabel="loss",
    title="The wall in the loss surface",
)
ax1.legend(loc="upper left")
for name, colour, marker in zip(
    "WDBVc", (C["blue"], C["orange"], "#555555", C["vermillion"], C["purple"]), "os^vd", strict=True
):
    ax2.semilogy(
        T_range,
        [n[name] for n in at_wall],
        marker + "-",
        ms=3,
        color=colour,
        label=f"$|\\partial L/\\partial {name}|$",
    )
ax2.set(
    xlabel="sequence length $T$",
    ylabel="gradient norm at the wall",
    title="Gradients at the wall, per parameter",
)
ax2.legend(loc="upper left", ncol=2, fontsize=9)
plt.show()

# %% [markdown]
# This is the signature of an exploding gradient. At the wall the gradients of $W$, $D$ and
# $B$ grow by a constant factor per step of $T$ (more than 50 times from $T = 10$ to $20$, more
# than 1,000 times from $20$ to $40$), while those of $V$ and $c$ stay below 1. The wall itself
# hardly moves ($B \approx 0.45$); it only gets steeper. The rows at $B = 0$ show the other half
# of Bengio et al.'s trade-off: the bit is stored and the loss is small, but the credit of $x_1$
# vanishes geometrically with $T$. (The gradient of $D$ does not: $D$ acts at every step, and
# its short-range terms do not depend on $T$.)
#
# ### What clipping does at the wall
#
# Now train from the wall, as a run that drifted there would: plain SGD with learning rate
# 0.1 for 100 updates, without and with `clip=1.0`. **Expected:** without clipping the first
# step, $0.1 \times$ a gradient norm of over a thousand, throws the parameters into a saturated
# region from which descent cannot return; with clipping the step has length $0.1$, in the same
# direction, and carries them over the wall.

# %%
B_wall = wall(20)
runs, after = {}, {}
for clip in (None, 1.0):
    unit = one_unit(B_wall)
    runs[clip] = rnnlib.fit(
        unit,
        X_bit,
        Y_bit,
        mask=M_bit,
        optimizer=rnnlib.SGD(lr=0.1),
        epochs=100,
        clip=clip,
        verbose=False,
    )
    loss, n = gradient_norms(unit, X_bit, Y_bit, M_bit)
    after[clip] = (unit, loss, n)
    h = runs[clip]
    print(
        f"clip={str(clip):4s}  first gradient norm {h.step_grad_norm[0]:.2e}; loss {h.step_loss[0]:.4f} -> "
        f"{h.step_loss[1]:.4f} after one update -> {loss:.4f} after 100; "
        f"then B = {unit.B[0]:.3f}, D = {unit.D[0, 0]:.3f}; "
        f"W, D, B gradients exactly 0: {all(n[p] == 0 for p in 'WDB')}"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: unclipped, thrown off (B very negative, D large), saturated at -1, stuck at loss 1 with zero
# gradients; clipped, over the wall after one update and learning
unit, loss, n = after[None]
assert unit.B[0] < -100 and unit.D[0, 0] > 100 and np.all(unit.forward(X_bit)[0] == -1)
assert all(n[p] == 0 for p in "WDB") and loss > 0.99
assert runs[1.0].step_loss[1] < 0.01 and after[1.0][1] < 1e-3

# %% [markdown]
# Both runs see the same first gradient, of norm above ten thousand. Without clipping the step
# throws $B$ far negative and $D$ to hundreds: both streams saturate at $h_t = -1$, the loss
# settles at 1 (the best a constant output can do) and the gradients of $W, D, B$ are exactly
# zero: the run is ruined. With clipping the same direction, cut to length 0.1, carries the
# parameters over the wall and the loss falls at once. The direction of an exploding gradient
# is useful, its length is not. Clipping treats the symptom: it does nothing for *vanishing*
# gradients, where the step is small for the wrong reason.
#
# ## 7. Truncated BPTT
#
# Full BPTT stores every hidden state and sends every error all the way back. For long
# sequences one **truncates** (Williams & Peng, 1990). `rnnlib` offers two forms:
#
# - `fit(..., chunk=k)` is the practical method, **TBPTT($k$, $k$)**: cut the sequence into
#   pieces of $k$ steps, run full BPTT inside each, carry the hidden state across, and update
#   after every piece. Only $k$ states are kept, but no error crosses a piece boundary: the error
#   of a piece's last output flows back $k$ steps, that of its first only one. (The general
#   TBPTT($k_1$, $k_2$) runs BPTT over the last $k_2$ steps every $k_1$ steps; Sutskever, 2013.)
# - `backward(..., truncate=k)` (and `fit(..., truncate=k)`) is the **per-output truncated
#   gradient**: the error of *every* $y_t$ flows back through exactly $k$ pre-activations. It
#   saves nothing (every state is stored, and it costs $O(kTH^2)$); it is a *diagnostic* of what a
#   window of $k$ steps can learn. With $k = 1$ nothing flows through $D^\top$: Elman's (1990)
#   rule (chapter 06).
#
# The target $x_{t-8}$ enters at $a_{t-8}$, so the error of $y_t$ must pass through the nine
# pre-activations $a_t, \dots, a_{t-8}$ to reach it. **Expected:** with `truncate` up to 8 the task
# should not be learned, from 9 on it should; the same for chunks of up to 8 steps against longer
# ones. Each window is trained with the three seeds of section 4 and scored on the held-out
# streams.

# %%
acc_trunc = {}
for k in (1, 8, 9):
    nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS]
    rnnlib.fit(
        nets,
        X,
        Y,
        mask=M,
        optimizer=rnnlib.Adam(lr=0.02),
        epochs=150,
        truncate=k,
        seed=list(SEEDS),
        verbose=False,
    )
    acc_trunc[k] = [accuracy(n, X_test, Y_test, M_test) for n in nets]
acc_trunc[None] = acc_full  # full BPTT, section 4
for k, accs in acc_trunc.items():
    print(
        f"truncate={str(k):4s}  held-out accuracy per seed "
        + " ".join(f"{a:.3f}" for a in accs)
        + f"   mean {np.mean(accs):.3f}"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: windows up to 8 stay near chance on every seed; 9 and full BPTT solve it on every seed
assert max(acc_trunc[1] + acc_trunc[8]) < 0.7
assert min(acc_trunc[9] + acc_trunc[None]) > 0.95

# %% [markdown]
# For `chunk` we need longer streams to cut: 16 streams of 96 steps, trained for 80 epochs,
# one update per piece. With chunks of 8 the first piece holds masked steps only: `fit` runs
# it to carry the state on, but makes no update from it.

# %%
X_stream, Y_stream, M_stream = tasks.delayed_bit(T=96, N=16, k=LAG, seed=0)
acc_chunk = {}
for k in (8, 9, 16):
    nets = [rnnlib.ElmanRNN(1, 16, 1, seed=s) for s in SEEDS]
    rnnlib.fit(
        nets,
        X_stream,
        Y_stream,
        mask=M_stream,
        optimizer=rnnlib.Adam(lr=0.01),
        epochs=80,
        chunk=k,
        seed=list(SEEDS),
        verbose=False,
    )
    acc_chunk[k] = [accuracy(n, X_test, Y_test, M_test) for n in nets]
for k, accs in acc_chunk.items():
    print(
        f"chunk={k:<3d}  held-out accuracy per seed "
        + " ".join(f"{a:.3f}" for a in accs)
        + f"   mean {np.mean(accs):.3f}"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: chunks of 8 stay well below the longer chunks; 9 and 16 solve it on every seed
assert max(acc_chunk[8]) < 0.75
assert min(acc_chunk[9] + acc_chunk[16]) > 0.95

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
    ax.set(
        xticks=range(len(labels)),
        xticklabels=labels,
        xlabel=f"{name} = k",
        title=f"fit(..., {name}=k), lag τ = {LAG}",
    )
axes[0].set_ylabel("held-out accuracy")
axes[0].plot([], [], "o", color=C["vermillion"], label=f"k ≤ {LAG} (seeds, bar = mean)")
axes[0].plot([], [], "o", color=C["blue"], label=f"k > {LAG}")
axes[0].legend(loc="center left")
plt.show()

# %% [markdown]
# The predicted cliff. With `truncate` of 1 or 8 the held-out accuracy stays close to chance
# for every seed (the best run: 0.652), while 9, the smallest window that reaches $a_{t-8}$,
# solves the task, as does full BPTT. Pieces of 8 steps never hold both a cue and the step that
# asks for it and stay far below the longer pieces (best run 0.716); pieces of 9 hold exactly one
# such pair and are enough. The runs that cannot reach the cue still land a little above chance,
# probably because a random network keeps a fading echo of past inputs (chapter 04) that the
# output weights can partly read. In practice: choose the window longer than the longest
# dependency to be learned; `truncate=k` costs more than full BPTT and only shows what a window
# of $k$ steps sees.
#
# ## Key takeaways
#
# - Training needs only $\partial L/\partial y_t$ from the loss; BPTT turns it into gradients for
#   $W, D, B, V, c$ with four formulas, the key one
#   $\partial L/\partial h_t = V^\top \partial L/\partial y_t + D^\top \partial L/\partial a_{t+1}$, computed backwards from $t = T$.
#   Shared weights get the *sum* of their per-step gradients.
# - Check gradient code with central finite differences: a missing term shows up at once.
# - The error sent back $k$ steps is multiplied by a product of $k$ factors
#   $\operatorname{diag}(f'(a_t))\,D$, of norm at most $(\gamma\lVert D\rVert)^k$: long-range
#   contributions vanish or explode geometrically. A linear net with $D = \rho Q$ hits $\rho^k$
#   exactly; tanh stays below.
# - Storing a bit robustly needs the contracting regime, where the gradient vanishes (Bengio et
#   al., 1994); near the boundary between stored states it explodes. On one unit: the input's
#   gradient falls to 3.9e-32 over 40 steps at $B = 0$; at the wall the gradients of $W$ and $D$
#   reach 1.5e+07 and that of $B$ 4.6e+07, while $V, c$ stay below 1.
# - Not every blow-up is an exploding gradient: look at the gradient of each parameter.
# - Gradient-norm clipping keeps the direction and caps the step at (learning rate) $\times\,\theta$;
#   at the wall it turned a ruinous step into a useful one. It does nothing against vanishing.
# - `chunk=k` keeps $k$ states and updates every $k$ steps; `truncate=k` is a diagnostic. Neither
#   can learn a dependency of $\tau$ steps unless $k > \tau$: a sharp cliff between $k = 8$ and $k = 9$.

# %% [markdown]
# ## Exercises
#
# **1. BPTT with paper and pencil.** Take a one-unit network with $c = 0$,
# $h_t = \tanh(w x_t + d\, h_{t-1} + b)$, $y_t = v h_t$, $h_0 = 0$, with $w = 0.5$, $d = 1$, $b = 0$,
# $v = 2$, the inputs $x_1 = 1$, $x_2 = 0$, and a loss on the last step only,
# $L = \tfrac12 (y_2 - 1)^2$. Run the forward pass, then formulas 1-4 backwards, and find
# $\partial L/\partial v$, $\partial L/\partial w$, $\partial L/\partial d$ and $\partial L/\partial b$ to
# four decimals (a calculator for tanh is allowed). Why is $\partial L/\partial w$ not zero,
# although $x_2 = 0$ and $y_1$ is not scored? Check your numbers against `net.backward`.
#
# <details>
# <summary>Solution</summary>
#
# Forward: $a_1 = 0.5$, $h_1 = \tanh 0.5 \approx 0.4621$; $a_2 = d\,h_1 \approx 0.4621$,
# $h_2 \approx 0.4318$, $y_2 = 2h_2 \approx 0.8636$, so $\partial L/\partial y_2 = y_2 - 1 \approx -0.1364$
# and $\partial L/\partial y_1 = 0$.
#
# Backward, from $t = 2$: formula 1 gives $\partial L/\partial v = (y_2 - 1)\,h_2 \approx -0.0589$.
# Formula 2 (nothing comes from $t = 3$): $\partial L/\partial h_2 = v\,(y_2 - 1) \approx -0.2728$;
# formula 3: $\partial L/\partial a_2 = (1 - h_2^2)(-0.2728) \approx -0.2219$. At $t = 1$ the output
# sends nothing, so $\partial L/\partial h_1 = d\,\partial L/\partial a_2 \approx -0.2219$ and
# $\partial L/\partial a_1 = (1 - h_1^2)(-0.2219) \approx -0.1745$. Formula 4 adds up the steps:
#
# $$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a_1} x_1 + \frac{\partial L}{\partial a_2} x_2 \approx -0.1745, \qquad
#   \frac{\partial L}{\partial d} = \frac{\partial L}{\partial a_1} h_0 + \frac{\partial L}{\partial a_2} h_1 \approx -0.1025, \qquad
#   \frac{\partial L}{\partial b} = \frac{\partial L}{\partial a_1} + \frac{\partial L}{\partial a_2} \approx -0.3964 .$$
#
# All of $\partial L/\partial w$ comes from step 1, through the path $x_1 \to h_1 \to h_2 \to y_2$:
# the error reached $a_1$ only through $D^\top$, backwards in time. Without that term
# (`truncate=1`) it would be 0.
#
# ```python
# import numpy as np
# import rnnlib
#
# net = rnnlib.ElmanRNN(1, 1, 1)
# for name, value in zip("WDBVc", (0.5, 1.0, 0.0, 2.0, 0.0)):
#     setattr(net, name, np.full(getattr(net, name).shape, value))
# X = np.array([[1.0], [0.0]])
# Hs, Y = net.forward(X)
# assert np.allclose([Hs[0, 0], Hs[1, 0], Y[1, 0]], [0.4621, 0.4318, 0.8636], atol=5e-5)   # the forward pass
# dY = np.array([[0.0], [Y[1, 0] - 1.0]])              # dL/dy_t for L = (y_2 - 1)^2 / 2
# grads = net.backward(X, dY)
# by_hand = {"c": -0.1364, "V": -0.0589, "W": -0.1745, "D": -0.1025, "B": -0.3964}   # dL/dc = dL/dy_2 here
# for name, value in by_hand.items():
#     print(f"dL/d{name.lower()}: by hand {value:+.4f}, net.backward {grads[name].item():+.4f}")
#     assert abs(grads[name].item() - value) < 5e-5
# assert net.backward(X, dY, truncate=1)["W"].item() == 0.0     # no path back through d: no credit for w
# ```
#
# </details>
#
# **2. BPTT for ReLU.** Which line of `bptt` depends on the activation? Change it for ReLU
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
# **3. The spectral radius is not the norm.** The bound uses $\lVert D\rVert$, the largest
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
# **4. Which window for which task?** A target $y^*_t = x_{t-2}\ \mathrm{XOR}\ x_{t-5}$ needs two
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
# **5. A blow-up that is not an exploding gradient.** On the task of section 4, plain SGD at rate 0.5 with $\rho(D) = 1.5$
# blows up, and with $\rho(D) = 0.5$ it does not; one might conclude that the recurrence
# exploded. Test another explanation. With the hidden states held fixed, the loss is a
# quadratic in the readout $(V, c)$, $L = \frac{1}{n}\sum_t m_t\,(V h_t + c - y^*_t)^2$, with Hessian
# $\frac{2}{n}\sum_t m_t\, z_t z_t^\top$, $z_t = (h_t, 1)$. Gradient descent with rate $\eta$ on a
# quadratic diverges when $\eta$ times its largest eigenvalue exceeds 2. Compute this product for
# three seeds at the start of training (all 32 training streams), at $\rho(D) = 1.5$ and $0.5$,
# and compare with what SGD at rate 0.5 does in 100 updates.
#
# <details>
# <summary>Solution</summary>
#
# The product is above 2 for every seed at $\rho = 1.5$ and below 2 at $\rho = 0.5$, and the runs
# follow: they blow up at $\rho = 1.5$ and stay bounded at $\rho = 0.5$. A larger $\rho$ makes the
# hidden states larger, which steepens the readout's quadratic; so the blow-up is explained by
# the readout alone, without any product of $D$. Hence section 6's advice: look at each
# parameter's gradient before blaming the recurrence.
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
# **6. Clip the norm, or the entries?** Another way to bound a step is to clip every entry of
# the gradient to $[-\theta, \theta]$, as Mikolov (2012) did. Show that (a) entry-wise clipping
# never turns a step uphill; (b) unlike norm clipping (`rnnlib.clip_grad_norm`), it changes the
# direction; (c) as $\theta$ shrinks, the clipped gradient points more and more along
# $\operatorname{sign}(g)$. Use random gradients with a few large entries (Cauchy draws), shaped
# like those of an `ElmanRNN(1, 4, 1)`.
#
# <details>
# <summary>Solution</summary>
#
# (a) Clipping keeps every sign: each term of the dot product is
# $g_i \operatorname{clip}(g_i) = |g_i| \min(|g_i|, \theta) \ge 0$, positive wherever $g_i \ne 0$.
# (b) Norm clipping scales every entry by the same factor (cosine 1); entry-wise clipping shrinks
# large entries more than small ones and turns the step, here by a lot. (c) Once $\theta$ is below
# every entry, the step is $\theta \operatorname{sign}(g)$: **sign descent**, a different method,
# which forgets the relative sizes that norm clipping keeps (Pascanu et al., 2013, argue that near
# a cliff the direction is informative and only the length is wrong).
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
