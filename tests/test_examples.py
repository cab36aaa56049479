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


DRAWS = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
if len(sys.argv) > 2:  # other modules of one's own loaded first, as a batch, a script or a test run has
    sys.path.insert(0, sys.argv[2])
    import autograder.batch, autograder.cli, autograder.handout, constants_of_mine
from autograder import examples
from autograder.checks import CHECKS
digest = hashlib.sha256()
for check in CHECKS[:40]:
    for case in examples._draw(check.strategy, 3) if check.strategy else ():
        for value in vars(case).values():
            digest.update(repr(value).encode())
print(digest.hexdigest())
"""


def test_what_hypothesis_draws_does_not_depend_on_what_else_the_process_imported(tmp_path):
    """Hypothesis mixes constants from the source of the "local" modules a process has loaded into what it draws:
    a batch (which imports more of the grader's modules than `grade`) drew other inputs than `grade` from the same
    seed, where the example cache was cold, and every run left a .hypothesis folder where it started. Two processes
    that loaded different modules of their own draw the same examples, and leave nothing in their folder."""
    import subprocess
    import sys
    from pathlib import Path

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "constants_of_mine.py").write_text("SCALE = 123.456789\nOFFSET = -98765.4321\nSTEP = 0.000123\n")
    where = tmp_path / "cwd"
    where.mkdir()
    root = str(Path(__file__).resolve().parents[1])
    found = [subprocess.run([sys.executable, "-c", DRAWS, root, *extra], cwd=where, capture_output=True, text=True,
                            check=True, timeout=300).stdout for extra in ((), (str(mine),))]
    assert found[0] == found[1] and len(found[0].strip()) == 64, found
    assert not list(where.iterdir())


def test_a_failing_input_of_a_few_dozen_entries_is_shown_in_full():
    """A student replays a failure by hand from its input: a 5 x 5 batch, the one input of a failure a trial met, was
    shown as "..." (helper-214); a batch of 16 x 16 still is (its shape says what it is)."""
    from autograder.cases import describe

    small, large = np.arange(25.0).reshape(5, 5), np.zeros((16, 16))
    said = describe(A=small, B=large).splitlines()
    assert said[0].startswith("A (5, 5) = [[ 0.,  1.,") and "24.]]" in describe(A=small), said
    assert said[-1] == "B (16, 16) = ...", said
