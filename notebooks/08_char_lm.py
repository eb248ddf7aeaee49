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
# # 08. A language model of characters
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F08_char_lm.ipynb)
#
# Most readers meet the basic RNN as a model of *text*: it reads a book one character at a
# time, guesses the next character, and, once trained, writes text of its own. This chapter
# builds that model with `rnnlib` and asks the question that demonstrations usually skip:
# is it better than simply *counting* which characters follow which? Every model is measured
# on the same held-out pages of Jane Austen's *Pride and Prejudice*. Here the article's view of
# the hidden layer (隐层) as a running summary of everything read so far is the whole point.
# Terms are explained in the [glossary](00_introduction.ipynb#Glossary).
#
# **What you will learn**
#
# - how text becomes a sequence for the network: an alphabet, one-hot inputs, and a softmax
#   output that gives a probability to every character that could come next;
# - how to score a model of text: cross-entropy in **bits per character**, and perplexity;
# - the honest baselines: counting models from the unigram to the 4-gram (add-k) and
#   interpolated Kneser–Ney, with their one setting chosen on validation text;
# - training on a long continuous text with truncated BPTT, carrying the hidden state from
#   one piece to the next, on many stretches of the book at once;
# - how far larger networks trained longer get, and why;
# - sampling with a *temperature* after a warm-up on a prefix;
# - where the model is surprised (word starts) and what single hidden units respond to.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb) and [05. Training by BPTT](05_training_bptt.ipynb)
# (`rnnlib.fit`, truncated BPTT); [06. Elman (1990) reproduced](06_elman_1990.ipynb) for the
# word-boundary effect; logarithms and probabilities.
#
# **Time to read:** about 45 minutes.

# %%
import json
from importlib import resources

import numpy as np

import rnnlib
from rnnlib import ngram, plotting
from rnnlib import text as tx
from rnnlib.datasets import load_austen

plt = plotting.use_style()
C = plotting.PALETTE

# %% [markdown]
# ## 1. The text, and what is held out
#
# `rnnlib` ships Volume I of *Pride and Prejudice* (1813; public domain), from Project
# Gutenberg's edition as packaged in the R package janeaustenr: one paragraph per line,
# otherwise as printed. `rnnlib/data/README.md` records the source, the cleaning and a
# checksum. We keep the prose only (no title or chapter headings) and fold capitals to lower
# case, as Shannon did: the alphabet shrinks by a third, at a small cost. Before anything is
# counted or trained, we cut the text, in its order, into three parts at paragraph ends:
#
# - **training**, the first 80 %: the only text any model learns from;
# - **validation**, the next 10 %: chooses settings (the smoothing of the counting models);
# - **test**, the last 10 %: measured once, at the end, for every model.

# %%
book = load_austen(prose_only=True, lower=True)
chars = tx.alphabet(book)
V = len(chars)
train_text, val_text, test_text = tx.split(book, (0.8, 0.1, 0.1))
train, val, test = (tx.encode(part, chars) for part in (train_text, val_text, test_text))
print(f"{len(book)} characters, {book.count(chr(10))} paragraphs; alphabet of V = {V} characters:")
print(repr(chars))
print(f"training {len(train)}, validation {len(val)}, test {len(test)} characters")
print("the test text begins:", test_text[:70])

# %% [markdown]
# The alphabet holds the line break (a paragraph end), the space, punctuation, three digits
# (from a few dates and sums in the prose) and the 26 letters. Each character becomes its index in this
# alphabet, and the index becomes a **one-hot** vector of length $V$: all zeros but a single 1.
# With a one-hot input the product $W x_t$ simply picks one column of $W$, a learned vector per
# character.

