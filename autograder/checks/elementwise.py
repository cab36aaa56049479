"""Checks of `Identity` (2 points), `Sigmoid` (4) and `Tanh` (4) in `mytorch.nn.activation`, hidden
tests included; `gelu.py` grades GELU with the helpers here.

Each method is graded on its own: before backward the grader sets `self.A` (what the contract says
forward stores), so a correct backward passes whatever forward did. The inputs keep |Z| far below
the 709 where exp overflows, and |dLdA| within 3 (cases.bounded_gradients: a correct float32
implementation passes). Tanh alone is also graded on |Z| of 710 to 1000, in one small test
("finite for large inputs", 0.5 point): the textbook (exp(Z) - exp(-Z)) / (exp(Z) + exp(-Z)) is
inf / inf = NaN there, and loses that test and no other.
"""
from __future__ import annotations

import numpy as np

from ..cases import draw, edge_cases, large_input_cases, smooth_cases
from ..compare import EXACT, expect, matches
from ..diagnose import NON_FINITE, generic
from ..expected import expected
from ..sandbox import Script
from .base import Skip, check, per_case
from .gradients import matches_reference, slopes

IDENTITY, SIGMOID, TANH = (f"mytorch.nn.activation.{name}" for name in ("Identity", "Sigmoid", "Tanh"))
CLASSES = {"Identity": IDENTITY, "Sigmoid": SIGMOID, "Tanh": TANH}
STRATEGY = draw("smooth_strategy")
STEP = 1e-2  # of the finite differences of a curved forward: truncation error ~ STEP**2 * |f'''| / 6, below 1e-4
KEEP_Z = "forward must leave Z as it was: compute the result in a new array (no Z *= ..., Z[...] = ... or out=Z)"
KEEP_DLDA = ("backward must leave dLdA as it was: compute dLdZ in a new array (dLdZ = dLdA * ..., "
             "not dLdA *= ...)")
EARLIER = "your self.A is the output of an earlier forward call: store it on every call"
ALONE = "your dLdZ is dA/dZ alone: multiply it by dLdA (dLdZ = dLdA * dA/dZ)"
OVERFLOW = ("your A is not finite for large |Z|: exp overflows to inf past about 709, and (exp(Z) - exp(-Z)) / "
            "(exp(Z) + exp(-Z)) becomes inf / inf = NaN; use np.tanh(Z), or exp(-2|Z|) only: "
            "np.sign(Z) * (1 - exp(-2|Z|)) / (1 + exp(-2|Z|))")


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def identity(Z):
    return np.array(Z, dtype=np.float64)


# ------------------------------------------------------------ shared by the smooth activations


class distinct:
    """The known wrong answers (value, words) that `known()` gives, then the generic ones, that this input
    tells apart: one within tolerance of the right answer, or of a wrong answer meaning something else,
    is not offered, so a hint is right whenever it is shown. Computed only when `expect` iterates it (on a
    failure); pass it with `generic=False`."""

    def __init__(self, label: str, expected, known=lambda: ()):
        self.label, self.expected, self.known = label, np.asarray(expected, dtype=np.float64), known

    def __iter__(self):
        pairs = [(np.asarray(v, dtype=np.float64), w) for v, w in self.known()] + generic(self.label, self.expected)
        return iter([(v, w) for v, w in pairs if not matches(v, self.expected)
                     and not any(w2 != w and matches(v, v2) for v2, w2 in pairs)])


@per_case
def forward_script(path: str, case):
    """forward(Z) on a fresh object, then forward(Z0), forward(Z) on another and what it stored: one script
    for every forward test of a class, run once per input (a wrong A is shown with the one call it needs)."""
    s = Script(case=case)
    s.call(s.new(path), "forward", case.Z, label="A", keep_args=True)
    again = s.new(path)
    s.call(again, "forward", case.Z0, label="A0")
    s.call(again, "forward", case.Z, label=s.fresh())
    s.get(again, "A", label="self.A")
    return s


def forward_then_state(s: Script, obj, Z, A: np.ndarray, shown: str, label: str | None = None) -> None:
    """forward(Z), whose failure does not stop the case (it may store what backward reads, such as Z),
    then self.A = A, what the contract says forward stores, set by the grader whatever forward stored."""
    s.call(obj, "forward", Z, label=label or s.fresh(), soft=True)
    s.set(obj, "A", A, state=True, shown=shown)


