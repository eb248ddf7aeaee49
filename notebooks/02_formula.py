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
# # 02. The formula
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F02_formula.ipynb)
#
# Chapter 01 drew the basic RNN as a chain of small feed-forward networks, one per time
# step, each also receiving the previous step's hidden layer. This chapter writes that
# picture as two lines of algebra and then computes with them: first by hand with numbers
# small enough to check on paper, then with `rnnlib`, then for many sequences at once.
# Short definitions of the terms used here are collected in the introduction (see the [glossary](00_introduction.ipynb#Glossary)).
#
# **What you will learn**
#
# - the two equations of the basic RNN, what every symbol means and what shape it has;
# - how to compute a few steps by hand, and that `rnnlib.ElmanRNN` gives the same numbers;
# - how the choice of activation (tanh or ReLU) changes the hidden states;
# - what the initial state $h_0$ does, and why it is usually set to zero;
# - that a plain loop, the library and the concatenated form $[W\;D]\,[x;h]$ are one and the same computation;
# - how a batch of sequences is processed at once, in time-major layout;
# - what training does, in a one-page preview: a loss, and `rnnlib.fit` lowering it.
#
# **Prerequisites:** [01. Structure](01_structure.ipynb); matrix-vector products; a little numpy.
#
# **Time to read:** about 30 minutes.

# %%
import numpy as np

import rnnlib
from rnnlib import plotting

plt = plotting.use_style()
C = plotting.PALETTE


def vec(v, digits=3):
    """A vector as a short string with a fixed number of decimals."""
    return "[" + ", ".join(f"{x:+.{digits}f}" for x in np.ravel(v)) + "]"


# %% [markdown]
# ## 1. The formula
#
# At every time step $t = 1, 2, \dots, T$ the network reads one input vector $x_t$,
# updates its hidden layer (隐层) and produces one output:
#
# $$h_t = f(W x_t + D h_{t-1} + B), \qquad y_t = V h_t + c.$$
#
# With $I$ inputs, $H$ hidden units and $O$ outputs the symbols are:
#
# | symbol | meaning | shape |
# |---|---|---|
# | $x_t$ | the input at step $t$ (the *real-time input*) | $(I,)$ |
# | $h_{t-1}$ | the hidden layer of the previous step, fed back as the *delayed input* (延迟输入) | $(H,)$ |
# | $h_t$ | the hidden layer at step $t$ | $(H,)$ |
# | $y_t$ | the output at step $t$ | $(O,)$ |
# | $W$ | weight (权重) from the input to the hidden layer | $(H, I)$ |
# | $D$ | weight from the delayed input to the hidden layer | $(H, H)$ |
# | $B$ | threshold (阈值, i.e. bias) of the hidden layer | $(H,)$ |
# | $V$ | weight from the hidden layer to the output | $(O, H)$ |
# | $c$ | threshold of the output layer | $(O,)$ |
# | $f$ | the hidden activation, applied element by element: usually $\tanh$ or ReLU, $\max(0, a)$ | |
#
# These are the three weights and two thresholds of chapter 01. The same five arrays are
# used at every step; only $x_t$ and $h_{t-1}$ change. What the article says about the output
# layer is limited: its formulas were images that did not survive in our copy of the text,
# and its list of symbols names an activation function for the hidden layer only (tanh or
# ReLU) and, for the output layer, just a weight and a threshold. So the article supports
# a hidden activation $f$, but says nothing either way about an output activation. This book
# takes the output layer to be linear, $y_t = V h_t + c$, as Goodfellow et al. (2016) do and
# as PyTorch's `nn.RNN` followed by an `nn.Linear` does; a task may add its own squashing on
# top (a sigmoid for probabilities, a softmax for classes), which then belongs to the loss,
# not to the RNN.
#
# Applying the formula step after step gives the output at every time. The first step
# needs $h_0$, a "previous hidden layer" that does not exist; it has to be chosen, and
# the usual choice is $h_0 = 0$. Section 4 looks at what this choice does.

# %% [markdown]
# ## 2. One step by hand, then three
#
# A network small enough to follow with pencil and paper: $I = 2$ inputs, $H = 2$ hidden
# units, $O = 1$ output, $f = \tanh$, and weights made of simple numbers:
#
# $$
# W = \begin{bmatrix} 0.5 & -1 \\ 1 & 0.5 \end{bmatrix},\quad
# D = \begin{bmatrix} 1 & 0.5 \\ 0.5 & 0.5 \end{bmatrix},\quad
# B = \begin{bmatrix} 0 \\ 0.5 \end{bmatrix},\quad
# V = \begin{bmatrix} 1 & 0.5 \end{bmatrix},\quad
# c = -0.5 .
# $$
#
# The input sequence has three steps: $x_1 = (1, 0)$, $x_2 = (0, 1)$, $x_3 = (1, 1)$.

# %%
W = np.array([[0.5, -1.0], [1.0, 0.5]])  # (H, I) input -> hidden
D = np.array([[1.0, 0.5], [0.5, 0.5]])  # (H, H) delayed input -> hidden
B = np.array([0.0, 0.5])  # (H,)   hidden threshold
V = np.array([[1.0, 0.5]])  # (O, H) hidden -> output
c = np.array([-0.5])  # (O,)   output threshold
X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (T, I) = (3, 2): one row per time step
for name, arr in dict(W=W, D=D, B=B, V=V, c=c, X=X).items():
    print(f"{name}: shape {arr.shape}")

