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
# is it better than simply *counting* which characters follow which? We measure every model
# on the same held-out pages of a real novel, Jane Austen's *Pride and Prejudice*, in bits per
# character, and report what wins where. It is also the place where the article's second
# reading of the network, the hidden layer (隐层) as a running summary of everything seen so far,
# meets a task where that summary is the whole point. Terms are explained in the
# [glossary](00_introduction.ipynb#Glossary).
#
# **What you will learn**
#
# - how text becomes a sequence for the network: an alphabet, one-hot inputs, and a softmax
#   output that gives a probability to every character that could come next;
# - how to score a model of text: cross-entropy in **bits per character**, and perplexity;
# - the honest baselines: uniform, unigram, bigram, trigram and 4-gram counting models, smoothed,
#   with their one setting chosen on validation text;
# - training on a long continuous text with truncated BPTT, carrying the hidden state from
#   one piece to the next, on many stretches of the book at once;
# - sampling with a *temperature* after a warm-up on a prefix;
# - where the model is surprised (word starts) and what single hidden units respond to.
#
# **Prerequisites:** [02. The formula](02_formula.ipynb) and [05. Training by BPTT](05_training_bptt.ipynb)
# (`rnnlib.fit`, truncated BPTT); [06. Elman (1990) reproduced](06_elman_1990.ipynb) for the
# word-boundary effect; logarithms and probabilities.
#
# **Time to read:** about 45 minutes.

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS thread: faster for our small matrices (set before numpy loads)
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
# checksum. We keep the prose only (the title and the chapter headings go) and fold capitals
# to lower case, as Shannon did in his experiments: it shrinks the alphabet by a third, and so
# the network and its training time, at a small cost (a capital after a full stop is easy to
# predict anyway). Before anything is counted or trained, we cut the text, in its order, into
# three parts at paragraph ends:
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
print(f"one-hot: shape {X.shape}; row 0 has its 1 at column {int(X[0].argmax())}, "
      f"the index of {chars[int(X[0].argmax())]!r}")
net = rnnlib.ElmanRNN(V, 4, V, seed=0)
assert np.array_equal(rnnlib.portable.matmul(net.W, X[0][:, None])[:, 0], net.W[:, ids[0]])   # W x = column ids[0] of W

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
# guessing the next letter of English text, that the true figure for English is around 1 bit
# per character, perhaps less: no model of this chapter will come close, with a quarter of a
# megabyte to learn from.

# %%
bits_uniform = ngram.surprisal(ngram.uniform(V), test, start=3)
bpc, ppl = tx.bits_per_char(bits_uniform)
print(f"uniform model: {bpc:.3f} bits per character = log2({V}) = {np.log2(V):.3f}; perplexity {ppl:.1f}")
assert np.isclose(bpc, np.log2(V)) and np.isclose(ppl, V)

# %% [markdown]
# ## 3. Counting models: from unigram to 4-gram
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
# **Expectation.** Each extra character of context should help a lot at first: English letters
# are far from equally frequent (unigram), and the letter after `q` or `th` is far from free
# (bigram, trigram). But the number of contexts grows as $V^{n-1}$, and each is seen less often:
# $k$ should hardly matter for the unigram and bigram, and matter more and more from the
# trigram on, where many contexts are rare.

# %%
KS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
tables, chosen = {"uniform": ngram.uniform(V)}, {}
print(f"validation bits per character for k = {', '.join(map(str, KS))}")
for order, name in [(1, "unigram"), (2, "bigram"), (3, "trigram"), (4, "4-gram")]:
    k, val_bits = ngram.choose_k(train, val, order, V, KS, start=3)
    tables[name], chosen[name] = ngram.add_k(train, order, V, k), k
    print(f"{name:8s}", "  ".join(f"{b:.3f}" for b in val_bits), f"  -> k = {k}")

# %% [markdown]
# As expected, the unigram and bigram hardly care about $k$ (their contexts have thousands of
# counts); for the trigram, and even more for the 4-gram, too much smoothing costs a lot: at
# $k = 1$ every unseen continuation of a rare context gets as much weight as the real ones.
# The chosen $k$ are fixed now; the test text has not been looked at.
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
print(f"inputs and targets {inputs.shape} (steps, streams); targets are the inputs one character on:",
      np.array_equal(inputs[1:], targets[:-1]))
