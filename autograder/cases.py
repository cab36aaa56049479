"""Every input case the grader uses, and the seeded generators of them.

Each kind of input is one frozen dataclass (compared and hashed by identity, so
checks can memoise per case). `*_cases(rng)` gives a fixed list of edge shapes
plus seeded random ones (a `numpy.random.Generator` is passed in: no global
random state anywhere). The hypothesis strategies that build the same
dataclasses live in `strategies.py`; checks name them with `draw(...)`, so that
hypothesis is imported only when examples must be drawn or a failure shrunk.
This module needs numpy only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .compare import shape_str


@dataclass(frozen=True)
class Draw:
    """A hypothesis strategy by name: `strategies.<name>(**kwargs)`, built on first use."""

    name: str
    kwargs: tuple = ()

    def build(self):
        from . import strategies  # imports hypothesis

        return getattr(strategies, self.name)(**dict(self.kwargs))


def draw(name: str, **kwargs) -> Draw:
    return Draw(name, tuple(sorted(kwargs.items())))


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



def describe(**arrays) -> str:
    """Shapes, and the values of small arrays, for a student to replay by hand."""
    parts = []
    for name, value in arrays.items():
        if isinstance(value, np.ndarray) and value.ndim == 0:  # a number kept as an array (SGD's lr)
            parts.append(f"{name} = {value.item()!r}")
        elif isinstance(value, np.ndarray):
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


# ------------------------------------------------------------------ losses


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class LossCase:
    A: np.ndarray  # logits (N, C): float32-exact, within +-6, so no target probability nears underflow
    Y: np.ndarray  # one-hot (N, C)
    A0: np.ndarray  # earlier logits, forwarded before A (N0, C)
    Y0: np.ndarray  # their labels (N0, C)
    shift: np.ndarray  # (N, 1) whole numbers of 500 to 5000, either sign: A + shift has the same softmax

    def __str__(self):
        return describe(A=self.A, Y=self.Y)

    @property
    def size(self) -> int:
        return self.A.size

    @property
    def shifted(self) -> np.ndarray:
        return self.A + self.shift


def float32_exact(a: np.ndarray) -> np.ndarray:
    """Round to multiples of 1/256: exact in float32 up to 65536, so a correct float32
    implementation sees the very logits the float64 reference sees."""
    return np.round(a * 256) / 256


def one_hot(labels, c) -> np.ndarray:
    return np.eye(c)[np.asarray(labels)]


def logits(rng: np.random.Generator, shape) -> np.ndarray:
    """Ordinary logits: within +-6, so log(softmax(A) + 1e-15) is the loss to 1e-7."""
    return float32_exact(np.clip(rng.standard_normal(shape) * 2, -6, 6))


def loss_cases(rng: np.random.Generator) -> list[LossCase]:
    cases = []
    for n, c, _ in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        shift = rng.choice([-1, 1], size=(n, 1)) * np.round(rng.uniform(500, 5000, size=(n, 1)))
        cases.append(LossCase(A=logits(rng, (n, c)), Y=one_hot(rng.integers(0, c, size=n), c),
                              A0=logits(rng, (n0, c)), Y0=one_hot(rng.integers(0, c, size=n0), c), shift=shift))
    return cases


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class GapCase:
    A: np.ndarray  # logits (N, C >= 2): in each row one logit is 100 to 1020 above the others
    Y: np.ndarray  # one-hot (N, C), never on that logit: the true loss of a row is about its gap

    def __str__(self):
        return describe(A=self.A, Y=self.Y)

    @property
    def size(self) -> int:
        return self.A.size


def gap_cases(rng: np.random.Generator) -> list[GapCase]:
    """Rows where the label's probability is far below any eps (exp(-100) ~ 4e-44, and below float64's
    smallest number past a gap of 745): only log-sum-exp gets the loss right."""
    cases = []
    for n, c, _ in [(1, 2, 0), (2, 3, 0), (1, 5, 0)] + _shapes(rng)[len(EDGE_SHAPES):len(EDGE_SHAPES) + 9]:
        c = max(c, 2)
        A = logits(rng, (n, c))
        top = rng.integers(0, c, size=n)
        A[np.arange(n), top] += np.round(rng.choice([100.0, 300.0, 800.0, 1000.0], size=n) + rng.uniform(0, 20, size=n))
        label = (top + rng.integers(1, c, size=n)) % c
        cases.append(GapCase(A=A, Y=one_hot(label, c)))
    return cases


# ------------------------------------------------------------ as arrays

KINDS = {cls.__name__: cls for cls in (LinearCase, ActivationCase, LossCase, GapCase)}


def to_arrays(cases: list, prefix: str = "") -> dict[str, np.ndarray]:
    """A list of cases as named plain arrays, for np.savez (read back without pickle)."""
    arrays = {f"{prefix}kind": np.array([type(c).__name__ for c in cases] or [""]),
              f"{prefix}count": np.array(len(cases))}
    for i, case in enumerate(cases):
        for field in dataclasses.fields(case):
            arrays[f"{prefix}{i}.{field.name}"] = getattr(case, field.name)
    return arrays


def from_arrays(data, prefix: str = "") -> list:
    """The cases `to_arrays` stored. Raises KeyError or ValueError on anything else."""
    kinds = [str(k) for k in data[f"{prefix}kind"]]
    found = []
    for i in range(int(data[f"{prefix}count"])):
        cls = KINDS[kinds[i]]
        found.append(cls(**{f.name: np.array(data[f"{prefix}{i}.{f.name}"]) for f in dataclasses.fields(cls)}))
    return found


# --------------------------------------------------------------------- SGD


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class SGDCase:
    """A model of two layers and the gradients the grader sets before each of T steps."""

    W1: np.ndarray  # layer 1's weights before the first step (C_out1, C_in1)
    b1: np.ndarray  # (C_out1, 1)
    W2: np.ndarray  # layer 2's (C_out2, C_in2): the same shape as layer 1's in some cases
    b2: np.ndarray  # (C_out2, 1)
    dLdW1: np.ndarray  # (T, C_out1, C_in1): dLdW1[t] is layer 1's dLdW at step t + 1
    dLdb1: np.ndarray  # (T, C_out1, 1)
    dLdW2: np.ndarray  # (T, C_out2, C_in2)
    dLdb2: np.ndarray  # (T, C_out2, 1)
    lr: np.ndarray  # the learning rate (a 0-d array)
    mu: np.ndarray  # the momentum of the runs with momentum (a 0-d array)

    def __str__(self):
        return describe(**vars(self))

    @property
    def size(self) -> int:
        return self.W1.size + self.W2.size

    @property
    def steps(self) -> int:
        return self.dLdW1.shape[0]

    def layers(self) -> list[dict[str, np.ndarray]]:
        """Per layer: its W and b before the first step, and its gradients at every step."""
        return [{"W": self.W1, "b": self.b1, "dLdW": self.dLdW1, "dLdb": self.dLdb1},
                {"W": self.W2, "b": self.b2, "dLdW": self.dLdW2, "dLdb": self.dLdb2}]


SGD_EDGE_SHAPES = [((1, 1), (1, 1)), ((1, 3), (2, 1)), ((3, 1), (3, 1)), ((2, 4), (2, 4)), ((4, 2), (1, 4)),
                   ((3, 3), (2, 3))]  # the layers' W shapes: one entry, a row, a column, the same twice, mixed
SGD_RANDOM_CASES = 6
LEARNING_RATES = (0.01, 0.05, 0.1, 0.2, 0.5)
MOMENTA = (0.5, 0.8, 0.9, 0.95)


def sgd_case(rng: np.random.Generator, shapes, steps: int = 3) -> SGDCase:
    (o1, i1), (o2, i2) = shapes
    return SGDCase(W1=_values(rng, (o1, i1)), b1=_values(rng, (o1, 1)), W2=_values(rng, (o2, i2)),
                   b2=_values(rng, (o2, 1)), dLdW1=_values(rng, (steps, o1, i1)), dLdb1=_values(rng, (steps, o1, 1)),
                   dLdW2=_values(rng, (steps, o2, i2)), dLdb2=_values(rng, (steps, o2, 1)),
                   lr=np.array(rng.choice(LEARNING_RATES)), mu=np.array(rng.choice(MOMENTA)))


def sgd_cases(rng: np.random.Generator) -> list[SGDCase]:
    """Edge shapes, then random ones of up to 8 x 8; half the models have two layers of the same shape
    (where one velocity shared by both layers gives wrong values rather than a broadcasting error)."""
    shapes = list(SGD_EDGE_SHAPES)
    for _ in range(SGD_RANDOM_CASES):
        first = tuple(int(d) for d in rng.integers(1, 9, size=2))
        shapes.append((first, first if rng.random() < 0.5 else tuple(int(d) for d in rng.integers(1, 9, size=2))))
    return [sgd_case(rng, pair) for pair in shapes]


# -------------------------------------------------------------------- MLPs


@dataclass(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class MLPCase:
    """An input batch, the gradient at the output, and every Linear layer's W and b. Whole numbers in
    [-2, 2]: every value of the forward and backward passes is a whole number far below 2**24, exact in
    float32, so a float32 Linear passes and no ReLU sees a rounding error on the wrong side of 0."""

    A0: np.ndarray  # (N, C_0)
    dLdA: np.ndarray  # (N, C_K): the gradient of the loss with respect to the MLP's output
    W1: np.ndarray  # layer i's W (C_i, C_i-1) and b (C_i, 1); shape (0,) past the model's last layer
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    W3: np.ndarray
    b3: np.ndarray
    W4: np.ndarray
    b4: np.ndarray
    W5: np.ndarray
    b5: np.ndarray

    def __str__(self):
        return describe(**{k: v for k, v in vars(self).items() if v.size})

    @property
    def size(self) -> int:
        return self.A0.size

    def layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) of each Linear layer, in order."""
        return [(getattr(self, f"W{i}"), getattr(self, f"b{i}")) for i in range(1, 6) if getattr(self, f"W{i}").size]


