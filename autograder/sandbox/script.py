"""What the grading process asks a worker to do, and how it reads the answer.

A `Script` is one case: a short list of operations on student objects
(construct, set an attribute, call a method, read an attribute), built in the
grading process. Each operation also keeps, on this side only, how a student
would write it (`Linear.forward(A)`) and which method a failure there is
charged to. Many scripts travel in one request; each comes back as a
`CaseResult`. Arrays travel as .npy bytes and are loaded with
``allow_pickle=False``; anything malformed is rejected, never trusted.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import struct
from typing import NamedTuple

import numpy as np

from ..record import field, record, replace
from .worker import CACHED_HEADER_MOST, MAX_ITEMS, MAX_VALUE_BYTES, npy_dumps, npy_loads, oversized

MAX_TEXT = 500  # characters kept of any text a worker sends
MAX_REPLY_VALUES = 16 << 20  # decoded bytes kept of one reply (an honest one holds about a megabyte at most)


CALLS_WIDTH = 200  # a `calls:` line longer than this keeps only its first and last CALLS_KEPT steps
CALLS_KEPT = 3

class Obj(NamedTuple):
    """A handle on an object that lives in the worker. (A named tuple, as `Op`: cheaper to make.)"""

    id: int
    name: str  # the class name, for messages


@record(frozen=True)
class Bad:
    """A returned value that is not a numeric array; `what` says what it was. `numbers`: a list or tuple of numbers,
    as an array (a list holding the right numbers is a slip of form, not a wrong value); `items`: for a short tuple or
    list of other things, each item that is a numeric array or number, as an array, else None (a pair holding the
    right value beside something else is a slip of form too)."""

    what: str
    numbers: object = field(default=None, compare=False, repr=False)
    items: tuple | None = field(default=None, compare=False, repr=False)


class Op(NamedTuple):
    """One operation of a script, as the grading process knows it. (A named tuple: as immutable as a frozen
    record, and made in a third of the time; a run makes ten thousand.)"""

    kind: str  # import | new | set | call | get | plain
    cls: str  # the class it acts on ("" for an import)
    name: str  # the method ("__init__" for new), attribute, or module
    text: str  # as a student would write it: "Linear.forward(A)"
    soft: bool = False  # a call whose exception does not stop the case; a set of state the grader fills in

    @property
    def method(self) -> str:
        """What a failure of this op is charged to: "Linear.forward", "Linear.__init__", or the op's text."""
        if self.kind == "call":
            return f"{self.cls}.{self.name}"
        if self.kind == "new":
            return f"{self.cls}.__init__"
        return self.text


_tuple = tuple.__new__  # Op and Obj made as tuple.__new__(Op, (...)): a run builds some 17,000 of each, and a named
# tuple's own __new__ is a Python function that costs as much again


@record(frozen=True)
class StudentError:
    """An exception raised by student code during op `op`, or the worker dying there."""

    op: int  # index of the op in its script
    type: str  # exception type name, "WorkerDied", or "Skipped" (not run: the op ended an earlier worker)
    msg: str
    where: str = ""  # mytorch/nn/linear.py:12
    module: str = ""  # for a failed import: the submission module whose import failed
    missing: str = ""  # for ModuleNotFoundError: the module that was not found
    earlier: bool = False  # not run here: the same op ended a worker on an earlier input (a hang, an exit)
    alike: bool = False  # (with earlier) for arguments of these kinds only: on others the method is still called
    ones: bool = False  # (with alike) and only with a dimension of 1 where those had one (a batch of one row)

    @property
    def not_attempted(self) -> bool:
        return self.type == "NotImplementedError" and not self.module


