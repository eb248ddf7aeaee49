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
# - why gradients vanish or explode: the product $\prod \operatorname{diag}(f'(a))\,D$ and the bound $(\gamma\lVert D\rVert)^k$, measured;
# - how gradient-norm clipping rescues a run that blows up;
# - what truncated BPTT gives up: with truncation shorter than the dependency, the task cannot be learned.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb) and [04. The hidden view](04_hidden_view.ipynb);
# the chain rule; matrix-vector products and transposes.
#
# **Time to read:** about 45 minutes (the notebook runs in a few seconds).

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS thread: faster for our small matrices (set before numpy loads)
import numpy as np

import rnnlib
from rnnlib import gradients, plotting, tasks
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
# forward pass must be kept until the sweep is done.
#
# The figure shows formula 2 on three steps: the error arriving at $h_t$ (vermillion) comes
# from above, through $V^\top$, and from the right, through $D^\top$.

# %% mystnb={"image": {"alt": "Diagram of three time steps t\u22121, t and t+1 with input, hidden and output nodes. Grey arrows show the forward flow: W from x to h, V from h to y, and D from each hidden state to the next. Vermillion arrows show the backward flow of the gradient: V-transpose times \u2202L/\u2202y from each output down to its hidden state, and D-transpose times \u2202L/\u2202a from each hidden state back to the one before."}, "figure": {"caption": "Backpropagation through time sends the gradient back along the same arrows, transposed."}}
fig, ax = plt.subplots(figsize=(7.0, 3.3))
pos = {}
for i, t in enumerate(["t-1", "t", "t+1"]):
    for name, yy in (("x", 0.0), ("h", 1.0), ("y", 2.0)):
        pos[name, i] = (2.2 * i, yy)
        ax.text(2.2 * i, yy, f"${name}_{{{t}}}$", ha="center", va="center", fontsize=13,
                bbox=dict(boxstyle="circle,pad=0.3", fc="white", ec=C["black" if name == "h" else "sky"]))


def arrow(p, q, colour, label="", dx=0.0, dy=0.0, rad=0.0):
    ax.annotate("", xy=q, xytext=p, arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.8, shrinkA=16,
                                                    shrinkB=16, connectionstyle=f"arc3,rad={rad}"))
    ax.text((p[0] + q[0]) / 2 + dx, (p[1] + q[1]) / 2 + dy, label, color=colour, fontsize=11, ha="center")


for i in range(3):  # forward pass in grey: W up from x, V up to y, D to the right
    arrow(pos["x", i], pos["h", i], "#999999", "$W$", dx=-0.25)
    arrow(pos["h", i], pos["y", i], "#999999", "$V$", dx=-0.25)
    if i < 2:
        arrow(pos["h", i], pos["h", i + 1], "#999999", "$D$", dy=0.08)
for i in range(3):  # backward pass in vermillion
    arrow(pos["y", i], pos["h", i], C["vermillion"], r"$V^\top\!\partial L/\partial y$", dx=0.62, rad=-0.35)
    if i < 2:
        arrow(pos["h", i + 1], pos["h", i], C["vermillion"], r"$D^\top\!\partial L/\partial a$", dy=-0.55, rad=-0.35)
ax.set_xlim(-0.6, 5.6)
ax.set_ylim(-0.45, 2.45)
ax.axis("off")
ax.set_title("Forward (grey) and backward (vermillion) flow through three steps")
plt.show()

# %% [markdown]
# The four formulas become a loop of a dozen lines. It handles one sequence `X` of shape
# $(T, I)$; Python's index `t` holds step $t+1$ of the text, so `Hs[t]` is $h_{t+1}$ and the
# previous state is `Hs[t - 1]` (or $h_0 = 0$ at the start). `dY` holds $\partial L/\partial y_t$.

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
# (`_hidden_grads`), and moves the sums of formula 4 *out* of the loop: with all
# $\partial L/\partial a_t$ stacked into one array `dA`, $\sum_t \partial L/\partial a_t\, x_t^\top$ is a
# single matrix product `dA.T @ X`. Like our loop it reads $f'(a_t)$ from $h_t$ (for tanh
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
# gradient norm of every epoch (and of every update, used in section 6). **Expected:** the
# loss starts above the chance level $0.25$ (the untrained net of section 1 is worse than
# always answering 0.5); since full BPTT lets the error of $y_t$ reach $x_{t-8}$, it should
# then fall far below chance, close to 0, and the trained network should recall the bit on
# held-out streams nearly always.

