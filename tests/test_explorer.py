"""The one-unit explorer of chapter 04: the response, its drawing and the widget."""

import subprocess
import sys

import matplotlib

# the backend is chosen before pyplot (and rnnlib, which imports it) loads
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlib
from helpers import (
    REFERENCE_ACTIVATIONS,
    REFUSED,
    SIZES,
    VALUES,
    arrays,
    call,
    mostly,
    numeric,
)
from rnnlib.explorer import (
    SLIDER_LIMITS,
    Explorer,
    draw_response,
    explorer,
    explorer_input,
    render_png,
    unit_response,
)


# ---------------------------------------------------------------- response
def test_linear_unit_with_W_one_minus_D_is_an_exponential_moving_average(rng):
    x = rng.standard_normal(40)
    for D in (0.0, 0.3, 0.9):
        m, ema = 0.0, []
        for xt in x:  # the textbook EMA: m_t = alpha x_t + (1 - alpha) m_{t-1}
            m = (1 - D) * xt + D * m
            ema.append(m)
        np.testing.assert_allclose(
            unit_response(x, W=1 - D, D=D, B=0.0, activation="linear"), ema, rtol=1e-13, atol=1e-13
        )


def test_linear_step_response_has_the_closed_form():
    W, D, B = 0.7, 0.8, 0.1
    t = np.arange(1, 31)
    h = unit_response(np.ones(30), W, D, B, activation="linear")
    np.testing.assert_allclose(h, (W + B) * (1 - D**t) / (1 - D))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_unit_response_equals_a_one_unit_ElmanRNN(activation, rng):
    x = rng.standard_normal(25)
    net = rnnlib.ElmanRNN(1, 1, 1, activation=activation)
    net.W, net.D, net.B = [[1.3]], [[-0.6]], [0.2]
    Hs, _ = net.forward(x[:, None], h0=[0.4])
    np.testing.assert_allclose(
        unit_response(x, 1.3, -0.6, 0.2, activation, h0=0.4), Hs[:, 0], rtol=1e-12
    )


def test_unit_response_accepts_lists_and_column_vectors():
    a = unit_response([0, 1, 1, 0], 1.0, 0.5, 0.0)
    b = unit_response(np.array([[0], [1], [1], [0]]), 1, 0.5, 0)  # integers are fine
    np.testing.assert_allclose(a, b)
    assert a.shape == (4,)


@pytest.mark.parametrize(
    "kw,exc,match",
    [
        ({"W": np.ones(2)}, TypeError, "W must be a finite real number"),
        ({"D": "0.5"}, TypeError, "D must be a finite real number"),
        ({"B": True}, TypeError, "B must be a finite real number"),
        ({"D": float("nan")}, ValueError, "D must be a finite real number, got nan"),
        ({"h0": float("inf")}, ValueError, "h0 must be a finite real number"),
        ({"activation": "softplus"}, ValueError, "unknown activation 'softplus'"),
        (
            {"x": np.ones((5, 2))},
            ValueError,
            r"x must be one scalar series of shape \(T,\) or \(T, 1\)",
        ),
        ({"x": []}, ValueError, "x must hold at least 1 value, got 0"),
        ({"x": ["a", "b"]}, TypeError, "x must contain real numbers"),
        ({"x": np.ones(2000), "D": 1.5, "activation": "linear"}, ValueError, "overflowed"),
    ],
)
def test_unit_response_bad_input(kw, exc, match):
    args = {"x": np.ones(5), "W": 1.0, "D": 0.5, "B": 0.0, **kw}
    with pytest.raises(exc, match=match):
        unit_response(**args)


def test_explorer_input():
    x = explorer_input()
    assert x.shape == (50,)
    assert x[5:20].tolist() == [1.0] * 15 and x[30:33].tolist() == [-1.0] * 3
    assert np.count_nonzero(x) == 18
    with pytest.raises(ValueError, match="T must be a positive integer"):
        explorer_input(0)


