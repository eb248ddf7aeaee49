"""The house figure style of the book (every chapter).

``use_style()`` sets matplotlib up once per notebook: one size, readable fonts,
the Okabe-Ito colour-blind-safe palette, and an opaque white background so that
figures stay readable in dark-mode viewers (GitHub, JupyterLab dark theme).

Figures are stored as PNG at twice the display resolution ("retina": 200 pixels per
figure inch, displayed at 100), with their display size in the output's metadata, so
they keep their size and stay sharp on high-density screens in JupyterLab and the
HTML book.
"""

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour-vision
# deficiency
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [
    PALETTE[k]
    for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")
]

STYLE = {
    "figure.figsize": (7.0, 3.6),
    "figure.dpi": 100,  # display scale: one figure inch is 100 CSS pixels
    "savefig.dpi": 200,  # files written with savefig: as sharp as the notebook PNGs
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": cycler(color=CYCLE),
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
}


def use_style():
    """Apply the house style to matplotlib (call once at the top of a chapter)."""
    mpl.rcParams.update(STYLE)
    try:  # in a notebook: PNG at 2x the pixels, shown at 1x (sharp on high-density screens)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:  # pragma: no cover - outside IPython
        pass
    return plt
