"""Checks of `mytorch.nn.activation.ReLU`: 6 points.

Before backward the grader sets `self.A` (what the contract says forward stores),
so backward is graded on its own.
"""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, EXCUSED, expect
from ..record import replace
from ..sandbox import Script
from ..cases import activation_cases, draw, edge_cases
from ..expected import expected
from .base import Skip, another_forward, check, per_case, shared
from .gradients import matches_reference, slopes

RELU = "mytorch.nn.activation.ReLU"
CLASSES = {"ReLU": RELU}
AT_ZERO = ("your derivative is not 0 at Z = 0: it is 1 only where Z > 0 (use > 0, not >= 0: dLdA * (self.A > 0), "
           "the stored output A being positive exactly where Z is)")  # (helper-110: the contract stores A, not Z)


def nonzero_cases(rng):
    return activation_cases(rng, zeros=0.0)


@per_case
def _forward_script(case):
    """forward(Z0), forward(Z), what it stored: one script for every forward test, run once per input."""
    s = Script(case=case)
    relu = s.new(RELU)
    s.call(relu, "forward", case.Z0, label="A0")
    s.call(relu, "forward", case.Z, label="A", keep_args=True)
    another_forward(s, s.new(RELU), case.Z, "Z")  # (state kept on the class then shows: helper-94)
    s.get(relu, "A", label="self.A")
    return s


def forward_then_state(s: Script, relu, Z) -> None:
    """forward(Z), whose failure does not stop the case, then self.A = max(0, Z), what the contract
    says forward stores, set by the grader whatever forward stored."""
    s.call(relu, "forward", Z, label=s.fresh(), soft=True)
    s.set(relu, "A", np.maximum(Z, 0), state=True, reference=True, shown="max(0, Z)")


@per_case
def _backward_script(case):
    """forward(Z), backward(dLdA): one script for every backward test, run once per input."""
    s = Script(case=case)
    relu = s.new(RELU)
    forward_then_state(s, relu, case.Z)
    another_forward(s, s.new(RELU), case.Z, "Z")
    s.call(relu, "backward", case.dLdA, label="dLdZ", keep_args=True)
    return s


@expected
def _expected_forward(package, case):
    return package.ReLU().forward(case.Z)


@expected
def _expected_backward(package, case):
    relu = package.ReLU()
    relu.forward(case.Z)
    return relu.backward(case.dLdA)


@check("ReLU.forward: output A", points=1.5, cases=activation_cases, strategy=draw("activation_strategy"))
def forward_a(case, ref):
    out = yield _forward_script(case)
    expect("A", out["A"], _expected_forward(ref, case), known_wrong=lambda: [
        (np.abs(case.Z), "your A is |Z|; negative inputs must become 0: A = max(0, Z)"),
        (np.where(case.Z > 0, case.Z, 0.01 * case.Z), "your A keeps 0.01 * Z for negative inputs (leaky ReLU); "
                                                      "they must become 0: A = max(0, Z)"),
        (np.minimum(case.Z, 0), "your A keeps the negative entries (np.minimum); it keeps the positive ones: "
                                "A = np.maximum(0, Z)")])  # (helper-155: no hint)


@check("ReLU.forward: stores self.A", points=0.5, cases=activation_cases, strategy=draw("activation_strategy"), computes=False)
def forward_stores(case, ref):
    out = yield _forward_script(case)
    expect("self.A", out["self.A"], _expected_forward(ref, case), known_wrong=lambda: [
        (case.Z, "your self.A is the input Z; store the output: self.A = max(0, Z)"),
        (np.maximum(case.Z0, 0), "your self.A is the output of an earlier forward call: store it on every call"),
        (np.maximum(1.0 - 2.0 * case.Z, 0), shared("self.A", "ReLU", "Z"))])


