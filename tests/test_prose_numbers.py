"""Numbers quoted in a chapter's prose appear in what its code printed.

The rule (also in ARCHITECTURE.md): in the markdown of a chapter, every number
written with a decimal point or a slash (0.985, .5, 4/5, 12.55) is a quoted
result and must appear, as written, in the chapter's stored outputs (the
text/plain and stream outputs of its code cells) or in the source of one of its
code cells or solution code blocks (a setting such as a learning rate, or a
bound an assert checks).
Integers are not checked (sizes, counts, years, equation and step numbers).
Exempt are numbers inside $...$ / $$...$$ maths, `code` spans and fences, link
targets, citations (after "§", "section", "arXiv:") and the References section.
A deliberate constant that fits none of these (a probability in an exercise's
wording, say) is declared in the markdown cell that quotes it, with its reason:
``<!-- constants: 0.6 0.3 0.1 (the exercise's letter probabilities) -->``.

Exercise solutions (``<details>``) are counted too: each must hold at least one
```python block, which tests/test_exercises.py executes, unless it is declared
``<!-- prose-only -->`` (a solution that is an argument, not a computation).
"""

import json
import re

import pytest

from helpers import NOTEBOOK_DIR, NOTEBOOKS

NUMBER = re.compile(r"(?<![\w.,/])(?:\d*\.\d+|\d+/\d+)(?![\w/]|\.\d)")
EXEMPT = [
    re.compile(r"```.*?```", re.S),  # code fences (solutions: run by test_exercises)
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"(?<!\\)\$(?:\\\$|[^$])+?(?<!\\)\$"),  # inline maths
    re.compile(r"`[^`]*`"),  # code spans
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),  # bare addresses
    re.compile(r"<!--.*?-->", re.S),  # comments (and the constants declared in them)
    re.compile(
        r"(?:§|\b[Ss]ections?\s+|arXiv:)\s*[\d.]+(?:\s*(?:,|and|-|–)\s*[\d.]+)*"
    ),  # citations
]
CONSTANTS = re.compile(r"<!--\s*constants:(.*?)-->", re.S)
# deliberate constants of chapters whose prose is not ours to edit here, each with its reason
# (the lead may move them into the chapters as <!-- constants: --> comments)
# chapter -> {phrase quoting the constant: reason}; the phrase is exempt, nothing else
KNOWN_CONSTANTS = {
    "03_input_view": {
        "an unsure 0.6 and a sure 0.95": "illustrative confidences (section 2's caveat)",
        "about 0.018, 0.269, 0.731 and 0.982": (
            "sigma(-4), sigma(-1), sigma(1), sigma(4) (exercise 4's solution)"
        ),
    },
}
DETAILS = re.compile(r"<details>(.*?)</details>", re.S)


def stored_text(nb):
    """The text a reader sees under the code cells: stream and text/plain outputs."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append("".join(out["text"]))
            elif "text/plain" in out.get("data", {}):
                parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def code_text(nb):
    """The code cells and the solutions' ```python blocks (run by tests/test_exercises.py)."""
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    fenced = [
        code
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for code in re.findall(r"```python\n(.*?)```", "".join(c["source"]), re.S)
    ]
    return "\n".join(cells + fenced)


def quoted_numbers(markdown):
    """The numbers a markdown cell quotes, after the exemptions; plus its declared constants."""
    declared = set(" ".join(CONSTANTS.findall(markdown)).split())
    text = markdown.split("## References")[0]
    for pattern in EXEMPT:
        text = pattern.sub(" ", text)
    return NUMBER.findall(text), declared


def appears(number, text):
    """``number`` occurs in ``text`` as a whole number (0.51 is not found in 0.514)."""
    return re.search(r"(?<![\d.])" + re.escape(number) + r"(?![\d/]|\.\d)", text) is not None


def stale_quotes(nb, constants=()):
    """[(cell index, number)] of quoted numbers found neither in the outputs, the code, nor the
    constants.

    ``constants``: phrases (quoting deliberate constants) to leave out of the prose."""
    seen, code = stored_text(nb), code_text(nb)
    stale = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        markdown = "".join(cell["source"])
        for phrase in constants:
            markdown = markdown.replace(phrase, " ")
        numbers, declared = quoted_numbers(markdown)
        stale += [
            (i, n)
            for n in numbers
            if not appears(n, seen) and not appears(n, code) and n not in declared
        ]
    return stale


