"""Checks of the MLPs (models/mlp.py beside mytorch/, or mytorch/models/mlp.py): MLP0 5 points, MLP1 6, MLP4 9.

An MLP's own code is its wiring: which layers it builds, and how forward and backward call them. So
`__init__` is judged on the widths of the Linear layers it builds (their W's shapes), and forward and
backward on stand-in layers the grader controls: once the MLP is built, every Linear layer in its
`layers` (what has a W) gets, on the object itself, a forward A @ P_i and a backward G @ Q_i (fixed maps
made from the input, not the Linear math), and every activation (the rest of `layers`, or `f`) a forward
Z * s_j and a backward G * t_j. The MLP's output, the gradient it returns and the gradient each Linear
stand-in received are then compared with the same stand-ins composed here, as the contract composes the
layers. No Linear or ReLU of the student's computes anything there: their mistakes cost no MLP points and
hide nothing. An MLP that does the math inline instead of calling its layers fails, as the contract has
it call them.

Stand-ins can be told apart from real layers (their class's place in the MRO, their methods' code), and a
model can change itself as it runs (backward reversing self.layers in place). So each input of a small batch
(`OWN_BATCH`) also runs a second model of the class on its own layers, as a student's code will (`own`): each
Linear gets the case's W and b, then forward(1 - A0), forward(A0), backward(dLdA) (each Linear's dLdW and dLdb
read), and forward(-A0), backward(-dLdA) (every call written its own way: one that hangs is not taken for
another). Those values are judged against the reference's Linear and ReLU chained as the contract chains them.
Where one is wrong, fresh Linear and ReLU objects of the student's, chained by the grader through the same
calls (`chained`, made only when the run without them was not a clean pass: `Script.diagnosing`), say whose
mistake it is: where they give the reference's values, the model's; where they do not (or raise, or hang), the
layers', whose tests charge it, and the model's only if every test of Linear and ReLU passes (`Unless`: code
that breaks the grader's own layers only while an MLP is graded wins nothing), and never where the model gave what
the chain gave (`_as_chained`). The stand-in model runs a second round on those inputs too (`AGAIN_FIRST`): a
model that changes itself shows there, whatever its layers compute.
"""
from __future__ import annotations

import numpy as np

from ..cases import draw, mlp_cases
from ..compare import EXCUSED, Failure, expect, matches, mistakes
from ..expected import NoFixture, expected
from ..sandbox import Bad, Obj, Script
from .base import Crashed, Unless, Waiting, check, per_case
from .sgd import distinct

LINEAR, RELU, MODULE = "mytorch.nn.linear.Linear", "mytorch.nn.activation.ReLU", "models.mlp|mytorch.models.mlp"
WIDTHS = {"MLP0": (2, 3), "MLP1": (2, 3, 2), "MLP4": (2, 4, 8, 8, 4, 2)}
CLASSES = {cls: f"{MODULE}.{cls}" for cls in WIDTHS}


def linears(cls: str) -> list[str]:
    widths = WIDTHS[cls]
    return [f"Linear({widths[i - 1]}, {widths[i]})" for i in range(1, len(widths))]


@per_case
def stand_ins(case) -> tuple[list, list]:
    """[(P_i, Q_i)] of each Linear layer ((C_in, C_out) and (C_out, C_in): whole numbers from the case's W_i,
    Q_i never equal to P_i.T) and [(s_j, t_j)] of each activation (s_j != t_j, neither 1)."""
    maps = [(W.T.copy(), (W + 3) % 5 - 2) for W, _ in case.layers()]
    return maps, [(float(j + 2), -float(j + 2)) for j in range(len(maps))]


@per_case
def composed(case, bare: bool = False) -> dict:
    """The stand-ins composed as the contract composes the layers: each Linear's input ("A0", "A1", ...), the
    output, each Linear's incoming gradient ("dLdZ1", ...), the returned gradient, and the gradients after
    each activation's and each Linear's backward (for hints). `bare`: as a model built without its last ReLU
    composes them (`last_bare`: __init__'s mistake, which its test charges), the last Linear's output as it is."""
    maps, scalars = stand_ins(case)
    if bare:
        scalars = [*scalars[:-1], (1.0, 1.0)]
    found, A = {}, case.A0
    for i, ((P, _), (s, _)) in enumerate(zip(maps, scalars), 1):
        found[f"A{i - 1}"], found[f"Z{i}"] = A, A @ P
        A = found[f"Z{i}"] * s
    found["A"], G = A, case.dLdA
    for i in range(len(maps), 0, -1):
        G = found[f"dLdZ{i}"] = G * scalars[i - 1][1]
        G = found[f"dLdA{i - 1}"] = G @ maps[i - 1][1]
    return found


