"""Declaring checks, and what a check body sees.

`@check(...)` only attaches a `Check` to the function (as gradescope-utils'
`@weight` does); nothing runs at declaration. The runner collects them in the
order they are written.

A check body is a generator: given one input case and the reference package,
it yields the `Script` to run in the worker, receives the worker's `Outputs`,
and compares them with `expect` (raising `Failure`). Splitting it this way lets
the runner send many cases in one request, or one hypothesis example at a time.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable

import numpy as np

from ..compare import EXCUSED, VALUES, Failure, FormOnly, Tolerance, expect, matches, shape_str
from ..diagnose import with_pointer
from ..record import record, replace
from ..sandbox import Bad, CaseResult, StudentError
from ..sandbox.pool import alike_kinds, argument_kinds


TWIN = " (twin)"  # ends an owned label that is the check's own value on a twin input (Check.owners)


def rereads(check: "Check") -> bool:
    """`check` compares a value another test grades (an owned label that is no twin of its own value)."""
    return any(not label.endswith(TWIN) for label, _ in check.owners)


@record(frozen=True)
class Check:
    name: str  # "Linear.forward: output Z": the class and method it grades, then what
    points: float
    body: Callable  # (case, ref) -> generator yielding a Script, receiving Outputs
    cases: Callable | tuple  # (numpy Generator) -> list of cases, seeded; or several such, whose cases it all gets
    strategy: Any = None  # a hypothesis strategy of cases, for the property phase
    # Values this check compares that earlier checks of its class grade first ("own"): label -> those
    # checks' names. When an owner failed, this check does not compare the value again, so one
    # mistake is charged once. Such checks are judged after their owners. A label ending in TWIN is no value
    # this check re-reads: it is its own value made again on a twin input (another kind of target), and the
    # check leaves an input to that twin's owner only where its own value is the twin's (the check stays a test of
    # its method's own values).
    owners: tuple[tuple[str, tuple[str, ...]], ...] = ()
    visibility: str = "visible"
    # The first check of its method (set by `collect`): a crash of the method is charged here; the
    # method's other checks leave out the inputs it crashed on (and fail only if it crashed on all).
    primary: bool = True
    # It judges a behaviour (inputs left unmodified, repeated calls, shifted inputs) against the student's
    # own values, not values against the reference: credited only when some value test of the class passes.
    behaviour: bool = False
    # Passing it shows the class computes something: a value the math derives from the inputs. Tests a
    # constant can pass (zeros at init, storing the input, 0 where Z = 0) do not.
    computes: bool = True
    # The student module that defines the class ("mytorch.nn.activation"), from its checks module's CLASSES.
    module: str = ""

    @property
    def cls(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def method(self) -> str:
        """"Linear.forward": the method its points are for."""
        return self.name.split(":", 1)[0]


def check(name: str, *, points: float, cases: Callable, strategy=None,
          owners: dict[str, str | tuple[str, ...]] | None = None, visibility: str = "visible",
          behaviour: bool = False, computes: bool | None = None):
    """Declare a check; the docstring of the body is not used, the name is the title."""

    def attach(body):
        owned = tuple((label, (who,) if isinstance(who, str) else tuple(who)) for label, who in (owners or {}).items())
        body.__check__ = Check(name, points, body, cases, strategy, owned, visibility, behaviour=behaviour,
                               computes=not behaviour if computes is None else computes)
        return body

    return attach


def collect(*modules, after: list[Check] = ()) -> list[Check]:
    """The checks declared in `modules`, in module order, then in source order; `after` are checks
    that come before them (owners may be among those). A checks module names the student classes it
    grades in `CLASSES` ({"ReLU": "mytorch.nn.activation.ReLU"}): that is where the grader finds
    them, and the only place it is said (a check of a class declared earlier inherits its module)."""
    found = list(after)
    where = {c.cls: c.module for c in after}
    for module in modules:
        where.update({cls: path.rpartition(".")[0] for cls, path in getattr(module, "CLASSES", {}).items()})
        bodies = [v for v in vars(module).values() if hasattr(v, "__check__")]
        found += [replace(b.__check__, module=where.get(b.__check__.cls, ""))
                  for b in sorted(bodies, key=lambda b: b.__code__.co_firstlineno)]
    methods = {c.method for c in after}
    earlier: dict[str, set[str]] = {}  # class -> the checks before this one of it
    for i, check in enumerate(found):
        if i >= len(after):
            found[i] = check = replace(check, primary=check.method not in methods)
            methods.add(check.method)
        for label, owner in ((label, name) for label, names in check.owners for name in names):
            if owner not in earlier.get(check.cls, ()):
                raise ValueError(f"{check.name!r}: the owner of {label!r}, {owner!r}, is not an earlier check "
                                 "of its class")
        earlier.setdefault(check.cls, set()).add(check.name)
    return found[len(after):]


def another_forward(s, other, X: np.ndarray, name: str) -> None:
    """`other`, a second object of the class, runs forward(1 - 2 * X) (soft) between an object's forward and
    the read of what it stored or its backward: state kept on the class (a class attribute, a dict in the
    class body) instead of on the object then shows in that object. Where it raises and the object's own forward on
    X did not raise the same way, the tests that read past it fail (`Outputs.probe_crash`): a forward that refuses
    the other object's input would otherwise hide state kept on the class (a crash never buys a pass)."""
    s.call(other, "forward", 1.0 - 2.0 * X, label=s.fresh(), soft=True, shown=(f"1 - 2 * {name}",))
    s.state_probes.add(len(s.ops) - 1)