IDS = [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_quoted_numbers_appear_in_the_outputs(path):
    stale = stale_quotes(
        json.loads(path.read_text(encoding="utf-8")), KNOWN_CONSTANTS.get(path.stem, {})
    )
    assert not stale, (
        f"{path.name}: numbers quoted in the prose but not in any stored output or code cell "
        f"(cell, number): {stale}; re-run and update the prose, or declare a deliberate constant "
        "with <!-- constants: ... --> and its reason"
    )


@pytest.mark.parametrize("stem", sorted(KNOWN_CONSTANTS))
def test_the_allowed_constants_are_still_quoted(stem):
    """An allow-list entry whose phrase has left the chapter is removed, not kept to hide a later
    quote."""
    nb = json.loads((NOTEBOOK_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    gone = [phrase for phrase in KNOWN_CONSTANTS[stem] if phrase not in md]
    assert not gone, f"{stem}: KNOWN_CONSTANTS phrases no longer in the chapter: {gone}"


def notebook(markdown, printed, code="print(x)"):
    """A synthetic one-chapter notebook: a markdown cell and a code cell with a stream output."""
    return {
        "cells": [
            {"cell_type": "markdown", "source": markdown},
            {
                "cell_type": "code",
                "source": code,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}],
            },
        ]
    }


def test_a_stale_quote_is_caught():
    printed = "test accuracy 0.962, loss 0.514 (4/5 seeds)\n"
    assert (
        stale_quotes(notebook("The accuracy is 0.962 and the loss 0.514, in 4/5 seeds.", printed))
        == []
    )
    assert stale_quotes(
        notebook("The accuracy is 0.985 and the loss 0.514, in 3/5 seeds.", printed)
    ) == [(0, "0.985"), (0, "3/5")]


def test_what_is_exempt():
    printed = "nothing\n"
    md = (
        "In 2015 (Le et al., §10.2.1, section 10.7, arXiv:1504.00941) we take $h = 0.5 x$ and "
        "`lr=0.03`, see [here](https://example.org/v1.5) and\n$$y = 2.5$$\n"
        "```python\nassert abs(x - 0.25) < 1e-3\n```\n"
        "## References\n1. A. Author, 12.3 (2001)."
    )
    assert stale_quotes(notebook(md, printed)) == []
    assert stale_quotes(notebook("a learning rate of 0.005", printed, code="Adam(lr=0.005)")) == []
    assert (
        stale_quotes(
            notebook("probabilities 0.6 and 0.4 <!-- constants: 0.6 0.4 (the task's) -->", printed)
        )
        == []
    )
    assert stale_quotes(notebook("probabilities 0.6 and 0.4 <!-- constants: 0.6 -->", printed)) == [
        (0, "0.4")
    ]
    assert stale_quotes(
        notebook("an unsure 0.6; later about 0.6", printed), {"an unsure 0.6": "why"}
    ) == [(0, "0.6")]
    # numbers are matched whole, in the prose and in the outputs
    assert stale_quotes(notebook("a loss of 0.51", "loss 0.514\n")) == [(0, "0.51")]
    assert quoted_numbers("values 1.0, .5 and 12.55; version 2.0.1 is not a number")[0] == [
        "1.0",
        ".5",
        "12.55",
    ]


# ------------------------------------------------------------------ solutions
SOLUTION_FENCE = re.compile(r"```python\n")


def solutions(nb):
    """(index, has a ```python block, declared prose-only, any other fence) for each <details>
    block."""
    md = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    out = []
    for k, block in enumerate(DETAILS.findall(md), 1):
        fences = re.findall(r"```(\w*)", block)[::2]  # opening fences only
        out.append(
            (
                k,
                "python" in fences,
                "<!-- prose-only -->" in block,
                [f for f in fences if f != "python"],
            )
        )
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_solution_has_code_or_is_declared_prose_only(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = solutions(nb)
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert len(found) == md.count("<details>") == md.count("</details>") >= 3
    for k, has_code, prose_only, other in found:
        assert not other, (
            f"{path.name} solution {k}: a code block fenced as {other}, "
            "which test_exercises does not run"
        )
        assert has_code or prose_only, (
            f"{path.name} solution {k}: no ```python block to execute; "
            "add one, or declare <!-- prose-only --> in it"
        )


def test_the_solution_count_sees_a_misfenced_block():
    nb = notebook(
        "<details>\n\n```py\nprint(1)\n```\n\n</details>\n<details>argument</details>", ""
    )
    assert solutions(nb) == [(1, False, False, ["py"]), (2, False, False, [])]