@per_case
def script(cls: str, case):
    """The layers' modules imported; fresh Linears of the widths, for the layout the student's Linear gives W (soft,
    before the model's module runs: a models/mlp.py that changed Linear in the worker forged that layout, helper-105);
    the MLP built; its Linear layers bound and their W read (the widths); the stand-ins put in; forward, with
    what each Linear received; backward, with what each Linear received; on a small batch, a second round, then a
    second model on its own layers.
    One script for every test of an input."""
    s, k = Script(case=case), len(WIDTHS[cls]) - 1
    for module in (LINEAR, RELU):  # their packages first, as the other classes' tests load them: a package
        s.load(module.rpartition(".")[0])  # __init__ that fails (or ends the worker) is then kept out of it
    for i, (c_in, c_out) in enumerate(zip(WIDTHS[cls], WIDTHS[cls][1:]), 1):  # (before the model's module runs: it
        s.get(s.new(LINEAR, c_in, c_out, soft=True), "W", label=f"layout{i}")  # cannot change what Linear gives then)
    mlp = s.new(CLASSES[cls])
    bound = [Obj(o.id, f"Linear layer {i}") for i, o in
             enumerate(s.members(mlp, "layers", k, having="W", label="count"), 1)]
    for i, layer in enumerate(bound, 1):
        s.get(layer, "W", label=f"W{i} at init")
    maps, scalars = stand_ins(case)
    s.probe(mlp, maps, scalars, label="probed", activation=RELU)
    s.call(mlp, "forward", case.A0, label="A", soft=True)
    for i, layer in enumerate(bound, 1):
        s.get(layer, "probe_A", label=f"A{i - 1} given")
    small = case.A0.shape[0] <= OWN_BATCH
    negated = -case.A0
    if small:  # (the second round: see AGAIN_FIRST)
        s.call(mlp, "forward", negated, label=AGAIN_FIRST, soft=True, shown=("-A0",))
    s.call(mlp, "backward", case.dLdA, label="dLdA0", soft=True)
    for i, layer in enumerate(bound, 1):
        s.get(layer, "probe_dLdZ", label=f"dLdZ{i} given")
    if small:
        s.call(mlp, "forward", negated, label=AGAIN_AFTER, soft=True, shown=("-A0",))
        s.call(mlp, "backward", -case.dLdA, label=AGAIN_DLDA, soft=True, shown=("-dLdA",))
    if small:
        own(s, cls, case)
        chained(s, case)
    return s


AFTER = "A of -A0, after backward"  # (forward's value after a backward: backward's to charge, `_again`)
# The calls a model on its own layers makes, in order: (label, method, argument, as shown). Backward's dLdW and dLdb
# are read after the first backward.
STEPS = (("A of 1 - A0", "forward", "1 - A0"), ("A", "forward", "A0"), ("dLdA0", "backward", "dLdA"),
         (AFTER, "forward", "-A0"), ("dLdA0 of -A0", "backward", "-dLdA"))
OWN_BATCH = 3  # the batches up to which an input also runs the model on its own layers (N = 1, 1, 2, 3 and a few more
# of the seeded ones, and of the drawn ones, of at most 5: how the model calls its layers does not depend on N)
OWN = "own "  # the labels of what the model on its own layers gave; "chained ": the grader's chain of its layers


def _argument(case, shown: str):
    return {"A0": case.A0, "1 - A0": 1.0 - case.A0, "dLdA": case.dLdA, "-A0": -case.A0, "-dLdA": -case.dLdA}[shown]


def own(s: Script, cls: str, case) -> None:
    """The model on its own layers (see the module's docstring), right after its run on the stand-ins (a class that
    breaks the grader's own Linear objects, made later, cannot stop it). Its ops, and the chain's, are kept apart
    (`Script.apart`): where one ends a worker (a layer that hangs), the stand-ins' calls of the same method are still
    made on the next inputs, and neither run is made again."""
    params, start = case.layers(), len(s.ops)
    net = s.new(CLASSES[cls])
    s.meta[-1] = s.meta[-1]._replace(text=f"{cls}() (a second model, run on its own layers)")  # (in "calls:")
    layers = s.members(net, "layers", len(params), having="W", label=OWN + "count", name=f"{cls}'s Linear")
    for layer, (W, b) in zip(layers, params):
        s.set(layer, "W", W, state=True)
        s.set(layer, "b", b, state=True)
    for label, method, shown in STEPS:
        s.call(net, method, _argument(case, shown), label=OWN + label, soft=True, shown=(shown,))
        if method == "backward" and label == "dLdA0":
            for i, layer in enumerate(layers, 1):
                s.get(layer, "dLdW", label=f"{OWN}dLdW{i}")
                s.get(layer, "dLdb", label=f"{OWN}dLdb{i}")
    s.apart.update(range(start, len(s.ops)))


def chained(s: Script, case) -> None:
    """For diagnosis, last: fresh Linear and ReLU objects of the student's, chained by the grader through the calls
    the model on its own layers made (where one raises or hangs, the case ends there: the chain's later values are
    missing, and what the model gave is judged as where they are wrong)."""
    start = len(s.ops)
    with s.diagnosing():
        chain = []
        for W, b in case.layers():
            layer = s.new(LINEAR, W.shape[1], W.shape[0])
            s.set(layer, "W", W)
            s.set(layer, "b", b)
            chain += [layer, s.new(RELU)]
        s.get(chain[0], "W", label="chained W1")  # (a read never ends the case: where it came back, the chain ran)
        for label, method, shown in STEPS:
            value = _argument(case, shown)
            for j, layer in enumerate(chain if method == "forward" else chain[::-1]):
                if j == len(chain) - 1:
                    s.call(layer, method, value, label="chained " + label, soft=True)
                else:
                    value = s.returned(layer, method, value, name=f"{layer.name}.{method}(...)", soft=True)
            if method == "backward" and label == "dLdA0":
                for i, layer in enumerate(chain[::2], 1):
                    s.get(layer, "dLdW", label=f"chained dLdW{i}")
                    s.get(layer, "dLdb", label=f"chained dLdb{i}")
    s.apart.update(range(start, len(s.ops)))


