"""rnnlib.diagrams: the network drawings of chapter 01 (and the Jordan variant of chapter 03)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from rnnlib import diagrams

PARAMS = ("W", "D", "B", "V", "c")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def circles(ax):
    return [p for p in ax.patches if isinstance(p, Circle)]


def all_text(ax):
    return " ".join(t.get_text() for t in ax.texts)


@pytest.mark.parametrize("T", [1, 3, 5])
@pytest.mark.parametrize("feedback", ["hidden", "output"])
def test_unrolled_has_every_parameter_once_per_step(T, feedback):
    ax = diagrams.draw_unrolled(T, feedback=feedback)
    assert isinstance(ax, Axes)
    labels = diagrams.param_labels(ax)
    assert sorted(labels) == sorted(PARAMS)
    for name in PARAMS:
        assert len(labels[name]) == T, (name, labels[name])
        assert all(text.startswith(f"${name}$") for text in labels[name])
    # one input, hidden and output node per step, plus the initial delayed input
    assert len(circles(ax)) == 3 * T + 1


def test_unrolled_names_the_steps_and_the_initial_state():
    text = all_text(diagrams.draw_unrolled(3))
    for t in (1, 2, 3):
        assert (
            f"$x_{t}$" in text and f"$h_{t}$" in text and f"$y_{t}$" in text and f"t = {t}" in text
        )
    assert "$h_0$" in text and "$y_0$" not in text
    text = all_text(diagrams.draw_unrolled(2, feedback="output"))
    assert "$y_0$" in text and "$h_0$" not in text


@pytest.mark.parametrize("feedback,d_shape", [("hidden", "4×4"), ("output", "4×2")])
def test_sizes_label_the_parameter_shapes(feedback, d_shape):
    n_in, H, n_out = 3, 4, 2
    labels = diagrams.param_labels(
        diagrams.draw_unrolled(2, feedback=feedback, sizes=(n_in, H, n_out))
    )
    expected = {"W": f"{H}×{n_in}", "D": d_shape, "B": f"{H}", "V": f"{n_out}×{H}", "c": f"{n_out}"}
    for name, shape in expected.items():
        assert all(text.split("$")[-1].strip() == shape for text in labels[name]), (
            name,
            labels[name],
        )


def test_sizes_accept_numpy_integers_and_lists():
    import numpy as np

    ax = diagrams.draw_unrolled(1, sizes=np.array([5, 6, 7]))
    assert "(5 values)" in all_text(ax) and "(7 values)" in all_text(ax)
    ax = diagrams.draw_folded(sizes=[2, 3, 1])
    assert diagrams.param_labels(ax)["W"] == ["$W$\n3×2"]


def test_draws_into_a_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    assert diagrams.draw_folded(ax=a) is a
    assert diagrams.draw_unrolled(2, ax=b) is b
    assert len(fig.axes) == 2 and not a.axison and not b.axison


@pytest.mark.parametrize("feedback,prev", [("hidden", "h_{t-1}"), ("output", "y_{t-1}")])
def test_folded_has_every_parameter_once(feedback, prev):
    ax = diagrams.draw_folded(feedback=feedback)
    labels = diagrams.param_labels(ax)
    assert {k: len(v) for k, v in labels.items()} == {k: 1 for k in PARAMS}
    assert prev in labels["D"][0]
    assert len(circles(ax)) == 3


@pytest.mark.parametrize("sizes", [(3, 4, 2), (1, 1, 1), (2, 8, 3)])
def test_step_draws_every_neuron_and_connection(sizes):
    n_in, H, n_out = sizes
    ax = diagrams.draw_step(n_in, H, n_out)
    assert sorted(diagrams.param_labels(ax)) == sorted(PARAMS)
    # inputs, delayed inputs, hidden, outputs, and the two constant-1 threshold nodes
    assert len(circles(ax)) == n_in + H + H + n_out + 2
    # full connections input block -> hidden, hidden -> output, and the thresholds
    assert len(ax.lines) == (n_in + H) * H + H * n_out + H + n_out
    text = all_text(ax)
    assert f"({n_in} values)" in text and f"({H} values)" in text


def test_drawing_emits_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, axs = plt.subplots(1, 3)
        diagrams.draw_unrolled(3, ax=axs[0], sizes=(3, 4, 2))
        diagrams.draw_folded(ax=axs[1], feedback="output")
        diagrams.draw_step(ax=axs[2])
        fig.canvas.draw()


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(T=0), ValueError, "T must be a positive integer, got 0"),
        (dict(T=2.5), TypeError, "T must be a positive integer"),
        (dict(T="3"), TypeError, "T must be a positive integer"),
        (dict(T=9), ValueError, "T must be at most 8 time steps"),
        (
            dict(feedback="input"),
            ValueError,
            "unknown feedback 'input'; choose one of 'hidden', 'output'",
        ),
        (
            dict(sizes=(3, 4)),
            ValueError,
            r"sizes must be None or three positive integers \(I, H, O\)",
        ),
        (dict(sizes="342"), ValueError, "sizes must be None or three positive integers"),
        (dict(sizes=5), ValueError, "sizes must be None or three positive integers"),
        (dict(sizes=(3, 0, 2)), ValueError, r"sizes\[1\] \(H\) must be a positive integer, got 0"),
        (dict(sizes=(3, 4.0, 2)), TypeError, r"sizes\[1\] \(H\) must be a positive integer"),
        (dict(ax="axes"), TypeError, "ax must be a matplotlib Axes or None, got str"),
    ],
)
def test_unrolled_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        diagrams.draw_unrolled(**kwargs)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(feedback="Hidden"), ValueError, "unknown feedback 'Hidden'"),
        (dict(sizes=(1, 2, 3, 4)), ValueError, "sizes must be None or three positive integers"),
        (dict(ax=plt), TypeError, "ax must be a matplotlib Axes or None, got module"),
    ],
)
def test_folded_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        diagrams.draw_folded(**kwargs)


@pytest.mark.parametrize(
    "args,exc,match",
    [
        ((0, 4, 2), ValueError, "n_in must be a positive integer, got 0"),
        ((3, 9, 2), ValueError, "n_hidden must be at most 8 neurons"),
        ((3, 4, True), TypeError, "n_out must be a positive integer"),
    ],
)
def test_step_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        diagrams.draw_step(*args)


def test_a_failed_call_leaves_no_figure_behind():
    before = plt.get_fignums()
    with pytest.raises(ValueError):
        diagrams.draw_unrolled(3, feedback="nope")
    assert plt.get_fignums() == before


def test_feedback_choices_name_the_layer_fed_back():
    """Each choice of FEEDBACK_FROM draws the delayed input of that layer (h_0 or y_0), and a
    name outside it is refused with the list of choices."""
    # not called FEEDBACKS: rnnlib.baselines.FEEDBACKS names the Jordan net's squashing of y_{t-1}
    assert not hasattr(diagrams, "FEEDBACKS")
    symbol = {"hidden": "h", "output": "y"}
    assert set(diagrams.FEEDBACK_FROM) == set(symbol)
    for feedback in diagrams.FEEDBACK_FROM:
        text = all_text(diagrams.draw_unrolled(1, feedback=feedback))
        assert f"${symbol[feedback]}_0$" in text, (feedback, text)
    with pytest.raises(ValueError, match="choose one of 'hidden', 'output'"):
        diagrams.draw_folded(feedback="input")


# ------------------------------------------ the Jordan network of chapter 03
@pytest.mark.parametrize("T", [1, 3])
def test_sigmoid_feedback_draws_s_not_y(T):
    """squash="sigmoid" draws what JordanRNN(feedback="sigmoid") computes: s_t = sigma(y_t)
    between the steps, fed back through D, starting from s_0 = 0; y_0 is not drawn."""
    ax = diagrams.draw_unrolled(T, feedback="output", squash="sigmoid")
    text = all_text(ax)
    assert "$s_0$" in text and "$y_0$" not in text and "$h_0$" not in text
    assert all(f"$s_{t}$" in text for t in range(1, T + 1))
    assert text.count(r"$\sigma$") == T  # one sigma per step, from y_t to s_t
    labels = diagrams.param_labels(ax)
    assert {k: len(v) for k, v in labels.items()} == {k: T for k in PARAMS}
    # x, h, y per step, one s per step, and s_0
    assert len(circles(ax)) == 4 * T + 1
    # each D arrow starts at s_(t-1): the node drawn halfway between steps t-1 and t
    s_nodes = sorted(c.center[0] for c in circles(ax) if c.get_linestyle() == "--")
    h_nodes = sorted(
        c.center[0] for c in circles(ax) if c.get_linestyle() == "-" and c.center[1] == 1.6
    )
    assert len(s_nodes) == T + 1 and len(h_nodes) == T
    assert all(s < h < s_next for s, h, s_next in zip(s_nodes, h_nodes, s_nodes[1:], strict=False))


def test_identity_feedback_is_the_default_drawing():
    plain = all_text(diagrams.draw_unrolled(2, feedback="output"))
    same = all_text(diagrams.draw_unrolled(2, feedback="output", squash="identity"))
    assert plain == same and "$y_0$" in plain and r"$\sigma$" not in plain


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (
            dict(squash="tanh", feedback="output"),
            ValueError,
            "unknown squash 'tanh'; choose one of 'identity', 'sigmoid'",
        ),
        (dict(squash="sigmoid"), ValueError, "squash='sigmoid' applies to the fed-back output"),
        (dict(squash=None, feedback="output"), ValueError, "unknown squash None"),
    ],
)
def test_squash_bad_arguments(kwargs, exc, match):
    before = plt.get_fignums()
    with pytest.raises(exc, match=match):
        diagrams.draw_unrolled(2, **kwargs)
    assert plt.get_fignums() == before


@pytest.mark.parametrize("sizes", [(3, 4, 2), (1, 1, 1), (2, 8, 3), (1, 8, 8)])
def test_step_threshold_lines_pass_clear_of_the_other_nodes(sizes):
    """Chapter 01's one-step figure: a line from a constant 1 to one node must not run behind
    another node."""
    import numpy as np

    ax = diagrams.draw_step(*sizes)
    nodes = [(np.asarray(c.center), c.radius) for c in circles(ax)]
    threshold_lines = [
        line for line in ax.lines if matplotlib.colors.to_hex(line.get_color()) == "#777777"
    ]
    assert len(threshold_lines) == sizes[1] + sizes[2]

    def distance(points, centre):
        """Shortest distance from centre to the polyline through points (segment by segment)."""
        a, b = points[:-1], points[1:]
        u = np.clip(np.sum((centre - a) * (b - a), axis=1) / np.sum((b - a) ** 2, axis=1), 0, 1)
        return np.hypot(*(a + u[:, None] * (b - a) - centre).T).min()

    for line in threshold_lines:
        points = line.get_xydata()
        for centre, radius in nodes:
            ends_here = (
                min(np.hypot(*(points[0] - centre)), np.hypot(*(points[-1] - centre)))
                < 1.5 * radius
            )
            if not ends_here:
                assert distance(points, centre) > radius, (sizes, centre)


@pytest.mark.parametrize("T", [1, 2, 4])
def test_backward_adds_the_two_error_paths_to_the_unrolled_drawing(T):
    ax = diagrams.draw_backward(T)
    # the forward drawing is draw_unrolled's: every parameter once per step, same nodes
    labels = diagrams.param_labels(ax)
    assert all(len(labels[name]) == T for name in PARAMS)
    assert len(circles(ax)) == 3 * T + 1
    # the backward flow: V^T at every step, D^T between neighbouring steps, none after step T
    gids = [t.get_gid() for t in ax.texts]
    assert gids.count("back-V") == T and gids.count("back-D") == T - 1
    assert r"\partial L/\partial a_{T+1} = 0" in all_text(ax)


def test_backward_checks_its_arguments():
    with pytest.raises(ValueError, match="at most"):
        diagrams.draw_backward(diagrams.MAX_STEPS + 1)
    with pytest.raises(TypeError, match="matplotlib Axes"):
        diagrams.draw_backward(2, ax="not an axes")


# ---------------------------------------------------------------------- entry checks
def test_diagrams_entry_checks():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        diagrams.param_labels(None)
    for draw in (
        lambda: diagrams.draw_unrolled(title=1),
        lambda: diagrams.draw_folded(title=b"x"),
        lambda: diagrams.draw_step(title=["x"]),
    ):
        with pytest.raises(TypeError, match="title must be a string or None"):
            draw()
