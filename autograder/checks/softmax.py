"""Checks of `mytorch.nn.activation.Softmax`: 8 points.

Before backward the grader sets `self.A` (what the contract says forward stores),
so backward is graded on its own. Inputs are float64 (policy: code that builds
its output with np.zeros_like(Z) is right). "Finite for large inputs" moves the
whole batch by one constant of 500 to 5000: softmax is unchanged by any per-row
constant, so subtracting each row's max or the batch's max both pass; a softmax
without a max subtracted overflows (or gives 0/0).
"""
from __future__ import annotations

import numpy as np

from ..compare import EXACT, SHIFTED, expect, unambiguous
from ..sandbox import Script
from ..cases import draw, edge_cases, softmax_cases
from ..expected import expected
from .base import Skip, another_forward, broadcast, check, consistent, per_case, shared
from .gradients import matches_reference, slopes

SOFTMAX = "mytorch.nn.activation.Softmax"
CLASSES = {"Softmax": SOFTMAX}
OUTPUT, DLDZ = "Softmax.forward: output A", "Softmax.backward: dLdZ"
STABLE = ("subtract each row's max from Z before exp (Z - np.max(Z, axis=1, keepdims=True)): "
          "softmax is unchanged and exp cannot overflow")
STEP = 1e-2  # of the finite differences: softmax is smooth, and float32 rounding stays far below it


def softmax(Z, axis: int = 1) -> np.ndarray:
    e = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_all(Z) -> np.ndarray:
    """The softmax of every entry of Z at once, with no axis."""
    e = np.exp(Z - Z.max())
    return e / e.sum()


@per_case
def _forward_script(case):
    """forward(Z0), forward(Z), what it stored, and forward(Z + shift) on a fresh object: one script for
    every forward test, run once per input."""
    s = Script(case=case)
    layer = s.new(SOFTMAX)
    s.call(layer, "forward", case.Z0, label="A0")
    s.call(layer, "forward", case.Z, label="A", keep_args=True)
    another_forward(s, s.new(SOFTMAX), case.Z, "Z")  # (state kept on the class then shows: helper-94)
    s.get(layer, "A", label="self.A")
    s.call(s.new(SOFTMAX), "forward", case.shifted, label="shifted.A", soft=True, shown=("Z + shift",))
    return s


def forward_then_state(s: Script, layer, Z) -> None:
    """forward(Z), whose failure does not stop the case, then self.A = softmax(Z), what the contract
    says forward stores, set by the grader whatever forward stored."""
    s.call(layer, "forward", Z, label=s.fresh(), soft=True)
    s.set(layer, "A", softmax(Z), state=True, reference=True, shown="softmax(Z)")


@per_case
def _backward_script(case):
    """forward(Z), backward(dLdA): one script for every backward test, run once per input."""
    s = Script(case=case)
    layer = s.new(SOFTMAX)
    forward_then_state(s, layer, case.Z)
    another_forward(s, s.new(SOFTMAX), case.Z, "Z")
    s.call(layer, "backward", case.dLdA, label="dLdZ", keep_args=True)
    return s


@expected
def _expected_forward(package, case):
    return package.Softmax().forward(case.Z)


@expected
def _expected_backward(package, case):
    layer = package.Softmax()
    layer.forward(case.Z)
    return layer.backward(case.dLdA)


