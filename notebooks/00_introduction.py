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
# # 00. Introduction
# [![Open in Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/basic-rnn-textbook/basic-rnn/HEAD?labpath=notebooks%2F00_introduction.ipynb)
#
# This book is about one model: the **basic recurrent neural network** (basic RNN), which
# is the network Jeffrey Elman published in 1990. It follows a short Chinese article,
# 老饼's “基础RNN循环神经网络” (*Basic RNN recurrent neural network*, 2024), section by
# section, retells it in its own words, and turns every claim of the article into code you
# can run, a figure you can look at, and a test that checks it. Chinese terms are given once,
# when they first appear, and are collected with their English names and our symbols in the
# [glossary](00_introduction.ipynb#Glossary) at the end of this chapter.
#
# **What you will learn**
#
# - what a *sequence problem* is, and why a feed-forward network that sees only the current
#   input cannot solve it;
# - the two classic answers: the Jordan network (1986), which feeds back its output, and the
#   Elman network (1990), which feeds back its hidden layer;
# - why the article calls the Elman network the *basic* RNN;
# - the notation of the whole book, set against the notation of Goodfellow et al., of *Dive
#   into Deep Learning* and of PyTorch;
# - how the book is organised, and how to read and run it.
#
# **Prerequisites:** a feed-forward neural network (layers, weights, biases, an activation
# function); numpy arrays and matrix products. No previous knowledge of recurrent networks.
#
# **Time to read:** about 20 minutes.

# %%
import numpy as np

import rnnlib

# %% [markdown]
# ## Sequence problems
#
# Many data come as a **sequence**: an ordered list $x_1, x_2, \dots, x_T$ of inputs, one
# per *time step* (时刻, *shíkè*), where the order carries meaning. Some examples:
#
# | task | one step $x_t$ | what is asked at step $t$ |
# |---|---|---|
# | next-word prediction | a word of a sentence | the next word |
# | speech recognition | a short frame of audio | the sound being spoken |
# | weather or sunspot forecasting | today's measurement | tomorrow's value |
# | handwriting | a pen position | which letter is being written |
# | a sensor on a machine | one reading | is the machine about to fail? |
#
# In all of them the right answer at step $t$ depends not only on $x_t$ but on what came
# before it. The word “bank” after “river” and after “savings” is the same input with a
# different meaning; a temperature of 20 °C means something else after a week of frost than
# after a week of heat.
#
# A feed-forward network (前馈神经网络, *qiánkuì shénjīng wǎngluò*) computes its output from
# its current input alone: $y_t = g(x_t)$. Whatever $g$ is, two steps with the same $x_t$ get
# the same $y_t$. So when the target depends on the past, the best a function of $x_t$ alone
# can do is to guess the most common answer for each input value.
#
# A small experiment makes this exact. Take a random stream of bits, and ask at every step
# for the **previous** bit: the target is $x_{t-1}$. Before running it we expect a predictor
# that sees only $x_t$ to be right about half of the time (the coin-flip rate, because
# $x_{t-1}$ is independent of $x_t$), and a predictor that also sees $x_{t-1}$ to be always
# right. The code below does not train anything: for every distinct input it picks the most
# frequent target, which is the best any function of that input can do
# (`rnnlib.tasks.best_rule_accuracy` counts exactly this).

# %%
rng = np.random.default_rng(0)
bits = rng.integers(0, 2, size=2001)
x_now, target = bits[1:], bits[:-1]  # target at step t is x_{t-1}
best_accuracy = rnnlib.tasks.best_rule_accuracy  # features: one row of seen values per step