# %% [markdown]
# **Step 1 on paper.** $W x_1$ picks the first column of $W$, because $x_1 = (1, 0)$:
# $W x_1 = (0.5\cdot 1 + (-1)\cdot 0,\; 1\cdot 1 + 0.5\cdot 0) = (0.5, 1)$.
# The delayed input is $h_0 = 0$, so $D h_0 = (0, 0)$ whatever $D$ is. Adding the threshold
# gives the pre-activation $a_1 = (0.5, 1) + (0, 0) + (0, 0.5) = (0.5, 1.5)$, and
# $h_1 = (\tanh 0.5, \tanh 1.5)$. Finally $y_1 = 1\cdot h_{1,1} + 0.5\cdot h_{1,2} - 0.5$.
# The cell below does each of these products separately and prints them rounded to three decimals.

# %%
h0 = np.zeros(2)
x1 = X[0]
Wx = W @ x1
Dh = D @ h0
a1 = Wx + Dh + B
h1 = np.tanh(a1)
y1 = V @ h1 + c
print("W x_1       =", vec(Wx))
print("D h_0       =", vec(Dh))
print("B           =", vec(B))
print("a_1 (sum)   =", vec(a1))
print("h_1 = tanh  =", vec(h1))
print("y_1 = V h_1 + c =", vec(y1))

# %% [markdown]
# **Steps 2 and 3.** Now the delayed input is no longer zero: step 2 adds $D h_1$, step 3
# adds $D h_2$. The same computation in a loop carries $h$ from one step to the next.

# %%
h = np.zeros(2)  # h_0
H_hand, Y_hand = [], []  # kept, to compare with rnnlib below
print(f" t | {'x_t':12} | {'W x_t':16} | {'D h_(t-1)':16} | {'h_t':16} | y_t")
for t, x in enumerate(X, start=1):
    Wx, Dh = W @ x, D @ h
    h = np.tanh(Wx + Dh + B)  # h now holds h_t
    y = V @ h + c
    H_hand.append(h)
    Y_hand.append(y)
    print(f" {t} | {vec(x, 1)} | {vec(Wx)} | {vec(Dh)} | {vec(h)} | {vec(y)}")

# %% [markdown]
# **The same numbers from `rnnlib`.** An `ElmanRNN` starts with random weights; its five
# arrays are plain attributes, so we overwrite them with ours (each assignment is checked
# against the expected shape). `net.forward(X)` returns all hidden states `Hs` (row $t$ is
# $h_{t+1}$, since Python counts from 0) and all outputs `Y`.

# %%
net = rnnlib.ElmanRNN(n_in=2, n_hidden=2, n_out=1, activation="tanh")
net.W, net.D, net.B, net.V, net.c = W, D, B, V, c
Hs, Y = net.forward(X)  # h_0 = 0 by default
print("Hs shape", Hs.shape, " Y shape", Y.shape)
for t in range(len(X)):
    print(f"t={t + 1}:  h_t = {vec(Hs[t])}   y_t = {vec(Y[t])}")

