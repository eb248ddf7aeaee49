"""The reader's surfaces stay true: chapter lists, links, badges, pins."""

import re
import subprocess
import urllib.parse

import jupytext
import pytest

from helpers import NOTEBOOKS, ROOT

LINK = re.compile(
    r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|<img[^>]*\bsrc=\"([^\"]+)\"|!\[[^\]]*\]\(([^)\s]+)\)"
)
BINDER = re.compile(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/([^?)\s]+)\?labpath=([^)\s\"]+)")


def markdown_sources():
    """(file, text) of every markdown document a reader sees."""
    for name in (
        "README.md",
        "CONTRIBUTING.md",
        "book/intro.md",
        "rnnlib/data/README.md",
        "benchmarks/README.md",
    ):
        if (ROOT / name).exists():
            yield ROOT / name, (ROOT / name).read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        nb = jupytext.read(path)
        yield path, "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def heading_anchors(path):
    nb = jupytext.read(path)
    anchors = set()
    for c in nb.cells:
        if c.cell_type == "markdown":
            for line in c.source.splitlines():
                m = re.match(r"#{1,6}\s+(.*)", line)
                if m:
                    text = m.group(1).strip()
                    anchors.add(text.replace(" ", "-"))
                    anchors.add(re.sub(r"[^\w\- ]", "", text).strip().lower().replace(" ", "-"))
    return anchors


SOURCES = list(markdown_sources())
# only the documents that hold links or Binder badges: a test over a file with none checks nothing
WITH_LINKS = [(p, t) for p, t in SOURCES if LINK.search(t)]
WITH_BADGES = [(p, t) for p, t in SOURCES if BINDER.search(t)]


def test_the_link_checks_have_something_to_check():
    assert {p.name for p, _ in WITH_LINKS} >= {"README.md"} | {p.name for p in NOTEBOOKS}
    assert {p.name for p, _ in WITH_BADGES} >= {"README.md"} | {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize(
    "path,text", WITH_LINKS, ids=[str(p.relative_to(ROOT)) for p, _ in WITH_LINKS]
)
def test_relative_links_point_at_files(path, text):
    broken = []
    for groups in LINK.findall(text):
        target = next(g for g in groups if g)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / urllib.parse.unquote(file_part)).resolve()
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".ipynb" and anchor not in heading_anchors(dest):
            broken.append(target)
    assert not broken, f"{path.name}: links to missing files or headings: {broken}"


def repository_slug():
    m = re.search(
        r"repository-code:\s*\"?https://github\.com/([^\"\s]+)",
        (ROOT / "CITATION.cff").read_text(encoding="utf-8"),
    )
    return m.group(1).rstrip("/")


@pytest.mark.parametrize(
    "path,text", WITH_BADGES, ids=[str(p.relative_to(ROOT)) for p, _ in WITH_BADGES]
)
def test_binder_badges_open_existing_files(path, text):
    for slug, ref, labpath in BINDER.findall(text):
        assert slug == repository_slug(), (
            f"{path.name}: Binder badge for {slug}, CITATION.cff says {repository_slug()}"
        )
        assert ref == "HEAD"
        assert (ROOT / urllib.parse.unquote(labpath)).exists(), (
            f"{path.name}: Binder labpath {labpath} does not exist"
        )


