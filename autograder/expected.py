"""Where expected values come from.

Checks never call the reference directly: every value they compare with is an
`@expected` helper of (reference package, case). In official mode (`Official`)
the helper runs on the reference in `solutions/`, and can be recorded; in local
mode (`Local`, a student's handout, no solutions) the recorded value is read back
from the fixtures `make handout` wrote. A case with no recorded value raises
`NoFixture`: local mode cannot judge it against the reference, so it is skipped.
"""
from __future__ import annotations

import functools
import hashlib

import numpy as np


class NoFixture(Exception):
    """Local mode has no recorded expected value for this input."""


def fingerprint(case) -> str:
    """The identity of a case's contents: its arrays' dtypes, shapes and bytes."""
    digest = hashlib.sha256(type(case).__name__.encode())
    for name, value in vars(case).items():
        value = np.ascontiguousarray(value)
        digest.update(f"|{name}:{value.dtype.str}:{value.shape}|".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()[:32]


def expected(helper):
    """Declare a value computed from the reference for one case; call it as `helper(source, case)`.
    Memoised per (source, case): every check of a class asks for the same few values."""
    @functools.lru_cache(maxsize=4096)
    def value(source, case):
        return source.value(helper, case)

    value.key = helper.__module__.rsplit(".", 1)[-1] + "." + helper.__qualname__
    helper.key = value.key
    return value


class Recording:
    """What an official run used: inputs by key, expected values by helper and case (see fixtures.py)."""

    def __init__(self):
        self.inputs: dict[str, list] = {}
        self.values: dict[str, object] = {}


class Official:
    """Inputs made fresh from the seed, expected values from the reference package; with a
    `Recording`, both are also kept, for the handout's fixtures."""

    local = False

    def __init__(self, package, record: Recording | None = None):
        self.package, self.record = package, record

    def inputs(self, key: str, make) -> list:
        made = make()
        if self.record is not None:
            self.record.inputs[key] = made
        return made

    def value(self, helper, case):
        result = helper(self.package, case)
        if self.record is not None:
            self.record.values[f"{helper.key}:{fingerprint(case)}"] = result
        return result


class Local:
    """The inputs and expected values `make handout` recorded: a student's run without solutions."""

    local = True

    def __init__(self, inputs: dict[str, list], table: dict, seed: int, hidden: tuple[int, float]):
        self.recorded, self.table, self.seed, self.hidden = inputs, table, seed, hidden

    def inputs(self, key: str, make) -> list:
        return self.recorded.get(key, [])

    def value(self, helper, case):
        try:
            return self.table[f"{helper.key}:{fingerprint(case)}"]
        except KeyError:
            raise NoFixture(helper.key) from None