@record
class Script:
    ops: list = field(default_factory=list)  # what the worker runs
    arrays: list = field(default_factory=list)
    meta: list = field(default_factory=list)  # Op per entry of `ops`
    labels: dict = field(default_factory=dict)  # label -> index of the op that produces it
    case: object = None  # the input case: its arrays are named after its fields in messages
    _objects: int = 0
    _fields: dict | None = None  # id of each of the case's arrays -> its field name
    # Arrays the check derived that a failing input lists by name with the case's fields (`set(..., named=...)`)
    named: dict = field(default_factory=dict)
    # It hands the submission a value the reference computed (state set for backward, running statistics
    # before evaluation): student code can read a whole request, so such a script goes to the worker only
    # after every script of its class without one has been answered (runner._batch_phase).
    late: bool = False
    # Forward calls of a second object made to show state kept on the class (checks.base.another_forward): soft, so
    # that what follows is still judged; where one raises, the tests that read past it say so (Verdict.judge).
    state_probes: set = field(default_factory=set)
    # The ops made only to explain a failure (the student's own parts of a composite method, calls with the other
    # kind of target: `diagnosing`): runner._batch_phase first sends the script without them (`lean()`).
    diagnostic: set = field(default_factory=set)
    # Ops kept apart from the others when one ends a worker (sandbox.pool._identities): the run of a second model on
    # its own layers, whose hang must not stop the same method's calls on the first; where one of them ends a
    # worker, none of them runs again.
    apart: set = field(default_factory=set)
    # What `pack` sends of it, made the first time it is sent (a batch sends the scripts of one input, built once
    # and kept, for every entry). Not copied by `truncated`: a copy with fewer ops is sent as itself.
    _sent: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _lean: "Script | None" = field(default=None, init=False, repr=False, compare=False)
    # Its index among the cases the fork server keeps decoded for a batch's workers (`keep`), once it keeps them.
    _kept: int | None = field(default=None, init=False, repr=False, compare=False)

    @contextlib.contextmanager
    def diagnosing(self):
        """The ops added in this block only explain a failure: no value a passing test reads comes from them."""
        start = len(self.ops)
        yield
        self.diagnostic.update(range(start, len(self.ops)))

    def lean(self) -> "Script":
        """This script with its ops for diagnosis left out (itself when it has none), made once."""
        if not self.diagnostic:
            return self
        if self._lean is None:
            self._lean = replace(self.truncated(len(self.ops), self.diagnostic), diagnostic=set())
        return self._lean

    def _ref(self, value, shown: str | None = None):
        if isinstance(value, np.ndarray):  # (the usual argument first: a script has thousands of them)
            self.arrays.append(value)
            return {"a": len(self.arrays) - 1}, shown or self._name(value) or f"array{value.shape}"
        if isinstance(value, Obj):
            return {"o": value.id}, shown or value.name
        if isinstance(value, list):
            refs, descs = self._args(value, None)
            return refs, shown or f"[{', '.join(descs)}]"
        return value, shown or repr(value)

    def _args(self, args, shown) -> tuple[list, list[str]]:
        """The references to `args` the worker reads, and how each is shown (`shown[i]`, when given)."""
        refs, descs = [], []
        for i, value in enumerate(args):
            ref, desc = self._ref(value, shown[i] if shown else None)
            refs.append(ref)
            descs.append(desc)
        return refs, descs

    def _name(self, value) -> str:
        """The case field `value` is ("" for an array the check derived)."""
        if self.case is None:
            return ""
        if self._fields is None:
            self._fields = {id(v): name for name, v in reversed(vars(self.case).items())}
        return self._fields.get(id(value), "")

    def _add(self, op: list, meta: tuple) -> int:
        """Append an op and its Op (`meta`: the Op's fields, in order)."""
        self.ops.append(op)
        self.meta.append(_tuple(Op, meta) if len(meta) == 5 else _tuple(Op, (*meta, False)))
        return len(self.ops) - 1

    def new(self, path: str, *args, soft: bool = False) -> Obj:
        """Construct `path` ("mytorch.nn.linear.Linear") with `args`. A `soft` construction that raises leaves no object
        (a read of it then fails as a read, and a call on it as a soft call) and does not stop the case; one that ends
        the worker is left out, and the case goes on (as any soft op: sandbox.pool)."""
        module, cls = path.rsplit(".", 1)
        refs, descs = self._args(args, None)
        obj = _tuple(Obj, (self._objects, cls))
        self._objects += 1
        self._add(["new", obj.id, module, cls, refs, 1] if soft else ["new", obj.id, module, cls, refs],
                  ("new", cls, "__init__", f"{cls}({', '.join(descs)})", soft))
        return obj

    def plain(self, name: str) -> Obj:
        """An empty object the grader fills in (a model holding layers, a layer holding W and dLdW):
        what a test needs around the class it grades, without another class of the submission."""
        obj = _tuple(Obj, (self._objects, name))
        self._objects += 1
        self._add(["plain", obj.id], ("plain", name, "", f"{name} = (an object the grader made)", True))
        return obj

    def members(self, obj: Obj, attr: str, count: int, *, having: str, label: str, name: str = "") -> list[Obj]:
        """Handles on the first `count` items of `obj.attr` that have attribute `having` (the Linear layers
        of a model's `layers`); how many there are comes back under `label`, and a model with fewer stops
        the case there."""
        found = [Obj(self._objects + i, name or f"{obj.name}.{attr}[{i}]") for i in range(count)]
        self._objects += count
        self.labels[label] = self._add(["members", obj.id, attr, having, [o.id for o in found], label],
                                       ("get", obj.name, attr, f"{obj.name}.{attr}"))
        return found

    def probe(self, obj: Obj, maps: list, scalars: list, *, label: str, activation: str | None = None) -> str:
        """Give the layers of model `obj` the grader's stand-ins (see worker `_probe_layers`): its i-th Linear
        layer maps A @ P_i forward and G @ Q_i backward (`maps`: [(P_i, Q_i)]) and keeps what it is given
        (`probe_A`, `probe_dLdZ`); its j-th activation multiplies by s_j forward and t_j backward (`scalars`).
        The counts of Linear layers, activations and objects at more than one place, the number of the first
        activation whose class is not `activation` ("module.Class"; 0: none) and of the first that is a class itself
        (0: none), come back under `label`."""
        refs = [[self._ref(P)[0], self._ref(Q)[0]] for P, Q in maps]
        self.labels[label] = self._add(["probe", obj.id, refs, [[float(s), float(t)] for s, t in scalars], label,
                                        *([activation] if activation else [])],
                                       ("get", obj.name, "layers", f"{obj.name}.layers (given the grader's "
                                        "stand-in layers)"))
        return label

    def load(self, module: str) -> None:
        """Import a student module (to tell a broken import from a broken method)."""
        self._add(["import", module], ("import", "", module, f"import {module}"))

    def set(self, obj: Obj, attr: str, value, *, state: bool = False, reference: bool = False,
            shown: str | None = None, named: str | None = None, read: bool = False) -> None:
        """Set `obj.attr`. With `state`, it is the state the contract says a method stores, set by the
        grader so that the next method is graded on its own (not shown among the calls), also where the object
        refuses it (a read-only property that computes it, Linear.N from A: helper-91, 94; worker `_settable`).
        With `reference`,
        the value is one the reference computed (the script is then `late`). `named`: an array the check
        derived, shown under that name in the call and listed by it among the failing input. `read` (with `state`):
        the attribute is read first, as `restore` reads it (a run of `restore`s and one of such sets are then the same
        calls on the object, their values apart: helper-191's property noting it was read told them apart)."""
        self.late = self.late or reference
        if named is not None:
            self.named[named], shown = value, named
        ref, desc = self._ref(value, shown)
        op = ["set", obj.id, attr, ref] + ([2 if read else 1] if state else [])  # (state: set even where the object
        self._add(op, ("set", obj.name, attr, f"{obj.name}.{attr} = {desc}", state))  # refuses it)

    def restore(self, obj: Obj, attr: str) -> None:
        """Set `obj.attr` to a copy of what it holds (nothing where it holds nothing), the way state is set (`set`
        with `state`): a method reading it then sees what it stored, in another array, set as the grader sets state
        (BatchNorm1d's backward on its own state, set as the handout's is: `or_own_state`)."""
        self._add(["set", obj.id, attr, {"c": [obj.id, attr]}, 1],
                  ("set", obj.name, attr, f"{obj.name}.{attr} = a copy of {obj.name}.{attr}", True))

    def gives(self, obj, after: int, before: int) -> bool:
        """Whether an op between `after` and `before` sets an attribute of `obj` to a value the grader gives (`set`),
        not to a copy of what the object holds (`restore`)."""
        return any(raw[0] == "set" and raw[1] == obj and not (isinstance(raw[3], dict) and "c" in raw[3])
                   for raw in self.ops[after + 1:before])

    def call(self, obj: Obj, method: str, *args, label: str, keep_args: bool = False, soft: bool = False,
             shown: tuple[str, ...] | None = None) -> str:
        """Call a method; its return value comes back under `label` (and each argument, after the
        call, under `label#argI` when `keep_args`). A `soft` call that raises does not stop the case; one that ends the
        worker (a loop that never ends) is left out, and the case goes on (sandbox.pool)."""
        refs, descs = self._args(args, shown)
        index = self._add(["call", obj.id, method, refs, keep_args, label, soft],
                          ("call", obj.name, method, f"{obj.name}.{method}({', '.join(descs)})", soft))
        self.labels[label] = index
        if keep_args:
            self.labels.update({f"{label}#arg{i}": index for i in range(len(args))})
        return label

    def returned(self, obj: Obj, method: str, *args, name: str, keep_args: str = "",
                 shown: tuple[str, ...] | None = None, soft: bool = False) -> Obj:
        """Call a method and keep what it returns in the worker, as an object later ops use (a layer's
        `(y, cache)`: see `item`); nothing of it comes back. With `keep_args` (a label), each argument
        comes back after the call under `keep_args#argI`. A `soft` call that raises keeps nothing and does not
        stop the case (an op on what it would have kept then fails as a read of a missing object)."""
        refs, descs = self._args(args, shown)
        kept = _tuple(Obj, (self._objects, name))
        self._objects += 1
        index = self._add(["call", obj.id, method, refs, bool(keep_args), keep_args or None, soft, kept.id],
                          ("call", obj.name, method, f"{obj.name}.{method}({', '.join(descs)})", soft))
        if keep_args:
            self.labels.update({f"{keep_args}#arg{i}": index for i in range(len(args))})
        return kept

    def item(self, obj: Obj, key, *, label: str | None = None, name: str = "") -> Obj:
        """`obj[key]` (a tuple's item, a dict's entry), kept as an object; with `label`, its value also comes
        back (a failed read is then that value's verdict, as for `get`, and does not stop the case)."""
        shown = repr(key)
        kept = _tuple(Obj, (self._objects, name or f"{obj.name}[{shown}]"))
        self._objects += 1
        index = self._add(["item", obj.id, key, label, kept.id], ("get", obj.name, shown, f"{obj.name}[{shown}]"))
        if label is not None:
            self.labels[label] = index
        return kept

    def dict(self, name: str) -> Obj:
        """An empty dict the grader hands to a method that fills it (the gradients of a cache-passing layer)."""
        obj = _tuple(Obj, (self._objects, name))
        self._objects += 1
        self._add(["dict", obj.id], ("plain", name, "", f"{name} = {{}}", True))
        return obj

    def fresh(self) -> str:
        """A label no other operation of this script uses."""
        return f"#{len(self.ops)}"

    def get(self, obj: Obj, attr: str, *, label: str) -> str:
        self.labels[label] = self._add(["get", obj.id, attr, label], ("get", obj.name, attr, f"{obj.name}.{attr}"))
        return label

    def object_of(self, op: int):
        """The student object op `op` acts on (None for an import)."""
        raw = self.ops[op]
        return raw[1] if raw[0] in ("new", "call", "set", "get", "plain", "members", "probe", "item", "dict") else None

    def files_of(self, op: int) -> tuple[str, ...]:
        """The files the class of the object op `op` acts on may be defined in ("mytorch/models/mlp.py", ...: a module
        may name alternatives), from the op that made it; () where no op of the script made it."""
        obj = self.object_of(op)
        made = next((raw for raw in self.ops[:op + 1] if raw[0] == "new" and raw[1] == obj), None)
        return tuple(m.replace(".", "/") + ".py" for m in made[2].split("|")) if made is not None else ()

    def passed_objects(self, op: int) -> set:
        """The student objects op `op` acts on or passes as arguments (a dict a backward fills)."""
        return {self.object_of(op), *(ref["o"] for ref in _refs(self.ops[op]) if "o" in ref)} - {None}

    def objects(self, ops) -> frozenset:
        return frozenset(self.object_of(op) for op in ops) - {None}

    def _ops(self, upto: int | None, objects) -> list[int]:
        return [i for i in range(len(self.ops) if upto is None else upto + 1)
                if objects is None or self.object_of(i) in objects]

    def describe(self, upto: int | None = None, objects=None) -> str:
        """The calls made (up to op `upto`, on `objects` when given), as a student would write them;
        repeats are counted, not repeated. The state the grader fills in where forward did not store it
        is not shown."""
        steps = [m for m in (self.meta[i] for i in self._ops(upto, objects))
                 if m.kind in ("new", "call") or m.kind == "set" and not m.soft]
        shown: list[list] = []
        for step in steps:
            if shown and shown[-1][0] == step.text:
                shown[-1][1] += 1
            else:
                shown.append([step.text, 1, step.kind == "new"])
        steps = [(step if n == 1 else f"{step} x{n}", new) for step, n, new in shown]
        if len(steps) > 2 * CALLS_KEPT + 1 and len("; ".join(step for step, _ in steps)) > CALLS_WIDTH:
            # probes: the first and last calls, and a construction between them (the optimizer's lr and mu, made
            # after the layers' first parameters are set) unless there are many (a fresh object per probe)
            middle = steps[CALLS_KEPT:-CALLS_KEPT]
            made = [i for i, (_, new) in enumerate(middle) if new]
            kept, last = [], 0
            for i in (made if len(made) <= 2 else []) + [len(middle)]:  # (the end: what follows the last one)
                if i > last:
                    kept.append(f"... {i - last} more ...")
                if i < len(middle):
                    kept.append(middle[i][0])
                last = i + 1
            steps = steps[:CALLS_KEPT] + [(step, False) for step in kept] + steps[-CALLS_KEPT:]
        return "; ".join(step for step, _ in steps)

    def inputs(self, upto: int | None = None, objects=None) -> list[str]:
        """The fields of `case` this script passes to the submission (up to op `upto`, on `objects` when
        given), in the case's order, then the `named` arrays it passes."""
        if self.case is None:
            return []
        ops = self._ops(upto, objects)
        used = {id(self.arrays[ref["a"]]) for i in ops for ref in _refs(self.ops[i]) if "a" in ref}
        # A field passed only through a derived array ("A + shift", "dLdW1[0]") is named in how the call is written,
        # or what a set gives (a call's text, what follows a set's "=", never an attribute read: "LayerDense.weights"
        # reads the layer's own weights, not the case's).
        words = set(re.findall(r"\w+", " ".join(
            meta.text if meta.kind in ("call", "new") else meta.text.split(" = ", 1)[-1]
            for meta in (self.meta[i] for i in ops) if meta.kind in ("call", "new", "set"))))
        return ([name for name, value in vars(self.case).items() if id(value) in used or name in words]
                + [name for name, value in self.named.items() if id(value) in used])

    def input(self, name: str):
        """The value of an input `inputs` names."""
        return self.named[name] if name in self.named else getattr(self.case, name)

    def truncated(self, stop: int, skipped: set[int] = frozenset()) -> "Script":
        """A copy that runs only the ops before `stop`, with the ops in `skipped` left out (op
        indices, and so labels and errors, stay those of this script)."""
        ops = self.ops[:stop]
        for i in skipped:
            if i < stop:
                ops[i] = ["skip"]
        return replace(self, ops=ops)


