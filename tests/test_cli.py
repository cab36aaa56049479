"""The command line as a student, an instructor and CI use it (the runner is faked)."""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import types
from pathlib import Path

import pytest

import autograder
from autograder import cli
from autograder.report import Outcome, Report
from autograder.report import TestResult as Result  # not collected by pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    (tmp_path / "repo" / "mytorch" / "nn").mkdir(parents=True)
    (tmp_path / "repo" / "mytorch" / "__init__.py").write_text("")
    (tmp_path / "repo" / "mytorch" / "nn" / "linear.py").write_text("class Linear: ...\n")
    return tmp_path / "repo"


@pytest.fixture
def runner(monkeypatch):
    """A fake `autograder.runner` that records its calls and returns a fixed report."""
    fake = types.ModuleType("autograder.runner")
    fake.calls = []

    def grade(root: Path, *, seed: int, submission: str, notes=(), assignment=None) -> Report:
        fake.calls.append({"root": root, "seed": seed, "submission": submission,
                           "files": sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))})
        if fake.error:
            raise fake.error
        return Report(submission=submission, seed=seed, execution_time=0.5, results=(
            Result("Linear.forward: output Z", 5.0, 0.0, Outcome.FAILED, "Z is wrong"),
            Result("ReLU.forward: output A", 5.0, 0.0, Outcome.NOT_ATTEMPTED),
        ))

    fake.grade, fake.error = grade, None
    monkeypatch.setitem(sys.modules, "autograder.runner", fake)
    monkeypatch.setattr(autograder, "runner", fake, raising=False)
    return fake


def test_grade_prints_the_table_and_exits_0_whatever_the_score(submission, runner, capsys):
    assert cli.main(["grade", str(submission)]) == 0
    out = capsys.readouterr().out
    assert "Score: 0.0 / 10.0" in out and "Linear.forward: output Z" in out
    call = runner.calls[0]
    assert call["seed"] is None and call["submission"] == str(submission)  # the runner picks the official one
    assert call["files"] == ["mytorch/__init__.py", "mytorch/nn/linear.py"]
    assert not call["root"].exists(), "the temporary copy is removed after grading"


def test_default_submission_is_mytorch_in_the_working_directory(submission, runner, monkeypatch, capsys):
    monkeypatch.chdir(submission)
    assert cli.main(["grade", "--seed", "5"]) == 0
    assert runner.calls[0]["seed"] == 5 and runner.calls[0]["submission"] is None  # as the user gave it: nothing


@pytest.mark.parametrize("fmt", ["gradescope", "autolab", "junit", "text"])
def test_every_format_goes_to_stdout(submission, runner, capsys, fmt):
    assert cli.main(["grade", str(submission), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "gradescope":
        assert len(json.loads(out)["tests"]) == 2
    if fmt == "autolab":
        assert set(json.loads(out.splitlines()[-1])["scores"]) == {"Linear.forward: output Z", "ReLU.forward: output A"}


def test_output_file_gets_the_format_and_stdout_the_table(submission, runner, tmp_path, capsys):
    target = tmp_path / "results" / "deep" / "results.json"
    assert cli.main(["grade", str(submission), "--format", "gradescope", "--output", str(target)]) == 0
    assert json.loads(target.read_text())["max_score"] == 10.0
    assert capsys.readouterr().out.startswith("mytorch autograder:")
    assert [p.name for p in target.parent.iterdir()] == ["results.json"], "no temporary file left behind"


def test_output_that_is_a_pipe_or_a_link_is_written_to_not_replaced(submission, runner, tmp_path, capsys):
    """helper-139: --output /dev/full, as root, put a regular file in the device's place (the results were written
    beside it and renamed over it), and --output /dev/stdout sent nothing to the output. A named pipe, a device or a
    link is written through (a named pipe stands for the device here: the test must not risk a machine's /dev);
    the link stays a link."""
    import stat
    import threading

    fifo = tmp_path / "results.pipe"
    os.mkfifo(fifo)
    read = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text()), daemon=True)
    reader.start()
    assert cli.main(["grade", str(submission), "--format", "gradescope", "--output", str(fifo)]) == 0
    reader.join(30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and read, "the pipe was replaced, not written to"
    assert json.loads(read[0])["max_score"] == 10.0
    target, link = tmp_path / "kept" / "results.json", tmp_path / "link.json"
    target.parent.mkdir()
    target.write_text("old")
    link.symlink_to(target)
    assert cli.main(["grade", str(submission), "--format", "gradescope", "--output", str(link)]) == 0
    assert link.is_symlink() and json.loads(target.read_text())["max_score"] == 10.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "link.json", "repo", "results.pipe"]
    capsys.readouterr()


def test_output_that_is_a_folder_is_refused_before_grading(submission, runner, tmp_path, capsys):
    assert cli.main(["grade", str(submission), "--output", str(tmp_path)]) == 2
    assert runner.calls == [] and "is a folder" in capsys.readouterr().err