@expected
def _expected_own(package, case) -> tuple:
    """The reference's Linear (with the case's W and b) and ReLU chained as the contract chains them, through
    STEPS: each step's value, then each Linear's dLdW and dLdb after the first backward."""
    return _own_chain(package, case, bare=False)


@expected
def _expected_own_bare(package, case) -> tuple:
    """`_expected_own` of a model built without its last ReLU (`last_bare`). (Official mode: a handout records the
    values its reference's grading asks for, which never asks for these; its local run leaves that model's own
    layers unjudged, as an input it has no fixture for.)"""
    return _own_chain(package, case, bare=True)


def _own_chain(package, case, bare: bool) -> tuple:
    chain = []
    for W, b in case.layers():
        layer = package.Linear(W.shape[1], W.shape[0])
        layer.W, layer.b = W.copy(), b.copy()
        chain += [layer, package.ReLU()]
    if bare:
        chain.pop()
    found, grads = [], []
    for label, method, shown in STEPS:
        value = _argument(case, shown)
        for layer in chain if method == "forward" else chain[::-1]:
            value = getattr(layer, method)(value)
        found.append(np.array(value, dtype=np.float64))
        if label == "dLdA0":
            grads = [np.array(g, dtype=np.float64) for layer in chain[::2] for g in (layer.dLdW, layer.dLdb)]
    return (*found, *grads)


def _own_want(ref, case, bare: bool = False) -> dict | None:
    """What the model on its own layers should give, by label (`bare`: built without its last ReLU); None where local
    mode has no fixture for it."""
    try:
        values = (_expected_own_bare if bare else _expected_own)(ref, case)
    except NoFixture:
        return None
    names = [label for label, _, _ in STEPS]
    names += [f"{what}{i}" for i in range(1, len(case.layers()) + 1) for what in ("dLdW", "dLdb")]
    return dict(zip(names, values))


def _layers_right(out, want: dict, labels) -> bool | None:
    """Whether the student's own Linear and ReLU, chained by the grader, give the reference's `labels`; None in a run
    without that chain (the lean run: a value of the model's then wrong fails, and the class runs again in full)."""
    values = out.result.values
    if "chained W1" not in values and not (out.result.error and out.result.error.op > out.script.labels[OWN + "count"]):
        return None
    return _matching(values, "chained ", labels, want)


def _matching(values: dict, prefix: str, labels, want: dict) -> bool:
    """Whether the value under `prefix + label` came back for every label of `labels`, as `want[label]`."""
    return all(matches(values.get(prefix + label), want[label]) for label in labels)


def _as_chained(out, labels) -> bool:
    """Whether the model on its own layers gave what the grader's chain of fresh layers of the student's gave, for
    every value of `labels` (a layer that goes wrong only on its third call, which its own tests never make, goes wrong
    the same way in both: the model's wiring is not at fault)."""
    values = out.result.values
    return _matching(values, OWN, labels, {label: values.get("chained " + label) for label in labels})


OWN_HOW = ("your model gives the right values on the grader's stand-in layers but not on its own Linear and ReLU "
           "(which give the right values here when the grader chains them itself, as the contract does): forward "
           "must only call each layer's forward, in order, on the previous layer's output, and backward each "
           "layer's backward, in reverse order, whatever the layers are, and leave the model as it was")
AGAIN = ("backward must leave the model as it was: self.layers.reverse() (or reassigning self.layers) in backward "
         "reverses the model for every later call; loop over reversed(self.layers), a reversed view, instead")


def _judge_own(out, case, ref, labels, what, before=(), bare: bool = False) -> None:
    """The model on its own layers: `labels` (of STEPS, dLdW1, ...) against the reference, where the model's own values
    `before` (another test's to judge: forward's, for backward's tests) are right; `what(label)`: how a value is named
    in a failure. A wrong one is the model's where the grader's chain of its layers gives the reference's values; where
    that chain does not vouch for them, it is the layers' (passed here) unless every test of theirs passes (`Unless`),
    and never where the model gave what the chain gave."""
    if OWN + "A" not in out.script.labels:  # (an input of a larger batch: see OWN_BATCH)
        return
    error = out.result.error
    built = out.script.labels[OWN + "count"] - 1  # (the op that builds the second model)
    if error is not None and (error.op < built or error.op == built and (error.earlier or error.type == "WorkerDied")):
        return  # (the case ended before the second model was built, or as a run that ended a worker was not made again;
        # where building it raised, that is what its values are missing for: judged)
    want = _own_want(ref, case, bare)
    values = out.result.values
    if want is None or not _matching(values, OWN, before, want):
        return
    try:
        for label in labels:
            if label == AFTER:
                _again(out, OWN + AFTER, want[AFTER])
                continue
            try:
                got = _read(out, OWN + label)
            except Crashed as failure:  # (on its own layers, which the grader's chain shows right here)
                raise (failure if failure.hint else failure.hinted(OWN_HOW)) from None
            if got is not EXCUSED and not (isinstance(got, np.ndarray) and matches(got, want[label])):
                expect(what(label), got, want[label], generic=False, hint=OWN_HOW)
    except Failure as failure:
        if bare:  # (the grader's chain of the student's layers has every ReLU, and vouches for nothing here: its last
            # ReLU zeroes what a wrong Linear gives on small batches, helper-227's Linear dividing dLdb by N cost the
            # model 3 points: the model is charged where every test of Linear and ReLU passes)
            raise Unless(failure, ("Linear", "ReLU")) from None
        if _layers_right(out, want, (*before, *labels)) is not False:
            raise
        if _as_chained(out, (*before, *labels)):  # (the model gives what its layers give chained: their mistake)
            return
        raise Unless(Failure(f"{failure.message} (your Linear and ReLU pass every test of theirs, but here the grader's "
                             "own chain of them did not give these values: it gave others, raised or never ran, as where "
                             "code changes them while an MLP is graded)", failure.hint), ("Linear", "ReLU")) from None


