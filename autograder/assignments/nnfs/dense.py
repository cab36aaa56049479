"""Checks of `nnfs_layers.dense.LayerDense`: 24 points (3 of them hidden).

Each method is graded on its own: the grader sets `weights` and `biases` itself, so forward does not
depend on __init__'s random values; before backward it sets `self.inputs` (what forward stores), so a
correct backward passes whatever forward did. Results are read from the attributes nnfs keeps
(`self.output`, `self.dweights`, `self.dbiases`, `self.dinputs`); what a method returns is not graded.
"""
from __future__ import annotations

import numpy as np

from ...cases import draw, edge_cases
from ...checks.base import Crashed, Outputs, Skip, another_forward, check, per_case, rounds, shared
from ...checks.gradients import matches_reference, slopes
from ...compare import Failure, expect, matches, shape_str
from ...diagnose import with_pointer
from ...expected import expected
from ...sandbox import Bad, Script
from .cases import dense_cases
from .common import Probed, backward_kept, judge, judge_kept_args, judge_untouched, probe_output

DENSE = "nnfs_layers.dense.LayerDense"
CLASSES = {"LayerDense": DENSE}
STRATEGY = draw("autograder.assignments.nnfs.strategies:dense_strategy")
OUTPUT = "LayerDense.forward: output"
DINPUTS, DWEIGHTS, DBIASES = ("LayerDense.backward: dinputs", "LayerDense.backward: dweights",
                              "LayerDense.backward: dbiases")
BACKWARD_OWNERS = {"dinputs": DINPUTS, "dweights": DWEIGHTS, "dbiases": DBIASES}
RANDOM = ("weights start as small random values, 0.01 * np.random.randn(n_inputs, n_neurons): neurons whose "
          "weights start equal get equal gradients and stay equal")
SHAPES = ("the shapes of this input do not fit your products: dweights = inputs.T @ dvalues (n_inputs, n_neurons), "
          "dbiases = np.sum(dvalues, axis=0, keepdims=True) (1, n_neurons), dinputs = dvalues @ weights.T "
          "(N, n_inputs)")


def student(s: Script, case):
    """A student layer holding the case's weights and biases (forward does not depend on __init__)."""
    layer = s.new(DENSE, *case.weights.shape)
    s.set(layer, "weights", case.weights)
    s.set(layer, "biases", case.biases)
    return layer


def reference(package, case):
    layer = package.LayerDense(*case.weights.shape)
    layer.weights, layer.biases = case.weights.copy(), case.biases.copy()
    return layer


def forward_then_state(s: Script, layer, inputs, name: str = "inputs") -> None:
    """forward(inputs), whose failure does not stop the case, then self.inputs = inputs, what forward
    stores, set by the grader whatever forward stored: backward is graded on its own."""
    s.call(layer, "forward", inputs, label=s.fresh(), soft=True)
    s.set(layer, "inputs", inputs, state=True, shown=name)


@check("LayerDense.__init__: weights (n_inputs, n_neurons) small and random, biases zeros (1, n_neurons)", points=2,
       cases=dense_cases, computes=False)