def shared(what: str, cls: str, name: str) -> str:
    """The hint for `what` computed from another object's input: state shared through the class."""
    return (f"your {what} comes from another {cls}'s forward(1 - 2 * {name}), run after this one's: keep what "
            f"forward stores on self (self.A = ...), not on the class (a class attribute, or a dict or list "
            f"in the class body, is shared by every {cls})")


def broadcast(f):
    """f(), or None where numpy cannot broadcast or index it: a hint's wrong value for a mistake that raises
    on this input is no value at all."""
    try:
        return f()
    except (ValueError, IndexError):
        return None


def per_case(helper):
    """Memoise a helper of (reference, case) or (case): the checks of a class share their cases,
    so the script to run and the expected values are built once per case, not once per check."""
    return functools.lru_cache(maxsize=2048)(helper)



class Crashed(Failure):
    """The method the check grades raised (or its module failed to import): not a wrong value."""

    def __init__(self, message: str, hint: str = "", about_input: bool = True, earlier: bool = False,
                 cause: tuple = ()):
        super().__init__(message, hint)
        self.about_input = about_input  # False: the input and calls say nothing (an import failed)
        self.earlier = earlier  # not called on this input: it hung or ended the worker on an earlier one
        self.cause = cause  # (exception type, the line that raised it, its arguments' kinds) of an exception raised

    def hinted(self, hint: str) -> "Crashed":
        """The same crash with another hint (a check's words for it): still the same crash to the rules that charge
        a crash once (its cause)."""
        return Crashed(self.message, hint, self.about_input, self.earlier, self.cause)


class NotAttempted(Crashed):
    """The method the check grades raised NotImplementedError. Where it never returns on any input of its class (the
    skeleton's TODO), its tests are not attempted (`skeleton`: what they say); where it returns on some, this is a
    crash like any other ("one-hot targets not supported yet" on the inputs of one kind), charged by the crash rules
    (verdict.result)."""

    def __init__(self, message: str, skeleton: str, cause: tuple = ()):
        super().__init__(message, cause=cause)
        self.skeleton = skeleton


class Waiting(Failure):
    """The check cannot run: a method it needs (not the one it grades) raised, died or is not attempted.
    Not charged to the method it grades; kept only when no input shows a real failure."""

    def __init__(self, message: str, not_attempted: bool = False, culprit: str = "", raised: bool = False,
                 here: bool = False):
        super().__init__(message)
        self.not_attempted = not_attempted
        self.culprit, self.raised = culprit, raised  # the method at fault; whether it raised (not died)
        self.here = here  # that method raised, hung or ended the worker on this very input: a test not run shows it


class Skip(Exception):
    """This input cannot judge the check (e.g. forward differs from the reference there, so its slopes
    say nothing about backward): it is left out, not failed. `waiting`: left out as a method the check needs raised
    there; a test that judged no input at all then waits for that method where no test of it failed, as where it
    needs it to run (a crash never buys a pass: runner._grade_checks)."""

    def __init__(self, message: str = "", waiting: "Waiting | None" = None, owned: bool = False,
                 unright: bool = False):
        super().__init__(message)
        self.waiting = waiting
        self.owned = owned  # left out as a value it compares is graded by another test, which failed
        self.unright = unright  # and its own value there was wrong: no right value there (Verdict.unright)


