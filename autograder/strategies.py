"""The hypothesis side of the grader's inputs: the grading profile and one strategy
per kind of case, building the records of `cases.py`. Imported only when
examples must be drawn (see `examples.py`) or a failure shrunk.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .cases import (GRADIENT_BOUND, LEARNING_RATES, MOMENTA, ActivationCase, BatchNormCase, LinearCase, LossCase,
                    MLPCase, MSECase, SGDCase, SoftmaxCase, float32_exact, nonzero, one_hot, spread)



def _without_local_constants() -> None:
    """Hypothesis (since 6.131) mixes into what it draws constants it finds in the source of every "local" module the
    process has loaded (neither the standard library nor site-packages), and caches them under ./.hypothesis: the
    examples then depended on what else the process had imported (a batch's modules drew other inputs than `grade`,
    a test run others again) and on where the grader is installed, and every run left a .hypothesis folder where it
    was started. The grader's examples depend on the seed and the strategies alone, so it has none
    (tests/test_examples checks the draws in two processes that loaded different modules)."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # (an older hypothesis has no local constants)
        return
    if hasattr(providers, "_get_local_constants"):
        empty = providers.Constants()
        providers._get_local_constants = lambda: empty  # (before anything draws: this module is imported first)


_without_local_constants()

# A derandomized profile with no example database: the same seed, the same examples.
settings.register_profile(
    "grading",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=5,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=list(HealthCheck),
    verbosity=Verbosity.quiet,
    report_multiple_bugs=False,
    print_blob=False,
)
GRADING = settings.get_profile("grading")


def _draw_arrays(draw, shapes, elements=None):
    """Several arrays from one flat hypothesis array: a single draw costs far less than one per array."""
    sizes = [int(np.prod(shape)) for shape in shapes]
    elements = elements if elements is not None else st.floats(-100, 100, allow_nan=False)
    flat = draw(hnp.arrays(np.float64, (sum(sizes),), elements=elements))
    flat[np.abs(flat) < 1e-6] = 0.0  # no float32 underflow: tiny values become exact zeros
    parts = np.split(flat, np.cumsum(sizes)[:-1])
    return [part.reshape(shape) for part, shape in zip(parts, shapes)]


@st.composite
def linear_strategy(draw) -> LinearCase:
    n, c_in, c_out = (draw(st.integers(1, 5)) for _ in range(3))
    W, b, A, dLdZ = _draw_arrays(draw, [(c_out, c_in), (c_out, 1), (n, c_in), (n, c_out)])
    # The earlier round only matters to the seeded repeated-calls test: derived, not drawn.
    return LinearCase(W=W, b=b, A=A, dLdZ=dLdZ, A0=A[::-1] + 1.0, dLdZ0=-dLdZ)


@st.composite
def activation_strategy(draw, zeros: bool = True) -> ActivationCase:
    """Hypothesis inputs; with `zeros` false, no entry of Z is exactly 0."""
    shape = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    Z, dLdA = _draw_arrays(draw, [shape, shape])
    if not zeros:
        Z[Z == 0] = 1.0
    return ActivationCase(Z=Z, dLdA=dLdA, Z0=-Z)


