"""rnnlib.ngram: counting baselines of chapter 08, checked on cases small enough to do by hand."""

import numpy as np
import pytest

from rnnlib import ngram


def test_uniform_and_add_k_rows_are_distributions():
    ids = np.array([0, 1, 2, 1, 0, 1, 1, 2, 2, 0])
    assert ngram.uniform(3).tolist() == [1 / 3] * 3
    for order in (1, 2, 3):
        P = ngram.add_k(ids, order, 3, 0.5)
        assert P.shape == (3,) * order
        assert np.allclose(P.sum(axis=-1), 1.0)
        assert np.all(P > 0)


def test_counts_by_hand():
    ids = np.array([0, 1, 0, 1, 1])  # "abab b": bigrams ab, ba, ab, bb
    assert ngram.counts(ids, 1, 2).tolist() == [2, 3]
    assert ngram.counts(ids, 2, 2).tolist() == [[0, 2], [1, 1]]
    C3 = ngram.counts(ids, 3, 2)
    assert C3[0, 1, 0] == 1 and C3[1, 0, 1] == 1 and C3[0, 1, 1] == 1 and C3.sum() == 3


def test_add_k_by_hand():
    ids = np.array([0, 1, 0, 1, 1])
    P = ngram.add_k(ids, 2, 2, 1.0)
    # after "a" (index 0): counts (0, 2) + 1 each -> (1, 3) / 4; after "b": (1, 1) + 1 -> (2, 2) / 4
    assert P.tolist() == [[0.25, 0.75], [0.5, 0.5]]
    # an unseen context gives the uniform row
    assert ngram.add_k(np.array([0, 0, 0]), 2, 3, 0.1)[2].tolist() == pytest.approx([1 / 3] * 3)


def test_surprisal_in_bits_by_hand():
    ids = np.array([0, 1, 0, 1, 1])
    P = ngram.add_k(ids, 2, 2, 1.0)
    bits = ngram.surprisal(P, ids)  # positions 1..4: p = 0.75, 0.5, 0.75, 0.5
    assert bits.tolist() == pytest.approx([-np.log2(0.75), 1.0, -np.log2(0.75), 1.0])
    assert ngram.surprisal(ngram.uniform(8), ids, start=2).tolist() == [3.0, 3.0, 3.0]


def test_models_of_different_order_score_the_same_characters():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, 200)
    lengths = {len(ngram.surprisal(ngram.add_k(ids, n, 4, 1.0), ids, start=2)) for n in (1, 2, 3)}
    assert lengths == {198}
    with pytest.raises(ValueError, match="start must be at least n - 1 = 2"):
        ngram.surprisal(ngram.add_k(ids, 3, 4, 1.0), ids, start=1)


def test_a_model_of_the_right_order_wins_on_fresh_text():
    # a source where each character is the previous plus one (mod 5), with 10% noise:
    # the bigram model must be far better than the unigram, which is near log2(5)
    rng = np.random.default_rng(1)

    def source(n):
        ids = [0]
        for _ in range(n - 1):
            ids.append((ids[-1] + 1) % 5 if rng.random() > 0.1 else int(rng.integers(5)))
        return np.array(ids)

    train, test = source(5000), source(2000)
    uni = ngram.surprisal(ngram.add_k(train, 1, 5, 1.0), test, start=1).mean()
    bi = ngram.surprisal(ngram.add_k(train, 2, 5, 1.0), test, start=1).mean()
    assert uni > 2.2 and bi < 0.8


def test_choose_k_looks_at_validation_only():
    rng = np.random.default_rng(2)
    train = rng.integers(0, 6, 300)
    val = rng.integers(0, 6, 300)
    ks = [0.01, 0.1, 1.0, 10.0]
    k, bits = ngram.choose_k(train, val, 2, 6, ks)
    expected = [ngram.surprisal(ngram.add_k(train, 2, 6, kk), val).mean() for kk in ks]
    assert bits.tolist() == pytest.approx(expected)
    assert k == ks[int(np.argmin(expected))]
    # the choice depends on the validation text, and on nothing else it is given
    k_same, _ = ngram.choose_k(train, val.copy(), 2, 6, ks)
    assert k_same == k
    # random characters: a large k (close to uniform) must win over a tiny one
    assert bits[-1] < bits[0]