def _again(out, label: str, want) -> None:
    """What forward (`label`) gave after a forward and a backward on the same model is `want` (judged where its forward
    gave the right output before backward ran: what changed is backward's)."""
    if label in out.excused:
        return
    op = out.script.labels[label]
    error = next((e for e in out.result.soft if e.op == op), None) or (
        out.result.error if out.result.error is not None and out.result.error.op == op else None)
    text = out.script.meta[op].text
    if error is not None:  # (forward's crash, but after backward, which changed the model: this test's to charge, so
        out.compared.add(label)  # the call is shown, not read: a read of another method's crash waits for it)
        out.reached = max(out.reached, op)
        raise Failure(f"after forward and backward, {text} on the same model "
                      f"{'raised ' + error.type + ': ' + error.msg if error.type != 'WorkerDied' else error.msg}"
                      f"{f' (at {error.where})' if error.where else ''}; "
                      "its forward gave the right output before backward ran", AGAIN)
    got = out[label]
    if got is not EXCUSED and not (isinstance(got, np.ndarray) and matches(got, want)):
        expect(f"after forward and backward, {text} on the same model (its forward gave the right output before)",
               got, want, generic=False, hint=AGAIN)


# The stand-in model's second round, on inputs of a small batch: forward(-A0) before its backward, then after it,
# and backward(-dLdA). The stand-ins are linear maps, so the contract's wiring gives -A and -dLdA0: a model that
# changes itself as it runs (self.layers reversed, popped or appended to; an output kept from the first call) shows
# there whatever its own layers compute.
AGAIN_FIRST, AGAIN_AFTER, AGAIN_DLDA = "again: A of -A0", "again: A of -A0, after backward", "again: dLdA0 of -dLdA"


def _again_on_stand_ins(out, want) -> None:
    """Backward's part of the stand-in model's second round: where its forward(-A0) gave -A before backward ran, it
    gives -A after, and backward(-dLdA) gives -dLdA0."""
    if AGAIN_FIRST not in out.script.labels:
        return
    first = out.result.values.get(AGAIN_FIRST)
    if not (isinstance(first, np.ndarray) and matches(first, -want["A"])):
        return  # (forward's to judge)
    _again(out, AGAIN_AFTER, -want["A"])
    got = _read(out, AGAIN_DLDA)
    if got is not EXCUSED and not (isinstance(got, np.ndarray) and matches(got, -want["dLdA0"])):
        expect("after a first round, a second backward(-dLdA) on the same model: dLdA0", got, -want["dLdA0"],
               generic=False, hint=HOW)


# (helper-224: "got -2, expected -4" for the output of a model ending in a ReLU read as the grader's mistake: the values
# are those of the stand-ins, whose activations scale, and the hint a known mistake names says nothing of them)
STANDS = (" on the grader's stand-in layers (each Linear A @ P_i, each activation Z * s_j: their numbers, not your "
          "Linear's and ReLU's)")
HOW = ("the grader gave your model's layers stand-ins (Linear layer i: A @ P_i forward, G @ Q_i backward; "
       "activation j: Z * s_j forward, G * t_j backward) and compares what your model makes of them with the "
       "contract's wiring: forward calls each layer's forward once, in order, on the previous layer's output; "
       "backward each layer's backward once, in reverse order, on the gradient the layer after it returned, "
       "and returns the last one")


def _count(out, label: str = "count") -> int:
    count = out.peek(label)
    if not isinstance(count, np.ndarray) or count.size != 1 or not np.isfinite(count.flat[0]) \
            or count.flat[0] != int(count.flat[0]):  # (what comes back is the worker's claim: a NaN, say)
        raise Failure(f"self.layers could not be counted: the count came back as "
                      f"{count.what if isinstance(count, Bad) else f'{count.flat[0] if count.size == 1 else count.shape}'}")
    return int(count.flat[0])


