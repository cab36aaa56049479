"""Checks of `mytorch.nn.loss.CrossEntropyLoss`: 9 points.

The contract names no state that forward stores for backward, so backward needs
forward to run (not to be right). Behaviour tests compare the student's result
with their own result computed another way: softmax is unchanged when a row of
logits is shifted by a constant, so the loss and its gradient must be too (a
mistake in the loss itself is charged once, by the value tests).
"""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, SHIFTED, VALUES, Failure, expect, matches
from ..diagnose import NON_FINITE
from ..sandbox import Script
from ..cases import draw, edge_cases, gap_cases, loss_cases
from ..expected import expected
from .base import BY_CHANCE, NEAR, Skip, Unless, after_forward, check, consistent, per_case
from .gradients import matches_reference, slopes

CE = "mytorch.nn.loss.CrossEntropyLoss"
CLASSES = {"CrossEntropyLoss": CE}
LOSS, DLDA = "CrossEntropyLoss.forward: loss", "CrossEntropyLoss.backward: dLdA"
FORWARD_LARGE = "CrossEntropyLoss.forward: finite for large logits"
# What forward gave in `_script`, and how close to the reference's loss each must be for forward to be right on an input
# (`after_forward`: a loss of the logits shifted row by row is the same loss)
FORWARD_LOSSES = {"L": VALUES, "shifted.L": SHIFTED}
STABLE = "subtract each row's max from A before exp: softmax is unchanged and exp cannot overflow"
LOG_SUM_EXP = ("compute log(softmax(A)) as (A - max) - log(sum(exp(A - max))) (log-sum-exp), "
               "never as the log of a softmax")


@per_case
def _script(case):
    """A fresh loss: forward then backward; a second one after an earlier forward; a third on the
    logits shifted row by row. One script for every test of an ordinary input. Every call is soft: a backward
    raising after its forward did (nothing stored) leaves the rest to run, and each value read says what made it
    missing (the call that raised, or the forward before it on the same object: Outputs.soft_waiting)."""
    s = Script(case=case)
    ce = s.new(CE)
    s.call(ce, "forward", case.A, case.Y, label="L", keep_args=True, soft=True)  # (backward runs on what it stored)
    s.call(ce, "backward", label="dLdA", soft=True)  # (where it cannot, the rest of the script still runs)
    again = s.new(CE)
    s.call(again, "forward", case.A0, case.Y0, label=s.fresh(), soft=True)
    s.call(again, "backward", label=s.fresh(), soft=True)  # (a gradient kept from the first backward: helper-167)
    s.call(again, "forward", case.A, case.Y, label=s.fresh(), soft=True)
    s.call(again, "backward", label="again.dLdA", soft=True)
    big = s.new(CE)
    s.call(big, "forward", case.shifted, case.Y, label="shifted.L", soft=True, shown=("A + shift", "Y"))
    s.call(big, "backward", label="shifted.dLdA", soft=True)
    return s


