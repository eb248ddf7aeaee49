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
# # 03. The input view: why feed back the hidden layer?
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F03_input_view.ipynb)
#
# The article offers two ways to understand the basic RNN. This chapter takes the first,
# the *input-information view*, which is also the historical one: it is the reason Elman
# gave for building the network the way he did. We turn that reason into an experiment. Three
# small networks that differ only in what they carry from one step to the next are trained
# on tasks that need memory, and we check whether the one that feeds back its hidden layer
# really does better than the one that feeds back its output.
# Short definitions of the terms used here are in the introduction (see the [glossary](00_introduction.ipynb#Glossary)).
#
# **What you will learn**
#
# - Elman's argument: a sequence model should combine the current input with information from
#   the previous step, and the hidden layer is a better carrier of that information than the output;
# - the Jordan network (output fed back) and a feed-forward network (nothing fed back), written in
#   a few lines of numpy and available as `rnnlib.baselines.JordanRNN` and `FeedForward`;
# - three bit-stream tasks that need memory, and how to work out in advance which model *can* solve which;
# - the measured result over several seeds, and why it comes out the way it does: the output is a
#   summary shaped by the task, the hidden layer is not;
# - how a linear probe (chapter 04's tool) shows the difference: what each network passes on to the
#   next step, read out as the previous input bits.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb). Training with `rnnlib.fit` is used as a
# tool here and explained in [05. Training by BPTT](05_training_bptt.ipynb); binary cross-entropy is enough to know by name.
#
# **Time to read:** about 35 minutes.

# %%
import numpy as np

import rnnlib
from rnnlib import diagrams, plotting, tasks
from rnnlib.activations import sigmoid
from rnnlib.baselines import FeedForward, JordanRNN
from rnnlib.probes import memory_curve

plt = plotting.use_style()
C = plotting.PALETTE

# %% [markdown]
# ## 1. Elman's question: what should the network look at?
#
# A network that predicts a sequence works one step at a time. At step $t$ it has the current
# input $x_t$, and that is rarely enough: what comes next usually depends on what came before.
# So the article's first interpretation says, following Elman's own motivation, that the network
# should use **the current input plus information from the previous step**. The question is which
# information. Two answers were on the table around 1990:
#
# - **Jordan (1986)** fed the previous **output** back into the network. The output is what the
#   network said last time; feeding it back lets the network continue its own sequence.
# - **Elman (1990)** fed the previous **hidden layer** (隐层) back instead, as an extra block of
#   input called the *delayed input* (延迟输入). The article's reason: the hidden nodes make the
#   information *more raw* (更加原始; this book says "more raw" throughout). The output is the end
#   product of a step, squeezed into the form the task asks for; the hidden layer is what the
#   network computed on the way, before that squeezing.
#
# The article also judges this reading itself: it is relatively primitive and direct, pointing
# straight at the inputs each step of the network takes into account, the current $x_t$ and the
# delayed input. (Chapter 04 takes the article's second reading, which grew up later and looks
# at the hidden layer as a store.)
#
# Written out, with the same symbols for all three models (W, D, B, V, c as in chapter 02,
# $f = \tanh$, $\sigma$ the logistic function):
#
# | model | hidden layer | output | fed back to step $t+1$ |
# |---|---|---|---|
# | feed-forward | $h_t = f(W x_t + B)$ | $y_t = V h_t + c$ | nothing |
# | Jordan | $h_t = f(W x_t + D\, s_{t-1} + B)$ | $y_t = V h_t + c$ | $s_t = \sigma(y_t)$, with $s_0 = 0$ |
# | Elman (basic RNN) | $h_t = f(W x_t + D\, h_{t-1} + B)$ | $y_t = V h_t + c$ | $h_t$, with $h_0 = 0$ |
#
# The feed-forward network is the basic RNN with $D$ removed: one 3-layer BP network applied to
# every step on its own. In the Jordan network $D$ has shape $(H, O)$ instead of $(H, H)$,
# because it weighs an output, not a hidden layer. The drawings show the only difference
# between the two recurrent networks: where the orange delayed-input arrow starts. In the
# Jordan network it starts at $s_{t-1} = \sigma(y_{t-1})$, drawn between the steps.

# %% mystnb={"figure": {"caption": "The two candidates: feed back the output (Jordan) or the hidden layer (Elman)."}, "image": {"alt": "Two network diagrams unrolled over three time steps. Left, Jordan (1986): each output y_t passes through the sigmoid to s_t, drawn between the steps, and s_t is fed back through D into the next hidden layer, starting from s0 = 0. Right, Elman (1990): each hidden state h_t is fed back through D, starting from h0 = 0."}}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), width_ratios=[1.1, 1])
diagrams.draw_unrolled(
    3,
    ax=axes[0],
    feedback="output",
    squash="sigmoid",
    title="Jordan (1986): the output is fed back",
)
diagrams.draw_unrolled(
    3, ax=axes[1], feedback="hidden", title="Elman (1990): the hidden layer is fed back"
)
plt.show()

# %% [markdown]
# **What exactly is fed back in the Jordan network.** Every model outputs a logit $y_t$ whose
# sigmoid $\sigma(y_t)$ is the predicted probability that the target bit is 1. The Jordan network
# feeds back that probability, $s_t = \sigma(y_t)$, from $s_0 = 0$ (the drawing's orange nodes):
# its own answer, right or wrong, never the *true* previous target. Feeding back the true target
# (*teacher forcing*, Goodfellow et al. 2016, §10.2.1) is a legitimate way to train such networks,
# but then the memory comes from the data: a feed-forward network given the true previous target
# solves running parity (exercise 2). We want to know what each network can carry by itself.
# `JordanRNN(..., feedback="sigmoid")` implements this choice (`feedback="identity"` would feed
# back $y_t$ itself). Jordan's 1986 state units also fed back to themselves; we leave that out, as
# Goodfellow et al. do, so that the output is the *only* path from one step to the next.
#
# ## 2. The three models in a few lines of numpy
#
# One step of each model is one line of numpy. Here is the Jordan network run over a short
# sequence by hand, next to `rnnlib.baselines.JordanRNN`, which has the same interface as
# `rnnlib.ElmanRNN` (so `rnnlib.fit` can train it):