def _output_mistakes(case) -> list:
    Z = case.Z
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    by_columns = np.exp(Z - Z.max(axis=0, keepdims=True))
    wrong = [
        (softmax(Z, 0), "your softmax is taken over the batch (axis=0); take it over each row (axis=1)"),
        (e, "your forward returns exp(Z - max) before it is divided by its row sums: return the normalised "
            "softmax (what you store as self.A, if that is right)"),  # (helper-115: no hint)
        (e / e.sum(), "your softmax divides by the sum over the whole batch; divide each row by its own sum: "
                      "np.sum(e, axis=1, keepdims=True)"),
        (softmax_all(Z), "your softmax is taken over the whole array (a max and a sum with no axis, as "
                         "scipy.special.softmax(Z) gives without axis=1); take it over each row: axis=1"),
        # (helper-182: no hint, and the class's behaviour tests "not credited": 4 points for one slip)
        (by_columns / by_columns.sum(axis=1, keepdims=True),
         "you subtract the max over the batch of each class (axis=0), a constant that differs along a row, so "
         "each row's softmax changes; subtract each row's own max: np.max(Z, axis=1, keepdims=True) "
         "(see the handout's math section)"),
    ]
    no_keepdims = broadcast(lambda: e / e.sum(axis=1))  # (N,) row sums broadcast along the rows
    if no_keepdims is not None:
        wrong.append((no_keepdims, "your row sums have shape (N,) and broadcast along the rows; keep them a "
                                   "column: np.sum(e, axis=1, keepdims=True)"))
    # the row max without keepdims: (N,) broadcast along the rows, which numpy does where C is 1 (an (N, N) result)
    # or N (helper-121: "shape mismatch: got (2, 2), expected (2, 1)" and no hint on the test that showed it)
    flat = broadcast(lambda: np.exp(Z - Z.max(axis=1)))
    if flat is not None:
        words = ("you subtract np.max(Z, axis=1), of shape (N,), which broadcasts along the rows, not down them; "
                 "keep it a column: np.max(Z, axis=1, keepdims=True)")
        wrong += [(w, words) for w in (broadcast(lambda: flat / flat.sum(axis=1, keepdims=True)),
                                       broadcast(lambda: flat / flat.sum(axis=1))) if w is not None]
    return wrong


@check(OUTPUT, points=2, cases=softmax_cases, strategy=draw("softmax_strategy"))
def forward_a(case, ref):
    out = yield _forward_script(case)
    A = _expected_forward(ref, case)
    expect("A", out["A"], A, known_wrong=unambiguous(lambda: _output_mistakes(case), A))


@check("Softmax.forward: finite for large inputs", points=1, cases=softmax_cases, strategy=draw("softmax_strategy"),
       behaviour=True)
def forward_large(case, ref):
    """Every entry moved by the same 500 to 5000: the same softmax, so the student's own output for Z."""
    out = yield _forward_script(case)
    consistent("A for Z + shift", out["shifted.A"], out["A"], reference_label="your A for Z", tol=SHIFTED,
               hint=f"adding the same constant to every entry of a row leaves softmax unchanged, so A must stay "
                    f"the same: {STABLE}")


@check("Softmax.forward: stores self.A and does not modify Z", points=1, cases=softmax_cases,
       strategy=draw("softmax_strategy"), computes=False, owners={"self.A": OUTPUT})
def forward_stores(case, ref):
    out = yield _forward_script(case)
    A = _expected_forward(ref, case)
    expect("self.A", out["self.A"], A, generic=False, known_wrong=unambiguous(lambda: [
        (case.Z, "your self.A is the input Z; store the output: self.A = softmax(Z)"),
        (softmax(case.Z0), "your self.A is the output of an earlier forward call: store it on every call"),
        (softmax(1.0 - 2.0 * case.Z), shared("self.A", "Softmax", "Z")),
        *_output_mistakes(case)], A))
    Z = case.Z
    expect("Z after forward", out["A#arg0"], Z, EXACT, known_wrong=unambiguous(lambda: [
        (Z - Z.max(axis=1, keepdims=True), "your forward subtracted the row max from Z in place (Z -= ...); "
                                            "compute a new array: Z - np.max(Z, axis=1, keepdims=True)"),
        (A, "your forward overwrote Z with its output; compute a new array instead")], Z, EXACT), generic=False)


