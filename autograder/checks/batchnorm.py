"""Checks of `mytorch.nn.batchnorm.BatchNorm1d`, forward: 6.5 of its 15 points (backward, and forward's test of what
it keeps for backward, in batchnorm_backward.py).

The grader sets BW and Bb to random values after construction, so a swap of the two, or a missing
scale or shift, shows. Training is graded on the first batch's output, then on the running
statistics after three batches; before evaluation mode the grader sets running_M and running_V to
what three correct training calls give, so evaluation is graded on its own (a wrong running update
is charged once, by the running-statistics test) and a layer that only works when fresh (initial
statistics, the last batch's M and V) shows. Running statistics wrong only by wrong batch statistics that every
training output shows too (`WRONG_STATS`: V with ddof=1, the sum of squares, the standard deviation, M or V with no
axis, ...) are left to the training output's test (`_stats_throughout`), which names them.
"""
from __future__ import annotations

import numpy as np

from ..cases import batchnorm_cases, draw
from ..compare import EXACT, VALUES, Failure, Tolerance, alternatives, expect, matches
from ..diagnose import NON_FINITE, generic
from ..expected import expected
from ..sandbox import Script
from .base import Unless, check, per_case

BN = "mytorch.nn.batchnorm.BatchNorm1d"
CLASSES = {"BatchNorm1d": BN}
EPS = 1e-8
STRATEGY = draw("batchnorm_strategy")
BIASED = "batch norm uses the biased variance: np.var(Z, axis=0) (ddof=0, dividing by N, not N - 1)"


def student(s: Script, case):
    """A student layer with the case's alpha, then BW and Bb set to the case's random values."""
    bn = s.new(BN, int(case.Z.shape[1]), float(case.alpha))
    s.set(bn, "BW", case.BW)
    s.set(bn, "Bb", case.Bb)
    return bn


def reference(package, case):
    bn = package.BatchNorm1d(case.Z.shape[1], float(case.alpha))
    bn.BW, bn.Bb = case.BW.copy(), case.Bb.copy()
    return bn


def stats(Z, ddof: int = 0):
    """The batch mean M and variance V over axis 0, each (1, C)."""
    with np.errstate(all="ignore"):
        return Z.mean(axis=0, keepdims=True), Z.var(axis=0, ddof=ddof, keepdims=True)


@per_case
def batch_stats(case):
    """stats(case.Z): the scripts, tolerances and hints of an input each need it (the arrays are only read)."""
    return stats(case.Z)


def normalised(Z, M, V):
    return (Z - M) / np.sqrt(V + EPS)


def running(case, alpha: float | None = None, batch=stats, start=(0.0, 1.0)):
    """running_M and running_V after training on Z, Z2, Z3 from the initial 0 and 1 (`start`), each batch's
    statistics given by `batch` (the grader's own arithmetic: the state it sets before evaluation)."""
    a = float(case.alpha) if alpha is None else alpha
    rM, rV = np.full_like(case.BW, start[0]), np.full_like(case.BW, start[1])
    for Z in (case.Z, case.Z2, case.Z3):
        M, V = batch(Z)
        rM, rV = a * rM + (1 - a) * M, a * rV + (1 - a) * V
    return rM, rV


@per_case
def trained(case):
    """running(case): the evaluation script, the reference's evaluation and a test each need it (the arrays
    are only read)."""
    return running(case)


def hints(expected_value, candidates, tol: Tolerance = VALUES, label: str = "", batch: int | None = None):
    """The candidates that can tell a mistake apart here: not the right value, not non-finite, and not
    the value of a candidate with other words, nor of a generic wrong answer `expect` adds for `label`
    (two mistakes that agree on this input say nothing about which one was made)."""
    expected_value = np.asarray(expected_value, dtype=np.float64)
    pool = [(np.asarray(v, dtype=np.float64), words) for v, words in candidates]
    others = pool + (generic(label, expected_value, batch) if label else [])
    kept = []
    for a, words in pool:
        if not np.all(np.isfinite(a)) or matches(a, expected_value, tol):
            continue
        if any(w != words and matches(a, np.asarray(b, dtype=np.float64), tol) for b, w in others):
            continue
        kept.append((a, words))
    return kept


