"""Checks of `mytorch.nn.batchnorm.BatchNorm1d`, backward: 6.5 of its 15 points, plus 1 hidden; and forward's test of
what it keeps for backward, 1 (forward's others in batchnorm.py).

Before backward the grader sets BW and Bb (random) and what the handout says training forward
stores (Z, N, M, V, NZ), so backward is graded on its own. dLdZ is a difference of terms of size
|dLdBZ * BW| / sqrt(V + eps) that can cancel (exactly, for N = 1): its absolute tolerance scales with
the largest of those terms, as other values' scales with their largest entry, so float32 rounding in
them is forgiven and a missing term is not. Policy: dLdBW and dLdBb of shape (C,) where (1, C) is
specified are accepted, with a note (BW -= lr * dLdBW updates BW the same).
"""
from __future__ import annotations

import contextlib
import re

import numpy as np

from ..cases import batchnorm_cases, edge_cases
from ..compare import EXACT, FINITE_DIFFERENCES, VALUES, Failure, Tolerance, alternatives, expect, matches
from ..diagnose import NON_FINITE
from ..expected import expected
from ..sandbox import Bad, Script
from .base import Skip, Unless, absent, check, per_case
from .batchnorm import EPS, STRATEGY, batch_stats, hints, normalised, reference, student
from .gradients import matches_reference, slopes

DLDZ, DLDBW, DLDBB = "BatchNorm1d.backward: dLdZ", "BatchNorm1d.backward: dLdBW", "BatchNorm1d.backward: dLdBb"
BACKWARD_OWNERS = {"dLdZ": DLDZ, "dLdBW": DLDBW, "dLdBb": DLDBB}
FORMULA = "dLdZ = (dLdNZ - mean(dLdNZ) - NZ * mean(dLdNZ * NZ)) / sqrt(V + eps), with dLdNZ = dLdBZ * BW"


def forward_then_state(s: Script, bn, case) -> None:
    """forward(Z), whose failure does not stop the case, then what the handout says it stores (Z, N, M,
    V, NZ), set by the grader whatever forward stored: backward is graded on its own."""
    s.call(bn, "forward", case.Z, label=s.fresh(), soft=True)
    set_state(s, bn, case)


def contract_state(case) -> list[tuple[str, object, str | None]]:
    """What the handout says training forward(Z) stores: (name, value, how a call shows it)."""
    M, V = batch_stats(case)
    return [("Z", case.Z, "Z"), ("N", int(case.Z.shape[0]), None), ("M", M, "mean of Z"), ("V", V, "variance of Z"),
            ("NZ", normalised(case.Z, M, V), "(Z - M) / sqrt(V + eps)")]


def set_state(s: Script, bn, case) -> None:
    for name, value, shown in contract_state(case):
        s.set(bn, name, value, state=True, reference=True, shown=shown, read=True)  # (read first: `own_state`)


def trained_twice(s: Script, case, prefix: str):
    """A fresh layer: forward(Z2), forward(Z), then what it stored under the handout's names, under `prefix` + name
    (a second batch first, as in `forward_keeps_state`: state kept from a first call shows)."""
    bn = student(s, case)
    s.call(bn, "forward", case.Z2, label=s.fresh(), shown=("Z2",), soft=True)
    s.call(bn, "forward", case.Z, label=s.fresh(), soft=True)
    for name in STATE:
        s.get(bn, name, label=prefix + name)
    return bn


def backward_gets(s: Script, bn, case, prefix: str) -> None:
    s.call(bn, "backward", case.dLdBZ, label=f"{prefix}dLdZ", soft=True)
    s.get(bn, "dLdBW", label=f"{prefix}dLdBW")
    s.get(bn, "dLdBb", label=f"{prefix}dLdBb")


def dldz_tolerance(case, tol: Tolerance = VALUES) -> Tolerance:
    """`tol`, its absolute term scaled by the largest term of the formula, |dLdBZ * BW| / sqrt(V + eps)."""
    terms = np.abs(case.dLdBZ * case.BW) / np.sqrt(batch_stats(case)[1] + 1e-8)
    return Tolerance(tol.rtol, tol.atol, max(tol.floor, float(terms.max(initial=0.0))))