def test_interpolation_sums_to_one_and_weights_fit_validation():
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 4, 400)
    tables = [ngram.uniform(4)] + [ngram.add_k(ids, n, 4, 0.5) for n in (1, 2, 3)]
    mix = ngram.interpolate(tables, [0.1, 0.2, 0.3, 0.4])
    assert mix.shape == (4, 4, 4) and np.allclose(mix.sum(axis=-1), 1.0)
    # lower orders line up with the last axes: p(c | a b) = ... + w2 p2(c | b)
    assert mix[1, 2, 3] == pytest.approx(
        0.1 / 4 + 0.2 * tables[1][3] + 0.3 * tables[2][2, 3] + 0.4 * tables[3][1, 2, 3]
    )
    val = rng.integers(0, 4, 400)
    w = ngram.fit_weights(tables, val, start=2)
    assert w.sum() == pytest.approx(1.0) and np.all(w >= 0)
    fitted = ngram.surprisal(ngram.interpolate(tables, w), val, start=2).mean()
    for other in ([0.25] * 4, [0, 0, 0, 1.0], [0, 1.0, 0, 0]):
        assert (
            fitted <= ngram.surprisal(ngram.interpolate(tables, other), val, start=2).mean() + 1e-9
        )


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: ngram.add_k([0, 1], 1, 2, 0), ValueError, "k must be positive"),
        (lambda: ngram.add_k([0, 1], 3, 2, 1.0), ValueError, "at least order = 3"),
        (lambda: ngram.counts([0, 5], 1, 2), ValueError, r"indices in \[0, 2\)"),
        (lambda: ngram.counts([0.0, 1.0], 1, 2), TypeError, "integer character indices"),
        (lambda: ngram.uniform(0), ValueError, "positive integer"),
        (lambda: ngram.interpolate([ngram.uniform(2)], [0.5]), ValueError, "sum to 1"),
        (
            lambda: ngram.interpolate([ngram.uniform(2), ngram.uniform(3)], [0.5, 0.5]),
            ValueError,
            "one vocabulary",
        ),
        (
            lambda: ngram.surprisal(ngram.uniform(2), [0, 1], start=2),
            ValueError,
            "below the length",
        ),
    ],
)
def test_bad_input_fails_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------- helper modules check what they are given
def test_fit_weights_refuses_a_character_that_no_table_can_give():
    # every table gives character 2 probability 0, so no weights are best (this returned NaN once)
    P = np.array([0.5, 0.5, 0.0])
    with pytest.raises(
        ValueError, match=r"val_ids\[1\] = 2 has probability 0 in every table.*ngram.uniform"
    ):
        ngram.fit_weights([P, P], np.array([0, 2, 1]))
    # the position is counted in the text, after the context the highest order needs
    bigram = ngram.add_k(np.array([0, 1, 0, 1]), 2, 3, 1.0)
    bigram[:, 2] = 0
    bigram /= bigram.sum(axis=-1, keepdims=True)
    with pytest.raises(
        ValueError, match=r"val_ids\[3\] = 2 has probability 0 in every table.*\(2 such position"
    ):
        ngram.fit_weights([P, bigram], np.array([0, 1, 0, 2, 2]))
    # with a table that gives every character some probability, the weights are well defined
    w = ngram.fit_weights([ngram.uniform(3), P, bigram], np.array([0, 1, 0, 2, 2]))
    assert np.all(np.isfinite(w)) and w.sum() == pytest.approx(1.0) and w[0] > 0


def test_fit_weights_refuses_probabilities_too_small_to_weigh():
    # 5e-324 is the smallest float: half of it (its weight is 1/2) rounds to 0
    P = np.array([1.0, 5e-324])
    with pytest.raises(
        ValueError, match=r"val_ids\[0\] = 1 has probabilities too small for float64"
    ):
        ngram.fit_weights([P, P], np.array([1, 0]))


def test_tables_and_weights_with_nan_are_refused():
    P = ngram.uniform(3)
    nan_table = np.array([np.nan, 0.5, 0.5])
    with pytest.raises(ValueError, match="weights contains NaN"):
        ngram.interpolate([P, P], [np.nan, 1.0])
    with pytest.raises(ValueError, match="tables contains NaN"):
        ngram.interpolate([P, nan_table], [0.5, 0.5])
    with pytest.raises(ValueError, match="tables contains NaN"):
        ngram.fit_weights([P, nan_table], [0, 1, 2])
    with pytest.raises(ValueError, match="table contains NaN"):
        ngram.surprisal(nan_table, [0, 1])