def _training(case) -> tuple[Script, object]:
    """Three training batches on one layer, then its running statistics."""
    s = Script(case=case)
    bn = student(s, case)
    s.call(bn, "forward", case.Z, label="BZ", keep_args=True, soft=True)
    s.call(bn, "forward", case.Z2, label="BZ2", soft=True)
    s.call(bn, "forward", case.Z3, label="BZ3", soft=True)
    s.get(bn, "running_M", label="running_M")
    s.get(bn, "running_V", label="running_V")
    return s, bn


@per_case
def _script(case):
    """The training tests' script (one for all of them)."""
    return _training(case)[0]


@per_case
def _eval_script(case):
    """The same training, then evaluation mode after the grader sets what three correct training calls
    give: the evaluation tests' script. Apart from the training tests', since it hands the layer values of
    the reference, which the student's training calls could otherwise look ahead to (Script.late)."""
    s, bn = _training(case)
    rM, rV = trained(case)
    s.set(bn, "running_M", rM, reference=True, named="running_M_of_3_correct_batches")
    s.set(bn, "running_V", rV, reference=True, named="running_V_of_3_correct_batches")
    s.call(bn, "forward", case.Zeval, True, label="eval.BZ", keep_args=True, shown=("Zeval", "eval=True"),
           soft=True)  # (an evaluation mode that raises: what it left of Zeval and of the statistics is still judged)
    s.get(bn, "running_M", label="eval.running_M")
    s.get(bn, "running_V", label="eval.running_V")
    return s


@expected
def _expected(package, case):
    bn = reference(package, case)
    BZ = bn.forward(case.Z)
    bn.forward(case.Z2)
    bn.forward(case.Z3)
    running_M, running_V = bn.running_M.copy(), bn.running_V.copy()
    bn.running_M, bn.running_V = (x.copy() for x in trained(case))
    return BZ, running_M, running_V, bn.forward(case.Zeval, eval=True)


