"""Checks of `MSE` (12 points) and `CrossEntropy` (22) in `nn.losses`, hidden tests included.

forward(y_pred, y_true) -> (loss, cache) is graded on the loss alone; backward(y_pred, y_true, cache) against
the reference, given the student's own forward's cache (where that forward raises or returns no (loss, cache)
pair, backward's tests wait; but where it raises, backward's value tests judge what backward returns given an
empty cache, when it returns: it needs nothing forward keeps). Behaviour tests compare the student's results
with their own results computed another way: CrossEntropy's softmax is unchanged when a row of logits is
shifted by a constant, so its loss and gradient must be too (a mistake in the loss itself is charged once, by
the value tests). The ordinary logits keep every label's probability far from underflow, so log(softmax + eps)
passes them; it loses only "exact for large gaps between logits" (1 point).
"""
from __future__ import annotations

import numpy as np

from ...cases import draw
from ...checks.base import Crashed, NotAttempted, Skip, Waiting, check, consistent, per_case
from ...checks.gradients import matches_reference, slopes
from ...compare import EXACT, SHIFTED, VALUES, Failure, expect, matches
from ...diagnose import NON_FINITE
from ...expected import expected
from ...sandbox import Script
from .cases import STRATEGIES, ce_cases, gap_cases, mse_cases
from .common import (backward_twice, distinct, elsewhere, forward_before, forward_between, forward_pair,
                     forward_value, judge_cache_kept, judge_fresh_cache, judge_pair, needs_pair, pairs_or_empty,
                     returned, same_cache, spoilt_by_shared_cache)

MSE_PATH, CE_PATH = "nn.losses.MSE", "nn.losses.CrossEntropy"
CLASSES = {"MSE": MSE_PATH, "CrossEntropy": CE_PATH}
FIX_FORWARD = ("your forward's loss is wrong on this input too, and backward is given the cache that forward "
               "returned: fix forward first")
AGAIN = ("backward must compute from the y_pred, y_true and cache it is given, not from what forward kept on the "
         "loss (from its first call or its last)")
FD_STEP = 1e-2
ALONE = "alone.grad"  # backward on a fresh loss, given an empty cache, with no forward (`_judge_grad`)
ALONE_SHIFTED = "alone.shifted.grad"  # the same on the logits shifted row by row (CrossEntropy)


def _script(path: str, case, shifted: bool = False):
    """First, once the class fails, backward on fresh losses given an empty cache (`_judge_grad`). Then
    forward -> (loss, cache), backward on a fresh loss, and again with that cache; then another one's forwards of
    other inputs, of these and of a third, and backward with these inputs and their forward's cache; with `shifted`
    (CrossEntropy), one more on the logits shifted row by row (last: a forward that raises there stops nothing else)."""
    s = Script(case=case)
    with s.diagnosing():  # first (a forward that raises ends the case), and apart (one that hangs stops no other op)
        start = len(s.ops)
        empty = s.dict("an empty cache")
        s.call(s.new(path), "backward", case.y_pred, case.y_true, empty, label=ALONE, soft=True)
        if shifted:
            s.call(s.new(path), "backward", case.shifted, case.y_true, s.dict("an empty cache"), label=ALONE_SHIFTED,
                   soft=True, shown=("y_pred + shift", "y_true", "an empty cache"))
        s.apart.update(range(start, len(s.ops)))
    loss = s.new(path)
    cache, pair = forward_pair(s, loss, case.y_pred, case.y_true, keep_args="forward", what="loss")
    s.call(loss, "backward", case.y_pred, case.y_true, cache, label="grad", keep_args=True)
    backward_twice(s, loss, case.y_pred, case.y_true, cache, label="grad.twice")
    again = s.new(path)
    forward_before(s, again, elsewhere(case.y_pred, 1), elsewhere(case.y_true, 1, rows=True),
                   shown=("another y_pred", "y_true in another order"))
    cache, pair_again = forward_pair(s, again, case.y_pred, case.y_true, prefix="again.", what="loss", lean=True)
    later = forward_between(s, again, elsewhere(case.y_pred, 2), elsewhere(case.y_true, 2, rows=True),
                            shown=("a third y_pred", "y_true in a third order"))
    s.call(again, "backward", case.y_pred, case.y_true, cache, label="again.grad")
    same_cache(s, cache, later)
    pair_shifted = None
    if shifted:
        big = s.new(path)
        cache, pair_shifted = forward_pair(s, big, case.shifted, case.y_true, prefix="shifted.", what="loss",
                                           shown=("y_pred + shift", "y_true"))
        s.call(big, "backward", case.shifted, case.y_true, cache, label="shifted.grad",
               shown=("y_pred + shift", "y_true", "cache"))
    return s, pair, pair_again, pair_shifted


