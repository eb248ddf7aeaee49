"""Shared fixtures and paths for the test suite."""

import importlib.util
import os
from pathlib import Path

import pytest

# One BLAS thread for the tests and for the notebook kernels that nbval starts
# (they inherit this environment). The book's matrices are small (tens of
# units): extra BLAS threads only add overhead, and on a shared 2-core machine
# they made training chapters up to ten times slower. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402 (numpy reads the thread settings above when it loads)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


# the activations written out independently of rnnlib, for step-by-step reference formulas
REFERENCE_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0),
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
}


def load_script(relative_path):
    """Import a script of the repository that is not part of rnnlib (benchmarks/, scripts/) as a
    module."""
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(12345)


def require_optional(module):
    """Import an optional test dependency (torch, threadpoolctl: tests/requirements-torch.txt).

    Skips the test when it is missing, except when RNNLIB_REQUIRE_TORCH=1 (set by .ci/run in
    the environment that installs them), where a missing dependency is a failure: there the
    cross-check must run, not be skipped.
    """
    if os.environ.get("RNNLIB_REQUIRE_TORCH") == "1":
        import importlib

        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"RNNLIB_REQUIRE_TORCH=1 but {module} cannot be imported: {exc}")
    return pytest.importorskip(
        module, reason=f"{module} is not installed (pip install -r tests/requirements-torch.txt)"
    )


def pytest_collection_modifyitems(config, items):
    """Mark every notebook cell that nbval runs ``slow``: the chapters take seconds each, so
    ``pytest -m "not slow"`` leaves them out (the markers are declared in pyproject.toml).

    This hook lives here, so it applies when tests/ is collected too, as in the README's
    ``pytest`` from the repository root.
    """
    for item in items:
        if type(item).__module__.split(".")[0] == "nbval":
            item.add_marker(pytest.mark.slow)
