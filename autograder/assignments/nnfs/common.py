"""What the nnfs checks share: layers keep their results as attributes (`output`, `dinputs`) and return
nothing, so the grader reads those attributes after each call.

- `probe_output`: a forward whose result is read from `self.output` (for finite differences), with the old
  output cleared first, so a forward that raises gives nothing rather than the previous probe's value.
- `kept`: an argument the worker keeps, so the grader can change it after the call: "dinputs is an array of its
  own" is judged by refilling dvalues after backward and reading self.dinputs again (`judge_untouched`).
- `with_target_hint`: a crash on a kind of target (class indices or one-hot rows) explained when its message
  shows the code was written for the other kind.
- `raised_alike`: whether a crash is the crash of a method a composite one calls (charged there), or the crash a
  method has on any input with that kind of target (`kind_explains`: charged by the value tests of that kind).
"""
from __future__ import annotations

import re

import numpy as np

from ...checks.base import Crashed, Skip
from ...compare import EXACT, EXCUSED, Failure, expect, matches, unambiguous
from ...diagnose import generic, with_pointer
from ...sandbox import Bad, Script

FILL = 4321.0  # what dvalues is refilled with after backward: a self.dinputs that is dvalues itself shows it

KEEP_DVALUES = ("backward must leave dvalues as it was: compute self.dinputs in a new array (start from "
                "dvalues.copy(), not dvalues itself: self.dinputs = dvalues makes them one array, so changing "
                "self.dinputs changes dvalues)")
ALIAS = ("your self.dinputs is dvalues itself (or a view of it): it changed when the caller changed dvalues "
         "after backward. Make it an array of its own: self.dinputs = dvalues.copy() before editing it "
         "(np.asarray(dvalues) and dvalues[:] are not copies)")
KEEP_INPUTS = ("forward must leave its arguments as they were: compute the result in a new array (no "
               "inputs -= ..., inputs[...] = ... or out=inputs)")
SPARSE = "target here holds class indices, shape (N,), and your code treats it as one-hot rows (N, C); handle both: "
ONE_HOT = "target here is one-hot rows, shape (N, C), and your code treats it as class indices (N,); handle both: "
# How each method handles the kind of target its code missed: (for class indices, for one-hot rows).
FIXES = {
    "forward": ("for indices, take each row's probability with predict[range(N), target] (or turn them into one-hot "
                "rows with np.eye(C)[target])",
                "for one-hot rows, sum predict * target over axis 1 (or turn them into indices with "
                "np.argmax(target, axis=1))"),
    "LossCrossEntropy.backward": ("turn class indices into one-hot rows first, np.eye(C)[target], then "
                                  "-target / dvalues / N",
                                  "use one-hot rows as they are, -target / dvalues / N (only class indices need "
                                  "np.eye(C)[target])"),
    "ActivationLoss.backward": ("subtract 1 at each sample's class, dinputs[range(N), target] -= 1 (or subtract "
                                "np.eye(C)[target]), then divide by N",
                                "turn one-hot rows into indices first, np.argmax(target, axis=1) (or subtract them "
                                "as they are: dvalues - target), then divide by N"),
}


def judge(label: str, got, want, known=lambda: (), *, scalar: bool = False, batch: int | None = None,
          hint: str = "") -> None:
    """`expect`, with the known wrong answers `known()` and the generic ones offered only where this input tells
    them apart (those alike become one hint naming each, `unambiguous`); a wrong answer with inf or NaN in it
    (log(0) where the loss is finite) is recognised by its infinities too."""
    want = np.asarray(want, dtype=np.float64)

    def offered():  # the known finite ones (an inf would be "close" to anything), then the generic ones they miss
        own = [(v, w) for v, w in known() if np.all(np.isfinite(np.asarray(v, dtype=np.float64)))]
        return own + [(v, w) for v, w in generic(label, want, batch) if not any(_alike(v, k) for k, _ in own)]

    try:
        expect(label, got, want, scalar=scalar, generic=False, hint=hint, known_wrong=unambiguous(offered, want))
    except Failure as failure:
        if not failure.hint and usable(got):
            for wrong, words in known():
                wrong = np.asarray(wrong, dtype=np.float64)
                if not np.all(np.isfinite(wrong)) and same(got, wrong):
                    raise Failure(failure.message, with_pointer(words)) from None
        raise


