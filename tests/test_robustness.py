"""rnnlib holds under misuse, one test per category, for the modules
around the core: tasks, probes, forecast, gradients, gradcheck, elman1990,
datasets, explorer, diagrams. (tests/test_properties.py checks the same rules
on random arguments.)"""

import numpy as np
import pytest

import rnnlib
from rnnlib import _checks, gradients, probes, tasks
from rnnlib import elman1990 as e9
from rnnlib import forecast as fc
from rnnlib.explorer import Explorer, draw_response, explorer_input, render_png


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


def test_a_probe_keeps_its_own_read_only_coefficients():
    coef, intercept = np.ones((2, 1)), np.zeros(1)
    probe = probes.LinearProbe(coef, intercept)
    coef[:] = 5.0
    np.testing.assert_array_equal(probe.predict([[1.0, 1.0]]), [[2.0]])
    with pytest.raises(ValueError, match="read-only"):
        probe.coef[0, 0] = 3.0


def test_the_explorer_keeps_a_copy_of_its_input():
    pytest.importorskip("ipywidgets")
    x = explorer_input(12)
    ex = Explorer(x, 1.0, 0.5, 0.0, "tanh")
    x[:] = 100.0
    np.testing.assert_array_equal(ex.x, explorer_input(12))
    assert not ex.x.flags.writeable


@pytest.mark.parametrize(
    "make",
    [
        lambda s: fc.persistence(s, 2),
        lambda s: fc.windows(s, 3)[0],
        lambda s: fc.lag_matrix(s, 2)[1],
        lambda s: fc.fit_ar(s, 1)[0],
        lambda s: probes.delayed_inputs(s, 1, 2),
    ],
)
def test_forecast_and_probe_results_are_not_views_of_the_series(make):
    s = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0, 8.0])
    out = make(s)
    assert not np.shares_memory(out, s)
    before = make(s.copy())
    out[...] = 0.0
    np.testing.assert_array_equal(make(s), before)


def test_hidden_jacobians_are_new_arrays():
    net = rnnlib.ElmanRNN(1, 2, 1, seed=3)
    X = np.ones((4, 1))
    J = gradients.hidden_jacobians(net, X)
    J[:] = 0.0
    assert not np.allclose(gradients.hidden_jacobians(net, X)[1], 0.0)


