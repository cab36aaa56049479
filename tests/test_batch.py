"""`batch`: a whole class graded at once, with the verdicts each entry gets graded alone."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder import assignments, batch, reference, runner
from autograder.record import replace
from autograder.submission import prepare
from tests.catalogue import entries, materialize
from tests.test_grading import FAST, POINTS
from tests.test_sandbox import CHAIN

REPO = Path(__file__).resolve().parents[1]


class Quiet:
    """A progress report that says nothing (and counts)."""

    def __init__(self):
        self.seen = []

    def update(self, entry, row):
        self.seen.append(entry.stem)

    def close(self):
        pass


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*.py")):
            zf.write(path, path.relative_to(folder))


def _class(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """A folder of entries of every kind: correct (a folder, a zip), buggy, hostile, unreadable, empty,
    and an odd name; with, for each gradable entry, the folder it was made from."""
    source = tmp_path / "class"
    source.mkdir()
    made = tmp_path / "made"
    chosen = {e.name: e for e in entries() if e.name in
              ("linear_no_bias", "relu_derivative_ge_zero", "ce_softmax_axis0",
               "exit_in_method", "numpy_monkeypatch", "os_exit_at_import")}
    assert len(chosen) == 6, sorted(chosen)
    origin = {}
    for name, entry in chosen.items():
        origin[name] = materialize(entry, made / name)
        shutil.copytree(origin[name], source / name)
    correct = materialize(next(e for e in entries("correct")), made / "correct")
    shutil.copytree(correct, source / "alice")
    origin["alice"] = correct
    _zip(correct, source / "bob.zip")
    origin["bob"] = correct
    shutil.copytree(correct, source / "Zoë <o'neil>")
    origin["Zoë <o'neil>"] = correct
    (source / "dave.zip").write_bytes(b"not a zip at all")
    (source / "eve").mkdir()
    return source, origin


def _said(output: str) -> list[str]:
    """A test's output but its replay line (which names the entry as the batch or the test grades it)."""
    return [line for line in output.splitlines() if not line.startswith("replay:")]


def test_a_class_gets_a_row_per_entry_and_each_the_verdicts_it_gets_alone(tmp_path):
    source, origin = _class(tmp_path)
    out = tmp_path / "graded"
    quiet = Quiet()
    summary = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=quiet)
    stems = sorted(e.stem for e in batch.entries(source))
    assert summary == {"entries": len(stems), "finished": len(stems), "graded": len(stems) - 2, "kept": 0,
                       "interrupted": False, "not_gradable": ["dave", "eve"], "notes": []}
    assert sorted(quiet.seen) == stems
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == stems
    assert rows["dave"]["score"] == "" and "not a zip" in rows["dave"]["error"].lower() or "zip" in rows["dave"]["error"]
    assert rows["eve"]["score"] == "" and "no mytorch/" in rows["eve"]["error"]
    assert (rows["bob"]["file"], rows["alice"]["file"], rows["dave"]["file"]) == ("bob.zip", "alice", "dave.zip")
    tests = [c for c in rows["eve"] if ":" in c]  # (the test columns: no 0 it did not earn either)
    assert tests and all(rows["eve"][c] == "" for c in tests) and all(rows["alice"][c] != "" for c in tests)
    stem_of = {e.name: e.stem for e in batch.entries(source)}
    assert rows[stem_of["Zoë <o'neil>"]]["name"] == "Zoë <o'neil>" and stem_of["Zoë <o'neil>"].startswith("Zoe_o_neil-")
    for stem in stems:
        results = json.loads((out / f"{stem}.json").read_text())
        assert [t["name"] for t in results["tests"]] == list(POINTS)  # every test, even when not gradable
    for name, folder in origin.items():  # the same seed, one entry at a time: the same verdicts
        stem = stem_of[name]
        alone = runner.grade(prepare(folder, tmp_path / "alone" / stem), seed=0, submission=stem, limits=FAST)
        results = json.loads((out / f"{stem}.json").read_text())
        assert results["score"] == alone.score, stem
        assert [(t["name"], t["score"], t["status"]) for t in results["tests"]] == \
            [(r.name, r.score, "passed" if r.passed else "failed") for r in alone.results], stem
        # (what each test says too, inputs counted and notes: a grading process judges a reply it has seen, to
        # the bit, for the same input once, and counts it again for every later entry; alice, bob and Zoë are one)
        assert [_said(t["output"]) for t in results["tests"]] == [_said(r.output) for r in alone.results], stem
        assert float(rows[stem]["score"]) == alone.score
        assert float(rows[stem][next(iter(POINTS))]) == alone.results[0].score
    assert float(rows["alice"]["score"]) == 100.0 and float(rows["linear_no_bias"]["score"]) < 100


def test_a_rerun_grades_only_what_changed(tmp_path):
    source, _ = _class(tmp_path)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    first = (out / "grades.csv").read_text()
    again = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == again["entries"] and again["graded"] == again["entries"] - 2  # (unreadable: kept too)
    assert (out / "grades.csv").read_text() == first  # the same rows, reasons and times
    linear = source / "alice" / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace("return A @ self.W.T + ones @ self.b.T", "return A @ self.W.T"))
    changed = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert changed["kept"] == again["kept"] - 1
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert float(rows["alice"]["score"]) < 100 and float(rows["bob"]["score"]) == 100
    assert "official" not in (out / batch.STATE).read_text() and first  # (another seed: the test after the next)


def test_a_gradescope_export_names_its_students(tmp_path):
    export = tmp_path / "download" / "assignment_1_export"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, export / "submission_111")
    _zip(correct, tmp_path / "upload.zip")
    (export / "submission_222").mkdir(parents=True)
    shutil.copy(tmp_path / "upload.zip", export / "submission_222" / "hw1.zip")
    (export / "submission_metadata.yml").write_text(
        "submission_111:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '1'\n    :email: ada@example.edu\n"
        "  :score: 0\nsubmission_222:\n  :submitters:\n  - :name: Alan Turing\n  - :name: Grace Hopper\n")
    out = tmp_path / "graded"
    batch.run(tmp_path / "download", out, jobs=1, seed=0, limits=FAST, progress=Quiet())  # as unpacked, top folder too
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert {r["name"] for r in rows.values()} == {"Ada Lovelace", "Alan Turing & Grace Hopper"}
    assert rows["submission_111"]["sid"] == "1" and rows["submission_111"]["email"] == "ada@example.edu"
    assert all(float(r["score"]) == 100 for r in rows.values())


