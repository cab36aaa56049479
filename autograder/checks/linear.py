"""Checks of `mytorch.nn.linear.Linear`: 12 points.

Each method is graded on its own. The grader sets `W` and `b` itself, so forward
does not depend on __init__; before backward it sets what the contract says
forward stores (`A` and `N`), so a correct backward passes whatever forward does.
"""
from __future__ import annotations

import contextlib

import numpy as np

from ..compare import EXACT, Failure, expect, matches
from ..sandbox import Script
from ..cases import draw, edge_cases, linear_cases
from ..expected import expected
from .base import Skip, Unless, absent, another_forward, check, per_case, rounds, shared
from .gradients import matches_reference, slopes

LINEAR = "mytorch.nn.linear.Linear"
CLASSES = {"Linear": LINEAR}
DLDA, DLDW, DLDB = "Linear.backward: dLdA", "Linear.backward: dLdW", "Linear.backward: dLdb"
STORES = "Linear.forward: stores A and N"
BACKWARD_OWNERS = {"dLdA": DLDA, "dLdW": DLDW, "dLdb": DLDB}


def student(s: Script, case):
    """A student Linear with the case's weights (so forward does not depend on __init__'s zeros)."""
    lin = s.new(LINEAR, case.W.shape[1], case.W.shape[0])
    s.set(lin, "W", case.W)
    s.set(lin, "b", case.b)
    return lin


def reference(package, case):
    """The reference Linear with the case's weights."""
    lin = package.Linear(case.W.shape[1], case.W.shape[0])
    lin.W, lin.b = case.W.copy(), case.b.copy()
    return lin


def forward_then_state(s: Script, lin, A, name: str = "A") -> None:
    """forward(A), whose failure does not stop the case (it may store state of its own that backward
    reads), then the state the contract says it stores, A and N, set by the grader whatever forward
    stored: backward is graded on its own."""
    s.call(lin, "forward", A, label=s.fresh(), soft=True)
    s.set(lin, "A", A, state=True, shown=name)
    s.set(lin, "N", A.shape[0], state=True)


@check("Linear.__init__: W and b are zeros of shape (C_out, C_in) and (C_out, 1)", points=1, cases=linear_cases, computes=False)
def init_zeros(case, ref):
    c_out, c_in = case.W.shape
    s = Script(case=case)
    lin = s.new(LINEAR, c_in, c_out)
    s.get(lin, "W", label="W")
    s.get(lin, "b", label="b")
    out = yield s
    expect("W", out["W"], np.zeros((c_out, c_in)), known_wrong=lambda: [
        (np.zeros((c_in, c_out)), "your W is (C_in, C_out); it must be (C_out, C_in) = (out_features, in_features)")],
        hint="W starts as zeros: np.zeros((out_features, in_features))")
    expect("b", out["b"], np.zeros((c_out, 1)), known_wrong=lambda: [
        (np.zeros(c_out), "your b has shape (C_out,); it must be a column: np.zeros((C_out, 1))"),
        (np.zeros((1, c_out)), "your b is a row (1, C_out); it must be a column (C_out, 1)"),
        (np.zeros((c_in, 1)), "your b has C_in entries; it has one per output: np.zeros((out_features, 1))")],
        hint="b starts as zeros: np.zeros((out_features, 1))")


@per_case
def _forward_script(case):
    """forward(A0), forward(A), then what it stored: one script for every forward test, run once per input."""
    s = Script(case=case)
    lin = student(s, case)
    s.call(lin, "forward", case.A0, label="Z0", soft=True)  # (soft: what it stored before it raised is judged as
    s.call(lin, "forward", case.A, label="Z", keep_args=True, soft=True)  # stored, as a backward's is)
    another_forward(s, student(s, case), case.A, "A")  # before what this layer stored is read
    s.get(lin, "A", label="A")
    s.get(lin, "N", label="N")
    return s


@check("Linear.forward: output Z", points=2, cases=linear_cases, strategy=draw("linear_strategy"))
def forward_z(case, ref):
    out = yield _forward_script(case)
    out.peek("Z0")  # (a first call that raised is charged here, as when it stopped the script)
    expect("Z", out["Z"], _expected_forward(ref, case), known_wrong=lambda: [
        (case.A @ case.W.T, "your Z has no bias term: Z = A @ W.T + 1_N @ b.T"),
        (case.A @ case.W.T - case.b.reshape(1, -1), "your Z subtracts the bias; it adds it: Z = A @ W.T + 1_N @ b.T")])
    # (helper-155: the bias subtracted had no hint)