@st.composite
def loss_strategy(draw) -> LossCase:
    """Ordinary logits (within +-6, float32-exact) and a per-row shift of 500 to 5000, either sign."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    (A,) = _draw_arrays(draw, [(n, c)], st.floats(-6, 6, allow_nan=False))
    shift = draw(hnp.arrays(np.float64, (n, 1), elements=st.integers(500, 5000).map(float)))
    shift *= draw(st.sampled_from([1.0, -1.0]))
    Y = one_hot(labels, c)
    return LossCase(A=float32_exact(A), Y=Y, A0=-float32_exact(A), Y0=Y[::-1].copy(), shift=shift)


@st.composite
def smooth_strategy(draw) -> ActivationCase:
    """Z within +-100 (far from the 709 where exp overflows), dLdA within +-3 (see cases.bounded_gradients)."""
    shape = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    (Z,) = _draw_arrays(draw, [shape])
    (dLdA,) = _draw_arrays(draw, [shape], st.floats(-GRADIENT_BOUND, GRADIENT_BOUND, allow_nan=False))
    return ActivationCase(Z=Z, dLdA=dLdA, Z0=-Z)


@st.composite
def batchnorm_strategy(draw) -> BatchNormCase:
    """Batches of up to 5 rows and 4 features, every column spread out (`cases.spread`: no variance
    near eps), |BW| within 0.5 and 2; alpha 0.9 or 0.8."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    n2, ne = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    Z, Z2, Zeval, dLdBZ = _draw_arrays(draw, [(n, c), (n2, c), (ne, c), (n, c)], st.floats(-10, 10, allow_nan=False))
    BW = draw(hnp.arrays(np.float64, (1, c), elements=st.floats(0.5, 2)))
    BW *= draw(hnp.arrays(np.float64, (1, c), elements=st.sampled_from([1.0, -1.0])))
    (Bb,) = _draw_arrays(draw, [(1, c)], st.floats(-3, 3, allow_nan=False))
    alpha = draw(st.sampled_from([0.9, 0.8]))
    # The third training batch only matters to the seeded running-statistics test: derived, not drawn.
    return BatchNormCase(Z=spread(Z), Z2=spread(Z2), Z3=spread(Z[::-1] * 0.5 + 1.0), Zeval=Zeval, BW=BW, Bb=Bb,
                         dLdBZ=dLdBZ, alpha=alpha)


@st.composite
def softmax_strategy(draw):
    """Float32-exact inputs within +-8, dLdA within +-1 (see `cases.softmax_gradients`), and one shift of
    500 to 5000 for the whole batch."""
    shape = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    Z, dLdA = _draw_arrays(draw, [shape, shape], st.floats(-8, 8, allow_nan=False))
    dLdA /= 8
    shift = float(draw(st.integers(500, 5000))) * draw(st.sampled_from([1.0, -1.0]))
    return SoftmaxCase(Z=float32_exact(Z), dLdA=dLdA, Z0=-float32_exact(Z), shift=np.full((1, 1), shift))


@st.composite
def mse_strategy(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    A, Y = _draw_arrays(draw, [(n, c), (n, c)])
    # The earlier round only matters to 'after two forward calls': derived, not drawn.
    return MSECase(A=A, Y=Y, A0=A[::-1] + 1.0, Y0=-Y)
@st.composite
def sgd_strategy(draw) -> SGDCase:
    """Two layers of up to 4 x 4 (of the same shape half the time), three steps' gradients, lr and mu."""
    first = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    second = first if draw(st.booleans()) else (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    (o1, i1), (o2, i2) = first, second
    W1, b1, W2, b2, dLdW1, dLdb1, dLdW2, dLdb2 = _draw_arrays(draw, [
        (o1, i1), (o1, 1), (o2, i2), (o2, 1), (3, o1, i1), (3, o1, 1), (3, o2, i2), (3, o2, 1)])
    return SGDCase(W1=W1, b1=b1, W2=W2, b2=b2, dLdW1=dLdW1, dLdb1=dLdb1, dLdW2=dLdW2, dLdb2=dLdb2,
                   lr=np.array(draw(st.sampled_from(LEARNING_RATES))), mu=np.array(draw(st.sampled_from(MOMENTA))))


@st.composite
def mlp_strategy(draw, widths: tuple = (2, 3)) -> MLPCase:
    """A batch of up to 5 and the layers of `widths`, all whole numbers in [-2, 2] (exact in float32)."""
    n = draw(st.integers(1, 5))
    shapes = [(n, widths[0]), (n, widths[-1])]
    shapes += [shape for i in range(1, len(widths)) for shape in ((widths[i], widths[i - 1]), (widths[i], 1))]
    arrays = [nonzero(x) for x in _draw_arrays(draw, shapes, st.integers(-2, 2).map(float))]
    params = {}
    for i in range(1, 6):
        found = i < len(widths)
        params[f"W{i}"] = arrays[2 * i] if found else np.zeros(0)
        params[f"b{i}"] = arrays[2 * i + 1] if found else np.zeros(0)
    return MLPCase(A0=arrays[0], dLdA=arrays[1], **params)