def test_output_under_a_file_is_refused_before_grading(submission, runner, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("")
    assert cli.main(["grade", str(submission), "--output", str(tmp_path / "notes.txt" / "results.json")]) == 2
    err = capsys.readouterr().err
    assert runner.calls == [] and err.strip().endswith("notes.txt is a file, not a folder") and len(err.splitlines()) == 1


def test_output_where_nothing_can_be_written_is_refused_before_grading(submission, runner, capsys):
    """A newcomer's `--output /proc/nope/x.json` printed the whole report, then the error: a folder that cannot be
    made is said first, in one line."""
    assert cli.main(["grade", str(submission), "--output", "/proc/nope/results.json"]) == 2
    err = capsys.readouterr().err
    assert runner.calls == [] and err.startswith("error: cannot write /proc/nope/results.json") \
        and len(err.splitlines()) == 1, err
    # (a folder that is there but takes no file: os.access says yes to root for /proc, helper-84)
    assert cli.main(["grade", str(submission), "--output", "/proc/results.json"]) == 2
    err = capsys.readouterr().err
    assert runner.calls == [] and err.startswith("error: cannot write /proc/results.json") \
        and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("argv", [
    ["grade", "--format", "xml"], ["grade", "--seed", "-1"], ["grade", "--seed", "1.5"],
    ["grade", "--bogus"], [], ["frobnicate"],
])
def test_usage_errors_exit_2_with_one_line(argv, runner, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.splitlines()) == 1 and "error:" in err
    assert runner.calls == []


def test_missing_submission_exits_2_with_one_line(tmp_path, runner, capsys):
    assert cli.main(["grade", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: not found: {tmp_path / 'nope'}\n"


@pytest.mark.parametrize("argv", [["grade", ""], ["batch", ""]], ids=["grade", "batch"])
def test_an_empty_path_is_refused_in_one_line_not_taken_for_the_default(argv, runner, capsys, tmp_path, monkeypatch):
    """`grade "$SUBMISSION"` with the variable unset graded ./mytorch without a word (and `batch ""` took the current
    folder for the class): an empty path is said to be one."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert runner.calls == [] and err.startswith("error: SUBMISSION") and " is empty: " in err \
        and len(err.splitlines()) == 1, err


def test_batch_of_a_missing_folder_is_one_line(capsys, tmp_path):
    assert cli.main(["batch", str(tmp_path / "none"), "--jobs", "4", "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not found: " in err and len(err.strip().splitlines()) == 1


def test_a_grader_bug_is_one_line_not_a_traceback(submission, runner, capsys, monkeypatch):
    runner.error = ValueError("boom\nsecond line")
    monkeypatch.delenv("AUTOGRADER_DEBUG", raising=False)
    assert cli.main(["grade", str(submission)]) == 1
    assert capsys.readouterr().err == "internal error: ValueError: boom second line (please report this)\n"
    monkeypatch.setenv("AUTOGRADER_DEBUG", "1")
    with pytest.raises(ValueError, match="boom"):
        cli.main(["grade", str(submission)])


@pytest.mark.parametrize("argv, message", [
    (["grade", "--format", "xml"], "invalid choice: 'xml'"),
    (["grade", "does/not/exist"], "error: not found: does/not/exist"),
])
def test_python_dash_m_usage_errors(tmp_path, argv, message):
    proc = subprocess.run([sys.executable, "-m", "autograder", *argv], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and message in proc.stderr and "Traceback" not in proc.stderr


def test_output_cut_short_by_a_closed_pipe_is_no_internal_error(tmp_path):
    """`python -m autograder assignments | head -3`: the reader stops reading; that is no bug of ours to report."""
    done = subprocess.run(f"{shlex.quote(sys.executable)} -m autograder assignments | head -1", shell=True,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.startswith("mytorch") and "internal error" not in done.stderr, done.stderr


@pytest.mark.parametrize("command", [["-m", "autograder", "grade"], ["-m", "autograder", "batch", "x"],
                                     ["-m", "autograder", "assignments"], ["-m", "autograder", "handout"],
                                     ["-m", "autograder.package"]], ids=lambda c: " ".join(c[1:]))
def test_a_python_without_numpy_gets_one_line_saying_so(command):
    """The README's commands run with a Python that has not the grader's dependencies (python -S: no
    site-packages): one line naming what is missing and how to get it, never a traceback or a wrong reason."""
    done = subprocess.run([sys.executable, "-S", *command], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: the grader needs numpy") and "make grade" in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr and not done.stdout


def test_an_archive_members_name_reaches_the_terminal_without_its_escape_codes(tmp_path, capsys):
    """`grade` on an archive whose refused member is named with escape codes printed them raw in its `error:` line
    (a hostile trial: a window title set, the line erased, a fake "Score: 100.0 / 100.0", the rest hidden)."""
    import io
    import tarfile

    archive = tmp_path / "esc.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"#" * (1 << 21)
        info = tarfile.TarInfo("mytorch/\x1b]0;PWNED\x07\x1b[2K Score: 100.0 / 100.0\x1b[8m.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert cli.main(["grade", str(archive)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Score: 100.0" in err and "\x1b" not in err and "\x07" not in err, err