def sum_tolerance(case) -> Tolerance:
    """VALUES, its absolute term scaled by the largest product summed in dLdBW (float32 rounds those)."""
    M, V = batch_stats(case)
    terms = np.abs(case.dLdBZ) * np.maximum(1.0, np.abs(normalised(case.Z, M, V)))
    return Tolerance(VALUES.rtol, VALUES.atol, max(VALUES.floor, float(terms.max(initial=0.0))))


def row(out, label: str, case):
    """The value under `label`; one of shape (C,) is read as (1, C), with a note (the policy)."""
    got = out[label]
    if as_row(got, case) is not got:
        param = label[3:]
        out.note(f"your {label} has shape (C,) where (1, C) is specified: accepted, since {param} -= lr * {label} "
                 f"updates {param} the same way (np.sum(..., axis=0, keepdims=True) gives (1, C))")
    return as_row(got, case)


def as_row(got, case):
    """`got` of shape (C,) as (1, C) (the policy for dLdBW and dLdBb); anything else as it is."""
    c = case.Z.shape[1]
    return got.reshape(1, c) if isinstance(got, np.ndarray) and got.shape == (c,) else got


LABELS = ("dLdZ", "dLdBW", "dLdBb")  # backward's values, in `_expected`'s order


def tolerance(label: str, case) -> Tolerance:
    """The tolerance backward's value `label` is judged to."""
    return dldz_tolerance(case) if label == "dLdZ" else sum_tolerance(case)


def _right(values: dict, prefix: str, label: str, case, ref) -> bool:
    """Whether backward's `label` under `prefix` (in the script's raw values, not read as a test's) is right."""
    got = values.get(prefix + label)
    return matches(got if label == "dLdZ" else as_row(got, case), _expected(ref, case)[LABELS.index(label)],
                   tolerance(label, case))


@per_case
def _script(case):
    """forward(Z), the state, backward(dLdBZ), then the stored gradients: one script for every backward test; last,
    once the class fails, backward on a fresh layer's own state (`or_own_state`; last: a backward that hangs on its
    own state stops nothing before it)."""
    s = Script(case=case)
    bn = student(s, case)
    forward_then_state(s, bn, case)
    s.call(bn, "backward", case.dLdBZ, label="dLdZ", keep_args=True, soft=True)  # (what it stored before raising,
    s.get(bn, "dLdBW", label="dLdBW")  # judged: Outputs.stored_before)
    s.get(bn, "dLdBb", label="dLdBb")
    own_state(s, case)
    return s


def own_state(s: Script, case) -> None:
    """Last in a script, once the class fails: on a fresh layer, forward(Z), each of the handout's names set again to
    a copy of what forward stored there, as the grader sets state (read, then set), backward (under OWN + label), then
    what the layer holds under those names (under OWN + name): the graded run's calls on the object, forward's own
    values where the grader's were (`or_own_state`; helper-190: a backward wrong after one forward alone, or telling
    the grader's arrays from its own, had been excused by a run after two forwards, without the sets; helper-191: one
    telling whether its V had been read since forward, by a run reading it before backward)."""
    with s.diagnosing():
        for prefix, restored in ((OWN, True), (PLAIN, False)):
            bn = student(s, case)
            s.call(bn, "forward", case.Z, label=s.fresh(), soft=True)
            for name in STATE if restored else ():
                s.restore(bn, name)
            backward_gets(s, bn, case, prefix)
            for name in STATE:
                s.get(bn, name, label=prefix + name)


OWN = "with forward's own state: "  # backward after forward, its own values set back as copies (`or_own_state`)
PLAIN = "after forward alone: "  # backward after forward, nothing set (`right_unset`)