# %%
def accuracy(net, X, Y, M):
    """Fraction of counted steps where the output, cut at 0.5, is the target bit."""
    _, out = net.forward(X)
    return float(np.mean(((out > 0.5) == (Y > 0.5))[M > 0]))


net = rnnlib.ElmanRNN(1, 16, 1, seed=0)
history = rnnlib.fit(net, X, Y, mask=M, optimizer=rnnlib.Adam(lr=0.02), epochs=150, log_every=30)
print(f"held-out accuracy: {accuracy(net, X_test, Y_test, M_test):.3f}")

# %% mystnb={"image": {"alt": "Left: training loss (mean squared error, log scale) over 150 epochs of full BPTT with Adam, falling from the chance level of always answering 0.5 (dashed) by more than two orders of magnitude. Right: one held-out stream after training, with the input bits (shifted up), the target x_(t\u22128) and the output y_t; after the first steps, which are masked (grey), the output follows the target closely."}, "figure": {"caption": "Full BPTT learns to recall the bit from 8 steps back."}}
_, out = net.forward(X_test[:, :1])
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
# to an early one is a product of $k$ such factors,
#
# $$\frac{\partial h_T}{\partial h_{T-k}} = \prod_{j=T-k+1}^{T} \operatorname{diag}\!\big(f'(a_j)\big)\, D,
#   \qquad \Big\lVert \frac{\partial h_T}{\partial h_{T-k}} \Big\rVert \le \big(\gamma\, \lVert D\rVert\big)^k ,$$
#
# where $\gamma$ bounds $|f'|$ ($\gamma = 1$ for tanh and for a linear unit) and $\lVert D\rVert$ is the
# largest singular value. The error that $y_T$ sends back to $h_{T-k}$ is this matrix,
# transposed, times $\partial L/\partial h_T$. If $\gamma\lVert D\rVert < 1$ it must shrink
# geometrically: the gradient **vanishes**, and inputs far back hardly get any credit.
# If the largest singular value is above $1/\gamma$, it *can* grow geometrically and
# **explode**. Bengio, Simard & Frasconi (1994) showed why this makes long-term
# dependencies hard to learn by gradient descent; the two conditions in this form
# are from Pascanu, Mikolov & Bengio (2013).
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

# %% mystnb={"image": {"alt": "Two panels, log scale: the norm of \u2202h_T/\u2202h_(T\u2212k) against k steps back from 0 to 60, for recurrent weights D = \u03c1Q with Q orthogonal and H = 32, for \u03c1 = 0.5, 1.0 and 1.5. Left, linear activation: the norm follows \u03c1^k, vanishing for 0.5, constant for 1.0 and exploding for 1.5. Right, tanh: the curves stay at or below the bound \u03c1^k (dashed); 0.5 vanishes, 1.0 decays slowly and 1.5 grows only a little."}, "figure": {"caption": "Vanishing and exploding gradients: sensitivity to the past scales like \u03c1^k."}}
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
# ## 6. Exploding gradients in practice, and clipping
#
# When the gradient explodes, one update can be so large that it throws the weights far
# from anything sensible, and the loss jumps up instead of down. The remedy of Pascanu,
# Mikolov & Bengio (2013) is simple: if the global norm of the gradient (all parameters
# together) exceeds a limit $\theta$, rescale it to length $\theta$,
#
# $$g \leftarrow \frac{\theta}{\lVert g\rVert}\, g \quad\text{if } \lVert g\rVert > \theta ,$$
#
# which keeps its direction and only shortens the step. In `fit` this is `clip=θ`. (Papers
# often call $\theta$ a threshold; we say *limit*, because in this book a threshold is a bias.)
#
# The experiment: the delayed-recall task of section 4, plain SGD with learning rate
# $0.5$, mini-batches of 8 streams, and the delayed-input (延迟输入) weight $D$ rescaled to
# spectral radius $1.5$ at the start, so that gradients can grow over the 24 steps. Two runs
# with the same seed, the same data and the same learning rate differ only in `clip=1.0`.
# We need not watch for the blow-up ourselves: when the loss or a gradient stops being a
# finite number, `fit` stops *before* the update that would spoil the weights, says so, and
# sets `history.diverged`. It also records the loss and the gradient norm of every single
# update (`history.step_loss`, `history.step_grad_norm`): an explosion is best watched
# update by update, not in epoch means. **Expected:** without clipping the gradient norm and the
# loss grow from update to update until the numbers overflow; with clipping the run trains.
# First the unclipped run of seed 0, with `fit`'s own report:

# %%
def sgd_run(clip, seed, verbose=False):
    """SGD (lr 0.5, batches of 8) on delayed recall with D rescaled to spectral radius 1.5."""
    net = rnnlib.ElmanRNN(1, 16, 1, seed=seed)
    net.D = scale_spectral_radius(net.D, 1.5)
    history = rnnlib.fit(net, X, Y, mask=M, optimizer=rnnlib.SGD(lr=0.5), clip=clip, epochs=150,
                         batch_size=8, seed=seed, verbose=verbose, log_every=150)
    return net, history


_, h = sgd_run(clip=None, seed=0, verbose=True)
print(f"history.diverged = {h.diverged}; {len(h.step_loss)} updates were made")

# %% [markdown]
# Now both settings for three seeds. The table gives, for each run, the loss of the first
# update, the largest loss and gradient norm (before clipping) of any update, and the outcome.

# %%
runs = {(clip, seed): sgd_run(clip, seed) for clip in (None, 1.0) for seed in range(3)}
print("clip  seed  first loss  largest loss  largest grad norm  outcome")
for (clip, seed), (trained, h) in runs.items():
    outcome = (f"diverged after {len(h.step_loss)} updates" if h.diverged
               else f"{len(h.step_loss)} updates, held-out accuracy {accuracy(trained, X_test, Y_test, M_test):.3f}")
    print(f"{str(clip):4s}  {seed:4d}  {h.step_loss[0]:10.3f}  {max(h.step_loss):12.2e}  "
          f"{max(h.step_grad_norm):17.2e}  {outcome}")

# %% mystnb={"image": {"alt": "Left, log scale: the mini-batch loss of every update in the first updates of seed 0; without clipping the loss grows exponentially to about 10^300 until it stops being finite (the last finite value is marked by a cross), while with clipping at 1.0 it stays small. Right: the clipped run over all its updates; the loss falls far below the chance loss (dashed), and the gradient norm before clipping starts above the clipping limit \u03b8 (dotted) and falls well below it."}, "figure": {"caption": "Gradient clipping keeps a run stable that otherwise explodes."}}
blown, clipped = runs[None, 0][1], runs[1.0, 0][1]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
n = len(blown.step_loss)
ax1.set(yscale="log", ylim=(1e-3, 1e306), yticks=10.0 ** np.arange(0, 301, 50))
ax1.autoscale(False, axis="y")             # fixed limits: autoscaling near 1e308 would overflow
ax1.plot(np.arange(1, n + 1), blown.step_loss, color=C["vermillion"], label="no clipping")
ax1.plot(np.arange(1, n + 1), clipped.step_loss[:n], color=C["blue"], label="clip = 1.0")
ax1.plot(n, blown.step_loss[-1], "x", color=C["vermillion"], ms=9, mew=2, label="last finite loss")
ax1.set(xlabel="update", ylabel="loss of the mini-batch", title=f"Loss of every update, first {n} (seed 0)")
ax1.legend(loc="upper left")
steps = np.arange(1, len(clipped.step_loss) + 1)
ax2.semilogy(steps, clipped.step_loss, color=C["blue"], label="loss")
ax2.semilogy(steps, clipped.step_grad_norm, color=C["sky"], lw=1, label="gradient norm (before clipping)")
ax2.axhline(0.25, color=C["black"], ls="--", lw=1, label="chance loss")
ax2.axhline(1.0, color=C["black"], ls=":", lw=1, label=r"clipping limit $\theta$")
ax2.set(xlabel="update", ylim=(1e-5, 20), title="The clipped run, all updates (seed 0)")
ax2.legend(loc="lower left", fontsize=9)
plt.show()