# %%
jordan = JordanRNN(1, 3, 1, feedback="sigmoid", seed=0)
p = jordan.params
W, D, B, V, c = p["W"], p["D"], p["B"], p["V"], p["c"]
x_seq = np.array([[1.0], [0.0], [1.0], [1.0]])

s = np.zeros(1)  # s_0 = 0
by_hand = []
for x in x_seq:
    h = np.tanh(W @ x + D @ s + B)  # the previous *output* enters through D
    y = V @ h + c
    s = sigmoid(y)  # what the next step will see
    by_hand.append(y)

_, Y = jordan.forward(x_seq)
print("shapes: W", W.shape, " D", D.shape, " V", V.shape)
print("by hand:", " ".join(f"{y[0]:+.4f}" for y in by_hand))
print("rnnlib: ", " ".join(f"{y:+.4f}" for y in Y[:, 0]))
print("identical:", np.allclose(np.array(by_hand), Y, rtol=1e-12, atol=1e-12))

# %% [markdown]
# The Elman step differs in one symbol ($D\,h_{t-1}$ instead of $D\,s_{t-1}$), the feed-forward step
# drops that term. For a fair race we give all three the same hidden layer, $H = 8$ tanh units.
# Their parameter counts then differ only in the recurrent weight $D$: none for the feed-forward
# network, $8 \times 1$ for the Jordan network (one fed-back number reaches eight hidden units) and
# $8 \times 8$ for the Elman network. Whether the Elman network's larger count is what makes the
# difference is the subject of exercise 5.

# %%
H = 8
MODELS = {
    "feed-forward": lambda seed: FeedForward(1, H, 1, seed=seed),
    "Jordan": lambda seed: JordanRNN(1, H, 1, feedback="sigmoid", seed=seed),
    "Elman": lambda seed: rnnlib.ElmanRNN(1, H, 1, seed=seed),
}
for name, make in MODELS.items():
    net = make(0)
    shapes = ", ".join(f"{k} {v.shape}" for k, v in net.params.items())
    print(f"{name:>12}: {net.n_params:3d} parameters   {shapes}")

# %% [markdown]
# Backpropagation through time works for the Jordan network too; the error now flows back
# through the fed-back output $s_{t-1}$ instead of through $h_{t-1}$ (chapter 05 derives BPTT
# for the Elman network). `rnnlib.check_gradients` compares the gradients with finite
# differences, as it does for `ElmanRNN`:

# %%
X_check = np.random.default_rng(0).integers(0, 2, size=(6, 3, 1))
for name, make in MODELS.items():
    errors = rnnlib.check_gradients(make(1), X_check)
    print(f"{name:>12}: largest relative error below 1e-6: {max(errors.values()) < 1e-6}")

# %% [markdown]
# ## 3. Tasks that need memory
#
# Every task reads a stream of random fair bits $x_1, x_2, \dots, x_T$, one bit per step, and asks
# for one bit per step (`rnnlib.tasks` generates them, seeded and time-major):
#
# - **XOR with the previous bit**: $z_t = x_t \oplus x_{t-1}$. Neither bit alone says anything
#   about $z_t$; the network must hold $x_{t-1}$ for one step.
# - **The bit two steps back**: $x_{t-2}$. The network must hold two bits and pass them along.
# - **Running parity** (the control): $p_t = x_1 \oplus x_2 \oplus \dots \oplus x_t$. It depends on
#   the *whole* past, and yet $p_t = x_t \oplus p_{t-1}$: the previous answer is a complete summary.
#
# At steps where the target looks back before the start of the stream ($t = 1$ for XOR, $t \le 2$
# for $x_{t-2}$) it is undefined; each generator returns a `mask` that is 0 there, and the loss and
# the accuracy skip those steps. One stream, with masked steps shown as `·`:

# %%
T_demo = 16
X_demo, z_demo, m_xor = tasks.xor_previous(T_demo, 1, seed=7)
_, d_demo, m_d2 = tasks.delayed_bit(T_demo, 1, k=2, seed=7)  # same seed: same bits
_, p_demo, _ = tasks.running_parity(T_demo, 1, seed=7)


def row(bits, mask=None):
    mask = np.ones(len(bits)) if mask is None else mask
    return " ".join(str(int(b)) if m else "·" for b, m in zip(bits, mask, strict=True))


print(f"{'t':>14}  " + " ".join(f"{t % 10}" for t in range(1, T_demo + 1)))
print(f"{'input x_t':>14}  " + row(X_demo[:, 0, 0]))
print(f"{'XOR z_t':>14}  " + row(z_demo[:, 0, 0], m_xor[:, 0]))
print(f"{'x_(t-2)':>14}  " + row(d_demo[:, 0, 0], m_d2[:, 0]))
print(f"{'parity p_t':>14}  " + row(p_demo[:, 0, 0]))

# %% [markdown]
# ### What can each model know, at best?
#
# Before training anything we can work out what each model could achieve *if it were perfect*.
# The feed-forward network sees only $x_t$. A Jordan network whose every answer is right and
# confident sees $x_t$ and the true previous target. The best any rule can do with given
# information is to predict, for each combination of what it sees, the target that is most
# frequent for that combination. `tasks.best_rule_accuracy` counts this; on a long stream:

# %%
best_accuracy = tasks.best_rule_accuracy

