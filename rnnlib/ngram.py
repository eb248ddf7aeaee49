"""Counting models of text, the baselines of the character-level RNN (chapter 08).

An n-gram model predicts the next character from the n - 1 characters before
it, by counting in the training text how often each character followed that
context. Every model here is a *table* of conditional probabilities: an array
with n axes whose entry ``P[a, b, c]`` (for n = 3) is p(c | a b), so that each
row ``P[a, b]`` sums to one. Order 1 (unigram) ignores the context, ``P[c]``.

- uniform:  p(c) = 1 / V
- add-k:    p(c | ctx) = (count(ctx c) + k) / (count(ctx) + k V)   (k = 1: Laplace)
- interpolated (Jelinek-Mercer): p(c | a b) = w0 / V + w1 p1(c) + w2 p2(c | b) + w3 p3(c | a b),
  with weights w >= 0 that sum to one
- interpolated Kneser-Ney (``kneser_ney``): every order discounts its counts by D
  and hands the mass it frees to the next shorter context, whose counts are
  *continuation* counts (in how many different contexts a string occurs). Its
  orders are far beyond a dense table (42^7 entries), so it keeps sorted
  arrays of the n-grams that occur instead of a table.

k and the weights are chosen on validation text, never on the test text.
Scores are in bits: the surprisal of a character is -log2 p(c | ctx), and the
mean over a text is the cross-entropy in bits per character.

Every function checks what it is given: character indices of any integer
dtype, tables of probabilities (no NaN, each row summing to one), weights
without NaN, and sizes small enough to allocate.
"""

import numpy as np

from ._checks import as_float_array, check_alloc, check_count, check_real, check_size


def _check_ids(name, ids, size):
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be integer character indices, got an array of dtype {arr.dtype}"
        )
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one sequence of shape (T,), got shape {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= size):
        raise ValueError(
            f"{name} must be indices in [0, {size}), got values from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)  # any integer dtype (uint64 too): the values fit


def _check_table(table, name="table"):
    """A table of conditional probabilities: n equal axes, entries in [0, 1], rows summing to
    one."""
    table = as_float_array(name, table)
    if table.ndim < 1 or len(set(table.shape)) != 1 or table.size == 0:
        raise ValueError(
            f"{name} must have n equal axes (V, ..., V) with V >= 1, got shape {table.shape}"
        )
    if table.min() < 0 or table.max() > 1 + 1e-6:  # a mixture may round just above 1
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values from {table.min()} to "
            f"{table.max()}"
        )
    rows = table.sum(axis=-1)
    worst = rows.flat[np.argmax(np.abs(rows - 1))]
    if abs(worst - 1) > 1e-6:
        raise ValueError(
            f"{name} must hold one probability distribution per context (each row P[context] "
            f"sums to 1), but a row sums to {worst:.6g}"
        )
    return table


def _check_tables(tables):
    """A non-empty list of tables of one vocabulary size (orders may differ)."""
    if not isinstance(tables, (list, tuple)):
        raise TypeError(f"tables must be a list of n-gram tables, got {type(tables).__name__}")
    if not tables:
        raise ValueError("tables must hold at least one table")
    tables = [_check_table(t, "tables") for t in tables]
    if len({t.shape[0] for t in tables}) != 1:
        raise ValueError(
            f"tables must share one vocabulary size, got shapes {[t.shape for t in tables]}"
        )
    return tables


def uniform(size):
    """The uniform model (chapter 08): p(c) = 1/V for each of the V characters, a table of shape
    (V,)."""
    size = check_size("size", size)
    check_alloc(f"size={size}", size)
    return np.full(size, 1.0 / size)


