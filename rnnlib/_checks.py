"""Input checking shared by every rnnlib module.

Every public function of rnnlib validates what it is given here, so that bad
input fails early with a message in the library's own words: what was
expected, and what was given.
"""

import numbers
import os

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def _check_int(name, value, low, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"{name} must be {what}, got {value}")
    return int(value)


def check_size(name, value):
    """Return ``value`` as a positive ``int`` or raise a clear error."""
    return _check_int(name, value, 1, "a positive integer")


def check_count(name, value):
    """Return ``value`` as a non-negative ``int``: TypeError for a non-integer
    (bools included), ValueError for a negative one. Delays, washouts, indices."""
    return _check_int(name, value, 0, "a non-negative integer")


def check_seed(name, value):
    """Return a random seed as a non-negative ``int`` for ``np.random.default_rng``.

    The rule of every seeded rnnlib function (and of the networks' ``seed``):
    TypeError for a non-integer, ValueError for a negative integer.
    """
    return check_count(name, value)


def _range_text(low, high):
    if low is not None and high is not None:
        return f"in [{low}, {high}]"
    if low == 0:
        return "non-negative"
    return f"at least {low}" if low is not None else f"at most {high}"


def check_real(name, value, low=None, high=None):
    """Return ``value`` as a finite ``float``, optionally within [low, high].

    One number only: bools, strings and arrays raise TypeError; NaN, infinities
    and values outside the bounds raise ValueError.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a finite real number, got {value!r} ({type(value).__name__})"
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {_range_text(low, high)}, got {value}")
    return float(value)


def check_dtype(dtype):
    """Return ``np.float32`` or ``np.float64``; rnnlib computes in one of these."""
    try:
        dt = np.dtype(dtype).type
    except TypeError:
        dt = None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}")
    return dt


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}")
    return value


def as_float_array(name, value, dtype=np.float64):
    """Convert an array-like of numbers to a finite float array.

    Lists, tuples, integer and boolean arrays are accepted; strings, objects,
    complex numbers and NaN/inf are refused with a message naming ``name``.
    """
    if value is None:
        raise TypeError(f"{name} must be an array of numbers, got None")
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain real numbers, got an array of dtype {arr.dtype}")
    arr = np.asarray(arr, dtype=dtype)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def check_shape(name, arr, expected):
    """Raise ValueError unless ``arr.shape == expected`` (both tuples)."""
    if arr.shape != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)}, got {arr.shape}")
    return arr


def as_sequence(name, value, n_features, dtype):
    """Check a time-major sequence input.

    Returns ``(arr3d, batched)`` where ``arr3d`` has shape (T, N, n_features):
    a single sequence (T, I) becomes (T, 1, I) and ``batched`` is False.
    """
    arr = as_float_array(name, value, dtype)
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} must be one sequence of shape (T, {n_features}) or a batch of shape "
            f"(T, N, {n_features}); got an array with {arr.ndim} dimension(s), shape {arr.shape}"
        )
    if arr.shape[-1] != n_features:
        raise ValueError(
            f"{name} has {arr.shape[-1]} features per step (last axis), expected {n_features}; "
            f"shape {arr.shape}"
        )
    if 0 in arr.shape:
        raise ValueError(
            f"{name} must have at least one time step and one sequence, got shape {arr.shape}"
        )
    batched = arr.ndim == 3
    return (arr if batched else arr[:, None, :]), batched


def as_state(name, value, n_batch, n_hidden, dtype, batched):
    """Check an initial state such as ``h0``; None means zeros (chapter 02).

    For a batch, a single (H,) state is broadcast to every sequence.
    Returns an array of shape (N, H).
    """
    if value is None:
        return np.zeros((n_batch, n_hidden), dtype=dtype)
    arr = as_float_array(name, value, dtype)
    if arr.shape == (n_hidden,):
        return np.broadcast_to(arr, (n_batch, n_hidden))
    if batched and arr.shape == (n_batch, n_hidden):
        return arr
    expected = f"({n_hidden},) or ({n_batch}, {n_hidden})" if batched else f"({n_hidden},)"
    raise ValueError(f"{name} must have shape {expected}, got {arr.shape}")


def as_scalar_series(name, value, min_length=1):
    """Check one scalar series: an array-like of shape (T,) or (T, 1), returned as (T,).

    Used for the input of one unit (chapter 04), a probed input stream
    (chapter 04) and a series to forecast (chapter 07). At least
    ``min_length`` finite numbers are required.
    """
    arr = as_float_array(name, value)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one scalar series of shape (T,) or (T, 1), got shape {arr.shape}"
        )
    if arr.shape[0] < min_length:
        raise ValueError(
            f"{name} must hold at least {min_length} value{'' if min_length == 1 else 's'}, "
            f"got {arr.shape[0]}"
        )
    return arr


def as_square_matrix(name, value):
    """Check a non-empty square matrix such as the delayed-input weight D, shape (H, H)."""
    arr = as_float_array(name, value)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a square (H, H) matrix with H >= 1, got shape {arr.shape}"
        )
    return arr


# The largest single allocation rnnlib will attempt, as a fraction of the
# machine's physical memory: larger sizes fail fast, naming the argument.
ALLOC_FRACTION = 0.5
_FALLBACK_MEMORY = 8 * 2**30  # 8 GiB when the platform does not report its memory


def machine_memory():
    """Physical memory in bytes (``SC_PAGE_SIZE * SC_PHYS_PAGES``), or 8 GiB if unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return _FALLBACK_MEMORY
    return int(total) if total > 0 else _FALLBACK_MEMORY


def _bytes_text(n):
    """A size for a message: bytes with thousands separators and in TiB ... KiB; beyond 2^64 bytes
    as a power of two (Python will not print an int of more than 4,300 digits)."""
    if n >= 2**64:
        return f"about 2^{n.bit_length() - 1} bytes"
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n:,} bytes ({n / size:.1f} {unit})"
    return f"{n:,} bytes"


def check_alloc(name, n_items, itemsize=8):
    """Refuse at once an array of ``n_items`` items of ``itemsize`` bytes that the
    machine cannot hold: more than ``ALLOC_FRACTION`` of its physical memory.

    ``name`` says which argument(s) caused the size, e.g. ``"n_hidden=1000000000"``.
    ``n_items`` is a Python int (exact, no overflow), ``itemsize`` the bytes per item
    (8 for float64). Returns the size in bytes; raises ValueError (a size that is
    a valid number but too large for this machine) naming ``name`` and both sizes.
    """
    n_bytes = int(n_items) * int(itemsize)
    limit = int(ALLOC_FRACTION * machine_memory())
    if n_bytes > limit:
        raise ValueError(
            f"{name} needs an array of {_bytes_text(n_bytes)}, more than rnnlib allows on this "
            f"machine ({_bytes_text(limit)}, {ALLOC_FRACTION:.0%} of its memory)"
        )
    return n_bytes


def check_instance(name, value, cls, what):
    """Return ``value`` if it is an instance of ``cls``, else raise TypeError.

    ``what`` says in words what was expected, e.g. "an rnnlib ElmanRNN"; used for
    models given to forecasting, gradient and checking functions (a model
    they do not support is a TypeError, not an AttributeError).
    """
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return value


def check_bool(name, value):
    """Return ``value`` as a ``bool``; anything but True/False (numpy bools included) raises
    TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def check_title(value):
    """A figure title: None or a string."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"title must be a string or None, got {type(value).__name__}")
    return value