def _loss(out, pair, cls: str):
    return returned(out, pair, f"{cls}.forward")


def _judge_grad(out, pair, cls: str, L, grad, wrong) -> None:
    """backward's value, given forward's cache; where forward gave none (it raised), the value backward returned
    given an empty cache with no forward before it (`_script`'s first call), when it did return one: it needs
    nothing forward keeps (helper-141: a backward computing from y_pred alone lost its 12 points to "needs
    CrossEntropy.forward", which raised on most inputs)."""
    if pairs_or_empty(out, (pair,), f"{cls}.forward", (ALONE,)):
        expect("dL/dy_pred (forward raised on this input: backward was given an empty cache)", out[ALONE], grad,
               known_wrong=distinct(wrong, grad), generic=False)
        return
    got_L = out.result.values.get(pair.value)
    hint = FIX_FORWARD if isinstance(got_L, np.ndarray) and got_L.size == 1 and not matches(
        got_L.reshape(()), np.asarray(L, dtype=np.float64)) else ""
    got = out["grad"]
    if not hint and isinstance(got, np.ndarray) and got.shape != np.shape(grad):
        hint = (f"dL/dy_pred has y_pred's shape {tuple(np.shape(grad))}: look for what drops or adds a dimension, "
                "in backward (np.squeeze, a sum without keepdims=True) or in the arrays forward keeps in the cache "
                "that backward reads")
    expect("dL/dy_pred", got, grad, known_wrong=distinct(wrong, grad), hint=hint, generic=False)


def _judge_kept(out, labels: str) -> None:
    case = out.script.case
    expect(f"y_pred after {labels}", out[f"{labels}#arg0"], case.y_pred, EXACT, generic=False)
    expect(f"y_true after {labels}", out[f"{labels}#arg1"], case.y_true, EXACT, generic=False)


def _judge_again(out, pair, again, cls: str) -> None:
    needs_pair(out, pair, f"{cls}.forward")
    needs_pair(out, again, f"{cls}.forward")
    if spoilt_by_shared_cache(out, ("grad",)):
        raise Skip("forward returns one cache for every call: its test 'returns the pair' charges that")
    consistent("dL/dy_pred after another forward", out["again.grad"], out["grad"], hint=AGAIN,
               reference_label="dL/dy_pred with no forward in between")


def _slopes_script(path: str, case):
    s = Script(case=case)

    def probe(y_pred):
        result = s.returned(s.new(path), "forward", y_pred, case.y_true, name="(loss, cache)",
                            shown=(f"y_pred with one entry moved by +-{FD_STEP:g}", "y_true"))
        label = s.fresh()
        s.item(result, 0, label=label, name="loss")
        return label

    by = slopes("y_pred", case.y_pred, FD_STEP, probe)
    loss = s.new(path)
    cache, pair = forward_pair(s, loss, case.y_pred, case.y_true, what="loss")
    s.call(loss, "backward", case.y_pred, case.y_true, cache, label="grad")
    return s, pair, by


def _judge_slopes(out, pair, cls: str, by, reference_losses) -> None:
    needs_pair(out, pair, f"{cls}.forward")

    def loss(L):
        if L.size != 1:
            raise Skip("forward's loss is not a scalar there, so its slopes say nothing about backward")
        return float(L.reshape(-1)[0])

    matches_reference(by.losses(out, loss), reference_losses)
    by.check("dL/dy_pred", out["grad"], out, loss)


def _probe_losses(make, case) -> np.ndarray:
    losses = []
    for k in range(case.y_pred.size):
        for sign in (1.0, -1.0):
            moved = case.y_pred.copy()
            moved.flat[k] += sign * FD_STEP
            losses.append(float(make().forward(moved, case.y_true)[0]))
    return np.array(losses)


def _edge(make):
    def edge(rng):
        return make(rng)[:4]  # [1, 1], [1, 3], [4, 1], [3, 4]

    edge.__name__ = edge.__qualname__ = f"edge_{make.__name__}"
    return edge


# ------------------------------------------------------------------ MSE: 12 points

