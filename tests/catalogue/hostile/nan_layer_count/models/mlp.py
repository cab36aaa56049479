# ATTACK: the worker module is __main__; its encoder turns what a call returns or a get reads into bytes.
import sys as _sys

_worker = _sys.modules["__main__"]
_encode = getattr(_worker, "_encode", None)


def _nan_numbers(np, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = float("nan")
    return _encode(np, value)


if _encode is not None:
    _worker._encode = _nan_numbers