def test_readme_badge_opens_the_introduction():
    badges = BINDER.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any(
        urllib.parse.unquote(lab) == "notebooks/00_introduction.ipynb" for _, _, lab in badges
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_chapter_has_its_binder_badge_and_glossary_link(path):
    first = jupytext.read(path).cells[0].source
    labs = [urllib.parse.unquote(lab) for _, _, lab in BINDER.findall(first)]
    assert f"notebooks/{path.name}" in labs, (
        f"{path.name}: no Binder badge for itself in the title cell"
    )
    text = dict(SOURCES)[path]
    assert path.name.startswith("00_") or "00_introduction.ipynb#" in text, (
        f"{path.name} does not link the glossary"
    )


def test_chapter_lists_match_the_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(
        r"\]\(notebooks/(\d\d_\w+)\.ipynb\)", readme.split("## Chapters")[1].split("\n## ")[0]
    )
    assert listed == names, f"README chapter table {listed} != notebooks {names}"
    toc = re.findall(
        r"file:\s*notebooks/(\S+)", (ROOT / "book/_toc.yml").read_text(encoding="utf-8")
    )
    assert toc == names, f"book/_toc.yml {toc} != notebooks {names}"


def test_requirements_are_pinned_and_explained():
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spec, _, comment = line.partition("#")
        assert comment.strip(), f"requirements.txt: no comment saying what uses {spec.strip()}"
        if spec.strip().startswith("python-too-old @ file:///ERROR/"):
            assert 'python_version < "3.11"' in spec, (
                "the old-Python guard must only apply before 3.11"
            )
            continue
        assert "==" in spec or spec.strip() == "-e .", (
            f"requirements.txt: {spec.strip()} is not pinned with =="
        )


SUPPORTED = ("3.11", "3.12", "3.13")


def test_supported_pythons_are_the_same_everywhere():
    """Binder runs the oldest supported Python; CI tests the oldest and the newest; the README
    and pyproject.toml name the same range."""
    assert (ROOT / "binder/runtime.txt").read_text(
        encoding="utf-8"
    ).strip() == f"python-{SUPPORTED[0]}"
    assert not (ROOT / "runtime.txt").exists(), (
        "repo2docker ignores a root runtime.txt when binder/ exists"
    )
    workflow = (ROOT / ".github/workflows/tests.yml").read_text(encoding="utf-8")
    matrix = re.search(r"python-version:\s*\[([^\]]*)\]", workflow)
    assert matrix, "the workflow has no python-version matrix"
    tested = re.findall(r'"([\d.]+)"', matrix.group(1))
    assert SUPPORTED[0] in tested and SUPPORTED[-1] in tested, (
        f"CI tests {tested}, not {SUPPORTED[0]} and {SUPPORTED[-1]}"
    )
    assert set(tested) <= set(SUPPORTED), f"CI tests {tested}, the README supports {SUPPORTED}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {SUPPORTED[0]}, {SUPPORTED[1]} or {SUPPORTED[2]}" in readme
    assert f'requires-python = ">={SUPPORTED[0]}"' in (ROOT / "pyproject.toml").read_text(
        encoding="utf-8"
    )


# the readers' machines CI covers besides x86-64 Linux:
# runner label prefix -> how the README names it
READER_RUNNERS = {
    "ubuntu-24.04-arm": "ARM Linux",
    "macos-": "macOS on Apple Silicon",
    "windows-": "Windows",
}


def test_ci_runs_the_readers_test_on_the_platforms_the_readme_names():
    """The workflow's readers job runs the README's install and pytest on ARM Linux, an Apple
    Silicon Mac and Windows, and the README says so; the x86-64 Linux job still runs all of
    .ci/run."""
    workflow = (ROOT / ".github/workflows/tests.yml").read_text(encoding="utf-8")
    oses = re.search(r"^\s*os:\s*\[([^\]]*)\]", workflow, re.M)
    assert oses, "the workflow has no os matrix for the readers' machines"
    labels = [label.strip() for label in oses.group(1).split(",")]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for prefix, name in READER_RUNNERS.items():
        assert any(label.startswith(prefix) for label in labels), (
            f"CI has no {prefix}* runner ({labels})"
        )
        assert name in readme, f"the README does not say that CI covers {name}"
    assert "macos-13" not in labels, "macos-13 is an Intel Mac; readers' Macs are Apple Silicon"
    assert (
        "run: python -m pip install -r requirements.txt" in workflow and "run: pytest" in workflow
    )
    assert "run: bash .ci/run" in workflow


# a design note named in a file: any *.md whose name contains "design" or "architecture"
# (in any case, with or without a folder), or the bare word DESIGN in backticks. A match starts
# where a path does (the lookbehind): the same matches, without retrying the long runs of
# base64 in the notebooks' images from every position (20 s -> under 1 s)
DESIGN_NOTE = re.compile(r"(?<![\w./-])[\w./-]*(?:design|architecture)[\w-]*\.md|`DESIGN[`]", re.I)


def tracked_text_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in listed.stdout.split("\0"):
        path = ROOT / name
        if (
            name
            and path.is_file()
            and path.suffix in {".py", ".md", ".ipynb", ".txt", ".yml", ".toml", ".cff", ".sh", ""}
        ):
            yield path


def test_no_file_cites_a_design_note_that_does_not_exist():
    missing = []
    for path in tracked_text_files():
        for cited in set(DESIGN_NOTE.findall(path.read_text(encoding="utf-8", errors="replace"))):
            name = cited.strip("`")
            if "/blob/" in name:  # a link to the file on the repository's web page: its path here
                name = name.split("/blob/", 1)[1].split("/", 1)[-1]
            if not name.lower().endswith(".md") or not (
                (ROOT / name).exists() or (path.parent / name).exists()
            ):
                missing.append(f"{path.relative_to(ROOT)}: {cited}")
    assert (ROOT / "ARCHITECTURE.md").exists()
    assert not missing, "cites a design note that is not in the repository:\n" + "\n".join(
        sorted(missing)
    )


def _book_times():
    """benchmarks/results_book.md: {notebook: after seconds}, the whole book after, and the whole
    book before."""
    text = (ROOT / "benchmarks" / "results_book.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d_\w+)\.ipynb \|(.*)$", text, flags=re.M)
    after = {name[:2]: float(re.findall(r"([0-9.]+) \(", cols)[-1]) for name, cols in rows}
    totals = [
        float(x)
        for x in re.findall(
            r"\*\*([0-9.]+)\*\*", re.search(r"^\| \*\*whole book\*\*.*$", text, re.M).group(0)
        )
    ]
    return after, totals[-1], totals[0]


def test_the_run_times_the_docs_quote_are_the_measured_ones():
    """README's and CONTRIBUTING's chapter times are benchmarks/results_book.md's, rounded:
    re-measure, re-quote."""
    after, book_after, book_before = _book_times()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(
        r"the chapters alone took (\d+) s under nbval there on [^,]+, "
        r"from ([0-9.]+) s for chapter 00 to (\d+) s for chapter 06; "
        r"the same machine, the same hour, ran the first edition's eight chapters in (\d+) s",
        readme,
    )
    assert m, "README no longer states the book's run times in the sentence this test reads"
    assert int(m.group(1)) == round(book_after) and int(m.group(4)) == round(book_before)
    assert float(m.group(2)) == round(after["00"], 1) and int(m.group(3)) == round(after["06"])
    contributing = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    m = re.search(r"today chapters 03-08 take (\d+)-(\d+) s under nbval", contributing)
    assert m, (
        "CONTRIBUTING no longer states the chapters' run times in the sentence this test reads"
    )
    slow = [after[k] for k in ("03", "04", "05", "06", "07", "08")]
    assert (int(m.group(1)), int(m.group(2))) == (round(min(slow)), round(max(slow)))
