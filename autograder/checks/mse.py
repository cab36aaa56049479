"""Checks of `mytorch.nn.loss.MSELoss`: 5 points.

The contract names no state that forward stores for backward, so backward needs
forward to run (not to be right), as CrossEntropyLoss's does. Behaviour tests
compare the student's result with their own result computed another way (a
fresh loss, the slopes of their own forward), so a mistake in a value is
charged once, by its value test.
"""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, VALUES, expect, unambiguous
from ..sandbox import Script
from ..cases import draw, edge_cases, mse_cases
from ..expected import expected
from .base import Skip, after_forward, check, consistent, per_case
from .gradients import matches_reference, slopes

MSE = "mytorch.nn.loss.MSELoss"
CLASSES = {"MSELoss": MSE}
LOSS, DLDA = "MSELoss.forward: loss", "MSELoss.backward: dLdA"
STEP = 1.0  # the loss is quadratic: central differences are exact for any step; 1 keeps float32 rounding small


@per_case
def _script(case):
    """A fresh loss: forward then backward. One script for every test of an ordinary input."""
    s = Script(case=case)
    mse = s.new(MSE)
    s.call(mse, "forward", case.A, case.Y, label="L", keep_args=True, soft=True)  # (backward runs on what it stored)
    s.call(mse, "backward", label="dLdA", soft=True)  # (where it cannot, the rest of the script still runs)
    return s


@expected
def _expected(package, case):
    mse = package.MSELoss()
    L = mse.forward(case.A, case.Y)
    return L, mse.backward()


def _loss_mistakes(case, L) -> list:
    n, c = case.A.shape
    d2 = (case.A - case.Y) ** 2
    return [
        (L * c, "your loss is divided by N only; divide the sum of squared errors by N * C, the number of entries "
                "(np.mean over every entry does that)"),
        (L * n, "your loss is the sum over the batch of each row's mean (divided by C only); divide the sum of "
                "squared errors by N * C (np.mean over every entry does that)"),
        (L * n * c, "your loss is the sum of the squared errors; it is their mean: divide by N * C"),
        (d2.mean(axis=1), "your loss is one value per sample; it is the mean over every entry, a scalar"),
        (d2.mean(axis=1, keepdims=True), "your loss is one value per sample; it is the mean over every entry, a "
                                         "scalar"),  # (helper-150: the (N, 1) form, and those below, had no hint)
        (d2.mean(axis=0), "your loss is one value per feature (a mean over the batch, axis=0); it is the mean over "
                          "every entry, a scalar"),
        (d2.sum(axis=1) / (n * c), "your loss is each sample's share of the mean, not their sum: sum over every "
                                   "entry, then divide by N * C, a scalar"),
        (L / 2, "your loss is half the mean squared error (the 1/2 some courses put in front); the contract's has "
                "none: np.sum((A - Y) ** 2) / (N * C)"),  # (helper-151: no hint)
        (np.sum(case.A - case.Y) ** 2 / (n * c), "your loss squares the sum of A - Y; it sums the squares: "
                                                 "np.sum((A - Y) ** 2) / (N * C)"),  # (helper-155: these two had no hint)
        (np.sum(2 * (case.A - case.Y)) / (n * c), "your loss multiplies A - Y by 2 where it squares it: (A - Y) ** 2, "
                                                  "not (A - Y) * 2"),
        (d2, "your loss is one value per entry; it is their mean over every entry, a scalar"),
        (np.abs(case.A - case.Y).sum() / (n * c), "your loss uses |A - Y|; it is the mean of the squared errors "
                                                   "(A - Y) ** 2"),
        (np.sqrt(L), "your loss is the square root of the mean squared error; do not take the square root"),
        *([(L * c * c, "your loss is multiplied by C where it is divided: sum / N * C is (sum / N) * C; bracket the "
                       "product: / (N * C)")] if c > 1 else []),
        (np.sqrt(L * n * c) / (n * c), "your loss uses the norm of A - Y, the square root of the sum of squares; it is "
                                       "the sum of squares itself: np.sum((A - Y) ** 2) / (N * C)"),  # (helper-114)
        # (helper-109: N taken as A.shape[1], or C as A.shape[0], had no hint)
        *([(L * n / c, "your loss is divided by C * C: the N of N * C is the batch size, A.shape[0] (A is (N, C))"),
           (L * c / n, "your loss is divided by N * N: the C of N * C is the number of features, A.shape[1] "
                       "(A is (N, C))")] if c != n else []),
    ]


