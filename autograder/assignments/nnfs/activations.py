"""Checks of `ActivationReLU` (14 points) and `ActivationSoftMax` (18 points) in `nnfs_layers.activations`,
hidden tests included.

Before backward the grader sets what forward stores (`self.inputs`, and `self.output` computed from them),
so a correct backward passes whatever forward did, and any correct way of masking (inputs > 0 or
output > 0) or of applying the Jacobian (a loop with np.diagflat, einsum, the vectorised form) passes.
"""
from __future__ import annotations

import numpy as np

from ...cases import draw, edge_cases
from ...checks.base import Skip, another_forward, broadcast, check, consistent, per_case, shared
from ...checks.gradients import matches_reference, slopes
from ...compare import EXCUSED, SHIFTED, expect
from ...expected import expected
from ...record import replace
from ...sandbox import Script
from .cases import relu_cases, relu_nonzero_cases, softmax, softmax_cases
from .common import Probed, backward_kept, judge, judge_kept_args, judge_untouched, probe_output

RELU = "nnfs_layers.activations.ActivationReLU"
SOFTMAX = "nnfs_layers.activations.ActivationSoftMax"
CLASSES = {"ActivationReLU": RELU, "ActivationSoftMax": SOFTMAX}
RELU_STRATEGY = draw("autograder.assignments.nnfs.strategies:relu_strategy")
RELU_NONZERO = draw("autograder.assignments.nnfs.strategies:relu_strategy", zeros=False)
SOFTMAX_STRATEGY = draw("autograder.assignments.nnfs.strategies:softmax_strategy")
STABLE = ("subtract each row's max before exp (inputs - np.max(inputs, axis=1, keepdims=True)): softmax is "
          "unchanged and exp cannot overflow")
STEP = 1e-2  # of the softmax's finite differences: it is smooth, and float32 rounding stays far below it


def forward_script(path: str, case):
    """forward(inputs0), forward(inputs), self.output, then another object's forward, then self.inputs."""
    s = Script(case=case)
    obj = s.new(path)
    s.call(obj, "forward", case.inputs0, label=s.fresh())
    s.call(obj, "forward", case.inputs, label="ret", keep_args=True)
    s.get(obj, "output", label="output")
    another_forward(s, s.new(path), case.inputs, "inputs")
    s.get(obj, "inputs", label="self.inputs")
    return s


def forward_then_state(s: Script, obj, inputs, output, shown: str) -> None:
    """forward(inputs), whose failure does not stop the case, then self.inputs and self.output as forward
    stores them, set by the grader whatever forward stored: backward is graded on its own."""
    s.call(obj, "forward", inputs, label=s.fresh(), soft=True)
    s.set(obj, "inputs", inputs, state=True, shown="inputs")
    s.set(obj, "output", output, state=True, reference=True, shown=shown)


def backward_script(path: str, case, output, shown: str):
    """forward(inputs) with the state set, another object's forward, backward(dvalues) with dvalues kept."""
    s = Script(case=case)
    obj = s.new(path)
    forward_then_state(s, obj, case.inputs, output, shown)
    another_forward(s, s.new(path), case.inputs, "inputs")
    backward_kept(s, obj, case.dvalues, soft=True)  # (soft: what a raising backward left, judged: helper-193)
    return s


def slopes_script(path: str, case, step: float, output, shown: str):
    """self.output at inputs with each entry moved by +-step, then backward(dvalues) with the state set."""
    s = Script(case=case)
    obj = s.new(path)
    by_inputs = slopes("inputs", case.inputs, step, lambda x: probe_output(
        s, obj, x, shown=(f"inputs with one entry moved by +-{step:g}",)))
    forward_then_state(s, obj, case.inputs, output, shown)
    s.call(obj, "backward", case.dvalues, label="ret")
    s.get(obj, "dinputs", label="dinputs")
    return s, by_inputs


