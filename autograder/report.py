"""What grading produced: one `TestResult` per test and the `Report` around them.

Writers turn a `Report` into text and compute nothing; the runner is the only
place that builds one.
"""
from __future__ import annotations

import enum

from .record import field, record


class Outcome(str, enum.Enum):
    """The state of one test. Only PASSED earns points."""

    PASSED = "passed"
    FAILED = "failed"  # the submission ran and was wrong (or crashed)
    NOT_ATTEMPTED = "not attempted"  # the method still raises NotImplementedError
    NOT_RUN = "not run"  # a prerequisite failed, or the grader itself broke: not the student's fault


@record(frozen=True)
class TestResult:
    """One test's verdict, as every output format reports it."""
    name: str  # "Linear.forward: output Z"; starts with Class.method
    max_score: float
    score: float
    outcome: Outcome
    output: str = ""  # what a student reads to act on a failure
    visibility: str = "visible"  # Gradescope: visible | hidden | after_due_date | after_published
    # A passed test's (classes, failed result): its result instead where every test of those classes passed
    # (checks.base.Unless; runner.grade applies it, and no report shows it)
    unless: tuple = field(default=(), compare=False, repr=False)

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@record(frozen=True)
class Report:
    """A whole run: every test's result, and what the run was (submission, seed, sandbox, notes)."""
    submission: str  # the path as given on the command line
    seed: int
    results: tuple[TestResult, ...]
    execution_time: float = 0.0
    examples: int = 0  # inputs checked in total, for `make bench`
    notes: tuple[str, ...] = field(default_factory=tuple)  # run-level messages (e.g. "mytorch failed to import")
    hidden: tuple[int, float] = (0, 0.0)  # in local mode: tests (and their points) graded only officially
    isolation: tuple[tuple[str, bool], ...] = ()  # the sandbox's confinement layers, and whether each held
    replay: str = ""  # the command that replays this run where the student is
    local: bool = False  # graded against a handout's recorded fixtures (a student's own machine)
    secret_seed: bool = False  # `seed` is the course's secret: reports name it, never show it
    assignment: str = "mytorch"  # which assignment it was graded as

    @property
    def seed_shown(self) -> str:
        return "official" if self.secret_seed else str(self.seed)

    @property
    def isolation_note(self) -> str:
        """'full', which confinement layers this machine could not give the worker, or 'not run' (no worker ran:
        the submission was not gradable)."""
        if not self.isolation:
            return "not run"
        missing = [name for name, held in self.isolation if not held]
        return "full" if not missing else "weaker than full: no " + ", no ".join(missing)

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 4)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.results), 4)

    @property
    def hidden_note(self) -> str:
        """In local mode, what this run did not grade; empty when every test ran."""
        tests, points = self.hidden
        if not tests:
            return ""
        return (f"public tests only: {tests} hidden test{'s' * (tests != 1)} worth {points:g} points "
                "run only in the official grading, not here")