class Unless(Exception):
    """This input passes unless every test of the classes `needs` (or of methods, "Class.method", or a test by name)
    passes: `failure` is a wrong value of the graded
    method where those classes' own objects, run by the grader in the same script, did not give their values there (or
    raised). Such a mistake is theirs to charge, so the input is left to them, but only where some test of theirs
    fails: where every one passes, they work, and what made them differ in this script (code that changes them only
    while this class is graded) is this method's (runner: as soon as its class's run is over where those are tests of
    its class, before the credit rules and the tests re-reading its values; once every class is graded otherwise).

    `left`: the input is left out where those tests fail, as a Skip owned by them (`left` says why), not passed: it
    is no evidence the method computes anything right (GELU's backward wherever forward's A is wrong, helper-120's
    run: a skeleton's backward had passed on 32 inputs so, as its forward failed)."""

    def __init__(self, failure: Failure, needs: tuple[str, ...], left: str = ""):
        super().__init__(failure.message)
        self.failure, self.needs, self.left = failure, needs, left


class Outputs:
    """The values a script returned, by label, for one check; reading a missing one explains why
    it is missing, and charges that to the check only if its own method is at fault."""

    def __init__(self, result: CaseResult, script, method: str, excused: frozenset = frozenset()):
        self.result, self.script, self.method, self.excused = result, script, method, excused
        self.reached = -1  # the furthest op whose value the check read: what a failure is about
        self.read = set()  # the ops whose values the check read (their objects are what it is about)
        self.compared = set()  # labels read that this check judges (not excused)
        self.left = set()  # labels read that another check grades, and failed
        self.raising = None  # the label whose read met the call that raised it on this input (not a hang's)
        self.notes = []  # what a passing test says besides "passed" (a deviation the policy accepts)
        self.behind = None  # (label, error): a value read after a call of the graded method raised (`stored_before`)
        self.met_raise = False  # a value read was excused where the call that gives it raised: it did not return

    @property
    def judged_nothing(self) -> bool:
        """Every value read is graded (and failed) elsewhere: this input judged nothing."""
        return bool(self.left) and not self.compared

    def note(self, text: str) -> None:
        """Say `text` in the test's output if it passes (e.g. a shape the policy accepts, with what the
        contract specifies)."""
        self.notes.append(text)

    def __getitem__(self, label: str):
        value = self.peek(label)
        if value is not EXCUSED:
            self.compared.add(label)
        return value

    def about(self, label: str) -> int:
        """Make the call that gave `label` part of what a failure on this input is about (its line in "calls:"),
        without reading what it gave (a backward whose gradients are judged, not its return value). Its op."""
        return self._reach(self.script.labels.get(label, -1))

    def _reach(self, op: int) -> int:
        """Op `op` is among those a failure on this input is about (the furthest one read, and every one read)."""
        self.reached = max(self.reached, op)
        self.read.add(op)
        return op

    def peek(self, label: str):
        """A value the check computes with (a probe of forward), not one it judges."""
        op = self.about(label)
        values = self.result.values
        if label in values:
            if label in self.excused:
                self.left.add(label)
                return EXCUSED
            value = values[label]
            if self.result.soft:  # (a read after a call left out: say why it is missing, or what it never went through)
                error = self.left_out_before(op, isinstance(value, Bad))
                if error is not None:
                    self.reached = error.op
                    self.read.add(error.op)
                    raise blame(error, self.script, self.method)
            if self.result.soft:
                error = self.stored_before(op)
                if error is not None:
                    self.behind = self.behind or (label, error)
                    if isinstance(value, Bad):  # (never stored: the call raised before it got there)
                        raise self.crash_behind()
            return value
        raised = next((e for e in self.result.soft if e.op == op), None) or self.result.error
        if label in self.excused and raised is not None and not raised.earlier:
            self.met_raise = True  # (not produced, as the call raised, hung or ended the worker here: graded, crash and
            self.left.add(label)  # all, by its owning test, helper-219; a call not made, after a hang elsewhere,
            return EXCUSED  # still waits for a method that finishes)
        if raised is None:
            return Bad("nothing (the value was not produced)")
        self.reached = raised.op  # the failure is about the op that raised
        self.read.add(raised.op)
        if raised.type != "WorkerDied" and not raised.earlier:  # (as above: what its owning test may charge)
            self.raising = label
        raise blame(raised, self.script, self.method)

    def left_out_before(self, op: int, missing: bool) -> StudentError | None:
        """A soft call on the object op `op` reads, left out before it as it ended a worker (here, or on an earlier
        input), where no state the grader sets on that object came between (`missing`: what was read is missing, and
        it says why, state or not). What was read never went through that call, so this input cannot judge what the
        call would have changed (helper-208: a loss's first forward of a two-round test, or an evaluation-mode forward
        before what training stored is read, that ended one worker was left out on every later input, and the test
        passed code that keeps the first round's input, which fails it where that call returns). What the grader gives
        the object in between (`Script.gives`: the state forward stores, before a backward graded on its own; the
        running statistics of three correct batches, before evaluation mode) is read as given (helper-209: a training
        forward left out on one input had cost a correct evaluation mode its three tests)."""
        obj = self.script.object_of(op)
        for error in self.result.soft:
            if ((error.earlier or error.type == "WorkerDied") and error.op < op
                    and self.script.object_of(error.op) == obj and (missing or not self.script.gives(obj, error.op, op))):
                return error
        return None

    def raised_at(self, label: str) -> Failure | None:
        """The failure of the call that gave `label`, where it did not return (as `peek` raises it), even where
        `label` is excused: what a value read after it lacks for that reason (a layer never given a gradient as
        backward raised on the layer before), not a mistake of its own. None where it returned."""
        excused, self.excused = self.excused, frozenset()
        try:
            self.peek(label)
        except Failure as failure:
            return failure
        finally:
            self.excused = excused
        return None

    def stored_before(self, op: int) -> StudentError | None:
        """The call of the graded method that raised before op `op` read what it stored (its object's attribute, an
        entry of a dict it was given), where the script goes on after it (a soft call): what such a call stored
        before it raised is judged as stored (the right gradients of a backward whose last line raises keep their
        tests), and a value it never stored, or wrong there, is that crash, not a wrong value (`crash_behind`)."""
        read = self.script.object_of(op)
        for error in self.result.soft:
            if error.op >= op or error.earlier or error.type == "WorkerDied":
                continue
            if (self.script.meta[error.op].method == self.method and self.script.ops[error.op][0] == "call"
                    and read in self.script.passed_objects(error.op)):
                return error
        return None

    def crash_behind(self) -> Crashed:
        """The crash a value read after its method raised stands for (`stored_before`): the failure is about that
        call, as where the value is read from the call itself."""
        label, error = self.behind
        self._reach(error.op)
        self.raising = label
        return blame(error, self.script, self.method)

    def probe_crash(self) -> Crashed | None:
        """The failure of a state probe (another object's forward, `another_forward`) that raised before what the
        check read, where the object's own forward on this input did not raise the same way (same type, line and
        argument kinds): a forward broken on such inputs is charged by its own tests (one that forgets keepdims
        raises on both), while one that refuses only the other object's input would hide state kept on the class."""
        probes = self.script.state_probes
        if not probes or not self.result.soft:
            return None
        for error in self.result.soft:
            if error.op in probes and error.op <= self.reached:
                method = self.script.meta[error.op].method
                own = {_cause(e, self.script) for e in self.result.soft
                       if e.op not in probes and self.script.meta[e.op].method == method}
                crash = probe_crash(error, self.script)
                return None if crash.cause in own else crash
        return None

    def soft_waiting(self) -> Waiting | None:
        """A Waiting for the first soft call of another method that raised before what the check read of the same
        object (an MLP check's chain of the student's own layers is not one object: there, before what it read).
        A call made after the last read of its object is not what the check needed (a loss's backward that raised
        after its forward did, on an object whose forward value is all a test of forward read of it).

        It waits even where the grader gives the object the state the contract names in between (Linear's A and N):
        a backward may read state of its own that forward stores, and where forward raised before storing it, what
        backward reads is missing, a placeholder from __init__ (None, {}, ones) or an earlier call's, so its crash or
        wrong value there, of any type, is forward's failure (helper-213: a correct BatchNorm1d.backward dividing by
        its own self.std, None until forward stores it, lost 3 points behind a forward raising on batches of one,
        under rules that charged a wrong value or a crash other than AttributeError there). The price is that code
        which makes forward raise on purpose where backward is wrong hides backward's mistake there, at the cost of
        forward's tests (helper-211, 212: SECURITY.md); no rule on what backward does there tells the two apart."""
        objects = self.script.objects(op for op in self.read if op >= 0)
        last: dict = {}
        if objects:
            for op in self.read:
                if op >= 0:
                    obj = self.script.object_of(op)
                    last[obj] = max(last.get(obj, -1), op)
        for error in self.result.soft:
            if self.script.meta[error.op].method == self.method:
                continue
            if error.op <= (last.get(self.script.object_of(error.op), -1) if objects else self.reached):
                return blame(error, self.script, self.method)
        return None


