"""rnnlib keeps installing: the wheel builds with no setuptools deprecation warning.

A deprecated form in pyproject.toml (such as the old ``license = { text = ... }``) only
warns today and breaks every install (readers, Binder, CI) on the date the warning names.
This test builds the wheel the way pip installs the project, with pip's own isolated build
environment (so with the setuptools that ``[build-system]`` admits, from the package
index), and fails on any deprecation warning in the build's output.
"""

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

from helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_licence_is_an_spdx_expression_with_its_file():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT", "project.license must be an SPDX expression string"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), f"license-files names {name}, which does not exist"


def test_the_version_is_written_once_and_cited_the_same():
    """rnnlib.__version__ is the version: pyproject.toml reads it (dynamic), CITATION.cff must
    repeat it (a citation file holds a literal). The wheel test below checks the built metadata."""
    import rnnlib

    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project.get("dynamic", []), (
        "pyproject.toml must not write the version: it is rnnlib.__version__ (dynamic)"
    )
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "rnnlib.__version__"}
    # a plain literal, which setuptools reads without importing rnnlib (and numpy) in the build
    assert re.search(
        r'^__version__ = "[^"]+"$', (ROOT / "rnnlib/__init__.py").read_text(encoding="utf-8"), re.M
    )
    cited = re.search(
        r'^version:\s*"?([^"\s]+)"?\s*$', (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M
    )
    assert cited, "CITATION.cff has no version line"
    assert cited.group(1) == rnnlib.__version__, (
        f"CITATION.cff cites version {cited.group(1)}, rnnlib.__version__ is {rnnlib.__version__}"
    )


def test_supported_pythons_are_stated_the_same_way():
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert sys.version_info >= (3, 11), "this test suite runs on the supported Pythons only"


@pytest.mark.slow
@pytest.mark.network
def test_wheel_builds_without_deprecation_warnings(tmp_path):
    # build from a copy: pip builds in the source tree and would leave build/ there
    src = tmp_path / "src"
    shutil.copytree(ROOT / "rnnlib", src / "rnnlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", *PYPROJECT["project"]["license-files"]):
        shutil.copy2(ROOT / name, src / name)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--verbose",
            "--wheel-dir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    log = run.stdout + run.stderr
    if run.returncode != 0 and re.search(
        r"No matching distribution found for setuptools|NewConnectionError|"
        r"Temporary failure in name resolution|Network is unreachable",
        log,
    ):
        pytest.skip(
            "pip could not reach a package index to fetch setuptools for the isolated build"
        )
    assert run.returncode == 0, f"pip wheel failed:\n{log[-3000:]}"
    warnings = sorted(
        set(re.findall(r"\w*DeprecationWarning[^\n]*|[^\n]*\bis deprecated\b[^\n]*", log))
    )
    assert not warnings, "the build warns of deprecations:\n" + "\n".join(warnings)
    wheels = list(tmp_path.glob("rnnlib-*.whl"))
    assert len(wheels) == 1, f"expected one rnnlib wheel, found {[w.name for w in wheels]}"
    names = zipfile.ZipFile(wheels[0]).namelist()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheels[0]).read(metadata).decode()
    assert "License-Expression: MIT" in text
    import rnnlib

    assert f"\nVersion: {rnnlib.__version__}\n" in text, (
        "the wheel's version is not rnnlib.__version__"
    )
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), (
        "the wheel does not carry LICENSE"
    )
    assert "rnnlib/data/sunspots.csv" in names, "the wheel lacks the data file chapter 07 reads"
