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
from dataclasses import dataclass
from typing import Any, Callable

from ..compare import Failure
from ..sandbox import Bad, CaseResult


@dataclass(frozen=True)
class Check:
    name: str  # "Linear.forward: output Z": the class and method it grades, then what
    points: float
    body: Callable  # (case, ref) -> generator yielding a Script, receiving Outputs
    cases: Callable  # (numpy Generator) -> list of cases, seeded
    strategy: Any = None  # a hypothesis strategy of cases, for the property phase
    requires: tuple[str, ...] = ()  # earlier checks of the class that must pass first
    visibility: str = "visible"

    @property
    def cls(self) -> str:
        return self.name.split(".", 1)[0]


def check(name: str, *, points: float, cases: Callable, strategy=None, requires: str | tuple[str, ...] = (),
          visibility: str = "visible"):
    """Declare a check; the docstring of the body is not used, the name is the title."""

    def attach(body):
        needs = (requires,) if isinstance(requires, str) else tuple(requires)
        body.__check__ = Check(name, points, body, cases, strategy, needs, visibility)
        return body

    return attach


def collect(*modules, after: list[Check] = ()) -> list[Check]:
    """The checks declared in `modules`, in module order, then in source order; `after` are checks
    that come before them (their prerequisites may be among those)."""
    found = list(after)
    for module in modules:
        bodies = [v for v in vars(module).values() if hasattr(v, "__check__")]
        found += [b.__check__ for b in sorted(bodies, key=lambda b: b.__code__.co_firstlineno)]
    for i, check in enumerate(found):  # the runner applies prerequisites in order
        earlier = {c.name for c in found[:i] if c.cls == check.cls}
        for needed in check.requires:
            if needed not in earlier:
                raise ValueError(f"{check.name!r} requires {needed!r}, which is not an earlier check of its class")
    return found[len(after):]


def per_case(helper):
    """Memoise a helper of (reference, case) or (case): the checks of a class share their cases,
    so the script to run and the expected values are built once per case, not once per check."""
    return functools.lru_cache(maxsize=2048)(helper)


class NotAttempted(Failure):
    """Student code still raises NotImplementedError."""


class Outputs:
    """The values a script returned, by label; reading a missing one explains why it is missing."""

    def __init__(self, result: CaseResult):
        self.result = result

    def __getitem__(self, label: str):
        if label in self.result.values:
            return self.result.values[label]
        error = self.result.error
        if error is None:
            return Bad("nothing (the value was not produced)")
        if error.not_attempted:
            raise NotAttempted(f"not attempted: {error.op} raised NotImplementedError")
        if error.type == "WorkerDied":
            raise Failure(f"your code ended the worker process: it {error.msg}",
                          "look for exit(), infinite loops or huge allocations in the method named above")
        where = f" (at {error.where})" if error.where else ""
        raise Failure(f"{error.op} raised {error.type}: {error.msg}{where}")