def _from_elsewhere(error: StudentError, script) -> str:
    """Where a method's NotImplementedError came from, when not from its own class's file: an MLP written in full
    whose Linear is still the skeleton's is not itself unwritten."""
    files = script.files_of(error.op)
    raised_in = error.where.rsplit(":", 1)[0]
    if not files or not raised_in or raised_in in files:
        return ""
    return f" from code it calls that is not written yet (at {error.where})"


def blame(error: StudentError, script, method: str) -> Failure:
    """The failure of a check of `method` whose value is missing because of `error`."""
    from ..diagnose import died, import_failed, import_raised  # the words for it live with the other diagnoses

    op = script.meta[error.op]
    if error.module:  # the class's module could not be imported: the class cannot be graded at all
        return Crashed(*import_failed(error), about_input=False)
    own = op.method == method or op.kind in ("set", "get", "import")
    if error.not_attempted:
        if own:
            return NotAttempted(_raised(op, error), f"not attempted: {op.method} raises NotImplementedError"
                                f"{_from_elsewhere(error, script)}", _cause(error, script))
        return Waiting(f"needs {op.method}, which still raises NotImplementedError", not_attempted=True,
                       culprit=op.method)
    if error.type == "WorkerDied":
        what, hint = died(op.text, error.msg)
        if error.earlier:  # never called on this input: say so, not that this input hung
            if error.alike:
                ones = ", with a dimension of 1 where those had one" if error.ones else ""
                again = ("is not called again on arguments of those kinds (arrays of the same dtypes and "
                         f"dimensions{ones})")
            else:
                again = "is not called again" + (" on arguments with a dimension of 1 where that input had one"
                                                 if error.ones else "")
            what = (f"{op.text} was not called: {op.method} {error.msg} on an earlier input, and {again}"
                    if error.msg.startswith("did not finish") else f"{op.text} was not called: {op.method} ended "
                    f"the worker process on an earlier input (it {error.msg}), and {again}")
            return Crashed(what, hint, earlier=True) if own else Waiting(f"needs {op.method}, but {what}",
                                                                        culprit=op.method)
        return Crashed(what, hint) if own else Waiting(f"needs {op.method}, but {what}", culprit=op.method, here=True)
    what = f"{_raised(op, error)}{import_raised(error)}"
    if own and error.type == "OSError" and "File too large" in error.msg:  # (RLIMIT_FSIZE: prints count too)
        return Crashed(what, "your code printed (or wrote) more than a submission may in all (16 MiB unless the "
                             "course set file_bytes): remove the prints from its methods")
    missing = own and error.type == "AttributeError" and op.kind == "call" and re.fullmatch(
        rf"'{re.escape(op.cls)}' object has no attribute '(\w+)'", error.msg)
    rows = own and error.type == "ValueError" and _row_value_not_broadcast(error.msg)
    if rows:  # (helper-100: y_pred - y_pred.max(axis=1) raised on most batches, and nothing said why)
        return Crashed(what, f"a value per row, of shape ({rows},), does not broadcast against an array of shape "
                             f"({rows}, C): keep its axis, as x.max(axis=1, keepdims=True) or x.sum(axis=1, "
                             f"keepdims=True) do (shape ({rows}, 1))", cause=_cause(error, script))
    if missing:  # (a backward reading what its forward never stored: a trial's student read only "raised")
        return Crashed(what, f"{op.method} reads self.{missing[1]}, which this {op.cls} never got: store it on self, "
                             f"under that name, where it is computed (forward keeps what backward needs: "
                             f"self.{missing[1]} = ...)", cause=_cause(error, script))
    return Crashed(what, cause=_cause(error, script)) if own else Waiting(f"needs {op.method}, but {what}",
                                                                         culprit=op.method, raised=True, here=True)


