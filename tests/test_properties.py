"""Property-based tests (Hypothesis) of forecast, elman1990 and text, waiting to move beside
their modules' unit tests (tests/test_forecast.py, test_elman1990.py, test_text.py) once the
chapter work on those files has landed. The harness and the strategies, and what every call
must do with random arguments, are in tests/helpers.py; the other modules' property tests are
in their own test files.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib
from helpers import (
    COUNTS,
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
    reference_forward,
    shapes,
    sizes,
    small_net,
)
from rnnlib import elman1990 as e9
from rnnlib import forecast, text

# ---------------------------------------------------------------- strategies


# ------------------------------------------------------------------- tasks (ch. 03)


# ------------------------------------------------------------------ probes (ch. 04)


# ---------------------------------------------------------------- forecast (ch. 07)
SERIES = mostly(
    st.integers(3, 9)
    .flatmap(lambda T: st.sampled_from([(T,), (T, 1)]))
    .flatmap(lambda s: arrays(shape=s)),
    arrays(max_dims=2, max_side=9),
)
STARTS = mostly(st.integers(1, 8), COUNTS)


@given(series=SERIES, length=sizes(1, 5), step=sizes(1, 3), p=sizes(1, 4))
def test_forecast_data_shaping(series, length, step, p):
    out = call(forecast.windows, series, length, step, names=["series", "length", "step"])
    s = numeric(series).ravel()
    if out is not REFUSED:
        X, Y = out
        for n in range(X.shape[1]):
            np.testing.assert_array_equal(X[:, n, 0], s[n * step : n * step + length])
            np.testing.assert_array_equal(Y[:, n, 0], s[n * step + 1 : n * step + length + 1])
    out = call(forecast.lag_matrix, series, p, names=["series", "p"])
    if out is not REFUSED:
        L, y = out
        for t in range(p, s.size):
            np.testing.assert_array_equal(L[t - p], s[t - p : t][::-1])
        np.testing.assert_array_equal(y, s[p:])


@given(series=SERIES, p=sizes(1, 3), start=STARTS, steps=sizes(1, 4))
def test_forecast_baselines(series, p, start, steps):
    s = numeric(series).ravel()
    out = call(forecast.fit_ar, series, p, names=["series", "p"])
    if out is not REFUSED:
        phi, intercept = out
        assert phi.shape == (p,) and isinstance(intercept, float)
        one = call(
            forecast.ar_one_step,
            series,
            phi,
            intercept,
            start,
            names=["series", "phi", "intercept", "start"],
        )
        if one is not REFUSED:
            ref = [intercept + phi @ s[t - p : t][::-1] for t in range(start, s.size)]
            np.testing.assert_allclose(one, ref, atol=1e-9)
        free = call(
            forecast.ar_free_run,
            series,
            phi,
            intercept,
            steps,
            names=["history", "phi", "intercept", "steps"],
        )
        if free is not REFUSED:
            buf = list(s)
            for _ in range(steps):
                buf.append(intercept + sum(phi[k] * buf[-1 - k] for k in range(p)))
            np.testing.assert_allclose(free, buf[s.size :], atol=1e-9)
    out = call(forecast.persistence, series, start, names=["series", "start"])
    if out is not REFUSED:
        np.testing.assert_array_equal(out, s[start - 1 : -1])


@given(SERIES.flatmap(lambda a: st.tuples(st.just(a), mostly(arrays(shape=np.shape(a)), SERIES))))
def test_forecast_errors(pair):
    a, b = pair
    for fn, ref in (
        (forecast.rmse, lambda d: np.sqrt(np.mean(d**2))),
        (forecast.mae, lambda d: np.mean(np.abs(d))),
    ):
        out = call(fn, a, b, names=["y_true", "y_pred"])
        if out is not REFUSED:
            assert out == pytest.approx(ref(numeric(b) - numeric(a)))


@st.composite
def forecast_net(draw):
    if draw(mostly(st.just(True), st.just(False))):
        return small_net(draw, n_in=1, n_out=1)
    return small_net(
        draw,
        n_in=draw(st.sampled_from([1, 2])),
        n_out=draw(st.sampled_from([1, 2])),
        kinds=("elman", "jordan", "feedforward", "other"),
    )


@given(net=forecast_net(), series=SERIES, start=STARTS, steps=sizes(1, 4))
def test_forecast_rnn(net, series, start, steps):
    s = numeric(series).ravel()
    out = call(forecast.rnn_one_step, net, series, start, names=["net", "series", "start"])
    if out is not REFUSED:
        _, Y = net.forward(s[:-1, None])
        np.testing.assert_allclose(out, Y[start - 1 :, 0], atol=1e-12)
    out = call(forecast.rnn_free_run, net, series, steps, names=["net", "history", "steps"])
    if out is not REFUSED:
        Hs, Y = reference_forward(net, s[:, None])
        h, y, ref = Hs[-1], Y[-1], [Y[-1, 0]]
        for _ in range(steps - 1):
            Hs, Y = reference_forward(net, y[None], h)
            h, y = Hs[-1], Y[-1]
            ref.append(y[0])
        np.testing.assert_allclose(out, ref, atol=1e-9)


# ------------------------------------------------------------------ gradients (ch. 05)


# ----------------------------------------------------------------- gradcheck (ch. 05)


# ------------------------------------------------------------------ elman1990 (ch. 06)
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


# ------------------------------------------------------------ explorer, datasets, linalg


# ------------------------------------------------------------------------ text (ch. 08)
TEXTS = mostly(
    st.text("ab \ncd", min_size=1, max_size=12),
    st.one_of(st.just(""), st.integers(), st.lists(st.just("a"))),
)


@given(txt=TEXTS, extra=st.text("xyz", max_size=2))
def test_text_encoding(txt, extra):
    chars = call(text.alphabet, txt, names=["text"])
    if chars is REFUSED:
        return
    assert chars == "".join(sorted(set(txt)))
    ids = call(text.encode, txt, chars + extra, names=["text", "chars"])
    if ids is REFUSED:
        return
    assert call(text.decode, ids, chars + extra, names=["ids", "chars"]) == txt
    V = len(chars + extra)
    oh = call(text.one_hot, ids, V, names=["ids", "size"])
    np.testing.assert_array_equal(oh.argmax(-1), ids)
    assert np.all(oh.sum(-1) == 1)


@given(
    ids=mostly(
        hnp.arrays(np.int64, st.integers(2, 12), elements=st.integers(0, 3)),
        st.one_of(arrays(max_dims=2), st.just([])),
    ),
    n_streams=sizes(1, 4),
)
def test_text_streams(ids, n_streams):
    out = call(text.streams, ids, n_streams, names=["ids", "n_streams"])
    if out is REFUSED:
        return
    inputs, targets = out
    T = (len(ids) - 1) // n_streams
    for n in range(n_streams):
        np.testing.assert_array_equal(inputs[:, n], ids[n * T : (n + 1) * T])
        np.testing.assert_array_equal(targets[:, n], ids[n * T + 1 : (n + 1) * T + 1])


@given(
    txt=mostly(
        st.lists(st.text("ab ", min_size=1, max_size=5), min_size=3, max_size=8).map(
            lambda lines: "\n".join(lines) + "\n"
        ),
        TEXTS,
    ),
    fractions=mostly(
        st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.5), [0.3, 0.3, 0.4]]),
        st.sampled_from([(0.5, 0.6), (1.5, -0.5), ("a",), 0.5]),
    ),
)
def test_text_split(txt, fractions):
    parts = call(text.split, txt, fractions, names=["text", "fractions", "part"])
    if parts is not REFUSED:
        assert "".join(parts) == txt and len(parts) == len(fractions) and all(parts)


@st.composite
def score_rows(draw):
    shape = draw(mostly(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), shapes()))
    return draw(arrays(shape=shape))


@given(
    Y=score_rows(),
    data=st.data(),
    temperature=mostly(st.sampled_from([0.5, 1, 2.0]), st.sampled_from([0, -1, "hot"])),
)
def test_text_scores(Y, data, temperature):
    logp = call(text.log_softmax, Y, names=["Y"])
    if logp is not REFUSED:
        y = numeric(Y)
        np.testing.assert_allclose(logp, y - np.log(np.exp(y).sum(-1, keepdims=True)), atol=1e-12)
        nxt = data.draw(
            mostly(
                hnp.arrays(np.int64, y.shape[:-1], elements=st.integers(0, y.shape[-1] - 1)),
                arrays(max_dims=2),
            )
        )
        bits = call(text.next_char_bits, Y, nxt, names=["Y", "next_ids"])
        if bits is not REFUSED:
            np.testing.assert_allclose(
                bits, -np.take_along_axis(logp, nxt[..., None], -1)[..., 0] / np.log(2)
            )
            if bits.size:
                bpc, perplexity = call(text.bits_per_char, bits, names=["bits"])
                assert bpc == pytest.approx(bits.mean()) and perplexity == pytest.approx(
                    2 ** bits.mean()
                )
    p = call(text.temperature_probs, Y, temperature, names=["y", "temperature"])
    if p is not REFUSED:
        z = numeric(Y) / temperature
        np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(-1, keepdims=True), atol=1e-12)


@st.composite
def text_net_args(draw):
    V = draw(st.integers(2, 4))
    net = (
        rnnlib.ElmanRNN(
            V,
            draw(st.integers(1, 3)),
            draw(mostly(st.just(V), st.just(V + 1))),
            seed=draw(st.integers(0, 3)),
        )
        if draw(mostly(st.just(True), st.just(False)))
        else "net"
    )
    ids = draw(
        mostly(
            hnp.arrays(np.int64, st.integers(1, 10), elements=st.integers(0, V - 1)),
            arrays(max_dims=2),
        )
    )
    return net, ids


@given(
    args=text_net_args(),
    n_streams=sizes(1, 3),
    warmup=mostly(st.integers(0, 3), COUNTS),
    n=COUNTS,
    temperature=mostly(
        st.sampled_from([1.0, 0.5, [1.0, 2.0]]), st.sampled_from([0.0, "x", [1.0, -1.0]])
    ),
    seed=SEEDS,
)
def test_text_read_and_sample(args, n_streams, warmup, n, temperature, seed):
    net, ids = args
    out = call(text.read, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"])
    if out is not REFUSED and n_streams == 1:
        ref_H, ref_Y = reference_forward(net, np.eye(net.n_in)[ids[:-1]])
        np.testing.assert_allclose(out[0], ref_H, atol=1e-12)
        np.testing.assert_allclose(out[1], ref_Y, atol=1e-12)
    bits = call(
        text.surprisal, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"]
    )
    if bits is not REFUSED:
        assert bits.shape == (len(ids) - 1,) and np.all(bits >= 0)
    chars = call(
        text.sample,
        net,
        ids,
        n,
        temperature,
        seed,
        names=["net", "prefix_ids", "n", "temperature", "seed"],
    )
    if chars is not REFUSED:
        assert chars.shape == ((len(temperature), n) if isinstance(temperature, list) else (n,))
        assert np.all((0 <= chars) & (chars < net.n_out))


# --------------------------------------------------- the core, at the public API level
