"""Checks of `LossCrossEntropy` (22 points) and `ActivationLoss` (22 points) in `nnfs_layers.losses`, hidden
tests included.

Targets come in both kinds, class indices (N,) and one-hot rows (N, C), each graded by tests of its own. The
ordinary predictions keep every probability at 1e-3 or more, so clipping at 1e-7 (the contract), at 1e-15,
adding 1e-7, or not clipping at all give the same losses within the tolerance; one small test
("clips predictions") uses probabilities of exactly 0, where the contract's clip gives -log(1e-7).

Composite methods are judged on their own code. Where `calculate` gives the mean of the student's own forward's
losses and those differ from the reference's, the input is left out (forward's tests charge that); likewise
`ActivationLoss.forward` where its loss (self.output, what it leaves of its arguments) is what the student's own
ActivationSoftMax and LossCrossEntropy give on the same input (nnfs builds it from them). An input left out is
not a pass: a test with none left to judge is credited only when a value test of the class passes, or fails on
a known mistake its hint names (runner: a slip is charged by its value tests alone).

Crashes that depend on the kind of target (code for one-hot rows given class indices) are charged by the value
tests of that kind, not again by every other test of the method: each script also calls the method on an
ordinary input with each kind of target ("kind.same", "kind.other"), and a crash at the line where it raises on
any input of that kind is left out elsewhere, provided the method returns on the other kind (a method that never
returns earns nothing). A composite method raising exactly as its own parts do is left out (their tests charge
that; where that leaves nothing of its method to judge, the method earns nothing: the runner's credit rule).
"""
from __future__ import annotations

import contextlib

import numpy as np

from ...cases import draw
from ...checks.base import TWIN, Crashed, Skip, broadcast, check, consistent, per_case
from ...checks.gradients import matches_reference, slopes
from ...compare import EXACT, SHIFTED, Failure, FormOnly, expect, matches
from ...diagnose import NON_FINITE, with_pointer
from ...expected import expected
from ...sandbox import Script
from ...sandbox.script import Bad
from .activations import SOFTMAX
from .cases import (clip_cases, combined_mixed_cases, combined_onehot_cases, combined_sparse_cases, loss_mixed_cases,
                    loss_onehot_cases, loss_sparse_cases, softmax)
from .common import (FIXES, KIND, SPARSE, backward_kept, error_at, judge, judge_kept_args, judge_untouched,
                     kind_explains, leave_out_kind_crash, raised_alike, same, value_of, with_target_hint)

CE = "nnfs_layers.losses.LossCrossEntropy"
AL = "nnfs_layers.losses.ActivationLoss"
CLASSES = {"LossCrossEntropy": CE, "ActivationLoss": AL}
STRATEGIES = "autograder.assignments.nnfs.strategies"
LOSS_SPARSE, LOSS_ONEHOT = (draw(f"{STRATEGIES}:loss_strategy", sparse=kind) for kind in (True, False))
COMBINED_SPARSE, COMBINED_ONEHOT = (draw(f"{STRATEGIES}:combined_strategy", sparse=kind) for kind in (True, False))
# Either kind of target, for the tests of mixed seeded cases (a strategy of their own: their seeded cases are then
# judged before any drawn example, which is shrunk only when no seeded case failed).
LOSS_MIXED, COMBINED_MIXED = (draw(f"{STRATEGIES}:{name}", sparse=None)
                              for name in ("loss_strategy", "combined_strategy"))
CLIP = 1e-7
STEP = 1e-2  # of the combined loss's finite differences (smooth in the logits)
STABLE = ("subtract each row's max from inputs before exp: softmax is unchanged and exp cannot overflow "
          "(as ActivationSoftMax does; reusing it is fine)")


def one_hot(case) -> np.ndarray:
    c = (case.predict if hasattr(case, "predict") else case.inputs).shape[1]
    return np.eye(c)[case.target] if case.sparse else case.target


def labels(case) -> np.ndarray:
    return case.target if case.sparse else case.target.argmax(axis=1)


def other_kind(case) -> np.ndarray:
    """The case's targets as the other kind: one-hot rows for class indices, class indices for one-hot rows."""
    return one_hot(case) if case.sparse else labels(case).astype(np.int64)


def kinds(s: Script, path: str, method: str, first: np.ndarray, case, state: bool = False) -> None:
    """method(first, target) on fresh objects, with the case's kind of target ("kind.same") and then the other
    kind ("kind.other"), first being an ordinary input of the case's shape (uniform predictions, zero logits;
    with `state`, set as self.output too): what tells a crash about the kind of target from one about this input
    (`common.kind_explains`). Soft, and nothing of them is shown; after the calls judged where those are soft
    too, else first (so that they run)."""
    with s.diagnosing():
        for name, target in (("same", case.target), ("other", other_kind(case))):
            obj = s.new(path)
            if state:
                s.set(obj, "output", first, state=True)
            s.call(obj, method, first, target, label=f"{KIND}.{name}", soft=True)  # (one that never returns is left
            # out, as any soft call: the case's own calls still run)


def uniform(case) -> np.ndarray:
    shape = (case.predict if hasattr(case, "predict") else case.inputs).shape
    return np.full(shape, 1.0 / shape[1])