def judge_slopes(out, case, by_inputs, reference_losses) -> None:
    """L = sum(dvalues * output): judged only where the student's forward matches the reference at every probe."""
    def loss(output):
        if output.shape != case.inputs.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dvalues * output).sum())

    probed = Probed(out)
    matches_reference(by_inputs.losses(probed, loss), reference_losses)
    by_inputs.check("dinputs", out["dinputs"], probed, loss)


def probe_losses(make, case, step: float) -> np.ndarray:
    """The reference's sum(dvalues * output) with each entry of inputs moved by +step, then -step."""
    losses = []
    for k in range(case.inputs.size):
        for sign in (1.0, -1.0):
            moved = case.inputs.astype(np.float64, copy=True)
            moved.flat[k] += sign * step
            layer = make()
            layer.forward(moved)
            losses.append(float((case.dvalues * layer.output).sum()))
    return np.array(losses)


def run(layer, case):
    """A reference layer's output for inputs and its dinputs for dvalues."""
    layer.forward(case.inputs)
    layer.backward(case.dvalues)
    return np.array(layer.output, dtype=np.float64), np.array(layer.dinputs, dtype=np.float64)


def stored_inputs(out, case, name: str) -> None:
    judge("self.inputs", out["self.inputs"], case.inputs, lambda: [
        (np.maximum(0, case.inputs), "your self.inputs is the output; keep the input: self.inputs = inputs"),
        (case.inputs0, "your self.inputs is the input of an earlier forward call: store it on every call"),
        (1.0 - 2.0 * case.inputs, shared("self.inputs", name, "inputs"))])


# ------------------------------------------------------------------ ActivationReLU: 14 points

RELU_DINPUTS = "ActivationReLU.backward: dinputs"
AT_ZERO = ("your dinputs is not 0 where inputs is exactly 0: the gradient passes only where inputs > 0 "
           "(self.dinputs[self.inputs <= 0] = 0, not < 0; np.heaviside(self.inputs, 0), whose second argument is "
           "the value at 0, not 1)")  # (helper-193: heaviside(inputs, 1) was told of <= alone)


@expected
def _relu(package, case):
    return run(package.ActivationReLU(), case)


@expected
def _relu_probes(package, case):
    return probe_losses(package.ActivationReLU, _away_from_zero(case), _relu_step(case))


@per_case
def _relu_forward(case):
    return forward_script(RELU, case)


@per_case
def _relu_backward(case):
    return backward_script(RELU, case, np.maximum(0, case.inputs), "max(0, inputs)")


@check("ActivationReLU.forward: output", points=3, cases=relu_cases, strategy=RELU_STRATEGY)
def relu_forward_output(case, ref):
    out = yield _relu_forward(case)
    output, _ = _relu(ref, case)
    x = case.inputs
    judge("self.output", out["output"], output, lambda: [
        (np.abs(x), "your output is |inputs|; negative inputs must become 0: np.maximum(0, inputs)"),
        (np.where(x > 0, x, 0.01 * x), "your output keeps 0.01 * inputs for negative inputs (leaky ReLU); they must "
                                       "become 0: np.maximum(0, inputs)"),
        (np.minimum(0, x), "your output keeps the negative inputs; it keeps the positive ones: np.maximum(0, inputs)")])


@check("ActivationReLU.forward: keeps self.inputs", points=1, cases=relu_cases, strategy=RELU_STRATEGY, computes=False)
def relu_forward_stores(case, ref):
    stored_inputs((yield _relu_forward(case)), case, "ActivationReLU")


@check("ActivationReLU.forward: does not modify inputs", points=1, cases=relu_cases, strategy=RELU_STRATEGY,
       behaviour=True)
def relu_forward_keeps_args(case, ref):
    judge_kept_args((yield _relu_forward(case)), "ret", [("inputs", case.inputs)], known_wrong=lambda name: [
        (np.maximum(0, case.inputs), "your forward set the negative inputs to 0 in place: compute a new array "
                                     "(np.maximum(0, inputs)) instead")])


