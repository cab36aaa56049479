"""`make gradescope`'s autograder.zip, run as Gradescope runs it: unzipped into ROOT/source, then
ROOT/source/run_autograder with the student's files in ROOT/submission, must leave a valid
ROOT/results/results.json, whatever happens. And the course's own GitHub workflow."""
from __future__ import annotations

import configparser
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from autograder import package, reference
from autograder.checks import CHECKS
from tests.catalogue import REFERENCE, entries, materialize

REPO = REFERENCE.parents[1]
EVERY_TEST = CHECKS + reference.hidden_checks()
SCRIPTS = ("setup.sh", "run_autograder")
# The current major versions (each runs on Node 24), for both workflows.
ACTIONS = {"actions/checkout": "v7", "actions/setup-python": "v7", "actions/upload-artifact": "v7"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return package.build(tmp_path_factory.mktemp("dist"))


def unzip(archive: Path, dest: Path) -> Path:
    """Extract as Gradescope does (unzip: the permissions the zip records are applied)."""
    dest.mkdir(parents=True, exist_ok=True)
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(archive), "-d", str(dest)], check=True)
    else:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                zf.extract(info, dest)
                os.chmod(dest / info.filename, (info.external_attr >> 16) & 0o777)
    return dest


@pytest.fixture
def root(built, tmp_path) -> Path:
    """A Gradescope-like AUTOGRADER_ROOT: source/ unzipped, submission/ empty."""
    unzip(built, tmp_path / "source")
    (tmp_path / "submission").mkdir()
    return tmp_path


# The Python the zip grades with here: this project's, whose install of the grader is editable (a finder that imports
# it from the repository), with that finder taken out at start-up, so that a module the zip leaves out is missing, as
# on Gradescope (helper-99: the zip had no package.py, and results there said nothing of a public seed, while here the
# repository's filled the gap)
_WITHOUT_THE_REPOSITORY = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path_hooks[:] = [h for h in sys.path_hooks if "__editable__" not in getattr(h, "__module__", "")]
sys.path_importer_cache.clear()
"""


def zip_python(root: Path) -> str:
    """That Python, made in `root` (beside source/: run_autograder reads nothing else there)."""
    folder = root / "zip-python"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(_WITHOUT_THE_REPOSITORY)
    shim = folder / "python"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{folder}${{PYTHONPATH:+:$PYTHONPATH}}" exec {sys.executable} "$@"\n')
    shim.chmod(0o755)
    return str(shim)


def run_autograder(root: Path, python: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_SEED"}  # the zip's seed, as on Gradescope
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python or zip_python(root))
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = root / "results" / "results.json"
    assert results.is_file(), done.stdout + done.stderr
    doc = json.loads(results.read_text(encoding="utf-8"))
    check_gradescope(doc)
    return doc


def check_gradescope(doc: dict) -> None:
    """The fields Gradescope reads, with the types its specification gives."""
    def number(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)

    assert isinstance(doc, dict) and number(doc["score"]) and isinstance(doc["output"], str)
    assert isinstance(doc["tests"], list)
    for test in doc["tests"]:
        assert isinstance(test["name"], str) and number(test["score"]) and number(test["max_score"])
        assert test["status"] in ("passed", "failed") and test["visibility"] in ("visible", "after_published")


def every_test_listed(doc: dict) -> None:
    assert [t["name"] for t in doc["tests"]] == [c.name for c in EVERY_TEST]
    hidden = {c.name for c in EVERY_TEST if c.visibility != "visible"}
    assert hidden and {t["name"] for t in doc["tests"] if t["visibility"] == "after_published"} == hidden
    assert doc["max_score"] == 100


def fallback(doc: dict, *words: str) -> None:
    """run_autograder's own results: 0 points and one line saying what went wrong."""
    assert doc["score"] == 0 and doc["tests"] == [] and "\n" not in doc["output"]
    assert "could not grade" in doc["output"] and all(w in doc["output"] for w in words), doc["output"]


# -- the zip -------------------------------------------------------------------------------------