@per_case
def backward_script(path: str, case, state, shown: str):
    """forward(Z) (its output under "A", for the hidden tests), self.A = state(Z), backward(dLdA): one
    script for every backward test of a class, run once per input."""
    s = Script(case=case)
    obj = s.new(path)
    forward_then_state(s, obj, case.Z, state(case.Z), shown, label="A")
    s.call(obj, "backward", case.dLdA, label="dLdZ", keep_args=True)
    return s


def judge_stored(out, case, want, state, known=()) -> None:
    expect("self.A", out["self.A"], want, generic=False,
           known_wrong=distinct("self.A", want, lambda: [*known, (state(case.Z0), EARLIER)]))


def judge_kept_z(out, case) -> None:
    expect("Z after forward", out["A#arg0"], case.Z, EXACT, hint=KEEP_Z, generic=False)


def judge_kept_dlda(out, case) -> None:
    expect("dLdA after backward", out["dLdZ#arg0"], case.dLdA, EXACT, hint=KEEP_DLDA, generic=False)


def slopes_script(path: str, case, step: float, state, shown: str):
    """Forward at Z with each entry moved by +-step, then forward(Z), self.A, backward(dLdA)."""
    s = Script(case=case)
    obj = s.new(path)
    by_Z = slopes("Z", case.Z, step, lambda Z: s.call(obj, "forward", Z, label=s.fresh(), soft=True,
                                                         shown=(f"Z with one entry moved by +-{step:g}",)))
    forward_then_state(s, obj, case.Z, state(case.Z), shown)
    s.call(obj, "backward", case.dLdA, label="dLdZ")
    return s, by_Z


def judge_slopes(out, case, by_Z, reference_losses) -> None:
    """L = sum(dLdA * forward(Z)): judged only where the student's forward matches the reference's at every probe."""
    def loss(A):
        if A.shape != case.Z.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float(np.sum(case.dLdA * A))

    matches_reference(by_Z.losses(out, loss), reference_losses)
    by_Z.check("dLdZ", out["dLdZ"], out, loss)


def probe_losses(make, case, step: float) -> np.ndarray:
    """The reference's sum(dLdA * forward(Z moved)) at every probe of `slopes_script`, +step then -step."""
    losses = []
    for k in range(case.Z.size):
        for sign in (1.0, -1.0):
            moved = case.Z.astype(np.float64, copy=True)
            moved.flat[k] += sign * step
            losses.append(float(np.sum(case.dLdA * make().forward(moved))))
    return np.array(losses)


def run(obj, case):
    """A fresh reference object's forward(Z) and backward(dLdA)."""
    A = np.array(obj.forward(case.Z), dtype=np.float64)
    return A, np.array(obj.backward(case.dLdA), dtype=np.float64)


# ------------------------------------------------------------------ Identity: 2 points

ID_A, ID_DLDZ = "Identity.forward: output A", "Identity.backward: dLdZ"


@expected
def _identity(package, case):
    return run(package.Identity(), case)


@expected
def _identity_probes(package, case):
    return probe_losses(package.Identity, case, 1.0)


def _identity_backward(case):
    return backward_script(IDENTITY, case, identity, "Z")


@check(ID_A, points=0.25, cases=smooth_cases, strategy=STRATEGY)
def identity_forward_a(case, ref):
    out = yield forward_script(IDENTITY, case)
    A, _ = _identity(ref, case)
    expect("A", out["A"], A, known_wrong=distinct("A", A), generic=False)


@check("Identity.forward: stores self.A", points=0.125, cases=smooth_cases, strategy=STRATEGY, computes=False,
       owners={"self.A": ID_A})
def identity_forward_stores(case, ref):
    out = yield forward_script(IDENTITY, case)
    judge_stored(out, case, _identity(ref, case)[0], identity)


