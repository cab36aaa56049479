"""Checks of `mytorch.nn.linear.Linear`: 45 points."""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, Failure, expect
from ..sandbox import Script
from ..cases import draw, edge_cases, linear_cases
from ..expected import expected
from .base import check, per_case
from .gradients import slopes

LINEAR = "mytorch.nn.linear.Linear"


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


@check("Linear.__init__: W and b are zeros of shape (C_out, C_in) and (C_out, 1)", points=5, cases=linear_cases)
def init_zeros(case, ref):
    c_out, c_in = case.W.shape
    s = Script()
    lin = s.new(LINEAR, c_in, c_out)
    s.get(lin, "W", label="W")
    s.get(lin, "b", label="b")
    out = yield s
    expect("W", out["W"], np.zeros((c_out, c_in)), known_wrong=[
        (np.zeros((c_in, c_out)), "W is (C_out, C_in) = (out_features, in_features)")])
    expect("b", out["b"], np.zeros((c_out, 1)), known_wrong=[
        (np.zeros(c_out), "b must be a column: np.zeros((C_out, 1)), not np.zeros(C_out)"),
        (np.zeros((1, c_out)), "b is (C_out, 1), not (1, C_out)")])


@per_case
def _forward_script(case):
    """forward(A0), forward(A), then what it stored: one script for every forward test, run once per input."""
    s = Script()
    lin = student(s, case)
    s.call(lin, "forward", case.A0, label="Z0")
    s.call(lin, "forward", case.A, label="Z", keep_args=True)
    s.get(lin, "A", label="A")
    s.get(lin, "N", label="N")
    return s


@check("Linear.forward: output Z", points=6, cases=linear_cases, strategy=draw("linear_strategy"))
def forward_z(case, ref):
    out = yield _forward_script(case)
    expect("Z", out["Z"], _expected_forward(ref, case), known_wrong=[
        (case.A @ case.W.T, "Z is missing the bias term 1_N @ b.T")])


@check("Linear.forward: stores A and N", points=4, cases=linear_cases, strategy=draw("linear_strategy"),
       requires="Linear.forward: output Z")
def forward_stores(case, ref):
    out = yield _forward_script(case)
    expect("self.A", out["A"], case.A, known_wrong=[
        (case.A0, "self.A is the input of an earlier forward call: store A on every call")])
    expect("self.N", out["N"], case.A.shape[0], scalar=True, known_wrong=[
        (case.A.shape[1], "N is the batch size A.shape[0], not the number of features")])


@check("Linear.forward: does not modify A", points=2, cases=linear_cases, strategy=draw("linear_strategy"),
       requires="Linear.forward: output Z")
def forward_keeps_args(case, ref):
    out = yield _forward_script(case)
    expect("A after forward", out["Z#arg0"], case.A, EXACT)


@per_case
def _backward_script(case, repeat=False):
    """forward(A), backward(dLdZ); with `repeat`, after a first round on (A0, dLdZ0) and a stray forward(A0)."""
    s = Script()
    lin = student(s, case)
    if repeat:
        s.call(lin, "forward", case.A0, label=s.fresh())
        s.call(lin, "backward", case.dLdZ0, label=s.fresh())
        s.call(lin, "forward", case.A0, label=s.fresh())
    s.call(lin, "forward", case.A, label="Z")
    s.call(lin, "backward", case.dLdZ, label="dLdA", keep_args=True)
    s.get(lin, "dLdW", label="dLdW")
    s.get(lin, "dLdb", label="dLdb")
    return s


@expected
def _expected_forward(package, case):
    return reference(package, case).forward(case.A)


@expected
def _expected_backward(package, case):
    lin = reference(package, case)
    lin.forward(case.A)
    return lin.backward(case.dLdZ), lin.dLdW, lin.dLdb


@check("Linear.backward: dLdA", points=5, cases=linear_cases, strategy=draw("linear_strategy"),
       requires=("Linear.forward: output Z", "Linear.forward: stores A and N"))
def backward_dlda(case, ref):
    out = yield _backward_script(case)
    dLdA, _, _ = _expected_backward(ref, case)
    square = case.W.shape[0] == case.W.shape[1]  # only then is dLdZ @ W.T even computable
    expect("dLdA", out["dLdA"], dLdA, batch=case.A.shape[0],
           known_wrong=[(case.dLdZ @ case.W.T, "dLdA uses W.T: dLdA = dLdZ @ W")] if square else [])