@check(STORES, points=1, cases=linear_cases, strategy=draw("linear_strategy"), computes=False)
def forward_stores(case, ref):
    out = yield _forward_script(case)
    expect("self.A", out["A"], case.A, known_wrong=lambda: [
        (case.A0, "your self.A is the input of an earlier forward call: store A on every call"),
        (case.A @ case.W.T + case.b.reshape(1, -1), "your self.A is forward's output Z; it is the input A, which "
                                                    "backward needs for dLdW = dLdZ.T @ A"),  # (helper-114: no hint)
        (1.0 - 2.0 * case.A, shared("self.A", "Linear", "A"))])
    expect("self.N", out["N"], case.A.shape[0], scalar=True, known_wrong=lambda: [
        (case.A.shape[1], "your self.N is the number of features; it must be the batch size, A.shape[0]")])


@check("Linear.forward: does not modify A", points=0.5, cases=linear_cases, strategy=draw("linear_strategy"), behaviour=True)
def forward_keeps_args(case, ref):
    out = yield _forward_script(case)
    expect("A after forward", out["Z#arg0"], case.A, EXACT)


@per_case
def _backward_script(case):
    """A fresh layer: forward(A), another layer's forward, backward(dLdZ); then a second layer does a first round on
    (A0, dLdZ0) before the same round, for the repeated-calls test. One script for every backward test."""
    s = Script(case=case)
    lin = student(s, case)
    forward_then_state(s, lin, case.A)
    # (a second layer's forward before this one's backward: a cache kept on the class, a dict in the class body, is
    # every layer's, and an MLP's first layer then reads the last's input; helper-222's scored 100)
    another_forward(s, student(s, case), case.A, "A")
    s.call(lin, "backward", case.dLdZ, label="dLdA", keep_args=True, soft=True)  # (what it stored before raising,
    s.get(lin, "dLdW", label="dLdW")  # judged: Outputs.stored_before)
    s.get(lin, "dLdb", label="dLdb")
    again = student(s, case)
    forward_then_state(s, again, case.A0, "A0")
    s.call(again, "backward", case.dLdZ0, label="again0.dLdA", soft=True)  # (soft as the first round's: the
    forward_then_state(s, again, case.A)  # repeated-calls test judges what a backward that raises stored before)
    another_forward(s, student(s, case), case.A, "A")  # (as before the first round's: what it reads is judged once)
    s.call(again, "backward", case.dLdZ, label="again.dLdA", soft=True)
    s.get(again, "dLdW", label="again.dLdW")
    s.get(again, "dLdb", label="again.dLdb")
    with_own_state(s, case, again=True)
    return s


def with_own_state(s: Script, case, again: bool = False) -> None:
    """Last in a script, once the class fails: forward(A), backward(dLdZ) on a fresh layer, the grader setting no
    state, its dLdA, dLdW and dLdb under OWN + label (`own_state_right`); with `again`, the same on a second layer
    after a first round on (A0, dLdZ0), under OWN + "again." + label. (Last: a backward that hangs on its own
    state stops nothing before it.)"""
    with s.diagnosing():
        for prefix in (OWN, f"{OWN}again.") if again else (OWN,):
            own = student(s, case)
            if prefix != OWN:
                s.call(own, "forward", case.A0, label=s.fresh(), soft=True)
                s.get(own, "A", label=f"{prefix}A0")
                s.get(own, "N", label=f"{prefix}N0")
                s.call(own, "backward", case.dLdZ0, label=s.fresh(), soft=True)
            s.call(own, "forward", case.A, label=s.fresh(), soft=True)
            s.get(own, "A", label=f"{prefix}A")  # (what forward stored: `own_state_right`)
            s.get(own, "N", label=f"{prefix}N")
            s.call(own, "backward", case.dLdZ, label=f"{prefix}dLdA", soft=True)
            s.get(own, "dLdW", label=f"{prefix}dLdW")
            s.get(own, "dLdb", label=f"{prefix}dLdb")


OWN = "with forward's own state: "  # backward after forward alone, the grader setting no state (`own_state_right`)


@contextlib.contextmanager
def or_own_state(out, case, ref, again: bool = False):
    """The block's failure, unless `own_state_right` says it is forward's other state (`Unless`)."""
    try:
        yield
    except Failure as failure:
        own_state_right(out, case, ref, failure, again)
        raise