def _training_mistakes(case):
    Z, BW, Bb, n = case.Z, case.BW, case.Bb, case.Z.shape[0]
    M, V = stats(Z)
    NZ = normalised(Z, M, V)
    a = float(case.alpha)
    rows = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    found = [
        (Bb * NZ + BW, "your BZ = Bb * NZ + BW: BW scales and Bb shifts, BZ = BW * NZ + Bb"),
        (NZ, "your BZ is NZ: scale and shift it, BZ = BW * NZ + Bb"),
        (BW * NZ, "your BZ is not shifted: BZ = BW * NZ + Bb"),
        (NZ + Bb, "your BZ is not scaled: BZ = BW * NZ + Bb"),
        (BW * normalised(Z, Z.mean(), Z.var()) + Bb, "your mean and variance are taken over the whole array (no axis); "
                                                     "take them over the batch (axis=0), one per feature"),
        (BW * normalised(Z, *rows) + Bb, "your mean and variance are taken over the features of each row (axis=1); "
                                         "take them over the batch (axis=0), one per feature"),
        (BW * (Z - M) / (V + EPS) + Bb, "you divide Z - M by V + eps; divide by its square root: NZ = (Z - M) / "
                                        "sqrt(V + eps)"),
        (BW * normalised(Z, (1 - a) * M, a + (1 - a) * V) + Bb,
         "your training forward normalises with the running statistics; in training, use the batch's own mean M "
         "and variance V"),
        (BW * normalised(Z, 0.0, 1.0) + Bb, "your training forward normalises with the running statistics; in "
                                            "training, use the batch's own mean M and variance V"),
    ]
    if n >= 2:
        found += [(BW * normalised(Z, *make(Z)) + Bb, hint) for make, _, hint in WRONG_STATS  # (helper-199,
                  if hint and not (hint == BY_C and Z.shape[1] in (1, n))]  # (by C is by N or the sum of squares there)
        found += [  # helper-200: no hint here, where the running statistics' test, charged again, named some)
            (BW * normalised(Z, M, rows[1]) + Bb, "your V is taken over the features of each row (axis=1); take it "
                                                  "over the batch (axis=0), one per feature"),
            (BW * normalised(Z, rows[0], V) + Bb, "your M is taken over the features of each row (axis=1); take it "
                                                  "over the batch (axis=0), one per feature"),
        ]
        return found
    # One sample: NZ is 0, so BZ not shifted and BZ not scaled nor shifted are both 0, and a row is the whole array:
    # two mistakes that agree here are no hint, so each pair is one wording, which larger inputs, naming either, do not
    # speak against (helper-165: BZ = BW * NZ, and statistics over axis 1, had no hint on their one-sample input)
    # (each names both mistakes as its parts: a larger input that could tell them apart and fits neither drops it,
    # one that fits one of them names that one: helper-171, a BZ scaled and shifted before normalising was told it
    # was not shifted)
    unshifted, unscaled, whole, by_row = (next(w for _, w in found if w.startswith(start)) for start in (
        "your BZ is not shifted", "your BZ is NZ", "your mean and variance are taken over the whole array",
        "your mean and variance are taken over the features of each row"))
    mean_elsewhere = ("your M is taken over the whole array (no axis), or over the features of each row (axis=1); take "
                      "it over the batch (axis=0), one per feature: np.mean(Z, axis=0, keepdims=True)")
    found += [(BW * normalised(Z, Z.mean(), V) + Bb, mean_elsewhere),  # (helper-199: no hint on a batch of one)
              (BW * normalised(Z, Z.mean(), ((Z - Z.mean()) ** 2).mean(axis=0, keepdims=True)) + Bb, mean_elsewhere)]
    return [(value, words) for value, words in found if words not in (unshifted, unscaled, whole, by_row)] + [
        (BW * NZ, alternatives((unshifted, unscaled), "your BZ is not shifted by Bb, and perhaps not scaled by BW "
                                                      "either (on a batch of one sample NZ is 0, so BZ is Bb): "
                                                      "BZ = BW * NZ + Bb")),
        (BW * normalised(Z, *rows) + Bb, alternatives((by_row, whole), "your mean and variance are taken over the "
                                                      "features of each row (axis=1), or over the whole array (no "
                                                      "axis); take them over the batch (axis=0), one per feature"))]


# (helper-146: V not divided by N had no hint here, and running_V's test named an update line that was right)
SUM_OF_SQUARES = ("your V is the sum of the squared deviations (Z - M) ** 2 over the batch; it is their mean, divided "
                  "by N: V = np.var(Z, axis=0, keepdims=True)")


TRAINING_BZ = "BatchNorm1d.forward: training output BZ"


@check(TRAINING_BZ, points=2, cases=batchnorm_cases, strategy=STRATEGY)
def forward_bz(case, ref):
    out = yield _script(case)
    BZ, n = _expected(ref, case)[0], case.Z.shape[0]
    one = [(NON_FINITE, "your BZ is not finite for a batch of one sample, whose variance V is 0 (BZ is Bb there): "
                        "look for a division by sqrt(V) without eps, by N - 1 (ddof=1; use np.var(Z, axis=0)), or "
                        "the square root of a V below 0")] \
        if n == 1 else []
    expect("BZ", out["BZ"], BZ, batch=n,
           known_wrong=lambda: one + hints(BZ, _training_mistakes(case), label="BZ", batch=n))


IDLE = ("your {name} stays (close to) its initial {start}: update it in every training call from the batch's {what} "
        "of Z (not of NZ, whose mean and variance are 0 and 1): {name} = alpha * {name} + (1 - alpha) * {M}")