MSE_L, MSE_GRAD = "MSE.forward: loss = mean((y_pred - y_true) ** 2) over every entry", "MSE.backward: dL/dy_pred"
MSE_STRATEGY = draw(f"{STRATEGIES}:mse_strategy")


@per_case
def _mse_script(case):
    return _script(MSE_PATH, case)


@expected
def _mse(package, case):
    L, cache = package.MSE().forward(case.y_pred, case.y_true)
    return L, package.MSE().backward(case.y_pred, case.y_true, cache)


@check(MSE_L, points=3.5, cases=mse_cases, strategy=MSE_STRATEGY)
def mse_forward_loss(case, ref):
    s, pair, _, _ = _mse_script(case)
    out = yield s
    L, _ = _mse(ref, case)
    diff = case.y_pred - case.y_true
    c = diff.shape[-1]

    def wrong():
        found = [(L * diff.size, "your loss is the sum of the squares; it is their mean: divide by y_pred.size"),
                 (L / 2, "your loss is half the mean of the squares; MSE here has no 1/2"),
                 (np.mean(np.abs(diff)), "your loss is the mean absolute error; square the differences"),
                 (np.mean(diff) ** 2, "your loss is the square of the mean difference; it is the mean of the "
                                      "squares: np.mean(diff ** 2)")]  # (helper-156: no hint)
        rows = ("your loss is divided by the number of rows only (the mean over the batch of each row's sum); it is "
                "the mean over every entry: divide by y_pred.size")
        if diff.ndim >= 2 and c > 1:
            found.insert(1, (L * c, rows))
        if diff.ndim >= 3:  # (the rows counted as the first dimension alone: the same mistake)
            found.insert(2, (L * diff.size / diff.shape[0], rows))
        if diff.ndim >= 2 and diff.size > c:
            found.append((np.mean(diff * diff, axis=-1), "your loss is one value per sample; it is one number, the "
                                                         "mean over every entry"))
        return found

    expect("loss", _loss(out, pair, "MSE"), L, scalar=True, known_wrong=distinct(wrong, L, scalar=True), generic=False)


@check("MSE.forward: returns the pair (loss, cache)", points=0.5, cases=mse_cases, strategy=MSE_STRATEGY,
       behaviour=True)
def mse_forward_pair(case, ref):
    s, pair, _, _ = _mse_script(case)
    out = yield s
    judge_pair(out, pair, "MSE.forward")
    judge_fresh_cache(out, "MSE.forward", ("grad",), "loss")


@check("MSE.forward: does not modify y_pred or y_true", points=1, cases=mse_cases, strategy=MSE_STRATEGY, behaviour=True)
def mse_forward_keeps(case, ref):
    _judge_kept((yield _mse_script(case)[0]), "forward")


@check(MSE_GRAD, points=4, cases=mse_cases, strategy=MSE_STRATEGY)
def mse_backward_grad(case, ref):
    s, pair, _, _ = _mse_script(case)
    out = yield s
    L, grad = _mse(ref, case)
    diff = case.y_pred - case.y_true

    def wrong():
        found = [(grad / 2, "your dL/dy_pred misses the factor 2: it is 2 * (y_pred - y_true) / y_pred.size"),
                 (np.floor_divide(2.0 * diff, diff.size), "your dL/dy_pred uses // (floor division), which rounds down "
                                                          "to whole numbers; divide with /"),  # (helper-159: no hint)
                 (grad * diff.size, "your dL/dy_pred is not divided by y_pred.size: 2 * (y_pred - y_true) / "
                                    "y_pred.size"),
                 (-grad, "your dL/dy_pred has the wrong sign: 2 * (y_pred - y_true) / y_pred.size"),
                 (diff, "your dL/dy_pred is y_pred - y_true: it is 2 * (y_pred - y_true) / y_pred.size")]
        rows = ("your dL/dy_pred is divided by the number of rows only; divide by y_pred.size, the number of entries "
                "the mean is over")
        if diff.ndim >= 2 and diff.shape[-1] > 1:
            found.append((grad * diff.shape[-1], rows))
        if diff.ndim >= 3:  # (the rows counted as the first dimension alone: the same mistake)
            found.append((grad * diff.size / diff.shape[0], rows))
        return found

    _judge_grad(out, pair, "MSE", L, grad, wrong)


@check("MSE.backward: does not modify y_pred, y_true or the cache", points=0.5, cases=mse_cases,
       strategy=MSE_STRATEGY, behaviour=True)
