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
# # 04. The hidden view
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F04_hidden_view.ipynb)
#
# Chapter 03 read the basic RNN from the side of its inputs: at step $t$ the network looks
# at $x_t$ and at the previous hidden layer. The article's second reading turns this around
# and starts from the hidden layer (隐层) itself. The hidden nodes (隐节点) are a store of
# *hidden information*: it is set once at the start ($h_0 = 0$) and then rewritten at every
# step by the new input. Because every input passes through it, the store ends up carrying
# something of the whole past, and the output is read from the store alone. In this reading
# the formula $h_t = f(W x_t + D h_{t-1} + B)$ is the *update rule* of the store, and the
# weights (权重) say how much the newest input $x_t$ and the stored history, the delayed
# input (延迟输入) $h_{t-1}$, each count. Two terms are easy to mix up here: the hidden *layer* is a
# part of the network, $H$ units with their weights, the same at every step, while the hidden
# *state* $h_t$ is the vector of values those units hold at step $t$, which changes every step.
#
# In probability terms the second reading is compact. A model that predicts a
# sequence wants the distribution of the next element given everything so far,
# $P(x_{t+1} \mid x_1, \dots, x_t)$, whose condition grows with $t$. The hidden-information view
# replaces the growing history by the store of fixed size:
#
# $$P(x_{t+1} \mid x_1, \dots, x_t) \approx P(x_{t+1} \mid h_t),$$
#
# and when the task is to predict the next element, the output $y_t = V h_t + c$ is the model of
# that distribution (for bits, $\sigma(y_t)$ is the probability of a 1, as in chapter 03). The approximation is exact when $h_t$ keeps everything
# about the past that matters for what comes next; how much it keeps is what this chapter
# measures. *Dive into Deep Learning* writes the same formula one index earlier,
# $P(x_t \mid x_{t-1}, \dots, x_1) \approx P(x_t \mid h_{t-1})$.
#
# The seed is already in Elman (1990), who described his copied-back hidden units, the
# *context units*, as the network's memory of its previous internal state; the second
# reading, which the article says grew up later as RNNs developed, puts this memory at the
# centre. This chapter turns it into measurements. Short definitions of the terms used here
# are in the introduction (see the [glossary](00_introduction.ipynb#Glossary)).
#
# **What you will learn**
#
# - that $h_t$ depends on every earlier input, by changing $x_1$ alone and watching later $h_t$;
# - that one linear hidden unit is an exponential moving average: $D$ weighs the history, $W$ the newest input;
# - how $W$, $D$ and the threshold (阈值, i.e. the bias) $B$ shape the response of a unit, with sliders;
# - how to read the past out of $h_t$ with *linear probes*, and what training changes in what can be read;
# - the *memory capacity* of a network, how it depends on the spectral radius of $D$, and why it can never exceed the number of hidden units (an optional section);
# - what a trained two-unit hidden state looks like when drawn as a path in the plane.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb); [03. The input view](03_input_view.ipynb)
# helps but is not required. Training with `rnnlib.fit` is used as a tool in sections 4 and 6 and
# explained in [05. Training by BPTT](05_training_bptt.ipynb). Least squares (a linear
# regression); eigenvalues of a matrix.
#
# **Time to read:** about 40 minutes (section 5 is optional).

# %%
import numpy as np

import rnnlib
from rnnlib import plotting
from rnnlib.explorer import draw_response, explorer, explorer_input, unit_response
from rnnlib.linalg import scale_spectral_radius, spectral_radius
from rnnlib.probes import memory_capacity, memory_curve

plt = plotting.use_style()
C = plotting.PALETTE


def echo_net(H, rho, seed, input_scale=1.0):
    """A tanh ElmanRNN with one input: random D rescaled to spectral radius rho, W uniform in +-input_scale, B = 0."""
    rng = np.random.default_rng(seed)
    net = rnnlib.ElmanRNN(1, H, 1, seed=seed)
    net.D = scale_spectral_radius(rng.standard_normal((H, H)), rho)
    net.W = input_scale * rng.uniform(-1, 1, (H, 1))
    net.B = np.zeros(H)
    return net


# %% [markdown]
# ## 1. Every $h_t$ depends on the whole past
#
# Write the update rule twice and substitute one line into the other:
#
# $$h_t = f\big(W x_t + D\, f(W x_{t-1} + D h_{t-2} + B) + B\big) = \dots$$
#
# Unrolled to the start, $h_t$ is a function of $h_0$ and of *all* inputs $x_1, \dots, x_t$.
# How strongly does it still depend on an old input? For a linear unit ($f(a) = a$) the
# answer is exact: changing $x_1$ by $\varepsilon$ changes $h_t$ by
#
# $$\Delta h_t = D^{\,t-1} W \varepsilon ,$$
#
# so the trace of $x_1$ is multiplied by $D$ once per step. Its size eventually shrinks or
# grows like $\rho(D)^{t}$, where the **spectral radius** $\rho(D)$ is the largest absolute
# eigenvalue of $D$. A tanh unit multiplies in addition by $f'(a) = 1 - h^2 \le 1$ at every
# step.
#
# **Experiment.** Take tanh networks with $H = 20$ hidden units whose $D$ is a random matrix
# rescaled to $\rho(D) \in \{0.5, 0.9, 1.0, 1.5\}$ (5 networks each) and input weights uniform in
# $[-1, 1]$, feed a random input stream (uniform in $[-1, 1]$), then feed it again with only $x_1$
# changed by $\varepsilon = 10^{-3}$, and record
# $\lVert \Delta h_t \rVert$. **Expected:** for $\rho < 1$ the difference dies away
# geometrically, roughly like $\rho^t$ or faster, since the tanh slope of at most 1 adds
# shrinkage (a rule of thumb for random matrices like these, not a theorem for every $D$); for
# $\rho > 1$ it need not die: small differences are amplified until tanh saturates, and then they stay.


# %%
def perturbation_sizes(net, x, eps):
    """||h'_t - h_t|| for t = 1..T when only x_1 is changed by eps, and the mean tanh slope 1 - h_t^2."""
    X = np.stack([x, x], axis=1)  # a batch of two sequences ...
    X[0, 1, 0] += eps  # ... that differ only in x_1
    Hs, _ = net.forward(X)
    d = Hs[:, 1] - Hs[:, 0]
    return np.sqrt(np.sum(d * d, axis=1)), np.mean(1 - Hs[:, 0] ** 2)


def per_step_factor(sizes, t):
    """exp of the least-squares slope of log(size) against t: the average factor per step."""
    y, tc = np.log(sizes), t - t.mean()
    return np.exp(np.sum(tc * (y - y.mean())) / np.sum(tc * tc))


def small(v):
    """A size for printing: values below 1e-12 are rounding noise of float64, not a trace of x_1."""
    return f"{v:.1e}" if v >= 1e-12 else "< 1e-12"


# %%
H, T, eps, radii = 20, 60, 1e-3, [0.5, 0.9, 1.0, 1.5]
t = np.arange(1, T + 1)
delta, slope, factor = (
    {},
    {},
    {},
)  # rho -> (5, T) array of ||h'_t - h_t||, mean tanh slope, per-step factor
for rho in radii:
    sizes, slopes = [], []
    for seed in range(5):
        x = np.random.default_rng(100 + seed).uniform(-1, 1, (T, 1))
        size, mean_slope = perturbation_sizes(echo_net(H, rho, seed), x, eps)
        sizes.append(size)
        slopes.append(mean_slope)
    delta[rho], slope[rho] = np.array(sizes), np.mean(slopes)
    factor[rho] = per_step_factor(np.median(delta[rho], axis=0)[1:20], t[1:20])

