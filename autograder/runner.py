"""Grading one submission: every check, in order, against a sandboxed worker.

Each check runs in two phases. First its seeded cases, smallest first, go to the
worker in one request and the first failing one is reported. If all pass and
the check has a hypothesis strategy, the property phase draws examples in the
grading process, runs each in the worker, and on failure reports the example
hypothesis shrank to. The grading process owns the reference, the inputs and
every verdict; the worker only runs student code.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import seed as hypothesis_seed

from . import reference
from .checks import CHECKS
from .checks.base import Check, NotAttempted, Outputs
from .compare import Failure
from .report import Outcome, Report, TestResult
from .sandbox import Limits, Sandbox, Script, server
from .strategies import GRADING

MODULES = ("mytorch.nn.linear", "mytorch.nn.activation", "mytorch.nn.loss")


class Aborted(BaseException):
    """Stop the property phase at once (hypothesis does not shrink past a BaseException)."""

    def __init__(self, failure: Failure, case):
        super().__init__(failure.message)
        self.failure, self.case = failure, case


@dataclass
class _Verdict:
    failure: Failure | None = None
    case: object = None
    script: Script | None = None
    shrunk: bool = False
    printed: bytes = b""
    examples: int = 0


def _case_seed(seed: int, name: str) -> list[int]:
    return [seed, zlib.crc32(name.encode())]


def _verify(gen, case, result, verdict: _Verdict, script) -> None:
    """Send the worker's outputs into the check body `gen` that yielded `script`."""
    try:
        gen.send(Outputs(result))
    except StopIteration:
        return
    except Failure as failure:
        verdict.failure, verdict.case, verdict.script = failure, case, script
        raise
    raise RuntimeError("a check body yielded more than once")


def _seeded_phase(check: Check, sandbox: Sandbox, ref, seed: int, verdict: _Verdict) -> None:
    rng = np.random.default_rng(_case_seed(seed, check.name))
    cases = sorted(check.cases(rng), key=lambda c: c.size)
    gens = [check.body(case, ref) for case in cases]
    scripts = [next(gen) for gen in gens]
    run = sandbox.run(scripts)
    verdict.printed += run.output
    for case, gen, script, result in zip(cases, gens, scripts, run.cases):
        verdict.examples += 1
        try:
            _verify(gen, case, result, verdict, script)
        except Failure:
            return


def _property_phase(check: Check, sandbox: Sandbox, ref, seed: int, verdict: _Verdict) -> None:
    @GRADING
    @hypothesis_seed(zlib.crc32(f"{seed}:{check.name}".encode()))
    @given(check.strategy)
    def prop(case):
        gen = check.body(case, ref)
        script = next(gen)
        run = sandbox.run([script])
        verdict.examples += 1
        if len(verdict.printed) < 4096:
            verdict.printed += run.output
        try:
            _verify(gen, case, run.cases[0], verdict, script)
        except Failure as failure:
            if run.hit_limit:  # not worth shrinking: every replay would cost the limit again
                raise Aborted(failure, case) from None
            raise

    try:
        prop()
    except Aborted:
        pass
    except Failure:
        verdict.shrunk = True


def run_check(check: Check, sandbox: Sandbox, ref, seed: int) -> _Verdict:
    verdict = _Verdict()
    with np.errstate(all="ignore"):  # wrong answers overflow on purpose; the verdict says so, not a warning
        _seeded_phase(check, sandbox, ref, seed, verdict)
        if verdict.failure is None and check.strategy is not None:
            _property_phase(check, sandbox, ref, seed, verdict)
    return verdict


