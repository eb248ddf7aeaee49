"""Fixtures and hooks of the test suite (pytest loads this file itself; shared helpers, paths and
strategies are in tests/helpers.py, which the test files import)."""

import os

import pytest

# One BLAS thread for the tests and for the notebook kernels that nbval starts
# (they inherit this environment). The book's matrices are small (tens of
# units): extra BLAS threads only add overhead, and on a shared 2-core machine
# they made training chapters up to ten times slower. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402 (numpy reads the thread settings above when it loads)

# helpers.py loads the Hypothesis profile ("ci" unless HYPOTHESIS_PROFILE says otherwise) when it
# is imported. Importing it here loads it before any test file is collected, so the files that use
# Hypothesis without helpers (test_clustering, test_portable) get it too, even run on their own.
import helpers  # noqa: E402, F401 (imported for the profile it loads; it imports numpy)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def pytest_collection_modifyitems(config, items):
    """Mark every notebook cell that nbval runs ``slow``: the chapters take seconds each, so
    ``pytest -m "not slow"`` leaves them out (the markers are declared in pyproject.toml).

    This hook lives here, so it applies when tests/ is collected too, as in the README's
    ``pytest`` from the repository root.
    """
    for item in items:
        if type(item).__module__.split(".")[0] == "nbval":
            item.add_marker(pytest.mark.slow)