def right_unset(out, case, ref, label: str) -> None:
    """Where backward's `label` is right with the state the grader sets, the value it gives after forward alone,
    nothing set (PLAIN), must be right wherever it is right with what that forward stored set back as copies (OWN): the
    same values, set from outside or not. A backward right only once its state was set from outside (telling the
    grader's arrays from its forward's, or noting the sets) is wrong for its own layer, and that is backward's
    (helper-195: a backward leaving BW out unless NZ was not the array its forward kept lost forward's 1 point where
    the honest mistake lost 3; helper-191's, behind a name stored another way that backward never reads, too)."""
    values = out.result.values
    if PLAIN + "N" not in values:
        return  # (not run: the class passed)
    if _right(values, PLAIN, label, case, ref) or not _right(values, OWN, label, case, ref):
        return  # (wrong with its own values set back too: what forward stored, `forward_keeps_state` judges it)
    out.about(PLAIN + "dLdZ")
    raise Failure(f"{label}: right with the state the grader sets, and with the values your forward stored set back "
                  f"as copies, but wrong after your forward alone, with nothing set: your backward computes {label} "
                  f"otherwise when the same values were set from outside",
                  "backward must compute from the values forward stored, whatever arrays hold them: not from which "
                  "object holds them, nor from whether they were set after forward")


def _right_after(values: dict, prefix: str, case, ref) -> bool:
    """Whether backward's three values under `prefix` are all right."""
    return all(_right(values, prefix, label, case, ref) for label in LABELS)


def _close(got, want, rtol: float, atol: float) -> bool:
    """`got` is `want` (an array of its shape, or for a number, one number), to `rtol` and `atol`."""
    got = np.asarray(got) if isinstance(got, (int, float)) else got
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
        return False
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape and not (want.ndim == 0 and got.size == 1):  # (helper-190: M of shape (C,) where
        return False  # C = 1 was taken for the handout's (1, C))
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(got.astype(np.float64).reshape(want.shape) - want) <= atol + rtol * np.abs(want)))


def other_state(values: dict, prefix: str, case) -> list[str]:
    """The handout's names (Z, N, M, V, NZ) that forward stored, under `prefix`, as something else than the handout
    says (to a relative 1e-5: V + eps is not V where V is 0); a name forward did not store is not among them
    (backward reads no such name, or raises, and `_stores_what_backward_reads` says so)."""
    return [name for name, want, _ in contract_state(case) if not absent(got := values.get(prefix + name))
            and got is not None and not _same(name, got, want, case)]


def _same(name: str, got, want, case) -> bool:
    """`got` is the handout's `want` for self.`name`, its shape and its numbers, to a relative 1e-5 and an absolute
    1e-6 of the array's largest entry (Z's, for M: a mean's rounding follows Z's size, not its own; helper-191:
    float32's NZ, off by 1e-7 where the handout's is near 0, was read as another NZ; V + eps where V is 0 stays
    another V)."""
    return _close(got, want, 1e-5, 1e-6 * float(np.max(np.abs(case.Z if name in ("Z", "M") else want), initial=0.0)))


@contextlib.contextmanager
def or_own_state(out, case, ref):
    """The block's failure, unless backward gives every value right after forward alone, reading what forward stored
    itself, and forward stored other state than the handout's under its names (self.V = V + eps, or the standard
    deviation; self.NZ = Z - M; each read as such by its backward): the input passes unless forward's "keeps what
    backward reads" passes, which charges that (helper-187: each lost backward's 3 points, its hint a division by
    sqrt(V) without eps, on a batch of one sample). Forward's other state is required (Linear's `_other_state`): a
    backward right on its own state and wrong on the handout's told the grader's setting apart."""
    try:
        yield
    except Failure as failure:
        values = out.result.values
        names = other_state(values, OWN, case)
        if names and _right_after(values, OWN, case, ref):
            raise Unless(failure, (KEEPS,)) from None
        if names:  # (helper-190: the standard deviation kept as V, and a real mistake, read "a division by sqrt(V)
            said = "; ".join(_stored_as(name, values[OWN + name], case)[0] for name in names)  # without eps" alone)
            failure.message += (f" (before backward the grader set self.Z, self.N, self.M, self.V and self.NZ as the "
                                f"handout says, where your forward stores otherwise: {said}; with your forward's own "
                                f"state backward is wrong on this input too)")
        raise


@expected
def _expected(package, case):
    bn = reference(package, case)
    bn.forward(case.Z)
    return bn.backward(case.dLdBZ), bn.dLdBW, bn.dLdBb