@check("Identity.forward: does not modify Z", points=0.125, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def identity_forward_keeps_args(case, ref):
    judge_kept_z((yield forward_script(IDENTITY, case)), case)


@check(ID_DLDZ, points=0.25, cases=smooth_cases, strategy=STRATEGY)
def identity_backward_dldz(case, ref):
    out = yield _identity_backward(case)
    _, dLdZ = _identity(ref, case)
    derivative = "Identity's derivative is 1 everywhere, so dLdZ = dLdA"
    expect("dLdZ", out["dLdZ"], dLdZ, generic=False, known_wrong=distinct("dLdZ", dLdZ, lambda: [
        (np.ones_like(case.Z), f"your dLdZ is all ones, dA/dZ alone: {derivative}"),
        (case.Z, f"your dLdZ is Z (the input, or self.A): {derivative}"),
        (case.dLdA * case.Z, f"your dLdZ is dLdA * Z: {derivative}")]))


@check("Identity.backward: does not modify dLdA", points=0.125, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def identity_backward_keeps_args(case, ref):
    judge_kept_dlda((yield _identity_backward(case)), case)


@check("Identity.backward: agrees with finite differences of forward", points=0.125, cases=edge_cases(smooth_cases),
       strategy=STRATEGY, owners={"dLdZ": ID_DLDZ})
def identity_backward_finite_differences(case, ref):
    """Identity is linear: a step of 1 is exact."""
    s, by_Z = slopes_script(IDENTITY, case, 1.0, identity, "Z")
    judge_slopes((yield s), case, by_Z, _identity_probes(ref, case))


# ------------------------------------------------------------------ Sigmoid: 4 points

SIG_A, SIG_DLDZ = "Sigmoid.forward: output A", "Sigmoid.backward: dLdZ"


@expected
def _sigmoid(package, case):
    return run(package.Sigmoid(), case)


@expected
def _sigmoid_probes(package, case):
    return probe_losses(package.Sigmoid, case, STEP)


def _sigmoid_backward(case):
    return backward_script(SIGMOID, case, sigmoid, "sigmoid(Z)")


@check(SIG_A, points=1, cases=smooth_cases, strategy=STRATEGY)
def sigmoid_forward_a(case, ref):
    out = yield forward_script(SIGMOID, case)
    A, _ = _sigmoid(ref, case)
    expect("A", out["A"], A, generic=False, known_wrong=distinct("A", A, lambda: [
        (1 - A, "your A is 1 / (1 + exp(Z)) = sigmoid(-Z): the exponent's sign is wrong; A = 1 / (1 + exp(-Z))")]))


@check("Sigmoid.forward: stores self.A", points=0.25, cases=smooth_cases, strategy=STRATEGY, computes=False,
       owners={"self.A": SIG_A})
def sigmoid_forward_stores(case, ref):
    out = yield forward_script(SIGMOID, case)
    judge_stored(out, case, _sigmoid(ref, case)[0], sigmoid, [
        (case.Z, "your self.A is the input Z; store the output: self.A = 1 / (1 + exp(-Z))")])


@check("Sigmoid.forward: does not modify Z", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def sigmoid_forward_keeps_args(case, ref):
    judge_kept_z((yield forward_script(SIGMOID, case)), case)


@check(SIG_DLDZ, points=1, cases=smooth_cases, strategy=STRATEGY)
def sigmoid_backward_dldz(case, ref):
    out = yield _sigmoid_backward(case)
    _, dLdZ = _sigmoid(ref, case)
    Z, dLdA, A = case.Z, case.dLdA, sigmoid(case.Z)
    expect("dLdZ", out["dLdZ"], dLdZ, generic=False, known_wrong=distinct("dLdZ", dLdZ, lambda: [
        (dLdA * (Z - Z * Z), "your dA/dZ uses Z where it needs A = sigmoid(Z): dA/dZ = A - A * A, with A the "
                             "output of forward"),
        (dLdA * (sigmoid(A) - sigmoid(A) ** 2), "your dA/dZ applies sigmoid to A again: A is already sigmoid(Z), "
                                         "so dA/dZ = A - A * A"),
        (A - A * A, ALONE)]))


@check("Sigmoid.backward: does not modify dLdA", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def sigmoid_backward_keeps_args(case, ref):
    judge_kept_dlda((yield _sigmoid_backward(case)), case)


@check("Sigmoid.backward: agrees with finite differences of forward", points=0.25, cases=edge_cases(smooth_cases),
       strategy=STRATEGY, owners={"dLdZ": SIG_DLDZ})
def sigmoid_backward_finite_differences(case, ref):
    s, by_Z = slopes_script(SIGMOID, case, STEP, sigmoid, "sigmoid(Z)")
    judge_slopes((yield s), case, by_Z, _sigmoid_probes(ref, case))


# ------------------------------------------------------------------ Tanh: 4 points

TANH_A, TANH_DLDZ = "Tanh.forward: output A", "Tanh.backward: dLdZ"


@expected
def _tanh(package, case):
    return run(package.Tanh(), case)


@expected
def _tanh_large(package, case):
    return package.Tanh().forward(case.Z)


@expected
def _tanh_probes(package, case):
    return probe_losses(package.Tanh, case, STEP)


def _tanh_backward(case):
    return backward_script(TANH, case, np.tanh, "tanh(Z)")


@check(TANH_A, points=0.75, cases=smooth_cases, strategy=STRATEGY)
def tanh_forward_a(case, ref):
    out = yield forward_script(TANH, case)
    A, _ = _tanh(ref, case)
    expect("A", out["A"], A, generic=False, known_wrong=distinct("A", A, lambda: [
        (np.tanh(case.Z / 2), "your A is 2 * sigmoid(Z) - 1 = tanh(Z / 2); tanh(Z) = 2 * sigmoid(2 * Z) - 1"),
        (sigmoid(case.Z), "your A is sigmoid(Z); Tanh's is tanh(Z) (np.tanh)")]))


@check("Tanh.forward: stores self.A", points=0.25, cases=smooth_cases, strategy=STRATEGY, computes=False,
       owners={"self.A": TANH_A})
def tanh_forward_stores(case, ref):
    out = yield forward_script(TANH, case)
    judge_stored(out, case, _tanh(ref, case)[0], np.tanh, [
        (case.Z, "your self.A is the input Z; store the output: self.A = tanh(Z)")])


@check("Tanh.forward: finite for large inputs", points=0.5, cases=large_input_cases, computes=False,
       owners={"A": TANH_A})
def tanh_forward_large(case, ref):
    """|Z| of 710 to 1000, where tanh is +-1; not compared again when the ordinary values are wrong."""
    s = Script(case=case)
    s.call(s.new(TANH), "forward", case.Z, label="A")
    out = yield s
    expect("A", out["A"], _tanh_large(ref, case), known_wrong=[(NON_FINITE, OVERFLOW)], generic=False)


@check("Tanh.forward: does not modify Z", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def tanh_forward_keeps_args(case, ref):
    judge_kept_z((yield forward_script(TANH, case)), case)


@check(TANH_DLDZ, points=0.75, cases=smooth_cases, strategy=STRATEGY)
def tanh_backward_dldz(case, ref):
    out = yield _tanh_backward(case)
    _, dLdZ = _tanh(ref, case)
    Z, dLdA, A = case.Z, case.dLdA, np.tanh(case.Z)
    expect("dLdZ", out["dLdZ"], dLdZ, generic=False, known_wrong=distinct("dLdZ", dLdZ, lambda: [
        (dLdA * (1 - A), "your dA/dZ is 1 - A; it is 1 - A * A (the square is missing)"),
        (dLdA * (1 - Z * Z), "your dA/dZ uses Z where it needs A = tanh(Z): dA/dZ = 1 - A * A, with A the output "
                             "of forward"),
        (dLdA * (1 - np.tanh(A) ** 2), "your dA/dZ applies tanh to A again: A is already tanh(Z), so "
                                       "dA/dZ = 1 - A * A"),
        (1 - A * A, ALONE)]))


@check("Tanh.backward: does not modify dLdA", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def tanh_backward_keeps_args(case, ref):
    judge_kept_dlda((yield _tanh_backward(case)), case)


@check("Tanh.backward: agrees with finite differences of forward", points=0.25, cases=edge_cases(smooth_cases),
       strategy=STRATEGY, owners={"dLdZ": TANH_DLDZ})
def tanh_backward_finite_differences(case, ref):
    s, by_Z = slopes_script(TANH, case, STEP, np.tanh, "tanh(Z)")
    judge_slopes((yield s), case, by_Z, _tanh_probes(ref, case))
