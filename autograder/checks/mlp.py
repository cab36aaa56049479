"""Checks of the MLPs (models/mlp.py beside mytorch/, or mytorch/models/mlp.py): MLP0 5 points, MLP1 6, MLP4 9.

An MLP runs on the student's own Linear and ReLU (no Linear ever goes to the worker), so each case also
chains fresh objects of those classes as the contract chains them (forward in order, backward in
reverse). The grader sets every Linear's W and b, in the layout the student's Linear gives them (the
MLP's Linear layers are found by their W: `layers` may hold the ReLUs, or `f` keep them). Value by value:
the MLP passes where it equals the reference; where it differs but equals its own layers chained, those
layers are at fault (their tests charge it) and the MLP passes, judged against them (unless the faulty
layer gives one number everywhere: it shows no wiring, and a test judging nothing else is not run); where its layers
give nothing (they raise, hang, cannot be imported) the input is left out, and a test left with nothing
to judge so keeps its points (a layer still NotImplementedError: not attempted); anywhere else its wiring
is wrong, whatever its layers compute. Backward runs on the state the MLP's forward left in its layers.
"""
from __future__ import annotations

import importlib

import numpy as np

from ..cases import draw, mlp_cases
from ..compare import EXCUSED, Failure, expect, matches
from ..expected import expected
from ..sandbox import Bad, Obj, Returned, Script
from .base import Crashed, LeftOut, NotAttempted, Unjudged, Waiting, check, per_case
from .sgd import distinct

LINEAR, RELU, MODULE = "mytorch.nn.linear.Linear", "mytorch.nn.activation.ReLU", "models.mlp|mytorch.models.mlp"
WIDTHS = {"MLP0": (2, 3), "MLP1": (2, 3, 2), "MLP4": (2, 4, 8, 8, 4, 2)}
CLASSES = {cls: f"{MODULE}.{cls}" for cls in WIDTHS}
BY_DEPTH = {len(widths) - 1: cls for cls, widths in WIDTHS.items()}


def linears(cls: str) -> list[str]:
    widths = WIDTHS[cls]
    return [f"Linear({widths[i - 1]}, {widths[i]})" for i in range(1, len(widths))]


def own_labels(cls: str) -> list[tuple[str, str]]:
    """(label, call) of the own layers' chain, in the order it runs: construction, forward, backward."""
    names, k = linears(cls), len(WIDTHS[cls]) - 1
    found = [(f"own.W{i}", f"{names[i - 1]}'s W") for i in range(1, k + 1)]
    for i in range(1, k + 1):
        found += [(f"own.Z{i}", f"Linear.forward in layer {i} ({names[i - 1]})"),
                  (f"own.A{i}", f"ReLU.forward after layer {i}")]
    for i in range(k, 0, -1):
        found += [(f"own.dLdZ{i}", f"ReLU.backward after layer {i}"),
                  (f"own.dLdA{i - 1}", f"Linear.backward in layer {i} ({names[i - 1]})"),
                  (f"own.dLdW{i}", f"dLdW of Linear in layer {i}"), (f"own.dLdb{i}", f"dLdb of Linear in layer {i}")]
    return found