# %%
ids = tx.encode("mr. darcy", chars)
print("indices:", ids.tolist())
X = tx.one_hot(ids, V)
print(
    f"one-hot: shape {X.shape}; row 0 has its 1 at column {int(X[0].argmax())}, "
    f"the index of {chars[int(X[0].argmax())]!r}"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: with a one-hot input, W x is one column of W
net = rnnlib.ElmanRNN(V, 4, V, seed=0)
assert np.array_equal(rnnlib.portable.matmul(net.W, X[0][:, None])[:, 0], net.W[:, ids[0]])

# %% [markdown]
# ## 2. How good is a model of text? Bits per character
#
# A language model gives, before each character $c_{t+1}$, a probability to every character of
# the alphabet, $p(c_{t+1} = j \mid c_1, \dots, c_t)$. A good model gives the character that
# actually comes a high probability. Its **surprisal** is $-\log_2 p$ bits: 0 bits for a certain
# and correct guess, 1 bit for a coin flip, many bits for a character it thought unlikely. The
# mean surprisal over a text is the **cross-entropy** in **bits per character** (bpc), the
# number of bits an ideal compressor driven by the model would need per character (Shannon 1948).
# Lower is better. The **perplexity** $2^{\text{bpc}}$ says the same in another unit: a model with
# perplexity 6 is on average as uncertain as if it had to choose among 6 equally likely characters.
#
# The floor of every comparison is the **uniform** model that gives each of the $V$ characters
# probability $1/V$; its bpc is $\log_2 V$ on any text. Shannon (1951) estimated, from people
# guessing the next letter, that English needs about 1 bit per character, perhaps less.

# %%
bits_uniform = ngram.surprisal(ngram.uniform(V), test, start=3)
bpc, ppl = tx.bits_per_char(bits_uniform)
print(
    f"uniform model: {bpc:.3f} bits per character = log2({V}) = {np.log2(V):.3f}; perplexity {ppl:.1f}"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the uniform model scores log2 V bits, perplexity V
assert np.isclose(bpc, np.log2(V)) and np.isclose(ppl, V)

# %% [markdown]
# ## 3. Counting models: add-k n-grams and Kneser–Ney
#
# An **n-gram** model predicts the next character from the $n - 1$ characters before it, by
# counting in the training text. The unigram ($n = 1$) ignores the past and uses how often each
# character occurs; the bigram looks at the last character, the trigram at the last two, the
# 4-gram at the last three:
# $$p(c \mid a\,b) = \frac{\mathrm{count}(a\,b\,c) + k}{\mathrm{count}(a\,b) + kV}.$$
# The $k$ imaginary extra counts (**add-k smoothing**) keep every probability above zero: a
# trigram never seen in training would otherwise get probability 0 and an infinite surprisal
# on the test. $k$ is the one setting of each model, and we choose it on the validation text.
# `rnnlib.ngram` holds these few lines; each model is a table `P[a, b, c]` = $p(c \mid a\,b)$.
#
# All models are scored on the same characters: every test character from the fourth on, each
# predicted from the test text before it (the first three have too little context for a 4-gram).
#
# **Expectation.** Each extra character of context should help a lot at first (the letter after
# `q` or `th` is far from free). But the number of contexts grows as $V^{n-1}$, and each is seen
# less often: $k$ should hardly matter for the unigram and bigram, and matter more and more from
# the trigram on.

# %%
KS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
tables, chosen, val_by_k = {"uniform": ngram.uniform(V)}, {}, {}
print(f"validation bits per character for k = {', '.join(map(str, KS))}")
for order, name in [(1, "unigram"), (2, "bigram"), (3, "trigram"), (4, "4-gram")]:
    k, val_by_k[name] = ngram.choose_k(train, val, order, V, KS, start=3)
    tables[name], chosen[name] = ngram.add_k(train, order, V, k), k
    print(f"{name:8s}", "  ".join(f"{b:.3f}" for b in val_by_k[name]), f"  -> k = {k}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: k hardly matters for the unigram and bigram; too much smoothing costs the trigram, and the 4-gram more
spread = {name: bits.max() - bits.min() for name, bits in val_by_k.items()}
assert spread["unigram"] < 0.01 and spread["bigram"] < 0.01
assert (
    0.05
    < val_by_k["trigram"][-1] - val_by_k["trigram"].min()
    < val_by_k["4-gram"][-1] - val_by_k["4-gram"].min()
)

# %% [markdown]
# As expected, the unigram and bigram hardly care about $k$ (their contexts have thousands of
# counts); for the trigram, and even more for the 4-gram, too much smoothing costs a lot: at
# $k = 1$ every unseen continuation of a rare context gets as much weight as the real ones.
# The chosen $k$ are fixed now; the test text has not been looked at.
#
# **A stronger counting model: Kneser–Ney.** Add-k is the weakest of the standard smoothings:
# it gives every unseen continuation the same share, and a rare context learns nothing from a
# shorter one that was seen often. Interpolated Kneser–Ney (Kneser and Ney 1995; Chen and
# Goodman 1999) subtracts a fixed discount $D$ from every count and hands what it frees to the
# next shorter context $h'$ (the context $h$ without its first character):
# $$p(c \mid h) = \frac{\max(N(h\,c) - D,\ 0) + D\,T(h)\,p(c \mid h')}{N(h)},$$
# where $T(h)$ is the number of different characters seen after $h$ and $N(h)$ the sum of the
# $N(h\,c)$. In the shorter contexts, $N$ counts not how often a string occurs but after how many
# different characters it occurs: a string that only ever follows one context should not be
# offered as a guess after others. We use the plain version, one discount per order estimated
# from the counts ($D = n_1 / (n_1 + 2 n_2)$, with $n_1$, $n_2$ the n-grams seen once and twice),
# so the only setting is the order, chosen on validation. `ngram.kneser_ney` stores only the
# n-grams that occur, so long contexts cost no $42^n$ table.
#
# **Expectation.** Better than add-k at the same order, and, since rare contexts now lean on
# shorter ones, still improving a few orders beyond the 4-gram before it levels off.

# %%
kn_val = {}
for order in [3, 4, 5, 6, 7, 8]:
    kn_val[order] = ngram.surprisal(ngram.kneser_ney(train, order, V), val, start=3).mean()
kn_order = min(kn_val, key=kn_val.get)
tables["Kneser-Ney 4-gram"] = ngram.kneser_ney(train, 4, V)
tables[f"Kneser-Ney {kn_order}-gram"] = ngram.kneser_ney(train, kn_order, V)
val_add_k_4 = ngram.surprisal(tables["4-gram"], val, start=3).mean()
print("validation bits per character of Kneser-Ney:")
print("  ".join(f"{n}-gram {b:.3f}" for n, b in kn_val.items()), f"  -> order {kn_order}")
print(f"add-k 4-gram: {val_add_k_4:.3f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: Kneser-Ney beats add-k at the same order, improves up to the 7-gram and not beyond
assert kn_val[4] < val_add_k_4 and kn_order == 7
assert kn_val[3] > kn_val[4] > kn_val[5] > kn_val[6] > kn_val[7] < kn_val[8]

# %% [markdown]
# Kneser–Ney beats add-k at the 4-gram already (2.103 against 2.163 bits on validation) and keeps
# improving up to the 7-gram (1.815); beyond it, longer contexts are mostly unseen and add
# nothing. The order is now fixed at 7.
#
# ## 4. The basic RNN as a language model
#
# The network is the one of every chapter, with $V$ inputs and $V$ outputs:
# $$x_t = \text{one-hot}(c_t), \qquad h_t = \tanh(W x_t + D h_{t-1} + B), \qquad y_t = V h_t + c,$$
# $$p(c_{t+1} = j \mid c_1, \dots, c_t) = \operatorname{softmax}(y_t)_j = \frac{e^{y_{tj}}}{\sum_i e^{y_{ti}}}.$$
# (Here $V$ is both the output weight of our notation and the alphabet size; the context tells
# which.) The softmax turns the $V$ outputs into probabilities, and the loss is the
# cross-entropy $-\ln p(c_{t+1})$ averaged over steps: `fit(..., loss="cross_entropy")`, with
# `rnnlib.losses.softmax_cross_entropy`. It is measured in nats; dividing by $\ln 2$ gives bits.
#
# Unlike an n-gram, the network has no fixed window. Its delayed input (延迟输入) $h_{t-1}$ can
# carry anything from earlier text: whether a quotation is open, how far into a word we are, the
# start of a name. Whether it learns to do so is for the measurements to show.
#
# **Training on one long text.** The training text is one sequence of about 185,000 characters.
# We cut it into $N = 32$ contiguous stretches side by side, a $(T, N)$ array in the book's
# time-major layout, and train by **truncated BPTT** (chapter 05): `fit(..., chunk=25)` reads 25
# characters of every stretch, updates the weights, and carries each stretch's hidden state
# into the next piece, so the state flows through the whole text while gradients flow back at
# most 25 steps. One update therefore learns from $32 \times 25 = 800$ characters.
# `rnnlib.text.fit_char_lm` does exactly this with `rnnlib.fit`.

# %%
H, N_STREAMS, CHUNK = 32, 32, 25
inputs, targets = tx.streams(train, N_STREAMS)
print(
    f"inputs and targets {inputs.shape} (steps, streams); targets are the inputs one character on:",
    np.array_equal(inputs[1:], targets[:-1]),
)
print("stream 0 starts:", repr(tx.decode(inputs[:40, 0], chars)))
print("stream 1 starts:", repr(tx.decode(inputs[:40, 1], chars)))
net = rnnlib.ElmanRNN(V, H, V, seed=0)
print(
    f"{net}: {net.n_params} parameters; {-(-inputs.shape[0] // CHUNK)} updates read the training text once"
)

# %% [markdown]
# We train $H = 32$ hidden units with Adam (learning rate 0.02, gradients clipped to norm 5)
# for 80 updates, a third of one pass over the training text, so that the chapter runs in
# seconds; three seeds, trained side by side ([chapter 03](03_input_view.ipynb)), show the
# spread. The settings were fixed in trial runs scored on validation text only.
#
# **Expectation.** Starting from the uniform level ($\log_2 42 \approx 5.4$ bits), 80 updates
# should take the network past the unigram quickly and past the bigram, since a single
# character of context is easy to pick up. Reaching the trigram, which has counted all of the
# training text exactly, would be a surprise.

# %%
LIVE_UPDATES, SEEDS = 80, [0, 1, 2]
nets = [rnnlib.ElmanRNN(V, H, V, seed=seed) for seed in SEEDS]
histories = tx.fit_char_lm(
    nets,
    train,
    n_streams=N_STREAMS,
    chunk=CHUNK,
    updates=LIVE_UPDATES,
    lr=0.02,
    clip=5.0,
    seed=SEEDS,
)
live = {
    seed: (net, np.array(h.step_loss) / np.log(2))
    for seed, net, h in zip(SEEDS, nets, histories, strict=True)
}  # nats -> bits
for seed, (_, loss) in live.items():
    print(
        f"seed {seed}: training loss {loss[0]:.2f} bits at the first update, "
        f"{loss[-10:].mean():.2f} over the last 10"
    )

# %% [markdown]
# ## 5. The same network, trained longer
#
# `scripts/train_char_lm.py` trains the same network with the same settings and seed 0 for 40
# passes over the training text, and ships the weights with the loss of every update and the
# validation bpc after every pass (`rnnlib/data/char_lm.npz`, recorded in `char_lm.json`). Its
# first 80 updates are the live run with seed 0, number for number:

# %%
data = resources.files("rnnlib").joinpath("data")
record = json.loads(data.joinpath("char_lm.json").read_text(encoding="utf-8"))
with np.load(data.joinpath(record["weights"])) as stored:
    long_net = rnnlib.ElmanRNN(V, H, V)
    for name in long_net.param_names:
        setattr(long_net, name, stored[name])
    long_loss, long_val = stored["step_loss"] / np.log(2), stored["val_bpc"]
print(
    f"{record['command']}: seed {record['settings']['seed']}, {record['epochs']} epochs, "
    f"{record['updates']} updates; settings {record['settings']}"
)
same = np.allclose(
    long_loss[:LIVE_UPDATES], live[0][1], rtol=1e-12, atol=0
)  # losses pass through np.log
print(
    f"the first {LIVE_UPDATES} stored losses equal the live run with seed 0 (to 12 digits): {same}"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the stored run has the live run's settings and continues it
assert record["settings"] == {
    "n_hidden": H,
    "n_streams": N_STREAMS,
    "chunk": CHUNK,
    "lr": 0.02,
    "clip": 5.0,
    "seed": 0,
}
assert same

# %%
val_bigram = ngram.surprisal(tables["bigram"], val, start=3).mean()
val_trigram = ngram.surprisal(tables["trigram"], val, start=3).mean()
val_4gram = ngram.surprisal(tables["4-gram"], val, start=3).mean()
updates_per_epoch = record["updates"] // record["epochs"]
below = int(np.argmax(long_val < val_trigram))
print(
    f"validation below the trigram's {val_trigram:.3f} from epoch {below + 1} on "
    f"({updates_per_epoch * (below + 1)} updates): {bool(np.all(long_val[below:] < val_trigram))}; "
    f"last epoch {long_val[-1]:.3f}, 4-gram {val_4gram:.3f}"
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the stored run's validation bpc stays below the trigram's once there, and above the 4-gram's
assert np.all(long_val[below:] < val_trigram) and long_val.min() > val_4gram


# %% mystnb={"figure": {"caption": "The live runs are the start of the stored run: the curve continues past the bigram and trigram but not the 4-gram."}, "image": {"alt": "Two panels of bits per character against training updates. Left: the first 80 updates of three live training runs (seeds 0, 1, 2) and the stored run's smoothed training loss, falling from about 5.4 bits through the bigram's validation level; the trigram and 4-gram levels lie below. Right: the stored run over all its updates, with the validation bits per character after each epoch as dots, which fall below the trigram's level and level off well above the 4-gram's."}}
def smooth(x, width=50):
    """Moving average over `width` updates (the loss of single updates is noisy)."""
    return np.convolve(x, np.ones(width) / width, mode="valid")


fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, stop in ((a1, LIVE_UPDATES), (a2, len(long_loss))):
    steps = np.arange(1, stop + 1)
    width = 10 if stop == LIVE_UPDATES else 50
    ax.plot(
        steps[width - 1 :],
        smooth(long_loss[:stop], width),
        color=C["black"],
        lw=1.2,
        label=f"stored run (seed 0), training loss, mean of {width} updates",
    )
    ax.axhline(val_bigram, color=C["orange"], ls="--", lw=1.2, label="bigram, validation")
    ax.axhline(val_trigram, color=C["vermillion"], ls="--", lw=1.2, label="trigram, validation")
    ax.axhline(val_4gram, color=C["purple"], ls=":", lw=1.4, label="4-gram, validation")
    ax.set(xlabel="update", xlim=(0, stop))
for seed, color in zip(SEEDS, (C["blue"], C["sky"], C["green"]), strict=True):
    a1.plot(
        np.arange(1, LIVE_UPDATES + 1),
        live[seed][1],
        color=color,
        lw=0.8,
        alpha=0.8,
        label=f"live, seed {seed}",
    )
a2.plot(
    updates_per_epoch * np.arange(1, len(long_val) + 1),
    long_val,
    "o",
    ms=3.5,
    color=C["blue"],
    label="stored run, validation after each epoch",
)
a1.set(ylabel="bits per character", ylim=(2, 5.5), title=f"the live runs: {LIVE_UPDATES} updates")
a2.set(title=f"the stored run continues: {len(long_loss)} updates")
a1.legend(loc="upper right", fontsize=8.5)
a2.legend(loc="upper right", fontsize=8.5)
plt.show()

# %% [markdown]
# The live runs (left) fall fast from the uniform level and are still falling when the chapter
# stops them; the three seeds follow almost the same path. The stored run (right) goes on: its
# validation bpc (dots) drops below the trigram's level after about a thousand updates and stays
# there, then levels off well above the 4-gram's line, a sign that more training alone will not
# buy much more with 32 units and this much text. Now every model meets the test text.
#
# ## 6. Every model on the test text
#
# **Expectation.** The add-k models in order, each better than the one before, and Kneser–Ney
# better still. The live RNN below the bigram; the stored one between the trigram and the
# 4-gram, as its validation curve suggests (the test text, the end of the volume, differs from
# the validation text, so the numbers will too).

# %%
scores = {name: ngram.surprisal(table, test, start=3) for name, table in tables.items()}
bpc_of = {name: bits.mean() for name, bits in scores.items()}
live_bpc = np.array([tx.surprisal(net, test, n_streams=32)[2:].mean() for net, _ in live.values()])
long_Hs, long_Y = tx.read(
    long_net, test, n_streams=32
)  # states and outputs after each test character
long_test_bits = tx.next_char_bits(long_Y, test[1:])  # bits for test characters 1, 2, ...
long_bits = long_test_bits[2:]  # from the fourth character on, like the n-grams
print(f"bits per character and perplexity on the {len(scores['uniform'])} test characters\n")
print(f"{'model':<34}{'bits/char':>14}{'perplexity':>12}")
for name, bits in scores.items():
    bpc, ppl = tx.bits_per_char(bits)
    setting = f" (k = {chosen[name]})" if name in chosen else ""
    print(f"{name + setting:<34}{bpc:>14.3f}{ppl:>12.2f}")
print(
    f"{f'RNN, H={H}, {LIVE_UPDATES} updates, 3 seeds':<34}{f'{live_bpc.mean():.3f} ± {live_bpc.std():.3f}':>14}"
    f"{2 ** live_bpc.mean():>12.2f}"
)
bpc, ppl = tx.bits_per_char(long_bits)
print(f"{f'RNN, H={H}, {len(long_loss)} updates (stored)':<34}{bpc:>14.3f}{ppl:>12.2f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: counting models in order, Kneser-Ney best; live RNNs between bigram and trigram; the stored one between trigram and 4-gram
assert (
    bpc_of["uniform"] > bpc_of["unigram"] > bpc_of["bigram"] > bpc_of["trigram"] > bpc_of["4-gram"]
)
assert bpc_of["4-gram"] > bpc_of["Kneser-Ney 4-gram"] > bpc_of[f"Kneser-Ney {kn_order}-gram"]
assert bpc_of["bigram"] > live_bpc.max() and live_bpc.min() > bpc_of["trigram"]
assert bpc_of["4-gram"] < long_bits.mean() < bpc_of["trigram"]

# %% [markdown]
# As measured: every live run beats the unigram and the bigram, with little spread between
# seeds, but after 80 updates none comes near the trigram, which has simply counted all of the
# training text. Trained about a hundred times longer, the same network beats the trigram, with
# its 3,786 parameters against the trigram's table of $42^3 = 74{,}088$ probabilities, but not
# the add-k 4-gram, and Kneser–Ney is far ahead of both: 1.744 bits per character with its
# 7-gram. Is that a limit of the basic RNN, or of 32 hidden units and a short training?
#
# ## 7. Larger networks, trained longer
#
# `scripts/train_char_lm.py` answers with measurements. It trains the same network with the
# same settings and seed at $H$ = 32, 64, 128 and 256, for 40 epochs each (only 20 for 256
# units, the costliest, to keep the whole study to minutes on a small machine), halving the
# learning rate at every doubling of $H$ (a rule of thumb for wider layers). After every epoch
# it scores the validation text; the test text is read once per size, with the weights of the
# best epoch on validation. The chapter reads the stored results and re-measures the stored
# 128-unit network on the test text.
#
# **Expectation.** More units should buy fewer bits, with diminishing returns: 185,000
# training characters are few for tens of thousands of weights, so the larger networks should
# begin to overfit.

# %%
scaling = json.loads(data.joinpath("char_lm_scaling.json").read_text(encoding="utf-8"))
runs = {run["n_hidden"]: run for run in scaling["runs"]}
print(f"{scaling['command']}: test scored with the weights of each size's best validation epoch\n")
print(f"{'H':>5}{'parameters':>12}{'lr':>9}{'epochs':>8}{'best':>6}{'validation':>12}{'test':>8}")
for n, run in runs.items():
    print(
        f"{n:>5}{run['n_params']:>12,}{run['lr']:>9.4f}{run['epochs']:>8}{run['best_epoch']:>6}"
        f"{min(run['val_bpc']):>12.3f}{run['test_bpc']:>8.3f}"
    )
large = rnnlib.ElmanRNN(V, scaling["large"], V)
with np.load(data.joinpath(runs[scaling["large"]]["weights"])) as stored:
    for name in large.param_names:
        setattr(large, name, stored[name])
large_bpc = tx.surprisal(large, test, n_streams=32)[2:].mean()
print(
    f"\nthe stored {scaling['large']}-unit network, re-measured here: {large_bpc:.3f} bits per character"
)
kn_grams = sum(len(level["grams"]) for level in tables[f"Kneser-Ney {kn_order}-gram"].levels)
print(f"Kneser-Ney {kn_order}-gram: {kn_grams:,} different n-grams counted, orders 1 to {kn_order}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the stored network reproduces its recorded test bpc; the 32-unit run is section 5's stored run
assert abs(large_bpc - runs[scaling["large"]]["test_bpc"]) < 1e-6
assert np.allclose(runs[32]["val_bpc"], long_val, rtol=0, atol=1e-6)
# Checks: 32 -> 64 -> 128 helps; 128 beats the add-k 4-gram; no network reaches Kneser-Ney's 4-gram
test_of = {n: run["test_bpc"] for n, run in runs.items()}
assert test_of[32] > test_of[64] > test_of[128] < test_of[256]
assert test_of[128] < bpc_of["4-gram"] and min(test_of.values()) > bpc_of["Kneser-Ney 4-gram"]
assert (
    0.3 < min(test_of.values()) - bpc_of[f"Kneser-Ney {kn_order}-gram"] < 0.4
)  # "about a third of a bit"
# Checks: 64, 128 and 256 units were still improving when their runs ended; 256 runs with 128 at equal characters
assert all(runs[n]["best_epoch"] >= runs[n]["epochs"] - 1 for n in (64, 128, 256))
assert abs(runs[256]["val_bpc"][19] - runs[128]["val_bpc"][19]) < 0.02
# Checks: Kneser-Ney counts more n-grams than the largest network has weights
assert kn_grams > max(run["n_params"] for run in runs.values())

# %% mystnb={"figure": {"caption": "Larger networks score better up to 128 units, but none reaches Kneser-Ney; the larger ones are still improving when training stops."}, "image": {"alt": "Two panels. Left: test bits per character of the basic RNN against the number of hidden units, 32, 64, 128 and 256 on a logarithmic axis, falling from about 2.5 to about 2.1 at 128 units and rising slightly at 256 (trained half as long), with horizontal lines for the add-k 4-gram, the Kneser-Ney 4-gram and the Kneser-Ney 7-gram, the last far below every network. Right: validation bits per character against millions of training characters read, one curve per size: the 32-unit curve levels off near 2.55, the 64- and 128-unit curves are still sloping down at their ends, and the shorter 256-unit curve runs along the 128-unit one; the Kneser-Ney 7-gram's level is a line well below all curves."}}
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8))
sizes = list(runs)
a1.plot(
    sizes,
    [runs[n]["test_bpc"] for n in sizes],
    "o-",
    color=C["blue"],
    label="basic RNN (best epoch)",
)
a1.annotate(
    f"{runs[256]['epochs']} epochs",
    (256, runs[256]["test_bpc"]),
    textcoords="offset points",
    xytext=(-30, 8),
    fontsize=8.5,
)
a1.axhline(bpc_of["4-gram"], color=C["purple"], ls=":", lw=1.4, label="add-k 4-gram")
a1.axhline(
    bpc_of["Kneser-Ney 4-gram"], color=C["orange"], ls="--", lw=1.2, label="Kneser-Ney 4-gram"
)
a1.axhline(
    bpc_of[f"Kneser-Ney {kn_order}-gram"],
    color=C["vermillion"],
    ls="--",
    lw=1.2,
    label=f"Kneser-Ney {kn_order}-gram",
)
a1.set_xscale("log", base=2)
a1.set_xticks(sizes, [str(n) for n in sizes])
a1.set(xlabel="hidden units $H$", ylabel="bits per character", title="test text, by size")
for n, color in zip(sizes, (C["sky"], C["blue"], C["green"], C["black"]), strict=True):
    chars_read = runs[n]["training_characters_per_epoch"] * np.arange(1, runs[n]["epochs"] + 1)
    a2.plot(
        chars_read / 1e6, runs[n]["val_bpc"], "o-", ms=2.5, lw=1, color=color, label=f"$H$ = {n}"
    )
a2.axhline(
    kn_val[kn_order], color=C["vermillion"], ls="--", lw=1.2, label=f"Kneser-Ney {kn_order}-gram"
)
a2.set(xlabel="training characters read (millions)", title="validation text, during training")
a1.legend(fontsize=8.5)
a2.legend(fontsize=8.5, ncol=2)
plt.show()

# %% [markdown]
# Size helps: from 2.533 bits per character at 32 units to 2.224 at 64 and 2.094 at 128, which
# beats the add-k 4-gram (2.114). The 256-unit network, trained half as long, is at 2.144; at
# the same number of characters read, its validation curve runs along the 128-unit one (right).
# The overfitting we expected did not come: 64, 128 and 256 units were still improving when
# their runs ended. No network reaches Kneser–Ney's 4-gram (2.060), let alone its 7-gram (1.744).
#
# **Where the basic RNN stands, and why.** Here it is below the best counting model by about a
# third of a bit per character. The measurements point at size and training, not at recurrence:
# every doubling up to 128 units helped, the larger networks' curves had not levelled off, and
# none read the training text more than 40 times. The 7-gram keeps 203,181 different n-grams with
# their exact counts, more numbers than the largest network has weights (87,338). With more text
# and larger networks trained far longer, Mikolov et al. (2010) beat strong Kneser–Ney baselines;
# on a quarter of a megabyte of text, exact counts are hard to beat.
#
# ## 8. Writing: sampling with a temperature
#
# To generate text, the network first reads a **prefix** (the warm-up: its hidden state then
# summarises the prefix), then draws the next character from its softmax, feeds it back as the
# next input, and repeats. A **temperature** $\tau$ reshapes the distribution before drawing,
# $p_\tau \propto \exp(y_t / \tau)$: $\tau = 1$ samples the model as it is, $\tau < 1$ sharpens it
# towards the likeliest characters, $\tau > 1$ flattens it towards uniform. Draws come from
# `np.random.default_rng(seed)`, so the text below is the same on every machine.
#
# **Expectation.** At low temperature, safe and repetitive text made of the commonest words; at
# $\tau = 1$, English-looking words, many of them invented, in roughly Austen's rhythm; at high
# temperature, more and more non-words.

# %%
prefix, temperatures = "elizabeth", [0.3, 0.7, 1.0, 1.5]
samples = tx.sample(
    long_net, tx.encode(prefix, chars), 120, temperature=temperatures, seed=1
)  # side by side
for tau, sampled in zip(temperatures, samples, strict=True):
    print(f"temperature {tau}: {prefix + tx.decode(sampled, chars)!r}\n")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the words and names the text quotes are in the samples; the cold one repeats "her live"
sampled_text = " ".join(tx.decode(sampled, chars) for sampled in samples)
sampled_words = set(sampled_text.replace(".", " ").replace('"', " ").split())
assert {"the", "to", "was", "her", "and", "must", "manner", "little", "elizabeth"} <= sampled_words
assert "mr. darcy" in sampled_text and tx.decode(samples[0], chars).count("her live") == 2

# %% [markdown]
# The network has learned the look of the text: words of plausible length separated by
# single spaces, many common words spelled right (*the*, *to*, *was*, *her*, *and*, *must*,
# *manner*, *little*), and *mr. darcy* and *elizabeth* inside the samples. It has not learned
# meaning or grammar beyond a few words: with 32 hidden units and one novel's first volume that
# is out of reach. The cold sample is the most English-looking and repeats itself (*her live*
# twice); the hot one falls apart into letter soup with stray punctuation.
#
# ## 9. Where is the model surprised?
#
# Chapter 06 found, with Elman's invented words, that the prediction error peaks at the first
# letter of each word. Real text should show the same: inside a word the next letter is often
# nearly fixed (`Elizab…`), while which word comes next is far less certain. Below, the
# surprisal of the trained network on each character of a test passage is drawn as a coloured
# strip, light for expected characters and dark for surprising ones.
#
# **Expectation.** Dark at the first letters of words, light inside words and on the spaces
# after them; light too right after punctuation, where a space or a closing quote almost
# always follows.


# %% mystnb={"figure": {"caption": "Surprisal of the trained RNN along a test passage: dark where the next character was unexpected."}, "image": {"alt": "Three rows of a test passage from Pride and Prejudice written character by character, each on a background from white to dark red by the trained network's surprisal in bits; the first letters of words are mostly dark and later letters and spaces mostly light."}}
def surprise_strip(text, bits, width=70, vmax=8.0):
    """Draw `text` as rows of characters on a background coloured by their surprisal in bits."""
    rows = int(np.ceil(len(text) / width))
    cmap = plt.get_cmap("Reds")
    fig, ax = plt.subplots(figsize=(11, 0.36 * rows + 0.8))
    for i, (ch, b) in enumerate(zip(text, bits, strict=True)):
        r, col = divmod(i, width)
        ax.add_patch(plt.Rectangle((col, -r - 1), 1, 1, color=cmap(min(b, vmax) / vmax), lw=0))
        ax.text(
            col + 0.5,
            -r - 0.5,
            "¶" if ch == "\n" else ch,
            ha="center",
            va="center",
            family="monospace",
            fontsize=9,
            color="white" if b > 0.6 * vmax else "black",
        )
    ax.set(xlim=(0, width), ylim=(-rows, 0), xticks=[], yticks=[])
    ax.grid(False)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, vmax))
    fig.colorbar(sm, ax=ax, fraction=0.02, pad=0.01, label="bits")
    return fig, ax


start = test_text.index("mrs. bennet")
passage = slice(start, start + 210)
fig, ax = surprise_strip(test_text[passage], long_test_bits[passage.start - 1 : passage.stop - 1])
ax.set_title("surprisal of the trained RNN on each character of a test passage")
plt.show()

# %% [markdown]
# Now in numbers, over the whole test text. We sort each predicted character by where it
# stands: the first letter of a word, a later letter of a word, a space, and any character
# right after a punctuation mark. The trigram's surprisal on the same characters shows where the
# network's advantage comes from.

# %%
letter = np.isin(
    test, tx.encode("abcdefghijklmnopqrstuvwxyz", chars)
)  # is test character t a letter?
is_letter, was_letter = letter[1:], letter[:-1]  # for the predicted character t+1
groups = {
    "first letter of a word": is_letter & ~was_letter,
    "later letter of a word": is_letter & was_letter,
    "space": test[1:] == chars.index(" "),
    "right after punctuation": np.isin(test[:-1], tx.encode('.,;:!?"', chars)),
}
tri_bits = np.r_[
    np.nan, np.nan, scores["trigram"]
]  # align with long_test_bits (the n-grams start two later)
print(f"{'characters':<26}{'share':>8}{'RNN (stored)':>14}{'trigram':>10}")
mean = {}
for name, where in groups.items():
    where = where.copy()
    where[:2] = False  # the first characters have no n-gram score
    mean[name] = (long_test_bits[where].mean(), tri_bits[where].mean())
    print(f"{name:<26}{where.mean():>8.1%}{mean[name][0]:>14.2f}{mean[name][1]:>10.2f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: word starts are the surprises; spaces and after punctuation are cheap; the RNN gains inside words and at spaces, not at word starts
rnn_first, rnn_later = mean["first letter of a word"][0], mean["later letter of a word"][0]
assert rnn_first > 1.5 * rnn_later  # word starts are the surprises
assert mean["space"][0] < 1 and mean["right after punctuation"][0] < 1
gain = {name: m[1] - m[0] for name, m in mean.items()}
assert gain["later letter of a word"] > 0 and gain["space"] > 0
assert gain["first letter of a word"] < 0

# %% [markdown]
# The first letter of a word costs the network far more bits than a later letter, the
# word-boundary effect of chapter 06, now measured on a real novel. Spaces and the characters
# right after punctuation are cheap (mostly a space, a line break or a closing quote). The
# comparison with the trigram locates the network's gain: at word starts it is no better than
# counting (here slightly worse), since choosing the next *word* needs more than a few
# characters of context; inside words, where the letters so far pin down the rest, and at their
# ends (the space), it does better. A trigram sees two letters; the hidden state can hold more
# of the word so far.
#
# ## 10. What do single hidden units track?
#
# The hidden state is a vector of 32 numbers, updated by every character. Do some units follow
# something a reader can see? We do not guess: for each unit we measure the correlation of its
# activation, over the whole test text, with a few visible properties of the text read so far:
# the current character is a letter; it is a space; the position inside the current word;
# a quotation is open (an odd number of `"` since the start of the paragraph).
#
# **Expectation.** Word structure is what the network needs most (section 9), so we expect
# units for it. Quotations matter less for the next character and span many steps; a small
# network may well not track them.

# %%
Hs = long_Hs  # Hs[t]: the state after reading test character t
position, quote = [], []
p, q = 0, False  # place in the current word; inside a quotation?
for ch in test_text[:-1]:
    p = p + 1 if ch.isalpha() else 0
    if ch == '"':
        q = not q
    if ch == "\n":  # a paragraph end closes any quotation
        q = False
    position.append(p)
    quote.append(q)
features = {
    "current character is a letter": letter[:-1],
    "current character is a space": test[:-1] == chars.index(" "),
    "position inside the word": np.array(position),
    "inside a quotation": np.array(quote),
}
best = {}
for name, f in features.items():
    f = (f - f.mean()) / f.std()
    r = ((Hs - Hs.mean(axis=0)) / Hs.std(axis=0) * f[:, None]).mean(
        axis=0
    )  # correlation of each unit with f
    j = int(np.argmax(np.abs(r)))
    best[name] = (j, r[j])
    print(
        f"{name:<32} best unit {j:>2}: correlation {r[j]:+.2f}; "
        f"units with |r| > 0.4: {int((np.abs(r) > 0.4).sum())}"
    )

# %%
u_letter, u_pos = best["current character is a letter"][0], best["position inside the word"][0]
after_space = test[:-1] == chars.index(" ")
print(
    f"\nunit {u_letter} after a space: mean {Hs[after_space, u_letter].mean():+.2f}, below -0.9 in "
    f"{(Hs[after_space, u_letter] < -0.9).mean():.1%} of cases; after a letter: mean {Hs[letter[:-1], u_letter].mean():+.2f}"
)
position = np.array(position)
by_place = [Hs[position == k, u_pos].mean() for k in range(7)]
print(
    f"unit {u_pos}, mean by place in the word (0 = not in a word): "
    + ", ".join(f"{k}: {m:+.2f}" for k, m in enumerate(by_place))
)

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: one unit is a space detector, one a start-of-word unit; no unit follows quotations
assert abs(best["current character is a letter"][1]) > 0.5
assert best["current character is a letter"][0] == best["current character is a space"][0]
assert best["position inside the word"][1] < 0
assert (Hs[after_space, u_letter] < -0.9).mean() > 0.95
assert by_place[0] > 0.5 and by_place[1] > 0.5 and max(by_place[4:]) < -0.5
assert abs(best["inside a quotation"][1]) < 0.2

# %% mystnb={"figure": {"caption": "Two hidden units that follow word structure: a space detector and a start-of-word unit."}, "image": {"alt": "Activations between -1 and 1 of two hidden units while the network reads 80 characters of a test passage, shown as tick labels; the characters between words are shaded. One unit drops to about -1 at the spaces and stays high inside words; the other is high at the space and first letter of a word and falls to about -1 a few letters in."}}
seg = slice(start, start + 80)
fig, ax = plt.subplots(figsize=(11, 3.2))
t = np.arange(seg.stop - seg.start)
for i, ch in enumerate(test_text[seg]):
    if not ch.isalpha():  # shade the characters between words
        ax.axvspan(i - 0.5, i + 0.5, color=C["yellow"], alpha=0.35, lw=0)
for j, color in ((u_letter, C["blue"]), (u_pos, C["vermillion"])):
    ax.plot(t, Hs[seg, j], "o-", ms=2.5, lw=1.2, color=color, label=f"unit {j}")
ax.set_xticks(
    t, ["␣" if ch == " " else ch for ch in test_text[seg]], family="monospace", fontsize=8
)
ax.set(
    ylabel="activation $h_t$",
    ylim=(-1.05, 1.05),
    title="two hidden units while the network reads a test passage (shaded: not a letter)",
)
ax.grid(axis="x", visible=False)
ax.legend(loc="lower right", ncol=2)
plt.show()

# %% [markdown]
# Several units follow word structure closely. The best unit for "letter" and for "space" is
# the same one: it drops to about $-1$ after almost every space (printed above) and is mostly
# high inside words, a space detector. The unit that best follows the position inside the word
# (with a negative correlation) is high on the space and the first letter of a word and falls
# steadily further into it: a "start of a word" unit. The figure shows both on a passage. No unit follows quotations (every correlation is below
# 0.2 in size): either the network does not carry that information, or it spreads it over many
# units, which a one-unit correlation cannot see (a linear probe on all 32 units, as in
# chapter 04, could). Clean single-unit detectors are the exception, not the rule; the hidden
# state is a distributed summary, as the article's hidden-information view puts it. Karpathy,
# Johnson and Fei-Fei (2015) found the same in far larger character models: a few cells track
# quotes or line length, most have no nameable meaning.

# %% [markdown]
# ## Key takeaways
#
# - A character-level language model is the basic RNN with one-hot inputs and a softmax
#   output over the alphabet, trained with the cross-entropy; its score is the mean surprisal
#   $-\log_2 p$ of held-out text, in **bits per character**, or the perplexity $2^{\text{bpc}}$.
# - Counting models are the baselines to beat: uniform ($\log_2 V$), add-k from the unigram to
#   the 4-gram, and interpolated Kneser–Ney, with $k$ and the order chosen on validation text,
#   never on the test.
# - A long text is trained on by **truncated BPTT over continuous streams**: many stretches
#   side by side, read a piece at a time, the hidden state carried across pieces.
# - Measured here: 80 updates beat the unigram and bigram but not the trigram; trained longer,
#   the 32-unit network beats the trigram but not the add-k 4-gram, and 128 units beat that
#   too. Kneser–Ney's 7-gram beats every network (1.744 bits per character against 2.094 at
#   best): with this little text and training, exact counts win, and the gap shrank with every
#   doubling up to 128 units. Report the strongest baseline you can build.
# - Word starts are where the model is surprised, as in Elman's (1990) experiment; the
#   characters after punctuation are among the easiest.
# - Sampling with a temperature trades safety for variety; the text looks like English long
#   before it means anything.
# - Some hidden units follow visible structure (letters vs spaces, position in a word); others
#   (quotations) show no single-unit trace.

# %% [markdown]
# ## Exercises
#
# **1. (Conceptual and coding) The best unigram.** For a model that ignores context, show that
# the training-text cross-entropy $-\sum_c f_c \log_2 p_c$ (with $f_c$ the relative frequencies)
# is smallest at $p = f$, and that its minimum is the entropy of $f$. Check it numerically on the
# training text: compare $p = f$ with a few random perturbations of $f$.
#
# <details>
# <summary>Solution</summary>
#
# The difference between the cross-entropy at $p$ and at $f$ is
# $\sum_c f_c \log_2 (f_c / p_c)$, the Kullback–Leibler divergence of $f$ from $p$, which is
# never negative and is zero only at $p = f$ (Gibbs' inequality). So counting relative
# frequencies is the maximum-likelihood unigram, and add-k smoothing gives up a little on the
# training text to avoid zeros on new text.
#
# ```python
# import numpy as np
# from rnnlib import text as tx
# from rnnlib.datasets import load_austen
#
# book = load_austen(prose_only=True, lower=True)
# chars = tx.alphabet(book)
# train = tx.encode(tx.split(book)[0], chars)
# f = np.bincount(train, minlength=len(chars)) / len(train)
#
#
# def cross_entropy(p):
#     return -np.sum(f[f > 0] * np.log2(p[f > 0]))
#
#
# entropy = cross_entropy(f)
# rng = np.random.default_rng(0)
# for _ in range(5):
#     p = f * np.exp(0.3 * rng.normal(size=f.shape))
#     p /= p.sum()
#     assert cross_entropy(p) > entropy
# print(f"entropy of the character frequencies: {entropy:.3f} bits; every perturbation costs more")
# ```
#
# </details>
#
# **2. (Coding) Does mixing the counting models help?** Interpolate the uniform, unigram, bigram
# and trigram tables, $p = w_0/V + w_1 p_1 + w_2 p_2 + w_3 p_3$, with weights fitted on the
# validation text by `ngram.fit_weights` (the Jelinek–Mercer rule), and compare it on the test text
# with the add-k trigram alone. What do the weights say?
#
# <details>
# <summary>Solution</summary>
#
# The fitted weights put almost everything on the trigram, and the mixture is only a
# hair better than the add-k trigram: with the smoothing already chosen on validation, the
# trigram's own $k$ does most of what mixing in lower orders would do. To gain substantially,
# a counting model needs longer contexts that back off for the rare ones (Kneser–Ney,
# section 3), not a different mix of short ones.
#
# ```python
# import numpy as np
# from rnnlib import ngram
# from rnnlib import text as tx
# from rnnlib.datasets import load_austen
#
# book = load_austen(prose_only=True, lower=True)
# chars = tx.alphabet(book)
# train, val, test = (tx.encode(part, chars) for part in tx.split(book))
# V = len(chars)
# tables = [ngram.uniform(V)] + [ngram.add_k(train, n, V, ngram.choose_k(train, val, n, V, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0], start=2)[0])
#                                for n in (1, 2, 3)]
# w = ngram.fit_weights(tables, val, start=2)
# mixed = ngram.surprisal(ngram.interpolate(tables, w), test, start=2).mean()
# trigram = ngram.surprisal(tables[3], test, start=2).mean()
# print("weights (uniform, unigram, bigram, trigram):", ", ".join(f"{x:.3f}" for x in w))
# print(f"test: interpolated {mixed:.3f} bits per character, add-k trigram {trigram:.3f}")
# assert w[3] > 0.9
# assert mixed <= trigram + 0.01
# ```
#
# </details>
#
# **3. (Coding) Is it counting that runs out, or add-k?** Build add-k **5-gram** and **6-gram**
# models with Python dictionaries of counts (a table of $42^5$ entries would not fit comfortably
# in memory), choose $k$ on validation as before, and compare them on the test text with the
# 4-gram. Then score `ngram.kneser_ney` at the same three orders. Does every extra character of
# context help?
#
# <details>
# <summary>Solution</summary>
#
# With add-k, the 5-gram still improves on the 4-gram a little and the 6-gram is worse than
# both: most five-character contexts of the test text were seen a few times in training, or
# never, and add-k then falls back to nearly uniform guesses. Kneser–Ney improves at every one
# of these orders, because a rare context backs off to a shorter, well-counted one. So the
# drop is an artefact of add-k, not a limit of counting at this length (section 3 found where
# Kneser–Ney itself stops gaining).
#
# ```python
# from collections import Counter
#
# import numpy as np
# from rnnlib import ngram
# from rnnlib import text as tx
# from rnnlib.datasets import load_austen
#
# book = load_austen(prose_only=True, lower=True)
# chars = tx.alphabet(book)
# train, val, test = (tx.encode(part, chars).tolist() for part in tx.split(book))
# V = len(chars)
# KS = [0.003, 0.01, 0.03, 0.1]
#
#
# def ngram_bits(n):
#     """Test bits per character (from the 6th character on) of the add-k n-gram, k chosen on validation."""
#     grams = Counter(tuple(train[i:i + n]) for i in range(len(train) - n + 1))
#     contexts = Counter(tuple(train[i:i + n - 1]) for i in range(len(train) - n + 2))
#
#     def bits(ids, k):
#         return np.mean([-np.log2((grams[g] + k) / (contexts[g[:-1]] + k * V))
#                         for g in (tuple(ids[i - n + 1:i + 1]) for i in range(5, len(ids)))])
#
#     k = min(KS, key=lambda kk: bits(val, kk))
#     return bits(test, k)
#
#
# result = {n: ngram_bits(n) for n in (4, 5, 6)}
# kn = {n: ngram.surprisal(ngram.kneser_ney(train, n, V), test, start=5).mean() for n in (4, 5, 6)}
# for n in (4, 5, 6):
#     print(f"{n}-gram on the test text: add-k {result[n]:.3f}, Kneser-Ney {kn[n]:.3f} bits per character")
# assert result[5] < result[4] and result[6] > result[5]     # add-k: better, then worse
# assert kn[4] > kn[5] > kn[6] and kn[6] < result[5]         # Kneser-Ney: better at every order
# ```
#
# </details>
#
# **4. (Coding) Temperature and entropy.** For the stored network, after the warm-up on
# `"elizabeth"`, compute the entropy $-\sum_j p_j \log_2 p_j$ of the next-character distribution
# at temperatures 0.3, 1 and 1.5. Then sample 400 characters at temperature 0.3 and at 1.0 and
# count how many *different* words each contains. Relate the two measurements.
#
# <details>
# <summary>Solution</summary>
#
# The entropy rises with the temperature: at $\tau = 0.3$ the distribution is nearly certain,
# at 1.5 it is spread over many characters. Low entropy per step means the sampler keeps taking
# the same likeliest paths, so the cold sample reuses a few common words over and over, while
# the sample at $\tau = 1$ has many more different words, real and invented.
#
# ```python
# import numpy as np
# import rnnlib
# from importlib import resources
# from rnnlib import text as tx
# from rnnlib.datasets import load_austen
#
# chars = tx.alphabet(load_austen(prose_only=True, lower=True))
# V = len(chars)
# net = rnnlib.ElmanRNN(V, 32, V)
# with np.load(resources.files("rnnlib").joinpath("data").joinpath("char_lm.npz")) as z:
#     for name in net.param_names:
#         setattr(net, name, z[name])
# _, Y = net.forward(tx.one_hot(tx.encode("elizabeth", chars), V))
# entropy = {}
# for tau in (0.3, 1.0, 1.5):
#     p = tx.temperature_probs(Y[-1], tau)
#     entropy[tau] = -np.sum(p[p > 0] * np.log2(p[p > 0]))
#     print(f"temperature {tau}: entropy of the next character {entropy[tau]:.2f} bits")
# words = {}
# for tau in (0.3, 1.0):
#     sample = tx.decode(tx.sample(net, tx.encode("elizabeth", chars), 400, temperature=tau, seed=1), chars)
#     words[tau] = len(set(sample.split()))
#     print(f"temperature {tau}: {len(sample.split())} words, {words[tau]} different")
# assert entropy[0.3] < entropy[1.0] < entropy[1.5]
# assert words[0.3] < words[1.0]
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. The network used here, and its hidden-information view: the hidden nodes as a summary of everything read so far.
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990.
# 3. T. Mikolov, M. Karafiát, L. Burget, J. Černocký and S. Khudanpur, “Recurrent neural network based language model,” *Interspeech*, 1045–1048, 2010.
# 4. A. Karpathy, “The unreasonable effectiveness of recurrent neural networks,” blog post, 2015 (karpathy.github.io/2015/05/21/rnn-effectiveness), and min-char-rnn.
# 5. A. Graves, “Generating sequences with recurrent neural networks,” arXiv:1308.0850, 2013.
# 6. C. E. Shannon, “Prediction and entropy of printed English,” *Bell System Technical Journal*, 30(1), 50–64, 1951.
# 7. C. E. Shannon, “A mathematical theory of communication,” *Bell System Technical Journal*, 27, 379–423 and 623–656, 1948.
# 8. F. Jelinek and R. L. Mercer, “Interpolated estimation of Markov source parameters from sparse data,” in *Pattern Recognition in Practice*, North-Holland, 1980.
# 9. Y. Bengio, R. Ducharme, P. Vincent and C. Jauvin, “A neural probabilistic language model,” *Journal of Machine Learning Research*, 3, 1137–1155, 2003.
# 10. S. M. Katz, “Estimation of probabilities from sparse data for the language model component of a speech recognizer,” *IEEE Transactions on Acoustics, Speech, and Signal Processing*, 35(3), 400–401, 1987.
# 11. R. Kneser and H. Ney, “Improved backing-off for m-gram language modeling,” *ICASSP*, 181–184, 1995.
# 12. D. Jurafsky and J. H. Martin, *Speech and Language Processing*, 3rd ed. draft, chapter 3 “N-gram language models” (web.stanford.edu/~jurafsky/slp3).
# 13. J. Austen, *Pride and Prejudice*, 1813. Project Gutenberg eBook #1342, via J. Silge, *janeaustenr: Jane Austen's complete novels*, R package 1.0.0, 2022. See `rnnlib/data/README.md`.
# 14. D. P. Kingma and J. Ba, “Adam: a method for stochastic optimization,” *ICLR*, 2015.
# 15. S. F. Chen and J. Goodman, “An empirical study of smoothing techniques for language modeling,” *Computer Speech & Language*, 13(4), 359–394, 1999. Interpolated Kneser–Ney.
# 16. H. Ney, U. Essen and R. Kneser, “On structuring probabilistic dependences in stochastic language modelling,” *Computer Speech & Language*, 8(1), 1–38, 1994. The discount $n_1/(n_1 + 2 n_2)$.
# 17. A. Karpathy, J. Johnson and L. Fei-Fei, “Visualizing and understanding recurrent networks,” arXiv:1506.02078, 2015. Interpretable cells.

# %% [markdown]
# [← 07. Sunspots](07_sunspots.ipynb) | [00. Introduction](00_introduction.ipynb)
