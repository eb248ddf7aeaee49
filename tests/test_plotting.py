"""The house figure style (rnnlib.plotting): figures are sharp on high-density screens
and keep their display size."""

import base64
import struct

import matplotlib
import pytest

matplotlib.use("Agg")


def png_size(data):
    if isinstance(data, str):  # IPython's formatter gives base64 text
        data = base64.b64decode(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def shell():
    IPython = pytest.importorskip("IPython")
    pytest.importorskip("matplotlib_inline")
    shell = IPython.core.interactiveshell.InteractiveShell.instance()
    yield shell
    IPython.core.interactiveshell.InteractiveShell.clear_instance()


def test_notebook_figures_are_stored_at_twice_their_display_resolution(shell):
    from rnnlib import plotting

    plt = plotting.use_style()
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    data, metadata = shell.display_formatter.format(fig)
    plt.close(fig)
    width, height = png_size(data["image/png"])
    shown = metadata["image/png"]
    assert (shown["width"], shown["height"]) == (width // 2, height // 2)
    # shown at about figsize x figure.dpi (the inline backend trims to a tight bounding box)
    assert shown["width"] == pytest.approx(4 * plotting.STYLE["figure.dpi"], rel=0.1)


def test_style_keeps_an_opaque_white_background():
    from rnnlib import plotting

    plotting.use_style()
    assert matplotlib.rcParams["savefig.facecolor"] == "white"
    assert not matplotlib.rcParams["savefig.transparent"]
    assert matplotlib.rcParams["savefig.dpi"] >= 2 * matplotlib.rcParams["figure.dpi"]