AS_INDICES = " with class indices" + TWIN  # a label's twin: its call made again with the same rows' class indices


def twin_with_indices(s: Script, case, label: str, make) -> None:
    """For a case of one-hot targets, `make(target, label)` made again with the same rows' class indices, under
    label + AS_INDICES: what tells a mistake that does not depend on the kind of target (`alike_to_indices`). Made
    once the class fails (it only says where a mistake is charged)."""
    if not case.sparse:
        with s.diagnosing():
            make(labels(case).astype(np.int64), label + AS_INDICES)


@contextlib.contextmanager
def charged_once_with_indices(out, case, label: str):
    """The block's failure, unless `alike_to_indices` leaves the input to the test of class indices."""
    try:
        yield
    except Failure as failure:
        alike_to_indices(out, case, label, failure)
        raise


def alike_to_indices(out, case, label: str, failure: Failure) -> None:
    """Leave the input out where the value under `label`, for one-hot targets, fails as a known mistake (`failure`
    names it: a hint of a known mistake, or the right numbers in a list) and is the one the student's code gives
    for the same rows' class indices, and the test of class indices failed (its twin's owner): the mistake does
    not depend on the kind of target, and that test charges it, once (helper-141: a LossCrossEntropy.backward
    dividing by C, an ActivationLoss.forward returning [loss], lost 3 points on each kind). Not a value no hint
    names (helper-142: code ignoring the target, wrong for both kinds, kept the one-hot test, and with it the
    method's other tests, 8 points, as its class-index test was right on a few one-class inputs)."""
    twin = label + AS_INDICES
    known = isinstance(failure, FormOnly) or type(failure) is Failure and bool(failure.hint) and bool(failure.claim)
    if case.sparse or twin not in out.excused or not known:
        return
    got, given = out.result.values.get(label), out.result.values.get(twin)
    mine, theirs = (value.numbers if isinstance(value, Bad) else value for value in (got, given))
    if same(mine, theirs) or isinstance(got, Bad) and isinstance(given, Bad) and got.what == given.what:  # (or
        # the same slip of form: a list for either kind)
        out.peek(twin)
        raise Skip("your value for one-hot targets is the one your code gives for the same rows' class indices, "
                   "which the test of class indices charges: the mistake does not depend on the kind of target")


# ------------------------------------------------------------------ LossCrossEntropy: 22 points

FORWARD_SPARSE = "LossCrossEntropy.forward: per-sample losses for class indices (N,)"
FORWARD_ONEHOT = "LossCrossEntropy.forward: per-sample losses for one-hot targets (N, C)"
BACKWARD_SPARSE = "LossCrossEntropy.backward: dinputs for class indices (N,)"
BACKWARD_ONEHOT = "LossCrossEntropy.backward: dinputs for one-hot targets (N, C)"


@per_case
def _forward_script(case):
    """forward(predict, target) and, on another object, calculate(predict, target): one script for every forward
    and calculate test, run once per input. Soft calls: calculate runs even where forward raised."""
    s = Script(case=case)
    s.call(s.new(CE), "forward", case.predict, case.target, label="losses", keep_args=True, soft=True)
    s.call(s.new(CE), "calculate", case.predict, case.target, label="mean", soft=True)
    kinds(s, CE, "forward", uniform(case), case)
    twin_with_indices(s, case, "losses", lambda target, label: s.call(s.new(CE), "forward", case.predict, target,
                                                                     label=label, soft=True))
    return s


@expected
def _expected_forward(package, case):
    return package.LossCrossEntropy().forward(case.predict, case.target)


def _loss_mistakes(case, want):
    p, t = case.predict, case.target
    clipped = np.clip(p, CLIP, 1 - CLIP)
    n = p.shape[0]
    wrong = [
        (np.mean(want), "your forward returns the mean loss; it returns one loss per sample, shape (N,) "
                        "(calculate takes the mean)"),
        (np.sum(want), "your forward returns the sum of the losses; it returns one loss per sample, shape (N,)"),
        (want.reshape(-1, 1), "your losses have shape (N, 1); return shape (N,), one loss per sample"),
        (-np.log(clipped).sum(axis=1), "your loss adds -log of every class's probability; it is -log of the "
                                       "target class's probability only"),
        (want / np.log(10), "your loss uses np.log10; the cross-entropy's log is the natural one, np.log"),
        (np.full(n, -np.log(CLIP)), "every loss is -log(1e-7): your np.clip has its bounds swapped (the lower one "
                                    "first): np.clip(predict, 1e-7, 1 - 1e-7)"),  # (helper-159: no hint)
    ]  # (helper-156: log10 had no hint)
    if case.sparse:
        as_one_hot = broadcast(lambda: -np.log(np.sum(clipped * t, axis=1)))
        if as_one_hot is not None and as_one_hot.shape == (n,):
            wrong.append((as_one_hot, SPARSE + FIXES["forward"][0]))
    else:
        by_column = broadcast(lambda: -np.log(np.sum(clipped * t, axis=0)))
        if by_column is not None:
            wrong.append((by_column, "your sum of predict * target runs over the batch (axis=0); sum each row "
                                     "(axis=1)"))
    return wrong