@per_case
def script(cls: str, case):
    """Both built (the own layers first), then the own forward chain and the MLP's forward, the own backward
    chain and the MLP's backward: a layer that hangs in backward leaves the forward values. The MLP's
    Linear layers are bound, read (the widths) and set. One script for every test of an input."""
    s, k = Script(case=case), len(WIDTHS[cls]) - 1
    own = []
    for i, ((W, b), (c_in, c_out)) in enumerate(zip(case.layers(), zip(WIDTHS[cls], WIDTHS[cls][1:])), 1):
        own.append(s.new(LINEAR, c_in, c_out))
        s.get(own[-1], "W", label=f"own.W{i}")
        s.set(own[-1], "W", W, like=own[-1])
        s.set(own[-1], "b", b, like=own[-1])
    relus = [s.new(RELU) for _ in own]
    s.own = frozenset(o.id for o in own + relus)  # (what a failure of theirs is about: the student's layers)
    mlp = s.new(CLASSES[cls])
    bound = [Obj(o.id, "Linear") for o in s.members(mlp, "layers", k, having="W", label="count")]
    for i, layer in enumerate(bound, 1):
        s.get(layer, "W", label=f"W{i} at init")
    for layer, model, (W, b) in zip(bound, own, case.layers()):
        s.set(layer, "W", W, like=model)
        s.set(layer, "b", b, like=model)
    given = case.A0
    for i, (layer, relu) in enumerate(zip(own, relus), 1):
        s.call(layer, "forward", given, label=f"own.Z{i}", soft=True)
        s.call(relu, "forward", Returned(f"own.Z{i}", f"Z{i}"), label=f"own.A{i}", soft=True)
        given = Returned(f"own.A{i}", f"A{i}")
    s.call(mlp, "forward", case.A0, label="A")
    given = case.dLdA
    for i in range(k, 0, -1):
        s.call(relus[i - 1], "backward", given, label=f"own.dLdZ{i}", soft=True)
        s.call(own[i - 1], "backward", Returned(f"own.dLdZ{i}", f"dLdZ{i}"), label=f"own.dLdA{i - 1}", soft=True)
        s.get(own[i - 1], "dLdW", label=f"own.dLdW{i}")
        s.get(own[i - 1], "dLdb", label=f"own.dLdb{i}")
        given = Returned(f"own.dLdA{i - 1}", f"dLdA{i - 1}")
    s.call(mlp, "backward", case.dLdA, label="dLdA0")
    for i, layer in enumerate(bound, 1):
        s.get(layer, "dLdW", label=f"dLdW{i}")
        s.get(layer, "dLdb", label=f"dLdb{i}")
    return s


def _reference(package, case):
    module = importlib.import_module(package.__name__.rpartition(".")[0] + ".models.mlp")
    mlp = getattr(module, BY_DEPTH[len(case.layers())])()
    layers = [layer for layer in mlp.layers if hasattr(layer, "W")]
    for layer, (W, b) in zip(layers, case.layers()):
        layer.W, layer.b = W.copy(), b.copy()
    return mlp, layers


@expected
def expected_pass(package, case):
    """The reference MLP's output, dLdA0, then each Linear's dLdW and dLdb."""
    mlp, layers = _reference(package, case)
    A, dLdA0 = mlp.forward(case.A0.copy()), mlp.backward(case.dLdA.copy())
    return (A, dLdA0) + tuple(g for layer in layers for g in (layer.dLdW, layer.dLdb))


@expected
def intermediates(package, case):
    """The reference's value of every own-layer label past construction, in `own_labels` order."""
    found, A, zs = [], case.A0, []
    layers = [(package.Linear(W.shape[1], W.shape[0]), package.ReLU()) for W, _ in case.layers()]
    for (linear, relu), (W, b) in zip(layers, case.layers()):
        linear.W, linear.b = W.copy(), b.copy()
        zs.append(linear.forward(A))
        A = relu.forward(zs[-1])
        found += [zs[-1], A]
    grad = case.dLdA
    for linear, relu in reversed(layers):
        dLdZ = relu.backward(grad)
        grad = linear.backward(dLdZ)
        found += [dLdZ, grad, linear.dLdW, linear.dLdb]
    return tuple(found)


METHOD = {"own.W": "Linear.__init__", "own.Z": "Linear.forward", "own.A": "ReLU.forward",
          "own.dLdZ": "ReLU.backward", "own.dLdA": "Linear.backward", "own.dLdW": "Linear.backward",
          "own.dLdb": "Linear.backward"}


def _own_failure(out, label: str, call: str, got) -> tuple[str, str, bool] | None:
    """Why the own-layer value `label` is no array: (what happened, the layer method at fault, whether it is
    still NotImplementedError); None when the case stopped at an op of the MLP (then it is not the layers')."""
    method = METHOD[label.rstrip("0123456789")]
    op, error = out.script.labels[label], out.result.error
    if isinstance(got, Bad):  # an attribute read ("is") or a call's value ("returned") that is no array
        return f"your {call} {'is' if out.script.meta[op].kind == 'get' else 'returned'} {got.what}", method, False
    soft = next((e for e in out.result.soft if e.op == op), None)
    if soft is None and error is not None and error.op <= op:
        return _described(out, error, method) if out.script.object_of(error.op) in out.script.own else None
    return _described(out, soft, method) if soft else (f"your {call} did not run: it ended an earlier worker",
                                                       method, False)