CONSTANTS = "your dLdZ is dLdNZ / sqrt(V + eps) alone: M and V depend on Z too; " + FORMULA


def _dldz_mistakes(case):
    M, V = batch_stats(case)
    NZ, s, n = normalised(case.Z, M, V), np.sqrt(V + 1e-8), case.Z.shape[0]
    d = case.dLdBZ * case.BW

    def mean(x):
        return x.mean(axis=0, keepdims=True)

    no_mean = ((d - NZ * mean(d * NZ)) / s, "your dLdZ lacks the term -mean(dLdNZ) (M depends on every Z); "
                                            + FORMULA)
    # (helper-146, helper-154: a mean over the whole array or over each row had no hint, and its smallest failing
    # input, one sample, "expected 0", sent a student after eps and one-sample batches)
    # (one wording for each axis, whichever of the two means it is in: on one sample the two agree, and two hints
    # that agree on the input shown are no hint)
    # (and on one sample, a row is the whole array: one wording for both)
    places = ((("the features of each row (axis=1), or the whole array (no axis)", lambda x: x.mean()),) if n == 1 else
              (("the whole array (no axis)", lambda x: x.mean()),
               ("the features of each row (axis=1)", lambda x: x.mean(axis=1, keepdims=True))))
    other_axes = [(mean_a, mean_b, f"a mean in your dLdZ is taken over {where}; the formula's means are over the "
                                   f"batch (axis=0), one per feature: " + FORMULA)
                  for where, over in places for mean_a, mean_b in ((over, mean), (mean, over), (over, over))]
    axes = [((d - mean_a(d) - NZ * mean_b(d * NZ)) / s, words) for mean_a, mean_b, words in other_axes]
    if n == 1:  # dLdZ is 0 whatever dLdNZ is: only a missing mean term, or a mean over another axis, shows (and
        # dLdNZ / sqrt(V + eps) alone, M and V taken as constants, is the same number here: one wording for both, which
        # larger inputs, naming either, do not speak against; helper-170: no hint, "expected 0" on one sample)
        return [(no_mean[0], alternatives((no_mean[1], CONSTANTS), "your dLdZ lacks the term -mean(dLdNZ), and perhaps "
                                          "-NZ * mean(dLdNZ * NZ) too (M and V depend on every Z: on a batch of one "
                                          "sample dLdZ is 0); " + FORMULA)), *axes]
    return [
        *axes,
        (d / s, CONSTANTS),
        no_mean,
        ((d - mean(d)) / s, "your dLdZ lacks the term -NZ * mean(dLdNZ * NZ) (V depends on every Z); " + FORMULA),
        ((case.dLdBZ - mean(case.dLdBZ) - NZ * mean(case.dLdBZ * NZ)) / s,
         "your dLdZ leaves BW out: " + FORMULA),
        ((d - n * mean(d) - NZ * n * mean(d * NZ)) / s, "your dLdZ sums over the batch where the formula takes "
                                                       "means (a 1/N is missing); " + FORMULA),
        ((d - n * mean(d) - NZ * mean(d * NZ)) / s, "your dLdZ subtracts the sum of dLdNZ over the batch where the "
                                                   "formula takes its mean (a 1/N is missing); " + FORMULA),
        ((d - mean(d) - NZ * n * mean(d * NZ)) / s, "your dLdZ subtracts NZ * the sum of dLdNZ * NZ over the batch "
                                                   "where the formula takes its mean (a 1/N is missing); " + FORMULA),
    ]  # (helper-87: np.sum in one of the two terms alone had no hint)


@check(DLDZ, points=3, cases=batchnorm_cases, strategy=STRATEGY)
def backward_dldz(case, ref):
    out = yield _script(case)
    dLdZ, _, _ = _expected(ref, case)
    n = case.Z.shape[0]
    one = [(NON_FINITE, "your dLdZ is not finite for a batch of one sample, whose variance V is 0 (dLdZ is 0 there): "
                        "look for a division by sqrt(V) without eps, or by N - 1 (ddof=1)")] if n == 1 else []
    tol = dldz_tolerance(case)
    with or_own_state(out, case, ref):
        expect("dLdZ", out["dLdZ"], dLdZ, tol, batch=n,
               known_wrong=lambda: one + hints(dLdZ, _dldz_mistakes(case), tol, label="dLdZ", batch=n))
    right_unset(out, case, ref, "dLdZ")


