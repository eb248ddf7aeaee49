"""rnnlib.text and chapter 08's data: encoding, streams, scoring, sampling, the shipped text and
run."""

import hashlib
import json
from importlib import resources

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
    arrays,
    call,
    load_script,
    mostly,
    numeric,
    reference_forward,
    shapes,
    sizes,
)
from rnnlib import text as tx
from rnnlib.datasets import load_austen

TEXT_SHA256 = "30a68bb96c8a0fee7a3696e316c3de20cf18b6521202751c1b3dde5b588511af"


def test_shipped_text_is_the_one_recorded_in_the_readme():
    data = resources.files("rnnlib").joinpath("data")
    raw = data.joinpath("pride_and_prejudice_vol1.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == TEXT_SHA256
    readme = data.joinpath("README.md").read_text(encoding="utf-8")
    assert TEXT_SHA256 in readme and "public domain" in readme and "Gutenberg" in readme
    assert len(raw) <= 300_000


def test_the_text_is_volume_one_one_paragraph_per_line():
    text = load_austen()
    assert (
        text.startswith("PRIDE AND PREJUDICE\n")
        and "It is a truth universally acknowledged" in text
    )
    assert "Chapter 23\n" in text and "Chapter 24" not in text
    assert "_" not in text and "  " not in text and "\n\n" not in text and text.endswith("\n")


def test_prose_only_and_lower_case():
    text = load_austen(prose_only=True, lower=True)
    assert text.startswith("it is a truth universally acknowledged")
    assert "chapter 1\n" not in text and "pride and prejudice\n" not in text
    assert text == text.lower() and len(tx.alphabet(text)) == 42
    assert load_austen(lower=True) == load_austen().lower()


def test_loader_refuses_non_ascii_and_empty_files(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("caf\u00e9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must be ASCII"):
        load_austen(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        load_austen(path)


def test_encode_decode_round_trip_and_one_hot():
    chars = tx.alphabet("hello world")
    assert chars == " dehlorw"
    ids = tx.encode("hello", chars)
    assert ids.tolist() == [3, 2, 4, 4, 5]
    assert tx.decode(ids, chars) == "hello"
    X = tx.one_hot(ids, len(chars))
    assert X.shape == (5, 8) and X.sum(axis=1).tolist() == [1] * 5 and X[0, 3] == 1
    with pytest.raises(ValueError, match="not in the alphabet: '!'"):
        tx.encode("hello!", chars)


def test_split_keeps_order_and_paragraphs():
    text = "".join(f"paragraph {i}\n" for i in range(100))
    parts = tx.split(text)
    assert "".join(parts) == text and len(parts) == 3
    assert all(p.endswith("\n") for p in parts)
    assert abs(len(parts[0]) / len(text) - 0.8) < 0.02


def test_streams_are_contiguous_pieces_side_by_side():
    ids = np.arange(23)
    inputs, targets = tx.streams(ids, 4)  # (23 - 1) // 4 = 5 steps per stream
    assert inputs.shape == targets.shape == (5, 4)
    assert inputs[:, 1].tolist() == [5, 6, 7, 8, 9]  # column n is one stretch of the text
    assert np.array_equal(targets, inputs + 1)  # the target is the next character


def test_surprisal_of_a_known_network_by_hand():
    # a network whose output ignores its input: y = c, so p = softmax(c) at every step
    net = rnnlib.ElmanRNN(3, 2, 3, seed=0)
    net.V = np.zeros((3, 2))
    net.c = np.log([0.5, 0.25, 0.25])
    bits = tx.surprisal(net, np.array([0, 0, 1, 2]))
    assert bits.tolist() == pytest.approx([1.0, 2.0, 2.0])
    bpc, ppl = tx.bits_per_char(bits)
    assert bpc == pytest.approx(5 / 3) and ppl == pytest.approx(2 ** (5 / 3))


def test_reading_in_pieces_matches_reading_in_one_go():
    rng = np.random.default_rng(4)
    ids = rng.integers(0, 6, 997)
    net = rnnlib.ElmanRNN(6, 5, 6, seed=2)
    H1, Y1 = tx.read(net, ids)
    H2, Y2 = tx.read(net, ids, n_streams=9, warmup=80)
    assert H1.shape == H2.shape == (996, 5) and Y2.shape == (996, 6)
    # each piece forgets its start from h0 = 0 within the warm-up: the same numbers to rounding
    assert np.allclose(H1, H2, atol=1e-10) and np.allclose(Y1, Y2, atol=1e-10)
    # without a warm-up the first steps of each piece differ: the state starts from zero
    H3, _ = tx.read(net, ids, n_streams=9, warmup=0)
    assert not np.allclose(H1, H3, atol=1e-3)
    assert np.allclose(tx.surprisal(net, ids), tx.next_char_bits(Y1, ids[1:]))


def test_temperature_sharpens_and_flattens():
    y = np.array([2.0, 1.0, 0.0])
    p1, cold, hot = (tx.temperature_probs(y, t) for t in (1.0, 0.25, 4.0))
    for p in (p1, cold, hot):
        assert p.sum() == pytest.approx(1.0)
    assert cold[0] > p1[0] > hot[0] and hot[2] > p1[2] > cold[2]
    with pytest.raises(ValueError, match="temperature must be positive"):
        tx.temperature_probs(y, 0.0)


def test_sampling_is_seeded_and_follows_the_probabilities():
    net = rnnlib.ElmanRNN(3, 2, 3, seed=0)
    net.V = np.zeros((3, 2))
    net.c = np.log([0.7, 0.2, 0.1])
    a = tx.sample(net, [0], 2000, seed=5)
    assert np.array_equal(a, tx.sample(net, [0], 2000, seed=5))
    assert not np.array_equal(a, tx.sample(net, [0], 2000, seed=6))
    freq = np.bincount(a, minlength=3) / len(a)
    assert np.allclose(freq, [0.7, 0.2, 0.1], atol=0.03)
    cold = tx.sample(net, [0], 200, temperature=0.05, seed=5)
    assert np.all(cold == 0)  # near zero temperature: always the likeliest


def test_fit_char_lm_updates_continue_the_same_run():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 5, 2000)
    a, b = rnnlib.ElmanRNN(5, 4, 5, seed=1), rnnlib.ElmanRNN(5, 4, 5, seed=1)
    short = tx.fit_char_lm(a, ids, n_streams=4, chunk=10, updates=7, seed=3)
    full = tx.fit_char_lm(b, ids, n_streams=4, chunk=10, epochs=2, seed=3)
    assert (
        len(short.step_loss) == 7 and len(full.step_loss) == 2 * 50
    )  # 499 steps per stream: 50 pieces
    assert short.step_loss == full.step_loss[:7]
    with pytest.raises(ValueError, match="updates must fit in one epoch"):
        tx.fit_char_lm(a, ids, n_streams=4, chunk=10, updates=50)


def _script():
    return load_script("scripts/train_char_lm.py")


def test_shipped_weights_match_their_record():
    data = resources.files("rnnlib").joinpath("data")
    record = json.loads(data.joinpath("char_lm.json").read_text(encoding="utf-8"))
    raw = data.joinpath(record["weights"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == record["sha256"]
    assert record["settings"] == _script().SETTINGS
    with np.load(data.joinpath(record["weights"])) as z:
        assert len(z["step_loss"]) == record["updates"] and len(z["val_bpc"]) == record["epochs"]


def test_the_script_reproduces_the_start_of_its_stored_run():
    script = _script()
    _, history, _, _ = script.train(epochs=1, updates=12)
    with np.load(resources.files("rnnlib").joinpath("data").joinpath("char_lm.npz")) as z:
        stored = z["step_loss"][:12]
    # training is bit-identical on every machine (rnnlib.portable); the loss values pass through
    # numpy's log, whose last bit may depend on the CPU: compare them to 12 significant digits
    assert np.allclose(history.step_loss, stored, rtol=1e-12, atol=0)


def _scaling():
    return json.loads(
        resources.files("rnnlib")
        .joinpath("data")
        .joinpath("char_lm_scaling.json")
        .read_text(encoding="utf-8")
    )


def test_the_scaling_record_matches_the_script_and_the_shipped_files():
    script, scaling = _script(), _scaling()
    data = resources.files("rnnlib").joinpath("data")
    runs = {run["n_hidden"]: run for run in scaling["runs"]}
    assert sorted(runs) == list(script.SIZES) and scaling["large"] == script.LARGE
    for n, run in runs.items():
        assert run["lr"] == script.lr_for(n) and run["epochs"] == script.epochs_for(n)
        assert len(run["val_bpc"]) == run["epochs"] and run["best_epoch"] == 1 + int(
            np.argmin(run["val_bpc"])
        )
    large = runs[script.LARGE]
    assert (
        hashlib.sha256(data.joinpath(large["weights"]).read_bytes()).hexdigest() == large["sha256"]
    )
    # the 32-unit run of the scaling study is the shipped run of chapter 08's sections 5 and 8-10
    assert (
        runs[32]["sha256"]
        == json.loads(data.joinpath("char_lm.json").read_text(encoding="utf-8"))["sha256"]
    )
    with np.load(data.joinpath("char_lm.npz")) as z:
        assert np.allclose(z["val_bpc"], runs[32]["val_bpc"], rtol=0, atol=1e-6)


def test_the_large_model_reproduces_its_stored_test_bpc():
    script, scaling = _script(), _scaling()
    run = next(r for r in scaling["runs"] if r["n_hidden"] == scaling["large"])
    chars, _, _, test_ids = script.data()
    net = rnnlib.ElmanRNN(len(chars), run["n_hidden"], len(chars))
    with np.load(resources.files("rnnlib").joinpath("data").joinpath(run["weights"])) as z:
        for name in net.param_names:
            setattr(net, name, z[name])
        assert len(z["val_bpc"]) == run["epochs"] and len(z["step_loss"]) == run["updates"]
    assert script.test_bpc(net, test_ids) == pytest.approx(run["test_bpc"], abs=1e-6)


def test_the_script_reproduces_the_start_of_the_large_run():
    script = _script()
    _, history, _, _ = script.train(epochs=1, updates=5, n_hidden=script.LARGE)
    with np.load(resources.files("rnnlib").joinpath("data").joinpath("char_lm_large.npz")) as z:
        stored = z["step_loss"][:5]
    assert np.allclose(history.step_loss, stored, rtol=1e-12, atol=0)


def test_several_temperatures_side_by_side():
    net = rnnlib.ElmanRNN(4, 3, 4, seed=1)
    out = tx.sample(net, [0, 1], 50, temperature=[0.01, 1.0, 3.0], seed=2)
    assert out.shape == (3, 50) and out.min() >= 0 and out.max() < 4
    # at a temperature near zero every draw is the likeliest next character: check step by step
    h, y = net.forward(tx.one_hot(np.array([0, 1]), 4))
    h, y = h[-1], y[-1]
    for j in out[0, :10]:
        assert j == int(np.argmax(y))
        h, y = net.step(tx.one_hot(np.array([j]), 4)[0], h)
    with pytest.raises(ValueError, match="temperature must be positive"):
        tx.sample(net, [0], 5, temperature=[1.0, 0.0])


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: tx.alphabet(""), ValueError, "at least one character"),
        (lambda: tx.alphabet(b"abc"), TypeError, "must be a str"),
        (lambda: tx.encode("ab", "aa"), ValueError, "must not repeat"),
        (lambda: tx.decode([0, 3], "abc"), ValueError, r"indices in \[0, 3\)"),
        (lambda: tx.one_hot([0.5], 3), TypeError, "integer character indices"),
        (lambda: tx.split("a\nb\n", (0.5, 0.6)), ValueError, "add up to 1"),
        (lambda: tx.streams(np.arange(3), 4), ValueError, "too short for 4 streams"),
        (lambda: tx.streams(np.zeros((3, 2), dtype=int), 1), ValueError, "one sequence"),
        (
            lambda: tx.next_char_bits(np.zeros((4, 3)), np.array([0, 1])),
            ValueError,
            "must have shape",
        ),
        (lambda: tx.surprisal("net", [0, 1]), TypeError, "rnnlib network"),
        (lambda: tx.read(rnnlib.ElmanRNN(3, 2, 3), [0]), ValueError, "at least 2 characters"),
        (lambda: tx.sample(rnnlib.ElmanRNN(3, 2, 3), [], 5), ValueError, "at least 1 character"),
        (
            lambda: tx.fit_char_lm(
                rnnlib.ElmanRNN(3, 2, 3), np.arange(300) % 3, n_streams=2, updates=2, epochs=2
            ),
            ValueError,
            "epochs must be 1",
        ),
    ],
)
def test_bad_input_fails_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------- split says what it needs; sizes checked first
@pytest.mark.parametrize("length", [10, 1000, 100_000])
def test_split_of_a_text_without_line_breaks_asks_for_line_breaks(length):
    # the reproducer: it asked for "a longer text", whatever the length
    with pytest.raises(
        ValueError,
        match=r"part 2 should begin at or after character \d+, but the text has no "
        r"line break there .*\(0 line break\(s\)",
    ) as info:
        tx.split("a" * length)
    assert "longer" not in str(info.value)


def test_split_names_the_cut_that_found_no_line_break():
    # a line break only at the very end leaves nothing after it for the last part
    with pytest.raises(
        ValueError, match=r"part 2 should begin at or after character 2, .*\(1 line break"
    ):
        tx.split("abc\n", (0.5, 0.5))
    # the last cut falls beyond the text's last line break
    with pytest.raises(ValueError, match=r"part 3 should begin at or after character 16"):
        tx.split("one\ntwo\nthree four five", (0.2, 0.5, 0.3))
    # two cuts after the same line break: the part between them would be empty
    text = "x" * 10 + "\n" + "y" * 10 + "\n" + "z"
    with pytest.raises(
        ValueError, match=r"part 3 of the split would be empty: .*\(character 10\) also ends part 2"
    ):
        tx.split(text, (0.1, 0.1, 0.8))
    # enough line breaks: the same cuts as always, just after each line break
    assert tx.split(text, (0.1, 0.9)) == ["x" * 10 + "\n", "y" * 10 + "\nz"]
    assert tx.split(text, (0.1, 0.5, 0.4)) == ["x" * 10 + "\n", "y" * 10 + "\n", "z"]


def test_reading_in_many_streams_checks_the_size_first():
    net = rnnlib.ElmanRNN(3, 2, 3)
    with pytest.raises(
        ValueError, match=r"n_streams=1000000000 with warmup=100 needs an array of .* bytes"
    ):
        tx.read(net, [0, 1, 2, 0], n_streams=10**9)
    with pytest.raises(ValueError, match=r"n_streams=2 with warmup=1000000000000 needs an array"):
        tx.surprisal(net, [0, 1, 2, 0], n_streams=2, warmup=10**12)


# ------------------------------------------ properties: random arguments (helpers.call)
TEXTS = mostly(
    st.text("ab \ncd", min_size=1, max_size=12),
    st.one_of(st.just(""), st.integers(), st.lists(st.just("a"))),
)


@given(txt=TEXTS, extra=st.text("xyz", max_size=2))
def test_text_encoding(txt, extra):
    chars = call(tx.alphabet, txt, names=["text"])
    if chars is REFUSED:
        return
    assert chars == "".join(sorted(set(txt)))
    ids = call(tx.encode, txt, chars + extra, names=["text", "chars"])
    if ids is REFUSED:
        return
    assert call(tx.decode, ids, chars + extra, names=["ids", "chars"]) == txt
    V = len(chars + extra)
    oh = call(tx.one_hot, ids, V, names=["ids", "size"])
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
    out = call(tx.streams, ids, n_streams, names=["ids", "n_streams"])
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
    parts = call(tx.split, txt, fractions, names=["text", "fractions", "part"])
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
    logp = call(tx.log_softmax, Y, names=["Y"])
    if logp is not REFUSED:
        y = numeric(Y)
        np.testing.assert_allclose(logp, y - np.log(np.exp(y).sum(-1, keepdims=True)), atol=1e-12)
        nxt = data.draw(
            mostly(
                hnp.arrays(np.int64, y.shape[:-1], elements=st.integers(0, y.shape[-1] - 1)),
                arrays(max_dims=2),
            )
        )
        bits = call(tx.next_char_bits, Y, nxt, names=["Y", "next_ids"])
        if bits is not REFUSED:
            np.testing.assert_allclose(
                bits, -np.take_along_axis(logp, nxt[..., None], -1)[..., 0] / np.log(2)
            )
            if bits.size:
                bpc, perplexity = call(tx.bits_per_char, bits, names=["bits"])
                assert bpc == pytest.approx(bits.mean()) and perplexity == pytest.approx(
                    2 ** bits.mean()
                )
    p = call(tx.temperature_probs, Y, temperature, names=["y", "temperature"])
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
    out = call(tx.read, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"])
    if out is not REFUSED and n_streams == 1:
        ref_H, ref_Y = reference_forward(net, np.eye(net.n_in)[ids[:-1]])
        np.testing.assert_allclose(out[0], ref_H, atol=1e-12)
        np.testing.assert_allclose(out[1], ref_Y, atol=1e-12)
    bits = call(
        tx.surprisal, net, ids, n_streams, warmup, names=["net", "ids", "n_streams", "warmup"]
    )
    if bits is not REFUSED:
        assert bits.shape == (len(ids) - 1,) and np.all(bits >= 0)
    chars = call(
        tx.sample,
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


# ---------------------------------------------- robustness: copies, entry checks, sizes
def test_text_entry_checks_and_sizes():
    with pytest.raises(TypeError, match="Y must contain real numbers"):
        tx.log_softmax(["a"])
    with pytest.raises(ValueError, match="Y must have one score per character on its last axis"):
        tx.next_char_bits(np.zeros((2, 0)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="bits contains NaN"):
        tx.bits_per_char([np.nan])
    with pytest.raises(TypeError, match="fractions must be a sequence"):
        tx.split("ab\ncd\n", 0.5)
    with pytest.raises(ValueError, match="net must read what it writes"):
        tx.sample(rnnlib.ElmanRNN(2, 2, 3), [0], 3)
    with pytest.raises(
        ValueError, match=r"size=1000000000000 for 1 indices needs an array of .* bytes"
    ):
        tx.one_hot([0], 10**12)
    with pytest.raises(ValueError, match=r"n=10000000000000 needs an array of .* bytes"):
        tx.sample(rnnlib.ElmanRNN(2, 2, 2), [0], 10**13)