def own_state_right(out, case, ref, failure: Failure, again: bool = False) -> None:
    """Where backward fails (a wrong value, or a raise) given the contract's self.A and self.N, but gives every value
    right after forward alone, reading what forward stored itself, forward stores other state than the contract's
    (self.A = A.T, read as such by its backward): the input passes unless "stores A and N" passes, which charges that
    (helper-143: a Linear storing A.T, whose backward was right for it, lost 5.5 points besides that test's 1)."""
    want = _expected_backward(ref, case)
    prefixes = (OWN, f"{OWN}again.") if again else (OWN,)  # (the repeat test: its second round too, helper-144)
    got = [(out.result.values.get(prefix + label), w) for prefix in prefixes
           for label, w in zip(("dLdA", "dLdW", "dLdb"), want)]
    if all(isinstance(g, np.ndarray) and matches(g, w) for g, w in got) and _other_state(out, case, prefixes):
        raise Unless(failure, (STORES,)) from None


def _other_state(out, case, prefixes) -> bool:
    """Whether forward alone left self.A other than its input, or self.N other than the batch size, after some forward
    of the rounds: where every forward left both as the contract's (or no N), the grader's setting them changed
    nothing a backward could read, and one that answers otherwise for it told the grader's setting apart (a
    property's setter: helper-178 gave up "stores A and N", 1 point, to have its wrong dLdW and dLdb judged on its
    own state, a second formula)."""
    for prefix in prefixes:
        for suffix, given in (("", case.A), ("0", case.A0)) if prefix != OWN else (("", case.A),):
            A, N = out.result.values.get(f"{prefix}A{suffix}"), out.result.values.get(f"{prefix}N{suffix}")
            same_A = isinstance(A, np.ndarray) and A.shape == given.shape and bool(np.array_equal(A, given))
            same_N = (N is None or absent(N, ".N raised AttributeError")
                      or isinstance(N, np.ndarray) and N.size == 1 and float(N.reshape(())) == given.shape[0])
            if not (same_A and same_N):
                return True
    return False


@expected
def _expected_forward(package, case):
    return reference(package, case).forward(case.A)


@expected
def _expected_backward(package, case):
    lin = reference(package, case)
    lin.forward(case.A)
    return lin.backward(case.dLdZ), lin.dLdW, lin.dLdb


@check(DLDA, points=1.5, cases=linear_cases, strategy=draw("linear_strategy"))
def backward_dlda(case, ref):
    out = yield _backward_script(case)
    dLdA, _, _ = _expected_backward(ref, case)
    square = case.W.shape[0] == case.W.shape[1]  # only then is dLdZ @ W.T even computable
    with or_own_state(out, case, ref):
        expect("dLdA", out["dLdA"], dLdA, batch=case.A.shape[0],
               known_wrong=lambda: [(case.dLdZ @ case.W.T, "your dLdA uses W.T; it is dLdZ @ W")] if square else [])


@check(DLDW, points=1.5, cases=linear_cases, strategy=draw("linear_strategy"))
def backward_dldw(case, ref):
    out = yield _backward_script(case)
    _, dLdW, _ = _expected_backward(ref, case)
    n = case.A.shape[0]
    with or_own_state(out, case, ref):
        expect("dLdW", out["dLdW"], dLdW, batch=n, known_wrong=lambda: [
            (dLdW.T, "your dLdW is transposed: it must have W's shape (C_out, C_in): dLdW = dLdZ.T @ A"),
            (dLdW / n, "your dLdW is divided by N; do not divide: the 1/N of the mean is already in dLdZ"),
            (case.dLdZ.T @ (1.0 - 2.0 * case.A), shared("dLdW", "Linear", "A")),
        ])