def _row_value_not_broadcast(msg: str) -> str:
    """N, where numpy's message says an array of shape (N, C) met one of shape (N,) (N != C): a value per row whose
    axis was dropped (a max or sum over axis 1 without keepdims); '' otherwise."""
    if "could not be broadcast together" not in msg:
        return ""
    found = re.search(r"shapes \((\d+),(\d+)\) \((\d+),\)", msg)
    if found is not None:
        n, c, row = found.groups()
    else:
        found = re.search(r"shapes \((\d+),\) \((\d+),(\d+)\)", msg)
        if found is None:
            return ""
        row, n, c = found.groups()
    return n if n == row and n != c else ""


def probe_crash(error: StudentError, script) -> Crashed:
    """The failure of a test that read past a state probe that raised (`Outputs.probe_crash`)."""
    op = script.meta[error.op]
    return Crashed(_raised(op, error),
                   f"before reading what one {op.cls} stored, another {op.cls} runs forward on an input of the same "
                   f"shape ({op.text}), to show state kept on the class: forward must work there as on any input, and "
                   f"keep what it stores on self", cause=_cause(error, script))


def _raised(op, error: StudentError) -> str:
    """"Linear.forward(A) raised ValueError: ... (at mytorch/nn/linear.py:12)"; "... ended the worker: it did not finish
    within 10 s" where it raised nothing (helper-186: "raised WorkerDied", the grader's own word)."""
    if error.type == "WorkerDied":
        return f"{op.text} ended the worker: it {error.msg}"
    return f"{op.text} raised {error.type}: {error.msg}" + (f" (at {error.where})" if error.where else "")


