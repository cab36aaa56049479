"""Reference-free gradient checks: central differences of the student's own forward.

`slopes` adds to a script, for every entry of an input, two probes: the
function evaluated with that entry moved by +step and by -step. Once the
worker has answered, `Slopes.gradient` turns the probes into the numerical
gradient of a scalar loss, to compare with what the student's backward returned.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..compare import FINITE_DIFFERENCES, Failure, expect
from ..sandbox import Bad


@dataclass(frozen=True)
class Slopes:
    name: str
    shape: tuple
    step: float
    probes: tuple  # (label at +step, label at -step) per entry, in C order

    def gradient(self, out, loss: Callable[[np.ndarray], float]) -> np.ndarray:
        grad = [(loss(value(out[plus])) - loss(value(out[minus]))) / (2 * self.step) for plus, minus in self.probes]
        return np.array(grad, dtype=np.float64).reshape(self.shape)

    def check(self, label: str, got, out, loss) -> None:
        expect(f"{label} (compared with finite differences of your forward)", got, self.gradient(out, loss),
               FINITE_DIFFERENCES)


def slopes(name: str, x: np.ndarray, step: float, probe: Callable[[np.ndarray], str]) -> Slopes:
    """Probe `x` entry by entry; `probe(x_moved)` adds the evaluation to the script and returns its label."""
    probes = []
    for k in range(x.size):
        pair = []
        for sign in (1.0, -1.0):
            moved = x.astype(np.float64, copy=True)
            moved.flat[k] += sign * step
            pair.append(probe(moved))
        probes.append(tuple(pair))
    return Slopes(name, x.shape, step, tuple(probes))


def value(got) -> np.ndarray:
    """A probe's output as floats, or a failure saying forward is unusable for the check."""
    if isinstance(got, Bad):
        raise Failure(f"forward returned {got.what}, so backward cannot be checked against it")
    return got.astype(np.float64)
