"""What the grading process asks a worker to do, and how it reads the answer.

A `Script` is one case: a short list of operations on student objects
(construct, set an attribute, call a method, read an attribute), built in the
grading process. Many scripts travel in one request; each comes back as a
`CaseResult`. Arrays travel as .npy bytes and are loaded with
``allow_pickle=False``; anything malformed is rejected, never trusted.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

from .worker import npy_dumps, npy_loads

MAX_TEXT = 500  # characters kept of any text a worker sends


@dataclass(frozen=True)
class Obj:
    """A handle on an object that lives in the worker."""

    id: int
    name: str  # the class name, for messages


@dataclass(frozen=True)
class Bad:
    """A returned value that is not a numeric array; `what` says what it was."""

    what: str


@dataclass(frozen=True)
class StudentError:
    """An exception raised by student code, or the worker dying, during `op`."""

    op: str  # the label of the operation that raised
    type: str  # exception type name, or "WorkerDied"
    msg: str
    where: str = ""  # mytorch/nn/linear.py:12

    @property
    def not_attempted(self) -> bool:
        return self.type == "NotImplementedError"


@dataclass
class Script:
    ops: list = field(default_factory=list)
    arrays: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # human-readable, for feedback
    _objects: int = 0

    def _ref(self, value):
        if isinstance(value, np.ndarray):
            self.arrays.append(value)
            return {"a": len(self.arrays) - 1}, f"array{value.shape}"
        return value, repr(value)

    def new(self, path: str, *args) -> Obj:
        """Construct `path` ("mytorch.nn.linear.Linear") with `args`."""
        module, cls = path.rsplit(".", 1)
        refs = [self._ref(a) for a in args]
        obj = Obj(self._objects, cls)
        self._objects += 1
        label = f"{cls}.__init__"
        self.ops.append(["new", obj.id, module, cls, [r for r, _ in refs], label])
        self.steps.append(f"{cls}({', '.join(d for _, d in refs)})")
        return obj

    def load(self, module: str) -> None:
        """Import a student module (to tell a broken import from a broken method)."""
        self.ops.append(["import", module, f"import {module}"])
        self.steps.append(f"import {module}")

    def set(self, obj: Obj, attr: str, value) -> None:
        ref, desc = self._ref(value)
        self.ops.append(["set", obj.id, attr, ref, f"set {obj.name}.{attr}"])
        self.steps.append(f"{obj.name}.{attr} = {desc}")

    def call(self, obj: Obj, method: str, *args, label: str, keep_args: bool = False) -> str:
        """Call a method; its return value comes back under `label` (and each
        argument, after the call, under `label#argI` when `keep_args`)."""
        refs = [self._ref(a) for a in args]
        self.ops.append(["call", obj.id, method, [r for r, _ in refs], keep_args, label])
        self.steps.append(f"{obj.name}.{method}({', '.join(d for _, d in refs)})")
        return label

    def fresh(self) -> str:
        """A label no other operation of this script uses."""
        return f"#{len(self.ops)}"

    def get(self, obj: Obj, attr: str, *, label: str) -> str:
        self.ops.append(["get", obj.id, attr, label])
        return label

    def describe(self) -> str:
        return "; ".join(self.steps)


def pack(scripts: list[Script]) -> tuple[dict, list[bytes]]:
    """One request for many scripts: each case is [offset of its arrays in the blob list, its ops]."""
    cases, blobs = [], []
    for script in scripts:
        cases.append([len(blobs), script.ops])
        blobs += [npy_dumps(np, arr) for arr in script.arrays]
    return {"cases": cases}, blobs


@dataclass(frozen=True)
class CaseResult:
    values: dict  # label -> np.ndarray | Bad
    error: StudentError | None = None
    printed: bytes = b""  # what the student's code printed while this case ran (the first bytes of it)
    hit_limit: bool = False  # the worker was killed for time, output or the protocol: a replay costs as much

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


def load_array(data: bytes) -> np.ndarray | Bad:
    """A .npy payload as a numeric array; never unpickles. Returns `Bad` for anything else."""
    arr = npy_loads(np, data)
    if arr is None:
        try:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
        except Exception:  # noqa: BLE001 - any parse failure of untrusted bytes
            return Bad("bytes that are not a valid array")
    if type(arr) is not np.ndarray or arr.dtype.kind not in "biuf":
        return Bad(f"an array of dtype {arr.dtype}, not numbers")
    return arr


def decode(header, blobs: list[bytes]) -> CaseResult:
    """Validate one case reply from a worker. Raises `Malformed`."""
    if not isinstance(header, dict) or not isinstance(header.get("out"), dict):
        raise Malformed("reply without results")
    values = {}
    for label, item in header["out"].items():
        if not isinstance(item, dict):
            raise Malformed("bad result entry")
        if "b" in item:
            index = item["b"]
            if not isinstance(index, int) or not 0 <= index < len(blobs):
                raise Malformed("bad blob index")
            values[_text(label)] = load_array(blobs[index])
        else:
            values[_text(label)] = Bad(_text(item.get("bad", "nothing")))
    err = header.get("err")
    if err is None:
        return CaseResult(values)
    if not isinstance(err, dict):
        raise Malformed("bad error entry")
    error = StudentError(*(_text(err.get(k, "")) for k in ("op", "type", "msg", "where")))
    return CaseResult(values, error)
