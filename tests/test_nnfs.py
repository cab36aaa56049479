"""The nnfs assignment end to end: the reference scores 100, the skeleton 0 with every test not attempted, each
catalogue mutant loses points only on the methods its mistake is in, each correct variant scores 100, each
hostile entry wins nothing it did not earn honestly; the points total 100 and the writeup's table is the
grader's; the handout holds no solution and no hidden test, and its local grading agrees with the official one.

Each submission is graded once per module (the `graded` fixture), on the classes it can change.
"""
from __future__ import annotations

import contextlib
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import assignments, fixtures, handout, reference, runner
from autograder.report import Outcome
from autograder.sandbox import Limits
from autograder.skeleton import write as write_skeleton
from tests import accuracy
from tests.catalogue import entries, lost_by, materialize

NNFS = assignments.get("nnfs")
PUBLIC = NNFS.checks()
HIDDEN = reference.hidden_checks(NNFS)
EVERY = PUBLIC + HIDDEN
FAST = Limits(case_timeout=2.0, submission_timeout=30.0)
HOSTILE = Limits(case_timeout=1.0, submission_timeout=60.0)
# ActivationLoss builds on the student's own ActivationSoftMax and LossCrossEntropy (its given __init__ makes
# them): a mistake in those must cost ActivationLoss nothing, so its tests are graded with theirs.
NEEDS = {"ActivationLoss": ("ActivationSoftMax", "LossCrossEntropy")}
REPO = Path(__file__).resolve().parents[1]


def classes_of(entry) -> set[str]:
    found = set(accuracy.graded_classes(entry))
    return found | {cls for cls, needs in NEEDS.items() if found & set(needs)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """entry -> its official report (seed 0) on the tests of the classes it can change, made once."""
    done = {}

    def grade(entry):
        if entry.name not in done:
            root = materialize(entry, tmp_path_factory.mktemp(entry.name))
            limits = HOSTILE if entry.kind == "hostile" else FAST
            checks = EVERY if entry.kind == "hostile" else [c for c in EVERY if c.cls in classes_of(entry)]
            done[entry.name] = runner.grade(root, seed=0, submission=entry.name, limits=limits, checks=checks,
                                            assignment=NNFS)
        return done[entry.name]

    return grade


def explain(results) -> str:
    return "\n".join(f"{r.name}: {r.output.splitlines()[0] if r.output else ''}" for r in results)


def test_the_points_total_100_and_the_listing_says_so():
    assert sum(c.points for c in EVERY) == 100
    assert sum(c.points for c in HIDDEN) == 14 and all(c.visibility == "after_published" for c in HIDDEN)
    listing = subprocess.run([sys.executable, "-m", "autograder", "assignments"], cwd=REPO, capture_output=True,
                             text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    block = listing.stdout[listing.stdout.index("nnfs"):]
    assert re.search(r"package nnfs_layers/, 50 tests, 100 points", block), listing.stdout
    assert "LayerDense 24, ActivationReLU 14, ActivationSoftMax 18, LossCrossEntropy 22, ActivationLoss 22" in block


def test_the_writeup_table_is_the_graders():
    text = NNFS.writeup.read_text()
    rows = re.findall(r"^\| ([^|]*) \| `([^`]+)`: (.+?) \| ([\d.]+) \|$", text, re.M)
    cls, found = "", []
    for first, method, what, points in rows:
        cls = first.split(" (")[0] or cls
        hidden = what.endswith(" (hidden)")
        found.append((f"{cls}.{method}: {what.removesuffix(' (hidden)')}", float(points), hidden))
    by_class = {c.cls: [] for c in PUBLIC}
    for c in EVERY:
        by_class[c.cls].append((c.name, float(c.points), c.visibility != "visible"))
    assert found == [row for rows in by_class.values() for row in rows]
    totals = dict(re.findall(r"^\| (\w+) \(([\d.]+)\) \|", text, re.M))
    assert {k: float(v) for k, v in totals.items()} == {k: sum(p for _, p, _ in v) for k, v in by_class.items()}


def test_a_combined_layer_whose_own_softmax_always_raises_earns_nothing_for_its_forward(tmp_path):
    """Where ActivationLoss raises as its parts do, the input is left out (their tests charge it); a forward none
    of whose inputs is left to judge is not credited, whatever it returns after calling its softmax."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    activations, losses = tmp_path / "nnfs_layers" / "activations.py", tmp_path / "nnfs_layers" / "losses.py"
    line = "        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))\n"
    activations.write_text(activations.read_text().replace(line, "        raise ValueError('broken')\n" + line, 1))
    combined = ("        self.activation.forward(inputs)\n        self.output = self.activation.output\n"
                "        return self.loss.calculate(self.output, target)\n")
    assert combined in losses.read_text()
    losses.write_text(losses.read_text().replace(combined, "        self.activation.forward(inputs)\n"
                                                           "        return 0.0\n", 1))
    checks = [c for c in EVERY if c.cls in ("ActivationSoftMax", "ActivationLoss")]
    report = runner.grade(tmp_path, seed=0, submission="parts", limits=FAST, checks=checks, assignment=NNFS)
    forward = [r for r in report.results if r.name.startswith("ActivationLoss.forward")]
    assert sum(r.score for r in forward) == 0
    assert all("not credited" in r.output and "your own ActivationSoftMax" in r.output for r in forward)
    assert all(r.passed for r in report.results if r.name.startswith("ActivationLoss.backward"))


def test_the_reference_scores_100(tmp_path):
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    report = runner.grade(tmp_path, seed=0, submission="solutions", limits=FAST, assignment=NNFS)
    assert report.score == report.max_score == 100.0, explain([r for r in report.results if not r.passed])
    assert report.examples >= 1000


def test_the_skeleton_scores_0_with_every_test_not_attempted(tmp_path):
    write_skeleton(NNFS.solutions, tmp_path / "nnfs_layers")
    report = runner.grade(tmp_path, seed=0, submission="skeleton", limits=FAST, assignment=NNFS)
    assert report.score == 0.0 and len(report.results) == len(EVERY)
    assert {r.outcome for r in report.results} == {Outcome.NOT_ATTEMPTED}, explain(report.results)


def test_gradients_a_backward_stored_before_it_raised_keep_their_tests(tmp_path):
    """A trial's LayerDense.backward computed dinputs with weights, not weights.T (it raises unless the layer is
    square), after storing the right dweights and dbiases: 15 of its 24 points were lost, its hidden and
    finite-difference tests too, for one line. What backward stored before it raised is judged as stored; the
    dinputs test charges the crash, and the tests of dvalues and of a second round do what mytorch's do."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    dense_py = tmp_path / "nnfs_layers" / "dense.py"
    assert dense_py.read_text().count("np.dot(dvalues, self.weights.T)") == 1
    dense_py.write_text(dense_py.read_text().replace("np.dot(dvalues, self.weights.T)", "np.dot(dvalues, self.weights)"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "LayerDense"], assignment=NNFS)
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"LayerDense.backward: dinputs"}, lost  # (the second round raises as the first: charged once)
    assert "raised ValueError: shapes" in lost["LayerDense.backward: dinputs"].split("\n")[0]


