"""rnnlib: the small shared library of the Basic RNN textbook.

The notebooks in ``notebooks/`` show each idea in a few lines of numpy and then
use this package. Each public function's docstring names the chapter that
introduces it. Notation (ARCHITECTURE.md): h_t = f(W x_t + D h_{t-1} + B), y_t = V h_t + c.

Modules, one concern each:

- ``elman`` (ElmanRNN), ``activations``: the model (chapters 01-02, 05)
- ``losses``, ``optim``, ``train``, ``gradcheck``, ``gradients``: training by BPTT (chapter 05)
- ``baselines`` (JordanRNN, FeedForward), ``tasks``: the input view (chapter 03)
- ``probes``, ``linalg``: memory of the hidden state, spectral radius (chapters 04-05)
- ``elman1990``, ``clustering``: the data of Elman (1990) and the clustering of its
  hidden states (chapter 06)
- ``datasets``, ``forecast``: sunspots and forecasting baselines (chapter 07)
- ``text``, ``ngram``: characters as sequences, sampling, and counting baselines (chapter 08)
- ``plotting``, ``diagrams``, ``explorer``: figures, network drawings and the
  interactive explorer; they need matplotlib and are imported on their own
  (``from rnnlib import plotting``).
- ``arithmetic`` (the one seam: every product, sum and activation of the networks),
  ``portable`` (its reproducible orders: the same digits on every machine; ``exact``
  is its old name), compiled by Numba in ``_kernels`` when that pays;
  ``reference``: the whole RNN in one page of plain numpy (chapters 02 and 05).
- ``_memory``: opt-in tuning of glibc's malloc for long training runs (benchmarks).
"""

from . import (
    arithmetic,
    baselines,
    clustering,
    datasets,
    elman1990,
    forecast,
    gradients,
    linalg,
    ngram,
    portable,
    probes,
    reference,
    tasks,
    text,
)
from .activations import ACTIVATIONS, activate
from .baselines import FeedForward, JordanRNN
from .elman import ElmanRNN
from .gradcheck import check_gradients, numerical_gradients, relative_error
from .losses import LOSSES, bce_with_logits, mse, softmax_cross_entropy
from .optim import SGD, Adam, clip_grad_norm
from .train import History, fit

__all__ = [
    "ACTIVATIONS",
    "activate",
    "ElmanRNN",
    "JordanRNN",
    "FeedForward",
    "check_gradients",
    "numerical_gradients",
    "relative_error",
    "LOSSES",
    "bce_with_logits",
    "mse",
    "softmax_cross_entropy",
    "SGD",
    "Adam",
    "clip_grad_norm",
    "History",
    "fit",
    "baselines",
    "clustering",
    "datasets",
    "elman1990",
    "forecast",
    "gradients",
    "linalg",
    "ngram",
    "probes",
    "tasks",
    "text",
    "arithmetic",
    "portable",
    "reference",
]
# the package version, written only here: pyproject.toml reads it (dynamic), CITATION.cff
# repeats it (tested)
__version__ = "0.1.0"
