"""The handout: it leaks nothing, its local grading agrees with the official one, and a student
who follows its README gets the verdicts the official grader would give."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from autograder import fixtures, handout, reference, runner
from autograder.checks import CHECKS
from autograder.expected import Official, Recording, fingerprint
from autograder.sandbox import Limits
from tests.catalogue import REFERENCE, entries, materialize
from tests.test_gradescope import check_workflow
from tests.test_grading import FAST

from autograder.writers.text import points  # noqa: E402 - how the text report writes a score
from tests.accuracy import graded_classes  # noqa: E402

PUBLIC_POINTS = sum(c.points for c in CHECKS)
REPO = REFERENCE.parents[1]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    archive = handout.build(dist)
    return dist / "handout", archive


@pytest.fixture(scope="session")
def local(built):
    return fixtures.load(folder=built[0] / "fixtures")


def handout_lines(folder: Path) -> dict[str, set[str]]:
    """Every text file of the handout, as its set of stripped lines."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".npz":
            found[str(path.relative_to(folder))] = {line.strip() for line in path.read_text().splitlines()}
    return found


def solution_lines() -> set[str]:
    lines, inside = set(), False
    for path in REFERENCE.rglob("*.py"):
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith(("# BEGIN SOLUTION", "# END SOLUTION")):
                inside = text.startswith("# BEGIN")
            elif inside and text and not text.startswith("#") and text not in ("else:", "try:", "pass"):
                lines.add(text)  # (a bare keyword line is in any Python file: it gives nothing away)
    return lines


def test_the_handout_holds_no_solution_and_no_hidden_test(built):
    folder, _ = built
    assert not any("solutions" in path.parts or path.name == "hidden_checks.py" for path in folder.rglob("*"))
    files = handout_lines(folder)
    leaked = {name: lines & solution_lines() for name, lines in files.items()}
    assert not any(leaked.values()), leaked
    hidden_code = {line.strip() for line in reference.HIDDEN.read_text().splitlines() if len(line.strip()) > 30}
    public_code = {line.strip() for path in (REPO / "autograder").rglob("*.py") for line in path.read_text().splitlines()}
    hidden_only = hidden_code - public_code
    assert hidden_only and not any(lines & hidden_only for lines in files.values())


def test_the_fixtures_hold_no_input_or_expected_value_of_a_hidden_test(built, tmp_path):
    record = Recording()
    runner.grade(REFERENCE.parent, seed=0, submission="solutions", checks=reference.hidden_checks(),
                 source=Official(reference.load(), record), jobs=1)
    hidden_cases = {fingerprint(case) for cases in record.inputs.values() for case in cases}
    assert record.values and hidden_cases
    public = fixtures.load(folder=built[0] / "fixtures")
    public_cases = {fingerprint(case) for cases in public.recorded.values() for case in cases}
    assert not hidden_cases & public_cases
    assert not set(record.values) & set(public.table)


def test_the_handout_grades_with_the_course_settings(built):
    import configparser

    ours, theirs = configparser.ConfigParser(), configparser.ConfigParser()
    ours.read(REPO / "setup.cfg")
    theirs.read(built[0] / "setup.cfg")
    secret = ours["autograder"].pop("official_seed")
    assert dict(theirs["autograder"]) == {**ours["autograder"], "assignment": "mytorch"}  # (the handout's own)
    assert "allowed_imports" in theirs["autograder"]
    assert not any(secret in line for lines in handout_lines(built[0]).values() for line in lines)


def test_the_archive_is_the_folder(built):
    folder, archive = built
    with tarfile.open(archive) as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    assert names == {f"handout/{p.relative_to(folder)}" for p in folder.rglob("*") if p.is_file()}