def _running_mistakes(case, which: int):
    """Wrong running statistics after the three batches: running_M (which=0) or running_V (which=1)."""
    a, name = float(case.alpha), ("running_M", "running_V")[which]
    update = f"{name} = alpha * {name} + (1 - alpha) * {'MV'[which]}"
    last = stats(case.Z3)[which]
    of_nz = running(case, batch=lambda Z: stats(normalised(Z, *stats(Z))))[which]
    idle = IDLE.format(name=name, start=which, what=("mean M", "variance V")[which], M="MV"[which])
    found = [
        (np.full_like(case.BW, float(which)), idle), (of_nz, idle),
        (running(case, alpha=1 - a)[which], f"your alpha and 1 - alpha are swapped: {update}"),
        (last, f"your {name} is the last batch's {'MV'[which]}: keep a running average, {update}"),
        (running(case, batch=lambda Z: (Z.mean() + 0 * case.BW, Z.var() + 0 * case.BW))[which],
         f"your {'MV'[which]} is taken over the whole batch array (no axis); take it over the batch (axis=0), one per "
         f"feature: {update}"),
    ]
    wrong_start = (1.0, 1.0) if which == 0 else (0.0, 0.0)  # (helper-151: running_V = zeros in __init__, no hint
    found.append((running(case, start=wrong_start)[which],  # but the update line, which was right)
                  f"your {name} does not start at {which}: __init__ sets running_M = np.zeros((1, C)) and running_V = "
                  f"np.ones((1, C)); the update after each training batch is right"))
    if a != 0.9:
        found.append((running(case, alpha=0.9)[which], f"your running update uses 0.9 where the layer's alpha is "
                                                       f"{a:g}: use self.alpha"))
    if which == 1:
        found.append((running(case, batch=lambda Z: (stats(Z)[0], np.sqrt(stats(Z)[1])))[1],
                      f"your running_V is updated with the standard deviation; use the variance V: {update}"))
        found.append((running(case, batch=lambda Z: stats(Z, ddof=1) if Z.shape[0] > 1 else stats(Z))[1],
                      f"your running_V uses the unbiased variance; {BIASED}"))  # (a batch of one: V itself, or NaN)
        found.append((running(case, batch=lambda Z: (stats(Z)[0], stats(Z)[1] * Z.shape[0]))[1], SUM_OF_SQUARES))
    return found


@check("BatchNorm1d.forward: running statistics after three training batches", points=2, cases=batchnorm_cases,
       strategy=STRATEGY)
def forward_running(case, ref):
    out = yield _script(case)
    for label in ("BZ", "BZ2", "BZ3"):
        out.peek(label)  # a training call that raised is what this test reports
    _, running_M, running_V, _ = _expected(ref, case)
    one = [(NON_FINITE, "your running_V is not finite after a batch of one sample, whose variance V is 0: look for a "
                        "division by N - 1 (ddof=1; use np.var(Z, axis=0))")] \
        if min(Z.shape[0] for Z in (case.Z, case.Z2, case.Z3)) == 1 else []
    for which, (name, want) in enumerate((("running_M", running_M), ("running_V", running_V))):
        try:
            expect(name, out[name], want, known_wrong=lambda: _running_hints(case, which, name, want, one[:which]),
                   hint=f"after each training batch, {name} = alpha * {name} + (1 - alpha) * {'MV'[which]}, where "
                        f"{'MV'[which]} is the batch's {('mean', 'variance')[which]} over axis 0, the one the training "
                        f"output uses")
        except Failure as failure:
            words = _stats_throughout(out, case) if type(failure) is Failure else ""
            if words:
                raise Unless(failure, (TRAINING_BZ,), STATS_LEFT.format(words)) from None
            raise


STATS_LEFT = ("your running statistics are what your M and V give, {}, which every training output BZ uses too: "
              "'BatchNorm1d.forward: training output BZ' charges that mistake, once; the running update itself is "
              "right")