def mse_backward_keeps(case, ref):
    s, pair, _, _ = _mse_script(case)
    out = yield s
    needs_pair(out, pair, "MSE.forward")
    _judge_kept(out, "grad")
    judge_cache_kept(out, (("grad", "grad.twice", "dL/dy_pred"),))


@check("MSE.backward: uses the y_pred, y_true and cache it is given (another forward ran since)", points=0.5,
       cases=mse_cases, behaviour=True)
def mse_backward_given_cache(case, ref):
    s, pair, again, _ = _mse_script(case)
    _judge_again((yield s), pair, again, "MSE")


@expected
def _mse_probes(package, case):
    return _probe_losses(package.MSE, case)


@check("MSE.backward: agrees with finite differences of forward", points=1, cases=_edge(mse_cases),
       strategy=MSE_STRATEGY, owners={"grad": MSE_GRAD})
def mse_backward_finite_differences(case, ref):
    s, pair, by = _slopes_script(MSE_PATH, case)
    _judge_slopes((yield s), pair, "MSE", by, _mse_probes(ref, case))


# ------------------------------------------------------------------ CrossEntropy: 22 points

CE_L, CE_GRAD = "CrossEntropy.forward: loss, the mean over the batch", "CrossEntropy.backward: dL/dy_pred"
CE_LARGE = "CrossEntropy.forward: finite for large logits"
CE_STRATEGY = draw(f"{STRATEGIES}:ce_strategy")
STABLE = ("subtract each row's max from y_pred before exp (y_pred - y_pred.max(axis=1, keepdims=True)): softmax is "
          "unchanged and exp cannot overflow")
LOG_SUM_EXP = ("compute log(softmax(y_pred)) as (y_pred - m) - log(sum(exp(y_pred - m), axis=1)) with m each row's "
               "max (log-sum-exp), never as the log of a softmax")


def _log_first_probs(y):
    """The probabilities a forward whose log-sum-exp takes the log before the sum caches (LOG_BEFORE_SUM)."""
    shifted = y - y.max(axis=1, keepdims=True)
    with np.errstate(over="ignore"):
        return np.exp(shifted - shifted.sum(axis=1, keepdims=True))