def _refs(op: list) -> list[dict]:
    """The array and object references among the arguments of a raw op (lists flattened)."""
    args = list({"new": lambda: op[4], "call": lambda: op[3], "set": lambda: [op[3]]}.get(op[0], list)())  # (a copy)
    found = []
    while args:
        arg = args.pop()
        if isinstance(arg, list):
            args += arg
        elif isinstance(arg, dict):
            found.append(arg)
    return found


def pack(scripts: list[Script], skip_init: list[str] = (), forget: bool = False, kept: bool = False) -> bytes:
    """One request for many scripts, as the worker reads it (worker.recv_message): a JSON header frame whose
    "cases" are [offset of the case's arrays in the blob list, its ops], then one frame holding every array
    as a .npy blob frame. Each script's part is made once (`Script._sent`) and sent as often as it is asked for.
    `forget`: the worker first forgets the submission's modules (`Sandbox.lend`). `kept`: the worker's fork server
    keeps the scripts that have a `_kept` index (`keep`): such a case is sent as that index alone."""
    cases, parts, count = [], [], 0
    for script in scripts:
        if kept and script._kept is not None:
            cases.append(str(script._kept))
            continue
        sent = script._sent
        if sent is None:
            sent = script._sent = _sent(script)
        cases.append(f"[{count}, {sent[0]}]")
        parts.append(sent[1])
        count += len(script.arrays)
    extra = ', "forget": true' if forget else ""
    header = (f'{{"cases": [{", ".join(cases)}], "skip_init": {json.dumps(list(skip_init))}, '
              f'"nblobs": {count}{extra}}}').encode()
    inner = b"".join(parts)
    frames = [struct.pack(">I", len(header)), header] + ([struct.pack(">I", len(inner)), inner] if count else [])
    return b"".join(frames)