TASKS = {
    "XOR z_t": tasks.xor_previous,
    "x_(t-2)": lambda T, N, seed: tasks.delayed_bit(T, N, k=2, seed=seed),
    "parity p_t": tasks.running_parity,
}
print(f"{'task':>10}   x_t only   x_t and the true previous target")
best = {}
for task, make_data in TASKS.items():
    X, target, mask = make_data(20, 5000, seed=0)
    previous = np.concatenate([np.zeros_like(target[:1]), target[:-1]])
    prev_mask = mask * np.concatenate([np.zeros_like(mask[:1]), mask[:-1]])  # both defined
    best[task] = (
        best_accuracy(X, target, mask),
        best_accuracy(np.concatenate([X, previous], -1), target, prev_mask),
    )
    print(f"{task:>10}   {best[task][0]:8.3f}   {best[task][1]:8.3f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: XOR and x_(t-2) a coin toss either way; parity: the true previous target is all one needs
for task in ("XOR z_t", "x_(t-2)"):
    assert abs(best[task][0] - 0.5) < 0.01
    assert abs(best[task][1] - 0.5) < 0.01
assert best["parity p_t"][1] == 1.0
assert 0.5 < best["parity p_t"][0] < 0.55  # 0.525 in theory: step 1

# %% [markdown]
# For XOR, the previous answer $z_{t-1} = x_{t-1} \oplus x_{t-2}$ tells nothing about $x_{t-1}$: for
# fair random bits the two are independent, so even a perfect previous answer leaves the next
# one a coin toss. The same holds for $x_{t-2}$: the previous answer is $x_{t-3}$, and the bit
# needed now, $x_{t-2}$, is a different, independent coin. For parity the previous answer is exactly
# what is needed. (Seeing $x_t$ alone is slightly better than chance for parity only because of the
# first step, where $p_1 = x_1$: one step in 20 is certain, which gives 0.525 in theory.) The Elman network is not limited by this table: its hidden
# layer is not tied to any target, so training can make it hold $x_{t-1}$, or $x_{t-1}$ and
# $x_{t-2}$, or the running parity, whatever the task needs.
#
# One caveat belongs here, before any training. The table assumes that what the Jordan network
# feeds back is its *answer*. Its output is a real number, though, and a real number can carry more
# than a right-or-wrong answer: an unsure 0.6 and a sure 0.95 say the same bit but are different
# signals. Exercise 4 builds a Jordan network that solves XOR this way, at the price of never being
# very sure. Whether training finds such tricks is one of the things the experiment can show.
#
# ## 4. The experiment
#
# **Expected outcome** (stated before running). From the table above:
#
# - the **feed-forward** network stays at chance (0.5) on all three tasks;
# - the **Jordan** network stays at chance on XOR and on $x_{t-2}$ (as long as its output stays an
#   answer, the caveat above), and solves running parity;
# - the **Elman** network solves all three.
#
# **Set-up.** Every model has $H = 8$ tanh hidden units and one output, read as a logit.
# Streams have $T = 20$ steps; each run trains on 128 streams and is scored on 256 new streams
# it has never seen. The loss is binary cross-entropy on the unmasked steps
# (`rnnlib.fit(..., loss="bce", mask=mask)`), minimised with Adam (learning rate 0.03,
# mini-batches of 64 streams, 180 passes over the data, i.e. 360 updates).
# Each of 5 seeds draws new initial weights *and* new training and test streams. Same
# budget, same data, same optimiser for all three models: only the feedback differs.
#
# ### Trained side by side
#
# That makes 15 runs (3 tasks × 5 seeds) per model. Networks this small are cheap to compute,
# so training them one after another would spend most of its time on the overhead of each
# call. `rnnlib.fit` therefore also accepts a *list* of networks of the same kind and size and
# trains them **side by side**: it stacks their parameters along a new axis and updates them
# together, as one computation. Each network keeps its own data, shuffling seed and optimiser
# statistics, and every sum is computed in the same order as for a network on its own, so each
# network ends exactly, bit for bit, **as if it had been trained alone** (rnnlib's tests check
# this). Side-by-side training changes the speed, never the result. Here each model takes one
# `fit` call for its 15 runs; later chapters train their seeds the same way.

# %%
T, N_TRAIN, N_TEST, SEEDS = 20, 128, 256, range(5)
RUNS = [(task, seed) for task in TASKS for seed in SEEDS]  # 15 runs per model
train = {(task, seed): TASKS[task](T, N_TRAIN, seed=100 + seed) for task, seed in RUNS}
test = {(task, seed): TASKS[task](T, N_TEST, seed=200 + seed) for task, seed in RUNS}
accuracy, test_loss, trained = {}, {}, {}
for model, make in MODELS.items():
    nets = [make(seed) for task, seed in RUNS]
    rnnlib.fit(
        nets,
        [train[run][0] for run in RUNS],
        [train[run][1] for run in RUNS],
        mask=[train[run][2] for run in RUNS],
        seed=[seed for task, seed in RUNS],
        loss="bce",
        optimizer=rnnlib.Adam(lr=0.03),
        epochs=180,
        batch_size=64,
        verbose=False,
    )
    for (task, seed), net in zip(RUNS, nets, strict=True):
        X_test, target_test, mask_test = test[task, seed]
        Y_test = net.forward(X_test)[1]
        accuracy[task, model, seed] = tasks.accuracy(Y_test, target_test, mask_test)
        test_loss[task, model, seed] = rnnlib.bce_with_logits(Y_test, target_test, mask_test)[0]
        trained[task, model, seed] = net

# %% [markdown]
# Test accuracy over the 5 seeds: mean ± sample standard deviation (the $n - 1$ form,
# `ddof=1`), the range, and in how many seeds the model solved the task (test accuracy of at
# least 0.95). The checks under the table are the claims the text below makes about it.

# %%
XOR, X2, PARITY = TASKS
acc, loss, solved = {}, {}, {}
for task in TASKS:
    for model in MODELS:
        acc[task, model] = np.array([accuracy[task, model, s] for s in SEEDS])
        loss[task, model] = np.mean([test_loss[task, model, s] for s in SEEDS])
        solved[task, model] = int(np.sum(acc[task, model] >= 0.95))

print(f"{'task':>10} | " + " | ".join(f"{m:^32}" for m in MODELS))
print("-" * 11 + "+" + "+".join("-" * 34 for _ in MODELS))
for task in TASKS:
    cells = []
    for model in MODELS:
        a = acc[task, model]
        cells.append(
            f"{a.mean():.3f} ± {a.std(ddof=1):.3f} [{a.min():.2f}, {a.max():.2f}] {solved[task, model]}/{len(a)}"
        )
    print(f"{task:>10} | " + " | ".join(f"{c:^32}" for c in cells))
LN2 = np.log(2)  # the cross-entropy of always answering 0.5
print(f"\nmean test cross-entropy (always answering 0.5 gives ln 2 = {LN2:.3f}):")
for task in TASKS:
    print(f"{task:>10} | " + " | ".join(f"{loss[task, model]:^32.3f}" for model in MODELS))

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the claims of "What was measured" below
for (
    task
) in TASKS:  # feed-forward: at chance everywhere (no seed more than 0.05 from 0.5), nothing solved
    assert solved[task, "feed-forward"] == 0
    assert np.all(abs(acc[task, "feed-forward"] - 0.5) < 0.05)
    assert solved[task, "Elman"] == 5  # Elman: every task in every seed
assert np.all(acc[XOR, "Elman"] == 1.0) and np.all(acc[X2, "Elman"] == 1.0)
assert acc[PARITY, "Elman"].min() < 1.0
# Jordan: parity in every seed, with a lower test loss than Elman; no seed on XOR or x_(t-2) ...
assert solved[PARITY, "Jordan"] == 5 and loss[PARITY, "Jordan"] < loss[PARITY, "Elman"]
assert solved[XOR, "Jordan"] == solved[X2, "Jordan"] == 0
assert acc[XOR, "Jordan"].mean() < 0.55 and acc[X2, "Jordan"].mean() < 0.55
assert (
    acc[XOR, "Jordan"].max() > 0.6 and acc[X2, "Jordan"].max() > 0.6
)  # ... but one seed each above chance
assert loss[XOR, "Jordan"] < LN2 - 0.1  # XOR: loss well below ln 2
assert LN2 - 0.05 < loss[X2, "Jordan"] < LN2  # x_(t-2): only a little below

# %% mystnb={"figure": {"caption": "Only the network that feeds back its hidden layer solves both memory tasks; for parity, feeding back the output is enough."}, "image": {"alt": "Bar chart of test accuracy, mean of 5 seeds with one dot per seed, for the feed-forward net, the Jordan network and the Elman network on three tasks, with chance (0.5) as a dashed line. On the XOR of the current and previous bit and on recalling the bit two steps back, feed-forward and Jordan stay near chance while Elman reaches accuracy 1. On running parity, the control, Jordan and Elman both reach about 1 and feed-forward stays at chance."}}
fig, ax = plt.subplots(figsize=(8, 4))
colours = {"feed-forward": C["sky"], "Jordan": C["orange"], "Elman": C["blue"]}
width = 0.26
for i, model in enumerate(MODELS):
    for j, task in enumerate(TASKS):
        a = np.array([accuracy[task, model, s] for s in SEEDS])
        xpos = j + (i - 1) * width
        ax.bar(xpos, a.mean(), width * 0.92, color=colours[model], label=model if j == 0 else None)
        ax.plot(
            np.full(len(a), xpos) + np.linspace(-0.06, 0.06, len(a)),
            a,
            "o",
            ms=4,
            color="black",
            alpha=0.7,
            label="one seed" if (i, j) == (0, 0) else None,
        )
ax.axhline(0.5, color=C["vermillion"], ls="--", lw=1.5, label="chance (0.5)")
labels = [
    r"XOR $z_t = x_t \oplus x_{t-1}$",
    r"two steps back $x_{t-2}$",
    r"running parity $p_t$ (control)",
]
ax.set_xticks(range(len(TASKS)), labels)
ax.set_ylim(0, 1.05)
ax.set_ylabel("test accuracy")
ax.set_title(f"Which feedback solves which task ({len(SEEDS)} seeds, bars = mean)")
ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.show()

# %% [markdown]
# **What was measured, against the expectation.**
#
# - The **feed-forward** network is at chance on all three tasks, as expected: no seed is further
#   than 0.05 from 0.5. Its small excess on parity is the first step ($p_1 = x_1$), the same excess
#   as in the "best rule" table.
# - The **Elman** network solves all three, as expected: XOR and $x_{t-2}$ perfectly in every seed,
#   running parity in every seed but not always perfectly (the range in the table shows the weakest seed).
# - The **Jordan** network solves the control task, running parity, in every seed, and with a lower
#   test loss than the Elman network. On XOR and $x_{t-2}$ no seed solved either task (0/5) and
#   the means are close to 0.5, but "at chance" was too strong in detail: one seed on each is
#   clearly above chance (the maxima, 0.61 and 0.63), and on XOR the mean test loss (0.514) is well
#   below the ln 2 = 0.693 of always answering 0.5. So on XOR the Jordan networks learned
#   *something*, through the caveat of section 3; section 5 shows what.
#
# ## 5. Why: the hidden layer is the more raw information
#
# The "best rule" table of section 3 already holds the main reason. A Jordan network can only
# remember what its output says, and training makes the output say the target: a *compressed,
# task-shaped* summary of the past. For running parity it is exactly the summary the next step
# needs, and easy to learn, since every step's target says what to store (the Elman network must
# discover that by itself, and its parity results are slightly weaker). For XOR and $x_{t-2}$ the
# summary throws away exactly the bit the next step needs. That is the article's point in concrete
# form: the hidden layer, which no target pins down, is the more raw information.
#
# What, then, did the Jordan networks learn on XOR? Below, for every trained Jordan network, the
# mean fed-back value $s_t = \sigma(y_t)$ on the test streams for each of the four combinations of
# the previous bit and $x_t$. A pure, confident answer would put its points on the black crosses;
# a network that gave up would lie flat on the dashed line at 0.5.


# %%
def by_pattern(values, X, prev_bits):
    """Mean of values (T, N) over the steps t >= 2 with each combination (previous bit, x_t): 4 numbers."""
    a, b = prev_bits[1:, :, 0].astype(int), X[1:, :, 0].astype(int)
    return [values[1:][(a == i) & (b == j)].mean() for i in (0, 1) for j in (0, 1)]


def shift(bits):
    """The previous bit at every step (the first step gets its own bit; it is never used)."""
    return np.concatenate([bits[:1], bits[:-1]])


fed_back = {}  # (task, seed) -> mean s_t for the four combinations
for task in (XOR, PARITY):
    for seed in SEEDS:
        X_test, target_test, _ = test[task, seed]
        s = sigmoid(trained[task, "Jordan", seed].forward(X_test)[1][:, :, 0])
        if task == XOR:
            prev = shift(X_test)  # the pattern's previous bit: x_(t-1) for XOR
        else:
            prev = shift(target_test)  # p_(t-1) for parity
        fed_back[task, seed] = np.array(by_pattern(s, X_test, prev))


# %% mystnb={"figure": {"caption": "What the Jordan network feeds back: for XOR its output cannot carry the bit it needs; for parity it is that bit."}, "image": {"alt": "Two panels for the Jordan network, one line per seed: the mean value it feeds back, \u03c3(y), for each of the four combinations of previous and current bit, with the targets marked by crosses. Left, on the XOR task: the fed-back values miss the targets; four seeds land above or below 0.5 according to the current bit (three one way, one the mirror image), one lies flat at 0.5; accuracies are near 0.5. Right, on parity: every seed's values lie on the targets, accuracy 1."}}
fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), sharey=True)
for ax, task in zip(axes, (XOR, PARITY), strict=True):
    for seed in SEEDS:
        ax.plot(
            range(4),
            fed_back[task, seed],
            "o-",
            ms=6,
            alpha=0.85,
            label=f"seed {seed}: accuracy {accuracy[task, 'Jordan', seed]:.2f}, "
            f"loss {test_loss[task, 'Jordan', seed]:.2f}",
        )
    ax.plot(range(4), [0, 1, 1, 0], "kx", ms=12, mew=2.5, label="target")
    ax.axhline(0.5, color="grey", ls="--", lw=1)
    prev_name = "x_{t-1}" if task == XOR else "p_{t-1}"
    ax.set_xticks(range(4), [f"${prev_name}$={i}\n$x_t$={j}" for i in (0, 1) for j in (0, 1)])
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
axes[0].set_title("Jordan on XOR $z_t$: what it feeds back")
axes[1].set_title("Jordan on parity $p_t$: what it feeds back")
axes[0].set_ylabel(r"mean fed-back value $s_t=\sigma(y_t)$")
plt.show()

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: parity: every seed on the crosses; XOR: seed 4 flat at 0.5, the side of 0.5 tracks x_t
# in seeds 0, 2, 3 (above for x_t = 0) and seed 1 (above for x_t = 1); patterns (0,0), (0,1), (1,0), (1,1)
for seed in SEEDS:
    assert np.max(abs(fed_back[PARITY, seed] - [0, 1, 1, 0])) < 0.05