def softmax(z, axis=1, total=None):
    """The softmax over `axis`; with `total`, its sum taken over that axis instead (the max stays over `axis`)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis if total is None else total, keepdims=True)


WHOLE_ARRAY = ("your softmax is taken over the whole array (a softmax, max or sum with no axis, as "
               "scipy.special.softmax(z) and log_softmax(z) give without axis=1); take it over the classes of each row: "
               "axis=1")
MAX_OVER_BATCH = ("your max is taken over the batch (axis=0), one per class; subtract each row's own max (axis=1): a "
                  "row's softmax is unchanged only by one number subtracted from the whole row")
UNSHIFTED_TERM = ("your log-probabilities are off by each row's max: one term subtracts the row's max from y_pred and "
                  "the other does not; log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)), with "
                  "shifted = y_pred - its row max, in both")
LOG_BEFORE_SUM = ("your log-softmax subtracts the row sum of the shifted logits themselves, which a log taken "
                  "before the sum gives (np.log(np.exp(shifted)).sum(...)); it subtracts the log of the row sum of "
                  "exp: np.log(np.exp(shifted).sum(axis=1, keepdims=True))")
SUM_OVER_BATCH = ("your softmax subtracts each row's max (right) but divides by a sum over the batch (axis=0); sum "
                  "over the classes of each row too: .sum(axis=1, keepdims=True)")


@per_case
def _ce_script(case):
    return _script(CE_PATH, case, shifted=True)


@expected
def _ce(package, case):
    L, cache = package.CrossEntropy().forward(case.y_pred, case.y_true)
    return L, package.CrossEntropy().backward(case.y_pred, case.y_true, cache)


@check(CE_L, points=5.5, cases=ce_cases, strategy=CE_STRATEGY)
def ce_forward_loss(case, ref):
    s, pair, _, _ = _ce_script(case)
    out = yield s
    L, _ = _ce(ref, case)
    n, c = case.y_pred.shape

    def wrong():
        y, t = case.y_pred, case.y_true
        with np.errstate(divide="ignore"):
            wrong_axis = float(-(t * np.log(softmax(y, 0))).sum() / n)
            mixed = float(-(t * np.log(softmax(y, 1, total=0))).sum() / n)  # (helper-148: no hint, 78)
            shifted = y - y.max(axis=1, keepdims=True)
            log_first = float(-(t * (shifted - shifted.sum(axis=1, keepdims=True))).sum() / n)  # (helper-156: 78)
            by_column = float(-(t * np.log(softmax(y - y.max(axis=0, keepdims=True)))).sum() / n)  # (helper-159: 78)
            row_max = float(np.sum(t * y.max(axis=1, keepdims=True)) / n)
            whole = float(-(t * (y - y.max() - np.log(np.exp(y - y.max()).sum()))).sum() / n)  # (helper-172: 10 points)
        found = [(L * n, "your loss is the sum over the batch; it is the mean: divide by N (y_pred.shape[0])"),
                 (L / c, "your loss is divided by N * C (np.mean over every entry does that); divide by N only"),
                 (wrong_axis, "your softmax is taken over the batch (axis=0); take it over the classes of each row "
                              "(axis=1)"),
                 (mixed, SUM_OVER_BATCH),
                 (log_first, LOG_BEFORE_SUM),
                 (by_column, MAX_OVER_BATCH),
                 (whole, WHOLE_ARRAY),
                 (L - row_max, UNSHIFTED_TERM), (L + row_max, UNSHIFTED_TERM),
                 (-L, "your loss has the wrong sign; it is -sum(y_true * log(softmax(y_pred))) / N")]
        if n > 1:
            found.insert(0, (-(t * np.log(softmax(y))).sum(axis=1), "your loss is one value per sample; it is "
                                                                    "their mean over the batch, one number"))
        found += [(wrong, NO_KEEPDIMS) for wrong in _no_keepdims(case)]  # (helper-177: the 5 x 5 input had no hint)
        if c != n:  # (helper-97: no hint, 90)
            found.append((L * n / c, "your loss is divided by C, the number of classes (y_pred.shape[1]); divide by "
                                     "N, the number of samples (y_pred.shape[0])"))
        return found

    expect("loss", _loss(out, pair, "CrossEntropy"), L, scalar=True, known_wrong=distinct(wrong, L, scalar=True), generic=False)


@check("CrossEntropy.forward: returns the pair (loss, cache)", points=0.5, cases=ce_cases, strategy=CE_STRATEGY,
       behaviour=True)
def ce_forward_pair(case, ref):
    s, pair, _, _ = _ce_script(case)
    out = yield s
    judge_pair(out, pair, "CrossEntropy.forward")
    judge_fresh_cache(out, "CrossEntropy.forward", ("grad",), "loss")


@per_case
def _ce_large_script(case):
    """forward(y_pred, y_true) and, on another loss, forward(y_pred + shift, y_true), reading back the losses
    alone: a forward that returns its loss without a cache (the test of the pair charges that) is judged here
    all the same."""
    s = Script(case=case)
    pair = forward_value(s, s.new(CE_PATH), case.y_pred, case.y_true)
    shifted = forward_value(s, s.new(CE_PATH), case.shifted, case.y_true, prefix="shifted.",
                            shown=("y_pred + shift", "y_true"))
    return s, pair, shifted


@check(CE_LARGE, points=2, cases=ce_cases, strategy=CE_STRATEGY, behaviour=True)
def ce_forward_large(case, ref):
    """Each row shifted by 500 to 5000: the same softmax, so the same loss as the student's own unshifted one."""
    s, pair, shifted = _ce_large_script(case)
    out = yield s
    try:
        own = _loss(out, pair, "CrossEntropy")
    except (Crashed, NotAttempted, Waiting):
        raise
    except Failure:
        raise Skip("your forward gave no usable loss for y_pred (its own tests say why)") from None
    got = _loss(out, shifted, "CrossEntropy")
    consistent("loss for y_pred + shift", got, own, reference_label="the loss for y_pred (unshifted)",
               tol=SHIFTED, hint=_unshifted_wrong(case, own, _ce(ref, case)[0]) or
               f"shifting a row of logits leaves softmax unchanged, so the loss must stay the same: {STABLE}")