def init(case, ref):
    n_in, n_out = case.weights.shape
    s = Script(case=case)
    layer = s.new(DENSE, n_in, n_out)
    s.get(layer, "weights", label="weights")
    s.get(layer, "biases", label="biases")
    out = yield s
    weights = out["weights"]
    if isinstance(weights, np.ndarray) and weights.shape == (n_out, n_in) != (n_in, n_out):
        raise Failure(f"weights: shape mismatch: got {weights.shape}, expected {(n_in, n_out)}", with_pointer(
            "your weights are (n_neurons, n_inputs); nnfs keeps them (n_inputs, n_neurons), so that forward is "
            "inputs @ weights"))
    if isinstance(weights, Bad) or weights.shape != (n_in, n_out):
        expect("weights", weights, np.zeros((n_in, n_out)))  # fails at its type or shape stage
    weights = weights.astype(np.float64)
    if not np.all(np.isfinite(weights)) or np.max(np.abs(weights)) > 1:
        raise Failure(f"weights: largest |entry| is {np.max(np.abs(weights)):g}; expected small values, within +-1",
                      with_pointer("weights start as small random values: scale np.random.randn by 0.01, "
                                   "0.01 * np.random.randn(n_inputs, n_neurons)"))
    if weights.size > 1 and np.all(weights == weights.flat[0]):
        raise Failure(f"weights: every entry is {weights.flat[0]:g}; expected random values", with_pointer(RANDOM))
    expect("biases", out["biases"], np.zeros((1, n_out)), hint="biases start as zeros: np.zeros((1, n_neurons))",
           known_wrong=lambda: [
               (np.zeros(n_out), "your biases have shape (n_neurons,); keep them a row: np.zeros((1, n_neurons))"),
               (np.zeros((n_out, 1)), "your biases are a column (n_neurons, 1); they are a row: "
                                      "np.zeros((1, n_neurons))"),
               (np.zeros((1, n_in)), "your biases have n_inputs entries; there is one per neuron: "
                                     "np.zeros((1, n_neurons))")])


@per_case
def _forward_script(case):
    """forward(inputs0), forward(inputs), self.output, then another layer's forward, then self.inputs: one
    script for every forward test, run once per input."""
    s = Script(case=case)
    layer = student(s, case)
    s.call(layer, "forward", case.inputs0, label="first", soft=True)  # (soft: what it stored before it raised is
    s.call(layer, "forward", case.inputs, label="ret", keep_args=True, soft=True)  # judged as stored, helper-159)
    s.get(layer, "output", label="output")
    another_forward(s, student(s, case), case.inputs, "inputs")  # before what this layer stored is read
    s.get(layer, "inputs", label="self.inputs")
    return s


@expected
def _expected_forward(package, case):
    layer = reference(package, case)
    layer.forward(case.inputs)
    return layer.output


@check(OUTPUT, points=4, cases=dense_cases, strategy=STRATEGY)
def forward_output(case, ref):
    out = yield _forward_script(case)
    out.peek("first")  # (a first call that raised is charged here, as when it stopped the script)
    W = case.weights
    square = W.shape[0] == W.shape[1]
    judge("self.output", out["output"], _expected_forward(ref, case), lambda: [
        (case.inputs @ W, "your output has no biases: output = inputs @ weights + biases"),
        (case.inputs @ (W + case.biases), "your biases are added to the weights inside np.dot; add them to its "
                                          "result: np.dot(inputs, weights) + biases"),  # (helper-156: no hint)
        *([(case.inputs @ W.T + case.biases, "your output uses weights.T; weights are (n_inputs, n_neurons), so "
                                             "output = inputs @ weights + biases")] if square else [])])


@check("LayerDense.forward: stores self.inputs", points=1, cases=dense_cases, strategy=STRATEGY, computes=False)
def forward_stores(case, ref):
    out = yield _forward_script(case)
    judge("self.inputs", out["self.inputs"], case.inputs, lambda: [
        (case.inputs0, "your self.inputs is the input of an earlier forward call: store it on every call"),
        (1.0 - 2.0 * case.inputs, shared("self.inputs", "LayerDense", "inputs"))])


@check("LayerDense.forward: does not modify inputs", points=1, cases=dense_cases, strategy=STRATEGY, behaviour=True)
def forward_keeps_args(case, ref):
    judge_kept_args((yield _forward_script(case)), "ret", [("inputs", case.inputs)])


