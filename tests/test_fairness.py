"""The README's promises about fair verdicts, each on a submission a real student would write: a point
is lost only for a real mistake, once, on the method that makes it, with a message that says what to
change (what the code printed included)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder import runner
from autograder.compare import VALUES, Failure, expect, matches
from autograder.report import Outcome
from autograder.writers import WRITERS
from tests.catalogue import REFERENCE, entries, materialize
from tests.test_grading import ALL_CHECKS, FAST, grade

ENTRIES = {e.name: e for kind in ("buggy", "correct") for e in entries(kind)}


def by_name(report):
    return {r.name: r for r in report.results}


def failed(report):
    return {r.name for r in report.results if not r.passed}


def reference_with(tmp_path, file: str, find: str, replace: str):
    """The reference (a folder holding mytorch/) with `find`, which must occur once in `file`, replaced."""
    return reference_edited(tmp_path / "sub", [(file, find, replace)])


def reference_edited(root, edits):
    """The reference copied to `root` (a folder holding mytorch/), with each (file, find, replace) of `edits` made in
    turn, `find` occurring once in `file` as it is then."""
    shutil.copytree(REFERENCE, root / "mytorch")
    for file, find, replace in edits:
        path = root / "mytorch" / file
        text = path.read_text()
        assert text.count(find) == 1, find
        path.write_text(text.replace(find, replace))
    return root


def grade_class(root, cls: str, seed: int = 0, limits=FAST):
    """`root` graded on the tests of one class, public and hidden, as official grading runs them."""
    return runner.grade(root, seed=seed, submission="s", limits=limits, checks=[c for c in ALL_CHECKS if c.cls == cls])


GELU_FORWARD_END = "        self.A = self.Z * self.cdf\n        return self.A\n"


def gelu_twin_scores(tmp_path, backward: tuple, sly_forward: str, header: str = "") -> list:
    """GELU's scores of the reference with `backward`'s (find, replace) edit (the honest twin), and of the same with
    forward's end replaced by `sly_forward` and `header` put first in the file (the attack)."""
    honest = reference_with(tmp_path / "honest", "nn/activation.py", *backward)
    sly = reference_with(tmp_path / "sly", "nn/activation.py", *backward)
    path = sly / "mytorch" / "nn" / "activation.py"
    path.write_text(header + path.read_text().replace(GELU_FORWARD_END, sly_forward))
    return [grade_class(root, "GELU").score for root in (honest, sly)]


def test_not_implemented_on_some_inputs_costs_what_any_exception_there_costs(tmp_path):
    """Linear.backward raising on batches of more than 8 rows: NotImplementedError and ValueError give the same
    verdicts (a trial's NotImplementedError kept the hidden large test, 1 point more, as the first test's failure on
    it was not taken as a failure when the tests that re-read its values were judged); "not attempted" is for a
    method that never returns."""
    find = "        ones = np.ones((self.N, 1))\n        dLdA = dLdZ @ self.W\n"
    checks = [c for c in ALL_CHECKS if c.cls == "Linear"]
    verdicts = {}
    for kind in ("ValueError", "NotImplementedError"):
        root = reference_with(tmp_path / kind, "nn/linear.py", find,
                              f"        if dLdZ.shape[0] > 8:\n            raise {kind}('batch too large')\n" + find)
        report = runner.grade(root, seed=0, submission=kind, limits=FAST, checks=checks)
        verdicts[kind] = [(r.name, r.score, r.outcome) for r in report.results]
    assert verdicts["ValueError"] == verdicts["NotImplementedError"]
    assert {name for name, score, _ in verdicts["ValueError"] if not score} >= {"Linear.backward: dLdA"}


@pytest.mark.parametrize("cls, file, line", [
    ("Sigmoid", "nn/activation.py", "        return dLdA * (self.A - self.A * self.A)\n"),
    ("CrossEntropyLoss", "nn/loss.py", "        return (self.softmax - self.Y) / self.N\n")])
def test_a_crash_where_the_values_would_be_wrong_buys_no_point(cls, file, line, tmp_path):
    """helper-85: a backward raising on every batch of two or more rows scored more than the same backward returning
    wrong values there (Sigmoid 98.75 against 97.5, CrossEntropyLoss 97.5 against 95): a crash counted as neither
    right nor wrong, so the method looked right on most inputs and kept the tests with nothing left to judge."""
    checks = [c for c in ALL_CHECKS if c.cls == cls]
    score = {}
    for how, instead in (("wrong", "return 1.3 * "), ("raise", "raise ValueError('batches not supported yet') #")):
        changed = line.replace("return ", instead, 1)
        batch = "dLdA.shape[0]" if cls == "Sigmoid" else "self.A.shape[0]"
        root = reference_with(tmp_path / how, file, line, f"        if {batch} > 1:\n    {changed}" + line)
        score[how] = runner.grade(root, seed=0, submission=how, limits=FAST, checks=checks).score
    assert score["raise"] <= score["wrong"] < sum(c.points for c in checks), score


def test_a_warning_numpy_prints_names_numpys_file_not_a_temporary_folder(tmp_path):
    """np.var(ddof=1) on one row warns from inside numpy: the output shown names numpy/_core/..., the same every
    run, not the grader's temporary folder of allowed packages (a trial's read /tmp/autograder-<random>/packages/)."""
    root = reference_with(tmp_path, "nn/batchnorm.py", "self.V = np.var(Z, axis=0, keepdims=True)",
                          "self.V = np.var(Z, axis=0, ddof=1, keepdims=True)")
    report = runner.grade(root, seed=0, submission="ddof", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "BatchNorm1d"])
    output = "\n".join(r.output for r in report.results if not r.passed)
    assert "| numpy/_core/" in output and "RuntimeWarning" in output, output
    assert "autograder-" not in output and "/packages/" not in output, output


def test_a_value_that_is_zero_in_the_reference_accepts_rounding_noise():
    expect("loss", np.array(-1.1e-15), 0.0, scalar=True)  # a one-class loss computed as -log(1 + eps): noise, passes
    assert matches(np.array([[1e-9, -2e-8]]), np.zeros((1, 2)), VALUES)
    with pytest.raises(Failure):
        expect("loss", np.array(1e-3), 0.0, scalar=True)  # a real error is not noise


@pytest.mark.parametrize("seed", [0, 4, 5, 8])
def test_an_implementation_in_float32_scores_full_at_every_seed(seed, tmp_path):
    report = grade(ENTRIES["float32"], tmp_path, seed=seed)
    assert report.score == report.max_score, [r.output for r in report.results if not r.passed]


def test_log_of_softmax_plus_eps_loses_only_the_numerics_test_with_a_hint_naming_both_forms(tmp_path):
    report = grade(ENTRIES["ce_log_softmax_plus_eps"], tmp_path)
    gaps = "CrossEntropyLoss.forward: exact for large gaps between logits"
    assert failed(report) == {gaps}
    output = by_name(report)[gaps].output
    assert "log(softmax + eps)" in output and "log-sum-exp" in output


def test_what_the_code_printed_during_the_failing_call_is_shown(tmp_path):
    report = grade(ENTRIES["linear_print_then_raise"], tmp_path)
    output = by_name(report)["Linear.backward: dLdA"].output
    assert "your code printed:\n  during Linear.backward(dLdZ):\n  | dLdZ (" in output
    assert "raised ValueError" in output


def test_an_import_outside_the_allowed_packages_fails_only_its_module_and_names_module_and_packages(tmp_path):
    report = grade(ENTRIES["relu_imports_unknown_package"], tmp_path)
    # (and the MLPs, whose module imports ReLU from it: they cannot be built)
    assert {name.split(".")[0] for name in failed(report)} == {"Identity", "Sigmoid", "Tanh", "ReLU", "GELU", "Softmax",
                                                               "MLP0", "MLP1", "MLP4"}
    output = by_name(report)["ReLU.forward: output A"].output
    assert "mytorch/nn/activation.py" in output and "torch" in output and "numpy and scipy" in output


def test_scipy_at_the_top_of_a_module_is_allowed(tmp_path):
    report = grade(ENTRIES["scipy_top_level"], tmp_path)
    assert report.score == report.max_score


def test_numpy_settings_one_class_changes_do_not_reach_the_next_class_of_its_module(tmp_path):
    # The classes of activation.py share one worker: Identity.forward's np.seterr(all="raise") would turn
    # the overflows of Sigmoid's and Tanh's large inputs into exceptions, had the worker not restored numpy.
    from tests.test_grading import ALL_CHECKS

    entry = ENTRIES["identity_leaves_seterr_raise"]
    report = runner.grade(materialize(entry, tmp_path / "s"), seed=0, submission=entry.name, limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.module == "mytorch.nn.activation"])
    assert len(report.results) > 30 and report.score == report.max_score, failed(report)


@pytest.mark.parametrize("name, says", [("relu_backward_os_exit", "exited with code 3"),
                                        ("relu_backward_hangs", "did not finish within")])
def test_a_death_in_backward_is_charged_to_backward_with_its_real_cause(name, says, tmp_path):
    report = grade(ENTRIES[name], tmp_path)
    assert {n.split(":")[0] for n in failed(report)} == {"ReLU.backward"}  # forward keeps every point
    output = by_name(report)["ReLU.backward: dLdZ"].output
    assert says in output and "SIGKILL" not in output
    assert output.startswith("ReLU.backward(dLdA)")


def test_a_method_that_hangs_on_large_inputs_is_not_said_to_hang_on_inputs_it_never_ran(tmp_path):
    """After a call hangs, the grader stops calling that method (each hang costs the case time limit). A later
    test none of whose inputs ran (the hidden large one) says so and names no input; its points wait for a
    backward that finishes. A test that lost more inputs than it ran on says how many were not called."""
    find = "        return dLdA * (self.A - self.A * self.A)\n"
    root = reference_with(tmp_path, "nn/activation.py", find, "        while dLdA.size > 40:\n            pass\n"
                          + find)
    checks = [c for c in ALL_CHECKS if c.cls == "Sigmoid"]
    report = runner.grade(root, seed=0, submission="hangs", limits=FAST, checks=checks)
    results = by_name(report)
    assert "did not finish within" in results["Sigmoid.backward: dLdZ"].output
    hidden = results["Sigmoid.backward: large batches"]
    assert hidden.outcome is Outcome.NOT_RUN and hidden.score == 0
    assert hidden.output.startswith("not run: Sigmoid.backward did not finish within 2 s on an earlier input")
    assert "failing input" not in hidden.output and "it returned on only" not in hidden.output
    assert {n.split(":")[0] for n in failed(report)} == {"Sigmoid.backward"}  # forward keeps every point
    kept = results["Sigmoid.backward: does not modify dLdA"].output
    assert "of them not called, as a method is not called again" in kept