# ----------------------------------------------------------------- drawing
def test_draw_response_plots_the_computed_response():
    x = explorer_input(30)
    fig, ax = plt.subplots()
    out = draw_response(x, W=0.8, D=0.6, B=0.1, ax=ax)
    assert out is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["hidden $h_t$"].get_ydata(), unit_response(x, 0.8, 0.6, 0.1))
    assert "D = 0.60" in ax.get_title()
    plt.close(fig)


def test_render_png_is_a_png_that_depends_on_the_weights_and_leaves_no_figure_open():
    before = plt.get_fignums()
    x = explorer_input()
    a = render_png(x, 1.0, 0.5, 0.0)
    b = render_png(x, 1.0, 0.9, 0.0)
    assert a.startswith(b"\x89PNG") and b.startswith(b"\x89PNG")
    assert a != b
    assert a == render_png(x, 1.0, 0.5, 0.0)  # deterministic
    assert plt.get_fignums() == before


# ------------------------------------------------------------------ widget
def test_explorer_draws_the_initial_values():
    ex = explorer(W=1.0, D=0.8, B=0.0)
    assert isinstance(ex, Explorer)
    assert ex.values == {"W": 1.0, "D": 0.8, "B": 0.0}
    np.testing.assert_allclose(ex.response, unit_response(explorer_input(), 1.0, 0.8, 0.0))
    assert ex.image.value == render_png(explorer_input(), 1.0, 0.8, 0.0)


def test_moving_a_slider_redraws():
    ex = explorer(D=0.5)
    first_png, first_h = ex.image.value, ex.response.copy()
    ex.sliders["D"].value = 0.9  # what dragging the slider does: the observer calls redraw
    assert ex.values["D"] == pytest.approx(0.9)
    np.testing.assert_allclose(ex.response, unit_response(explorer_input(), 1.0, 0.9, 0.0))
    assert not np.allclose(ex.response, first_h)
    assert ex.image.value != first_png
    ex.sliders["B"].value = -0.5
    np.testing.assert_allclose(ex.response, unit_response(explorer_input(), 1.0, 0.9, -0.5))


def test_redraw_called_directly_and_custom_input():
    x = np.sin(np.arange(20) / 3)
    ex = explorer(x, W=2.0, D=-0.5, B=0.25, activation="linear")
    ex.sliders["W"].value = 0.5
    ex.redraw()
    np.testing.assert_allclose(ex.response, unit_response(x, 0.5, -0.5, 0.25, "linear"))


def test_explorer_mimebundle_has_a_stable_text_and_the_widget_view():
    data = explorer()._repr_mimebundle_()
    assert data["text/plain"].startswith("Explorer of one hidden unit")
    assert "application/vnd.jupyter.widget-view+json" in data
    assert (
        data["text/plain"] == explorer(W=2.0)._repr_mimebundle_()["text/plain"]
    )  # no values, no ids


@pytest.mark.parametrize(
    "kw,exc,match",
    [
        ({"W": 5.0}, ValueError, r"W = 5.0 is outside the slider range \[-3.0, 3.0\]"),
        ({"D": [0.5]}, TypeError, "D must be a finite real number"),
        ({"activation": "elu"}, ValueError, "unknown activation 'elu'"),
        ({"x": np.ones((3, 3))}, ValueError, "x must be one scalar series"),
    ],
)
def test_explorer_bad_input(kw, exc, match):
    with pytest.raises(exc, match=match):
        explorer(**kw)


@pytest.mark.slow
def test_rnnlib_imports_without_ipywidgets():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "import rnnlib, rnnlib.explorer, rnnlib.probes\n"
        "print(rnnlib.explorer.unit_response([1, 0], 1.0, 0.5, 0.0, 'linear').tolist())\n"
        "try:\n    rnnlib.explorer.explorer()\nexcept ImportError:\n    print('no widget')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[1.0, 0.5]", "no widget"]


def test_explorer_picture_is_shown_at_its_natural_width():
    pytest.importorskip("ipywidgets")
    import struct

    from rnnlib.explorer import explorer

    ex = explorer()
    png_width = struct.unpack(">I", ex.image.value[16:20])[0]  # the PNG header's IHDR width
    assert ex.image.layout.width == f"{png_width}px"