@check("Linear.backward: dLdW", points=5, cases=linear_cases, strategy=draw("linear_strategy"),
       requires=("Linear.forward: output Z", "Linear.forward: stores A and N"))
def backward_dldw(case, ref):
    out = yield _backward_script(case)
    _, dLdW, _ = _expected_backward(ref, case)
    n = case.A.shape[0]
    expect("dLdW", out["dLdW"], dLdW, batch=n, known_wrong=[
        (dLdW.T, "dLdW equals the expected value transposed: dLdW must have W's shape (C_out, C_in)"),
        (dLdW / n, "dLdW is divided by N: the 1/N of the mean is already in dLdZ"),
    ])


@check("Linear.backward: dLdb", points=6, cases=linear_cases, strategy=draw("linear_strategy"),
       requires=("Linear.forward: output Z", "Linear.forward: stores A and N"))
def backward_dldb(case, ref):
    out = yield _backward_script(case)
    _, _, dLdb = _expected_backward(ref, case)
    n = case.A.shape[0]
    expect("dLdb", out["dLdb"], dLdb, batch=n, known_wrong=[
        (dLdb.ravel(), "dLdb has shape (C_out,): keep it a column, e.g. dLdZ.sum(axis=0, keepdims=True).T"),
        (dLdb.T, "dLdb is a row (1, C_out): it must be a column (C_out, 1) like b"),
        (dLdb / n, "dLdb is the mean over the batch: it must be the sum, dLdZ.T @ 1_N"),
        (case.dLdZ.sum(axis=1, keepdims=True), "dLdb sums dLdZ over the features (axis=1): sum over the batch, "
                                               "dLdZ.T @ 1_N, a column of shape (C_out, 1)"),
        (case.dLdZ.T, "dLdb is dLdZ.T, not summed over the batch: dLdb = dLdZ.T @ 1_N, shape (C_out, 1)"),
    ])


@check("Linear.backward: repeated calls use the latest forward input", points=3, cases=linear_cases,
       requires="Linear.backward: dLdW")
def backward_repeated(case, ref):
    out = yield _backward_script(case, repeat=True)
    dLdA, dLdW, dLdb = _expected_backward(ref, case)
    hint = ("backward must use the A stored by the most recent forward call, and replace dLdW and dLdb "
            "rather than add to them")
    for label, want in (("dLdA", dLdA), ("dLdW", dLdW), ("dLdb", dLdb)):
        expect(label, out[label], want, hint=hint)


@check("Linear.backward: does not modify dLdZ", points=2, cases=linear_cases, strategy=draw("linear_strategy"),
       requires="Linear.backward: dLdA")
def backward_keeps_args(case, ref):
    out = yield _backward_script(case)
    expect("dLdZ after backward", out["dLdA#arg0"], case.dLdZ, EXACT)


@check("Linear.backward: agrees with finite differences of forward", points=3, cases=edge_cases(linear_cases),
       strategy=draw("linear_strategy"), requires=("Linear.forward: output Z", "Linear.forward: stores A and N"))
def backward_finite_differences(case, ref):
    """Reference-free: L = sum(dLdZ * forward(A)); forward is affine, so a step of 1 is exact."""
    s = Script()
    lin = student(s, case)

    def forward(A=case.A):
        return s.call(lin, "forward", A, label=s.fresh())

    def moved(attr):  # set a moved W or b, then forward the unmoved A
        return lambda value: (s.set(lin, attr, value), forward())[1]

    by_A = slopes("A", case.A, 1.0, forward)
    by_W = slopes("W", case.W, 1.0, moved("W"))
    s.set(lin, "W", case.W)
    by_b = slopes("b", case.b, 1.0, moved("b"))
    s.set(lin, "b", case.b)
    forward()
    s.call(lin, "backward", case.dLdZ, label="dLdA")
    s.get(lin, "dLdW", label="dLdW")
    s.get(lin, "dLdb", label="dLdb")
    out = yield s

    def loss(Z):
        if Z.shape != case.dLdZ.shape:
            raise Failure(f"forward returned shape {Z.shape}, expected {case.dLdZ.shape}")
        return float(np.sum(case.dLdZ * Z))

    by_A.check("dLdA", out["dLdA"], out, loss)
    by_W.check("dLdW", out["dLdW"], out, loss)
    by_b.check("dLdb", out["dLdb"], out, loss)