@check(RELU_DINPUTS, points=3, cases=relu_nonzero_cases, strategy=RELU_NONZERO)
def relu_backward_dinputs(case, ref):
    out = yield _relu_backward(case)
    _, dinputs = _relu(ref, case)
    d, x = case.dvalues, case.inputs
    judge("self.dinputs", out["dinputs"], dinputs, lambda: [
        (d, "your dinputs is dvalues unmasked; zero it where the inputs were not positive: "
            "self.dinputs[self.inputs <= 0] = 0"),
        (d * (x < 0), "your mask is inverted; the gradient passes where inputs > 0"),
        (d * (d > 0), "your mask looks at dvalues; it is where the inputs forward stored were positive: "
                      "self.dinputs[self.inputs <= 0] = 0"),
        ((x > 0).astype(float), "your dinputs is the mask alone; it is dvalues where inputs > 0 (and 0 elsewhere)"),
        (d * (1 - 2 * x > 0), shared("mask", "ActivationReLU", "inputs"))])


@check("ActivationReLU.backward: 0 where inputs are exactly 0", points=2, cases=relu_cases, computes=False,
       owners={"dinputs": RELU_DINPUTS})
def relu_backward_at_zero(case, ref):
    """Only the entries where inputs are exactly 0: everywhere else is the dinputs test's business (which never
    sees an exact 0). Where that test passed, a dinputs that is no array of the inputs' shape is charged here."""
    out = yield _relu_backward(case)
    got, zero = out["dinputs"], case.inputs == 0
    _, dinputs = _relu(ref, case)
    if got is EXCUSED:
        return
    if not isinstance(got, np.ndarray) or got.shape != case.inputs.shape:
        expect("self.dinputs", got, dinputs)  # fails at its type or shape stage
    expect("self.dinputs where inputs = 0", np.where(zero, got, 0.0), np.where(zero, dinputs, 0.0),
           known_wrong=lambda: [(np.where(zero, case.dvalues, 0.0), AT_ZERO)], generic=False)


@check("ActivationReLU.backward: does not modify dvalues; dinputs is an array of its own", points=1, cases=relu_cases,
       strategy=RELU_STRATEGY, behaviour=True)
def relu_backward_keeps_args(case, ref):
    out = yield _relu_backward(case)
    judge_untouched(out, case.dvalues, known_wrong=lambda: [
        (np.where(case.inputs > 0, case.dvalues, 0.0), "your backward zeroed dvalues in place: self.dinputs = dvalues "
                                                       "makes them one array; start from dvalues.copy()")])


def _away_from_zero(case):
    """ReLU is linear away from 0: with every |input| >= 0.1 and a step of half the smallest, differences are
    exact, and float32 rounding stays far below the step."""
    x = case.inputs
    return replace(case, inputs=np.where(x < 0, -1.0, 1.0) * np.maximum(np.abs(x), 0.1))


def _relu_step(case) -> float:
    return 0.5 * float(np.min(np.abs(_away_from_zero(case).inputs)))


@check("ActivationReLU.backward: agrees with finite differences of forward", points=1,
       cases=edge_cases(relu_nonzero_cases), strategy=RELU_NONZERO, owners={"dinputs": RELU_DINPUTS})
def relu_backward_finite_differences(case, ref):
    moved = _away_from_zero(case)
    s, by_inputs = slopes_script(RELU, moved, _relu_step(case), np.maximum(0, moved.inputs), "max(0, inputs)")
    judge_slopes((yield s), moved, by_inputs, _relu_probes(ref, case))


# ------------------------------------------------------------------ ActivationSoftMax: 18 points

SM_OUTPUT, SM_DINPUTS = "ActivationSoftMax.forward: output", "ActivationSoftMax.backward: dinputs"


@expected
def _softmax(package, case):
    return run(package.ActivationSoftMax(), case)


@expected
def _softmax_probes(package, case):
    return probe_losses(package.ActivationSoftMax, case, STEP)


@per_case
def _softmax_forward(case):
    """The forward script, and forward(inputs + shift) on a fresh object."""
    s = forward_script(SOFTMAX, case)
    fresh = s.new(SOFTMAX)
    s.call(fresh, "forward", case.shifted, label=s.fresh(), soft=True, shown=("inputs + shift",))
    s.get(fresh, "output", label="shifted.output")
    return s