def bound(out, cls: str) -> bool:
    """Before judging forward or backward: the MLP holds its Linear layers in `layers`, as many as it should. Returns
    `last_bare(out)`: whether it holds every ReLU but the last, and is judged as those layers compose."""
    k = len(WIDTHS[cls]) - 1
    out.read.update(out.script.labels[f"W{i} at init"] for i in range(1, k + 1))
    try:
        count = _count(out)
    except Failure as failure:
        error = out.result.error
        if error is not None and error.op == out.script.labels["count"]:
            raise Waiting(f"needs {cls}.__init__ to keep its layers in self.layers ({failure.message})",
                          culprit=f"{cls}.__init__") from None
        raise
    if count != k:
        raise Waiting(f"needs {cls}.__init__ to build its {k} Linear layers: self.layers holds {count}",
                      culprit=f"{cls}.__init__")
    found = out.peek("probed")
    if isinstance(found, np.ndarray) and found.shape != (PROBED,):
        raise Failure(f"the grader's count of the layers came back as an array of shape {found.shape}")
    activations, bare = _activations(found), last_bare(out)
    if activations is not None and activations != k and not bare:  # (as for another number of Linear layers; but
        # see `last_bare`)
        raise Waiting(f"needs {cls}.__init__ to put a ReLU() after each of its {k} Linear layers: self.layers holds "
                      f"{activations} activation{'s' * (activations != 1)}", culprit=f"{cls}.__init__")
    if _out_of_order(out):  # (helper-165: [ReLU(), Linear(2, 3)] passed __init__, and forward and backward were told
        # their wiring was wrong: what the model computes is another network, __init__'s mistake, as another count is)
        raise Waiting(f"needs {cls}.__init__ to put each ReLU() after its Linear layer: self.layers is out of order",
                      culprit=f"{cls}.__init__")
    return bare


PROBED = 8  # the counts the worker's probe brings back (sandbox.worker._probe_layers)


def last_bare(out) -> bool:
    """Whether the model holds its layers in self.layers in the contract's order, each Linear followed by its ReLU
    but the last, which has none: __init__'s mistake, which its test charges, once. Forward and backward are then
    judged on the stand-ins composed as its layers compose, and on its own layers against the reference's chain
    without the last ReLU (__init__'s failure then owns nothing, `init`: helper-226's model that detects the stand-ins
    and returns zeros on real layers had won 7): their code may be right, and had lost every point of theirs, 7 of
    MLP4's 9 (helper-224; helper-109).
    Any other count of activations waits for __init__: the model is another network, whose layers cannot be told
    apart (activations kept in self.f, which a forward pairs with the Linear layers, zip() leaving the last out; and
    MLP0 without its one ReLU, where no activation shows which of the two its layers are).
    The count is the worker's word: a model that hides its last ReLU from the grader's probe, and whose forward and
    backward skip it, is graded as the model it shows, which a student could as well have written (helper-112)."""
    probed = out.result.values.get("probed")
    if not (isinstance(probed, np.ndarray) and probed.shape == (PROBED,) and np.isfinite(probed).all()):
        return False
    linears, activations, _, _, _, _, order, in_layers = (int(x) for x in probed)
    k = len(out.script.case.layers())
    return linears == k and activations == k - 1 and in_layers == activations >= 1 and order == 0


def _out_of_order(out) -> bool:
    """Whether the grader's probe found an activation before its Linear in the model's layers."""
    probed = out.result.values.get("probed")
    return isinstance(probed, np.ndarray) and probed.shape == (PROBED,) and 1 <= probed[6] < np.inf


def _activations(probed) -> int | None:
    """The activations the grader's probe counted in the model's layers (a whole number), else None."""
    if isinstance(probed, np.ndarray) and probed.shape == (PROBED,) and np.isfinite(probed[1]) and probed[1] == int(probed[1]):
        return int(probed[1])
    return None


