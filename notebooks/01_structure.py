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
# # 01. Structure
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F01_structure.ipynb)
#
# This chapter follows the first part of section 01 of the article: what the basic RNN
# looks like. We draw it the way the article does, unrolled over three time steps, and
# then folded into a single loop; we take one time step apart and find an ordinary
# feed-forward network inside; we count its parameters; and we check that the same
# parameters serve every step. Each claim is checked by code. Chinese terms are in the
# [glossary](00_introduction.ipynb#Glossary).
#
# **What you will learn**
#
# - to read the unrolled (time-series) drawing of the basic RNN and its folded form;
# - that every time step is a 3-layer BP (feed-forward) network whose input layer has one
#   extra block: the *delayed input*, the hidden layer of the previous step;
# - the three weights $W, D, V$ and two thresholds $B, c$, their shapes, and the parameter
#   count $H I + H^2 + H + O H + O$;
# - *weight sharing*: one set of parameters serves every step, so the size of the network
#   does not depend on the length of the sequence.
#
# **Prerequisites:** [00. Introduction](00_introduction.ipynb) (notation); a 3-layer
# feed-forward network; matrix-vector products.
#
# **Time to read:** about 25 minutes.

# %%
import numpy as np

import rnnlib
from rnnlib import diagrams, plotting

plt = plotting.use_style()

# %% [markdown]
# ## The network unrolled over time
#
# An RNN is made for sequences, so at each time step it takes, besides the current input,
# something computed at the step before. Its structure (拓扑结构, *topology*) is therefore
# usually drawn along the time axis, one column per time step. The article draws three
# steps; `rnnlib.diagrams.draw_unrolled` draws the same picture (`T=3` is its default):

# %% mystnb={"figure": {"caption": "The basic RNN unrolled over three time steps."}, "image": {"alt": "Diagram of the basic RNN unrolled over three time steps t = 1, 2, 3. Each step has an input node x_t, a hidden node h_t and an output node y_t: W carries x_t up to h_t, V carries h_t up to y_t, B and c are the thresholds, and D carries each hidden state to the next step's hidden state, from h0 = 0 on the left to step 4 on the right."}}
diagrams.draw_unrolled(T=3)
plt.show()

# %% [markdown]
# How to read it, from the bottom up in each column $t$:
#
# - the **input layer** holds $x_t$, the current (real-time) input of step $t$;
# - the **hidden layer** (隐层) $h_t$ receives $x_t$ through the weight (权重) $W$, the
#   hidden layer of the previous step $h_{t-1}$ through the weight $D$, and the hidden
#   threshold (阈值, i.e. bias) $B$;
# - the **output layer** $y_t$ receives $h_t$ through the weight $V$ and the output
#   threshold $c$.
#
# The horizontal orange arrows are what makes the network recurrent: $h_{t-1}$ arrives at
# step $t$ as the **delayed input** (延迟输入). The first step has no previous step, so its
# delayed input is a fixed starting value, $h_0 = 0$ (dashed). The dashed arrow on the right
# says that the last hidden layer would be handed on if the sequence went on.
#
# Unrolling is a way of drawing, not a different network. Drawn once, the same network is a
# single feed-forward network with a loop through a one-step delay:

# %% mystnb={"figure": {"caption": "The same network folded: one network with a one-step delay loop."}, "image": {"alt": "Diagram of the folded basic RNN: the input x_t feeds the hidden node h_t through W, h_t feeds the output y_t through V, and a loop from h_t through a box labelled 'delay 1 step' comes back into h_t through D, so D acts on h_(t-1)."}}
diagrams.draw_folded()
plt.show()

# %% [markdown]
# Everything in the folded picture appears once: one $W$, one $D$, one $B$, one $V$, one
# $c$. The unrolled picture repeats the column, and with it the labels, once per step; but
# the repeated labels name the *same* arrays. That is the first hint of weight sharing,
# which the last section of this chapter checks.