def _unbiased(Z):
    """The unbiased variance over the batch; NaN for a batch of one (0 / 0, as numpy gives it, without its warning)."""
    return stats(Z, ddof=1)[1] if Z.shape[0] > 1 else np.full((1, Z.shape[1]), np.nan)


def _whole(Z, value):
    return np.full((1, Z.shape[1]), float(value))


def _deviations(Z, M):
    return (Z - M) ** 2


BY_C = ("your V divides the sum of (Z - M) ** 2 by C, the number of features (Z.shape[1]); divide by N, the batch size "
        "(Z.shape[0]): np.mean((Z - M) ** 2, axis=0, keepdims=True)")
WHOLE_V = ("your V is one number for the whole batch array: a mean of (Z - M) ** 2 with no axis (or np.var(Z - M)); "
           "take it over the batch (axis=0), one per feature: np.mean((Z - M) ** 2, axis=0, keepdims=True)")
WHOLE_M = ("your M is taken over the whole array (no axis); take it over the batch (axis=0), one per feature: "
           "np.mean(Z, axis=0, keepdims=True)")
# Wrong batch statistics (M, V) made in one line of forward, that feed both the training output and the running
# statistics: how they are made; what they are, in words (the running statistics' note); and the training output's
# hint on a batch of more than one (None: the hints of a batch of one name them)
WRONG_STATS = (
    (lambda Z: (stats(Z)[0], _unbiased(Z)), "V the unbiased variance (ddof=1)",
     f"your V is the unbiased variance; {BIASED}"),
    (lambda Z: (stats(Z)[0], stats(Z)[1] * Z.shape[0]), "V the sum of the squared deviations, not their mean",
     SUM_OF_SQUARES),
    (lambda Z: (stats(Z)[0], np.sqrt(stats(Z)[1])), "V the standard deviation",
     "your V is the standard deviation; it is the variance: V = np.var(Z, axis=0, keepdims=True), and NZ divides by "
     "sqrt(V + eps)"),
    (lambda Z: (stats(Z)[0], _whole(Z, Z.var())), "V taken over the whole array (no axis)",
     "your V is taken over the whole array (no axis); take it over the batch (axis=0), one per feature: "
     "np.var(Z, axis=0, keepdims=True)"),
    # (helper-200: each of the next four cost 4 points, and the training output's test said nothing)
    (lambda Z: (stats(Z)[0], _whole(Z, _deviations(Z, stats(Z)[0]).mean())), "V one number for the whole batch",
     WHOLE_V),
    (lambda Z: (stats(Z)[0], _whole(Z, _deviations(Z, stats(Z)[0]).sum() / Z.shape[0])),
     "V one number for the whole batch",
     "your V sums (Z - M) ** 2 over every entry of the batch array, then divides by N; take the mean over the batch "
     "(axis=0), one per feature: np.mean((Z - M) ** 2, axis=0, keepdims=True)"),
    (lambda Z: (stats(Z)[0], (Z ** 2).mean(axis=0, keepdims=True)), "V the mean of Z ** 2, M not subtracted",
     "your V is the mean of Z ** 2; subtract the mean first: V = np.mean((Z - M) ** 2, axis=0, keepdims=True)"),
    (lambda Z: (stats(Z)[0], _deviations(Z, stats(Z)[0]).sum(axis=0, keepdims=True) / Z.shape[1]),
     "V divided by the number of features C, not N", BY_C),
    (lambda Z: (stats(Z)[0], np.abs(Z - stats(Z)[0]).mean(axis=0, keepdims=True)), "V the mean absolute deviation",
     "your V is the mean of |Z - M|; it is the mean of the squares: V = np.mean((Z - M) ** 2, axis=0, keepdims=True)"),
    (lambda Z: (stats(Z)[0], ((Z - stats(Z)[0]).mean(axis=0, keepdims=True)) ** 2),
     "V the square of the mean deviation",
     "your V squares the mean of Z - M (which is 0); it is the mean of the squares: "
     "V = np.mean((Z - M) ** 2, axis=0, keepdims=True)"),
    (lambda Z: (Z.sum(axis=0, keepdims=True), stats(Z)[1]), "M the sum over the batch, not the mean",
     "your M is the sum of Z over the batch; divide it by N: M = np.mean(Z, axis=0, keepdims=True)"),
    (lambda Z: (Z.sum(axis=0, keepdims=True), _deviations(Z, Z.sum(axis=0, keepdims=True)).mean(axis=0, keepdims=True)),
     "M the sum over the batch, not the mean, and V about that M",
     "your M is the sum of Z over the batch; divide it by N: M = np.mean(Z, axis=0, keepdims=True)"),
    (lambda Z: (_whole(Z, Z.mean()), stats(Z)[1]), "M taken over the whole array (no axis)", WHOLE_M),
    (lambda Z: (_whole(Z, Z.mean()), _deviations(Z, Z.mean()).mean(axis=0, keepdims=True)),
     "M taken over the whole array (no axis), and V about that M", WHOLE_M),
    (lambda Z: (_whole(Z, Z.mean()), _whole(Z, Z.var())), "M and V taken over the whole array (no axis)", None),
)
# (not statistics of each row, axis=1: their (N, 1) broadcasts into running statistics of shape (N, C), and forward
# raises on the next batch of another size, which the running statistics' test charges as that crash)


