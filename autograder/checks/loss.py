"""Checks of `mytorch.nn.loss.CrossEntropyLoss`: 35 points."""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, expect
from ..diagnose import NON_FINITE
from ..sandbox import Script
from ..cases import draw, edge_cases, loss_cases
from ..expected import expected
from .base import check, per_case
from .gradients import slopes

CE = "mytorch.nn.loss.CrossEntropyLoss"
STABLE = "subtract each row's max from A before exp: softmax is unchanged and exp cannot overflow"


def large_cases(rng):
    return loss_cases(rng, large=True)


@per_case
def _script(case):
    """forward then backward: one script for every test of CrossEntropyLoss, run once per input."""
    s = Script()
    ce = s.new(CE)
    s.call(ce, "forward", case.A, case.Y, label="L", keep_args=True)
    s.call(ce, "backward", label="dLdA")
    return s


def _softmax(A, axis):
    e = np.exp(A - A.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _wrong_losses(case, L):
    n = case.A.shape[0]
    per_sample = -(case.Y * np.log(_softmax(case.A, 1))).sum(axis=1)
    with np.errstate(divide="ignore"):
        wrong_axis = -(case.Y * np.log(_softmax(case.A, 0))).sum() / n
    return [
        (per_sample, "the loss is the mean over the batch, a scalar, not one value per sample"),
        (L * n, "the loss is the mean over the batch: divide the sum by N"),
        (L / case.A.shape[1], "divide by N only (the batch size), not by N * C: np.mean over all entries does that"),
        (wrong_axis, "softmax is taken over the classes of each row (axis=1), not over the batch (axis=0)"),
        (-L, "the loss is -sum(Y * log(softmax(A))): mind the minus sign"),
    ]


def _wrong_gradients(case, dLdA):
    n = case.A.shape[0]
    return [
        (dLdA * n, "dLdA is missing the division by N: dLdA = (softmax(A) - Y) / N"),
        (dLdA / n, "dLdA is divided by N twice"),
        (-dLdA, "the sign is flipped: dLdA = (softmax(A) - Y) / N"),
        ((_softmax(case.A, 0) - case.Y) / n, "softmax is taken over the classes of each row (axis=1), not axis=0"),
    ]


@expected
def _expected(package, case):
    ce = package.CrossEntropyLoss()
    L = ce.forward(case.A, case.Y)
    return L, ce.backward()


@check("CrossEntropyLoss.forward: loss", points=9, cases=loss_cases, strategy=draw("loss_strategy"))
def forward_loss(case, ref):
    out = yield _script(case)
    L, _ = _expected(ref, case)
    expect("loss", out["L"], L, scalar=True, known_wrong=_wrong_losses(case, L), batch=case.A.shape[0])


@check("CrossEntropyLoss.forward: finite for large logits", points=5, cases=large_cases,
       strategy=draw("loss_strategy", large=True), requires="CrossEntropyLoss.forward: loss")
def forward_large(case, ref):
    out = yield _script(case)
    L, _ = _expected(ref, case)
    expect("loss", out["L"], L, scalar=True, known_wrong=[(NON_FINITE, STABLE), *_wrong_losses(case, L)])


@check("CrossEntropyLoss.forward: does not modify A or Y", points=2, cases=loss_cases, strategy=draw("loss_strategy"),
       requires="CrossEntropyLoss.forward: loss")
def forward_keeps_args(case, ref):
    out = yield _script(case)
    expect("A after forward", out["L#arg0"], case.A, EXACT)
    expect("Y after forward", out["L#arg1"], case.Y, EXACT)


@check("CrossEntropyLoss.backward: dLdA", points=7, cases=loss_cases, strategy=draw("loss_strategy"),
       requires="CrossEntropyLoss.forward: loss")
def backward_dlda(case, ref):
    out = yield _script(case)
    _, dLdA = _expected(ref, case)
    expect("dLdA", out["dLdA"], dLdA, known_wrong=_wrong_gradients(case, dLdA), batch=case.A.shape[0])


@check("CrossEntropyLoss.backward: finite for large logits", points=4, cases=large_cases,
       strategy=draw("loss_strategy", large=True),
       requires=("CrossEntropyLoss.backward: dLdA", "CrossEntropyLoss.forward: finite for large logits"))
def backward_large(case, ref):
    out = yield _script(case)
    _, dLdA = _expected(ref, case)
    expect("dLdA", out["dLdA"], dLdA, known_wrong=[(NON_FINITE, STABLE), *_wrong_gradients(case, dLdA)])


@check("CrossEntropyLoss.backward: after two forward calls, uses the last input", points=2, cases=loss_cases,
       requires="CrossEntropyLoss.backward: dLdA")
def backward_after_two_forwards(case, ref):
    s = Script()
    ce = s.new(CE)
    s.call(ce, "forward", case.A0, case.Y0, label="L0")
    s.call(ce, "forward", case.A, case.Y, label="L")
    s.call(ce, "backward", label="dLdA")
    out = yield s
    _, dLdA = _expected(ref, case)
    expect("dLdA", out["dLdA"], dLdA, hint="backward must use the A and Y of the most recent forward call")


@check("CrossEntropyLoss.backward: agrees with finite differences of forward", points=3, cases=edge_cases(loss_cases),
       strategy=draw("loss_strategy"), requires="CrossEntropyLoss.forward: loss")
def backward_finite_differences(case, ref):
    """Reference-free: the slopes of the student's own loss around A."""
    s = Script()
    by_A = slopes("A", case.A, 1e-2, lambda A: s.call(s.new(CE), "forward", A, case.Y, label=s.fresh()))
    ce = s.new(CE)
    s.call(ce, "forward", case.A, case.Y, label="L")
    s.call(ce, "backward", label="dLdA")
    out = yield s
    by_A.check("dLdA", out["dLdA"], out, lambda L: float(L.reshape(-1)[0]) if L.size == 1 else float("nan"))