def _described(out, error, method: str) -> tuple[str, str, bool]:
    """(what happened, the layer method at fault, still NotImplementedError) for an error of an own-layer op."""
    meta = out.script.meta[error.op]
    method = meta.method if meta.kind in ("new", "call") else method
    if error.module:
        return f"importing {error.module.replace('.', '/')}.py failed ({error.type})", method, False
    if error.type == "WorkerDied":
        return f"your {meta.text} did not return: it {error.msg}", method, False
    return f"your {meta.text} raised {error.type}: {error.msg}", method, error.not_attempted


def fault(out, cls: str, case, ref) -> tuple[str, np.ndarray | None]:
    """The first own-layer call that gives no value or differs from the reference: (in words, its value)."""
    want = dict(zip([label for label, _ in own_labels(cls)[len(case.layers()):]], intermediates(ref, case)))
    for label, call in own_labels(cls):
        got = out.result.values.get(label)
        if not isinstance(got, np.ndarray):
            return (_own_failure(out, label, call, got) or (f"your {call} gave no value",))[0], None
        if label in want and not matches(got, want[label]):
            return f"your {call} differs from the reference", got
    return "your layers differ from the reference", None


def _no_layers(out, cls: str, own_label: str | None = None, before: str = "") -> None:
    """When the own layers give no value for `own_label` (None: only whether they stopped the case before the
    MLP's value `before`), the MLP cannot be judged there: raise, naming the first own-layer call that gave
    none (a layer still NotImplementedError: the test is not attempted). Nothing when the MLP stopped it."""
    error, own = out.result.error, out.script.own
    if error is not None and out.script.object_of(error.op) in own and error.op < out.script.labels[before or "count"]:
        found = _described(out, error, "Linear.__init__")  # an own layer stopped the case first
    elif own_label is None:
        return
    elif isinstance(out.result.values.get(own_label), np.ndarray):
        return
    else:
        label, call = next((label, call) for label, call in own_labels(cls)
                           if not isinstance(out.result.values.get(label), np.ndarray))
        found = _own_failure(out, label, call, out.result.values.get(label))
    if found is not None:
        words, culprit, stub = found
        if stub:
            raise Waiting(f"needs {culprit}, which still raises NotImplementedError", not_attempted=True,
                          culprit=culprit)
        raise LeftOut(f"{words}, so {cls} cannot be judged there (the tests of {culprit.split('.')[0]} say why)")


def lazy(make):
    yield from make()  # hints computed only when the value fails (`expect` reads them only then)


WIRING = {"forward": "each layer's forward once, in order, on the previous layer's output",
          "backward": "each layer's backward once, in reverse order, on the gradient the layer after it returned, "
                      "returning the last one"}
OWN = ("your own Linear and ReLU, fresh objects chained as the contract chains them ({}), {}: look at how {} builds "
       "its layers (one object per layer) and calls them")


