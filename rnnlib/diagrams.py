"""Network diagrams drawn with matplotlib (chapter 01, reused by chapter 03).

Three pictures of the basic RNN, in the book's notation (ARCHITECTURE.md, Invariants):

* ``draw_unrolled``  the network unrolled over T time steps: one input, hidden
  and output layer per step, the hidden layer of step t-1 fed to step t as the
  *delayed input* (weight D); ``feedback="output"`` draws the Jordan variant,
  where the previous *output* is fed back instead (chapter 03), as it is
  (y_0 = 0) or, with ``squash="sigmoid"``, as s_t = sigma(y_t) (s_0 = 0).
* ``draw_folded``    the same network drawn once, with a loop through a
  one-step delay.
* ``draw_step``      one time step at the level of single neurons: a 3-layer
  feed-forward (BP) network whose input layer has an extra block, the delayed
  input.

Every function draws into ``ax`` (a new figure when None), hides the axis
frame and returns the Axes. The text of each parameter label (W, D, B, V, c)
has the matplotlib ``gid`` equal to the parameter's name, so code (and tests)
can find it with ``param_labels(ax)``.
"""

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from ._checks import check_choice, check_size, check_title
from .plotting import PALETTE

PARAMS = ("W", "D", "B", "V", "c")
FEEDBACK_FROM = ("hidden", "output")  # the layer fed back: Elman (hidden) or Jordan (output)
SQUASH = ("identity", "sigmoid")  # what the Jordan net applies to y_t before feeding it back
MAX_STEPS = 8  # wider drawings stop being readable on a GitHub page
MAX_NEURONS = 8  # the same for draw_step

_LAYER_COLOUR = {"x": PALETTE["blue"], "h": PALETTE["green"], "y": PALETTE["vermillion"]}
_PARAM_COLOUR = {
    "W": PALETTE["blue"],
    "D": PALETTE["orange"],
    "B": "#555555",
    "V": PALETTE["vermillion"],
    "c": "#555555",
}
_R = 0.34  # node radius in data units


# ----------------------------------------------------------------- checking
def _check_ax(ax, figsize):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_steps(T):
    T = check_size("T", T)
    if T > MAX_STEPS:
        raise ValueError(
            f"T must be at most {MAX_STEPS} time steps for a readable drawing, got {T}"
        )
    return T


def _check_sizes(sizes):
    """``sizes`` is None or (I, H, O) of positive integers; returns a tuple or None."""
    if sizes is None:
        return None
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) != 3:
        raise ValueError(f"sizes must be None or three positive integers (I, H, O), got {sizes!r}")
    return tuple(
        check_size(name, s)
        for name, s in zip(("sizes[0] (I)", "sizes[1] (H)", "sizes[2] (O)"), sizes, strict=True)
    )