above_when_x_is_0 = [seed for seed in SEEDS if np.all((fed_back[XOR, seed] > 0.5) == [1, 0, 1, 0])]
above_when_x_is_1 = [seed for seed in SEEDS if np.all((fed_back[XOR, seed] > 0.5) == [0, 1, 0, 1])]
assert above_when_x_is_0 == [0, 2, 3] and above_when_x_is_1 == [1]
assert np.max(abs(fed_back[XOR, 4] - 0.5)) < 0.01

# %% [markdown]
# The means hide how often each answer is right, so here is the test accuracy of the same Jordan
# networks on XOR, split by the same four combinations:

# %%
print("Jordan on XOR: test accuracy for each combination (x_(t-1), x_t)")
print("seed " + "".join(f"{f'({i}, {j})':>9}" for i in (0, 1) for j in (0, 1)) + "   overall")
per_pattern = {}
for seed in SEEDS:
    X_test, target_test, _ = test[XOR, seed]
    right = (trained[XOR, "Jordan", seed].forward(X_test)[1] > 0) == (target_test > 0.5)
    per_pattern[seed] = np.array(by_pattern(right[:, :, 0], X_test, shift(X_test)))
    print(
        f"{seed:>4} "
        + "".join(f"{a:9.2f}" for a in per_pattern[seed])
        + f"{accuracy[XOR, 'Jordan', seed]:10.3f}"
    )
