"""What every rnnlib network shares (chapters 01 and 03): sizes, parameters, checks, products.

``ElmanRNN`` (the basic RNN) and the chapter 03 baselines ``JordanRNN`` and
``FeedForward`` derive from ``Model``. A subclass names its parameters
(``param_names``; each name becomes a checked ``Parameter`` attribute), gives
their shapes (``param_shapes``), and implements three private steps that work
on checked arrays:

- ``_run(X, H0)``: the forward pass, returning a tuple that starts with (Hs, Y);
- ``_grads(X, H0, run, dY, truncate)``: the gradients of sum(dY * Y);
- ``_carry(run)``: the state handed to the next piece of a long sequence.

These work in the *state layout*: a sequence is (T, [S,] K, N), each step a
column per sequence (``state_layout``), so that the products of the time loop
run along the contiguous axis of N sequences. The public methods convert from
and to the book's time-major (T, N, K) arrays.

The public ``forward``, ``backward`` and ``step`` check their input once and
call these; ``rnnlib.fit`` checks its data once and calls them directly, also
for several networks trained side by side (``Model._stack``): then every
parameter has a leading axis of length S (one slice per network) and every
sequence array has shape (T, S, K, N). Every product, sum and activation goes
through the network's ``arithmetic`` (``rnnlib/arithmetic.py``): the portable
orders, the same digits on every machine, unless the network was made with
``reproducible=False`` (BLAS and numpy's tanh).
"""

import warnings

import numpy as np

from . import arithmetic
from ._checks import (
    as_float_array,
    as_sequence,
    as_state,
    check_alloc,
    check_dtype,
    check_seed,
    check_shape,
    check_size,
)
from .activations import get_activation