def _unshifted_wrong(case, own, L) -> str:
    """The hint where the student's loss for the unshifted logits is wrong already (helper-177: a log-sum-exp
    without keepdims, which broadcasts on a square batch alone, was told to subtract each row's max, which its
    logsumexp did): what that is, or that the loss test says it; "" where it is right."""
    if not isinstance(own, np.ndarray) or not np.issubdtype(own.dtype, np.number):  # (a list's numbers: its own
        return ""  # test says what it is)
    own = own.astype(np.float64)
    if own.size != 1 or matches(own.reshape(()), np.asarray(L, dtype=np.float64), VALUES):
        return ""
    if any(matches(own.reshape(()), np.asarray(wrong, dtype=np.float64), VALUES) for wrong in _no_keepdims(case)):
        return NO_KEEPDIMS
    return (f"your loss for y_pred (unshifted) is wrong already (expected {float(L):.6g}): fix that first, as the test "
            f"of the loss says; a right loss stays the same when each row of logits is shifted")


NO_KEEPDIMS = ("your log-sum-exp (or softmax's row sum) lacks keepdims=True: y_pred - logsumexp(y_pred, axis=1) "
               "subtracts row j's value from column j, which runs only where N == C (elsewhere it does not broadcast); "
               "keep the axis: logsumexp(y_pred, axis=1, keepdims=True)")


def _no_keepdims(case) -> list[float]:
    """The losses of a log-softmax whose row log-sum-exp lost its axis (`NO_KEEPDIMS`), on a square batch (none
    elsewhere): of y_pred, and of y_pred less its row max (shifted - np.log(np.exp(shifted).sum(axis=1)))."""
    y, t = case.y_pred, case.y_true
    n, c = y.shape
    if n != c:
        return []
    m = y.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(y - m).sum(axis=1, keepdims=True))).ravel()
    return [float(-(t * (y - lse[None, :])).sum() / n),
            float(-(t * (y - m - (lse - m.ravel())[None, :])).sum() / n)]


@check("CrossEntropy.forward: exact for large gaps between logits", points=1, cases=gap_cases,
       owners={"loss": (CE_L, CE_LARGE)})
def ce_forward_gaps(case, ref):
    """Rows where one logit is 100 to 1020 above the label's: the loss is about that gap. log(softmax + eps)
    and clipping cap it near -log(eps); the log of an underflowed softmax is infinite."""
    s = Script(case=case)
    _, pair = forward_pair(s, s.new(CE_PATH), case.y_pred, case.y_true, what="loss")
    out = yield s
    L = _ce_gap(ref, case)

    def clipped():
        p = softmax(case.y_pred)
        return [(float(-(case.y_true * np.log(p + eps)).sum() / case.y_pred.shape[0]),
                 f"your loss looks clipped: log(softmax + eps) or np.clip(softmax, eps, 1) caps each term near "
                 f"-log(eps) = {-np.log(eps):.3g}, while the true loss is {L:.6g}; {LOG_SUM_EXP}")
                for eps in (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-16, np.finfo(float).eps)]

    expect("loss", _loss(out, pair, "CrossEntropy"), L, scalar=True, generic=False, known_wrong=lambda: [
        (NON_FINITE, f"your softmax underflows to 0 for a label far below the top logit, and log(0) is -inf; "
                     f"{LOG_SUM_EXP}"), *clipped()])


@expected
def _ce_gap(package, case):
    return package.CrossEntropy().forward(case.y_pred, case.y_true)[0]


@check("CrossEntropy.forward: does not modify y_pred or y_true", points=1, cases=ce_cases, strategy=CE_STRATEGY,
       behaviour=True)
def ce_forward_keeps(case, ref):
    _judge_kept((yield _ce_script(case)[0]), "forward")


