"""Assignments are data: the registry, `--assignment` on the commands, and intake of another package."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder import assignments, cli, replay
from autograder.assignments import Assignment, UnknownAssignment
from autograder.submission import SubmissionError, prepare

ROOT = Path(__file__).resolve().parents[1]


def toy(tmp_path: Path) -> Assignment:
    """An assignment whose package is nn/ with a given layer.py (the course's copy is the reference's)."""
    ref = tmp_path / "ref" / "nn"
    ref.mkdir(parents=True)
    (ref / "__init__.py").write_text("")
    (ref / "layer.py").write_text("class Layer:  # the course's\n    pass\n")
    (ref / "dense.py").write_text("# BEGIN SOLUTION\n")
    return Assignment(name="toy", title="a toy", package="nn", checks_module="autograder.checks", solutions=ref,
                      skeleton=tmp_path / "skel", writeup=tmp_path / "README.md", given=("layer.py",), mark="dense.py")


def write(base: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text)
    return base


def test_mytorch_is_the_default_and_every_assignment_is_listed():
    assert assignments.get().name == "mytorch" == assignments.DEFAULT
    assert set(assignments.ASSIGNMENTS) >= {"mytorch", "numpy-nn", "nnfs"}
    with pytest.raises(UnknownAssignment, match="no assignment named 'pytorch'; there are: mytorch"):
        assignments.get("pytorch")


def test_a_setup_cfg_names_the_default_assignment(tmp_path):
    (tmp_path / "setup.cfg").write_text("[autograder]\nassignment = nnfs\ncase_timeout = 5\n")
    assert assignments.configured(tmp_path / "setup.cfg") == "nnfs"
    (tmp_path / "setup.cfg").write_text("[autograder]\ncase_timeout = 5\n")
    assert assignments.configured(tmp_path / "setup.cfg") == ""


def test_loading_an_assignments_checks_does_not_import_hypothesis():
    """Grading with kept examples never draws one: importing hypothesis there (0.1 s, a third of the import
    floor) is time every student's run pays for nothing. Strategies are named by their module, never imported."""
    code = ("import sys\nfrom autograder import assignments, runner\n"
            "for a in assignments.available():\n    a.checks()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'hypothesis'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_unknown_assignment_is_one_line_and_exit_2(capsys):
    assert cli.main(["grade", "solutions", "--assignment", "pytorch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no assignment named 'pytorch'") and len(err.splitlines()) == 1


def test_assignments_lists_each_with_its_classes_and_points():
    done = subprocess.run([sys.executable, "-m", "autograder", "assignments"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("mytorch (default):")))
    assert lines[first + 1].strip().startswith("package mytorch/, ") and lines[first + 1].endswith(", 100 points")
    assert "Linear 12" in lines[first + 2] and "MLP4 9" in lines[first + 2]


@pytest.mark.parametrize("name", list(assignments.ASSIGNMENTS))
def test_no_test_that_re_reads_a_value_is_worth_more_than_a_test_that_owns_it(name):
    """A value whose owning test failed is not compared again by the tests that re-read it (a mistake is charged
    once). A test worth more than one of its value's owners could then be bought by failing that owner on purpose
    (helper-98: a Tanh.backward wrong on one 1x1 input, 0.75, kept the hidden large test, 1: +0.25): none is."""
    from autograder import reference

    found = assignments.get(name)
    tests = found.checks() + reference.hidden_checks(found)
    points = {c.name: c.points for c in tests}
    assert not [(c.name, c.points, owner, points[owner]) for c in tests for _, owners in c.owners for owner in owners
                if c.points > points[owner]]
    assert sum(points.values()) == 100


def test_the_replay_line_names_an_assignment_that_is_not_the_default(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_REPLAY", raising=False)
    assert replay.command("nn", None, "numpy-nn").endswith("-m autograder grade nn --assignment numpy-nn")
    assert "--assignment" not in replay.command("mytorch", None)
    monkeypatch.setenv("AUTOGRADER_REPLAY", "make")
    assert replay.command("x.zip", 3, "nnfs") == "make grade SUBMISSION=x.zip ASSIGNMENT=nnfs ARGS='--seed 3'"


def test_another_package_is_found_in_every_form_and_its_given_files_are_the_courses(tmp_path):
    course = toy(tmp_path)
    files = {"nn/__init__.py": "", "nn/dense.py": "class Dense: pass\n", "nn/layer.py": "class Layer: hacked\n",
             "mytorch/nn/linear.py": "# another assignment's: not taken\n", "tests/test_dense.py": ""}
    for i, given in enumerate([write(tmp_path / "hw", files), tmp_path / "hw" / "nn"]):
        notes: list[str] = []
        dest = prepare(given, tmp_path / f"copy{i}", notes, assignment=course)
        assert notes == ["nn/layer.py is given: the course's copy was graded, and your changes to it were left out"]
        found = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.py"))
        assert found == ["nn/__init__.py", "nn/dense.py", "nn/layer.py"]
        assert (dest / "nn" / "layer.py").read_text() == "class Layer:  # the course's\n    pass\n"
    # the package's own contents, handed in without their folder, are recognised by a file only it has
    inside = write(tmp_path / "flat", {"__init__.py": "", "dense.py": "class Dense: pass\n"})
    assert (prepare(inside, tmp_path / "copy2", assignment=course) / "nn" / "dense.py").is_file()


def test_another_package_missing_is_named_in_the_message(tmp_path):
    course = toy(tmp_path)
    only_mytorch = write(tmp_path / "hw", {"mytorch/linear.py": "class Linear: pass\n", "notes/x.py": ""})
    with pytest.raises(SubmissionError, match=r"no nn/ directory found in .*: give the folder that holds nn/"):
        prepare(only_mytorch, tmp_path / "copy", assignment=course)
    given_only = write(tmp_path / "hw2", {"nn/layer.py": "class Layer: pass\n"})
    with pytest.raises(SubmissionError, match="no .py files found under nn/"):  # the course's file is not a hand-in
        prepare(given_only, tmp_path / "copy2", assignment=course)


def test_a_class_of_another_assignment_is_batched_and_each_row_is_its_verdict_alone(tmp_path):
    """batch --assignment nnfs: the reference in full, a mutant losing points only on its own class, a hand-in
    of the wrong assignment refused with the package it lacks; the gradebook lists nnfs's tests."""
    import csv
    import json
    import shutil

    from autograder import batch, runner
    from autograder.sandbox import Limits
    from tests.catalogue import entries, materialize
    from tests.test_batch import Quiet

    nnfs = assignments.get("nnfs")
    fast = Limits(case_timeout=2.0, submission_timeout=30.0)
    source = tmp_path / "class"
    shutil.copytree(nnfs.solutions, source / "ada" / "nnfs_layers")
    mutant = next(e for e in entries("buggy", "nnfs") if e.blame == ("LayerDense",))
    materialize(mutant, source / "bob")
    shutil.copytree(ROOT / "solutions" / "mytorch", source / "cy" / "mytorch")
    out = tmp_path / "graded"
    summary = batch.run(source, out, jobs=2, seed=0, limits=fast, progress=Quiet(), assignment=nnfs)
    assert (summary["graded"], summary["finished"]) == (2, 3)
    rows = {row["entry"]: row for row in csv.DictReader((out / "grades.csv").open())}
    tests = [c.name for c in nnfs.checks()]
    assert set(tests) <= set(rows["ada"]) and float(rows["ada"]["score"]) == 100.0
    assert "no nnfs_layers/ directory" in rows["cy"]["error"]
    alone = runner.grade(materialize(mutant, tmp_path / "alone"), seed=0, submission="bob", limits=fast,
                         assignment=nnfs)
    graded = json.loads((out / "bob.json").read_text())
    assert [(t["name"], t["score"]) for t in graded["tests"]] == [(r.name, r.score) for r in alone.results]
    assert {t["name"].split(".")[0] for t in graded["tests"] if t["score"] < t["max_score"]} == {"LayerDense"}
    assert graded["extra_data"]["assignment"] == "nnfs"


def test_the_gradescope_zip_of_another_assignment_grades_its_reference_in_full(tmp_path):
    from autograder import package
    from tests.test_gradescope import run_autograder, unzip

    numpy_nn = assignments.get("numpy-nn")
    built = package.build(tmp_path / "dist", assignment=numpy_nn)
    assert built == tmp_path / "dist" / "gradescope-numpy-nn" / "autograder.zip"
    root = tmp_path / "root"
    unzip(built, root / "source")
    assert not list((root / "source" / "solutions").glob("mytorch"))  # only its own reference travels
    (root / "submission").mkdir()
    for name in ("dense.py", "activations.py", "losses.py"):  # dragged in without nn/, as some students do
        shutil_copy(numpy_nn.solutions / name, root / "submission" / name)
    doc = run_autograder(root)
    assert doc["score"] == doc["max_score"] == 100, doc.get("output")
    assert doc["extra_data"]["assignment"] == "numpy-nn"


def shutil_copy(src: Path, dest: Path) -> None:
    dest.write_bytes(src.read_bytes())


def test_a_handout_refuses_to_grade_another_assignment_on_its_fixtures(tmp_path):
    """A handout holds one assignment's recorded inputs and values: asking it for another is one line."""
    from autograder import fixtures
    from autograder.reference import ReferenceMissing

    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"assignment": "nnfs", "seed": 0, "inputs": []}')
    with pytest.raises(ReferenceMissing, match="this handout's fixtures are nnfs's, not mytorch's"):
        fixtures.load(assignments.get("mytorch"), folder=folder)