def agreeing() -> list:
    """The entries whose local and official verdicts are compared: every correct one, every one only the sandboxed
    grader may run (hangs, exits, broken imports), and the first four mistakes of each class (the comparison is
    the same code for all: four per class cover every class's checks, fixtures and hints; `make accuracy` grades
    all of them officially)."""
    chosen, per_class = [], {}
    for entry in entries("buggy"):
        count = per_class.setdefault(tuple(entry.blame), 0)
        if not entry.in_process or count < 4:
            chosen.append(entry)
            per_class[tuple(entry.blame)] = count + 1
    return chosen + entries("correct")


# Limits with room for a loaded machine: a case that hits a 2 s limit in one of the two runs (a full suite on a slow
# spell of the machine; the limit counts from the request's sending) changes a verdict, which the comparison is not
# about. An entry that hangs costs the case limit at every hang, in both runs (relu_backward_hangs: 50 s of the suite
# at 6 s, 33 s at 3 s, each hang spinning a core), and its other cases are the reference's, far under the limit: it gets
# less room.
AGREEING = Limits(case_timeout=6.0, submission_timeout=60.0)
HANGING = Limits(case_timeout=1.5, submission_timeout=60.0)


@pytest.mark.parametrize("entry", agreeing(), ids=lambda e: e.name)
def test_local_and_official_verdicts_agree_on_every_public_test(entry, tmp_path, local):
    root = materialize(entry, tmp_path)
    checks = [c for c in CHECKS if c.cls in graded_classes(entry)]  # the others are the reference's code
    limits = HANGING if entry.name.endswith("_hangs") else AGREEING
    official = runner.grade(root, submission=entry.name, limits=limits, checks=checks)  # the course's secret seed
    here = runner.grade(root, submission=entry.name, limits=limits, source=local, checks=checks)
    assert official.seed != here.seed and official.secret_seed
    differ = [f"{a.name}: here {a.outcome.value}, officially {b.outcome.value}\n{a.output}\n--- officially:\n{b.output}"
              for a, b in zip(here.results, official.results) if (a.outcome, a.score) != (b.outcome, b.score)]
    assert [r.name for r in here.results] == [r.name for r in official.results] and not differ, "\n\n".join(differ)