@per_case
def _backward_script(case):
    """A layer: forward(inputs), backward(dvalues), what it stored; then another layer does a first round on
    (inputs0, dvalues0) before the same round, for the repeated-calls test. One script for every backward test."""
    s = Script(case=case)
    layer = student(s, case)
    forward_then_state(s, layer, case.inputs)
    backward_kept(s, layer, case.dvalues, soft=True)
    s.get(layer, "dweights", label="dweights")
    s.get(layer, "dbiases", label="dbiases")
    again = student(s, case)
    forward_then_state(s, again, case.inputs0, "inputs0")
    s.call(again, "backward", case.dvalues0, label="again0.ret", soft=True)  # (soft as the first round's: the
    forward_then_state(s, again, case.inputs)  # repeated-calls test judges what a backward that raises stored before)
    s.call(again, "backward", case.dvalues, label="again.ret", soft=True)
    for name in ("dinputs", "dweights", "dbiases"):
        s.get(again, name, label=f"again.{name}")
    return s


@expected
def _expected_backward(package, case):
    layer = reference(package, case)
    layer.forward(case.inputs)
    layer.backward(case.dvalues)
    return layer.dinputs, layer.dweights, layer.dbiases


def _value(out, label: str):
    """out[label]; a backward that crashed on shapes gets the shapes of every gradient as a hint."""
    try:
        return out[label]
    except Crashed as crash:
        if any(w in crash.message for w in ("aligned", "mismatch", "broadcast", "shapes")):
            raise crash.hinted(with_pointer(SHAPES)) from None
        raise


@check(DINPUTS, points=3, cases=dense_cases, strategy=STRATEGY)
def backward_dinputs(case, ref):
    out = yield _backward_script(case)
    dinputs, _, _ = _expected_backward(ref, case)
    square = case.weights.shape[0] == case.weights.shape[1]
    judge("self.dinputs", _value(out, "dinputs"), dinputs, lambda: [
        (case.dvalues @ case.weights, "your dinputs uses weights; it is dvalues @ weights.T")] if square else [],
          batch=case.inputs.shape[0])


@check(DWEIGHTS, points=3, cases=dense_cases, strategy=STRATEGY)
def backward_dweights(case, ref):
    out = yield _backward_script(case)
    _, dweights, _ = _expected_backward(ref, case)
    n = case.inputs.shape[0]
    judge("self.dweights", _value(out, "dweights"), dweights, batch=n, known=lambda: [
        (dweights.T, "your dweights is transposed: it has the shape of weights, (n_inputs, n_neurons): "
                     "dweights = inputs.T @ dvalues"),
        (dweights / n, "your dweights is divided by N; do not divide: the 1/N of the mean loss is already in dvalues"),
    ])


NO_KEEPDIMS = ("your dbiases has shape (n_neurons,), the sum without keepdims; keep it a row like biases, "
               "(1, n_neurons): np.sum(dvalues, axis=0, keepdims=True)")


@check(DBIASES, points=3, cases=dense_cases, strategy=STRATEGY)
def backward_dbiases(case, ref):
    out = yield _backward_script(case)
    _, _, dbiases = _expected_backward(ref, case)
    n = case.inputs.shape[0]
    got = _value(out, "dbiases")
    if isinstance(got, np.ndarray) and got.shape == dbiases.shape[1:]:  # said by its shape alone: a known wrong
        right = matches(got.astype(np.float64), dbiases.ravel())  # answer of one entry would pass as the value
        raise Failure(f"self.dbiases: shape mismatch: got {shape_str(got.shape)}, expected {shape_str(dbiases.shape)}",
                      with_pointer(NO_KEEPDIMS + ("" if right else "; its values are wrong too: sum dvalues over the "
                                                                   "batch (axis=0)")))
    judge("self.dbiases", got, dbiases, batch=n, known=lambda: [
        (dbiases.T, "your dbiases is a column (n_neurons, 1); it is a row like biases, (1, n_neurons)"),
        (dbiases / n, "your dbiases is the mean over the batch; it is the sum: np.sum(dvalues, axis=0, keepdims=True)"),
        (case.dvalues.sum(axis=1, keepdims=True), "your dbiases sums dvalues over the neurons (axis=1); sum it over "
                                                  "the batch (axis=0): np.sum(dvalues, axis=0, keepdims=True)"),
        (case.dvalues, "your dbiases is dvalues, not summed; sum it over the batch: "
                       "np.sum(dvalues, axis=0, keepdims=True)"),
    ])