def test_what_has_no_row_is_said_and_a_macos_folder_is_not(tmp_path):
    """helper-176: a student the export's metadata lists with no folder, and the results an earlier run kept of an
    entry no longer there (removed with it), went unsaid; a __MACOSX folder was said to be hidden, "rename it"."""
    export = tmp_path / "export"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for folder in ("submission_111", "submission_222"):
        shutil.copytree(correct, export / folder)
    (export / "__MACOSX" / "submission_111").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(
        "submission_111:\n  :submitters:\n  - :name: Ada Lovelace\nsubmission_222:\n  :submitters:\n  - :name: Alan "
        "Turing\nsubmission_333:\n  :submitters:\n  - :name: Grace Hopper\n")
    notes: list = []
    assert [e.name for e in batch.entries(export, None, notes)] == ["Ada Lovelace", "Alan Turing"]
    assert notes == ["submission_metadata.yml lists 1 submission with no folder here, so no row: Grace Hopper "
                     "(submission_333) (an export unpacked in part?)"], notes
    out = tmp_path / "graded"
    batch.run(export, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    shutil.rmtree(export / "submission_222")
    summary = batch.run(export, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert ("results removed of 1 entry an earlier run graded and " f"{export} no longer holds: submission_222"
            in summary["notes"]), summary["notes"]
    assert not [n for n in summary["notes"] if "__MACOSX" in n]


def test_a_rerun_with_another_seed_says_it_replaces_the_results(tmp_path):
    """helper-186: a rerun with another --seed (to replay one student) regraded the class into the same --output, its
    official grades replaced, and said nothing."""
    source = tmp_path / "class"
    materialize(next(e for e in entries("correct")), source / "alice")
    out = tmp_path / "graded"
    first = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    other = batch.run(source, out, jobs=1, seed=7, limits=FAST, progress=Quiet())
    said = [note for run in (first, again) for note in run["notes"] if "another seed" in note]
    assert not said, said
    assert again["kept"] == 1 and other["kept"] == 0  # (graded again: what is kept is for its seed only)
    assert any(f"1 entry in {out} was graded with another seed" in note for note in other["notes"]), other["notes"]


def test_a_long_gradescope_name_folded_over_lines_is_one_name(tmp_path):
    """helper-81: Psych (as libyaml) folds a long quoted name over lines; read line by line, a name holding
    ':name: Alice Smith ... :sid: 1001 ... :email: alice@...' put Alice's name and ids on Eve's row. The metadata is
    read as the YAML it is (a tag of Ruby's read as nothing)."""
    import yaml

    export = tmp_path / "export"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for n in (101, 103):
        shutil.copytree(correct, export / f"submission_{n}")
    eve = ("Eve" + "e" * 75 + " :name: Alice Smith #" + "x" * 62 + " :sid: 1001 #" + "y" * 70
           + " :email: alice@example.edu #")
    people = {101: ("Alice Smith", "1001", "alice@example.edu"), 103: (eve, "1003", "eve@example.edu")}
    text = yaml.dump({f"submission_{n}": {":submitters": [{":name": name, ":sid": sid, ":email": email}],
                                          ":score": 1.0} for n, (name, sid, email) in people.items()},
                     Dumper=getattr(yaml, "CDumper", yaml.Dumper), default_flow_style=False, sort_keys=False)
    assert "\n" in text.split(":name: Alice Smith #")[0].rsplit(":name:", 1)[1]  # (folded, as the trial found it)
    text = text.replace(":score: 1.0", ":score: !ruby/object:BigDecimal 18:0.1e1")
    (export / "submission_metadata.yml").write_text(text)
    out = tmp_path / "graded"
    batch.run(export, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert (rows["submission_101"]["name"], rows["submission_101"]["sid"]) == ("Alice Smith", "1001")
    assert (rows["submission_103"]["name"], rows["submission_103"]["sid"]) == (eve[:batch.FIELD_MOST], "1003")
    assert rows["submission_103"]["email"] == "eve@example.edu"


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", "batch", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_batch_usage_errors_are_one_line(tmp_path):
    one = materialize(next(e for e in entries("correct")), tmp_path / "alice")
    (tmp_path / "carol.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    for args, words in [((), "required"), ((str(tmp_path / "missing"),), "not found: "),
                        ((str(tmp_path / "carol.zip"),), "one student's archive is graded with `python -m autograder "
                                                         "grade"),
                        ((str(tmp_path / "empty"), "--jobs", "0"), "positive integer"),
                        ((str(tmp_path / "empty"),), "no submissions"), ((str(one),), "is one submission"),
                        ((str(tmp_path), "--output", ""), "--output is empty"),  # (helper-74: "" wrote the gradebook
                        ((str(tmp_path), "--assignment", ""), "--assignment is empty"),  # into the current folder)
                        ((str(tmp_path), "--output", "/proc"), "cannot write in --output /proc")]:  # (helper-84: a
        # folder that is there but takes no file stopped the batch after its first entry, "internal error")
        (tmp_path / "empty").mkdir(exist_ok=True)
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
    assert not (tmp_path / "grades.csv").exists()


def test_a_class_moved_to_another_folder_is_graded_again_as_its_results_name_the_old_one(tmp_path):
    """helper-74: a class copied to a new folder and graded into the same output kept every result, whose replay
    lines (and an unreadable entry's reason) named the old folder: 'grade /tmp/class/carol'."""
    source, _ = _class(tmp_path)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    moved = tmp_path / "moved"
    shutil.copytree(source, moved, symlinks=True)
    again = batch.run(moved, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == 0
    text = "".join(path.read_text() for path in out.glob("*.json"))
    assert str(moved) in text and f"{source}/" not in text
    assert batch.run(moved, out, jobs=2, seed=0, limits=FAST, progress=Quiet())["kept"] == again["entries"]


def _interruptible() -> None:
    """A batch started as a user starts it, from a shell where Ctrl-C works: a suite run in the background of a
    non-interactive shell (`make test &`, as some CI runners do) inherits SIGINT ignored, and so would the batch."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _state_names_an_entry(out) -> bool:
    try:
        return bool(json.loads((out / batch.STATE).read_text())["entries"])
    except (OSError, ValueError, KeyError):
        return False


def _interruptible_group() -> None:
    """As `_interruptible`, leading a process group of its own, as `timeout` makes one (it signals the group)."""
    _interruptible()
    os.setpgrp()


INTERRUPTED = 12  # entries of the class interrupted (one at a time: Ctrl-C comes once the first finished)


@pytest.mark.parametrize("sig, code, said", [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")],
                         ids=["Ctrl-C", "SIGTERM"])
def test_ctrl_c_leaves_the_gradebook_of_what_finished(tmp_path, sig, code, said):
    """Ctrl-C, and SIGTERM to the whole process group as `timeout` or a cancelled CI job sends it (helper-149: it
    left each entry's results but no grades.csv nor report.html)."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for i in range(INTERRUPTED):
        shutil.copytree(correct, source / f"student{i:02d}")
    for attempt in range(3):  # (a loaded machine may stall the batch's first results file until all are done:
        out = tmp_path / f"graded{attempt}"  # Ctrl-C then comes too late to test anything; try again)
        temporary = tmp_path / f"tmp{attempt}"
        temporary.mkdir()
        proc = subprocess.Popen([sys.executable, "-m", "autograder", "batch", str(source), "--output", str(out),
                                 "--jobs", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary)},
                                preexec_fn=_interruptible if sig == signal.SIGINT else _interruptible_group)
        began = time.monotonic()
        while not _state_names_an_entry(out) and time.monotonic() - began < 120:  # (the state is written first
            time.sleep(0.05)  # thing, empty: Ctrl-C once an entry finished)
        if sig == signal.SIGINT:
            proc.send_signal(sig)
        else:
            os.killpg(proc.pid, sig)
        done, err = proc.communicate(timeout=60)
        if proc.returncode == 0 and f"{INTERRUPTED} of {INTERRUPTED} submissions done" in done:
            continue
        break
    assert proc.returncode == code, (f"SIGINT here: {signal.getsignal(signal.SIGINT)}, blocked: "
                                    f"{signal.pthread_sigmask(signal.SIG_BLOCK, [])}\n{err}")
    book = list(csv.DictReader((out / "grades.csv").open()))
    state = json.loads((out / batch.STATE).read_text())["entries"]
    rows = [row for row in book if row["error"] != batch.PENDING]  # (a row for every entry: helper-130's gradebook
    assert len(book) == INTERRUPTED and 1 <= len(rows) < INTERRUPTED  # had shrunk to what finished)
    assert len(state) == len(rows)
    assert all(float(r["score"]) == 100 for r in rows)
    assert all(row["score"] == "" and all(row[c] == "" for c in row if ":" in c) for row in book if row not in rows)
    assert "interrupted" in err
    report = (out / "report.html").read_text()
    assert f"interrupted ({said}): {len(rows)} of the {INTERRUPTED} entries finished" in report
    left = sorted(row["name"] for row in book if row not in rows)  # (helper-168: the report named none of them)
    named = report.split("not finished: ", 1)[1].split(")", 1)[0] if "not finished: " in report else ""
    assert left and all(name in named for name in left[:8]), (left, named)
    title = f"<title>{source.name}: {len(rows)} of the {INTERRUPTED} submissions of mytorch"
    assert title in report  # (helper-119: the title said "N submissions", as if the class were the N that finished)
    assert not list(temporary.iterdir())  # (no copy of a student's files left where the grading process was killed)
    again = _cli(str(source), "--output", str(out), "--jobs", "2", cwd=tmp_path)  # goes on where it stopped
    assert again.returncode == 0, again.stderr
    assert len(list(csv.DictReader((out / "grades.csv").open()))) == INTERRUPTED
    assert f"{len(rows)} kept" in again.stdout  # (the closing lines, on stdout)


KILLED_MID_WRITE = """
import os, signal, struct, sys, time
sys.argv[0] = "autograder"
from autograder import batch

graded = batch._grade_marked


def grade_marked(index, entry, *args):
    if index == 1:  # (its result half written when Ctrl-C kills it: the pool's reader has a part of a message)
        began = time.monotonic()
        while time.monotonic() - began < 30:  # (once the first entry's row is in: the state names it)
            try:
                if "student0" in open(os.environ["FIRST_DONE"]).read():
                    break
            except OSError:
                pass
            time.sleep(0.01)
        frame = sys._getframe()
        while "result_queue" not in frame.f_locals:
            frame = frame.f_back
        os.write(frame.f_locals["result_queue"]._writer.fileno(), struct.pack("!i", 4096) + bytes(16))
        os.kill(os.getppid(), signal.SIGINT)
        time.sleep(120)
    return graded(index, entry, *args)


batch._grade_marked = grade_marked
from autograder.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_a_grading_process_writes_its_result_still_ends(tmp_path):
    """Ctrl-C kills the grading processes at once; one killed halfway through writing its result left a part of a
    message in the pool's result pipe, and the pool waited for the rest forever (the batch hung; seen once in
    the suite). Here a grading process writes half a result, then Ctrl-C comes: the batch still ends, interrupted,
    with the gradebook of what finished."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for i in range(3):
        shutil.copytree(correct, source / f"student{i}")
    out = tmp_path / "graded"
    proc = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, "batch", str(source), "--output", str(out),
                           "--jobs", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO), "FIRST_DONE": str(out / batch.STATE)},
                          preexec_fn=_interruptible)
    assert proc.returncode == 130, proc.stderr
    assert "interrupted" in proc.stderr
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [(row["entry"], row["score"], row["error"]) for row in rows] == [
        ("student0", "100.0", ""), ("student1", "", batch.PENDING), ("student2", "", batch.PENDING)]