def _gradient_mistakes(case, dLdA) -> list:
    n, c = case.A.shape
    return [
        (dLdA / 2, "your dLdA is missing the factor 2: the derivative of (A - Y) ** 2 is 2 (A - Y), "
                   "so dLdA = 2 (A - Y) / (N * C)"),
        (2 * (case.A - case.Y) ** 2 / (n * c), "your dLdA squares A - Y (or forward squared in place the difference "
                                               "it keeps for backward: np.square(d, out=d), d **= 2); the derivative "
                                               "of (A - Y) ** 2 is 2 (A - Y), so dLdA = 2 (A - Y) / (N * C)"),
        # (helper-155: no hint; helper-174: a backward of 2 * self.d / size behind a forward that squared self.d in
        # place was told it squares A - Y)
        (-dLdA, "your dLdA has the wrong sign: it is 2 (A - Y) / (N * C), not 2 (Y - A) / (N * C)"),
        (dLdA * c, "your dLdA is divided by N only; divide by N * C, as the loss does"),
        (dLdA * n, "your dLdA is divided by C only; divide by N * C, as the loss does"),
        (dLdA * n * c, "your dLdA is not divided by the number of entries; dLdA = 2 (A - Y) / (N * C)"),
        (dLdA / n, "your dLdA is divided by N once too often: dLdA = 2 (A - Y) / (N * C), one division by N"),
        *([(dLdA * c * c, "your dLdA is multiplied by C where it is divided: 2 * (A - Y) / N * C is "
                          "(2 * (A - Y) / N) * C; bracket the product: / (N * C)")] if c > 1 else []),  # (helper-115)
        *([(dLdA * c / n, "your dLdA is divided by N * N: the C of N * C is the number of features, A.shape[1] "
                          "(does forward store A.shape[0] as C?)"),
           (dLdA * n / c, "your dLdA is divided by C * C: the N of N * C is the batch size, A.shape[0] (does "
                          "forward store A.shape[1] as N?)")] if c != n else []),  # (helper-91: no hint, 97)
        (2 * (case.A - 2 * case.Y) / (n * c), "your dLdA subtracts Y twice, 2 (A - 2 Y) / (N * C): what backward "
                                              "reads as A is A - Y already (does forward store the difference as "
                                              "self.A, or subtract Y from A in place?); keep A itself as self.A, or "
                                              "take dLdA = 2 (A - Y) / (N * C) from the difference alone"),
        # (helper-182: forward's self.A = A - Y was told it subtracted in place, which its own test said it did not)
    ]


@check(LOSS, points=1, cases=mse_cases, strategy=draw("mse_strategy"))
def forward_loss(case, ref):
    out = yield _script(case)
    L, _ = _expected(ref, case)
    expect("loss", out["L"], L, scalar=True, known_wrong=unambiguous(lambda: _loss_mistakes(case, L), L))