# %% [markdown]
# ## One step is a 3-layer BP network plus a delayed input
#
# Look at one column of the unrolled picture. Without the orange arrow it is an input
# layer, a hidden layer and an output layer: a 3-layer feed-forward network, which the
# article calls a **BP network** (BP神经网络, after the backpropagation algorithm that
# trains it). The orange arrow only adds inputs to the hidden layer. Drawn neuron by neuron
# for $I = 3$ inputs, $H = 4$ hidden units and $O = 2$ outputs, the step is a feed-forward
# network whose input layer has $I + H$ nodes: the current input and, below it, the
# delayed input.

# %% mystnb={"figure": {"caption": "One time step is a three-layer BP network whose input layer also holds the delayed input h_(t-1)."}, "image": {"alt": "Diagram of one time step as a three-layer feed-forward (BP) network. The input layer holds the 3 current inputs x_t and, below them, the 4 delayed inputs h_(t-1); each of them is connected to each of the 4 hidden units, through W from the current inputs and through D from the delayed ones. A bias node B feeds the hidden units, and the hidden units feed 2 output units through V, with bias c."}}
diagrams.draw_step(n_in=3, n_hidden=4, n_out=2)
plt.show()

# %% [markdown]
# Two claims follow from this picture, and both can be checked.
#
# **Claim 1.** If the delayed-input weight is zero ($D = 0$), the previous step has no
# influence, and each step is exactly a 3-layer BP network applied to $x_t$ alone. We write
# such a network in three lines of numpy, build an `ElmanRNN` with $D = 0$ and the same
# $W, B, V, c$, and expect the two to agree at every step (up to rounding in the last
# digits).


# %%
def bp_network(x, W, B, V, c, f=np.tanh):
    """A plain 3-layer feed-forward (BP) network: input -> hidden -> output."""
    h = f(W @ x + B)
    return h, V @ h + c


rng = np.random.default_rng(1)
X = rng.normal(size=(5, 3))  # a sequence of T = 5 steps, I = 3 inputs

net = rnnlib.ElmanRNN(n_in=3, n_hidden=4, n_out=2, seed=1)
net.c = rng.normal(size=2)  # a non-zero output threshold, so it is tested too
cut = rnnlib.ElmanRNN(n_in=3, n_hidden=4, n_out=2, seed=1)
cut.c = net.c
cut.D = np.zeros((4, 4))  # no delayed input

