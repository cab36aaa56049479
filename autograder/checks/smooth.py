"""What the checks of the smooth activations share (Identity, Sigmoid, Tanh in elementwise.py, GELU in
gelu.py): the scripts every forward and backward test of a class reads, the state set before backward,
the finite-difference probes, and hints offered only where an input tells them apart.
"""
from __future__ import annotations

import numpy as np

from ..cases import draw
from ..compare import EXACT, alternatives, expect, matches
from ..diagnose import generic
from ..sandbox import Script
from .base import Skip, another_forward, per_case, shared
from .gradients import matches_reference, slopes

STRATEGY = draw("smooth_strategy")
STEP = 1e-2  # of the finite differences of a curved forward: truncation error ~ STEP**2 * |f'''| / 6, below 1e-4
KEEP_Z = "forward must leave Z as it was: compute the result in a new array (no Z *= ..., Z[...] = ... or out=Z)"
KEEP_DLDA = ("backward must leave dLdA as it was: compute dLdZ in a new array (dLdZ = dLdA * ..., "
             "not dLdA *= ...)")
EARLIER = "your self.A is the output of an earlier forward call: store it on every call"
ALONE = "your dLdZ is dA/dZ alone: multiply it by dLdA (dLdZ = dLdA * dA/dZ)"


class distinct:
    """The known wrong answers (value, words) that `known()` gives, then the generic ones, as this input tells them
    apart: one within tolerance of the right answer is not offered, and wrong answers meaning different things that
    this input cannot tell apart are offered as one hint naming each (`alternatives`), so a hint is right whenever it
    is shown; other failing inputs may then narrow it (`runner._unconfirmed`: helper-123's GELU pdf with exp(-Z^2),
    shown on Z = 3.5 where it is the missing Z * pdf term too, had no hint, and lost its behaviour tests). Computed only
    when `expect` iterates it (on a failure); pass it with `generic=False`."""

    def __init__(self, label: str, expected, known=lambda: ()):
        self.label, self.expected, self.known = label, np.asarray(expected, dtype=np.float64), known

    def __iter__(self):
        pairs = [(np.asarray(v, dtype=np.float64), w) for v, w in self.known()] + generic(self.label, self.expected)
        pairs = [(v, w) for v, w in pairs if not matches(v, self.expected)]
        out, taken = [], set()
        for i, (v, w) in enumerate(pairs):
            if i in taken:
                continue
            alike = [j for j in range(i, len(pairs)) if j not in taken and matches(pairs[j][0], v)]
            taken.update(alike)
            words = list(dict.fromkeys(pairs[j][1] for j in alike))
            out.append((v, words[0] if len(words) == 1 else alternatives(words)))
        return iter(out)


@per_case
def forward_script(path: str, case):
    """forward(Z) on a fresh object, then forward(Z0), forward(Z) on another, a third object's forward
    (base.another_forward: state kept on the class shows, helper-94) and what the second stored: one script for every
    forward test of a class, run once per input (a wrong A is shown with the one call it needs)."""
    s = Script(case=case)
    s.call(s.new(path), "forward", case.Z, label="A", keep_args=True)
    again = s.new(path)
    s.call(again, "forward", case.Z0, label="A0")
    s.call(again, "forward", case.Z, label=s.fresh())
    another_forward(s, s.new(path), case.Z, "Z")
    s.get(again, "A", label="self.A")
    return s


def forward_then_state(s: Script, obj, Z, A: np.ndarray, shown: str, label: str | None = None) -> None:
    """forward(Z), whose failure does not stop the case (it may store what backward reads, such as Z),
    then self.A = A, what the contract says forward stores, set by the grader whatever forward stored."""
    s.call(obj, "forward", Z, label=label or s.fresh(), soft=True)
    s.set(obj, "A", A, state=True, reference=True, shown=shown)


@per_case
def backward_script(path: str, case, state, shown: str):
    """forward(Z) (its output under "A", for the hidden tests), self.A = state(Z), another object's
    forward (base.another_forward), backward(dLdA): one script for every backward test of a class."""
    s = Script(case=case)
    obj = s.new(path)
    forward_then_state(s, obj, case.Z, state(case.Z), shown, label="A")
    another_forward(s, s.new(path), case.Z, "Z")
    s.call(obj, "backward", case.dLdA, label="dLdZ", keep_args=True)
    return s


def judge_stored(out, case, want, state, known=()) -> None:
    cls = out.script.meta[out.script.labels["self.A"]].cls
    expect("self.A", out["self.A"], want, generic=False, known_wrong=distinct("self.A", want, lambda: [
        *known, (state(case.Z0), EARLIER), (state(1.0 - 2.0 * case.Z), shared("self.A", cls, "Z"))]))


def judge_kept_z(out, case) -> None:
    expect("Z after forward", out["A#arg0"], case.Z, EXACT, hint=KEEP_Z, generic=False)


def judge_kept_dlda(out, case) -> None:
    expect("dLdA after backward", out["dLdZ#arg0"], case.dLdA, EXACT, hint=KEEP_DLDA, generic=False)


def slopes_script(path: str, case, step: float, state, shown: str):
    """Forward at Z with each entry moved by +-step, then forward(Z), self.A, backward(dLdA)."""
    s = Script(case=case)
    obj = s.new(path)
    by_Z = slopes("Z", case.Z, step, lambda Z: s.call(obj, "forward", Z, label=s.fresh(), soft=True,
                                                         shown=(f"Z with one entry moved by +-{step:g}",)))
    forward_then_state(s, obj, case.Z, state(case.Z), shown)
    s.call(obj, "backward", case.dLdA, label="dLdZ")
    return s, by_Z


def judge_slopes(out, case, by_Z, reference_losses) -> None:
    """L = sum(dLdA * forward(Z)): judged only where the student's forward matches the reference's at every probe,
    and dLdA is not 0 throughout (every slope is 0 there: a backward returning dLdA itself passed there, and credited
    a GELU backward whose every other input its wrong forward left out)."""
    if not np.any(case.dLdA):
        raise Skip("dLdA is 0 there, so every slope is 0: a backward returning zeros passes, and the input tells "
                   "nothing")

    def loss(A):
        if A.shape != case.Z.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dLdA * A).sum())

    matches_reference(by_Z.losses(out, loss), reference_losses)
    by_Z.check("dLdZ", out["dLdZ"], out, loss)


def probe_losses(make, case, step: float) -> np.ndarray:
    """The reference's sum(dLdA * forward(Z moved)) at every probe of `slopes_script`, +step then -step."""
    losses = []
    for k in range(case.Z.size):
        for sign in (1.0, -1.0):
            moved = case.Z.astype(np.float64, copy=True)
            moved.flat[k] += sign * step
            losses.append(float((case.dLdA * make().forward(moved)).sum()))
    return np.array(losses)


def run(obj, case):
    """A fresh reference object's forward(Z) and backward(dLdA)."""
    A = np.array(obj.forward(case.Z), dtype=np.float64)
    return A, np.array(obj.backward(case.dLdA), dtype=np.float64)