def counts(ids, order, size):
    """How often each n-gram occurs in ``ids`` (chapter 08): an array of shape (V,) * order.

    ``counts(ids, 3, V)[a, b, c]`` is the number of positions t with
    ids[t-2], ids[t-1], ids[t] = a, b, c. The table's size V^order is checked
    before it is allocated.
    """
    order, size = check_size("order", order), check_size("size", size)
    ids = _check_ids("ids", ids, size)
    if len(ids) < order:
        raise ValueError(f"ids must hold at least order = {order} characters, got {len(ids)}")
    if size > 1 and (order >= 63 or size**order >= 2**63):
        raise ValueError(
            f"order={order} with size={size} needs a table of size^order entries, "
            f"more than an int64 index can count (2^63)"
        )
    check_alloc(f"order={order} with size={size}", size**order)
    flat = np.zeros(len(ids) - order + 1, dtype=np.int64)
    for j in range(order):
        flat = flat * size + ids[j : len(ids) - order + 1 + j]
    return np.bincount(flat, minlength=size**order).reshape((size,) * order).astype(float)


def add_k(ids, order, size, k):
    """The add-k n-gram table (chapter 08): p(c | ctx) = (count(ctx c) + k) / (count(ctx) + k V).

    Every character gets k imaginary extra counts in every context, so nothing
    has probability zero; a context never seen gives the uniform row 1/V.
    """
    k = check_real("k", k, 0.0)
    if k == 0:
        raise ValueError(
            "k must be positive: with k = 0 an unseen n-gram gets probability 0 (infinite surprise)"
        )
    n = counts(ids, order, size) + k
    return n / n.sum(axis=-1, keepdims=True)


def interpolate(tables, weights):
    """The mixture sum_j w_j P_j of tables of orders 1..n (chapter 08), as one table of the highest
    order.

    Lower-order tables line up with the last axes: a (V,) table gives p(c), a
    (V, V) table p(c | b), whatever the longer context. Weights must be
    non-negative and sum to one, so the rows of the result sum to one too.
    """
    tables = _check_tables(tables)
    weights = as_float_array("weights", weights)  # NaN and inf refused
    if weights.shape != (len(tables),):
        raise ValueError(
            f"weights must hold one weight per table ({len(tables)}), got shape {weights.shape}"
        )
    if np.any(weights < 0) or abs(weights.sum() - 1) > 1e-9:
        raise ValueError(f"weights must be non-negative and sum to 1, got {weights.tolist()}")
    out = np.zeros(max(tables, key=np.ndim).shape)
    for w, t in zip(weights, tables, strict=True):
        out = out + w * t
    return out


def probabilities(table, ids, start=None):
    """p(ids[t] | the n - 1 characters before it) for t = start, ..., T-1 (chapter 08).

    ``start`` defaults to n - 1, the first position with a full context, and
    may not be smaller. Models of different orders are compared on the same
    characters by giving them the same ``start``. ``table`` may also be a
    ``KneserNey`` model, which backs off to the context there is, so any
    ``start >= 0`` will do.
    """
    if isinstance(table, KneserNey):
        return table.probabilities(ids, start)
    table = _check_table(table)
    n = table.ndim
    ids = _check_ids("ids", ids, table.shape[0])
    start = n - 1 if start is None else check_count("start", start)
    if start < n - 1:
        raise ValueError(
            f"start must be at least n - 1 = {n - 1} for a table of order {n}, got {start}"
        )
    if start >= len(ids):
        raise ValueError(f"start must be below the length of ids ({len(ids)}), got {start}")
    index = tuple(ids[start - n + 1 + j : len(ids) - n + 1 + j] for j in range(n))
    return table[index]


def surprisal(table, ids, start=None):
    """-log2 p(ids[t] | context) for t = start, ..., T-1 (chapter 08): bits of surprise per
    character."""
    return -np.log2(probabilities(table, ids, start))


def choose_k(train_ids, val_ids, order, size, ks, start=None):
    """Choose k of ``add_k`` on validation text (chapter 08): returns ``(best_k, bits)``.

    ``bits[i]`` is the validation cross-entropy (bits per character) with
    ``ks[i]``; the best k is the one with the fewest bits. The test text plays no part.
    """
    if not isinstance(ks, (list, tuple, np.ndarray)):
        raise TypeError(f"ks must be a list of candidate values of k, got {ks!r}")
    ks = [check_real("ks", k, 0.0) for k in ks]
    if not ks:
        raise ValueError("ks must hold at least one candidate k")
    bits = np.array(
        [surprisal(add_k(train_ids, order, size, k), val_ids, start).mean() for k in ks]
    )
    return ks[int(np.argmin(bits))], bits


