"""The training loop (chapter 05): ``fit`` a model to sequences, showing progress.

Works for any ``rnnlib.model.Model`` (``ElmanRNN``, ``JordanRNN``,
``FeedForward``). ``fit`` checks its data once, then runs the model's private
passes (``_run``, ``_grads``, ``_carry``) on checked arrays, so an update does
no repeated work. Given a list of networks of the same kind and size, it trains
them side by side as one computation (their parameters stacked along a new
axis), and each network ends exactly as if it had been trained alone.
"""

from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, as_sequence, as_state, check_seed, check_size
from .arithmetic import REPRODUCIBLE as _ARITH
from .losses import FUSED, LOSSES, _weights, check_unit_interval, class_rows
from .model import Model, Workspace, state_layout
from .optim import Adam, _Optimiser, norm_scale


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


def _slices(length, size):
    return [slice(i, min(i + size, length)) for i in range(0, length, size)]


def _check_models(model):
    """The networks to train: one Model, or a non-empty list of Models of one kind and size."""
    many = isinstance(model, (list, tuple))
    nets = list(model) if many else [model]
    if not nets:
        raise ValueError(
            "model must be a network or a non-empty list of networks, got an empty list"
        )
    for net in nets:
        if not isinstance(net, Model):
            raise TypeError(
                f"model must be an rnnlib network such as rnnlib.ElmanRNN(1, 8, 1), got {net!r}"
            )
    if many and len({repr(net) for net in nets}) > 1:
        raise ValueError(
            "networks trained side by side must be of the same kind, sizes, activation and "
            "dtype, got " + ", ".join(sorted({repr(net) for net in nets}))
        )
    if many and len({id(net) for net in nets}) < len(nets):
        raise ValueError("the list of networks names the same network twice")
    return nets, many


def _check_optimizer(optimizer):
    if optimizer is None:
        return Adam(lr=0.01)
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer must be an optimiser object such as rnnlib.Adam(lr=0.01), "
            f"not the class {optimizer.__name__} itself"
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must be an optimiser object such as rnnlib.Adam(lr=0.01), got {optimizer!r}"
        )
    return optimizer


def _check_loss(loss):
    if callable(loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(
            f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))} or pass a "
            "function"
        )
    return LOSSES[loss]


def _per_network(value, name, S, many):
    """One entry per network, told from the value's type, never from its sizes (side-by-side
    ``fit``).

    A list or tuple of numpy arrays (or None, or seeds) has one entry per network; an array, None
    or a number is shared by all, and so is a nested list of numbers, unless it is as long as there
    are networks: then it could be either, and it is refused.
    """
    if not (many and isinstance(value, (list, tuple))):
        return [value] * S
    per_network = name == "seed" or all(v is None or isinstance(v, np.ndarray) for v in value)
    if per_network and len(value) != S:
        raise ValueError(f"{name} must have one entry per network ({S}), got {len(value)}")
    if not per_network and len(value) == S:
        raise ValueError(
            f"{name} is a list of {S} entries, as many as there are networks: it could be one "
            "value shared by all of them or one per network. Pass a numpy array to share it "
            f"(np.asarray({name})), or a list of numpy arrays, one per network"
        )
    return list(value) if per_network else [value] * S


def _check_data(net, X, target, mask, h0, loss_fn):
    """X (T, N, I), targets (T, N, O), mask weights (T, N), h0 (N, state) or None; checked once
    (chapter 05)."""
    X3, batched = as_sequence("X", X, net.n_in, net.dtype)
    T, N, _ = X3.shape
    out_shape = (T, N, net.n_out) if batched else (T, net.n_out)
    if loss_fn is LOSSES["cross_entropy"]:
        t = class_rows(out_shape, target)
    else:
        t = as_float_array("target", target)
        if t.shape != out_shape:
            raise ValueError(
                f"target must have the same time steps{' (and sequences)' if batched else ''} as X "
                f"and one value per output: expected shape {out_shape}, got {t.shape}"
            )
        if loss_fn is LOSSES["bce"]:
            check_unit_interval(t)
    w = _weights(mask, out_shape[:-1])
    net._check_h0(h0)
    H0 = None if h0 is None else as_state(net._h0_name, h0, N, net.state_size(), net.dtype, batched)
    return (
        X3,
        t.reshape(T, N, net.n_out).astype(net.dtype, copy=False),
        w.reshape(T, N),
        H0,
        batched,
    )


