"""The interactive explorer of one hidden unit (chapter 04).

One hidden unit is the smallest basic RNN: h_t = f(W x_t + D h_{t-1} + B),
h_0 = 0, with three scalars. W weighs the newest input, D the history carried
in h_{t-1}, and B shifts the unit. The explorer draws h_t for a fixed input
sequence and redraws it live when sliders for W, D and B move.

Three layers, so that each can be tested on its own:

- ``unit_response`` computes h_1..h_T (pure numpy);
- ``draw_response`` draws it on a matplotlib Axes;
- ``explorer`` builds the widget (ipywidgets is imported only there, so
  rnnlib itself imports without ipywidgets).

The widget shows the figure as a PNG image widget rather than through
``interact``'s output area: the picture then travels with the widget state
only, so a notebook re-run under nbval produces exactly the stored outputs.
"""

import io
from types import MappingProxyType

import numpy as np

from ._checks import (
    as_float_array,
    as_scalar_series,
    check_alloc,
    check_bool,
    check_choice,
    check_real,
    check_size,
    check_title,
)
from .activations import sigmoid

UNIT_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
_F = {
    "tanh": np.tanh,
    "relu": lambda a: max(a, 0.0),
    "sigmoid": sigmoid,
    "linear": lambda a: a,
}
SLIDER_LIMITS = MappingProxyType(
    {"W": (-3.0, 3.0), "D": (-1.5, 1.5), "B": (-1.0, 1.0)}
)  # read-only


def unit_response(x, W=1.0, D=0.5, B=0.0, activation="tanh", h0=0.0):
    """Hidden states h_1..h_T of one unit, h_t = f(W x_t + D h_{t-1} + B) (chapter 04).

    ``x`` is a scalar sequence (T,) or (T, 1); W, D, B and h0 are numbers;
    ``activation`` is "tanh", "relu", "sigmoid" or "linear" (f(a) = a, the
    unit of the moving-average view). Returns an array of shape (T,).
    """
    x = as_scalar_series("x", x)
    W, D, B, h = (check_real(n, v) for n, v in (("W", W), ("D", D), ("B", B), ("h0", h0)))
    f = _F[check_choice("activation", activation, UNIT_ACTIVATIONS)]
    out = np.empty(x.shape[0])
    for t, xt in enumerate(x):
        h = float(f(W * xt + D * h + B))
        out[t] = h
    if not np.all(np.isfinite(out)):
        raise ValueError("the response overflowed (|D| > 1 with a linear unit grows without bound)")
    return out


def explorer_input(T=50):
    """The fixed input of the explorer (chapter 04): a step, a pause, a short negative pulse.

    x_t = 1 for 5 <= t < 20, x_t = -1 for 30 <= t < 33, else 0 (t counted from 0).
    """
    T = check_size("T", T)
    check_alloc(f"T={T}", T)
    x = np.zeros(T)
    x[5:20] = 1.0
    x[30:33] = -1.0
    return x


def _check_ylim(ylim):
    """None, or two finite numbers (low, high) with low < high."""
    if ylim is None:
        return None
    lim = as_float_array("ylim", ylim)
    if lim.shape != (2,) or not lim[0] < lim[1]:
        raise ValueError(
            f"ylim must be None or two numbers (low, high) with low < high, got {ylim!r}"
        )
    return float(lim[0]), float(lim[1])


def draw_response(x, W=1.0, D=0.5, B=0.0, activation="tanh", ax=None, ylim=(-1.6, 1.6), title=None):
    """Draw the input x_t and the response h_t of one unit on ``ax`` (chapter 04).

    Creates a figure with pyplot when ``ax`` is None. ``ylim=None`` lets
    matplotlib choose the limits. Returns the Axes.
    """
    from .plotting import PALETTE

    h = unit_response(x, W, D, B, activation)
    x = as_scalar_series("x", x)
    ylim = _check_ylim(ylim)
    check_title(title)
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    else:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    t = np.arange(1, x.shape[0] + 1)
    ax.step(t, x, where="mid", color="#999999", lw=1.4, label="input $x_t$")
    ax.plot(t, h, color=PALETTE["blue"], marker="o", ms=3, label="hidden $h_t$")
    ax.axhline(0, color="#555555", lw=0.6)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("time step t")
    ax.set_ylabel("value")
    ax.set_title(
        title if title is not None else f"W = {W:.2f}, D = {D:.2f}, B = {B:.2f} ({activation})"
    )
    return ax


