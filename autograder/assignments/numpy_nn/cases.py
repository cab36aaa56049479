"""The inputs of the numpy-nn checks: one frozen record per kind, and their seeded generators
(numpy only; the hypothesis strategies that build the same records are in strategies.py).

Every field is an array (a layer's name is a 0-d string array, use_bias a 0-d bool array), so the
cases travel to fixtures and to the example cache as plain arrays; the kinds are registered in
`autograder.cases.KINDS` under names of their own (NumpyNN...), apart from mytorch's.

Shapes: a batch has 0 to 3 leading batch dimensions before its last axis (features or classes):
[C] (one sample), [N, C], [B, T, C], [A, B, T, C]. The edge shapes come first: one sample, one
feature, non-square layers.
"""
from __future__ import annotations

import numpy as np

from ...cases import KINDS, MAX_DIM, _values, bounded_gradients, describe, logits, one_hot
from ...record import record

# The strategies module, named for `draw` and never imported here: it imports hypothesis, which a graded run
# whose examples are kept on disk does not need.
STRATEGIES = "autograder.assignments.numpy_nn.strategies"
NAMES = ("fc1", "hidden", "out", "layer_2", "Dense_1", "encoder/proj")  # layer names other than the default
RANDOM_CASES = 29  # seeded random cases per generator, after the edge shapes (more than mytorch: see nnfs)
EDGE_2D = [(1, 1, 1), (1, 3, 2), (4, 1, 3), (3, 4, 1), (5, 5, 5), (2, 6, 3), (7, 3, 4)]  # (N, in_dim, out_dim)
# Leading batch dimensions other than one: none (one sample), two, three.
EDGE_BATCH = [(), (1, 1), (1, 1, 1), (3,), (2, 3), (2, 1, 3), (1, 4), (2, 2, 2)]
EDGE_DIMS = [(1, 1), (2, 3), (3, 1), (4, 2), (3, 3), (1, 2), (2, 4), (3, 2)]


def _text(value) -> str:
    return str(np.asarray(value).reshape(()).item())  # (.item(): numpy prints a 0-d array five times slower)


# ------------------------------------------------------------------ Dense


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class NumpyNNDenseCase:
    """One input of the Dense checks."""
    x: np.ndarray  # [..., in_dim]
    W: np.ndarray  # [in_dim, out_dim]
    b: np.ndarray  # [out_dim] (not set on the layer when use_bias is False)
    backwards_gradient: np.ndarray  # [..., out_dim]: dL/dy
    name: np.ndarray  # 0-d str: the layer's name
    use_bias: np.ndarray  # 0-d bool

    def __str__(self):
        shown = dict(x=self.x, W=self.W, b=self.b) if self.bias else dict(x=self.x, W=self.W)
        return describe(**shown, backwards_gradient=self.backwards_gradient, name=self.layer_name, use_bias=self.bias)

    @property
    def size(self) -> int:
        return self.x.size + self.W.size

    @property
    def layer_name(self) -> str:
        return _text(self.name)

    @property
    def bias(self) -> bool:
        return bool(np.asarray(self.use_bias).reshape(()))

    @property
    def dims(self) -> tuple[int, int]:
        return int(self.W.shape[0]), int(self.W.shape[1])

    @property
    def samples(self) -> int:
        """The number of samples: the product of the leading batch dimensions."""
        return int(np.prod(self.x.shape[:-1], dtype=np.int64))


def dense_case(rng: np.random.Generator, lead: tuple, c_in: int, c_out: int, name: str, use_bias: bool):
    return NumpyNNDenseCase(x=_values(rng, (*lead, c_in), 0.1), W=_values(rng, (c_in, c_out)),
                            b=_values(rng, (c_out,)), backwards_gradient=_values(rng, (*lead, c_out)),
                            name=np.array(name), use_bias=np.array(use_bias))


def _name(rng: np.random.Generator, i: int) -> str:
    """The default name for every other case (the first ones included), another name otherwise."""
    return "Dense" if i % 2 == 0 else str(rng.choice(NAMES))


def _random_dims(rng: np.random.Generator) -> tuple[int, int]:
    return int(rng.integers(1, MAX_DIM + 1)), int(rng.integers(1, MAX_DIM + 1))


def _random_lead(rng: np.random.Generator, counts=(0, 2, 3)) -> tuple:
    """Leading batch dimensions: how many from `counts`, each 1 to 4 (at most 64 samples)."""
    return tuple(int(d) for d in rng.integers(1, 5, size=int(rng.choice(counts))))


def dense_cases(rng: np.random.Generator) -> list[NumpyNNDenseCase]:
    """Batches [N, in_dim]: the edge shapes (N = 1, in_dim = 1, out_dim = 1, non-square), then random
    ones up to 16; use_bias; every other layer named other than "Dense"."""
    shapes = EDGE_2D + [tuple(int(d) for d in rng.integers(1, MAX_DIM + 1, size=3)) for _ in range(RANDOM_CASES)]
    return [dense_case(rng, (n,), c_in, c_out, _name(rng, i), True) for i, (n, c_in, c_out) in enumerate(shapes)]