def _cause(error: StudentError, script) -> tuple:
    """What tells one crash from another: the exception's type, the line that raised it, and the kinds of the call's
    array arguments (dtype kind and dimensions: a backward raising on three-dimensional batches is not the same crash
    as one raising, from the same line, on large two-dimensional ones)."""
    raw = script.ops[error.op]
    args = raw[3] if raw[0] == "call" else raw[4] if raw[0] == "new" else []
    return error.type, error.where, argument_kinds(script, args)


def rounds(out: Outputs, first: str, later: tuple[str, ...], pairs: list[tuple[str, str, str, str]], hint: str,
           own=Outputs.__getitem__) -> None:
    """A behaviour test of a method called again (a second round on another object): each of `pairs`, (what it is,
    the later round's label, the first round's label, what that is), is `consistent`. Where the method raised in the
    first round (the call under `first`), its value tests charge that crash: a later call (`later`) that raised the
    same way is not charged again, and a value that crash left unread is left out, so a method that stores its right
    gradients and then raises keeps this test, as one that returns zeros there does (what each round stored before
    raising is judged). A later call that raised where the first did not, or otherwise, is charged here, as is a
    death or a hang in either round."""
    cause = getattr(out.raised_at(first), "cause", ())  # (a raise: a death, a hang has none, and is charged here)

    def same(failure) -> bool:  # (the same exception from the same line, on arguments of kinds that may be the same)
        other = getattr(failure, "cause", ())
        return bool(cause) and len(other) == 3 and other[:2] == cause[:2] and alike_kinds(other[2], cause[2])

    for label in later:
        raised = out.raised_at(label)
        if raised is not None and not same(raised):
            raise raised
    judged = False
    for label, got, mine, reference_label in pairs:
        try:
            values = out[got], own(out, mine)
        except Crashed as failure:
            if same(failure):
                continue
            raise
        consistent(label, *values, hint=hint, reference_label=reference_label)
        judged = True
    if not judged:
        raise Skip(f"{out.script.meta[out.script.labels[first]].method} raised in both rounds before it stored anything "
                   "(its value tests charge that)")


