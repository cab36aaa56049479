"""The grader against submissions we wrote: correct ones score full, buggy ones lose
points only on the class they break, hostile ones never win and never break grading; for every
assignment's catalogue (mytorch's, then the others')."""
from __future__ import annotations

import functools
import json
import time
from autograder.record import replace

import numpy as np
import pytest

from autograder import assignments, reference, runner
from autograder.checks import CHECKS
from autograder.report import Outcome
from autograder.sandbox import Limits
from autograder.writers import WRITERS
from tests import accuracy
from tests.catalogue import HERE as CATALOGUE, REFERENCE, entries, materialize

# Short limits keep hostile submissions cheap; correct ones (the loop-based too) fit easily.
FAST = Limits(case_timeout=2.0, submission_timeout=20.0)
HOSTILE = Limits(case_timeout=1.0, submission_timeout=90.0)  # room for honest classes beside a slow attack
ALL_CHECKS = CHECKS + reference.hidden_checks()  # official mode: public and hidden
POINTS = {c.name: c.points for c in ALL_CHECKS}


@functools.lru_cache(maxsize=None)
def every_test(assignment: str) -> tuple:
    """An assignment's tests in official mode: public and hidden."""
    if assignment == "mytorch":
        return tuple(ALL_CHECKS)
    found = assignments.get(assignment)
    return tuple(found.checks() + reference.hidden_checks(found))


def every_entry(kind: str) -> list:
    """The catalogue entries of one kind, of every assignment that has a catalogue."""
    return [e for name in assignments.ASSIGNMENTS if name == "mytorch" or (CATALOGUE / name).is_dir()
            for e in entries(kind, name)]


def grade(entry, tmp_path, limits=FAST, seed=0):
    """Grade `entry` on the tests of the classes it can change (accuracy.graded_classes): every other class
    is the reference's code (numpy restored before each class), so it scores what the reference does (full:
    test_reference_scores_full). `make accuracy` grades every class of every entry."""
    classes = accuracy.graded_classes(entry)
    return runner.grade(materialize(entry, tmp_path), seed=seed, submission=entry.name, limits=limits,
                        checks=[c for c in every_test(entry.assignment) if c.cls in classes],
                        assignment=assignments.get(entry.assignment))


def lost(report):
    return [r for r in report.results if not r.passed]


def explain(results) -> str:
    return "\n".join(f"{r.name}: {r.output.splitlines()[0] if r.output else ''}" for r in results)


def test_reference_scores_full(tmp_path):
    report = runner.grade(REFERENCE.parent, seed=0, submission="solutions", limits=FAST)
    assert report.score == report.max_score == 100.0, explain(lost(report))
    assert report.examples >= 1000


def test_skeleton_scores_zero_with_every_test_not_attempted():
    from autograder.skeleton import check as skeleton_drift  # the committed skeleton is what we grade

    assert skeleton_drift(REFERENCE, REFERENCE.parents[1] / "mytorch") == []
    report = runner.grade(REFERENCE.parents[1], seed=0, submission="mytorch", limits=FAST)
    assert report.score == 0.0
    assert {r.outcome for r in report.results} == {Outcome.NOT_ATTEMPTED}, explain(report.results)


@pytest.mark.parametrize("entry", every_entry("correct"), ids=lambda e: e.name)
def test_correct_submission_scores_full(entry, tmp_path):
    report = grade(entry, tmp_path)
    assert report.score == report.max_score, f"{entry.description}\n{explain(lost(report))}"


@pytest.mark.parametrize("entry", every_entry("buggy"), ids=lambda e: e.name)
def test_buggy_submission_is_charged_exactly_to_the_methods_it_breaks(entry, tmp_path):
    # (an entry that hangs waits out the case limit at each hang, a core spinning: the limit of the hostile entries)
    report = grade(entry, tmp_path, HOSTILE if "hangs" in entry.name else FAST)
    failed = lost(report)
    assert failed, f"not caught: {entry.description}"
    # Every method the mistake is in loses points; no other method loses any.
    assert accuracy.charged(report) == accuracy.edited_methods(entry), f"{entry.description}\n{explain(failed)}"
    assert accuracy.taken_from_correct(entry, report) == 0
    assert all(r.outcome is not Outcome.NOT_ATTEMPTED for r in failed)
    assert any(r.outcome is Outcome.FAILED and "\nreplay: " in r.output for r in failed)