def init(cls: str, case, ref):
    out = yield script(cls, case)
    layers, k = linears(cls), len(WIDTHS[cls]) - 1
    count = _count(out)
    hint = f"{cls}'s layers are [{', '.join(f'{name}, ReLU()' for name in layers)}]"
    if count != k:
        grows = (f"; where a fresh {cls}() holds the right layers, a list shared by every {cls} (a default argument "
                 "such as layers=[], a class attribute or a module-level list) grows with each model built: make a "
                 "new list in __init__") if count > k and count % k == 0 else ""
        raise Failure(f"self.layers holds {count} Linear layers; {cls} has {k}: {', '.join(layers)}", hint + grows)
    probed = out.peek("probed")
    _, _, repeated, foreign, classes, shared, order, _ = (probed if isinstance(probed, np.ndarray)
                                                          and probed.shape == (PROBED,) else (0,) * PROBED)
    if 1 <= shared < np.inf:  # (before the others, which a shared object meets too: it got an earlier model's stand-ins)
        raise Failure(f"self.layers holds layer objects that another {cls}() built before holds too: every {cls} shares them (a "
                      "list made once, in the class body or the module, or a default argument such as layers=[])",
                      f"build the layers in __init__, so that each model gets its own ({hint})")
    if 1 <= classes < np.inf:  # (before the two below, which it would also meet: one object at each place, not a ReLU)
        raise Failure(f"activation {int(classes)} of {cls} (counting from 1, after the Linear layers it follows) is a "
                      "class itself, not a layer object: ReLU without its parentheses",
                      f"append ReLU(), an object made from the class, not the class ReLU ({hint})")
    activations = _activations(probed)
    bare = None
    if activations is not None and activations != k:
        # (every ReLU but the last: forward and backward are judged as those layers compose, on the stand-ins and
        # on the model's own layers, so this failure owns nothing, `runner._excuse`; any other mistake of __init__
        # below is raised instead, and owns what it owns)
        bare = Failure(f"self.layers holds {activations} activation{'s' * (activations != 1)}; {cls} has a ReLU() "
                       f"after each of its {k} Linear layers", hint, keeps_owned=last_bare(out))
        if not bare.keeps_owned:
            raise bare
    if 1 <= order < np.inf:  # (helper-165: [ReLU(), Linear(2, 3)] passed __init__, and forward was told its wiring
        # was wrong on its own layers; forward and backward wait for this test, `bound`)
        what = "an activation where a Linear layer goes" if order % 2 else "a Linear layer where its activation goes"
        raise Failure(f"self.layers is out of order: item {int(order)} (counting from 1) is {what}; each Linear layer "
                      "is followed by its ReLU()", hint)
    if repeated > 0:
        raise Failure("self.layers holds one layer object at several places: each place needs a layer of its own, "
                      "or backward runs on what the object's last forward stored",
                      "create a new ReLU() (or Linear) for each place, e.g. inside the loop that builds the layers")
    if 1 <= foreign < np.inf:  # (what comes back is the worker's claim: an inf has no number to name)
        raise Failure(f"activation {int(foreign)} of {cls} (counting from 1, after the Linear layers it follows) is "
                      f"not a ReLU from mytorch/nn/activation.py: a class of your own, or another activation",
                      f"{hint}, with ReLU imported from mytorch.nn.activation and used as it is (the MLP tests give "
                      "every layer a stand-in, so your ReLU need not be finished for them)")
    theirs = []
    for i, (c_in, c_out) in enumerate(zip(WIDTHS[cls], WIDTHS[cls][1:]), 1):
        W, own = out[f"W{i} at init"], out.result.values.get(f"layout{i}")
        mine = isinstance(own, np.ndarray) and own.ndim == 2 and own.shape in ((c_out, c_in), (c_in, c_out))
        layout = own.shape if mine else (c_out, c_in)  # the layout the student's Linear gives W, else the contract's
        if not isinstance(W, np.ndarray) or W.ndim != 2:
            raise Failure(f"the Linear layer {i} of self.layers holds no W matrix "
                          f"({W.what if isinstance(W, Bad) else f'shape {W.shape}'})")
        theirs.append((W.shape == layout, W.shape[::-1] if layout == (c_in, c_out) != (c_out, c_in) else W.shape))
    if not all(right for right, _ in theirs):
        raise Failure(f"the Linear layers of self.layers are {', '.join(f'Linear({i}, {o})' for _, (o, i) in theirs)}"
                      f"; {cls}'s are {', '.join(layers)}", hint)
    if bare is not None:
        raise bare


def _read(out, label: str, peek: bool = False):
    """The MLP's value `label`; when its method raised, the crash, with how the stand-ins work as the hint."""
    try:
        return out.peek(label) if peek else out[label]
    except Crashed as failure:
        raise _with_how(failure) from None


def _with_how(failure: Failure) -> Failure:
    """A crash a stand-in raised, with how the stand-ins work as its hint; any other (a NameError of the model's
    own code, say) as it is: the stand-ins have nothing to do with it (helper-61)."""
    if isinstance(failure, Crashed) and failure.about_input and not failure.hint and "stand-in" in failure.message:
        return failure.hinted(HOW)
    return failure


def _first_wrong(out, want: dict, names, order) -> tuple[str, int | None]:
    """Which Linear stand-in first received something else than the contract's wiring gives it, in words, and
    its layer (None: none did); `names(i)`: (the label of what layer i was given, the name of what it should be
    given)."""
    for i in order:
        label, name = names(i)
        got = out.result.values.get(label)
        if not isinstance(got, np.ndarray):
            return f"; Linear layer {i} {'was never called' if isinstance(got, Bad) else 'gave nothing'}", i
        if not matches(got, want[name]):
            return f"; Linear layer {i} is the first that was given something else", i
    return "", None


def forward(cls: str, case, ref):
    out = yield script(cls, case)
    bare = bound(out, cls)
    k, want = len(WIDTHS[cls]) - 1, composed(case, bare)
    got = _read(out, "A")
    if isinstance(got, np.ndarray) and matches(got, want["A"]):
        if AGAIN_FIRST in out.script.labels:
            again = _read(out, AGAIN_FIRST)
            if not (isinstance(again, np.ndarray) and matches(again, -want["A"])):
                expect("a second forward(-A0), right after forward(A0): output", again, -want["A"],
                       known_wrong=distinct([(want["A"], "your forward returned the output of its first call again: "
                                                         "compute it from this call's input alone, keeping nothing of an "
                                                         "earlier call (a list made in __init__ and appended to still "
                                                         "holds the first call's values at the front)")],
                                            -want["A"]), generic=False, hint=HOW)
        _judge_own(out, case, ref, ("A of 1 - A0", "A"),
                   lambda label: f"on its own layers, {cls}.forward({'1 - A0' if '1 - A0' in label else 'A0'}): output",
                   bare=bare)
        return
    maps, scalars = stand_ins(case)
    hints = [(want[f"Z{k}"], f"your output is the last Linear's output Z{k}, without the activation after it: "
                             f"{cls} ends with a ReLU after its last Linear"),
             (np.zeros_like(want["A"]), "your output is all zeros, as the math done inline on fresh layers (W and b "
                                        "zero) gives: forward must call each layer's forward")]
    if case.A0.shape[1] == maps[-1][0].shape[0]:
        hints.append((case.A0 @ maps[-1][0] * scalars[k - 1][0],
                      "your output is the last layer given A0: each layer takes the previous layer's output"))
    where, _ = _first_wrong(out, want, lambda i: (f"A{i - 1} given", f"A{i - 1}"), range(1, k + 1))
    listed = isinstance(got, Bad) and any(kind in got.what for kind in ("list", "tuple"))  # (helper-106: every output)
    expect(f"output{STANDS}{where}", got, want["A"], known_wrong=distinct(hints, want["A"]), generic=False,
           hint="forward returns the last layer's output alone, an array: where you keep every layer's output, return "
                "the last one (outputs[-1]), not the list" if listed else HOW)