def _judge_losses(out, case, ref) -> None:
    got = with_target_hint(out, "losses", case.sparse)
    want = _expected_forward(ref, case)
    with charged_once_with_indices(out, case, "losses"):
        if isinstance(got, np.ndarray) and got.ndim == 0:
            raise Failure(f"losses: expected an array of shape {want.shape}, got one number ({float(got):.6g})",
                          with_pointer("your forward returns one number (the mean, or the sum?); it returns one loss "
                                       "per sample, shape (N,): calculate takes their mean"))
        judge("losses", got, want, lambda: _loss_mistakes(case, want))


@check(FORWARD_SPARSE, points=3, cases=loss_sparse_cases, strategy=LOSS_SPARSE)
def forward_sparse(case, ref):
    _judge_losses((yield _forward_script(case)), case, ref)


@check(FORWARD_ONEHOT, points=3, cases=loss_onehot_cases, strategy=LOSS_ONEHOT,
       owners={"losses" + AS_INDICES: FORWARD_SPARSE})
def forward_onehot(case, ref):
    _judge_losses((yield _forward_script(case)), case, ref)


@expected
def _expected_clip(package, case):
    return package.LossCrossEntropy().forward(case.predict, case.target)


@check("LossCrossEntropy.forward: clips predictions to [1e-7, 1 - 1e-7]", points=1, cases=clip_cases,
       owners={"losses": (FORWARD_SPARSE, FORWARD_ONEHOT)})
def forward_clip(case, ref):
    """Predictions of exactly 0 and 1: the contract's clip gives -log(1e-7) = 16.12 for a probability of 0 and
    about 0 for 1. Not compared when an ordinary forward test failed, nor where forward raises as it does on any
    input with this kind of target (the ordinary tests of that kind charge those)."""
    s = Script(case=case)
    s.call(s.new(CE), "forward", case.predict, case.target, label="losses", soft=True)
    kinds(s, CE, "forward", uniform(case), case)
    out = yield s
    leave_out_kind_crash(out, "losses")
    got = with_target_hint(out, "losses", case.sparse)
    want = _expected_clip(ref, case)
    p, label = case.predict, labels(case)
    rows = np.arange(p.shape[0])

    def other_clips():  # (computed only when the losses are wrong, as every known wrong answer)
        found = []
        for eps in (1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-16, float(np.finfo(float).eps)):
            words = (f"your losses look clipped at {eps:g} (or {eps:g} added to predict), so a probability of 0 costs "
                     f"{-np.log(eps):.4g}; the contract clips to [1e-7, 1 - 1e-7] as nnfs does: "
                     f"np.clip(predict, 1e-7, 1 - 1e-7), so it costs -log(1e-7) = {-np.log(CLIP):.4g}")
            found.append((-np.log(np.clip(p, eps, 1 - eps)[rows, label]), words))
            found.append((-np.log(p[rows, label] + eps), words))
        return found

    expect("losses", got, want, generic=False, known_wrong=lambda: [
        (NON_FINITE, "a probability of 0 gives log(0) = -inf: clip predict first, np.clip(predict, 1e-7, 1 - 1e-7), "
                     "as nnfs does"), *other_clips()])