def _feedback(verdict: _Verdict, submission: str, seed: int) -> str:
    f = verdict.failure
    lines = [f.message]
    if f.hint:
        lines.append(f"hint: {f.hint}")
    if verdict.script is not None:
        lines.append(f"calls: {verdict.script.describe()}")
    if verdict.case is not None:
        origin = "smallest failing input found by hypothesis" if verdict.shrunk else "failing input"
        lines.append(f"{origin}:")
        lines += [f"  {line}" for line in str(verdict.case).splitlines()]
    if verdict.printed:
        shown = verdict.printed[:1024].decode("utf-8", "replace").splitlines()[:12]
        lines.append("your code printed:")
        lines += [f"  | {line}" for line in shown]
    lines.append(f"replay: python -m autograder grade {submission} --seed {seed}")
    return "\n".join(lines)


def _waiting(check: Check, before: TestResult) -> TestResult:
    """A check whose prerequisite did not pass: not attempted if that was not attempted, else not run."""
    outcome = Outcome.NOT_ATTEMPTED if before.outcome is Outcome.NOT_ATTEMPTED else Outcome.NOT_RUN
    return TestResult(check.name, float(check.points), 0.0, outcome,
                      f"{outcome.value}: waits on '{before.name}', which is {before.outcome.value}", check.visibility)


def _result(check: Check, verdict: _Verdict, submission: str, seed: int) -> TestResult:
    common = dict(name=check.name, max_score=float(check.points), visibility=check.visibility)
    if verdict.failure is None:
        return TestResult(score=float(check.points), outcome=Outcome.PASSED,
                          output=f"passed on {verdict.examples} inputs", **common)
    if isinstance(verdict.failure, NotAttempted):
        return TestResult(score=0.0, outcome=Outcome.NOT_ATTEMPTED, output=verdict.failure.message, **common)
    return TestResult(score=0.0, outcome=Outcome.FAILED, output=_feedback(verdict, submission, seed), **common)


def _import_notes(sandbox: Sandbox) -> list[str]:
    scripts = []
    for module in MODULES:
        s = Script()
        s.load(module)
        scripts.append(s)
    run = sandbox.run(scripts)
    notes = []
    for module, result in zip(MODULES, run.cases):
        if result.error is not None:
            e = result.error
            where = f" at {e.where}" if e.where else ""
            notes.append(f"{module} failed to import: {e.type}: {e.msg}{where}"
                         if e.type != "WorkerDied" else f"importing {module} ended the worker: it {e.msg}")
    return notes


def grade(root: Path, *, seed: int, submission: str, limits: Limits = Limits(), checks=CHECKS) -> Report:
    """Grade the submission whose private copy is `root` (the folder holding mytorch/)."""
    began = time.perf_counter()
    ref = reference.load()
    sandbox = Sandbox(server.shared(), root, limits)
    results: dict[str, TestResult] = {}
    examples = 0
    try:
        notes = _import_notes(sandbox)
        graded_class = None
        for check in checks:
            if check.cls != graded_class:
                sandbox.recycle()  # each class starts in a fresh worker: no state leaks between classes
                graded_class = check.cls
            before = results.get(check.requires)
            if before is not None and not before.passed:
                results[check.name] = _waiting(check, before)
                continue
            if time.perf_counter() - began > limits.submission_timeout:
                results[check.name] = TestResult(
                    check.name, float(check.points), 0.0, Outcome.FAILED,
                    f"not run: grading this submission took more than {limits.submission_timeout:g} s in all; "
                    "look for slow loops or code that waits", check.visibility)
                continue
            try:
                verdict = run_check(check, sandbox, ref, seed)
            except Exception as exc:  # noqa: BLE001 - a grader bug must not cost the student
                results[check.name] = TestResult(
                    check.name, float(check.points), 0.0, Outcome.NOT_RUN,
                    f"not run: the grader failed on this test ({type(exc).__name__}: {exc}); not your fault, "
                    "please report it", check.visibility)
                continue
            examples += verdict.examples
            results[check.name] = _result(check, verdict, submission, seed)
    finally:
        sandbox.close()
    return Report(submission=submission, seed=seed, results=tuple(results.values()),
                  execution_time=round(time.perf_counter() - began, 3), examples=examples, notes=tuple(notes))