_NPY_STARTS: dict = {}  # (dtype, shape) -> the .npy header npy_dumps writes for it: a run has a few dozen


def _sent(script: Script) -> tuple[str, bytes]:
    """A script's ops as JSON text, and its arrays as .npy blob frames (each after its length)."""
    frames = []
    for arr in script.arrays:
        start = _NPY_STARTS.get((arr.dtype.str, arr.shape))
        if start is None:
            data = npy_dumps(np, arr)
            if len(_NPY_STARTS) < 4096:
                _NPY_STARTS[arr.dtype.str, arr.shape] = data[:len(data) - arr.nbytes]
        else:
            data = start + arr.tobytes()  # (C order, as npy_dumps writes it)
        frames += (struct.pack(">I", len(data)), data)
    return json.dumps(script.ops), b"".join(frames)


@record(frozen=True)
class CaseResult:
    values: dict  # label -> np.ndarray | Bad
    error: StudentError | None = None  # what stopped the case
    soft: tuple = ()  # StudentErrors of soft calls, which did not stop it
    printed: tuple = ()  # (op index, bytes): what the student's code printed during that op
    hit_limit: bool = False  # the worker was killed for time, output or the protocol: a replay costs as much
    held: bool = False  # (with hit_limit) the worker then held replies of earlier cases: not this case's time alone

    @property
    def not_run(self) -> bool:
        """The worker died on an earlier case of the same request before reaching this one."""
        return self.error is not None and self.error.type == "NotRun"