@per_case
def _softmax_backward(case):
    return backward_script(SOFTMAX, case, softmax(case.inputs), "softmax(inputs)")


def _output_mistakes(case) -> list:
    x = case.inputs
    e = np.exp(x - x.max(axis=1, keepdims=True))
    by_columns = np.exp(x - x.max(axis=0, keepdims=True))
    over_batch = "your softmax is taken over the batch (axis=0); take it over each row (axis=1)"
    wrong = [
        (softmax(x.T).T, over_batch),
        (e / e.sum(axis=0, keepdims=True), over_batch),  # (each row's max subtracted, then the sums over the batch)
        (e / e.sum(), "your softmax divides by the sum over the whole batch; divide each row by its own sum: "
                      "np.sum(exp_values, axis=1, keepdims=True)"),
        (by_columns / by_columns.sum(axis=1, keepdims=True),
         "you subtract the max of each column (axis=0), which differs along a row, so each row's softmax changes; "
         "subtract each row's own max: np.max(inputs, axis=1, keepdims=True)"),
        (e, "your output is exp(inputs - max), not divided by each row's sum"),
        (softmax(x.reshape(1, -1)).reshape(x.shape),  # (helper-177: no hint, 8 points)
         "your softmax is taken over the whole array (a max and a sum with no axis, as scipy.special.softmax(inputs) "
         "gives without axis=1); take it over each row: np.max and np.sum with axis=1, keepdims=True"),
    ]
    no_keepdims = broadcast(lambda: e / e.sum(axis=1))
    if no_keepdims is not None:
        wrong.append((no_keepdims, "your row sums have shape (N,) and broadcast along the rows; keep them a column: "
                                   "np.sum(exp_values, axis=1, keepdims=True)"))
    return wrong


@check(SM_OUTPUT, points=4, cases=softmax_cases, strategy=SOFTMAX_STRATEGY)
def softmax_forward_output(case, ref):
    out = yield _softmax_forward(case)
    output, _ = _softmax(ref, case)
    judge("self.output", out["output"], output, lambda: _output_mistakes(case))


@check("ActivationSoftMax.forward: finite for large inputs", points=2, cases=softmax_cases, strategy=SOFTMAX_STRATEGY,
       behaviour=True)
def softmax_forward_large(case, ref):
    """Every entry moved by the same 500 to 5000: the same softmax, so the student's own output for inputs."""
    out = yield _softmax_forward(case)
    consistent("self.output for inputs + shift", out["shifted.output"], out["output"], tol=SHIFTED,
               reference_label="your output for inputs",
               hint=f"adding the same constant to a whole row leaves softmax unchanged, so the output must stay the "
                    f"same: {STABLE}")


@check("ActivationSoftMax.forward: does not modify inputs", points=1, cases=softmax_cases, strategy=SOFTMAX_STRATEGY,
       behaviour=True)
def softmax_forward_keeps_args(case, ref):
    x = case.inputs
    judge_kept_args((yield _softmax_forward(case)), "ret", [("inputs", x)], known_wrong=lambda name: [
        (x - x.max(axis=1, keepdims=True), "your forward subtracted the row max from inputs in place (inputs -= ...); "
                                           "compute a new array: inputs - np.max(inputs, axis=1, keepdims=True)")])