def _ipc_objects() -> int:
    """SysV shared memory segments, semaphore sets and message queues on the machine."""
    return sum(len(open(f"/proc/sysvipc/{kind}").read().splitlines()) - 1 for kind in ("shm", "sem", "msg"))


def _worker_keys() -> int:
    """Kernel keys held by workers' uids (1000000 and up): keys are not namespaced, so they could outlive one."""
    try:
        lines = open("/proc/key-users").read().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in lines if int(line.split(":")[0]) >= 1_000_000)


def _workers_left(server, seconds: float = 3.0) -> list[int]:
    """Processes still in this grader's workers' control groups, after giving ended ones a moment."""
    if server.cgroups is None:
        return []
    deadline = time.monotonic() + seconds
    while True:
        left = [int(pid) for top, _ in server.cgroups.groups for procs in top.glob("w*/cgroup.procs")
                for pid in procs.read_text().split()]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


@pytest.mark.parametrize("entry", every_entry("hostile"), ids=lambda e: e.name)
def test_hostile_submission_never_wins_and_results_stay_valid(entry, tmp_path):
    """Complete, valid results within the budget, only honest points, and nothing left behind: no
    process, no scratch folder, no SysV IPC object, no kernel key (what scratch may hold at most is tested in
    test_sandbox)."""
    limits = replace(HOSTILE, **dict(entry.limits))
    shared = runner.server.shared()
    ipc, keys = _ipc_objects(), _worker_keys()
    began = time.monotonic()
    report = grade(entry, tmp_path, limits)
    assert not [r.name for r in report.results if "the grader failed" in r.output]  # its doing, never ours
    assert time.monotonic() - began < limits.submission_timeout + 30  # the budget, one case, start-up, shrinking
    assert not _workers_left(shared)
    assert not list(shared.home.glob("scratch-*"))
    assert _ipc_objects() == ipc
    assert _worker_keys() <= keys
    tests = every_test(entry.assignment)
    points = {c.name: c.points for c in tests}
    assert [r.name for r in report.results] == [c.name for c in tests]  # every test, in order
    honest = [r for r in report.results if r.name.split(".")[0] in entry.honest_classes]
    assert all(r.passed for r in honest), explain([r for r in honest if not r.passed])
    # Beyond honest classes and tests, only what the policy credits once a class computes something
    # right: tests of behaviour (a crash is never free, and nothing is credited to a class that
    # computes nothing right)
    credited = {name.split(".")[0] for name in entry.honest_tests}
    # (and tests that only re-read values their owners grade, left with nothing to judge when the owners fail:
    # credited only where some value test of their method passes)
    lenient = {c.name for c in tests if c.cls in credited and (c.behaviour or c.owners)}
    uncertain = {c.name for c in tests if c.cls in entry.uncertain}
    won = [r for r in report.results if r.passed and r not in honest and r.name not in entry.honest_tests
           and r.name not in lenient and r.name not in uncertain]
    assert not won, f"{entry.description}\n{explain(won)}"
    assert report.score <= entry.honest_max(points) + sum(points[t] for t in set(entry.honest_tests) | lenient | uncertain)
    results = json.loads(WRITERS["gradescope"](report))
    assert results["score"] == report.score and len(results["tests"]) == len(tests)
    last = WRITERS["autolab"](report).rstrip("\n").splitlines()[-1]
    assert json.loads(last)["scores"] == {r.name: r.score for r in report.results}


def test_same_submission_and_seed_give_identical_results(tmp_path):
    entry = next(e for e in entries("buggy") if e.name == "linear_dLdW_transposed")
    first, second = (grade(entry, tmp_path / str(i)) for i in range(2))
    assert [(r.name, r.score, r.output) for r in first.results] == [(r.name, r.score, r.output) for r in second.results]


def test_a_process_that_grades_again_keeps_no_more_from_the_garbage_collector(tmp_path):
    """The heap is frozen for the garbage collector once per process (runner._freeze_heap), before its first
    grading: a batch's grading process grades entry after entry, and a freeze per entry would keep whatever cycles
    were alive at each one for good."""
    import gc

    entry = next(e for e in entries("correct"))
    grade(entry, tmp_path / "first")
    frozen = gc.get_freeze_count()
    assert frozen > 0
    assert grade(entry, tmp_path / "second").score == grade(entry, tmp_path / "third").score
    assert gc.get_freeze_count() <= frozen  # (a freeze again would add what is alive; frozen objects may be freed:
    # run first in its process, the second grading's memoised expected values replace some of the first's)


