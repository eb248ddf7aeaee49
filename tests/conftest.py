"""Shared fixtures and paths for the test suite."""
import os
from pathlib import Path

# One BLAS thread for the tests and for the notebook kernels that nbval starts
# (they inherit this environment). The book's matrices are small (tens of
# units): extra BLAS threads only add overhead, and on a shared 2-core machine
# they made training chapters up to ten times slower. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


# the activations written out independently of rnnlib, for step-by-step reference formulas
REFERENCE_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0),
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
}


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(12345)