def _stats_throughout(out, case) -> str:
    """The words of wrong batch statistics (`WRONG_STATS`) that every training output and both running statistics on
    this input are what they give, the one mistake behind both tests (helper-197: ddof=1 cost BZ's 2 points and the
    running statistics' 2 more; the sum of squares, the standard deviation, a mean or variance with no axis the same,
    helper-199); "" where there is none."""
    return next((words for make, words, _ in WRONG_STATS if _throughout(out, case, make)), "")


def _throughout(out, case, make) -> bool:
    """Whether the training outputs and running statistics are those of the batch statistics `make(Z)`. Each output BZ
    is the one they give: where V is 0 (a batch of one, for most), a non-finite entry is taken as the one the code
    gives without eps; where V is not finite (the unbiased variance of a batch of one, 0 / 0), non-finite or, where the
    code guards it, the right one. The running statistics are what those give, whichever way the output handled such
    a batch: running_V non-finite after one (its unguarded V), or the update of the variances, the right one where it
    was not finite. A guard on one path alone, a missing eps, or batches of one alone, where every output may be
    right, had cost the running statistics again (helper-198, helper-199). The running statistics' test leaves such an
    input to BZ's test only where that test fails (`Unless`): right outputs everywhere make the running statistics'
    mistake their own."""
    unguarded = False
    with np.errstate(all="ignore"):
        for label, Z in (("BZ", case.Z), ("BZ2", case.Z2), ("BZ3", case.Z3)):
            got = out.result.values.get(label)
            if not isinstance(got, np.ndarray) or got.shape != Z.shape:
                return False
            M, V = make(Z)
            if not np.all(np.isfinite(V)):
                unguarded = True
                if np.any(np.isfinite(got)) and not matches(got, case.BW * normalised(Z, *stats(Z)) + case.Bb, VALUES):
                    return False
                continue
            want = case.BW * normalised(Z, M, V) + case.Bb
            if not matches(np.where(np.broadcast_to(V == 0, got.shape) & ~np.isfinite(got), want, got), want, VALUES):
                return False

    def guarded(Z):
        M, V = make(Z)
        return M, V if np.all(np.isfinite(V)) else stats(Z)[1]
    rM, rV = running(case, batch=guarded)
    right = trained(case)  # (each running statistic may be the right one: an update fed a fresh right mean beside a
    mine = [out.result.values.get(label) for label in ("running_M", "running_V")]  # V about the wrong M, helper-201)
    if not all(isinstance(x, np.ndarray) and x.shape == case.BW.shape for x in mine):
        return False
    return (matches(mine[0], rM, VALUES) or matches(mine[0], right[0], VALUES)) and (
        matches(mine[1], rV, VALUES) or matches(mine[1], right[1], VALUES)
        or unguarded and not np.any(np.isfinite(mine[1])))


