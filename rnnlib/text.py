"""Text as a sequence of characters for the basic RNN (chapter 08).

A character-level language model reads a text one character at a time and, at
every step, gives a probability to each character that could come next:

    x_t = one_hot(c_t),  h_t = tanh(W x_t + D h_{t-1} + B),  y_t = V h_t + c,
    p(c_{t+1} = j | c_1..c_t) = softmax(y_t)_j = exp(y_tj) / sum_k exp(y_tk).

This module holds what turns text into such sequences and back: the alphabet,
encoding, one-hot vectors, cutting a long text into parallel streams for
truncated BPTT, splitting off held-out text, scoring in bits per character,
and sampling with a temperature.
"""

import numpy as np

from . import portable
from ._checks import as_float_array, check_alloc, check_count, check_real, check_seed, check_size
from .model import Model


def _check_text(name, text):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{name} must hold at least one character, got an empty string")
    return text


def alphabet(text):
    """The sorted distinct characters of ``text`` as one string (chapter 08); its length is the
    vocabulary size."""
    return "".join(sorted(set(_check_text("text", text))))


def encode(text, chars):
    """Each character of ``text`` as its index in the alphabet ``chars`` (chapter 08): an int array
    (T,)."""
    _check_text("text", text)
    index = {c: i for i, c in enumerate(_check_text("chars", chars))}
    if len(index) != len(chars):
        raise ValueError("chars must not repeat a character (it is an alphabet)")
    missing = sorted(set(text) - set(index))
    if missing:
        raise ValueError(
            f"text holds characters that are not in the alphabet: {''.join(missing)!r}"
        )
    return np.array([index[c] for c in text], dtype=np.int64)


def _check_scores(name, Y):
    """Finite scores with a non-empty last axis (one score per character)."""
    Y = as_float_array(name, Y)
    if Y.ndim == 0 or Y.shape[-1] == 0:
        raise ValueError(
            f"{name} must have one score per character on its last axis, got shape {Y.shape}"
        )
    return Y


def _check_ids(name, ids, size=None):
    arr = np.asarray(ids)
    if arr.size == 0 and arr.dtype.kind == "f":  # an empty list: no indices, not floats
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be integer character indices, got an array of dtype {arr.dtype}"
        )
    if size is not None and arr.size and (arr.min() < 0 or arr.max() >= size):
        raise ValueError(
            f"{name} must be indices in [0, {size}), got values from {arr.min()} to {arr.max()}"
        )
    return arr


def decode(ids, chars):
    """The text spelled by the indices ``ids`` in the alphabet ``chars`` (chapter 08)."""
    _check_text("chars", chars)
    ids = _check_ids("ids", ids, len(chars))
    return "".join(chars[i] for i in ids.ravel())


def one_hot(ids, size):
    """One-hot vectors (chapter 08): ``out[..., j] = 1`` where ``ids == j``, else 0; shape ids.shape
    + (size,).

    The network's input weight then simply picks a column: W one_hot(j) = W[:, j].
    """
    size = check_size("size", size)
    ids = _check_ids("ids", ids, size)
    check_alloc(f"size={size} for {ids.size} indices", ids.size * size)
    out = np.zeros(ids.shape + (size,))
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def split(text, fractions=(0.8, 0.1, 0.1)):
    """Cut ``text`` into consecutive parts (chapter 08): training, validation, test by default.

    Each cut is moved forward to just after the next line break (a paragraph
    end in the book's text), so no paragraph is shared by two parts. The parts
    keep their order in the text: held-out text comes after the training text.
    A text without a line break where a cut must go (or with too few for the
    fractions) cannot be split so, however long it is: that is a ValueError
    saying which cut found no line break.
    """
    _check_text("text", text)
    if not isinstance(fractions, (list, tuple, np.ndarray)):
        raise TypeError(
            f"fractions must be a sequence of numbers such as (0.8, 0.1, 0.1), got {fractions!r}"
        )
    fractions = [check_real("fractions", f, 0.0, 1.0) for f in fractions]
    if abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"fractions must add up to 1, got {sum(fractions)}")
    cuts = [0]
    for part, total in enumerate(np.cumsum(fractions[:-1]), start=2):
        cuts.append(_cut(text, int(total * len(text)), part, cuts[-1]))
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _cut(text, at, part, previous):
    """Where ``part`` (numbered from 1) begins: just after the first line break at or after
    ``at``."""
    cut = text.find("\n", at) + 1  # 0: no line break
    breaks = f"{text.count(chr(10))} line break(s) in {len(text)} characters"
    if not 0 < cut < len(text):
        raise ValueError(
            f"split cuts only just after a line break (a paragraph end): part {part} should begin "
            f"at or after character {at}, but the text has no line break there with text after "
            f"it ({breaks}); use a text with more line breaks (paragraphs), or other fractions"
        )
    if cut == previous:
        raise ValueError(
            f"part {part} of the split would be empty: the first line break at or after character "
            f"{at} (character {cut - 1}) also ends part {part - 1}; the text has too few line "
            f"breaks (paragraphs) for these fractions ({breaks})"
        )
    return cut