print("stream 0 starts:", repr(tx.decode(inputs[:40, 0], chars)))
print("stream 1 starts:", repr(tx.decode(inputs[:40, 1], chars)))
net = rnnlib.ElmanRNN(V, H, V, seed=0)
print(f"{net}: {net.n_params} parameters; {-(-inputs.shape[0] // CHUNK)} updates read the training text once")

# %% [markdown]
# We train $H = 32$ hidden units with Adam (learning rate 0.02, gradients clipped to norm 5)
# for 80 updates, a third of one pass over the training text; three seeds show the spread,
# trained side by side in one call (`rnnlib.fit` accepts a list of networks). The chapter can afford no more:
# `rnnlib` computes every product in a fixed order so that the digits are the same on every
# machine, which costs time, and a network with 42 inputs and 42 outputs has many products.
# These settings were fixed while writing the chapter, in trial runs scored on validation text
# only: 64 hidden units learned better but cost about twice as much, and a learning rate of
# 0.03 was faster in the first updates.
# <!-- constants: 0.03 (a learning rate tried while writing the chapter, not run here) -->
#
# **Expectation.** Starting from the uniform level ($\log_2 42 \approx 5.4$ bits), 80 updates
# should take the network past the unigram quickly and past the bigram, since a single
# character of context is easy to pick up. Reaching the trigram, which has counted all of the
# training text exactly, would be a surprise.

# %%
LIVE_UPDATES, SEEDS = 80, [0, 1, 2]
nets = [rnnlib.ElmanRNN(V, H, V, seed=seed) for seed in SEEDS]
histories = tx.fit_char_lm(nets, train, n_streams=N_STREAMS, chunk=CHUNK, updates=LIVE_UPDATES,
                           lr=0.02, clip=5.0, seed=SEEDS)
live = {seed: (net, np.array(h.step_loss) / np.log(2)) for seed, net, h in zip(SEEDS, nets, histories)}  # nats -> bits
for seed, (net, loss) in live.items():
    print(f"seed {seed}: training loss {loss[0]:.2f} bits at the first update, {loss[-10:].mean():.2f} over the last 10")

# %% [markdown]
# ## 5. The same network, trained longer
#
# Eighty updates are what fits into a chapter that runs in seconds.
# `scripts/train_char_lm.py` trains the same network with the same settings and seed 0 for 40
# passes over the training text, and ships the weights with the loss of every update and the
# validation bpc after every pass (`rnnlib/data/char_lm.npz`; `char_lm.json` records the
# command, the time taken and a checksum). Its first 80 updates are the live run with seed 0
# above, number for number, so the stored curve is the live curve continued:

# %%
data = resources.files("rnnlib").joinpath("data")
record = json.loads(data.joinpath("char_lm.json").read_text(encoding="utf-8"))
with np.load(data.joinpath(record["weights"])) as stored:
    long_net = rnnlib.ElmanRNN(V, H, V)
    for name in long_net.param_names:
        setattr(long_net, name, stored[name])
    long_loss, long_val = stored["step_loss"] / np.log(2), stored["val_bpc"]
print(f"{record['command']}: seed {record['settings']['seed']}, {record['epochs']} epochs, "
      f"{record['updates']} updates; settings {record['settings']}")
assert record["settings"] == {"n_hidden": H, "n_streams": N_STREAMS, "chunk": CHUNK, "lr": 0.02, "clip": 5.0, "seed": 0}
# the weights follow the same path bit for bit; the loss values pass through numpy's log, whose last bit
# may depend on the CPU, so they are compared to 12 significant digits
same = np.allclose(long_loss[:LIVE_UPDATES], live[0][1], rtol=1e-12, atol=0)
print(f"the first {LIVE_UPDATES} stored losses equal the live run with seed 0 (to 12 digits): {same}")
assert same

# %% mystnb={"figure": {"caption": "The live runs are the start of the stored run: the curve continues past the bigram and trigram but not the 4-gram."}, "image": {"alt": "Two panels of bits per character against training updates. Left: the first 80 updates of three live training runs (seeds 0, 1, 2) and the stored run's smoothed training loss, falling from about 5.4 bits through the bigram's validation level; the trigram and 4-gram levels lie below. Right: the stored run over all its updates, with the validation bits per character after each epoch as dots, which fall below the trigram's level and level off well above the 4-gram's."}}
def smooth(x, width=50):
    """Moving average over `width` updates (the loss of single updates is noisy)."""
    return np.convolve(x, np.ones(width) / width, mode="valid")