def _tint(colour, amount=0.82):
    """A light version of a hex colour (mixed with white), for node faces."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return tuple(rgb + (1.0 - rgb) * amount)


# ------------------------------------------------------------- primitives
def _node(ax, xy, label, colour, r=_R, dashed=False, fontsize=13):
    ax.add_patch(
        Circle(
            xy,
            r,
            facecolor=_tint(colour),
            edgecolor=colour,
            lw=2,
            linestyle="--" if dashed else "-",
            zorder=3,
        )
    )
    ax.text(*xy, label, ha="center", va="center", fontsize=fontsize, zorder=4)


def _ends(p, q, rp, rq):
    p, q = np.asarray(p, float), np.asarray(q, float)
    u = (q - p) / np.hypot(*(q - p))
    return p + rp * u, q - rq * u


def _arrow(ax, p, q, colour, rp=_R, rq=_R, rad=0.0, lw=1.8, dashed=False):
    a, b = _ends(p, q, rp, rq)
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="-|>",
            mutation_scale=16,
            color=colour,
            lw=lw,
            linestyle="--" if dashed else "-",
            connectionstyle=f"arc3,rad={rad}",
            zorder=2,
            shrinkA=0,
            shrinkB=0,
        )
    )


def _label(ax, xy, name, text=None, fontsize=13, ha="center", va="center"):
    """A parameter label with a white background; its gid is the parameter name."""
    t = ax.text(
        *xy,
        text if text is not None else f"${name}$",
        ha=ha,
        va=va,
        fontsize=fontsize,
        color=_PARAM_COLOUR.get(name, "black"),
        fontweight="bold",
        zorder=5,
        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"),
    )
    t.set_gid(name)
    return t


def _param_text(name, sizes, feedback="hidden", sep="\n"):
    """``$W$``, or ``$W$`` and its shape (on a second line by default) when sizes are given."""
    if sizes is None:
        return f"${name}$"
    n_in, H, n_out = sizes
    shape = {
        "W": f"{H}×{n_in}",
        "D": f"{H}×{H}" if feedback == "hidden" else f"{H}×{n_out}",
        "B": f"{H}",
        "V": f"{n_out}×{H}",
        "c": f"{n_out}",
    }[name]
    return f"${name}${sep}{shape}"


def _finish(ax, xlim, ylim, title):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def param_labels(ax):
    """The parameter labels drawn in ``ax``: dict name -> list of their texts (chapter 01)."""
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    found = {}
    for t in ax.texts:
        if t.get_gid() in PARAMS:
            found.setdefault(t.get_gid(), []).append(t.get_text())
    return found


# ---------------------------------------------------------------- diagrams
def draw_unrolled(T=3, ax=None, feedback="hidden", sizes=None, title=None, squash="identity"):
    """The basic RNN unrolled over ``T`` time steps (chapter 01; Jordan variant chapter 03).

    Each column t is one time step: input x_t -> hidden h_t (weight W, threshold B)
    -> output y_t (weight V, threshold c). ``feedback="hidden"`` (the Elman
    network, the article's figure) feeds h_{t-1} to h_t through D, starting from
    h_0 = 0; ``feedback="output"`` (the Jordan network) feeds y_{t-1} instead,
    starting from y_0 = 0. With ``feedback="output", squash="sigmoid"`` the
    drawing shows what ``JordanRNN(..., feedback="sigmoid")`` computes: a node
    s_t = sigma(y_t) between the steps, fed back through D, starting from
    s_0 = 0. ``sizes=(I, H, O)`` adds the layer sizes and the parameter shapes
    to the labels. Returns the Axes.
    """
    _check_squash(squash, feedback)
    T = _check_steps(T)
    check_choice("feedback", feedback, FEEDBACK_FROM)
    sizes = _check_sizes(sizes)
    check_title(title)
    dx, ys = (2.4 if sizes is None else 2.8), {"x": 0.0, "h": 1.6, "y": 3.2}
    ax = _check_ax(ax, figsize=(2.2 + 0.72 * dx * T, 4.4))
    ds = dx / 2 if squash == "sigmoid" else 0.0  # where s_t sits: halfway between steps t and t+1
    # layer names on the left
    names = {"x": "input", "h": "hidden", "y": "output"}
    if sizes is not None:
        names = {k: f"{v}\n({n} values)" for (k, v), n in zip(names.items(), sizes, strict=True)}
    for k, y in ys.items():
        ax.text(-0.75, y, names[k], ha="right", va="center", fontsize=11, color=_LAYER_COLOUR[k])
    # the initial delayed input
    back = "h" if feedback == "hidden" else "y"
    fed = "s" if squash == "sigmoid" else back  # the name of what reaches the next step
    _node(ax, (ds, ys[back]), f"${fed}_0$", PALETTE["orange"], dashed=True)
    if squash == "sigmoid":  # above s_0: below it runs the arrow to h_1
        ax.text(
            ds,
            ys[back] + _R + 0.08,
            "= 0",
            ha="center",
            va="bottom",
            fontsize=11,
            color=PALETTE["orange"],
        )
    else:
        ax.text(
            ds,
            ys[back] - _R - 0.12,
            "= 0",
            ha="center",
            va="top",
            fontsize=11,
            color=PALETTE["orange"],
        )
    for t in range(1, T + 1):
        x0 = t * dx
        for k, y in ys.items():
            _node(ax, (x0, y), f"${k}_{t}$", _LAYER_COLOUR[k])
        for name, lo, hi in (("W", "x", "h"), ("V", "h", "y")):
            _arrow(ax, (x0, ys[lo]), (x0, ys[hi]), _PARAM_COLOUR[name])
            _label(
                ax,
                (x0 + 0.15, (ys[lo] + ys[hi]) / 2),
                name,
                _param_text(name, sizes, feedback),
                ha="left",
                fontsize=13 if sizes is None else 11,
            )
        # thresholds: short arrows whose tail carries the name; B from lower left, c from above
        tail = (x0 - 0.8, ys["h"] - 0.62)
        _arrow(ax, tail, (x0, ys["h"]), _PARAM_COLOUR["B"], rp=0.0, lw=1.4)
        _label(
            ax,
            (tail[0] - 0.04, tail[1] - 0.02),
            "B",
            _param_text("B", sizes, feedback, " "),
            fontsize=12 if sizes is None else 11,
            ha="right",
            va="top",
        )
        tail = (x0, ys["y"] + 0.95)
        _arrow(ax, tail, (x0, ys["y"]), _PARAM_COLOUR["c"], rp=0.0, lw=1.4)
        _label(
            ax,
            (tail[0] - 0.1, tail[1] - 0.05),
            "c",
            _param_text("c", sizes, feedback, " "),
            fontsize=12 if sizes is None else 11,
            ha="right",
            va="top",
        )
        if squash == "sigmoid":  # s_t = sigma(y_t), the value the next step sees
            _node(ax, (x0 + ds, ys["y"]), f"$s_{t}$", PALETTE["orange"], dashed=True)
            _arrow(ax, (x0, ys["y"]), (x0 + ds, ys["y"]), PALETTE["orange"], lw=1.6)
            ax.text(
                x0 + ds / 2,
                ys["y"] + 0.1,
                r"$\sigma$",
                ha="center",
                va="bottom",
                fontsize=13,
                color=PALETTE["orange"],
                zorder=5,
            )
        # the delayed input
        src = ((t - 1) * dx + ds, ys[back])
        _arrow(ax, src, (x0, ys["h"]), _PARAM_COLOUR["D"], lw=2.2)
        text = _param_text("D", sizes, feedback, " ")
        if feedback == "hidden":
            _label(ax, ((src[0] + x0) / 2, ys["h"] + 0.16), "D", text, va="bottom")
        else:  # on the diagonal arrow itself
            _label(
                ax,
                ((src[0] + x0) / 2, (ys["y"] + ys["h"]) / 2),
                "D",
                text,
                fontsize=13 if sizes is None else 11,
            )
    # what step T keeps for step T+1
    end = (T * dx + ds, ys[back])
    ax.add_patch(
        FancyArrowPatch(
            (end[0] + _R, end[1]),
            (end[0] + 1.1, end[1]),
            arrowstyle="-|>",
            mutation_scale=14,
            color=PALETTE["orange"],
            lw=1.6,
            linestyle="--",
            zorder=2,
        )
    )
    ax.text(
        end[0] + 1.15,
        end[1],
        f"to\nstep {T + 1}",
        ha="left",
        va="center",
        fontsize=10,
        color=PALETTE["orange"],
    )
    # time axis
    for t in range(1, T + 1):
        ax.text(t * dx, -_R - 0.2, f"t = {t}", ha="center", va="top", fontsize=11)
    if title is None:
        kind = {"hidden": "Elman: hidden layer fed back", "output": "Jordan: output fed back"}[
            feedback
        ]
        if squash == "sigmoid":
            kind = "Jordan: sigmoid of the output fed back"
        title = f"The basic RNN unrolled over {T} time steps ({kind})"
    return _finish(ax, (-2.3 if sizes else -1.9, T * dx + ds + 1.9), (-0.95, ys["y"] + 1.05), title)


def draw_folded(ax=None, feedback="hidden", sizes=None, title=None):
    """The basic RNN drawn once, with its loop through a one-step delay (chapter 01).

    The loop carries h_t (``feedback="hidden"``) or y_t (``"output"``, the Jordan
    network of chapter 03) to the next step, where it enters the hidden layer
    through D. ``sizes=(I, H, O)`` adds the parameter shapes. Returns the Axes.
    """
    check_choice("feedback", feedback, FEEDBACK_FROM)
    sizes = _check_sizes(sizes)
    check_title(title)
    ys = {"x": 0.0, "h": 1.6, "y": 3.2}
    ax = _check_ax(ax, figsize=(4.2, 4.4))
    for k, y in ys.items():
        _node(ax, (0.0, y), f"${k}_t$", _LAYER_COLOUR[k])
    _arrow(ax, (0, ys["x"]), (0, ys["h"]), _PARAM_COLOUR["W"])
    _label(ax, (-0.17, (ys["x"] + ys["h"]) / 2), "W", _param_text("W", sizes, feedback), ha="right")
    _arrow(ax, (0, ys["h"]), (0, ys["y"]), _PARAM_COLOUR["V"])
    _label(ax, (-0.17, (ys["h"] + ys["y"]) / 2), "V", _param_text("V", sizes, feedback), ha="right")
    tail = (-0.8, ys["h"] - 0.62)
    _arrow(ax, tail, (0, ys["h"]), _PARAM_COLOUR["B"], rp=0.0, lw=1.4)
    _label(
        ax,
        (tail[0] - 0.04, tail[1] - 0.02),
        "B",
        _param_text("B", sizes, feedback, " "),
        fontsize=12,
        ha="right",
        va="top",
    )
    tail = (0, ys["y"] + 0.95)
    _arrow(ax, tail, (0, ys["y"]), _PARAM_COLOUR["c"], rp=0.0, lw=1.4)
    _label(
        ax,
        (tail[0] - 0.1, tail[1] - 0.05),
        "c",
        _param_text("c", sizes, feedback, " "),
        fontsize=12,
        ha="right",
        va="top",
    )
    # the loop: source -> delay box -> hidden layer (through D)
    src = ys["h"] if feedback == "hidden" else ys["y"]
    box = (1.9, (src + ys["h"]) / 2 if feedback == "output" else ys["h"])
    w, h = 1.1, 0.7
    ax.add_patch(
        FancyBboxPatch(
            (box[0] - w / 2, box[1] - h / 2),
            w,
            h,
            boxstyle="round,pad=0.05",
            facecolor=_tint(PALETTE["orange"]),
            edgecolor=PALETTE["orange"],
            lw=2,
            zorder=3,
        )
    )
    ax.text(*box, "delay\n1 step", ha="center", va="center", fontsize=10, zorder=4)
    ax.add_patch(
        FancyArrowPatch(
            (_R * 0.7, src + _R * 0.7),
            (box[0], box[1] + h / 2 + 0.05),
            arrowstyle="-|>",
            mutation_scale=16,
            color=PALETTE["orange"],
            lw=2,
            connectionstyle="arc3,rad=-0.45",
            zorder=2,
        )
    )
    start, stop = (
        np.array([box[0], box[1] - h / 2 - 0.05]),
        np.array([_R * 0.7, ys["h"] - _R * 0.7]),
    )
    ax.add_patch(
        FancyArrowPatch(
            start,
            stop,
            arrowstyle="-|>",
            mutation_scale=16,
            color=PALETTE["orange"],
            lw=2.2,
            connectionstyle="arc3,rad=-0.45",
            zorder=2,
        )
    )
    # label just below the middle of that arc (a quadratic Bezier curve, as arc3 draws it)
    dx, dy = stop - start
    control = (start + stop) / 2 - 0.45 * np.array([dy, -dx])
    lowest = 0.25 * start + 0.5 * control + 0.25 * stop
    prev = "h_{t-1}" if feedback == "hidden" else "y_{t-1}"
    _label(
        ax,
        (lowest[0], lowest[1] - 0.12),
        "D",
        f"{_param_text('D', sizes, feedback, ' ')} on ${prev}$",
        fontsize=12,
        va="top",
    )
    if title is None:
        title = "Folded: one network, one loop"
    return _finish(ax, (-2.0 if sizes else -1.6, 3.4), (-0.7, ys["y"] + 1.05), title)


def draw_step(n_in=3, n_hidden=4, n_out=2, ax=None, title=None):
    """One time step as a 3-layer feed-forward (BP) network, neuron by neuron (chapter 01).

    The input layer holds the n_in current inputs x_t and, below them, an extra
    block of n_hidden delayed inputs h_{t-1} (the previous hidden layer). Lines
    from x_t are the weights W, from h_{t-1} the weights D, from the hidden
    layer to the outputs V; the thresholds B and c enter from a constant 1.
    Returns the Axes.
    """
    n_in, H, n_out = (
        check_size(n, v) for n, v in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out))
    )
    for name, v in (("n_in", n_in), ("n_hidden", H), ("n_out", n_out)):
        if v > MAX_NEURONS:
            raise ValueError(
                f"{name} must be at most {MAX_NEURONS} neurons for a readable drawing, got {v}"
            )
    check_title(title)
    r, gap = 0.27, 0.7
    X0, X1, X2 = 0.0, 3.0, 5.6
    n_left = n_in + H
    left_y = [(n_left - 1 - i) * gap - (n_left - 1) * gap / 2 for i in range(n_left)]
    left_y = [
        y + (0.25 if i < n_in else -0.25) for i, y in enumerate(left_y)
    ]  # gap between the blocks
    mid_y = [((H - 1) / 2 - j) * gap for j in range(H)]
    out_y = [((n_out - 1) / 2 - k) * gap for k in range(n_out)]
    ax = _check_ax(ax, figsize=(7.6, 0.6 * n_left + 1.6))
    for i, yl in enumerate(left_y):
        colour = _PARAM_COLOUR["W"] if i < n_in else _PARAM_COLOUR["D"]
        for ym in mid_y:
            a, b = _ends((X0, yl), (X1, ym), r, r)
            ax.plot([a[0], b[0]], [a[1], b[1]], color=colour, lw=0.9, alpha=0.55, zorder=1)
    for ym in mid_y:
        for yo in out_y:
            a, b = _ends((X1, ym), (X2, yo), r, r)
            ax.plot(
                [a[0], b[0]], [a[1], b[1]], color=_PARAM_COLOUR["V"], lw=0.9, alpha=0.55, zorder=1
            )
    for i, yl in enumerate(left_y):
        if i < n_in:
            _node(ax, (X0, yl), f"$x_{{t,{i + 1}}}$", _LAYER_COLOUR["x"], r=r, fontsize=10)
        else:
            _node(
                ax,
                (X0, yl),
                f"$h_{{t-1,{i - n_in + 1}}}$",
                PALETTE["orange"],
                r=r,
                dashed=True,
                fontsize=8,
            )
    for j, ym in enumerate(mid_y):
        _node(ax, (X1, ym), f"$h_{{t,{j + 1}}}$", _LAYER_COLOUR["h"], r=r, fontsize=10)
    for k, yo in enumerate(out_y):
        _node(ax, (X2, yo), f"$y_{{t,{k + 1}}}$", _LAYER_COLOUR["y"], r=r, fontsize=10)
    # blocks of the input layer
    top_x, bot_d = left_y[0] + r + 0.12, left_y[-1] - r - 0.12
    split = (left_y[n_in - 1] + left_y[n_in]) / 2
    for (lo, hi), colour, text in (
        ((split + 0.06, top_x), _PARAM_COLOUR["W"], f"current input $x_t$\n({n_in} values)"),
        ((bot_d, split - 0.06), _PARAM_COLOUR["D"], f"delayed input $h_{{t-1}}$\n({H} values)"),
    ):
        ax.add_patch(
            Rectangle(
                (X0 - 0.42, lo),
                0.84,
                hi - lo,
                fill=False,
                edgecolor=colour,
                lw=1.4,
                linestyle=":",
                zorder=2,
            )
        )
        ax.text(X0 - 0.55, (lo + hi) / 2, text, ha="right", va="center", fontsize=10, color=colour)
    # weight labels on the line bundles
    _label(ax, (X0 + 1.15, np.mean(left_y[:n_in]) * 0.85 + 0.05), "W", fontsize=13)
    _label(ax, (X0 + 1.15, np.mean(left_y[n_in:]) * 0.85 - 0.05), "D", fontsize=13)
    _label(ax, (X1 + 1.3, 0.0), "V", fontsize=13)
    # thresholds from a constant 1 above the hidden and output layers
    top = max(left_y[0], mid_y[0]) + 0.9
    for xc, ycol, name in ((X1, mid_y, "B"), (X2, out_y, "c")):
        xb = xc - 0.9
        _node(ax, (xb, top), "1", "#777777", r=0.16, fontsize=9)
        for (
            yv
        ) in ycol:  # curves bowed away from the layer, so that they pass clear of its other nodes
            a, b = _ends((xb, top), (xc, yv), 0.16, r)
            bend = (a + b) / 2 + (0.12 + 0.05 * (top - yv)) * np.array([b[1] - a[1], a[0] - b[0]])
            s = np.linspace(0.0, 1.0, 40)[:, None]
            curve = (1 - s) ** 2 * a + 2 * (1 - s) * s * bend + s**2 * b  # a quadratic Bezier curve
            ax.plot(curve[:, 0], curve[:, 1], color="#777777", lw=0.8, alpha=0.6, zorder=1)
        _label(ax, (xb + 0.3, top + 0.02), name, fontsize=12, ha="left")
    for xc, text in ((X0, "input layer"), (X1, "hidden layer"), (X2, "output layer")):
        ax.text(xc, bot_d - 0.3, text, ha="center", va="top", fontsize=11)
    if title is None:
        title = "One time step = a 3-layer BP network with an extra input block"
    return _finish(ax, (X0 - 3.0, X2 + 0.6), (bot_d - 0.8, top + 0.4), title)


def _check_squash(squash, feedback):
    """``squash`` is "identity" or "sigmoid"; "sigmoid" only with ``feedback="output"`` (chapter
    03)."""
    check_choice("squash", squash, SQUASH)
    if squash == "sigmoid" and feedback != "output":
        raise ValueError(
            f"squash='sigmoid' applies to the fed-back output, so it needs feedback='output'; "
            f"got feedback={feedback!r}"
        )


# ------------------------------------------------- backpropagation through time
BACKWARD_COLOUR = PALETTE[
    "purple"
]  # the error flowing back (chapter 05); no parameter uses this colour


def draw_backward(T=3, ax=None, title=None):
    """The unrolled Elman network of ``draw_unrolled`` with the error of BPTT drawn on top (chapter
    05).

    Forward arrows as in ``draw_unrolled``; the backward flow in purple. The
    error dL/dh_t arriving at h_t has two sources (chapter 05, formula 2):
    its own output, through V^T (dL/dy_t), and the next step, through D^T
    (dL/da_{t+1}); step T has no next step. Each backward label's gid is
    ``"back-V"`` or ``"back-D"``: T of the first and T-1 of the second.
    Returns the Axes.
    """
    T = _check_steps(T)
    if title is None:
        title = (
            "Forward pass (coloured by weight) and the error sent back (purple):\n"
            r"$\partial L/\partial h_t = V^\top \partial L/\partial y_t + D^\top \partial "
            r"L/\partial a_{t+1}$"
        )
    ax = draw_unrolled(T, ax=ax, feedback="hidden", title=title)
    dx, yh, yy = 2.4, 1.6, 3.2  # the layout of draw_unrolled without sizes
    for t in range(1, T + 1):
        x0 = t * dx
        # from the output: V^T dL/dy_t, on a curve left of the forward V arrow
        _arrow(ax, (x0, yy), (x0, yh), BACKWARD_COLOUR, rad=0.6, lw=2.0)
        _back_label(ax, (x0 - 0.5, (yh + yy) / 2), r"$V^\top$", "back-V")
        if t < T:  # from the next step: D^T dL/da_{t+1}, on a curve below the forward D arrow
            _arrow(ax, (x0 + dx, yh), (x0, yh), BACKWARD_COLOUR, rad=-0.4, lw=2.0)
            _back_label(ax, (x0 + dx / 2, yh - 0.42), r"$D^\top$", "back-D")
    ax.text(
        T * dx + 0.5,
        yh - 0.5,
        r"$\partial L/\partial a_{T+1} = 0$",
        ha="left",
        va="center",
        fontsize=10,
        color=BACKWARD_COLOUR,
    )
    return ax


def _back_label(ax, xy, text, gid):
    t = ax.text(
        *xy,
        text,
        ha="center",
        va="center",
        fontsize=12,
        color=BACKWARD_COLOUR,
        fontweight="bold",
        zorder=5,
        bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"),
    )
    t.set_gid(gid)
    return t