class Malformed(Exception):
    """The worker's reply does not follow the protocol."""


def _text(value) -> str:
    if not isinstance(value, str):
        raise Malformed("expected text")
    return value[:MAX_TEXT]


def _index(value, count: int) -> int:
    if type(value) is not int or not 0 <= value < count:
        raise Malformed("bad op index")
    return value


# A .npy header (magic to padding) that npy_loads read, and whose array passed every check of `load_array` ->
# (dtype, shape, payload size). A run reads thousands of arrays of a few dozen layouts: an array whose header
# is one of these is only its payload's view, as npy_loads would make it.
_LAYOUTS: dict[bytes, tuple] = {}
_MAX_LAYOUTS = 4096  # (headers come from workers: what they may make this hold is bounded)


def load_array(data: bytes) -> np.ndarray | Bad:
    """A .npy payload as a numeric array; never unpickles. Returns `Bad` for anything else."""
    end = 10 + int.from_bytes(data[8:10], "little")
    layout = _LAYOUTS.get(data[:end]) if type(data) is bytes else None
    if layout is not None and len(data) - end == layout[2]:
        return np.ndarray(layout[1], layout[0], data, end)  # (read-only: a view of bytes)
    try:
        arr = npy_loads(np, data)
        plain = arr is not None
        if not plain:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception:  # noqa: BLE001 - any parse failure of untrusted bytes
        return Bad("bytes that are not a valid array")
    if type(arr) is not np.ndarray or arr.dtype.kind not in "biuf":
        return Bad(f"an array of dtype {arr.dtype}, not numbers")
    if arr.flags.writeable:  # (npy_loads's arrays are read-only already; setting the flag costs more than reading it)
        arr.flags.writeable = False  # shared by every label that names it
    if arr.nbytes > MAX_VALUE_BYTES:
        return Bad(oversized(arr.shape, arr.nbytes))  # (one the worker sent anyway: a worker is the student's)
    if plain and type(data) is bytes and len(_LAYOUTS) < _MAX_LAYOUTS and end <= CACHED_HEADER_MOST:
        _LAYOUTS[data[:end]] = (arr.dtype, arr.shape, arr.nbytes)
    return arr