val_bigram = ngram.surprisal(tables["bigram"], val, start=3).mean()
val_trigram = ngram.surprisal(tables["trigram"], val, start=3).mean()
val_4gram = ngram.surprisal(tables["4-gram"], val, start=3).mean()
updates_per_epoch = record["updates"] // record["epochs"]
below = int(np.argmax(long_val < val_trigram))
print(f"validation below the trigram's {val_trigram:.3f} from epoch {below + 1} on ({updates_per_epoch * (below + 1)} updates): "
      f"{bool(np.all(long_val[below:] < val_trigram))}; last epoch {long_val[-1]:.3f}, 4-gram {val_4gram:.3f}")
assert np.all(long_val[below:] < val_trigram) and long_val.min() > val_4gram
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, stop in ((a1, LIVE_UPDATES), (a2, len(long_loss))):
    steps = np.arange(1, stop + 1)
    width = 10 if stop == LIVE_UPDATES else 50
    ax.plot(steps[width - 1:], smooth(long_loss[:stop], width), color=C["black"], lw=1.2,
            label=f"stored run (seed 0), training loss, mean of {width} updates")
    ax.axhline(val_bigram, color=C["orange"], ls="--", lw=1.2, label="bigram, validation")
    ax.axhline(val_trigram, color=C["vermillion"], ls="--", lw=1.2, label="trigram, validation")
    ax.axhline(val_4gram, color=C["purple"], ls=":", lw=1.4, label="4-gram, validation")
    ax.set(xlabel="update", xlim=(0, stop))
for seed, color in zip(SEEDS, (C["blue"], C["sky"], C["green"])):
    a1.plot(np.arange(1, LIVE_UPDATES + 1), live[seed][1], color=color, lw=0.8, alpha=0.8,
            label=f"live, seed {seed}")
a2.plot(updates_per_epoch * np.arange(1, len(long_val) + 1), long_val, "o", ms=3.5, color=C["blue"],
        label="stored run, validation after each epoch")
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
# **Expectation.** The counting models in order, each better than the one before. The live RNN
# below the bigram. The RNN trained longer below the trigram but above the 4-gram, as its
# validation curve above suggests; the test text (the end of the volume) is different from the
# validation text, so the exact numbers will differ.

# %%
scores = {name: ngram.surprisal(table, test, start=3) for name, table in tables.items()}
live_bpc = np.array([tx.surprisal(net, test, n_streams=32)[2:].mean() for net, _ in live.values()])
long_Hs, long_Y = tx.read(long_net, test, n_streams=32)        # states and outputs after each test character
long_test_bits = tx.next_char_bits(long_Y, test[1:])          # bits for test characters 1, 2, ...
long_bits = long_test_bits[2:]                                # from the fourth character on, like the n-grams
print(f"bits per character and perplexity on the {len(scores['uniform'])} test characters\n")
print(f"{'model':<34}{'bits/char':>14}{'perplexity':>12}")
for name, bits in scores.items():
    bpc, ppl = tx.bits_per_char(bits)
    setting = f" (k = {chosen[name]})" if name in chosen else ""
    print(f"{name + setting:<34}{bpc:>14.3f}{ppl:>12.2f}")
print(f"{f'RNN, H={H}, {LIVE_UPDATES} updates, 3 seeds':<34}{f'{live_bpc.mean():.3f} ± {live_bpc.std():.3f}':>14}"
      f"{2 ** live_bpc.mean():>12.2f}")
bpc, ppl = tx.bits_per_char(long_bits)
print(f"{f'RNN, H={H}, {len(long_loss)} updates (stored)':<34}{bpc:>14.3f}{ppl:>12.2f}")

bpc_of = {name: bits.mean() for name, bits in scores.items()}
assert bpc_of["uniform"] > bpc_of["unigram"] > bpc_of["bigram"] > bpc_of["trigram"] > bpc_of["4-gram"]
assert live_bpc.max() < bpc_of["bigram"]          # every live seed beats the bigram ...
assert live_bpc.min() > bpc_of["trigram"]         # ... and none reaches the trigram
assert bpc_of["4-gram"] < long_bits.mean() < bpc_of["trigram"]   # trained longer: beats the trigram, not the 4-gram