# %% [markdown]
# The table and the curves show the two fates. Without clipping the explosion feeds
# itself: a large gradient makes a large step, the step makes the weights larger, and larger
# weights give a larger gradient at the next update. On the log scale of the left panel the
# loss soon climbs along a straight line, i.e. it is multiplied by about the same large
# factor at every update, until after 131 updates (seed 0) the numbers would overflow and `fit` stops
# the run. All three seeds end this way, after 131 to 216 updates. With clipping, the same
# first steps are shortened to length 1, the loss of every update stays below 2 (the
# largest loss in the table), and every seed solves the task. The right panel shows the
# clipped run at its own scale: the *measured* gradient norms (before rescaling) exceed
# $\theta = 1$ only during the first few dozen updates, and stay small afterwards. Clipping
# those first large steps kept the weights out of the region where the norms explode.
# Exercise 4 runs the same setting with $\rho = 0.5$ instead of 1.5: then there is no
# explosion to rescue.
#
# Clipping treats the symptom, not the cause: it stops single steps from being catastrophic,
# but does nothing for *vanishing* gradients, where the step is small for the wrong reason.
#
# ## 7. Truncated BPTT
#
# Full BPTT stores every hidden state of a sequence and sends every error all the way back.
# For long sequences (a text, a sensor stream) that is too costly, and one **truncates**
# (Williams & Peng, 1990). `rnnlib` offers the two usual forms:
#
# - `backward(..., truncate=k)` (and `fit(..., truncate=k)`) lets the error of each output
#   $y_t$ flow back through at most $k$ hidden states, $a_t, a_{t-1}, \dots, a_{t-k+1}$. With
#   $k = 1$ nothing flows through $D^\top$ at all: that is the rule Elman (1990) trained with,
#   treating the previous hidden state as a fixed extra input (chapter 06).
# - `fit(..., chunk=k)` cuts a long sequence into pieces of $k$ steps, runs full BPTT inside each
#   piece, carries the hidden state from one piece to the next, and updates the weights after
#   every piece. Memory is bounded by $k$ and updates are frequent, but no error crosses a
#   piece boundary.
#
# Either way the gradient is no longer the true gradient (section 3 showed how far off $k = 1$ is).
# What it can no longer see is predictable. The target $x_{t-8}$ enters the network at
# $a_{t-8}$, so the error of $y_t$ must pass through the nine pre-activations
# $a_t, \dots, a_{t-8}$ to tell $W$ about it. **Expected:** with `truncate` up to 8 the
# task should not be learned, from 9 on it should be; the same for chunks of up to 8 steps
# against longer ones. Each setting is trained with three seeds (same data, same Adam
# settings as in section 4) and scored on the held-out streams.

# %%
TRUNCATIONS = (1, 4, 8, 9, None)
acc_trunc = {}
for k in TRUNCATIONS:
    acc_trunc[k] = []
    for seed in range(3):
        trained = rnnlib.ElmanRNN(1, 16, 1, seed=seed)
        rnnlib.fit(trained, X, Y, mask=M, optimizer=rnnlib.Adam(lr=0.02), epochs=150,
                   truncate=k, seed=seed, verbose=False)
        acc_trunc[k].append(accuracy(trained, X_test, Y_test, M_test))
for k, accs in acc_trunc.items():
    print(f"truncate={str(k):4s}  held-out accuracy per seed " + " ".join(f"{a:.3f}" for a in accs)
          + f"   mean {np.mean(accs):.3f}")

# %% [markdown]
# For `chunk` we need longer streams to cut: 16 streams of 96 steps, with the same mask (the
# first 8 steps of each stream have no target), trained for 80 epochs; each epoch now makes
# one update per piece, up to 96/k of them. With chunks of 8 the first piece holds masked
# steps only: `fit` runs it, to carry the hidden state into the next piece, but makes no
# update from it.

# %%
X_stream, Y_stream, M_stream = tasks.delayed_bit(T=96, N=16, k=LAG, seed=0)
CHUNKS = (8, 9, 16)
acc_chunk = {}
for k in CHUNKS:
    acc_chunk[k] = []
    for seed in range(3):
        trained = rnnlib.ElmanRNN(1, 16, 1, seed=seed)
        rnnlib.fit(trained, X_stream, Y_stream, mask=M_stream, optimizer=rnnlib.Adam(lr=0.01),
                   epochs=80, chunk=k, seed=seed, verbose=False)
        acc_chunk[k].append(accuracy(trained, X_test, Y_test, M_test))
