"""Every input case the grader uses, and the seeded generators of them.

Each kind of input is one frozen record (`record.py`: compared and hashed by identity, so
checks can memoise per case). `*_cases(rng)` gives a fixed list of edge shapes
plus seeded random ones (a `numpy.random.Generator` is passed in: no global
random state anywhere). The hypothesis strategies that build the same
records live in `strategies.py`; checks name them with `draw(...)`, so that
hypothesis is imported only when examples must be drawn or a failure shrunk.
This module needs numpy only.
"""
from __future__ import annotations

import importlib
import json

import numpy as np

from .compare import shape_str
from .record import fields, record


@record(frozen=True)
class Draw:
    """A hypothesis strategy by name: `strategies.<name>(**kwargs)`, or `<module>:<name>(**kwargs)` for
    an assignment's own strategies module, built on first use."""

    name: str
    kwargs: tuple = ()

    def build(self):
        from . import strategies  # imports hypothesis

        module, _, name = self.name.rpartition(":")
        return getattr(importlib.import_module(module) if module else strategies, name)(**dict(self.kwargs))

    @property
    def module(self) -> str:
        """The dotted name of the module its strategy comes from ('' for strategies.py)."""
        return self.name.rpartition(":")[0]


def draw(name: str, **kwargs) -> Draw:
    return Draw(name, tuple(sorted(kwargs.items())))


EDGE_SHAPES = [(1, 1, 1), (1, 3, 2), (4, 1, 3), (3, 4, 1), (5, 5, 5), (2, 6, 3), (7, 3, 4)]
RANDOM_CASES = 20  # seeded random cases per test, on top of the edge shapes
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



SHOWN_MOST = 40  # entries of an array shown in full (helper-214: a 5 x 5 batch, the one input of a failure, was "...")


def describe(**arrays) -> str:
    """Shapes, and the values of small arrays, for a student to replay by hand."""
    parts = []
    for name, value in arrays.items():
        if isinstance(value, np.ndarray) and value.ndim == 0:  # a number kept as an array (SGD's lr)
            parts.append(f"{name} = {value.item()!r}")
        elif isinstance(value, np.ndarray):
            shown = np.array2string(value, precision=4, separator=", ") if value.size <= SHOWN_MOST else "..."
            parts.append(f"{name} {shape_str(value.shape)} = {shown}")
        else:
            parts.append(f"{name} = {value!r}")
    return "\n".join(parts)


# ------------------------------------------------------------------ Linear


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class LinearCase:
    """One input of the Linear checks: weights, bias, a batch, the gradient at the output."""
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


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class ActivationCase:
    """One input of the activation checks: a batch Z, the gradient dLdA, and an earlier batch Z0."""
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


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class LossCase:
    """One input of the CrossEntropyLoss checks: logits A and targets Y, an earlier pair, and a shift."""
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
    """The edge shapes and seeded random ones, then a square batch of equal logits: a uniform softmax, the loss
    log C, dLdA (1 / C - Y) / N. (There a softmax over the batch is right too: its backward then has an input whose
    dLdA is not 0 to be judged on, whatever the seed, where it was credited at some seeds and not at others.)"""
    cases = []
    for n, c, _ in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        shift = rng.choice([-1, 1], size=(n, 1)) * np.round(rng.uniform(500, 5000, size=(n, 1)))
        cases.append(LossCase(A=logits(rng, (n, c)), Y=one_hot(rng.integers(0, c, size=n), c),
                              A0=logits(rng, (n0, c)), Y0=one_hot(rng.integers(0, c, size=n0), c), shift=shift))
    n = 4
    cases.append(LossCase(A=np.zeros((n, n)), Y=one_hot(rng.integers(0, n, size=n), n), A0=logits(rng, (n, n)),
                          Y0=one_hot(rng.integers(0, n, size=n), n), shift=np.full((n, 1), 1000.0)))
    return cases


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class GapCase:
    """One input of the large-logit checks: logits A whose rows have one far above the rest, targets Y."""
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
        for field in fields(case):
            arrays[f"{prefix}{i}.{field.name}"] = getattr(case, field.name)
    return arrays