# (helper-225, a real hand-in: np.sum(dLdBZ * NZ) without an axis gave "shape mismatch: got (), expected (1, 1)" alone)
ONE_NUMBER = ("your {} is one number, the sum over every entry: sum over the batch only, one value per feature, "
              "np.sum({}, axis=0, keepdims=True), of shape (1, C)")
ACROSS = ("your {0} sums {1} over the features (axis=1, or over every axis with keepdims=True): sum it over the batch "
          "only, one value per feature, np.sum({1}, axis=0, keepdims=True), of shape (1, C)")


def _gradient_mistakes(case, which: str):
    M, V = batch_stats(case)
    NZ = normalised(case.Z, M, V)
    g, sum_ = case.dLdBZ, lambda x: x.sum(axis=0, keepdims=True)
    swapped = "dLdBW = sum(dLdBZ * NZ) and dLdBb = sum(dLdBZ), over the batch (axis 0): are the two swapped?"
    if which == "dLdBW":
        return [
            (sum_(g), f"your dLdBW is sum(dLdBZ), what dLdBb is; {swapped}"),
            (g * NZ, "your dLdBW is dLdBZ * NZ, not summed: sum it over the batch, "
                     "np.sum(dLdBZ * NZ, axis=0, keepdims=True)"),
            (sum_(g * case.Z), "your dLdBW uses Z; it uses the normalised NZ: dLdBW = sum(dLdBZ * NZ) over the batch"),
            (sum_(g * (case.BW * NZ + case.Bb)), "your dLdBW uses the output BZ; it uses the normalised NZ: "
                                                 "dLdBW = sum(dLdBZ * NZ) over the batch"),
            (np.sum(g * NZ), ONE_NUMBER.format("dLdBW", "dLdBZ * NZ")),
            # (keepdims without the axis: on a batch of one row, what summing over the features gives; one hint)
            (np.sum(g * NZ, keepdims=True), ACROSS.format("dLdBW", "dLdBZ * NZ")),
        ] + [((g * NZ).sum(axis=1, keepdims=True), ACROSS.format("dLdBW", "dLdBZ * NZ"))  # (helper-121: no hint)
             ] * (g.shape[1] > 1)  # (with one feature that is dLdBZ * NZ, not summed: its hint, unambiguous)
    return [
        (np.sum(g), ONE_NUMBER.format("dLdBb", "dLdBZ")),
        (np.sum(g, keepdims=True), ACROSS.format("dLdBb", "dLdBZ")),
        (sum_(g * NZ), f"your dLdBb is sum(dLdBZ * NZ), what dLdBW is; {swapped}"),
        (g, "your dLdBb is dLdBZ, not summed: sum it over the batch, np.sum(dLdBZ, axis=0, keepdims=True)"),
        (g.sum(axis=1, keepdims=True), ACROSS.format("dLdBb", "dLdBZ")),
    ]


def _gradient(out, ref, case, label: str) -> None:
    want = _expected(ref, case)[LABELS.index(label)]
    n, tol = case.Z.shape[0], sum_tolerance(case)
    with or_own_state(out, case, ref):
        expect(label, row(out, label, case), want, tol, batch=n,
               known_wrong=lambda: hints(want, _gradient_mistakes(case, label), tol, label=label, batch=n))
    right_unset(out, case, ref, label)


@check(DLDBW, points=1, cases=batchnorm_cases, strategy=STRATEGY)
def backward_dldbw(case, ref):
    out = yield _script(case)
    _gradient(out, ref, case, "dLdBW")


@check(DLDBB, points=1, cases=batchnorm_cases, strategy=STRATEGY)
def backward_dldbb(case, ref):
    out = yield _script(case)
    _gradient(out, ref, case, "dLdBb")


@check("BatchNorm1d.backward: does not modify dLdBZ", points=0.5, cases=batchnorm_cases, strategy=STRATEGY,
       behaviour=True)
