"""The HTML book as a way in: figures with alt text and captions, no widget
cell that needs a kernel, launch buttons configured, and the book's link check itself.

The book is built by book/build.sh (its own environment); these tests check what the
build is made from, and test book/check_links.py on a tiny made-up site.
"""

import json
import re
import subprocess
import sys

import pytest

from helpers import NOTEBOOKS, ROOT

IDS = [p.name for p in NOTEBOOKS]


def figure_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and any(
            "image/png" in o.get("data", {}) for o in cell.get("outputs", [])
        ):
            yield i, cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_figure_has_alt_text_and_a_one_line_caption(path):
    problems = []
    for i, cell in figure_cells(path):
        meta = cell["metadata"].get("mystnb", {})
        alt = meta.get("image", {}).get("alt", "")
        caption = meta.get("figure", {}).get("caption", "")
        if len(alt.split()) < 8 or re.search(r"\.png\b", alt):
            problems.append(
                f"cell {i}: alt text missing or too short to describe the figure: {alt!r}"
            )
        if not caption or "\n" in caption or len(caption) > 160:
            problems.append(f"cell {i}: caption missing or not one line: {caption!r}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_widget_cells_are_left_out_of_the_book_after_their_static_figure(path):
    """A widget needs a kernel (and two CDNs) and renders empty in the HTML book: the cell
    that shows it carries the tag remove-cell and a figure comes before it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    seen_figure = False
    for i, cell in enumerate(nb["cells"]):
        outputs = cell.get("outputs", []) if cell["cell_type"] == "code" else []
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs):
            assert "remove-cell" in cell["metadata"].get("tags", []), (
                f"{path.name} cell {i}: widget shown in the book"
            )
            assert seen_figure, f"{path.name} cell {i}: no static figure before the widget"
        seen_figure = seen_figure or any("image/png" in o.get("data", {}) for o in outputs)


def test_book_has_repository_and_launch_buttons():
    config = (ROOT / "book/_config.yml").read_text(encoding="utf-8")
    slug = re.search(
        r"repository-code:\s*\"?https://github\.com/([^\"\s]+)",
        (ROOT / "CITATION.cff").read_text(encoding="utf-8"),
    ).group(1)
    assert f"url: https://github.com/{slug}" in config
    assert re.search(r"use_repository_button:\s*true", config)
    assert re.search(r"binderhub_url:\s*\"?https://mybinder\.org", config)
    assert re.search(r"notebook_interface:\s*\"?jupyterlab", config)


def test_link_check_finds_a_broken_link_and_passes_good_ones(tmp_path):
    site = tmp_path / "html"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="sub/page.html#top">ok</a> <img src="sub/fig.png"> '
        '<a href="https://example.org/">external</a> <a href="#local">anchor</a><p id="local"></p>'
    )
    (site / "sub/page.html").write_text(
        '<h1 id="top">t</h1><a href="../index.html">up</a>'
        '<a href="missing.html">broken</a><a href="../index.html#nowhere">bad anchor</a>'
    )
    (site / "sub/fig.png").write_bytes(b"png")
    run = subprocess.run(
        [sys.executable, str(ROOT / "book/check_links.py"), str(site)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "missing.html" in run.stdout and "#nowhere" in run.stdout
    assert (
        "example.org" not in run.stdout
        and "fig.png" not in run.stdout
        and "sub/page.html#top" not in run.stdout
    )
    (site / "sub/page.html").write_text('<h1 id="top">t</h1><a href="../index.html">up</a>')
    run = subprocess.run(
        [sys.executable, str(ROOT / "book/check_links.py"), str(site)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