def consistent(label: str, got, own, *, hint: str, reference_label: str, tol: Tolerance = VALUES) -> None:
    """Compare a value with the student's own value for the same thing computed another way (a fresh
    object, a shifted input): a behaviour test charges only what differs between the two. When the
    student's own value is unusable, its own test says so and this input is left out."""
    if got is EXCUSED:
        raise Skip(f"{label} is graded by another test, which failed", owned=True)
    own_label = reference_label.removeprefix("your ")  # (said after "your" here: "your dLdA for A", never twice)
    if own is EXCUSED:
        raise Skip(f"{own_label} is graded by another test, which failed", owned=True)
    if isinstance(own, Bad):
        raise Skip(f"your code gave no usable {own_label} to compare with")
    own = own.astype(np.float64)
    if not np.all(np.isfinite(own)):
        raise Skip(f"your {own_label} is not finite")
    if isinstance(got, np.ndarray) and got.shape != own.shape:
        raise Failure(f"{label}: shape {shape_str(got.shape)}, but {reference_label} has shape {shape_str(own.shape)}",
                      hint)
    expect(label, got, own, tol, generic=False,  # (what is no array at all: its message alone says what to change)
           hint=with_pointer(f"it differs from {reference_label}: {hint}") if isinstance(got, np.ndarray) else "")


# An output within its test's tolerance, yet not within this of the reference's: what forward kept may be further off
# than its output (GELU's tanh cdf; a softmax not normalised, whose loss is within 1e-4 where one logit is 8 ahead:
# helper-134), so a wrong backward there is left to forward's test where it fails. An exact GELU is within 1e-15 of
# the reference's, in float32 within 1e-7; a right loss within 1e-13.
NEAR = Tolerance(rtol=1e-6, atol=1e-9)

FORWARD_WRONG = ("forward's {} is wrong on this input, and backward's value may come from what that forward stored: "
                 "backward's values are judged on the inputs where forward's {} is right")
ZERO_LEFT = ("the right value is 0 on this input, which any multiple of the gradient gives, and forward's {} is wrong "
             "here: it says nothing of backward")
FORWARD_RAISED = ("forward raised on this input, so backward had nothing of it to use: backward's values are judged "
                  "on the inputs where forward's {} is right")
BY_CHANCE = ("forward's {} is right on this input, but can be right here by chance where what forward stored is not "
             "(one class, or as many rows as classes), and forward's {} test fails: backward's values are judged on the "
             "other inputs")