only_now = best_accuracy(x_now[:, None], target)
with_past = best_accuracy(np.stack([x_now, bits[:-1]], 1), target)
print(f"best accuracy seeing x_t only          : {only_now:.3f}")
print(f"best accuracy seeing x_t and x_(t-1)   : {with_past:.3f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: the first line is at chance level and the second is perfect
assert abs(only_now - 0.5) < 0.03
assert with_past == 1.0

# %% [markdown]
# The first line is at chance level and the second is perfect, as expected: the information
# the task needs is simply not in $x_t$.
#
# The classical workaround is a *window*: feed the network the last $k$ inputs
# $x_{t-k+1}, \dots, x_t$ side by side. It works when $k$ is known and small, but the window
# fixes in advance how far back the network can look, the number of weights grows with $k$,
# and a pattern shifted by one step lands on different weights. Elman (1990) discusses
# drawbacks of this kind at the start of his paper. A recurrent network takes another
# road: it keeps a **state** that is carried from one step to the next, so that every
# output can depend on the whole past.

# %% [markdown]
# ## Jordan and Elman networks
#
# Two networks, published in 1986 and 1990, gave the feed-forward network a memory by
# *feeding part of itself back* as an extra input at the next step:
#
# - **Jordan (1986)**, in a report on how networks could produce ordered sequences of
#   actions (*serial order*), copied the network's **output** back into a set of “state
#   units”, which at the next step fed the hidden layer together with the new input. (In
#   Jordan's design the state units also kept a decaying trace of their own previous values.)
# - **Elman (1990)**, in “Finding structure in time”, copied the **hidden layer** instead
#   into “context units” and fed them to the hidden layer at the next step. He showed that
#   such a network, trained by backpropagation, discovers structure in time by itself: it
#   learns to predict the predictable letters of a stream, and its errors reveal where
#   words begin (chapter 06 reproduces these experiments).
#
# The article calls the fed-back values the **delayed input** (延迟输入, *yánchí shūrù*),
# as opposed to the current, “real-time” input $x_t$. Drawn step by step, the two networks
# look alike: in each step the input layer feeds a hidden layer, which feeds an output layer,
# and an arrow carries something from one step into the hidden layer of the next. The only
# difference is where that delayed-input arrow starts: at the previous output (Jordan) or at
# the previous hidden layer $h_{t-1}$ (Elman). [Chapter 01](01_structure.ipynb) draws the
# Elman network and explains every part of the drawing; [chapter 03](03_input_view.ipynb)
# draws the two networks side by side and compares them in experiments.
#
# Why does feeding back the hidden layer help? The output has to be whatever the task asks
# for, so it is a narrow, already-interpreted summary (a single predicted bit, say), while
# the hidden layer (隐层, *yǐncéng*) is the network's own internal code, free to keep
# whatever the future will need. In the article's words, the generated hidden values make the
# fed-back information “more raw” (更加原始, *gèngjiā yuánshǐ*), closer to the input than an
# output already shaped for the task; the book uses “more raw” for this throughout. The next
# cell shows that an Elman network *can* solve the previous-bit task above. We do not train
# it; we set its weights by hand so that hidden unit 1 encodes the current bit and hidden
# unit 2 copies hidden unit 1 of the previous step; the output reads hidden unit 2. We expect
# the output to be right at every step but the first, where there is no previous bit yet.
#
# The cell uses the names of the network's five arrays before the [notation](#Notation)
# section defines them: $W$ weighs the current input, $D$ the delayed input (the previous
# hidden layer), $B$ is the hidden layer's threshold (bias), and $V$ and $c$ make the output
# from the hidden layer, $y_t = V h_t + c$.

# %%
net = rnnlib.ElmanRNN(n_in=1, n_hidden=2, n_out=1, seed=0)
net.W = [[6.0], [0.0]]  # unit 1 <- the current bit (centred by B below)
net.D = [[0.0, 0.0], [6.0, 0.0]]  # unit 2 <- unit 1 of the previous step
net.B = [-3.0, 0.0]
net.V = [[0.0, 0.5]]  # output <- unit 2, mapped from (-1, 1) to (0, 1)
net.c = [0.5]

X = bits[:, None]  # one sequence, time-major: shape (T, I) = (2001, 1)
Hs, Y = net.forward(X)
pred = (Y[:, 0] > 0.5).astype(int)
print(" t  x_t  target x_(t-1)  output y_t")
for t in range(1, 7):
    prev = "-" if t == 1 else str(bits[t - 2])
    print(f"{t:2d}   {bits[t - 1]}         {prev}          {Y[t - 1, 0]:.3f}")
print(f"accuracy over steps 2..{len(bits)}: {np.mean(pred[1:] == bits[:-1]):.3f}")

# %% jupyter={"source_hidden": true} tags=["hide-input"]
# Checks: right at every step but the first, where the output is exactly 0.5
assert np.all(pred[1:] == bits[:-1])
assert Y[0, 0] == 0.5

# %% [markdown]
# The hidden layer carried the previous bit across one step, which no function of $x_t$
# alone can do. (At step 1 the output is exactly 0.5: the delayed input starts at
# $h_0 = 0$, so there is nothing to recall.) In general, nobody sets the weights by hand:
# they are learned from data, which is the subject of chapter 05.

# %% [markdown]
# ## Why “basic RNN”?
#
# After Elman's network came many other recurrent networks: the long short-term memory
# (LSTM, Hochreiter and Schmidhuber 1997), the gated recurrent unit (GRU, Cho et al. 2014),
# bidirectional and deep (stacked) RNNs, and more. Each of them keeps the same skeleton
# (a state carried from step to step and updated from the new input) and changes how the
# update is computed.
#
# To tell it apart from these later models, the article says, the Elman network is also
# called the “classic RNN model” (经典RNN模型, *jīngdiǎn* RNN *móxíng*) or the “basic RNN
# model”. The article then makes a deliberate choice between the names. It does not present
# “the Elman network”, the starting point of a history, but the “basic RNN” (基础RNN, *jīchǔ* RNN):
# the same network seen **in hindsight**, as the common base and the simplest summary of all
# the RNNs that followed. The structure and the formula are identical; what changes is the
# point of view, and the questions are those that carry over to every later RNN: what the
# state is, how it is updated, what it remembers, how it is trained. Where we talk about the
# historical network and its experiments (chapters 03 and 06) we say “Elman network”;
# everywhere else, “basic RNN”.

# %% [markdown]
# ## Notation
#
# The basic RNN has three **weights** (权重, *quánzhòng*) and two **thresholds** (阈值,
# *yùzhí*; the older word for what is now called a *bias*). With $I$ inputs, $H$ hidden units
# and $O$ outputs, one step is
#
# $$h_t = f(W x_t + D h_{t-1} + B), \qquad y_t = V h_t + c, \qquad h_0 = 0,$$
#
# where $f$ is the *activation function* (激活函数, *jīhuó hánshù*), usually tanh or ReLU.
# Chapter 02 works through this formula in detail. The article names the hidden-layer parameters $W$, $D$, $B$;
# its symbols for the output layer were images that did not survive in our copy of the
# text, so we borrow $V$ and $c$ from Goodfellow et al. (2016). Other books and libraries
# use other letters for the same arrays:
#
# | meaning | ours (article) | Goodfellow ch. 10 | d2l (row vectors) | PyTorch `nn.RNN` |
# |---|---|---|---|---|
# | input to hidden weight, shape (H, I) | $W$ | $U$ | $W_{xh} = W^\top$, shape (I, H) | `weight_ih_l0` $= W$ |
# | delayed input (previous hidden) to hidden, (H, H) | $D$ | $W$ | $W_{hh} = D^\top$, shape (H, H) | `weight_hh_l0` $= D$ |
# | hidden threshold (bias), (H,) | $B$ | $b$ | $b_h = B$ | `bias_ih_l0 + bias_hh_l0` $= B$ |
# | hidden to output weight, (O, H) | $V$ | $V$ | $W_{hq} = V^\top$, shape (H, O) | a separate `nn.Linear`: its `weight` $= V$ |
# | output threshold, (O,) | $c$ | $c$ | $b_q = c$ | that Linear's `bias` $= c$ |
# | initial delayed input | $h_0 = 0$ | $h^{(0)}$ | zeros | zeros |
#
# Beware of the two traps in this table. Goodfellow's $W$ is our $D$, not our $W$. And
# *Dive into Deep Learning* (d2l) writes inputs and states as row vectors standing to the
# *left* of its weight matrices, $H_t = \phi(X_t W_{xh} + H_{t-1} W_{hh} + b_h)$ (its $H_t$ is
# a batch of hidden states, not our count $H$), so every one of its weight matrices is the
# transpose of ours. That includes the square one:
# $W_{hh} = D^\top$ has the same shape as $D$, so no shape check can catch the mix-up, but
# it is a different matrix unless $D$ happens to be symmetric. Exercise 3 checks all of this
# numerically. PyTorch stores the same matrices we do, but splits the hidden threshold into
# two vectors whose sum is $B$.
#
# **Arrays are time-major**: one sequence is an array of shape `(T, I)`, row $t$ being $x_t$;
# a batch of $N$ sequences is `(T, N, I)` (the default layout of PyTorch's `nn.RNN`, too).
# Hidden states come out as `(T, [N,] H)` and outputs as `(T, [N,] O)`.
#
# All chapters share the small package `rnnlib`. Its `ElmanRNN` holds exactly the five
# arrays of the table, under the same names:

# %%
net = rnnlib.ElmanRNN(n_in=3, n_hidden=4, n_out=2, seed=0)
print(net)
for name, array in net.params.items():
    print(f"  {name}: shape {array.shape}")

X = np.array(
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
)  # a tiny sequence: T = 4 steps of I = 3 inputs
Hs, Y = net.forward(X)  # h_0 = 0 by default
print(f"X {X.shape} -> hidden states {Hs.shape}, outputs {Y.shape}")
for t, y in enumerate(Y, start=1):
    print(f"  y_{t} = [{y[0]:+.3f}, {y[1]:+.3f}]")

# %% [markdown]
# The shapes are those of the table: $W$ is (H, I) = (4, 3), $D$ is (4, 4), $B$ has 4
# entries, $V$ is (O, H) = (2, 4) and $c$ has 2. The outputs are numbers with no meaning
# yet, because the weights are random (drawn from a fixed seed, so every run prints the
# same values); chapter 05 trains them.

# %% [markdown]
# ## Reading guide
#
# The first part of the book follows the article; the second goes beyond it.
#
# | chapter | follows | what you will see and run |
# |---|---|---|
# | [00. Introduction](00_introduction.ipynb) | preface | sequence problems, Jordan and Elman, why “basic RNN”, notation, glossary (this chapter) |
# | [01. Structure](01_structure.ipynb) | §01 structure | the unrolled and the folded network; each step a 3-layer BP network plus the delayed input; three weights, two thresholds, parameter count; weight sharing |
# | [02. The formula](02_formula.ipynb) | §01 formula | one step by hand, then three; tanh and ReLU; the initial state $h_0$; loop, rnnlib and the concatenated form give the same numbers; batches; a preview of training |
# | [03. The input view](03_input_view.ipynb) | §02 view 1 | feed-forward vs Jordan vs Elman on tasks that need memory: why feed back the hidden layer |
# | [04. The hidden view](04_hidden_view.ipynb) | §02 view 2 | the hidden state as a summary of the whole past: perturbations, moving averages, an interactive explorer, probes, memory capacity and the spectral radius of $D$, a trained hidden state drawn as a path |
# | [05. Training by BPTT](05_training_bptt.ipynb) | beyond | the loss, backpropagation through time derived and checked, vanishing and exploding gradients, clipping, truncated BPTT |
# | [06. Elman (1990) reproduced](06_elman_1990.ipynb) | beyond | temporal XOR, letter sequences against the best possible error, word boundaries as error peaks, word classes from word order; Elman's one-step training rule against full BPTT |
# | [07. Sunspots](07_sunspots.ipynb) | beyond | a real series forecast by the RNN against honest baselines (persistence, linear autoregression), one step ahead and free-running (error against horizon); optional: a block bootstrap of the gap and a nonlinear autoregression that separates nonlinear from recurrent |
# | [08. A language model of characters](08_char_lm.ipynb) | beyond | the RNN reads a novel one character at a time: softmax outputs, bits per character against n-gram baselines, truncated BPTT over a long text, sampling with a temperature, where it is surprised, what single hidden units track |
#
# Chapters 01 and 02 are the core and should be read in order. Chapters 03 and 04 give the
# article's two ways of understanding the network, in either order. The first reads the
# network from the inputs each step takes in, the current input and the fed-back hidden
# layer (the article calls this reading relatively primitive and direct, 相对原始、相对直接).
# The second, which came later, reads the hidden layer as information that every step
# updates and that therefore carries the whole past. Both train small networks with
# `rnnlib.fit` as a tool (chapter 02 previews it); chapter 05 explains how training works,
# and is needed for 06, 07 and 08.
#
# **How to read.** On GitHub every notebook shows its stored outputs and figures; to run
# one, click its Binder badge or install the repository (see the README). Change a number
# and run it again. Exercise solutions are folded away in “Solution” boxes, and the test
# suite runs every code solution.
#
# **Same digits on every machine.** Every number printed in the book is the one you get when
# you run it, to the last digit shown, whatever your processor, BLAS library or number of
# threads; the design note
# [ARCHITECTURE.md](https://github.com/basic-rnn-textbook/basic-rnn/blob/main/ARCHITECTURE.md#same-digits-on-every-machine)
# explains how, and `pytest` checks it.

# %% [markdown]
# ## Glossary
#
# Chinese terms of the article, with pinyin, the English used in this book, and our symbol
# where there is one.
#
# | 中文 | pinyin | English | symbol |
# |---|---|---|---|
# | 循环神经网络 | xúnhuán shénjīng wǎngluò | recurrent neural network (RNN) | |
# | 基础RNN | jīchǔ RNN | basic RNN (the Elman network seen in hindsight) | |
# | 经典RNN模型 | jīngdiǎn RNN móxíng | classic RNN model: another name for the Elman network | |
# | 前馈神经网络 | qiánkuì shénjīng wǎngluò | feed-forward neural network | |
# | BP神经网络 | BP shénjīng wǎngluò | BP network: a feed-forward network trained by backpropagation | |
# | 拓扑结构 | tuòpū jiégòu | topology, the structure (wiring) of a network | |
# | 序列 | xùliè | sequence | $X$, shape (T, I) |
# | 时刻 | shíkè | time step | $t = 1, \dots, T$ |
# | 输入层 | shūrùcéng | input layer | $x_t$, $I$ values |
# | 实时输入 | shíshí shūrù | real-time (current) input | $x_t$ |
# | 延迟输入 | yánchí shūrù | delayed input: the previous hidden layer fed to the current step | $h_{t-1}$ |
# | 更加原始 | gèngjiā yuánshǐ | more raw: what the fed-back hidden layer is, compared with the output | |
# | 隐层 | yǐncéng | hidden layer (hidden state) | $h_t$, $H$ values |
# | 隐节点 | yǐn jiédiǎn | hidden node, hidden unit | $h_{t,j}$ |
# | 输出层 | shūchūcéng | output layer | $y_t$, $O$ values |
# | 权重 | quánzhòng | weight | $W$, $D$, $V$ |
# | 阈值 | yùzhí | threshold, i.e. bias | $B$, $c$ |
# | 激活函数 | jīhuó hánshù | activation function | $f$ (tanh, ReLU) |
# | 初始化 | chūshǐhuà | initialisation | $h_0 = 0$ |
# | 损失函数 | sǔnshī hánshù | loss function | $L$ |
# | 梯度 | tīdù | gradient | $\partial L / \partial W$, … |
# | 反向传播 | fǎnxiàng chuánbō | backpropagation | |
# | 随时间反向传播 | suí shíjiān fǎnxiàng chuánbō | backpropagation through time (BPTT) | |
# | 深度学习 | shēndù xuéxí | deep learning; the article's site is 老饼讲解-深度学习 (*Lǎo Bǐng jiǎngjiě*), “Lao Bing explains: deep learning” | |
# | — | — | time-major layout: time is the first array axis | (T, N, I) |
#
# The last term is the book's own, not the article's: arrays in this book are always
# *time-major*.

# %% [markdown]
# ## Key takeaways
#
# - In a sequence problem the answer at step $t$ depends on earlier inputs; a feed-forward
#   network that sees only $x_t$ cannot do better than the best guess per input value.
# - Jordan (1986) fed the previous **output** back into the network; Elman (1990) fed back
#   the previous **hidden layer**, the *delayed input*. The basic RNN is Elman's network.
# - “Basic RNN” names the same network seen in hindsight: the base that LSTM, GRU and
#   later RNNs build on.
# - The book writes $h_t = f(W x_t + D h_{t-1} + B)$, $y_t = V h_t + c$, $h_0 = 0$, with
#   $W$ (H, I), $D$ (H, H), $B$ (H,), $V$ (O, H), $c$ (O,), and time-major arrays.
#   Goodfellow's $W$ is our $D$, and d2l's matrices are our matrices transposed.

# %% [markdown]
# ## Exercises
#
# **1. The previous-previous bit.** Change the task of the first experiment: the target
# at step $t$ is now $x_{t-2}$. What is the best accuracy of a predictor that sees $x_t$
# alone? One that sees $x_t$ and $x_{t-1}$? What would a window need to contain?
#
# <details>
# <summary>Solution</summary>
#
# $x_{t-2}$ is independent of both $x_t$ and $x_{t-1}$, so both predictors stay at the
# coin-flip rate; a window must reach back to $x_{t-2}$, i.e. contain three inputs. (An
# Elman network can still solve it: its hidden layer can copy the bit twice, once per step.)
#
# ```python
# import numpy as np
# from rnnlib.tasks import best_rule_accuracy as best_accuracy
#
# bits = np.random.default_rng(1).integers(0, 2, size=3002)
# x_t, x_t1, target = bits[2:], bits[1:-1], bits[:-2]
# a1 = best_accuracy(x_t[:, None], target)
# a2 = best_accuracy(np.stack([x_t, x_t1], 1), target)
# a3 = best_accuracy(np.stack([x_t, x_t1, target], 1), target)
# print(f"x_t: {a1:.3f}   x_t and x_(t-1): {a2:.3f}   window of three: {a3:.3f}")
# assert 0.45 < a1 < 0.56 and 0.45 < a2 < 0.56 and a3 == 1.0
# ```
#
# </details>
#
# **2. Count before you code.** How many numbers does `rnnlib.ElmanRNN(10, 32, 1)` hold?
# Use only the shapes of the notation table, then check with `net.n_params`. Which of the
# five arrays is the largest?
#
# <details>
# <summary>Solution</summary>
#
# $W$: $32 \cdot 10 = 320$, $D$: $32 \cdot 32 = 1024$, $B$: 32, $V$: $1 \cdot 32 = 32$,
# $c$: 1; in total 1409. The delayed-input weight $D$ is the largest (chapter 01 shows that it
# dominates as $H$ grows).
#
# ```python
# import rnnlib
#
# net = rnnlib.ElmanRNN(10, 32, 1)
# sizes = {name: a.size for name, a in net.params.items()}
# print(sizes, net.n_params)
# assert sizes == {"W": 320, "D": 1024, "B": 32, "V": 32, "c": 1}
# assert net.n_params == 1409 and max(sizes, key=sizes.get) == "D"
# ```
#
# </details>
#
# **3. Translating notations.** Write the hidden-state recursion the way *Dive into Deep
# Learning* does, $H_t = \tanh(X_t W_{xh} + H_{t-1} W_{hh} + b_h)$ with row vectors (a batch
# `X[t]` of shape (N, I)), and the way PyTorch documents `nn.RNN`,
# $h_t = \tanh(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh})$. Express
# $W_{xh}, W_{hh}, b_h$ and $W_{ih}, W_{hh}, b_{ih}, b_{hh}$ through our $W, D, B$, and check
# that all three give the hidden states of `rnnlib` on a batch.
#
# <details>
# <summary>Solution</summary>
#
# d2l: $W_{xh} = W^\top$, $W_{hh} = D^\top$, $b_h = B$. PyTorch: $W_{ih} = W$,
# $W_{hh} = D$, and any split $b_{ih} + b_{hh} = B$. The check also shows that using $D$
# itself in d2l's formula, a mistake with the right shape, gives different hidden states.
#
# ```python
# import numpy as np
# import rnnlib
#
# rng = np.random.default_rng(3)
# net = rnnlib.ElmanRNN(3, 5, 2, seed=3)
# X = rng.normal(size=(6, 4, 3))                 # T = 6 steps, N = 4 sequences
# Hs, _ = net.forward(X)
#
# W_xh, W_hh, b_h = net.W.T, net.D.T, net.B      # d2l
# H = np.zeros((4, 5))
# for t in range(6):
#     H = np.tanh(X[t] @ W_xh + H @ W_hh + b_h)
#     assert np.allclose(H, Hs[t])
#
# H_wrong = np.zeros((4, 5))                     # forgetting to transpose the square D
# for t in range(6):
#     H_wrong = np.tanh(X[t] @ W_xh + H_wrong @ net.D + b_h)
# assert not np.allclose(H_wrong, Hs[-1])       # same shapes, wrong states
#
# w_ih, w_hh = net.W, net.D                      # PyTorch
# b_ih = rng.normal(size=5)
# b_hh = net.B - b_ih
# h = np.zeros((4, 5))
# for t in range(6):
#     h = np.tanh(X[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
#     assert np.allclose(h, Hs[t])
# print("d2l, PyTorch and rnnlib agree")
# ```
#
# </details>
#
# **4. Jordan's memory.** A Jordan network feeds back its own previous output $y_{t-1}$.
# Suppose one has been trained on the previous-bit task and its output is always correct.
# What does its delayed input then contain, and is that what step $t$ needs?
#
# <details>
# <summary>Solution</summary>
#
# No. If the output is correct, $y_{t-1} = x_{t-2}$, so the delayed input of a Jordan
# network tells step $t$ about $x_{t-2}$, but the step needs $x_{t-1}$, which was the
# *input* of step $t-1$ and was never written to the output. A correct output is therefore
# useless as memory for this task, while an Elman hidden layer can keep any information the
# future needs. (Chapter 03 tests the same limit with trained Jordan networks, on XOR with the
# previous bit and on the bit two steps back.) The check below builds the
# table of everything a Jordan step with a correct fed-back output can see, $(x_t, x_{t-2})$,
# and finds the best accuracy at chance level.
#
# ```python
# import numpy as np
#
# bits = np.random.default_rng(2).integers(0, 2, size=3002)
# x_t, y_prev, target = bits[2:], bits[:-2], bits[1:-1]   # y_(t-1) = x_(t-2); target x_(t-1)
# correct = 0
# for a in (0, 1):
#     for b in (0, 1):
#         picked = target[(x_t == a) & (y_prev == b)]
#         correct += max(np.sum(picked == 0), np.sum(picked == 1))
# accuracy = correct / len(target)
# print(f"best accuracy of a Jordan step with a perfect output: {accuracy:.3f}")
# assert 0.45 < accuracy < 0.56
# ```
#
# </details>

# %% [markdown]
# ## References
#
# 1. 老饼 (Lao Bing), “基础RNN循环神经网络” [Basic RNN recurrent neural network], 老饼讲解-深度学习 ([www.bbbdata.com](https://www.bbbdata.com/)), published 2024-04-05, updated 2024-04-12. The preface and the name “basic RNN”: the source this book follows.
# 2. J. L. Elman, “Finding structure in time,” *Cognitive Science*, 14(2), 179–211, 1990. [doi:10.1207/s15516709cog1402_1](https://doi.org/10.1207/s15516709cog1402_1)
# 3. M. I. Jordan, “Serial order: a parallel distributed processing approach,” ICS Report 8604, Institute for Cognitive Science, University of California, San Diego, 1986.
# 4. I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016. Chapter 10, “Sequence Modeling: Recurrent and Recursive Nets” ([www.deeplearningbook.org](https://www.deeplearningbook.org/)).
# 5. A. Zhang, Z. C. Lipton, M. Li and A. J. Smola, *Dive into Deep Learning*, Cambridge University Press, 2023. Chapter 9, “Recurrent Neural Networks” ([d2l.ai](https://d2l.ai/); [arXiv:2106.11342](https://arxiv.org/abs/2106.11342)).
# 6. S. Hochreiter and J. Schmidhuber, “Long short-term memory,” *Neural Computation*, 9(8), 1735–1780, 1997. [doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735)
# 7. K. Cho, B. van Merriënboer, C. Gulcehre, D. Bahdanau, F. Bougares, H. Schwenk and Y. Bengio, “Learning phrase representations using RNN encoder–decoder for statistical machine translation,” *Proceedings of EMNLP*, 1724–1734, 2014. [doi:10.3115/v1/D14-1179](https://doi.org/10.3115/v1/D14-1179)
# 8. PyTorch documentation, `torch.nn.RNN` ([pytorch.org/docs/stable/generated/torch.nn.RNN.html](https://pytorch.org/docs/stable/generated/torch.nn.RNN.html)).

# %% [markdown]
# [01. Structure →](01_structure.ipynb)