for k, accs in acc_chunk.items():
    print(f"chunk={k:<3d}  held-out accuracy per seed " + " ".join(f"{a:.3f}" for a in accs)
          + f"   mean {np.mean(accs):.3f}")

# %% mystnb={"image": {"alt": "Two panels of held-out accuracy on a recall task with lag \u03c4 = 8 (dots: seeds; bars: means; dashed: chance 0.5). Left, truncated BPTT with truncate = 1, 4, 8, 9 and full: near chance for k up to 8, about 1 for k = 9 and for full BPTT. Right, training on chunks of k = 8, 9 and 16 steps: near chance for 8, about 1 for 9 and 16."}, "figure": {"caption": "Truncation and chunking work only when the window is longer than the lag."}}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, width_ratios=[5, 3])
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
# The two tables and the figure show the predicted cliff. With `truncate` of 8 or less the
# held-out accuracy stays close to chance for every seed (the best single run is 0.652),
# while 9, the smallest window that reaches back to $a_{t-8}$, already solves the task, as
# does full BPTT. Chunks behave the same way: pieces of 8 steps never contain both a cue and
# the step that asks for it, and stay near chance; pieces of 9 contain exactly one such pair
# (the last step of each piece) and are enough; longer pieces learn as well. That the runs
# which cannot reach the cue still land a little above chance has a likely reason: a
# randomly initialised network already keeps a fading echo of past inputs in $h_t$
# (chapter 04), which the output weights can partly read; a gradient that never reaches the
# cue can use that echo but not build a reliable memory.
#
# The lesson for practice: truncation is a trade of memory and speed for *horizon*. Choose
# the window longer than the longest dependency you want the network to learn; a net
# trained with window $k$ can still *carry* information longer than $k$ steps at run time,
# but training gives it no reason to.
#
# ## Key takeaways
#
# - Training needs only $\partial L/\partial y_t$ from the loss; BPTT turns it into gradients for
#   $W, D, B, V, c$ with four formulas, the key one being
#   $\partial L/\partial h_t = V^\top \partial L/\partial y_t + D^\top \partial L/\partial a_{t+1}$, computed backwards from $t = T$.
# - Shared weights get the *sum* of their per-step gradients; $f'$ can be read from $h_t$.
# - Check gradient code with central finite differences: relative errors at the level of the
#   $\varepsilon^2$ error (here a few times $10^{-9}$ or less) mean correct; a missing term shows up at once.
# - The error sent back $k$ steps is multiplied by $\prod \operatorname{diag}(f'(a))\,D$, whose norm is at most
#   $(\gamma\lVert D\rVert)^k$: it vanishes or explodes geometrically. A linear net with $D = \rho Q$ hits
#   $\rho^k$ exactly; tanh stays below.
# - Gradient-norm clipping keeps the direction and caps the step; it rescued every run that
#   blew up in section 6, but does nothing against vanishing gradients.
# - Truncated BPTT (`truncate=k`, `chunk=k`) cannot learn a dependency of $\tau$ steps unless
#   $k > \tau$: measured here as a sharp cliff between $k = 8$ and $k = 9$.

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
# **4. Is it the recurrent weight?** Rerun the unclipped SGD run of section 6 (learning rate
# 0.5, batch 8, seed 0) with $D$ rescaled to spectral radius 0.5 instead of 1.5. Does it blow up?
# What does that say about the cause of the explosion?
#
# <details>
# <summary>Solution</summary>
#
# It does not blow up: the gradient norm stays small and the loss goes down. The learning
# rate, the data and the output layer are the same as in the run that exploded, so the
# explosion came from the recurrence, i.e. from the products of $D$ that the bound of
# section 5 describes. (With $\rho = 0.5$ the net starts with a short memory, so it may learn
# this 8-step task more slowly: small recurrent weights avoid explosions at the price of
# vanishing gradients.)
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib.linalg import scale_spectral_radius
#
# X = np.random.default_rng(0).integers(0, 2, size=(24, 32, 1)).astype(float)
# Y = np.zeros_like(X); Y[8:] = X[:-8]
# M = np.ones((24, 32)); M[:8] = 0
# net = rnnlib.ElmanRNN(1, 16, 1, seed=0)
# net.D = scale_spectral_radius(net.D, 0.5)
# h = rnnlib.fit(net, X, Y, mask=M, optimizer=rnnlib.SGD(lr=0.5), epochs=150, batch_size=8,
#                seed=0, verbose=False)
# print(f"loss {h.loss[0]:.3f} -> {h.loss[-1]:.4f}, largest gradient norm {max(h.step_grad_norm):.2f}")
# assert not h.diverged and h.loss[-1] < h.loss[0] and max(h.step_grad_norm) < 10
# ```
#
# </details>
#
# **5. Clip the norm, not the entries.** Another way to bound a step is to clip every entry
# of the gradient to $[-\theta, \theta]$. Show with a gradient such as
# $\{W: (3, 0.1),\ D: (-0.2)\}$ that norm clipping (`rnnlib.clip_grad_norm`) keeps the direction
# while entry-wise clipping changes it. Why does the direction matter?
#
# <details>
# <summary>Solution</summary>
#
# Norm clipping multiplies every entry by the same factor, so the cosine between the old and
# new gradient is 1: it is still a descent direction, only shorter. Entry-wise clipping
# shrinks the large entries more than the small ones, so the step points elsewhere, possibly
# uphill. Pascanu et al. (2013) argue that near a "cliff" of the loss the direction is still
# informative and only the length is wrong, which is what norm clipping repairs.
#
# ```python
# import numpy as np
# import rnnlib
#
# g = {"W": np.array([3.0, 0.1]), "D": np.array([-0.2])}
# flat = lambda d: np.concatenate([v.ravel() for v in d.values()])
# before = flat(g)
# by_norm = {k: v.copy() for k, v in g.items()}
# rnnlib.clip_grad_norm(by_norm, 0.5)
# by_value = {k: np.clip(v, -0.5, 0.5) for k, v in g.items()}
# cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)
# print(f"cosine with the original: norm clipping {cos(before, flat(by_norm)):.4f}, "
#       f"entry clipping {cos(before, flat(by_value)):.4f}")
# assert np.isclose(cos(before, flat(by_norm)), 1.0) and np.isclose(np.linalg.norm(flat(by_norm)), 0.5)
# assert cos(before, flat(by_value)) < 0.95
# ```
#
# </details>

