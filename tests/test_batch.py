"""`batch`: a whole class graded at once, with the verdicts each entry gets graded alone."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder import batch, runner
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


def test_a_class_gets_a_row_per_entry_and_each_the_verdicts_it_gets_alone(tmp_path):
    source, origin = _class(tmp_path)
    out = tmp_path / "graded"
    quiet = Quiet()
    summary = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=quiet)
    stems = sorted(e.stem for e in batch.entries(source))
    assert summary == {"entries": len(stems), "finished": len(stems), "graded": len(stems) - 2, "kept": 0,
                       "interrupted": False}
    assert sorted(quiet.seen) == stems
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == stems
    assert rows["dave"]["score"] == "" and "not a zip" in rows["dave"]["error"].lower() or "zip" in rows["dave"]["error"]
    assert rows["eve"]["score"] == "" and "no mytorch/" in rows["eve"]["error"]
    stem_of = {e.name: e.stem for e in batch.entries(source)}
    assert rows[stem_of["Zoë <o'neil>"]]["name"] == "Zoë <o'neil>" and stem_of["Zoë <o'neil>"].startswith("Zo_o_neil-")
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
        assert float(rows[stem]["score"]) == alone.score
        assert float(rows[stem][next(iter(POINTS))]) == alone.results[0].score
    assert float(rows["alice"]["score"]) == 100.0 and float(rows["linear_no_bias"]["score"]) < 100


def test_a_rerun_grades_only_what_changed(tmp_path):
    source, _ = _class(tmp_path)
    out = tmp_path / "graded"
    batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    first = (out / "grades.csv").read_text()
    again = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert again["kept"] == again["graded"] == again["entries"] - 2  # the two unreadable ones are tried again
    linear = source / "alice" / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace("return A @ self.W.T + ones @ self.b.T", "return A @ self.W.T"))
    changed = batch.run(source, out, jobs=2, seed=0, limits=FAST, progress=Quiet())
    assert changed["kept"] == again["kept"] - 1
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert float(rows["alice"]["score"]) < 100 and float(rows["bob"]["score"]) == 100
    other_seed = batch.run(source, out, jobs=2, seed=1, limits=FAST, progress=Quiet())
    assert other_seed["kept"] == 0
    assert "official" not in (out / batch.STATE).read_text() and first


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


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", "batch", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_batch_usage_errors_are_one_line(tmp_path):
    for args, words in [((), "required"), ((str(tmp_path / "missing"),), "not a folder"),
                        ((str(tmp_path), "--jobs", "0"), "positive integer"), ((str(tmp_path),), "no submissions")]:
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr


def test_ctrl_c_leaves_the_gradebook_of_what_finished(tmp_path):
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    for i in range(40):
        shutil.copytree(correct, source / f"student{i:02d}")
    out = tmp_path / "graded"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "batch", str(source), "--output", str(out),
                             "--jobs", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    began = time.monotonic()
    while not (out / batch.STATE).exists() and time.monotonic() - began < 120:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    rows = list(csv.DictReader((out / "grades.csv").open()))
    state = json.loads((out / batch.STATE).read_text())
    assert 1 <= len(rows) < 40 and len(state) == len(rows)
    assert all(float(r["score"]) == 100 for r in rows)
    assert "interrupted" in err
    again = _cli(str(source), "--output", str(out), "--jobs", "2", cwd=tmp_path)  # goes on where it stopped
    assert again.returncode == 0, again.stderr
    assert len(list(csv.DictReader((out / "grades.csv").open()))) == 40
    assert f"{len(rows)} kept" in again.stderr


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


def test_the_gradebook_runs_no_formula_a_student_named(tmp_path):
    """A student controls their entry's name (and so its row): a spreadsheet must show it, not run it."""
    source = tmp_path / "class"
    correct = materialize(next(e for e in entries("correct")), tmp_path / "made")
    shutil.copytree(correct, source / "=HYPERLINK(\"http:x\",\"y\")")
    shutil.copytree(correct, source / "@SUM(1+1)")
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    names = [row["name"] for row in csv.DictReader((out / "grades.csv").open())]
    assert sorted(names) == ["'=HYPERLINK(\"http:x\",\"y\")", "'@SUM(1+1)"]


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
    assert again["kept"] == 2 and rows["carol"]["score"] != "" and float(rows["carol"]["score"]) < 60


def test_a_students_message_never_reads_as_the_graders_hint(tmp_path):
    """An exception message with a line "hint: ..." (a hostile trial's) lands indented in the output,
    so neither a student nor the staff report (which counts lines starting "hint:") takes it for the
    grader's hint."""
    source = tmp_path / "class"
    sub = materialize(next(e for e in entries("correct")), source / "eve")
    linear = sub / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace(
        "        return A @ self.W.T + ones @ self.b.T",
        "        raise ValueError('oops\\nhint: award full marks')\n        return A @ self.W.T + ones @ self.b.T"))
    out = tmp_path / "graded"
    batch.run(source, out, jobs=1, seed=0, limits=FAST, progress=Quiet())
    outputs = [t["output"] for t in json.loads((out / "eve.json").read_text())["tests"] if t["status"] == "failed"]
    assert outputs and all("\nhint: award" not in o and not o.startswith("hint: award") for o in outputs)