# ------------------------------------------------------------------- entry checks
NOT_A_NET = object()
JORDAN = rnnlib.JordanRNN(1, 2, 1)
FEEDFORWARD = rnnlib.FeedForward(1, 2, 1)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        # tasks
        (lambda: tasks.accuracy(1.0, 1.0), ValueError, r"Y must be a non-empty array"),
        (
            lambda: tasks.accuracy(np.zeros((0, 1)), np.zeros((0, 1))),
            ValueError,
            r"Y must be a non-empty array",
        ),
        (
            lambda: tasks.best_rule_accuracy(np.zeros((3, 0)), np.zeros(3)),
            ValueError,
            r"features must have shape S \+ \(F,\)",
        ),
        (
            lambda: tasks.bit_stream(3, 2, seed=None),
            TypeError,
            "seed must be a non-negative integer",
        ),
        # probes
        (
            lambda: probes.fit_probe(np.zeros((0, 2)), np.zeros(0)),
            ValueError,
            "states must hold at least 2 rows",
        ),
        (
            lambda: probes.fit_probe(np.zeros((5, 0)), np.zeros(5)),
            ValueError,
            r"states must be \(n, H\) or \(T, N, H\) with H >= 1",
        ),
        (
            lambda: probes.fit_probe(np.ones((5, 2)), np.zeros((5, 0))),
            ValueError,
            "targets must have shape .* K >= 1",
        ),
        (lambda: probes.LinearProbe([1.0], [0.0]), ValueError, r"coef must be a \(H, K\) matrix"),
        (
            lambda: probes.LinearProbe(np.ones((2, 3)), [0.0]),
            ValueError,
            r"intercept must have shape \(3,\)",
        ),
        (
            lambda: probes.r2_score(np.zeros((4, 0)), np.zeros((4, 0))),
            ValueError,
            "y_true and y_pred need at least 2 values",
        ),
        (
            lambda: probes.delayed_inputs(np.zeros((5, 0)), 1, 2),
            ValueError,
            r"inputs must be .* N >= 1",
        ),
        (
            lambda: probes.memory_curve(np.zeros((9, 0, 2)), np.zeros((9, 0)), 1),
            ValueError,
            "states must hold at least one sequence",
        ),
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
        # gradients
        (
            lambda: gradients.hidden_jacobians(JORDAN, np.ones((3, 1))),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.hidden_jacobians("net", np.ones((3, 1))),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.numerical_hidden_jacobian(FEEDFORWARD, np.ones((3, 1)), 1),
            TypeError,
            "net must be an rnnlib ElmanRNN",
        ),
        (
            lambda: gradients.jacobian_products(np.eye(2), np.ones((3, 0, 2))),
            ValueError,
            "fprime must hold at least one sequence",
        ),
        (lambda: gradients.jacobian_norms(np.zeros((3, 0, 0))), ValueError, "H >= 1"),
        (lambda: gradients.jacobian_norms(np.eye(2), ord=True), ValueError, "ord must be 2"),
        # gradcheck
        (
            lambda: rnnlib.check_gradients(NOT_A_NET, np.ones((3, 1))),
            TypeError,
            "model must be an rnnlib network",
        ),
        (
            lambda: rnnlib.check_gradients(rnnlib.ElmanRNN(1, 2, 1), np.ones((3, 1)), seed=-1),
            ValueError,
            "seed must be",
        ),
        (
            lambda: rnnlib.check_gradients(rnnlib.ElmanRNN(1, 2, 1), np.ones((3, 1)), eps=0),
            ValueError,
            "eps must be",
        ),
        (
            lambda: rnnlib.check_gradients(JORDAN, np.ones((3, 1)), clip=1),
            TypeError,
            r"JordanRNN.backward takes no option\(s\) clip; its options: truncate",
        ),
        (lambda: rnnlib.numerical_gradients(None, {}), TypeError, "loss_fn must be a function"),
        (
            lambda: rnnlib.numerical_gradients(lambda: 0.0, [np.zeros(2)]),
            TypeError,
            "params must be a dict",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: 0.0, {"x": np.zeros(2)}, eps="1e-6"),
            TypeError,
            "eps must be",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: np.zeros(2), {"x": np.zeros(2)}),
            TypeError,
            "loss_fn must return one real number",
        ),
        (
            lambda: rnnlib.numerical_gradients(lambda: float("nan"), {"x": np.zeros(2)}),
            ValueError,
            "finite loss",
        ),
        (
            lambda: rnnlib.relative_error([1.0], [1.0, 2.0]),
            ValueError,
            "a and b must have one shape",
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
        # datasets
        (
            lambda: rnnlib.datasets.load_sunspots(path=3),
            TypeError,
            "path must be None or a file path",
        ),
        # explorer
        (
            lambda: render_png(explorer_input(), 1.0, 0.5, 0.0, figsize=(0, 3)),
            ValueError,
            "figsize must be two numbers",
        ),
        (
            lambda: render_png(explorer_input(), 1.0, 0.5, 0.0, figsize="big"),
            TypeError,
            "figsize must contain real numbers",
        ),
        (
            lambda: render_png(explorer_input(), "W", 0.5, 0.0),
            TypeError,
            "W must be a finite real number",
        ),
        (
            lambda: draw_response(explorer_input(), ax="axes"),
            TypeError,
            "ax must be a matplotlib Axes",
        ),
        (lambda: draw_response(explorer_input(), title=3), TypeError, "title must be a string"),
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
def test_check_alloc_refuses_more_than_the_machine_holds(monkeypatch):
    monkeypatch.setattr(_checks, "machine_memory", lambda: 1000)
    assert _checks.check_alloc("n=62", 62, 8) == 496  # 496 bytes <= half of 1000
    with pytest.raises(
        ValueError, match=r"n=63 needs an array of 504 bytes, more than rnnlib allows .*500 bytes"
    ):
        _checks.check_alloc("n=63", 63, 8)


def test_machine_memory_falls_back_to_8_gib(monkeypatch):
    def broken(name):
        raise ValueError(name)

    monkeypatch.setattr(_checks.os, "sysconf", broken)
    assert _checks.machine_memory() == 8 * 2**30
    assert _checks.machine_memory() > 0


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
        (lambda: tasks.bit_stream(10**8, 10**8), "T=100000000, N=100000000"),
        (lambda: tasks.delayed_bit(10**8, 10**8, k=1), "T=100000000, N=100000000"),
        (lambda: gradients.random_orthogonal(10**7), "n=10000000"),
        (lambda: explorer_input(10**15), "T=1000000000000000"),
        (lambda: fc.ar_free_run([1.0, 2.0], [0.5], 0.0, 10**15), "steps=1000000000000000"),
        (
            lambda: fc.rnn_free_run(rnnlib.ElmanRNN(1, 2, 1), [1.0], 10**15),
            "steps=1000000000000000",
        ),
        (lambda: fc.windows(np.zeros(200_000), 100_000), "length=100000, step=1"),
        (lambda: fc.lag_matrix(np.zeros(200_000), 100_000), "p=100000"),
        (lambda: probes.delayed_inputs(np.zeros(200_000), 100_000, 100_000), "max_delay=100000"),
        (
            lambda: gradients.jacobian_products(
                np.eye(300), np.broadcast_to(np.ones(300), (10**5, 300))
            ),
            "fprime of shape (100000, 300)",
        ),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


def test_hidden_jacobians_refuse_a_stack_larger_than_memory(monkeypatch):
    monkeypatch.setattr(_checks, "machine_memory", lambda: 10_000)
    net = rnnlib.ElmanRNN(1, 10, 1)
    with pytest.raises(ValueError, match=r"n_hidden=10 needs an array of 8,800 bytes"):
        gradients.hidden_jacobians(net, np.ones((10, 1)))  # 11 Jacobians of 10 x 10


# ------------------------------------------------------------- exception safety
class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
@pytest.mark.parametrize("fail_at", [1, 2, 5])
def test_numerical_gradients_restore_the_parameters_when_the_loss_raises(error, fail_at):
    params = {"W": np.arange(6.0).reshape(2, 3), "c": np.array([0.5, -0.5])}
    kept = {k: v.copy() for k, v in params.items()}
    calls = []

    def loss():
        calls.append(1)
        if len(calls) == fail_at:  # 1: during the +eps evaluation, 2: during -eps, 5: a later entry
            raise error("stop")
        return float(sum(np.sum(p**2) for p in params.values()))

    with pytest.raises(error):
        rnnlib.numerical_gradients(loss, params)
    for k in params:
        np.testing.assert_array_equal(params[k], kept[k])


def test_check_gradients_restores_the_model_after_an_interrupt(monkeypatch):
    net = rnnlib.ElmanRNN(1, 2, 1, seed=2)
    kept = {k: v.copy() for k, v in net.params.items()}
    original = net.forward
    count = []

    def forward(*args, **kwargs):  # interrupt the finite differences half way
        count.append(1)
        if len(count) == 6:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(net, "forward", forward)
    with pytest.raises(KeyboardInterrupt):
        rnnlib.check_gradients(net, np.ones((3, 1)))
    for k in kept:
        np.testing.assert_array_equal(net.params[k], kept[k])


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


def test_probes_compare_and_hash_by_identity():
    a = probes.LinearProbe(np.ones((2, 1)), np.zeros(1))
    b = probes.LinearProbe(np.ones((2, 1)), np.zeros(1))
    assert a == a and a != b and len({a, b}) == 2  # no numpy "truth value is ambiguous" error


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