def judge(out, cls: str, case, ref, label: str, own_label: str, what: str, want, hints=()) -> str:
    """Judge the MLP's value `label` (see the module docstring); a note when it passes against its own layers."""
    own = out.result.values.get(own_label)
    method = "forward" if label == "A" else "backward"
    try:
        got = out[label]
    except Failure as failure:  # the MLP stopped: its layers' fault when they stop in that pass too
        try:
            _no_layers(out, cls, f"own.A{len(case.layers())}" if method == "forward" else "own.dLdA0", label)
        except LeftOut:
            if isinstance(failure, NotAttempted) or getattr(failure, "not_attempted", False):
                raise failure from None  # the MLP's own NotImplementedError: not attempted, never left out
            raise
        if isinstance(failure, Crashed) and failure.about_input and not failure.hint:
            raise Crashed(failure.message, OWN.format(WIRING[method], "run on this input", cls)) from None
        raise
    if got is EXCUSED or matches(got, want):
        return ""
    if isinstance(own, np.ndarray) and not matches(own, want) and matches(got, own):
        words, wrong = fault(out, cls, case, ref)
        if wrong is not None and wrong.size > 1 and np.all(wrong == wrong.flat[0]):  # a constant: no wiring shows
            raise Unjudged(f"{words}: it gives one number everywhere here, so {cls} cannot be judged against it")
        return (f"on some inputs your own layers differ from the reference ({words}: their tests charge it); there "
                f"{cls} was judged against them, chained as the contract chains them")
    _no_layers(out, cls, own_label)
    if isinstance(own, np.ndarray) and not matches(own, want):
        expect(f"{what} (compared with what your own Linear and ReLU give, chained)", got, own, generic=False,
               hint=OWN.format(WIRING[method], "give this value", cls))
    expect(what, got, want, known_wrong=hints, generic=False)
    return ""


def bound(out, cls: str, case, ref) -> None:
    """Before judging forward or backward: the MLP holds its Linear layers in `layers`, as many as it should."""
    k = len(WIDTHS[cls]) - 1
    out.read.update(out.script.labels[f"W{i} at init"] for i in range(1, k + 1))  # (shows the W and b it set)
    try:
        count = out.peek("count")
    except Failure as failure:
        error = out.result.error
        if error is not None and error.op == out.script.labels["count"]:
            raise Waiting(f"needs {cls}.__init__ to keep its layers in self.layers ({failure.message})",
                          culprit=f"{cls}.__init__") from None
        return  # reading the value says why
    if isinstance(count, np.ndarray) and int(count) != k:
        raise Waiting(f"needs {cls}.__init__ to build its {k} Linear layers: self.layers holds {int(count)}",
                      culprit=f"{cls}.__init__")


def init(cls: str, case, ref):
    out = yield script(cls, case)
    expected_pass(ref, case), intermediates(ref, case)  # (every expected value is asked for: fixtures keep them)
    layers, k = linears(cls), len(WIDTHS[cls]) - 1
    try:
        count = int(out["count"])
    except Failure:
        _no_layers(out, cls)
        raise
    hint = f"{cls}'s layers are [{', '.join(f'{name}, ReLU()' for name in layers)}]"
    if count != k:
        raise Failure(f"self.layers holds {count} Linear layers; {cls} has {k}: {', '.join(layers)}", hint)
    theirs = []
    for i, (c_in, c_out) in enumerate(zip(WIDTHS[cls], WIDTHS[cls][1:]), 1):
        W, own = out[f"W{i} at init"], out.result.values.get(f"own.W{i}")
        layout = own.shape if isinstance(own, np.ndarray) else (c_out, c_in)  # the student's Linear's layout
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            if not isinstance(own, np.ndarray) or own.ndim != 2:  # a fresh Linear of theirs holds none either
                raise LeftOut(f"your {linears(cls)[i - 1]}'s W is not a matrix, so {cls} cannot be judged there "
                              "(the tests of Linear say why)")
            raise Failure(f"the Linear layer {i} of self.layers holds no W matrix "
                          f"({W.what if isinstance(W, Bad) else f'shape {W.shape}'})")
        theirs.append((W.shape == layout, W.shape[::-1] if layout == (c_in, c_out) != (c_out, c_in) else W.shape))
    if not all(right for right, _ in theirs):
        raise Failure(f"the Linear layers of self.layers are {', '.join(f'Linear({i}, {o})' for _, (o, i) in theirs)}"
                      f"; {cls}'s are {', '.join(layers)}", hint)


def forward(cls: str, case, ref):
    out = yield script(cls, case)
    want, steps = expected_pass(ref, case), intermediates(ref, case)
    bound(out, cls, case, ref)
    k = len(WIDTHS[cls]) - 1
    hints = [(steps[2 * k - 2], f"your output is the last Linear's output Z{k}: {cls} ends with a ReLU after its "
                                f"last Linear"),
             (np.maximum(case.A0, 0), "your output is ReLU(A0): each layer takes the previous layer's output"),
             (np.zeros_like(want[0]), "your output is all zeros, as a model of fresh layers (W and b zero) gives: "
                                      "forward must use the layers of self.layers, whose W and b the grader set")]
    note = judge(out, cls, case, ref, "A", f"own.A{k}", "output", want[0], lazy(lambda: distinct(hints, want[0])))
    if note:
        out.note(note)