def make(target: str, cwd: Path, *args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", target, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_student_following_the_handout_readme_gets_the_official_verdicts(built, tmp_path):
    with tarfile.open(built[1]) as tar:
        tar.extractall(tmp_path, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))  # 3.11.4+
    home = tmp_path / "handout"
    setup = re.search(r"^make (\w+) +# once", (home / "README.md").read_text(), re.M).group(1)
    make(setup, home)

    skeleton = make("grade", home)
    assert f"Score: 0.0 / {points(PUBLIC_POINTS)} (public tests)" in skeleton
    rows = [line for line in skeleton.splitlines() if re.match(r"  \S", line) and " / " in line]
    assert len(rows) == len(CHECKS) and all(row.strip().startswith("not attempted") for row in rows)

    shutil.copytree(REFERENCE, home / "mytorch", dirs_exist_ok=True)
    assert f"Score: {points(PUBLIC_POINTS)} / {points(PUBLIC_POINTS)} (public tests)" in make("grade", home)

    entry = next(e for e in entries("buggy") if e.name == "linear_dLdW_transposed")
    buggy = materialize(entry, tmp_path / "buggy")
    shutil.copytree(buggy / "mytorch", home / "mytorch", dirs_exist_ok=True)
    make("grade", home, "ARGS=--format gradescope --output results.json")
    local = {t["name"]: t["status"] for t in json.loads((home / "results.json").read_text())["tests"]}
    official = runner.grade(buggy, submission="buggy", limits=FAST)
    assert local == {r.name: "passed" if r.passed else "failed" for r in official.results if r.name in local}
    assert len(local) == len(CHECKS)

    odd = home / "my work's copy"  # a path with a space and a quote, as students name folders
    shutil.copytree(buggy, odd)
    graded = make("grade", home, f"SUBMISSION={odd.name}")
    public = sum(r.score for r in official.results if r.name in local)
    assert f"Score: {points(public)} / {points(PUBLIC_POINTS)} (public tests)" in graded
    assert f"replay: make grade SUBMISSION='my work'\"'\"'s copy'" in graded  # the make command, path as typed

    make("handin", home)
    graded = subprocess.run([sys.executable, "-m", "autograder", "grade", str(home / "handin.tar.gz"),
                             "--format", "gradescope"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["score"] == official.score


def test_the_student_workflow_grades_on_push_into_the_summary_and_an_artifact(built):
    workflow = (built[0] / ".github" / "workflows" / "grade.yml").read_text()
    assert re.search(r"^on: \[push", workflow, re.M)
    assert "run: make setup" in workflow
    assert "--format gradescope --output results.json" in workflow
    assert '>> "$GITHUB_STEP_SUMMARY"' in workflow
    assert "actions/upload-artifact" in workflow and "path: results.json" in workflow
    check_workflow(workflow)  # current action versions (Node 24), pipefail wherever output is piped
    # the grade's exit status survives the pipe and the summary: a submission it cannot read fails the job
    assert re.search(r"set -o pipefail\n(.*\n)*?.*\| tee score\.txt \|\| status=\$\?\n(.*\n)*? *exit \"\$status\"\n",
                     workflow)


def test_the_handout_has_a_gitignore_for_what_grading_and_handin_leave(built):
    folder, archive = built
    ignored = set((folder / ".gitignore").read_text().split())
    assert {".venv/", "results.json", "handin.tar.gz", "__pycache__/"} <= ignored
    with tarfile.open(archive) as tar:
        assert "handout/.gitignore" in tar.getnames()


def test_a_table_of_the_handouts_fixtures_earns_nothing_officially(local, tmp_path):
    """The handout ships every public input with its expected value. A Linear.forward that looks its
    answer up in a table built from them passes locally; officially (the course's secret seed, other
    inputs) it must not."""
    table = {}
    for case in local.recorded["Linear:linear_cases"] + local.recorded["Linear:Draw(name='linear_strategy', kwargs=())"]:
        z = local.table.get(f"linear._expected_forward:{fingerprint(case)}")
        if z is not None:
            table[hashlib.sha256(case.A.tobytes() + case.W.tobytes()).hexdigest()] = z.tolist()
    assert len(table) > 25  # every public Linear input: the edge shapes, the seeded random ones, the drawn ones
    root = tmp_path / "lookup"
    shutil.copytree(REFERENCE, root / "mytorch")
    linear = root / "mytorch" / "nn" / "linear.py"
    linear.write_text(linear.read_text().replace(
        "        return A @ self.W.T + ones @ self.b.T\n",
        "        import hashlib\n"
        f"        table = {table!r}\n"
        "        key = hashlib.sha256(A.tobytes() + self.W.tobytes()).hexdigest()\n"
        "        return np.array(table[key]) if key in table else np.zeros((A.shape[0], self.W.shape[0]))\n"))
    name = "Linear.forward: output Z"
    here = runner.grade(root, submission="lookup", limits=FAST, checks=CHECKS, source=local)
    assert next(r for r in here.results if r.name == name).passed  # the table holds every local input
    official = runner.grade(root, submission="lookup", limits=FAST, checks=CHECKS)
    assert not next(r for r in official.results if r.name == name).passed


def test_handin_packs_mytorch_and_models_beside_it_and_nothing_else(built, tmp_path):
    with tarfile.open(built[1]) as tar:
        tar.extractall(tmp_path, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    home = tmp_path / "handout"
    make("handin", home)
    with tarfile.open(home / "handin.tar.gz") as tar:
        alone = sorted(tar.getnames())
    assert alone and all(name.startswith("mytorch/") and name.endswith(".py") for name in alone)
    (home / "models").mkdir()
    (home / "models" / "mlp.py").write_text("from mytorch.nn.linear import Linear\n")
    (home / "models" / "notes.txt").write_text("not a module\n")
    make("handin", home)
    with tarfile.open(home / "handin.tar.gz") as tar:
        assert sorted(tar.getnames()) == sorted(alone + ["models/mlp.py"])
