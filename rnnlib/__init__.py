"""rnnlib: the small shared library of the Basic RNN textbook.

The notebooks in ``notebooks/`` show each idea in a few lines of numpy and then
use this package. Each public function's docstring names the chapter that
introduces it. Notation (DESIGN.md): h_t = f(W x_t + D h_{t-1} + B), y_t = V h_t + c.
"""
from .activations import ACTIVATIONS, activate
from .elman import ElmanRNN
from .gradcheck import check_gradients, numerical_gradients, relative_error
from .losses import LOSSES, bce_with_logits, mse, softmax_cross_entropy
from .optim import SGD, Adam, clip_grad_norm
from .train import History, fit

__all__ = [
    "ACTIVATIONS", "activate", "ElmanRNN",
    "check_gradients", "numerical_gradients", "relative_error",
    "LOSSES", "bce_with_logits", "mse", "softmax_cross_entropy",
    "SGD", "Adam", "clip_grad_norm", "History", "fit",
]
__version__ = "0.1.0"
