"""Exercise solutions that involve code are checked by running them.

Every ```python block inside a <details> block of a notebook's markdown is a
worked solution. Each must be self-contained (its own imports); it is run here
in a fresh namespace, and its own assertions check the answer it claims.
"""

import re

import jupytext
import pytest

from helpers import NOTEBOOK_DIR, NOTEBOOKS

DETAILS = re.compile(r"<details>(.*?)</details>", re.S)
FENCE = re.compile(r"```python\n(.*?)```", re.S)


def solution_blocks():
    for path in NOTEBOOKS:
        nb = jupytext.read(path)
        k = 0
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for details in DETAILS.findall(cell.source):
                for code in FENCE.findall(details):
                    k += 1
                    yield pytest.param(path, code, id=f"{path.stem}-solution{k}")


@pytest.mark.parametrize("path,code", list(solution_blocks()))
def test_solution_runs(path, code, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(NOTEBOOK_DIR)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__solution__"}
    exec(compile(code, f"{path.name}:solution", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