def dense_batch_cases(rng: np.random.Generator) -> list[NumpyNNDenseCase]:
    """x with no leading batch dimension (one sample [in_dim]), or two or three; use_bias."""
    shapes = list(zip(EDGE_BATCH, EDGE_DIMS)) + [(_random_lead(rng), _random_dims(rng)) for _ in range(RANDOM_CASES)]
    return [dense_case(rng, lead, c_in, c_out, _name(rng, i), True) for i, (lead, (c_in, c_out)) in enumerate(shapes)]


def dense_no_bias_cases(rng: np.random.Generator) -> list[NumpyNNDenseCase]:
    """use_bias=False, on batches [N, in_dim] (leading dimensions are the business of their own tests)."""
    shapes = EDGE_2D[:5] + [tuple(int(d) for d in rng.integers(1, MAX_DIM + 1, size=3)) for _ in range(10)]
    return [dense_case(rng, (n,), c_in, c_out, _name(rng, i), False) for i, (n, c_in, c_out) in enumerate(shapes)]


def dense_slope_cases(rng: np.random.Generator) -> list[NumpyNNDenseCase]:
    """Small layers for the finite-difference check (two forward calls per entry of x, W and b)."""
    return [dense_case(rng, (n,), c_in, c_out, _name(rng, i), True) for i, (n, c_in, c_out) in enumerate(EDGE_2D[:4])]


def large_dense_cases(rng: np.random.Generator) -> list[NumpyNNDenseCase]:
    """Larger layers and batches, one to three leading dimensions (official grading only)."""
    cases = []
    for i, lead in enumerate([(48,), (64,), (4, 12), (8, 8), (2, 4, 6), (3, 3, 5)]):
        c_in, c_out = int(rng.integers(16, 49)), int(rng.integers(8, 33))
        cases.append(NumpyNNDenseCase(
            x=rng.standard_normal((*lead, c_in)), W=rng.standard_normal((c_in, c_out)), b=rng.standard_normal(c_out),
            backwards_gradient=rng.standard_normal((*lead, c_out)), name=np.array(_name(rng, i)),
            use_bias=np.array(i != 3)))
    return cases


# ------------------------------------------------------------------ activations


class _Shown:
    """A case's text (its `SHOWN` fields, as `describe` writes them, for a student to replay by hand) and size
    (the first one's)."""
    SHOWN: tuple[str, ...] = ()

    def __str__(self):
        return describe(**{name: getattr(self, name) for name in self.SHOWN})

    @property
    def size(self) -> int:
        return getattr(self, self.SHOWN[0]).size


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class NumpyNNActivationCase(_Shown):
    """One input of the activation checks: x of any shape and dL/dy of the same shape."""
    x: np.ndarray
    backwards_gradient: np.ndarray

    SHOWN = ("x", "backwards_gradient")


def _activation_shapes(rng: np.random.Generator) -> list[tuple]:
    """The edge shapes (2-D first, then one sample and two or three leading dimensions), then random
    ones: half of them 2-D."""
    shapes = [(n, c) for n, c, _ in EDGE_2D] + [(3,), (1,), (2, 3, 2), (1, 2, 1, 3)]
    for _ in range(RANDOM_CASES):
        lead = (int(rng.integers(1, MAX_DIM + 1)),) if rng.random() < 0.5 else _random_lead(rng)
        shapes.append((*lead, int(rng.integers(1, MAX_DIM + 1))))
    return shapes


def relu_cases(rng: np.random.Generator, zeros: float = 0.2) -> list[NumpyNNActivationCase]:
    """Mixed magnitudes, a fraction `zeros` of x exactly 0 (none when 0: then x is never 0)."""
    cases = []
    for shape in _activation_shapes(rng):
        x = _values(rng, shape, zeros)
        if not zeros:
            x[x == 0] = 1.0
        cases.append(NumpyNNActivationCase(x=x, backwards_gradient=_values(rng, shape)))
    return cases


def relu_nonzero_cases(rng: np.random.Generator) -> list[NumpyNNActivationCase]:
    return relu_cases(rng, zeros=0.0)


def smooth_cases(rng: np.random.Generator) -> list[NumpyNNActivationCase]:
    """|x| up to about 40 (a tenth exactly 0), dL/dy within +-3: a float32 y near +-1 stays in tolerance."""
    return [NumpyNNActivationCase(x=_values(rng, shape, 0.1), backwards_gradient=bounded_gradients(rng, shape))
            for shape in _activation_shapes(rng)]


def large_input_cases(rng: np.random.Generator) -> list[NumpyNNActivationCase]:
    """|x| of 710 to 1000, either sign, where exp(|x|) overflows: [[800]] and [[-1000]] first."""
    cases = [NumpyNNActivationCase(x=np.array([[800.0]]), backwards_gradient=np.ones((1, 1))),
             NumpyNNActivationCase(x=np.array([[-1000.0]]), backwards_gradient=np.ones((1, 1)))]
    for shape in [(1, 3), (4, 1), (3, 4), (5,), (2, 2, 3)]:
        x = rng.choice([-1.0, 1.0], size=shape) * np.round(rng.uniform(710, 1000, size=shape))
        cases.append(NumpyNNActivationCase(x=x, backwards_gradient=bounded_gradients(rng, shape)))
    return cases