# %% [markdown]
# As measured: every live run beats the unigram and the bigram, with little spread between
# seeds, but after 80 updates none comes near the trigram, which has simply counted all of the
# training text. Trained about a hundred times longer, the same network beats the trigram, with
# its 3,786 parameters against the trigram's table of $42^3 = 74{,}088$ probabilities. But the
# 4-gram beats it by a wide margin. A basic RNN of this size, on a quarter of a megabyte of
# text, is not automatically better than counting: the 4-gram's three characters of context,
# counted exactly, are worth more here than what 32 hidden units learn to keep. Mikolov et al.
# (2010) beat the best counting models with larger networks, far more text and word-level
# vocabularies; exercise 3 shows where counting runs out of data.
#
# ## 7. Writing: sampling with a temperature
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
samples = tx.sample(long_net, tx.encode(prefix, chars), 120, temperature=temperatures, seed=1)   # side by side
for tau, sampled in zip(temperatures, samples):
    print(f"temperature {tau}: {prefix + tx.decode(sampled, chars)!r}\n")

# %% [markdown]
# The network has learned the look of the text: words of plausible length separated by
# single spaces, many common words spelled right (*the*, *to*, *was*, *her*, *and*, *soon*,
# *very*, *must*), and the heroine's name again inside a sample. It has not learned meaning or
# grammar beyond a few words: with 32 hidden units and one novel's first volume that is out of
# reach. The cold sample is the most English-looking and leans on the commonest words (*the*
# again and again); the hot one falls apart into letter soup with stray punctuation.
#
# ## 8. Where is the model surprised?
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
    for i, (ch, b) in enumerate(zip(text, bits)):
        r, col = divmod(i, width)
        ax.add_patch(plt.Rectangle((col, -r - 1), 1, 1, color=cmap(min(b, vmax) / vmax), lw=0))
        ax.text(col + 0.5, -r - 0.5, "¶" if ch == "\n" else ch, ha="center", va="center",
                family="monospace", fontsize=9, color="white" if b > 0.6 * vmax else "black")
    ax.set(xlim=(0, width), ylim=(-rows, 0), xticks=[], yticks=[])
    ax.grid(False)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, vmax))
    fig.colorbar(sm, ax=ax, fraction=0.02, pad=0.01, label="bits")
    return fig, ax


start = test_text.index("mrs. bennet")
passage = slice(start, start + 210)
fig, ax = surprise_strip(test_text[passage], long_test_bits[passage.start - 1:passage.stop - 1])
ax.set_title("surprisal of the trained RNN on each character of a test passage")
plt.show()

# %% [markdown]
# Now in numbers, over the whole test text. We sort each predicted character by where it
# stands: the first letter of a word, a later letter of a word, a space, and any character
# right after a punctuation mark. The trigram's surprisal on the same characters shows where the
# network's advantage comes from.

# %%
letter = np.isin(test, tx.encode("abcdefghijklmnopqrstuvwxyz", chars))   # is test character t a letter?
is_letter, was_letter = letter[1:], letter[:-1]                            # for the predicted character t+1
groups = {
    "first letter of a word": is_letter & ~was_letter,
    "later letter of a word": is_letter & was_letter,
    "space": test[1:] == chars.index(" "),
    "right after punctuation": np.isin(test[:-1], tx.encode('.,;:!?"', chars)),
}
tri_bits = np.r_[np.nan, np.nan, scores["trigram"]]  # align with long_test_bits (the n-grams start two later)
print(f"{'characters':<26}{'share':>8}{'RNN (stored)':>14}{'trigram':>10}")
mean = {}
for name, where in groups.items():
    where = where.copy()
    where[:2] = False                                 # the first characters have no n-gram score
    mean[name] = (long_test_bits[where].mean(), tri_bits[where].mean())
    print(f"{name:<26}{where.mean():>8.1%}{mean[name][0]:>14.2f}{mean[name][1]:>10.2f}")