def after_forward(expecting, out: Outputs, losses: dict, expected_loss, loss_test: str = "", what: str = "loss",
                  near: Tolerance | None = None, apart: bool = False, got=None, value=None,
                  chance: Callable[[], bool] | None = None) -> None:
    """`expecting()` (an `expect` of a value backward returned from what forward stored, where the contract names no
    such state the grader could fill in: the losses' backward), but a wrong value there on an input where forward is
    wrong is left out, not failed: the mistake may be what forward stored, which forward's tests charge (a missing
    keepdims in forward's softmax cost a correct backward its points, helper-107). Forward is right on an input where
    each of its losses in the script (`losses`: label -> tolerance; a loss of the input shifted row by row is the
    same) is `expected_loss`: one loss alone can be right by chance where what forward stored is not (a softmax over
    the batch gives the right loss on a symmetric 2 x 2 input). A backward right there passes; where forward is right,
    backward is judged as ever; one wrong wherever forward is wrong is never judged, and is not credited (no value of
    it passed). Forward's values are looked at as they came back, without reading them (a read makes a call part of
    what the input is about, and waits for a forward that raised). Where the first loss is right and only another is
    wrong (`loss_test` named: the test of that first loss), what forward stored for this input may be right (a forward
    that only overflows on the shifted logits) or not (the softmax over the batch): the input is left out only where
    `loss_test` fails (`Unless`), so that a loss broken on purpose on the shifted logits alone, a test's price, never
    shields a wrong backward (helper-112). An output other than a loss (`what`: GELU's A, an array whose backward
    reads what forward kept of Z) is compared as it is, shape and all. With `near` (a tolerance tighter than the
    losses'), an output right within its tolerance but not within `near` leaves the input to `loss_test` too (as
    `Unless`): what forward kept may be further off than its output (GELU's tanh approximation: A within 1e-4 where
    Z is small, its cdf not, helper-117). `apart`: forward's test judges another run than this one (GELU's: a loss's
    forward and backward tests read the same run), so an output wrong here leaves the input to `loss_test` only where
    that test fails (`Unless`): a forward that counts its calls, right in its own test and wrong in backward's run
    alone, shielded a wrong backward (helper-120: 98.5 -> 100). `got` and `value`: the value `expecting` compares
    and the right one; zeros (within tolerance) where the right value is not 0 fail here, whatever forward did: no
    state a forward stores makes a right backward return zeros (it would hold Y as the softmax, or as A), and a
    backward of zeros behind a forward wrong on every input where the loss is not 0 had passed on the rest, where
    zeros are right, and kept every point (helper-126: 8 for losses returning 0.0 and zeros; helper-127: 3 behind a
    forward of mean |A - Y|). A right value that is 0 (`value`: a one-class batch's gradient), which any multiple of the
    gradient gives, judges nothing where forward is wrong on that input: it is left out (helper-203). `chance`: whether
    (asked only where the value is wrong and the losses right) this is an input where forward's losses can all be right
    while what it stored is not (CrossEntropyLoss's one-class and square
    batches: a value per row of shape (N,), its keepdims forgotten, broadcasts across the columns unseen there, and a
    square batch whose labels are a permutation sums the wrong rows' log-sum-exp to the right loss, shifted or not):
    a wrong value there is left to `loss_test` where that test fails (`Unless`; helper-214: a right backward reading
    the softmax of a forward `A - logsumexp(A, axis=1)` lost 9 points for it, forward's mistake charged twice)."""
    want = np.asarray(expected_loss, dtype=np.float64)

    def forward_values():
        for label, tol in losses.items():
            loss = out.result.values.get(label)
            if isinstance(loss, Bad):  # (a loss in a list, [L], or beside something else, (L, cache): a slip of form
                # its own test charges; its number tells whether forward is right here, or a wrong backward behind it
                # went unjudged: helper-216, 98 against the honest 93; helper-217, (L, None))
                loss = _number_in(loss)
            if want.ndim == 0 and isinstance(loss, np.ndarray) and loss.size == 1:
                loss = loss.reshape(())
            yield loss, tol

    try:
        expecting()
    except FormOnly:
        raise
    except Failure as failure:
        if zeros(got) and not zeros(value):
            raise
        left = FORWARD_WRONG.format(what, what)
        for i, (loss, tol) in enumerate(forward_values()):
            if not matches(loss, want, tol):
                if (apart or i) and loss_test:  # (where that test fails, as a Skip owned by it: helper-134's
                    raise Unless(failure, (loss_test,), left) from None  # backward of -Y / N had passed here)
                if loss is None:  # (forward raised there: a backward that then read what it never stored is no
                    left = FORWARD_RAISED.format(what)  # mistake of its own, whatever its crash's hint says)
                raise Skip(left + (f" (there, backward's value fits a known mistake too: {failure.hint})"
                                   if failure.hint and not isinstance(failure, Crashed) else ""),
                           owned=True, unright=True) from None
            if near is not None and loss_test and not matches(loss, want, near):
                raise Unless(failure, (loss_test,), left) from None
        if loss_test and chance is not None and chance():
            raise Unless(failure, (loss_test,), BY_CHANCE.format(what, what)) from None
        raise
    if zeros(value) and not all(matches(loss, want, tol) for loss, tol in forward_values()):
        raise Skip(ZERO_LEFT.format(what), owned=True)  # (helper-203: a backward of 7 times the gradient, behind a
        # forward off by 1e-3 everywhere, passed on the one-class batches alone, where the gradient is 0, and kept 5)


def _number_in(value: Bad):
    """The number a list or tuple that is not an array holds, where it holds one: its numbers ([L]), or its one item of
    one number ((L, cache)); else `value` as it is."""
    if isinstance(value.numbers, np.ndarray):
        return value.numbers
    items = [item for item in value.items or () if isinstance(item, np.ndarray) and item.size == 1]
    return items[0] if len(items) == 1 else value


def zeros(value) -> bool:
    """Whether `value` is an array of zeros within the values' tolerance (not where it is None: not given)."""
    return isinstance(value, np.ndarray) and value.size > 0 and matches(value, np.zeros(value.shape), VALUES)


def absent(value, index: str = "") -> bool:
    """`value` is the Bad a failed read (of `index`, when given: ".N", "[2]") gives: a missing attribute, key or item."""
    return isinstance(value, Bad) and value.what.startswith(f"nothing: reading {index}")