def backward_keeps_args(case, ref):
    out = yield _script(case)
    expect("dLdBZ after backward", out["dLdZ#arg0"], case.dLdBZ, EXACT, known_wrong=lambda: [
        (case.dLdBZ * case.BW, "your backward multiplied dLdBZ by BW in place (dLdBZ *= BW); compute a new array")],
        generic=False)


def _step(case) -> float:
    """A hundredth of the smallest column's spread: the slopes' curvature error stays ~1e-4."""
    std = np.sqrt(batch_stats(case)[1])
    return 0.01 * float(std.min()) if case.Z.shape[0] > 1 else 0.01


@expected
def _expected_probes(package, case):
    """The reference's sum(dLdBZ * forward(Z moved)) at every probe of the finite-difference check."""
    step, losses = _step(case), []
    for k in range(case.Z.size):
        for sign in (1.0, -1.0):
            moved = case.Z.copy()
            moved.flat[k] += sign * step
            losses.append(float((case.dLdBZ * reference(package, case).forward(moved)).sum()))
    return np.array(losses)


@check("BatchNorm1d.backward: agrees with finite differences of forward", points=1,
       cases=edge_cases(batchnorm_cases), strategy=STRATEGY, owners={"dLdZ": DLDZ})
def backward_finite_differences(case, ref):
    """Reference-free, judged only where the student's training forward matches the reference."""
    s = Script(case=case)
    bn = student(s, case)
    step = _step(case)
    by_Z = slopes("Z", case.Z, step, lambda Z: s.call(bn, "forward", Z, label=s.fresh(), soft=True,
                                                         shown=(f"Z with one entry moved by +-{step:.3g}",)))
    forward_then_state(s, bn, case)
    s.call(bn, "backward", case.dLdBZ, label="dLdZ", soft=True)  # (soft: the run on its own state follows)
    own_state(s, case)
    out = yield s

    def loss(BZ):
        if BZ.shape != case.Z.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dLdBZ * BZ).sum())

    losses = by_Z.losses(out, loss)
    matches_reference(losses, _expected_probes(ref, case))
    pairs = losses.reshape(-1, 2)
    slope = ((pairs[:, 0] - pairs[:, 1]) / (2 * step)).reshape(case.Z.shape)
    with or_own_state(out, case, ref):
        expect("dLdZ (compared with finite differences of your forward)", out["dLdZ"], slope,
               dldz_tolerance(case, FINITE_DIFFERENCES))


KEEPS = "BatchNorm1d.forward: keeps what backward reads, through evaluation mode"
ALIASED = ("your self.NZ holds BZ: BZ was computed in place in the array NZ is kept in (BZ = self.NZ, then BZ *= BW, "
           "BZ += Bb), so backward reads BZ as NZ; make BZ a new array: BZ = self.BW * self.NZ + self.Bb")
STORED = ("backward after your forward alone gives another value than with the state the handout names (Z, N, M, V, "
          "NZ) set as the last training forward leaves it: forward stores something else, keeps an earlier batch's "
          "(every training forward stores its own batch's), or changes it after storing it (an in-place operation on "
          "an array it keeps)")
EVALUATED = ("after an evaluation forward (eval=True), backward gives another value than after the training forward "
             "alone: evaluation mode changes what backward reads (self.NZ, self.Z, ...); with eval=True store nothing, "
             "as backward goes through the last training forward")


AFTER = (("own.", "forward(Z2), then forward(Z)"), ("evaluated.", "forward(Z), then forward(Zeval, eval=True)"))


@per_case
def _keeps_script(case):
    """On a fresh layer each: forward(Z2), forward(Z), then backward (a second training batch, of another size as a
    rule: helper-187's forward stored its state on the first call alone, or set self.N only where it had none, and
    scored 100); forward(Z), forward(Zeval, eval=True), then backward. Nothing set by the grader: backward reads what
    forward stored."""
    s = Script(case=case)
    for prefix, evaluated in (("own.", False), ("evaluated.", True)):
        bn = student(s, case)
        if not evaluated:
            s.call(bn, "forward", case.Z2, label=s.fresh(), shown=("Z2",), soft=True)
        s.call(bn, "forward", case.Z, label=f"{prefix}BZ", soft=True)
        if evaluated:
            s.call(bn, "forward", case.Zeval, True, label=s.fresh(), shown=("Zeval", "eval=True"), soft=True)
        backward_gets(s, bn, case, prefix)
    with s.diagnosing():  # (once the class fails: what forward stored, then backward with the handout's state in its
        bn = trained_twice(s, case, "stored.")  # place, for `_stored_other_state`)
        set_state(s, bn, case)
        backward_gets(s, bn, case, "set.")
    return s