def streams(ids, n_streams):
    """Cut one long index sequence into ``n_streams`` contiguous streams, side by side (chapter 08).

    Returns ``(inputs, targets)``, both int arrays (T, N), time-major: column n
    is one stretch of the text and ``targets[t, n]`` is the character after
    ``inputs[t, n]``. With ``fit(..., chunk=k)`` each column is read k steps at
    a time with its hidden state carried on: truncated BPTT over a continuous
    text, N places in the text at once. The last few characters that do not
    fill a whole column are dropped.
    """
    ids = _check_ids("ids", ids)
    n = check_size("n_streams", n_streams)
    if ids.ndim != 1:
        raise ValueError(f"ids must be one sequence of shape (T,), got shape {ids.shape}")
    T = (len(ids) - 1) // n
    if T < 1:
        raise ValueError(f"ids is too short for {n} streams: {len(ids)} characters")
    cols = np.arange(n) * T
    steps = np.arange(T)[:, None]
    return ids[steps + cols], ids[steps + cols + 1]


def log_softmax(Y):
    """log softmax(Y) over the last axis (chapter 08): ``Y - max - log(sum(exp(Y - max)))``, natural
    log.

    exp is ``rnnlib.portable.exp`` (the same digits on every machine); the log is
    numpy's, whose last bit may differ between machines: fine for scores printed
    to a few decimals, which is all it is used for.
    """
    Y = _check_scores("Y", Y)
    Z = Y - Y.max(axis=-1, keepdims=True)
    return Z - np.log(portable.total(portable.exp(Z))[..., None])