def test_the_zip_holds_the_scripts_the_grader_the_reference_the_hidden_tests_and_the_official_seed(built, tmp_path):
    with zipfile.ZipFile(built) as zf:
        names = set(zf.namelist())
        config = configparser.ConfigParser()
        config.read_string(zf.read("setup.cfg").decode())
        hidden = zf.read("solutions/hidden_checks.py")
    assert {"setup.sh", "run_autograder", "loose_files.py", "setup.cfg", "pyproject.toml", "README.md",
            "autograder/__main__.py", "autograder/sandbox/worker.py", "solutions/mytorch/nn/linear.py",
            "solutions/hidden_checks.py"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not {"autograder/package.py", "autograder/handout.py", "autograder/skeleton.py"} & names
    ours = configparser.ConfigParser()
    ours.read(REPO / "setup.cfg")
    assert config["autograder"]["official_seed"] == ours["autograder"]["official_seed"]
    assert dict(config["autograder"]) == {**ours["autograder"], "assignment": "mytorch"}  # (the zip's assignment)
    assert not [n for n in names if n.startswith(("solutions/numpy-nn", "solutions/nnfs", "autograder/assignments/n"))]
    assert "numpy" in config["options"]["install_requires"] and "hypothesis" in config["options"]["install_requires"]
    assert hidden == reference.HIDDEN.read_bytes()
    again = package.build(tmp_path)  # reproducible: the same sources make the same bytes
    assert again.read_bytes() == built.read_bytes()


def test_a_seed_in_the_environment_at_build_time_is_the_seed_the_zip_grades_with(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "123456789012345")
    with zipfile.ZipFile(package.build(tmp_path)) as zf:
        text = zf.read("setup.cfg").decode()
    assert re.findall(r"^official_seed\s*=\s*(\S+)$", text, re.M) == ["123456789012345"]


@pytest.mark.parametrize("seed, said", [("42", "is short"), ("abc", "must be a whole number"),
                                        ("\u00b2", "must be a whole number"), ("123456789012345", None)])
def test_make_gradescope_says_a_seed_is_short_or_no_number_and_leaves_no_part_of_a_zip(tmp_path, seed, said,
                                                                                        monkeypatch, capsys):
    """helper-130: AUTOGRADER_SEED=42 went by unsaid (the README: a six-digit seed was found in 13 s); "abc" exited 1
    but left dist/gradescope/autograder.zip.part behind."""
    build = package.build
    monkeypatch.setattr(package, "build", lambda assignment=None: build(tmp_path, assignment=assignment))
    monkeypatch.setenv("AUTOGRADER_SEED", seed)
    code = package.main([])
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    refused = not seed.isascii() or not seed.isdigit()  # (helper-131: "\u00b2" built a zip that graded nothing)
    assert code == (2 if refused else 0), warnings
    assert (said is None and not warnings) or (len(warnings) == 1 and said in warnings[0]), warnings
    assert not list(tmp_path.rglob("*.part")) and refused != any(tmp_path.rglob("autograder.zip"))
    assert seed not in " ".join(warnings)  # (the seed is a secret: never in a build log)


def test_the_scripts_are_executable_after_unzip_and_valid_bash(built, root):
    with zipfile.ZipFile(built) as zf:
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert all(modes[name] & 0o111 == 0o111 for name in SCRIPTS)
    assert modes["setup.cfg"] & 0o111 == 0
    for name in SCRIPTS:
        path = root / "source" / name
        assert os.stat(path).st_mode & stat.S_IXUSR, name
        assert path.read_text().startswith("#!/usr/bin/env bash\n")
        done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_the_zips_setup_cfg_describes_the_grader_it_holds(root):
    """setup.sh pip-installs the zip's folder: its setup.cfg must find the zip's packages and README."""
    code = ("from setuptools.config.setupcfg import read_configuration as r; import json; c = r('setup.cfg'); "
            "print(json.dumps({'packages': c['options']['packages'], 'requires': c['options']['install_requires'], "
            "'readme': c['metadata']['long_description']}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=root / "source", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {"autograder", "autograder.sandbox", "autograder.checks", "autograder.writers"} <= set(found["packages"])
    assert {re.split(r"[<>=]", r)[0] for r in found["requires"]} >= {"numpy", "scipy", "hypothesis"}
    assert found["readme"] == (root / "source" / "README.md").read_text()  # the zip's own README
    assert found["readme"].startswith("# mytorch autograder for Gradescope") and "PRIVATE" in found["readme"]


# -- run_autograder, end to end ------------------------------------------------------------------

def test_the_reference_scores_100_with_every_test_and_the_official_seed(root):
    shutil.copytree(REFERENCE, root / "submission" / "mytorch")
    doc = run_autograder(root)
    every_test_listed(doc)
    assert doc["score"] == 100 and all(t["status"] == "passed" for t in doc["tests"])
    assert doc["extra_data"]["seed"] == "official"
    # (this repository's seed is the public example: the zip's results say so, as every official grading's do)
    assert "the official seed is still the one this project's setup.cfg comes with" in doc["output"], doc["output"]


def test_a_broken_submission_loses_the_points_of_what_it_breaks(root):
    entry = next(e for e in entries("buggy") if e.name == "linear_dLdW_transposed")
    materialize(entry, root / "submission")
    doc = run_autograder(root)
    every_test_listed(doc)
    failed = {t["name"] for t in doc["tests"] if t["status"] == "failed"}
    assert "Linear.backward: dLdW" in failed and 0 < doc["score"] < 100
    assert all(name.startswith("Linear.") for name in failed), failed
    assert all("replay: make grade, in your own copy of the handout" in t["output"]
               for t in doc["tests"] if t["status"] == "failed" and t["visibility"] == "visible")


def test_an_empty_submission_scores_0_with_every_test_saying_why(root):
    doc = run_autograder(root)
    every_test_listed(doc)
    assert doc["score"] == 0 and all(t["status"] == "failed" for t in doc["tests"])
    assert "no mytorch/ directory found" in doc["output"]


def _loose(dest: Path) -> None:
    """The six files of the assignment, dragged in without mytorch/."""
    dest.mkdir(parents=True, exist_ok=True)
    for place in package_layout():
        shutil.copyfile(REFERENCE / place, dest / Path(place).name)


def package_layout() -> tuple[str, ...]:
    sys.path.insert(0, str(REPO / "gradescope"))
    try:
        import loose_files
    finally:
        sys.path.pop(0)
    assert {str(p.relative_to(REFERENCE)) for p in REFERENCE.rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts} == set(loose_files.LAYOUT)
    return loose_files.LAYOUT


@pytest.mark.parametrize("shape", ["mytorch contents", "loose files", "loose files in a folder",
                                   "folders without mytorch", "tar.gz", "zip"])
def test_the_usual_upload_shapes_grade(root, shape):
    sub = root / "submission"
    if shape == "mytorch contents":
        shutil.copytree(REFERENCE, sub, dirs_exist_ok=True)
    elif shape == "loose files":
        _loose(sub)
    elif shape == "loose files in a folder":
        _loose(sub / "hw1")
    elif shape == "folders without mytorch":
        for folder in ("nn", "optim", "models"):
            shutil.copytree(REFERENCE / folder, sub / folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    elif shape == "tar.gz":
        with tarfile.open(sub / "handin.tar.gz", "w:gz") as tar:
            tar.add(REFERENCE, arcname="mytorch", filter=lambda m: None if "__pycache__" in m.name else m)
    else:
        shutil.make_archive(str(sub / "handin"), "zip", REFERENCE.parent, "mytorch")
    doc = run_autograder(root)
    every_test_listed(doc)
    assert doc["score"] == 100, doc["output"]
    # (the student is told, as grade and batch tell it: helper-93 found the zip's results silent)
    assert ("were put where mytorch/ has them" in doc["output"]) == shape.startswith(("loose", "folders")), doc["output"]


def test_loose_files_take_the_skeletons_init_files_not_the_students(root):
    _loose(root / "submission")
    (root / "submission" / "__init__.py").write_text("raise SystemExit('the student init ran')\n")
    doc = run_autograder(root)
    assert doc["score"] == 100 and "the student init ran" not in json.dumps(doc)


def test_no_python_still_leaves_valid_results(root):
    shutil.copytree(REFERENCE, root / "submission" / "mytorch")
    doc = run_autograder(root, python=str(root / "venv" / "bin" / "python"))  # setup.sh never ran
    fallback(doc, "venv/bin/python", "setup.sh")


def test_the_zips_own_settings_are_used_and_a_broken_one_still_leaves_valid_results(root):
    shutil.copytree(REFERENCE, root / "submission" / "mytorch")
    config = root / "source" / "setup.cfg"
    config.write_text(config.read_text().replace("case_timeout = 10", "case_timeout = -1"))
    doc = run_autograder(root)  # the repository's setup.cfg is fine: this fails only from the zip's copy
    fallback(doc, "status 2", "case_timeout")


def _python_that(root: Path, does: str) -> str:
    """An interpreter that runs as the real one, except that the grader itself does `does`."""
    wrapper = root / "python"
    wrapper.write_text(f"#!/usr/bin/env bash\nif [ \"$1 $2\" = \"-m autograder\" ]; then\n{does}\nfi\n"
                       f"exec '{sys.executable}' \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


@pytest.mark.parametrize("does, words", [
    ("kill -KILL $$", ["killed by signal 9"]),
    ('for a; do [ "$prev" = --output ] && printf "{\\"score\\": " > "$a"; prev=$a; done; exit 0',
     ["status 0", "no valid results.json"]),
    ('for a; do [ "$prev" = --output ] && printf "{\\"score\\": 0, \\"output\\": \\"\\", \\"tests\\": []}" > "$a"; '
     'prev=$a; done; exit 0', ["status 0", "no valid results.json"]),
    ("echo 'internal error: RuntimeError: boom (please report this)' >&2; exit 1",
     ["status 1", "internal error: RuntimeError: boom"]),
], ids=["killed", "truncated json", "no tests", "grader bug"])
def test_a_grader_that_crashes_or_writes_nonsense_still_leaves_valid_results(root, does, words):
    shutil.copytree(REFERENCE, root / "submission" / "mytorch")
    (root / "results").mkdir()
    (root / "results" / "results.json").write_text('{"score": 100, "output": "stale", "tests": []}')  # a last run's
    doc = run_autograder(root, python=_python_that(root, does))
    fallback(doc, *words)


# -- the course's GitHub workflow ----------------------------------------------------------------

def workflow_problems(text: str) -> list[str]:
    """A small well-formedness check of a GitHub workflow's YAML (the suite has no YAML parser): spaces
    only, two-space steps, every line a `key: value`, a `- item` or inside a `|` block, and the keys a
    workflow needs."""
    problems, block = [], None
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            continue
        block = None
        if "\t" in line:
            problems.append(f"line {number}: a tab")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if indent % 2:
            problems.append(f"line {number}: odd indentation")
        if not (re.match(r"^ *(- )?[\w.-]+:( .*)?$", line) or re.match(r"^ *- \S", line)):
            problems.append(f"line {number}: not a key or an item: {line!r}")
        if re.search(r": [|>]-?\s*(#.*)?$", line):
            block = indent + (2 if line.lstrip().startswith("- ") else 0)
    for key in ("name:", "on:", "jobs:"):
        if not re.search(rf"^{key}", text, re.M):
            problems.append(f"no top-level {key}")
    return problems


def run_blocks(text: str) -> list[str]:
    """The shell of each `run:` step (one line or a `|` block)."""
    blocks, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        found = re.match(r"^( *)(- )?run: ?(.*)$", line)
        if not found:
            continue
        if found.group(3).strip() not in ("|", ">"):
            blocks.append(found.group(3))
            continue
        indent, body = len(found.group(1)), []
        for following in lines[i + 1:]:
            if following.strip() and len(following) - len(following.lstrip(" ")) <= indent:
                break
            body.append(following)
        blocks.append("\n".join(body))
    return blocks


def check_workflow(text: str) -> None:
    assert workflow_problems(text) == []
    used = dict(re.findall(r"uses: ([\w-]+/[\w-]+)@(\S+)", text))
    assert used and all(used[action] == ACTIONS[action] for action in used), used
    for block in run_blocks(text):
        if re.search(r"[^|]\|[^|]", block):  # a pipe (not ||): its failures must not be hidden
            assert "set -o pipefail" in block, block


def test_the_workflow_check_finds_what_it_should():
    good = (REPO / ".github" / "workflows" / "batch.yml").read_text()
    assert workflow_problems(good) == []
    assert workflow_problems(good.replace("    steps:", "\tsteps:"))
    assert workflow_problems(good.replace("runs-on: ubuntu-latest", "runs-on ubuntu-latest"))
    with pytest.raises(AssertionError):
        check_workflow(good.replace("actions/checkout@v7", "actions/checkout@v4"))
    with pytest.raises(AssertionError):
        check_workflow(good.replace("          set -o pipefail\n", "", 1))


def test_the_course_workflow_grades_submissions_officially_and_uploads_graded():
    text = (REPO / ".github" / "workflows" / "batch.yml").read_text()
    check_workflow(text)
    assert re.search(r"^  workflow_dispatch:", text, re.M) and re.search(r'^      - "submissions/\*\*"$', text, re.M)
    assert "run: make .venv/.installed" in text
    assert re.search(r"python -m autograder batch \"\$SUBMISSIONS\" --output graded\b", text)
    assert "AUTOGRADER_SEED: ${{ secrets.AUTOGRADER_SEED }}" in text
    assert re.search(r"uses: actions/upload-artifact@\S+\n +if: always\(\)\n +with:\n +name: graded\n +path: graded/",
                     text)
    makefile = (REPO / "Makefile").read_text()  # the target the workflow makes is the README's set-up
    assert re.search(r"^VENV \?= \.venv$", makefile, re.M) and re.search(r"^\$\(VENV\)/\.installed:", makefile, re.M)


def test_a_package_build_for_no_such_assignment_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder.package", "pytorch"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().startswith("error: no assignment named 'pytorch'"), done.stderr


def test_a_refused_upload_tells_the_student_what_to_upload_not_the_servers_folder(tmp_path):
    (tmp_path / "submission").mkdir()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "submission"), "--format",
                           "gradescope", "--output", str(tmp_path / "results.json")], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "AUTOGRADER_REPLAY": "local"})
    assert done.returncode == 2, done.stderr
    output = json.loads((tmp_path / "results.json").read_text())["tests"][0]["output"]
    assert "in your upload" in output and "`make handin`" in output and str(tmp_path) not in output, output