@check("ReLU.forward: does not modify Z", points=0.5, cases=activation_cases, strategy=draw("activation_strategy"), behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _forward_script(case)
    expect("Z after forward", out["A#arg0"], case.Z, EXACT, known_wrong=lambda: [
        (np.maximum(case.Z, 0), "your forward set Z's negative entries to 0 in place: compute a new array instead")])


@check("ReLU.backward: dLdZ", points=1.5, cases=nonzero_cases, strategy=draw("activation_strategy", zeros=False))
def backward_dldz(case, ref):
    out = yield _backward_script(case)
    expect("dLdZ", out["dLdZ"], _expected_backward(ref, case), known_wrong=lambda: [
        (case.dLdA, "your dLdZ is dLdA unmasked; mask it where the input was not positive: dLdZ = dLdA * (self.A > 0)"),
        (case.dLdA * (case.Z < 0), "your mask is inverted; the gradient passes where Z > 0: dLdZ = dLdA * (self.A > 0)"),
        (case.dLdA * (case.dLdA > 0), "your mask looks at dLdA; it is where the input forward stored was positive: "
                                      "dLdZ = dLdA * (self.A > 0)"),
        (np.maximum(case.dLdA, 0) * (case.Z > 0), "your dLdZ also drops dLdA's negative entries (np.maximum(dLdA, 0)): "
                                                  "only the mask of forward's input decides, dLdZ = dLdA * (self.A > 0)"),
        # (helper-165: no hint, 3.5 points)
        (case.dLdA * (1 - 2 * case.Z > 0), shared("mask", "ReLU", "Z")),
    ])


@check("ReLU.backward: derivative is 0 at exactly Z = 0", points=1, cases=activation_cases, computes=False,
       owners={"dLdZ": "ReLU.backward: dLdZ"})
def backward_at_zero(case, ref):
    """Only the entries where Z is exactly 0: everywhere else is 'ReLU.backward: dLdZ''s business. That
    test never sees a Z holding a 0: where it passed, a dLdZ that is no array of Z's shape is charged here
    (where it failed, not again)."""
    out = yield _backward_script(case)
    got, zero = out["dLdZ"], case.Z == 0
    if got is EXCUSED:
        return
    if not isinstance(got, np.ndarray) or got.shape != case.Z.shape:
        expect("dLdZ", got, _expected_backward(ref, case))  # fails at its type or shape stage
    # Entries away from 0 are blanked in both, so an index in the message is an index into Z.
    expect("dLdZ where Z = 0", np.where(zero, got, 0.0), np.where(zero, _expected_backward(ref, case), 0.0),
           known_wrong=lambda: [(np.where(zero, case.dLdA, 0.0), AT_ZERO)], generic=False)


KEEP_DLDA = ("backward must leave dLdA as it was: compute dLdZ in a new array (dLdZ = dLdA * (self.A > 0)), not "
             "dLdA[self.A <= 0] = 0 or dLdA *= ...")  # (helper-137: forward's test named its in-place slip, this none)


@check("ReLU.backward: does not modify dLdA", points=0.5, cases=activation_cases, strategy=draw("activation_strategy"), behaviour=True)
def backward_keeps_args(case, ref):
    out = yield _backward_script(case)
    in_place = ("your backward set dLdA's entries to 0 in place where the input was not positive: compute dLdZ in a "
                "new array (dLdZ = dLdA * (self.A > 0))")
    expect("dLdA after backward", out["dLdZ#arg0"], case.dLdA, EXACT, hint=KEEP_DLDA, generic=False,
           known_wrong=lambda: [(case.dLdA * (case.Z > 0), in_place)])


def _away_from_zero(case):
    """ReLU is linear away from 0: with every |Z| >= 0.1 and a step of half the smallest, differences are
    exact, and float32 rounding stays far below the step."""
    return replace(case, Z=np.where(case.Z < 0, -1.0, 1.0) * np.maximum(np.abs(case.Z), 0.1))


@expected
def _expected_probes(package, case):
    """The reference's sum(dLdA * forward(Z moved)) at every probe of the finite-difference check."""
    case = _away_from_zero(case)
    step, losses = 0.5 * float(np.min(np.abs(case.Z))), []
    for k in range(case.Z.size):
        for sign in (1.0, -1.0):
            moved = case.Z.copy()
            moved.flat[k] += sign * step
            losses.append(float((case.dLdA * package.ReLU().forward(moved)).sum()))
    return np.array(losses)


@check("ReLU.backward: agrees with finite differences of forward", points=0.5, cases=edge_cases(nonzero_cases),
       strategy=draw("activation_strategy", zeros=False), owners={"dLdZ": "ReLU.backward: dLdZ"})
def backward_finite_differences(case, ref):
    """Reference-free, judged only where the student's forward matches the reference."""
    original, case = case, _away_from_zero(case)
    s = Script(case=case)
    relu = s.new(RELU)
    step = 0.5 * float(np.min(np.abs(case.Z)))
    by_Z = slopes("Z", case.Z, step, lambda Z: s.call(relu, "forward", Z, label=s.fresh(), soft=True,
                                                         shown=(f"Z with one entry moved by +-{step:g}",)))
    forward_then_state(s, relu, case.Z)
    s.call(relu, "backward", case.dLdA, label="dLdZ")
    out = yield s

    def loss(A):
        if A.shape != case.Z.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dLdA * A).sum())

    matches_reference(by_Z.losses(out, loss), _expected_probes(ref, original))
    by_Z.check("dLdZ", out["dLdZ"], out, loss)