@expected
def _expected_bz(package, case):
    return reference(package, case).forward(case.Z)


EVALUATION = ("BatchNorm1d.forward: evaluation output uses the running statistics",
              "BatchNorm1d.forward: evaluation updates no running statistic")


SECOND = ("forward's output for a second training batch is wrong where a first one's is right: does forward keep "
          "something of an earlier batch (its N, M or V) instead of computing it from this one?")


@check(KEEPS, points=1, cases=batchnorm_cases, strategy=STRATEGY,
       owners={"own.BZ": "BatchNorm1d.forward: training output BZ",
               **{f"own.{label}": owner for label, owner in BACKWARD_OWNERS.items()},
               **{f"evaluated.{label}": (owner, *EVALUATION) for label, owner in BACKWARD_OWNERS.items()}})
def forward_keeps_state(case, ref):
    """Backward after the student's own forward, with nothing set: right wherever backward is right on the state the
    handout names (its tests, which own these values, charge it where it is not), unless forward's stored state is not
    that state (helper-174, helper-185: `BZ = self.NZ; BZ *= BW` left BZ in self.NZ, and scored 100; an evaluation mode
    that stored its own NZ too). An input where forward's training output is wrong is left to that output's test; the
    values after evaluation mode, to the evaluation tests too where one fails (helper-187: no evaluation mode at all,
    which trains on Zeval, cost this test as well as those two)."""
    out = yield _keeps_script(case)
    BZ = _expected_bz(ref, case)
    if "own.BZ" in out.excused:  # (forward's output test failed: a wrong output here is that test's to charge)
        if not matches(out.result.values.get("own.BZ"), BZ):
            raise Skip("forward's training output is wrong here: its test charges that", owned=True)
    else:  # (a second batch's output, which that test, reading a first call's alone, never judged: helper-188's
        expect("BZ (forward(Z) after forward(Z2))", out["own.BZ"], BZ, hint=SECOND)  # forward off there alone, 100)
    _stores_what_backward_reads(out)
    want = dict(zip(LABELS, _expected(ref, case)))
    aliased = [(np.sum(case.dLdBZ * BZ, axis=0, keepdims=True), ALIASED)]  # (dLdBW from BZ kept as NZ)
    tols = {label: tolerance(label, case) for label in ("dLdBW", "dLdBb", "dLdZ")}  # (dLdBW first: its aliasing hint)
    for (prefix, after), hint in zip(AFTER, (STORED, EVALUATED)):
        for label, tol in tols.items():
            got = out[prefix + label] if label == "dLdZ" else row(out, prefix + label, case)
            expect(f"{label} (backward after {after})", got, want[label], tol,
                   known_wrong=aliased if label == "dLdBW" else (), hint=hint, generic=False)
    _stored_other_state(out, case, ref)


def _stored_other_state(out, case, ref) -> None:
    """Where backward is right after forward alone and wrong with the handout's state set in place of what forward
    stored under the handout's names, and forward stored something else there: forward's, charged here (backward's
    tests leave the input to this test: `or_own_state`). Not where forward stored the handout's state (backward
    then told the grader's setting apart: its own tests charge it), nor before the class fails (nothing to judge)."""
    values = out.result.values
    if "stored.N" not in values or not _right_after(values, "own.", case, ref) or _right_after(values, "set.", case,
                                                                                               ref):
        return  # (a backward raising on the handout's state is wrong there: helper-190's self.N = Z.shape)
    if not np.any(case.dLdBZ):
        return  # (every value 0 here, as any formula gives them: no sign backward is right, helper-190)
    names = other_state(values, "stored.", case)
    if names:
        out.about("stored." + names[0])  # (the calls: that layer's, not its backward, which may have raised)
        said = [_stored_as(name, values["stored." + name], case) for name in names]
        raise Failure("backward is right after your forward, and wrong with the state the handout names set in its "
                      "place (the grader sets self.Z, self.N, self.M, self.V and self.NZ as the handout says, to grade "
                      "backward on its own): " + "; ".join(words for words, _ in said),
                      "store under these names what the handout says they hold, and let backward read them so: "
                      + "; ".join(fix for _, fix in said))