def _norms(grads, S):
    """The global gradient norm of each of S stacked networks: squares summed in the portable order;
    huge or tiny gradients scaled by a power of two first (``optim.norm_scale``: exact), so the norm
    neither overflows nor underflows."""
    largest = np.max(
        [np.abs(g.reshape(S, -1)).max(axis=1, initial=0.0) for g in grads.values()], axis=0
    )
    k = norm_scale(largest)[:, None]
    flat = [g.reshape(S, -1) if (k == 1.0).all() else g.reshape(S, -1) * k for g in grads.values()]
    return np.sqrt(sum(_ARITH.total(np.square(g)) for g in flat)) / k[:, 0]


def fit(
    model,
    X,
    target,
    loss="mse",
    optimizer=None,
    epochs=100,
    batch_size=None,
    mask=None,
    h0=None,
    clip=None,
    truncate=None,
    chunk=None,
    seed=0,
    log_every=None,
    verbose=True,
    callback=None,
):
    """Train ``model`` on ``X`` -> ``target`` by BPTT and return a ``History`` (chapter 05).

    X is (T, I) or (T, N, I), time-major; ``target`` matches the model's output
    (for ``loss="cross_entropy"`` it may hold integer labels, (T, [N])).
    ``loss`` is "mse", "bce" (sigmoid outputs) or "cross_entropy" (softmax
    outputs), or a function ``(Y, target, mask) -> (loss, dY)``. The optimiser
    defaults to ``Adam(lr=0.01)``. Each epoch shuffles the N sequences (seeded)
    into mini-batches of ``batch_size``. ``clip`` rescales gradients to that
    global norm; ``truncate=k`` passes to ``backward``; ``chunk=k`` is truncated
    BPTT over time: the sequence is cut into pieces of k steps, the state
    carried from one piece to the next (h_T for the basic RNN), and the weights
    updated after each. ``h0`` is the initial state, (H,) or one row per sequence.
    Pieces whose mask is all zero are run (to carry h) but not trained on.
    A line of progress is printed every ``log_every`` epochs (about ten lines
    by default). ``callback(epoch, history)``, if given, runs after each epoch;
    returning False stops training. If the loss or a gradient becomes NaN or
    infinite, training stops before the bad update, with a message, and
    ``history.diverged`` is True.

    Several networks at once: ``model`` may be a list of networks of the same
    kind and sizes. Then ``X``, ``target``, ``mask``, ``h0`` and ``seed`` are
    each a list with one entry per network (numpy arrays, None, ints), or one
    value (an array, None, an int) shared by all; the data must have the same
    shapes. A nested list of numbers as long as the list of networks could be
    read either way, so it is refused: pass an array or a list of arrays. The networks are
    trained side by side as one computation, each with its own optimiser
    statistics, shuffling, clipping and divergence stop, and each ends exactly
    as if it had been trained alone. A list of Histories is returned and
    ``callback`` receives that list; when it runs, every network in ``model``
    holds its weights of that epoch, so it can score each one, and training
    goes on from the weights as the callback leaves them (changed in place, as
    ``net.D *= 0.9``, or replaced). An optimiser of your own (any object with
    ``step(params, grads)``, or a subclass of rnnlib's that overrides ``step``)
    then receives the stacked arrays: each parameter and gradient with a
    leading axis, one slice per network.
    """
    nets, many = _check_models(model)
    S = len(nets)
    epochs = check_size("epochs", epochs)
    loss_fn = _check_loss(loss)
    optimizer = _check_optimizer(optimizer)
    if not isinstance(verbose, (bool, np.bool_)):
        raise TypeError(f"verbose must be True or False, got {verbose!r}")
    if callback is not None and not callable(callback):
        raise TypeError(
            f"callback must be a function (epoch, history) -> None or False, got {callback!r}"
        )
    if clip is not None and (
        isinstance(clip, bool)
        or not isinstance(clip, (int, float, np.integer, np.floating))
        or not clip > 0
        or not np.isfinite(clip)
    ):
        raise ValueError(
            "clip must be a positive number (the largest gradient norm allowed) or None, got "
            f"{clip!r}"
        )
    truncate = nets[0]._check_truncate(truncate)
    seeds = [check_seed("seed", s) for s in _per_network(seed, "seed", S, many)]
    data = [
        _check_data(net, x, t, m, h, loss_fn)
        for net, x, t, m, h in zip(
            nets,
            *(
                _per_network(v, n, S, many)
                for v, n in ((X, "X"), (target, "target"), (mask, "mask"), (h0, "h0"))
            ),
            strict=True,
        )
    ]
    if len({(d[0].shape, d[4], d[3] is None) for d in data}) > 1:
        raise ValueError(
            "networks trained side by side need data of the same shapes (and all or none with h0)"
        )
    X3, targets, weights = (
        np.stack([d[i] for d in data], axis=1) for i in range(3)
    )  # (T, S, N, ...)
    H0 = None if data[0][3] is None else np.stack([d[3] for d in data])  # (S, N, state)
    batched = data[0][4]
    T, N = data[0][0].shape[:2]
    batch_size = N if batch_size is None else min(check_size("batch_size", batch_size), N)
    chunk = T if chunk is None else check_size("chunk", chunk)
    log_every = max(1, epochs // 10) if log_every is None else check_size("log_every", log_every)

    net = type(nets[0])._stack(nets)  # one network is a stack of one (its own arrays, viewed)
    net._workspace = Workspace()  # the arrays of one update, reused by the next
    trainer = _Trainer(net, nets, many, batched, loss_fn, optimizer, clip, truncate)
    rngs = [np.random.default_rng(s) for s in seeds]
    XT, tT, wT = state_layout(X3), state_layout(targets), weights[..., None, :]  # (T, S, K, N)
    H0T = None if H0 is None else state_layout(H0)[None]  # (1, S, K, N)
    for epoch in range(1, epochs + 1):
        orders = np.array([rng.permutation(N) if batched else np.arange(N) for rng in rngs])
        trainer.start_epoch()
        for b in _slices(N, batch_size):
            Xb, tb, wb = (
                _columns(net, name, A, orders[:, b])
                for name, A in (("Xb", XT), ("tb", tT), ("wb", wT))
            )
            wb = wb[..., 0, :]
            h = None if H0T is None else _columns(net, "h0", H0T, orders[:, b])[0]
            for s in _slices(T, chunk):
                h = trainer.piece(Xb[s], tb[s], wb[s], h)
                if trainer.all_diverged():
                    break
            if trainer.all_diverged():
                break
        trainer.end_epoch()
        if verbose:
            _report(epoch, epochs, log_every, trainer)
        if trainer.all_diverged():
            break
        if callback is not None:
            net._unstack_into(nets)  # the callback sees each network's weights of this epoch
            if callback(epoch, trainer.histories if many else trainer.histories[0]) is False:
                break
            trainer.take_back(nets)  # and training goes on from them, as the callback left them
    net._unstack_into(nets)
    return trainer.histories if many else trainer.histories[0]


def _columns(net, name, A, idx):
    """Columns idx[s] of network s's slice of A (T, S, K, N) -> (T, S, K, B): one mini-batch, in the
    workspace's array ``name`` (the sequences are the columns of the state layout)."""
    out = net._workspace.empty(name, A.shape[:-1] + (idx.shape[1],), A.dtype)
    for s in range(A.shape[1]):
        # idx[s] is a permutation's slice, always in range: mode="clip" skips numpy's buffered
        # bounds check (4x faster here on chapter 08's 59 MB of one-hot streams)
        np.take(A[:, s], idx[s], axis=-1, out=out[:, s], mode="clip")
    return out


def _report(epoch, epochs, log_every, trainer):
    """Print one line of progress, and a line for each network that has just diverged."""
    for s in trainer.newly_stopped():
        who = f"network {s}: " if trainer.many else ""
        print(
            f"epoch {epoch}: {who}stopped, the loss or the gradients are no longer finite "
            "(diverged); try a smaller learning rate or gradient clipping"
        )
    if trainer.all_diverged() or not (epoch == 1 or epoch % log_every == 0 or epoch == epochs):
        return
    live = [h for h in trainer.histories if not h.diverged and h.loss]
    if not live:
        return
    if trainer.many:
        losses = [h.loss[-1] for h in live]
        print(
            f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {min(losses):.4f} to "
            f"{max(losses):.4f} ({len(live)} networks)"
        )
    else:
        print(
            f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {live[0].loss[-1]:.4f}  "
            f"grad norm {live[0].grad_norm[-1]:.4f}"
        )


class _Trainer:
    """One update per piece of a sequence for a stack of S networks (S = 1 for one network; chapter
    05).

    Everything here works on the stack: parameters (S, ...), sequences (T, S, K, N)
    in the state layout, one loss, gradient norm and divergence flag per network.
    Only the optimiser sees what the caller gave: one network's own arrays, or the stack.
    """

    def __init__(self, net, nets, many, batched, loss_fn, optimizer, clip, truncate):
        self.net, self.S, self.many, self.batched = net, len(nets), many, batched
        self.loss_fn, self.fused = loss_fn, FUSED.get(loss_fn)
        self.optimizer, self.clip, self.truncate = optimizer, clip, truncate
        self.own = (
            None if many else nets[0].params
        )  # a single network's optimiser steps its own arrays
        self.histories = [History() for _ in range(self.S)]
        self.stopped = np.zeros(
            self.S, dtype=bool
        )  # diverged networks, frozen at their last finite weights
        self.frozen = None
        self._reported = np.zeros(self.S, dtype=bool)

    def all_diverged(self):
        return bool(self.stopped.all())

    def newly_stopped(self):
        new = np.flatnonzero(self.stopped & ~self._reported)
        self._reported |= self.stopped
        return [int(s) for s in new]

    def start_epoch(self):
        self.epoch_losses = [[] for _ in range(self.S)]
        self.epoch_norms = [[] for _ in range(self.S)]

    def end_epoch(self):
        for hist, losses, norms in zip(
            self.histories, self.epoch_losses, self.epoch_norms, strict=True
        ):
            if losses:
                hist.loss.append(float(np.mean(losses)))
                hist.grad_norm.append(float(np.mean(norms)))

    def piece(self, X, target, w, h_in):
        """Forward, loss, BPTT and one update on a piece of the sequences; returns the state to
        carry."""
        net = self.net
        with np.errstate(over="ignore", invalid="ignore"):
            run = net._run(X, h_in)
        h_out = net._carry(run)
        h_out = (
            None if h_out is None else h_out.copy()
        )  # run's arrays are the workspace's, reused next update
        counted = w.reshape(w.shape[0], self.S, -1).any(
            axis=(0, 2)
        )  # any counted step, per network
        if not counted.any():
            return h_out  # nothing to learn here: only carry the state
        if not counted.all():
            raise ValueError(
                "networks trained side by side must have their fully masked pieces at the same "
                "places; train them one at a time"
            )
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            values, dY = self._loss(run[1], target, w)
            ok = np.isfinite(values) & ~self.stopped
            if ok.any():
                if not ok.all():
                    dY[~np.isfinite(dY)] = 0.0
                grads = net._grads(X, h_in, run, dY, self.truncate)
                norms = _norms(grads, self.S)
            else:
                grads, norms = None, np.full(self.S, np.inf)
        ok &= np.isfinite(norms)
        self._stop(~ok & ~self.stopped)
        if not ok.any():
            return h_out
        self._update(grads, norms, ok)
        for s in np.flatnonzero(ok):
            self.epoch_losses[s].append(float(values[s]))
            self.epoch_norms[s].append(float(norms[s]))
            self.histories[s].step_loss.append(float(values[s]))
            self.histories[s].step_grad_norm.append(float(norms[s]))
        return h_out

    def take_back(self, nets):
        """Train on from the networks' weights as a callback left them (``Model._restack_from``). A
        parameter it replaced (net.D = ...) keeps the optimiser statistics of the array it
        replaced."""
        if self.net._restack_from(nets):
            self.own = nets[0].params
            if isinstance(self.optimizer, _Optimiser):
                self.optimizer._bound = (
                    None  # the same network, new arrays: bind to them (same names, shapes)
                )

    def _loss(self, Y, target, w):
        """Loss per network (S,) and dY, fused for the named losses; a custom loss runs per
        network."""
        if self.fused is not None:
            values, dY = self.fused(Y, target, w, self.net._workspace.empty)
            return np.broadcast_to(values, (self.S,)).copy(), dY
        values, grads = [], []
        for s in range(self.S):
            Ys, ts = state_layout(Y[:, s]), state_layout(target[:, s])  # the book's (T, N, O)
            ws = w[:, s]
            if not self.batched:
                Ys, ts, ws = Ys[:, 0], ts[:, 0], ws[:, 0]
            result = self.loss_fn(Ys, ts, ws)
            if not (isinstance(result, tuple) and len(result) == 2):
                raise TypeError(
                    "a loss function must return a pair (loss, dY), the mean loss and its gradient "
                    f"with the shape of Y {Ys.shape}, got {type(result).__name__}"
                )
            value, dY = result
            if np.size(value) != 1:
                raise ValueError(
                    "a loss function must return the mean loss as one number (any shape of size "
                    f"1), got shape {np.shape(value)}"
                )
            values.append(float(np.reshape(value, ())))
            dY = np.asarray(dY, dtype=Y.dtype)
            if dY.shape != Ys.shape:
                raise ValueError(
                    f"the loss function's dY must have the shape of Y, {Ys.shape}, got {dY.shape}"
                )
            grads.append(state_layout(dY.reshape(Ys.shape[0], -1, Y.shape[-2])))
        return np.array(values, dtype=float).reshape(self.S), np.stack(grads, axis=1)

    def _stop(self, newly):
        """Freeze networks whose loss or gradients stopped being finite, at their current
        weights."""
        if newly.any():
            self.stopped |= newly
            for s in np.flatnonzero(newly):
                self.histories[s].diverged = True
            self.frozen = {name: p.copy() for name, p in self.net.params.items()}

    def _update(self, grads, norms, ok):
        """Clip each network's gradients to its own norm, zero the frozen ones, and step the
        optimiser."""
        params = self.net.params
        scale = np.ones(self.S)
        if self.clip:
            big = norms > self.clip
            scale[big] = self.clip / norms[big]
        scale[~ok] = 0.0
        for g in grads.values():
            if not ok.all():
                g[~np.isfinite(g)] = 0.0
            if not (scale == 1.0).all():
                g *= scale.reshape((self.S,) + (1,) * (g.ndim - 1))
        if self.own is not None:  # one network: its own arrays, unstacked gradients
            params, grads = self.own, {name: g[0] for name, g in grads.items()}
        if type(self.optimizer).step is _Optimiser.step:  # rnnlib's own optimisers: already checked
            self.optimizer._bind(params)
            self.optimizer._update(params, grads)
        else:  # anything else, a subclass that overrides step too
            self.optimizer.step(params, grads)
        params = self.net.params
        if self.stopped.any():
            for name, p in params.items():
                p[self.stopped] = self.frozen[name][self.stopped]
        bad = np.zeros(self.S, dtype=bool)
        for p in params.values():
            bad |= ~np.isfinite(p.reshape(self.S, -1)).all(axis=1)
        if bad.any():
            self._stop(bad & ~self.stopped)
