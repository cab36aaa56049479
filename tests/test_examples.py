"""Hypothesis examples are drawn once per seed and kept: a kept list must grade exactly as a fresh draw."""
from __future__ import annotations

import numpy as np

from autograder import examples, runner
from autograder.cases import draw
from tests.catalogue import entries, materialize
from tests.test_grading import FAST


def grade(root, monkeypatch, cache):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(cache))
    return runner.grade(root, seed=7, submission="x", limits=FAST)


def test_kept_examples_are_the_drawn_examples(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path))
    first = examples.drawn(draw("loss_strategy"), seed=11)

    def no_draw(strategy, seed):
        raise AssertionError("the kept examples were not read back")

    monkeypatch.setattr(examples, "_draw", no_draw)
    kept = examples.drawn(draw("loss_strategy"), seed=11)
    assert len(list(tmp_path.glob("*.cases"))) == 1 and len(first) == len(kept) > 0
    for a, b in zip(first, kept):
        assert type(a) is type(b) and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("A", "Y", "A0", "Y0", "shift"))


def test_grading_from_kept_drawn_or_corrupt_examples_gives_the_same_results(tmp_path, monkeypatch):
    entry = next(e for e in entries("buggy") if e.name == "ce_softmax_axis0")
    root = materialize(entry, tmp_path / "sub")
    fresh = grade(root, monkeypatch, "off")
    cold = grade(root, monkeypatch, tmp_path / "cache")
    warm = grade(root, monkeypatch, tmp_path / "cache")
    for kept in (tmp_path / "cache").glob("*.cases"):
        kept.write_bytes(b"not an archive")
    corrupt = grade(root, monkeypatch, tmp_path / "cache")
    assert fresh.results == cold.results == warm.results == corrupt.results
    assert fresh.examples == warm.examples
