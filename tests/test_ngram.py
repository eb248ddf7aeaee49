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
    ids = np.array([0, 1, 0, 1, 1])             # "abab b": bigrams ab, ba, ab, bb
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
    bits = ngram.surprisal(P, ids)               # positions 1..4: p = 0.75, 0.5, 0.75, 0.5
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
    assert mix[1, 2, 3] == pytest.approx(0.1 / 4 + 0.2 * tables[1][3] + 0.3 * tables[2][2, 3] + 0.4 * tables[3][1, 2, 3])
    val = rng.integers(0, 4, 400)
    w = ngram.fit_weights(tables, val, start=2)
    assert w.sum() == pytest.approx(1.0) and np.all(w >= 0)
    fitted = ngram.surprisal(ngram.interpolate(tables, w), val, start=2).mean()
    for other in ([0.25] * 4, [0, 0, 0, 1.0], [0, 1.0, 0, 0]):
        assert fitted <= ngram.surprisal(ngram.interpolate(tables, other), val, start=2).mean() + 1e-9


@pytest.mark.parametrize("call,error,match", [
    (lambda: ngram.add_k([0, 1], 1, 2, 0), ValueError, "k must be positive"),
    (lambda: ngram.add_k([0, 1], 3, 2, 1.0), ValueError, "at least order = 3"),
    (lambda: ngram.counts([0, 5], 1, 2), ValueError, r"indices in \[0, 2\)"),
    (lambda: ngram.counts([0.0, 1.0], 1, 2), TypeError, "integer character indices"),
    (lambda: ngram.uniform(0), ValueError, "positive integer"),
    (lambda: ngram.interpolate([ngram.uniform(2)], [0.5]), ValueError, "sum to 1"),
    (lambda: ngram.interpolate([ngram.uniform(2), ngram.uniform(3)], [0.5, 0.5]), ValueError, "one vocabulary"),
    (lambda: ngram.surprisal(ngram.uniform(2), [0, 1], start=2), ValueError, "below the length"),
])
def test_bad_input_fails_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
