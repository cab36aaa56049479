"""Reference-free gradient checks: central differences of the student's own forward.

`slopes` adds to a script, for every entry of an input, two probes: the
function evaluated with that entry moved by +step and by -step. Once the
worker has answered, `Slopes.losses` turns the probes into a scalar loss each
and `Slopes.check` compares their central differences with what the student's
backward returned. A check first calls `matches_reference` on the probes'
losses: where the student's forward differs from the reference, its slopes say
nothing about backward, and the input is left out rather than charged.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..compare import FINITE_DIFFERENCES, VALUES, expect, matches
from ..record import record
from ..sandbox import Bad
from .base import Skip, Waiting


@record(frozen=True)
class Slopes:
    name: str
    shape: tuple
    step: float
    probes: tuple  # (label at +step, label at -step) per entry, in C order

    def losses(self, out, loss: Callable[[np.ndarray], float]) -> np.ndarray:
        """The loss at every probe: +step then -step, entry by entry. An input where forward raised at
        a probe is left out: only forward's own tests are charged for that."""
        try:
            return np.array([loss(value(out.peek(label))) for pair in self.probes for label in pair], dtype=np.float64)
        except Waiting as waiting:
            if not waiting.culprit.endswith(".forward"):
                raise  # no object to probe: nothing was judged
            # (a forward that hung or ended the worker at a probe too, as where it raised: helper-220's Softmax.forward
            # looping on batches of one lost its backward's finite differences, 1 point, where raising there lost none)
            raise Skip(f"forward {'raised' if waiting.raised else 'failed'} there ({waiting.message})",
                       waiting) from None  # (NotImplementedError too: where forward never returns, a test with
            # nothing judged is not attempted, runner._grade_checks)

    def check(self, label: str, got, out, loss) -> None:
        pairs = self.losses(out, loss).reshape(-1, 2)
        gradient = ((pairs[:, 0] - pairs[:, 1]) / (2 * self.step)).reshape(self.shape)
        if matches(gradient, np.zeros(gradient.shape), FINITE_DIFFERENCES):  # (helper-126: losses returning 0.0 and
            raise Skip(FLAT)  # zeros passed here where forward's loss was right, 0 at every probe)
        expect(f"{label} (compared with finite differences of your forward)", got, gradient, FINITE_DIFFERENCES)


FLAT = "every slope is 0 there (a flat loss): a backward returning zeros passes, so the input tells nothing"


def slopes(name: str, x: np.ndarray, step: float, probe: Callable[[np.ndarray], str]) -> Slopes:
    """Probe `x` entry by entry; `probe(x_moved)` adds the evaluation to the script (as a soft call, so
    that a forward that raises does not stop the case) and returns its label."""
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
    """A probe's output as floats; an input where forward gave nothing usable is left out."""
    if isinstance(got, Bad):
        raise Skip(f"forward returned {got.what} there, so its slopes say nothing about backward")
    return got.astype(np.float64)


def matches_reference(got: np.ndarray, reference: np.ndarray) -> None:
    """Leave the input out unless the student's forward gave the reference's loss at every probe, and
    the same change of loss across each pair of probes (+step, -step): on a large loss, a forward wrong
    only in how one entry moves it can stay within the losses' tolerance, and its slopes are wrong."""
    if not matches(got, reference, VALUES) or not matches(_differences(got), _differences(reference),
                                                           FINITE_DIFFERENCES):
        raise Skip("forward differs from the reference there, so its slopes say nothing about backward")


def _differences(losses: np.ndarray) -> np.ndarray:
    pairs = losses.reshape(-1, 2)
    return pairs[:, 0] - pairs[:, 1]