def pack(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Many small named arrays as two: their bytes end to end, and a JSON index of names, dtypes, shapes
    and offsets (an .npz of thousands of members is read one zip member at a time, which is slow)."""
    index, chunks, at = [], [], 0
    for name, value in arrays.items():
        value = np.asarray(value)  # (not ascontiguousarray, which makes a 0-d array 1-d)
        if value.dtype.kind not in "biufU":
            raise ValueError(f"{name}: dtype {value.dtype} cannot be packed")
        data = value.tobytes()
        index.append([name, value.dtype.str, list(value.shape), at, len(data)])
        chunks.append(data)
        at += len(data)
    return {"index": np.frombuffer(json.dumps(index).encode(), dtype=np.uint8),
            "data": np.frombuffer(b"".join(chunks), dtype=np.uint8)}


def unpack(data) -> dict[str, np.ndarray]:
    """The arrays `pack` stored. Raises KeyError, ValueError or TypeError on anything else."""
    buffer = np.asarray(data["data"], dtype=np.uint8)
    found = {}
    index = data["index"]  # (bytes, or an array of them)
    index = index if isinstance(index, bytes) else bytes(np.asarray(index, dtype=np.uint8))
    for name, dtype, shape, at, size in json.loads(index):
        if np.dtype(dtype).kind not in "biufU" or not 0 <= at <= at + size <= buffer.size:
            raise ValueError(f"{name}: bad entry")
        value = np.frombuffer(buffer, dtype, size // max(1, np.dtype(dtype).itemsize), at).reshape(shape)
        value.flags.writeable = False  # a view of the one buffer: nobody writes through it
        found[str(name)] = value
    return found


def from_arrays(data, prefix: str = "") -> list:
    """The cases `to_arrays` stored. Raises KeyError or ValueError on anything else."""
    kinds = [str(k) for k in data[f"{prefix}kind"]]
    found = []
    for i in range(int(data[f"{prefix}count"])):
        cls = KINDS[kinds[i]]
        found.append(cls(**{f.name: np.array(data[f"{prefix}{i}.{f.name}"]) for f in fields(cls)}))
    return found


# ------------------------------------------------- smooth activations (Identity, Sigmoid, Tanh, GELU)

GRADIENT_BOUND = 3.0  # |dLdA| of the smooth activations' inputs


def bounded_gradients(rng: np.random.Generator, shape) -> np.ndarray:
    """dLdA within +-3: near A = +-1 a float32 A is off by about 6e-8, so a correct float32 dA/dZ
    (1 - A*A, A - A*A) is off by about 1.2e-7 * |dLdA| in dLdZ, which must stay below the 1e-6 the
    tolerance allows where every expected value is small (a 1x1 input with Z near 6)."""
    x = rng.standard_normal(shape) * rng.choice([0.1, 1.0], size=shape)
    return np.clip(x, -GRADIENT_BOUND, GRADIENT_BOUND)


def smooth_cases(rng: np.random.Generator) -> list[ActivationCase]:
    """Z of mixed magnitude (|Z| up to about 40, a tenth of it exactly 0: far below the 709 where exp
    overflows), dLdA within +-3, and an earlier input Z0."""
    cases = []
    for n, c, _ in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(ActivationCase(Z=_values(rng, (n, c), 0.1), dLdA=bounded_gradients(rng, (n, c)),
                                    Z0=_values(rng, (n0, c))))
    return cases


def large_input_cases(rng: np.random.Generator) -> list[ActivationCase]:
    """Every entry of Z 710 to 1000 in size (whole numbers), either sign: exp(|Z|) overflows float64
    (past 709.8), while tanh(Z) is +-1. The edge shapes only, with [[800]] and [[-1000]] first."""
    cases = [ActivationCase(Z=np.array([[800.0]]), dLdA=np.ones((1, 1)), Z0=np.zeros((1, 1))),
             ActivationCase(Z=np.array([[-1000.0]]), dLdA=np.ones((1, 1)), Z0=np.zeros((1, 1)))]
    for n, c, _ in EDGE_SHAPES[1:]:
        Z = rng.choice([-1.0, 1.0], size=(n, c)) * np.round(rng.uniform(710, 1000, size=(n, c)))
        cases.append(ActivationCase(Z=Z, dLdA=bounded_gradients(rng, (n, c)), Z0=np.zeros((1, c))))
    return cases
# --------------------------------------------------------------- BatchNorm1d


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class BatchNormCase:
    """One input of the BatchNorm1d checks: three training batches, an evaluation batch, BW and Bb,
    the gradient at BZ, and alpha."""
    Z: np.ndarray  # the first training batch (N, C); also the batch backward is graded on
    Z2: np.ndarray  # the second and third training batches (N2, C), (N3, C)
    Z3: np.ndarray
    Zeval: np.ndarray  # an evaluation-mode input (Ne, C), after the three training batches
    BW: np.ndarray  # (1, C), set by the grader: |BW| within 0.5 and 2, either sign
    Bb: np.ndarray  # (1, C), set by the grader
    dLdBZ: np.ndarray  # (N, C)
    alpha: float  # the layer's alpha (0.9, the default, in the edge cases)

    def __str__(self):
        return describe(Z=self.Z, BW=self.BW, Bb=self.Bb, dLdBZ=self.dLdBZ)

    @property
    def size(self) -> int:
        return self.Z.size  # the batch most tests judge: the smallest failing one is reported


def spread(Z: np.ndarray, least: float = 0.1) -> np.ndarray:
    """Z with every column of two rows or more spread out: a biased standard deviation of at least
    `least` and a tenth of the column's mean, so (Z - M) / sqrt(V + eps) is far from eps's reach and
    float32 keeps ~6 digits of Z - M. A (near-)constant column gets evenly spaced values instead."""
    Z = np.array(Z, dtype=np.float64)
    if Z.shape[0] < 2:
        return Z
    M = Z.mean(axis=0)
    D = Z - M
    std = D.std(axis=0)
    target = np.maximum(least, 0.1 * np.abs(M))
    flat = std < 1e-3 * target
    D[:, flat] = np.linspace(-1.0, 1.0, Z.shape[0])[:, None]
    std = D.std(axis=0)
    return M + D * np.where(std < target, target / std, 1.0)


def _batch(rng: np.random.Generator, n: int, mu: np.ndarray, s: np.ndarray) -> np.ndarray:
    return spread(mu + s * rng.standard_normal((n, mu.size)), least=0.25 * float(s.min()))


BATCHNORM_EDGE_SHAPES = [(1, 1), (1, 3), (4, 1), (3, 4), (5, 5), (2, 6), (7, 3)]


def batchnorm_cases(rng: np.random.Generator, shapes=None) -> list[BatchNormCase]:
    """Columns of one case share a scale (0.3, 1 or 3, within a factor of 2) and have means within
    3 of those scales: no column's variance nears eps, and float32 keeps the normalisation exact to ~1e-6.
    The edge shapes (N = 1, C = 1, non-square) come first and use the default alpha = 0.9."""
    cases = []
    if shapes is None:
        shapes = BATCHNORM_EDGE_SHAPES + [s[:2] for s in _shapes(rng)[len(EDGE_SHAPES):]]
    for i, (n, c) in enumerate(shapes):
        s = float(rng.choice([0.3, 1.0, 3.0])) * rng.uniform(0.7, 1.4, size=c)
        mu = rng.uniform(-3, 3, size=c) * s
        n2, n3, ne = (int(k) for k in rng.integers(1, MAX_DIM + 1, size=3))
        alpha = 0.9 if i < len(BATCHNORM_EDGE_SHAPES) else float(rng.choice([0.9, 0.9, 0.8, 0.95]))
        cases.append(BatchNormCase(
            Z=_batch(rng, n, mu, s), Z2=_batch(rng, n2, mu, s), Z3=_batch(rng, n3, mu, s),
            Zeval=mu + s * rng.standard_normal((ne, c)),
            BW=rng.choice([-1.0, 1.0], size=(1, c)) * rng.uniform(0.5, 2.0, size=(1, c)),
            Bb=rng.standard_normal((1, c)), dLdBZ=_values(rng, (n, c)), alpha=alpha))
    return cases


KINDS[BatchNormCase.__name__] = BatchNormCase
# ------------------------------------------------------------ Softmax and MSELoss


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class SoftmaxCase:
    """One input of the Softmax checks: a batch Z, the gradient dLdA, an earlier batch Z0, and a shift."""
    Z: np.ndarray  # (N, C) float64, multiples of 1/256 (float32-exact), within +-8
    dLdA: np.ndarray  # (N, C), entries of magnitude 0.01 to 1
    Z0: np.ndarray  # an earlier input, forwarded before Z (N0, C)
    shift: np.ndarray  # (1, 1): a whole number of 500 to 5000, either sign, added to every entry of Z

    def __str__(self):
        return describe(Z=self.Z, dLdA=self.dLdA)

    @property
    def size(self) -> int:
        return self.Z.size

    @property
    def shifted(self) -> np.ndarray:
        """Z with every row moved by the same constant: the same softmax, and Z + shift is float32-exact too.
        One constant for the whole batch, so subtracting the batch's max (a per-row constant, like the
        row's own max) stays as exact as subtracting each row's max."""
        return self.Z + self.shift


def softmax_inputs(rng: np.random.Generator, shape) -> np.ndarray:
    """Mixed magnitudes (rows near uniform, rows near one-hot) within +-8, rounded to multiples of 1/256 so
    that Z + shift is exact in float32."""
    return float32_exact(np.clip(_values(rng, shape), -8, 8))


def softmax_gradients(rng: np.random.Generator, shape) -> np.ndarray:
    """dLdA of magnitude 0.01 to 1. Where a row is nearly one-hot, dLdZ = a * (dLdA - a . dLdA) is a
    difference of nearly equal numbers, which float32 gets to about 1e-7 * max |dLdA|: with |dLdA| up to
    about 4 that stays 5 times inside the tolerance (1e-6 where dLdZ is small); with |dLdA| of 25 it does not."""
    return rng.standard_normal(shape) * _MAGNITUDES[rng.integers(0, 3, size=shape)]


def softmax_cases(rng: np.random.Generator) -> list[SoftmaxCase]:
    """Float inputs (policy: every input is float64, so code that builds its output with np.zeros_like(Z)
    is right)."""
    cases = []
    for n, c, _ in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        shift = rng.choice([-1.0, 1.0]) * np.round(rng.uniform(500, 5000, size=(1, 1)))
        cases.append(SoftmaxCase(Z=softmax_inputs(rng, (n, c)), dLdA=softmax_gradients(rng, (n, c)),
                                 Z0=softmax_inputs(rng, (n0, c)), shift=shift))
    return cases


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class MSECase:
    """One input of the MSELoss checks: predictions A and targets Y, and an earlier pair."""
    A: np.ndarray  # predictions (N, C)
    Y: np.ndarray  # targets (N, C)
    A0: np.ndarray  # earlier predictions, forwarded before A (N0, C)
    Y0: np.ndarray  # their targets (N0, C)

    def __str__(self):
        return describe(A=self.A, Y=self.Y)

    @property
    def size(self) -> int:
        return self.A.size


def mse_cases(rng: np.random.Generator) -> list[MSECase]:
    """The edge shapes and seeded random ones, then a perfect prediction, A = Y (not 0): the loss and dLdA are 0.
    (A backward right only where Y is 0 too, -2 Y / (N C) say, behind a forward wrong wherever the loss is not 0,
    had passed on hypothesis's A = Y = 0 alone and kept its points: helper-127.)"""
    cases = []
    for n, c, _ in _shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(MSECase(A=_values(rng, (n, c)), Y=_values(rng, (n, c)),
                             A0=_values(rng, (n0, c)), Y0=_values(rng, (n0, c))))
    Y = _values(rng, (3, 4))
    cases.append(MSECase(A=Y.copy(), Y=Y, A0=_values(rng, (2, 4)), Y0=_values(rng, (2, 4))))
    return cases


KINDS.update({cls.__name__: cls for cls in (SoftmaxCase, MSECase)})
# --------------------------------------------------------------------- SGD


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
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


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
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