def _dlda_hints(cls: str, case, want, steps) -> list:
    """The gradients a backward that stops early returns: with respect to a layer's output A_i (dLdA itself for
    the last) or to its Linear's output Z_i; one hint when that layer's ReLU passes everything (they are equal)."""
    k, back, hints = len(WIDTHS[cls]) - 1, 2 * len(case.layers()), []
    fix = f"call {WIRING['backward']}"
    for j, i in enumerate(range(k, 0, -1)):
        dLdA, dLdZ = case.dLdA if i == k else steps[back + 4 * j - 3], steps[back + 4 * j]
        at = "dLdA as given" if i == k else f"the gradient with respect to A{i}, the output of layer {i}"
        if matches(dLdZ, dLdA):
            hints.append((dLdZ, f"your backward returns {at} (equal here to the one with respect to Z{i}: "
                                f"its ReLU passes everything): {fix}"))
            continue
        hints += [(dLdA, f"your backward returns {at}: {fix}"),
                  (dLdZ, f"your backward returns the gradient with respect to Z{i} (after the ReLU of layer {i}, "
                         f"before its Linear): {fix}")]
    return distinct(hints, want)


def backward(cls: str, case, ref, dlda: bool = True, params: bool = True, hints: bool = True):
    """dLdA0 (with `dlda`), then every Linear's dLdW and dLdb as backward reaches them (with `params`)."""
    out = yield script(cls, case)
    want, steps = expected_pass(ref, case), intermediates(ref, case)
    bound(out, cls, case, ref)
    notes = [judge(out, cls, case, ref, "dLdA0", "own.dLdA0", "dLdA0, the gradient with respect to A0", want[1],
                   lazy(lambda: _dlda_hints(cls, case, want[1], steps) if hints else []))] if dlda else []
    for i, name in reversed(list(enumerate(linears(cls), 1)) if params else []):
        notes += [judge(out, cls, case, ref, f"{g}{i}", f"own.{g}{i}", f"{g} of layer {i} ({name})", want[2 * i + j])
                  for j, g in enumerate(("dLdW", "dLdb"))]
    if any(notes):
        out.note(next(n for n in notes if n))


def names(cls: str) -> dict[str, str]:
    layers = linears(cls)
    return {"init": f"{cls}.__init__: its Linear layer{'s are' if len(layers) > 1 else ' is'} {', '.join(layers)}",
            "forward": f"{cls}.forward: output", "dLdA0": f"{cls}.backward: dLdA0, the gradient with respect to the "
            "input", "params": f"{cls}.backward: every Linear's dLdW and dLdb"}


def _declare(cls: str, test: str, points: float):
    def body(case, ref):
        yield from {"init": init, "forward": forward, "dLdA0": lambda *a: backward(*a, params=False),
                    "params": lambda *a: backward(*a, dlda=False)}[test](cls, case, ref)

    return check(names(cls)[test], points=points, cases=mlp_cases(WIDTHS[cls]),
                 strategy=draw("mlp_strategy", widths=WIDTHS[cls]))(body)


# (Declared in the order students read them: every body comes from the same line, so `collect` keeps this one.)
mlp0_init, mlp0_forward, mlp0_dlda, mlp0_params = (_declare("MLP0", t, p) for t, p in zip(names("MLP0"), (1, 1, 1, 1)))
mlp1_init, mlp1_forward, mlp1_dlda, mlp1_params = (_declare("MLP1", t, p) for t, p in zip(names("MLP1"), (1, 2, 1, 1)))
mlp4_init, mlp4_forward, mlp4_dlda, mlp4_params = (_declare("MLP4", t, p) for t, p in zip(names("MLP4"), (2, 2, 2, 2)))
