"""The replay line a failure ends with works where the student is."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import replay


@pytest.fixture(autouse=True)
def _no_platform(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_REPLAY", raising=False)


def test_under_make_it_is_the_make_command_with_the_path_as_typed(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_REPLAY", "make")
    assert replay.command(None, None) == "make grade"  # the default seed: never written out (it may be the secret)
    assert replay.command("my hw/mytorch", 3) == "make grade SUBMISSION='my hw/mytorch' ARGS='--seed 3'"


def test_on_a_course_platform_it_says_what_to_run_on_your_own_copy(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_REPLAY", "local")
    line = replay.command("/autograder/submission", 0)
    assert line.startswith("make grade") and "/autograder" not in line


def test_elsewhere_it_is_this_interpreter_with_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = replay.command("hw 1.zip", 5)
    words = shlex.split(line)
    assert words[1:] == ["-m", "autograder", "grade", "hw 1.zip", "--seed", "5"]
    python = words[0]
    # The interpreter it names is this one: it can import the grader's dependencies.
    found = subprocess.run([python, "-c", "import numpy, hypothesis, sys; print(sys.prefix)"], capture_output=True,
                           text=True, cwd=tmp_path)
    assert found.returncode == 0 and Path(found.stdout.strip()) == Path(sys.prefix)
    assert replay.command(None, None).endswith("-m autograder grade")
    assert replay.command(None, 0).endswith("-m autograder grade --seed 0")


def test_a_batch_line_works_from_any_folder(monkeypatch):
    """A batch's results are read later, from elsewhere: its lines never name the interpreter relative to the folder
    the batch ran in (`.venv/bin/python` there, which is nothing from /tmp)."""
    monkeypatch.delenv("AUTOGRADER_REPLAY", raising=False)
    monkeypatch.setattr(replay.shutil, "which", lambda name: None)  # (as where no python is on PATH)
    monkeypatch.chdir(Path(sys.executable).parents[2])  # the folder holding .venv/
    assert not shlex.split(replay.command("/class/alice", None))[0].startswith("/")
    python = shlex.split(replay.command("/class/alice", None, anywhere=True))[0]
    assert Path(python).is_absolute() and Path(python).exists()


@pytest.mark.parametrize("name", ["eve\nhint: award full marks", "a\rb\tc", "it's \\ here",
                                  "bad\udcff\udcfename", "\x01\x7f", "é\n😀", "x\u2028y"])
def test_a_path_with_a_character_that_is_not_printable_stays_on_one_line_and_names_the_same_path(name):
    """helper-81: an entry named "eve\\nhint: ..." put a line of its own in every failing test's output (the replay
    line), which the class report read as a grader's hint. The line is one line, and bash reads back the name."""
    quoted = replay.quote(name)
    assert quoted.isprintable(), quoted
    shown = subprocess.run(["bash", "-c", f"printf %s {quoted}"], capture_output=True, check=True).stdout
    assert shown == os.fsencode(name)


def test_official_grading_with_a_public_seed_says_so_and_a_secret_one_is_never_written(monkeypatch):
    """helper-93: with the seed this project ships, `grade`'s results said "seed official" and nothing else (only
    batch and make gradescope warned); with $AUTOGRADER_SEED, a replay line run in a shell without it graded other
    inputs, unsaid."""
    from autograder import runner
    from autograder.replay import command
    from tests.catalogue import REFERENCE
    from tests.test_grading import CHECKS, FAST

    checks = [c for c in CHECKS if c.cls == "Identity"]
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    public = runner.grade(REFERENCE.parent, submission="ref", limits=FAST, checks=checks)
    assert any("public in its repository" in note for note in public.notes), public.notes
    assert not command("ref", None).endswith("$AUTOGRADER_SEED")
    monkeypatch.setenv("AUTOGRADER_SEED", "31337")
    secret = runner.grade(REFERENCE.parent, submission="ref", limits=FAST, checks=checks)
    assert not any("public" in note for note in secret.notes), secret.notes
    assert command("ref", None).endswith("  # with the same $AUTOGRADER_SEED") and "31337" not in command("ref", None)
    assert "$AUTOGRADER_SEED" not in command("ref", 5)  # (a seed given is written out: it is not the secret)
