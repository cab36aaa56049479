"""Hypothesis strategies of the numpy-nn cases (imported only to draw examples or shrink a failure).
Checks name them `draw("autograder.assignments.numpy_nn.strategies:<name>", ...)`."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ...cases import GRADIENT_BOUND, float32_exact, one_hot
from ...strategies import _draw_arrays
from .cases import NAMES, NumpyNNActivationCase, NumpyNNCECase, NumpyNNDenseCase, NumpyNNMSECase

def _lead(draw, counts) -> tuple:
    """Leading batch dimensions: how many from `counts`, each 1 to 5 (1 to 3 past one dimension)."""
    count = draw(st.sampled_from(counts))
    return tuple(draw(st.integers(1, 5 if count == 1 else 3)) for _ in range(count))


@st.composite
def dense_strategy(draw, counts: tuple = (1,), use_bias: bool = True) -> NumpyNNDenseCase:
    """A layer of up to 5 x 5 and a batch with `counts` leading dimensions (1: [N, in_dim])."""
    lead = _lead(draw, counts)
    c_in, c_out = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    x, W, b, g = _draw_arrays(draw, [(*lead, c_in), (c_in, c_out), (c_out,), (*lead, c_out)])
    name = draw(st.sampled_from(("Dense",) + NAMES))
    return NumpyNNDenseCase(x=x, W=W, b=b, backwards_gradient=g, name=np.array(name), use_bias=np.array(use_bias))


@st.composite
def activation_strategy(draw, zeros: bool = True, bounded: bool = False) -> NumpyNNActivationCase:
    """x of 0 to 3 leading dimensions (with `zeros` false, never exactly 0); with `bounded`, dL/dy within
    +-3 (see autograder.cases.bounded_gradients)."""
    shape = (*_lead(draw, (0, 1, 1, 2, 3)), draw(st.integers(1, 5)))
    (x,) = _draw_arrays(draw, [shape])
    if not zeros:
        x[x == 0] = 1.0
    elements = st.floats(-GRADIENT_BOUND, GRADIENT_BOUND, allow_nan=False) if bounded else None
    (g,) = _draw_arrays(draw, [shape], elements)
    return NumpyNNActivationCase(x=x, backwards_gradient=g)


@st.composite
def mse_strategy(draw) -> NumpyNNMSECase:
    shape = (*_lead(draw, (0, 1, 1, 2)), draw(st.integers(1, 5)))
    y_pred, y_true = _draw_arrays(draw, [shape, shape])
    return NumpyNNMSECase(y_pred=y_pred, y_true=y_true)


@st.composite
def ce_strategy(draw) -> NumpyNNCECase:
    """Float32-exact logits within +-6 and a per-row shift of 500 to 5000, either sign."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    (y_pred,) = _draw_arrays(draw, [(n, c)], st.floats(-6, 6, allow_nan=False))
    shift = draw(hnp.arrays(np.float64, (n, 1), elements=st.integers(500, 5000).map(float)))
    shift *= draw(st.sampled_from([1.0, -1.0]))
    return NumpyNNCECase(y_pred=float32_exact(y_pred), y_true=one_hot(labels, c), shift=shift)
