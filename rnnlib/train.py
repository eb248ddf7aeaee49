"""The training loop (chapter 05): ``fit`` a model to sequences, showing progress.

Works for any model with ``params``, ``forward(X, h0)`` and
``backward(X, dY, h0)`` in the style of ``ElmanRNN``.
"""
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, check_size
from .losses import LOSSES
from .optim import Adam, clip_grad_norm, global_norm


@dataclass
class History:
    """What ``fit`` measured: the mean loss and mean gradient norm (before clipping) of each epoch."""

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)

    @property
    def final_loss(self):
        return self.loss[-1] if self.loss else float("nan")


def _get_loss(loss):
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))} or pass a function")
    return LOSSES[loss]


def _slices(length, size):
    return [slice(i, min(i + size, length)) for i in range(0, length, size)]


def fit(model, X, target, loss="mse", optimizer=None, epochs=100, batch_size=None, mask=None,
        h0=None, clip=None, truncate=None, chunk=None, seed=0, log_every=None, verbose=True,
        callback=None):
    """Train ``model`` on ``X`` -> ``target`` by BPTT and return a ``History`` (chapter 05).

    X is (T, I) or (T, N, I), time-major; ``target`` matches the model's output
    (for ``loss="cross_entropy"`` it may hold integer labels, (T, [N])).
    ``loss`` is "mse", "bce" (sigmoid outputs) or "cross_entropy" (softmax
    outputs), or a function ``(Y, target, mask) -> (loss, dY)``. The optimiser
    defaults to ``Adam(lr=0.01)``. Each epoch shuffles the N sequences (seeded)
    into mini-batches of ``batch_size``. ``clip`` rescales gradients to that
    global norm; ``truncate=k`` passes to ``backward``; ``chunk=k`` is truncated
    BPTT over time: the sequence is cut into pieces of k steps, the hidden state
    carried from one piece to the next, and the weights updated after each.
    A line of progress is printed every ``log_every`` epochs (about ten lines
    by default). ``callback(epoch, history)``, if given, runs after each epoch.
    """
    epochs = check_size("epochs", epochs)
    loss_fn = _get_loss(loss)
    optimizer = optimizer if optimizer is not None else Adam(lr=0.01)
    X = as_float_array("X", X)
    batched = X.ndim == 3
    target = np.asarray(target)
    if target.shape[:1] != X.shape[:1] or (batched and target.shape[1:2] != X.shape[1:2]):
        raise ValueError(f"target must have the same time steps (and sequences) as X: X {X.shape}, target {target.shape}")
    T = X.shape[0]
    N = X.shape[1] if batched else 1
    batch_size = N if batch_size is None else min(check_size("batch_size", batch_size), N)
    chunk = T if chunk is None else check_size("chunk", chunk)
    log_every = max(1, epochs // 10) if log_every is None else check_size("log_every", log_every)
    h0 = None if h0 is None else as_float_array("h0", h0)
    rng = np.random.default_rng(seed)
    back_kw = {} if truncate is None else {"truncate": truncate}
    history = History()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(N) if batched else None
        losses, norms = [], []
        for b in _slices(N, batch_size):
            idx = order[b] if batched else None
            Xb = X[:, idx] if batched else X
            tb = target[:, idx] if batched else target
            mb = None if mask is None else (np.asarray(mask)[:, idx] if batched else mask)
            h = h0[idx] if (batched and h0 is not None and h0.ndim == 2) else h0
            for s in _slices(T, chunk):
                Hs, Y = model.forward(Xb[s], h)
                value, dY = loss_fn(Y, tb[s], None if mb is None else np.asarray(mb)[s])
                grads = model.backward(Xb[s], dY, h, **back_kw)
                norms.append(clip_grad_norm(grads, clip) if clip else global_norm(grads))
                optimizer.step(model.params, grads)
                losses.append(value)
                h = Hs[-1]
        history.loss.append(float(np.mean(losses)))
        history.grad_norm.append(float(np.mean(norms)))
        if verbose and (epoch == 1 or epoch % log_every == 0 or epoch == epochs):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history.loss[-1]:.4f}  "
                  f"grad norm {history.grad_norm[-1]:.4f}")
        if callback is not None:
            callback(epoch, history)
    return history
