"""Static checks of the committed notebooks, as a reader on GitHub sees them.

nbval (run by the same ``pytest``) re-executes every notebook and compares the
outputs; these tests check what nbval cannot: that the stored notebook was run
top to bottom in a fresh kernel, holds no unexpected errors or warnings, and
that each .ipynb and its py:percent pair hold the same cells.
"""

import io
import json
import re
import tokenize

import jupytext
import pytest

from helpers import NOTEBOOK_DIR, NOTEBOOKS

IDS = [p.name for p in NOTEBOOKS]


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom(path):
    counts = [c.get("execution_count") for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; "
        "re-execute it in a fresh kernel (scripts/execute_notebooks.sh)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_unexpected_errors_or_stderr(path):
    bad = []
    for i, cell in enumerate(code_cells(load(path))):
        if "NBVAL_RAISES_EXCEPTION" in "".join(cell["source"]) or "raises-exception" in cell[
            "metadata"
        ].get("tags", []):
            assert any(o["output_type"] == "error" for o in cell["outputs"]), (
                f"{path.name} code cell {i}: marked to raise an exception but shows no error"
            )
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "error" or (
                out["output_type"] == "stream" and out["name"] == "stderr"
            ):
                bad.append((i, out.get("ename") or "".join(out.get("text", ""))[:200]))
    assert not bad, f"{path.name}: unexpected error/stderr outputs in code cells {bad}"


PATTERNS = {
    "machine path": re.compile(r"(/root/|/home/|/tmp/|/work/|/Users/)"),
    "memory address": re.compile(r"\bat 0x[0-9a-f]{6,}"),
    "raw numpy scalar repr": re.compile(r"np\.(float|int)\d+\("),
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_clean(path):
    text = json.dumps([c.get("outputs", []) for c in code_cells(load(path))])
    for what, pattern in PATTERNS.items():
        assert not pattern.search(text), (
            f"{path.name}: {what} in stored outputs: {pattern.search(text).group(0)}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_anatomy(path):
    nb = load(path)
    first = "".join(nb["cells"][0]["source"]).lstrip()
    assert nb["cells"][0]["cell_type"] == "markdown" and first.startswith("# "), (
        f"{path.name}: no '# Title' cell"
    )
    assert any("rnnlib" in "".join(c["source"]) for c in code_cells(nb)), (
        f"{path.name} does not use rnnlib"
    )
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    figures = sum("image/png" in o.get("data", {}) for c in code_cells(nb) for o in c["outputs"])
    svg = sum("image/svg+xml" in o.get("data", {}) for c in code_cells(nb) for o in c["outputs"])
    assert svg == 0, f"{path.name}: figures must be stored as PNG"
    assert path.stat().st_size < 3_000_000, f"{path.name} is over 3 MB"
    if not path.name.startswith("00_"):
        assert figures > 0, f"{path.name} has no stored figure"
    if figures:
        sources = "\n".join("".join(c["source"]) for c in code_cells(nb))
        assert "plotting.use_style()" in sources, (
            f"{path.name}: figures without the house style (rnnlib.plotting.use_style)"
        )


def cells_of(path):
    nb = jupytext.read(path)
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_py_pair_in_sync(path):
    py = path.with_suffix(".py")
    assert py.exists(), f"{path.name} has no py:percent pair {py.name}"
    assert cells_of(path) == cells_of(py), (
        f"{path.name} and {py.name} differ in cells; edit the .py, then re-execute "
        "(scripts/execute_notebooks.sh) so that both hold the same cells"
    )


def test_every_script_has_a_notebook():
    orphans = [p.name for p in NOTEBOOK_DIR.glob("*.py") if not p.with_suffix(".ipynb").exists()]
    assert not orphans, f"scripts without a notebook: {orphans}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_sections(path):
    """ARCHITECTURE.md, anatomy of a chapter: goals, prerequisites, reading time, takeaways,
    exercises with
    solutions, references (the article first), and links to the neighbouring chapters."""
    md = "\n\n".join(c.source for c in jupytext.read(path).cells if c.cell_type == "markdown")
    for needed in (
        "What you will learn",
        "Prerequisites",
        "Time to read",
        "## Key takeaways",
        "## Exercises",
        "## References",
    ):
        assert needed in md, f"{path.name}: no '{needed}'"
    exercises = md.split("## Exercises")[1].split("## References")[0]
    assert exercises.count("<details>") >= 3, (
        f"{path.name}: fewer than 3 exercises with solutions in <details>"
    )
    assert exercises.count("<details>") == exercises.count("</details>")
    items = re.split(r"^(?:\d+\.|-)\s+", md.split("## References")[1], flags=re.M)[1:]
    assert items and "基础RNN循环神经网络" in items[0], (
        f"{path.name}: the source article is not the first reference"
    )
    for detail in (
        "老饼",
        "老饼讲解-深度学习",
        "](https://www.bbbdata.com/)",
        "published 2024-04-05",
        "updated 2024-04-12",
    ):
        assert detail in items[0], f"{path.name}: the article's reference lacks {detail!r}"
    names = [p.name for p in NOTEBOOKS]
    i = names.index(path.name)
    last = md.strip().splitlines()[-1]
    if i > 0:
        assert f"]({names[i - 1]})" in last, (
            f"{path.name}: last line does not link the previous chapter"
        )
    if i + 1 < len(names):
        assert f"]({names[i + 1]})" in last, (
            f"{path.name}: last line does not link the next chapter"
        )


def _is_check(source):
    """Whether a code cell holds claim checks: an assert statement or a numpy testing assertion."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: not a check cell
        return False
    return any(
        isinstance(node, ast.Assert)
        or (isinstance(node, ast.Attribute) and node.attr.startswith("assert_"))
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_claim_checks_are_out_of_the_way_and_teaching_cells_short(path):
    """ARCHITECTURE.md, anatomy of a chapter: every assert sits in a check cell ('# Checks:' first,
    tagged
    hide-input, collapsed in JupyterLab, printing nothing); teaching cells have at most 25 lines
    (statements and comments: ruff format's wrapping at 100 columns does not count)."""
    for i, cell in enumerate(code_cells(load(path)), 1):
        source = "".join(cell["source"])
        meta = cell.get("metadata", {})
        where = f"{path.name}, code cell {i} ({source.splitlines()[0][:60]!r})"
        if _is_check(source):
            assert source.startswith("# Checks:"), (
                f"{where}: a cell with asserts must start with '# Checks:'"
            )
            assert "hide-input" in meta.get("tags", []), (
                f"{where}: a check cell needs the tag hide-input"
            )
            assert meta.get("jupyter", {}).get("source_hidden") is True, (
                f"{where}: needs jupyter.source_hidden"
            )
            assert not cell.get("outputs"), f"{where}: a check cell prints nothing"
        else:
            n = _logical_lines(source)
            assert n <= 25, f"{where}: a teaching cell of {n} lines (statements and comments)"


def _logical_lines(source):
    """Lines a reader follows: Python's logical lines (a statement that the formatter wraps over
    several lines counts once) plus whole-line comments."""
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return sum(
        t.type == tokenize.NEWLINE
        or (t.type == tokenize.COMMENT and t.line.lstrip().startswith("#"))
        for t in tokens
    )


def _word_count():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "word_count", NOTEBOOK_DIR.parent / "scripts" / "word_count.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_book_keeps_its_length():
    """The third edition's length rule (ARCHITECTURE.md): chapters 05-07 at most 3,300 words of
    running
    text each, the whole book at most 29,000 (scripts/word_count.py)."""
    counts = {p.stem: _word_count().chapter_words(p) for p in NOTEBOOKS}
    for name, n in counts.items():
        if name[:2] in ("05", "06", "07"):
            assert n <= 3300, f"{name}: {n} words of running text, more than 3,300"
    assert sum(counts.values()) <= 29000, (
        f"the book has {sum(counts.values())} words, more than 29,000"
    )


def test_word_count_reads_only_running_text():
    wc = _word_count()
    md = (
        "## The loss\nWe add $\\sum_t L_t$ over `T` steps, 25 of them; "
        "see [chapter 05](05_x.ipynb).\n"
        "$$L = \\frac{1}{T}$$\n<details><summary>Solution</summary>It's well-known.</details>\n"
        "```python\nx = 1\n```\n![a plot of h](fig.png)"
    )
    assert wc.prose(md).split() == [
        "##",
        "The",
        "loss",
        "We",
        "add",
        "over",
        "steps,",
        "25",
        "of",
        "them;",
        "see",
        "chapter",
        "05.",
        "Solution",
        "It's",
        "well-known.",
    ]
    assert wc.words(md) == 13  # numbers are not words; It's and well-known are one word each