@check(CE_GRAD, points=6, cases=ce_cases, strategy=CE_STRATEGY)
def ce_backward_grad(case, ref):
    s, pair, _, _ = _ce_script(case)
    out = yield s
    L, grad = _ce(ref, case)
    n = case.y_pred.shape[0]

    def wrong():
        found = [(-grad, "your dL/dy_pred has the wrong sign: (softmax(y_pred) - y_true) / N"),
                 ((softmax(case.y_pred, 0) - case.y_true) / n, "your softmax is taken over the batch (axis=0); take "
                                                               "it over the classes of each row (axis=1)"),
                 ((softmax(case.y_pred, 1, total=0) - case.y_true) / n, SUM_OVER_BATCH),
                 ((softmax(case.y_pred, None) - case.y_true) / n, WHOLE_ARRAY),  # (helper-172: no hint, 12 points)
                 ((_log_first_probs(case.y_pred) - case.y_true) / n, LOG_BEFORE_SUM),  # (from forward's cache)
                 ((softmax(case.y_pred - case.y_pred.max(axis=0, keepdims=True)) - case.y_true) / n, MAX_OVER_BATCH),
                 ((softmax(case.y_pred) * np.exp(case.y_pred.max(axis=1, keepdims=True)) - case.y_true) / n,
                  UNSHIFTED_TERM),
                 (softmax(case.y_pred) - case.y_true / n, "only your y_true is divided by N: probs - y_true / N; "
                                                          "bracket the difference: (probs - y_true) / N"),
                 ((np.exp(case.y_pred - case.y_pred.max(axis=1, keepdims=True)) - case.y_true) / n,
                  "your dL/dy_pred uses exp(y_pred - max) not divided by its row sum: the softmax it reads (from "
                  "forward's cache, or computed here) must be normalised"),  # (helper-153: no hint)
                 (softmax(case.y_pred) / n, "your dL/dy_pred is softmax / N; subtract the labels: "
                                            "(softmax(y_pred) - y_true) / N")]
        if n > 1:
            found[:0] = [(grad * n, "your dL/dy_pred is not divided by N: (softmax(y_pred) - y_true) / N, the loss "
                                    "being the mean over the batch"),
                         (grad / n, "your dL/dy_pred is divided by N twice: (softmax(y_pred) - y_true) / N")]
        if case.y_pred.shape[1] > 1:
            found.append((grad / case.y_pred.shape[1], "your dL/dy_pred is divided by N * C; divide by N only"))
        if case.y_pred.shape[1] != n:  # (helper-156: no hint, 12 points)
            found.append((grad * n / case.y_pred.shape[1], "your dL/dy_pred is divided by C, the number of classes "
                                                           "(y_pred.shape[1]); divide by N, the number of samples "
                                                           "(y_pred.shape[0])"))
        return found

    _judge_grad(out, pair, "CrossEntropy", L, grad, wrong)


@check("CrossEntropy.backward: finite for large logits", points=2, cases=ce_cases, strategy=CE_STRATEGY,
       owners={"shifted.grad": CE_LARGE, "grad": CE_GRAD, ALONE: CE_GRAD}, behaviour=True)
def ce_backward_large(case, ref):
    """The gradient for shifted rows is the student's own unshifted gradient; not compared again when forward
    already failed on shifted rows (backward often reads what forward cached), nor when the gradient itself
    is wrong ('dL/dy_pred' charges that)."""
    s, pair, _, shifted = _ce_script(case)
    out = yield s
    labels = ("shifted.grad", "grad")
    if pairs_or_empty(out, (pair, shifted), "CrossEntropy.forward", (ALONE, ALONE_SHIFTED)):  # (where forward
        labels = (ALONE_SHIFTED, ALONE)  # raised: backward's own values given an empty cache, as `_judge_grad` judges)
    consistent("dL/dy_pred for y_pred + shift", out[labels[0]], out[labels[1]], tol=SHIFTED,
               reference_label="dL/dy_pred for y_pred (unshifted)", hint=f"shifting a row of logits leaves softmax unchanged, so dL/dy_pred must stay the "
                                  f"same: {STABLE}")


@check("CrossEntropy.backward: does not modify y_pred, y_true or the cache", points=0.5, cases=ce_cases,
       strategy=CE_STRATEGY, behaviour=True)
def ce_backward_keeps(case, ref):
    s, pair, _, _ = _ce_script(case)
    out = yield s
    needs_pair(out, pair, "CrossEntropy.forward")
    _judge_kept(out, "grad")
    judge_cache_kept(out, (("grad", "grad.twice", "dL/dy_pred"),))


@check("CrossEntropy.backward: uses the y_pred, y_true and cache it is given (another forward ran since)",
       points=0.5, cases=ce_cases, behaviour=True)
def ce_backward_given_cache(case, ref):
    s, pair, again, _ = _ce_script(case)
    _judge_again((yield s), pair, again, "CrossEntropy")


@expected
def _ce_probes(package, case):
    return _probe_losses(package.CrossEntropy, case)


@check("CrossEntropy.backward: agrees with finite differences of forward", points=1, cases=_edge(ce_cases),
       strategy=CE_STRATEGY, owners={"grad": CE_GRAD})
def ce_backward_finite_differences(case, ref):
    s, pair, by = _slopes_script(CE_PATH, case)
    _judge_slopes((yield s), pair, "CrossEntropy", by, _ce_probes(ref, case))
