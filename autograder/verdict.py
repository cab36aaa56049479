"""What the runner learned about one check, and the `TestResult` a student reads from it."""
from __future__ import annotations

from dataclasses import dataclass

from .checks.base import Check, NotAttempted, Outputs
from .compare import Failure
from .expected import NoFixture
from .report import Outcome, TestResult
from .sandbox import CaseResult, Script


@dataclass
class Verdict:
    failure: Failure | None = None
    case: object = None  # the input that failed
    script: Script | None = None  # what was called on it
    shrunk: bool = False  # the input is hypothesis's shrunk example
    shrinkable: bool = False  # it failed on a hypothesis example that is worth shrinking
    printed: bytes = b""  # what the student's code printed on that input
    examples: int = 0  # inputs checked

    def judge(self, gen, case, script: Script, result: CaseResult) -> bool:
        """Send the worker's outputs into the check body `gen` that yielded `script`; False on failure."""
        self.examples += 1
        try:
            gen.send(Outputs(result))
        except StopIteration:
            return True
        except NoFixture:  # local mode: no recorded expected value for this input
            self.examples -= 1
            return True
        except Failure as failure:
            self.failure, self.case, self.script, self.printed = failure, case, script, result.printed
            return False
        raise RuntimeError("a check body yielded more than once")


def feedback(verdict: Verdict, submission: str, seed: int) -> str:
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


def result(check: Check, verdict: Verdict, submission: str, seed: int) -> TestResult:
    common = dict(name=check.name, max_score=float(check.points), visibility=check.visibility)
    if verdict.failure is None:
        return TestResult(score=float(check.points), outcome=Outcome.PASSED,
                          output=f"passed on {verdict.examples} inputs", **common)
    if isinstance(verdict.failure, NotAttempted):
        return TestResult(score=0.0, outcome=Outcome.NOT_ATTEMPTED, output=verdict.failure.message, **common)
    return TestResult(score=0.0, outcome=Outcome.FAILED, output=feedback(verdict, submission, seed), **common)


def waiting(check: Check, before: TestResult) -> TestResult:
    """A check whose prerequisite did not pass: not attempted if that was not attempted, else not run."""
    outcome = Outcome.NOT_ATTEMPTED if before.outcome is Outcome.NOT_ATTEMPTED else Outcome.NOT_RUN
    return TestResult(check.name, float(check.points), 0.0, outcome,
                      f"{outcome.value}: waits on '{before.name}', which is {before.outcome.value}", check.visibility)


def over_budget(check: Check, seconds: float) -> TestResult:
    return TestResult(check.name, float(check.points), 0.0, Outcome.FAILED,
                      f"not run: grading this submission took more than {seconds:g} s in all; "
                      "look for slow loops or code that waits", check.visibility)


def grader_failed(check: Check, exc: Exception) -> TestResult:
    return TestResult(check.name, float(check.points), 0.0, Outcome.NOT_RUN,
                      f"not run: the grader failed on this test ({type(exc).__name__}: {exc}); not your fault, "
                      "please report it", check.visibility)
