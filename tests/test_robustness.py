"""rnnlib holds under misuse: the tests of forecast, elman1990, text and diagrams (and the few
that mix them with other modules), waiting to move beside their modules' unit tests once the
chapter work on those files has landed. The other modules' misuse tests are in their own test
files (tests/test_<module>.py)."""

import numpy as np
import pytest

import rnnlib
from helpers import FEEDFORWARD, JORDAN, NOT_A_NET
from rnnlib import elman1990 as e9
from rnnlib import forecast as fc
from rnnlib import gradients
from rnnlib.explorer import Explorer, explorer_input


# ------------------------------------------------------------------------ aliasing
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
    "make",
    [
        lambda s: fc.persistence(s, 2),
        lambda s: fc.windows(s, 3)[0],
        lambda s: fc.lag_matrix(s, 2)[1],
        lambda s: fc.fit_ar(s, 1)[0],
    ],
)
def test_forecast_results_are_not_views_of_the_series(make):
    s = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0, 8.0])
    out = make(s)
    assert not np.shares_memory(out, s)
    before = make(s.copy())
    out[...] = 0.0
    np.testing.assert_array_equal(make(s), before)


# ------------------------------------------------------------------- entry checks


@pytest.mark.parametrize(
    "call,exc,match",
    [
        # forecast: a model it does not support is a TypeError, not an AttributeError
        (
            lambda: fc.rnn_one_step(NOT_A_NET, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib network",
        ),
        (
            lambda: fc.rnn_one_step(None, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib network",
        ),
        (
            lambda: fc.rnn_free_run(JORDAN, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: fc.rnn_free_run(FEEDFORWARD, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: fc.rnn_free_run({"n_in": 1, "n_out": 1}, np.arange(5.0), 2),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        # elman1990
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


def test_explorer_and_diagrams_entry_checks():
    pytest.importorskip("ipywidgets")
    from rnnlib import diagrams

    with pytest.raises(TypeError, match="continuous_update must be True or False"):
        Explorer(explorer_input(), 1.0, 0.5, 0.0, "tanh", continuous_update="yes")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        diagrams.param_labels(None)
    for draw in (
        lambda: diagrams.draw_unrolled(title=1),
        lambda: diagrams.draw_folded(title=b"x"),
        lambda: diagrams.draw_step(title=["x"]),
    ):
        with pytest.raises(TypeError, match="title must be a string or None"):
            draw()


# --------------------------------------------------------------- fail-fast sizes


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
        (lambda: fc.ar_free_run([1.0, 2.0], [0.5], 0.0, 10**15), "steps=1000000000000000"),
        (
            lambda: fc.rnn_free_run(rnnlib.ElmanRNN(1, 2, 1), [1.0], 10**15),
            "steps=1000000000000000",
        ),
        (lambda: fc.windows(np.zeros(200_000), 100_000), "length=100000, step=1"),
        (lambda: fc.lag_matrix(np.zeros(200_000), 100_000), "p=100000"),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


# ------------------------------------------------------------- exception safety


def test_refused_calls_leave_models_and_inputs_as_they_were():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=1)
    kept = {k: v.copy() for k, v in net.params.items()}
    series = np.arange(6.0)
    for bad in (
        lambda: fc.rnn_one_step(net, series, 0),
        lambda: fc.rnn_free_run(net, series, 0),
        lambda: gradients.numerical_hidden_jacobian(net, series[:, None], 9),
        lambda: rnnlib.check_gradients(net, series[:, None], dY=np.ones((5, 1))),
    ):
        with pytest.raises(ValueError):
            bad()
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])
    np.testing.assert_array_equal(series, np.arange(6.0))


def test_module_tables_are_read_only():
    from rnnlib import explorer

    for table, key in (
        (e9.LETTER_CODES, "b"),
        (e9.SYLLABLES, "b"),
        (e9.LEXICON, "DET"),
        (e9.WORD_CLASSES, "VERB_EAT"),
        (explorer.SLIDER_LIMITS, "W"),
    ):
        with pytest.raises(TypeError):
            table[key] = None
    assert e9.encode_letters("ba", codes=e9.LETTER_CODES).shape == (2, 6)


def test_text_entry_checks_and_sizes():
    from rnnlib import text

    with pytest.raises(TypeError, match="Y must contain real numbers"):
        text.log_softmax(["a"])
    with pytest.raises(ValueError, match="Y must have one score per character on its last axis"):
        text.next_char_bits(np.zeros((2, 0)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="bits contains NaN"):
        text.bits_per_char([np.nan])
    with pytest.raises(TypeError, match="fractions must be a sequence"):
        text.split("ab\ncd\n", 0.5)
    with pytest.raises(ValueError, match="net must read what it writes"):
        text.sample(rnnlib.ElmanRNN(2, 2, 3), [0], 3)
    with pytest.raises(
        ValueError, match=r"size=1000000000000 for 1 indices needs an array of .* bytes"
    ):
        text.one_hot([0], 10**12)
    with pytest.raises(ValueError, match=r"n=10000000000000 needs an array of .* bytes"):
        text.sample(rnnlib.ElmanRNN(2, 2, 2), [0], 10**13)