def _gradient_mistakes(case):
    o, d = softmax(case.inputs), case.dvalues
    inner = np.sum(o * o, axis=1, keepdims=True)
    wrong = [
        (o * d - inner * d.sum(axis=1, keepdims=True),
         "your Jacobian subtracts o . o, one number, where it needs the outer product o o^T, a (C, C) matrix: with o "
         "a row of shape (C,), np.dot(o, o.T) is the inner product; reshape it to a column first "
         "(single_output.reshape(-1, 1)) or use np.outer(o, o)"),
        (o * d, "your Jacobian is diagflat(o) alone; it is diagflat(o) - o o^T (o a column: np.dot(o, o.T))"),
        (o * o - o * np.sum(o * o, axis=1, keepdims=True), "your dinputs applies each row's Jacobian to the row's "
                                                           "output; apply it to the row's dvalues: "
                                                           "np.dot(jacobian_matrix, single_dvalues)"),  # (helper-159)
        (o * d - o * o * d.sum(axis=1, keepdims=True),  # (helper-156: no hint)
         "your Jacobian subtracts o * o, each output squared, where it needs the outer product o o^T, a (C, C) "
         "matrix: np.dot(o, o.T) with o a column"),
        (d * o * (1 - o), "your dinputs uses only the diagonal of each row's Jacobian (o * (1 - o)); every output "
                          "moves with every input: J = diagflat(o) - o o^T, applied to the whole row of dvalues"),
        (o * (d - np.sum(d * o, axis=0)), "your sum of output * dvalues runs over the batch (axis=0); it is one number "
                                          "per row: np.sum(output * dvalues, axis=1, keepdims=True)"),
        (o * (d - np.sum(d * o)), "your Jacobian is built from the whole batch at once (diagflat of every output, "
                                  "(N*C, N*C)), which couples the samples; build one per row: for each sample's "
                                  "output o (a column), J = diagflat(o) - o o^T, and its dinputs row is J @ its "
                                  "dvalues row"),  # (helper-88: diagflat(self.output.reshape(-1, 1)) had no hint)
        (d, "your dinputs is dvalues unchanged; apply each row's Jacobian J = diagflat(o) - o o^T to it"),
        (o * (d + np.sum(d * o, axis=1, keepdims=True)), "your dinputs adds each row's sum of output * dvalues (a "
                                                         "Jacobian diagflat(o) + o o^T); it subtracts it: output * "
                                                         "(dvalues - np.sum(output * dvalues, axis=1, keepdims=True)), "
                                                         "as J = diagflat(o) - o o^T does"),  # (helper-166: no hint,
        # 10 of 18 points)
        (case.inputs * (d - np.sum(d * case.inputs, axis=1, keepdims=True)),
         "your Jacobian is built from self.inputs; it is built from the softmax output: J = diagflat(o) - o o^T with "
         "o = self.output"),
        (softmax(1 - 2 * case.inputs) * (d - np.sum(d * softmax(1 - 2 * case.inputs), axis=1, keepdims=True)),
         shared("dinputs", "ActivationSoftMax", "inputs")),
    ]
    no_keepdims = broadcast(lambda: o * (d - np.sum(d * o, axis=1)))
    if no_keepdims is not None:
        wrong.append((no_keepdims, "your row sums of output * dvalues have shape (N,) and broadcast along the rows; "
                                   "keep them a column: np.sum(output * dvalues, axis=1, keepdims=True)"))
    return wrong


@check(SM_DINPUTS, points=5, cases=softmax_cases, strategy=SOFTMAX_STRATEGY)
def softmax_backward_dinputs(case, ref):
    out = yield _softmax_backward(case)
    _, dinputs = _softmax(ref, case)
    judge("self.dinputs", out["dinputs"], dinputs, lambda: _gradient_mistakes(case))


@check("ActivationSoftMax.backward: does not modify dvalues; dinputs is an array of its own", points=1,
       cases=softmax_cases, strategy=SOFTMAX_STRATEGY, behaviour=True)
def softmax_backward_keeps_args(case, ref):
    judge_untouched((yield _softmax_backward(case)), case.dvalues)


@check("ActivationSoftMax.backward: agrees with finite differences of forward", points=2,
       cases=edge_cases(softmax_cases), strategy=SOFTMAX_STRATEGY, owners={"dinputs": SM_DINPUTS})
def softmax_backward_finite_differences(case, ref):
    s, by_inputs = slopes_script(SOFTMAX, case, STEP, softmax(case.inputs), "softmax(inputs)")
    judge_slopes((yield s), case, by_inputs, _softmax_probes(ref, case))