def fit_weights(tables, val_ids, start=None, iterations=200):
    """Interpolation weights that maximise the likelihood of validation text (chapter 08).

    The expectation-maximisation rule of Jelinek and Mercer (1980): with p_j(t)
    each table's probability of validation character t,
    w_j <- mean over t of w_j p_j(t) / sum_i w_i p_i(t), from equal weights.
    Each iteration cannot lower the validation likelihood. Returns the weights.

    A validation character that every table gives probability 0 makes the
    likelihood 0 whatever the weights, so no weights are best: that is a
    ValueError naming its position (include ``uniform(V)`` or an add-k table,
    which give every character some probability).
    """
    iterations = check_size("iterations", iterations)
    tables = _check_tables(tables)
    n = max(t.ndim for t in tables)
    start = n - 1 if start is None else start
    P = np.array([probabilities(t, val_ids, start) for t in tables])  # (tables, characters)
    _refuse_zero(
        P.max(axis=0),
        val_ids,
        start,
        "has probability 0 in every table, so every choice of "
        "weights gives the validation text probability 0 and none is best",
    )
    w = np.full(len(tables), 1.0 / len(tables))
    for _ in range(iterations):
        r = w[:, None] * P
        total = r.sum(axis=0)
        _refuse_zero(
            total,
            val_ids,
            start,
            "has probabilities too small for float64 to weigh (every w_j p_j underflows to 0)",
        )
        w = (r / total).mean(axis=1)
    return w / w.sum()


def _refuse_zero(p, val_ids, start, why):
    """ValueError naming the first validation position whose p is 0 (so no weights could be
    fitted)."""
    zero = np.flatnonzero(p == 0)
    if zero.size:
        t = start + int(zero[0])
        raise ValueError(
            f"val_ids[{t}] = {int(np.asarray(val_ids)[t])} {why} ({zero.size} such position(s)); "
            f"include a table that gives every character some probability, such as ngram.uniform(V)"
        )


def _keys(ids, k, size):
    """Each k-gram of ``ids`` as one integer, its characters read as digits in base ``size``."""
    key = np.zeros(len(ids) - k + 1, dtype=np.int64)
    for j in range(k):
        key = key * size + ids[j : len(ids) - k + 1 + j]
    return key


def _lookup(keys, values, query):
    """values[i] where keys[i] == query, else 0 (``keys`` sorted, no repeats)."""
    i = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[i] == query, values[i], 0)