print("rho   per-step factor      rho x mean      ||dh_t|| at t = 10, 30, 60")
print("      (t = 2..20, median)  tanh slope      (median of 5 nets)")
for rho in radii:
    med = np.median(delta[rho], axis=0)
    print(
        f"{rho:<5} {factor[rho]:>10.3f} {rho * slope[rho]:>17.3f}        "
        + "  ".join(f"{small(med[i]):>8}" for i in (9, 29, 59))
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: factor below rho for rho < 1; rho = 1 forgets, rho = 1.5 does not amplify (at t = 60 still
# about half of t = 10); rho x slope within 0.05 of the factor; rho = 0.5 lost in rounding by t = 60
for rho in radii:
    assert abs(factor[rho] - rho * slope[rho]) < 0.05
    if rho < 1:
        assert factor[rho] < rho
assert factor[1.0] < 1 and factor[1.5] < 1
med15 = np.median(delta[1.5], axis=0)
assert 0.3 < med15[59] / med15[9] < 1
assert np.median(delta[0.5], axis=0)[59] < 1e-12

# %% mystnb={"figure": {"caption": "The trace of x_1 in h_t fades at a rate set by the spectral radius of D."}, "image": {"alt": "Line chart, log scale, over 60 time steps: how much the hidden state changes after the first input x_1 is changed by 10^-3, for random networks whose D has spectral radius 0.5, 0.9, 1.0 and 1.5 (thin lines: 5 networks each; thick: their median; dashed: guides proportional to \u03c1^t). The change decays fastest for \u03c1 = 0.5, down to rounding level near step 40, more slowly for 0.9 and 1.0, and only slowly for 1.5, which does not amplify it."}}
fig, ax = plt.subplots(figsize=(7, 3.8))
colors = [C["blue"], C["green"], C["orange"], C["vermillion"]]
for rho, col in zip(radii, colors, strict=True):
    for run in delta[rho]:
        ax.plot(t, np.where(run > 0, run, np.nan), color=col, lw=0.6, alpha=0.4)
    med = np.median(delta[rho], axis=0)
    ax.plot(t, np.where(med > 0, med, np.nan), color=col, lw=2.2, label=rf"$\rho(D)$ = {rho}")
    if rho < 1:  # slope guide: the measured size at t = 1, times rho per step
        ax.plot(t, med[0] * rho ** (t - 1), color=col, lw=1, ls="--")
ax.plot([], [], color=C["black"], lw=1, ls="--", label=r"guide $\propto \rho^{\,t}$")
ax.set_yscale("log")
ax.set_ylim(1e-17, 1)
ax.set_xlabel("time step t")
ax.set_ylabel(r"$\|\Delta h_t\|$ after changing $x_1$ by $10^{-3}$")
ax.set_title("How long does the hidden state remember $x_1$? (thick: median of 5 nets)")
ax.legend(loc="lower left", ncol=2)
plt.show()

# %% [markdown]
# The thin lines are single networks, the thick lines their median, and the dashed lines
# fall by exactly $\rho$ per step, for comparison. With $\rho(D) < 1$ the trace of $x_1$
# fades geometrically, as expected, and the fitted per-step factor in the table is *below*
# $\rho$. Even $\rho(D) = 1$ forgets, only more slowly. The $\rho = 0.5$ curves flatten out
# near $10^{-16}$: there the difference is lost in the rounding of float64.
#
# **For $\rho(D) = 1.5$ the prediction failed.** We expected the small difference to grow until
# tanh saturates. It did not: the median network shrinks it by a factor of 0.969 per step, so
# that at $t = 60$ it is still 5.7e-04, about half its size at $t = 10$ (some single networks grow
# it for a while, others shrink it faster). The prediction left out the tanh slopes. A small
# difference passes through them at every step, $\Delta h_t \approx \mathrm{diag}(1 - h_t^2)\, D\,
# \Delta h_{t-1}$, and inputs of size up to 1 keep the units away from zero, where the slope
# $1 - h_t^2$ is far below 1. The table's middle column, $\rho$ times the run's mean slope, is a
# rough effective gain per step, within 0.05 of the measured factor for every $\rho$; for
# $\rho = 1.5$ it is 0.974, just below 1.
#
# If that explanation is right, the prediction should hold where it was derived, near $h = 0$:
# with inputs 100 times weaker, the slopes start near 1, so the same five networks should
# amplify the difference, until their own activity saturates tanh.

# %%
weak_sizes = []
for seed in range(5):
    x = 0.01 * np.random.default_rng(100 + seed).uniform(-1, 1, (T, 1))  # inputs 100 times weaker
    weak_sizes.append(perturbation_sizes(echo_net(H, 1.5, seed), x, eps)[0])
weak_median = np.median(weak_sizes, axis=0)
weak_factor = per_step_factor(weak_median[1:20], t[1:20])
print(f"rho = 1.5, input x 0.01: per-step factor (t = 2..20, median) {weak_factor:.3f}")
print(
    "||dh_t|| at t = 1, 10, 20, 30, 60 (median): "
    + "  ".join(small(weak_median[i]) for i in (0, 9, 19, 29, 59))
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: amplified, as predicted, then the growth stops
assert weak_factor > 1.1
assert weak_median[19] > 10 * weak_median[0]
assert weak_median[59] < 2 * weak_median[19]

# %% [markdown]
# With weak input the prediction holds: the difference grows by a factor of 1.238 per step, from
# 2.6e-03 at $t = 1$ to 1.5e-01 at $t = 20$. Then tanh saturates and the growth stops; the
# difference stays at that size (1.6e-01 at $t = 60$). So $\rho(D) > 1$ means amplification only
# for a network that is near rest; a strongly driven network of the same $D$ can still forget, slowly.
#
# So the hidden state is a summary of the whole past, and with $\rho(D) \le 1$, or strong input,
# a *fading* one: every step the old content is multiplied by $D$ and by the tanh slopes, and new
# content is added through $W$. The next section makes this exact for a single unit.

# %% [markdown]
# ## 2. One unit: a moving average of the past
#
# Take the smallest network there is, one hidden unit with a linear activation and no
# threshold. Its update rule has two numbers,
#
# $$h_t = D\, h_{t-1} + W x_t = W x_t + D W x_{t-1} + D^2 W x_{t-2} + \dots + D^{t-1} W x_1 .$$
#
# This is the article's reading in one line: $W$ is the weight of the *newest* input, and $D$
# the weight of the *history*, which is itself a weighted sum of older inputs with weights
# $W, DW, D^2W, \dots$ With $W = 1 - D$ and $0 \le D < 1$ these weights, $(1-D)D^k$, sum to 1
# (for a long sequence), and the unit is exactly the **exponential moving average** (EMA)
# $m_t = \alpha x_t + (1 - \alpha) m_{t-1}$ with $\alpha = 1 - D$, well known from signal
# processing and finance. `rnnlib.explorer.unit_response` computes one unit; we check it
# against an EMA written by hand.

# %%
rng = np.random.default_rng(0)
x = rng.normal(size=200)
D = 0.9
m, ema = 0.0, []
for xt in x:  # the EMA by hand, alpha = 1 - D
    m = (1 - D) * xt + D * m
    ema.append(m)
h = unit_response(x, W=1 - D, D=D, B=0.0, activation="linear")
print(f"linear unit vs hand EMA: largest difference below 1e-12: {np.max(np.abs(h - ema)) < 1e-12}")

# the book's tanh unit (an ElmanRNN with one hidden unit) is the same EMA for small signals
net = rnnlib.ElmanRNN(1, 1, 1)
net.W, net.D, net.B = [[1 - D]], [[D]], [0.0]
for scale in (1.0, 0.1, 0.01):
    Hs, _ = net.forward(scale * x[:, None])
    rel = np.max(np.abs(Hs[:, 0] / scale - ema)) / np.max(np.abs(ema))
    print(
        f"tanh unit, input scaled by {scale:<4}: largest deviation from the EMA = {rel:.1e} (relative)"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the linear unit is the hand EMA
assert np.allclose(h, ema, rtol=1e-12, atol=1e-12)

# %% [markdown]
# With inputs of size 1 the tanh unit bends away from the average; with inputs a hundred
# times smaller it agrees with the EMA to within the small relative deviation printed above,
# because $\tanh(a) \approx a$ near zero. The moving-average picture is the *small-signal*
# behaviour of a tanh unit without threshold; with $H$ units the same linear rule
# $h_t \approx D h_{t-1} + W x_t$ mixes several such averages through $D$.
#
# **Sweeping $D$.** How much history the unit keeps is set by $D$ alone. The weight of an
# input $k$ steps back is $(1 - D)D^k$: it halves every $\ln 2 / \ln(1/D)$ steps, and the
# average age of what the unit holds is $D/(1-D)$ steps. **Expected:** $D = 0$ copies the
# input ($h_t = x_t$, no memory), and as $D \to 1$ the response to a step gets slower and the
# response to a noisy signal smoother.

# %% mystnb={"figure": {"caption": "A linear unit with W = 1 \u2212 D is a moving average: the larger D, the longer the memory and the smoother the output."}, "image": {"alt": "Two panels of a linear unit with W = 1 \u2212 D, an exponential moving average, for D = 0, 0.5, 0.8, 0.9 and 0.95. Left, a step input at t = 10: with D = 0 the unit jumps at once; the larger D, the more slowly it rises towards 1. Right, a noisy sine: D = 0 copies the noisy input; larger D gives smoother, more delayed curves."}}
Ds = [0.0, 0.5, 0.8, 0.9, 0.95]
print(" D     half-life (steps)   mean age of the content (steps)")
for D in Ds:
    half = np.log(2) / np.log(1 / D) if D > 0 else 0.0
    print(f" {D:<5} {half:>10.1f} {D / (1 - D):>24.1f}")

T1 = 80
step = (np.arange(T1) >= 10).astype(float)
rng = np.random.default_rng(1)
noisy = np.sin(np.arange(T1) / 8) + 0.5 * rng.normal(size=T1)
fig, axes = plt.subplots(1, 2, figsize=(10, 4.1), sharey=True, layout="constrained")
for ax, inp, name in zip(axes, (step, noisy), ("a step input", "a noisy sine"), strict=True):
    for D, col in zip(
        Ds, [C["black"], C["sky"], C["green"], C["orange"], C["vermillion"]], strict=True
    ):
        # D = 0 gives h_t = x_t: that curve *is* the input, so it is drawn once, with both names
        label = f"D = {D}" if D > 0 else "D = 0, i.e. the input $x_t$"
        ax.plot(
            np.arange(1, T1 + 1),
            unit_response(inp, 1 - D, D, 0.0, "linear"),
            color=col,
            lw=1.2 if D == 0 else 1.8,
            label=label,
        )
    ax.set_xlabel("time step t")
    ax.set_title(f"EMA unit ($W = 1 - D$) on {name}")
axes[0].set_ylabel("$h_t$")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=5, fontsize=9)
plt.show()

# %% [markdown]
# The left panel shows the trade-off the weights control. $D = 0$ follows the step at once;
# $D = 0.95$ needs dozens of steps to get there (its half-life is in the table). On the noisy
# sine (right) the same slowness is what removes the noise: a large $D$ averages over many
# past inputs, at the price of lagging behind the signal. Choosing $D$ is choosing how long
# the past counts, and $W$ how loudly the present speaks.

# %% [markdown]
# ## 3. Explorer: move $W$, $D$ and $B$ yourself
#
# Beyond the linear case, three numbers shape one tanh unit
# $h_t = \tanh(W x_t + D h_{t-1} + B)$. The figures below show its response to one fixed
# input (a step from $t = 6$ to $20$, then a short negative pulse at $t = 31$–$33$) for six
# settings; the widget after them lets you move the three sliders and redraws live. Things
# to look for:
#
# - $D = 0$: no memory, $h_t$ depends on $x_t$ alone. Larger $D$: slower rise and decay.
# - $D < 0$: the remembered part of $h_t$ changes sign at every step, so the response zig-zags.
# - $D > 1$ with tanh: after the step the unit stays up on its own. It has *latched*: one
#   bit is stored for good, until a strong enough opposite input (the pulse, if $W$ is large
#   enough) flips it. Section 6 finds exactly this in a trained network.
# - $W$ sets how loudly the input speaks; a large $W$ drives tanh into saturation.
# - $B$ shifts the level the unit rests at when the input is zero.

# %% mystnb={"figure": {"caption": "The explorer's static figure: one unit's response for six settings of W, D and B."}, "image": {"alt": "Six small panels of one hidden unit's response h_t (blue dots) to the same input x_t (grey: a step of 1 from t = 6 to 20, then a short pulse of \u22121 around t = 31 to 33), for six settings of W, D and B. No memory (D = 0): h follows the input. Long memory (D = 0.8): h rises and decays slowly. Alternating (D = \u22120.8): h oscillates. Latch (D = 1.3, weak input): h stays high after the input ends. A strong pulse flips the latch to a negative value. Shifted (B = 0.5): h rests above zero."}}
settings = [
    (1.0, 0.0, 0.0, "no memory: D = 0"),
    (1.0, 0.8, 0.0, "long memory: D = 0.8"),
    (1.0, -0.8, 0.0, "alternating: D = -0.8"),
    (0.3, 1.3, 0.0, "latch: D = 1.3, weak input"),
    (1.0, 1.3, 0.0, "a strong pulse flips the latch"),
    (1.0, 0.8, 0.5, "shifted: B = 0.5"),
]
xe = explorer_input()
fig, axes = plt.subplots(2, 3, figsize=(11, 5.6), sharex=True, sharey=True)
for ax, (W_, D_, B_, name) in zip(axes.flat, settings, strict=True):
    draw_response(xe, W_, D_, B_, ax=ax, title=f"{name}\n(W = {W_}, D = {D_}, B = {B_})")
for ax in axes[0]:
    ax.set_xlabel("")
for ax in axes[:, 1:].flat:
    ax.set_ylabel("")
axes[0, 0].legend(loc="lower right", fontsize=9)
plt.show()

# %% [markdown]
# The interactive version needs a running kernel (JupyterLab or Binder); elsewhere only the
# static figure above is shown. `rnnlib.explorer.render_png` redraws it when a slider moves.

# %% tags=["remove-cell"]
explorer(xe, W=1.0, D=0.8, B=0.0)

# %% [markdown]
# ## 4. Reading the past out of $h_t$: linear probes
#
# If $h_t$ summarises the past, we should be able to read old inputs back out of it. A
# **linear probe** for delay $k$ is the best straight-line read-out
#
# $$\hat x_{t-k} = p_k^\top h_t + q_k ,$$
#
# with $p_k \in \mathbb{R}^H$ and the bias $q_k$ fitted by least squares on one stretch of
# time and then scored on a *later* stretch it has never seen. The score is the squared
# correlation $r^2$ between $\hat x_{t-k}$ and the true $x_{t-k}$: 1 means the input $k$
# steps back can be read perfectly, 0 means not at all. The plot of $r^2$ against $k$ is the
# network's **memory curve**. (Probing a hidden layer with a linear read-out is the method of
# Alain and Bengio, 2016.)
#
# Why two stretches? A least-squares fit with $H + 1$ free numbers explains about $H/n$ of the
# variance of *any* target on $n$ fitting steps by chance, even when $h_t$ holds nothing about
# it; summed over many delays, such chance scores would inflate the memory. Scored on unseen
# steps, a target that $h_t$ does not hold scores near 0 (exercise 5 measures the difference).
# In a few lines of numpy, for one delay:

# %%
net = echo_net(10, 0.9, seed=0)
u = np.random.default_rng(0).uniform(-1, 1, (1000, 1))
Hs, _ = net.forward(u)
k, t0, split = 3, 50, 500  # delay, washout, end of the training stretch
A = np.c_[Hs, np.ones(len(Hs))]  # states with a column of ones for the bias
target = np.r_[np.zeros(k), u[:-k, 0]]  # target[t] = x_{t-k}
p = np.linalg.lstsq(A[t0:split], target[t0:split], rcond=None)[0]
r2 = np.corrcoef(A[split:] @ p, target[split:])[0, 1] ** 2
print(f"by hand: r^2 for delay {k} on held-out steps = {r2:.3f}")
print(
    f"rnnlib : r^2 for delay {k} on held-out steps = "
    f"{memory_curve(Hs[t0:], u[t0:], max_delay=k, train_fraction=0.5)[k]:.3f}"
)

# %% [markdown]
# The recipe is the same; the numbers differ slightly because `memory_curve` drops `max_delay`
# more steps first (so that every delay is scored on the same steps) before it splits the rest.
#
# **Experiment: what does training change?** We train a basic RNN with $H = 8$ hidden units
# on a memory task: the input is a stream of random numbers $x_t$, uniform in $[-1, 1]$, and
# the wanted output is the input six steps back, $y_t = x_{t-6}$. Then we probe its hidden
# states on fresh test streams, and compare with the *same* network before training.
# **Expected:** the trained network must carry $x_t, \dots, x_{t-6}$ to do its job, so its
# memory curve should be close to 1 up to $k = 6$; nothing rewards remembering more, so
# beyond $k = 6$ the curve may drop. The untrained network has small random weights; it
# remembers the last few inputs by accident and forgets gradually.

# %%
H8, LAG = 8, 6
rng = np.random.default_rng(0)
X_train = rng.uniform(-1, 1, (40, 64, 1))  # 64 sequences of 40 steps
Y_train = np.zeros_like(X_train)
Y_train[LAG:] = X_train[:-LAG]  # y_t = x_{t-6}
mask = np.ones(X_train.shape[:2])
mask[:LAG] = 0  # nothing to recall in the first steps
X_test = np.random.default_rng(1).uniform(-1, 1, (200, 20, 1))

SEEDS3 = range(3)
nets = [rnnlib.ElmanRNN(1, H8, 1, seed=seed) for seed in SEEDS3]
curves = {
    "untrained": [memory_curve(net.forward(X_test)[0], X_test, 15, washout=10) for net in nets]
}
# the three networks share the training data, trained side by side (chapter 03)
hists = rnnlib.fit(nets, X_train, Y_train, mask=mask, epochs=300, verbose=False)

# %%
curves["trained"] = []
print("seed   loss before -> after training   test MSE of the trained output on x_(t-6)")
for seed, net, hist in zip(SEEDS3, nets, hists, strict=True):
    Hs, Y = net.forward(X_test)
    curves["trained"].append(memory_curve(Hs, X_test, 15, washout=10))
    test_mse = np.mean((Y[LAG:, :, 0] - X_test[:-LAG, :, 0]) ** 2)
    print(f"{seed:>4}   {hist.loss[0]:.4f} -> {hist.loss[-1]:.5f}{'':13}{test_mse:.5f}")
curves = {name: np.array(c) for name, c in curves.items()}
mc = {name: c.sum(axis=1) for name, c in curves.items()}
print("\nheld-out r^2 of the probe for x_(t-k), mean of 3 seeds")
print(
    f"{'k':>9}: "
    + "".join(f"{k:>6}" for k in range(10))
    + "   memory capacity (sum over k = 0..15)"
)
for name, c in curves.items():
    print(
        f"{name:>9}: "
        + "".join(f"{v:6.2f}" for v in c[:, :10].mean(axis=0))
        + f"   {mc[name].mean():.2f} ± {mc[name].std(ddof=1):.2f} (sample sd)"
    )

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: trained flat near 1 up to k = 6, then a cliff; untrained sags after k = 3 and keeps
# falling; training raised the capacity, which stays below H
untrained, trained = curves["untrained"].mean(axis=0), curves["trained"].mean(axis=0)
assert np.all(trained[: LAG + 1] > 0.95) and trained[LAG + 2] < 0.05
assert untrained[3] > 0.95 and untrained[4] < 0.9 and untrained[LAG] < 0.5
assert np.all(np.diff(untrained[3:10]) < 0)
assert mc["untrained"].mean() < mc["trained"].mean() < H8

# %% mystnb={"figure": {"caption": "Training shapes the hidden state to hold exactly the window the task needs."}, "image": {"alt": "Memory curves: held-out r\u00b2 of the linear probe for x_(t\u2212k) against the delay k from 0 to 15, for a network with 8 hidden units before and after training on the task y_t = x_(t\u22126) (mean of 3 seeds; band: their range). The trained curve stays near 1 up to k = 6, marked by a dashed line, then drops to 0 by k = 8; the untrained curve stays near 1 up to k = 3, then sags quickly and keeps falling (0.27 at k = 6)."}}
fig, ax = plt.subplots(figsize=(7, 3.6))
ks = np.arange(16)
for (name, c), col in zip(curves.items(), (C["orange"], C["blue"]), strict=True):
    ax.fill_between(ks, c.min(axis=0), c.max(axis=0), color=col, alpha=0.2, lw=0)
    ax.plot(ks, c.mean(axis=0), marker="o", ms=4, color=col, label=name)
ax.axvline(LAG, color=C["black"], lw=1, ls="--")
ax.annotate(
    "the task's delay, k = 6",
    xy=(LAG, 0.75),
    xytext=(LAG + 2.5, 0.75),
    fontsize=9,
    va="center",
    arrowprops=dict(arrowstyle="->", color=C["black"]),
)
ax.set_xlabel("delay k")
ax.set_ylabel(r"held-out $r^2$ of the probe for $x_{t-k}$")
ax.set_title(r"Memory curves, H = 8, task $y_t = x_{t-6}$ (mean; band: range of 3 seeds)")
ax.legend(loc="center right")
plt.show()

# %% [markdown]
# The trained network's curve is flat near 1 up to the task's delay and then falls off a
# cliff: training has shaped the hidden state to hold exactly the window the output needs.
# The untrained network also holds the most recent inputs well (a random recurrent network
# is already a useful memory, the starting point of Jaeger's *echo state networks*): its $r^2$
# is still 0.96 at $k = 3$. Then the curve sags quickly, to 0.87 at $k = 4$, 0.49 at $k = 5$ and
# 0.27 at the task's delay $k = 6$, and keeps falling. Note what training did *not* do: it did
# not simply increase the memory everywhere. The sum of the curve (the *memory capacity* of
# the next section) grew, from 5.68 to 7.37, close to the 8 that the next section shows to be
# the most 8 units can hold; but remembering beyond $k = 6$ was not rewarded and did not happen.

# %% [markdown]
# ## 5. How much can $h_t$ hold? Memory capacity and the spectral radius (optional)
#
# *This section is optional. It goes beyond the article, into what the literature says about
# how much a hidden state can hold. Section 6 does not need it; exercises 1, 4 and 5 build on it.*
#
# Summing the memory curve over all delays gives one number, the short-term **memory
# capacity** of Jaeger (2001):
#
# $$\mathrm{MC} = \sum_{k \ge 0} r^2\big(x_{t-k},\ \hat x_{t-k}(h_t)\big).$$
#
# (We count from $k = 0$, the input just read.) For an input of independent, identically
# distributed numbers Jaeger showed that $\mathrm{MC} \le N$ for a network of $N$ units; in our
# letters, **MC is at most $H$**, the number of hidden units. The reason in one sentence: the delayed inputs $x_t, x_{t-1}, \dots$ are
# uncorrelated with equal variance, like orthogonal unit vectors, and the squared correlations
# of an $H$-dimensional state with such signals add up to at most $H$, just as orthonormal
# vectors projected onto an $H$-dimensional subspace have squared lengths adding up to at most $H$. The bound can be reached:
# a **shift register** ($D$ with ones just below the diagonal, $W = e_1$, linear units) holds
# exactly $x_t, \dots, x_{t-H+1}$.

# %%
H = 20
u = np.random.default_rng(2).uniform(-1, 1, (4000, 1))
D_shift, W_shift = np.eye(H, k=-1), np.eye(H)[:, :1]
states, h = [], np.zeros(H)
for xt in u:  # linear units: h_t = D h_(t-1) + W x_t, which for
    h = np.concatenate([xt, h[:-1]])  # this D and W moves every value one unit down
    states.append(h)  # and writes x_t into unit 1
curve = memory_curve(np.array(states), u, max_delay=2 * H, washout=50)
mc_shift = memory_capacity(np.array(states), u, max_delay=2 * H, washout=50)
print(
    f"shift register with H = {H}: spectral radius {spectral_radius(D_shift):.1f}, MC = {mc_shift:.3f}"
)
print(
    f"  delays k < {H}: r^2 from {curve[:H].min():.3f} to {curve[:H].max():.3f}, sum {curve[:H].sum():.3f}"
)
print(
    f"  delays k >= {H} (not stored at all): sum {curve[H:].sum():.3f}, the sampling noise of the estimate"
)

# %% [markdown]
# Random networks are another matter. **Experiment** (the echo-state recipe): $H = 20$ tanh
# units, $D$ a random matrix rescaled to spectral radius $\rho$, input weights uniform in
# $[-1, 1]$, an i.i.d. input stream of 1500 steps, probes for $k = 0..40$ fitted on the first
# half after a washout of 100 steps and scored on the second; 3 networks per $\rho$. We drive
# each network at three input strengths, multiplying the input by $10^{-4}$, $0.1$ or $1$.
# **Expected:** MC stays below the line at $H$ everywhere (up to sampling noise). With tiny
# inputs tanh is almost linear, and a linear network with $\rho < 1$ can keep almost $H$
# inputs apart; how close it gets depends on $\rho$. A small $\rho$ shrinks old traces like
# $\rho^k$ until they drown in any small disturbance; $\rho > 1$ makes the network unstable. Strong inputs saturate tanh, which
# mixes the inputs nonlinearly and should cost linear memory.

# %%
rhos = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.4]
scales = [1e-4, 0.1, 1.0]
MC = np.zeros((len(scales), len(rhos), 3))  # (input scale, rho, seed)
for j, rho in enumerate(rhos):
    for seed in range(3):
        net = echo_net(H, rho, seed)
        u = np.random.default_rng(50 + seed).uniform(-1, 1, (1500, 1))
        # tanh(W (s x) + ...) = tanh((s W) x + ...): three input strengths as a batch of three
        Hs, _ = net.forward(np.stack([s * u for s in scales], axis=1))
        for i in range(len(scales)):
            MC[i, j, seed] = memory_capacity(Hs[:, i], u, max_delay=2 * H, washout=100)

# %%
mean_MC, sd_MC = MC.mean(axis=2), MC.std(axis=2, ddof=1)  # (input scale, rho), over 3 networks
print(
    "input scale   largest mean MC   at rho   MC at rho = 0.1   MC at rho = 1.4   largest single MC"
)
for i, s in enumerate(scales):
    mean = MC[i].mean(axis=1)
    j = int(np.argmax(mean))
    print(
        f"{s:<11g} {mean[j]:>13.2f} {rhos[j]:>10} {mean[0]:>14.2f} {mean[-1]:>17.2f} {MC[i].max():>17.2f}"
    )
close = [rho for rho, m in zip(rhos, MC[0].mean(axis=1), strict=True) if m >= H - 0.5]
print(
    f"input scale {scales[0]:g}: mean MC within 0.5 of H = {H} at rho = {', '.join(map(str, close))}"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the points listed below the figure
up_to_1 = [j for j, rho in enumerate(rhos) if rho <= 1]
beyond_1 = [j for j, rho in enumerate(rhos) if rho > 1]
assert mean_MC.max() <= H and MC.max() < H + 0.1  # the bound, up to sampling noise
assert close == [0.7, 0.8, 0.9, 0.95]  # weak input: nearly H below rho = 1
assert np.all(np.diff(mean_MC[:, up_to_1], axis=0) < 0)  # up to rho = 1: stronger input, less MC
assert (
    rhos[int(np.argmax(mean_MC[2]))] == 1.0 and mean_MC[2].max() < 8
)  # full strength: low peak at 1
assert np.all(mean_MC[:, -1] < 6.5)  # rho = 1.4: all three low
assert sd_MC[:, beyond_1].max() > 2  # beyond 1 the networks differ a lot

# %% mystnb={"figure": {"caption": "Memory capacity peaks just below spectral radius 1 and never exceeds the number of hidden units."}, "image": {"alt": "Line chart of memory capacity MC against the spectral radius of D from 0.1 to 1.4, for random 20-unit tanh networks with the input scaled by 0.0001, 0.1 and 1 (mean \u00b1 sample sd of 3), a star for a shift register at \u03c1 = 0 reaching 20, and a dashed line for the bound MC \u2264 H = 20. With the tiny input scale the capacity comes close to the bound for \u03c1 between about 0.7 and 1; larger inputs give lower capacities; beyond \u03c1 = 1 all curves fall and scatter widely."}}
fig, ax = plt.subplots(figsize=(7.5, 4.4))
for i, (s, col) in enumerate(zip(scales, (C["blue"], C["green"], C["vermillion"]), strict=True)):
    ax.errorbar(
        rhos,
        mean_MC[i],
        yerr=sd_MC[i],
        marker="o",
        ms=4,
        capsize=3,
        color=col,
        label=f"tanh, input × {s:g}",
    )
ax.axhline(H, color=C["black"], lw=1.2, ls="--")
ax.text(0.3, H + 0.5, f"bound: MC ≤ H = {H} (Jaeger's N)", fontsize=9)
ax.plot(
    [0], [mc_shift], marker="*", ms=13, color=C["purple"], ls="none", label="shift register (ρ = 0)"
)
ax.set_xlabel(r"spectral radius $\rho(D)$")
ax.set_ylabel("memory capacity MC")
ax.set_ylim(0, H + 2)
ax.set_title("Memory capacity of random 20-unit networks (mean ± sample sd of 3)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, fontsize=9)
plt.show()

# %% [markdown]
# What the figure and the table show, point by point (each point is checked under the table):
#
# - **The bound holds.** Every mean stays at or below $H$. A single network may exceed $H$ by a few
#   hundredths (the table's last column): the sampling noise of a held-out estimate, whose size
#   the shift register showed.
# - **Weak input and $\rho$ somewhat below 1 give almost the full $H$.** With input × 0.0001 the
#   mean is within 0.5 of $H$ from $\rho = 0.7$ to $0.95$. This matches theory: a linear network
#   with a generic random $D$ can reach $H$ (Gonon, Grigoryeva and Ortega, 2020).
# - **A small $\rho$ costs memory.** A trace shrunk by $\rho^k$ soon drowns in tiny disturbances:
#   here the slight curvature of tanh, and at the latest the rounding of float64 (Ballarin et al.,
#   2023, show how such numerical effects distort measured capacities).
# - **Strong input costs memory.** Up to $\rho = 1$, every stronger input gives less capacity at
#   every $\rho$, as expected; at full strength the peak is low and broad, at $\rho = 1$.
# - **$\rho > 1$ costs memory, unevenly.** Past $\rho = 1$ the capacity falls, not steadily, and
#   varies a lot between networks (the long error bars); at $\rho = 1.4$ all three strengths end
#   up low together.
# - **The spectral radius is a knob, not a law.** The star is the shift register: $\rho = 0$ and
#   yet a perfect memory of $H$ steps. For *random* networks $\rho$ is a useful setting; for a
#   designed $D$ it says little.
#
# Put together with section 4: the hidden state of $H$ units is a budget of at most $H$
# "input-steps" of linear memory. A random network spreads it thinly over many delays;
# training spends it where the task needs it.

# %% [markdown]
# ## 6. A trained hidden state, drawn
#
# With two hidden units the whole hidden state is a point $h_t = (h_{t,1}, h_{t,2})$ in the
# plane, and the sequence $h_1, h_2, \dots$ is a path we can draw. We train such a network on
# a tiny memory task, a **flip-flop** (Sussillo and Barak, 2013): the input is mostly 0,
# with occasional pulses $+1$ or $-1$; the output must always show the sign of the *last*
# pulse. The summary of the past the output needs is a single bit. **Expected:** the trained
# network should settle in one of two places in the plane, one per remembered sign, jump
# between them when an opposite pulse arrives, and stay put during the zeros; the untrained
# network should just twitch with each pulse and fall back towards the origin.


# %%
def flipflop(T, N, seed, p=0.15):
    """Pulses of +-1 with probability p per step; target = sign of the last pulse (mask 0 before the first)."""
    rng = np.random.default_rng(seed)
    x = np.where(rng.random((T, N)) < p, rng.choice([-1.0, 1.0], (T, N)), 0.0)
    last = np.zeros((T, N))
    for t in range(T):
        last[t] = np.where(x[t] != 0, x[t], last[t - 1] if t else 0.0)
    return x[..., None], last[..., None], (last != 0).astype(float)


Xf, Yf, Mf = flipflop(40, 64, seed=0)
net2 = rnnlib.ElmanRNN(1, 2, 1, seed=0)
untrained = rnnlib.ElmanRNN(1, 2, 1, seed=0)
hist = rnnlib.fit(net2, Xf, Yf, mask=Mf, epochs=300, optimizer=rnnlib.Adam(lr=0.05), verbose=False)
Xt, Yt, Mt = flipflop(100, 50, seed=1)
_, Yp = net2.forward(Xt)
acc = np.mean((np.sign(Yp) == Yt)[Mt > 0])
print(
    f"loss {hist.loss[0]:.3f} -> {hist.loss[-1]:.5f}; sign of the output correct on "
    f"{100 * acc:.1f}% of {int(Mt.sum())} test steps"
)
print(
    f"trained D has eigenvalues {np.round(np.linalg.eigvals(net2.D).real, 2)}: spectral radius "
    f"{spectral_radius(net2.D):.2f}"
)  # LAPACK: printed to 2 decimals only

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: solved, and one self-exciting direction (spectral radius above 1)
assert acc > 0.99 and spectral_radius(net2.D) > 1

# %% mystnb={"figure": {"caption": "A trained hidden state keeps one bit as two resting points."}, "image": {"alt": "Two scatter plots of the two hidden-state coordinates over 100 steps of the sign-memory task, coloured by the sign of the last pulse (+1 blue, \u22121 orange, no pulse yet grey), with the steps that carry a pulse circled. Left, the untrained network: the states stay in a small cluster near the centre. Right, the trained network: the states sit at two far-apart points, one for each remembered sign, and jump between them when an opposite pulse arrives."}}
xs, ys = Xt[:, 0], Yt[:, 0, 0]  # one test sequence of 100 steps
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharex=True, sharey=True)
for ax, model, name in zip(axes, (untrained, net2), ("untrained", "trained"), strict=True):
    Hs, _ = model.forward(xs)
    ax.plot(Hs[:, 0], Hs[:, 1], color="#bbbbbb", lw=0.8, zorder=1)
    for sign, col, lab in (
        (1, C["blue"], "last pulse +1"),
        (-1, C["vermillion"], "last pulse -1"),
        (0, "#888888", "no pulse yet"),
    ):
        sel = ys == sign
        ax.scatter(Hs[sel, 0], Hs[sel, 1], s=18, color=col, label=lab, zorder=2)
    pulses = xs[:, 0] != 0
    ax.scatter(
        Hs[pulses, 0],
        Hs[pulses, 1],
        s=70,
        facecolors="none",
        edgecolors=C["black"],
        lw=0.8,
        label="step with a pulse",
        zorder=3,
    )
    ax.set_xlabel("$h_{t,1}$")
    ax.set_title(f"{name} network: $h_t$ over 100 steps")
axes[0].set_ylabel("$h_{t,2}$")
axes[0].set_xlim(-1.1, 1.1)
axes[0].set_ylim(-1.1, 1.1)
axes[1].legend(loc="upper left", fontsize=9)
plt.show()

# %% [markdown]
# The right panel shows the trained hidden state doing what the hidden-information view says:
# $h_t$ is a *lossy* summary of the past that keeps what the task needs (Goodfellow et al. 2016,
# ch. 10), here one bit. The points gather in two clusters, one for each remembered sign; a pulse
# (circled) against the stored sign carries the state across to the other cluster, and during
# the zeros it stays. Even before the first pulse (grey) the state drifts from $h_0 = 0$ to a
# cluster: the trained $D$ has spectral radius above 1 (printed above), so near the origin one
# direction is self-exciting and the small thresholds $B$ are enough to push the state out. That
# is the latch of the explorer's $D > 1$ panels, now found by training. The untrained network
# (left, same axes) stays in a small patch, twitches with each pulse and sinks back.

# %% [markdown]
# ## Key takeaways
#
# - In the hidden-information view the hidden layer is a store that starts at $h_0 = 0$ and
#   is rewritten by every input; $h_t = f(W x_t + D h_{t-1} + B)$ is its update rule, and the
#   output is read from the store alone.
# - The hidden layer is the $H$ units and their weights; the hidden state $h_t$ is what they hold
#   at step $t$. In probability terms the view says $P(x_{t+1} \mid x_1, \dots, x_t) \approx P(x_{t+1} \mid h_t)$.
# - $h_t$ depends on every earlier input. With $\rho(D) < 1$ the trace of an old input fades
#   geometrically (about $\rho^k$ or faster). $\rho(D) > 1$ amplifies small differences only near
#   rest: driven by strong inputs, the tanh slopes bring the effective gain below 1, and the
#   trace fades slowly (measured: 0.969 per step at $\rho = 1.5$).
# - One linear unit is an exponential moving average: $h_t = \sum_k D^k W x_{t-k}$. $D$ weighs
#   the history, $W$ the newest input; $W = 1 - D$ gives the textbook EMA. A tanh unit behaves
#   this way for small inputs, and latches a bit when $D > 1$.
# - Linear probes measure what $h_t$ holds: the held-out $r^2$ of decoding $x_{t-k}$, against $k$,
#   is the memory curve. Training shapes it to the window the task needs.
# - The memory capacity $\sum_k r^2$ of $H$ units is at most $H$ for i.i.d. inputs (Jaeger).
#   Random networks come closest with small inputs and $\rho(D)$ somewhat below 1 (0.7 to 0.95
#   in our measurement); strong inputs, a small $\rho$ or $\rho > 1$ lose capacity. A shift
#   register reaches $H$ with $\rho = 0$.
# - Probes are scored on steps they were not fitted on: scored on their own fitting steps they
#   find a little of every delayed input by chance, and the memory looks larger than it is.

# %% [markdown]
# ## Exercises
#
# **1. (Conceptual and coding) Many units, one memory.** Take a *linear* network with
# $D = \rho\,\mathrm{Id}$ (the identity matrix times $\rho$: the same self-weight on every unit, no
# coupling; the letter $I$ stays the number of inputs) and any $W$. Why is its memory
# capacity about 1, whatever the number of units $H$? Check for $H = 1, 4, 16$ with $\rho = 0.8$.
#
# <details>
# <summary>Solution</summary>
#
# With $D = \rho\,\mathrm{Id}$ every unit computes $h_{t,j} = W_j s_t$ with the same scalar
# $s_t = \sum_k \rho^k x_{t-k}$: all units are copies of one number, so a probe can use only
# $s_t$. For i.i.d. inputs, $r^2(x_{t-k}, s_t) = \rho^{2k}(1 - \rho^2)$, and these sum to 1
# over $k$. More units only help when they hold *different* mixtures of the past: units
# with different self-weights (different time constants) already do, and so does a $D$ that
# couples the units. The exact condition for a linear network is that the matrix
# $[W, DW, D^2W, \dots, D^{H-1}W]$ has full rank $H$ (Gonon et al., 2020). The last lines
# check that four uncoupled units with different self-weights hold far more than one.
#
# ```python
# import numpy as np
# from rnnlib.probes import memory_capacity, memory_curve
#
# rng = np.random.default_rng(0)
# x = rng.uniform(-1, 1, 5000)
# rho = 0.8
# for H in (1, 4, 16):
#     W, h, states = rng.normal(size=H), np.zeros(H), []
#     for xt in x:
#         h = rho * h + W * xt
#         states.append(h.copy())
#     states = np.array(states)
#     mc = memory_capacity(states, x, max_delay=40, washout=50)
#     assert abs(mc - 1.0) < 0.05, (H, mc)
#     curve = memory_curve(states, x, max_delay=5, washout=50)
#     assert np.allclose(curve, rho ** (2 * np.arange(6)) * (1 - rho**2), atol=0.03)
#
# self_weights, h, states = np.array([0.2, 0.5, 0.7, 0.9]), np.zeros(4), []
# for xt in x:                                  # D = diag(self_weights), W = (1, 1, 1, 1)
#     h = self_weights * h + xt
#     states.append(h.copy())
# assert memory_capacity(np.array(states), x, max_delay=40, washout=50) > 3
# ```
#
# </details>
#
# **2. (Coding) A unit with a given half-life.** Which $D$ makes the weight of $x_{t-k}$ in an
# EMA unit halve every 10 steps? Check it with `unit_response` on a single impulse.
#
# <details>
# <summary>Solution</summary>
#
# The weight of $x_{t-k}$ is $(1 - D) D^k$, so halving every 10 steps means $D^{10} = 1/2$,
# $D = 2^{-1/10} \approx 0.933$. Feeding an impulse $x_1 = 1$ (then zeros) shows the weights
# directly: $h_{1+k} = (1 - D) D^k$.
#
# ```python
# import numpy as np
# from rnnlib.explorer import unit_response
#
# D = 0.5 ** (1 / 10)
# impulse = np.zeros(41)
# impulse[0] = 1.0
# h = unit_response(impulse, W=1 - D, D=D, B=0.0, activation="linear")
# assert np.isclose(h[10] / h[0], 0.5) and np.isclose(h[40] / h[0], 1 / 16)
# assert np.allclose(h, (1 - D) * D ** np.arange(41))
# print(f"D = {D:.4f}")
# ```
#
# </details>
#
# **3. (Coding) The perturbation formula.** For a linear network, check that changing $x_1$
# by $\varepsilon$ changes $h_t$ by exactly $D^{t-1} W \varepsilon$, and that for large $t$
# the size of the change shrinks by about $\rho(D)$ per step.
#
# <details>
# <summary>Solution</summary>
#
# ```python
# import numpy as np
# from rnnlib.linalg import scale_spectral_radius
#
# rng = np.random.default_rng(0)
# H, T, eps = 6, 80, 1e-3
# D = scale_spectral_radius(rng.normal(size=(H, H)), 0.9)
# W = rng.normal(size=H)
# x = rng.normal(size=T)
#
# def run(x):
#     h, out = np.zeros(H), []
#     for xt in x:
#         h = D @ h + W * xt
#         out.append(h)
#     return np.array(out)
#
# x2 = x.copy()
# x2[0] += eps
# dh = run(x2) - run(x)
# for t in (1, 5, 30):
#     assert np.allclose(dh[t - 1], np.linalg.matrix_power(D, t - 1) @ W * eps, atol=1e-15)
# norms = np.linalg.norm(dh, axis=1)
# shrink = (norms[-1] / norms[-21]) ** (1 / 20)   # average factor per step over the last 20 steps
# assert abs(shrink - 0.9) < 0.01
# print(f"size of the change shrinks by {shrink:.4f} per step; rho(D) = 0.9")
# ```
#
# The factor is averaged over 20 steps because, if the largest eigenvalues of $D$ were a
# complex pair, the step-to-step ratio would oscillate around $\rho$.
#
# </details>
#
# **4. (Conceptual and coding) Is the spectral radius everything?** The shift register of
# section 5 has $\rho(D) = 0$ and the largest possible memory. Why can `scale_spectral_radius`
# not help design it, and what happens to its memory if a little of each unit's own value is
# kept, $D = $ shift $+\, 0.5\,\mathrm{Id}$?
#
# <details>
# <summary>Solution</summary>
#
# All eigenvalues of a shift matrix are 0 (it is nilpotent: $D^H = 0$), so there is no radius
# to rescale and `scale_spectral_radius` refuses it. Adding $0.5\,\mathrm{Id}$ gives $\rho = 0.5$, but
# the units now hold blurred, overlapping mixtures of past inputs. The capacity is still most
# of $H$, but it is spread over many more than $H$ delays: the recent inputs stay sharp,
# and older ones, which the shift register forgot completely after $H$ steps, can now be
# read partly.
#
# ```python
# import numpy as np
# from rnnlib.linalg import scale_spectral_radius, spectral_radius
# from rnnlib.probes import memory_capacity, memory_curve
#
# H = 8
# shift = np.eye(H, k=-1)
# try:
#     scale_spectral_radius(shift, 0.9)
#     raise AssertionError("should have refused a nilpotent D")
# except ValueError as err:
#     assert "spectral radius 0" in str(err)
#
# x = np.random.default_rng(0).uniform(-1, 1, 4000)
# def states(D):
#     h, out = np.zeros(H), []
#     for xt in x:
#         h = D @ h
#         h[0] += xt            # W = e_1
#         out.append(h.copy())
#     return np.array(out)
#
# blur = shift + 0.5 * np.eye(H)
# assert abs(spectral_radius(blur) - 0.5) < 0.02
# S_shift, S_blur = states(shift), states(blur)
# mc_shift = memory_capacity(S_shift, x, max_delay=3 * H, washout=50)
# mc_blur = memory_capacity(S_blur, x, max_delay=3 * H, washout=50)
# assert abs(mc_shift - H) < 0.1 and 0.8 * H < mc_blur <= H + 0.1
# far = H + 2                                   # a delay beyond the register's length
# assert memory_curve(S_shift, x, far, washout=50)[far] < 0.02
# assert memory_curve(S_blur, x, far, washout=50)[far] > 0.1
# print(f"MC shift register {mc_shift:.2f}, blurred {mc_blur:.2f}")
# ```
#
# </details>
#
# **5. (Conceptual and coding) Why score the probes on held-out steps?** Give the probes
# "hidden states" that know nothing about the input: $H = 20$ columns of random numbers,
# drawn independently of a random input stream of 1000 steps. Predict the memory capacity
# over the delays $k = 0..40$ if each probe is scored on the same steps it was fitted on,
# then measure it, and compare with `memory_capacity`, which scores on held-out steps.
#
# <details>
# <summary>Solution</summary>
#
# The true answer is 0: these states hold nothing. Scored on its own fitting steps, a
# least-squares probe with $H$ weights and a bias explains about $H/n$ of a target's variance
# by chance, for $n$ fitting steps; here $n = 960$ (the 1000 steps minus the 40 that have no
# $x_{t-40}$), so each of the 41 delays gets about $20/960$ and the sum is about $41 \cdot 20/960
# \approx 0.85$, although nothing is remembered. On held-out steps the fitted weights are
# just noise, and each delay scores only about $1/n_\text{test}$ (the chance squared
# correlation of two unrelated series), so the sum stays near 0. With many delays and few
# steps the in-sample bias would grow past anything a network can really hold, which is why
# the chapter (like Jaeger) scores on a separate stretch.
#
# ```python
# import numpy as np
# from rnnlib.probes import delayed_inputs, fit_probe, memory_capacity, squared_correlation
#
# rng = np.random.default_rng(0)
# H, T, K = 20, 1000, 40
# u = rng.uniform(-1, 1, T)
# states = rng.normal(size=(T, H))              # independent of u: no memory at all
# targets = delayed_inputs(u[:, None], K, K)[:, 0]   # (T - K, K + 1): x_{t-k} for t >= K
# S = states[K:]
# probe = fit_probe(S, targets)                  # one probe per delay, fitted on all steps
# in_sample = squared_correlation(targets, probe.predict(S)).sum()
# held_out = memory_capacity(states, u, max_delay=K)
# expected = (K + 1) * H / (T - K)
# print(f"in-sample 'MC' {in_sample:.2f} (about {expected:.2f} expected), held-out MC {held_out:.2f}")
# assert abs(in_sample - expected) < 0.3 and held_out < 0.25
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. Section 02, the second interpretation (the hidden-information view): the source this chapter follows.
# 2. H. Jaeger, “Short term memory in echo state networks,” GMD Report 152, German National Research Center for Information Technology, 2001 (revised 2002). Memory capacity and the bound MC ≤ N.
# 3. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 4. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016. Chapter 10, “Sequence Modeling: Recurrent and Recursive Nets” ([www.deeplearningbook.org](https://www.deeplearningbook.org/)); section 10.7 on long-term dependencies and section 10.8 on echo state networks.
# 5. L. Gonon, L. Grigoryeva and J.-P. Ortega, “Memory and forecasting capacities of nonlinear recurrent networks,” *Physica D*, 414, 132721, 2020, [doi:10.1016/j.physd.2020.132721](https://doi.org/10.1016/j.physd.2020.132721) ([arXiv:2004.11234](https://arxiv.org/abs/2004.11234)).
# 6. G. Ballarin, L. Grigoryeva and J.-P. Ortega, “Memory of recurrent networks: Do we compute it right?,” [arXiv:2305.01457](https://arxiv.org/abs/2305.01457), 2023 (revised 2024). Linear networks: why measured capacities fall short of the theoretical value for purely numerical reasons.
# 7. D. Sussillo and O. Barak, “Opening the black box: low-dimensional dynamics in high-dimensional recurrent neural networks,” *Neural Computation*, 25(3), 626–649, 2013. [doi:10.1162/NECO_a_00409](https://doi.org/10.1162/NECO_a_00409)
# 8. G. Alain and Y. Bengio, “Understanding intermediate layers using linear classifier probes,” [arXiv:1610.01644](https://arxiv.org/abs/1610.01644), 2016.
# 9. A. Zhang, Z. C. Lipton, M. Li and A. J. Smola, *Dive into Deep Learning*, Cambridge University Press, 2023. Section 9.4, “Recurrent Neural Networks”: the approximation P(x_t | x_(t-1), ..., x_1) ≈ P(x_t | h_(t-1)), and hidden layers versus hidden states ([d2l.ai](https://d2l.ai/)).

# %% [markdown]
# [← 03. The input view](03_input_view.ipynb) | [05. Training by BPTT →](05_training_bptt.ipynb)