rnn_first, rnn_later = mean["first letter of a word"][0], mean["later letter of a word"][0]
assert rnn_first > 1.5 * rnn_later                          # word starts are the surprises
assert mean["space"][0] < 1 and mean["right after punctuation"][0] < 1
gain = {name: m[1] - m[0] for name, m in mean.items()}
assert gain["later letter of a word"] > 0 and gain["space"] > 0        # the RNN's gain: inside words, at their ends
assert gain["first letter of a word"] < 0                              # ... none at word starts (here even a loss)

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
# ## 9. What do single hidden units track?
#
# The hidden state is a vector of 32 numbers, updated by every character. Do some units follow
# something a reader can see? We do not guess: for each unit we measure the correlation of its
# activation, over the whole test text, with a few visible properties of the text read so far:
# the current character is a letter; it is a space; the position inside the current word;
# a quotation is open (an odd number of `"` since the start of the paragraph).
#
# **Expectation.** Word structure is what the network needs most (section 8), so we expect
# units for it. Quotations matter less for the next character and span many steps; a small
# network may well not track them.

# %%
Hs = long_Hs                                            # Hs[t]: the state after reading test character t
position, quote, p, q = [], [], 0, False
for ch in test_text[:-1]:
    p = p + 1 if ch.isalpha() else 0
    q = (not q if ch == '"' else q) and ch != "\n"
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
    r = ((Hs - Hs.mean(axis=0)) / Hs.std(axis=0) * f[:, None]).mean(axis=0)   # correlation of each unit with f
    j = int(np.argmax(np.abs(r)))
    best[name] = (j, r[j])
    print(f"{name:<32} best unit {j:>2}: correlation {r[j]:+.2f}; "
          f"units with |r| > 0.4: {int((np.abs(r) > 0.4).sum())}")
assert abs(best["current character is a letter"][1]) > 0.5
assert best["current character is a letter"][0] == best["current character is a space"][0]   # one unit for both
assert best["position inside the word"][1] < 0

u_letter, u_pos = best["current character is a letter"][0], best["position inside the word"][0]
after_space = test[:-1] == chars.index(" ")
print(f"\nunit {u_letter} after a space: mean {Hs[after_space, u_letter].mean():+.2f}, below -0.9 in "
      f"{(Hs[after_space, u_letter] < -0.9).mean():.1%} of cases; after a letter: mean {Hs[letter[:-1], u_letter].mean():+.2f}")
position = np.array(position)
by_place = [Hs[position == k, u_pos].mean() for k in range(7)]
print(f"unit {u_pos}, mean by place in the word (0 = not in a word): "
      + ", ".join(f"{k}: {m:+.2f}" for k, m in enumerate(by_place)))
assert (Hs[after_space, u_letter] < -0.9).mean() > 0.95            # a space detector
assert by_place[0] > 0.5 and by_place[1] > 0.5 and max(by_place[4:]) < -0.5   # high at a word's start, low later
assert abs(best["inside a quotation"][1]) < 0.2

# %% mystnb={"figure": {"caption": "Two hidden units that follow word structure: a space detector and a start-of-word unit."}, "image": {"alt": "Activations between -1 and 1 of two hidden units while the network reads 80 characters of a test passage, shown as tick labels; the characters between words are shaded. One unit drops to about -1 at the spaces and stays high inside words; the other is high at the space and first letter of a word and falls to about -1 a few letters in."}}
seg = slice(start, start + 80)
fig, ax = plt.subplots(figsize=(11, 3.2))
t = np.arange(seg.stop - seg.start)
for i, ch in enumerate(test_text[seg]):
    if not ch.isalpha():                             # shade the characters between words
        ax.axvspan(i - 0.5, i + 0.5, color=C["yellow"], alpha=0.35, lw=0)
for j, color in ((u_letter, C["blue"]), (u_pos, C["vermillion"])):
    ax.plot(t, Hs[seg, j], "o-", ms=2.5, lw=1.2, color=color, label=f"unit {j}")
ax.set_xticks(t, ["␣" if ch == " " else ch for ch in test_text[seg]], family="monospace", fontsize=8)
ax.set(ylabel="activation $h_t$", ylim=(-1.05, 1.05),
       title="two hidden units while the network reads a test passage (shaded: not a letter)")
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
# state is a distributed summary, as the article's hidden-information view puts it.