MLP_BATCHES = [1, 1, 2, 3]  # the edge batch sizes; then random ones up to MAX_DIM
MLP_RANDOM_CASES = 4


def whole(rng: np.random.Generator, shape, low: int = -2, high: int = 2) -> np.ndarray:
    return rng.integers(low, high + 1, size=shape).astype(np.float64)


def mlp_case(rng: np.random.Generator, widths, n: int) -> MLPCase:
    params = {}
    for i in range(1, 6):
        if i < len(widths):
            params[f"W{i}"] = whole(rng, (widths[i], widths[i - 1]))
            params[f"b{i}"] = whole(rng, (widths[i], 1), -1)  # more often positive: fewer layers dead for all N
        else:
            params[f"W{i}"], params[f"b{i}"] = np.zeros(0), np.zeros(0)
    return MLPCase(A0=whole(rng, (n, widths[0])), dLdA=nonzero(whole(rng, (n, widths[-1]))), **params)


def nonzero(x: np.ndarray) -> np.ndarray:
    """`x`, with a 1 in its first entry when it is all zeros: where everything is 0, every wiring of the layers
    gives 0 (such an input tells nothing, and a model returning zeros would pass it)."""
    if x.size and not x.any():
        x.flat[0] = 1.0
    return x


def mlp_cases(widths):
    """The seeded cases of an MLP whose Linear layers have `widths` (2, 3, 2): N = 1 first, then random N."""
    def cases(rng: np.random.Generator) -> list[MLPCase]:
        batches = MLP_BATCHES + [int(n) for n in rng.integers(1, MAX_DIM + 1, size=MLP_RANDOM_CASES)]
        return [mlp_case(rng, widths, n) for n in batches]

    cases.__name__ = cases.__qualname__ = "mlp_cases_" + "_".join(map(str, widths))
    return cases


KINDS.update({cls.__name__: cls for cls in (SGDCase, MLPCase)})
