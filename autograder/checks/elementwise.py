"""Checks of `Identity` (2 points), `Sigmoid` (4) and `Tanh` (4) in `mytorch.nn.activation`, hidden
tests included; what they share with GELU (gelu.py) is in smooth.py.

Each method is graded on its own: before backward the grader sets `self.A` (what the contract says
forward stores), so a correct backward passes whatever forward did. The inputs keep |Z| far below
the 709 where exp overflows, and |dLdA| within 3 (cases.bounded_gradients: a correct float32
implementation passes). Tanh alone is also graded on |Z| of 710 to 1000, in one small test
("finite for large inputs", 0.5 point): the textbook (exp(Z) - exp(-Z)) / (exp(Z) + exp(-Z)) is
inf / inf = NaN there, and loses that test and no other.
"""
from __future__ import annotations

import numpy as np

from ..cases import edge_cases, large_input_cases, smooth_cases
from ..compare import expect
from ..diagnose import NON_FINITE
from ..expected import expected
from ..sandbox import Script
from .base import check, shared
from .smooth import (ALONE, STEP, STRATEGY, backward_script, distinct, forward_script, judge_kept_dlda, judge_kept_z,
                     judge_slopes, judge_stored, probe_losses, run, slopes_script)

IDENTITY, SIGMOID, TANH = (f"mytorch.nn.activation.{name}" for name in ("Identity", "Sigmoid", "Tanh"))
CLASSES = {"Identity": IDENTITY, "Sigmoid": SIGMOID, "Tanh": TANH}
OVERFLOW = ("your A is not finite for large |Z|: exp overflows to inf past about 709, and (exp(Z) - exp(-Z)) / "
            "(exp(Z) + exp(-Z)) becomes inf / inf = NaN; use np.tanh(Z), or exp(-2|Z|) only: "
            "np.sign(Z) * (1 - exp(-2|Z|)) / (1 + exp(-2|Z|))")


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def identity(Z):
    return np.array(Z, dtype=np.float64)


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


@check(ID_A, points=0.5, cases=smooth_cases, strategy=STRATEGY)
def identity_forward_a(case, ref):
    out = yield forward_script(IDENTITY, case)
    A, _ = _identity(ref, case)
    expect("A", out["A"], A, known_wrong=distinct("A", A), generic=False)


@check("Identity.forward: stores self.A", points=0.25, cases=smooth_cases, strategy=STRATEGY, computes=False,
       owners={"self.A": ID_A})
def identity_forward_stores(case, ref):
    out = yield forward_script(IDENTITY, case)
    judge_stored(out, case, _identity(ref, case)[0], identity)


@check("Identity.forward: does not modify Z", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
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


@check("Identity.backward: does not modify dLdA", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def identity_backward_keeps_args(case, ref):
    judge_kept_dlda((yield _identity_backward(case)), case)


@check("Identity.backward: agrees with finite differences of forward", points=0.25, cases=edge_cases(smooth_cases),
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
        (1 - A, "your A is 1 / (1 + exp(Z)) = sigmoid(-Z): the exponent's sign is wrong; A = 1 / (1 + exp(-Z))"),
        (1 + np.exp(-case.Z), "your A is 1 + exp(-Z), which 1 / 1 + np.exp(-Z) computes (without brackets it divides "
                              "1 by 1): bracket the denominator, 1 / (1 + np.exp(-Z))"),  # (helper-155: these had no hint)
        (1 / (1 - np.exp(-case.Z)), "your denominator subtracts exp(-Z); it adds it: A = 1 / (1 + np.exp(-Z))")]))


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
        (dLdA * (1 - A), "your dA/dZ is 1 - A; it is A - A * A = A * (1 - A)"),
        (dLdA * A - A, "your dLdZ is dLdA * A - A, which dLdA * A * 1 - A computes without brackets: bracket dA/dZ, "
                       "dLdA * (A - A * A)"),  # (helper-155: these two had no hint)
        (dLdA * (A + A * A), "your dA/dZ is A + A * A; it is A - A * A = A * (1 - A)"),
        (dLdA * A - A * A, "your dLdZ is dLdA * A - A * A: dLdA multiplies A alone, not the whole of dA/dZ; bracket "
                           "it, dLdA * (A - A * A)"),  # (helper-165: no hint, 2.5 points where Tanh's cost 1)
        (dLdA * (1 - A) ** 2, "your dA/dZ is (1 - A) ** 2; it is A * (1 - A) = A - A * A"),
        (dLdA * sigmoid(1 - 2 * Z) * (1 - sigmoid(1 - 2 * Z)), shared("dA/dZ", "Sigmoid", "Z")),
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
        (sigmoid(case.Z), "your A is sigmoid(Z); Tanh's is tanh(Z) (np.tanh)"),
        (np.tan(case.Z), "your A is np.tan(Z), the tangent; the hyperbolic tangent is np.tanh(Z)")]))  # (helper-155)


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


@check(TANH_DLDZ, points=1, cases=smooth_cases, strategy=STRATEGY)
def tanh_backward_dldz(case, ref):
    out = yield _tanh_backward(case)
    _, dLdZ = _tanh(ref, case)
    Z, dLdA, A = case.Z, case.dLdA, np.tanh(case.Z)
    expect("dLdZ", out["dLdZ"], dLdZ, generic=False, known_wrong=distinct("dLdZ", dLdZ, lambda: [
        (dLdA * (1 - A), "your dA/dZ is 1 - A; it is 1 - A * A (the square is missing)"),
        (dLdA * (1 - A) ** 2, "your dA/dZ is (1 - A) ** 2, the square of 1 - A; it is 1 - A ** 2, A squared "
                              "alone"),  # (helper-165: no hint, 2.25 points)
        (dLdA - A * A, "your dLdZ is dLdA - A * A, which dLdA * 1 - A * A computes without brackets: bracket dA/dZ, "
                       "dLdA * (1 - A * A)"),  # (helper-155: no hint)
        (dLdA * (1 - Z * Z), "your dA/dZ uses Z where it needs A = tanh(Z): dA/dZ = 1 - A * A, with A the output "
                             "of forward"),
        (dLdA * (1 - np.tanh(A) ** 2), "your dA/dZ applies tanh to A again: A is already tanh(Z), so "
                                       "dA/dZ = 1 - A * A"),
        (dLdA * (1 - np.tanh(1 - 2 * Z) ** 2), shared("dA/dZ", "Tanh", "Z")),
        (1 - A * A, ALONE)]))


@check("Tanh.backward: does not modify dLdA", points=0.25, cases=smooth_cases, strategy=STRATEGY, behaviour=True)
def tanh_backward_keeps_args(case, ref):
    judge_kept_dlda((yield _tanh_backward(case)), case)


@check("Tanh.backward: agrees with finite differences of forward", points=0.25, cases=edge_cases(smooth_cases),
       strategy=STRATEGY, owners={"dLdZ": TANH_DLDZ})
def tanh_backward_finite_differences(case, ref):
    s, by_Z = slopes_script(TANH, case, STEP, np.tanh, "tanh(Z)")
    judge_slopes((yield s), case, by_Z, _tanh_probes(ref, case))