def _stored_as(name: str, got, case) -> tuple[str, str]:
    """What forward stored as self.`name`, in words, and the fix: what it holds, and its shape where that is another
    (helper-191: the standard deviation of shape (C,) was told its shape alone, and its value only once that was
    mended)."""
    M, V = batch_stats(case)
    want, shown = next((v, shown) for n, v, shown in contract_state(case) if n == name)
    if name == "N":
        if isinstance(got, Bad) and isinstance(got.numbers, np.ndarray) and got.numbers.size <= 4:
            held = f"{got.what.split(',')[0]} {tuple(got.numbers.ravel().tolist())}"  # (a tuple (4, 3): Z.shape)
        elif isinstance(got, np.ndarray) and got.size == 1:
            held = f"{got.reshape(()).item():g}"
        else:
            held = "not"
        return (f"your self.N is {held}{'' if held == 'not' else ' where the handout has'} the batch size, "
                "Z.shape[0]", "self.N = Z.shape[0]")
    reshaped = isinstance(got, np.ndarray) and got.size == want.size and got.shape != want.shape
    keep = f"of shape {want.shape} (keepdims=True keeps the batch axis)"
    held = f"of shape {got.shape} where the handout's is {want.shape}" if reshaped else ""
    shape = (f" {held}", f", {keep}") if reshaped else ("", "")
    got = got.reshape(want.shape) if reshaped else got
    known = {"V": [(V + EPS, "the variance plus eps (V + eps)",
                    "self.V = the variance (ddof=0), eps added where backward divides: np.sqrt(self.V + self.eps)"),
                   (np.sqrt(V + EPS), "the standard deviation sqrt(V + eps)",
                    "self.V = the variance (ddof=0), and divide by np.sqrt(self.V + self.eps)"),
                   (np.sqrt(V), "the standard deviation sqrt(V)",
                    "self.V = the variance (ddof=0), and divide by np.sqrt(self.V + self.eps)")],
             "NZ": [(case.Z - M, "Z - M, not normalised", "self.NZ = (Z - M) / np.sqrt(V + eps)")]}.get(name, [])
    for value, words, fix in known:  # (not one that is the handout's value here: sqrt(V) where V is 0)
        if _close(got, value, 1e-5, 1e-12) and not _same(name, value, want, case):
            return f"your self.{name} is {words}{shape[0]}", fix + shape[1]
    if reshaped and _same(name, got, want, case):
        return f"your self.{name} holds the handout's numbers, {held}", f"self.{name} {keep}"
    return f"your self.{name} is not {shown}{shape[0]}", f"self.{name} = {shown}{shape[1]}"


STATE = ("Z", "N", "M", "V", "NZ")


def _stores_what_backward_reads(out) -> None:
    """A backward that raised on the layer's own state, reading an attribute of the handout's (Z, N, M, V, NZ) that
    forward did not store: forward's mistake, said so (not "needs BatchNorm1d.backward"), whatever else backward gets
    wrong (the grader sets those attributes for backward's own tests: they never raise so)."""
    after = {out.script.labels[f"{prefix}dLdZ"]: words for prefix, words in AFTER}
    for error in out.result.soft:
        found = re.search(r"has no attribute '(\w+)'", error.msg)
        if error.op in after and error.type == "AttributeError" and found and found.group(1) in STATE:
            name = found.group(1)
            raise Failure(f"backward after {after[error.op]} raised AttributeError: no attribute {name!r} "
                          f"({error.where or 'backward'}): forward does not store self.{name}",
                          f"training forward stores self.Z, self.N, self.M, self.V and self.NZ, as the handout says: "
                          f"backward reads them (the grader sets them before grading backward itself)")