def test_a_backward_that_raises_after_storing_its_gradients_loses_what_one_storing_zeros_loses(tmp_path):
    """As mytorch's (helper-71): a backward storing the right dweights and dbiases, then raising NotImplementedError
    where dinputs was left to do, lost the repeated-calls test too, on the crash its dinputs test charges."""
    lost = {}
    for kind, last in (("raise", "raise NotImplementedError"), ("zeros", "self.dinputs = np.zeros_like(self.inputs)")):
        shutil.copytree(NNFS.solutions, tmp_path / kind / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
        dense_py = tmp_path / kind / "nnfs_layers" / "dense.py"
        line = "        self.dinputs = np.dot(dvalues, self.weights.T)\n"
        assert dense_py.read_text().count(line) == 1
        dense_py.write_text(dense_py.read_text().replace(line, f"        {last}\n"))
        report = runner.grade(tmp_path / kind, seed=0, submission=kind, limits=FAST,
                              checks=[c for c in EVERY if c.cls == "LayerDense"], assignment=NNFS)
        lost[kind] = {r.name for r in report.results if not r.passed}
    assert lost["raise"] == lost["zeros"] == {"LayerDense.backward: dinputs"}, lost


def test_one_hot_targets_not_supported_yet_costs_the_test_of_one_hot_targets_alone(tmp_path):
    """helper-73: the README's own example, LossCrossEntropy.forward raising NotImplementedError("one-hot targets not
    supported yet"), scored 93 where ValueError there scored 97: both finite-difference tests (LossCrossEntropy's, and
    ActivationLoss's, whose forward calls it) read "not attempted: needs ...forward". Those inputs are left out."""
    lost = {}
    for raised in ("NotImplementedError", "ValueError"):
        shutil.copytree(NNFS.solutions, tmp_path / raised / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
        losses = tmp_path / raised / "nnfs_layers" / "losses.py"
        line = "            confidences = np.sum(clipped * target, axis=1)\n"
        assert losses.read_text().count(line) == 1
        losses.write_text(losses.read_text().replace(line, f"            raise {raised}('one-hot targets not supported yet')\n"))
        report = runner.grade(tmp_path / raised, seed=0, submission=raised, limits=FAST, assignment=NNFS,
                              checks=[c for c in EVERY if c.cls in ("LossCrossEntropy", "ActivationLoss")])
        lost[raised] = {r.name for r in report.results if not r.passed}
    assert lost["NotImplementedError"] == lost["ValueError"] == {
        "LossCrossEntropy.forward: per-sample losses for one-hot targets (N, C)"}, lost


def test_a_softmax_over_the_whole_array_is_one_slip_with_a_hint(tmp_path):
    """helper-177: a softmax with no axis (scipy.special.softmax(inputs), or a max and a sum with none) had no hint,
    so its behaviour tests read "not credited" too: 8 points where the slip over axis 0 cost 4."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
    activations = tmp_path / "nnfs_layers" / "activations.py"
    line = "exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))"
    assert activations.read_text().count(line) == 1
    text = activations.read_text().replace(line, "exp_values = np.exp(inputs - np.max(inputs))")
    activations.write_text(text.replace("np.sum(exp_values, axis=1, keepdims=True)", "np.sum(exp_values)"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST, assignment=NNFS,
                          checks=[c for c in EVERY if c.cls == "ActivationSoftMax"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"ActivationSoftMax.forward: output"}, lost
    assert "taken over the whole array" in lost["ActivationSoftMax.forward: output"]


def test_a_relu_mask_taken_from_dvalues_is_one_slip_with_a_hint(tmp_path):
    """helper-75: self.dinputs[dvalues <= 0] = 0 lost 9 of ActivationReLU's 14 points (6 "not credited"), no hint
    naming it; named, the dinputs test alone charges it."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
    activations = tmp_path / "nnfs_layers" / "activations.py"
    line = "self.dinputs[self.inputs <= 0] = 0"
    assert activations.read_text().count(line) == 1
    activations.write_text(activations.read_text().replace(line, "self.dinputs[dvalues <= 0] = 0"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST, assignment=NNFS,
                          checks=[c for c in EVERY if c.cls == "ActivationReLU"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"ActivationReLU.backward: dinputs"}, lost
    assert "your mask looks at dvalues" in lost["ActivationReLU.backward: dinputs"]


def test_subtracting_at_every_target_in_every_row_is_named_and_charged_to_the_value_tests(tmp_path):
    """helper-61: ActivationLoss.backward with dinputs[:, target] -= 1 (every row, every sample's class) lost 11 of
    its 12 points, 5 of them "not credited", as no hint named it; named, its value tests charge it, once."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    losses = tmp_path / "nnfs_layers" / "losses.py"
    line = "self.dinputs[range(samples), target] -= 1"
    assert losses.read_text().count(line) == 1
    losses.write_text(losses.read_text().replace(line, "self.dinputs[:, target] -= 1"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "ActivationLoss"], assignment=NNFS)
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"ActivationLoss.backward: dinputs for class indices (N,)"}, lost  # (helper-141: the same
    # mistake for one-hot targets, which the code turns into class indices first, is charged there, once)
    assert all("hint: your dinputs subtracts 1 in every row at every sample's target class" in o
               for o in lost.values()), lost


def test_a_loss_taken_on_the_raw_inputs_is_charged_by_the_value_tests_alone(tmp_path):
    """helper-64: ActivationLoss.forward returning self.loss.calculate(inputs, target) (not the softmax output)
    failed its two value tests with the right hint, and "finite for large inputs" as well, telling a student whose
    softmax already subtracts the max to subtract it: a finite loss whose unshifted value is wrong is the value
    tests' to charge."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    losses = tmp_path / "nnfs_layers" / "losses.py"
    line = "return self.loss.calculate(self.output, target)"
    assert losses.read_text().count(line) == 1
    losses.write_text(losses.read_text().replace(line, "return self.loss.calculate(inputs, target)"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "ActivationLoss"], assignment=NNFS)
    lost = {r.name for r in report.results if not r.passed}  # (helper-141: one mistake for either kind of target,
    assert lost == {"ActivationLoss.forward: mean loss for class indices (N,)"}, explain(report.results)  # once)


@pytest.mark.parametrize("returned", ["[loss]", "None"])
def test_a_loss_that_is_no_array_on_large_inputs_costs_that_test_alone(returned, tmp_path):
    """helper-80: ActivationLoss.forward returning a list (or nothing) only for large inputs made the grader fail
    on every ActivationLoss test ("not run: the grader failed", 78 points); it fails "finite for large inputs"
    alone, saying what it returned, with no hint about shifting (which would not be what to change)."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    losses = tmp_path / "nnfs_layers" / "losses.py"
    line = "        return self.loss.calculate(self.output, target)\n"
    assert losses.read_text().count(line) == 1
    losses.write_text(losses.read_text().replace(line, "        loss = self.loss.calculate(self.output, target)\n"
                                                       f"        return {returned} if abs(inputs).max() > 100 else loss\n"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "ActivationLoss"], assignment=NNFS)
    lost = [r for r in report.results if not r.passed]
    assert [r.name for r in lost] == ["ActivationLoss.forward: finite for large inputs"], explain(report.results)
    assert not [line for line in lost[0].output.splitlines() if "hint:" in line and "shift" in line], lost[0].output


def test_not_implemented_for_one_kind_of_target_is_a_crash_there_not_a_method_not_attempted(tmp_path):
    """`raise NotImplementedError("one-hot targets not supported yet")` in a backward that works for class indices:
    the test of one-hot targets fails on it (with the input), as it would on a ValueError, and that is all (every
    test of the method read "not attempted", 8 points for what one test grades). A method that never returns (the
    skeleton's) stays not attempted: test above."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    losses = tmp_path / "nnfs_layers" / "losses.py"
    line = "        if len(target.shape) == 1:\n            target = np.eye(labels)[target]\n"
    assert losses.read_text().count(line) == 1
    losses.write_text(losses.read_text().replace(line, line + "        else:\n            raise NotImplementedError("
                                                             "'one-hot targets not supported yet')\n"))
    checks = [c for c in EVERY if c.cls == "LossCrossEntropy"]
    report = runner.grade(tmp_path, seed=0, submission="partial", limits=FAST, checks=checks, assignment=NNFS)
    lost = {r.name: r for r in report.results if not r.passed}
    assert set(lost) == {"LossCrossEntropy.backward: dinputs for one-hot targets (N, C)"}, explain(lost.values())
    (found,) = lost.values()
    assert found.outcome is Outcome.FAILED and "raised NotImplementedError: one-hot targets not supported yet" \
        in found.output and "failing input" in found.output, found.output


def test_a_backward_raising_on_some_inputs_loses_its_value_test_not_the_test_of_what_it_modifies(tmp_path):
    """helper-193: ActivationSoftMax.backward's row sum without keepdims raises on most inputs; it lost "dinputs" (5)
    and "does not modify dvalues; dinputs is an array of its own" (1), a line that touches no dvalues: that test's
    backward call stopped the case where it raised (LayerDense's had been soft). One mistake, one test."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    activations = tmp_path / "nnfs_layers" / "activations.py"
    text = activations.read_text()
    start, end = text.index("        self.dinputs = np.empty_like(dvalues)\n"), text.index("        # END SOLUTION", text.index(
        "self.dinputs = np.empty_like(dvalues)"))
    activations.write_text(text[:start] + "        o = self.output\n"
                           "        self.dinputs = o * (dvalues - np.sum(o * dvalues, axis=1))\n" + text[end:])
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "ActivationSoftMax"], assignment=NNFS)
    assert {r.name for r in report.results if not r.passed} == {"ActivationSoftMax.backward: dinputs"}, \
        explain(report.results)


# Every catalogue entry is charged exactly to its own methods, and every correct one scores 100, in
# test_grading (all assignments).


# What a student reads for mistakes seen in real hand-ins: (entry, test, outcome, words its output must hold).
MESSAGES = [
    ("actloss_indices_only", "ActivationLoss.backward: dinputs for one-hot targets (N, C)", Outcome.FAILED,
     ["raised IndexError", "np.argmax(target, axis=1)"]),
    ("activations_imports_unknown_package", "ActivationLoss.forward: mean loss for class indices (N,)", Outcome.FAILED,
     ["raised ModuleNotFoundError", "nnfs_layers/activations.py could not be imported, as it imports torch",
      "remove the import of torch from nnfs_layers/activations.py"]),
    ("dense_dbiases_no_keepdims", "LayerDense.backward: dbiases", Outcome.FAILED,
     ["shape mismatch", "np.sum(dvalues, axis=0, keepdims=True)"]),
    ("actloss_backward_onehot_argmax_axis0", "ActivationLoss.backward: dinputs for one-hot targets (N, C)",
     Outcome.FAILED, ["argmax(axis=0)", "target.argmax(axis=1)"]),
    ("softmax_jacobian_from_inputs", "ActivationSoftMax.backward: dinputs", Outcome.FAILED,
     ["your Jacobian is built from self.inputs"]),
    ("softmax_jacobian_whole_batch", "ActivationSoftMax.backward: dinputs", Outcome.FAILED,
     ["built from the whole batch at once", "build one per row"]),
    ("actloss_backward_divided_by_C", "ActivationLoss.backward: dinputs for class indices (N,)", Outcome.FAILED,
     ["divided by the number of classes C", "N = len(dvalues)"]),
]


@pytest.mark.parametrize("name, test, outcome, words", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_a_known_mistake_reads_what_to_change(name, test, outcome, words, graded):
    report = graded(next(e for e in entries(None, "nnfs") if e.name == name))
    found = next(r for r in report.results if r.name == test)
    assert found.outcome is outcome, found.output
    assert all(w in found.output for w in words), found.output


def test_a_loop_that_never_ends_on_one_kind_of_target_costs_that_kinds_test_only(graded):
    """LossCrossEntropy.backward hangs on one-hot targets only: as when it raises there, its test of one-hot targets
    fails and its tests of class indices, and those that leave out what the one-hot test charges, keep their
    points (a grader's probe with the other kind of target, which hangs, no longer stops their inputs, and the
    method is not called again on one-hot arguments only)."""
    report = graded(next(e for e in entries(None, "nnfs") if e.name == "loss_backward_hangs_on_onehot"))
    lost = [r for r in report.results if not r.passed]
    assert [r.name for r in lost] == ["LossCrossEntropy.backward: dinputs for one-hot targets (N, C)"], \
        "\n".join(f"{r.name}: {r.output.splitlines()[0]}" for r in lost)
    assert "did not finish" in lost[0].output and "arguments of those kinds" in lost[0].output, lost[0].output


@pytest.mark.parametrize("entry", entries("hostile", "nnfs"), ids=lambda e: e.name)
def test_a_hostile_entry_wins_nothing_it_did_not_earn(entry, graded):
    report = graded(entry)
    assert len(report.results) == len(EVERY)
    assert report.score <= entry.honest_max(report.results) + 1e-9, explain([r for r in report.results if r.passed])
    honest = [r for r in report.results if r.name.split(".")[0] in entry.honest_classes]
    assert all(r.passed for r in honest), explain([r for r in honest if not r.passed])


# ------------------------------------------------------------------ the handout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    archive = handout.build(dist, assignment=NNFS)
    return dist / "handout-nnfs", archive


def solution_lines() -> set[str]:
    lines, inside = set(), False
    for path in NNFS.solutions.rglob("*.py"):
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith(("# BEGIN SOLUTION", "# END SOLUTION")):
                inside = text.startswith("# BEGIN")
            elif inside and text and not text.startswith("#") and text not in ("else:", "try:", "pass"):
                lines.add(text)
    return lines


@pytest.mark.parametrize("name", ["correct", "softmax_unstable", "loss_no_clip", "loss_sparse_as_onehot",
                                  "actloss_forward_per_sample", "actloss_backward_no_N", "actloss_indices_only"])
def test_running_the_calls_for_diagnosis_only_on_failure_changes_no_verdict(name, tmp_path, monkeypatch):
    """A class whose scripts carry calls made only to explain a failure (the student's own softmax and loss
    beside ActivationLoss, the other kind of target) first runs without them, and again in full at the first thing
    that is not a clean pass: every test says what it says when every script runs in full at once, and a correct
    submission's ActivationLoss and LossCrossEntropy never run them."""
    from autograder.sandbox import pool

    chosen = next(e for e in entries("correct", "nnfs")) if name == "correct" else \
        next(e for e in entries(None, "nnfs") if e.name == name)
    root = materialize(chosen, tmp_path / "s")
    checks = [c for c in EVERY if c.cls in ("ActivationSoftMax", "LossCrossEntropy", "ActivationLoss")]
    sent = []
    stream = pool.Sandbox.stream
    monkeypatch.setattr(pool.Sandbox, "stream",
                        lambda self, scripts, *rest: (sent.extend(scripts), stream(self, scripts, *rest))[1])
    lean_first = runner.grade(root, seed=0, submission=name, limits=FAST, checks=checks, assignment=NNFS, jobs=1)
    diagnosed = sum(1 for s in sent if s.diagnostic)
    monkeypatch.setattr(runner, "LEAN_FIRST", False)
    in_full = runner.grade(root, seed=0, submission=name, limits=FAST, checks=checks, assignment=NNFS)
    assert [(r.name, r.score, r.output) for r in lean_first.results] == \
        [(r.name, r.score, r.output) for r in in_full.results]
    if name == "correct":
        assert lean_first.score == lean_first.max_score and diagnosed == 0
    else:
        assert lean_first.score < lean_first.max_score and diagnosed > 0  # (the failing class ran in full)


def test_the_handout_holds_no_solution_and_no_hidden_test(built):
    folder, archive = built
    assert archive.name == "handout-nnfs.tar.gz"
    paths = [p for p in folder.rglob("*") if p.is_file()]
    assert not any("solutions" in p.parts or p.name == "hidden_checks.py" for p in paths)
    assert not any(p.parts[-3:-1] == ("assignments", "numpy_nn") for p in paths)  # only its own checks
    assert sorted(p.name for p in (folder / "autograder" / "checks").glob("*.py")) == [  # none of mytorch's
        "__init__.py", "base.py", "gradients.py"]
    files = {p: {line.strip() for line in p.read_text().splitlines()} for p in paths if p.suffix != ".npz"}
    assert not any(lines & solution_lines() for lines in files.values())
    public_code = {line.strip() for path in (REPO / "autograder").rglob("*.py")
                   for line in path.read_text().splitlines()}
    hidden_code = {line.strip() for line in NNFS.hidden.read_text().splitlines() if len(line.strip()) > 30}
    hidden_only = hidden_code - public_code
    assert hidden_only and not any(lines & hidden_only for lines in files.values())
    assert "assignment = nnfs" in (folder / "setup.cfg").read_text()
    assert "PACKAGE ?= nnfs_layers" in (folder / "Makefile").read_text()
    assert (folder / "README.md").read_text() == NNFS.writeup.read_text()
    manifest = (folder / "fixtures" / "manifest.json").read_text()
    assert '"hidden_tests": 9' in manifest and '"hidden_points": 14.0' in manifest


def _grade_in(folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_handout_grades_the_skeleton_0_and_the_reference_in_full(built, tmp_path):
    folder, _ = built
    skeleton = _grade_in(folder)
    assert "Score: 0.0 / 86.0 (public tests)" in skeleton
    rows = [line for line in skeleton.splitlines() if re.match(r"  \S", line) and " / " in line]
    assert len(rows) == len(PUBLIC) and all(row.strip().startswith("not attempted") for row in rows)
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    assert "Score: 86.0 / 86.0 (public tests)" in _grade_in(folder, str(tmp_path))


def test_the_handout_says_a_seed_it_does_not_use_is_not_used(built, tmp_path):
    folder, _ = built
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    out = _grade_in(folder, str(tmp_path), "--seed", "5")
    assert "(seed 0)" in out and "note: --seed 5 is not used here" in out, out


def test_the_handout_grades_its_own_assignment_only_and_says_so_in_one_line(built, tmp_path):
    """A handout holds one assignment's grader: naming another is a usage error, not an internal one."""
    folder, _ = built
    for name, words in [("mytorch", "this copy grades nnfs only: mytorch is not part of it"),
                        ("pytorch", "no assignment named 'pytorch'; there are: nnfs")]:
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path), "--assignment", name],
                              cwd=folder, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and done.stderr.strip() == f"error: {words}", done.stderr


# One entry per class at least, among them the composite methods' own rules (calculate on its own forward,
# ActivationLoss on its own parts) and a float32 submission.
AGREEING = ["dense_dbiases_no_keepdims", "relu_backward_no_copy", "softmax_jacobian_inner_product",
            "loss_calculate_sum", "actloss_backward_onehot_not_converted", "every_class_float32"]


@pytest.mark.parametrize("name", AGREEING)
def test_local_and_official_verdicts_agree_on_public_tests(name, built, tmp_path):
    entry = next(e for e in entries(None, "nnfs") if e.name == name)
    root = materialize(entry, tmp_path)
    checks = [c for c in PUBLIC if c.cls in classes_of(entry)]
    local = fixtures.load(NNFS, folder=built[0] / "fixtures")
    official = runner.grade(root, submission=name, limits=FAST, checks=checks, assignment=NNFS)  # the secret seed
    here = runner.grade(root, submission=name, limits=FAST, source=local, checks=checks, assignment=NNFS)
    assert official.seed != here.seed and official.secret_seed
    assert [(r.name, r.outcome, r.score) for r in here.results] == \
        [(r.name, r.outcome, r.score) for r in official.results]


# ------------------------------------------------------------------ the catalogue, without the grader
# Every correct entry behaves like the reference on the probes below, and every mutant differs from it in the
# class it blames (and in ActivationLoss, which builds on ActivationSoftMax and LossCrossEntropy) and nowhere
# else: an independent check that the catalogue says what its entries are. In process: hostile entries are
# never imported here.

RTOL, ATOL = 1e-4, 1e-6
PROBE_SHAPES = [(1, 1), (1, 3), (4, 1), (3, 4), (3, 3), (5, 2)]


@contextlib.contextmanager
def _loaded(root: Path, name: str):
    """The classes of the `nnfs_layers` package in `root`, imported under the private name `name` while the
    block runs (ActivationLoss imports ActivationSoftMax from its package when built)."""
    init = root / "nnfs_layers" / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
        yield {c: getattr(package, c) for c in ("LayerDense", "ActivationReLU", "ActivationSoftMax",
                                                "LossCrossEntropy", "ActivationLoss")}
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]


def _observations(root: Path, name: str) -> dict:
    with _loaded(root, name) as classes:
        return _observe(classes)


def _kept(got, given) -> bool:
    return isinstance(got, np.ndarray) and got.shape == given.shape and np.array_equal(got, given)


def _observe(classes: dict) -> dict[str, list]:
    """cls -> observations (numbers, arrays, flags) of the probes, in order; an exception is an observation."""
    rng = np.random.default_rng(7)
    found = {cls: [] for cls in classes}

    def record(cls, f):
        try:
            found[cls].extend(f())
        except Exception as exc:  # noqa: BLE001 - a mutant may raise: that is what it does
            found[cls].append(f"raised {type(exc).__name__}")

    for n, c in PROBE_SHAPES:
        x, d = rng.standard_normal((n, c)) * 2, rng.standard_normal((n, c))
        x[0, 0] = 0.0
        labels = rng.integers(0, c, size=n)
        onehot = np.eye(c)[labels]
        p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)

        def dense():
            layer = classes["LayerDense"](c, c + 1)
            w = np.asarray(layer.weights)
            out = [w.shape, np.asarray(layer.biases).shape, bool(np.all(np.asarray(layer.biases) == 0)),
                   bool(np.all(np.abs(w) <= 1)), bool(w.size < 2 or not np.all(w == w.flat[0]))]
            layer.weights, layer.biases = rng.standard_normal((c, c + 1)), rng.standard_normal((1, c + 1))
            given, dv = x.copy(), rng.standard_normal((n, c + 1))
            layer.forward(given)
            out += [np.asarray(layer.output), np.asarray(layer.inputs), _kept(given, x)]
            kept = dv.copy()
            layer.backward(kept)
            out += [np.asarray(layer.dweights), np.asarray(layer.dbiases), np.array(layer.dinputs), _kept(kept, dv)]
            kept.fill(9.0)
            return out + [np.asarray(layer.dinputs)]

        def relu():
            act, given = classes["ActivationReLU"](), x.copy()
            act.forward(given)
            out = [np.asarray(act.output), np.asarray(act.inputs), _kept(given, x)]
            act.inputs, act.output, kept = x.copy(), np.maximum(0, x), d.copy()
            act.backward(kept)
            out += [np.array(act.dinputs), _kept(kept, d)]
            kept.fill(9.0)
            return out + [np.asarray(act.dinputs)]

        def softmax():
            act, given = classes["ActivationSoftMax"](), x.copy()
            act.forward(given)
            out = [np.asarray(act.output), _kept(given, x)]
            act.forward(x + 1000.0)
            out.append(np.asarray(act.output))
            act.inputs, act.output, kept = x.copy(), p.copy(), d.copy()
            act.backward(kept)
            out += [np.array(act.dinputs), _kept(kept, d)]
            kept.fill(9.0)
            return out + [np.asarray(act.dinputs)]

        def loss():
            out = []
            zero = p.copy()
            zero[0] = np.eye(c)[(labels[0] + 1) % c] if c > 1 else 1.0
            for target in (labels, onehot):
                ce, given, t = classes["LossCrossEntropy"](), p.copy(), target.copy()
                out += [np.asarray(ce.forward(given, t)), _kept(given, p) and _kept(t, target),
                        np.asarray(ce.forward(zero, target)),
                        np.asarray(classes["LossCrossEntropy"]().calculate(p, target))]
                kept = p.copy()
                ce.backward(kept, t)
                out += [np.array(ce.dinputs), _kept(kept, p) and _kept(t, target)]
                kept.fill(9.0)
                out.append(np.asarray(ce.dinputs))
            return out

        def combined():
            out = []
            for target in (labels, onehot):
                layer, given, t = classes["ActivationLoss"](), x.copy(), target.copy()
                out += [np.asarray(layer.forward(given, t)), np.asarray(layer.output),
                        _kept(given, x) and _kept(t, target),
                        np.asarray(classes["ActivationLoss"]().forward(x + 1000.0, target))]
                layer.output, kept = p.copy(), p.copy()
                layer.backward(kept, t)
                out += [np.array(layer.dinputs), _kept(kept, p) and _kept(t, target), _kept(layer.output, p)]
                kept.fill(9.0)
                out.append(np.asarray(layer.dinputs))
            return out

        for cls, f in (("LayerDense", dense), ("ActivationReLU", relu), ("ActivationSoftMax", softmax),
                       ("LossCrossEntropy", loss), ("ActivationLoss", combined)):
            with np.errstate(all="ignore"):
                record(cls, f)
    return found


def _differences(got: list, want: list) -> list[str]:
    if len(got) != len(want):
        return [f"{len(got)} observations, expected {len(want)}"]
    found = []
    for i, (g, w) in enumerate(zip(got, want)):
        if isinstance(w, np.ndarray) and isinstance(g, np.ndarray) and g.dtype.kind in "biuf":
            if g.shape != w.shape or not np.allclose(g.astype(float), w, rtol=RTOL, atol=ATOL, equal_nan=True):
                found.append(f"#{i}: {g!r} != {w!r}")
        elif not (type(g) is type(w) and g == w) and not (isinstance(g, tuple) and g == w):
            found.append(f"#{i}: {g!r} != {w!r}")
    return found


@pytest.fixture(scope="module")
def reference_observations(tmp_path_factory):
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(NNFS.solutions, root / "nnfs_layers")
    found = _observations(root, "_nnfs_probe_reference")
    raised = [(cls, o) for cls, obs in found.items() for o in obs if isinstance(o, str)]
    assert not raised, f"the reference raised on a probe: {raised}"
    return found


@pytest.mark.parametrize("entry", [e for e in entries("buggy", "nnfs") + entries("correct", "nnfs") if e.in_process],
                         ids=lambda e: e.name)
def test_the_catalogue_says_what_each_entry_is(entry, tmp_path, reference_observations):
    got = _observations(materialize(entry, tmp_path), f"_nnfs_probe_{entry.name}")
    for cls, want in reference_observations.items():
        differs = _differences(got[cls], want)
        if cls in entry.blame:
            assert differs, f"{entry.name}: no probe tells its {cls} from the reference"
        elif not set(entry.blame) & set(NEEDS.get(cls, ())):
            assert not differs, f"{entry.name}: {cls} differs from the reference:\n" + "\n".join(differs[:10])


def test_one_hot_rows_too_narrow_for_the_batch_are_not_said_to_treat_indices_as_one_hot(tmp_path):
    """A trial's backward turned class indices into one-hot rows with np.eye(target.max() + 1): too narrow where the
    batch has no sample of the last class. The hint said its code "treats [class indices] as one-hot rows", which it
    does not; it now names the width."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers")
    losses = tmp_path / "nnfs_layers" / "losses.py"
    assert losses.read_text().count("target = np.eye(labels)[target]") == 1
    losses.write_text(losses.read_text().replace("target = np.eye(labels)[target]",
                                                 "target = np.eye(target.max() + 1)[target]"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "LossCrossEntropy"], assignment=NNFS)
    lost = {r.name: r.output for r in report.results if not r.passed}
    said = lost["LossCrossEntropy.backward: dinputs for class indices (N,)"]
    assert "different numbers of columns" in said and "treats it as one-hot" not in said, said


@pytest.mark.parametrize("find, replace, lost", [
    ("self.dinputs = -target / dvalues\n        self.dinputs = self.dinputs / samples",
     "self.dinputs = -target / dvalues\n        self.dinputs = self.dinputs / labels",
     {"LossCrossEntropy.backward: dinputs for class indices (N,)"}),
    ("confidences = clipped[range(samples), target]", "confidences = clipped[:, target]",
     {"LossCrossEntropy.forward: per-sample losses for class indices (N,)"}),
    ("confidences = np.sum(clipped * target, axis=1)", "confidences = np.sum(clipped * target, axis=0)",
     {"LossCrossEntropy.forward: per-sample losses for one-hot targets (N, C)"}),
    ("self.dinputs = -target / dvalues\n        self.dinputs = self.dinputs / samples",
     "self.dinputs = -1.0 / dvalues\n        self.dinputs = self.dinputs / samples",
     {"LossCrossEntropy.backward: dinputs for class indices (N,)",
      "LossCrossEntropy.backward: dinputs for one-hot targets (N, C)"}),
], ids=["both kinds: /C", "class indices only", "one-hot only", "both kinds: no known mistake"])
def test_a_mistake_for_both_kinds_of_target_is_charged_once(tmp_path, find, replace, lost):
    """helper-141: LossCrossEntropy.backward dividing by C failed "dinputs for class indices" and "dinputs for one-hot
    targets" (3 + 3 points, the same hint twice). A value for one-hot targets that is what the code gives for the
    same rows' class indices is left to the test of class indices, where that failed: charged once. A mistake in one
    kind's branch alone is still charged by that kind's test; so is a value no hint names (helper-142: code that
    ignores the target, wrong for both kinds, kept the one-hot test and, with it, its method's other tests)."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
    losses = tmp_path / "nnfs_layers" / "losses.py"
    assert losses.read_text().count(find) == 1, find
    losses.write_text(losses.read_text().replace(find, replace))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST,
                          checks=[c for c in EVERY if c.cls == "LossCrossEntropy"], assignment=NNFS)
    failed = {r.name for r in report.results if not r.passed}
    assert failed == lost if len(lost) == 1 else lost <= failed, explain(report.results)


@pytest.mark.parametrize("file, find, replace, cls, test, words", [
    ("activations.py", "np.dot(single_output, single_output.T)", "single_output * single_output", "ActivationSoftMax",
     "ActivationSoftMax.backward", "subtracts o * o"),
    ("losses.py", "return -np.log(confidences)", "return -np.log10(confidences)", "LossCrossEntropy",
     "LossCrossEntropy.forward", "np.log10"),
    ("dense.py", "np.dot(inputs, self.weights) + self.biases", "np.dot(inputs, self.weights + self.biases)",
     "LayerDense", "LayerDense.forward: output", "inside np.dot"),
    ("activations.py", "np.dot(jacobian_matrix, single_dvalues)", "np.dot(jacobian_matrix, single_output).ravel()",
     "ActivationSoftMax", "ActivationSoftMax.backward", "apply it to the row's dvalues"),  # (helper-159)
    ("losses.py", "np.clip(predict, CLIP, 1 - CLIP)", "np.clip(predict, 1 - CLIP, CLIP)", "LossCrossEntropy",
     "LossCrossEntropy.forward", "bounds swapped"),
    ("losses.py", "dvalues\n        self.dinputs = self.dinputs / samples", "dvalues\n        self.dinputs /= dvalues.size",
     "LossCrossEntropy", "LossCrossEntropy.backward: dinputs for class indices", "N * C"),  # (helper-162: 11 points)
    ("losses.py", "-= 1\n        self.dinputs = self.dinputs / samples", "-= 1\n        self.dinputs = self.dinputs / dvalues.size",
     "ActivationLoss", "ActivationLoss.backward: dinputs for class indices", "N * C"),
    ("losses.py", "        self.output = self.activation.output\n        return self.loss.calculate(self.output, target)",
     "        loss = self.loss.calculate(self.activation.output, target)\n"
     "        self.output = np.log(self.activation.output)\n        return loss",
     "ActivationLoss", "ActivationLoss.forward: keeps self.output", "log of the softmax"),  # (helper-162)
    ("activations.py", "np.diagflat(single_output) - np.dot(single_output, single_output.T)",
     "np.diagflat(single_output) + np.dot(single_output, single_output.T)", "ActivationSoftMax",
     "ActivationSoftMax.backward", "it subtracts it"),  # (helper-166)
], ids=["Jacobian of squares", "log10", "biases inside the dot", "Jacobian applied to the output", "clip bounds swapped",
        "loss gradient over N * C", "combined gradient over N * C", "log-softmax kept", "Jacobian adding o o^T"])
def test_a_one_line_slip_is_named_and_charged_by_its_value_tests_alone(tmp_path, file, find, replace, cls, test, words):
    """helper-156: one-line slips with no hint, so no slip to the credit rule: the method's other tests read "not
    credited" (2 to 5 points more). Named, the value tests alone are charged."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "nnfs_layers" / file
    assert path.read_text().count(find) == 1, find
    path.write_text(path.read_text().replace(find, replace))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST, assignment=NNFS,
                          checks=[c for c in EVERY if c.cls == cls])
    said, lost = lost_by(report, test)
    assert words in said and "hint:" in said, lost
    assert not any(output.startswith("not credited") for output in lost.values()), lost


def test_what_a_raising_dense_forward_stored_before_it_raised_is_judged_as_stored(tmp_path):
    """helper-159: `+ self.biases.T` raises on most inputs after forward stored self.inputs; "stores self.inputs" failed
    too (as mytorch's Linear did before 914e598). The output test charges the raise, and a first call that raised."""
    shutil.copytree(NNFS.solutions, tmp_path / "nnfs_layers", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "nnfs_layers" / "dense.py"
    find = "np.dot(inputs, self.weights) + self.biases"
    assert path.read_text().count(find) == 1
    path.write_text(path.read_text().replace(find, find + ".T"))
    report = runner.grade(tmp_path, seed=0, submission="s", limits=FAST, assignment=NNFS,
                          checks=[c for c in EVERY if c.cls == "LayerDense"])
    lost = {r.name for r in report.results if r.outcome is not Outcome.PASSED}
    assert "LayerDense.forward: output" in lost and "LayerDense.forward: stores self.inputs" not in lost, lost
    assert all(name.startswith("LayerDense.forward") for name in lost), lost