def _dlda_hints(cls: str, want) -> list:
    """The gradients a backward that stops early, or returns another layer's, gives."""
    k, hints = len(WIDTHS[cls]) - 1, []
    fix = "return the gradient the first layer's backward returned"
    for i in range(k, 0, -1):
        if i > 1:
            hints.append((want[f"dLdA{i - 1}"], f"your backward returns the gradient with respect to A{i - 1}, the "
                                                f"output of layer {i - 1}: {fix}"))
        hints.append((want[f"dLdZ{i}"], f"your backward returns the gradient with respect to Z{i}, the output of "
                                        f"layer {i}'s Linear (what layer {i}'s activation's backward returned): {fix}"))
    return distinct(hints, want["dLdA0"])


def _known_given(case, want, k: int, i: int) -> list:
    """The gradients a model that skips an activation's backward, or runs the layers out of order, gives layer i's
    Linear in backward, each with what it says."""
    if i == k:
        return [(case.dLdA, f"layer {i}'s Linear was given dLdA as it came: the activation after it is missing, "
                            "its backward did not run first (backward runs the layers in reverse order), or what it "
                            "returned was not passed on (dLdA = layer.backward(dLdA))")]  # (helper-155: the last)
    return [(want[f"dLdA{i}"], f"layer {i}'s Linear was given the gradient before layer {i}'s activation's "
                               "backward: call the layers' backward in reverse order, each on what the one after it "
                               "returned (dLdA = layer.backward(dLdA))")]


def _wiring(case, want, k: int, i: int | None, got) -> str:
    """What the first Linear (layer i, in backward's order) given another gradient than the contract's wiring
    gives it was given, where a known mistake explains it; else "". (dLdA0's test said only how the stand-ins
    work, where the test of the layers' gradients named the ReLU whose backward was skipped: helper-137.)"""
    if i is None or not isinstance(got, np.ndarray):
        return ""
    return next((words for value, words in distinct(_known_given(case, want, k, i), want[f"dLdZ{i}"])
                 if matches(got, value)), "")


def backward(cls: str, case, ref, dlda: bool = True, params: bool = True, hints: bool = True):
    """dLdA0 (with `dlda`), then what every Linear was given as backward reached it (with `params`); `hints`:
    name the usual mistakes (the hidden tests on large batches do not)."""
    out = yield script(cls, case)
    bare = bound(out, cls)
    k, want = len(WIDTHS[cls]) - 1, composed(case, bare)
    if dlda:
        got = _read(out, "dLdA0")
        if not (isinstance(got, np.ndarray) and matches(got, want["dLdA0"])):
            where, first = _first_wrong(out, want, lambda i: (f"dLdZ{i} given", f"dLdZ{i}"), range(k, 0, -1))
            wiring = _wiring(case, want, k, first, out.result.values.get(f"dLdZ{first} given"))
            expect(f"dLdA0, the gradient with respect to A0{STANDS}{where}", got, want["dLdA0"],
                   known_wrong=_dlda_hints(cls, want) if hints else (), generic=False,
                   hint=wiring if hints and wiring else HOW)
        _again_on_stand_ins(out, want)
        _judge_own(out, case, ref, ("dLdA0", AFTER, "dLdA0 of -A0"),
                   lambda label: f"on its own layers, {cls}.backward(dLdA) after forward(1 - A0), forward(A0): dLdA0"
                   if label == "dLdA0" else "on its own layers, a second backward(-dLdA), after forward(-A0): dLdA0",
                   before=("A of 1 - A0", "A"), bare=bare)
    raised = out.raised_at("dLdA0") if params else None  # (even where dLdA0 is excused)
    for i in range(k, 0, -1) if params else ():
        got, name = out[f"dLdZ{i} given"], linears(cls)[i - 1]
        if got is EXCUSED:  # (a Bad too) graded by a test that failed: not compared again
            continue
        if raised is not None and not (isinstance(got, np.ndarray) and matches(got, want[f"dLdZ{i}"])):
            raise _with_how(raised)  # a backward that raised: that says why this layer got none, or a wrong one
            # (every layer given the right gradient before a crash at its `return`: they hold the right dLdW)
        if isinstance(got, Bad):
            if i == 1:
                _stopped_before(out, case, ref, want, k, name, bare)
            raise Failure(f"layer {i} ({name}) was given no gradient: backward did not call its backward "
                          "(so it holds no dLdW or dLdb)", HOW)
        expect(f"the gradient layer {i} ({name}) was given in backward, from which it makes dLdW and dLdb", got,
               want[f"dLdZ{i}"], known_wrong=(lambda: distinct(_known_given(case, want, k, i), want[f"dLdZ{i}"]))
               if hints else (), generic=False, hint=HOW)
    if params:
        _judge_own(out, case, ref, [f"{what}{i}" for i in range(1, k + 1) for what in ("dLdW", "dLdb")], _own_param,
                   before=("A of 1 - A0", "A"), bare=bare)