@check("LayerDense.backward: does not modify dvalues; dinputs is an array of its own", points=1, cases=dense_cases,
       strategy=STRATEGY, behaviour=True)
def backward_keeps_args(case, ref):
    judge_untouched((yield _backward_script(case)), case.dvalues)


@check("LayerDense.backward: a second forward and backward give what a fresh layer gives", points=1,
       cases=dense_cases, behaviour=True)
def backward_repeated(case, ref):
    """Against the student's own first round: only what changes between calls is graded here. A backward that raises
    in both rounds the same way (its value tests charge that) is judged on what it stored before raising."""
    out = yield _backward_script(case)
    hint = ("each backward must replace self.dweights, self.dbiases and self.dinputs (not add to them) and use "
            "only the inputs of the latest forward")
    rounds(out, "ret", ("again0.ret", "again.ret"), [
        (f"{label} of the second round", f"again.{label}", label, f"{label} of a fresh layer on the same input")
        for label in ("dinputs", "dweights", "dbiases")], hint, own=Outputs.peek)


@expected
def _expected_probes(package, case):
    """The reference's L = sum(dvalues * output) at every probe of `backward_finite_differences`."""
    losses = []
    for name in ("inputs", "weights", "biases"):
        base = getattr(case, name)
        for k in range(base.size):
            for sign in (1.0, -1.0):
                moved = base.astype(np.float64, copy=True)
                moved.flat[k] += sign
                layer = reference(package, case)
                if name == "inputs":
                    layer.forward(moved)
                else:
                    setattr(layer, name, moved)
                    layer.forward(case.inputs)
                losses.append(float((case.dvalues * layer.output).sum()))
    return np.array(losses)


@check("LayerDense.backward: agrees with finite differences of forward", points=2, cases=edge_cases(dense_cases),
       strategy=STRATEGY, owners=BACKWARD_OWNERS)
def backward_finite_differences(case, ref):
    """Reference-free: L = sum(dvalues * output); forward is affine, so a step of 1 is exact. Judged only where
    the student's forward matches the reference: elsewhere its slopes say nothing of backward."""
    s = Script(case=case)
    layer = student(s, case)

    def moved(attr):  # set a moved weights or biases, then forward the unmoved inputs
        def probe(value):
            s.set(layer, attr, value, shown=f"{attr} with one entry moved by +-1")
            return probe_output(s, layer, case.inputs, shown=("inputs",))
        return probe

    by_inputs = slopes("inputs", case.inputs, 1.0, lambda x: probe_output(
        s, layer, x, shown=("inputs with one entry moved by +-1",)))
    by_weights = slopes("weights", case.weights, 1.0, moved("weights"))
    s.set(layer, "weights", case.weights)
    by_biases = slopes("biases", case.biases, 1.0, moved("biases"))
    s.set(layer, "biases", case.biases)
    forward_then_state(s, layer, case.inputs)
    s.call(layer, "backward", case.dvalues, label="ret")
    for name in ("dinputs", "dweights", "dbiases"):
        s.get(layer, name, label=name)
    out = yield s

    def loss(output):
        if output.shape != case.dvalues.shape:
            raise Skip("forward's output has the wrong shape there, so its slopes say nothing about backward")
        return float((case.dvalues * output).sum())

    probes, probed = [by_inputs, by_weights, by_biases], Probed(out)
    matches_reference(np.concatenate([p.losses(probed, loss) for p in probes]), _expected_probes(ref, case))
    for label, by in (("dinputs", by_inputs), ("dweights", by_weights), ("dbiases", by_biases)):
        by.check(label, out[label], probed, loss)