def test_failure_names_the_mistake_and_shows_the_smallest_input(tmp_path):
    entry = next(e for e in entries("buggy") if e.name == "linear_dLdW_transposed")
    report = grade(entry, tmp_path)
    dldw = next(r for r in report.results if r.name == "Linear.backward: dLdW")
    assert dldw.outcome is Outcome.FAILED
    assert "transposed" in dldw.output and "(C_out, C_in)" in dldw.output
    assert "Linear.backward(" in dldw.output  # what was called, with which shapes
    assert dldw.output.splitlines()[-1] == f"replay: {report.replay}"  # how to see it again


def run_cli(*args, cwd):
    import subprocess
    import sys

    env = {"PYTHONPATH": str(REFERENCE.parents[1]), "PATH": "/usr/bin:/bin", "AUTOGRADER_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_forged_results_files_and_printed_scores_change_nothing(tmp_path):
    entry = next(e for e in entries("hostile") if e.name == "forged_results")
    submission = materialize(entry, tmp_path / "sub")
    done = run_cli(str(submission), "--format", "autolab", "--output", "results.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ours = json.loads((tmp_path / "results.json").read_text().splitlines()[-1])["scores"]
    blamed = [name for name in ours if name.split(".")[0] in entry.blame and name.split(".")[0] not in entry.uncertain]
    assert set(ours) == set(POINTS) and blamed and sum(ours[name] for name in blamed) == 0
    assert not (tmp_path / "results").exists()  # nothing the worker wrote landed beside our results
    score = sum(ours.values())
    assert [line for line in done.stdout.splitlines() if line.startswith("Score:")] == [f"Score: {round(score, 2)} / 100.0"]


def test_rejected_archive_still_gets_complete_results_and_a_one_line_error(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "hw1.zip", "w") as zf:
        zf.writestr("notes.txt", "no code here")
    done = run_cli("hw1.zip", "--format", "gradescope", "--output", "results.json", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["score"] == 0 and [t["name"] for t in results["tests"]] == list(POINTS)
    assert all("no mytorch/" in t["output"] for t in results["tests"])


def test_a_failure_on_a_hypothesis_example_is_shrunk_and_replays_identically(tmp_path):
    from autograder.checks import linear
    from autograder.checks.base import Check
    from autograder.cases import draw

    # The forward test without its seeded cases: only hypothesis examples can catch the bug.
    only_drawn = Check("Linear.forward: output Z (drawn only)", 8, linear.forward_z, cases=lambda rng: [],
                       strategy=draw("linear_strategy"))
    entry = next(e for e in entries("buggy") if e.name == "linear_no_bias")
    root = materialize(entry, tmp_path)
    first, again = (runner.grade(root, seed=3, submission="x", limits=FAST, checks=[only_drawn]) for _ in range(2))
    (result,) = first.results
    assert result.outcome is Outcome.FAILED
    assert "smallest failing input found by hypothesis" in result.output
    assert "W (1, 1)" in result.output  # shrunk to the smallest shape that shows a missing bias
    assert again.results == first.results


def test_shrinking_collects_cycles_in_a_grading_process_whose_collector_is_off(tmp_path, monkeypatch):
    """`grade` and its grading processes run with the cyclic garbage collector off (they keep nearly all they make);
    hypothesis makes cycles as it shrinks, so each replay of a shrink runs with it on, and it is off again after."""
    import gc

    from autograder.cases import draw
    from autograder.checks import linear
    from autograder.checks.base import Check
    from autograder.sandbox import Sandbox

    only_drawn = Check("Linear.forward: output Z (drawn only)", 8, linear.forward_z, cases=lambda rng: [],
                       strategy=draw("linear_strategy"))
    root = materialize(next(e for e in entries("buggy") if e.name == "linear_no_bias"), tmp_path)
    collecting = []
    run = Sandbox.run
    monkeypatch.setattr(Sandbox, "run", lambda self, scripts: collecting.append(gc.isenabled()) or run(self, scripts))
    gc.disable()
    try:
        (result,) = runner.grade(root, seed=3, submission="x", limits=FAST, checks=[only_drawn], jobs=1).results
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert "smallest failing input found by hypothesis" in result.output
    assert collecting[-3:] == [True] * 3  # (the replays of the shrink, after the notes' imports)


def test_every_test_of_a_class_whose_module_does_not_compile_says_so(tmp_path):
    """A SyntaxError in loss.py fails every test of MSELoss and CrossEntropyLoss with that import failure: none of them
    reads "not credited ... fix its values first" (helper-90: four tests said so, a misleading hint for a file
    that does not compile)."""
    import shutil

    checks = [c for c in CHECKS if c.cls in ("MSELoss", "CrossEntropyLoss", "Linear")]
    broken = tmp_path / "broken"
    shutil.copytree(REFERENCE, broken / "mytorch")
    loss = broken / "mytorch" / "nn" / "loss.py"
    loss.write_text(loss.read_text().replace("import numpy as np", "import numpy as np\ndef oops(:\n    pass", 1))
    report = runner.grade(broken, seed=0, submission="broken", limits=FAST, checks=checks)
    failed = [r for r in report.results if not r.passed]
    assert {r.name.split(".")[0] for r in failed} == {"MSELoss", "CrossEntropyLoss"}, explain(failed)
    assert len(failed) == len([c for c in checks if c.cls != "Linear"])
    for result in failed:
        assert "mytorch/nn/loss.py could not be imported: SyntaxError" in result.output, result.output
        assert "not credited" not in result.output and "values first" not in result.output, result.output


def test_the_mlp_file_moved_beside_mytorch_with_its_relative_imports_is_told_to_import_by_full_name(tmp_path):
    """The course's layout keeps models/mlp.py beside mytorch/; moved there as the skeleton has it (`from ..nn...`),
    it cannot be imported (helper-90: 20 points lost with no hint): the MLPs' tests say how to import instead, and
    the layers lose nothing."""
    import shutil

    checks = [c for c in CHECKS if c.cls in ("MLP0", "Linear")]
    moved = tmp_path / "moved"
    shutil.copytree(REFERENCE, moved / "mytorch")
    (moved / "models").mkdir()
    shutil.move(moved / "mytorch" / "models" / "mlp.py", moved / "models" / "mlp.py")
    report = runner.grade(moved, seed=0, submission="moved", limits=FAST, checks=checks)
    failed = [r for r in report.results if not r.passed]
    assert {r.name.split(".")[0] for r in failed} == {"MLP0"}, explain(failed)
    assert all("`from mytorch.nn.linear import Linear`" in r.output for r in failed), explain(failed)


def test_a_package_init_is_noted_for_its_own_failure_not_for_a_module_the_submission_lacks(tmp_path):
    """mytorch/nn/__init__.py (the skeleton's, which the grader supplies for loose files) imports activation.py:
    where the submission has no activation.py, that module's own note says so, and the package's adds nothing.
    An __init__.py that fails of itself is still noted."""
    import shutil

    checks = [c for c in CHECKS if c.cls in ("Linear", "Identity")]
    lacking = tmp_path / "lacking"
    shutil.copytree(REFERENCE, lacking / "mytorch")
    (lacking / "mytorch" / "nn" / "activation.py").unlink()
    report = runner.grade(lacking, seed=0, submission="lacking", limits=FAST, checks=checks)
    assert any("mytorch/nn/activation.py could not be imported" in note for note in report.notes), report.notes
    assert not any("__init__.py" in note for note in report.notes), report.notes
    assert all(r.passed for r in report.results if r.name.startswith("Linear")), explain(lost(report))
    broken = tmp_path / "broken"
    shutil.copytree(REFERENCE, broken / "mytorch")
    init = broken / "mytorch" / "nn" / "__init__.py"
    init.write_text('raise RuntimeError("left over from debugging")\n' + init.read_text())
    report = runner.grade(broken, seed=0, submission="broken", limits=FAST, checks=checks)
    assert any(note.startswith("mytorch/nn/__init__.py failed when imported: RuntimeError: left over from debugging")
               for note in report.notes), report.notes
    assert all(r.passed for r in report.results), explain(lost(report))


@pytest.mark.parametrize("name", ["einsum", "relu_derivative_ge_zero", "exit_in_method", "sgd_import_breaks_mlp"])
def test_a_worker_serves_the_next_class_only_after_clean_passes(name, tmp_path, monkeypatch):
    """A worker whose every run was a clean pass grades the next class too (a worker of its own for each module cost
    a class of 40 a fifth of its time); whatever is not a clean pass there runs again in a fresh worker, so every
    test says what it says with a fresh worker for each class: a mistake, an attack, and an import of
    optim/sgd.py that breaks MLP0 (MLP0's own worker never imports sgd.py: it costs MLP0 nothing, and nothing either
    in a worker that imported it for the notes, as a worker forgets the submission's modules before the next class)."""
    from autograder.sandbox import pool

    if name == "sgd_import_breaks_mlp":
        import shutil

        shutil.copytree(REFERENCE, tmp_path / "s" / "mytorch")
        sgd_py = tmp_path / "s" / "mytorch" / "optim" / "sgd.py"
        sgd_py.write_text(sgd_py.read_text() + "\nfrom mytorch.models import mlp as _mlp\n"
                          "_mlp.MLP0.forward = lambda self, A0: A0 * 0\n")
        root = tmp_path / "s"
    else:
        root = materialize(next(e for e in every_entry(None) if e.name == name), tmp_path / "s")
    spawned = []
    spawn = pool.Sandbox._spawn
    monkeypatch.setattr(pool.Sandbox, "_spawn", lambda self: (spawned.append(1), spawn(self))[1])
    shared = runner.grade(root, seed=0, submission=name, limits=HOSTILE, checks=list(ALL_CHECKS), jobs=1)
    workers = len(spawned)
    monkeypatch.setattr(runner, "LEAN_FIRST", False)
    alone = runner.grade(root, seed=0, submission=name, limits=HOSTILE, checks=list(ALL_CHECKS), jobs=1)
    assert [(r.name, r.score, r.output) for r in shared.results] == [(r.name, r.score, r.output) for r in alone.results]
    assert shared.notes == alone.notes
    assert len(spawned) - workers >= len(runner._GROUPS) + 1  # (one worker per class, and the notes')
    assert (shared.score == shared.max_score) == (name in ("einsum", "sgd_import_breaks_mlp"))
    assert (workers == 1) == (name in ("einsum", "sgd_import_breaks_mlp"))


def test_a_class_run_again_must_answer_as_it_did(tmp_path):
    """A class whose first run fails runs again in a fresh worker, which can tell (a mark on the scratch folder's
    metadata): Linear (its first run a lean one) and MSELoss (its first run in a worker that served another class)
    give wrong values the first time and right ones the second. Every test of theirs fails, saying they answered
    otherwise the second time; before, only the second run counted and the entry scored 100 (helper-175)."""
    from tests.catalogue import BY_NAME

    report = grade(BY_NAME["second_try"], tmp_path, HOSTILE)
    mine = [r for r in report.results if r.name.split(".")[0] in ("Linear", "MSELoss")]
    assert mine and not [r.name for r in mine if r.passed]
    assert "gave another answer to the same calls when this class was run a second time" in next(
        r.output for r in mine if r.name == "MSELoss.forward: loss")
    assert all(r.passed for r in report.results if r.name.split(".")[0] in ("ReLU", "CrossEntropyLoss", "Softmax"))


def test_answers_compared_between_runs_leave_out_what_differs_for_honest_code():
    """What two runs of honest code may give otherwise: an object's address in what the worker says of a value that
    is not an array, the last bits of a sum, random weights read before any method ran (but not zeros after them)."""
    from autograder.sandbox.script import Bad

    assert runner._alike(Bad("a Thing (<Thing object at 0x7f3a>), not a numpy array"),
                         Bad("a Thing (<Thing object at 0x7f9c>), not a numpy array"))
    assert not runner._alike(Bad("a list, not a numpy array"), Bad("a tuple, not a numpy array"))
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    assert runner._alike(x, x * (1 + 1e-12)) and not runner._alike(x, x * (1 + 1e-4))
    rng = np.random.default_rng(0)
    assert runner._alike(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), values=False)
    assert not runner._alike(rng.normal(size=(3, 4)), np.zeros((3, 4)), values=False)


def test_zeros_the_second_time_where_the_first_drew_random_weights_are_charged(tmp_path):
    """helper-178: what __init__ made is compared in shape alone (weights may start random), so random weights the
    first time and zeros the second kept Linear.__init__'s point (100 where 99 was due). Zeros, one number
    throughout, are compared in full."""
    import shutil

    shutil.copytree(REFERENCE, tmp_path / "s" / "mytorch")
    shutil.copy(CATALOGUE / "hostile" / "second_try" / "nn" / "_mark.py", tmp_path / "s" / "mytorch" / "nn")
    linear_py = tmp_path / "s" / "mytorch" / "nn" / "linear.py"
    init = "        self.W = np.zeros((out_features, in_features))\n"
    assert linear_py.read_text().count(init) == 1
    linear_py.write_text(linear_py.read_text().replace(init, init + (
        "        from ._mark import again\n"
        "        if not again('linear'):\n"
        "            self.W = np.random.randn(out_features, in_features)\n")))
    report = runner.grade(tmp_path / "s", seed=0, submission="s", checks=[c for c in ALL_CHECKS if c.cls == "Linear"],
                          jobs=1, limits=HOSTILE)
    init_test = next(r for r in report.results if r.name.startswith("Linear.__init__"))
    assert not init_test.passed and "second time" in init_test.output, init_test.output


def test_a_run_thrown_away_costs_the_submission_no_time(tmp_path):
    """A run in a worker that served another class, thrown away as it was not a clean pass, is not the submission's
    time: the class's run in a fresh worker has the budget a fresh worker would have had. (A trial's slow Linear lost
    all its points once its first run used the budget up.) Here Linear.forward takes 2 ms a call, and 200 ms, and
    raises from its 5th call, where ReLU ran before it in the same process: that run goes on to its end or to the
    budget's, 7.5 s, and is thrown away. (It raises: a value other than the one the fresh worker gets would fail, as an
    answer given otherwise the second time, test_sandbox's `test_a_class_run_again_must_answer_as_it_did`. From the
    5th call, not the 20th: on a loaded machine the budget ran out before the 20th, and then nothing was thrown away.)"""
    import shutil

    forward = "        return A @ self.W.T + ones @ self.b.T\n"
    shutil.copytree(REFERENCE, tmp_path / "s" / "mytorch")
    activation_py = tmp_path / "s" / "mytorch" / "nn" / "activation.py"
    activation_py.write_text(activation_py.read_text().replace(
        "        self.A = np.maximum(0, Z)\n", "        __import__('builtins')._relu_ran = True\n"
                                               "        self.A = np.maximum(0, Z)\n", 1))
    linear_py = tmp_path / "s" / "mytorch" / "nn" / "linear.py"
    linear_py.write_text(linear_py.read_text().replace(forward, (
        "        import builtins, time\n"
        "        time.sleep(0.002)\n"
        "        if getattr(builtins, '_relu_ran', False):\n"
        "            builtins._slow = getattr(builtins, '_slow', 0) + 1\n"
        "            time.sleep(0.2)\n"
        "            if builtins._slow >= 5:\n"
        "                raise RuntimeError('slow')\n" + forward), 1))
    checks = [c for c in ALL_CHECKS if c.cls in ("ReLU", "Softmax", "Linear")]
    report = runner.grade(tmp_path / "s", seed=0, submission="s", checks=checks, jobs=1,
                          limits=Limits(case_timeout=8.0, submission_timeout=7.5))
    assert all(r.passed for r in report.results), explain(lost(report))
    assert runner._CREDIT[0] > 1  # (the first run of Linear was thrown away)


def test_a_finite_difference_test_none_of_whose_inputs_forward_ran_on_waits_for_forward(tmp_path):
    """Linear.forward raises from its fifth call on one object: its own tests call it less often and pass, and the
    finite-difference test's probes (two calls for each entry moved) all raise. That test judged nothing: it read
    "passed: nothing left for this test to judge" and kept its points; it now waits for forward, as the test of large
    layers does (a crash never buys a pass). (Where a test of the method that raised fails, that test charges it, and
    this one passes: nnfs's test_a_combined_layer_whose_own_softmax_always_raises_earns_nothing_for_its_forward.)"""
    import shutil

    forward = "        return A @ self.W.T + ones @ self.b.T\n"
    shutil.copytree(REFERENCE, tmp_path / "s" / "mytorch")
    linear_py = tmp_path / "s" / "mytorch" / "nn" / "linear.py"
    linear_py.write_text(linear_py.read_text().replace(forward, (
        "        self.calls = getattr(self, 'calls', 0) + 1\n"
        "        if self.calls >= 5:\n"
        "            raise RuntimeError('too many calls')\n" + forward), 1))
    report = runner.grade(tmp_path / "s", seed=0, submission="s", limits=FAST, jobs=1,
                          checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    finite = next(r for r in report.results if "finite differences" in r.name)
    assert finite.score == 0 and finite.output.startswith("not run: needs Linear.forward"), finite.output
    assert "too many calls" in finite.output
    assert all(r.passed for r in report.results if r.name.startswith(("Linear.__init__", "Linear.forward"))), \
        explain(lost(report))