gave_up = [seed for seed in SEEDS if abs(test_loss[XOR, "Jordan", seed] - LN2) < 0.01]

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: seed 4 gave up (loss ln 2, always answers 0); the others always right in two
# combinations, with a loss well below ln 2
assert gave_up == [4] and np.array_equal(per_pattern[4], [1, 0, 0, 1])
for seed in SEEDS:
    if seed not in gave_up:
        assert np.sum(per_pattern[seed] == 1.0) == 2
        assert test_loss[XOR, "Jordan", seed] < LN2 - 0.15

# %% [markdown]
# On **parity** (right panel) every seed sits on the crosses: the answer is the memory. On
# **XOR** (left panel) seed 4 lies flat at 0.5: it gave up (loss ln 2; it always answers 0). The
# other four found one compromise, in two mirror images: the side of 0.5 on which $s_t$ lands
# tracks the current bit $x_t$, so the output has become a memory of $x_t$. The next step reads
# $x_{t-1}$ back and answers surely and rightly in the two combinations where the memory it must
# write agrees with the answer (the entries at 1.00); in the other two it stays unsure and mostly
# wrong. Hence accuracy near chance but a loss well below ln 2. One number is asked to be both
# the answer and the memory, and for XOR the two jobs conflict. Exercise 4 shows a cleverer code
# (the answer in the sign, the memory in the size) and what it costs in confidence.
#
# The Elman network has no such conflict. Its hidden layer holds eight numbers on which no target
# is imposed; training can keep $x_t$ in one hidden unit while others compute the answer, as the
# hand-made network of exercise 3 does with three units. This is also the direction of Goodfellow
# et al. (2016, §10.2.1): a network whose only recurrence runs from the output is strictly less
# powerful, because the output would have to carry everything about the past that the future needs,
# while being trained to match the target.
#
# ### Seeing "more raw": what each network passes on
#
# So far we have looked at the Jordan network's fed-back value; now at what the Elman network
# passes on, $h_t$. Chapter 04 reads the past out of a hidden layer with a **linear probe**: a
# least-squares read-out $\hat x_{t-k} = p^\top h_t + q$, fitted on the first half of the steps
# and scored on the second half by the squared correlation $r^2$ with the true $x_{t-k}$ (1:
# perfectly readable, 0: not at all; `rnnlib.probes.memory_curve` does both). It works as well on
# the Jordan network's single number $s_t$. We probe both for $x_t$, $x_{t-1}$ and $x_{t-2}$;
# $x_{t-1}$ is the telling one, the *raw input* of the step before.
#
# **Expected.** The Jordan network's $s_t$ is its answer, and no answer to our tasks says
# anything, linearly, about $x_{t-1}$ on its own: $r^2$ near 0. The Elman network's $h_t$ must hold
# $x_{t-1}$ for the task $x_{t-2}$; for XOR and parity no later step needs it by itself, but if the
# hidden layer is more raw, some of it should be readable there too.