def read(net, ids, n_streams=1, warmup=100):
    """Let ``net`` read ``ids`` (one-hot) and return ``(Hs, Y)`` for every character but the last
    (chapter 08).

    ``Hs[t]`` is the hidden state after reading ``ids[t]`` and ``Y[t]`` the output
    that predicts ``ids[t + 1]``; shapes (T - 1, H) and (T - 1, V). With
    ``n_streams=1`` the text is read in one go from h_0 = 0. A long text is read
    much faster as ``n_streams`` pieces side by side (one time loop of a batch
    instead of T steps): each piece after the first starts ``warmup`` characters
    early, from h_0 = 0, and those warm-up steps are dropped, so every position
    is computed after at least ``warmup`` characters of real context. The
    result then differs from reading in one go only by what the state would
    have remembered from further back.
    """
    if not isinstance(net, Model):
        raise TypeError(f"net must be an rnnlib network such as ElmanRNN, got {type(net).__name__}")
    ids = _check_ids("ids", ids, net.n_in)
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(
            f"ids must be one sequence of at least 2 characters, got shape {ids.shape}"
        )
    n, warmup = check_size("n_streams", n_streams), check_count("warmup", warmup)
    T = len(ids) - 1  # positions that have a next character
    if n == 1:
        return net.forward(one_hot(ids[:-1], net.n_in))
    L = -(-max(T - warmup, 1) // n)  # scored steps per piece after the first
    check_alloc(
        f"n_streams={n} with warmup={warmup}",
        (warmup + L) * n * (net.n_in + net.n_hidden + net.n_out),
    )
    starts = np.arange(n) * L  # piece j reads ids[starts[j] : starts[j] + warmup + L]
    steps = np.arange(warmup + L)[:, None] + starts
    Hs, Y = net.forward(one_hot(ids[np.minimum(steps, T - 1)], net.n_in))
    keep = [(slice(0, warmup + L), 0)] + [(slice(warmup, warmup + L), j) for j in range(1, n)]
    Hs = np.concatenate([Hs[rows, j] for rows, j in keep])[:T]
    Y = np.concatenate([Y[rows, j] for rows, j in keep])[:T]
    return Hs, Y


def next_char_bits(Y, next_ids):
    """-log2 softmax(Y)[next character] at every step (chapter 08): the surprisal in bits."""
    Y = _check_scores("Y", Y)
    next_ids = _check_ids("next_ids", next_ids, Y.shape[-1])
    if next_ids.shape != Y.shape[:-1]:
        raise ValueError(
            f"next_ids must have shape {Y.shape[:-1]}, one per output row, got {next_ids.shape}"
        )
    logp = log_softmax(Y)
    return -np.take_along_axis(logp, next_ids[..., None], axis=-1)[..., 0] / np.log(2)


def surprisal(net, ids, n_streams=1, warmup=100):
    """Bits of surprise at each character of ``ids`` after the first (chapter 08).

    The network reads ``ids`` (``read``, with ``n_streams`` and ``warmup``) and
    ``out[t] = -log2 p(ids[t+1] | ids[:t+1])``, shape (T - 1,). Its mean is the
    model's cross-entropy in bits per character on this text.
    """
    _, Y = read(net, ids, n_streams, warmup)
    return next_char_bits(Y, np.asarray(ids)[1:])


def bits_per_char(bits):
    """Mean bits per character and the matching perplexity 2**bits (chapter 08): ``(bpc,
    perplexity)``.

    Perplexity is the number of equally likely characters that would leave a
    reader as uncertain as the model is, on average.
    """
    bits = as_float_array("bits", bits)
    if bits.size == 0:
        raise ValueError("bits must hold at least one value")
    bpc = float(bits.mean())
    return bpc, float(2.0**bpc)


def temperature_probs(y, temperature=1.0):
    """softmax(y / temperature) (chapter 08): below 1 sharper (safer choices), above 1 flatter (more
    surprise)."""
    temperature = check_real("temperature", temperature)
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    z = _check_scores("y", y) / temperature
    p = portable.exp(
        z - z.max(axis=-1, keepdims=True)
    )  # machine-independent: samples are the same everywhere
    return p / p.sum(axis=-1, keepdims=True)


def sample(net, prefix_ids, n, temperature=1.0, seed=0):
    """Generate ``n`` characters after a warm-up on ``prefix_ids`` (chapter 08); returns their
    indices.

    The network first reads the prefix (the warm-up: its hidden state then
    summarises the prefix), then repeatedly draws the next character from
    ``softmax(y_t / temperature)`` with ``np.random.default_rng(seed)`` and
    feeds it back as the next input. ``temperature`` may be a list: then one
    text per temperature is generated side by side (one time loop for all) and
    the result has shape (len(temperature), n); otherwise shape (n,).
    """
    if not isinstance(net, Model):
        raise TypeError(f"net must be an rnnlib network such as ElmanRNN, got {type(net).__name__}")
    prefix = _check_ids("prefix_ids", prefix_ids, net.n_in)
    if prefix.ndim != 1 or len(prefix) < 1:
        raise ValueError(
            f"prefix_ids must be one sequence of at least 1 character, got shape {prefix.shape}"
        )
    if net.n_in != net.n_out:
        raise ValueError(
            f"net must read what it writes to sample (n_in == n_out, one per character), "
            f"got n_in={net.n_in}, n_out={net.n_out}"
        )
    n = check_count("n", n)
    several = isinstance(temperature, (list, tuple, np.ndarray))
    temps = np.array(
        [check_real("temperature", t) for t in (temperature if several else [temperature])]
    )
    if np.any(temps <= 0):
        raise ValueError(f"temperature must be positive, got {temps.tolist()}")
    rng = np.random.default_rng(check_seed("seed", seed))
    S = len(temps)
    check_alloc(f"n={n}", S * n)
    Hs, Y = net.forward(np.repeat(one_hot(prefix, net.n_in)[:, None], S, axis=1))
    h, y = Hs[-1], Y[-1]  # (S, H), (S, V)
    out = np.zeros((S, n), dtype=np.int64)
    for t in range(n):
        p = temperature_probs(y / temps[:, None], 1.0)
        u = rng.random(S)[:, None] * p.sum(axis=-1, keepdims=True)
        out[:, t] = np.minimum((np.cumsum(p, axis=-1) <= u).sum(axis=-1), net.n_out - 1)
        h, y = net.step(one_hot(out[:, t], net.n_in), h)
    return out if several else out[0]


def fit_char_lm(
    net,
    ids,
    n_streams=32,
    chunk=25,
    epochs=1,
    updates=None,
    lr=0.01,
    clip=5.0,
    seed=0,
    callback=None,
):
    """Train a character-level language model by truncated BPTT over a continuous text (chapter 08).

    The training text ``ids`` is cut into ``n_streams`` contiguous streams
    (``streams``); ``rnnlib.fit`` reads them ``chunk`` characters at a time,
    carrying each stream's hidden state from one piece to the next, and takes
    one Adam step (learning rate ``lr``, gradients clipped to norm ``clip``) on
    the mean cross-entropy of softmax(y_t) against the next character after
    every piece. ``updates=K`` stops after the first K updates of the first
    epoch (it trains on the first K * chunk characters of each stream only);
    the same settings with more epochs continue exactly the same run.
    ``net`` may be a list of networks (with ``seed`` one int or a list), trained
    side by side as ``fit`` does, each exactly as if alone.
    Returns fit's ``History`` (a list of them for a list; losses in nats).
    """
    nets = list(net) if isinstance(net, (list, tuple)) else [net]
    if not nets or not all(isinstance(n, Model) for n in nets):
        raise TypeError(
            f"net must be an rnnlib network such as ElmanRNN or a list of them, got {net!r}"
        )
    from .optim import Adam
    from .train import fit

    inputs, targets = streams(_check_ids("ids", ids, nets[0].n_in), n_streams)
    chunk = check_size("chunk", chunk)
    if updates is not None:
        updates = check_size("updates", updates)
        if updates * chunk > len(inputs):
            raise ValueError(
                f"updates must fit in one epoch: at most {len(inputs) // chunk} "
                f"of {chunk} steps each, got {updates}"
            )
        if epochs != 1:
            raise ValueError(
                f"updates= stops within the first epoch, so epochs must be 1, got {epochs}"
            )
        inputs, targets = inputs[: updates * chunk], targets[: updates * chunk]
    return fit(
        net,
        one_hot(inputs, nets[0].n_in),
        targets,
        loss="cross_entropy",
        optimizer=Adam(lr=lr),
        epochs=epochs,
        chunk=chunk,
        clip=clip,
        seed=seed,
        verbose=False,
        callback=callback,
    )