@check("MSELoss.forward: does not modify A or Y", points=1, cases=mse_cases, strategy=draw("mse_strategy"),
       behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _script(case)
    A, Y = case.A, case.Y
    expect("A after forward", out["L#arg0"], A, EXACT, generic=False, known_wrong=unambiguous(lambda: [
        (A - Y, "your forward subtracted Y from A in place (A -= Y); compute a new array: A - Y"),
        ((A - Y) ** 2, "your forward squared A - Y in A's own buffer; compute a new array: (A - Y) ** 2")], A, EXACT))
    expect("Y after forward", out["L#arg1"], Y, EXACT, generic=False, known_wrong=unambiguous(lambda: [
        (Y - A, "your forward subtracted A from Y in place (Y -= A); compute a new array: A - Y")], Y, EXACT))


@check(DLDA, points=1, cases=mse_cases, strategy=draw("mse_strategy"))
def backward_dlda(case, ref):
    out = yield _script(case)
    L, dLdA = _expected(ref, case)
    mistakes = unambiguous(lambda: _gradient_mistakes(case, dLdA), dLdA) if np.any(dLdA) else ()  # (at A = Y every
    after_forward(lambda: expect("dLdA", out["dLdA"], dLdA,  # mistake's dLdA is 0 too, or one of Y's: none to name)
                                 known_wrong=mistakes), out, {"L": VALUES}, L,
                  got=out.result.values.get("dLdA"), value=dLdA)


@expected
def _expected_probes(package, case):
    """The reference's loss at every probe of the finite-difference check."""
    losses = []
    for k in range(case.A.size):
        for sign in (1.0, -1.0):
            moved = case.A.copy()
            moved.flat[k] += sign * STEP
            losses.append(float(package.MSELoss().forward(moved, case.Y)))
    return np.array(losses)


@check("MSELoss.backward: after two forward calls, uses the last input; agrees with finite differences of forward",
       points=1, cases=edge_cases(mse_cases), strategy=draw("mse_strategy"), owners={"dLdA": DLDA}, behaviour=True)
def backward_behaviour(case, ref):
    """The student's own dLdA for (A, Y) on a fresh loss, against theirs after an earlier forward; then,
    reference-free, the slopes of their own loss around A, judged only where it matches the reference."""
    s = Script(case=case)
    by_A = slopes("A", case.A, STEP, lambda A: s.call(s.new(MSE), "forward", A, case.Y, label=s.fresh(), soft=True,
                                                      shown=(f"A with one entry moved by +-{STEP:g}", "Y")))
    mse = s.new(MSE)
    s.call(mse, "forward", case.A, case.Y, label=s.fresh(), soft=True)
    s.call(mse, "backward", label="dLdA")
    fresh = s.new(MSE)
    s.call(fresh, "forward", case.A, case.Y, label=s.fresh(), soft=True)
    s.call(fresh, "backward", label="fresh.dLdA")
    again = s.new(MSE)
    s.call(again, "forward", case.A0, case.Y0, label=s.fresh(), soft=True)
    s.call(again, "backward", label=s.fresh(), soft=True)  # (a gradient kept from the first backward: helper-167)
    s.call(again, "forward", case.A, case.Y, label=s.fresh(), soft=True)
    s.call(again, "backward", label="again.dLdA")
    out = yield s
    # The fresh loss's dLdA is the student's own to compare with; no value test judges it, so where it is unusable and
    # the first loss's, on the same input, is not, this test says so (helper-98: a backward answering NaN to a second
    # fresh loss left every input out here, and a stale-input backward kept this test's point)
    first = out.result.values.get("dLdA")
    if isinstance(first, np.ndarray) and first.size and np.all(np.isfinite(first)):
        consistent("dLdA of a second fresh loss", out["fresh.dLdA"], first,
                   reference_label="your dLdA of the first loss, for the same A and Y",
                   hint="backward must give the same dLdA for the same forward(A, Y), on any object")
    consistent("dLdA after forward(A0, Y0), backward(), forward(A, Y)", out["again.dLdA"], out["fresh.dLdA"],
               reference_label="your dLdA after forward(A, Y) alone",
               hint="backward must use the A and Y of the most recent forward call, and compute its gradient anew on every call (not one kept from an earlier backward)")

    def loss(L):
        if L.size != 1:
            raise Skip("forward did not return a scalar there, so its slopes say nothing about backward")
        return float(L.reshape(-1)[0])

    matches_reference(by_A.losses(out, loss), _expected_probes(ref, case))
    by_A.check("dLdA", out["dLdA"], out, loss)