def large_activation_cases(rng: np.random.Generator) -> list[NumpyNNActivationCase]:
    """Large batches with three leading dimensions or one (official grading only)."""
    cases = []
    for shape in [(48, 32), (64, 20), (4, 8, 16), (2, 3, 4, 24)]:
        x = rng.standard_normal(shape) * 3  # (no exact 0: ReLU's derivative there is graded apart)
        cases.append(NumpyNNActivationCase(x=x, backwards_gradient=bounded_gradients(rng, shape)))
    return cases


# ------------------------------------------------------------------ losses


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class NumpyNNMSECase(_Shown):
    """One input of the MSE checks: predictions and targets of one shape."""
    y_pred: np.ndarray
    y_true: np.ndarray

    SHOWN = ("y_pred", "y_true")


def mse_cases(rng: np.random.Generator) -> list[NumpyNNMSECase]:
    """[N, C] mostly (the edge shapes first), some [N] and [B, T, C]."""
    shapes = [(n, c) for n, c, _ in EDGE_2D] + [(1,), (4,), (2, 3, 2)]
    for _ in range(RANDOM_CASES):
        shapes.append(tuple(int(d) for d in rng.integers(1, MAX_DIM + 1, size=int(rng.choice([1, 2, 2, 2, 3])))))
    return [NumpyNNMSECase(y_pred=_values(rng, shape), y_true=_values(rng, shape)) for shape in shapes]


def large_mse_cases(rng: np.random.Generator) -> list[NumpyNNMSECase]:
    return [NumpyNNMSECase(y_pred=rng.standard_normal(shape) * 3, y_true=rng.standard_normal(shape))
            for shape in [(64, 16), (48, 40), (4, 8, 10)]]


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class NumpyNNCECase(_Shown):
    """One input of the CrossEntropy checks: logits [N, C], one-hot labels, and a shift per row."""
    y_pred: np.ndarray  # logits, float32-exact, within +-6: no label's probability nears underflow
    y_true: np.ndarray  # one-hot [N, C]
    shift: np.ndarray  # [N, 1] whole numbers of 500 to 5000, either sign: y_pred + shift has the same softmax

    SHOWN = ("y_pred", "y_true")

    @property
    def shifted(self) -> np.ndarray:
        return self.y_pred + self.shift


def ce_cases(rng: np.random.Generator) -> list[NumpyNNCECase]:
    shapes = [(n, c) for n, c, _ in EDGE_2D]
    shapes += [(int(rng.integers(1, MAX_DIM + 1)), int(rng.integers(1, MAX_DIM + 1))) for _ in range(RANDOM_CASES)]
    cases = []
    for n, c in shapes:
        shift = rng.choice([-1, 1], size=(n, 1)) * np.round(rng.uniform(500, 5000, size=(n, 1)))
        cases.append(NumpyNNCECase(y_pred=logits(rng, (n, c)), y_true=one_hot(rng.integers(0, c, size=n), c),
                                   shift=shift))
    return cases


def large_ce_cases(rng: np.random.Generator) -> list[NumpyNNCECase]:
    cases = []
    for _ in range(4):
        n, c = int(rng.integers(32, 65)), int(rng.integers(10, 41))
        cases.append(NumpyNNCECase(y_pred=logits(rng, (n, c)), y_true=one_hot(rng.integers(0, c, size=n), c),
                                   shift=rng.integers(500, 5001, size=(n, 1)).astype(float)))
    return cases


@record(frozen=True, eq=False)  # hashed by identity: checks memoise per case
class NumpyNNGapCase(_Shown):
    """Logits where one per row is 100 to 1020 above the others, the label never on it."""
    y_pred: np.ndarray
    y_true: np.ndarray

    SHOWN = ("y_pred", "y_true")


def gap_cases(rng: np.random.Generator) -> list[NumpyNNGapCase]:
    """The label's probability far below any eps (exp(-100) ~ 4e-44; past a gap of 745, below float64's
    smallest number): only log-sum-exp gets these losses right."""
    cases = []
    for n, c in [(1, 2), (2, 3), (1, 5), (3, 4), (5, 2), (4, 7), (6, 3), (2, 10)]:
        y = logits(rng, (n, c))
        top = rng.integers(0, c, size=n)
        y[np.arange(n), top] += np.round(rng.choice([100.0, 300.0, 800.0, 1000.0], size=n) + rng.uniform(0, 20, size=n))
        label = (top + rng.integers(1, c, size=n)) % c
        cases.append(NumpyNNGapCase(y_pred=y, y_true=one_hot(label, c)))
    return cases


KINDS.update({cls.__name__: cls for cls in (NumpyNNDenseCase, NumpyNNActivationCase, NumpyNNMSECase, NumpyNNCECase,
                                            NumpyNNGapCase)})
