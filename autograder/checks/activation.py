"""Checks of `mytorch.nn.activation.ReLU`: 20 points."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..compare import EXACT, expect
from ..sandbox import Script
from ..cases import activation_cases, draw, edge_cases
from ..expected import expected
from .base import check, per_case
from .gradients import slopes

RELU = "mytorch.nn.activation.ReLU"
AT_ZERO = "ReLU's derivative is 0 where Z <= 0, including exactly 0: use Z > 0, not Z >= 0"


def nonzero_cases(rng):
    return activation_cases(rng, zeros=0.0)


@per_case
def _script(case):
    """forward(Z0), forward(Z), what it stored, backward: one script for every test of ReLU, run once per input."""
    s = Script()
    relu = s.new(RELU)
    s.call(relu, "forward", case.Z0, label="A0")
    s.call(relu, "forward", case.Z, label="A", keep_args=True)
    s.get(relu, "A", label="self.A")
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


@check("ReLU.forward: output A, stored as self.A", points=8, cases=activation_cases, strategy=draw("activation_strategy"))
def forward_a(case, ref):
    out = yield _script(case)
    A = _expected_forward(ref, case)
    expect("A", out["A"], A, known_wrong=[
        (np.abs(case.Z), "A = max(0, Z): negative inputs become 0, not their absolute value"),
        (np.where(case.Z > 0, case.Z, 0.01 * case.Z), "A = max(0, Z): negative inputs become 0, not 0.01 * Z "
                                                      "(that is leaky ReLU)")])
    expect("self.A", out["self.A"], A, known_wrong=[
        (case.Z, "self.A is the output max(0, Z), not the input Z"),
        (np.maximum(case.Z0, 0), "self.A is the output of an earlier forward call: store it on every call")])


@check("ReLU.forward: does not modify Z", points=1, cases=activation_cases, strategy=draw("activation_strategy"),
       requires="ReLU.forward: output A, stored as self.A")
def forward_keeps_args(case, ref):
    out = yield _script(case)
    expect("Z after forward", out["A#arg0"], case.Z, EXACT, known_wrong=[
        (np.maximum(case.Z, 0), "forward set Z's negative entries to 0 in place: compute a new array instead")])


@check("ReLU.backward: dLdZ", points=6, cases=nonzero_cases, strategy=draw("activation_strategy", zeros=False),
       requires="ReLU.forward: output A, stored as self.A")
def backward_dldz(case, ref):
    out = yield _script(case)
    expect("dLdZ", out["dLdZ"], _expected_backward(ref, case), known_wrong=[
        (case.dLdA, "dLdZ = dLdA * (Z > 0): the gradient is masked where the input was not positive"),
        (case.dLdA * (case.Z < 0), "the mask is inverted: the gradient passes where Z > 0"),
    ])


@check("ReLU.backward: derivative is 0 at exactly Z = 0", points=3, cases=activation_cases,
       requires="ReLU.backward: dLdZ")
def backward_at_zero(case, ref):
    out = yield _script(case)
    expect("dLdZ", out["dLdZ"], _expected_backward(ref, case), known_wrong=[
        (case.dLdA * (case.Z >= 0), AT_ZERO)])


@check("ReLU.backward: does not modify dLdA", points=1, cases=activation_cases, strategy=draw("activation_strategy"),
       requires="ReLU.backward: dLdZ")
def backward_keeps_args(case, ref):
    out = yield _script(case)
    expect("dLdA after backward", out["dLdZ#arg0"], case.dLdA, EXACT)


@check("ReLU.backward: agrees with finite differences of forward", points=1, cases=edge_cases(nonzero_cases),
       strategy=draw("activation_strategy", zeros=False),
       requires="ReLU.forward: output A, stored as self.A")
def backward_finite_differences(case, ref):
    """Reference-free. ReLU is linear away from 0: a step smaller than every |Z| is exact.
    Entries are kept at |Z| >= 0.1, so float32 rounding stays far below the step."""
    case = replace(case, Z=np.where(case.Z < 0, -1.0, 1.0) * np.maximum(np.abs(case.Z), 0.1))
    s = Script()
    relu = s.new(RELU)
    step = 0.5 * float(np.min(np.abs(case.Z)))
    by_Z = slopes("Z", case.Z, step, lambda Z: s.call(relu, "forward", Z, label=s.fresh()))
    s.call(relu, "forward", case.Z, label="A")
    s.call(relu, "backward", case.dLdA, label="dLdZ")
    out = yield s
    by_Z.check("dLdZ", out["dLdZ"], out, lambda A: float(np.sum(case.dLdA * A)))