class Parameter:
    """A model attribute such as ``net.W`` that checks what is assigned to it.

    Assigning an array-like converts it to the model's dtype and checks its
    shape against ``model.param_shapes()``, so a replaced weight of the wrong
    size fails at once, in rnnlib's words (chapter 01). The model keeps its own
    copy of what was assigned; an in-place operation (``net.D *= 0.9``, which
    assigns the changed array back to itself) keeps the array as it is.
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, model, owner=None):
        if model is None:
            return self
        return model._params[self.name]

    def __set__(self, model, value):
        if value is model.__dict__.get("_params", {}).get(self.name):
            return  # net.D *= 0.9: already changed in place
        arr = as_float_array(f"{type(model).__name__}.{self.name}", value, model.dtype)
        check_shape(f"{type(model).__name__}.{self.name}", arr, model.param_shapes()[self.name])
        model._params[self.name] = np.array(arr, dtype=model.dtype, copy=True)


def transposed(A):
    """A with its last two axes swapped, as a new contiguous array.

    Gives D^T and V^T for the backward pass (chapter 05), and moves sequences
    between the book's layout (T, N, K) and the *state layout* (T, K, N) of the
    time loops, in which each step's product D h_{t-1} is ``matmul(D, h)`` with
    the N sequences along the contiguous last axis (``state_layout``).
    """
    return np.ascontiguousarray(np.swapaxes(A, -1, -2))


state_layout = (
    transposed  # (T, N, K) <-> (T, K, N): the same swap, named for what it does to sequences
)


def previous_states(Z, first, out=None):
    """The states one step back, z_{t-1} for t = 1..T: ``first`` (z_0; None for zeros), then Z[:-1].

    A recurrent weight's gradient pairs dL/da_t with the state fed in at step t
    (chapter 05: h_{t-1} for D; s_{t-1} for the Jordan network's D, chapter 03).
    Written into ``out`` when given.
    """
    P = np.empty_like(Z) if out is None else out
    P[0] = 0.0 if first is None else first
    P[1:] = Z[:-1]
    return P


def picked_columns(W, XT):
    """W x_t for one-hot inputs x_t (chapter 08): the column of W that each x_t picks, or None.

    W is (H, I) or, stacked, (S, H, I); XT is (T, I, N) or (T, S, I, N) in the
    state layout. If every column x of XT holds a single 1 and zeros elsewhere,
    W x is column c of W, where c is the place of the 1: every other term of the
    sum is a zero, so any order of adding gives exactly W[:, c], the number
    ``exact.matmul`` (and BLAS) computes. (A weight that is exactly 0 could differ in the
    sign of that zero, and an infinite one gives NaN in the product, so such a
    W is left to the product, as is any other input.) Returns a new
    (T, [S,] H, N) array, or None when X is not one-hot.
    """
    if XT.ndim != W.ndim + 1 or XT.shape[1:-2] != W.shape[:-2] or XT.shape[-2] != W.shape[-1]:
        return None
    if np.count_nonzero(XT) * XT.shape[-2] != XT.size:  # not one nonzero entry per x_t on average
        return None
    if not (np.count_nonzero(XT, axis=-2) == 1).all():  # nor exactly one in each
        return None
    c = XT.argmax(axis=-2)  # (T, [S,] N): where the 1 is
    if not (np.take_along_axis(XT, c[..., None, :], axis=-2) == 1).all() or not (
        W.all() and np.isfinite(W).all()
    ):
        return None
    Wt = np.swapaxes(W, -1, -2)  # (..., I, H): row c is column c of W
    cols = Wt[c] if W.ndim == 2 else Wt[np.arange(W.shape[0])[:, None], c]  # (T, [S,] N, H)
    return np.ascontiguousarray(np.swapaxes(cols, -1, -2))


class Workspace:
    """The arrays of one training update, kept for the next (``rnnlib.fit``, chapter 05).

    Every update forms the same large arrays (the states of every step, f'(a_t),
    dL/da_t, ...). Asking the operating system for that memory afresh at every
    update costs more than some updates themselves (it must zero every page), so
    ``fit`` gives the network it trains a workspace: each array, named by the
    pass that forms it, is allocated once and overwritten by the next update
    while its shape stays the same. Outside ``fit`` a network has none, and
    every pass returns new arrays.
    """

    def __init__(self):
        self.arrays = {}

    def empty(self, name, shape, dtype):
        """The array called ``name``, of this shape and dtype; contents undefined (like
        ``np.empty``). (Pieces of different lengths, ``fit(chunk=)``, keep one array each.)"""
        key = (name, tuple(shape), np.dtype(dtype))
        if key not in self.arrays:
            self.arrays[key] = np.empty(shape, dtype)
        return self.arrays[key]


class Model:
    """Base of rnnlib's networks: n_in = I, n_hidden = H, n_out = O, activation f, dtype.

    Weights are drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] (the convention of
    PyTorch's ``nn.RNN``) from ``np.random.default_rng(seed)``, in the order of
    ``param_shapes``; the output threshold c starts at zero. ``reproducible=True``
    (the default) computes in the portable orders of ``rnnlib.portable``, so
    results are identical on every machine; ``reproducible=False`` uses BLAS and
    numpy's tanh (last bits machine-dependent). ``exact=`` is the old name of
    ``reproducible=`` (deprecated).
    """

    param_names = ()
    _h0_name = "h0"
    _workspace = None  # fit's ``Workspace`` on the network it trains; else passes make new arrays

    def __init_subclass__(cls, **kwargs):
        """Give the subclass a checked attribute (a ``Parameter``) for each of its
        ``param_names``."""
        super().__init_subclass__(**kwargs)
        for name in cls.param_names:
            if not isinstance(cls.__dict__.get(name), Parameter):
                param = Parameter()
                param.__set_name__(cls, name)
                setattr(cls, name, param)

    supports_truncate = False  # truncated BPTT (``truncate=k``) is the basic RNN's

    def __init__(
        self,
        n_in,
        n_hidden,
        n_out,
        activation="tanh",
        seed=0,
        dtype="float64",
        reproducible=True,
        exact=None,
    ):
        self.n_in = check_size("n_in", n_in)
        self.n_hidden = check_size("n_hidden", n_hidden)
        self.n_out = check_size("n_out", n_out)
        self.dtype = check_dtype(dtype)
        if exact is not None:
            _deprecated_exact()
            reproducible = exact
        self.reproducible = reproducible
        self.activation = activation
        self._check_memory()
        self._params = {}
        rng = np.random.default_rng(check_seed("seed", seed))
        k = 1.0 / np.sqrt(self.n_hidden)
        for name, shape in self.param_shapes().items():
            setattr(self, name, np.zeros(shape) if name == "c" else rng.uniform(-k, k, size=shape))

    # -------------------------------------------------------------- attributes
    @property
    def activation(self):
        """The name of f ("tanh", "relu" or "sigmoid"); assigning another name changes the
        computation."""
        return self._activation

    @activation.setter
    def activation(self, name):
        self._f_grad = get_activation(name)[1]
        self._activation = name

    @property
    def reproducible(self):
        """True: the portable orders (the same digits on every machine, chapter 00); False: BLAS and
        np.tanh."""
        return self.arithmetic.reproducible

    @reproducible.setter
    def reproducible(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"reproducible must be True or False, got {value!r}")
        self.arithmetic = arithmetic.get(bool(value))

    @property
    def exact(self):
        """The old name of ``reproducible`` (deprecated)."""
        _deprecated_exact()
        return self.reproducible

    @exact.setter
    def exact(self, value):
        _deprecated_exact()
        self.reproducible = value

    def _f(self, a, out):
        """h = f(a) into ``out`` (chapter 02), in the network's arithmetic."""
        return self.arithmetic.activate(self._activation, a, out)

    def _mm(self, A, B, out=None):
        """A B over the last two axes (the products of the time loops, chapters 02 and 05)."""
        return self.arithmetic.matmul(A, B, out)

    def _empty(self, name, shape):
        """A new array of the network's dtype, or in ``fit`` the workspace's array ``name``
        (``Workspace``)."""
        if self._workspace is None:
            return np.empty(shape, self.dtype)
        return self._workspace.empty(name, shape, self.dtype)

    def _check_memory(self):
        """Refuse at once a network whose parameters would not fit in this machine's memory."""
        n_items = sum(int(np.prod(s, dtype=object)) for s in self.param_shapes().values())
        sizes = f"n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}"
        check_alloc(
            f"{type(self).__name__}({sizes}) (its parameters; D alone has n_hidden x n_hidden "
            "entries)",
            n_items,
            np.dtype(self.dtype).itemsize,
        )

    def _repr_extra(self):
        return ""

    def __repr__(self):
        extra = "" if self.reproducible else ", reproducible=False"
        return (
            f"{type(self).__name__}(n_in={self.n_in}, n_hidden={self.n_hidden}, "
            f"n_out={self.n_out}, activation={self.activation!r}{self._repr_extra()}, "
            f"dtype={np.dtype(self.dtype).name!r}{extra})"
        )

    def __copy__(self):
        """``copy.copy(net)`` is an independent network: its own parameter arrays."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._params = {name: p.copy() for name, p in self._params.items()}
        return new

    def __deepcopy__(self, memo):
        return self.__copy__()

    def param_shapes(self):
        """Shapes of the parameters, name -> tuple (chapter 01); defined by each network."""
        raise NotImplementedError

    @property
    def params(self):
        """The parameters as a dict name -> array (the arrays themselves, not copies; chapter 05's
        optimisers update them in place)."""
        return {name: self._params[name] for name in self.param_names}

    @property
    def n_params(self):
        """Number of trainable numbers, e.g. H*I + H*H + H + O*H + O for the basic RNN (chapter
        01)."""
        return sum(p.size for p in self.params.values())

    def state_size(self):
        """Length of the state carried from step to step (h: H numbers; the Jordan network overrides
        it)."""
        return self.n_hidden

    # ------------------------------------------------------------ public passes
    def forward(self, X, h0=None):
        """Run the network over a sequence (chapter 02): returns ``(Hs, Y)``, new arrays.

        ``X`` is (T, I) or (T, N, I); ``h0`` is the initial state, (H,) or (N, H),
        zeros if None. ``Hs`` is (T, [N,] H) with ``Hs[t]`` = h_{t+1}; ``Y`` is
        (T, [N,] O). If the states overflow to infinity or NaN (possible with
        ReLU), a ValueError names the first step where it happened.
        """
        XT, H0, batched = self._inputs(X, h0)
        run = self._checked_run(XT, H0)
        Hs, Y = state_layout(run[0]), state_layout(run[1])
        return (Hs, Y) if batched else (Hs[:, 0], Y[:, 0])

    def backward(self, X, dY, h0=None, truncate=None):
        """Gradients of ``sum(dY * Y)`` with respect to every parameter, as a dict (chapter 05).

        Y is the output of ``forward(X, h0)``, recomputed here from X (nothing
        is remembered between calls, so changing an array that ``forward``
        returned cannot change the gradients). ``dY`` has the shape of Y.
        ``truncate=k`` (the basic RNN only) limits how far back each output's
        error flows; see ``ElmanRNN``.
        """
        XT, H0, batched = self._inputs(X, h0)
        T, N = XT.shape[0], XT.shape[-1]
        expected = (T, N, self.n_out) if batched else (T, self.n_out)
        dY3 = check_shape("dY", as_float_array("dY", dY, self.dtype), expected).reshape(
            T, N, self.n_out
        )
        truncate = self._check_truncate(truncate)
        run = self._checked_run(XT, H0)
        return self._grads(XT, H0, run, state_layout(dY3), truncate)

    def _check_h0(self, h0):
        """An initial state is for networks that carry one (chapter 03: the feed-forward net has
        none)."""
        if h0 is not None and self.state_size() == 0:
            raise ValueError(
                f"{type(self).__name__} carries no state from step to step, so it has no h0; "
                "h0 is for rnnlib.ElmanRNN and rnnlib.JordanRNN (leave it out, or None)"
            )

    def _check_truncate(self, truncate):
        """``truncate=k`` checked: a positive integer, for a network that has truncated BPTT
        (chapter 05)."""
        if truncate is None:
            return None
        if not self.supports_truncate:
            raise ValueError(
                f"{type(self).__name__} has no truncated BPTT; truncate= is for rnnlib.ElmanRNN "
                "(leave it out, or None)"
            )
        return check_size("truncate", truncate)

    def final_state(self, Hs, Y):
        """The state to carry into the next piece of a sequence, from ``forward``'s results (chapter
        05): the last hidden state h_T; networks that feed back something else override it. (``fit``
        carries the same state with ``_carry``, from its own pass in the state layout.)"""
        return np.array(Hs[-1])

    def _inputs(self, X, h0, h0_name=None):
        """Check a sequence and an initial state once, in the state layout: X (T, I, N), h0 (state,
        N)."""
        X3, batched = as_sequence("X", X, self.n_in, self.dtype)
        self._check_h0(h0)
        H0 = as_state(
            h0_name or self._h0_name, h0, X3.shape[1], self.state_size(), self.dtype, batched
        )
        return state_layout(X3), state_layout(H0), batched

    def _checked_run(self, XT, H0):
        """``_run`` after checking the parameters, refusing a result that is not finite."""
        self._check_params_finite()
        with np.errstate(over="ignore", invalid="ignore"):
            run = self._run(XT, H0)
        Hs, Y = run[0], run[1]
        if not (np.isfinite(Hs).all() and np.isfinite(Y).all()):
            bad = ~(
                np.isfinite(Hs).all(axis=tuple(range(1, Hs.ndim)))
                & np.isfinite(Y).all(axis=tuple(range(1, Y.ndim)))
            )
            raise ValueError(
                "the states overflowed: they are infinite or NaN from step t = "
                f"{int(np.argmax(bad)) + 1} of {len(bad)} on (with ReLU, states can grow without "
                "bound when D amplifies them); rnnlib.fit stops such a run as diverged"
            )
        return run

    def _check_params_finite(self):
        """Refuse NaN or infinite weights before a pass (chapter 05: diverged training)."""
        for name in self.param_names:
            if not np.isfinite(self._params[name]).all():
                raise ValueError(
                    f"parameter {name} contains NaN or infinite values "
                    "(a diverged training run? try a smaller learning rate or gradient clipping)"
                )

    # --------------------------------------------------------- shared pieces
    def _column(self, name):
        """A threshold (H,) or, stacked, (S, H) as a column that broadcasts over sequences: (..., H,
        1)."""
        return self._params[name][..., :, None]

    def _input_projection(self, XT):
        """W x_t + B for every step as one (T, [S,] H, N) array: one product (chapter 02).

        One-hot inputs (chapter 08's characters) skip the product: W x_t is the
        column of W that x_t picks (``picked_columns``), the same numbers.
        """
        A = picked_columns(self.W, XT)
        if A is None:
            A = self._mm(self.W, XT, self._product_out("Z", self.W, XT))
        A += self._column("B")
        return A

    def _product_out(self, name, A, B):
        """Where ``fit`` keeps the product A B (``_empty``), or None outside ``fit``: a new
        array."""
        if self._workspace is None or np.result_type(A, B) != self.dtype:
            return None
        return self._empty(
            name, np.broadcast_shapes(A.shape[:-2], B.shape[:-2]) + (A.shape[-2], B.shape[-1])
        )

    def _readout(self, Z):
        """y_t = V h_t + c for every step at once (chapter 02), from the states Z (T, [S,] H, N)."""
        Y = self._mm(self.V, Z, self._product_out("Y", self.V, Z))
        Y += self._column("c")
        return Y

    def _readout_grads(self, grads, dY, Z):
        """Gradients of V and c (chapter 05): sums over every step and sequence of dY_t h_t^T and
        dY_t."""
        grads["V"] = self.arithmetic.weight_grad(dY, Z)
        grads["c"] = self.arithmetic.step_total(dY)

    def _weight_grad(self, dA, Z):
        """sum over t and n of dA_t z_t^T: the gradient of a weight that multiplies z (chapter
        05)."""
        return self.arithmetic.weight_grad(dA, Z)

    # ------------------------------------------------ several networks at once
    @classmethod
    def _stack(cls, models):
        """One network of the same kind whose parameters are the given networks' side by side.

        Every parameter gets a leading axis of length S = len(models); ``fit``
        trains the stack as one computation. Every sum runs in the same order
        as for a single network, so each slice evolves exactly as that network
        would alone. A stack of one views the network's own arrays (no copy).
        """
        stack = object.__new__(cls)
        stack.__dict__.update(models[0].__dict__)
        if len(models) == 1:
            stack._params = {name: models[0]._params[name][None] for name in cls.param_names}
        else:
            stack._params = {
                name: np.stack([m._params[name] for m in models]) for name in cls.param_names
            }
        return stack

    def _unstack_into(self, models):
        """Write slice s of every stacked parameter back into ``models[s]`` (in place; a stack of
        one is a view)."""
        if len(models) == 1:
            return
        for s, m in enumerate(models):
            for name in self.param_names:
                m._params[name][...] = self._params[name][s]

    def _restack_from(self, models):
        """The reverse of ``_unstack_into``, after a ``fit`` callback: the stack takes up the
        networks' weights as the callback left them, changed in place or replaced. Returns whether a
        stack of one now views new arrays (a replaced parameter)."""
        if len(models) > 1:
            for s, m in enumerate(models):
                for name in self.param_names:
                    self._params[name][s] = m._params[name]
            return False
        own = models[0]._params
        if all(self._params[name].base is own[name] for name in self.param_names):
            return False
        self._params = {name: own[name][None] for name in self.param_names}
        return True


def _deprecated_exact():
    warnings.warn(
        "exact= is now called reproducible= (the arithmetic is reproducible: the same digits on "
        "every machine); exact= will be removed",
        DeprecationWarning,
        stacklevel=3,
    )