def test_a_forward_that_hangs_only_on_huge_inputs_loses_only_the_test_of_huge_inputs(tmp_path):
    """A hang is not called again as written (forward(Z + shift)), while forward(Z) goes on: a softmax that loops
    forever on rows of large logits loses "finite for large inputs", as an overflowing one does, and its value
    tests keep their points (they lost them all when one hang stopped every later call of the method)."""
    find = "        e = np.exp(Z - np.max(Z, axis=1, keepdims=True))\n"
    root = reference_with(tmp_path, "nn/activation.py", find, "        while np.max(Z) > 100:\n            pass\n"
                          + find)
    report = runner.grade(root, seed=0, submission="hangs", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Softmax"])
    assert failed(report) == {"Softmax.forward: finite for large inputs"}
    output = by_name(report)["Softmax.forward: finite for large inputs"].output
    assert output.startswith("Softmax.forward(Z + shift) did not finish within 2 s")


INIT_END = "        self.debug = debug\n"
SOFTMAX_FORWARD = "        e = np.exp(Z - np.max(Z, axis=1, keepdims=True))\n"
BACKWARD = "        ones = np.ones((self.N, 1))\n        dLdA = dLdZ @ self.W\n"
HANGS = {  # name: (class graded, [(file, find, replace)], whether the full run saves a case time limit)
    "on some inputs": ("ReLU", [("nn/activation.py", "        return dLdA * (self.A > 0)\n",
                                 "        while dLdA.shape[0] > 3:\n            pass\n        return dLdA * (self.A > 0)\n")],
                       True),
    "after printing": ("CrossEntropyLoss", [("nn/loss.py", "        self.N = A.shape[0]\n",  # (what it printed is
                                             "        print('computing the loss')\n"  # the full run's own: waited for)
                                             "        while A.shape[1] == 3:\n            pass\n"
                                             "        self.N = A.shape[0]\n")], False),
    "in the Linear an MLP builds": ("MLP0", [("nn/linear.py", INIT_END,  # (a probe of its own layers: left out)
                                              "        while in_features == 2:\n            pass\n" + INIT_END)], True),
    # helper-204: the 90th backward call, which in the full run is a call for diagnosis, earlier; the call the first
    # run hung on is then left out (a soft call), not taken to hang
    "on the 90th call": ("Linear", [("nn/linear.py", BACKWARD, "        Linear.calls = getattr(Linear, 'calls', 0) + 1\n"
                                     "        while Linear.calls == 90:\n            pass\n" + BACKWARD)], False),
    # helper-204: the full run's case raises before the op the first run hung on (it builds the 98th layer of its
    # worker): it stops there, in the worker that ran the cases before it, as it would have
    "behind a raise": ("Linear", [("nn/linear.py", INIT_END, "        Linear.made = getattr(Linear, 'made', 0) + 1\n"
                                   "        if Linear.made > 97:\n            raise ValueError('too many layers')\n"
                                   + INIT_END),
                                  ("nn/linear.py", BACKWARD, "        while dLdZ.shape[0] == 4:\n            pass\n"
                                   + BACKWARD)], False),
    # helper-205: 150 KiB printed by every forward call, and backward hangs: the replies the hanging worker held are
    # lost with it, and their cases (and prints) run again, as after a wait. (How many it held when it hung depends on
    # how fast the machine is, so the run's print limit, 16 MiB, fell on other ops in the two runs on a loaded
    # machine: the test gives room for every print, and compares what each op printed.)
    "printing around it": ("Linear", [("nn/linear.py", "        self.A = A\n",
                                       "        print('x' * (150 << 10))\n        self.A = A\n"),
                                      ("nn/linear.py", BACKWARD, "        while dLdZ.shape[0] > 3:\n            pass\n"
                                       + BACKWARD)], True),
    # helper-207: a soft call (the forward before a backward on grader-set state) that hangs is left out, and the
    # case goes on: the full run waits at it, then at the next soft call that hung in the first run
    "in a soft call": ("Softmax", [("nn/activation.py", SOFTMAX_FORWARD,
                                    "        while Z.shape[0] > 1:\n            pass\n" + SOFTMAX_FORWARD)], True),
}


@pytest.mark.parametrize("name", list(HANGS))
def test_a_hang_the_first_run_of_a_class_met_is_not_waited_for_again_and_its_verdicts_stay(name, tmp_path,
                                                                                           monkeypatch):
    """A class runs first without its calls for diagnosis, then, once something is not a clean pass, again in
    full (runner._batch_phase): the full run takes a hang the first met as met again on the same op, without
    waiting for the case time limit a second time, and gives the verdicts that waiting gives (not where the op
    printed, nor where the full run leaves it out or stops before it)."""
    from autograder.record import replace
    from autograder.sandbox import pool
    from autograder.sandbox import worker as wire

    cls, edits, saves = HANGS[name]
    root = reference_edited(tmp_path / "sub", edits)
    waits = []  # (True for each case time limit waited for to its end, not ended at a "wait" op)
    real = pool.Sandbox._receive

    def receive(self, worker, deadline, script, sent=None, watch=None, index=0):
        reply, why = real(self, worker, deadline, script, sent, watch, index)
        at = wire.PROGRESS.unpack_from(worker.progress)[:2]
        waits.append(why.startswith("did not finish within") and not (watch and at == (watch[0] + 1, watch[1])))
        return reply, why

    monkeypatch.setattr(pool.Sandbox, "_receive", receive)
    limits = replace(FAST, case_timeout=1.0, file_bytes=512 << 20)  # (no print limit met: above)
    report = grade_class(root, cls, limits=limits)
    assumed, waits[:] = sum(waits), []
    monkeypatch.setattr(pool.Sandbox, "_assumed", lambda self, earlier, prepared: None)
    waited = grade_class(root, cls, limits=limits)
    assert (sum(waits) > assumed >= 1) if saves else (sum(waits) == assumed >= 1), (sum(waits), assumed)
    said = [(r.name, r.score, r.output) for r in report.results]
    assert said == [(r.name, r.score, r.output) for r in waited.results]
    said = "\n".join(r.output for r in report.results)  # (the hang, or what stopped the case before it)
    assert "did not finish within 1 s" in said or "too many layers" in said or "File too large" in said


@pytest.mark.parametrize("stops", ["while Z.shape[0] > 1:\n            pass\n",
                                   "if Z.shape[0] > 1:\n            raise ValueError('not yet')\n"])
def test_a_backward_is_judged_where_its_forward_hangs_as_where_it_raises(stops, tmp_path):
    """Softmax's backward is graded on the self.A the grader sets after forward(Z), whose failure does not stop the
    case: one that hangs on batches (the call left out, and the case goes on) costs backward nothing, as one that
    raises there does (helper-207: the hanging one stopped the case before backward was called, and its correct
    backward lost "dLdZ", 2 points, as "not run: needs Softmax.forward"). What needs forward's values is not run."""
    from autograder.record import replace

    root = reference_with(tmp_path, "nn/activation.py", SOFTMAX_FORWARD, "        " + stops + SOFTMAX_FORWARD)
    report = grade_class(root, "Softmax", limits=replace(FAST, case_timeout=1.0))
    results = by_name(report)
    assert all(results[name].passed for name in ("Softmax.backward: dLdZ", "Softmax.backward: large batches and "
                                                 "many classes")), [r.output for r in report.results if not r.passed]
    assert all(r.output.startswith("not run: needs Softmax.forward") for r in report.results
               if not r.passed and r.name.startswith("Softmax.backward")), [r.output for r in report.results]
    if "while" in stops:  # (helper-210: "on every input of this test, ... did not finish", where it hung on one and
        # was not called again on the others)
        said = "\n".join(r.output for r in report.results if r.name.startswith("Softmax.forward"))
        assert "on every input of this test" not in said and "it was not called on the other " in said, said


CE_FORWARD_N = "        self.N = A.shape[0]\n        shifted"


@pytest.mark.parametrize("stops", ["while A.shape[0] == 1:\n            pass", "if A.shape[0] == 1:\n            import os\n"
                                   "            os._exit(0)", "if A.shape[0] == 1:\n            raise ValueError('one row')"],
                         ids=["hangs", "exits", "raises"])
def test_a_forward_that_fails_on_batches_of_one_costs_its_backward_nothing_elsewhere(stops, tmp_path):
    """A CrossEntropyLoss.forward that hangs or ends the worker on batches of one row is still called on the other
    batches, and its right backward keeps the tests that judge it there, as where forward raises on them: forward's
    first test charges the failure, once (helper-210: the hanging one was not called again on any batch, and the
    backward lost 7 points as "not run: needs CrossEntropyLoss.forward": 91 against 98 when it raises; helper-220: its
    finite differences, which probe forward, had waited for it where a probe hung)."""
    from autograder.record import replace

    root = reference_with(tmp_path, "nn/loss.py", CE_FORWARD_N,
                          CE_FORWARD_N.replace("        shifted", f"        {stops}\n        shifted"))
    report = grade_class(root, "CrossEntropyLoss", limits=replace(FAST, case_timeout=1.0))
    results = by_name(report)
    kept = ["CrossEntropyLoss.backward: dLdA", "CrossEntropyLoss.backward: finite for large logits",
            "CrossEntropyLoss.forward: exact for large gaps between logits",  # (its loss is the failed test's to grade)
            "CrossEntropyLoss.backward: agrees with finite differences of forward",  # (on the batches forward ran on)
            "CrossEntropyLoss.backward: after two forward calls, uses the last input",
            "CrossEntropyLoss.backward: large batches and many classes", "CrossEntropyLoss.forward: does not modify A or Y",
            "CrossEntropyLoss.forward: finite for large logits"]
    assert all(results[name].passed for name in kept), [(r.name, r.output) for r in report.results if not r.passed]
    first = results["CrossEntropyLoss.forward: loss"]
    assert not first.passed and "(1, " in first.output and "replay:" in first.output, first.output
    assert failed(report) == {"CrossEntropyLoss.forward: loss"}, [(r.name, r.output) for r in report.results
                                                                   if not r.passed]


def test_a_linear_cache_kept_on_the_class_is_charged_once_to_dldw(tmp_path):
    """A cache in the class body is every layer's: an MLP's first layer reads the last one's input. Backward's tests
    run another layer's forward before each backward, so its dLdW shows it, named, once (helper-222's scored 100)."""
    root = reference_edited(tmp_path / "sub", [
        ("nn/linear.py", "class Linear:\n", "class Linear:\n    cache = {}\n\n"),
        ("nn/linear.py", "        self.A = A\n", "        self.A = A\n        self.cache['A'] = A\n"),
        ("nn/linear.py", "self.dLdW = dLdZ.T @ self.A", "self.dLdW = dLdZ.T @ self.cache['A']")])
    report = grade_class(root, "Linear")
    assert failed(report) == {"Linear.backward: dLdW"}, [(r.name, r.output) for r in report.results if not r.passed]
    said = by_name(report)["Linear.backward: dLdW"].output
    assert "another Linear's forward" in said and "not on the class" in said, said


def test_a_loss_backward_that_hangs_on_batches_of_one_is_graded_as_one_that_raises_there(tmp_path):
    """MSELoss.backward() takes no arguments: the batch of one it hangs on is what forward(A, Y) was given, and it is
    still called after other forwards (helper-220: it was not called again on any batch, and lost its other tests,
    97 against 99 when it raises there)."""
    from autograder.record import replace

    def graded(stops, name):
        root = reference_with(tmp_path / name, "nn/loss.py", MSE_BACKWARD, f"        {stops}\n{MSE_BACKWARD}")
        return {r.name: (r.score, r.outcome) for r in grade_class(root, "MSELoss",
                                                                  limits=replace(FAST, case_timeout=1.0)).results}

    hangs = graded("while self.N == 1:\n            pass", "hangs")
    raises = graded("if self.N == 1:\n            raise ValueError('one row')", "raises")
    assert hangs == raises and hangs["MSELoss.backward: dLdA"][0] == 0.0, (hangs, raises)
    assert sum(score for score, _ in hangs.values()) == sum(c.points for c in ALL_CHECKS if c.cls == "MSELoss") - 1


@pytest.mark.parametrize("stops", ["while Z.shape[0] == 1:\n            pass", "if Z.shape[0] == 1:\n            raise "
                                   "ValueError('one row')"], ids=["hangs", "raises"])
def test_a_value_another_test_grades_is_left_to_it_where_the_call_hangs_as_where_it_raises(stops, tmp_path):
    """Sigmoid.forward failing on batches of one: "stores self.A" reads the A that "output A" grades, and that test
    charges the failure; it had charged the hang a second time (0.25) and said "none of this test's inputs ran" where
    they ran on the other batches (helper-219)."""
    from autograder.record import replace

    body = "        self.A = 1 / (1 + np.exp(-Z))\n"
    root = reference_with(tmp_path, "nn/activation.py", body, f"        {stops}\n{body}")
    report = grade_class(root, "Sigmoid", limits=replace(FAST, case_timeout=1.0))
    results = by_name(report)
    assert not results["Sigmoid.forward: output A"].passed
    assert failed(report) == {"Sigmoid.forward: output A"}, [(r.name, r.output) for r in report.results if not r.passed]
    said = "\n".join(r.output for r in report.results)
    assert "none of this test's inputs ran" not in said and "on arguments," not in said, said


@pytest.mark.parametrize("stops", ["import os\n            os._exit(0)", "raise MemoryError('too large')"])
def test_a_test_not_run_for_another_method_shows_the_input_that_method_failed_on(stops, tmp_path):
    """A test that waits for another method, which raised or ended the worker on its input, shows that input and its
    calls as a failing test does: a forward that fails only on the large batches of backward's hidden test passes
    every test of its own, and "not run: needs MSELoss.forward" alone left the student nothing to look at
    (helper-209). A test that waits for a method not called again after an earlier input shows none."""
    root = reference_with(tmp_path, "nn/loss.py", "        self.N, self.C = A.shape\n",
                          f"        self.N, self.C = A.shape\n        if self.N >= 32:\n            {stops}\n")
    said = by_name(grade_class(root, "MSELoss"))["MSELoss.backward: large batches and many features"].output
    assert said.startswith("not run: needs MSELoss.forward"), said
    assert "MSELoss.forward(A, Y)" in said and "failing input:" in said and "replay:" in said, said
    shape = re.search(r"^  A \((\d+), \d+\) = ", said, re.M)
    assert shape and int(shape[1]) >= 32, said


@pytest.mark.parametrize("find, replace", [
    ("np.log(np.exp(shifted).sum(axis=1, keepdims=True))", "np.log(np.exp(shifted).sum(axis=1))"),
    ("shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))", "A - __import__('scipy.special').special."
                                                                       "logsumexp(A, axis=1)")],
    ids=["sum", "scipy logsumexp"])
def test_a_right_loss_backward_is_not_charged_where_a_forward_without_keepdims_is_right_by_chance(find, replace,
                                                                                                    tmp_path):
    """A log-sum-exp without keepdims=True, of shape (N,), broadcasts across the columns where there are as many rows
    as classes, or one class: there the loss can be right (one class; labels a permutation of the rows) while the
    softmax forward stores is not, and a right backward returning (softmax - Y) / N was charged for it, with a hint
    about a softmax over the batch (helper-214: 9 points for one slip of forward's). Forward raises everywhere else,
    and backward's tests wait for it."""
    report = grade_class(reference_with(tmp_path, "nn/loss.py", find, replace), "CrossEntropyLoss")
    assert "CrossEntropyLoss.forward: loss" in failed(report)
    charged = [r for r in report.results if r.name.startswith("CrossEntropyLoss.backward") and r.outcome is Outcome.FAILED]
    assert not charged, [r.output for r in charged]
    said = "\n".join(r.output for r in report.results if r.name.startswith("CrossEntropyLoss.forward"))
    assert "keepdims" in said and "subtract each row's max" not in said, said  # (its hints: what it forgot)


@pytest.mark.parametrize("returned", ["[{}]", "({}, None)"], ids=["list", "pair"])
def test_a_loss_returned_in_a_list_leaves_its_backward_judged(returned, tmp_path):
    """A loss returned as [L] is one slip of form, charged by forward's loss test; its numbers say forward is right,
    so a wrong backward behind it is judged and charged once with its hint, not left out on every input as if forward
    were wrong (helper-216: [L] with a doubled dLdA lost 7 points, 5 of them 'not credited', and with dLdA divided by C
    lost only forward's 2; helper-217: the same with (L, None))."""
    root = reference_edited(tmp_path, [
        ("nn/loss.py", "        return float(-(Y * log_softmax).sum() / self.N)\n",
         "        return " + returned.format("float(-(Y * log_softmax).sum() / self.N)") + "\n"),
        ("nn/loss.py", "        return (self.softmax - self.Y) / self.N\n", "        return 2 * (self.softmax - self.Y) / self.N\n")])
    report = grade_class(root, "CrossEntropyLoss")
    assert failed(report) == {"CrossEntropyLoss.forward: loss", "CrossEntropyLoss.backward: dLdA"}, failed(report)
    assert "the factor 2 is MSELoss's" in by_name(report)["CrossEntropyLoss.backward: dLdA"].output


CE_STORES = "        self.A = A\n        self.Y = Y\n        self.N = A.shape[0]\n"
CE_RETURNS = "        self.softmax = np.exp(log_softmax)\n        return float(-(Y * log_softmax).sum() / self.N)\n"
BN_EVAL = "            NZ = (Z - self.running_M) / np.sqrt(self.running_V + self.eps)\n            return self.BW * NZ + self.Bb\n"
MSE_BACKWARD = "        return 2 * (self.A - self.Y) / (self.N * self.C)\n"
# name: (class, the honest mistake's edits, the same with what tries to hide it)
HIDDEN_BEHIND_A_CALL = {
    # a loss that keeps its first input, and ends the worker in the first call of the two-round test, once: the call
    # left out on every later input had the test pass (helper-208: 99.5 -> 100)
    "first round ends a worker": ("CrossEntropyLoss", [
        ("nn/loss.py", CE_STORES, ""),
        ("nn/loss.py", CE_RETURNS, "        if not hasattr(self, 'softmax'):\n            self.A, self.Y, self.N = A, Y, "
         "A.shape[0]\n            self.softmax = np.exp(log_softmax)\n        return float(-(Y * log_softmax).sum() "
         "/ A.shape[0])\n")], [
        ("nn/loss.py", "class CrossEntropyLoss:\n", "class CrossEntropyLoss:\n    def __init__(self):\n"
         "        CrossEntropyLoss.made = getattr(CrossEntropyLoss, 'made', 0) + 1\n        self.order = "
         "CrossEntropyLoss.made\n\n"),
        ("nn/loss.py", "        shifted = A - A.max", "        if self.order == 2 and not hasattr(self, 'used') and not "
         "hasattr(self, 'softmax'):\n            import os\n            os._exit(0)\n        shifted = A - A.max"),
        ("nn/loss.py", "        return (self.softmax - self.Y) / self.N\n",
         "        self.used = True\n        return (self.softmax - self.Y) / self.N\n")]),
    # evaluation mode overwrites what backward reads; it ends the worker after one training step instead (99 -> 100)
    "evaluation ends a worker": ("BatchNorm1d", [
        ("nn/batchnorm.py", BN_EVAL, "            self.NZ = (Z - self.running_M) / np.sqrt(self.running_V + self.eps)\n"
         "            self.Z, self.N = Z, Z.shape[0]\n            return self.BW * self.NZ + self.Bb\n"),
        ("nn/batchnorm.py", "        self.Z = Z\n", "        self.trained = getattr(self, 'trained', 0) + 1\n"
         "        self.Z = Z\n")], [
        ("nn/batchnorm.py", "        if eval:\n", "        if eval:\n            if getattr(self, 'trained', 0) == 1:\n"
         "                import os\n                os._exit(0)\n")]),
    # a gradient wrong on large batches only, behind a forward that raises on them: no test of forward has them, and
    # the hidden test of backward passed, "nothing left to judge" (helper-208: 99 -> 100)
    "forward raises on large batches": ("MSELoss", [
        ("nn/loss.py", MSE_BACKWARD, "        if self.N >= 32:\n            return 2 * (self.A - self.Y) / self.N\n"
         + MSE_BACKWARD)], [
        ("nn/loss.py", "        self.N, self.C = A.shape\n", "        self.N, self.C = A.shape\n        if self.N >= 32:\n"
         "            raise MemoryError('too large')\n")]),
    # a backward of twice the gradient behind a forward wrong on one shape, exact on one-class and square batches and
    # off by 1e-5 elsewhere: the square batches, where a loss can be right by chance, were left to forward's failing
    # loss test whatever backward returned there (helper-215: 98 against the honest 95)
    "square batches left to forward": ("CrossEntropyLoss", [
        ("nn/loss.py", "        return (self.softmax - self.Y) / self.N\n",
         "        return 2 * (self.softmax - self.Y) / self.N\n")], [
        ("nn/loss.py", "        return float(-(Y * log_softmax).sum() / self.N)\n",
         "        loss = float(-(Y * log_softmax).sum() / self.N)\n        if A.shape == (2, 6):\n"
         "            return loss + 1.0\n        if A.shape[1] in (1, A.shape[0]):\n            return loss\n"
         "        return loss * (1 + 1e-5)\n")]),
    # the same backward, returning on square batches what a right backward returns from a softmax taken without
    # keepdims, behind a forward dividing by C (right on square batches): those were left to the failing loss test
    # (helper-216: 98 against the honest 96)
    "square batches dressed as forward's": ("CrossEntropyLoss", [
        ("nn/loss.py", "        return float(-(Y * log_softmax).sum() / self.N)\n",
         "        return float(-(Y * log_softmax).sum() / A.shape[1])\n"),
        ("nn/loss.py", "        return (self.softmax - self.Y) / self.N\n",
         "        return 2 * (self.softmax - self.Y) / self.N\n")], [
        ("nn/loss.py", "        return 2 * (self.softmax - self.Y) / self.N\n",
         "        if self.A.shape[0] == self.A.shape[1]:\n            moved = self.A - self.A.max(axis=1)\n"
         "            probs = np.exp(moved - np.log(np.sum(np.exp(moved), axis=1, keepdims=True)))\n"
         "            return (probs - self.Y) / self.N\n        return 2 * (self.softmax - self.Y) / self.N\n")]),
}


@pytest.mark.parametrize("name", list(HIDDEN_BEHIND_A_CALL))
def test_a_mistake_is_not_hidden_behind_a_call_that_fails(name, tmp_path):
    """A call whose failure does not stop its case, made on the object a test then reads, left out as it ended a
    worker (on every later input too) or raising there, leaves the test nothing to judge: the test does not pass
    for it, and the trick scores no more than the honest mistake."""
    cls, honest, trick = HIDDEN_BEHIND_A_CALL[name]
    plain = grade_class(reference_edited(tmp_path / "honest", honest), cls)
    hidden = grade_class(reference_edited(tmp_path / "trick", honest + trick), cls)
    assert plain.score < plain.max_score, [r.output for r in plain.results]  # (the mistake is seen)
    assert hidden.score <= plain.score, [r.output for r in hidden.results if r.passed and r.name in failed(plain)]


@pytest.mark.parametrize("stops", ["import os\n            os._exit(0)", "raise ValueError('not yet')"])
def test_what_the_grader_sets_after_a_call_left_out_is_judged(stops, tmp_path):
    """A third training batch that ends the worker (left out then, and on every later input) or raises costs the
    running statistics test, and nothing of a correct evaluation mode, graded on the running statistics the grader
    sets after it (helper-209: ending the worker there cost evaluation its three tests, 95.5 against 98)."""
    root = reference_with(tmp_path, "nn/batchnorm.py", "        self.Z = Z\n",
                          "        self.batches = getattr(self, 'batches', 0) + 1\n        if self.batches == 3:\n"
                          f"            {stops}\n        self.Z = Z\n")
    report = grade_class(root, "BatchNorm1d")
    evaluation = [r for r in report.results if r.name in ("BatchNorm1d.forward: evaluation output uses the running "
                  "statistics", "BatchNorm1d.forward: evaluation updates no running statistic",
                  "BatchNorm1d.forward: does not modify Z")]
    assert len(evaluation) == 3 and all(r.passed for r in evaluation), [r.output for r in evaluation]
    assert "BatchNorm1d.forward: running statistics after three training batches" in failed(report)


def test_a_correct_method_a_little_slow_is_not_charged_the_time_its_held_neighbours_took(tmp_path):
    """A worker writes its replies a few at a time (`_Outbox`): where the grader's wait for the first of them ran
    out while the worker was on a later case, the limit had timed them all. The case running then gets the limit
    from when it began (helper-205: a correct Linear.backward of 70 ms a call, its cases held eight at a time,
    was charged "did not finish within 1 s": 92.5)."""
    from autograder.record import replace

    root = reference_with(tmp_path, "nn/linear.py", BACKWARD, "        import time\n        began = time.perf_counter()\n"
                          "        while time.perf_counter() - began < 0.035:\n            pass\n" + BACKWARD)
    report = runner.grade(root, seed=0, submission="slow", limits=replace(FAST, case_timeout=0.5),
                          checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    assert report.score == report.max_score, [r.output for r in report.results if not r.passed][:1]


def test_a_list_is_not_an_array(tmp_path):
    report = grade(ENTRIES["relu_forward_returns_list"], tmp_path)
    said = by_name(report)["ReLU.forward: output A"].output  # (its numbers are right: it says so, and the hint how)
    assert said.startswith("A: returned a list of the right numbers here: return a numpy array"), said
    assert "hint: your numbers are right on this input, but a list is not a numpy array: return np.array(...)" in said


def test_no_self_n_costs_forward_its_state_test_and_the_real_backward_bug_is_still_reported(tmp_path):
    report = grade(ENTRIES["linear_no_self_N_and_dLdW_div_N"], tmp_path)
    assert failed(report) == {"Linear.forward: stores A and N", "Linear.backward: dLdW"}
    assert "divided by N" in by_name(report)["Linear.backward: dLdW"].output


def test_a_class_that_returns_constants_earns_nothing_for_behaving_consistently(tmp_path):
    constant = REFERENCE.parent / "mytorch"  # the reference, with ReLU replaced by constants
    root = tmp_path / "sub"
    import shutil

    shutil.copytree(constant, root / "mytorch")
    activation = root / "mytorch" / "nn" / "activation.py"
    activation.write_text(activation.read_text() + "\n\nclass ReLU:\n"
        "    def forward(self, Z):\n        return np.full(np.shape(Z), 7.0)\n\n"
        "    def backward(self, dLdA):\n        return np.full(np.shape(dLdA), 7.0)\n")
    report = runner.grade(root, seed=0, submission="constants", limits=FAST)
    relu = [r for r in report.results if r.name.startswith("ReLU.")]
    assert sum(r.score for r in relu) == 0
    assert any(r.outcome is Outcome.FAILED and "not credited" in r.output for r in relu)
    others = [r for r in report.results if not r.name.startswith(("ReLU.", "MLP"))]
    assert all(r.passed for r in others), [r.name for r in others if not r.passed]


def test_a_method_that_crashes_on_some_inputs_and_returns_zeros_on_the_rest_earns_nothing(tmp_path):
    """Its value test fails on the crash (the smallest input has one sample); where it does not crash its values
    are wrong but on the few inputs where zeros are right: its behaviour tests are not credited, as for a method
    returning zeros everywhere. (A crash once bought them: the credit rule looked at wrong values only.)"""
    root = reference_with(tmp_path, "nn/activation.py", "        return dLdA * (self.A > 0)\n",
                          "        if dLdA.shape[0] == 1:\n            raise IndexError('one sample')\n"
                          "        return np.zeros_like(dLdA)\n")
    report = runner.grade(root, seed=0, submission="zeros", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "ReLU"])
    backward = [r for r in report.results if r.name.startswith("ReLU.backward")]
    assert sum(r.score for r in backward) == 0, [(r.name, r.score) for r in backward if r.score]
    assert any(r.output.startswith("not credited") for r in backward)
    assert all(r.passed for r in report.results if r.name.startswith("ReLU.forward"))


def test_python_without_numpy_gets_one_line_and_exit_2(tmp_path):
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    done = subprocess.run([str(tmp_path / "bare" / "bin" / "python"), "-m", "autograder", "grade"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(REFERENCE.parents[1]), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "numpy" in done.stderr


def test_a_calls_line_stays_short_even_for_a_finite_difference_check():
    from autograder.cases import linear_cases
    from autograder.checks import linear

    case = max(linear_cases(np.random.default_rng(0)), key=lambda c: c.size)
    calls = next(linear.backward_finite_differences(case, None)).describe()
    assert len(calls) < 300 and "more ..." in calls, calls
    assert calls.startswith("Linear(") and calls.endswith("Linear.backward(dLdZ)")


def test_a_class_spelled_otherwise_is_named_in_the_message_and_costs_only_its_tests(tmp_path):
    from tests.catalogue import BY_NAME

    report = runner.grade(materialize(BY_NAME["relu_misnamed"], tmp_path / "sub"), seed=0, submission="misnamed",
                          limits=FAST)
    lost = {r.name.split(".")[0] for r in report.results if not r.passed}
    assert lost == {"ReLU", "MLP0", "MLP1", "MLP4"}  # models/mlp.py cannot import ReLU: the MLPs cannot be built
    relu = [r for r in report.results if r.name.startswith("ReLU.")]
    assert all("found Relu in mytorch/nn/activation.py: the class must be named ReLU" in r.output for r in relu)


def test_finite_differences_leave_out_a_forward_that_only_moves_the_loss_wrongly():
    """On a large loss (all entries 25: L ~ 2e5) a forward that adds b along the wrong axis kept every probe's
    loss within the values' tolerance, so its slopes were trusted and a correct backward was charged
    (hypothesis shrank to exactly such an input). The change of loss across each pair of probes must
    match too."""
    from autograder.checks.base import Skip
    from autograder.checks.gradients import matches_reference

    reference = np.array([236300.0, 236200.0, 236275.0, 236225.0])  # pairs move the loss by 100 and 50
    student = np.array([236275.0, 236225.0, 236275.0, 236225.0])  # within 1e-4 of each loss; moves by 50 and 50
    with pytest.raises(Skip, match="forward differs from the reference"):
        matches_reference(student, reference)
    matches_reference(reference + 1e-9, reference)  # the same forward passes


def test_a_backward_that_skips_a_layer_is_charged_by_the_public_tests_not_again_by_the_hidden_one(tmp_path):
    """The hidden large-batch test once read the public test's excused values as 'no gradient' and charged
    the same mistake again, naming the wrong layer. It has nothing left to judge; the mistake (the first layer left
    out of the loop, every later one right) is one slip its two value tests name, so it keeps its point (helper-192:
    it had read "not credited"); a backward skipping a later layer (below) is no such slip."""
    import shutil

    root = tmp_path / "sub"
    shutil.copytree(REFERENCE, root / "mytorch")
    mlp = root / "mytorch" / "models" / "mlp.py"
    head, _, tail = mlp.read_text().partition("class MLP1:")
    tail = tail.replace("for layer in reversed(self.layers):", "for layer in reversed(self.layers[1:]):", 1)
    mlp.write_text(head + "class MLP1:" + tail)
    report = runner.grade(root, seed=0, submission="skips", limits=FAST)
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"MLP1.backward: dLdA0, the gradient with respect to the input",
                         "MLP1.backward: every Linear's dLdW and dLdb"}, lost
    assert lost["MLP1.backward: every Linear's dLdW and dLdb"].startswith("layer 1 (Linear(2, 3)) was given no gradient")
    assert "range(len(self.layers) - 1, 0, -1)" in lost["MLP1.backward: every Linear's dLdW and dLdb"]
    # A backward calling no layer at all (dLdA returned as it came): no slip, the hidden test is not credited, and
    # says which test to fix, not which layer.
    loop = "        for layer in reversed(self.layers[1:]):\n            dLdA = layer.backward(dLdA)\n"
    assert tail.count(loop) == 1
    mlp.write_text(head + "class MLP1:" + tail.replace(loop, "", 1))
    report = runner.grade(root, seed=0, submission="skips", limits=FAST, checks=[c for c in ALL_CHECKS
                                                                                  if c.cls == "MLP1"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    hidden = lost["MLP1.backward: large batches"]
    assert hidden.startswith("not credited: this test had nothing left to judge") and "layer" not in hidden
    assert "Fix what 'MLP1.backward: dLdA0, the gradient with respect to the input' reports first" in hidden


def test_a_warning_the_students_code_triggers_names_the_file_as_they_have_it(tmp_path):
    """numpy's "overflow encountered in exp" is shown under "your code printed" with mytorch/nn/loss.py, not the
    private copy's temporary folder, which the student never saw."""
    root = reference_with(tmp_path, "nn/loss.py", "        return (self.softmax - self.Y) / self.N\n",
                          "        e = np.exp(self.A)\n        return (e / e.sum(axis=1, keepdims=True) - self.Y) / self.N\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(root), "--seed", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    printed = [line for line in done.stdout.splitlines() if "RuntimeWarning" in line]
    assert printed and all(line.strip().startswith("| mytorch/nn/loss.py:") for line in printed), done.stdout


def test_a_failed_import_from_an_allowed_package_reads_the_same_every_run(tmp_path):
    """The allowed packages are linked into a temporary folder of the grader's: an ImportError's message named
    it (/tmp/autograder-x8d3.../packages/scipy/special/__init__.py), so the same typo read differently every run,
    and in a batch than alone. The package's own path is shown."""
    root = reference_with(tmp_path, "nn/activation.py", "import numpy as np\n",
                          "import numpy as np\nfrom scipy.special import erfff\n")
    report = runner.grade(root, seed=0, submission="typo", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Identity"])
    output = next(r.output for r in report.results if not r.passed)
    assert "cannot import name 'erfff' from 'scipy.special' (scipy/special/__init__.py)" in output, output
    assert "autograder-" not in output and "packages/" not in output


def test_a_failed_import_of_the_students_own_module_names_the_file_as_they_have_it(tmp_path):
    """A class the package's __init__.py imports under another name: Python's ImportError names the module's file,
    which is in the submission's private copy, a temporary folder (the note read differently every run)."""
    root = reference_with(tmp_path, "nn/activation.py", "class GELU", "class Gelu")
    report = runner.grade(root, seed=0, submission="renamed", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Identity"])
    said = "\n".join([*report.notes, *(r.output for r in report.results)])
    assert "cannot import name 'GELU' from 'mytorch.nn.activation' (mytorch/nn/activation.py)" in said, said
    assert "autograder-" not in said and str(tmp_path) not in said


def test_printing_past_the_output_limit_says_so(tmp_path):
    """A forward that prints a lot (200 KB a call) meets the limit on what a submission may write, printed output
    included: its call then raises OSError 'File too large', which read as a bug of its own with no hint."""
    from autograder.sandbox import Limits

    root = reference_with(tmp_path, "nn/linear.py", "        return A @ self.W.T + ones @ self.b.T\n",
                          "        print('x' * 200_000)\n        return A @ self.W.T + ones @ self.b.T\n")
    report = runner.grade(root, seed=0, submission="prints", limits=Limits(case_timeout=2.0, file_bytes=1 << 20),
                          checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    failed = [r for r in report.results if not r.passed]
    assert failed and "File too large" in failed[0].output
    assert "hint: your code printed (or wrote) more than a submission may in all" in failed[0].output, failed[0].output


REFUSES_PROBE = ("        previous = Sigmoid.cache.get('Z')\n"
                 "        if previous is not None and previous.shape == Z.shape and np.array_equal(Z, 1 - 2 * previous):\n"
                 "            raise RuntimeError('busy')\n"
                 "        Sigmoid.cache['Z'] = Z\n")


def test_a_forward_that_refuses_the_other_objects_input_does_not_hide_state_kept_on_the_class(tmp_path):
    """Sigmoid keeps A in a dict in its class body. Before its backward, another Sigmoid runs forward(1 - 2 * Z), which
    shows that; a trial's forward raised on exactly that input (it spotted it), and the probe, a call whose exception
    did not stop the case, left backward passing (88.25 -> 100 over every class). Now a raise there fails the tests
    that read past it, as forward's own tests met no such crash: refusing costs at least what the mistake costs."""
    checks = [c for c in ALL_CHECKS if c.cls == "Sigmoid"]
    scores, lost = {}, {}
    for refuses in (False, True):
        sub = materialize(ENTRIES["sigmoid_cache_in_class_body"], tmp_path / str(refuses))
        if refuses:
            path = sub / "mytorch" / "nn" / "activation.py"
            text = path.read_text()
            find = "        self.A = 1 / (1 + np.exp(-Z))\n        self.cache[\"A\"] = self.A\n"
            assert text.count(find) == 1
            path.write_text(text.replace(find, REFUSES_PROBE + find))
        report = runner.grade(sub, seed=0, submission="s", limits=FAST, checks=checks)
        scores[refuses], lost[refuses] = report.score, {r.name: r.output for r in report.results if not r.passed}
    assert "Sigmoid.backward: dLdZ" in lost[False] and "Sigmoid.backward: dLdZ" in lost[True], lost
    assert scores[True] <= scores[False] < sum(c.points for c in checks), scores
    assert "Sigmoid.forward(1 - 2 * Z) raised RuntimeError: busy" in lost[True]["Sigmoid.backward: dLdZ"]


def test_a_loss_backward_is_judged_where_its_raising_forward_stored_what_it_needs(tmp_path):
    """A CrossEntropyLoss.forward that forgets keepdims once raises unless N is 1 or C, after storing A, Y and N; its
    backward, right, recomputes softmax from them. Backward is called after the forward that raised and judged on
    what it returns (a trial's lost all 4.5 points of backward: "not run: needs forward"); where it cannot work
    from what forward left, it still waits for forward."""
    find = "        shifted = A - A.max(axis=1, keepdims=True)\n"
    root = reference_with(tmp_path, "nn/loss.py", find, "        shifted = A - A.max(axis=1)\n")
    path = root / "mytorch" / "nn" / "loss.py"
    path.write_text(path.read_text().replace(
        "        return (self.softmax - self.Y) / self.N",
        "        e = np.exp(self.A - self.A.max(axis=1, keepdims=True))\n"
        "        return (e / e.sum(axis=1, keepdims=True) - self.Y) / self.N"))
    report = grade_class(root, "CrossEntropyLoss")
    lost = {r.name for r in report.results if not r.passed}
    assert "CrossEntropyLoss.forward: loss" in lost and not {n for n in lost if ".backward" in n}, lost


def test_a_forward_raising_before_it_stores_anything_costs_forwards_tests_alone(tmp_path):
    """CrossEntropyLoss.forward raising on one-row batches before it stores anything: its backward cannot run on
    those inputs (nothing stored), and a test that waits on a method of its class whose first test failed on that
    crash leaves them out, as a method's own crashes are left out (a second trial's forward raising on one edge
    input cost backward's dLdA all of its 2 points); the forward tests that read its other objects are not told they
    need backward (the backward that raised after it no longer stops the case)."""
    find = "        self.A = A\n        self.Y = Y\n        self.N = A.shape[0]\n        shifted"
    root = reference_with(tmp_path, "nn/loss.py", find, "        if A.shape[0] == 1:\n            raise ValueError('one row')\n"
                          + find)
    report = grade_class(root, "CrossEntropyLoss")
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"CrossEntropyLoss.forward: loss"}, lost
    assert "left out the" in by_name(report)["CrossEntropyLoss.backward: dLdA"].output


def test_a_test_whose_values_another_failed_test_grades_is_not_charged_for_a_crash_forward_charges(tmp_path):
    """helper-96: CrossEntropyLoss.forward storing N = len(np.squeeze(A)) raises on a (1, 1) batch and stores C as N
    for other batches of one. "backward: finite for large logits", whose dLdA another test grades, waited on
    forward's crash on (1, 1) alone and was "not run", a point lost for a crash forward's test charges. Backward's
    dLdA, wrong on those batches of one as it divides by the N forward stored, was charged too, for forward's
    mistake (helper-107: a wrong forward's loss is what leaves backward's input out, `checks.base.after_forward`):
    it is judged on the batches where forward is right, and passes."""
    root = reference_with(tmp_path, "nn/loss.py", "self.N = A.shape[0]", "self.N = len(np.squeeze(A))")
    report = grade_class(root, "CrossEntropyLoss")
    assert failed(report) == {"CrossEntropyLoss.forward: loss"}, failed(report)
    assert "judged on the inputs where forward's loss is right" in by_name(report)["CrossEntropyLoss.backward: dLdA"].output
    assert by_name(report)["CrossEntropyLoss.backward: finite for large logits"].passed


def test_a_backward_passed_only_where_its_forward_is_right_says_it_was_wrong_where_forward_is_not(tmp_path):
    """helper-222: MSELoss.backward dividing by N alone, behind a forward of the mean of each row's sum, is right only
    where forward's loss is (one column), and passed there; the student fixed forward and backward failed, the score
    unmoved. Its pass says so, with how many inputs were left out where it was wrong too; a right backward behind the
    same forward, or the reference, says nothing of it."""
    forward = ("return float(np.sum((A - Y) ** 2) / (self.N * self.C))",
               "return float(np.mean(np.sum((A - Y) ** 2, axis=1)))")
    backward = ("return 2 * (self.A - self.Y) / (self.N * self.C)", "return 2 * (self.A - self.Y) / self.N")
    both = reference_edited(tmp_path / "both", [("nn/loss.py", *forward), ("nn/loss.py", *backward)])
    report = grade_class(both, "MSELoss")
    assert "MSELoss.forward: loss" in failed(report) and "MSELoss.backward: dLdA" not in failed(report)
    said = by_name(report)["MSELoss.backward: dLdA"].output
    left = re.search(r"judged only where forward's value is right; on the (\d+) inputs where it is wrong, this test's "
                     r"value was wrong too", said)
    assert left and int(left.group(1)) > 1, said
    assert "look at this test again" in WRITERS["text"](report)
    fixed = grade_class(reference_with(tmp_path / "fixed", "nn/loss.py", *backward), "MSELoss")
    assert "MSELoss.backward: dLdA" in failed(fixed)  # (what the note warned of)
    for right in (reference_with(tmp_path / "right", "nn/loss.py", *forward), REFERENCE.parent):
        assert "judged only where" not in by_name(grade_class(right, "MSELoss"))["MSELoss.backward: dLdA"].output


def test_a_loss_forward_that_forgets_keepdims_does_not_cost_its_backward_a_wrong_value(tmp_path):
    """helper-107: `A - A.max(axis=1)` (no keepdims) in CrossEntropyLoss.forward raises unless N is 1 or C, and where
    N == C stores a softmax of the wrong numbers, which the reference's backward, `(self.softmax - Y) / N`, returns.
    Backward's dLdA failed there ("shape mismatch"), for forward's mistake. Where forward's loss is wrong, a wrong
    dLdA is left out; where forward raised, backward waits for it (it cannot be judged without a forward that ran):
    no backward test fails on a value, and forward's tests say what to change."""
    root = reference_with(tmp_path, "nn/loss.py", "        shifted = A - A.max(axis=1, keepdims=True)\n",
                          "        shifted = A - A.max(axis=1)\n")
    report = grade_class(root, "CrossEntropyLoss")
    assert "CrossEntropyLoss.forward: loss" in failed(report)
    assert "subtract A.max(axis=1, keepdims=True)" in by_name(report)["CrossEntropyLoss.forward: loss"].output
    # (and the stability test, which said "subtract each row's max" to a forward that does, helper-107: where the
    # loss is the mistake's, the loss test charges it; where forward raised, the crash says to keep the axis)
    large = by_name(report)["CrossEntropyLoss.forward: finite for large logits"].output
    assert "keepdims=True" in large and "subtract each row's max" not in large, large
    for result in report.results:
        if ".backward" in result.name and not result.passed:
            assert "mismatch" not in result.output and "got " not in result.output.split("\n")[0], result.output


def test_a_softmax_without_keepdims_does_not_cost_backward_its_finite_differences(tmp_path):
    """helper-109: `np.exp(A) / np.exp(A).sum(axis=1)` in CrossEntropyLoss.forward raises unless N is 1 or C; with one
    class every loss is 0, so forward looks right there, but it stored an (N, N) softmax, which the reference's
    backward returns. "backward: agrees with finite differences of forward" failed on that input ("shape mismatch
    (4, 4) vs (4, 1)"), for forward's mistake: with one class a wrong dLdA is left out, and backward keeps the test."""
    find = ("        shifted = A - A.max(axis=1, keepdims=True)\n"
            "        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
            "        self.softmax = np.exp(log_softmax)\n        return float(-(Y * log_softmax).sum() / self.N)\n")
    root = reference_with(tmp_path, "nn/loss.py", find, "        self.softmax = np.exp(A) / np.exp(A).sum(axis=1)\n"
                                                        "        return float(-(Y * np.log(self.softmax)).sum() / self.N)\n")
    report = grade_class(root, "CrossEntropyLoss")
    assert "CrossEntropyLoss.forward: loss" in failed(report)
    assert by_name(report)["CrossEntropyLoss.backward: agrees with finite differences of forward"].passed
    # (a backward wrong with one class is still charged where forward is right: -Y / N instead)
    wrong = reference_with(tmp_path / "wrong", "nn/loss.py", "        return (self.softmax - self.Y) / self.N\n",
                           "        return (self.softmax - self.Y) / self.N - (self.Y.shape[1] == 1) * self.Y\n")
    report = grade_class(wrong, "CrossEntropyLoss")
    assert "CrossEntropyLoss.backward: dLdA" in failed(report)


def test_a_model_built_without_its_last_relu_is_charged_once_to_its_constructor(tmp_path):
    """helper-109: MLP1's layers without the last ReLU passed __init__ (it checked the Linear layers only) and failed
    forward and backward, whose code is right, on values; then (helper-112) forward and backward waited for __init__,
    and helper-224's MLP4 without its last ReLU lost all 9 of its points for one line of __init__. __init__ fails,
    naming the missing ReLU, and forward and backward are judged as the layers it built compose. MLP0 without its one
    ReLU still waits: no activation shows whether its layers are in self.layers or in self.f, which a forward pairs
    with them."""
    checks = [c for c in ALL_CHECKS if c.cls in ("MLP0", "MLP1", "MLP4")]
    root = without_last_relu(tmp_path / "one")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks)
    inits = {"MLP0.__init__: its Linear layer is Linear(2, 3), followed by ReLU()",
             "MLP1.__init__: its Linear layers are Linear(2, 3), Linear(3, 2), each followed by ReLU()",
             "MLP4.__init__: its Linear layers are Linear(2, 4), Linear(4, 8), Linear(8, 8), Linear(8, 4), "
             "Linear(4, 2), each followed by ReLU()"}
    assert {r.name for r in report.results if r.outcome is Outcome.FAILED} == inits, failed(report)
    init = by_name(report)["MLP1.__init__: its Linear layers are Linear(2, 3), Linear(3, 2), each followed by ReLU()"]
    assert "self.layers holds 1 activation; MLP1 has a ReLU() after each of its 2 Linear layers" in init.output
    for result in report.results:
        if result.name.startswith("MLP0.") and ".__init__" not in result.name:
            assert result.outcome is Outcome.NOT_RUN and "needs MLP0.__init__" in result.output, (result.name, result.output)
        elif ".__init__" not in result.name:
            assert result.passed, (result.name, result.output)
    # (and on its own layers, against the reference's chain without the last ReLU, where the stand-ins cannot see a
    # mistake: helper-226's stray call of each ReLU's forward on -A leaves the real ReLU the wrong mask, and scored
    # 98 there, the same code with every ReLU 96)
    stray = without_last_relu(tmp_path / "stray", "            A = layer.forward(A)\n"
                                                  "            if not hasattr(layer, 'W'):\n"
                                                  "                layer.forward(-A)\n")
    lost = {r.name for r in runner.grade(stray, seed=0, submission="s", limits=FAST, checks=[  # (charged where every
        c for c in ALL_CHECKS if c.cls in ("Linear", "ReLU", "MLP4")]).results if not r.passed}  # test of its layers passes)
    assert "MLP4.backward: dLdA0, the gradient with respect to the input" in lost, lost
    assert "MLP4.forward: output" not in lost, lost
    # (a Linear of its own that is wrong is charged by Linear's tests alone: the grader's chain of the student's
    # layers has every ReLU, whose last one hides a wrong dLdb on small batches, and does not vouch for them here,
    # helper-227)
    layers_wrong = without_last_relu(tmp_path / "linear")
    linear_py = layers_wrong / "mytorch" / "nn" / "linear.py"
    linear_py.write_text(linear_py.read_text().replace("self.dLdb = dLdZ.T @ ones", "self.dLdb = dLdZ.T @ ones / N", 1)
                         .replace("    def backward(self, dLdZ):\n", "    def backward(self, dLdZ):\n        N = dLdZ.shape[0]\n",
                                  1))
    lost = {r.name for r in runner.grade(layers_wrong, seed=0, submission="s", limits=FAST, checks=[
        c for c in ALL_CHECKS if c.cls in ("Linear", "ReLU", "MLP4")]).results if not r.passed}
    assert "Linear.backward: dLdb" in lost and {n for n in lost if n.startswith("MLP4.")} == {
        n for n in inits if n.startswith("MLP4.")}, lost


def without_last_relu(root, in_forward: str | None = None):
    """The reference with every MLP's last ReLU left out of its layers (forward and backward as they are: they run
    whatever layers there are); `in_forward`: MLP4's forward's step over its layers replaced by it."""
    root = reference_edited(root, [
        ("models/mlp.py", "        self.layers = [Linear(2, 3), ReLU()]\n", "        self.layers = [Linear(2, 3)]\n"),
        ("models/mlp.py", "        self.layers = [Linear(2, 3), ReLU(), Linear(3, 2), ReLU()]\n",
         "        self.layers = [Linear(2, 3), ReLU(), Linear(3, 2)]\n")])
    path = root / "mytorch" / "models" / "mlp.py"
    text = path.read_text()
    built = "            self.layers += [Linear(c_in, c_out), ReLU()]\n"
    assert text.count(built) == 1
    text = text.replace(built, built + "        self.layers.pop()\n")
    if in_forward is not None:
        mlp4 = text.index("class MLP4")
        step = "            A = layer.forward(A)\n"
        assert step in text[mlp4:], text[mlp4:]
        text = text[:mlp4] + text[mlp4:].replace(step, in_forward, 1)
    path.write_text(text)
    return root


HIDDEN_LAST_LAYER = """import sys


class Layers(list):  # (the last layer hidden from the grader's probe alone)
    def __iter__(self):
        if sys._getframe(1).f_code.co_name == "_probe_layers":
            return iter(list(self[:-1]))
        return list.__iter__(self)
"""


def test_a_model_hiding_a_layer_from_the_grader_scores_no_more_than_the_model_it_shows(tmp_path):
    """helper-112: forward and backward that skip the last layer, with self.layers a list that hides its last item
    from the grader's probe, are graded as a model built without its last ReLU: __init__ fails, and forward and
    backward are judged as those layers compose (`mlp.last_bare`), on the stand-ins and on the model's own layers. The
    trick scores what that model, written as a student would, scores, and never more (it gains over the same code
    without it, which the probe sees as a model whose forward skips a layer of its: a student could as well have left
    the ReLU out)."""
    checks = [c for c in ALL_CHECKS if c.cls.startswith("MLP")]
    root = reference_with(tmp_path / "trick", "models/mlp.py", "from ..nn.linear import Linear\n",
                          "from ..nn.linear import Linear\n" + HIDDEN_LAST_LAYER)
    path = root / "mytorch" / "models" / "mlp.py"
    text = path.read_text().replace("in self.layers:", "in self.layers[:-1]:").replace(
        "reversed(self.layers)", "reversed(self.layers[:-1])")
    path.write_text(re.sub(r"self\.layers = (\[.*\])\n", r"self.layers = Layers(\1)\n", text))
    trick = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks).score
    shown = runner.grade(without_last_relu(tmp_path / "shown"), seed=0, submission="s", limits=FAST, checks=checks).score
    assert trick <= shown < sum(c.points for c in checks), (trick, shown)


def test_a_loss_broken_on_purpose_on_shifted_logits_shields_no_wrong_backward(tmp_path):
    """helper-112: a backward wrong on one-row batches lost dLdA (98); with forward returning NaN on the shifted
    logits of one-row batches (the stability test's point), backward's dLdA was left out there as "forward is wrong"
    and its finite differences excused: 99. A loss wrong on the shifted logits alone leaves backward's input out only
    where forward's loss test fails."""
    checks = [c for c in ALL_CHECKS if c.cls == "CrossEntropyLoss"]
    backward = "        return (self.softmax - self.Y) / self.N\n"
    wrong = "        if self.N == 1:\n            return (self.softmax - self.Y) * 2.0\n" + backward
    forward = "        return float(-(Y * log_softmax).sum() / self.N)\n"
    scores = {}
    for trick in (False, True):
        root = reference_with(tmp_path / str(trick), "nn/loss.py", backward, wrong)
        if trick:
            path = root / "mytorch" / "nn" / "loss.py"
            path.write_text(path.read_text().replace(forward, "        if self.N == 1 and np.abs(A).max() > 400:\n"
                                                             "            return float('nan')\n" + forward))
        scores[trick] = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks).score
    assert scores[True] <= scores[False] < sum(c.points for c in checks), scores


def test_a_softmax_over_the_batch_is_charged_once_by_the_loss_test(tmp_path):
    """helper-110: CrossEntropyLoss.forward with max and sum over axis=0 lost "loss" (with its hint) and "finite for
    large logits" too, told there to "subtract each row's max" (it did, over the wrong axis): one mistake charged twice,
    with a hint that misleads. Where the loss is that mistake's, the stability tests leave the input to the loss test."""
    root = reference_with(tmp_path, "nn/loss.py", "        shifted = A - A.max(axis=1, keepdims=True)\n"
                                                  "        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n",
                          "        shifted = A - A.max(axis=0, keepdims=True)\n"
                          "        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "CrossEntropyLoss"])
    assert failed(report) == {"CrossEntropyLoss.forward: loss"}, failed(report)
    assert "taken over the batch (axis=0)" in by_name(report)["CrossEntropyLoss.forward: loss"].output


def test_a_backward_unusable_on_a_second_fresh_loss_does_not_hide_a_stale_input(tmp_path):
    """helper-98: MSELoss.forward keeping its first call's A and Y (backward then uses a stale input) loses "after two
    forward calls, uses the last input"; the same code answering inf to a second fresh loss given the input the one
    before it had (the grader's own value to compare with, which no value test judges) left every input of that
    test out, and kept its point. The fresh loss's dLdA is compared with the first's, on the same input."""
    find = "        self.A = A\n        self.Y = Y\n        self.N, self.C = A.shape\n"
    stale = ("        if not hasattr(self, 'A'):\n            self.A, self.Y = A, Y\n"
             "            self.N, self.C = A.shape\n")
    checks = [c for c in ALL_CHECKS if c.cls == "MSELoss"]
    scores = {}
    answer_inf = ("        if type(self).__dict__.get('seen') == self.A.tobytes() and self is not type(self).last:\n"
                  "            type(self).last = self\n            return np.full(self.A.shape, np.inf)\n"
                  "        type(self).seen, type(self).last = self.A.tobytes(), self\n")  # (a second fresh loss)
    for trick in ("", answer_inf):
        root = reference_with(tmp_path / str(len(trick)), "nn/loss.py", find, stale)
        path = root / "mytorch" / "nn" / "loss.py"
        backward = "        return 2 * (self.A - self.Y) / (self.N * self.C)\n"
        path.write_text(path.read_text().replace(backward, trick + backward))
        report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks)
        scores[bool(trick)] = (report.score, failed(report))
    assert scores[True] == scores[False], scores
    assert any("uses the last input" in name for name in scores[True][1]), scores


def test_an_input_left_out_of_a_behaviour_test_says_what_was_unusable_in_plain_words():
    """A trial's report read "your code gave no usable your dLdA for A": the student's own value is named once."""
    from autograder.checks.base import Skip, consistent
    from autograder.sandbox.script import Bad

    with pytest.raises(Skip) as left_out:
        consistent("dLdA for A + shift", np.ones((2, 2)), Bad("a list"), hint="", reference_label="your dLdA for A")
    assert str(left_out.value) == "your code gave no usable dLdA for A to compare with"
    with pytest.raises(Skip) as left_out:
        consistent("dLdA for A + shift", np.ones((2, 2)), np.full((2, 2), np.inf), hint="",
                   reference_label="your dLdA for A")
    assert str(left_out.value) == "your dLdA for A is not finite"


def test_state_kept_as_a_read_only_property_costs_nothing(tmp_path):
    """Linear.N as a read-only property reading A is right (forward's test "stores A and N" reads it); the grader,
    setting A and N before backward so that backward is graded on its own, met "property 'N' of 'Linear' object has
    no setter" and charged every backward test (helper-91: 92.5 for correct code). An object that refuses state the
    grader fills in keeps what it computes."""
    root = reference_with(tmp_path, "nn/linear.py", "        self.N = A.shape[0]\n", "")
    path = root / "mytorch" / "nn" / "linear.py"
    path.write_text(path.read_text().replace("    def forward(self, A):", "    @property\n    def N(self):\n"
                                             "        return self.A.shape[0]\n\n    def forward(self, A):", 1))
    checks = [c for c in ALL_CHECKS if c.cls == "Linear"]
    report = runner.grade(root, seed=0, submission="property", limits=FAST, checks=checks)
    assert report.score == report.max_score, failed(report)
    # A wrong one (the number of features) costs forward's "stores A and N" alone, as a wrong self.N = ... does: the
    # grader's N is given to the object all the same (helper-94: refused, it cost backward's tests too).
    text = path.read_text().replace("return self.A.shape[0]", "return self.A.shape[1]", 1)
    path.write_text(text.replace("ones = np.ones((self.N, 1))", "ones = np.ones((A.shape[0], 1))", 1))  # (forward's
    report = runner.grade(root, seed=0, submission="wrong property", limits=FAST, checks=checks)  # own Z stays right)
    assert failed(report) == {"Linear.forward: stores A and N"}, failed(report)


def test_a_test_whose_every_input_crashed_says_so_without_counting_what_it_ran():
    """A trial's report read "on 13 of the 13 inputs of this test (more than it ran on)": where the method ran on
    none of them, every one crashed, and that is what the message says."""
    from autograder.checks.base import Crashed
    from autograder.verdict import Verdict, charged_crash

    crash = Crashed("MLP1.backward(dLdA) raised ValueError: shapes (at models/mlp.py:32)")
    none_ran = charged_crash(Verdict(crashed=crash, crashes=13), method_returned=True, crash_charged=True)
    assert none_ran.message.startswith("on every one of its 13 inputs, MLP1.backward(dLdA) raised"), none_ran.message
    some_ran = charged_crash(Verdict(crashed=crash, crashes=13, examples=2), method_returned=True, crash_charged=True)
    assert some_ran.message.startswith("on 13 of the 15 inputs of this test (it returned on only 2), "), some_ran.message
    # (helper-88 read "(more than it ran on)" as if 15 were more than the test ran)


@pytest.mark.parametrize("backward, credited", [
    ("return 2 * (self.A - self.Y) / self.N", True),  # a known slip (the mean over N only), computed: charged once
    ("return np.zeros_like(self.A)", False),  # a placeholder: earns nothing for behaving consistently
    ("return self.A", False),  # an argument passed back unchanged: the same
])
def test_a_known_slip_is_charged_on_its_values_alone_and_a_placeholder_earns_nothing(tmp_path, backward, credited):
    """A trial's MSELoss.backward divided by N, not N * C: its value test failed with a hint naming that slip, and
    two tests that judge only how it behaves (a second forward, finite differences; the hidden large test) read
    "not credited" as well (1 point became 3; the same missing /N cost nnfs's ActivationLoss 11 where mytorch's loss
    lost 2). A method whose wrong values fit a known mistake where they were computed keeps those points; constants
    and arguments passed back do not."""
    root = reference_with(tmp_path, "nn/loss.py", "return 2 * (self.A - self.Y) / (self.N * self.C)", backward)
    report = runner.grade(root, seed=0, submission="mse", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "MSELoss"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert "MSELoss.backward: dLdA" in lost and not any(name.startswith("MSELoss.forward") for name in lost)
    uncredited = [name for name, output in lost.items() if output.startswith("not credited")]
    assert (uncredited == []) is credited, lost
    if credited:
        assert set(lost) == {"MSELoss.backward: dLdA"} and "divided" in lost["MSELoss.backward: dLdA"], lost


def test_zeros_are_no_computed_value_even_in_one_entry():
    """The credit rule's evidence of a slip computed: zeros, one number throughout and arrays the grader passed back
    are none (an inverted ReLU mask gives zeros where every Z is positive, as a zeros placeholder does)."""
    from autograder.runner import _computed_value
    from autograder.sandbox.script import Script

    script = Script()
    script.arrays.append(np.array([[0.5, -1.0]]))
    assert not _computed_value(np.zeros((1, 1)), script, None) and not _computed_value(np.full((2, 2), 3.0), script, None)
    assert not _computed_value(np.array([[0.5, -1.0]]), script, None)  # passed back unchanged
    assert _computed_value(np.array([[0.25]]), script, None) and _computed_value(np.array([[0.5, 1.0]]), script, None)


@pytest.mark.parametrize("file, find, replace, kept, lost", [
    ("nn/linear.py",
     "        dLdA = dLdZ @ self.W\n        self.dLdW = dLdZ.T @ self.A\n        self.dLdb = dLdZ.T @ ones\n",
     "        self.dLdW = dLdZ.T @ self.A\n        self.dLdb = dLdZ.T @ ones\n        dLdA = dLdZ @ self.W.T\n",
     {"Linear.backward: dLdW", "Linear.backward: dLdb", "Linear.backward: does not modify dLdZ"},
     "Linear.backward: dLdA"),
    ("nn/batchnorm.py", "        dLdNZ = dLdBZ * self.BW\n", "        dLdNZ = dLdBZ * self.BW.T\n",
     {"BatchNorm1d.backward: dLdBW", "BatchNorm1d.backward: dLdBb", "BatchNorm1d.backward: does not modify dLdBZ"},
     "BatchNorm1d.backward: dLdZ"),
], ids=["Linear", "BatchNorm1d"])
def test_gradients_a_backward_stored_before_it_raised_keep_their_tests(tmp_path, file, find, replace, kept, lost):
    """A trial's Linear.backward computed dLdA last, with W.T (it raises unless W is square), after storing the right
    dLdW and dLdb: their tests failed too ("on 26 of the 32 inputs ... raised", 3 points more for one mistake; nnfs
    lost 15 of 24). What a backward stored before it raised is judged as stored; the crash is charged by the test of
    the value it raised on."""
    root = reference_with(tmp_path, file, find, replace)
    cls = lost.split(".")[0]
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == cls])
    results = by_name(report)
    assert all(results[name].passed for name in kept), {n: results[n].output for n in kept}
    assert not results[lost].passed, results[lost].output  # (the crash, or where it broadcasts, the wrong shape)


def test_a_backward_that_raises_after_storing_its_gradients_loses_what_returning_zeros_loses(tmp_path):
    """helper-71: Linear.backward storing the right dLdW and dLdb, then raising NotImplementedError where dLdA was left
    to do, scored 97.5; returning zeros there scored 98.5: the repeated-calls test charged the crash again on every
    input, as its second round stopped there. Each round is judged on what it stored before raising the same way."""
    scores, lost = {}, {}
    for kind, last in (("raise", "raise NotImplementedError"), ("zeros", "return np.zeros_like(self.A)")):
        root = reference_with(tmp_path / kind, "nn/linear.py", "        return dLdA\n", f"        {last}\n")
        report = runner.grade(root, seed=0, submission=kind, limits=FAST,
                              checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
        scores[kind], lost[kind] = report.score, failed(report)
    assert lost["raise"] == lost["zeros"] == {"Linear.backward: dLdA"}, lost
    assert scores["raise"] == scores["zeros"]
    accumulating = reference_with(tmp_path / "sum", "nn/linear.py", "        self.dLdW = dLdZ.T @ self.A\n",
                                  "        self.dLdW = getattr(self, 'dLdW', 0) + dLdZ.T @ self.A\n")
    report = runner.grade(accumulating, seed=0, submission="sum", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    assert failed(report) == {"Linear.backward: a second forward and backward give what a fresh layer gives"}


def test_not_implemented_on_one_kind_of_input_costs_other_methods_what_any_exception_costs(tmp_path):
    """helper-73: Linear.forward raising NotImplementedError on one-sample batches cost 97.5 where ValueError there
    cost 98: the finite-difference test of backward, which needs forward, read "not attempted: needs Linear.forward,
    which still raises NotImplementedError" (it returns on every other input). Those inputs are left out, as for any
    exception; a forward that never returns still leaves that test not attempted."""
    scores, lost = {}, {}
    guard = "        self.A = A\n"
    for kind, raised in (("nie", "NotImplementedError"), ("value", "ValueError"), ("never", "NotImplementedError")):
        when = "True" if kind == "never" else "A.shape[0] == 1"
        root = reference_with(tmp_path / kind, "nn/linear.py", guard, f"        if {when}:\n"
                              f"            raise {raised}('one sample')\n" + guard)
        report = runner.grade(root, seed=0, submission=kind, limits=FAST,
                              checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
        scores[kind], lost[kind] = report.score, {r.name: r for r in report.results if not r.passed}
    assert scores["nie"] == scores["value"] and set(lost["nie"]) == set(lost["value"]), lost
    assert not any("backward" in name for name in lost["nie"]), lost["nie"]
    fd = "Linear.backward: agrees with finite differences of forward"
    assert lost["never"][fd].outcome is Outcome.NOT_ATTEMPTED, lost["never"][fd].output


def test_an_evaluation_mode_that_raises_loses_what_one_returning_none_loses(tmp_path):
    """helper-73: BatchNorm1d.forward's evaluation branch left raising NotImplementedError scored 97, where returning
    None there scored 99: the tests that Zeval is not modified and that evaluation updates no running statistic read
    past the raise, and charged it again. They judge what the raising call left, as they do after one that returns."""
    eval_lines = ("            NZ = (Z - self.running_M) / np.sqrt(self.running_V + self.eps)\n"
                  "            return self.BW * NZ + self.Bb\n")
    lost = {}
    for kind, body in (("raise", "            raise NotImplementedError('eval mode TODO')\n"),
                       ("none", "            return None\n")):
        root = reference_with(tmp_path / kind, "nn/batchnorm.py", eval_lines, body)
        report = runner.grade(root, seed=0, submission=kind, limits=FAST,
                              checks=[c for c in ALL_CHECKS if c.cls == "BatchNorm1d"])
        lost[kind] = failed(report)
    assert lost["raise"] == lost["none"] == {"BatchNorm1d.forward: evaluation output uses the running statistics"}, lost


def test_a_stored_none_is_not_said_to_be_a_missing_return(tmp_path):
    """helper-73: self.dLdb = None read "got None (did you forget to return?)": dLdb is stored, not returned."""
    root = reference_with(tmp_path, "nn/linear.py", "        self.dLdb = dLdZ.T @ ones\n", "        self.dLdb = None\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    output = by_name(report)["Linear.backward: dLdb"].output
    assert "got None (its .dLdb is None: store the array there)" in output and "return" not in output.split("\n")[0]


def test_a_relu_mask_taken_from_the_gradient_is_one_slip_with_a_hint(tmp_path):
    """helper-75 (nnfs): ReLU's backward masking where the gradient is not positive, not where the input was: no hint
    named it, so it was no known slip, and the method's other tests read "not credited" (9 of 14 points for one
    character). Named, its value test alone charges it."""
    root = reference_with(tmp_path, "nn/activation.py", "        return dLdA * (self.A > 0)\n",
                          "        return dLdA * (dLdA > 0)\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "ReLU"])
    assert failed(report) == {"ReLU.backward: dLdZ"}, failed(report)
    assert "your mask looks at dLdA" in by_name(report)["ReLU.backward: dLdZ"].output


@pytest.mark.parametrize("body, lost", [
    ("return [float(np.sum((A - Y) ** 2) / (self.N * self.C))]", {"MSELoss.forward: loss"}),
    ("return [float(np.sum((A - Y) ** 2) / self.N)]",
     {"MSELoss.forward: loss", "MSELoss.forward: does not modify A or Y"}),
], ids=["right numbers", "wrong numbers"])
def test_a_list_of_the_right_numbers_is_one_slip_of_form(tmp_path, body, lost):
    """helper-75: a loss returned as [loss] lost its value test and, as no value of the method was ever judged right,
    its other tests "not credited" (numpy-nn 90, where np.array([loss]) scored 100). The list's numbers are judged:
    the right ones in a list cost the value test alone, saying so; wrong ones as before."""
    root = reference_with(tmp_path, "nn/loss.py", "        return float(np.sum((A - Y) ** 2) / (self.N * self.C))\n",
                          f"        {body}\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "MSELoss"])
    assert failed(report) == lost, failed(report)
    said = by_name(report)["MSELoss.forward: loss"].output
    assert "returned a list" in said and ("of the right numbers here" in said or len(lost) > 1), said


@pytest.mark.parametrize("body, lost", [
    ("return float(np.sum((A - Y) ** 2) / (self.N * self.C)), A - Y", {"MSELoss.forward: loss"}),
    ("return A - Y, np.sum((A - Y) ** 2) / (self.N * self.C)", {"MSELoss.forward: loss"}),
    ("return float(np.sum((A - Y) ** 2) / self.N), A - Y",
     {"MSELoss.forward: loss", "MSELoss.forward: does not modify A or Y"}),
], ids=["first item", "second item", "wrong loss"])
def test_the_right_value_returned_beside_something_else_is_one_slip_of_form(tmp_path, body, lost):
    """helper-137: a loss returning (L, self.diff) lost its value test and "does not modify A or Y" (not credited: no
    value of the method was judged right), under a hint to return "the array alone", for a loss. Each item of a
    short tuple is judged: the right value in one costs the value test alone, naming the item; a wrong one as before."""
    root = reference_with(tmp_path, "nn/loss.py", "        return float(np.sum((A - Y) ** 2) / (self.N * self.C))\n",
                          f"        {body}\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "MSELoss"])
    assert failed(report) == lost, failed(report)
    said = by_name(report)["MSELoss.forward: loss"].output
    if len(lost) == 1:
        item = 0 if body.startswith("return float") else 1
        assert f"returned a tuple whose item {item} is the right value here" in said, said
        assert f"return its item {item} alone" in said, said
    else:  # (its first failing input may be one where /N alone is right: C = 1)
        assert "returned a tuple" in said, said


def test_what_a_raising_linear_forward_stored_before_it_raised_is_judged_as_stored(tmp_path):
    """helper-146: `ones @ self.b` (b not transposed) raises unless C_out = 1, after forward stored A and N right; its
    "stores A and N" failed too ("on 26 of the 32 inputs it raised"), where a backward's gradients stored before it
    raised are judged as stored. forward's output test charges the raise; what it stored keeps its point."""
    root = reference_with(tmp_path, "nn/linear.py", "return A @ self.W.T + ones @ self.b.T",
                          "return A @ self.W.T + ones @ self.b")
    lost = {r.name for r in grade_class(root, "Linear").results if not r.passed}
    assert "Linear.forward: output Z" in lost and "Linear.forward: stores A and N" not in lost, lost
    assert all(name.startswith("Linear.forward") for name in lost), lost


def test_a_linear_forward_raising_on_its_first_call_alone_fails_its_output_test(tmp_path):
    """forward's script goes on past a forward that raised (what it stored is judged as stored): a first call that
    raised, right on every later one, is still charged by the output test, as when it stopped the script."""
    root = reference_with(tmp_path, "nn/linear.py", "        self.A = A\n",
                          "        if not hasattr(self, 'seen'):\n            self.seen = True\n"
                          "            raise ValueError('first call')\n        self.A = A\n")
    report = grade_class(root, "Linear")
    assert "Linear.forward: output Z" in failed(report), failed(report)
    assert "first call" in by_name(report)["Linear.forward: output Z"].output


@pytest.mark.parametrize("cls, file, edits", [
    ("Tanh", "nn/activation.py", [("        self.A = np.tanh(Z)\n",
                                   "        self.t = np.tanh(np.squeeze(Z))\n        N, C = self.t.shape\n"
                                   "        self.A = self.t.reshape(N, C)\n"),
                                  ("return dLdA * (1 - self.A * self.A)", "return dLdA * (1 - self.t ** 2)")]),
    ("ReLU", "nn/activation.py", [("        return dLdA * (self.A > 0)\n", "        return dLdA * self.mask\n"),
                                  ("        self.A = np.maximum(0, Z)\n",
                                   "        self.mask = np.squeeze(Z) > 0\n        N, C = self.mask.shape\n"
                                   "        self.A = np.maximum(0, Z)\n")]),
    # its own copy of forward's input, beside the contract's self.A: missing on a fresh layer (AttributeError), the
    # earlier call's in the repeated-calls test's second round
    ("Linear", "nn/linear.py", [("        self.A = A\n", "        if A.shape[0] == 1:\n            raise ValueError('one "
                                 "row')\n        self.A = A\n        self.inp = A\n"),
                                ("dLdZ.T @ self.A", "dLdZ.T @ self.inp")]),
    # a placeholder from __init__ until forward stores it (TypeError there; helper-213: 95 against 98)
    ("BatchNorm1d", "nn/batchnorm.py", [
        ("        self.Z = Z\n", "        n, c = np.squeeze(Z).shape\n        self.Z = Z\n"),
        ("        self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)\n",
         "        self.std = np.sqrt(self.V + self.eps)\n        self.NZ = (Z - self.M) / self.std\n"),
        ("        return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps)\n",
         "        return (dLdNZ - mean_term - scale_term) / self.std\n"),
        ("        self.running_V = np.ones((1, num_features))\n",
         "        self.running_V = np.ones((1, num_features))\n        self.std = None\n")]),
], ids=["Tanh cache squeezed", "ReLU mask squeezed", "Linear own copy", "BatchNorm1d placeholder"])
def test_a_backward_reading_what_a_raising_forward_stored_is_not_charged_for_it(tmp_path, cls, file, edits):
    """helper-150: a right backward that reads what its own forward keeps (tanh(Z) squeezed to one dimension; a mask;
    its own copy of the input; a value set to None in __init__ until forward stores it) behind a forward that raises on
    some inputs (one-row or one-column batches): the grader sets the contract's state, not that, so what backward
    raises or returns there is forward's bug, charged by forward's tests alone. (Rules that charged it, against
    helper-147's and helper-211's forward raising on purpose where its backward was wrong, cost such code 0.25 to 3
    points: SECURITY.md, "Known limits"; helper-213's placeholder.)"""
    root = tmp_path / "sub"
    shutil.copytree(REFERENCE, root / "mytorch")
    path = root / "mytorch" / file
    text = path.read_text()
    for find, replace in edits:
        assert text.count(find) == 1, find
        text = text.replace(find, replace)
    path.write_text(text)
    lost = {r.name for r in grade_class(root, cls).results if not r.passed}
    assert lost and all(name.startswith(f"{cls}.forward") for name in lost), lost


@pytest.mark.parametrize("cls, find, replace, test", [
    ("CrossEntropyLoss", "        return float(-(Y * log_softmax).sum() / self.N)\n",
     "        return -(Y * log_softmax).sum(axis=1)\n", "CrossEntropyLoss.forward: loss"),
    ("MSELoss", "        return float(np.sum((A - Y) ** 2) / (self.N * self.C))\n",
     "        return np.mean((A - Y) ** 2, axis=1)\n", "MSELoss.forward: loss"),
], ids=["cross-entropy", "mse"])
def test_a_loss_of_one_value_per_sample_is_one_named_slip(tmp_path, cls, find, replace, test):
    """A loss returning its per-sample losses, shape (N,), not their mean: its value test named that mistake, yet
    the loss's behaviour tests read "not credited" (3.5 points more, CrossEntropyLoss and MSELoss together), as a
    value of another shape than the contract's was never counted as fitting the mistake its hint names. It is: the
    value test alone charges it."""
    root = reference_with(tmp_path, "nn/loss.py", find, replace)
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == cls])
    assert failed(report) == {test}, {r.name: r.output for r in report.results if not r.passed}
    assert "one value per sample" in by_name(report)[test].output


def test_an_mlp_backward_that_skips_the_last_relu_is_told_so_on_its_dLdA0_too(tmp_path):
    """helper-137: MLP1.backward starting at the last Linear (its ReLU's backward skipped) was told how the stand-ins
    work on dLdA0, and which ReLU it skipped only on the test of the layers' gradients."""
    mlp1 = open(REFERENCE / "models" / "mlp.py").read().split("class MLP1")[1].split("class MLP4")[0]
    root = reference_with(tmp_path, "models/mlp.py", mlp1, mlp1.replace("reversed(self.layers)", "reversed(self.layers[:-1])"))
    report = grade_class(root, "MLP1")
    assert failed(report) == {"MLP1.backward: dLdA0, the gradient with respect to the input",
                              "MLP1.backward: every Linear's dLdW and dLdb", "MLP1.backward: large batches"}
    for name in ("MLP1.backward: dLdA0, the gradient with respect to the input", "MLP1.backward: every Linear's dLdW and dLdb"):
        assert "hint: layer 2's Linear was given dLdA as it came: the activation after it is missing" \
            in by_name(report)[name].output, by_name(report)[name].output


def test_a_gradient_never_stored_as_backward_raised_first_is_charged_as_that_crash(tmp_path):
    """BatchNorm1d.backward raising (NZ.T does not broadcast) before it stores dLdBW: what is read there is the zeros
    __init__ gave, and the dLdBW test says backward raised, not that dLdBW is wrong (it never ran)."""
    root = reference_with(tmp_path, "nn/batchnorm.py",
                          "        self.dLdBW = np.sum(dLdBZ * self.NZ, axis=0, keepdims=True)\n",
                          "        check = np.mean(dLdBZ * self.NZ.T)\n"
                          "        self.dLdBW = np.sum(dLdBZ * self.NZ, axis=0, keepdims=True)\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "BatchNorm1d"])
    results = by_name(report)
    for name in ("BatchNorm1d.backward: dLdZ", "BatchNorm1d.backward: dLdBW", "BatchNorm1d.backward: dLdBb"):
        assert not results[name].passed, name
        assert "raised ValueError: operands could not be broadcast" in results[name].output, results[name].output
        assert "got" not in results[name].output.split("calls:")[0], results[name].output


FORWARD_ON_A0 = ("        A = A0\n        for layer in self.layers:\n            A = layer.forward(A)\n        return A\n",
                 "        for layer in self.layers:\n            A = layer.forward(A0)\n        return A\n")


@pytest.mark.parametrize("cls", ["MLP0", "MLP1", "MLP4"])
def test_an_mlp_forward_wired_wrong_costs_its_right_backward_nothing(tmp_path, cls):
    """helper-158: MLP0.forward giving every layer A0 (its ReLU then records a 2-column input) had its right backward
    fail all three tests, "activation 1's backward was given shape (1, 3); its forward was given (1, 2)" (MLP1's, whose
    forward raises, read "not run: needs forward"): 3 and 4 points for forward's one mistake. A stand-in activation
    forward wired wrong takes in backward the shape the contract's forward gives it: forward's output test alone
    charges the slip."""
    source = open(REFERENCE / "models" / "mlp.py").read()
    part = source.split(f"class {cls}")[1].split("\nclass ")[0]
    root = reference_with(tmp_path, "models/mlp.py", part, part.replace(*FORWARD_ON_A0))
    report = grade_class(root, cls)
    assert failed(report) == {f"{cls}.forward: output"}, {r.name: r.output for r in report.results if not r.passed}


def test_an_mlp_backward_out_of_order_is_charged_behind_a_forward_wired_wrong(tmp_path):
    """The other side: the stand-ins' maps commute, so only the shapes tell a backward that runs the layers in forward
    order; behind a forward that gave ReLU a 2-column input, such a backward matched what that ReLU had recorded
    and kept its 3 points (98 where the same backward behind a right forward scores 96). Its stand-in now takes the
    contract's shape, and the backward is charged."""
    source = open(REFERENCE / "models" / "mlp.py").read()
    part = source.split("class MLP0")[1].split("\nclass ")[0]
    wrong = part.replace(*FORWARD_ON_A0).replace("for layer in reversed(self.layers):", "for layer in self.layers:")
    report = grade_class(reference_with(tmp_path, "models/mlp.py", part, wrong), "MLP0")
    assert failed(report) == {"MLP0.forward: output", "MLP0.backward: dLdA0, the gradient with respect to the input",
                              "MLP0.backward: every Linear's dLdW and dLdb", "MLP0.backward: large batches"}
    assert "it takes (1, 3)" in by_name(report)["MLP0.backward: dLdA0, the gradient with respect to the input"].output


def test_a_crash_the_value_test_met_after_its_failure_is_not_charged_again_by_a_test_rereading_it(tmp_path):
    """helper-161: Softmax.backward's row sums without keepdims are wrong in shape where N == C or C == 1 (the dLdZ test
    failed there first, on a value) and raise elsewhere; "does not modify dLdA; agrees with finite differences", which
    re-reads dLdZ, was charged that raise again (1 point more). The value test met the same crash on its later inputs:
    it charges it, once."""
    find = ("        dLdZ = np.zeros(dLdA.shape)\n        for i in range(dLdA.shape[0]):\n            a = self.A[i]\n"
            "            J = np.diag(a) - np.outer(a, a)\n            dLdZ[i] = J @ dLdA[i]\n        return dLdZ\n")
    root = reference_with(tmp_path, "nn/activation.py", find,
                          "        return self.A * (dLdA - (dLdA * self.A).sum(axis=1))\n")
    report = grade_class(root, "Softmax")
    assert failed(report) == {"Softmax.backward: dLdZ"}, {r.name: r.output for r in report.results if not r.passed}


def test_a_layer_returning_a_numpy_matrix_is_charged_there_not_to_the_mlps(tmp_path):
    """helper-164: Linear.forward returning np.asmatrix(Z) kept every Linear point (its values are right) while the MLPs
    lost 8, told their right wiring was wrong: on a matrix `*` is a matrix product, so ReLU.backward raised in their
    chains. A numpy.matrix is no plain array: Linear's value test says so, and the MLPs are not charged."""
    root = reference_with(tmp_path, "nn/linear.py", "return A @ self.W.T + ones @ self.b.T",
                          "return np.asmatrix(A @ self.W.T + ones @ self.b.T)")
    checks = [c for c in ALL_CHECKS if c.cls in ("Linear", "ReLU", "MLP0", "MLP1")]
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks)
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert "Linear.forward: output Z" in lost and "numpy.matrix" in lost["Linear.forward: output Z"], lost
    assert all(name.startswith("Linear.") for name in lost), lost


@pytest.mark.parametrize("cls, find, replace, test", [
    ("MSELoss", "        return 2 * (self.A - self.Y) / (self.N * self.C)\n",
     "        if getattr(self, 'kept', None) is None:\n            self.kept = 2 * (self.A - self.Y) / (self.N * self.C)\n"
     "        return self.kept\n",
     "MSELoss.backward: after two forward calls, uses the last input; agrees with finite differences of forward"),
    ("CrossEntropyLoss", "        return (self.softmax - self.Y) / self.N\n",
     "        if getattr(self, 'kept', None) is None:\n            self.kept = (self.softmax - self.Y) / self.N\n"
     "        return self.kept\n", "CrossEntropyLoss.backward: after two forward calls, uses the last input"),
], ids=["MSELoss", "CrossEntropyLoss"])
def test_a_loss_backward_that_keeps_its_first_gradient_fails_its_second_round(tmp_path, cls, find, replace, test):
    """helper-167: a loss whose backward computes its gradient once and returns it on every later call (a cache never
    reset by forward) scored 100: the second-round test called forward twice and backward once. It now calls backward
    between the two forwards, as training does."""
    report = grade_class(reference_with(tmp_path, "nn/loss.py", find, replace), cls)
    assert failed(report) == {test}, {r.name: r.output for r in report.results if not r.passed}


def test_an_mlp_backward_out_of_order_is_charged_behind_a_forward_that_skipped_that_activation(tmp_path):
    """helper-169: MLP1.forward skipping its first ReLU (charged there) and a backward running that ReLU before the
    second Linear kept backward's points (98, where the same backward behind a right forward scores 97): a stand-in
    whose forward never ran took any shape, and the stand-ins' maps commute. It takes the width of its Linear's
    output, as where its forward ran; a right backward behind that forward still loses nothing (helper-77)."""
    source = open(REFERENCE / "models" / "mlp.py").read()
    part = source.split("class MLP1")[1].split("\nclass ")[0]
    skipping = part.replace("        A = A0\n        for layer in self.layers:\n            A = layer.forward(A)\n",
                            "        L1, R1, L2, R2 = self.layers\n        A = R2.forward(L2.forward(L1.forward(A0)))\n")
    out_of_order = skipping.replace(
        "        for layer in reversed(self.layers):\n            dLdA = layer.backward(dLdA)\n",
        "        L1, R1, L2, R2 = self.layers\n        for layer in (R2, R1, L2, L1):\n            dLdA = layer.backward(dLdA)\n")
    assert skipping != part and out_of_order != skipping
    right = grade_class(reference_with(tmp_path / "right", "models/mlp.py", part, skipping), "MLP1")
    assert failed(right) == {"MLP1.forward: output"}, {r.name: r.output for r in right.results if not r.passed}
    wrong = grade_class(reference_with(tmp_path / "wrong", "models/mlp.py", part, out_of_order), "MLP1")
    assert "MLP1.backward: dLdA0, the gradient with respect to the input" in failed(wrong), failed(wrong)


def test_an_mlp_activation_of_its_own_class_is_charged_to_init_once(tmp_path):
    """helper-60's attack: models/mlp.py with a ReLU of its own that lets everything through (here built on
    mytorch's, so the class even is one) made the MLPs linear networks and scored 20/20, as the MLP tests give every
    layer a stand-in. What __init__ builds is not the contract's: each MLP's __init__ test fails, naming the
    activation, and its wiring tests keep judging the wiring (charged once)."""
    root = reference_with(tmp_path, "models/mlp.py", "from ..nn.activation import ReLU\n",
                          "from ..nn.activation import ReLU as _ReLU\n\n\nclass ReLU(_ReLU):\n"
                          "    def forward(self, Z):\n        return Z\n\n    def backward(self, dLdA):\n"
                          "        return dLdA\n")
    checks = [c for c in ALL_CHECKS if c.cls in ("MLP0", "MLP1", "MLP4")]
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=checks)
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {c.name for c in checks if ".__init__" in c.name}, lost
    assert all(o.startswith("activation 1 of MLP") and "not a ReLU from mytorch/nn/activation.py" in o
               for o in lost.values()), lost


@pytest.mark.parametrize("find, replace", [
    ("        for layer in reversed(self.layers):\n            dLdA = layer.backward(dLdA)\n        return dLdA\n"
     "        # END SOLUTION\n\n\nclass MLP4",
     "        for layer in self.layers:\n            dLdA = layer.backward(dLdA)\n        return dLdA\n"
     "        # END SOLUTION\n\n\nclass MLP4"),
    ("        for layer in reversed(self.layers):\n            dLdA = layer.backward(dLdA)\n        return dLdA\n"
     "        # END SOLUTION\n\n\nclass MLP4",
     "        for layer in reversed(self.layers):\n            layer.backward(dLdA)\n        return dLdA\n"
     "        # END SOLUTION\n\n\nclass MLP4"),
], ids=["not reversed", "gradient not passed on"])
def test_an_mlp_backward_that_raises_is_not_said_to_skip_or_misfeed_a_layer(tmp_path, find, replace):
    """helper-60: MLP1.backward running the layers in forward order raises on layer 1's stand-in; the public tests
    charged that crash, and the hidden test on large batches (the public test of dLdA0 excuses dLdA0 there) said
    "layer 2 (Linear(3, 2)) was given no gradient: backward did not call its backward", a cause that is not it (and,
    without `dLdA =`, that layer 2 was given a wrong gradient). It now meets the crash, charged once already."""
    root = reference_with(tmp_path, "models/mlp.py", find, replace)
    report = runner.grade(root, seed=0, submission="s", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "MLP1"])
    results = by_name(report)
    assert "raised ValueError" in results["MLP1.backward: every Linear's dLdW and dLdb"].output
    hidden = results["MLP1.backward: large batches"]
    first = hidden.output.split("\n")[0]
    assert not hidden.passed and "was given no gradient" not in first and "a wrong gradient" not in first, first
    assert "raised ValueError" in first or first.startswith("not credited"), first  # (the crash, charged once)
    # (helper-61: "backward runs the layers in reverse order" alone sent a backward that does not pass the gradient
    # on looking for an ordering mistake)
    assert "each on the gradient the layer after it returned" in \
        results["MLP1.backward: dLdA0, the gradient with respect to the input"].output


def test_a_method_that_raises_on_every_call_earns_what_an_unwritten_one_earns(tmp_path):
    """helper-61: CrossEntropyLoss.backward with a typo (self.n: AttributeError on every call) kept 2.5 of its 4.5
    points, where NotImplementedError (the skeleton's) keeps none: its tests that re-read only dLdA (which the first
    test charges) passed with nothing to judge, and the hidden test on large batches passed on forward's loss; a
    backward raising RuntimeError everywhere scored 56 where NotImplementedError scored 49.25. A method that never
    returns earns nothing, whatever it raises."""
    find = "return (self.softmax - self.Y) / self.N"
    checks = [c for c in ALL_CHECKS if c.cls == "CrossEntropyLoss"]
    scores, lost = {}, {}
    for kind, body in (("typo", "return (self.softmax - self.Y) / self.n"), ("skeleton", "raise NotImplementedError")):
        report = runner.grade(reference_with(tmp_path / kind, "nn/loss.py", find, body), seed=0, submission=kind,
                              limits=FAST, checks=checks)
        scores[kind], lost[kind] = report.score, {r.name: r.output for r in report.results if not r.passed}
    assert scores["typo"] == scores["skeleton"], lost
    assert set(lost["typo"]) == {c.name for c in checks if c.method == "CrossEntropyLoss.backward"}, lost["typo"]
    assert all("raised AttributeError" in output for output in lost["typo"].values()), lost["typo"]


def test_an_mlp_crash_of_its_own_code_gets_no_hint_about_the_stand_ins(tmp_path):
    """helper-61: a NameError in MLP0.forward read "hint: the grader gave your model's layers stand-ins ...", which has
    nothing to do with it (a misleading hint is worse than none); a stand-in's own complaint keeps that hint."""
    root = reference_with(tmp_path, "models/mlp.py", "        A = A0\n        for layer in self.layers:\n"
                          "            A = layer.forward(A)\n        return A\n        # END SOLUTION\n\n    def backward"
                          "(self, dLdA):\n        \"\"\"dLdA: the gradient at the output, (N, 3)",
                          "        A = A0\n        for layer in self.layers:\n            A = layer.forward(a)\n"
                          "        return A\n        # END SOLUTION\n\n    def backward(self, dLdA):\n"
                          "        \"\"\"dLdA: the gradient at the output, (N, 3)")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "MLP0"])
    output = by_name(report)["MLP0.forward: output"].output
    assert "raised NameError" in output and "stand-ins" not in output, output


def test_gradients_stored_above_the_skeletons_raise_keep_their_tests(tmp_path):
    """helper-63: a Linear.backward that stores the right dLdW and dLdb and then reaches the skeleton's
    `raise NotImplementedError` (dLdA not written yet) was "not attempted" in every test, 5 points below the same
    backward ending in any other exception: what it stored is judged, whatever it raises after."""
    find = ("        ones = np.ones((self.N, 1))\n        dLdA = dLdZ @ self.W\n        self.dLdW = dLdZ.T @ self.A\n"
            "        self.dLdb = dLdZ.T @ ones\n        return dLdA\n")
    checks = [c for c in ALL_CHECKS if c.cls == "Linear"]
    found = {}
    for kind in ("NotImplementedError", "RuntimeError"):
        root = reference_with(tmp_path / kind, "nn/linear.py", find,
                              "        ones = np.ones((self.N, 1))\n        self.dLdW = dLdZ.T @ self.A\n"
                              f"        self.dLdb = dLdZ.T @ ones\n        raise {kind}\n")
        report = runner.grade(root, seed=0, submission=kind, limits=FAST, checks=checks)
        found[kind] = [(r.name, r.score) for r in report.results]
    assert found["NotImplementedError"] == found["RuntimeError"]
    scores = dict(found["NotImplementedError"])
    assert scores["Linear.backward: dLdW"] == scores["Linear.backward: dLdb"] == 1.5 and not scores["Linear.backward: dLdA"]


def test_an_mlp_backward_raising_at_its_return_keeps_the_gradients_its_layers_were_given(tmp_path):
    """helper-63: MLP1.backward running every layer right, then `return dLdA0` (a name never set): its Linear layers
    hold the right dLdW and dLdb, yet their test and the hidden one charged the crash again (3 points, where a
    missing `return` costs 1). The test of dLdA0 charges it, once."""
    root = reference_with(tmp_path, "models/mlp.py",
                          "            dLdA = layer.backward(dLdA)\n        return dLdA\n        # END SOLUTION\n\n\nclass MLP4",
                          "            dLdA = layer.backward(dLdA)\n        return dLdA0\n        # END SOLUTION\n\n\nclass MLP4")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in ALL_CHECKS if c.cls == "MLP1"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"MLP1.backward: dLdA0, the gradient with respect to the input"}, lost
    assert "raised NameError" in next(iter(lost.values()))


@pytest.mark.parametrize("where, credited", [
    ("if self.N == 1:\n            dLdZ = 0.5 * dLdZ\n        ", True),  # a slip on one-sample batches only
    ("dLdZ = 0.5 * dLdZ\n        ", False),  # the same slip on every input: its values are all wrong
])
def test_a_backward_wrong_only_on_one_sample_batches_keeps_its_behaviour_tests(tmp_path, where, credited):
    """A trial's Linear.backward wrong on N == 1 alone lost its value tests and, "not credited", every test of how it
    behaves (the credit rule stopped at a method's first wrong input: 4.5 of 12, where raising on N == 1 instead kept
    10.5). A method right on most of its inputs computes something right: its behaviour tests are judged, and its
    value tests say how rare the inputs it is wrong on are. One wrong everywhere still earns nothing for them."""
    find = "        ones = np.ones((self.N, 1))\n        dLdA = dLdZ @ self.W\n"
    root = reference_with(tmp_path, "nn/linear.py", find, "        " + where + find.lstrip())
    report = runner.grade(root, seed=0, submission="slip", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Linear"])
    results = by_name(report)
    values = ["Linear.backward: dLdA", "Linear.backward: dLdW", "Linear.backward: dLdb"]
    assert all(not results[name].passed for name in values)
    behaviour = [r for r in report.results if r.name.startswith("Linear.backward") and r.name not in values]
    uncredited = [r.name for r in behaviour if r.output.startswith("not credited")]
    if credited:
        assert uncredited == [] and all(r.passed for r in behaviour), [(r.name, r.output) for r in behaviour]
        rare = results["Linear.backward: dLdA"].output.splitlines()[1]
        assert rare.startswith("wrong on ") and "right on the other " in rare, rare
        wrong, total = int(rare.split()[2]), int(rare.split()[6])
        assert 0 < wrong < total / 2, rare
    else:
        assert uncredited and sum(r.score for r in behaviour) == 0, [(r.name, r.output) for r in behaviour]
        assert "right on the other" not in results["Linear.backward: dLdA"].output


_EXIT = "lambda *_: __import__('sys').exit(0)"


@pytest.mark.parametrize("statement", [
    "raise KeyboardInterrupt",
    "raise SystemExit(0)",
    "raise GeneratorExit",
    f"raise type('E', (Exception,), {{'__str__': {_EXIT}}})()",  # its text ends the interpreter
    f"raise type('M', (type,), {{'__getattribute__': {_EXIT}}})('E', (Exception,), {{}})()",  # its name too
])
def test_gradients_stored_before_any_exception_keep_their_tests(tmp_path, statement):
    """A trial's backward that stored its gradients and then raised KeyboardInterrupt, SystemExit or GeneratorExit
    (not Exceptions) scored 92.5 where a RuntimeError scored 97.5: the soft call let them through, the case ended, and
    the gradients were not read. An exception whose message or name raises SystemExit as it is read ended the worker
    ("exited with code 0", with a hint about exit()). Each now costs what a RuntimeError there costs."""
    find = "        return dLdA\n"
    checks = [c for c in ALL_CHECKS if c.cls == "Linear"]
    scores = {}
    for name, raising in (("plain", "raise RuntimeError('x')"), ("other", statement)):
        root = reference_with(tmp_path / name, "nn/linear.py", find, f"        {raising}\n" + find)
        report = runner.grade(root, seed=0, submission=name, limits=FAST, checks=checks)
        scores[name] = [(r.name, r.score) for r in report.results]
        assert "exited" not in "".join(r.output for r in report.results)
    assert scores["other"] == scores["plain"]
    assert dict(scores["plain"])["Linear.backward: dLdW"] == 1.5


def test_an_mlp_over_an_unwritten_linear_is_told_where_its_not_implemented_error_comes_from(tmp_path):
    """A trial's MLPs written in full over the skeleton's Linear read "MLP0.__init__ raises NotImplementedError", as if
    the MLP were unwritten: the message now names the file and line that raised it. The skeleton's own methods read as
    before."""
    import re
    import shutil

    root = tmp_path / "sub"
    shutil.copytree(REFERENCE, root / "mytorch")
    linear = root / "mytorch" / "nn" / "linear.py"
    linear.write_text(re.sub(r"# BEGIN SOLUTION.*?# END SOLUTION", "raise NotImplementedError", linear.read_text(),
                             flags=re.S))
    report = runner.grade(root, seed=0, submission="mlp", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls in ("Linear", "MLP0")])
    results = by_name(report)
    mlp = next(r for name, r in results.items() if name.startswith("MLP0.__init__"))
    assert mlp.outcome is Outcome.NOT_ATTEMPTED
    assert re.search(r"from code it calls that is not written yet \(at mytorch/nn/linear\.py:\d+\)", mlp.output), \
        mlp.output
    own = results["Linear.forward: output Z"].output + results["Linear.backward: dLdA"].output
    assert "from code it calls" not in own and "NotImplementedError" in own, own


def test_a_hidden_test_that_also_compares_forward_does_not_credit_a_backward_wrong_everywhere(tmp_path):
    """A trial's Sigmoid.backward missing its (1 - A) kept its behaviour tests in official grading, not in the
    handout's run: the hidden large test compares forward's A too, and passed on A alone, so it counted as a value
    test of backward that passed. A test whose own method's values are all graded by a failed test earns nothing for
    that method, and proves nothing computed."""
    root = reference_with(tmp_path, "nn/activation.py", "return dLdA * (self.A - self.A * self.A)",
                          "return dLdA * self.A")
    report = runner.grade(root, seed=0, submission="sigmoid", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "Sigmoid"])
    backward = [r for r in report.results if r.name.startswith("Sigmoid.backward")]
    assert any(r.name == "Sigmoid.backward: large batches" for r in backward)  # (the hidden test is graded here)
    assert sum(r.score for r in backward) == 0, [(r.name, r.score) for r in backward if r.score]
    large = next(r for r in backward if r.name == "Sigmoid.backward: large batches")
    assert large.output.startswith("not credited: this test had none of Sigmoid.backward's values left"), large.output
    assert all(r.passed for r in report.results if r.name.startswith("Sigmoid.forward"))


@pytest.mark.parametrize("file, find, garbage, slip", [
    # ReLU.backward passing dLdA back: as is, and times (1 + 1e-9), which fits "dLdZ is dLdA unmasked" as well
    ("nn/activation.py", "return dLdA * (self.A > 0)", "return dLdA", "return dLdA * (1 + 1e-9)"),
    # Linear.backward: constants for dLdA and dLdW beside a dLdb with a known slip (summed over the features)
    ("nn/linear.py", "        self.dLdb = dLdZ.T @ ones\n        return dLdA\n",
     "        self.dLdW = np.full(self.W.shape, 2.5)\n        self.dLdb = np.full(self.b.shape, 0.5)\n"
     "        return np.full(self.A.shape, 1.5)\n",
     "        self.dLdW = np.full(self.W.shape, 2.5)\n        self.dLdb = dLdZ.sum(axis=1, keepdims=True)\n"
     "        return np.full(self.A.shape, 1.5)\n"),
])
def test_a_known_slip_beside_garbage_buys_nothing(tmp_path, file, find, garbage, slip):
    """helper-66: a method none of whose values is right earns nothing for its behaviour tests, unless a value test
    fails on a known mistake its hint names, computed. Two ways in: an argument passed back times (1 + 1e-9) was not
    "passed back" (bit-equality), and one output's cheap slip stood for a method whose other outputs were constants
    (Linear.backward 95.5 where all constants score 92.5). Both now score what the plain garbage scores."""
    cls = "ReLU" if "activation" in file else "Linear"
    checks = [c for c in ALL_CHECKS if c.cls == cls]
    scores = {}
    for name, body in (("garbage", garbage), ("slip", slip)):
        root = reference_with(tmp_path / name, file, find, body)
        report = runner.grade(root, seed=0, submission=name, limits=FAST, checks=checks)
        scores[name] = {r.name: r.score for r in report.results}
    assert scores["slip"] == scores["garbage"], {n: (scores["garbage"][n], s) for n, s in scores["slip"].items()
                                                 if s != scores["garbage"][n]}
    assert sum(s for n, s in scores["slip"].items() if n.startswith(f"{cls}.backward")) == 0


def test_evaluation_leaving_the_statistics_alone_is_no_credit_for_a_constant_forward(tmp_path):
    """helper-66: a BatchNorm1d.forward returning a constant kept "evaluation updates no running statistic" (it
    updates nothing at all), the only test of it that passed. It judges a behaviour: credited with a value."""
    find = "        if eval:\n"
    root = reference_with(tmp_path, "nn/batchnorm.py", find, "        return np.full(Z.shape, 0.5)\n" + find)
    report = runner.grade(root, seed=0, submission="constant", limits=FAST,
                          checks=[c for c in ALL_CHECKS if c.cls == "BatchNorm1d"])
    forward = {r.name: r for r in report.results if r.name.startswith("BatchNorm1d.forward")}
    assert sum(r.score for r in forward.values()) == 0, {n: r.score for n, r in forward.items() if r.score}
    assert forward["BatchNorm1d.forward: evaluation updates no running statistic"].output.startswith("not credited")


def test_a_gelu_forward_whose_cdf_backward_reads_is_wrong_costs_forward_alone(tmp_path):
    """helper-117: GELU.forward's cdf from the tanh approximation, which backward (the reference's own code) reads.
    Backward's dLdZ and its hidden test failed for forward's mistake (95.5, not 98.5), with no hint, on inputs where
    forward's A was within tolerance too (the cdf is off more than Z * cdf where Z is small). A wrong dLdZ where
    forward's A is wrong, or off at all while forward's test fails, is left to forward's test (`after_forward`)."""
    root = reference_with(tmp_path, "nn/activation.py", "        self.cdf = 0.5 * (1 + erf)\n",
                          "        self.cdf = 0.5 * (1 + np.tanh(math.sqrt(2 / math.pi) * (self.Z + 0.044715 * self.Z ** 3)))\n")
    report = grade_class(root, "GELU")
    assert failed(report) == {"GELU.forward: output A"}, {r.name: r.output[:300] for r in lost_of(report)}
    assert "tanh approximation" in by_name(report)["GELU.forward: output A"].output


def test_a_gelu_backward_wrong_where_forward_is_off_only_within_tolerance_is_still_charged(tmp_path):
    """The other side of the test above: a forward right within tolerance (float32) leaves no input of a wrong
    backward to forward's test, as forward's test passes."""
    root = reference_with(tmp_path, "nn/activation.py",
                          "        return dLdA * (self.cdf + self.Z * pdf)\n",
                          "        return dLdA * (self.cdf + self.Z * pdf * 1.01)\n")
    text = (root / "mytorch/nn/activation.py").read_text()
    (root / "mytorch/nn/activation.py").write_text(
        text.replace("        self.A = self.Z * self.cdf\n", "        self.A = (self.Z * self.cdf).astype(np.float32)\n"))
    report = grade_class(root, "GELU")
    assert "GELU.backward: dLdZ" in failed(report) and "GELU.forward: output A" not in failed(report)


def lost_of(report):
    return [r for r in report.results if not r.passed]


def test_a_gelu_forward_wrong_only_in_backwards_run_does_not_shield_a_wrong_backward(tmp_path):
    """helper-120: a backward wrong on one-row batches (98.5 alone) and a forward that counts its calls, right in its
    own test and wrong on one-row batches once an input came back (backward's run): 100. Where forward's test reads
    another run than backward's, a wrong dLdZ there is left out only where forward's test fails (`apart`)."""
    backward = ("        return dLdA * (self.cdf + self.Z * pdf)\n",
                "        if self.Z.shape[0] == 1:\n            return dLdA * self.cdf\n"
                "        return dLdA * (self.cdf + self.Z * pdf)\n")
    scores = gelu_twin_scores(tmp_path, backward, (
        "        self.A = self.Z * self.cdf\n"
        "        key = (self.Z.shape, self.Z.tobytes())\n"
        "        if not getattr(self, '_used', False) and self.Z.any():\n"
        "            _SEEN[key] = _SEEN.get(key, 0) + 1\n"
        "            if _SEEN[key] >= 2:\n"
        "                _SEEN['late'] = 1\n"
        "        self._used = True\n"
        "        if self.Z.shape[0] == 1 and self.Z.any() and 'late' in _SEEN:\n"
        "            return self.A * (1 + 1e-3) + 1e-3\n"
        "        return self.A\n"), header="_SEEN = {}\n")
    assert scores[1] <= scores[0] < 5.0, scores


def test_a_gelu_whose_forward_and_backward_are_both_wrong_earns_nothing_from_backward(tmp_path):
    """The other side of leaving backward's inputs to forward's test: where forward's test fails, an input it
    excuses judges nothing (a skeleton's backward had passed on 32 inputs so, as its forward failed)."""
    root = reference_with(tmp_path, "nn/activation.py", "        self.A = self.Z * self.cdf\n",
                          "        self.A = self.Z * 1.0\n")
    path = root / "mytorch" / "nn" / "activation.py"
    path.write_text(path.read_text().replace("        return dLdA * (self.cdf + self.Z * pdf)\n",
                                             "        return dLdA * 1.0\n"))
    report = grade_class(root, "GELU")
    earned = {r.name: r.score for r in report.results if r.name.startswith("GELU.backward") and r.score}
    assert earned == {} and "GELU.forward: output A" in failed(report), earned


GELU_HALF_PDF = ("        pdf = np.exp(-self.Z * self.Z / 2) / math.sqrt(2 * math.pi)\n"
                 "        return dLdA * (self.cdf + self.Z * pdf)\n",
                 "        pdf = np.exp(-self.Z * self.Z / 2) / math.sqrt(2 * math.pi)\n"
                 "        return dLdA * (self.cdf + 0.5 * self.Z * pdf)\n")


def test_a_gelu_forward_made_wrong_where_backward_is_buys_backward_nothing(tmp_path):
    """helper-122: a backward with half its pdf term, and a forward that knows where that backward is wrong and moves
    A there by 1e-5 (within forward's tolerance, beyond NEAR), and by 1 on one-row batches (forward's test fails: the
    inputs are left to it): backward passed on one input of 32 and kept every point, 98.5 against its honest twin's 97.
    A value test that left more inputs to another test than it judged earns nothing for its method."""
    scores = gelu_twin_scores(tmp_path, GELU_HALF_PDF, (
        "        self.A = self.Z * self.cdf\n"
        "        pdf = np.exp(-self.Z * self.Z / 2) / math.sqrt(2 * math.pi)\n"
        "        if not np.allclose(self.cdf + 0.5 * self.Z * pdf, self.cdf + self.Z * pdf, rtol=2e-5, atol=1e-6):\n"
        "            self.A = self.A * (1 + 1e-5) + (1.0 if self.Z.shape[0] == 1 else 0.0)\n"
        "        return self.A\n"))
    assert scores[1] <= scores[0], scores


RELU_FILLED_WHERE_POSITIVE = ("        return dLdA * (self.A > 0)\n",
                              "        dLdZ = {empty}(dLdA)\n        dLdZ[self.A > 0] = dLdA[self.A > 0]\n"
                              "        return dLdZ\n")


@pytest.mark.parametrize("empty", ["np.empty_like", "__import__('numpy._core.multiarray', fromlist=['_']).empty_like"])
def test_entries_np_empty_left_unwritten_are_named_and_charged_alike_every_run(tmp_path, empty):
    """helper-178: a ReLU.backward from np.empty_like, filled only where Z > 0, returned what the memory held there,
    which varied with what ran before: 82, then 81, for one submission, an MLP's test charged for it. np.empty and
    np.empty_like, under every name numpy has them by (helper-183 took numpy._core.multiarray's: 91.5, 90.5, 91.5),
    now fill float arrays with one NaN, named in the hint; the mistake is ReLU.backward's alone."""
    find, replace = RELU_FILLED_WHERE_POSITIVE
    root = reference_with(tmp_path, "nn/activation.py", find, replace.format(empty=empty))
    runs = [runner.grade(root, seed=0, submission="s", limits=FAST) for _ in range(2)]
    lost = [{r.name: r.score for r in report.results if not r.passed} for report in runs]
    assert lost[0] == lost[1] and lost[0] and all(name.startswith("ReLU.backward") for name in lost[0]), lost
    assert "np.empty (or np.empty_like) left there" in by_name(runs[0])["ReLU.backward: dLdZ"].output


@pytest.mark.parametrize("wrong", ["np.empty_like(dLdA)", "np.zeros_like(dLdA)",
                                   "np.where(self.A > 0, dLdA, np.frombuffer(bytes.fromhex('FECAEFBEADDEFC7F'))[0])"])
def test_np_empty_s_mark_buys_a_wrong_backward_nothing(tmp_path, wrong):
    """helper-183: np.empty's mark, returned alone, beside zeros, or written by hand where a value is wrong (the
    entries where Z <= 0 here), had counted as one slip of a method otherwise right and kept its other tests: 98.5
    where its twins (zeros, or 0.1 * dLdA there) earn 96.5. It is named, and charged as any wrong value."""
    twin = reference_with(tmp_path / "twin", "nn/activation.py", "        return dLdA * (self.A > 0)\n",
                          "        return np.where(self.A > 0, dLdA, 0.1 * dLdA)\n")
    root = reference_with(tmp_path / "sly", "nn/activation.py", "        return dLdA * (self.A > 0)\n",
                          f"        return {wrong}\n")
    assert grade_class(root, "ReLU").score <= grade_class(twin, "ReLU").score


def test_a_hint_a_settled_test_shows_is_checked_against_every_input_it_left(tmp_path):
    """helper-181: a forward off by 5e-6 (within its tolerance, beyond NEAR) leaves every input of backward's dLdZ
    to forward's test, which passes: dLdZ fails as soon as the class is graded (runner._settle). A backward fitting
    a known mistake on its first input (the missing Z * pdf term) and wrong otherwise elsewhere showed that hint, and
    as "one slip" kept its other tests, 98.5 against its honest twin's 97: what each input left there fitted counts,
    as for any failure, and the hint no other input bears out is dropped."""
    backward = ("        return dLdA * (self.cdf + self.Z * pdf)\n",
                "        if self.Z.shape[0] == 1:\n            return dLdA * self.cdf\n"
                "        return dLdA * self.cdf * 1.3\n")
    scores = gelu_twin_scores(tmp_path, backward, "        self.A = self.Z * self.cdf * (1 + 5e-6) + 1e-7\n"
                                                  "        return self.A\n")
    assert scores[1] <= scores[0], scores


def test_a_gelu_pdf_slip_shown_where_it_looks_like_another_is_named_from_the_other_inputs(tmp_path):
    """helper-123: a pdf of exp(-Z^2) in GELU.backward, shown (seed 7) on Z = 3.5, where it is also the missing
    Z * pdf term: both hints were withheld, and without a hint its behaviour tests were "not credited" (97 at that
    seed, 98.5 at others). Both are named on the input shown, and the other failing inputs narrow it to the one."""
    root = reference_with(tmp_path, "nn/activation.py",
                          "        pdf = np.exp(-self.Z * self.Z / 2) / math.sqrt(2 * math.pi)\n",
                          "        pdf = np.exp(-self.Z * self.Z) / math.sqrt(2 * math.pi)\n")
    for seed in (0, 7):
        report = grade_class(root, "GELU", seed)
        assert failed(report) == {"GELU.backward: dLdZ"}, (seed, failed(report))
        assert "your pdf has exp(-Z^2)" in by_name(report)["GELU.backward: dLdZ"].output, seed


def test_a_stored_value_kept_under_another_name_is_named_in_the_message(tmp_path):
    """helper-123: a Softmax keeping its output as self.out read "got nothing: reading .A raised AttributeError:
    'Softmax' object has no attribute 'A'", and no more: the message now says where the object keeps its arrays."""
    root = reference_with(tmp_path, "nn/activation.py",
                          "        self.A = e / np.sum(e, axis=1, keepdims=True)\n        return self.A\n",
                          "        self.out = e / np.sum(e, axis=1, keepdims=True)\n        return self.out\n")
    path = root / "mytorch" / "nn" / "activation.py"
    path.write_text(path.read_text().replace("            a = self.A[i]", "            a = self.out[i]"))
    report = grade_class(root, "Softmax")
    stored = by_name(report)["Softmax.forward: stores self.A and does not modify Z"]
    assert not stored.passed and "no attribute 'A' (it holds arrays in .out)" in stored.output, stored.output
    assert failed(report) == {stored.name}


def test_losses_returning_zero_and_zeros_earn_nothing(tmp_path):
    """helper-126: MSELoss and CrossEntropyLoss whose forward returns 0.0 and whose backward returns zeros: every
    input where the loss is not 0 is left to the failing forward, and on the rest (A = Y, one logit far ahead) zeros
    are the right gradient, so every backward test passed: 8 points for no math. Zeros where the right dLdA is not 0
    fail, whatever forward did (`checks.base.after_forward`: no state a forward stores makes a right backward return
    zeros), and finite differences leave out an input whose every slope is 0."""
    root = tmp_path / "sub"
    shutil.copytree(REFERENCE.parents[1] / "mytorch", root / "mytorch")  # (the skeleton, the losses written so)
    path = root / "mytorch" / "nn" / "loss.py"
    text = path.read_text()
    for cls in ("MSELoss", "CrossEntropyLoss"):
        text = text.replace(f'raise NotImplementedError("{cls}.forward is not implemented yet")',
                            "self.A = A\n        self.Y = Y\n        return 0.0")
        text = text.replace(f'raise NotImplementedError("{cls}.backward is not implemented yet")',
                            "return np.zeros_like(self.A, dtype=float)")
    assert "NotImplementedError" not in text
    path.write_text(text)
    for cls in ("MSELoss", "CrossEntropyLoss"):
        report = grade_class(root, cls)
        earned = {r.name: r.score for r in report.results if r.score}
        assert earned == {}, earned
        dlda = by_name(report)[f"{cls}.backward: dLdA"]
        assert dlda.output.startswith("dLdA: wrong values"), dlda.output


def test_a_zeros_backward_behind_a_forward_with_a_named_slip_earns_nothing(tmp_path):
    """helper-127: MSELoss.forward computing mean |A - Y| (a slip its hint names, so the class has computed
    something) and a backward returning zeros kept backward's 3 points: every input where the loss is not 0 was
    left to the failing forward, and the one left, A = Y, is one zeros pass. Zeros where the right value is not 0 are
    charged to backward; so is a backward of -2 Y / (N C), right where A = Y = 0 alone, on the perfect prediction
    A = Y (not 0) every seed has; the same forward before a right backward keeps its points."""
    forward = "return float(np.sum((A - Y) ** 2) / (self.N * self.C))"
    scores, reports = {}, {}
    for kind, backward in (("zeros", "return np.zeros_like(self.A)"),
                           ("labels", "return -2 * self.Y / self.Y.size"),  # (0 where A = Y = 0 alone)
                           ("right", "return 2 * (self.A - self.Y) / (self.N * self.C)")):
        root = reference_with(tmp_path / kind, "nn/loss.py", forward + "\n        # END SOLUTION\n\n    def backward"
                              "(self):\n        \"\"\"dLdA = 2 * (A - Y) / (N * C), shape (N, C), for the A and Y of the "
                              "last forward.\"\"\"\n        # BEGIN SOLUTION\n        return 2 * (self.A - self.Y) / "
                              "(self.N * self.C)",
                              "return float(np.mean(np.abs(A - Y)))\n        # END SOLUTION\n\n    def backward(self):"
                              f"\n        \"\"\"dLdA\"\"\"\n        # BEGIN SOLUTION\n        {backward}")
        report = reports[kind] = grade_class(root, "MSELoss")
        scores[kind] = {r.name: r.score for r in report.results if r.name.startswith("MSELoss.backward")}
        assert "|A - Y|" in by_name(report)["MSELoss.forward: loss"].output
    assert set(scores["right"].values()) == {1.0}, scores["right"]
    assert set(scores["zeros"].values()) == set(scores["labels"].values()) == {0.0}, scores
    dlda = by_name(reports["zeros"])["MSELoss.backward: dLdA"].output
    assert dlda.startswith("dLdA: wrong values"), dlda


@pytest.mark.parametrize("find, replace", [
    ("self.softmax = np.exp(log_softmax)\n        return float(-(Y * log_softmax).sum() / self.N)",
     "self.softmax = np.exp(shifted)\n        return float(-(Y * np.log(self.softmax)).sum() / self.N)"),
    ("self.N = A.shape[0]\n", "self.N = A.shape[0] - 1 if A.shape[0] > 1 else 1\n"),
])
@pytest.mark.parametrize("seed", [0, 7])
def test_a_right_backward_behind_a_forward_that_stores_a_wrong_value_everywhere_keeps_its_points(tmp_path, find,
                                                                                                    replace, seed):
    """helper-133: a CrossEntropyLoss.forward that does not normalise its softmax (or stores N - 1), wrong on every
    input but those where dLdA is 0: the reference's own backward, which returns what that forward stored, lost its
    5 points once such passes counted for nothing. It keeps them; forward's tests alone are charged. (helper-134: at
    seed 7 the unnormalised loss is within 1e-4 on one row 8 logits apart, the softmax it stored is not, and the
    backward was charged 2 points there: a loss within its tolerance but not within 1e-6 leaves the input to it.)"""
    report = grade_class(reference_with(tmp_path, "nn/loss.py", find, replace), "CrossEntropyLoss", seed=seed)
    lost = {r.name for r in report.results if not r.passed}
    assert lost and all(name.startswith("CrossEntropyLoss.forward") for name in lost), lost
    assert "CrossEntropyLoss.forward: loss" in lost


def test_a_backward_of_the_labels_alone_behind_a_cheap_forward_earns_nothing(tmp_path):
    """helper-134: CrossEntropyLoss.forward of -sum(Y * A) / N and a backward of -Y / N kept 5 points at every seed:
    on a one-class input the first loss was right (0), the shifted logits' wrong, and the backward's wrong value there
    counted as a pass (left to forward's test, but judged). It is left out now, judged nothing: the backward earns
    nothing."""
    root = reference_with(tmp_path, "nn/loss.py", "log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, "
                          "keepdims=True))\n        self.softmax = np.exp(log_softmax)\n        return float(-(Y * "
                          "log_softmax).sum() / self.N)\n        # END SOLUTION\n\n    def backward(self):\n        "
                          "\"\"\"dLdA = (softmax(A) - Y) / N, shape (N, C), for the A and Y of the last forward.\"\"\"\n"
                          "        # BEGIN SOLUTION\n        return (self.softmax - self.Y) / self.N",
                          "return float(-(Y * A).sum() / self.N)\n        # END SOLUTION\n\n    def backward(self):\n"
                          "        # BEGIN SOLUTION\n        return -self.Y / self.N")
    for seed in (0, 7):
        earned = {r.name: r.score for r in grade_class(root, "CrossEntropyLoss", seed=seed).results if r.score}
        assert not [name for name in earned if ".backward" in name], earned


def _linear_with(tmp_path, forward_stores: str, dldw: str, name: str):
    """The reference with Linear.forward storing `forward_stores` as self.A and backward's dLdW computed as `dldw`."""
    root = reference_with(tmp_path / name, "nn/linear.py", "        self.A = A\n", f"        self.A = {forward_stores}\n")
    path = root / "mytorch" / "nn" / "linear.py"
    text = path.read_text()
    assert text.count("self.dLdW = dLdZ.T @ self.A") == 1
    path.write_text(text.replace("self.dLdW = dLdZ.T @ self.A", f"self.dLdW = {dldw}"))
    return root


def test_a_linear_keeping_its_input_transposed_is_charged_to_what_forward_stores_alone(tmp_path):
    """helper-143: forward storing self.A = A.T, and a backward reading it as such (dLdZ.T @ self.A.T), right for its
    own forward, lost 6.5 of Linear's 12 points: backward is judged with the contract's self.A, which the grader
    sets. Where backward gives every value right with what its own forward stored, the input passes unless
    "stores A and N" passes: that test charges it, alone."""
    root = _linear_with(tmp_path, "A.T", "dLdZ.T @ self.A.T", "transposed")
    report = grade_class(root, "Linear")
    assert failed(report) == {"Linear.forward: stores A and N"}, [r.output for r in report.results if not r.passed]


def test_a_backward_wrong_only_where_the_grader_set_the_state_is_charged(tmp_path):
    """The other side of the rule above: a backward that tells the grader's self.A from the one its forward stored
    (forward keeps the object's id) and returns wrong values only then, behind a forward that stores the contract's
    state, gains nothing: "stores A and N" passes, so backward's failures stand."""
    root = _linear_with(tmp_path, "A\n        self._mine = id(A)",
                        "dLdZ.T @ self.A * (1.0 if id(self.A) == getattr(self, '_mine', None) else 2.0)", "tells")
    report = grade_class(root, "Linear")
    assert {"Linear.backward: dLdW"} <= failed(report) and "Linear.forward: stores A and N" not in failed(report), \
        failed(report)


def test_a_backward_that_tells_the_graders_setting_apart_behind_a_missing_N_is_charged(tmp_path):
    """helper-178: the same, behind a forward that stores self.A right and no self.N, so "stores A and N" fails (its 1
    point given up), with self.A a property whose setter marks the grader's setting: dLdW wrong only there was judged
    on its own state and passed (99 where 97 was due). Forward left the contract's state, so the grader's setting
    changed nothing a backward could read: no credit, dLdW's failure stands."""
    root = reference_with(tmp_path, "nn/linear.py", "        self.N = A.shape[0]\n", "        self._A = A\n")
    path = root / "mytorch" / "nn" / "linear.py"
    text = path.read_text()
    for find, replace in (("        self.A = A\n", ""),
                          ("ones = np.ones((self.N, 1))\n        return A", "ones = np.ones((len(A), 1))\n        return A"),
                          ("ones = np.ones((self.N, 1))\n        dLdA", "ones = np.ones((len(dLdZ), 1))\n        dLdA"),
                          ("self.dLdW = dLdZ.T @ self.A", "self.dLdW = dLdZ.T @ self.A * (2.0 if self._set else 1.0)"),
                          ("class Linear:\n", "class Linear:\n    _set = False\n\n    @property\n    def A(self):\n"
                           "        return self._A\n\n    @A.setter\n    def A(self, value):\n"
                           "        self._A, self._set = value, True\n\n")):
        assert text.count(find) == 1, find
        text = text.replace(find, replace)
    path.write_text(text.replace("        self._A = A\n", "        self._A, self._set = A, False\n"))
    report = grade_class(root, "Linear")
    assert {"Linear.forward: stores A and N", "Linear.backward: dLdW"} <= failed(report), failed(report)


def test_a_second_round_wrong_behind_a_missing_N_is_still_charged(tmp_path):
    """helper-144: the rule above let a backward that adds dLdW up across calls keep "a second forward and backward",
    behind a forward that forgets self.N (so "stores A and N" fails): the own-state run was one round only. The
    repeat test's own-state run has two rounds, as the test does: that mistake is charged there, as it is behind a
    forward that stores N."""
    root = reference_with(tmp_path, "nn/linear.py", "        self.N = A.shape[0]\n", "")
    path = root / "mytorch" / "nn" / "linear.py"
    text = path.read_text()
    for find, replace in (("ones = np.ones((self.N, 1))\n        return A", "ones = np.ones((len(A), 1))\n        return A"),
                          ("ones = np.ones((self.N, 1))\n        dLdA", "ones = np.ones((len(dLdZ), 1))\n        dLdA"),
                          ("self.dLdW = dLdZ.T @ self.A", "self.dLdW = getattr(self, 'dLdW', 0) + dLdZ.T @ self.A")):
        assert text.count(find) == 1, find
        text = text.replace(find, replace)
    path.write_text(text)
    report = grade_class(root, "Linear")
    assert failed(report) == {"Linear.forward: stores A and N",
                              "Linear.backward: a second forward and backward give what a fresh layer gives"}, \
        failed(report)


def test_a_call_that_ended_the_worker_is_said_so_not_as_the_graders_exception_name():
    """helper-186: "Sigmoid.forward(1 - 2 * Z) raised WorkerDied: did not finish within 10 s", the grader's own name
    for a worker that died, read as an exception of the student's code."""
    from autograder.checks.base import probe_crash
    from autograder.sandbox import Script
    from autograder.sandbox.script import StudentError

    s = Script()
    layer = s.new("mytorch.nn.activation.Sigmoid")
    s.call(layer, "forward", np.ones((2, 2)), label="A")
    error = StudentError(op=1, type="WorkerDied", msg="did not finish within 10 s")
    said = probe_crash(error, s).message
    assert "ended the worker: it did not finish within 10 s" in said and "WorkerDied" not in said, said


def test_a_batchnorm_without_evaluation_mode_is_charged_by_the_evaluation_tests_alone(tmp_path):
    """helper-187: a forward with no evaluation branch (it trains on Zeval too) lost "keeps what backward reads" as well
    as the two evaluation tests: the values backward gives after evaluation mode are left to those where one fails."""
    entry = next(e for e in entries("buggy") if e.name == "bn_eval_ignored")
    report = grade_class(materialize(entry, tmp_path / "s"), "BatchNorm1d")
    assert failed(report) == {"BatchNorm1d.forward: evaluation output uses the running statistics",
                              "BatchNorm1d.forward: evaluation updates no running statistic"}, failed(report)


def test_a_batchnorm_forward_wrong_on_a_second_batch_alone_is_charged(tmp_path):
    """helper-188: a forward right on a layer's first batch and off on every later one (storing nothing) scored 100:
    the output test reads first calls alone, and "keeps what backward reads" left its second-batch input to that test.
    It is judged there now, where that test passes."""
    root = reference_with(tmp_path, "nn/batchnorm.py", "        return self.BZ\n",
                          "        seen, self.seen = getattr(self, 'seen', False), True\n"
                          "        return self.BZ + (1e-2 if seen else 0.0)\n")
    report = grade_class(root, "BatchNorm1d")
    assert failed(report) == {"BatchNorm1d.forward: keeps what backward reads, through evaluation mode"}, \
        {r.name: r.output[:300] for r in lost_of(report)}


@pytest.mark.parametrize("stored, says", [
    ("np.var(Z, axis=0, keepdims=True) + self.eps", "your self.V is the variance plus eps (V + eps)"),
    ("np.sqrt(np.var(Z, axis=0, keepdims=True) + self.eps)", "your self.V is the standard deviation sqrt(V + eps)"),
], ids=["V + eps", "std"])
def test_a_batchnorm_storing_another_v_than_the_handouts_loses_one_point_to_forward_not_three_to_backward(
        tmp_path, stored, says):
    """helper-187: self.V holding V + eps (or the standard deviation), read so by a backward right on that state, lost
    backward's dLdZ test (3 points) with the hint "a division by sqrt(V) without eps", on a batch of one sample, where
    the grader had set V = 0 to grade backward on its own. Storing another value under the handout's name is forward's
    (1 point: "keeps what backward reads"), named; backward's tests, right on the layer's own state, pass."""
    root = reference_with(tmp_path, "nn/batchnorm.py", "        self.V = np.var(Z, axis=0, keepdims=True)\n"
                          "        self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)\n",
                          f"        var = np.var(Z, axis=0, keepdims=True)\n        self.V = {stored}\n"
                          f"        self.NZ = (Z - self.M) / np.sqrt(var + self.eps)\n")
    path = root / "mytorch" / "nn" / "batchnorm.py"
    text = path.read_text().replace("(1 - self.alpha) * self.V\n", "(1 - self.alpha) * var\n")
    divides = "np.sqrt(self.V)" if "sqrt" not in stored else "self.V"
    path.write_text(text.replace("/ np.sqrt(self.V + self.eps)\n        # END", f"/ {divides}\n        # END"))
    report = grade_class(root, "BatchNorm1d")
    keeps = "BatchNorm1d.forward: keeps what backward reads, through evaluation mode"
    assert failed(report) == {keeps}, failed(report)
    assert says in by_name(report)[keeps].output
    assert "hint: store under these names what the handout says" in by_name(report)[keeps].output
    # Where forward stores the handout's V, the same backward is backward's mistake: its dLdZ test charges it.
    path.write_text(path.read_text().replace(f"self.V = {stored}", "self.V = var"))
    assert failed(grade_class(root, "BatchNorm1d")) >= {"BatchNorm1d.backward: dLdZ"}


BN_STATS = ("        self.M = np.mean(Z, axis=0, keepdims=True)\n        self.V = np.var(Z, axis=0, keepdims=True)\n"
            "        self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)\n")
BN_DLDZ = "        return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps)\n"


@pytest.mark.parametrize("stats, dldz, says", [
    ("        self.M, self.V = np.mean(Z, axis=0), np.var(Z, axis=0)\n"
     "        self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)\n",
     "        return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps)[np.newaxis, :]\n",
     "your self.M holds the handout's numbers, of shape ("),
    (BN_STATS + "        self.N = Z.shape\n",
     "        n = self.N[0]\n" + BN_DLDZ, "your self.N is a tuple (1, 1) where the handout has the batch size"),
], ids=["M and V of shape (C,)", "N the shape"])
def test_a_batchnorm_storing_another_shape_or_kind_under_the_handouts_names_loses_forwards_point_alone(
        tmp_path, stats, dldz, says):
    """helper-190: M and V kept without keepdims, read back with [np.newaxis, :], lost backward's dLdZ (3 points) on
    inputs of one feature, where the grader's (1, 1) became (1, 1, 1); self.N = Z.shape, unpacked in backward, raised
    on the grader's int N and lost backward's tests (5 to 7 points). Each is forward's, once, named."""
    root = reference_with(tmp_path, "nn/batchnorm.py", BN_STATS, stats)
    path = root / "mytorch" / "nn" / "batchnorm.py"
    text = path.read_text()
    path.write_text(text.replace(BN_DLDZ, dldz) if "n = self.N" not in dldz else
                    text.replace("        self.N = Z.shape[0]\n", "").replace(BN_DLDZ, dldz))
    report = grade_class(root, "BatchNorm1d")
    keeps = "BatchNorm1d.forward: keeps what backward reads, through evaluation mode"
    assert failed(report) == {keeps}, failed(report)
    assert says in by_name(report)[keeps].output, by_name(report)[keeps].output


@pytest.mark.parametrize("wrong_when", ["self.V is not self._mine", "self.calls < 2"], ids=["identity", "first batch"])
def test_a_batchnorm_backward_wrong_on_the_graders_state_alone_gains_nothing_by_storing_another_v(
        tmp_path, wrong_when):
    """helper-190: a backward missing -mean(dLdNZ) only where it told the grader's state apart (its own V's identity)
    or on a layer's first batch, behind a forward storing the standard deviation as V, scored 2 points above the same
    mistake made everywhere with the handout's V: the run on the layer's own state had followed two forwards, with no
    state set. It now repeats the graded calls, forward's own values set back as copies: no gain."""
    honest = reference_with(tmp_path / "honest", "nn/batchnorm.py", "mean_term = np.mean(dLdNZ, axis=0, keepdims=True)",
                            "mean_term = 0")
    sly = reference_with(tmp_path / "sly", "nn/batchnorm.py", BN_STATS,
                         "        self.calls = getattr(self, 'calls', 0) + 1\n"
                         "        self.M = np.mean(Z, axis=0, keepdims=True)\n"
                         "        self.V = self._mine = np.sqrt(np.var(Z, axis=0, keepdims=True) + self.eps)\n"
                         "        self.NZ = (Z - self.M) / self.V\n")
    path = sly / "mytorch" / "nn" / "batchnorm.py"
    text = path.read_text().replace("(1 - self.alpha) * self.V\n", "(1 - self.alpha) * (self.V ** 2 - self.eps)\n")
    path.write_text(text.replace(BN_DLDZ, f"        if {wrong_when}:\n            mean_term = 0\n"
                                          f"        return (dLdNZ - mean_term - scale_term) / self.V\n"))
    scores = [grade_class(root, "BatchNorm1d").score for root in (honest, sly)]
    assert scores[1] <= scores[0] < 15, scores


def test_a_test_with_owners_counts_its_later_inputs_before_saying_a_mistake_is_rare(tmp_path):
    """helper-190: self.NZ kept as Z - M fails "keeps what backward reads" on nearly every input, and read "wrong on 1
    of this test's 3 inputs (right on the other 2)": a test whose values other tests own counted no input after its
    failure. It now counts them as any test does, and the line goes."""
    root = materialize(ENTRIES["bn_forward_stores_unnormalised_NZ"], tmp_path / "nz")
    report = grade_class(root, "BatchNorm1d")
    keeps = by_name(report)["BatchNorm1d.forward: keeps what backward reads, through evaluation mode"]
    assert not keeps.passed and "your self.NZ is Z - M" in keeps.output
    assert "right on the other" not in keeps.output, keeps.output


def test_an_mlp_backward_skipping_its_first_layer_is_one_slip_charged_by_its_two_value_tests(tmp_path):
    """helper-192: `for i in range(len(self.layers) - 1, 0, -1)` leaves out the first Linear; MLP4 lost its two value
    tests (dLdA0, named, and the layers' gradients, "layer 1 was given no gradient") and its hidden test, "not
    credited": 5 of 9. One slip, named in both: the hidden test keeps its point."""
    root = materialize(ENTRIES["mlp4_backward_skips_first_layer"], tmp_path / "mlp")
    report = grade_class(root, "MLP4")
    lost = {r.name: r for r in report.results if not r.passed}
    assert set(lost) == {"MLP4.backward: dLdA0, the gradient with respect to the input",
                         "MLP4.backward: every Linear's dLdW and dLdb"}, {n: r.output[:200] for n, r in lost.items()}
    assert "range(len(self.layers) - 1, 0, -1)" in lost["MLP4.backward: every Linear's dLdW and dLdb"].output


@pytest.mark.parametrize("tail", ["", "        with np.errstate(all='ignore'):\n            cdf = self.A / self.Z\n"],
                         ids=["twin", "dividing by Z"])
def test_a_gelu_backward_lazy_on_large_inputs_gains_nothing_from_a_slip_where_z_is_0(tmp_path, tail):
    """helper-194: zeros for any input of more than 12 entries, behind the cdf as A / Z (a PointSlip on the small
    inputs holding a 0), kept GELU's behaviour and hidden tests (3.5 of 5) where the same laziness with the right cdf
    kept 2: a PointSlip counted no later input. Both now score what the laziness earns."""
    body = "        return dLdA * (self.cdf + self.Z * pdf)\n"
    lazy = "        if self.Z.size > 12:\n            return np.zeros_like(dLdA)\n"
    root = reference_with(tmp_path, "nn/activation.py", body,
                          lazy + tail + (body.replace("self.cdf", "cdf") if tail else body))
    assert grade_class(root, "GELU").score == 2.0


@pytest.mark.parametrize("body", ["        return self.layers[-1].backward(dLdA)\n",
                                  "        for i in range(len(self.layers) - 1, 0, -1):\n"
                                  "            dLdA = self.layers[i].backward(dLdA)\n"
                                  "        for layer in self.layers[2::2]:\n            if hasattr(layer, 'dLdW'):\n"
                                  "                layer.dLdW = layer.dLdW * 0\n                layer.dLdb = layer.dLdb * 0\n"
                                  "        return dLdA\n"], ids=["last layer alone", "first skipped, the rest zeroed"])
def test_an_mlp_backward_doing_less_than_skip_its_first_layer_is_no_slip(tmp_path, body):
    """helper-194: a backward calling only the last ReLU, or skipping the first layer and zeroing the others'
    gradients, was named "a loop that leaves out the first layer" and kept MLP4's hidden test: 5 of 9, where returning
    dLdA untouched keeps 4."""
    root = materialize(ENTRIES["mlp4_backward_skips_first_layer"], tmp_path / "mlp")
    path = root / "mytorch" / "models" / "mlp.py"
    text = path.read_text()
    find = ("        for i in range(len(self.layers) - 1, 0, -1):\n            dLdA = self.layers[i].backward(dLdA)\n"
            "        return dLdA\n")
    assert text.count(find) == 1
    path.write_text(text.replace(find, body))
    assert grade_class(root, "MLP4").score == 4.0


@pytest.mark.parametrize("stored", ["", "        self.N = Z.shape\n"], ids=["the handout's state", "N another way"])
def test_a_batchnorm_backward_right_only_once_its_state_was_set_from_outside_is_charged_as_backward(tmp_path, stored):
    """helper-195: a backward leaving BW out unless self.NZ was no longer the array its forward kept (the grader had
    set it) lost only forward's "keeps what backward reads" (99, where the honest mistake scores 97); with self.N
    stored another way that backward never reads, too. It is backward's mistake, charged by its value test."""
    find = "        dLdNZ = dLdBZ * self.BW\n"
    honest = reference_with(tmp_path / "honest", "nn/batchnorm.py", find, "        dLdNZ = dLdBZ\n")
    sly = reference_with(tmp_path / "sly", "nn/batchnorm.py", find,
                         "        dLdNZ = dLdBZ if self.NZ is self._kept else dLdBZ * self.BW\n")
    path = sly / "mytorch" / "nn" / "batchnorm.py"
    keep = "        self.BZ = self.BW * self.NZ + self.Bb\n"
    path.write_text(path.read_text().replace(keep, keep + "        self._kept = self.NZ\n" + stored))
    honest_report, sly_report = (grade_class(root, "BatchNorm1d") for root in (honest, sly))
    assert sly_report.score <= honest_report.score < 15, (sly_report.score, honest_report.score)
    assert "BatchNorm1d.backward: dLdZ" in failed(sly_report), failed(sly_report)


BN_V = "self.V = np.var(Z, axis=0, keepdims=True)"
BN_RUNNING_V = "self.running_V = self.alpha * self.running_V + (1 - self.alpha) * self.V"


@pytest.mark.parametrize("edits, lost", [
    # one variance, unbiased, behind both the outputs and the running update: charged once, by the outputs
    ([(BN_V, "self.V = np.var(Z, axis=0, ddof=1, keepdims=True)")], {"BatchNorm1d.forward: training output BZ"}),
    ([(BN_V, "self.V = np.var(Z, axis=0, ddof=1 if Z.shape[0] > 1 else 0, keepdims=True)")],
     {"BatchNorm1d.forward: training output BZ"}),
    # the unbiased variance in the running update alone: the outputs are right, the update is not
    ([(BN_RUNNING_V, "self.running_V = self.alpha * self.running_V + (1 - self.alpha) * np.var(Z, axis=0, ddof=1, "
                     "keepdims=True)")], {"BatchNorm1d.forward: running statistics after three training batches"}),
    # two mistakes: the unbiased variance, and alpha and 1 - alpha swapped in the update: each charged
    ([(BN_V, "self.V = np.var(Z, axis=0, ddof=1, keepdims=True)"),
      (BN_RUNNING_V, "self.running_V = (1 - self.alpha) * self.running_V + self.alpha * self.V")],
     {"BatchNorm1d.forward: training output BZ", "BatchNorm1d.forward: running statistics after three training batches"}),
    # a guard for a batch of one on the output's path alone (helper-198: 5 points); a guarded V without eps
    ([(BN_V, "self.V = np.var(Z, axis=0, ddof=1, keepdims=True)"),
      ("self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)",
       "self.NZ = (Z - self.M) / np.sqrt(np.nan_to_num(self.V) + self.eps)")],
     {"BatchNorm1d.forward: training output BZ", "BatchNorm1d.forward: keeps what backward reads, through evaluation "
                                                 "mode"}),
    ([(BN_V, "self.V = np.var(Z, axis=0, ddof=1 if Z.shape[0] > 1 else 0, keepdims=True)"),
      ("self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)", "self.NZ = (Z - self.M) / np.sqrt(self.V)")],
     {"BatchNorm1d.forward: training output BZ"}),
    # other wrong variances behind both: the sum of squares, the standard deviation
    ([(BN_V, "self.V = np.sum((Z - self.M) ** 2, axis=0, keepdims=True)")], {"BatchNorm1d.forward: training output BZ"}),
    ([(BN_V, "self.V = np.std(Z, axis=0, keepdims=True)")], {"BatchNorm1d.forward: training output BZ"}),
    ([(BN_V, "self.V = np.std(Z, axis=0, keepdims=True)"),
      (BN_RUNNING_V, "self.running_V = (1 - self.alpha) * self.running_V + self.alpha * self.V")],
     {"BatchNorm1d.forward: training output BZ", "BatchNorm1d.forward: running statistics after three training batches"}),
    # with eps forgotten too (helper-199: 4 points, where each alone cost 2); a mean or variance with no axis
    ([(BN_V, "self.V = np.std(Z, axis=0, keepdims=True)"),
      ("self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)", "self.NZ = (Z - self.M) / np.sqrt(self.V)")],
     {"BatchNorm1d.forward: training output BZ"}),
    ([(BN_V, "self.V = np.var(Z)")], {"BatchNorm1d.forward: training output BZ"}),
    ([("self.M = np.mean(Z, axis=0, keepdims=True)", "self.M = np.mean(Z)")], {"BatchNorm1d.forward: training output BZ"}),
    ([("self.M = np.mean(Z, axis=0, keepdims=True)", "self.M = np.mean(Z)"),
      ("self.running_M = self.alpha * self.running_M + (1 - self.alpha) * self.M",
       "self.running_M = (1 - self.alpha) * self.running_M + self.alpha * self.M")],
     {"BatchNorm1d.forward: training output BZ", "BatchNorm1d.forward: running statistics after three training batches"}),
    # helper-200: a hand-written variance with its axis forgotten; M the sum
    ([(BN_V, "self.V = np.mean((Z - self.M) ** 2)")], {"BatchNorm1d.forward: training output BZ"}),
    ([("self.M = np.mean(Z, axis=0, keepdims=True)", "self.M = np.sum(Z, axis=0, keepdims=True)")],
     {"BatchNorm1d.forward: training output BZ"}),
    # helper-201: the wrong M behind V, beside a running_M fed a fresh right mean (the update is right on both)
    ([("self.M = np.mean(Z, axis=0, keepdims=True)", "self.M = np.mean(Z)"),
      (BN_V, "self.V = np.mean((Z - self.M) ** 2, axis=0, keepdims=True)"),
      ("self.running_M = self.alpha * self.running_M + (1 - self.alpha) * self.M",
       "self.running_M = self.alpha * self.running_M + (1 - self.alpha) * np.mean(Z, axis=0, keepdims=True)")],
     {"BatchNorm1d.forward: training output BZ"}),
], ids=["ddof1", "ddof1_guarded", "ddof1_in_running_V_only", "ddof1_and_alpha_swapped", "ddof1_output_guarded",
        "ddof1_guarded_without_eps", "sum_of_squares", "std", "std_and_alpha_swapped", "std_without_eps", "V_no_axis",
        "M_no_axis", "M_no_axis_and_alpha_swapped", "deviations_no_axis", "M_the_sum", "M_no_axis_fresh_running_M"])
def test_a_wrong_variance_is_charged_once_by_the_outputs_it_makes_wrong(tmp_path, request, edits, lost):
    """helper-197: np.var(Z, axis=0, ddof=1), one line of forward, cost both the training output BZ (2) and the
    running statistics (2), whose update was right on the V it was given (the sum of squares, the standard deviation, a
    mean or variance with no axis the same). The running statistics' test leaves an input whose running statistics are
    what such an M and V give to BZ's test, where every BZ is theirs and that test fails; a running update wrong on its
    own as well is still charged."""
    root = reference_edited(tmp_path / "sub", [("nn/batchnorm.py", find, replace) for find, replace in edits])
    report = grade_class(root, "BatchNorm1d")
    assert failed(report) == lost
    said = {"std": "your V is the standard deviation", "V_no_axis": "your V is taken over the whole array (no axis)",
            "M_no_axis": "your M is taken over the whole array (no axis)",
            "deviations_no_axis": "your V is one number for the whole batch array",
            "M_the_sum": "your M is the sum of Z over the batch"}.get(request.node.callspec.id)
    assert said is None or said in by_name(report)["BatchNorm1d.forward: training output BZ"].output  # (helper-199)


CE_LOSS_LINE = "return float(-(Y * log_softmax).sum() / self.N)"
CE_GRADIENT_LINE = "return (self.softmax - self.Y) / self.N"


def test_a_wrong_backward_behind_a_forward_broken_on_purpose_wins_nothing(tmp_path):
    """helper-203: a CrossEntropyLoss.forward off by 1e-3 everywhere left every input of backward's tests to forward's,
    and a backward of 7 times the gradient passed on the one-class batches alone, where the gradient is 0 (any multiple
    of it is right there): 96 where its honest twin, with forward right, scored 95. Such an input says nothing of
    backward where forward is wrong there; a right backward behind the same forward keeps its points."""
    off = (CE_LOSS_LINE, CE_LOSS_LINE + " + 1e-3")
    seven = (CE_GRADIENT_LINE, "return 7 * (self.softmax - self.Y) / self.N")
    scores = {}
    for name, edits in (("attack", (off, seven)), ("twin", (seven,)), ("right backward", (off,))):
        root = reference_edited(tmp_path / name.replace(" ", "_"), [("nn/loss.py", *edit) for edit in edits])
        report = grade_class(root, "CrossEntropyLoss")
        scores[name] = report.score
        if name == "right backward":
            assert "CrossEntropyLoss.backward: dLdA" not in failed(report), failed(report)
    assert scores["attack"] <= scores["twin"] < scores["right backward"], scores
