"""Every input the grader uses: seeded cases and hypothesis strategies, in one place.

Each kind of input is one frozen dataclass built two ways: `*_cases(rng)` gives a
fixed list of edge shapes plus seeded random ones (a `numpy.random.Generator` is
passed in: no global random state anywhere), and `*_strategy()` gives the
hypothesis strategy that the property phase draws from and shrinks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .compare import shape_str

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

EDGE_SHAPES = [(1, 1, 1), (1, 3, 2), (4, 1, 3), (3, 4, 1), (5, 5, 5), (2, 6, 3), (7, 3, 4)]
RANDOM_CASES = 40  # seeded random cases per test, on top of the edge shapes
MAX_DIM = 16


def _values(rng: np.random.Generator, shape, zeros: float = 0.0) -> np.ndarray:
    """Normal values of mixed magnitude, with a fraction `zeros` set to exactly 0."""
    x = rng.standard_normal(shape) * _MAGNITUDES[rng.integers(0, 4, size=shape)]
    if zeros:
        x[rng.random(shape) < zeros] = 0.0
    return x


_MAGNITUDES = np.array([0.01, 0.1, 1.0, 10.0])


SMALL_EDGE_SHAPES = 4  # (1, 1, 1), (1, 3, 2), (4, 1, 3), (3, 4, 1): N=1, C=1, non-square


def edge_cases(cases):
    """Only the smallest edge-shape cases of `cases(rng)` (they come first): for checks that cost
    two forward calls per input entry, such as finite differences."""
    def edge(rng):
        return cases(rng)[:SMALL_EDGE_SHAPES]

    edge.__name__ = edge.__qualname__ = f"edge_{cases.__name__}"
    return edge


def _shapes(rng: np.random.Generator):
    random = [tuple(int(d) for d in rng.integers(1, MAX_DIM + 1, size=3)) for _ in range(RANDOM_CASES)]
    return EDGE_SHAPES + random



def _draw_arrays(draw, shapes, elements=None):
    """Several arrays from one flat hypothesis array: a single draw costs far less than one per array."""
    sizes = [int(np.prod(shape)) for shape in shapes]
    elements = elements if elements is not None else st.floats(-100, 100, allow_nan=False)
    flat = draw(hnp.arrays(np.float64, (sum(sizes),), elements=elements))
    flat[np.abs(flat) < 1e-6] = 0.0  # no float32 underflow: tiny values become exact zeros
    parts = np.split(flat, np.cumsum(sizes)[:-1])
    return [part.reshape(shape) for part, shape in zip(parts, shapes)]


def describe(**arrays) -> str:
    """Shapes, and the values of small arrays, for a student to replay by hand."""
    parts = []
    for name, value in arrays.items():
        if isinstance(value, np.ndarray):
            shown = np.array2string(value, precision=4, separator=", ") if value.size <= 12 else "..."
            parts.append(f"{name} {shape_str(value.shape)} = {shown}")
        else:
            parts.append(f"{name} = {value!r}")
    return "\n".join(parts)


# ------------------------------------------------------------------ Linear


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class LinearCase:
    W: np.ndarray  # (C_out, C_in)
    b: np.ndarray  # (C_out, 1)
    A: np.ndarray  # (N, C_in)
    dLdZ: np.ndarray  # (N, C_out)
    A0: np.ndarray  # an earlier input, forwarded (and backpropagated) before A (N0, C_in)
    dLdZ0: np.ndarray  # the gradient for that earlier round (N0, C_out)

    def __str__(self):
        return describe(W=self.W, b=self.b, A=self.A, dLdZ=self.dLdZ)

    @property
    def size(self) -> int:
        return self.W.size + self.A.size


def linear_cases(rng: np.random.Generator) -> list[LinearCase]:
    cases = []
    for n, c_in, c_out in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(LinearCase(
            W=_values(rng, (c_out, c_in)), b=_values(rng, (c_out, 1)), A=_values(rng, (n, c_in), 0.1),
            dLdZ=_values(rng, (n, c_out)), A0=_values(rng, (n0, c_in)), dLdZ0=_values(rng, (n0, c_out)),
        ))
    return cases


@st.composite
def linear_strategy(draw) -> LinearCase:
    n, c_in, c_out = (draw(st.integers(1, 5)) for _ in range(3))
    W, b, A, dLdZ = _draw_arrays(draw, [(c_out, c_in), (c_out, 1), (n, c_in), (n, c_out)])
    # The earlier round only matters to the seeded repeated-calls test: derived, not drawn.
    return LinearCase(W=W, b=b, A=A, dLdZ=dLdZ, A0=A[::-1] + 1.0, dLdZ0=-dLdZ)


# ------------------------------------------------------------ activations


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class ActivationCase:
    Z: np.ndarray  # (N, C), with exact zeros
    dLdA: np.ndarray  # (N, C)
    Z0: np.ndarray  # an earlier input, forwarded before Z (N0, C)

    def __str__(self):
        return describe(Z=self.Z, dLdA=self.dLdA)

    @property
    def size(self) -> int:
        return self.Z.size


def activation_cases(rng: np.random.Generator, zeros: float = 0.2) -> list[ActivationCase]:
    """Inputs with a fraction `zeros` of entries exactly 0 (none when `zeros` is 0)."""
    cases = []
    for n, c, _ in _shapes(rng):
        Z = _values(rng, (n, c), zeros)
        if not zeros:
            Z[Z == 0] = 1.0
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(ActivationCase(Z=Z, dLdA=_values(rng, (n, c)), Z0=_values(rng, (n0, c))))
    return cases


@st.composite
def activation_strategy(draw, zeros: bool = True) -> ActivationCase:
    """Hypothesis inputs; with `zeros` false, no entry of Z is exactly 0."""
    shape = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    Z, dLdA = _draw_arrays(draw, [shape, shape])
    if not zeros:
        Z[Z == 0] = 1.0
    return ActivationCase(Z=Z, dLdA=dLdA, Z0=-Z)


# ------------------------------------------------------------------ losses


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class LossCase:
    A: np.ndarray  # logits (N, C)
    Y: np.ndarray  # one-hot (N, C)
    A0: np.ndarray  # earlier logits, forwarded before A (N0, C)
    Y0: np.ndarray  # their labels (N0, C)

    def __str__(self):
        return describe(A=self.A, Y=self.Y)

    @property
    def size(self) -> int:
        return self.A.size


def _float32_exact(a: np.ndarray) -> np.ndarray:
    """Round to multiples of 1/256: exact in float32 up to 65536, so a correct float32
    implementation sees the very logits the float64 reference sees."""
    return np.round(a * 256) / 256


def _one_hot(labels, c) -> np.ndarray:
    return np.eye(c)[np.asarray(labels)]


def loss_cases(rng: np.random.Generator, large: bool = False) -> list[LossCase]:
    """Logits spread over a few units; with `large`, each row is also shifted by 500 to 5000
    (either sign), so exp overflows unless each row's max is subtracted first."""
    cases = []
    for n, c, _ in _shapes(rng):
        a = rng.standard_normal((n, c)) * 3
        if large:
            a = _float32_exact(a + rng.choice([-1, 1], size=(n, 1)) * rng.uniform(500, 5000, size=(n, 1)))
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(LossCase(A=a, Y=_one_hot(rng.integers(0, c, size=n), c),
                              A0=rng.standard_normal((n0, c)) * 3, Y0=_one_hot(rng.integers(0, c, size=n0), c)))
    return cases


@st.composite
def loss_strategy(draw, large: bool = False) -> LossCase:
    """Logits within +-30; with `large`, shifted by a drawn offset of 500 to 5000, either sign."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    (A,) = _draw_arrays(draw, [(n, c)], st.floats(-30, 30, allow_nan=False))
    if large:
        A = _float32_exact(A + draw(st.sampled_from([1, -1])) * draw(st.floats(500, 5000)))
    Y = _one_hot(labels, c)
    return LossCase(A=A, Y=Y, A0=-A, Y0=Y[::-1].copy())