def _softmax(A, axis):
    e = np.exp(A - A.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _loss_over(A, Y, axis):
    """The mean cross-entropy of the softmax of A over `axis` (1, the right one; 0, over the batch)."""
    with np.errstate(all="ignore"):
        return float(-np.sum(Y * np.log(_softmax(A, axis))) / A.shape[0])


WHOLE_ARRAY = ("your softmax is taken over the whole array (a max and a sum with no axis, as "
               "scipy.special.softmax(A) gives without axis=1); take it over the classes of each row: axis=1")
KEEPDIMS = ("your softmax subtracts A.max(axis=1), of shape (N,): without keepdims=True it broadcasts across the "
            "columns (and raises unless N is C or C is 1); subtract A.max(axis=1, keepdims=True), of shape (N, 1)")


KEEPDIMS_SUM = ("your log-softmax subtracts the log of each row's sum of exp, of shape (N,): without keepdims=True it "
                "broadcasts across the columns (and raises unless N is C or C is 1); keep the axis, as "
                "np.log(np.exp(shifted).sum(axis=1, keepdims=True)) or scipy.special.logsumexp(A, axis=1, "
                "keepdims=True) do (shape (N, 1))")


WITHOUT_KEEPDIMS = ("max", "sum", "lse")  # the places a forward may drop keepdims (`_log_softmax_without_keepdims`)


def _log_softmax_without_keepdims(A, where: str):
    """The log-softmax of a forward that subtracts its rows' max (`where` "max", helper-107), the log of its rows' sum
    of exp after the max ("sum"), or its rows' whole log-sum-exp ("lse", as scipy.special.logsumexp(A, axis=1) gives:
    helper-214) without keepdims=True: the (N,) values broadcast across the columns where they can (N == C, or
    C == 1); None where that raises, as it does then. (Names of its own: the handout ships this file, never a line of
    the reference.)"""
    with np.errstate(all="ignore"):
        try:
            if where == "max":
                moved = A - A.max(axis=1)
                return moved - np.log(np.sum(np.exp(moved), axis=1, keepdims=True))
            top = A.max(axis=1, keepdims=True)
            moved = A - top
            if where == "sum":
                return moved - np.log(np.sum(np.exp(moved), axis=1))
            return A - (top + np.log(np.sum(np.exp(moved), axis=1, keepdims=True))).reshape(-1)
        except ValueError:
            return None


def _loss_without_keepdims(A, Y, where: str = "max"):
    """The loss of such a softmax (`_log_softmax_without_keepdims`); None where it raises."""
    logs = _log_softmax_without_keepdims(A, where)
    with np.errstate(all="ignore"):
        return None if logs is None else float(-np.sum(Y * logs) / A.shape[0])


def _wrong_losses(case, L):
    n = case.A.shape[0]
    no_keepdims = _loss_without_keepdims(case.A, case.Y)
    no_keepdims_sum = [loss for loss in (_loss_without_keepdims(case.A, case.Y, where) for where in WITHOUT_KEEPDIMS[1:])
                       if loss is not None]
    per_sample = -(case.Y * np.log(_softmax(case.A, 1))).sum(axis=1)
    wrong_axis = _loss_over(case.A, case.Y, 0)
    row_max = float(case.A.max(axis=1).mean())
    return [
        (per_sample, "your loss is one value per sample; it is their mean over the batch, a scalar"),
        (per_sample[:, None], "your loss is one value per sample; it is their mean over the batch, a scalar"),
        (per_sample / n, "your loss is each sample's share of the mean, not their sum: sum over the batch, then "
                         "divide by N, a scalar"),  # (helper-150: these two had no hint)
        (float(-(case.Y * _softmax(case.A, 1)).sum() / n), "your loss uses softmax(A) where its log belongs: "
                                                           "-sum(Y * log(softmax(A))) / N"),  # (helper-155: no hint)
        (_log_before_sum(case.A, case.Y), "your log-softmax subtracts the row sum of the shifted logits themselves, "
                                          "which a log taken before the sum gives (np.log(np.exp(shifted)).sum(...)); "
                                          "it subtracts the log of the row sum of exp: "
                                          "np.log(np.exp(shifted).sum(axis=1, keepdims=True))"),
        (L * n, "your loss is the sum over the batch; it is the mean: divide by N"),
        (L / case.A.shape[1], "your loss is divided by N * C (np.mean over every entry does that); divide by N only"),
        (wrong_axis, "your softmax is taken over the batch (axis=0); take it over the classes of each row (axis=1)"),
        (_loss_over(case.A.reshape(1, -1), case.Y.reshape(1, -1), 1) / n, WHOLE_ARRAY),
        (-L, "your loss has the wrong sign; it is -sum(Y * log(softmax(A))) / N"),
        *([(L * n / case.A.shape[1], "your loss is divided by C, the number of classes (A.shape[1]); divide by N, the "
                                     "number of samples (A.shape[0])")] if case.A.shape[1] not in (1, n) else []),
        *([(no_keepdims, KEEPDIMS)] if no_keepdims is not None else []),
        *[(loss, KEEPDIMS_SUM) for loss in no_keepdims_sum],
        (_loss_of_whole_batch(case.A, case.Y), "your softmax divides by a sum over every entry of A, the whole batch; "
                                               "each row has its own: np.sum(..., axis=1, keepdims=True)"),
        (L + row_max, MIXED_SHIFT), (L - row_max, MIXED_SHIFT),
        (float(-np.sum(case.Y * (case.A - case.A.max(axis=1, keepdims=True))) / n),
         "your softmax is not normalised: divide exp(A - max) by its row sum before the log (the loss of a row is "
         "log(sum(exp(A - max))) - (A - max) at its label)"),  # (helper-133, helper-134: no hint)
    ]


# (a log-softmax whose two terms disagree on the shift: (A - max) - log(sum(exp(A))), or A - log(sum(exp(A - max))),
# is off by each row's max, row by row; the mutant ce_lse_of_unshifted)
MIXED_SHIFT = ("your loss is off by the mean of each row's max: one term of your log-softmax subtracts the row's max "
               "from A and the other does not; shift both or neither: log softmax = (A - max) - "
               "log(sum(exp(A - max), axis=1, keepdims=True))")


def _log_before_sum(A, Y):
    """The loss of a log-softmax whose log is taken before the row sum (helper-155: no hint)."""
    moved = A - A.max(axis=1, keepdims=True)  # (not the reference's own line: the handout ships this file)
    return float(-np.sum(Y * (moved - moved.sum(axis=1, keepdims=True))) / A.shape[0])


def _loss_of_whole_batch(A, Y):
    """The loss of a softmax whose denominator sums every entry (`.sum(keepdims=True)` with no axis: helper-111)."""
    with np.errstate(all="ignore"):
        moved = A - A.max(axis=1, keepdims=True)
        logs = moved - np.log(np.sum(np.exp(moved)))
        return float(-np.sum(Y * logs) / A.shape[0])


def _wrong_gradients(case, dLdA):
    n, c = case.A.shape
    by_c = [(dLdA * n / c, "your dLdA is divided by C, the number of classes (A.shape[1]); divide by N, the number of "
                           "samples (A.shape[0]): is that what forward stores as self.N?")] if c not in (1, n) else []
    # (helper-91: no hint, 95; helper-96: the C came from what forward stored, so the hint asks there too)
    shifted = np.exp(case.A - case.A.max(axis=1, keepdims=True))  # (helper-96: softmax not normalised, no hint)
    return by_c + [
        ((shifted - case.Y) / n, "your softmax is not normalised: divide exp(A - max) by its row sum, "
                                 "exp(A - max) / np.sum(exp(A - max), axis=1, keepdims=True)"),
        (dLdA * n, "your dLdA is not divided by N; dLdA = (softmax(A) - Y) / N"),
        ((_softmax(case.A, 1) - 1) / n, "your dLdA subtracts 1 from every entry; it subtracts the labels: "
                                        "(softmax(A) - Y) / N"),  # (helper-155: these two had no hint)
        (np.floor_divide(_softmax(case.A, 1) - case.Y, n), "your dLdA uses // (floor division), which rounds down "
                                                           "to whole numbers; divide with /: (softmax(A) - Y) / N"),
        (dLdA + (case.Y - case.A) / n, "your dLdA is (softmax - A) / N: it subtracts the logits A where it needs the "
                                       "labels Y; does forward store self.Y = Y?"),  # (helper-114: self.Y = A, no hint)
        (dLdA * n + case.Y - case.Y / n, "only your Y is divided by N: softmax - Y / N; bracket the difference: "
                                         "(softmax - Y) / N"),  # (helper-111: no hint, 95)
        (dLdA / n, "your dLdA is divided by N twice; dLdA = (softmax(A) - Y) / N"),
        (dLdA * 2, "your dLdA is twice (softmax(A) - Y) / N: the factor 2 is MSELoss's (the derivative of a square), "
                   "not this loss's"),  # (helper-215: no hint, and its behaviour tests not credited: 5 points)
        (-dLdA, "your dLdA has the wrong sign; dLdA = (softmax(A) - Y) / N"),
        ((_softmax(case.A, 0) - case.Y) / n, "your softmax is taken over the batch (axis=0); take it over the "
                                             "classes of each row (axis=1)"),
        ((_softmax(case.A.reshape(1, -1), 1).reshape(case.A.shape) - case.Y) / n, WHOLE_ARRAY),  # (helper-174)
        ((_softmax(_softmax(case.A, 1), 1) - case.Y) / n, "your dLdA takes the softmax of the softmax: what backward "
                                                          "reads (self.A, say) holds softmax(A) already, as forward "
                                                          "stored it; use it as it is: (self.A - Y) / N"),
        # (helper-182: softmax(self.A) in backward, no hint, and four more tests "not credited": 5 points)
    ]


@expected
def _expected(package, case):
    ce = package.CrossEntropyLoss()
    L = ce.forward(case.A, case.Y)
    return L, ce.backward()


@check(LOSS, points=2, cases=loss_cases, strategy=draw("loss_strategy"))
def forward_loss(case, ref):
    out = yield _script(case)
    L, _ = _expected(ref, case)
    expect("loss", out["L"], L, scalar=True, known_wrong=lambda: _wrong_losses(case, L), batch=case.A.shape[0])


@check(FORWARD_LARGE, points=1, cases=loss_cases, strategy=draw("loss_strategy"), behaviour=True)
def forward_large(case, ref):
    """Each row shifted by 500 to 5000: the same softmax, so the same loss as the student's own unshifted one."""
    _unchanged_by_shift((yield _script(case)), case, "L", "loss", "the loss")


def _unchanged_by_shift(out, case, label: str, what: str, value: str) -> None:
    """The student's `label` for the shifted logits is theirs for A; an input whose loss is a known mistake's that
    also changes under a shift is left to the loss test (looked at only where this fails)."""
    try:
        consistent(f"{what} for A + shift", out[f"shifted.{label}"], out[label], reference_label=f"your {what} for A",
                   tol=SHIFTED,
                   hint=f"shifting a row of logits leaves softmax unchanged, so {value} must stay the same: {STABLE}")
    except Failure as failure:
        if type(failure) is Failure and _unstable_by_its_mistake(out, case):
            raise Skip(UNSTABLE_BY_ITS_MISTAKE, owned=True) from None
        raise


UNSTABLE_BY_ITS_MISTAKE = ("your loss for A is the one a softmax over the batch, or a row max or log-sum-exp "
                           "subtracted without keepdims, gives ('CrossEntropyLoss.forward: loss' names it): that mistake "
                           "also makes the loss change when a row is shifted, and is charged there")


def _unstable_by_its_mistake(out, case) -> bool:
    """Whether the student's loss for A is one a known mistake gives that also changes under a shift of each row (a
    softmax over the batch, a row max or log-sum-exp subtracted without keepdims), and the right loss is not: the loss
    test charges it; this test charged it again, saying "subtract each row's max" to a forward that did (helper-107,
    helper-110)."""
    for label, A in (("L", case.A), ("shifted.L", case.shifted)):  # (on a symmetric input the mistake's loss for A
        mine = out.result.values.get(label)  # is the right one: the shifted logits tell)
        if not isinstance(mine, np.ndarray) or mine.size != 1:
            continue
        right = np.array(_loss_over(A, case.Y, 1))
        for theirs in (*(_loss_without_keepdims(A, case.Y, where) for where in WITHOUT_KEEPDIMS),
                       _loss_over(A, case.Y, 0)):
            if theirs is not None and matches(mine.reshape(()), np.array(theirs), VALUES) \
                    and not matches(right, np.array(theirs), VALUES):
                return True
    return False


@check("CrossEntropyLoss.forward: exact for large gaps between logits", points=0.5, cases=gap_cases,
       owners={"loss": (LOSS, FORWARD_LARGE)})
def forward_gaps(case, ref):
    """Rows where one logit is 100 to 1020 above the label's: the loss is about that gap. log(softmax + eps)
    and clipping cap it near -log(eps); the log of an underflowed softmax is infinite."""
    s = Script(case=case)
    s.call(s.new(CE), "forward", case.A, case.Y, label="loss")
    out = yield s
    L = _expected_gap(ref, case)

    def clipped():  # (computed only when the loss is wrong, as every known wrong answer)
        p = _softmax(case.A, 1)
        return [(float(-(case.Y * np.log(p + eps)).sum() / case.A.shape[0]),
                 f"your loss looks clipped: log(softmax + eps) or np.clip(softmax, eps, 1) caps each term near "
                 f"-log(eps) = {-np.log(eps):.3g}, while the true loss is {L:.6g}; {LOG_SUM_EXP}")
                for eps in (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-16, np.finfo(float).eps)]

    expect("loss", out["loss"], L, scalar=True, known_wrong=lambda: [
        (NON_FINITE, f"your softmax underflows to 0 for a label far below the top logit, and log(0) is -inf; "
                     f"{LOG_SUM_EXP}"), *clipped()], generic=False)


@expected
def _expected_gap(package, case):
    return package.CrossEntropyLoss().forward(case.A, case.Y)


@check("CrossEntropyLoss.forward: does not modify A or Y", points=0.5, cases=loss_cases, strategy=draw("loss_strategy"), behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _script(case)
    expect("A after forward", out["L#arg0"], case.A, EXACT)
    expect("Y after forward", out["L#arg1"], case.Y, EXACT)


@check(DLDA, points=2, cases=loss_cases, strategy=draw("loss_strategy"))
def backward_dlda(case, ref):
    out = yield _script(case)
    L, dLdA = _expected(ref, case)
    got = out["dLdA"]
    hint = (f"dLdA has A's shape {dLdA.shape}: look for what drops or adds a dimension in backward, or in what forward "
            "stores for it (a sum over axis 1 without keepdims=True leaves shape (N,), which broadcasts against the "
            "(N, C) rows into another shape)" if isinstance(got, np.ndarray) and got.shape != dLdA.shape else "")
    after_forward(lambda: expect("dLdA", got, dLdA, known_wrong=lambda: _wrong_gradients(case, dLdA),
                                 batch=case.A.shape[0], hint=hint), out, FORWARD_LOSSES, L, LOSS,
                  near=NEAR, got=got, value=dLdA, chance=lambda: _by_chance(case, out))


@check("CrossEntropyLoss.backward: finite for large logits", points=1, cases=loss_cases,
       strategy=draw("loss_strategy"), owners={"shifted.dLdA": FORWARD_LARGE, "dLdA": DLDA}, behaviour=True)
def backward_large(case, ref):
    """The gradient for shifted rows is the student's own unshifted gradient. Not compared again when
    forward already failed on shifted rows (backward usually reads what forward computed), nor when the
    gradient itself is wrong (a backward from the logits instead of softmax differs under a shift too:
    'dLdA' charges that, with its own hint, not the stability hint)."""
    out = yield _script(case)
    try:
        _unchanged_by_shift(out, case, "dLdA", "dLdA", "dLdA")  # (it returns what forward stored)
    except Failure as failure:
        # (as in 'dLdA': helper-214's right backward got inf here, behind a forward's (N, N) softmax of one class,
        # whose losses were 0 and right)
        if type(failure) is Failure and _by_chance(case, out):
            raise Unless(failure, (LOSS,), BY_CHANCE.format("loss", "loss")) from None
        raise


def _by_chance(case, out) -> bool:
    """An input where forward's losses can be right while the softmax it stored is not (one class, or as many rows as
    classes: a value per row without keepdims broadcasts across the columns there), where forward's losses (of A and
    of the shifted logits) are those of a softmax taken without keepdims and backward's dLdA for A is what a right
    backward returns from it: `after_forward`'s `chance`. Only then (helper-215: a backward of twice the gradient,
    behind a forward wrong elsewhere, had every square batch left out so; helper-216: one returning the gradient of
    such a softmax on square batches alone, behind a forward dividing by C, right on them)."""
    got = out.result.values.get("dLdA")
    if case.A.shape[1] not in (1, case.A.shape[0]) or not isinstance(got, np.ndarray):
        return False
    losses = [(out.result.values.get(label), A) for label, A in (("L", case.A), ("shifted.L", case.shifted))]
    for where in WITHOUT_KEEPDIMS:
        theirs = _gradient_without_keepdims(case.A, case.Y, where)
        if theirs is None or theirs.shape != got.shape or not matches(got, theirs, VALUES):
            continue
        if all(isinstance(mine, np.ndarray) and mine.size == 1 and (loss := _loss_without_keepdims(A, case.Y, where))
               is not None and matches(mine.reshape(()), np.array(loss), VALUES) for mine, A in losses):
            return True
    return False


def _gradient_without_keepdims(A, Y, where: str):
    """(softmax - Y) / N for such a softmax (`_log_softmax_without_keepdims`), as a right backward returns it from
    what such a forward stored; None where it raises."""
    logs = _log_softmax_without_keepdims(A, where)
    with np.errstate(all="ignore"):
        return None if logs is None else (np.exp(logs) - Y) / A.shape[0]


@check("CrossEntropyLoss.backward: after two forward calls, uses the last input", points=0.5, cases=loss_cases, behaviour=True)
def backward_after_two_forwards(case, ref):
    out = yield _script(case)
    consistent("dLdA after forward(A0, Y0), backward(), forward(A, Y)", out["again.dLdA"], out["dLdA"],
               reference_label="your dLdA after forward(A, Y) alone",
               hint="backward must use the A and Y of the most recent forward call, and compute its gradient anew on every call (not one kept from an earlier backward)")


@expected
def _expected_probes(package, case):
    """The reference's loss at every probe of the finite-difference check."""
    losses = []
    for k in range(case.A.size):
        for sign in (1.0, -1.0):
            moved = case.A.copy()
            moved.flat[k] += sign * 1e-2
            losses.append(float(package.CrossEntropyLoss().forward(moved, case.Y)))
    return np.array(losses)


@check("CrossEntropyLoss.backward: agrees with finite differences of forward", points=0.5, cases=edge_cases(loss_cases),
       strategy=draw("loss_strategy"), owners={"dLdA": DLDA})
def backward_finite_differences(case, ref):
    """Reference-free: the slopes of the student's own loss around A, where it matches the reference. A wrong dLdA is
    charged only where forward's loss test passes: backward returns what forward stored, and a forward can give the
    right loss at every probe and store a wrong softmax (helper-109: one without keepdims, with one class, or with N ==
    C and Y the identity)."""
    s = Script(case=case)
    by_A = slopes("A", case.A, 1e-2, lambda A: s.call(s.new(CE), "forward", A, case.Y, label=s.fresh(), soft=True,
                                                         shown=("A with one entry moved by +-0.01", "Y")))
    ce = s.new(CE)
    s.call(ce, "forward", case.A, case.Y, label="L", soft=True)
    s.call(ce, "backward", label="dLdA")
    out = yield s

    def loss(L):
        if L.size != 1:
            raise Skip("forward did not return a scalar there, so its slopes say nothing about backward")
        return float(L.reshape(-1)[0])

    matches_reference(by_A.losses(out, loss), _expected_probes(ref, case))
    try:
        by_A.check("dLdA", out["dLdA"], out, loss)
    except Failure as failure:
        if type(failure) is not Failure:  # (a crash is judged as ever)
            raise
        raise Unless(failure, (LOSS,)) from None  # (not forward's other tests: one failed on purpose, helper-112)
