"""Seeded bit-stream tasks that need memory (chapter 03, the input-information view).

Every generator returns time-major arrays ``(X, target, mask)``:

- ``X`` (T, N, 1): N independent streams of random bits x_1..x_T (0.0 or 1.0),
- ``target`` (T, N, 1): the bit the network should output at each step,
- ``mask`` (T, N): 1 where the target is defined, 0 where it looks back before
  the start of the stream (e.g. x_{t-k} for t <= k); pass it to ``fit(..., mask=mask)``.

Python index t holds step t+1 of the text (x_1 is ``X[0]``). The same seed
gives the same bits in every task, so targets of different tasks can be
compared on one stream. Every call returns new arrays: X, target and mask
share no memory with each other or with an earlier call.
"""

import numpy as np

from ._checks import as_float_array, check_alloc, check_count, check_seed, check_shape, check_size


def bit_stream(T, N, seed=0):
    """N streams of T random fair bits, shape (T, N, 1), float64 0.0/1.0 (chapter 03)."""
    T, N = check_size("T", T), check_size("N", N)
    check_alloc(f"T={T}, N={N}", T * N)
    rng = np.random.default_rng(check_seed("seed", seed))
    return rng.integers(0, 2, size=(T, N, 1)).astype(np.float64)


def delayed_bit(T, N, k=2, seed=0):
    """Target x_{t-k}: repeat the bit seen k steps ago (chapter 03).

    The mask is 0 for the first k steps, where x_{t-k} does not exist.
    ``k=0`` (copy the current bit) needs no memory at all.
    """
    k = check_count("k (the delay)", k)
    X = bit_stream(T, N, seed)
    if k >= X.shape[0]:
        raise ValueError(
            f"delay k={k} leaves no defined target in a stream of T={X.shape[0]} steps; use k < T"
        )
    target = np.zeros_like(X)
    target[k:] = X[: X.shape[0] - k]
    mask = np.ones(X.shape[:2])
    mask[:k] = 0.0
    return X, target, mask


def xor_previous(T, N, seed=0):
    """Target x_t XOR x_{t-1} (chapter 03); the mask is 0 at the first step.

    Neither bit alone says anything about the target: it needs the current
    input and the previous one together.
    """
    X = bit_stream(T, N, seed)
    if X.shape[0] < 2:
        raise ValueError(f"xor_previous needs T >= 2 steps, got T={X.shape[0]}")
    target = np.zeros_like(X)
    target[1:] = np.abs(X[1:] - X[:-1])
    mask = np.ones(X.shape[:2])
    mask[0] = 0.0
    return X, target, mask


def running_parity(T, N, seed=0):
    """Target p_t = x_1 XOR ... XOR x_t, the parity of the bits so far (chapter 03).

    It needs the whole past, yet p_t = x_t XOR p_{t-1}: the previous target is
    a complete summary, so feeding back the output is enough. Defined at every
    step (mask all ones).
    """
    X = bit_stream(T, N, seed)
    target = np.cumsum(X, axis=0) % 2
    return X, target, np.ones(X.shape[:2])


def accuracy(Y, target, mask=None):
    """Fraction of counted steps where the bit read from the output is right (chapter 03).

    ``Y`` are logits (T, [N,] O): the predicted bit is 1 where Y > 0, i.e.
    sigmoid(Y) > 0.5. ``target`` holds 0/1 bits of the same shape. ``mask``
    (T,) or (T, N) weights the steps, as in ``fit``. Always guessing gives 0.5
    on fair random bits (chance level).
    """
    Y = as_float_array("Y", Y)
    if Y.ndim == 0 or Y.size == 0:
        raise ValueError(f"Y must be a non-empty array of outputs (T, [N,] O), got shape {Y.shape}")
    target = as_float_array("target", target)
    check_shape("target", target, Y.shape)
    if np.any((target != 0) & (target != 1)):
        raise ValueError("target must hold bits (0 or 1) for accuracy, got other values")
    correct = ((Y > 0) == (target > 0.5)).mean(axis=-1)
    if mask is None:
        return float(correct.mean())
    w = as_float_array("mask", mask)
    check_shape("mask", w, Y.shape[:-1])
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError(
            "mask must be non-negative and count at least one step, got "
            + ("negative weights" if np.any(w < 0) else "no step with a positive weight")
        )
    return float(np.sum(w * correct) / w.sum())


def best_rule_accuracy(features, target, mask=None):
    """The best accuracy any rule that sees only ``features`` can reach (chapters 00 and 03).

    For every distinct combination of feature values, the best rule answers the
    target that is most frequent for that combination; this returns how often
    that is right. ``features`` has shape S + (F,) (F values seen at each of the
    steps S, e.g. (T, N, F)); ``target`` has shape S or S + (1,); ``mask``
    (shape S, optional) leaves out steps where it is 0. With one fair random
    bit that the features say nothing about, the result is near 0.5 (chance).
    """
    F = as_float_array("features", features)
    t = as_float_array("target", target)
    if F.ndim < 2 or F.size == 0:
        raise ValueError(
            f"features must have shape S + (F,) with at least one step and F >= 1, "
            f"one row of F values per step; got {F.shape}"
        )
    steps = F.shape[:-1]
    if t.shape == steps + (1,):
        t = t[..., 0]
    if t.shape != steps:
        raise ValueError(
            f"target must have shape {steps} or {steps + (1,)} to match features {F.shape}, got "
            f"{t.shape}"
        )
    keep = (
        np.ones(steps, dtype=bool)
        if mask is None
        else check_shape("mask", as_float_array("mask", mask), steps) > 0
    )
    if not keep.any():
        raise ValueError("mask must leave at least one step to count, got none above 0")
    rows, t = F[keep], t[keep]
    _, group = np.unique(rows, axis=0, return_inverse=True)
    right = 0
    for g in range(group.max() + 1):
        _, counts = np.unique(t[group.ravel() == g], return_counts=True)
        right += counts.max()
    return float(right / len(t))