# %%
BITS = ["x_t", "x_(t-1)", "x_(t-2)"]
r2 = {}  # (task, model) -> (5 seeds, 3 delays): held-out r^2 of the probe for x_t, x_(t-1), x_(t-2)
for task in TASKS:
    for model in ("Elman", "Jordan"):
        curves = []
        for seed in SEEDS:
            X_test = test[task, seed][0]
            Hs, Y = trained[task, model, seed].forward(X_test)
            passed_on = Hs if model == "Elman" else sigmoid(Y)  # h_t, or s_t = sigma(y_t)
            curves.append(
                memory_curve(passed_on, X_test, max_delay=2)
            )  # fit on the first half of the steps
        r2[task, model] = np.array(curves)

print(
    f"{'':>10}   {'Elman: probe on h_t (8 numbers)':^33}   {'Jordan: probe on s_t (1 number)':^33}"
)
print(
    f"{'task':>10}   "
    + "".join(f"{b:>11}" for b in BITS)
    + "   "
    + "".join(f"{b:>11}" for b in BITS)
)
for task in TASKS:
    print(
        f"{task:>10}   "
        + "".join(f"{v:11.2f}" for v in r2[task, "Elman"].mean(axis=0))
        + "   "
        + "".join(f"{v:11.2f}" for v in r2[task, "Jordan"].mean(axis=0))
    )
print("(held-out r^2, mean of 5 seeds)")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: x_(t-1) in h_t (Elman) and s_t (Jordan), column 1 of r2
for task in TASKS:
    elman_prev, jordan_prev = r2[task, "Elman"][:, 1], r2[task, "Jordan"][:, 1]
    assert elman_prev.min() > jordan_prev.max()  # every seed: Elman holds more of x_(t-1)
    assert jordan_prev.mean() < 0.1  # Jordan: barely readable
# Elman: perfectly readable where a later step needs it (x_(t-2)), and on XOR, where none does
assert r2[X2, "Elman"][:, 1].min() > 0.99 and r2[XOR, "Elman"][:, 1].min() > 0.99
# the Jordan seed that gave up on XOR (s_t flat at 0.5) still scores high for x_t: r^2 ignores scale
assert r2[XOR, "Jordan"][gave_up[0], 0] > 0.9

# %% [markdown]
# **Measured.** As expected, $x_{t-1}$ can hardly be read from the Jordan network's $s_t$ in any
# task (the middle column on the right). The Elman network's $h_t$ holds it perfectly for the task
# $x_{t-2}$, and also for XOR, where no later step needs it; even on parity part of it is readable
# (0.34 on average). In every seed of every task the Elman state holds more of $x_{t-1}$ than the
# Jordan state: the article's "more raw", in numbers. Two cautions. The Jordan network's $x_t$
# column is not zero because $r^2$ ignores scale: even the network that gave up, its $s_t$ barely
# off 0.5, scores high there if $s_t$ moves with $x_t$ at all. And a linear probe misses
# non-linear codes such as exercise 4's (none of our trained Jordan networks found one: none
# solved XOR).