_, Y_cut = cut.forward(X)
Y_bp = np.array([bp_network(x, cut.W, cut.B, cut.V, cut.c)[1] for x in X])
agree = np.allclose(Y_cut, Y_bp, rtol=0, atol=1e-12)
print(f"D = 0: the RNN and the BP network agree at all {len(X)} steps (to within 1e-12): {agree}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: with D = 0 the RNN is the BP network at every step
assert agree

# %% [markdown]
# **Claim 2.** With $D \neq 0$, the delayed input is nothing but an extra block of inputs.
# Stack the current input and the previous hidden layer into one input vector
# $z_t = [x_t;\, h_{t-1}]$ of length $I + H$, and the two hidden weights side by side into
# one matrix $[W\; D]$ of shape $(H, I + H)$. Then $[W\; D]\, z_t = W x_t + D h_{t-1}$: the
# step is the BP network above with a longer input layer, exactly as drawn, and all the
# recurrence adds is to hand $h_t$ on to the next step. [Chapter 02](02_formula.ipynb)
# (section 5) writes this concatenated form out with numbers and checks it against the
# library. Here we check only that the extra block matters: the same network with its
# delayed input ($D \neq 0$) and without it ($D = 0$; same $W, B, V, c$) on the same sequence.
# We expect the outputs of step 1 to agree, since there $h_0 = 0$ and $D h_0 = 0$, and the
# later outputs to differ.

# %%
_, Y = net.forward(X)
difference = np.abs(Y - Y_cut).max(axis=1)  # largest change at each step
print(
    "the delayed input changes the output of step t by: "
    + ", ".join(f"{d:.3f}" for d in difference)
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: step 1 is unchanged by D, every later step changes
assert difference[0] == 0
assert np.all(difference[1:] > 0)

# %% [markdown]
# Step 1 is the same BP network with or without $D$; every later step is changed by the delayed
# input, so it does change what the network computes. Apart from that block, nothing in one
# step is new; everything known about feed-forward networks applies inside a step. What is new
# is only *how the steps are chained*.

# %% [markdown]
# ## Three weights and two thresholds
#
# Reading the parameters off the drawings, the article lists **three weights**, $W$ (input
# to hidden), $D$ (delayed input to hidden) and $V$ (hidden to output), and **two
# thresholds**, $B$ (hidden) and $c$ (output). Each weight matrix has one row per receiving
# node and one column per sending node, and each threshold has one entry per node of its
# layer. For the network above ($I = 3$, $H = 4$, $O = 2$):

# %%
I, H, O = 3, 4, 2  # noqa: E741 (I, H, O: the book's names for the sizes)
net = rnnlib.ElmanRNN(I, H, O)
role = {
    "W": "weight: input -> hidden",
    "D": "weight: delayed input -> hidden",
    "B": "threshold of the hidden layer",
    "V": "weight: hidden -> output",
    "c": "threshold of the output layer",
}
print(f"{'name':5s}{'role':34s}{'shape':>8s}{'numbers':>9s}")
for name, array in net.params.items():
    print(f"{name:5s}{role[name]:34s}{str(array.shape):>8s}{array.size:9d}")

count = H * I + H * H + H + O * H + O
print(f"H*I + H*H + H + O*H + O = {H * I} + {H * H} + {H} + {O * H} + {O} = {count}")
print(f"net.n_params = {net.n_params}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the formula gives n_params
assert net.n_params == count

# %% [markdown]
# So the parameter count of the basic RNN is
#
# $$\underbrace{H I}_{W} + \underbrace{H^2}_{D} + \underbrace{H}_{B} + \underbrace{O H}_{V} + \underbrace{O}_{c}.$$
#
# `draw_unrolled` can print these shapes into the picture with `sizes=(I, H, O)`:

# %% mystnb={"figure": {"caption": "The unrolled network with the shapes of its three weights and two thresholds."}, "image": {"alt": "The unrolled three-step diagram again, labelled with shapes for 3 inputs, 4 hidden units and 2 outputs: W is 4\u00d73, D is 4\u00d74, B has 4 values, V is 2\u00d74 and c has 2 values, the same at every step."}}
diagrams.draw_unrolled(T=3, sizes=(I, H, O))
plt.show()

# %% [markdown]
# **How the count grows with $H$.** Every block but $D$ grows at most in proportion to $H$; $D$
# grows with $H^2$. So we expect the delayed-input weight to hold most of the parameters of
# any network whose hidden layer is large compared with its input and output. The cell
# below counts the blocks for $I = 3$, $O = 2$ and a range of $H$, checks each total against
# `n_params`, and finds the smallest $H$ from which $D$ holds more than half of all
# parameters.

# %%
I, O = 3, 2  # noqa: E741 (I and O: the book's names for the sizes)
hidden_sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256]
blocks = {"W  (H·I)": [], "D  (H·H)": [], "B  (H)": [], "V + c  (O·H + O)": []}
totals = []
lines = [f"{'H':>5s}{'W':>7s}{'D':>8s}{'B':>6s}{'V+c':>6s}{'total':>8s}{'D share':>9s}"]
for h in hidden_sizes:
    net_h = rnnlib.ElmanRNN(I, h, O)
    parts = [h * I, h * h, h, O * h + O]
    for key, part in zip(blocks, parts, strict=True):
        blocks[key].append(part)
    totals.append(net_h.n_params)
    share = parts[1] / net_h.n_params
    lines.append(
        f"{h:5d}{parts[0]:7d}{parts[1]:8d}{parts[2]:6d}{parts[3]:6d}{net_h.n_params:8d}{share:9.1%}"
    )
print("\n".join(lines))

h_half = next(h for h in range(1, 1000) if h * h > h * I + h + O * h + O)
print(f"D holds more than half of the parameters from H = {h_half} on (I = {I}, O = {O})")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: each total is the sum of the blocks (n_params)
for h, total in zip(hidden_sizes, totals, strict=True):
    assert total == h * I + h * h + h + O * h + O

# %% mystnb={"figure": {"caption": "Parameter count against hidden size: D, with H\u00b2 entries, dominates for large H."}, "image": {"alt": "Log-log line chart of the number of parameters against the number of hidden units H from 1 to 256, for 3 inputs and 2 outputs, with one line each for W (H\u00b7I), D (H\u00b7H), B (H), V + c (O\u00b7H + O) and the total. All grow in proportion to H except D, which grows like H squared and makes up almost all of the total for large H; a dotted vertical line marks where D becomes half of all parameters."}}
fig, ax = plt.subplots(figsize=(7, 4))
colours = [plotting.PALETTE[k] for k in ("blue", "orange", "purple", "vermillion")]
for (key, values), colour in zip(blocks.items(), colours, strict=True):
    ax.plot(hidden_sizes, values, "o-", color=colour, label=key)
ax.plot(hidden_sizes, totals, "k--", lw=1.2, label="total = n_params")
ax.axvline(h_half, color="#888888", lw=1, ls=":")
ax.text(
    h_half * 1.1,
    1.0,
    f"D is more than half\nfrom H = {h_half}",
    va="bottom",
    fontsize=10,
    color="#555555",
)
ax.set(
    xscale="log",
    yscale="log",
    xlabel="hidden units H",
    ylabel="number of parameters",
    title="Parameters of the basic RNN (I = 3, O = 2): D grows like H²",
)
ax.set_xticks(hidden_sizes, [str(h) for h in hidden_sizes])
ax.minorticks_off()
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# On the log-log axes a block that grows like $H$ is a line of slope 1, and $D$ is a line of
# slope 2: it overtakes the other blocks early, holds more than half of all parameters from
# the $H$ printed above on, and for large $H$ the total is essentially $H^2$. Most of the
# numbers a large basic RNN learns therefore describe *how the hidden units talk to each
# other from one step to the next*. $D$ is also the matrix that decides how long the network
# remembers and how gradients travel back through time, which is why chapters 04 and 05
# study it closely.

# %% [markdown]
# ## Step by step, with the same weights at every step
#
# The article's last remark on the structure: at each step the network first computes the
# hidden layer and the output of that step, and **keeps the hidden values** to serve as the
# delayed input of the next step. Nothing in this procedure refers to $t$ except the
# input: every step uses the same $W, D, B, V, c$. This is called **weight sharing**
# (across time).
#
# What sharing means is easiest to see by changing a shared weight. In the unrolled picture
# every orange arrow is labelled $D$, and all of them are the same array. So if we change one
# entry of $D$, the change should show up at *every* step that uses $D$: at every step from
# step 2 on, but not at step 1, whose delayed input is $h_0 = 0$, so that $D h_0 = 0$ whatever
# $D$ is. (If each step had a weight of its own, changing the weight of one step would leave all
# earlier steps alone.)

# %%
net = rnnlib.ElmanRNN(3, 4, 2, seed=2)
net.c = [0.1, -0.2]
X = rng.normal(size=(6, 3))
_, Y_before = net.forward(X)

D_new = net.D.copy()  # the one delayed-input weight, used at every step
D_new[0, 1] += 0.5  # change a single entry
net.D = D_new
_, Y_after = net.forward(X)
change = np.abs(Y_after - Y_before).max(axis=1)
for t in range(len(X)):
    print(
        f"step {t + 1}: y = [{Y_before[t, 0]:+.3f}, {Y_before[t, 1]:+.3f}] -> "
        f"[{Y_after[t, 0]:+.3f}, {Y_after[t, 1]:+.3f}]   change {change[t]:.3f}"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: one entry of D moves every step's output from step 2 on, not step 1
assert change[0] == 0
assert np.all(change[1:] > 0)

# %% [markdown]
# One number changed, and the output of every step from 2 on moved: the same $D$ acts at
# every step. The same is true of $W$, $B$, $V$ and $c$, which act at step 1 as well. This is
# also why training a basic RNN (chapter 05) has to add up, for each weight, the effects of
# that weight at every step.

# %% [markdown]
# Sharing the weights does not mean that every step computes the same thing. The step
# function is the same, but its delayed input is not. Feed the network the *same* input
# vector at every step: the outputs still change from step to step, because $h_{t-1}$
# changes (here they settle down as $h_t$ approaches a fixed point of the step map).

# %%
x = np.array([1.0, -1.0, 0.5])
_, Y_const = net.forward(np.tile(x, (6, 1)))  # the same x_t at all 6 steps
print(f"x_t = [{x[0]:+.1f}, {x[1]:+.1f}, {x[2]:+.1f}] at every step")
for t, y in enumerate(Y_const, start=1):
    print(f"step {t}: y_t = [{y[0]:+.3f}, {y[1]:+.3f}]")

# %% [markdown]
# **The size of the network does not depend on $T$.** Because one set of parameters
# serves every step, the same network runs on sequences of any length, and its parameter
# count stays $H I + H^2 + H + O H + O$. We expect the count printed below to stay the same
# while the length of the sequence grows a thousandfold.

# %%
for T in (1, 10, 100, 1000):
    X_T = rng.normal(size=(T, 3))
    Hs_T, Y_T = net.forward(X_T)
    print(
        f"T = {T:4d}: input {str(X_T.shape):>10s} -> outputs {str(Y_T.shape):>10s}; parameters: {net.n_params}"
    )

# %% [markdown]
# Compare the two alternatives that do *not* share weights. A network with its own set of
# parameters for every step would need $T$ times as many; and a feed-forward network that
# sees the whole sequence at once through a window of $T$ inputs needs $H \cdot I T$ input
# weights. Both grow with $T$, and both can only be used for the sequence length they were
# built for. The figure compares the counts for $I = 3$, $H = 4$, $O = 2$.

# %% mystnb={"figure": {"caption": "Weight sharing: the RNN's number of parameters does not grow with the sequence length."}, "image": {"alt": "Log-log line chart of the number of parameters against the sequence length T from 1 to 1000, for 3 inputs, 4 hidden units and 2 outputs. A network with one set of parameters per step and a feed-forward net on a window of T inputs both grow in proportion to T; the basic RNN with shared weights is a flat line, its size independent of T."}}
lengths = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
I, H, O = 3, 4, 2  # noqa: E741 (I, H, O: the book's names for the sizes)
shared = np.full(lengths.shape, net.n_params)
per_step = lengths * net.n_params
window = H * I * lengths + H + O * H + O

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(
    lengths,
    per_step,
    "s-",
    color=plotting.PALETTE["vermillion"],
    label="one set of parameters per step",
)
ax.plot(
    lengths,
    window,
    "^-",
    color=plotting.PALETTE["purple"],
    label="feed-forward net on a window of T inputs",
)
ax.plot(lengths, shared, "o-", color=plotting.PALETTE["green"], label="basic RNN (shared weights)")
ax.set(
    xscale="log",
    yscale="log",
    xlabel="sequence length T",
    ylabel="number of parameters",
    title="Weight sharing: the RNN's size does not grow with T (I = 3, H = 4, O = 2)",
)
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# Weight sharing has a second benefit, which Goodfellow et al. (2016, chapter 10) stress:
# whatever the network learns at one position in time (say, that a bit should be
# remembered for one step) it can apply at every position, because there is only one copy
# of the parameters to learn it in.

# %% [markdown]
# ## Key takeaways
#
# - The basic RNN is drawn unrolled over time (one column per step) or folded (one network
#   with a loop through a one-step delay); both show the same network.
# - Each time step is a 3-layer BP (feed-forward) network whose input layer has an extra
#   block, the delayed input $h_{t-1}$; with $D = 0$ it *is* a plain BP network on $x_t$
#   (checked above to 1e-12).
# - Three weights $W$ (H, I), $D$ (H, H), $V$ (O, H) and two thresholds $B$ (H,), $c$ (O,):
#   $H I + H^2 + H + O H + O$ parameters; $D$ dominates once $H$ is large compared with
#   $I$ and $O$.
# - Each step computes $h_t$ and $y_t$ and keeps $h_t$ for the next step; all steps use
#   the same five arrays (weight sharing), so the network's size does not depend on the
#   sequence length.

# %% [markdown]
# ## Exercises
#
# **1. Count by hand.** A basic RNN reads one number per step ($I = 1$), has $H = 10$ hidden
# units and predicts one number ($O = 1$). How many parameters does it have? How many with
# $H = 20$? Doubling $H$ multiplies the count by about three and a half: why not by 2, and
# why not quite by 4?
#
# <details>
# <summary>Solution</summary>
#
# $H = 10$: $10 + 100 + 10 + 10 + 1 = 131$. $H = 20$: $20 + 400 + 20 + 20 + 1 = 461$, so the
# ratio is $461 / 131 \approx 3.52$. The $H^2$ term of $D$ (100 of the 131) quadruples when $H$
# doubles, which pushes the ratio well above 2; the terms linear in $H$ only double, and the
# output threshold stays, which keeps it below 4. The larger $H$, the larger the share of $D$,
# and the closer the ratio comes to 4.
#
# ```python
# import rnnlib
#
# counts = {H: rnnlib.ElmanRNN(1, H, 1).n_params for H in (10, 20, 100, 200)}
# print(counts, f"ratio {counts[20] / counts[10]:.2f}, for 100 -> 200: {counts[200] / counts[100]:.2f}")
# assert counts[10] == 131 and counts[20] == 461
# assert 3.5 < counts[20] / counts[10] < 3.55 < counts[200] / counts[100] < 4
# ```
#
# </details>
#
# **2. A parameter budget.** With $I = 3$ and $O = 2$, what is the largest hidden layer
# whose basic RNN has at most 1000 parameters? Solve $H^2 + 6H + 2 \le 1000$ and check
# with `rnnlib`.
#
# <details>
# <summary>Solution</summary>
#
# $H^2 + (I + O + 1) H + O = H^2 + 6H + 2$. $H = 28$ gives $784 + 168 + 2 = 954$;
# $H = 29$ gives $841 + 174 + 2 = 1017$. So $H = 28$.
#
# ```python
# import rnnlib
#
# fits = [H for H in range(1, 100) if rnnlib.ElmanRNN(3, H, 2).n_params <= 1000]
# print(max(fits), rnnlib.ElmanRNN(3, max(fits), 2).n_params, rnnlib.ElmanRNN(3, max(fits) + 1, 2).n_params)
# assert max(fits) == 28 and fits == list(range(1, 29))
# ```
#
# </details>
#
# **3. The Jordan variant.** `diagrams.draw_unrolled(3, feedback="output")` draws a Jordan
# network, where the previous *output* $y_{t-1}$ is the delayed input. What shape does its
# $D$ have, and what is its parameter count? Write its forward pass in numpy and check
# that with $D = 0$ it computes the same outputs as the basic RNN with $D = 0$ (both are
# then the same BP network).
#
# <details>
# <summary>Solution</summary>
#
# $D$ maps the $O$ previous outputs to the $H$ hidden units, so it is $(H, O)$ and the count
# is $H I + H O + H + O H + O$; for $I = 3$, $H = 4$, $O = 2$ that is $12 + 8 + 4 + 8 + 2 = 34$
# instead of 42.
#
# ```python
# import numpy as np
# import rnnlib
#
# def jordan_forward(X, W, D, B, V, c):
#     y = np.zeros(V.shape[0])                       # y_0 = 0
#     Y = []
#     for x in X:
#         h = np.tanh(W @ x + D @ y + B)             # delayed input: the previous output
#         y = V @ h + c
#         Y.append(y)
#     return np.array(Y)
#
# I, H, O = 3, 4, 2
# net = rnnlib.ElmanRNN(I, H, O, seed=0)
# net.c = [0.3, -0.1]
# X = np.random.default_rng(0).normal(size=(5, I))
# D_jordan = np.zeros((H, O))
# n_jordan = net.W.size + D_jordan.size + net.B.size + net.V.size + net.c.size
# assert n_jordan == H * I + H * O + H + O * H + O == 34 and net.n_params == 42
#
# net.D = np.zeros((H, H))
# assert np.allclose(jordan_forward(X, net.W, D_jordan, net.B, net.V, net.c), net.forward(X)[1])
# D_jordan = np.ones((H, O))                         # with feedback, the two differ
# assert not np.allclose(jordan_forward(X, net.W, D_jordan, net.B, net.V, net.c), net.forward(X)[1])
# print("Jordan with D = 0 equals the basic RNN with D = 0; parameter count", n_jordan)
# ```
#
# </details>
#
# **4. Weight sharing means you can restart anywhere.** Run a network on a sequence of 8
# steps. Then run it only on the last 5 steps, starting from the hidden state the full run
# had after step 3 instead of from zero. Predict the result, then check it.
#
# <details>
# <summary>Solution</summary>
#
# Every step applies the same map to $(x_t, h_{t-1})$, so steps 4 to 8 depend on the past
# only through $h_3$: given $h_3$ as the initial state, the short run reproduces the last
# 5 outputs of the long one exactly. (Starting from $h_0 = 0$ instead gives different
# outputs.)
#
# ```python
# import numpy as np
# import rnnlib
#
# net = rnnlib.ElmanRNN(2, 5, 1, seed=4)
# X = np.random.default_rng(4).normal(size=(8, 2))
# Hs, Y = net.forward(X)
# _, Y_tail = net.forward(X[3:], h0=Hs[2])          # Hs[2] is h_3
# _, Y_cold = net.forward(X[3:])                    # from h_0 = 0
# assert np.allclose(Y_tail, Y[3:])
# assert not np.allclose(Y_cold, Y[3:])
# print(f"restart from h_3 matches; from zero the first output is off by {abs(Y_cold[0, 0] - Y[3, 0]):.3f}")
# ```
#
# </details>
#
# **5. What $D = 0$ costs.** Chapter 00 set the weights of a basic RNN by hand so that it
# outputs the previous bit of a random bit stream. Set its $D$ to zero. What accuracy do
# you expect now, and why?
#
# <details>
# <summary>Solution</summary>
#
# With $D = 0$ every step is a BP network on $x_t$ alone (first section of this chapter), and
# the previous bit is independent of the current one, so the accuracy drops to the
# coin-flip rate.
#
# ```python
# import numpy as np
# import rnnlib
#
# bits = np.random.default_rng(0).integers(0, 2, size=2001)
# net = rnnlib.ElmanRNN(1, 2, 1)
# net.W, net.B, net.V, net.c = [[6.0], [0.0]], [-3.0, 0.0], [[0.0, 0.5]], [0.5]
# accuracy = {}
# for name, D in (("with D", [[0.0, 0.0], [6.0, 0.0]]), ("D = 0", np.zeros((2, 2)))):
#     net.D = D
#     _, Y = net.forward(bits[:, None])
#     accuracy[name] = np.mean((Y[1:, 0] > 0.5) == bits[:-1])
# print({k: f"{v:.3f}" for k, v in accuracy.items()})
# assert accuracy["with D"] == 1.0 and 0.4 < accuracy["D = 0"] < 0.6
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. Section 01, the structure: the source this chapter follows.
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 3. M. I. Jordan, “Serial order: a parallel distributed processing approach,” ICS Report 8604, Institute for Cognitive Science, University of California, San Diego, 1986.
# 4. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016. Chapter 10, “Sequence Modeling: Recurrent and Recursive Nets” ([www.deeplearningbook.org](https://www.deeplearningbook.org/)); section 10.1 on unfolding computational graphs and parameter sharing.
# 5. D. E. Rumelhart, G. E. Hinton and R. J. Williams, “Learning representations by back-propagating errors,” *Nature*, 323, 533–536, 1986. [doi:10.1038/323533a0](https://doi.org/10.1038/323533a0)

# %% [markdown]
# [← 00. Introduction](00_introduction.ipynb) | [02. The formula →](02_formula.ipynb)