def _alike(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    return matches(a, b)


def kept(s: Script, value: np.ndarray, name: str):
    """`value` as an object the worker keeps (one array, passed as it is to every call given it), named `name`
    in the calls shown."""
    holder = s.dict("the grader's arguments")
    return s.returned(holder, "setdefault", name, value, name=name, shown=(repr(name), name))


def backward_kept(s: Script, obj, dvalues: np.ndarray, *more, name: str = "dvalues", shown=(), soft: bool = False) -> None:
    """backward(dvalues, *more) with dvalues kept in the worker: the arguments after the call come back under
    "ret#argI", self.dinputs under "dinputs"; then the caller refills dvalues and self.dinputs comes back again
    under "dinputs.after". `soft`: a backward that raises does not stop the case (what it stored before, the
    caller reads: Outputs.stored_before)."""
    given = kept(s, dvalues, name)
    s.call(obj, "backward", given, *more, label="ret", keep_args=True, shown=(name, *shown) if shown else None,
           soft=soft)
    s.get(obj, "dinputs", label="dinputs")
    s.call(given, "fill", FILL, label=s.fresh(), soft=True)
    s.get(obj, "dinputs", label="dinputs.after")


def judge_untouched(out, dvalues: np.ndarray, label: str = "dvalues", known_wrong=lambda: ()) -> None:
    """dvalues is bit-identical after backward, and self.dinputs did not change when dvalues was refilled."""
    expect(f"{label} after backward", out["ret#arg0"], dvalues, EXACT, known_wrong=known_wrong, hint=KEEP_DVALUES,
           generic=False)
    try:
        before, after = out.peek("dinputs"), out["dinputs.after"]
    except Crashed:
        if out.behind is None:
            raise
        return  # (backward raised before it stored self.dinputs: the dinputs test charges that; dvalues is judged)
    if (isinstance(before, np.ndarray) and isinstance(after, np.ndarray) and before.shape == after.shape
            and not np.array_equal(before, after, equal_nan=True)):
        raise Failure(f"self.dinputs changed when {label} was changed after backward ({label}.fill({FILL:g})): "
                      "it shares its memory with " + label, with_pointer(ALIAS))


def judge_kept_args(out, label: str, names_values, known_wrong=lambda name: (), method: str = "forward") -> None:
    """Each argument of the call under `label` (a call of `method`) is bit-identical after it."""
    for i, (name, value) in enumerate(names_values):
        expect(f"{name} after {method}", out[f"{label}#arg{i}"], value, EXACT,
               known_wrong=lambda: known_wrong(name), hint=KEEP_INPUTS, generic=False)


def probe_output(s: Script, obj, *args, shown) -> str:
    """forward(*args) (soft) and then self.output, cleared before: the label of the output read (read it
    through `Probed`)."""
    s.set(obj, "output", None, state=True)
    call = s.call(obj, "forward", *args, label=s.fresh(), soft=True, shown=shown)
    return s.get(obj, "output", label=f"{call}{PROBE}")


PROBE = ".output"


class Probed:
    """A check's outputs, for `Slopes`: reading a probe's output first reads its forward call, so a forward that
    raised (or is not attempted) there is said as such, not as a missing output."""

    def __init__(self, out):
        self.out = out

    def peek(self, label: str):
        if not label.endswith(PROBE):
            return self.out.peek(label)
        self.out.peek(label[:-len(PROBE)])
        value = self.out.peek(label)
        if isinstance(value, Bad):
            raise Skip(f"forward did not set self.output there ({value.what}), so its slopes say nothing about "
                       "backward")
        return value


NARROW = ("your one-hot rows and predict have different numbers of columns (np.eye(target.max() + 1), say, is too "
          "narrow where the batch holds no sample of the last class): make them as wide as predict, "
          "np.eye(predict.shape[1])[target]")
_SHAPES = re.compile(r"broadcast together with shapes \((\d+),(\d+)\) \((\d+),(\d+)\)")


def _narrow_one_hot(message: str) -> bool:
    """A broadcast of two (N, k) arrays of one N and two widths: code that handles class indices, with one-hot rows
    of the wrong width (code that treats indices as one-hot rows meets an (N,) array instead)."""
    found = _SHAPES.search(message)
    return bool(found) and found[1] == found[3] and found[2] != found[4]


def with_target_hint(out, label: str, sparse: bool, method: str = "forward"):
    """out[label]; a crash whose message shows code written for the other kind of target gets a hint saying how
    `method` (a key of FIXES) handles that kind."""
    try:
        return out[label]
    except Crashed as crash:
        message = crash.message
        for_indices, for_one_hot = FIXES[method]
        if sparse and _narrow_one_hot(message):
            raise crash.hinted(with_pointer(NARROW)) from None
        if sparse and any(w in message for w in ("broadcast", "AxisError", "axis 1 is out of bounds")):
            raise crash.hinted(with_pointer(SPARSE + for_indices)) from None
        if not sparse and "IndexError" in message and any(
                w in message for w in ("integer", "indices", "shape mismatch")):
            raise crash.hinted(with_pointer(ONE_HOT + for_one_hot)) from None
        raise


def error_at(out, label: str):
    """The student error of the op under `label` (a soft call that raised, or what stopped the case there)."""
    op = out.script.labels.get(label, -1)
    found = next((e for e in out.result.soft if e.op == op), None)
    if found is None and out.result.error is not None and out.result.error.op == op:
        found = out.result.error
    return found


def raised_alike(out, label: str, others: list[str], same_message: bool = True) -> str:
    """The label among `others` whose call raised the same exception (with the same message, unless
    `same_message` is false: another input's message names other shapes), at the same line, as the call under
    `label` ('' when none did): the crash is then that other call's (a method a composite one calls, or the
    same mistake on an ordinary input)."""
    mine = error_at(out, label)
    if mine is None or mine.type in ("WorkerDied", "NotRun", "Skipped") or not mine.where:
        return ""
    for other in others:
        theirs = error_at(out, other)
        if theirs is not None and (theirs.type, theirs.where) == (mine.type, mine.where) and (
                theirs.msg == mine.msg or not same_message):
            return other
    return ""


KIND = "kind"  # the labels of a method's calls on ordinary inputs with each kind of target ("kind.same", "kind.other")


def returned(out, label: str) -> bool:
    """The call under `label` ran and returned (whatever it returned)."""
    return label in out.result.values and error_at(out, label) is None


def kind_explains(out, label: str) -> bool:
    """The call under `label` raised at the same line as the same method did on an ordinary input with the same
    kind of target ("kind.same"), or ended the worker as that call did, and that method returned on an ordinary input with the other kind
    ("kind.other"): the crash is about the kind of target (the value tests of that kind charge it), and the
    method does return, so leaving the input out buys no pass."""
    if not returned(out, f"{KIND}.other"):
        return False
    mine, same = error_at(out, label), error_at(out, f"{KIND}.same")
    died = mine is not None and same is not None and mine.type == same.type == "WorkerDied"  # (a loop that never ends
    return died or bool(raised_alike(out, label, [f"{KIND}.same"], same_message=False))  # on that kind of target)


def leave_out_kind_crash(out, label: str) -> None:
    """Leave the input out of a test when the call under `label` raised there as `kind_explains` says."""
    try:
        out.peek(label)
    except Crashed as crash:
        if kind_explains(out, label):
            raise Skip(f"it raises there ({crash.message}) as on any input with this kind of target, and the value "
                       "tests of that kind charge it") from None
        raise


def usable(value) -> bool:
    return value is not EXCUSED and isinstance(value, np.ndarray)


def same(got, value) -> bool:
    """`got` equals `value` within the value tolerance, with inf and NaN at the same entries: a result that is
    wrong exactly as the student's own parts are wrong."""
    if not usable(got) or not usable(value):
        return False
    got, value = got.astype(np.float64), np.asarray(value, dtype=np.float64)
    if got.size == 1 and value.size == 1:
        got, value = got.reshape(()), value.reshape(())
    if got.shape != value.shape:
        return False
    finite = np.isfinite(value)
    if not np.array_equal(finite, np.isfinite(got)) or not np.array_equal(got[~finite], value[~finite], equal_nan=True):
        return False
    return not finite.any() or matches(got[finite], value[finite])


def value_of(out, label: str):
    """A value the check does not judge (the student's own parts), or None when there is none usable."""
    found = out.result.values.get(label)
    return found if isinstance(found, np.ndarray) else None


def bad(value) -> bool:
    return isinstance(value, Bad)