# %% [markdown]
# ## Key takeaways
#
# - The input view (the article's first interpretation, and Elman's motivation): at every step the
#   basic RNN combines the current input with information from the previous step, and that
#   information is the previous *hidden layer*, not the previous output.
# - A network that feeds back its output can remember only what its output says. When the output is a
#   good answer to the task, that is a task-shaped summary of the past, which is enough for running
#   parity and useless for XOR with the previous bit or for the bit two steps back.
# - Measured over 5 seeds with equal hidden layers and training: the feed-forward network stays at
#   chance everywhere, the Jordan network solves only the control task (no seed solves XOR or
#   $x_{t-2}$, though one seed on each gets to about 0.6; on XOR most seeds trade confidence for a
#   little memory), and the Elman network solves all three.
# - The hidden layer is "more raw" because no target constrains it: it can hold whatever the future
#   needs, such as the current bit, while the output answers. A linear probe shows it: the previous
#   input $x_{t-1}$ can be read from a trained Elman $h_t$, but hardly from the Jordan network's $s_t$.
# - The article itself calls this input view relatively primitive and direct: it names what each step
#   takes as input. Chapter 04 looks at the same formula from the hidden layer's side.
# - Feeding back the *true* previous target (teacher forcing) would let even a feed-forward network
#   solve parity; comparing memory fairly means feeding back each network's own output.

