"""The training loop (chapter 05): ``fit`` a model to sequences, showing progress.

Works for any ``rnnlib.model.Model`` (``ElmanRNN``, ``JordanRNN``,
``FeedForward``): it uses ``params``, ``forward``, ``backward`` and ``final_state``.
"""
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, check_seed, check_size
from .losses import LOSSES
from .optim import Adam, clip_grad_norm, global_norm


@dataclass
class History:
    """What ``fit`` measured (chapter 05).

    ``loss`` and ``grad_norm``: the mean loss and mean gradient norm (before
    clipping) of each epoch; ``step_loss`` and ``step_grad_norm``: the same for
    every single update; ``diverged``: True when training stopped because the
    loss or the gradients stopped being finite numbers.
    """

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    step_grad_norm: list = field(default_factory=list)
    diverged: bool = False

    @property
    def final_loss(self):
        """The mean loss of the last epoch (NaN before any epoch)."""
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
    BPTT over time: the sequence is cut into pieces of k steps, the state
    carried from one piece to the next (``model.final_state(Hs, Y)``: h_T for
    the basic RNN), and the weights updated after each.
    Pieces whose mask is all zero are run (to carry h) but not trained on.
    A line of progress is printed every ``log_every`` epochs (about ten lines
    by default). ``callback(epoch, history)``, if given, runs after each epoch;
    returning False stops training. If the loss or a gradient becomes NaN or
    infinite, training stops before the bad update, with a message, and
    ``history.diverged`` is True.
    """
    epochs = check_size("epochs", epochs)
    loss_fn = _get_loss(loss)
    optimizer = optimizer if optimizer is not None else Adam(lr=0.01)
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must be an optimiser object such as rnnlib.Adam(lr=0.01), got {optimizer!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (epoch, history) -> None or False, got {callback!r}")
    if clip is not None and (isinstance(clip, bool) or not isinstance(clip, (int, float, np.integer, np.floating))
                             or not clip > 0 or not np.isfinite(clip)):
        raise ValueError(f"clip must be a positive number (the largest gradient norm allowed) or None, got {clip!r}")
    seed = check_seed("seed", seed)
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
    if mask is not None:
        mask = as_float_array("mask", mask)
        if mask.shape != X.shape[:-1]:
            raise ValueError(f"mask must have shape {X.shape[:-1]} (one weight per time step and sequence), got {mask.shape}")
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
            mb = None if mask is None else (mask[:, idx] if batched else mask)
            h = h0[idx] if (batched and h0 is not None and h0.ndim == 2) else h0
            for s in _slices(T, chunk):
                h_in = h
                with np.errstate(over="ignore", invalid="ignore"):
                    Hs, Y = model.forward(Xb[s], h_in)
                h = model.final_state(Hs, Y)
                if mb is not None and not np.any(mb[s]):
                    continue
                with np.errstate(over="ignore", invalid="ignore"):
                    value, dY = loss_fn(Y, tb[s], None if mb is None else mb[s]) if np.all(np.isfinite(Y)) else (np.inf, None)
                    grads = model.backward(Xb[s], dY, h_in, **back_kw) if dY is not None else None
                    norm = global_norm(grads) if grads is not None else np.inf
                if not np.isfinite(value) or not np.isfinite(norm):
                    history.diverged = True
                    break
                if clip:
                    clip_grad_norm(grads, clip)
                optimizer.step(model.params, grads)
                if not all(np.all(np.isfinite(p)) for p in model.params.values()):
                    history.diverged = True
                    break
                losses.append(value)
                norms.append(norm)
                history.step_loss.append(value)
                history.step_grad_norm.append(norm)
            if history.diverged:
                break
        if losses:
            history.loss.append(float(np.mean(losses)))
            history.grad_norm.append(float(np.mean(norms)))
        if history.diverged:
            if verbose:
                print(f"epoch {epoch}: stopped, the loss or the gradients are no longer finite (diverged); "
                      "try a smaller learning rate or gradient clipping")
            break
        if verbose and (epoch == 1 or epoch % log_every == 0 or epoch == epochs):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history.loss[-1]:.4f}  "
                  f"grad norm {history.grad_norm[-1]:.4f}")
        if callback is not None and callback(epoch, history) is False:
            break
    return history