@pytest.mark.parametrize(
    "table,match",
    [
        (np.array([0.5, 0.6, -0.1]), r"probabilities in \[0, 1\]"),
        (np.array([2.0, 0.0]), r"probabilities in \[0, 1\]"),
        (np.array([[0.5, 0.5], [0.2, 0.2]]), "each row P.context. sums to 1.*sums to 0.4"),
        (np.zeros((2, 3)), "equal axes"),
        (np.zeros(0), "equal axes"),
    ],
)
def test_a_table_must_hold_probability_distributions(table, match):
    with pytest.raises(ValueError, match=match):
        ngram.probabilities(table, [0, 1])


@pytest.mark.parametrize(
    "dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64]
)
def test_counts_take_every_integer_dtype(dtype):
    # the reproducer: uint64 ids raised numpy's raw cast error
    ids = np.array([0, 1, 0, 1, 1], dtype=dtype)
    assert ngram.counts(ids, 2, 2).tolist() == [[0, 2], [1, 1]]
    assert ngram.surprisal(ngram.add_k(ids, 2, 2, 1.0), ids).tolist() == pytest.approx(
        [-np.log2(0.75), 1.0] * 2
    )


def test_sizes_are_checked_before_anything_is_allocated():
    # 100000^4 entries: more than an int64 index can count (the index wrapped around before)
    with pytest.raises(
        ValueError, match=r"order=4 with size=100000 needs .* more than an int64 index can count"
    ):
        ngram.counts([0, 1, 2, 3], 4, 100000)
    with pytest.raises(ValueError, match=r"order=1000000 with size=60 needs .* more than an int64"):
        ngram.counts(np.zeros(10**6, dtype=np.int64), 10**6, 60)
    with pytest.raises(ValueError, match=r"order=3 with size=1000000 needs an array"):
        ngram.add_k([0, 1, 2], 3, 10**6, 1.0)
    with pytest.raises(ValueError, match=r"size=10000000000000 needs an array"):
        ngram.uniform(10**13)


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: ngram.fit_weights([], [0, 1]), ValueError, "tables must hold at least one table"),
        (lambda: ngram.fit_weights(ngram.uniform(2), [0, 1]), TypeError, "tables must be a list"),
        (
            lambda: ngram.fit_weights([ngram.uniform(2), ngram.uniform(3)], [0, 1]),
            ValueError,
            "one vocabulary",
        ),
        (lambda: ngram.interpolate([], []), ValueError, "at least one table"),
        (lambda: ngram.choose_k([0, 1], [0, 1], 1, 2, 0.5), TypeError, "ks must be a list"),
        (
            lambda: ngram.counts(np.array([0, 1], dtype=bool), 1, 2),
            TypeError,
            "integer character indices",
        ),
    ],
)
def test_more_bad_input_fails_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------ interpolated Kneser-Ney (chapter 08)
def test_kneser_ney_by_hand():
    # "ababb", V = 2, order 2. Bigrams ab, ba, ab, bb: raw counts ab 2, ba 1, bb 1
    # (n1 = 2, n2 = 1: D2 = 1/2).
    # Continuation counts of single characters (distinct left neighbours): a 1 (from ba),
    # b 2 (ab, bb): n1 = n2 = 1, D1 = 1/3;
    # p1(a) = (1 - 1/3 + 1/3 * 2 * 1/2) / 3 = 1/3, p1(b) = (2 - 1/3 + 1/3) / 3 = 2/3.
    # After a: (2 - 1/2 + 1/2 * 1 * 2/3) / 2 = 11/12 for b, (1/2 * 1 * 1/3) / 2 = 1/12 for a.
    # After b: (1 - 1/2 + 1/2 * 2 * 1/3) / 2 = 5/12 for a,
    #          (1 - 1/2 + 1/2 * 2 * 2/3) / 2 = 7/12 for b.
    model = ngram.kneser_ney(np.array([0, 1, 0, 1, 1]), 2, 2)
    assert model.discounts == pytest.approx([1 / 3, 1 / 2])
    assert model.next_probabilities([]).tolist() == pytest.approx([1 / 3, 2 / 3])
    assert model.next_probabilities([0]).tolist() == pytest.approx([1 / 12, 11 / 12])
    assert model.next_probabilities([1]).tolist() == pytest.approx([5 / 12, 7 / 12])
    bits = ngram.surprisal(model, [0, 1, 1, 0], start=1)
    assert bits.tolist() == pytest.approx(-np.log2([11 / 12, 7 / 12, 5 / 12]))
    assert ngram.probabilities(model, [1, 0], start=0).tolist() == pytest.approx([2 / 3, 5 / 12])