def _stopped_before(out, case, ref, want, k: int, name: str, bare: bool) -> None:
    """Where the first layer alone was given no gradient (every later one got the right one: they were judged before
    it) and backward returned the gradient it would have been given (dLdZ1: its loop stopped before it,
    `range(len(self.layers) - 1, 0, -1)`), and on its own layers the model's later Linears hold the right dLdW and
    dLdb, that mistake, named as a known one the value fits (dLdA0's test names it too): one slip of the method,
    whose other tests keep their points (helper-192: an MLP4 backward skipping its first layer lost its hidden test
    too, "not credited", 5 points where its two value tests are 4; helper-194: any layer given none, or the later
    layers' gradients zeroed on its own layers, had been named so too)."""
    got = out.result.values.get("dLdA0")
    if not (isinstance(got, np.ndarray) and matches(got, want["dLdZ1"])):
        return
    _judge_own(out, case, ref, [f"{what}{i}" for i in range(2, k + 1) for what in ("dLdW", "dLdb")], _own_param,
               before=("A of 1 - A0", "A"), bare=bare)
    words = ("your backward stops before layer 1's Linear and returns what it would have been given: its loop leaves "
             "out the first layer (a range(len(self.layers) - 1, 0, -1) stops at index 1; a return inside the loop "
             "stops at once); loop over every layer, reversed(self.layers), and return after the loop")
    known = mistakes(words)
    raise Failure(f"layer 1 ({name}) was given no gradient: backward did not call its backward (so it holds no "
                  "dLdW or dLdb)", words, about="dLdA0", claim=known, fits=known, tested=known, got=got)


def _own_param(label: str) -> str:
    """How a Linear's gradient on the model's own layers is named in a failure (`_judge_own`)."""
    return (f"on its own layers, after forward(1 - A0), forward(A0), backward(dLdA): Linear layer {label[4:]}'s "
            f"{label[:4]}")


def names(cls: str) -> dict[str, str]:
    layers = linears(cls)
    return {"init": f"{cls}.__init__: its Linear layer{'s are' if len(layers) > 1 else ' is'} {', '.join(layers)}, "
                    f"{'each ' if len(layers) > 1 else ''}followed by ReLU()",
            "forward": f"{cls}.forward: output", "dLdA0": f"{cls}.backward: dLdA0, the gradient with respect to the "
            "input", "params": f"{cls}.backward: every Linear's dLdW and dLdb"}


def _declare(cls: str, test: str, points: float):
    def body(case, ref):
        yield from {"init": init, "forward": forward, "dLdA0": lambda *a: backward(*a, params=False),
                    "params": lambda *a: backward(*a, dlda=False)}[test](cls, case, ref)

    return check(names(cls)[test], points=points, cases=mlp_cases(WIDTHS[cls]),
                 strategy=draw("mlp_strategy", widths=WIDTHS[cls]), owners=own_owners(cls, test))(body)


def own_owners(cls: str, test: str) -> dict:
    """What the model gives on its own layers needs the model built right (a layer object at two places, the
    wrong widths: __init__'s mistake), and backward's values there a forward that ran every layer (one that skips
    a layer can still give the right output, and then a ReLU's backward finds no A): those tests own them."""
    tests, k = names(cls), len(WIDTHS[cls]) - 1
    if test == "forward":
        return {OWN + label: tests["init"] for label, _, _ in STEPS[:2]}
    if test == "dLdA0":
        return {OWN + label: (tests["init"], tests["forward"]) for label, _, _ in STEPS[2:]}
    if test == "params":
        return {f"{OWN}{what}{i}": (tests["init"], tests["forward"]) for i in range(1, k + 1) for what in ("dLdW", "dLdb")}
    return {}


# (Declared in the order students read them: every body comes from the same line, so `collect` keeps this one.
# No test is worth more than __init__'s, which owns what the model gives on its own layers: `own_owners`.)
mlp0_init, mlp0_forward, mlp0_dlda, mlp0_params = (_declare("MLP0", t, p) for t, p in zip(names("MLP0"), (1, 1, 1, 1)))
mlp1_init, mlp1_forward, mlp1_dlda, mlp1_params = (_declare("MLP1", t, p) for t, p in zip(names("MLP1"), (2, 1, 1, 1)))
mlp4_init, mlp4_forward, mlp4_dlda, mlp4_params = (_declare("MLP4", t, p) for t, p in zip(names("MLP4"), (2, 2, 2, 2)))