# %% [markdown]
# ## References
#
# - 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习
#   ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. The model and notation; training is beyond the article.
# - D. E. Rumelhart, G. E. Hinton and R. J. Williams, “Learning representations by
#   back-propagating errors,” *Nature* 323 (6088), 533–536, 1986. [doi:10.1038/323533a0](https://doi.org/10.1038/323533a0)
# - P. J. Werbos, “Backpropagation through time: what it does and how to do it,”
#   *Proceedings of the IEEE* 78 (10), 1550–1560, 1990. [doi:10.1109/5.58337](https://doi.org/10.1109/5.58337)
# - R. J. Williams and J. Peng, “An efficient gradient-based algorithm for on-line training of
#   recurrent network trajectories,” *Neural Computation* 2 (4), 490–501, 1990. [doi:10.1162/neco.1990.2.4.490](https://doi.org/10.1162/neco.1990.2.4.490) (Truncated BPTT.)
# - J. L. Elman, “Finding structure in time,” *Cognitive Science* 14 (2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# - Y. Bengio, P. Simard and P. Frasconi, “Learning long-term dependencies with gradient
#   descent is difficult,” *IEEE Transactions on Neural Networks* 5 (2), 157–166, 1994. [doi:10.1109/72.279181](https://doi.org/10.1109/72.279181)
# - R. Pascanu, T. Mikolov and Y. Bengio, “On the difficulty of training recurrent neural
#   networks,” *Proceedings of the 30th International Conference on Machine Learning (ICML)*,
#   PMLR 28 (3), 1310–1318, 2013, [proceedings.mlr.press/v28/pascanu13.html](https://proceedings.mlr.press/v28/pascanu13.html).
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016:
#   §10.2.2 (computing the gradient in a recurrent network), §10.7 (the challenge of
#   long-term dependencies), §10.11.1 (clipping gradients); [www.deeplearningbook.org](https://www.deeplearningbook.org/).
# - D. P. Kingma and J. Ba, “Adam: a method for stochastic optimization,” *International
#   Conference on Learning Representations (ICLR)*, 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980).
#
# [← 04. The hidden view](04_hidden_view.ipynb) | [06. Elman (1990) reproduced →](06_elman_1990.ipynb)