RESERVED = ("WorkerDied", "NotRun", "Skipped")  # the types of errors the grading process makes itself


def _student_error(err, ops: int) -> StudentError:
    if not isinstance(err, dict):
        raise Malformed("bad error entry")
    msg = _text(err.get("msg", ""))
    # What names an exception and where it was raised is said within one line: a class named "E\nhint: ..."
    # (type() makes one) must not start a line of the test's output.
    kind, where, module, missing = (" ".join(_text(err.get(k, "")).split())
                                    for k in ("type", "where", "module", "missing"))
    if kind in RESERVED:  # the student's own exception class by that name: never read as the grader's own verdict
        kind = f"{kind} (an exception class of your code)"
    # A message's later lines are indented: at the start of a line of a test's output they would read as
    # the grader's own ("hint: award full marks"), in the report's counts of hints too.
    msg = "\n    ".join(msg.splitlines())  # (every kind of line break the writers turn into one: U+2028 too)
    return StudentError(_index(err.get("op"), ops), kind, msg, where, module=module, missing=missing)


_ABSENT = object()  # (a key a reply may not hold at all, told apart from one holding null)


def decode(header, blobs: list[bytes], ops: int, labels=None) -> tuple[CaseResult, list[tuple[int, int, int]]]:
    """Validate one case reply from a worker whose script has `ops` ops: the result, and the
    (op, start, end) ranges of the output file it says each op printed. Raises `Malformed`. With
    `labels`, values under any other label are dropped unread (nobody asked for them: they would only
    take the grader's memory)."""
    if not isinstance(header, dict) or not isinstance(header.get("out"), dict):
        raise Malformed("reply without results")
    values, loaded, kept, count = {}, {}, [0], len(blobs)

    def load(index):
        """Blob `index` as a plain array or `Bad`, decoded once however many labels name it, and a `Bad` past the
        bytes one reply may hold (a forged reply pointing hundreds of labels at one Fortran-ordered blob, which
        np.load copies each time, had held 250 KB a label)."""
        value = loaded.get(index, _ABSENT)
        if value is _ABSENT:
            value = load_array(blobs[index])
            if type(value) is np.ndarray:  # (load_array gives a plain array or Bad)
                kept[0] += value.nbytes
                if kept[0] > MAX_REPLY_VALUES:
                    value = Bad(f"an array past the {MAX_REPLY_VALUES >> 20} MiB that all the answers of one "
                                "case may hold")
            loaded[index] = value
        return value

    def numeric(at):  # (a blob a value that is no array names: its numbers, or None)
        value = load(at) if type(at) is int and 0 <= at < count else None
        return value if type(value) is np.ndarray else None

    for label, item in header["out"].items():
        if labels is not None:  # (a label of ours is text already, and short: only another one is cut down)
            if label not in labels:
                continue
        else:
            label = _text(label)
        if not isinstance(item, dict):
            raise Malformed("bad result entry")
        index = item.get("b", _ABSENT)
        if index is _ABSENT:
            items = item.get("i")  # (each item of a returned pair or triple: an array, or None)
            items = tuple(map(numeric, items)) if type(items) is list and len(items) <= MAX_ITEMS else None
            values[label] = Bad(" ".join(_text(item.get("bad", "nothing")).split()), numeric(item.get("v")),
                                items)  # (one line: see _student_error)
            continue
        if type(index) is not int or not 0 <= index < count:
            raise Malformed("bad blob index")
        values[label] = load(index)
    err = header.get("err")
    soft, printed = header.get("soft", []), header.get("printed", [])
    if not isinstance(soft, list) or not isinstance(printed, list) or len(soft) > ops or len(printed) > ops:
        raise Malformed("bad soft or printed entries")
    ranges = []
    for entry in printed:
        if (not isinstance(entry, list) or len(entry) != 3 or any(type(x) is not int or x < 0 for x in entry)
                or entry[1] > entry[2]):
            raise Malformed("bad printed range")
        ranges.append((_index(entry[0], ops), entry[1], entry[2]))
    result = CaseResult(values, None if err is None else _student_error(err, ops),
                        tuple(_student_error(e, ops) for e in soft))
    return result, ranges


def keep(scripts: list[Script], server) -> bool:
    """Have the fork server `server` keep `scripts` decoded for the workers it forks from now on; once it does, each
    script has its index there (`_kept`), and a request packed with `kept` names it by that index. Only scripts that
    hand the worker no value of the reference: a `late` one is never kept (see runner._batch_phase)."""
    scripts = [script for script in {id(script): script for script in scripts}.values() if not script.late]
    if not scripts or server.keep(pack(scripts)) != len(scripts):
        return False
    for index, script in enumerate(scripts):
        script._kept = index
    return True
