"""The data of Elman (1990) and the error floor of the letter task (chapter 06)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import (
    NOT_A_NET,
    REFUSED,
    SEEDS,
    SIZES,
    VALUES,
    arrays,
    bits,
    call,
    good_kind_of,
    gradcheck_args,
    mostly,
    numeric,
    sizes,
)
from rnnlib import elman1990 as e9

# ----------------------------------------------------------------- temporal XOR


def test_every_third_bit_is_the_xor_of_the_two_before():
    s = e9.temporal_xor_stream(500, seed=3)
    assert s.shape == (1500,)
    assert set(np.unique(s)) <= {0, 1}
    t = s.reshape(-1, 3)
    assert np.array_equal(t[:, 2], t[:, 0] ^ t[:, 1])
    # the first two bits of each triple are fair coins, not a fixed pattern
    assert 0.4 < t[:, 0].mean() < 0.6 and 0.4 < t[:, 1].mean() < 0.6
    assert 0.4 < np.mean(t[:, 0] == t[:, 1]) < 0.6  # independent: about half the pairs agree


def test_xor_stream_is_seeded():
    a = e9.temporal_xor_stream(50, seed=1)
    assert np.array_equal(a, e9.temporal_xor_stream(50, seed=1))
    assert not np.array_equal(a, e9.temporal_xor_stream(50, seed=2))
    assert np.array_equal(a, e9.temporal_xor_stream(50, seed=np.random.default_rng(1)))


def test_xor_floor_matches_a_brute_force_count():
    # the best guess of each next bit is its conditional mean given the phase and the last
    # two bits; measure the squared error of that guess on a long stream, by phase
    s = e9.temporal_xor_stream(20000, seed=0)
    floor = e9.xor_error_floor(len(s))
    for phase in range(3):
        t = np.arange(2, len(s) - 1)
        t = t[t % 3 == phase]
        keys = s[t - 1] * 2 + s[t]
        nxt = s[t + 1].astype(float)
        err = 0.0
        for k in range(4):
            sel = nxt[keys == k]
            err += np.sum((sel - sel.mean()) ** 2)
        assert err / len(t) == pytest.approx(floor[t].mean(), abs=0.01)
    assert np.array_equal(np.unique(floor), [0.0, 0.25])


# ------------------------------------------------------------- letter sequences


def test_feature_table_is_the_papers_and_codes_differ():
    assert e9.FEATURES == ("consonantal", "vocalic", "interrupted", "high", "back", "voiced")
    codes = {k: tuple(v) for k, v in e9.LETTER_CODES.items()}
    assert len(set(codes.values())) == 6
    for ch in "bdg":
        assert codes[ch][:3] == (1, 0, 1)
    for ch in "aiu":
        assert codes[ch][:3] == (0, 1, 0)
    assert all(v[5] == 1 for v in codes.values())  # all six letters are voiced


def test_letter_stream_follows_the_syllable_rule():
    s = e9.letter_stream(300, seed=5)
    # rebuild the stream from its consonants: it must be the same string
    consonants = [ch for ch in s if ch in "bdg"]
    assert len(consonants) == 300
    assert "".join({"b": "ba", "d": "dii", "g": "guuu"}[c] for c in consonants) == s
    # all three consonants occur, about equally often, and the order varies
    assert min(s.count(c) for c in "bdg") > 70
    assert len({"".join(consonants[i : i + 2]) for i in range(299)}) == 9


def test_letter_stream_probs():
    s = e9.letter_stream(2000, seed=0, probs={"b": 1.0})
    assert s == "ba" * 2000
    s = e9.letter_stream(3000, seed=0, probs=[0.6, 0.3, 0.1])
    assert s.count("b") / 3000 == pytest.approx(0.6, abs=0.03)


def test_encode_letters_uses_the_table():
    X = e9.encode_letters("bad")
    assert X.shape == (3, 6) and X.dtype == np.float64
    np.testing.assert_array_equal(X[1], e9.LETTER_CODES["a"])
    np.testing.assert_array_equal(X[2], e9.LETTER_CODES["d"])
    assert e9.encode_letters("").shape == (
        0,
        6,
    )  # unlike the error floor, coding needs no minimum length
    assert e9.encode_letters("b").shape == (1, 6)


def test_syllable_positions():
    np.testing.assert_array_equal(
        e9.syllable_positions("badiiguuuba"), [0, 1, 0, 1, 2, 0, 1, 2, 3, 0, 1]
    )
    np.testing.assert_array_equal(e9.syllable_positions("guu"), [0, 1, 2])  # cut short at the end


def test_onset_variance_from_the_codes():
    # b, d, g differ only in High (0, 1, 0) and Back (0, 0, 1): each is 1 with probability 1/3
    v = e9.onset_variance()
    var = float(Fraction(1, 3) * Fraction(2, 3))
    np.testing.assert_allclose(v, [0, 0, 0, var, var, 0])
    # a skewed distribution: High is 1 only for d
    v = e9.onset_variance({"b": 0.5, "d": 0.25, "g": 0.25})
    assert v[3] == pytest.approx(0.25 * 0.75) and v[4] == pytest.approx(0.25 * 0.75)
    assert np.all(e9.onset_variance({"d": 1.0}) == 0)


def brute_force_floor(letters):
    """Empirical floor: group the steps by the whole past that matters (the letters of
    the current syllable so far), predict each group's mean next code, average the
    squared errors. Makes no use of the syllable rules or of onset_variance."""
    X = e9.encode_letters(letters)
    keys, start = [], 0
    for t, ch in enumerate(letters[:-1]):
        if ch in "bdg":
            start = t
        keys.append(letters[start : t + 1])
    keys = np.array(keys)
    err = np.zeros(6)
    for k in set(keys):
        nxt = X[1:][keys == k]
        err += np.sum((nxt - nxt.mean(axis=0)) ** 2, axis=0)
    return err / len(keys)


def test_letter_floor_equals_brute_force_on_a_long_stream():
    s = e9.letter_stream(20000, seed=11)
    floor = e9.letter_error_floor(s)
    assert floor.shape == (len(s) - 1, 6)
    np.testing.assert_allclose(floor.mean(axis=0), brute_force_floor(s), atol=0.004)
    # about one step in three starts a syllable; the mean floor is then (1/3) * (2/9 + 2/9) / 6
    assert floor.mean() == pytest.approx(2 / 81, abs=0.001)


def test_letter_floor_is_zero_except_at_onsets():
    s = "badiiguuuba"
    floor = e9.letter_error_floor(s)
    onsets = np.flatnonzero(floor.sum(axis=1) > 0) + 1  # positions of predicted letters
    np.testing.assert_array_equal(onsets, [2, 5, 9])
    assert np.all(floor[:, [0, 1, 2, 5]] == 0)


def test_floor_with_skewed_consonants_matches_brute_force():
    probs = {"b": 0.7, "d": 0.2, "g": 0.1}
    s = e9.letter_stream(20000, seed=2, probs=probs)
    np.testing.assert_allclose(
        e9.letter_error_floor(s, probs).mean(axis=0), brute_force_floor(s), atol=0.004
    )


# ---------------------------------------------------------------------- words


def test_lexicon_has_15_words_and_sentences_use_it():
    words = [w for ws in e9.LEXICON.values() for w in ws]
    assert len(words) == len(set(words)) == 15
    for sent in e9.sentences(50, seed=1):
        assert 3 <= len(sent) <= 5 and all(w in words for w in sent)
        assert sent[0] in e9.LEXICON["DET"]


def test_word_stream_marks_word_onsets():
    letters, onsets, words = e9.word_stream(20, seed=4)
    assert letters == "".join(words) and len(onsets) == len(letters)
    assert onsets.sum() == len(words) and onsets[0]
    # cutting the string at the onsets gives back the words
    cuts = np.flatnonzero(onsets).tolist() + [len(letters)]
    assert [letters[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)] == words


def test_random_letter_codes_are_distinct_5_bit_vectors():
    codes = e9.random_letter_codes("thequickbrownfxjmpsvlazydg", n_bits=5, seed=0)
    assert len(codes) == 26
    vecs = {tuple(v) for v in codes.values()}
    assert len(vecs) == 26 and (0,) * 5 not in vecs
    assert all(len(v) == 5 and set(v) <= {0, 1} for v in vecs)
    other = e9.random_letter_codes("thequickbrownfxjmpsvlazydg", n_bits=5, seed=1)
    assert any(not np.array_equal(codes[ch], other[ch]) for ch in codes)


# ------------------------------------------------------------- batching helpers


def test_next_step_pairs_and_parallel_streams():
    s = np.arange(20)
    P = e9.parallel_streams(s, 3)
    assert P.shape == (6, 3, 1)
    np.testing.assert_array_equal(P[:, 1, 0], np.arange(6, 12))
    X, Y = e9.next_step_pairs(P)
    np.testing.assert_array_equal(X[1:], Y[:-1])
    X, Y = e9.next_step_pairs([0, 1, 1, 0])
    assert X.shape == Y.shape == (3, 1) and Y[0, 0] == 1


def test_a_network_learns_the_predictable_letters():
    # a small end-to-end check: after a short training run the error on vowels is far
    # below the error on consonant onsets, whose High/Back bits stay near the floor
    s = e9.letter_stream(600, seed=0)
    X, Y = e9.next_step_pairs(e9.parallel_streams(e9.encode_letters(s), 60))
    net = rnnlib.ElmanRNN(6, 12, 6, activation="sigmoid", seed=0)
    rnnlib.fit(net, X, Y, loss="bce", optimizer=rnnlib.Adam(lr=0.05), epochs=120, verbose=False)
    test = e9.letter_stream(300, seed=1)
    Xt, Yt = e9.next_step_pairs(e9.encode_letters(test))
    _, out = net.forward(Xt)
    err = (1 / (1 + np.exp(-out)) - Yt) ** 2
    onset = e9.syllable_positions(test)[1:] == 0
    assert err[~onset].mean() < 0.02
    assert err[onset][:, 3:5].mean() > 0.15


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: e9.temporal_xor_stream(0), ValueError, "n_triples must be a positive integer"),
        (lambda: e9.temporal_xor_stream(2.5), TypeError, "n_triples must be a positive integer"),
        (
            lambda: e9.letter_stream(10, probs=[0.5, 0.5]),
            ValueError,
            "one probability for each of b, d, g",
        ),
        (
            lambda: e9.letter_stream(10, probs=[0.5, 0.6, -0.1]),
            ValueError,
            "non-negative and sum to 1",
        ),
        (
            lambda: e9.letter_stream(10, probs={"p": 1.0}),
            ValueError,
            "may only name the consonants",
        ),
        (
            lambda: e9.encode_letters("bax"),
            ValueError,
            r"letters contains \['x'\], which have no code",
        ),
        (lambda: e9.encode_letters(["b", "a"]), TypeError, "letters must be a string"),
        (
            lambda: e9.encode_letters("ab", codes={"a": [1, 0], "b": [1]}),
            ValueError,
            "same number of bits",
        ),
        (
            lambda: e9.letter_error_floor("badab"),
            ValueError,
            "'dab' at position 2 is not the start of 'dii'",
        ),
        (lambda: e9.letter_error_floor("abaa"), ValueError, "expected a consonant at position 0"),
        (lambda: e9.letter_error_floor("baa"), ValueError, "expected a consonant at position 2"),
        (lambda: e9.letter_error_floor("b"), ValueError, "at least 2 letters"),
        (lambda: e9.letter_error_floor(123), TypeError, "letters must be a string"),
        (
            lambda: e9.random_letter_codes("abcd", n_bits=2),
            ValueError,
            "4 letters need more than 2 bits",
        ),
        (lambda: e9.random_letter_codes(""), ValueError, "alphabet must be a non-empty"),
        (lambda: e9.random_letter_codes(26), TypeError, "alphabet must be a string"),
        (lambda: e9.random_letter_codes(["a", 1]), TypeError, "alphabet must be a string"),
        (lambda: e9.sentences(0), ValueError, "n_sentences must be a positive integer"),
        (lambda: e9.next_step_pairs([1.0]), ValueError, "T >= 2"),
        (lambda: e9.next_step_pairs(["a", "b"]), TypeError, "must contain real numbers"),
        (
            lambda: e9.parallel_streams(np.zeros((3, 1)), 5),
            ValueError,
            "cannot be cut into n_streams=5 pieces",
        ),
        (lambda: e9.parallel_streams(np.zeros((3, 1, 1)), 1), ValueError, r"shape \(L, F\)"),
        (lambda: e9.xor_error_floor(0), ValueError, "n_bits must be a positive integer"),
    ],
)
def test_bad_input_raises_clear_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_squared_errors_are_those_of_the_sigmoid_outputs():
    net = rnnlib.ElmanRNN(2, 3, 2, activation="sigmoid", seed=4)
    X = np.random.default_rng(0).normal(size=(5, 4, 2))
    target = (X > 0).astype(float)
    _, Y = net.forward(X)
    err = e9.squared_errors(net, X, target)
    assert err.shape == (5, 4, 2)
    np.testing.assert_allclose(err, (1 / (1 + np.exp(-Y)) - target) ** 2)
    # an output of 0 (probability 1/2) is off by 1/2 whatever the bit
    net.V = np.zeros((2, 3))
    np.testing.assert_allclose(e9.squared_errors(net, X, target), 0.25)
    with pytest.raises(ValueError, match="target must have the shape of the outputs"):
        e9.squared_errors(net, X, target[:, :, :1])


# ------------------------------------------------------------- lexical classes


def test_every_word_has_one_class_and_a_number():
    words = [w for ws in e9.WORD_CLASSES.values() for w in ws]
    assert len(words) == len(set(words)) == len(e9.VOCABULARY) == 28
    assert list(e9.VOCABULARY) == words
    assert set(e9.ANIMATE_CLASSES) <= set(e9.WORD_CLASSES)
    assert all(cls in e9.WORD_CLASSES for frame in e9.CLASS_FRAMES for cls in frame)


def test_class_sentences_follow_the_frames():
    word_class = {w: c for c, ws in e9.WORD_CLASSES.items() for w in ws}
    sents = e9.class_sentences(3000, seed=2)
    frames = {tuple(word_class[w] for w in s) for s in sents}
    assert frames == set(e9.CLASS_FRAMES)  # every frame is used, and only frames
    counts = np.bincount([e9.VOCABULARY.index(w) for s in sents for w in s], minlength=28)
    assert np.all(counts > 0)
    assert (
        e9.class_sentences(5, seed=1)
        == e9.class_sentences(5, seed=1)
        != e9.class_sentences(5, seed=4)
    )


def test_another_lexicon_gives_its_own_words_and_numbers():
    # the paper's 29 words: see and break listed under two classes have one number each
    paper = {**e9.WORD_CLASSES, "VERB_PERCEPT": ("smell", "see"), "VERB_DESTROY": ("break",)}
    vocab = e9.vocabulary(paper)
    assert len(vocab) == len(set(vocab)) == len(e9.VOCABULARY) - 3
    words = [w for s in e9.class_sentences(200, seed=1, classes=paper) for w in s]
    assert np.array_equal(e9.word_numbers(200, 1, paper), [vocab.index(w) for w in words])
    with pytest.raises(ValueError, match=r"none for \['VERB_EAT'\]"):
        e9.word_numbers(5, classes={**e9.WORD_CLASSES, "VERB_EAT": ()})
    with pytest.raises(TypeError, match="classes must be a dict"):
        e9.class_sentences(5, classes=["man"])


def test_word_numbers_run_the_sentences_together():
    ids = e9.word_numbers(50, seed=3)
    words = [w for s in e9.class_sentences(50, seed=3) for w in s]
    assert ids.dtype.kind == "i" and [e9.VOCABULARY[i] for i in ids] == words
    with pytest.raises(ValueError):
        e9.word_numbers(0)


# ------------------------------ the 150-unit class network (scripts/elman1990_classes_150.py)


def _classes_150_script():
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "elman1990_classes_150.py"
    spec = importlib.util.spec_from_file_location("elman1990_classes_150", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_classes_150_script_reproduces_its_stored_first_pass():
    # the chapter draws the stored results; re-run the script's start (seed 0, its first pass
    # at the paper's sizes) and check that it gives the stored loss to the last bit
    import json

    script = _classes_150_script()
    record = json.loads(script.OUT.read_text(encoding="utf-8"))
    assert record["settings"] == script.SETTINGS
    book = record["lexicons"]["book"]
    assert book["vocabulary"] == list(e9.VOCABULARY)
    # the book's lexicon gives the library's own stream of word numbers
    assert np.array_equal(
        e9.word_numbers(300, 4, script.BOOK_CLASSES), e9.word_numbers(300, seed=4)
    )
    seed = script.SETTINGS["seeds"][0]
    assert book["words_per_seed"][0] == script.corpus(seed)[3]
    nets = script.networks([seed])
    hist = script.train(nets, [seed], passes=1)
    assert hist[0].loss[0] == book["seeds"][str(seed)]["loss_per_pass"][0]


def test_classes_150_describe_reads_the_tree():
    # describe() on points made to sit in two far-apart groups (nouns, verbs): the nouns and the
    # verbs form the two branches of the top split, and they are well separated
    script = _classes_150_script()
    n_words = len(e9.VOCABULARY)
    rng = np.random.default_rng(0)
    nouns = script.groups()["nouns"]
    points = rng.normal(scale=0.1, size=(n_words, 5))
    points[nouns, 0] += 10.0
    d = script.describe(points)
    assert d["branches"]["nouns"] and d["branches"]["verbs"]
    assert sorted(map(sorted, d["top_split"])) == sorted([nouns, script.groups()["verbs"]])
    assert d["noun_verb_separation"] > 10
    assert len(d["merges"]) == n_words - 1
    # the paper's lexicon: 29 words, see and break in two classes each, and neither ends a sentence
    paper = e9.vocabulary(script.PAPER_CLASSES)
    assert len(paper) == 29 and {"boy", "like", "exist"} <= set(paper)
    enders = {paper[i] for i in script.groups(script.PAPER_CLASSES)["words that end a sentence"]}
    assert enders == {"glass", "plate", "cookie", "bread", "sandwich", "think", "sleep", "exist"}


# ------------------------------------------ properties: random arguments (helpers.call)
@given(n=SIZES, seed=SEEDS)
def test_elman1990_streams(n, seed):
    s = call(e9.temporal_xor_stream, n, seed, names=["n_triples", "seed"])
    if s is not REFUSED:
        np.testing.assert_array_equal(s[2::3], s[0::3] ^ s[1::3])
    floor = call(e9.xor_error_floor, n, names=["n_bits"])
    if floor is not REFUSED:
        assert floor.shape == (n - 1,)
    letters = call(e9.letter_stream, n, seed, names=["n_consonants", "seed"])
    if letters is not REFUSED:
        assert (letters.replace("ba", "").replace("dii", "").replace("guuu", "")) == ""
        pos = call(e9.syllable_positions, letters, names=["letters"])
        fl = call(e9.letter_error_floor, letters, names=["letters"])
        if pos is not REFUSED:
            np.testing.assert_array_equal(fl.any(axis=1), pos[1:] == 0)
    out = call(e9.word_stream, n, seed, names=["n_sentences", "seed"])
    if out is not REFUSED:
        letters, onsets, words = out
        assert letters == "".join(words) and onsets.sum() == len(words)
    numbers = call(e9.word_numbers, n, seed, names=["n_sentences", "seed"])
    if numbers is not REFUSED:
        words = [w for sentence in e9.class_sentences(n, seed) for w in sentence]
        assert [e9.VOCABULARY[i] for i in numbers] == words


@given(
    probs=mostly(
        st.sampled_from(
            [
                None,
                [0.2, 0.3, 0.5],
                (1.0, 0.0, 0.0),
                {"b": 0.5, "g": 0.5},
                np.array([0.25, 0.25, 0.5], dtype=np.float32),
                np.array([0, 0, 1]),
            ]
        ),
        st.one_of(arrays(max_dims=1, max_side=4), st.dictionaries(st.sampled_from("bdgx"), VALUES)),
    )
)
def test_elman1990_onset_variance(probs):
    v = call(e9.onset_variance, probs, names=["probs"])
    if v is not REFUSED:
        p = (
            np.full(3, 1 / 3)
            if probs is None
            else numeric([probs.get(c, 0.0) for c in "bdg"] if isinstance(probs, dict) else probs)
        )
        C = np.array([e9.LETTER_CODES[c] for c in "bdg"], float)
        np.testing.assert_allclose(v, p @ (C - p @ C) ** 2, atol=1e-12)


CODE_TABLES = st.integers(1, 4).flatmap(
    lambda w: st.fixed_dictionaries({c: good_kind_of(bits((w,))) for c in "abdgiu"})
)


@given(
    letters=mostly(
        st.text("abdgiu", max_size=8),
        st.one_of(
            st.text("abdgiux", max_size=8),
            st.lists(st.sampled_from("abd"), max_size=3),
            st.integers(),
        ),
    ),
    codes=mostly(
        st.one_of(st.none(), CODE_TABLES),
        st.one_of(
            st.dictionaries(
                st.one_of(st.sampled_from("abdgiu"), st.sampled_from(["ab", 1])),
                arrays(max_dims=2, max_side=3),
                max_size=6,
            ),
            st.sampled_from([[1, 0], {}]),
        ),
    ),
)
def test_elman1990_encode_letters(letters, codes):
    out = call(e9.encode_letters, letters, codes, names=["letters", "codes"])
    if out is not REFUSED:
        table = e9.LETTER_CODES if codes is None else codes
        assert out.shape[0] == len(letters)
        for row, ch in zip(out, letters, strict=True):
            np.testing.assert_array_equal(row, numeric(table[ch]))


@given(
    alphabet=mostly(
        st.text("abcdefgh", min_size=1, max_size=6),
        st.one_of(
            st.just(""),
            st.lists(st.one_of(st.text(max_size=2), st.integers()), max_size=3),
            st.integers(),
        ),
    ),
    n_bits=mostly(st.integers(3, 6), st.sampled_from([0, 1, 40, 64, 200, 2.0, True])),
    seed=SEEDS,
)
def test_elman1990_random_letter_codes(alphabet, n_bits, seed):
    codes = call(
        e9.random_letter_codes, alphabet, n_bits, seed, names=["alphabet", "n_bits", "seed"]
    )
    if codes is not REFUSED:
        rows = {tuple(v) for v in codes.values()}
        assert len(rows) == len(codes) and all(len(r) == n_bits and any(r) for r in rows)


@given(
    codes=mostly(
        st.integers(2, 6)
        .flatmap(lambda T: st.sampled_from([(T,), (T, 2), (T, 1), (T, 2, 3)]))
        .flatmap(lambda s: arrays(shape=s)),
        arrays(max_dims=3, max_side=5),
    ),
    n_streams=sizes(1, 3),
)
def test_elman1990_batching(codes, n_streams):
    out = call(e9.next_step_pairs, codes, names=["codes"])
    if out is not REFUSED:
        arr = (
            numeric(codes).reshape(len(numeric(codes)), -1)
            if np.ndim(codes) == 1
            else numeric(codes)
        )
        np.testing.assert_array_equal(out[0], arr[:-1])
        np.testing.assert_array_equal(out[1], arr[1:])
    out = call(e9.parallel_streams, codes, n_streams, names=["codes", "n_streams"])
    if out is not REFUSED:
        arr = numeric(codes).reshape(len(numeric(codes)), -1)
        T = len(arr) // n_streams
        for n in range(n_streams):
            np.testing.assert_array_equal(out[:, n], arr[n * T : (n + 1) * T])


@st.composite
def squared_error_args(draw):
    net, X = draw(gradcheck_args())
    out_size = net["n_out"] if isinstance(net, dict) else net.n_out
    target = draw(mostly(good_kind_of(bits(np.shape(X)[:-1] + (out_size,))), arrays(max_dims=3)))
    return net, X, target


@given(squared_error_args())
def test_elman1990_squared_errors(args):
    net, X, target = args
    err = call(e9.squared_errors, net, X, target, names=["model", "X", "target"])
    if err is not REFUSED:
        _, Y = net.forward(X)
        np.testing.assert_allclose(err, (1 / (1 + np.exp(-Y)) - numeric(target)) ** 2, atol=1e-12)


# ---------------------------------------------- robustness: copies, entry checks, sizes
def test_next_step_pairs_are_two_copies_not_views():
    codes = np.arange(12.0).reshape(6, 2)
    X, Y = e9.next_step_pairs(codes)
    assert (
        not np.shares_memory(X, Y)
        and not np.shares_memory(X, codes)
        and not np.shares_memory(Y, codes)
    )
    X[1:] = -1.0  # step t+1 of the inputs is step t of the targets: they must not move together
    np.testing.assert_array_equal(Y, codes[1:])
    np.testing.assert_array_equal(codes, np.arange(12.0).reshape(6, 2))


def test_random_letter_codes_are_independent_arrays():
    codes = e9.random_letter_codes("abc", n_bits=3, seed=1)
    kept = {k: v.copy() for k, v in codes.items()}
    codes["a"][:] = 9
    for k in "bc":
        np.testing.assert_array_equal(codes[k], kept[k])
    np.testing.assert_array_equal(e9.random_letter_codes("abc", n_bits=3, seed=1)["a"], kept["a"])


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (
            lambda: e9.squared_errors(NOT_A_NET, np.ones((3, 1)), np.ones((3, 1))),
            TypeError,
            "model must be an rnnlib network",
        ),
        (
            lambda: e9.encode_letters("ab", codes={"a": 1, "b": 0}),
            ValueError,
            r"codes\['a'\] must be a 1-D vector",
        ),
        (
            lambda: e9.encode_letters("ab", codes={"a": [], "b": []}),
            ValueError,
            r"codes\['a'\] must be a 1-D vector",
        ),
        (
            lambda: e9.encode_letters("ab", codes={"ab": [1], "b": [0]}),
            TypeError,
            "codes must be keyed by single characters",
        ),
        (
            lambda: e9.encode_letters("ab", codes={}),
            ValueError,
            "codes must map at least one letter",
        ),
        (lambda: e9.encode_letters("ab", codes=[[1], [0]]), TypeError, "codes must be a dict"),
        (
            lambda: e9.next_step_pairs(np.zeros((4, 0))),
            ValueError,
            "codes must be a stream .* N, F >= 1",
        ),
        (
            lambda: e9.parallel_streams(np.zeros((4, 0)), 2),
            ValueError,
            r"codes must be a stream of shape \(L, F\) with F >= 1",
        ),
        (
            lambda: e9.parallel_streams(np.zeros(0), 1),
            ValueError,
            "codes of 0 steps cannot be cut into n_streams=1",
        ),
        (lambda: e9.random_letter_codes("abcd", n_bits=2), ValueError, "n_bits=2 gives only 3"),
    ],
)
def test_entry_checks_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize(
    "call,argument",
    [
        (
            lambda: e9.random_letter_codes("abc", n_bits=40),
            "n_bits=40",
        ),  # a table of 2**40 codes: 8 TiB
        (lambda: e9.random_letter_codes("abc", n_bits=64), "n_bits=64"),
        (lambda: e9.temporal_xor_stream(10**15), "n_triples=1000000000000000"),
        (lambda: e9.letter_stream(10**15), "n_consonants=1000000000000000"),
        (lambda: e9.sentences(10**15), "n_sentences=1000000000000000"),
        (lambda: e9.word_numbers(10**15), "n_sentences=1000000000000000"),
        (lambda: e9.xor_error_floor(10**15), "n_bits=1000000000000000"),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


def test_module_tables_are_read_only():
    for table, key in (
        (e9.LETTER_CODES, "b"),
        (e9.SYLLABLES, "b"),
        (e9.LEXICON, "DET"),
        (e9.WORD_CLASSES, "VERB_EAT"),
    ):
        with pytest.raises(TypeError):
            table[key] = None
    assert e9.encode_letters("ba", codes=e9.LETTER_CODES).shape == (2, 6)
