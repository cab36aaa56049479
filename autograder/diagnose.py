"""Naming a student's mistake from the wrong answer alone.

When a value fails, `compare.expect` tries it against wrong answers derived
from the expected value: first those a check knows for its quantity (a missing
bias, softmax over the wrong axis, ReLU's derivative 1 at 0...), then the
generic ones below (transposed, scaled by N or 1/N, sign-flipped). The first
match is said in plain words, with a pointer to the part of the handout that
has the rule; when nothing matches, no diagnosis is shown.
"""
from __future__ import annotations

import numpy as np

NON_FINITE = "non-finite"  # a known wrong answer: inf or NaN where the reference is finite
SHAPES = "see the handout's Shapes table"
MATH = "see the handout's math section"
_SHAPE_WORDS = ("shape", "transposed", "column", "a row", "(C_out", "(N,", "scalar")


def pointer(words: str) -> str:
    """The handout section that has the rule a diagnosis refers to."""
    return SHAPES if any(w in words for w in _SHAPE_WORDS) else MATH


def with_pointer(words: str) -> str:
    return words if "handout" in words else f"{words} ({pointer(words)})"


def generic(label: str, expected: np.ndarray, batch: int | None = None) -> list[tuple[np.ndarray, str]]:
    """Wrong answers any quantity can have: (value, what it means)."""
    if expected.size == 0 or not np.any(expected):
        return []  # every transform of zeros is zeros: nothing to tell apart
    found = []
    if expected.ndim == 2 and not np.array_equal(expected, expected.T):
        found.append((expected.T, f"{label} equals the expected value transposed: "
                                  f"{label} must have shape {tuple(expected.shape)}"))
    if batch and batch > 1:
        found.append((expected * batch, f"{label} is N = {batch} times the expected value: a division by N "
                                        "(the batch size) is missing"))
        found.append((expected / batch, f"{label} is the expected value divided by N = {batch} once more "
                                        "than it should be"))
    found.append((-expected, f"{label} has the opposite sign of the expected value"))
    return found