FIGSIZE = (7.0, 3.4)  # inches; the explorer picture is shown at FIGSIZE x the house dpi


def _check_figsize(figsize):
    """Two finite positive numbers (width, height) in inches, at most 50 each."""
    size = as_float_array("figsize", figsize)
    if size.shape != (2,) or not np.all((size > 0) & (size <= 50)):
        raise ValueError(
            "figsize must be two numbers (width, height) in inches, each in (0, 50], got "
            f"{figsize!r}"
        )
    return float(size[0]), float(size[1])


def render_png(x, W, D, B, activation="tanh", figsize=FIGSIZE):
    """The explorer's picture as PNG bytes, drawn off-screen in the house style (chapter 04).

    Uses a bare ``matplotlib.figure.Figure``, not pyplot, so nothing is left
    open for a notebook to display a second time.
    """
    figsize = _check_figsize(figsize)
    unit_response(x, W, D, B, activation)  # checks x, W, D, B, activation before any drawing
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plotting import STYLE

    with mpl.rc_context(STYLE):
        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw_response(x, W, D, B, activation, ax=ax)
        ax.legend(loc="upper right")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


class Explorer:
    """Sliders for W, D, B of one hidden unit and a live picture of h_t (chapter 04).

    Made by ``explorer(...)``. ``sliders`` maps "W", "D", "B" to the
    FloatSliders, ``image`` is the picture, ``widget`` the whole box, and
    ``response`` the h_t last drawn. Moving a slider calls ``redraw``.
    Displaying an Explorer in a notebook displays its widget. ``x`` is the
    explorer's own read-only copy of the input it was given.
    """

    def __init__(self, x, W, D, B, activation, continuous_update=True):
        import ipywidgets as widgets

        from .plotting import STYLE

        self.x = np.array(as_scalar_series("x", x), copy=True)
        self.x.flags.writeable = False
        self.activation = check_choice("activation", activation, UNIT_ACTIVATIONS)
        values = {"W": check_real("W", W), "D": check_real("D", D), "B": check_real("B", B)}
        continuous_update = check_bool("continuous_update", continuous_update)
        self.sliders = {}
        for name, (lo, hi) in SLIDER_LIMITS.items():
            v = values[name]
            if not lo <= v <= hi:
                raise ValueError(f"{name} = {v} is outside the slider range [{lo}, {hi}]")
            self.sliders[name] = widgets.FloatSlider(
                value=v,
                min=lo,
                max=hi,
                step=0.05,
                description=name,
                continuous_update=continuous_update,
                readout_format=".2f",
            )
        # shown at its natural size (figsize x dpi), like the chapter's other figures, not stretched
        width = round(FIGSIZE[0] * STYLE["savefig.dpi"])
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%")
        )
        self.widget = widgets.VBox([widgets.HBox(list(self.sliders.values())), self.image])
        self.response = None
        self.redraw()
        for slider in self.sliders.values():
            slider.observe(self.redraw, names="value")

    @property
    def values(self):
        """The current slider values as a dict {"W": ..., "D": ..., "B": ...} (chapter 04)."""
        return {name: float(s.value) for name, s in self.sliders.items()}

    def redraw(self, change=None):
        """Recompute h_t for the slider values and replace the picture (chapter 04).

        The sliders call it when they move (``change`` is their event, unused).
        """
        v = self.values
        self.response = unit_response(self.x, v["W"], v["D"], v["B"], self.activation)
        self.image.value = render_png(self.x, v["W"], v["D"], v["B"], self.activation)

    def _repr_mimebundle_(self, **kwargs):
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = (
            "Explorer of one hidden unit h_t = "
            f"{self.activation}(W x_t + D h_(t-1) + B): sliders W, D, B "
            "(live in JupyterLab with a running kernel)"
        )
        return data


def explorer(x=None, W=1.0, D=0.5, B=0.0, activation="tanh", continuous_update=True):
    """Build the interactive explorer of one hidden unit (chapter 04).

    ``x`` defaults to ``explorer_input()``. Returns an ``Explorer``; leave it
    as the last expression of a notebook cell to show the sliders and the
    picture, which redraws whenever a slider moves.
    """
    return Explorer(explorer_input() if x is None else x, W, D, B, activation, continuous_update)