@check(DLDB, points=1.5, cases=linear_cases, strategy=draw("linear_strategy"))
def backward_dldb(case, ref):
    out = yield _backward_script(case)
    _, _, dLdb = _expected_backward(ref, case)
    n = case.A.shape[0]
    with or_own_state(out, case, ref):
        expect("dLdb", out["dLdb"], dLdb, batch=n, known_wrong=lambda: [
            (dLdb.ravel(), "your dLdb has shape (C_out,); keep it a column (C_out, 1), e.g. "
                           "dLdZ.sum(axis=0, keepdims=True).T"),
            (dLdb.T, "your dLdb is a row (1, C_out); it must be a column (C_out, 1) like b"),
            (dLdb / n, "your dLdb is the mean over the batch; it must be the sum: dLdb = dLdZ.T @ 1_N"),
            (case.dLdZ.sum(axis=1, keepdims=True), "your dLdb sums dLdZ over the features (axis=1); sum it over the "
                                                   "batch (axis=0) instead: dLdb = dLdZ.T @ 1_N, shape (C_out, 1)"),
            (case.dLdZ.T, "your dLdb is dLdZ.T, not summed; sum it over the batch: dLdb = dLdZ.T @ 1_N, shape "
                          "(C_out, 1)"),
        ])


@check("Linear.backward: a second forward and backward give what a fresh layer gives", points=1, cases=linear_cases, behaviour=True)
def backward_repeated(case, ref):
    """Against the student's own first round: only what changes between calls is graded here. A backward that raises
    in both rounds the same way (its dLdA test charges that) is judged on what it stored before raising."""
    out = yield _backward_script(case)
    hint = "each backward must replace self.dLdW and self.dLdb (not add to them) and use only the latest forward's state"
    with or_own_state(out, case, ref, again=True):
        rounds(out, "dLdA", ("again0.dLdA", "again.dLdA"), [
            (f"{label} of the second round", f"again.{label}", label, f"{label} of a fresh layer on the same input")
            for label in ("dLdA", "dLdW", "dLdb")], hint)


@check("Linear.backward: does not modify dLdZ", points=0.5, cases=linear_cases, strategy=draw("linear_strategy"), behaviour=True)
def backward_keeps_args(case, ref):
    out = yield _backward_script(case)
    expect("dLdZ after backward", out["dLdA#arg0"], case.dLdZ, EXACT)


@expected
def _expected_probes(package, case):
    """The reference's L = sum(dLdZ * forward(...)) at every probe of `_finite_differences`."""
    losses = []
    for name, step in (("A", 1.0), ("W", 1.0), ("b", 1.0)):
        base = getattr(case, name)
        for k in range(base.size):
            for sign in (1.0, -1.0):
                moved = base.astype(np.float64, copy=True)
                moved.flat[k] += sign * step
                lin = reference(package, case)
                if name == "A":
                    Z = lin.forward(moved)
                else:
                    setattr(lin, name, moved)
                    Z = lin.forward(case.A)
                losses.append(float((case.dLdZ * Z).sum()))
    return np.array(losses)


@check("Linear.backward: agrees with finite differences of forward", points=0.5, cases=edge_cases(linear_cases),
       strategy=draw("linear_strategy"), owners=BACKWARD_OWNERS)
def backward_finite_differences(case, ref):
    """Reference-free: L = sum(dLdZ * forward(A)); forward is affine, so a step of 1 is exact. Judged
    only where the student's forward matches the reference: elsewhere its slopes say nothing of backward."""
    s = Script(case=case)
    lin = student(s, case)

    def forward(A=case.A, shown=None):
        return s.call(lin, "forward", A, label=s.fresh(), shown=shown, soft=True)

    def moved(attr):  # set a moved W or b, then forward the unmoved A
        return lambda value: (s.set(lin, attr, value, shown=f"{attr} with one entry moved by +-1"), forward())[1]

    by_A = slopes("A", case.A, 1.0, lambda A: forward(A, ("A with one entry moved by +-1",)))
    by_W = slopes("W", case.W, 1.0, moved("W"))
    s.set(lin, "W", case.W)
    by_b = slopes("b", case.b, 1.0, moved("b"))
    s.set(lin, "b", case.b)
    forward_then_state(s, lin, case.A)
    s.call(lin, "backward", case.dLdZ, label="dLdA", soft=True)  # (soft: the calls with its own state still run)
    s.get(lin, "dLdW", label="dLdW")
    s.get(lin, "dLdb", label="dLdb")
    with_own_state(s, case)
    out = yield s

    def loss(Z):
        if Z.shape != case.dLdZ.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dLdZ * Z).sum())

    probes, reference_losses = [by_A, by_W, by_b], _expected_probes(ref, case)
    matches_reference(np.concatenate([p.losses(out, loss) for p in probes]), reference_losses)
    with or_own_state(out, case, ref):
        for label, by in (("dLdA", by_A), ("dLdW", by_W), ("dLdb", by_b)):
            by.check(label, out[label], out, loss)
