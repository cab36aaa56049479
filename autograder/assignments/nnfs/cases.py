"""The inputs of the nnfs checks: one frozen record per kind (hashed by identity, so checks memoise per
case) and the seeded generators (numpy only). Registered in `autograder.cases.KINDS`, so fixtures and the
example cache can store them. Field names are the student API's (`inputs`, `dvalues`, `predict`, `target`),
as failure messages show them.

Every generator starts with the edge shapes (N = 1, C = 1, non-square, square: N = C is where class indices
mistaken for one-hot rows broadcast into wrong values instead of raising), then random shapes up to 16.
"""
from __future__ import annotations

import numpy as np

from ...cases import EDGE_SHAPES, KINDS, MAX_DIM, describe, float32_exact
from ...record import record

_MAGNITUDES = np.array([0.01, 0.1, 1.0, 10.0])
# Seeded random cases per generator, after the edge shapes. More than mytorch's 20: five classes share the
# 2,000 inputs a run checks (mytorch has fourteen), and an input is cheap where every test of a method reads
# the same run of it.
RANDOM_CASES = 36
LOGIT_BOUND = 2.0  # ordinary logits: every probability >= e^-4 / 16 ~ 1.1e-3 (far from the clip at 1e-7)


def shapes(rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """(N, C, K) triples: the edge shapes, then random ones up to MAX_DIM (K: a layer's second width)."""
    return EDGE_SHAPES + [tuple(int(d) for d in rng.integers(1, MAX_DIM + 1, size=3)) for _ in range(RANDOM_CASES)]


def values(rng: np.random.Generator, shape, zeros: float = 0.0) -> np.ndarray:
    """Normal values of mixed magnitude (0.01 to 10), a fraction `zeros` of them exactly 0."""
    x = rng.standard_normal(shape) * _MAGNITUDES[rng.integers(0, 4, size=shape)]
    if zeros:
        x[rng.random(shape) < zeros] = 0.0
    return x


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def logits(rng: np.random.Generator, shape, bound: float = LOGIT_BOUND) -> np.ndarray:
    """Float32-exact logits within +-bound (so a float32 implementation sees the very same inputs)."""
    return float32_exact(np.clip(rng.standard_normal(shape) * bound / 2, -bound, bound))


def labels(rng: np.random.Generator, n: int, c: int, sparse: bool) -> np.ndarray:
    """n class indices (int64, shape (n,)), or the same as one-hot rows (float64, (n, c))."""
    found = rng.integers(0, c, size=n).astype(np.int64)
    return found if sparse else np.eye(c)[found]


# ------------------------------------------------------------------ LayerDense


@record(frozen=True, eq=False)
class NnfsDenseCase:
    """A layer's weights and biases (set by the grader), a batch, the gradient at the output, and an
    earlier round (inputs0, dvalues0) for the repeated-calls test."""
    weights: np.ndarray  # (n_inputs, n_neurons)
    biases: np.ndarray  # (1, n_neurons)
    inputs: np.ndarray  # (N, n_inputs), a tenth of it exactly 0
    dvalues: np.ndarray  # (N, n_neurons)
    inputs0: np.ndarray  # (N0, n_inputs)
    dvalues0: np.ndarray  # (N0, n_neurons)

    def __str__(self):
        return describe(weights=self.weights, biases=self.biases, inputs=self.inputs, dvalues=self.dvalues)

    @property
    def size(self) -> int:
        return self.weights.size + self.inputs.size


def dense_cases(rng: np.random.Generator) -> list[NnfsDenseCase]:
    cases = []
    for n, n_in, n_out in shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(NnfsDenseCase(weights=values(rng, (n_in, n_out)), biases=values(rng, (1, n_out)),
                                   inputs=values(rng, (n, n_in), 0.1), dvalues=values(rng, (n, n_out)),
                                   inputs0=values(rng, (n0, n_in)), dvalues0=values(rng, (n0, n_out))))
    return cases


# ------------------------------------------------------------------ ActivationReLU


@record(frozen=True, eq=False)
class NnfsActivationCase:
    """A batch of inputs (exact zeros among them, or none), the gradient at the output, an earlier batch."""
    inputs: np.ndarray  # (N, C)
    dvalues: np.ndarray  # (N, C)
    inputs0: np.ndarray  # (N0, C), forwarded before inputs

    def __str__(self):
        return describe(inputs=self.inputs, dvalues=self.dvalues)

    @property
    def size(self) -> int:
        return self.inputs.size


def relu_cases(rng: np.random.Generator, zeros: float = 0.2) -> list[NnfsActivationCase]:
    """A fraction `zeros` of the inputs exactly 0 (none when 0)."""
    cases = []
    for n, c, _ in shapes(rng):
        inputs = values(rng, (n, c), zeros)
        if not zeros:
            inputs[inputs == 0] = 1.0
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(NnfsActivationCase(inputs=inputs, dvalues=values(rng, (n, c)), inputs0=values(rng, (n0, c))))
    return cases


def relu_nonzero_cases(rng: np.random.Generator) -> list[NnfsActivationCase]:
    return relu_cases(rng, zeros=0.0)


# ------------------------------------------------------------------ ActivationSoftMax


@record(frozen=True, eq=False)
class NnfsSoftmaxCase:
    """Inputs within +-8 (float32-exact), the gradient at the output, an earlier batch, and one shift of 500
    to 5000 (either sign) for the whole batch: the same softmax (a whole batch moved by one constant, so
    subtracting the batch's max passes as well as each row's)."""
    inputs: np.ndarray  # (N, C)
    dvalues: np.ndarray  # (N, C), entries of magnitude 0.01 to 1
    inputs0: np.ndarray  # (N0, C)
    shift: np.ndarray  # (1, 1)

    def __str__(self):
        return describe(inputs=self.inputs, dvalues=self.dvalues)

    @property
    def size(self) -> int:
        return self.inputs.size

    @property
    def shifted(self) -> np.ndarray:
        return self.inputs + self.shift


def softmax_gradients(rng: np.random.Generator, shape) -> np.ndarray:
    """dvalues of magnitude 0.01 to 1: where a row is nearly one-hot, J @ dvalues is a difference of nearly
    equal numbers, which float32 gets to ~1e-7 * max |dvalues|, well inside the tolerance."""
    return rng.standard_normal(shape) * _MAGNITUDES[rng.integers(0, 3, size=shape)]


def softmax_cases(rng: np.random.Generator) -> list[NnfsSoftmaxCase]:
    cases = []
    for n, c, _ in shapes(rng):
        n0 = int(rng.integers(1, MAX_DIM + 1))
        cases.append(NnfsSoftmaxCase(
            inputs=float32_exact(np.clip(values(rng, (n, c)), -8, 8)), dvalues=softmax_gradients(rng, (n, c)),
            inputs0=float32_exact(np.clip(values(rng, (n0, c)), -8, 8)),
            shift=rng.choice([-1.0, 1.0]) * np.round(rng.uniform(500, 5000, size=(1, 1)))))
    return cases


# ------------------------------------------------------------------ LossCrossEntropy


@record(frozen=True, eq=False)
class NnfsLossCase:
    """Predicted probabilities and targets: class indices (N,) or one-hot rows (N, C). backward is given
    predict as its dvalues, as nnfs does."""
    predict: np.ndarray  # (N, C), rows summing to 1
    target: np.ndarray  # (N,) int64, or (N, C) one-hot float64

    def __str__(self):
        return describe(predict=self.predict, target=self.target)

    @property
    def size(self) -> int:
        return self.predict.size

    @property
    def sparse(self) -> bool:
        return self.target.ndim == 1


def loss_cases(rng: np.random.Generator, sparse: bool) -> list[NnfsLossCase]:
    """Softmax rows of logits within +-2: every probability is 1.1e-3 or more, so clipping at 1e-7 (or at
    1e-15, or none, or adding 1e-7) changes no loss by more than the tolerance (README: the clipping policy)."""
    return [NnfsLossCase(predict=softmax(logits(rng, (n, c))), target=labels(rng, n, c, sparse))
            for n, c, _ in shapes(rng)]


def loss_sparse_cases(rng: np.random.Generator) -> list[NnfsLossCase]:
    return loss_cases(rng, True)


def loss_onehot_cases(rng: np.random.Generator) -> list[NnfsLossCase]:
    return loss_cases(rng, False)


def loss_mixed_cases(rng: np.random.Generator) -> list[NnfsLossCase]:
    """Both kinds of target, alternating (calculate's test: the mean, whatever the targets)."""
    return [NnfsLossCase(predict=softmax(logits(rng, (n, c))), target=labels(rng, n, c, i % 2 == 0))
            for i, (n, c, _) in enumerate(shapes(rng))]


def clip_cases(rng: np.random.Generator) -> list[NnfsLossCase]:
    """Confident predictions: rows that are one-hot (probabilities exactly 0 and 1), so some targets get a
    probability of exactly 0 (the loss is -log(1e-7) once clipped) and some exactly 1 (about 0). Every such
    row is mixed with ordinary ones; both kinds of target. At least two classes."""
    cases = []
    random = shapes(rng)[len(EDGE_SHAPES):len(EDGE_SHAPES) + 9]
    for i, (n, c, _) in enumerate([(1, 2, 0), (2, 3, 0), (1, 4, 0)] + random):
        c = max(c, 2)
        predict = softmax(logits(rng, (n, c)))
        target = labels(rng, n, c, i % 2 == 0)
        label = target if target.ndim == 1 else target.argmax(axis=1)
        confident = rng.random(n) < 0.7
        confident[0] = True
        for row in np.flatnonzero(confident):
            top = label[row] if rng.random() < 0.3 else (label[row] + int(rng.integers(1, c))) % c  # mostly wrong
            predict[row] = np.eye(c)[top]
        if not any(predict[row, label[row]] == 0 for row in range(n)):  # at least one probability of 0
            predict[0] = np.eye(c)[(label[0] + 1) % c]
        cases.append(NnfsLossCase(predict=predict, target=target))
    return cases


# ------------------------------------------------------------------ ActivationLoss


@record(frozen=True, eq=False)
class NnfsCombinedCase:
    """Logits within +-2 (float32-exact), targets (class indices or one-hot), and one shift of 500 to 5000
    for the whole batch (the same softmax, so the same loss)."""
    inputs: np.ndarray  # (N, C)
    target: np.ndarray  # (N,) int64 or (N, C) one-hot
    shift: np.ndarray  # (1, 1)

    def __str__(self):
        return describe(inputs=self.inputs, target=self.target)

    @property
    def size(self) -> int:
        return self.inputs.size

    @property
    def sparse(self) -> bool:
        return self.target.ndim == 1

    @property
    def shifted(self) -> np.ndarray:
        return self.inputs + self.shift


def combined_cases(rng: np.random.Generator, sparse: bool) -> list[NnfsCombinedCase]:
    return [NnfsCombinedCase(inputs=logits(rng, (n, c)), target=labels(rng, n, c, sparse),
                             shift=rng.choice([-1.0, 1.0]) * np.round(rng.uniform(500, 5000, size=(1, 1))))
            for n, c, _ in shapes(rng)]


def combined_sparse_cases(rng: np.random.Generator) -> list[NnfsCombinedCase]:
    return combined_cases(rng, True)


def combined_onehot_cases(rng: np.random.Generator) -> list[NnfsCombinedCase]:
    return combined_cases(rng, False)


def combined_mixed_cases(rng: np.random.Generator) -> list[NnfsCombinedCase]:
    """Both kinds of target, alternating (the tests of stored state and behaviour)."""
    return [NnfsCombinedCase(inputs=logits(rng, (n, c)), target=labels(rng, n, c, i % 2 == 0),
                             shift=rng.choice([-1.0, 1.0]) * np.round(rng.uniform(500, 5000, size=(1, 1))))
            for i, (n, c, _) in enumerate(shapes(rng))]


KINDS.update({cls.__name__: cls for cls in (NnfsDenseCase, NnfsActivationCase, NnfsSoftmaxCase, NnfsLossCase,
                                              NnfsCombinedCase)})
