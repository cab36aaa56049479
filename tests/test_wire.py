"""The bytes that cross the sandbox boundary: .npy payloads and their validation."""
from __future__ import annotations

import io

import numpy as np
import pytest

from autograder.sandbox import Bad
from autograder.sandbox.script import load_array
from autograder.sandbox.worker import npy_dumps, npy_loads

ARRAYS = [np.zeros(()), np.arange(3.0), np.ones((2, 3), np.float32), np.array([[1, 2]]), np.array([True]),
          np.zeros((0, 3)), np.ones((1, 1, 1)), np.arange(12.0).reshape(3, 4).T, np.ones(2, np.float16)]


@pytest.mark.parametrize("arr", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_our_npy_bytes_are_what_numpy_reads(arr):
    ours = npy_dumps(np, arr)
    back = np.load(io.BytesIO(ours), allow_pickle=False)
    assert back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr)
    if arr.flags.c_contiguous:
        saved = io.BytesIO()
        np.save(saved, arr)
        assert ours == saved.getvalue()
    fast = npy_loads(np, ours)
    assert fast is not None and fast.shape == arr.shape and np.array_equal(fast, arr)


def test_payloads_that_are_not_plain_numbers_never_load():
    pickled = io.BytesIO()
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    complex_ = io.BytesIO()
    np.save(complex_, np.array([1 + 2j]))
    assert isinstance(load_array(pickled.getvalue()), Bad)  # never unpickled
    assert isinstance(load_array(complex_.getvalue()), Bad)
    assert isinstance(load_array(b"\x93NUMPY\x01\x00garbage"), Bad)
    truncated = npy_dumps(np, np.arange(4.0))[:-8]
    assert isinstance(load_array(truncated), Bad)
