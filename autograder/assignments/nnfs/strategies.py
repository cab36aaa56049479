"""Hypothesis strategies of the nnfs checks' cases (see cases.py): small shapes (up to 5), values drawn by
hypothesis, built like the seeded ones."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ...strategies import _draw_arrays
from .cases import (LOGIT_BOUND, NnfsActivationCase, NnfsCombinedCase, NnfsDenseCase, NnfsLossCase, NnfsSoftmaxCase,
                    float32_exact, softmax)


def _shape(draw) -> tuple[int, int]:
    return draw(st.integers(1, 5)), draw(st.integers(1, 5))


def _targets(draw, n: int, c: int, sparse: bool | None) -> np.ndarray:
    """Class indices (sparse), one-hot rows (not sparse), or either (None: hypothesis picks)."""
    sparse = draw(st.booleans()) if sparse is None else sparse
    found = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return found if sparse else np.eye(c)[found]


@st.composite
def dense_strategy(draw) -> NnfsDenseCase:
    n, n_in, n_out = (draw(st.integers(1, 5)) for _ in range(3))
    weights, biases, inputs, dvalues = _draw_arrays(draw, [(n_in, n_out), (1, n_out), (n, n_in), (n, n_out)])
    # The earlier round only matters to the seeded repeated-calls test: derived, not drawn.
    return NnfsDenseCase(weights=weights, biases=biases, inputs=inputs, dvalues=dvalues, inputs0=inputs[::-1] + 1.0,
                         dvalues0=-dvalues)


@st.composite
def relu_strategy(draw, zeros: bool = True) -> NnfsActivationCase:
    """With `zeros` false, no input is exactly 0."""
    shape = _shape(draw)
    inputs, dvalues = _draw_arrays(draw, [shape, shape])
    if not zeros:
        inputs[inputs == 0] = 1.0
    return NnfsActivationCase(inputs=inputs, dvalues=dvalues, inputs0=-inputs)


@st.composite
def softmax_strategy(draw) -> NnfsSoftmaxCase:
    """Float32-exact inputs within +-8, dvalues within +-1, one shift of 500 to 5000 for the whole batch."""
    shape = _shape(draw)
    inputs, dvalues = _draw_arrays(draw, [shape, shape], st.floats(-8, 8, allow_nan=False))
    shift = float(draw(st.integers(500, 5000))) * draw(st.sampled_from([1.0, -1.0]))
    return NnfsSoftmaxCase(inputs=float32_exact(inputs), dvalues=dvalues / 8, inputs0=-float32_exact(inputs),
                           shift=np.full((1, 1), shift))


@st.composite
def loss_strategy(draw, sparse: bool | None = True) -> NnfsLossCase:
    """Softmax rows of logits within +-2 (every probability 1e-3 or more), and targets of one kind (or either:
    None)."""
    n, c = _shape(draw)
    (raw,) = _draw_arrays(draw, [(n, c)], st.floats(-LOGIT_BOUND, LOGIT_BOUND, allow_nan=False))
    return NnfsLossCase(predict=softmax(float32_exact(raw)), target=_targets(draw, n, c, sparse))


@st.composite
def combined_strategy(draw, sparse: bool | None = True) -> NnfsCombinedCase:
    """Logits within +-2 (float32-exact), targets of one kind (or either: None), one shift of 500 to 5000 for
    the batch."""
    n, c = _shape(draw)
    (raw,) = _draw_arrays(draw, [(n, c)], st.floats(-LOGIT_BOUND, LOGIT_BOUND, allow_nan=False))
    shift = float(draw(st.integers(500, 5000))) * draw(st.sampled_from([1.0, -1.0]))
    return NnfsCombinedCase(inputs=float32_exact(raw), target=_targets(draw, n, c, sparse),
                            shift=np.full((1, 1), shift))