# %% [markdown]
# ## Exercises
#
# **1. (Coding) One step back, trained.** Chapter 00's exercise 4 argued that a Jordan network
# whose output is always right is useless as a memory for the bit one step back,
# `tasks.delayed_bit(T, N, k=1)`. Test the argument on trained networks: train a
# `JordanRNN(1, 8, 1, feedback="sigmoid")` and an `ElmanRNN(1, 8, 1)` on that task with the set-up
# of section 4 (one seed is enough) and compare test accuracy and test cross-entropy. Which part of
# section 5's story do you see again?
#
# <details>
# <summary>Solution</summary>
#
# The Elman network solves the task: it only has to copy $x_t$ into its hidden layer. The Jordan
# network stays at chance accuracy, but its cross-entropy falls well below ln 2: the same
# compromise as on XOR in section 5. Its output becomes a memory of $x_t$, which lets the next step
# answer confidently and correctly whenever $x_t = x_{t-1}$ (then the memory to write and the answer
# agree), and leaves it unsure, and mostly wrong, when they differ.
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib import tasks
# from rnnlib.baselines import JordanRNN
#
# X, target, mask = tasks.delayed_bit(20, 128, k=1, seed=100)
# X_test, target_test, mask_test = tasks.delayed_bit(20, 256, k=1, seed=200)
# result = {}
# for net in (JordanRNN(1, 8, 1, feedback="sigmoid", seed=0), rnnlib.ElmanRNN(1, 8, 1, seed=0)):
#     rnnlib.fit(net, X, target, loss="bce", mask=mask, optimizer=rnnlib.Adam(lr=0.03),
#                epochs=180, batch_size=64, seed=0, verbose=False)
#     Y = net.forward(X_test)[1]
#     result[type(net).__name__] = (tasks.accuracy(Y, target_test, mask_test),
#                                   rnnlib.bce_with_logits(Y, target_test, mask_test)[0])
#     print(f"{type(net).__name__:>8}: test accuracy {result[type(net).__name__][0]:.3f}, "
#           f"cross-entropy {result[type(net).__name__][1]:.3f} (ln 2 = {np.log(2):.3f})")
# assert result["ElmanRNN"][0] == 1.0
# assert abs(result["JordanRNN"][0] - 0.5) < 0.05 and result["JordanRNN"][1] < np.log(2) - 0.1
# ```
#
# </details>
#
# **2. (Coding) Teacher forcing makes the control task trivial.** Give a `FeedForward` network two
# inputs per step, $x_t$ and the *true* previous parity $p_{t-1}$ (with $p_0 = 0$), and train it on
# running parity. Why does this show that a Jordan network trained with the true previous target
# would not tell us anything about memory?
#
# <details>
# <summary>Solution</summary>
#
# With the true $p_{t-1}$ as input, each step is the two-input XOR $x_t \oplus p_{t-1}$, a fixed
# function a small feed-forward network learns. The memory is then supplied by the data, not by the
# network. That is why our Jordan network feeds back its own output $\sigma(y_{t-1})$: to solve parity
# it must *produce* a good $p_{t-1}$ itself, and carry it.
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib import tasks
# from rnnlib.baselines import FeedForward
#
# X, target, mask = tasks.running_parity(20, 64, seed=1)
# previous = np.concatenate([np.zeros_like(target[:1]), target[:-1]])   # p_0 = 0
# X2 = np.concatenate([X, previous], axis=-1)                            # (T, N, 2)
# ff = FeedForward(2, 4, 1, seed=0)
# rnnlib.fit(ff, X2, target, loss="bce", epochs=200, optimizer=rnnlib.Adam(lr=0.05), verbose=False)
# acc = tasks.accuracy(ff.forward(X2)[1], target)
# print(f"feed-forward with the true previous target: accuracy {acc:.3f}")
# assert acc == 1.0
# ```
#
# </details>
#
# **3. (Coding) An Elman network for XOR, by hand.** Choose weights for an `ElmanRNN(1, 3, 1)` that
# solves `tasks.xor_previous` exactly. Hint: let hidden unit 1 copy $x_t$ as $\pm 1$, and let
# units 2 and 3 compute AND and OR of $x_t$ and the previous step's unit 1; XOR is OR and not AND.
#
# <details>
# <summary>Solution</summary>
#
# With a large gain $K$, $\tanh$ acts as a sign function. Unit 1: $\tanh(K(2x_t - 1))$ is $+1$ for
# $x_t = 1$ and $-1$ for $x_t = 0$. Writing $b = (h_{t-1,1} + 1)/2 = x_{t-1}$, unit 2 is
# $\tanh(K(x_t + b - 1.5))$ (AND) and unit 3 is $\tanh(K(x_t + b - 0.5))$ (OR); in terms of
# $h_{t-1,1}$ that is $x_t + h_{t-1,1}/2 - 1$ and $x_t + h_{t-1,1}/2$. The output
# $K(h_3 - h_2 - 1)$ is $+K$ exactly when OR is true and AND is false. The hidden layer keeps
# $x_t$ for the next step *and* computes the answer; the two jobs use different units.
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib import tasks
#
# K = 10.0
# net = rnnlib.ElmanRNN(1, 3, 1)
# net.W = [[2 * K], [K], [K]]
# net.D = [[0, 0, 0], [K / 2, 0, 0], [K / 2, 0, 0]]
# net.B = [-K, -K, 0]
# net.V = [[0, -K, K]]
# net.c = [-K]
# X, target, mask = tasks.xor_previous(50, 100, seed=0)
# acc = tasks.accuracy(net.forward(X)[1], target, mask)
# print(f"hand-made Elman network on XOR: accuracy {acc:.3f}")
# assert acc == 1.0
# ```
#
# </details>
#
# **4. (Conceptual and coding, harder) Is the Jordan network's failure absolute?** A single
# real number can hold more than one bit. Build a `JordanRNN(1, 5, 1, feedback="sigmoid")` by hand
# that solves XOR, by letting the *sign* of $y_t$ give the answer $z_t$ and its *size* store $x_t$:
# $y_t = \pm 1$ when $x_t = 0$ and $\pm 4$ when $x_t = 1$. What does this cost in the loss, and why
# would training rarely find it?
#
# <details>
# <summary>Solution</summary>
#
# The four values of $s_{t-1} = \sigma(y_{t-1})$ are about 0.018, 0.269, 0.731 and 0.982, and
# $x_{t-1} = 1$ exactly for the two outer ones. Two hidden units detect $s > 0.9$ and $s < 0.1$, one
# copies $x_t$, and two detect "$x_t = 1$ and $s$ outer" (the product $x_t x_{t-1}$). The output
# $y = -1 + 2x_{t-1} + 5x_t - 10x_t x_{t-1}$ gives the four levels, as the table of cases shows.
# So output feedback *can* solve XOR, but only by keeping half of its answers at a confidence of
# $\sigma(1) \approx 0.73$: the cross-entropy stays far above what a confident answer gets. Training
# pushes the output towards confident answers, i.e. towards the task-shaped summary that
# carries no memory. The hidden layer has no such conflict (exercise 3).
#
# ```python
# import numpy as np
# import rnnlib
# from rnnlib import tasks
# from rnnlib.baselines import JordanRNN
#
# K = 50.0
# j = JordanRNN(1, 5, 1, feedback="sigmoid")
# j.W = K * np.array([[0], [0], [1], [1], [1]])          # units 3-5 read x_t
# j.D = K * np.array([[1], [-1], [0], [5], [-5]])        # units 1, 2, 4, 5 read s_(t-1)
# j.B = K * np.array([-0.9, 0.1, -0.5, -5.0, -0.2])      # s > 0.9, s < 0.1, x_t, x_t and s > 0.9, x_t and s < 0.1
# j.V = [[1, 1, 2.5, -5, -5]]
# j.c = [-6.5]
# X, target, mask = tasks.xor_previous(50, 100, seed=0)
# Y = j.forward(X)[1]
# acc = tasks.accuracy(Y, target, mask)
# loss = rnnlib.bce_with_logits(Y, target, mask)[0]
# print(f"hand-made Jordan network on XOR: accuracy {acc:.3f}, cross-entropy {loss:.3f}")
# print("output levels:", np.unique(np.round(Y[1:], 1)))
# assert acc == 1.0 and loss > 0.1     # right every time, but never very sure
# ```
#
# </details>
#
# **5. (Coding) Is it just the number of parameters?** The Elman network above has 89 parameters,
# the Jordan network 33. Train an `ElmanRNN(1, 3, 1)` and a `JordanRNN(1, 32, 1, feedback="sigmoid")`
# on XOR with the set-up of section 4 and compare their parameter counts and test accuracies.
#
# <details>
# <summary>Solution</summary>
#
# The small Elman network (19 parameters) solves XOR; the large Jordan network (129 parameters) does
# not. More hidden units do not widen the Jordan network's bottleneck: whatever happens inside a
# step, only one number, its output, reaches the next step.
#
# ```python
# import rnnlib
# from rnnlib import tasks
# from rnnlib.baselines import JordanRNN
#
# X, target, mask = tasks.xor_previous(20, 128, seed=100)
# X_test, target_test, mask_test = tasks.xor_previous(20, 256, seed=200)
# result = {}
# for net in (rnnlib.ElmanRNN(1, 3, 1, seed=0), JordanRNN(1, 32, 1, feedback="sigmoid", seed=0)):
#     rnnlib.fit(net, X, target, loss="bce", mask=mask, optimizer=rnnlib.Adam(lr=0.03),
#                epochs=180, batch_size=64, seed=0, verbose=False)
#     result[type(net).__name__] = (net.n_params, tasks.accuracy(net.forward(X_test)[1], target_test, mask_test))
#     print(f"{type(net).__name__:>8}: {net.n_params:3d} parameters, test accuracy {result[type(net).__name__][1]:.3f}")
# assert result["ElmanRNN"][0] < result["JordanRNN"][0]
# assert result["ElmanRNN"][1] > 0.95 and result["JordanRNN"][1] < 0.7
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. Section 02, interpretation 1 (the input-information view): the source this chapter follows.
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 3. M. I. Jordan, “Serial order: a parallel distributed processing approach,” ICS Report 8604, Institute for Cognitive Science, University of California, San Diego, 1986.
# 4. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016. Section 10.2.1, “Teacher forcing and networks with output recurrence”: a network whose only recurrence is from the output is less powerful, because the output must carry everything about the past ([www.deeplearningbook.org](https://www.deeplearningbook.org/)).
# 5. D. P. Kingma and J. Ba, “Adam: a method for stochastic optimization,” ICLR 2015, [arXiv:1412.6980](https://arxiv.org/abs/1412.6980) (the optimiser used for training).

# %% [markdown]
# [← 02. The formula](02_formula.ipynb) | [04. The hidden view →](04_hidden_view.ipynb)