@check("LossCrossEntropy.forward: does not modify predict or target", points=1,
       cases=(loss_sparse_cases, loss_onehot_cases),
       strategy=LOSS_MIXED, behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _forward_script(case)
    leave_out_kind_crash(out, "losses")  # (any other crash: the runner's rule)
    in_place = ("your forward clipped predict in place (out=predict): clip into a new array: "
                "np.clip(predict, 1e-7, 1 - 1e-7)")
    judge_kept_args(out, "losses", [("predict", case.predict), ("target", case.target)], known_wrong=lambda name: [
        (np.clip(case.predict, CLIP, 1 - CLIP), in_place)] if name == "predict" else [])


@check("LossCrossEntropy.calculate: the mean of the per-sample losses", points=2,
       cases=(loss_sparse_cases, loss_onehot_cases),
       strategy=LOSS_MIXED, computes=False)
def calculate(case, ref):
    """The mean of the reference's losses, or of the student's own forward's (calculate usually calls forward,
    whose mistakes forward's tests charge). Where calculate raises exactly as forward does, the input is left out.
    It proves nothing computed by itself (a mean of constants is a constant): credited only with a value test
    (passed, or failed on a known mistake its hint names)."""
    out = yield _forward_script(case)
    try:
        got = out["mean"]
    except Crashed:
        if raised_alike(out, "mean", ["losses"]) and kind_explains(out, "losses"):
            raise Skip("calculate raises there as your forward does on any input with this kind of target: the "
                       "value tests of forward charge that") from None
        raise
    losses = _expected_forward(ref, case)
    want = float(np.mean(losses))
    try:
        judge("calculate's result", got, want, lambda: [
            (np.sum(losses), "calculate returns the sum of the losses; it returns their mean: np.mean(losses)"),
            (losses, "calculate returns the per-sample losses; it returns their mean, one number: np.mean(losses)"),
            (np.sum(losses) / case.predict.shape[1], "calculate divides by the number of classes C; divide by the "
                                                     "number of samples N (np.mean)")], scalar=True)
    except Failure:
        own = value_of(out, "losses")
        if own is not None and own.size and same(got, np.array(np.mean(own))):
            raise Skip("calculate gives the mean of your own forward's losses there, which differ from the "
                       "reference's: forward's tests judge that") from None
        raise


@per_case
def _backward_script(case):
    """backward(predict, target) with predict kept (nnfs gives it the predictions as dvalues)."""
    s = Script(case=case)
    kinds(s, CE, "backward", uniform(case), case)
    backward_kept(s, s.new(CE), case.predict, case.target, name="predict", soft=True)  # (soft: helper-193)
    twin_with_indices(s, case, "dinputs", lambda target, label: _backward_of(s, CE, case.predict, target, label))
    return s


def _backward_of(s: Script, path: str, dvalues, target, label: str, output=None) -> None:
    """backward(dvalues, target) on a fresh object (with `output` set as its self.output first), its self.dinputs
    under `label`."""
    obj = s.new(path)
    if output is not None:
        s.set(obj, "output", output, state=True, reference=True, shown="softmax(inputs)")
    s.call(obj, "backward", dvalues, target, label=s.fresh(), soft=True)
    s.get(obj, "dinputs", label=label)


@expected
def _expected_backward(package, case):
    loss = package.LossCrossEntropy()
    loss.backward(case.predict, case.target)
    return loss.dinputs


def _gradient_mistakes(case, want):
    p, t = case.predict, case.target
    n, c = p.shape
    wrong = [
        (want * n, "your dinputs is not divided by N (the number of samples): -target / dvalues / N"),
        (want / n, "your dinputs is divided by N twice: -target / dvalues / N"),
        ((p - one_hot(case)) / n, "that is the gradient of softmax and the loss together (ActivationLoss.backward); "
                                  "the loss alone gives -target / dvalues / N, dvalues being the predictions"),
    ]
    if c not in (1, n):
        wrong.append((want * n / c, "your dinputs is divided by the number of classes C; divide by the number of "
                                    "samples N = len(dvalues)"))
        wrong.append((want / c, "your dinputs is divided by N * C, the number of values (dvalues.size); divide by the "
                                "number of samples N = len(dvalues)"))  # (helper-162: 11 points with no hint)
    if case.sparse:
        raw = broadcast(lambda: -t / p / n)
        if raw is not None and raw.shape == p.shape:
            wrong.append((raw, SPARSE + FIXES["LossCrossEntropy.backward"][0]))
    return wrong


def _judge_gradient(out, case, ref) -> None:
    got = with_target_hint(out, "dinputs", case.sparse, "LossCrossEntropy.backward")
    want = _expected_backward(ref, case)
    with charged_once_with_indices(out, case, "dinputs"):
        judge("self.dinputs", got, want, lambda: _gradient_mistakes(case, want))


@check(BACKWARD_SPARSE, points=3, cases=loss_sparse_cases, strategy=LOSS_SPARSE)
def backward_sparse(case, ref):
    _judge_gradient((yield _backward_script(case)), case, ref)


@check(BACKWARD_ONEHOT, points=3, cases=loss_onehot_cases, strategy=LOSS_ONEHOT,
       owners={"dinputs" + AS_INDICES: BACKWARD_SPARSE})
def backward_onehot(case, ref):
    _judge_gradient((yield _backward_script(case)), case, ref)


@check("LossCrossEntropy.backward: does not modify dvalues or target; dinputs is an array of its own", points=1,
       cases=(loss_sparse_cases, loss_onehot_cases), strategy=LOSS_MIXED, behaviour=True)
def backward_keeps_args(case, ref):
    out = yield _backward_script(case)
    leave_out_kind_crash(out, "ret")
    judge_untouched(out, case.predict, "predict")
    expect("target after backward", out["ret#arg1"], case.target, EXACT, generic=False,
           hint="backward must leave target as it was: build one-hot rows in a new array")


def classes(case) -> int:
    return (case.predict if hasattr(case, "predict") else case.inputs).shape[1]


def fd_cases(make):
    """The first four edge cases of `make` with two classes or more (with one, every prediction is 1, at the
    clip, where the loss has no two-sided slope)."""
    def cases(rng):
        return [c for c in make(rng) if classes(c) > 1][:4]

    cases.__name__ = cases.__qualname__ = f"fd_{make.__name__}"
    return cases


def _loss_step(case) -> float:
    """5% of the smallest prediction: the slope of -log(p) changes by (step / p)^2 / 3 at most, 1e-3 of itself."""
    return 0.05 * float(np.min(case.predict))


@expected
def _expected_loss_probes(package, case):
    """The reference's mean loss with each entry of predict moved by +step, then -step."""
    step, losses = _loss_step(case), []
    for k in range(case.predict.size):
        for sign in (1.0, -1.0):
            moved = case.predict.copy()
            moved.flat[k] += sign * step
            losses.append(float(np.mean(package.LossCrossEntropy().forward(moved, case.target))))
    return np.array(losses)


@check("LossCrossEntropy.backward: agrees with finite differences of forward", points=2,
       cases=fd_cases(loss_mixed_cases), strategy=LOSS_ONEHOT, owners={"dinputs": (BACKWARD_SPARSE, BACKWARD_ONEHOT)})
def backward_finite_differences(case, ref):
    """Reference-free: the slopes of the mean of the student's own losses, where they match the reference's."""
    s = Script(case=case)
    if classes(case) < 2:
        yield s  # (nothing to run: a check judges only after its script came back)
        raise Skip("one class: every prediction is 1, at the clip, where the loss has no two-sided slope")
    step = _loss_step(case)
    kinds(s, CE, "backward", uniform(case), case)
    by_predict = slopes("predict", case.predict, step, lambda p: s.call(
        s.new(CE), "forward", p, case.target, label=s.fresh(), soft=True,
        shown=(f"predict with one entry moved by +-{step:.3g}", "target")))
    loss = s.new(CE)
    s.call(loss, "backward", case.predict, case.target, label="ret")
    s.get(loss, "dinputs", label="dinputs")
    out = yield s
    leave_out_kind_crash(out, "ret")

    def mean(losses):
        if losses.shape != case.predict.shape[:1]:
            raise Skip("forward's losses have the wrong shape there, so their slopes say nothing about backward")
        return float(np.mean(losses))

    matches_reference(by_predict.losses(out, mean), _expected_loss_probes(ref, case))
    by_predict.check("dinputs", out["dinputs"], out, mean)


# ------------------------------------------------------------------ ActivationLoss: 22 points

AL_SPARSE = "ActivationLoss.forward: mean loss for class indices (N,)"
AL_ONEHOT = "ActivationLoss.forward: mean loss for one-hot targets (N, C)"
AL_OUTPUT = "ActivationLoss.forward: keeps self.output, the softmax"
AL_BACKWARD_SPARSE = "ActivationLoss.backward: dinputs for class indices (N,)"
AL_BACKWARD_ONEHOT = "ActivationLoss.backward: dinputs for one-hot targets (N, C)"
PARTS = "your own ActivationSoftMax or LossCrossEntropy"


def _parts(s: Script, inputs, target, prefix: str, shown: tuple[str, str]) -> None:
    """What the student's own ActivationSoftMax and LossCrossEntropy give on (inputs, target): the softmax
    under "{prefix}.output", the per-sample losses of it under "{prefix}.losses" and calculate's mean under
    "{prefix}.mean" (and what each left of its arguments, "#argI"). Last in a script: reading a missing softmax
    output stops the case there."""
    with s.diagnosing():
        sm = s.new(SOFTMAX)
        s.call(sm, "forward", inputs, label=f"{prefix}.softmax", soft=True, shown=shown[:1], keep_args=True)
        s.get(sm, "output", label=f"{prefix}.output")
        output = s.returned(sm, "__getattribute__", "output", name="ActivationSoftMax.output")
        s.call(s.new(CE), "forward", output, target, label=f"{prefix}.losses", soft=True, keep_args=True)
        s.call(s.new(CE), "calculate", output, target, label=f"{prefix}.mean", soft=True, keep_args=True)


@per_case
def _combined_forward(case):
    """forward(inputs, target) and self.output; forward(inputs + shift, target) on another object; then the
    student's own parts on both. One script for every forward test, run once per input."""
    s = Script(case=case)
    layer = s.new(AL)
    s.call(layer, "forward", case.inputs, case.target, label="loss", keep_args=True, soft=True)
    s.get(layer, "output", label="self.output")
    shown = ("inputs + shift", "target")
    # Does the student's own softmax finish on the shifted inputs? (If it hangs, the case stops here, and
    # ActivationLoss, which calls it, is not charged for that: the softmax's tests are.)
    s.call(s.new(SOFTMAX), "forward", case.shifted, label="shifted.probe", soft=True, shown=shown[:1])
    s.call(s.new(AL), "forward", case.shifted, case.target, label="shifted.loss", soft=True, shown=shown)
    kinds(s, AL, "forward", np.zeros(case.inputs.shape), case)
    twin_with_indices(s, case, "loss", lambda target, label: s.call(s.new(AL), "forward", case.inputs, target,
                                                                   label=label, soft=True))
    _parts(s, case.inputs, case.target, "parts", ("inputs", "target"))
    _parts(s, case.shifted, case.target, "shifted.parts", shown)
    return s


@expected
def _expected_combined(package, case):
    layer = package.ActivationLoss()
    loss = layer.forward(case.inputs, case.target)
    return np.asarray(loss, dtype=np.float64), np.asarray(layer.output, dtype=np.float64)


def _parts_give(out, got, prefix: str, unlike=None) -> bool:
    """`got` is what the student's own parts give under `prefix` (calculate's mean, or the mean of forward's
    losses), and that differs from `unlike` when given (the reference's value: the parts are wrong there)."""
    mean, losses = value_of(out, f"{prefix}.mean"), value_of(out, f"{prefix}.losses")
    candidates = ([] if mean is None else [mean]) + ([] if losses is None or not losses.size else
                                                     [np.array(np.mean(losses))])
    return any(same(got, v) and (unlike is None or not same(v, unlike)) for v in candidates)


def _raised_as_parts(out, label: str, prefix: str) -> None:
    """Leave the input out when the call under `label` raised exactly as the student's own parts raise on the same
    input: their tests charge that. (Where they raise on every input, nothing is left to judge, and a method none
    of whose values could be judged earns nothing: the runner's credit rule.)"""
    if raised_alike(out, label, [f"{prefix}.softmax", f"{prefix}.losses", f"{prefix}.mean"]):
        raise Skip(f"it raised where {PARTS} raise on the same input (charged by their tests)")


def _hung_as_softmax(out) -> None:
    """Leave the input out when the student's own ActivationSoftMax.forward did not finish on the shifted inputs
    (or was not called on them again after it did not finish on others: nor are its parts, whose values would
    tell a mistake of ActivationLoss's own from theirs): the softmax's tests charge that."""
    probe = error_at(out, "shifted.probe")
    if probe is not None and probe.type == "WorkerDied":
        raise Skip("your own ActivationSoftMax.forward does not finish on these inputs (charged by its tests)")


def _combined_mistakes(case, loss):
    x, t = case.inputs, case.target
    n = x.shape[0]
    p = np.clip(softmax(x), CLIP, 1 - CLIP)
    per_sample = -np.log(p[np.arange(n), labels(case)])
    wrong = [
        (per_sample, "your forward returns one loss per sample; it returns their mean, a scalar"),
        (loss * n, "your loss is the sum over the batch; it is the mean: divide by N"),
        (float(np.mean(-np.log(np.clip(x, CLIP, 1 - CLIP)[np.arange(n), labels(case)]))),
         "your loss is taken on inputs directly; take the softmax of inputs first, then the loss of those "
         "probabilities"),
    ]
    if case.sparse:
        as_one_hot = broadcast(lambda: -np.log(np.sum(p * t, axis=1)))
        if as_one_hot is not None and as_one_hot.shape == (n,):
            wrong.append((float(np.mean(as_one_hot)), SPARSE + FIXES["forward"][0]))
    return wrong


def judge_combined(out, case, ref) -> None:
    try:
        got = with_target_hint(out, "loss", case.sparse)
    except Crashed:
        _raised_as_parts(out, "loss", "parts")
        raise
    want, _ = _expected_combined(ref, case)
    try:
        judge("loss", got, want, lambda: _combined_mistakes(case, float(want)), scalar=True)
    except Failure as failure:
        if _parts_give(out, got, "parts", want):
            raise Skip(f"your loss differs from the reference there, but it is what {PARTS} give on the same "
                       "input: their tests judge that") from None
        alike_to_indices(out, case, "loss", failure)
        raise


@check(AL_SPARSE, points=3, cases=combined_sparse_cases, strategy=COMBINED_SPARSE)
def combined_forward_sparse(case, ref):
    judge_combined((yield _combined_forward(case)), case, ref)


@check(AL_ONEHOT, points=3, cases=combined_onehot_cases, strategy=COMBINED_ONEHOT,
       owners={"loss" + AS_INDICES: AL_SPARSE})
def combined_forward_onehot(case, ref):
    judge_combined((yield _combined_forward(case)), case, ref)


def _forward_ran(out) -> None:
    """Read the loss first: where forward raised as it does on any input with this kind of target, the value tests
    of that kind charge that; where it raised as its own parts do, their tests do."""
    try:
        out.peek("loss")
    except Crashed:
        _raised_as_parts(out, "loss", "parts")
        leave_out_kind_crash(out, "loss")
        raise


@check(AL_OUTPUT, points=2, cases=(combined_sparse_cases, combined_onehot_cases), strategy=COMBINED_MIXED)
def combined_forward_output(case, ref):
    out = yield _combined_forward(case)
    _forward_ran(out)
    _, want = _expected_combined(ref, case)
    got = out["self.output"]
    x = case.inputs
    try:
        judge("self.output", got, want, lambda: [
            (x, "your self.output is the inputs; it is their softmax (the probabilities)"),
            (softmax(x.T).T, "your softmax is taken over the batch (axis=0); take it over each row (axis=1)"),
            (np.log(want), "your self.output is the log of the softmax (log-probabilities); keep the softmax itself, "
                           "the probabilities: np.exp of it")])  # (helper-162: no hint; one class read "got 0, expected 1")
    except Failure:
        own = value_of(out, "parts.output")
        if own is not None and same(got, own) and not matches(own.astype(np.float64), want):
            raise Skip("your self.output differs from the reference there, but it is what your own "
                       "ActivationSoftMax gives on the same input: its tests judge that") from None
        raise


@check("ActivationLoss.forward: finite for large inputs", points=1,
       cases=(combined_sparse_cases, combined_onehot_cases),
       strategy=COMBINED_MIXED, behaviour=True)
def combined_forward_large(case, ref):
    """The whole batch moved by one constant of 500 to 5000: the same softmax, so the student's own loss for
    inputs; or, when it builds on them, what the student's own parts give for the shifted inputs."""
    out = yield _combined_forward(case)
    _forward_ran(out)
    _hung_as_softmax(out)
    try:
        shifted = out["shifted.loss"]
    except Crashed:
        _raised_as_parts(out, "shifted.loss", "shifted.parts")
        raise
    try:
        consistent("loss for inputs + shift", shifted, out["loss"], reference_label="your loss for inputs",
                   tol=SHIFTED,
                   hint=f"shifting every input by one constant leaves softmax unchanged, so the loss must stay the "
                        f"same: {STABLE}")
    except Failure:
        if _parts_give(out, shifted, "shifted.parts", out.peek("loss")):
            raise Skip(f"your loss for large inputs differs from your loss for the same inputs unshifted, as what "
                       f"{PARTS} give does: their tests judge that") from None
        loss, _ = _expected_combined(ref, case)
        if isinstance(shifted, np.ndarray) and np.all(np.isfinite(shifted)) and not matches(out.peek("loss"), loss):
            # (a finite loss whose unshifted value is already wrong: the value tests charge that mistake, once)
            raise Skip("your loss for these inputs unshifted is wrong: the tests of its values judge that") from None
        raise


@check("ActivationLoss.forward: does not modify inputs or target", points=1,
       cases=(combined_sparse_cases, combined_onehot_cases),
       strategy=COMBINED_MIXED, behaviour=True)
def combined_forward_keeps_args(case, ref):
    out = yield _combined_forward(case)
    _forward_ran(out)
    try:
        judge_kept_args(out, "loss", [("inputs", case.inputs), ("target", case.target)])
    except Failure:
        changed = {"inputs": ["parts.softmax#arg0"], "target": ["parts.losses#arg1", "parts.mean#arg1"]}
        for i, (name, given) in enumerate((("inputs", case.inputs), ("target", case.target))):
            mine = value_of(out, f"loss#arg{i}")
            if mine is None or np.array_equal(mine, given):
                continue
            theirs = [value_of(out, label) for label in changed[name]]
            if not any(v is not None and np.array_equal(v, mine, equal_nan=True) for v in theirs):
                raise
        raise Skip(f"your forward changes its arguments as {PARTS} do on the same input: their tests judge that")


@per_case
def _combined_backward(case):
    """forward(inputs, target), then self.output = softmax(inputs) (what forward stores, set by the grader), then
    backward(softmax(inputs), target) as nnfs calls it, with dvalues kept; then self.output again. Before them,
    on an object of its own, backward with self.output set by the grader and no forward at all ("alone.*"): what
    the value tests judge where forward raised on this input (`_backward_labels`)."""
    s = Script(case=case)
    kinds(s, AL, "backward", uniform(case), case, state=True)
    output = softmax(case.inputs)
    alone = s.new(AL)
    s.set(alone, "output", output, state=True, reference=True, shown="softmax(inputs)")
    s.call(alone, "backward", output, case.target, label="alone.ret", soft=True, shown=("softmax(inputs)", "target"))
    s.get(alone, "dinputs", label="alone.dinputs")
    layer = s.new(AL)
    s.call(layer, "forward", case.inputs, case.target, label="forward", soft=True)
    s.set(layer, "output", output, state=True, reference=True, shown="softmax(inputs)")
    backward_kept(s, layer, output, case.target, name="softmax(inputs)", soft=True)
    s.get(layer, "output", label="output.after")
    twin_with_indices(s, case, "dinputs", lambda target, label: _backward_of(s, AL, output, target, label, output))
    return s


@expected
def _expected_combined_backward(package, case):
    layer = package.ActivationLoss()
    layer.backward(softmax(case.inputs), case.target)
    return layer.dinputs


def _combined_gradient_mistakes(case, want):
    n = case.inputs.shape[0]
    p, t = softmax(case.inputs), case.target
    wrong = [
        (want * n, "your dinputs is not divided by N (the number of samples): (dvalues - one-hot target) / N"),
        (want / n, "your dinputs is divided by N twice: (dvalues - one-hot target) / N"),
        (-one_hot(case) / p / n, "that is the gradient of the loss alone (LossCrossEntropy.backward); with the "
                                 "softmax folded in it is (dvalues - one-hot target) / N"),
        (p, "your dinputs is dvalues unchanged: subtract 1 at each sample's target class, then divide by N"),
    ]
    c = p.shape[1]
    if c not in (1, n):  # (helper-88: samples = dvalues.shape[1] cost more than no division at all, which is hinted)
        wrong.append((want * n / c, "your dinputs is divided by the number of classes C (dvalues.shape[1]); divide "
                                    "by the number of samples N = len(dvalues)"))
        wrong.append((want / c, "your dinputs is divided by N * C, the number of values (dvalues.size); divide by the "
                                "number of samples N = len(dvalues)"))
    every = p.copy()  # each sample's class subtracted in every row, not in its own: dinputs[:, target] -= 1
    every[:, t if case.sparse else t.argmax(axis=1)] -= 1
    wrong.append((every / n, "your dinputs subtracts 1 in every row at every sample's target class "
                             "(dinputs[:, target]); subtract it in each row at that row's class only: "
                             "dinputs[range(N), target] -= 1"))
    if case.sparse:
        raw = broadcast(lambda: (p - t) / n)
        if raw is not None and raw.shape == p.shape:
            wrong.append((raw, SPARSE + FIXES["ActivationLoss.backward"][0]))
    else:  # one-hot rows turned into indices over the wrong axis, then used as the book does: [range(N), indices]
        picked = p.copy()
        try:
            picked[range(n), t.argmax(axis=0)] -= 1
        except (IndexError, ValueError):
            pass  # (shapes that do not broadcast: that code raises, and its crash is the verdict)
        else:
            wrong.append((picked / n, "your one-hot targets are turned into class indices over the batch "
                                      "(argmax(axis=0)); each row's class is target.argmax(axis=1)"))
    return wrong


def _backward_labels(out) -> tuple[str, str]:
    """The labels of the backward call and of self.dinputs to judge: those after forward, as nnfs calls them; but
    where forward raised on this input, those of the backward run with no forward ("alone"): backward needs only
    what the grader sets (self.output), so its own mistakes are charged to it, not read as "needs forward". Unless
    that backward could not find an attribute: then it relies on something forward stores, and needs forward."""
    if error_at(out, "forward") is None:
        return "ret", "dinputs"
    alone = error_at(out, "alone.ret")
    if alone is not None and alone.type == "AttributeError":
        return "ret", "dinputs"
    return "alone.ret", "alone.dinputs"


def _judge_combined_gradient(out, case, ref) -> None:
    call, dinputs = _backward_labels(out)
    with_target_hint(out, call, case.sparse, "ActivationLoss.backward")
    got = with_target_hint(out, dinputs, case.sparse, "ActivationLoss.backward")
    want = _expected_combined_backward(ref, case)
    with charged_once_with_indices(out, case, "dinputs"):
        judge("self.dinputs", got, want, lambda: _combined_gradient_mistakes(case, want))


@check(AL_BACKWARD_SPARSE, points=3, cases=combined_sparse_cases, strategy=COMBINED_SPARSE)
def combined_backward_sparse(case, ref):
    _judge_combined_gradient((yield _combined_backward(case)), case, ref)


@check(AL_BACKWARD_ONEHOT, points=3, cases=combined_onehot_cases, strategy=COMBINED_ONEHOT,
       owners={"dinputs" + AS_INDICES: AL_BACKWARD_SPARSE})
def combined_backward_onehot(case, ref):
    _judge_combined_gradient((yield _combined_backward(case)), case, ref)


@check("ActivationLoss.backward: does not modify dvalues, self.output or target; dinputs is an array of its own",
       points=1, cases=(combined_sparse_cases, combined_onehot_cases), strategy=COMBINED_MIXED, behaviour=True)
def combined_backward_keeps_args(case, ref):
    out = yield _combined_backward(case)
    leave_out_kind_crash(out, "ret")
    p, n = softmax(case.inputs), case.inputs.shape[0]
    in_place = ("your backward changed dvalues in place (self.dinputs = dvalues, then -= 1 at the targets): in nnfs "
                "dvalues is self.output itself, which that corrupts; start from a copy: dvalues.copy()")
    judge_untouched(out, p, known_wrong=lambda: [(p - one_hot(case), in_place), ((p - one_hot(case)) / n, in_place)])
    expect("target after backward", out["ret#arg1"], case.target, EXACT, generic=False,
           hint="backward must leave target as it was: turn one-hot rows into indices in a new array")
    expect("self.output after backward", out["output.after"], p, EXACT, generic=False,
           hint="your backward changed self.output in place; in nnfs backward is given self.output as dvalues, so "
                "compute self.dinputs in a new array (dvalues.copy())")


@expected
def _expected_combined_probes(package, case):
    """The reference's loss with each entry of inputs moved by +STEP, then -STEP."""
    losses = []
    for k in range(case.inputs.size):
        for sign in (1.0, -1.0):
            moved = case.inputs.copy()
            moved.flat[k] += sign * STEP
            losses.append(float(package.ActivationLoss().forward(moved, case.target)))
    return np.array(losses)


@check("ActivationLoss.backward: agrees with finite differences of forward", points=2,
       cases=fd_cases(combined_mixed_cases), strategy=COMBINED_ONEHOT,
       owners={"dinputs": (AL_BACKWARD_SPARSE, AL_BACKWARD_ONEHOT)})
def combined_backward_finite_differences(case, ref):
    """Reference-free: the slopes of the student's own loss around inputs, where it matches the reference."""
    s = Script(case=case)
    kinds(s, AL, "backward", uniform(case), case, state=True)
    layer = s.new(AL)
    by_inputs = slopes("inputs", case.inputs, STEP, lambda x: s.call(
        layer, "forward", x, case.target, label=s.fresh(), soft=True,
        shown=(f"inputs with one entry moved by +-{STEP:g}", "target")))
    output = softmax(case.inputs)
    s.call(layer, "forward", case.inputs, case.target, label=s.fresh(), soft=True)
    s.set(layer, "output", output, state=True, reference=True, shown="softmax(inputs)")
    s.call(layer, "backward", output, case.target, label="ret", shown=("softmax(inputs)", "target"))
    s.get(layer, "dinputs", label="dinputs")
    out = yield s
    leave_out_kind_crash(out, "ret")

    def loss(value):
        if value.size != 1:
            raise Skip("forward did not return a scalar there, so its slopes say nothing about backward")
        return float(value.reshape(-1)[0])

    matches_reference(by_inputs.losses(out, loss), _expected_combined_probes(ref, case))
    by_inputs.check("dinputs", out["dinputs"], out, loss)