@pytest.mark.parametrize(
    "ylim,exc,match",
    [
        ((1.0,), ValueError, r"ylim must be None or two numbers \(low, high\) with low < high"),
        ((1.0, -1.0), ValueError, "low < high, got"),
        ((0.0, 0.0), ValueError, "low < high, got"),
        ((0.0, np.inf), ValueError, "ylim contains NaN or infinite values"),
        ((0.0, "1"), TypeError, "ylim must contain real numbers"),
        ("ab", TypeError, "ylim must contain real numbers"),
    ],
)
def test_draw_response_bad_ylim(ylim, exc, match):
    before = plt.get_fignums()
    with pytest.raises(exc, match=match):
        draw_response(explorer_input(), ylim=ylim)
    assert plt.get_fignums() == before  # checked before a figure is made


def test_draw_response_ylim_none_and_lists():
    fig, ax = plt.subplots()
    draw_response(explorer_input(), ax=ax, ylim=[-2, 2])
    assert ax.get_ylim() == (-2.0, 2.0)
    plt.close(fig)
    # ylim=None: the axis fits the curves instead of the fixed (-1.6, 1.6) of the default
    fig, ax = plt.subplots()
    x = 10 * explorer_input()
    draw_response(x, W=1.0, D=0.0, activation="relu", ax=ax, ylim=None)
    low, high = ax.get_ylim()
    assert high >= max(np.max(line.get_ydata()) for line in ax.get_lines()) > 1.6
    assert (low, high) != (-1.6, 1.6)
    plt.close(fig)


# ------------------------------------------ properties: random arguments (helpers.call)
@given(
    x=mostly(
        st.integers(1, 6)
        .flatmap(lambda T: st.sampled_from([(T,), (T, 1)]))
        .flatmap(lambda s: arrays(shape=s)),
        arrays(max_dims=2, max_side=6),
    ),
    W=mostly(VALUES, st.sampled_from(["1", None, np.nan])),
    D=VALUES,
    activation=mostly(
        st.sampled_from(["tanh", "relu", "sigmoid", "linear"]), st.sampled_from(["softplus", 3])
    ),
)
def test_explorer_unit_response(x, W, D, activation):
    h = call(unit_response, x, W, D, 0.0, activation, names=["x", "W", "D", "activation"])
    if h is REFUSED:
        return
    f = {"linear": lambda a: a, **REFERENCE_ACTIVATIONS}[activation]
    state, ref = 0.0, []
    for xt in numeric(x).ravel():
        state = f(W * xt + D * state)
        ref.append(state)
    np.testing.assert_allclose(h, ref, atol=1e-12)


@given(T=SIZES)
def test_explorer_input_with_random_arguments(T):
    x = call(explorer_input, T, names=["T"])
    if x is not REFUSED:
        assert x.shape == (T,)


# ---------------------------------------------- robustness: copies, entry checks, sizes
@pytest.mark.parametrize(
    "call,exc,match",
    [
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


@pytest.mark.parametrize(
    "call,argument",
    [
        (lambda: explorer_input(10**15), "T=1000000000000000"),
    ],
)
def test_sizes_fail_fast_naming_the_argument_and_the_bytes(call, argument):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert argument in message and "bytes" in message and "more than rnnlib allows" in message


def test_the_explorer_refuses_a_continuous_update_that_is_not_a_boolean():
    pytest.importorskip("ipywidgets")
    with pytest.raises(TypeError, match="continuous_update must be True or False"):
        Explorer(explorer_input(), 1.0, 0.5, 0.0, "tanh", continuous_update="yes")


def test_the_slider_limits_are_read_only():
    with pytest.raises(TypeError):
        SLIDER_LIMITS["W"] = None


def test_the_explorer_keeps_a_copy_of_its_input():
    pytest.importorskip("ipywidgets")
    x = explorer_input(12)
    ex = Explorer(x, 1.0, 0.5, 0.0, "tanh")
    x[:] = 100.0
    np.testing.assert_array_equal(ex.x, explorer_input(12))
    assert not ex.x.flags.writeable