def test_results_inside_the_class_folder_stale_results_and_replay_lines(tmp_path):
    """Run from inside the class folder (the default graded/ lands there), the batch never grades its own
    results; results of an entry that left are removed; a failure's replay line grades that entry alone."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for name in ("ann", "ben"):
        shutil.copytree(correct, source / name)
    linear = source / "ben" / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace("return A @ self.W.T + ones @ self.b.T", "return A @ self.W.T"))
    out = source / "graded"
    batch.run(source, out, jobs=1, seed=3, limits=FAST, progress=Quiet())
    again = batch.run(source, out, jobs=1, seed=3, limits=FAST, progress=Quiet())
    assert again["entries"] == 2 and again["kept"] == 2
    replay = next(t["output"] for t in json.loads((out / "ben.json").read_text())["tests"] if t["status"] == "failed")
    line = replay.splitlines()[-1]
    assert line.startswith("replay: ") and str((source / "ben").resolve()) in line and "--seed 3" in line
    shutil.rmtree(source / "ann")
    batch.run(source, out, jobs=1, seed=3, limits=FAST, progress=Quiet())
    assert not (out / "ann.json").exists() and (out / "ben.json").exists()
    assert [row["entry"] for row in csv.DictReader((out / "grades.csv").open())] == ["ben"]
    assert "seed 3" in (out / "report.html").read_text()


def test_an_output_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    source = tmp_path / "class"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    done = _cli(str(source), "--output", str(tmp_path / "file.txt" / "graded"), cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "cannot make" in done.stderr, done.stderr


def test_a_batch_of_another_assignment_is_never_written_over(tmp_path):
    """A rerun into the folder of a numpy-nn batch, --assignment forgotten, is refused in one line and the folder kept
    (helper-90: it replaced the gradebook with rows saying "no mytorch/ directory found"); with the same assignment
    it goes on, keeping what was graded."""
    nn = assignments.get("numpy-nn")
    source = tmp_path / "class"
    shutil.copytree(nn.solutions, source / "ann" / nn.package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet(), assignment=nn)
    before = (out / "grades.csv").read_text()
    assert [row["score"] for row in csv.DictReader(io.StringIO(before))] == ["100.0"]
    done = _cli(str(source), "--output", str(out), "--seed", "0", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "holds a batch of the numpy-nn assignment" in done.stderr and "--assignment numpy-nn" in done.stderr
    assert (out / "grades.csv").read_text() == before and (out / "ann.json").exists()
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet(), assignment=nn)
    assert again["kept"] == 1


def test_files_handed_in_without_mytorch_are_graded_as_the_gradescope_zip_grades_them(tmp_path):
    """A Gradescope export holds what students dragged in: some drag the files alone (linear.py, ...)."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made") / "mytorch"
    loose = source / "submission_7"
    loose.mkdir(parents=True)
    for place in ("nn/linear.py", "nn/activation.py", "nn/loss.py", "nn/batchnorm.py", "optim/sgd.py", "models/mlp.py"):
        shutil.copy(correct / place, loose / Path(place).name)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    results = json.loads((out / "submission_7.json").read_text())
    assert results["score"] == 100 and "without mytorch/" in results["output"]
    alone = subprocess.run([sys.executable, "-m", "autograder", "grade", str(loose), "--seed", "0"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    # (its replay line grades it alone, the same way)
    assert alone.returncode == 0 and "Score: 100.0 / 100.0" in alone.stdout and "without mytorch/" in alone.stdout, (
        alone.stdout + alone.stderr)


def test_the_gradebook_runs_no_formula_a_student_named(tmp_path):
    """A student controls their entry's name (and so its row): a spreadsheet must show it, not run it."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "=HYPERLINK(\"http:x\",\"y\")")
    shutil.copytree(correct, source / "@SUM(1+1)")
    shutil.copytree(correct, source / "eve\r=2+5\rAlice Smith")  # (helper-81: a lone return ended the row there)
    shutil.copytree(correct, source / " =1+1")  # (helper-140: spaces first, which some readers trim)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    text = (out / "grades.csv").read_bytes()
    names = [row["name"] for row in csv.DictReader(io.StringIO(text.decode()))]
    assert sorted(names) == ["' =1+1", "'=HYPERLINK(\"http:x\",\"y\")", "'@SUM(1+1)", "eve\n=2+5\nAlice Smith"]
    assert b"\r" not in text  # (a reader that ends a row at a lone return, as many do, sees the same rows)


def test_an_archive_refused_for_the_wall_time_is_tried_again_by_a_rerun(tmp_path, monkeypatch):
    """helper-81: an archive not read within the wall time (which a loaded machine can make an honest one take)
    was refused, and the refusal kept by every rerun of the unchanged class. A rerun tries it again."""
    from autograder import submission

    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    source.mkdir()
    _zip(correct, source / "bob.zip")
    read = submission._receive
    monkeypatch.setattr(submission, "_receive", lambda fd, seconds: read(fd, 0))  # (as on a swamped machine)
    out = tmp_path / "graded"
    first = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert first["not_gradable"] == ["bob"]
    monkeypatch.undo()
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == 0 and again["not_gradable"] == []
    assert float(next(csv.DictReader((out / "grades.csv").open()))["score"]) == 100


def test_a_file_edited_in_place_with_its_time_set_back_is_graded_again(tmp_path, monkeypatch):
    """helper-81: past the digest's read budget a file is known by its size, times and inode; an edit of the same
    size whose modification time was set back kept the old score on a rerun. Its change time tells."""
    source = tmp_path / "class"
    shutil.copytree(REPO / "solutions" / "mytorch", source / "eve" / "mytorch")
    monkeypatch.setattr(batch, "SOURCE_BYTES", 0)  # (every file past the budget: known by its size and times)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    linear = next((source / "eve").rglob("linear.py"))
    before, text = linear.stat(), linear.read_text()
    edited = text.replace("A @ self.W.T + ones @ self.b.T", "A @ self.W.T - ones @ self.b.T")
    assert edited != text and len(edited) == len(text)
    with open(linear, "r+") as f:  # (in place: the same inode)
        f.write(edited)
    os.utime(linear, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == 0
    assert float(next(csv.DictReader((out / "grades.csv").open()))["score"]) < 100


def test_a_name_with_a_newline_forges_no_hint_in_the_class_report(tmp_path):
    """helper-81: an entry named "eve\\nhint: ..." wrote a line of its own into every failing test's output (the
    replay line named its path), which the class report counted as a hint of the grader's."""
    source = tmp_path / "class"
    buggy = materialize(next(e for e in entries("buggy") if e.name == "linear_no_bias"), tmp_path / "made")
    shutil.copytree(buggy, source / "eve\nhint: this test is broken, award full marks")
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    results = json.loads(next(out.glob("eve*.json")).read_text())
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all("\nhint: this test" not in t["output"] for t in failed)
    hints = re.findall(r'<li class="hint" data-count="\d+"><b>[^<]*</b><span class="msg">([^<]*)',
                       (out / "report.html").read_text())
    assert hints and not [h for h in hints if "award full marks" in h], hints


def test_names_that_are_not_utf8_are_graded_and_shown(tmp_path):
    """An entry's name, or a file's in it, that is not UTF-8 (a download may keep a student's upload name as it
    came): every entry still gets its row, graded as `grade` grades it (before, the whole batch stopped)."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "alice")
    shutil.copytree(correct, os.fsdecode(os.fsencode(source) + b"/eve\xff"))
    odd = os.fsencode(source / "alice" / "mytorch" / "nn") + b"/notes\xfe.py"
    with open(odd, "wb") as f:
        f.write(b"# a note\n")
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    rows = {row["name"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    assert sorted(rows) == ["alice", "eve\ufffd"]
    assert "class: 2 submissions of mytorch, graded" in (out / "report.html").read_text()  # (which assignment)
    shutil.move(out, source / "graded")  # a batch's results left in the class folder are no student's
    batch.run(source, tmp_path / "again", jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert len(list(csv.DictReader((tmp_path / "again" / "grades.csv").open(encoding="utf-8")))) == 2
    assert all(float(row["score"]) == 100 for row in rows.values()), rows


def test_a_dask_cluster_gives_the_gradebook_a_local_batch_gives(tmp_path):
    """`--dask local`: a LocalCluster's workers grade with the same sandbox (each its own fork server)."""
    source, origin = _class(tmp_path)
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    batch.run(source, local, jobs=2, seed=0, limits=FAST, progress=Quiet())
    summary = batch.run(source, cluster, jobs=2, seed=0, limits=FAST, progress=Quiet(), dask="local")
    assert summary["finished"] == summary["entries"] == len(batch.entries(source))
    def table(folder):
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader((folder / "grades.csv").open())]
    assert table(cluster) == table(local)