def _running_hints(case, which, name, want, first):
    return first + hints(want, _running_mistakes(case, which), label=name)


UPDATED_FIRST = ("your evaluation mode normalises with running statistics it first updated with this batch; with "
                 "eval=True use running_M and running_V as they are, and update nothing")


def _evaluation_mistakes(case):
    Z, BW, Bb, a = case.Zeval, case.BW, case.Bb, float(case.alpha)
    rM, rV = trained(case)
    return [
        (BW * normalised(Z, *stats(Z)) + Bb, "your evaluation mode normalises with the batch's own mean and "
                                             "variance; with eval=True use running_M and running_V"),
        (BW * normalised(Z, *stats(case.Z3)) + Bb, "your evaluation mode normalises with the M and V of the last "
                                                   "training batch; with eval=True use running_M and running_V"),
        (BW * normalised(Z, 0.0, 1.0) + Bb, "your evaluation mode normalises with the initial statistics 0 and 1; "
                                            "with eval=True use self.running_M and self.running_V as they are now"),
        *[(BW * normalised(Z, a * rM + (1 - a) * M, a * rV + (1 - a) * V) + Bb, UPDATED_FIRST)
          for M, V in [stats(Z)] + ([stats(Z, ddof=1)] if Z.shape[0] > 1 else [])],  # (helper-132: no hint)
        (normalised(Z, rM, rV), "your evaluation output is not scaled and shifted: BZ = BW * NZ + Bb there too"),
        (BW * normalised(Z, rM, rV), "your evaluation output is not shifted: BZ = BW * NZ + Bb there too"),
        (normalised(Z, rM, rV) + Bb, "your evaluation output is not scaled: BZ = BW * NZ + Bb there too"),
    ]


@check("BatchNorm1d.forward: evaluation output uses the running statistics", points=1, cases=batchnorm_cases,
       strategy=STRATEGY)
def forward_eval(case, ref):
    out = yield _eval_script(case)
    BZ = _expected(ref, case)[3]
    n, label = case.Zeval.shape[0], "BZ with eval=True"
    expect(label, out["eval.BZ"], BZ, batch=n,
           known_wrong=lambda: hints(BZ, _evaluation_mistakes(case), label=label, batch=n),
           hint="with eval=True: NZ = (Z - running_M) / sqrt(running_V + eps), BZ = BW * NZ + Bb")


@check("BatchNorm1d.forward: evaluation updates no running statistic", points=1, cases=batchnorm_cases,
       strategy=STRATEGY, behaviour=True)  # (a forward returning a constant updates nothing either: helper-66)
def forward_eval_keeps(case, ref):
    out = yield _eval_script(case)
    a = float(case.alpha)

    def updated(which, name, before):
        return hints(before, [(a * before + (1 - a) * stats(case.Zeval)[which], f"your forward with eval=True "
                               f"updated {name}; in evaluation mode nothing is updated (only in training)")])

    for which, (name, before) in enumerate(zip(("running_M", "running_V"), trained(case))):
        expect(f"{name} after forward(Zeval, eval=True)", out[f"eval.{name}"], before, generic=False,
               known_wrong=lambda: updated(which, name, before),
               hint="with eval=True, forward must leave running_M and running_V as they are")


@check("BatchNorm1d.forward: does not modify Z", points=0.5, cases=batchnorm_cases, strategy=STRATEGY, behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _eval_script(case)
    expect("Z after forward(Z)", out["BZ#arg0"], case.Z, EXACT, known_wrong=lambda: [
        (case.Z - stats(case.Z)[0], "your forward subtracted M from Z in place (Z -= M); compute a new array: Z - M")],
        generic=False)
    expect("Zeval after forward(Zeval, eval=True)", out["eval.BZ#arg0"], case.Zeval, EXACT, generic=False)