# %% [markdown]
# ## Key takeaways
#
# - A character-level language model is the basic RNN with one-hot inputs and a softmax
#   output over the alphabet, trained with the cross-entropy; its score is the mean surprisal
#   $-\log_2 p$ of held-out text, in **bits per character**, or the perplexity $2^{\text{bpc}}$.
# - Counting models are the baselines to beat: uniform ($\log_2 V$), unigram, bigram and
#   trigram, smoothed (add-k) with $k$ chosen on validation text, never on the test.
# - A long text is trained on by **truncated BPTT over continuous streams**: many stretches
#   side by side, read a piece at a time, the hidden state carried across pieces.
# - Measured here: 80 updates beat the unigram and bigram but not the trigram; trained longer,
#   the same 32-unit network beats the trigram (inside words and at word ends), but not the
#   4-gram. Report the strongest baseline you can build, not only the weak ones.
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
# a counting model needs longer contexts (with back-off for the rare ones), not a different mix
# of short ones.
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
# **3. (Coding) How far can counting go?** Build add-k **5-gram** and **6-gram** models with
# Python dictionaries of counts (a table of $42^5$ entries would not fit comfortably in memory),
# choose $k$ on validation as before, and compare them on the test text with the 4-gram. Does
# every extra character of context help?
#
# <details>
# <summary>Solution</summary>
#
# The 5-gram still improves on the 4-gram a little, and the 6-gram is worse than both: with
# five characters of context, most contexts in the test text were seen only a few times in
# 185,000 characters of training text, or never, and add-k smoothing then falls back to nearly
# uniform guesses. Counting models run out of data as the context grows; this is the problem
# that back-off and interpolation between orders (Katz; Kneser and Ney) address for counting
# models, and that a neural model addresses by sharing what it learns across contexts through
# its weights (Bengio et al. 2003), which pays off with larger networks and more text than here.
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
# for n, b in result.items():
#     print(f"{n}-gram: {b:.3f} bits per character on the test text")
# assert result[5] < result[4]          # one more character still helps ...
# assert result[6] > result[5]          # ... and then the contexts become too rare
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
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. Next-element prediction, and error peaks at word boundaries.
# 3. T. Mikolov, M. Karafiát, L. Burget, J. Černocký and S. Khudanpur, “Recurrent neural network based language model,” *Interspeech*, 1045–1048, 2010. The basic RNN as a language model, against n-gram baselines.
# 4. A. Karpathy, “The unreasonable effectiveness of recurrent neural networks,” blog post, 2015 (karpathy.github.io/2015/05/21/rnn-effectiveness), and min-char-rnn. Character-level models, sampling with a temperature, interpretable cells.
# 5. A. Graves, “Generating sequences with recurrent neural networks,” arXiv:1308.0850, 2013. Character-level prediction and generation, measured in bits per character.
# 6. C. E. Shannon, “Prediction and entropy of printed English,” *Bell System Technical Journal*, 30(1), 50–64, 1951. The entropy of English estimated from human guesses of the next letter.
# 7. C. E. Shannon, “A mathematical theory of communication,” *Bell System Technical Journal*, 27, 379–423 and 623–656, 1948. Entropy, cross-entropy and n-gram approximations of English.
# 8. F. Jelinek and R. L. Mercer, “Interpolated estimation of Markov source parameters from sparse data,” in *Pattern Recognition in Practice*, North-Holland, 1980. Interpolated n-gram models with weights fitted on held-out data.
# 9. Y. Bengio, R. Ducharme, P. Vincent and C. Jauvin, “A neural probabilistic language model,” *Journal of Machine Learning Research*, 3, 1137–1155, 2003.
# 10. S. M. Katz, “Estimation of probabilities from sparse data for the language model component of a speech recognizer,” *IEEE Transactions on Acoustics, Speech, and Signal Processing*, 35(3), 400–401, 1987. Back-off.
# 11. R. Kneser and H. Ney, “Improved backing-off for m-gram language modeling,” *ICASSP*, 181–184, 1995.
# 12. D. Jurafsky and J. H. Martin, *Speech and Language Processing*, 3rd ed. draft, chapter 3 “N-gram language models” (web.stanford.edu/~jurafsky/slp3). Smoothing, perplexity, held-out data.
# 13. J. Austen, *Pride and Prejudice*, 1813. Project Gutenberg eBook #1342, via J. Silge, *janeaustenr: Jane Austen's complete novels*, R package 1.0.0, 2022. See `rnnlib/data/README.md`.
# 14. D. P. Kingma and J. Ba, “Adam: a method for stochastic optimization,” *ICLR*, 2015.

# %% [markdown]
# [← 07. Sunspots](07_sunspots.ipynb) | [00. Introduction](00_introduction.ipynb)