# the hand computation of the previous cell must agree (to round-off: 1e-12)
agree = np.allclose(Hs, H_hand, rtol=1e-12, atol=1e-12) and np.allclose(
    Y, Y_hand, rtol=1e-12, atol=1e-12
)
h_step, y_step = net.step(X[0])  # one step at a time is also available
print(f"rnnlib agrees with the hand computation: {agree}")
print(f"net.step(x_1) gives h_1 = {vec(h_step)}, y_1 = {vec(y_step)}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: rnnlib (forward and step) agrees with the hand computation
np.testing.assert_allclose(Hs, H_hand, rtol=1e-12, atol=1e-12)
np.testing.assert_allclose(Y, Y_hand, rtol=1e-12, atol=1e-12)
np.testing.assert_allclose(h_step, h1)
np.testing.assert_allclose(y_step, y1)

# %% [markdown]
# ## 3. tanh or ReLU
#
# The article names two usual choices for $f$. Both act on each hidden unit separately:
#
# $$\tanh(a) = \frac{e^{a} - e^{-a}}{e^{a} + e^{-a}} \in (-1, 1), \qquad \mathrm{ReLU}(a) = \max(0, a) \in [0, \infty).$$
#
# tanh is bounded and centred on zero; ReLU is zero for negative input and unbounded for
# positive input. `rnnlib.activate(name, a)` applies either one.

# %% mystnb={"figure": {"caption": "tanh is bounded between \u22121 and 1; ReLU is zero for negative inputs and unbounded above."}, "image": {"alt": "Line plot of the two activation functions for pre-activations a from \u22123 to 3: tanh(a), an S-shaped curve through 0 that levels off at \u22121 and 1 (dotted lines), and ReLU(a) = max(0, a), zero for negative a and a straight rising line for positive a."}}
a = np.linspace(-3, 3, 241)
fig, ax = plt.subplots(figsize=(5.5, 3.4))
ax.plot(a, rnnlib.activate("tanh", a), color=C["blue"], label="tanh(a)")
ax.plot(a, rnnlib.activate("relu", a), color=C["orange"], label="ReLU(a) = max(0, a)")
ax.axhline(1, color=C["blue"], lw=0.8, ls=":")
ax.axhline(-1, color=C["blue"], lw=0.8, ls=":")
ax.set(xlabel="pre-activation a", ylabel="f(a)", title="The two usual hidden activations")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# **Experiment: the same network with each activation.** We keep the weights of section 2
# and change only $f$, then feed both networks the same 20 random inputs drawn from
# $[0, 1]$. What should happen? With tanh every hidden value must stay inside $(-1, 1)$.
# With ReLU, inputs like these keep both units active most of the time, and where they are active
# the recurrence is linear, $h_t = W x_t + D h_{t-1} + B$, so $h_t$ gets multiplied by $D$
# at every step. Our $D$ has an eigenvalue above 1 (printed below), so we expect the
# ReLU states to grow without bound, by roughly that factor per step, while the tanh
# states saturate.

# %%
rng = np.random.default_rng(0)
X20 = rng.uniform(0, 1, size=(20, 2))
states = {}
for act in ("tanh", "relu"):
    n = rnnlib.ElmanRNN(2, 2, 1, activation=act)
    n.W, n.D, n.B, n.V, n.c = W, D, B, V, c
    states[act], _ = n.forward(X20)

# D is symmetric 2 x 2, so its eigenvalues are m ± sqrt(m^2 - det D), with m half its trace
m, det = (D[0, 0] + D[1, 1]) / 2, D[0, 0] * D[1, 1] - D[0, 1] * D[1, 0]
lam = np.array([m + np.sqrt(m * m - det), m - np.sqrt(m * m - det)])
print("eigenvalues of D:", vec(lam))
norm = {act: np.sqrt(np.sum(S * S, axis=1)) for act, S in states.items()}  # |h_t| at every step
for act, S in states.items():
    growth = norm[act][-1] / norm[act][-2]
    print(f"{act:4}: largest |h| = {np.abs(S).max():8.3f}   |h_20| / |h_19| = {growth:.3f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: tanh stays inside (-1, 1); the ReLU ratio is within 0.01 of the largest eigenvalue
assert np.abs(states["tanh"]).max() < 1
assert abs(norm["relu"][-1] / norm["relu"][-2] - lam[0]) < 0.01

# %% mystnb={"figure": {"caption": "Same weights, same inputs: tanh keeps the hidden state bounded, ReLU lets it grow by the largest eigenvalue of D per step."}, "image": {"alt": "Two panels over 20 time steps, with the same weights and the same inputs. Left, f = tanh: the two hidden units' values stay between \u22121 and 1. Right, f = ReLU, on a logarithmic axis: the length of the hidden state grows from about 1 to a few hundred by step 20, and after the first few steps it follows a dashed straight line whose slope is the largest eigenvalue of D, 1.309 per step."}}
t = np.arange(1, 21)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
S = states["tanh"]
axes[0].plot(t, S[:, 0], "o-", ms=3, color=C["blue"], label="hidden unit 1")
axes[0].plot(t, S[:, 1], "s-", ms=3, color=C["vermillion"], label="hidden unit 2")
axes[0].axhline(1, color="grey", lw=0.8, ls=":")
axes[0].axhline(-1, color="grey", lw=0.8, ls=":")
axes[0].set(xlabel="time step t", ylabel="$h_t$", title="f = tanh", ylim=(-1.15, 1.15))
axes[0].legend(loc="lower right")
axes[1].semilogy(t, norm["relu"], "o-", ms=3, color=C["green"], label="$|h_t|$")
axes[1].semilogy(
    t,
    norm["relu"][-1] * lam[0] ** (t - 20.0),
    "k--",
    lw=1,
    label=f"slope of {lam[0]:.3f}$^t$ (largest eigenvalue)",
)
axes[1].set(xlabel="time step t", ylabel="$|h_t|$ (log scale)", title="f = ReLU")
axes[1].legend(loc="upper left")
fig.suptitle("Same weights, same inputs: only the activation differs")
plt.show()

# %% [markdown]
# The printout and the figure show the two behaviours. With tanh the states wander
# but never leave $(-1, 1)$ (dotted lines): tanh *saturates*, so large pre-activations are
# squeezed to nearly $\pm 1$. With ReLU the length of the state grows step after step. On the
# logarithmic axis of the right panel, growth by a constant factor per step is a straight
# line, and after the first few steps the ReLU states follow the dashed line whose slope is
# the largest eigenvalue of $D$; the ratio of the last two state lengths is within 0.01 of
# it, as the linear argument predicted. (For tanh that ratio means little: its states are
# bounded, and the ratio just goes up and down with the inputs.) The ReLU network is not
# broken; its weights are simply the kind that only a bounded activation keeps in check.
#
# This is one reason why tanh is the usual default (PyTorch's `nn.RNN`, for instance, uses
# it unless told otherwise). ReLU can work in an RNN when $D$ is kept small or carefully
# initialised, for example to the identity matrix (Le et al., 2015). Chapter 05 returns to the
# other side of the coin: the slope of $f$ also decides how gradients shrink or grow
# through time.

# %% [markdown]
# ## 4. The initial state $h_0$
#
# At $t = 1$ the formula needs $h_0$. The article sets it to zero, and so does `rnnlib`
# unless told otherwise (`net.forward(X, h0=...)`). What would another choice change?
# $h_0$ enters only through $D h_0$ at step 1, but $h_1$ then enters step 2, and so on:
# in principle $h_0$ influences every later state.
#
# **Experiment.** Run one input sequence (30 steps, drawn from $[-1, 1]$) from $h_0 = 0$
# and from eight other starts drawn from $[-1, 1]^2$, and measure how far each run is from
# the $h_0 = 0$ run at every step: $\max_i |h_{t,i}(h_0) - h_{t,i}(0)|$. We do this for
# our network and for the same network with $D$ three times larger, i.e. a much stronger
# feedback. Expectation: with the original $D$, the tanh saturation makes the network
# forget where it started, so the differences shrink towards zero; with the strong
# feedback, the network can hold on to its starting point, so some differences may not shrink at all.


# %%
def holds_from(flags):
    """The first step (counting from 1) from which flags stays True to the end."""
    step = len(flags)
    while step > 0 and flags[step - 1]:
        step -= 1
    return step + 1


# %%
rng = np.random.default_rng(1)
X30 = rng.uniform(-1, 1, size=(30, 2))
starts = rng.uniform(-1, 1, size=(8, 2))
diffs, runs = {}, {}
for label, scale in (("D", 1.0), ("3 D", 3.0)):
    n = rnnlib.ElmanRNN(2, 2, 1)
    n.W, n.D, n.B, n.V, n.c = W, scale * D, B, V, c
    H_ref, _ = n.forward(X30)  # h_0 = 0
    runs[label] = np.array([n.forward(X30, h0=s)[0] for s in starts])  # (8 starts, 30 steps, H)
    diffs[label] = np.abs(runs[label] - H_ref).max(axis=2)
for label, d in diffs.items():
    print(
        f"feedback {label:3}: largest difference at t=1: {d[:, 0].max():.3f}, "
        f"at t=10: {d[:, 9].max():.3f}, at t=30: {d[:, -1].max():.1e}"
    )
    print(
        f"               starts still apart at t=30 (> 0.01): {int((d[:, -1] > 0.01).sum())} of {len(starts)}"
    )
apart = diffs["3 D"][:, -1] > 0.01
R = runs["3 D"][apart]  # the runs still apart: (4, 30, H)
same = np.all(R == R[0], axis=(0, 2))  # at each step: are the four identical?
zero = np.all(diffs["3 D"][~apart] == 0, axis=0)  # at each step: the others equal to h_0 = 0's?
same_from, zero_from = holds_from(same), holds_from(zero)
print(
    f"feedback 3 D: the {apart.sum()} starts still apart are identical to each other from step {same_from} on;"
)
print(
    f"              the {(~apart).sum()} others are identical to the h_0 = 0 run from step {zero_from} on"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: with D every start fades; with 3 D four starts stay apart, at a difference close to 2
assert diffs["D"][:, -1].max() < 1e-4
assert apart.sum() == 4
assert diffs["3 D"][apart, -1].min() > 1.9

# %% mystnb={"figure": {"caption": "The initial state fades with the feedback weight D; with 3D some starts are never forgotten."}, "image": {"alt": "Two panels, log scale, over 30 time steps: the largest absolute difference between the hidden state started from each of eight other initial states and the one started from h0 = 0, one colour per start. Left, feedback weight D: all eight differences shrink steadily by orders of magnitude, so the starting state is forgotten. Right, feedback weight 3D: four starts merge with the h0 = 0 run, their four lines nearly on top of each other and reaching exactly zero at step 16, while the other four stay apart through step 30 at a difference close to 2, their four lines exactly on top of each other from step 10 on."}}
t = np.arange(1, 31)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
for ax, (label, d) in zip(axes, diffs.items(), strict=True):
    for k, row in enumerate(d):
        ax.semilogy(
            t, np.maximum(row, 1e-16), color=plotting.CYCLE[k], lw=1.3
        )  # 8 colours, one per start
    ax.set(xlabel="time step t", title=f"feedback weight {label}")
axes[1].text(
    30,
    0.3,
    f"{apart.sum()} lines, one on top of the other\nfrom t = {same_from}: still apart at t = 30",
    ha="right",
    va="top",
)
axes[1].text(
    30,
    1e-13,
    f"{(~apart).sum()} lines, nearly on top of each other:\nmerge with the $h_0 = 0$ run",
    ha="right",
    va="bottom",
)
axes[0].set_ylabel("largest |difference| in $h_t$")
axes[0].set_ylim(1e-16, 10)
fig.suptitle("Eight other initial states compared with $h_0 = 0$ (one line each)")
plt.show()

# %% [markdown]
# With the original weights (left) every line falls on the logarithmic scale, by several
# orders of magnitude over the 30 steps: the influence of $h_0$ fades roughly geometrically,
# and the printout shows how small the largest difference is at $t = 30$. With the
# feedback three times stronger (right), the printout shows four starts still far apart at
# the end, at a difference close to 2: in those runs a hidden unit sits near $+1$ where the
# $h_0 = 0$ run has it near $-1$, or the reverse. Their four lines look like one because they
# are one: from the step printed above on, the four runs are identical to the last bit, since
# all four have fallen into the same other pattern. The other four starts merged with the
# $h_0 = 0$ run, down to exactly zero in floating point (drawn at the bottom edge); their
# lines, too, nearly coincide. Such a network has more than one stable pattern of
# saturated hidden values, and which one it settles in depends on where it started. That
# is memory of $h_0$ that never fades.
#
# **Why zero is the usual choice.**
#
# - *It says "nothing has happened yet".* $h_t$ is meant to summarise the inputs seen so
#   far (chapter 04); before the first input there is nothing to summarise, and zero adds
#   nothing: $D h_0 = 0$, so step 1 is just a feed-forward network on $x_1$.
# - *It sits in the middle of tanh's range*, where no unit is pushed towards saturation.
# - *It is the same for every sequence*, so the result depends on the input only, not on an
#   arbitrary starting point, and nothing has to be stored or trained for it.
# - *In a network that forgets (left panel) the choice hardly matters* after the first few steps anyway.
#
# Other choices exist. $h_0$ can be learned as one more parameter, or, when a long
# series is cut into pieces, the last state of one piece can serve as $h_0$ of the next,
# which chapter 05 uses for truncated backpropagation through time. The fading of the
# initial state seen on the left is known in reservoir computing as the *echo state
# property* (Jaeger, 2001).

# %% [markdown]
# ## 5. Three ways to write the same computation
#
# The formula can be coded in several ways that must give the same numbers:
#
# 1. **A plain loop**, exactly as written: for each $t$, compute $W x_t + D h_{t-1} + B$.
# 2. **`rnnlib`**, which computes the input part $W x_t + B$ for *all* steps at once (one
#    matrix product before the loop, since it does not depend on $h$) and keeps only
#    $D h_{t-1}$ inside the loop; this is where its speed comes from.
# 3. **The concatenated form.** Placing $W$ and $D$ side by side and stacking $x_t$ on
#    $h_{t-1}$ turns two products into one:
#
# $$W x_t + D h_{t-1} = \begin{bmatrix} W & D \end{bmatrix} \begin{bmatrix} x_t \\ h_{t-1} \end{bmatrix},
# \qquad \begin{bmatrix} W & D \end{bmatrix} \text{ has shape } (H, I + H).$$
#
# This view shows that a step of the RNN is an ordinary feed-forward layer whose input
# happens to include its own previous output, and some implementations keep $W$ and $D$ in
# one matrix (TensorFlow 1's `BasicRNNCell`, for example, which stores it transposed because
# it multiplies row vectors). The figure draws it for step 2 of the hand example.


# %%
def show_block(ax, M, title, xt=(), yt=()):
    """A small matrix as coloured cells with its numbers written in."""
    ax.imshow(M, cmap="PuOr", vmin=-2.5, vmax=2.5, aspect="auto")
    for (i, j), v in np.ndenumerate(M):
        ax.text(j, i, f"{v:.3f}".rstrip("0").rstrip("."), ha="center", va="center", fontsize=11)
    ax.set_xticks(range(M.shape[1]) if xt else [], xt)
    ax.set_yticks(range(M.shape[0]) if yt else [], yt)
    ax.grid(False)
    ax.set_title(title)


# %% mystnb={"figure": {"caption": "The concatenated form: one product of [W | D] with [x_t; h_(t-1)], plus B."}, "image": {"alt": "Colour-coded table of one matrix product: the 2\u00d74 matrix [W | D], the input weights and the delayed-input weights side by side separated by a line, multiplies the stacked column [x_2; h_1]; adding B gives the pre-activations a_2 of the two hidden units. Every cell shows its number."}}
WD = np.hstack([W, D])  # (H, I + H) = (2, 4)
xh = np.concatenate([X[1], Hs[0]])  # (I + H,) = (4,): x_2 stacked on h_1
a2 = WD @ xh + B
fig, axes = plt.subplots(1, 4, figsize=(9, 3.0), width_ratios=[4, 1, 1, 1])
show_block(
    axes[0],
    WD,
    "[W | D], shape (2, 4)",
    ["W: input 1", "W: input 2", "D: $h$ 1", "D: $h$ 2"],
    ["hidden 1", "hidden 2"],
)
axes[0].axvline(1.5, color="black", lw=2)
show_block(
    axes[1], xh[:, None], "× $[x_2; h_1]$", yt=["$x_{2,1}$", "$x_{2,2}$", "$h_{1,1}$", "$h_{1,2}$"]
)
axes[1].axhline(1.5, color="black", lw=2)
show_block(axes[2], B[:, None], "+ B")
show_block(axes[3], a2[:, None], "= $a_2$")
fig.suptitle("One matrix product: input weights and delayed-input weights side by side")
plt.show()

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: [W D] [x_2; h_1] + B is W x_2 + D h_1 + B
np.testing.assert_allclose(a2, W @ X[1] + D @ Hs[0] + B)

# %% [markdown]
# Now the three versions on a larger random network ($I = 3$, $H = 5$, $O = 2$, 7 steps),
# from a random, non-zero $h_0$ so that $D h_0$ is exercised too. We expect agreement to
# round-off (about $10^{-15}$), which `assert_allclose` checks with a tolerance of $10^{-12}$.
#
# [`rnnlib/reference.py`](../rnnlib/reference.py) is **the whole RNN in one page**: this
# loop, backpropagation through time (chapter 05), a loss, Adam and a training loop, in
# plain numpy. `rnnlib` itself computes the same numbers in compiled loops,
# and its tests hold it to that page.


# %%
def rnn_loop(X, W, D, B, V, c, h0, f=np.tanh):
    """The formula, one step at a time."""
    h, Hs, Y = h0, [], []
    for x in X:
        h = f(W @ x + D @ h + B)
        Hs.append(h)
        Y.append(V @ h + c)
    return np.array(Hs), np.array(Y)


def rnn_concat(X, W, D, B, V, c, h0, f=np.tanh):
    """The same, with [W D] @ [x; h]: one product per step."""
    WD = np.hstack([W, D])
    h, Hs = h0, []
    for x in X:
        h = f(WD @ np.concatenate([x, h]) + B)
        Hs.append(h)
    Hs = np.array(Hs)
    return Hs, Hs @ V.T + c


# %%
rng = np.random.default_rng(2)
big = rnnlib.ElmanRNN(3, 5, 2, seed=2)
big.c = rng.normal(size=2)  # c starts at zero; make it matter
X7, h0_big = rng.normal(size=(7, 3)), rng.uniform(-1, 1, size=5)
p = big.params  # dict of W, D, B, V, c
results = {
    "plain loop": rnn_loop(X7, **p, h0=h0_big),
    "rnnlib": big.forward(X7, h0=h0_big),
    "concatenated": rnn_concat(X7, **p, h0=h0_big),
}
for name, (_, Y_k) in results.items():
    print(f"{name:13}: y_7 = {vec(Y_k[-1], 4)}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: all three agree to within 1e-12
for Hs_k, Y_k in results.values():
    np.testing.assert_allclose(Hs_k, results["plain loop"][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Y_k, results["plain loop"][1], rtol=1e-12, atol=1e-12)

# %% [markdown]
# ## 6. Many sequences at once
#
# Training uses many sequences. Running them one by one wastes time, because each step is
# a small matrix-vector product. Stacking $N$ sequences of the same length turns each step into
# one matrix-matrix product. Write the inputs of all sequences at step $t$ as the rows of
# $X_t$, shape $(N, I)$, and their hidden states as the rows of $S_t$ (S for *states*, since
# $H$ already counts the hidden units), shape $(N, H)$:
#
# $$S_t = f\big(X_t W^\top + S_{t-1} D^\top + B\big), \qquad Y_t = S_t V^\top + c,$$
#
# with $B$ and $c$ added to every row. Nothing mixes the rows: sequence $n$ only ever
# meets its own inputs and states, so the batch must give exactly what each sequence gives
# alone.
#
# `rnnlib` stores a batch **time-major**, as an array of shape $(T, N, I)$: `X[t]` is the
# whole $(N, I)$ slice needed at step $t$, contiguous in memory. One sequence is
# `X[:, n]`, of shape $(T, I)$.

# %%
rng = np.random.default_rng(3)
T, N = 6, 4
Xb = rng.normal(size=(T, N, 2))  # (T, N, I) = (6, 4, 2)
Hb, Yb = net.forward(Xb)  # the hand-example network
print("X", Xb.shape, "-> Hs", Hb.shape, " Y", Yb.shape)
alone = [net.forward(Xb[:, n_]) for n_ in range(N)]  # each sequence alone, (T, I)
for n_ in range(N):
    print(f"sequence {n_}: y_T from the batch {vec(Yb[-1, n_])}, alone {vec(alone[n_][1][-1])}")

# %% [markdown]
# Each sequence may also start from its own $h_0$: pass an $(N, H)$ array.

# %%
H0s = rng.uniform(-1, 1, size=(N, 2))
Hb0, _ = net.forward(Xb, h0=H0s)
alone0 = [net.forward(Xb[:, n_], h0=H0s[n_])[0] for n_ in range(N)]
for n_ in range(N):
    print(f"sequence {n_}: h_T from the batch {vec(Hb0[-1, n_])}, alone {vec(alone0[n_][-1])}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: batch = one by one, also with a different h_0 per sequence
for n_ in range(N):
    np.testing.assert_allclose(Hb[:, n_], alone[n_][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Yb[:, n_], alone[n_][1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Hb0[:, n_], alone0[n_], rtol=1e-12, atol=1e-12)

# %% [markdown]
# Mistakes in shapes are among the most common bugs when coding an RNN. `rnnlib` checks its
# inputs and says what it expected. Here the network has $I = 2$ inputs but we give it
# three features per step. Called on its own, `net.forward(...)` would stop with this
# error; we catch it with `try`/`except` so that the message is printed and the notebook
# runs on:

# %%
try:
    net.forward(np.zeros((T, N, 3)))  # 3 features per step, but I = 2
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# One mistake no library can catch: a batch stored *batch-major*, $(N, T, I)$, has the
# same rank as a time-major one. If the last axis matches $I$, it is silently read as
# $N$ steps of $T$ sequences, and the result is wrong without any error. Exercise 3 shows this.

# %% [markdown]
# ## 7. A preview of training
#
# So far the weights were written by hand or drawn at random. Chapters 03 and 04 already
# train networks, so here is what training means, in short; chapter 05 explains how it works.
#
# A **loss** (损失函数) is one number that says how far the outputs are from the targets
# we want. The mean squared error averages $(y_t - \text{target}_t)^2$ over all steps,
# sequences and outputs; it is zero when every output hits its target. Training changes the
# five arrays $W, D, B, V, c$ so that the loss goes down. `rnnlib.fit(net, X, target)` does
# this: it computes the gradient of the loss with respect to every parameter (how much the
# loss changes when that parameter moves a little), moves each parameter a small step
# against its gradient, and repeats, once per *epoch* (a pass over the data).
#
# **Example.** Chapter 00's task: at every step, output the previous input bit (0 before
# the first step). A network with 4 hidden units starts from random weights. We expect
# training to bring the loss close to zero, and the trained network to recall the previous
# bit at every step of a sequence it has never seen.

# %%
rng = np.random.default_rng(4)
bits = rng.integers(0, 2, size=(20, 32, 1)).astype(float)  # (T, N, I): 32 sequences of 20 bits
target = np.zeros_like(bits)
target[1:] = bits[:-1]  # the previous bit; 0 before the first step

learner = rnnlib.ElmanRNN(n_in=1, n_hidden=4, n_out=1, seed=0)
loss_before, _ = rnnlib.mse(learner.forward(bits)[1], target)
history = rnnlib.fit(learner, bits, target, loss="mse", epochs=200, verbose=False)
loss_after, _ = rnnlib.mse(learner.forward(bits)[1], target)
print(f"loss before training: {loss_before:.4f}")
print(f"loss after {len(history.loss)} epochs: {loss_after:.4f}")

test = rng.integers(0, 2, size=(1000, 1)).astype(float)  # a fresh sequence of 1000 bits
_, Y_test = learner.forward(test)
recalled = (Y_test[1:, 0] > 0.5) == (test[:-1, 0] == 1)
print(f"previous bit recalled on a fresh sequence: {recalled.sum()} of {len(recalled)} steps")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the loss fell by a factor of several hundred, and every bit of the fresh sequence is recalled
assert loss_before / loss_after > 200
assert recalled.all()

# %% [markdown]
# The loss fell by a factor of several hundred, and the trained network recalls the
# previous bit at every step of the fresh sequence: `fit` found, by itself, weights that
# keep the last bit in the hidden layer, the job chapter 00 did by hand. How the gradients
# are computed through the chain of steps (backpropagation through time) is the subject of
# [chapter 05](05_training_bptt.ipynb).

# %% [markdown]
# ## Key takeaways
#
# - The basic RNN is two equations applied at every step: $h_t = f(W x_t + D h_{t-1} + B)$
#   and $y_t = V h_t + c$, with $W$ $(H, I)$, $D$ $(H, H)$, $B$ $(H,)$, $V$ $(O, H)$, $c$ $(O,)$
#   shared by all steps.
# - At step 1 the delayed input is $h_0$, normally $0$, so $D h_0$ vanishes and step 1 is a
#   plain feed-forward layer; from step 2 on, $D h_{t-1}$ carries the past in.
# - tanh keeps hidden states in $(-1, 1)$; ReLU does not, and with a feedback weight whose
#   largest eigenvalue exceeds 1 the ReLU states grew without bound in our example.
# - A different $h_0$ can fade away (the usual case with moderate weights) or persist
#   (strong feedback); zero is the neutral, input-only choice.
# - A plain loop, `rnnlib` and the concatenated form $[W\;D]\,[x; h]$ compute the same numbers.
# - A batch is a $(T, N, I)$ time-major array; its rows never interact, so batching changes
#   the speed, not the result.
# - A loss measures the error in one number; `rnnlib.fit` adjusts $W, D, B, V, c$ to lower it.

# %% [markdown]
# ## Exercises
#
# **1. (Conceptual) The first output.** With $h_0 = 0$, what is $y_1$ when the first input
# is $x_1 = 0$? Which of the five parameters can influence it? Check with the hand network.
#
# <details>
# <summary>Solution</summary>
#
# With $x_1 = 0$ and $h_0 = 0$ both products vanish, so $h_1 = f(B)$ and $y_1 = V f(B) + c$.
# Only $B$, $V$ and $c$ matter; $W$ and $D$ do not, whatever their values.
#
# ```python
# import numpy as np
# import rnnlib
#
# net = rnnlib.ElmanRNN(2, 2, 1)
# net.B, net.V, net.c = [0.0, 0.5], [[1.0, 0.5]], [-0.5]
# _, Y = net.forward(np.zeros((1, 2)))
# expected = np.array([[1.0, 0.5]]) @ np.tanh([0.0, 0.5]) - 0.5
# np.testing.assert_allclose(Y[0], expected)
# net.W, net.D = 10 * net.W, -3 * net.D        # W and D change nothing here
# np.testing.assert_allclose(net.forward(np.zeros((1, 2)))[1][0], expected)
# ```
#
# </details>
#
# **2. (Coding) Unrolling a linear RNN.** Replace $f$ by the identity. Show that then, with
# $h_0 = 0$, $h_T = \sum_{k=1}^{T} D^{\,T-k}\,(W x_k + B)$: the newest input enters with
# weight $D^0 = \mathrm{Id}$ (the identity matrix; the letter $I$ stays the number of inputs),
# older inputs are multiplied by higher powers of $D$. Verify it numerically
# for a random network. (`rnnlib` has no identity activation, so write the loop yourself.)
#
# <details>
# <summary>Solution</summary>
#
# Unrolling $h_t = W x_t + D h_{t-1} + B$ once gives $h_t = (W x_t + B) + D (W x_{t-1} + B) + D^2 h_{t-2}$;
# continuing down to $h_0 = 0$ gives the sum. Chapter 04 reads this as a weighted memory of the past.
#
# ```python
# import numpy as np
#
# rng = np.random.default_rng(0)
# I, H, T = 3, 4, 6
# W, D, B = rng.normal(size=(H, I)), 0.5 * rng.normal(size=(H, H)), rng.normal(size=H)
# X = rng.normal(size=(T, I))
# h = np.zeros(H)
# for x in X:
#     h = W @ x + D @ h + B                      # f = identity
# closed = sum(np.linalg.matrix_power(D, T - k) @ (W @ X[k - 1] + B) for k in range(1, T + 1))
# np.testing.assert_allclose(h, closed, rtol=1e-10, atol=1e-12)
# ```
#
# </details>
#
# **3. (Coding) The batch-major trap.** Build a batch of $N = 5$ sequences of length
# $T = 8$ as a batch-major array of shape $(N, T, I)$ and pass it to `net.forward` as it
# is. Does `rnnlib` complain? Compare with the correct call.
#
# <details>
# <summary>Solution</summary>
#
# It does not complain: an array of shape $(5, 8, 2)$ is a valid time-major batch of 8
# sequences of length 5. The outputs have the wrong shape and the wrong values. Moving the
# time axis to the front, `Xbm.transpose(1, 0, 2)`, gives the correct result.
#
# ```python
# import numpy as np
# import rnnlib
#
# rng = np.random.default_rng(0)
# net = rnnlib.ElmanRNN(2, 3, 1, seed=0)
# Xbm = rng.normal(size=(5, 8, 2))                 # batch-major (N, T, I): a mistake
# _, Y_wrong = net.forward(Xbm)                     # runs without error!
# _, Y_right = net.forward(Xbm.transpose(1, 0, 2))  # time-major (T, N, I)
# assert Y_wrong.shape == (5, 8, 1) and Y_right.shape == (8, 5, 1)
# assert not np.allclose(Y_wrong.transpose(1, 0, 2), Y_right)
# for n in range(5):                                # the right one matches each sequence alone
#     np.testing.assert_allclose(Y_right[:, n], net.forward(Xbm[n])[1], rtol=1e-12, atol=1e-12)
# ```
#
# </details>
#
# **4. (Conceptual and coding) A bound on the output.** With $f = \tanh$, why can
# $|y_{t,o}|$ never exceed $\sum_j |V_{oj}| + |c_o|$, however long the sequence and however large the
# inputs? Can it reach the bound? Does the same hold for ReLU? Check both with very large inputs.
#
# <details>
# <summary>Solution</summary>
#
# Every $|h_{t,j}| \le 1$ with tanh, so by the triangle inequality
# $|y_{t,o}| = |\sum_j V_{oj} h_{t,j} + c_o| \le \sum_j |V_{oj}|\,|h_{t,j}| + |c_o| \le \sum_j |V_{oj}| + |c_o|$.
# In exact arithmetic $|\tanh a| < 1$, and the bound is never reached. In floating point,
# $\tanh a$ of a pre-activation beyond about 19 rounds to exactly $\pm 1$: with inputs as
# large as these, most hidden values are exactly $\pm 1$ (the check below counts them), and if
# every unit saturated with the sign of its weight $V_{oj}$, and $c_o$ had that sign too,
# $|y_{t,o}|$ would equal the bound. So the honest statement, and the check, use $\le$, not $<$.
# ReLU has no upper limit, so $h_t$, and with it $y_t$, grows with the inputs.
#
# ```python
# import numpy as np
# import rnnlib
#
# rng = np.random.default_rng(0)
# X = 1000 * rng.normal(size=(50, 3))
# bound_ok = {}
# for act in ("tanh", "relu"):
#     net = rnnlib.ElmanRNN(3, 4, 2, activation=act, seed=1)
#     net.c = [0.3, -0.2]
#     Hs, Y = net.forward(X)
#     bound = np.abs(net.V).sum(axis=1) + np.abs(net.c)
#     bound_ok[act] = bool(np.all(np.abs(Y) <= bound))
#     if act == "tanh":
#         saturated = np.mean(np.abs(Hs) == 1.0)
#         print(f"tanh: {saturated:.0%} of the hidden values are exactly +1 or -1")
#         assert saturated > 0.5                     # |h| < 1 does not hold in floating point
# assert bound_ok == {"tanh": True, "relu": False}
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. Section 01, the formula: the source this chapter follows.
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 3. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016. Chapter 10, “Sequence Modeling: Recurrent and Recursive Nets” ([www.deeplearningbook.org](https://www.deeplearningbook.org/)).
# 4. A. Zhang, Z. C. Lipton, M. Li and A. J. Smola, *Dive into Deep Learning*, Cambridge University Press, 2023. Chapter 9, “Recurrent Neural Networks” ([d2l.ai](https://d2l.ai/); [arXiv:2106.11342](https://arxiv.org/abs/2106.11342)); its section on RNNs with hidden states checks the concatenated form numerically as well.
# 5. Q. V. Le, N. Jaitly and G. E. Hinton, “A simple way to initialize recurrent networks of rectified linear units,” [arXiv:1504.00941](https://arxiv.org/abs/1504.00941), 2015.
# 6. H. Jaeger, “The ‘echo state’ approach to analysing and training recurrent neural networks,” GMD Report 148, German National Research Center for Information Technology, 2001.

# %% [markdown]
# [← 01. Structure](01_structure.ipynb) | [03. The input view →](03_input_view.ipynb)
