"""What every rnnlib network shares (chapters 01 and 03): sizes, parameters, checks, cache.

``ElmanRNN`` (the basic RNN) and the chapter 03 baselines ``JordanRNN`` and
``FeedForward`` derive from ``Model``. A subclass names its parameters
(``param_names``; each name becomes a checked ``Parameter`` attribute), gives
their shapes (``param_shapes``), and implements ``forward`` and ``backward``.
"""
import numpy as np

from ._checks import as_float_array, check_dtype, check_seed, check_shape, check_size
from .activations import get_activation


class Parameter:
    """A model attribute such as ``net.W`` that checks what is assigned to it.

    Assigning an array-like converts it to the model's dtype and checks its
    shape against ``model.param_shapes()``, so a replaced weight of the wrong
    size fails at once, in rnnlib's words (chapter 01).
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, model, owner=None):
        if model is None:
            return self
        return model._params[self.name]

    def __set__(self, model, value):
        arr = as_float_array(f"{type(model).__name__}.{self.name}", value, model.dtype)
        check_shape(f"{type(model).__name__}.{self.name}", arr, model.param_shapes()[self.name])
        model._params[self.name] = np.array(arr, dtype=model.dtype, copy=True)


class Model:
    """Base of rnnlib's networks: n_in = I, n_hidden = H, n_out = O, activation f, dtype.

    Weights are drawn uniformly from [-1/sqrt(H), 1/sqrt(H)] (the convention of
    PyTorch's ``nn.RNN``) from ``np.random.default_rng(seed)``, in the order of
    ``param_shapes``; the output threshold c starts at zero.
    """

    param_names = ()

    def __init_subclass__(cls, **kwargs):
        """Give the subclass a checked attribute (a ``Parameter``) for each of its ``param_names``."""
        super().__init_subclass__(**kwargs)
        for name in cls.param_names:
            if not isinstance(cls.__dict__.get(name), Parameter):
                param = Parameter()
                param.__set_name__(cls, name)
                setattr(cls, name, param)

    def __init__(self, n_in, n_hidden, n_out, activation="tanh", seed=0, dtype="float64"):
        self.n_in = check_size("n_in", n_in)
        self.n_hidden = check_size("n_hidden", n_hidden)
        self.n_out = check_size("n_out", n_out)
        self.activation = activation
        self._f, self._f_grad = get_activation(activation)
        self.dtype = check_dtype(dtype)
        self._params = {}
        self._cache = None
        self._scratch = {}
        rng = np.random.default_rng(check_seed("seed", seed))
        k = 1.0 / np.sqrt(self.n_hidden)
        for name, shape in self.param_shapes().items():
            setattr(self, name, np.zeros(shape) if name == "c" else rng.uniform(-k, k, size=shape))

    def _repr_extra(self):
        return ""

    def __repr__(self):
        return (f"{type(self).__name__}(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}, "
                f"activation={self.activation!r}{self._repr_extra()}, dtype={np.dtype(self.dtype).name!r})")

    def param_shapes(self):
        """Shapes of the parameters, name -> tuple (chapter 01); defined by each network."""
        raise NotImplementedError

    @property
    def params(self):
        """The parameters as a dict name -> array (the arrays themselves, not copies; chapter 05's optimisers update them in place)."""
        return {name: self._params[name] for name in self.param_names}

    @property
    def n_params(self):
        """Number of trainable numbers, e.g. H*I + H*H + H + O*H + O for the basic RNN (chapter 01)."""
        return sum(p.size for p in self.params.values())

    def final_state(self, Hs, Y):
        """The state to carry into the next piece of a sequence (``fit(chunk=)``, chapter 05):
        the last hidden state h_T; networks that feed back something else override it."""
        return Hs[-1]

    def _check_params_finite(self):
        """Refuse NaN or infinite weights before a pass (chapter 05: diverged training)."""
        for name in self.param_names:
            if not np.isfinite(self._params[name]).all():
                raise ValueError(f"parameter {name} contains NaN or infinite values "
                                 "(a diverged training run? try a smaller learning rate or gradient clipping)")

    def _check_dY(self, dY, T, N, batched):
        """dY as a (T, N, O) array, after checking it has the shape of the output Y."""
        expected = (T, N, self.n_out) if batched else (T, self.n_out)
        G = as_float_array("dY", dY, self.dtype)
        check_shape("dY", G, expected)
        return G.reshape(T, N, self.n_out)

    def _input_projection(self, X3):
        """W x_t + B for every step as one (T, N, H) array: one matrix product (chapter 02)."""
        T, N, _ = X3.shape
        A = (X3.reshape(T * N, -1) @ self.W.T).reshape(T, N, self.n_hidden)
        A += self.B
        return A

    def _remember(self, inputs, result):
        """Keep a forward pass for ``backward`` (chapter 05), with private copies of its
        inputs and parameters, so that later in-place edits are noticed."""
        self._cache = (tuple(np.array(a) for a in inputs), {k: v.copy() for k, v in self._params.items()}, result)

    def _recall(self, inputs):
        """The remembered forward pass if it ran on equal inputs and parameters, else None."""
        if self._cache is None:
            return None
        cinputs, cparams, result = self._cache
        if len(cinputs) == len(inputs) and all(map(_same, cinputs, inputs)) \
                and all(_same(cparams[k], v) for k, v in self._params.items()):
            return result
        return None


def _same(a, b):
    """``np.array_equal(a, b)``, at once when a and b are the same array.

    (An array always equals itself here: rnnlib refuses NaN inputs and parameters.)
    """
    return a is b or (a.shape == b.shape and bool((a == b).all()))