def _gradient_mistakes(case):
    A, g = softmax(case.Z), case.dLdA
    wrong = [
        (g * A * (1 - A), "your dLdZ uses only the diagonal of each row's Jacobian (dLdA * A * (1 - A)); "
                          "softmax's outputs share one denominator, so every a_j moves with every z_k: "
                          "apply J = diag(a) - a a^T, i.e. A * (dLdA - sum(A * dLdA, axis=1, keepdims=True))"),
        (g * A, "your Jacobian is diag(a) alone; it is J = diag(a) - a a^T (np.diag(a) - np.outer(a, a)), i.e. "
                "A * (dLdA - sum(A * dLdA, axis=1, keepdims=True))"),
        (A * (g - np.sum(g * A, axis=0)), "your sum of A * dLdA runs over the batch (axis=0); it is one "
                                          "number per row: np.sum(A * dLdA, axis=1, keepdims=True)"),
        (g, "your dLdZ is dLdA unchanged; multiply each row by its Jacobian J = diag(a) - a a^T"),
        (A * (g - np.sum(g, axis=1, keepdims=True)), "your row sums are of dLdA alone; they are of A * dLdA (the a a^T "
                                                     "term of J = diag(a) - a a^T): A * (dLdA - np.sum(A * dLdA, "
                                                     "axis=1, keepdims=True))"),  # (helper-91: no hint, 96)
        (A * g - np.sum(A * A, axis=1, keepdims=True) * np.sum(g, axis=1, keepdims=True),  # (helper-109: no hint)
         "your Jacobian subtracts a @ a, one number (the sum of a squared), from every entry; the term is the outer "
         "product a a^T: J = np.diag(a) - np.outer(a, a)"),
        (A[:1] * g - A[:1] * np.sum(A[:1] * g, axis=1, keepdims=True),  # (helper-155: no hint)
         "each row's Jacobian is built from the first row, self.A[0]; build row i's from its own: a = self.A[i]"),
        (A[:, :1] * np.sum(g, axis=1, keepdims=True) - A * np.sum(A * g, axis=1, keepdims=True),  # (helper-146)
         "your Jacobian's np.diag(a) is given a 2-d a (a column or a row), of which np.diag returns the diagonal, one "
         "number, not a diagonal matrix: give it the 1-d row, J = np.diag(a.ravel()) - np.outer(a, a)"),
        (softmax(1 - 2 * case.Z) * (g - np.sum(g * softmax(1 - 2 * case.Z), axis=1, keepdims=True)),
         shared("dLdZ", "Softmax", "Z")),
    ]
    no_keepdims = broadcast(lambda: A * (g - np.sum(g * A, axis=1)))
    if no_keepdims is not None:
        wrong.append((no_keepdims, "your row sums of A * dLdA have shape (N,) and broadcast along the rows; keep "
                                   "them a column: np.sum(A * dLdA, axis=1, keepdims=True)"))
    return wrong


@check(DLDZ, points=2, cases=softmax_cases, strategy=draw("softmax_strategy"))
def backward_dldz(case, ref):
    out = yield _backward_script(case)
    dLdZ = _expected_backward(ref, case)
    expect("dLdZ", out["dLdZ"], dLdZ, known_wrong=unambiguous(lambda: _gradient_mistakes(case), dLdZ))


@expected
def _expected_probes(package, case):
    """The reference's sum(dLdA * forward(Z moved)) at every probe of the finite-difference check."""
    losses = []
    for k in range(case.Z.size):
        for sign in (1.0, -1.0):
            moved = case.Z.copy()
            moved.flat[k] += sign * STEP
            losses.append(float((case.dLdA * package.Softmax().forward(moved)).sum()))
    return np.array(losses)


@check("Softmax.backward: does not modify dLdA; agrees with finite differences of forward", points=1,
       cases=edge_cases(softmax_cases), strategy=draw("softmax_strategy"), owners={"dLdZ": DLDZ}, behaviour=True)
def backward_behaviour(case, ref):
    """dLdA left as it was; then, reference-free, the slopes of the student's own forward, judged only where
    that forward matches the reference."""
    s = Script(case=case)
    layer = s.new(SOFTMAX)
    by_Z = slopes("Z", case.Z, STEP, lambda Z: s.call(layer, "forward", Z, label=s.fresh(), soft=True,
                                                      shown=(f"Z with one entry moved by +-{STEP:g}",)))
    forward_then_state(s, layer, case.Z)
    s.call(layer, "backward", case.dLdA, label="dLdZ", keep_args=True)
    out = yield s
    expect("dLdA after backward", out["dLdZ#arg0"], case.dLdA, EXACT, generic=False,
           hint="your backward changed dLdA in place; compute a new array instead")

    def loss(A):
        if A.shape != case.Z.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dLdA * A).sum())

    matches_reference(by_Z.losses(out, loss), _expected_probes(ref, case))
    by_Z.check("dLdZ", out["dLdZ"], out, loss)