class KneserNey:
    """An interpolated Kneser-Ney model of order n (chapter 08), made by ``kneser_ney``.

    ``levels[k - 1]`` holds the statistics of order k as sorted arrays: the
    k-grams that occur and their counts (raw counts at the highest order,
    continuation counts below), each (k-1)-character context with its total
    and its number of different next characters, and the discount D_k.
    """

    def __init__(self, order, size, levels):
        self.order, self.size, self.levels = order, size, levels

    @property
    def discounts(self):
        """D_1, ..., D_n, one per order."""
        return [level["D"] for level in self.levels]

    def __repr__(self):
        discounts = [round(d, 3) for d in self.discounts]
        return f"KneserNey(order={self.order}, size={self.size}, discounts={discounts})"

    def _probs(self, windows, avail):
        """p(last column | the columns before it), using at most ``avail[m]`` characters of
        context."""
        n, size = windows.shape[1], self.size
        p = np.full(len(windows), 1.0 / size)  # below order 1: uniform
        ctx = np.zeros(len(windows), dtype=np.int64)  # the k - 1 characters before, as one integer
        for k, level in enumerate(self.levels, start=1):
            if k > 1:
                ctx = windows[:, n - k] * size ** (k - 2) + ctx
            count = _lookup(level["grams"], level["counts"], ctx * size + windows[:, -1])
            total = _lookup(level["contexts"], level["totals"], ctx)
            types = _lookup(level["contexts"], level["types"], ctx)
            D = level["D"]
            mixed = (np.maximum(count - D, 0) + D * types * p) / np.maximum(total, 1)
            p = np.where((avail >= k - 1) & (total > 0), mixed, p)
        return p

    def probabilities(self, ids, start=None):
        """p(ids[t] | up to n - 1 characters before it) for t = start, ..., T-1
        (``ngram.probabilities``)."""
        ids = _check_ids("ids", ids, self.size)
        start = self.order - 1 if start is None else check_count("start", start)
        if start >= len(ids):
            raise ValueError(f"start must be below the length of ids ({len(ids)}), got {start}")
        padded = np.concatenate([np.zeros(self.order - 1, dtype=np.int64), ids])
        windows = np.lib.stride_tricks.sliding_window_view(padded, self.order)[start:]
        avail = np.minimum(np.arange(start, len(ids)), self.order - 1)
        return self._probs(windows, avail)

    def next_probabilities(self, context):
        """p(c | context) for every character c of the vocabulary, an array of shape (V,)."""
        context = np.asarray(context)
        context = _check_ids(
            "context", context.astype(np.int64) if context.size == 0 else context, self.size
        )
        context = context[
            len(context) - min(len(context), self.order - 1) :
        ]  # the last n - 1 at most
        windows = np.zeros((self.size, self.order), dtype=np.int64)
        windows[:, -1] = np.arange(self.size)
        if len(context):
            windows[:, -1 - len(context) : -1] = context
        return self._probs(windows, np.full(self.size, len(context)))


def kneser_ney(train_ids, order, size):
    """Interpolated Kneser-Ney model of order n (chapter 08; Kneser and Ney 1995, Chen and Goodman
    1999).

    Plain (not modified) KN, one discount per order. For a context h of k - 1
    characters and h' = h without its first character,

        p_k(c | h) = (max(N_k(h c) - D_k, 0) + D_k T_k(h) p_{k-1}(c | h')) / N_k(h),

    where N_k are raw counts at the highest order and, below it, continuation
    counts (N_k(g) = how many different characters precede g in the training
    text), N_k(h) = sum over c of N_k(h c), T_k(h) = the number of characters c
    with N_k(h c) > 0, and p_0 = 1/V. A context never seen (N_k(h) = 0) hands
    over to p_{k-1} entirely. D_k = n1 / (n1 + 2 n2) from the numbers n1, n2 of
    k-grams counted once and twice (Ney, Essen and Kneser 1994); 0.5 if either
    is zero. Every row p_n(. | h) sums to one and is positive.
    """
    order, size = check_size("order", order), check_size("size", size)
    ids = _check_ids("train_ids", train_ids, size)
    if size > 1 and size**order >= 2**63:
        raise ValueError(
            f"order={order} with size={size} gives n-grams that an int64 cannot number "
            f"(size^order must be below 2^63)"
        )
    if len(ids) <= order:
        raise ValueError(
            f"train_ids must hold more than order = {order} characters, got {len(ids)}"
        )
    levels = []
    for k in range(1, order + 1):
        if k == order:
            grams, counts = np.unique(_keys(ids, k, size), return_counts=True)
        else:  # continuation counts: distinct left neighbours
            grams, counts = np.unique(
                np.unique(_keys(ids, k + 1, size)) % size**k, return_counts=True
            )
        contexts, first, types = np.unique(grams // size, return_index=True, return_counts=True)
        n1, n2 = int(np.sum(counts == 1)), int(np.sum(counts == 2))
        levels.append(
            {
                "grams": grams,
                "counts": counts,
                "contexts": contexts,
                "totals": np.add.reduceat(counts, first),
                "types": types,
                "D": n1 / (n1 + 2 * n2) if n1 and n2 else 0.5,
            }
        )
    return KneserNey(order, size, levels)
