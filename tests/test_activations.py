"""rnnlib/activations.py: tanh, relu and sigmoid by name."""

import numpy as np
import pytest

import rnnlib
from helpers import REFERENCE_ACTIVATIONS


@pytest.mark.parametrize("name", sorted(REFERENCE_ACTIVATIONS))
def test_activate(name):
    a = np.linspace(-3, 3, 13).reshape(1, 13)
    keep = a.copy()
    out = rnnlib.activate(name, a)
    np.testing.assert_allclose(out, REFERENCE_ACTIVATIONS[name](keep), rtol=1e-15, atol=1e-16)
    assert out is not a and np.array_equal(a, keep)
    np.testing.assert_allclose(
        rnnlib.activate(name, [0.5, -0.5]), REFERENCE_ACTIVATIONS[name](np.array([0.5, -0.5]))
    )


def test_activate_refuses_an_unknown_name():
    with pytest.raises(ValueError, match="unknown activation 'softsign'"):
        rnnlib.activate("softsign", [0.0])