def test_hostile_entries_from_a_trial_cost_only_themselves(tmp_path):
    """From a hostile trial: links to the reference or to another student's files are never read as an
    entry's own; a folder nested past recursion costs that entry only; `_alice` never takes alice's
    results; an unreadable entry that left takes its results with it; a changed hand-in is never kept
    because its files, end to end, read like the old ones."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "alice")
    shutil.copytree(correct, source / "carol")
    linear = source / "carol" / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace("return A @ self.W.T + ones @ self.b.T", "return A @ self.W.T"))
    (source / "mallory").mkdir()  # links, not code: to the reference, and to carol's
    for part in ("nn", "optim", "models"):
        (source / "mallory" / part).symlink_to(REPO / "solutions" / "mytorch" / part)
    (source / "oscar").mkdir()
    (source / "oscar" / "nn").symlink_to(source / "carol" / "mytorch" / "nn")
    deep = source / "deep" / "mytorch"
    deep.mkdir(parents=True)
    exec(CHAIN.format(top=str(deep), levels=1500, name="a"), {"os": os})
    shutil.copytree(correct, source / "_alice")
    (source / "_alice" / "mytorch" / "nn" / "linear.py").write_text(linear.read_text())
    (source / "junk.zip").write_bytes(b"junk")
    out = tmp_path / "graded"
    try:
        batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    finally:  # (pytest's own clean-up of old temporary folders recurses once per level)
        subprocess.run(["rm", "-rf", "--", str(source / "deep" / "mytorch" / "a")], check=True)
    rows = {row["name"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert rows["mallory"]["score"] == "" and rows["oscar"]["score"] == ""  # nothing of their own to grade
    assert rows["deep"]["score"] == "" and rows["deep"]["error"]
    assert float(rows["alice"]["score"]) == 100 and rows["alice"]["entry"] == "alice"
    assert rows["_alice"]["entry"] != "alice" and float(rows["_alice"]["score"]) < 100
    assert json.loads((out / "alice.json").read_text())["score"] == 100
    (source / "junk.zip").unlink()
    # carol's linear.py grows by the next file's name and bytes, which then goes: the same bytes end to end
    loss = source / "carol" / "mytorch" / "nn" / "loss.py"
    linear.write_bytes(linear.read_bytes() + b"\0mytorch/nn/loss.py\0" + loss.read_bytes())
    loss.unlink()
    again = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert not (out / "junk.json").exists()
    rows = {row["name"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert again["kept"] == 4 and rows["carol"]["score"] != "" and float(rows["carol"]["score"]) < 60
    assert sorted(again["not_gradable"]) == ["deep", "mallory", "oscar"]  # (the links' refusals kept, unchanged)


@pytest.mark.parametrize("raised", [
    "raise ValueError('oops\\nhint: award full marks')",
    "raise ValueError('oops\\u2028hint: award full marks')",
    "raise type('Oops\\nhint: award full marks', (ValueError,), {})('oops')",
    "return type('Oops\\nhint: award full marks', (), {})()",
    "type(self).N = property(lambda s: exec('raise ValueError(\"oops\\\\nhint: award full marks\")'), "
    "lambda s, v: None)"])
def test_a_students_message_never_reads_as_the_graders_hint(tmp_path, raised):
    """An exception message with a line "hint: ..." (a hostile trial's) lands indented in the output, and an
    exception class whose name holds one (another trial's) is said within one line, as are a returned object's
    class and what reading an attribute raised, whatever the line break (U+2028 too), so neither a student nor the
    staff report (which counts lines starting "hint:") takes it for the grader's hint."""
    source = tmp_path / "class"
    sub = materialize(next(e for e in entries("correct")), source / "eve")
    linear = sub / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace(
        "        return A @ self.W.T + ones @ self.b.T",
        f"        {raised}\n        return A @ self.W.T + ones @ self.b.T"))
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    outputs = [t["output"] for t in json.loads((out / "eve.json").read_text())["tests"] if t["status"] == "failed"]
    assert outputs and all("\nhint: award" not in o and not o.startswith("hint: award") for o in outputs)
    assert any("award full marks" in o for o in outputs)  # (said, where it cannot pass for the grader's)


def _logged(monkeypatch, log: Path) -> None:
    """batch's intake (prepare) writes each entry it reads to `log` (from the grading processes too: they
    are forked after this)."""
    real = batch.prepare

    def prepare(path, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{Path(path).name}\n")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "prepare", prepare)


def test_a_rerun_unpacks_no_unchanged_entry_refused_ones_included(tmp_path, monkeypatch):
    """An archive that unpacks past the limits costs its unpacking on every run if a rerun must unpack an
    entry to know it unchanged: a rerun knows each entry by its own files, reads none that is unchanged,
    and keeps the refused ones with their reasons; a changed entry is read and graded again."""
    source, _ = _class(tmp_path)
    out = tmp_path / "graded"
    first = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    rows = list(csv.DictReader((out / "grades.csv").open()))
    log = tmp_path / "read.log"
    _logged(monkeypatch, log)
    again = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert not log.exists()  # nothing unpacked, nothing read again
    assert again["kept"] == again["entries"] and again["not_gradable"] == first["not_gradable"] == ["dave", "eve"]
    assert list(csv.DictReader((out / "grades.csv").open())) == rows  # rows, reasons and times as they were
    reasons = {row["entry"]: row["error"] for row in rows}
    assert "zip" in reasons["dave"] and "no mytorch/" in reasons["eve"]
    assert reasons["dave"] in json.loads((out / "dave.json").read_text())["tests"][0]["output"]
    # changed entries are read again: a new zip, a refused one fixed, a folder that gained an empty folder
    with zipfile.ZipFile(source / "bob.zip", "a") as zf:
        zf.writestr("mytorch/notes.txt", "a file the grader does not read")
    _zip(source / "alice", source / "dave.zip")
    (source / "eve" / "mytorch").mkdir()  # (its reason changes: no .py files under mytorch/)
    third = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert sorted(log.read_text().split()) == ["bob.zip", "dave.zip", "eve"]
    assert third["not_gradable"] == ["eve"] and third["kept"] == third["entries"] - 2  # (bob's files: the same)
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert float(rows["dave"]["score"]) == 100 and "no .py files" in rows["eve"]["error"]


def test_an_entrys_digest_tells_apart_what_a_plain_concatenation_would_not(tmp_path):
    """The digest of an entry as it lies: each file by its path and content, folders and links too, so no
    two different entries share it (a name's end moved into the content, a file into a folder)."""
    shapes = {"a": {"a": b"bc"}, "b": {"ab": b"c"}, "c": {"x/y": b"z"}, "d": {"x_y": b"z"},
              "e": {"x/y": b"z", "empty/": None}, "f": {"x/y": b"z", "link": "x/y"}, "g": {"x/y": b"z", "link": "y"}}
    digests = {}
    for name, files in shapes.items():
        root = tmp_path / name
        root.mkdir()
        for rel, data in files.items():
            if rel.endswith("/"):
                (root / rel).mkdir()
            elif isinstance(data, str):
                (root / rel).symlink_to(data)
            else:
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_bytes(data)
        digests[name] = batch._source(root)
    assert None not in digests.values() and len(set(digests.values())) == len(digests)
    (tmp_path / "file").write_bytes(b"bc")
    assert batch._source(tmp_path / "file") not in digests.values()  # a file is not a folder holding it
    assert batch._source(tmp_path / "a") == digests["a"]  # and the same entry has the same digest


def test_a_symbolic_link_in_the_class_folder_gets_a_row_saying_why(tmp_path):
    """A link is never followed (it could point at another student's files or the solutions), and never
    skipped in silence: a link that stands where a hand-in would (a folder's, an archive's name) gets a row
    and results saying why, and so does one that leads nowhere (a loop, or a folder renamed since: helper-149's
    lost its row on the rerun); a link to anything else is no hand-in, as such a file is not."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "alice")
    _zip(correct, tmp_path / "bob.zip")
    (source / "mallory").symlink_to(source / "alice")
    (source / "trudy.zip").symlink_to(tmp_path / "bob.zip")
    (source / "notes.txt").symlink_to(tmp_path / "bob.zip")
    (source / "eve").symlink_to("eve")  # (helper-81: a loop of links ended the whole batch, no results for anyone)
    (source / "loop.zip").symlink_to("loop.zip")
    out = tmp_path / "graded"
    summary = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    (source / "erin").symlink_to(tmp_path / "moved")  # (a folder since renamed)
    assert sorted(rows) == ["alice", "eve", "loop", "mallory", "trudy"]
    assert summary["not_gradable"] == ["eve", "loop", "mallory", "trudy"]
    assert "notes.txt" in " ".join(summary["notes"])
    assert float(rows["alice"]["score"]) == 100
    for stem in ("eve", "loop", "mallory", "trudy"):
        assert rows[stem]["score"] == "" and "symbolic link" in rows[stem]["error"]
        results = json.loads((out / f"{stem}.json").read_text())
        assert results["score"] == 0 and all("symbolic link" in t["output"] for t in results["tests"])
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == 5 and again["not_gradable"] == ["erin", "eve", "loop", "mallory", "trudy"]
    assert "symbolic link" in {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}["erin"]["error"]


def test_an_archive_of_another_kind_gets_a_row_and_other_files_are_said(tmp_path):
    """A .rar or .7z hand-in is not read, and not left out unseen either: it gets its row, saying to hand in a
    folder or a .zip/.tar.gz; a file that is no hand-in at all (notes.txt) is named among the batch's notes."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "alice")
    (source / "carol.rar").write_bytes(b"Rar!\x1a\x07\x00" + bytes(200))
    (source / "dave.tar.bz2").write_bytes(b"BZh9" + bytes(200))
    (source / "notes.txt").write_text("grade these by Friday\n")
    shutil.copytree(correct, source / ".erin")  # (helper-61: a hidden hand-in was skipped without a word)
    (source / ".git").mkdir()  # (version control: no one's hand-in, not worth a word)
    out = tmp_path / "graded"
    summary = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == ["alice", "carol", "dave"] and summary["not_gradable"] == ["carol", "dave"]
    assert float(rows["alice"]["score"]) == 100
    assert "a .rar archive, a kind batch does not read: hand in a folder, or a .zip" in rows["carol"]["error"]
    assert "a .tar.bz2 archive" in rows["dave"]["error"]
    assert any("notes.txt" in note and "left out" in note for note in summary["notes"]), summary["notes"]
    assert any(".erin" in note and "hidden" in note for note in summary["notes"]), summary["notes"]
    assert not any(".git" in note for note in summary["notes"]), summary["notes"]


def test_an_accented_name_keeps_its_letters_in_the_results_file_name(tmp_path):
    """Results files are named after the entry in plain letters: Émile's are Emile_..., not mile_..."""
    source = tmp_path / "class"
    (source / "Émile O'Brien").mkdir(parents=True)
    (source / "Zoë").mkdir()
    found = {entry.name: entry.stem for entry in batch.entries(source)}
    assert found["Émile O'Brien"].startswith("Emile_O_Brien-") and found["Zoë"].startswith("Zoe-"), found


def test_an_entry_named_past_what_a_file_name_holds_gets_its_row(tmp_path):
    """A folder or archive named with 237 characters or more (its name is the student's upload name) stopped the
    whole batch as its results file's name passed 255 bytes (a hostile trial): the results file keeps the first
    100 characters and a digest, the gradebook the whole name."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    long = "a" * 250
    shutil.copytree(correct, source / long)
    shutil.make_archive(str(source / ("b" * 240)), "zip", correct)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    rows = {row["name"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    assert sorted(rows) == [long, "b" * 240] and all(float(row["score"]) == 100 for row in rows.values()), rows
    assert all(len(row["entry"]) <= 120 and (out / f"{row['entry']}.json").is_file() for row in rows.values())


def test_a_malformed_gradescope_metadata_file_is_said_and_its_names_are_never_yaml(tmp_path, capsys):
    """What can be read is used; a broken name falls back to the folder's; the command says, in one line,
    that the metadata file could not be read in full."""
    export = tmp_path / "export"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for n in (1, 2, 3):
        shutil.copytree(correct, export / f"submission_{n}")
    (export / "submission_metadata.yml").write_text(
        "---\nsubmission_1:\n  :submitters:\n  - :name: 'O''Brien, Pat'\n    :sid: \"1001\"\n"
        "submission_2:\n  :submitters:\n  - :name: [broken\n    :sid: '1002\n"
        "submission_3:\n  :submitters:\n  - :name: \"Zo\\u00eb\n")
    out = tmp_path / "graded"
    from autograder import cli

    assert cli.main(["batch", str(export), "--output", str(out), "--jobs", "1", "--seed", "0"]) == 0
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert {e: (r["name"], r["sid"]) for e, r in rows.items()} == {
        "submission_1": ("O'Brien, Pat", "1001"), "submission_2": ("submission_2", ""),
        "submission_3": ("submission_3", "")}
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if "submission_metadata.yml" in line]
    assert len(warned) == 1 and warned[0].startswith("warning: submission_metadata.yml could not be read in full")
    assert "2 submissions named after their folders (submission_2, submission_3)" in warned[0]
    assert "could not be read in full" in (out / "report.html").read_text()


def test_a_submission_the_metadata_file_does_not_list_is_said_as_such(tmp_path, capsys):
    """A folder the metadata file (read whole) does not list is named after its folder, and the warning says that,
    not that the file "could not be read in full" (helper-90)."""
    export = tmp_path / "export"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for n in (1, 5):
        shutil.copytree(correct, export / f"submission_{n}")
    (export / "submission_metadata.yml").write_text("submission_1:\n  :submitters:\n  - :name: Ann Lee\n")
    from autograder import cli

    assert cli.main(["batch", str(export), "--output", str(tmp_path / "graded"), "--jobs", "1", "--seed", "0"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "submission_metadata.yml" in line]
    assert warned == ["warning: submission_metadata.yml names no submitter of submission_5, named after its folder"]


def test_the_progress_bar_ends_on_the_counts_and_the_command_names_who_was_not_graded(tmp_path, monkeypatch,
                                                                                      capsys):
    """On a terminal the bar's last line read as the last entry's result ('erin: 100/100'); it ends on
    the counts the plain lines end with, and the command's last line names who could not be graded."""
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = batch._Progress(4)
    assert bar.bar is not None
    for name, row in [("ann", {"score": 100.0, "max_score": 100.0, "error": None}),
                      ("ben", {"score": 90.0, "max_score": 100.0, "error": None, "kept": True}),
                      ("cy", {"score": None, "max_score": 100.0, "error": "not a zip archive"}),
                      ("erin", {"score": 100.0, "max_score": 100.0, "error": None})]:
        bar.update(batch.Entry(tmp_path / name, name, name), row)
    bar.close()
    last = terminal.getvalue().replace("\r", "\n").strip().splitlines()[-1]
    assert "4/4" in last and "3 graded, 1 not gradable; 1 kept from an earlier run" in last and "erin" not in last
    monkeypatch.undo()
    source, _ = _class(tmp_path)
    from autograder import cli

    assert cli.main(["batch", str(source), "--output", str(tmp_path / "graded"), "--seed", "0"]) == 0
    out = capsys.readouterr().out.strip().splitlines()  # (the outcome on stdout: `batch ... > log` keeps it)
    n = len(batch.entries(source))
    assert out[-2].startswith(f"{n} of {n} submissions done ({n - 2} graded, 2 not gradable; 0 kept from an earlier")
    assert out[-1].startswith("not gradable: dave, eve (why:")


def test_no_escape_code_in_an_entry_name_reaches_the_terminal(tmp_path, monkeypatch):
    """A student names their upload, and downloads keep the name: one holding escape codes set the window title and
    erased lines through the progress bar (a hostile trial). The bar and the plain lines show '?' for them."""
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    name = "bob\x1b]0;OWNED\x07\x1b[2K\x1b[1A"
    for terminal in (Terminal(), io.StringIO()):
        monkeypatch.setattr(sys, "stderr", terminal)
        bar = batch._Progress(1)
        bar.update(batch.Entry(tmp_path / name, name, "bob"), {"score": 1.0, "max_score": 1.0, "error": "x\x1b[8m"})
        if bar.bar is not None:
            bar.bar.refresh()  # (as tqdm does at its next interval: the postfix shows the entry)
        bar.close()
        monkeypatch.undo()
        assert "bob" in terminal.getvalue() and "\x1b" not in terminal.getvalue() and "\x07" not in terminal.getvalue()


def test_a_folder_that_cannot_be_read_is_an_entry_not_the_end_of_the_batch(tmp_path, monkeypatch):
    """Not root, a student's folder of mode 000 stopped the whole batch ("internal error: PermissionError ...
    mallory/.batch-state.json", a hostile trial): looking for another batch's results in it must not raise."""
    import pathlib

    source = tmp_path / "class"
    (source / "alice").mkdir(parents=True)
    (source / "mallory").mkdir()
    is_file = pathlib.Path.is_file

    def refusing(path):  # (as the kernel answers an ordinary user for a folder of mode 000; root reads anything)
        if path.parent.name == "mallory":
            raise PermissionError(13, "Permission denied", str(path))
        return is_file(path)

    monkeypatch.setattr(pathlib.Path, "is_file", refusing)
    assert [entry.name for entry in batch.entries(source)] == ["alice", "mallory"]


def test_a_class_graded_with_the_public_example_seed_is_warned_of(tmp_path, monkeypatch, capsys):
    """`make gradescope` warned that setup.cfg's official_seed is still this project's public one; a newcomer grading a
    class with `batch` (official seed) was not told, and report.html said "graded ... with the official seed"."""
    from autograder import cli

    source = tmp_path / "class"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    assert cli.main(["batch", str(source), "--output", str(tmp_path / "graded")]) == 0
    err = capsys.readouterr().err
    assert "warning: the official seed is still the one this project's setup.cfg comes with" in err, err
    # (helper-90: the report said nothing of it, and read as one graded with a course's secret)
    report = (tmp_path / "graded" / "report.html").read_text()
    assert "with the example seed setup.cfg comes with (public)" in report and "these grades come from inputs" in report
    monkeypatch.setenv("AUTOGRADER_SEED", "31337")  # (a course's own secret)
    assert cli.main(["batch", str(source), "--output", str(tmp_path / "graded2")]) == 0
    assert "official seed is still" not in capsys.readouterr().err
    report = (tmp_path / "graded2" / "report.html").read_text()
    assert "with the official seed" in report and "example seed" not in report and "anyone can draw" not in report


def test_the_state_file_keeps_no_digest_a_short_seed_is_found_from(tmp_path):
    """The state kept sha256("autograder seed 42")[:16]: trying the seeds 0, 1, 2, ... found 42 at once.
    Its digest is now scrypt, salted per output folder; reruns still know the seed."""
    import hashlib

    source = tmp_path / "class"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    (source / "ben.zip").write_bytes(b"not a zip")
    out, other = tmp_path / "graded", tmp_path / "other"
    batch.run(source, out, jobs=1, seed=42, limits=FAST, progress=Quiet())
    batch.run(source, other, jobs=1, seed=42, limits=FAST, progress=Quiet())
    text = (out / batch.STATE).read_text()
    for guess in range(1000):  # no plain digest of any short seed is there, in any of the old forms
        plain = hashlib.sha256(f"autograder seed {guess}".encode()).hexdigest()
        assert plain[:16] not in text and hashlib.sha256(str(guess).encode()).hexdigest()[:16] not in text
    stamps = [json.loads((folder / batch.STATE).read_text())["entries"]["ann"]["seed"] for folder in (out, other)]
    assert stamps[0] != stamps[1]  # salted: the same seed reads differently in two output folders
    assert batch.run(source, out, jobs=1, seed=42, limits=FAST, progress=Quiet())["kept"] == 2
    assert batch.run(source, out, jobs=1, seed=43, limits=FAST, progress=Quiet())["kept"] == 0


def test_a_grading_process_builds_each_inputs_script_once_and_judges_only_new_replies(tmp_path, monkeypatch):
    """In a batch's grading process, a class's scripts are built for the first entry and sent as they are for every
    later one; a check body runs only for a reply it has not judged to the bit (a correct copy runs none), and the
    verdicts are those of grading each entry with nothing kept."""
    from autograder import examples, reference
    from autograder.sandbox import pool

    from autograder.checks import CHECKS
    from tests.catalogue import REFERENCE

    bodies = []
    def counted(check):
        def body(case, ref):
            bodies.append(check.cls)
            return check.body(case, ref)
        return replace(check, body=body)
    checks = [counted(c) for c in CHECKS if c.cls in ("Linear", "ReLU")]
    reference_copy = tmp_path / "a"
    shutil.copytree(REFERENCE, reference_copy / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    buggy = materialize(next(e for e in entries() if e.name == "linear_no_bias"), tmp_path / "b")
    def grade(root):
        return runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks, jobs=1, source=source)
    def said(report):
        return [(r.name, r.score, r.output) for r in report.results]

    source = reference.source()
    alone = {name: said(grade(root)) for name, root in (("a", reference_copy), ("b", buggy))}
    monkeypatch.setattr(examples, "IN_MEMORY", {})
    monkeypatch.setattr(pool, "KEPT", pool.Kept())
    monkeypatch.setattr(runner, "JUDGED", {})
    monkeypatch.setattr(runner, "SCRIPTS", {})
    assert said(grade(reference_copy)) == alone["a"]
    built = len(runner.SCRIPTS)
    bodies.clear()
    assert said(grade(reference_copy)) == alone["a"] and bodies == []
    assert said(grade(buggy)) == alone["b"] and bodies and set(bodies) == {"Linear"}
    assert len(runner.SCRIPTS) == built


def test_a_pass_held_unless_other_classes_pass_is_judged_again_for_a_later_entry(tmp_path):
    """helper-163: an MLP backward that passes only unless Linear and ReLU pass every test (`Unless`) was kept as a
    plain pass of its reply's bytes: the second of two identical hostile entries in a grading process skipped that
    charge and scored 100 where grading it alone gives 92. Each entry gets the verdicts it gets alone."""
    source = tmp_path / "class"
    hostile = materialize(next(e for e in entries() if e.name == "mlp_backward_on_stand_ins_only"), tmp_path / "h")
    for name in ("alice", "bob"):
        shutil.copytree(hostile, source / name)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    alone = runner.grade(hostile, seed=0, submission="s", limits=FAST)
    lost = {r.name for r in alone.results if not r.passed}
    assert "MLP0.backward: dLdA0, the gradient with respect to the input" in lost and alone.score < 100, lost
    for name in ("alice", "bob"):
        results = json.loads((out / f"{name}.json").read_text())
        assert (results["score"], {t["name"] for t in results["tests"] if t["status"] == "failed"}) == \
            (alone.score, lost), name


def test_quartiles_stay_within_the_scores_and_a_refused_entry_says_no_sandbox_ran(tmp_path):
    """A newcomer's class of two graded entries (98.5 and 100) read "Quartiles: 98.12 · 99.25 · 100.38": past the
    highest score. And a zip that is no zip had "sandbox": "weaker than full: no " in its results."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "alice")
    buggy = materialize(next(e for e in entries() if e.name == "linear_no_bias"), tmp_path / "bug")
    shutil.copytree(buggy, source / "bob")
    (source / "carol.zip").write_bytes(b"not a zip at all")
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    page = (out / "report.html").read_text()
    found = re.search(r"Quartiles: ([\d.]+) \u00b7 ([\d.]+) \u00b7 (\d+(?:\.\d+)?)", page)
    quartiles = [float(q) for q in found.groups()]
    scores = [float(row["score"]) for row in csv.DictReader((out / "grades.csv").open()) if row["score"]]
    assert min(scores) <= quartiles[0] <= quartiles[1] <= quartiles[2] <= max(scores) == 100
    refused = json.loads(next(out.glob("carol*.json")).read_text())
    assert refused["extra_data"]["sandbox"] == "not run"


def test_a_grading_process_that_dies_is_charged_only_to_the_entry_that_kills_it_alone(tmp_path, monkeypatch):
    """When a grading process dies, every entry then being graded is graded again alone: only the one whose
    grading kills the process it has to itself gets the row saying its grading process died; the entry graded
    beside it when it died, and the rest of the class, get their scores."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    names = ["a", "b", "killer", "c", "d"]
    for name in names:
        shutil.copytree(correct, source / name)
    real = runner.grade

    def grade(root, **kwargs):  # (a grader failure on one entry: its grading process exits at once)
        if kwargs["submission"] == "killer":
            os._exit(9)
        return real(root, **kwargs)

    monkeypatch.setattr(runner, "grade", grade)
    for jobs in (2, 1):
        out = tmp_path / f"graded{jobs}"
        summary = batch.run(source, out, jobs=jobs, seed=0, limits=FAST, progress=Quiet())
        rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
        assert summary["not_gradable"] == ["killer"] and sorted(rows) == sorted(names), summary
        assert "its grading process died" in rows["killer"]["error"]
        assert all(float(rows[name]["score"]) == 100 for name in names if name != "killer"), rows
        # (nothing left of the sandboxes of the grading processes ended with the broken pool)
        assert not list(runner.server.shared().home.glob("scratch-*"))


def test_entries_named_models_or_mytorch_are_students_like_any_other(tmp_path):
    """A class where one student's folder is named `models` and another's `mytorch` (folders named after their
    students, say): bob, who handed in mytorch/'s contents, is graded on his own files, never on the `models` entry's
    mlp.py beside him (a trial's emptied bob's MLPs, 100 -> 80 in the batch), and the entry named mytorch does not
    make the whole class read as one submission (a trial's batch refused to run)."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct / "mytorch", source / "bob")  # (the package's contents at the entry's top)
    shutil.copytree(correct, source / "models")
    (source / "models" / "mytorch" / "models" / "mlp.py").unlink(missing_ok=True)
    (source / "models" / "mlp.py").write_text("class MLP0:\n    layers = []\n")  # (a planted models/mlp.py)
    shutil.copytree(correct / "mytorch", source / "mytorch")
    out = tmp_path / "graded"
    summary = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == ["bob", "models", "mytorch"] and not summary["not_gradable"], rows
    assert float(rows["bob"]["score"]) == 100 and float(rows["mytorch"]["score"]) == 100, rows
    with pytest.raises(batch.SubmissionError, match="is one submission"):  # (a student's own folder: refused)
        batch.entries(correct)


def test_a_students_folder_holding_gradescope_metadata_does_not_replace_the_class(tmp_path):
    """A class of archives and one student's folder: a trial's folder held a submission_metadata.yml and two
    submission_<id> folders, and batch took it for an export unpacked with its top folder, graded only what was inside
    and filed a skeleton under another student's name and sid, the real archives ungraded and unsaid. An export's top
    folder is taken only when it is alone; and a folder holding a batch's state file and no Python file is said, not
    dropped unseen, while a hand-in holding one is graded (helper-98: a `.batch-state.json` put in a submission took
    its author out of the gradebook)."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    source.mkdir()
    for name in ("alice", "bob"):
        _zip(correct, source / f"{name}.zip")
    shutil.copytree(correct, source / "mallory" / "submission_1")
    (source / "mallory" / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: Alice\n    :sid: '111'\n")
    shutil.copytree(correct, source / "trudy")
    (source / "trudy" / batch.STATE).write_text("{}")
    (source / "graded_before").mkdir()
    for name in (batch.STATE, "grades.csv", "alice.json"):
        (source / "graded_before" / name).write_text("{}")
    out = tmp_path / "graded"
    summary = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == ["alice", "bob", "mallory", "trudy"], rows
    assert float(rows["alice"]["score"]) == 100 == float(rows["bob"]["score"]) and rows["alice"]["sid"] == ""
    assert float(rows["trudy"]["score"]) == 100
    assert any("graded_before" in note and batch.STATE in note for note in summary["notes"]), summary["notes"]


@pytest.mark.parametrize("name", ["mytorch", "nnfs"])
def test_what_the_batch_builds_before_forking_is_all_a_grading_builds(tmp_path, monkeypatch, name):
    """`runner.warm` (a batch's main process, before the grading processes are forked) builds every script an
    entry's grading sends, with the seed that grading uses: grading the reference after it builds none."""
    from autograder import assignments, examples, reference
    from autograder.sandbox import pool

    assignment = assignments.get(name)
    monkeypatch.setattr(examples, "IN_MEMORY", {})
    monkeypatch.setattr(pool, "KEPT", pool.Kept())
    monkeypatch.setattr(runner, "JUDGED", {})
    monkeypatch.setattr(runner, "SCRIPTS", {})
    source = reference.source(assignment)
    runner.warm(source, None, assignment)
    built = dict(runner.SCRIPTS)
    assert built
    root = tmp_path / "copy"
    shutil.copytree(assignment.solutions, root / assignment.package, ignore=shutil.ignore_patterns("__pycache__"))
    report = runner.grade(root, submission="ref", limits=FAST, jobs=1, source=source, assignment=assignment)
    assert report.score == report.max_score
    assert runner.SCRIPTS.keys() == built.keys()


def test_the_fork_server_keeps_a_batchs_cases_and_requests_name_them(tmp_path, monkeypatch):
    """In a batch, the fork server keeps every script the entries are sent decoded (each worker decoded them again, a
    tenth of its time): a request names such a case by its index, never one that hands the worker a value of the
    reference (`late`). The verdicts are those of grading with nothing kept."""
    from autograder import examples, reference
    from autograder.sandbox import pool, script as scripts

    from tests.catalogue import REFERENCE

    reference_copy = tmp_path / "a"
    shutil.copytree(REFERENCE, reference_copy / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    buggy = materialize(next(e for e in entries() if e.name == "bn_alpha_swapped"), tmp_path / "b")
    source = reference.source()
    def said(root):
        report = runner.grade(root, seed=0, submission="s", limits=FAST, jobs=1, source=source)
        return [(r.name, r.score, r.output) for r in report.results]

    alone = {root: said(root) for root in (reference_copy, buggy)}
    monkeypatch.setattr(examples, "IN_MEMORY", {})
    monkeypatch.setattr(pool, "KEPT", pool.Kept())
    monkeypatch.setattr(runner, "JUDGED", {})
    monkeypatch.setattr(runner, "SCRIPTS", {})
    runner.warm(source, 0, assignments.get())
    assert pool.KEPT.cases
    built = [known[2] for known in runner.SCRIPTS.values()]
    assert any(s.late for s in built) and all((s._kept is None) == s.late for s in built)
    sent = []
    def pack(batch, skip_init=(), forget=False, kept=False):
        sent.append((kept, list(batch)))
        return scripts.pack(batch, skip_init, forget, kept)
    monkeypatch.setattr(pool, "pack", pack)
    for root in (reference_copy, buggy):
        assert said(root) == alone[root]
    named = [s for kept, batch in sent for s in batch if kept and s._kept is not None]
    assert sent and all(kept for kept, _ in sent) and len(named) > len(sent) * 10
    assert all(s._kept is None for _, batch in sent for s in batch if s.late)


@pytest.mark.parametrize("prime", [False, True])
def test_a_class_grades_the_reference_before_forking_its_grading_processes(monkeypatch, prime):
    """With entries enough to grade, the batch grades the reference in its own process before it forks the grading
    processes: each then starts with the reference's replies judged (each judged them on its first entry)."""
    from autograder.sandbox import pool

    monkeypatch.setattr(runner, "JUDGED", {})
    monkeypatch.setattr(runner, "SCRIPTS", {})
    monkeypatch.setattr(batch, "_ASSIGNMENT", [])
    try:
        batch._warm(0, FAST, prime=prime)
        assert runner.SCRIPTS and pool.KEPT.cases
        assert (len(runner.JUDGED) > 1000) == prime and (len(pool.KEPT.replies) > 500) == prime
    finally:
        batch._unshare()


def test_a_batch_leaves_its_process_grading_afresh(tmp_path):
    """What a batch shares between its entries stays in the batch: a grading after it, in the same process, runs
    every check body (a recording of the expected values for a handout's fixtures records them all)."""
    from autograder.expected import Official, Recording
    from autograder.checks import CHECKS
    from tests.catalogue import REFERENCE

    source = tmp_path / "class"
    shutil.copytree(REFERENCE, source / "alice" / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    summary = batch.run(source, tmp_path / "graded", seed=0, limits=FAST, progress=Quiet())
    assert summary["graded"] == 1
    checks = [c for c in CHECKS if c.cls == "Linear"]
    records = [Recording(), Recording()]
    for record in records:  # (the second as the first: nothing of the first kept either)
        report = runner.grade(REFERENCE.parent, seed=0, submission="solutions", checks=checks, limits=FAST, jobs=1,
                              source=Official(reference.load(), record))
        assert report.score == report.max_score
    record = records[1]
    assert {key.split(":")[0] for key in record.values} >= {"linear._expected_forward", "linear._expected_backward"}


def test_a_tampered_or_damaged_output_folder_costs_no_file_outside_it_and_no_traceback(tmp_path, monkeypatch):
    """helper-92: a state file naming the stem "../victim/results" had that file removed as stale; one of 200,000
    "[" ended the batch with RecursionError; a stamp's "error": 12345 made a graded row "not gradable"; a folder
    named grades.csv ended the batch after grading everyone; AUTOGRADER_SEED="²" was an internal error."""
    source = tmp_path / "class"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    victim = tmp_path / "victim" / "results.json"
    victim.parent.mkdir()
    victim.write_text("{}")
    state = json.loads((out / batch.STATE).read_text())
    state["entries"]["../victim/results"] = {}
    state["entries"]["ann"]["error"] = 12345
    (out / batch.STATE).write_text(json.dumps(state))
    again = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert victim.exists() and again["graded"] == 1 and again["kept"] == 0  # (a stamp it did not write: graded again)
    (out / batch.STATE).write_text("[" * 200_000)
    assert batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())["graded"] == 1
    (out / "grades.csv").unlink()
    (out / "grades.csv").mkdir()
    done = _cli(str(source), "--output", str(out), "--seed", "0", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "holds a folder named grades.csv" in done.stderr
    (out / "grades.csv").rmdir()
    done = subprocess.run([sys.executable, "-m", "autograder", "batch", str(source), "--output", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO), "AUTOGRADER_SEED": "\u00b2"})
    assert done.returncode == 2 and done.stderr.startswith("error: $AUTOGRADER_SEED must be a whole number"), done.stderr


def test_an_output_folder_an_older_grader_wrote_for_another_assignment_is_refused(tmp_path):
    """Its state file names no assignment (helper-92: the guard let a rerun without --assignment write over it): the
    results it holds say which."""
    nn = assignments.get("numpy-nn")
    source = tmp_path / "class"
    shutil.copytree(nn.solutions, source / "ann" / nn.package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet(), assignment=nn)
    state = json.loads((out / batch.STATE).read_text())
    del state["assignment"]
    (out / batch.STATE).write_text(json.dumps(state))
    done = _cli(str(source), "--output", str(out), "--seed", "0", cwd=tmp_path)
    assert done.returncode == 2 and "holds a batch of the numpy-nn assignment" in done.stderr, done.stderr


def test_a_metadata_file_of_aliases_makes_no_huge_gradebook(tmp_path):
    """helper-92: one 200 KB name, its submitter repeated 5,000 times by alias, made 300 MB of grades.csv (a larger
    one ended the batch): a submission's submitters and each value are capped."""
    export = tmp_path / "export"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), export / "submission_1")
    big = "A" * 100_000
    (export / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters: &people\n" + "".join(
            f"  - &p{i}\n    :name: &n{i} {big}\n    :sid: *n{i}\n    :email: *n{i}\n" if i == 0 else "  - *p0\n"
            for i in range(2000)))
    out = tmp_path / "graded"
    batch.run(export, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    assert (out / "grades.csv").stat().st_size < 100_000
    (row,) = csv.DictReader((out / "grades.csv").open())
    assert row["name"].startswith("A" * 200 + " & ") and row["name"].count(" & ") == batch.SUBMITTERS_MOST - 1


def test_a_class_graded_with_no_official_seed_set_says_the_seed_is_public(tmp_path, monkeypatch, capsys):
    """helper-92: with official_seed empty and no $AUTOGRADER_SEED, grading used seed 1 and the report said "the
    official seed"."""
    from autograder import cli
    from autograder.sandbox import limits

    source = tmp_path / "class"
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    config = tmp_path / "setup.cfg"
    config.write_text("[autograder]\nofficial_seed =\n")
    monkeypatch.setattr(limits, "CONFIG", config)
    monkeypatch.setattr(limits.official_seed, "__defaults__", (config,))
    assert cli.main(["batch", str(source), "--output", str(tmp_path / "graded")]) == 0
    assert "warning: no official seed is set" in capsys.readouterr().err
    report = (tmp_path / "graded" / "report.html").read_text()
    assert "no official seed is set: public" in report and "with the official seed" not in report


def test_results_of_another_folder_or_inside_a_hand_in_are_refused_in_one_line(tmp_path):
    """helper-130: a late student's folder graded with the class's --output removed the other 14 results (the
    gradebook then had one row); --output naming a student's folder in the class took her out of the gradebook, and
    wrote beside her mytorch/. Each is refused in one line, nothing removed; a class moved elsewhere whole goes on."""
    source, late = tmp_path / "class", tmp_path / "late"
    for folder, names in ((source, ("ann", "bob")), (late, ("cid",))):
        folder.mkdir()
        for name in names:
            (folder / f"{name}.zip").write_bytes(b"not a zip")  # (refused at once: rows without grading)
    (source / "eve" / "mytorch").mkdir(parents=True)
    (source / "eve" / "mytorch" / "linear.py").write_text("x = 1\n")
    out = tmp_path / "graded"
    assert _cli(str(source), "--output", str(out), cwd=tmp_path).returncode == 0
    before = sorted(p.name for p in out.iterdir())
    done = _cli(str(late), "--output", str(out), cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "another folder" in done.stderr and "3 of them are not in" in done.stderr, done.stderr
    assert sorted(p.name for p in out.iterdir()) == before
    for inside in (source / "eve", source / "eve" / "graded"):
        done = _cli(str(source), "--output", str(inside), cwd=tmp_path)
        assert done.returncode == 2 and "a hand-in in" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (source / "eve").iterdir()) == ["mytorch"]
    state = json.loads((out / batch.STATE).read_text())
    del state["source"]  # (as an older grader wrote it: the folder its entries lay in is read from their stamps)
    (out / batch.STATE).write_text(json.dumps(state))
    done = _cli(str(late), "--output", str(out), cwd=tmp_path)
    assert done.returncode == 2 and "another folder" in done.stderr, done.stderr
    done = _cli(str(source), "--output", str(source), cwd=tmp_path)
    assert done.returncode == 2 and "the folder of submissions itself" in done.stderr, done.stderr
    moved = tmp_path / "moved"
    shutil.copytree(source, moved)
    shutil.copy(late / "cid.zip", moved)
    done = _cli(str(moved), "--output", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(row["entry"] for row in csv.DictReader((out / "grades.csv").open())) == ["ann", "bob", "cid", "eve"]


def test_a_rerun_keeps_what_it_can_before_it_grades_anything(tmp_path):
    """helper-131: Ctrl-C in a rerun for a late hand-in left every unchanged entry after it "not graded yet" in the
    gradebook (each was kept only when its turn came); they are kept first, before any grading starts."""
    source = tmp_path / "class"
    source.mkdir()
    for name in ("yan", "zed"):
        (source / f"{name}.zip").write_bytes(b"not a zip")  # (refused, and kept refused on a rerun)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    shutil.copytree(materialize(next(e for e in entries("correct")), tmp_path / "made"), source / "ann")
    quiet = Quiet()
    summary = batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=quiet)
    assert quiet.seen == ["yan", "zed", "ann"] and summary["kept"] == 2


@pytest.mark.parametrize("tamper", [
    lambda r: {**r, "score": 250}, lambda r: [r], lambda r: {**r, "execution_time": None},
    lambda r: {**r, "tests": 5}, lambda r: {**r, "tests": ["x"]}, lambda r: {**r, "score": "=1+1"},
])
def test_results_edited_between_runs_are_graded_again_not_kept(tmp_path, tamper):
    """helper-133: a results file edited by hand was kept on a rerun (a score of 250 in the gradebook), or, not of
    the shape the batch writes, ended it with a traceback. The state keeps a digest of each results file."""
    source = tmp_path / "class"
    source.mkdir()
    (source / "ann.zip").write_bytes(b"not a zip")
    out = tmp_path / "graded"
    assert _cli(str(source), "--output", str(out), cwd=tmp_path).returncode == 0
    first = json.loads((out / "ann.json").read_text())
    (out / "ann.json").write_text(json.dumps(tamper(first)))
    again = _cli(str(source), "--output", str(out), cwd=tmp_path)
    assert again.returncode == 0 and "0 kept" in again.stdout, again.stdout + again.stderr
    assert json.loads((out / "ann.json").read_text())["score"] == first["score"] == 0


def test_a_folder_where_an_entrys_results_go_is_one_line(tmp_path):
    source = tmp_path / "class"
    source.mkdir()
    (source / "ann.zip").write_bytes(b"not a zip")
    (tmp_path / "graded" / "ann.json").mkdir(parents=True)
    done = _cli(str(source), "--output", str(tmp_path / "graded"), cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "ann.json" in done.stderr


def test_a_hand_in_holding_an_archive_and_a_state_file_is_still_an_entry(tmp_path):
    """helper-133: a student's folder of hw.zip and a .batch-state.json read as an earlier batch's results: the
    student left the gradebook and their kept results were removed (only a .py file kept it an entry)."""
    source = tmp_path / "class"
    (source / "frank").mkdir(parents=True)
    (source / "frank" / "hw.zip").write_bytes(b"not a zip")
    (source / "frank" / batch.STATE).write_text("{}")
    (source / "ann.zip").write_bytes(b"not a zip")
    assert sorted(e.stem for e in batch.entries(source)) == ["ann", "frank"]