def test_kneser_ney_rows_sum_to_one_for_every_context():
    rng = np.random.default_rng(4)
    ids = rng.choice(3, 60, p=[0.5, 0.4, 0.1])  # a rare character: some contexts unseen
    for order in (1, 2, 3):
        model = ngram.kneser_ney(ids, order, 3)
        for length in range(order):
            for context in np.ndindex(*(3,) * length):
                p = model.next_probabilities(np.array(context, dtype=int))
                assert p.sum() == pytest.approx(1.0, abs=1e-12) and np.all(p > 0)


def _kneser_ney_loop(train, order, size):
    """A straightforward implementation with dictionaries and recursion, to check the vectorised
    one."""
    grams = [tuple(train[i : i + order]) for i in range(len(train) - order + 1)]
    counts = [None] * (order + 1)
    counts[order] = {}
    for g in grams:
        counts[order][g] = counts[order].get(g, 0) + 1
    for k in range(1, order):
        left = {}
        for i in range(1, len(train) - k + 1):
            left.setdefault(tuple(train[i : i + k]), set()).add(train[i - 1])
        counts[k] = {g: len(s) for g, s in left.items()}
    discount = [None]
    for k in range(1, order + 1):
        n1 = sum(1 for c in counts[k].values() if c == 1)
        n2 = sum(1 for c in counts[k].values() if c == 2)
        discount.append(n1 / (n1 + 2 * n2) if n1 and n2 else 0.5)

    def p(c, h):
        k = len(h) + 1
        lower = p(c, h[1:]) if h else 1.0 / size
        total = sum(n for g, n in counts[k].items() if g[:-1] == h)
        if total == 0:
            return lower
        types = sum(1 for g in counts[k] if g[:-1] == h)
        n = counts[k].get(h + (c,), 0)
        return (max(n - discount[k], 0) + discount[k] * types * lower) / total

    return p, discount[1:]


def test_kneser_ney_matches_a_loop_implementation():
    rng = np.random.default_rng(5)
    size, order = 4, 4
    train = (np.arange(300) % 4 + (rng.random(300) < 0.3) * rng.integers(0, 4, 300)) % 4
    model = ngram.kneser_ney(train, order, size)
    p, discounts = _kneser_ney_loop(train.tolist(), order, size)
    assert model.discounts == pytest.approx(discounts)
    test = rng.integers(0, size, 40)
    expected = [
        p(int(test[t]), tuple(int(x) for x in test[max(0, t - order + 1) : t]))
        for t in range(1, 40)
    ]
    assert ngram.probabilities(model, test, start=1).tolist() == pytest.approx(expected, rel=1e-12)
    for context in [(), (1,), (3, 2), (0, 1, 2), (2, 2, 2)]:
        row = [p(c, context) for c in range(size)]
        assert model.next_probabilities(np.array(context, dtype=int)).tolist() == pytest.approx(
            row, rel=1e-12
        )


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: ngram.kneser_ney([0, 1], 3, 2), ValueError, "more than order = 3"),
        (lambda: ngram.kneser_ney([0.0, 1.0, 0.0], 1, 2), TypeError, "integer character indices"),
        (lambda: ngram.kneser_ney([0, 1, 2, 3], 2, 3), ValueError, r"indices in \[0, 3\)"),
        (
            lambda: ngram.kneser_ney([0, 1, 2, 3], 13, 40),
            ValueError,
            "size\\^order must be below 2\\^63",
        ),
        (
            lambda: ngram.surprisal(ngram.kneser_ney([0, 1, 0], 2, 2), [0, 1], start=2),
            ValueError,
            "below the length",
        ),
    ],
)
def test_kneser_ney_bad_input_fails_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
