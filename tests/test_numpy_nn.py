"""The numpy-nn assignment end to end: its reference scores 100 and its skeleton 0 (every test not
attempted); every catalogue mistake costs points only on its own class and on the methods it breaks,
with the hint its convention calls for; correct variants score 100; hostile entries win nothing; and
its handout holds no solution, grades the skeleton 0 and the reference full on the public tests, and
agrees with the official grading test by test.

Each submission is graded once (a module fixture for those several tests read), on the tests of the
classes it can change (the others are the reference's code, which scores full)."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import assignments, fixtures, handout, reference, runner, skeleton
from autograder.assignments.numpy_nn import dense
from autograder.cli import main as cli
from autograder.report import Outcome
from autograder.sandbox import Limits
from autograder.writers import WRITERS
from tests import accuracy
from tests.catalogue import entries, lost_by, materialize

NUMPY_NN = assignments.get("numpy-nn")
PUBLIC = NUMPY_NN.checks()
TESTS = PUBLIC + reference.hidden_checks(NUMPY_NN)
LIMITS = Limits(case_timeout=2.0, submission_timeout=30.0)
HOSTILE = Limits(case_timeout=1.0, submission_timeout=60.0)
PACKAGE = NUMPY_NN.solutions  # solutions/numpy-nn/nn


def grade(root: Path, checks=TESTS, limits: Limits = LIMITS, **kwargs):
    return runner.grade(root, seed=0, submission=str(root), limits=limits, checks=checks, assignment=NUMPY_NN,
                        **kwargs)


def graded(entry, tmp_path: Path, limits: Limits = LIMITS):
    classes = accuracy.graded_classes(entry)
    return grade(materialize(entry, tmp_path), [c for c in TESTS if c.cls in classes], limits)


def reference_with(tmp_path: Path, file: str, find: str, replace: str) -> Path:
    """The reference's nn/ copied into `tmp_path`, with `find`, which must occur once in `file`, replaced."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "nn" / file
    assert path.read_text().count(find) == 1, find
    path.write_text(path.read_text().replace(find, replace))
    return tmp_path


def explain(results) -> str:
    return "\n".join(f"{r.name}: {r.output}" for r in results)


@functools.lru_cache(maxsize=None)
def solution_lines() -> frozenset[str]:
    """Every line of code between solution markers in the reference."""
    lines, inside = set(), False
    for path in PACKAGE.rglob("*.py"):
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith(("# BEGIN SOLUTION", "# END SOLUTION")):
                inside = text.startswith("# BEGIN")
            elif inside and text and not text.startswith("#"):
                lines.add(text)
    return frozenset(lines)


# ------------------------------------------------------------------ the assignment


def test_the_listing_shows_numpy_nn_with_its_classes_and_100_points(capsys):
    assert cli(["assignments"]) == 0
    listing = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(listing) if line.startswith("numpy-nn"))
    assert listing[at + 1].strip() == f"package nn/, {len(TESTS)} tests, 100 points"
    assert listing[at + 2].strip() == "Dense 36, ReLU 10, Sigmoid 10, Tanh 10, MSE 12, CrossEntropy 22"
    assert sum(c.points for c in PUBLIC) == 91 and all(c.visibility != "visible" for c in TESTS[len(PUBLIC):])


def test_the_writeup_lists_every_public_test_with_its_points():
    rows = ["| class | test | points |", "|---|---|---|"]
    for cls in dict.fromkeys(c.cls for c in PUBLIC):
        mine = [c for c in PUBLIC if c.cls == cls]
        for i, c in enumerate(mine):
            method, what = c.name.split(": ", 1)
            first = f"{cls} ({sum(x.points for x in mine):g})" if i == 0 else ""
            rows.append(f"| {first} | `{method.split('.', 1)[1]}`: {what} | {c.points:g} |")
    writeup = NUMPY_NN.writeup.read_text()
    assert "\n".join(rows) in writeup
    public = sum(c.points for c in PUBLIC)
    assert f"{public:g} public points below, and {100 - public:g} hidden ones" in writeup
    assert "../shared" not in writeup and "CONTRACT" not in writeup


@pytest.fixture(scope="module")
def reference_report():
    return grade(PACKAGE.parent)


def test_the_reference_scores_100(reference_report):
    assert reference_report.score == reference_report.max_score == 100.0, \
        explain(r for r in reference_report.results if not r.passed)
    assert reference_report.examples >= 1500


def test_the_skeleton_scores_0_with_every_test_not_attempted(tmp_path):
    skeleton.write(PACKAGE, tmp_path / "nn")
    report = grade(tmp_path)
    assert report.score == 0.0
    assert {r.outcome for r in report.results} == {Outcome.NOT_ATTEMPTED}, explain(report.results)
    assert (tmp_path / "nn" / "layer.py").read_text() == (PACKAGE / "layer.py").read_text()  # given whole


# ------------------------------------------------------------------ the catalogue

# What a mistake of this convention must be told: (a test it fails, words of that test's output).
ONE_SLIP = {"ce_loss_divided_by_C", "sigmoid_negative_branch_flipped"}  # (helper-97: with no hint, 90 and 95.5:
# the behaviour tests of the method "not credited" too)
HINTS = {
    "dense_grad_key_W": ("Dense.backward: gradients['{name}/W'] on a batch", "your gradient is under 'W'"),
    "dense_grad_keys_hardcoded": ("Dense.backward: gradients['{name}/W'] on a batch", "not 'Dense': use self.name"),
    "dense_dW_mean": ("Dense.backward: gradients['{name}/W'] on a batch", "divided by the number of samples"),
    "dense_db_mean": ("Dense.backward: gradients['{name}/b'] on a batch", "the mean over the batch; it is the sum"),
    "dense_db_not_summed": ("Dense.backward: gradients['{name}/b'] on a batch", "db is backwards_gradient itself"),
    "dense_backward_2d_only": (dense.LEADING, "flatten the batch first"),
    "dense_dx_not_reshaped": (dense.LEADING, "dx.reshape(x.shape)"),
    "dense_dW_transposed": ("Dense.backward: gradients['{name}/W'] on a batch", "your dW is transposed"),
    "dense_forward_no_cache": ("Dense.forward: returns the pair (y, cache)", "returned y alone"),
    "dense_forward_no_bias": ("Dense.forward: y = x @ W + b on a batch [N, in_dim]", "your y has no bias"),
    "dense_use_bias_ignored": ("Dense.backward: with use_bias=False: dx, dW, and no b gradient",
                               "store a b gradient only when self.use_bias"),
    "dense_W_zeros": ("Dense.__init__: parameters '{name}/W' of shape [in_dim, out_dim] (random) and '{name}/b' "
                      "zeros [out_dim]", "draw W at random"),
    "dense_backward_reads_self_x": ("Dense.backward: uses the x and cache it is given (another forward ran since)",
                                    "not from what forward kept on the layer"),
    "relu_mask_ge_zero": ("ReLU.backward: derivative is 0 at exactly x = 0", "use x > 0, not x >= 0"),
    "relu_backward_in_place": ("ReLU.backward: does not modify x, backwards_gradient or the cache, and stores no gradient",
                               "changed backwards_gradient in place"),
    "sigmoid_exp_ratio": ("Sigmoid.forward: finite for large inputs", "inf / inf = NaN"),
    "sigmoid_backward_sigmoid_of_y": ("Sigmoid.backward: dx", "applies the sigmoid to y = sigmoid(x) again"),
    "tanh_backward_tanh_of_y": ("Tanh.backward: dx", "applies tanh to y = tanh(x) again"),
    "tanh_exp_formula": ("Tanh.forward: finite for large inputs", "use np.tanh(x)"),
    "mse_sum": ("MSE.forward: loss = mean((y_pred - y_true) ** 2) over every entry", "divide by y_pred.size"),
    "mse_gradient_without_2": ("MSE.backward: dL/dy_pred", "misses the factor 2"),
    "ce_no_max_shift": ("CrossEntropy.forward: finite for large logits", "subtract each row's max"),
    "ce_log_softmax_eps": ("CrossEntropy.forward: exact for large gaps between logits", "log-sum-exp"),
    "ce_sum_over_batch": ("CrossEntropy.forward: loss, the mean over the batch", "it is the mean: divide by N"),
    "ce_gradient_not_divided": ("CrossEntropy.backward: dL/dy_pred", "not divided by N"),
    "sigmoid_negative_branch_flipped": ("Sigmoid.forward: y = 1 / (1 + exp(-x))", "but is sigmoid(-x) where x < 0"),
    "ce_loss_divided_by_C": ("CrossEntropy.forward: loss, the mean over the batch",
                             "divided by C, the number of classes"),
    "ce_forward_no_cache": ("CrossEntropy.forward: returns the pair (loss, cache)", "return loss, cache"),
    "mse_forward_no_cache": ("MSE.forward: returns the pair (loss, cache)", "returned loss alone"),
    "dense_forward_shared_cache_dict": ("Dense.forward: returns the pair (y, cache)",
                                        "returns one dict as its cache on every call"),
    "mse_backward_scales_cache_in_place": ("MSE.backward: does not modify y_pred, y_true or the cache",
                                           "changed the cache it was given"),
    "sigmoid_backward_in_place_on_cache": ("Sigmoid.backward: does not modify x, backwards_gradient or the cache, and "
                                           "stores no gradient", "changed the cache it was given"),
    "relu_forward_shared_cache_dict": ("ReLU.forward: returns the pair (y, cache)", "make a new cache on each call"),
    "mse_forward_shared_cache_dict": ("MSE.forward: returns the pair (loss, cache)",
                                      "computes dL/dy_pred from the later forward's values"),
}


# Every catalogue entry is charged exactly to its own methods, and every correct one scores 100, in
# test_grading (all assignments); here, what a student reads for the convention's own mistakes.
@pytest.mark.parametrize("entry", [e for e in entries("buggy", "numpy-nn") if e.name in HINTS or
                                   e.name.endswith("forward_no_cache")], ids=lambda e: e.name)
def test_a_mistake_of_the_convention_reads_what_to_change(entry, tmp_path):
    report = graded(entry, tmp_path)
    lost = [r for r in report.results if not r.passed]
    assert {r.name.split(".")[0] for r in lost} == set(entry.blame), explain(lost)
    if entry.name in HINTS:
        name, words = HINTS[entry.name]
        failed = next(r for r in report.results if r.name == name)
        assert not failed.passed and words in failed.output, failed.output
    if entry.name in ONE_SLIP:  # (a slip named is charged on its value test alone: no other test "not credited")
        assert [r.name for r in lost] == [HINTS[entry.name][0]], explain(lost)
    if entry.name.endswith("forward_no_cache"):  # backward waits for forward: said, not charged as its own
        waiting = [r for r in lost if ".backward" in r.name]
        assert waiting and all(r.outcome is Outcome.NOT_RUN and "needs " in r.output for r in waiting)
        # and forward's value, a Python float or a numpy number, is the loss all the same: only the pair is wrong
        forward = [r for r in lost if ".forward" in r.name]
        assert len(forward) == 1 and "returns the pair" in forward[0].name, explain(forward)


@pytest.mark.parametrize("entry", entries("hostile", "numpy-nn"), ids=lambda e: e.name)
def test_a_hostile_entry_wins_nothing_and_leaves_valid_results(entry, tmp_path):
    report = graded(entry, tmp_path, HOSTILE)
    names = [c.name for c in TESTS if c.cls in accuracy.graded_classes(entry)]
    assert [r.name for r in report.results] == names
    assert not [r.name for r in report.results if "the grader failed" in r.output]
    honest = [r for r in report.results if r.name.split(".")[0] in entry.honest_classes]
    assert honest and all(r.passed for r in honest), explain(r for r in honest if not r.passed)
    won = [r for r in report.results if r.passed and r.name.split(".")[0] in entry.blame]
    assert not won, explain(won)
    results = json.loads(WRITERS["gradescope"](report))
    assert results["score"] == report.score == sum(r.score for r in honest)


@pytest.mark.parametrize("name", ["reference", "triple", "dense_forward_no_cache", "relu_forward_no_cache",
                                  "ce_forward_no_cache", "dense_forward_shared_cache_dict", "dense_lying_pair"])
def test_running_the_calls_for_diagnosis_only_on_failure_changes_no_verdict(name, tmp_path, monkeypatch):
    """What forward returned, read whole (a value returned alone), is read only to explain a failure: a class first
    runs without those reads, and again in full at the first thing that is not a clean pass. Every test says what
    it says when every script runs in full at once: a forward that returns its value alone fails a passing test's
    reads without them, and a triple (y, cache, extra) is still told from a pair."""
    if name in ("reference", "triple"):
        shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
        if name == "triple":
            dense_py = tmp_path / "nn" / "dense.py"
            dense_py.write_text(dense_py.read_text().replace("return y, {}", "return y, {}, None"))
        root = tmp_path
    else:
        root = materialize(next(e for e in entries(None, "numpy-nn") if e.name == name), tmp_path / "s")
    checks = [c for c in TESTS if c.cls in ("Dense", "ReLU", "CrossEntropy")]
    lean_first = grade(root, checks, jobs=1)
    monkeypatch.setattr(runner, "LEAN_FIRST", False)
    in_full = grade(root, checks, jobs=1)
    # (dense_lying_pair's [0] answers otherwise on every read: run a second time, its class answers otherwise than
    # the first time, which a test that passes no more says, runner._answered_again; the points are the same)
    shown = (lambda r: (r.name, r.score)) if name == "dense_lying_pair" else (lambda r: (r.name, r.score, r.output))
    assert [shown(r) for r in lean_first.results] == [shown(r) for r in in_full.results]
    assert (lean_first.score == lean_first.max_score) == (name == "reference")


@pytest.mark.parametrize("name, only", [
    ("dense_dW_mean", dense.DW), ("dense_grad_key_W", dense.DW), ("dense_db_mean", dense.DB),
    ("dense_forward_no_bias", dense.Y), ("dense_backward_2d_only", dense.LEADING)])
def test_a_dense_mistake_is_charged_once(name, only, tmp_path):
    """A mistake the batch test of a value shows is charged there only: the tests of leading batch dimensions and of
    use_bias=False do not compare that value again (dW / N once cost 10 points, in three tests; mytorch's, 1.5), but
    still charge what only they show (a backward that handles two-dimensional x only; where it raises on the hidden
    test's three-dimensional batches, the test of leading dimensions has charged that: it cost 4 points more)."""
    report = graded(next(e for e in entries(None, "numpy-nn") if e.name == name), tmp_path)
    lost = {r.name for r in report.results if r.score < r.max_score and r.name.startswith("Dense.")}
    allowed = {only} if name == "dense_backward_2d_only" else \
        {only, "Dense.backward: large layers and batches, up to three leading dimensions"}
    assert only in lost and lost <= allowed, explain(r for r in report.results if r.score < r.max_score)


def test_gradients_a_backward_stored_before_it_raised_keep_their_tests(tmp_path):
    """A backward returning G @ W (not W.T: it raises unless the layer is square) after storing the right
    gradients: the tests of dW and db pass (they failed on the crash, 7 points more for one line); the dx test
    charges it."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    assert dense_py.read_text().count("return (G @ W.T).reshape(x.shape)") == 1
    dense_py.write_text(dense_py.read_text().replace("return (G @ W.T).reshape(x.shape)", "return (G @ W).reshape(x.shape)"))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name: r for r in report.results if r.score < r.max_score}
    assert dense.DX in lost and not {dense.DW, dense.DB, dense.LEADING, dense.NO_BIAS} & set(lost), \
        explain(lost.values())
    assert "raised ValueError: matmul" in lost[dense.DX].output.split("\n")[0]


def test_a_backward_that_raises_after_storing_its_gradients_loses_what_returning_zeros_loses(tmp_path):
    """As mytorch's (helper-71): a backward storing the right gradients, then raising NotImplementedError where dx was
    left to do, lost the given-cache test too, on the crash its dx test charges; returning zeros kept it."""
    lost = {}
    for kind, last in (("raise", "raise NotImplementedError"), ("zeros", "return np.zeros_like(x)")):
        root = reference_with(tmp_path / kind, "dense.py", "return (G @ W.T).reshape(x.shape)", last)
        report = grade(root, [c for c in TESTS if c.cls == "Dense"])
        lost[kind] = {r.name for r in report.results if r.score < r.max_score}
    assert lost["raise"] == lost["zeros"] and dense.DX in lost["raise"], lost
    assert not any("another forward ran since" in name for name in lost["raise"]), lost


def test_a_log_sum_exp_without_keepdims_is_named_where_it_broadcasts(tmp_path):
    """helper-177: y_pred - logsumexp(y_pred, axis=1) raises but where N == C, where it subtracts row j's value from
    column j; the test of shifted logits failed there, told to subtract each row's max (which logsumexp does)."""
    root = reference_with(tmp_path, "losses.py", """        shifted = y_pred - y_pred.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-(y_true * log_probs).sum() / y_pred.shape[0]), {"probs": np.exp(log_probs)}""", """\
        from scipy.special import logsumexp
        log_probs = y_pred - logsumexp(y_pred, axis=1)
        return float(-(y_true * log_probs).sum() / y_pred.shape[0]), {"probs": None}""")
    losses = root / "nn" / "losses.py"
    losses.write_text(losses.read_text().replace('return (cache["probs"] - y_true) / y_pred.shape[0]', """\
e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True) - y_true) / y_pred.shape[0]"""))
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    large = next(r.output for r in report.results if r.name == "CrossEntropy.forward: finite for large logits")
    assert "lacks keepdims=True" in large and "subtract each row's max" not in large, large


def test_a_relu_mask_taken_from_the_gradient_is_one_slip_with_a_hint(tmp_path):
    """As nnfs's (helper-75): ReLU's dx masked where backwards_gradient is not positive is named, and charged by its
    dx test alone."""
    root = reference_with(tmp_path, "activations.py", "return backwards_gradient * cache[\"mask\"]",
                          "return backwards_gradient * (backwards_gradient > 0)")
    report = grade(root, [c for c in TESTS if c.cls == "ReLU"])
    lost = {r.name: r.output for r in report.results if r.score < r.max_score}
    assert len(lost) == 1 and "your mask looks at backwards_gradient" in next(iter(lost.values())), lost


@pytest.mark.parametrize("cls, find", [
    ("ReLU", 'return backwards_gradient * cache["mask"]'),
    ("Sigmoid", "return backwards_gradient * y * (1.0 - y)"),
    ("Tanh", "return backwards_gradient * (1.0 - y * y)"),
], ids=["ReLU", "Sigmoid", "Tanh"])
def test_an_activation_backward_of_the_wrong_sign_is_one_slip_with_a_hint(tmp_path, cls, find):
    """helper-148: dx with its sign flipped had no hint (the generic ones are off for dx), so it was no known slip, and
    every other backward test read "not credited": 5.5 to 6.5 points, where the same slip cost mytorch's Sigmoid 1."""
    root = reference_with(tmp_path, "activations.py", find, find.replace("return ", "return -"))
    report = grade(root, [c for c in TESTS if c.cls == cls])
    lost = {r.name: r.output for r in report.results if r.score < r.max_score}
    assert list(lost) == [f"{cls}.backward: dx"] and "your dx has the opposite sign" in lost[f"{cls}.backward: dx"], lost


def test_a_softmax_summed_over_the_batch_after_the_row_max_is_named(tmp_path):
    """helper-148: a softmax subtracting each row's max but dividing by a sum over axis 0 had no hint (the known mistake
    was softmax(y, 0), column max and all, which it fits on one-row batches alone), so the class lost all 22 points.
    Named, it costs forward's loss and, as backward reads the probabilities forward cached, backward's gradient."""
    root = reference_with(tmp_path, "losses.py", "np.exp(shifted).sum(axis=1, keepdims=True)",
                          "np.exp(shifted).sum(axis=0, keepdims=True)")
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    lost = {r.name: r.output for r in report.results if r.score < r.max_score}
    assert set(lost) == {"CrossEntropy.forward: loss, the mean over the batch", "CrossEntropy.backward: dL/dy_pred"}, lost
    assert all("divides by a sum over the batch (axis=0)" in output for output in lost.values()), lost


def test_a_cache_of_softmax_not_normalised_is_named_on_backward(tmp_path):
    """helper-153: forward caching exp(y_pred - max) as the probabilities, not divided by the row sum (its loss is
    right): backward's gradient, reading them, was wrong with no hint."""
    root = reference_with(tmp_path, "losses.py", '{"probs": np.exp(log_probs)}', '{"probs": np.exp(shifted)}')
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    said = next(r.output for r in report.results if r.name == "CrossEntropy.backward: dL/dy_pred")
    assert "not divided by its row sum" in said, said


@pytest.mark.parametrize("file, find, replace, cls, test, words", [
    ("losses.py", 'return (cache["probs"] - y_true) / y_pred.shape[0]',
     "e = np.exp(y_pred - y_pred.max())\n        return (e / e.sum() - y_true) / y_pred.shape[0]", "CrossEntropy",
     "CrossEntropy.backward: dL/dy_pred", "over the whole array"),  # (helper-172: scipy.special.softmax(z), 12 points)
    ("losses.py", "np.log(np.exp(shifted).sum(axis=1, keepdims=True))", "np.log(np.exp(shifted)).sum(axis=1, keepdims=True)",
     "CrossEntropy", "CrossEntropy.forward: loss, the mean over the batch", "a log taken before the sum"),
    ("losses.py", '(cache["probs"] - y_true) / y_pred.shape[0]', '(cache["probs"] - y_true) / y_pred.shape[1]',
     "CrossEntropy", "CrossEntropy.backward: dL/dy_pred", "divided by C"),
    ("activations.py", "return backwards_gradient * y * (1.0 - y)", "return backwards_gradient * y * 1.0 - y",
     "Sigmoid", "Sigmoid.backward: dx", "bracket (1 - y)"),
    ("activations.py", "return backwards_gradient * y * (1.0 - y)", "return backwards_gradient * y - y * y",
     "Sigmoid", "Sigmoid.backward: dx", "g multiplies y alone"),  # (helper-173)
    ("losses.py", "float(np.mean(diff * diff))", "float(np.mean(diff) ** 2)", "MSE", "MSE.forward: loss",
     "square of the mean difference"),
    ("activations.py", "return np.maximum(x, 0.0), {", "return np.max(x, 0), {", "ReLU", "ReLU.forward: y",
     "the elementwise max with 0 is np.maximum(x, 0)"),
    ("losses.py", "log_probs = shifted - np.log(", "log_probs = y_pred - np.log(", "CrossEntropy",
     "CrossEntropy.forward: loss, the mean over the batch", "off by each row's max"),  # (helper-159, and below)
    ("losses.py", "shifted = y_pred - y_pred.max(axis=1, keepdims=True)",
     "shifted = y_pred - y_pred.max(axis=0, keepdims=True)", "CrossEntropy",
     "CrossEntropy.forward: loss, the mean over the batch", "your max is taken over the batch"),
    ("losses.py", 'return (cache["probs"] - y_true) / y_pred.shape[0]', 'return cache["probs"] - y_true / y_pred.shape[0]',
     "CrossEntropy", "CrossEntropy.backward: dL/dy_pred", "only your y_true is divided by N"),
    ("losses.py", "return 2.0 * diff / diff.size", "return 2.0 * diff // diff.size", "MSE", "MSE.backward", "floor division"),
    ("activations.py", "return backwards_gradient * (1.0 - y * y)", "return backwards_gradient * (1.0 - y) ** 2", "Tanh",
     "Tanh.backward: dx", "g * (1 - y) ** 2"),
], ids=["softmax over the whole array", "log before the sum", "backward divided by C", "sigmoid brackets",
          "sigmoid brackets, y * y", "square of the mean", "np.max for np.maximum",
        "unshifted term", "max over the batch", "y_true alone divided", "MSE floor division", "tanh (1 - y) ** 2"])
def test_a_common_slip_is_named_and_charged_by_its_value_tests_alone(tmp_path, file, find, replace, cls, test, words):
    """helper-156: one-line slips with no hint, so no slip at all to the credit rule: every other test of the method
    (of the class, for the log taken before the row sum, which backward reads from the cache) read "not credited",
    up to 22 points. Named, the value tests alone are charged."""
    report = grade(reference_with(tmp_path, file, find, replace), [c for c in TESTS if c.cls == cls])
    said, lost = lost_by(report, test)
    assert words in said, lost
    assert not any(output.startswith("not credited") for output in lost.values()), lost


def test_a_forward_for_two_dimensional_x_only_is_told_what_shapes_x_takes(tmp_path):
    """helper-75: Dense.forward as np.einsum("ni,io->no", ...) raised on one sample and on leading dimensions, and
    its test said only numpy's words ("einstein sum subscripts string contains too many subscripts")."""
    root = reference_with(tmp_path, "dense.py", 'y = x @ self.get_parameter("W")',
                          'y = np.einsum("ni,io->no", x, self.get_parameter("W"))')
    report = grade(root, [c for c in TESTS if c.cls == "Dense"])
    leading = next(r for r in report.results if r.name.startswith("Dense.forward: y for one sample"))
    assert not leading.passed and "forward takes x of shape [..., in_dim]" in leading.output, leading.output
    assert "x @ W does" in leading.output


def test_a_forward_raising_on_some_shapes_costs_backward_nothing_where_backward_needs_no_cache(tmp_path):
    """helper-193: Dense.forward returning y.reshape(x.shape[0], -1) raises on one sample [in_dim]; backward, the
    reference's (it reads no cache), lost its leading-dimensions test too, "not run: needs Dense.forward" (5 points
    for forward's 2). Where forward raised, backward is judged on what it returns given an empty cache, as the
    losses' backward is."""
    root = reference_with(tmp_path, "dense.py", "        return y, {}", "        return y.reshape(x.shape[0], -1), {}")
    report = grade(root, [c for c in TESTS if c.cls == "Dense"])
    lost = [r.name for r in report.results if not r.passed]
    assert lost == ["Dense.forward: y for one sample [in_dim] and for two or three leading batch dimensions"], lost
    # A backward that reads the cache forward never returned there still waits for forward: nothing to judge.
    path = tmp_path / "nn" / "dense.py"
    text = path.read_text().replace("        return y.reshape(x.shape[0], -1), {}", "        return y.reshape("
                                    "x.shape[0], -1), {'x': x}")
    find = '        W = self.get_parameter("W")\n        X = x.reshape(-1, W.shape[0])\n'
    assert text.count(find) == 1
    path.write_text(text.replace(find, "        x = cache['x']\n" + find))
    leading = {r.name: r for r in grade(root, [c for c in TESTS if c.cls == "Dense"]).results}[
        "Dense.backward: dx, dW and db for one sample [in_dim] and for two or three leading batch dimensions"]
    assert leading.output.startswith("not run: needs Dense.forward"), leading.output


def test_a_loss_returned_in_a_list_costs_what_its_value_test_costs(tmp_path):
    """helper-75: CrossEntropy.forward returning ([loss], cache) scored 90 (4.5 "not credited"), np.array([loss]) 100."""
    line = 'return float(-(y_true * log_probs).sum() / y_pred.shape[0]), {"probs": np.exp(log_probs)}'
    root = reference_with(tmp_path, "losses.py", line, line.replace("return float(", "return [float(").replace(
        "), {", ")], {", 1))
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    lost = {r.name: r.output for r in report.results if r.score < r.max_score}
    assert len(lost) == 1 and "of the right numbers" in next(iter(lost.values())), lost


def test_a_backward_that_raises_on_leading_dimensions_is_charged_once(tmp_path):
    """Dense.backward raising on x.ndim > 2: the test of leading dimensions charges that crash (it is not the
    method's first test, so it learns it fails only once the class is judged); the hidden test, whose batches
    mostly have leading dimensions, left those inputs out as that test grades what backward gives there. It failed
    too (8 points for one mistake), with the crash charged there as well."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    flatten = '        W = self.get_parameter("W")\n        X = x.reshape'
    assert flatten in dense_py.read_text()
    dense_py.write_text(dense_py.read_text().replace(
        flatten, '        if x.ndim > 2:\n            raise ValueError("2-D batches only")\n' + flatten))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name: r for r in report.results if r.score < r.max_score}
    assert set(lost) == {dense.LEADING}, explain(lost.values())
    assert "raised ValueError: 2-D batches only" in lost[dense.LEADING].output
    large = next(r for r in report.results if r.name.startswith("Dense.backward: large layers"))
    assert "where Dense.backward raised" in large.output and repr(dense.LEADING) in large.output, large.output


@pytest.mark.parametrize("raising", [
    '        if x.ndim > 2:\n            raise ValueError("2-D batches only")\n'
    '        if x.shape[0] > 16:\n            raise ValueError("small batches only")\n',
    '        if x.ndim > 2 or x.shape[0] > 16:\n            raise ValueError("small 2-D batches only")\n',
], ids=["another line", "the same line"])
def test_raising_on_the_hidden_tests_other_inputs_is_charged_there(raising, tmp_path):
    """Only the crash the test of leading dimensions failed on is left out of the hidden test: a backward that also
    raises on batches of more than 16 rows (the hidden test's two-dimensional ones), from another line or from the
    same one, does not buy the hidden test with it (trials: 96, where returning wrong values there scored 92)."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    flatten = '        W = self.get_parameter("W")\n        X = x.reshape'
    dense_py.write_text(dense_py.read_text().replace(flatten, raising + flatten))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name for r in report.results if r.score < r.max_score}
    assert lost == {dense.LEADING, "Dense.backward: large layers and batches, up to three leading dimensions"}, \
        explain(r for r in report.results if r.score < r.max_score)


def test_a_hint_naming_two_mistakes_keeps_the_one_no_other_input_speaks_against(tmp_path):
    """MSE divided by the number of rows, not by y_pred.size: on the one-row input shown, that is also the sum of
    the squares, and the hint named both; the later inputs, with more rows, say which (MSE's test of its loss names
    the rows alone, as does backward's)."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    losses_py = tmp_path / "nn" / "losses.py"
    source = losses_py.read_text()
    mean, scaled = "float(np.mean(diff * diff))", "2.0 * diff / diff.size"
    assert mean in source and scaled in source
    losses_py.write_text(source.replace(mean, "float(np.sum(diff * diff) / y_pred.shape[0])")
                         .replace(scaled, "2.0 * diff / diff.shape[0]"))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "MSE"])
    failed = {r.name: r.output for r in report.results if r.outcome is Outcome.FAILED
              and not r.output.startswith("not credited")}
    assert set(failed) == {"MSE.forward: loss = mean((y_pred - y_true) ** 2) over every entry",
                           "MSE.backward: dL/dy_pred"}, explain(r for r in report.results if r.score < r.max_score)
    for output in failed.values():
        hint = next(line for line in output.splitlines() if line.strip().startswith("hint:"))
        assert "divided by the number of rows only" in hint and "more than one mistake" not in hint, output


def test_a_y_wrong_with_and_without_a_bias_gets_no_hint_about_b(tmp_path):
    """y + 1 everywhere fails the batch test of y and the test with use_bias=False (which compares y whatever the
    batch test said: see forward_no_bias), whose hint said to add no b: that hint now waits for the batch test."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    dense_py.write_text(dense_py.read_text().replace("return y, {}", "return y + 1, {}"))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    failed = {r.name for r in report.results if r.score < r.max_score and not r.output.startswith("not credited")}
    assert failed == {dense.Y, "Dense.forward: with use_bias=False, y = x @ W"}, \
        explain(r for r in report.results if r.score < r.max_score)
    assert "add no b" not in "".join(r.output for r in report.results)


def test_a_bias_reshaped_to_a_row_is_not_said_to_flatten_the_batch(tmp_path):
    """A trial's forward added b.reshape(1, -1): right on every batch, [1, out_dim] for one sample. The hint said
    "your y is flattened to [samples, out_dim]", which it is not (its three-dimensional batches keep their shape):
    for one sample it now names the extra leading dimension and where one comes from."""
    reference_with(tmp_path, "dense.py", 'y = y + self.get_parameter("b")\n',
                   'y = y + self.get_parameter("b").reshape(1, -1)\n')
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name: r.output for r in report.results if r.score < r.max_score}
    LEADING_Y = "Dense.forward: y for one sample [in_dim] and for two or three leading batch dimensions"
    assert set(lost) == {LEADING_Y}, explain(r for r in report.results if r.score < r.max_score)
    output = lost[LEADING_Y]
    assert "flattened" not in output and "leading dimension of 1" in output and "b reshaped to a row" in output, output


def test_one_cache_dict_for_every_call_costs_nothing_where_backward_never_reads_it(tmp_path):
    """Forward keeps one dict on self and returns it each call, but backward computes from the x it is given:
    no later forward changes what backward computes, so no test charges the shared dict."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    dense_py.write_text(dense_py.read_text().replace("return y, {}", 'self.kept = getattr(self, "kept", {})\n'
                                                     '        self.kept["x"] = x\n        return y, self.kept'))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    assert report.score == report.max_score, explain(r for r in report.results if not r.passed)


def test_a_forward_none_of_whose_values_is_right_earns_nothing_for_returning_a_pair(tmp_path):
    """"returns the pair" is a behaviour test: a forward returning (zeros, {}) would pass it too, so where none of
    forward's values is right it is not credited (the writeup's rule), and credited again once one is."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    dense_py = tmp_path / "nn" / "dense.py"
    dense_py.write_text(dense_py.read_text().replace("return y, {}", "return np.zeros(y.shape), {}"))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    pair = next(r for r in report.results if r.name == "Dense.forward: returns the pair (y, cache)")
    assert not pair.passed and "not credited" in pair.output, pair.output


def test_a_loop_that_never_ends_on_three_dimensional_inputs_costs_the_test_that_has_them_only(tmp_path):
    """MSE.backward loops for ever where y_pred has three dimensions: the test of dL/dy_pred (which has such inputs)
    fails, and the other backward tests keep their points: the call as written, with the input's field names, is
    not made again on arguments of those kinds only, not on every input."""
    shutil.copytree(PACKAGE, tmp_path / "nn", ignore=shutil.ignore_patterns("__pycache__"))
    losses = tmp_path / "nn" / "losses.py"
    losses.write_text(losses.read_text().replace('        diff = cache["diff"]\n', '        diff = cache["diff"]\n'
                                                 '        while diff.ndim == 3:\n            pass\n'))
    report = grade(tmp_path, [c for c in TESTS if c.cls == "MSE"])
    results = {r.name: r for r in report.results}
    value = results.pop("MSE.backward: dL/dy_pred")
    assert not value.passed and "did not finish" in value.output, value.output
    # (finite differences may have three-dimensional inputs only, at this seed: then none of them ran)
    results.pop("MSE.backward: agrees with finite differences of forward")
    lost = [r for r in results.values() if not r.passed]
    assert not lost, explain(lost)


def test_a_failing_test_shows_the_call_the_input_and_the_keys_found(tmp_path):
    entry = next(e for e in entries("buggy", "numpy-nn") if e.name == "dense_grad_keys_hardcoded")
    report = graded(entry, tmp_path)
    dW = next(r for r in report.results if r.name == "Dense.backward: gradients['{name}/W'] on a batch")
    lines = dW.output.splitlines()
    assert lines[0].startswith("gradients has no '") and "(gradients holds 'Dense/W', 'Dense/b')" in lines[1]
    assert lines[2].startswith("calls: Dense(") and "Dense.backward(x, cache, backwards_gradient, gradients)" in lines[2]
    assert "failing input:" in dW.output and "  x (" in dW.output


# ------------------------------------------------------------------ the handout


def _grade_in(folder: Path) -> str:
    """The handout's own grader on its ./nn, as `make grade` runs it (local mode: no solutions/ there)."""
    done = subprocess.run([sys.executable, "-m", "autograder", "grade"], cwd=folder, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "AUTOGRADER_CACHE": "off", "HOME": str(folder)})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_handout_leaks_nothing_grades_skeleton_0_reference_full_and_agrees_with_official(tmp_path):
    """One build (it grades the reference to record its fixtures), then everything a handout must do."""
    handout.build(tmp_path / "dist", NUMPY_NN)
    built = tmp_path / "dist" / "handout-numpy-nn"

    # No line of a solution block, nothing of the hidden tests, no other assignment's checks.
    assert (built / "nn" / "dense.py").is_file() and (built / "README.md").read_text() == NUMPY_NN.writeup.read_text()
    assert not any("solutions" in p.parts or p.name == "hidden_checks.py" for p in built.rglob("*"))
    assert not (built / "autograder" / "assignments" / "nnfs").exists()
    files = {p: {line.strip() for line in p.read_text().splitlines()} for p in built.rglob("*")
             if p.is_file() and p.suffix != ".npz"}
    leaked = {str(p): lines & solution_lines() for p, lines in files.items() if lines & solution_lines()}
    assert not leaked, leaked
    public_code = {line.strip() for p in (PACKAGE.parents[2] / "autograder").rglob("*.py")
                   for line in p.read_text().splitlines()}
    hidden_only = {line.strip() for line in NUMPY_NN.hidden.read_text().splitlines()
                   if len(line.strip()) > 30} - public_code
    assert hidden_only and not any(lines & hidden_only for lines in files.values())
    manifest = json.loads((built / "fixtures" / "manifest.json").read_text())
    assert (manifest["hidden_tests"], manifest["hidden_points"]) == (len(TESTS) - len(PUBLIC), 9.0)

    # Its own grader: the skeleton it ships scores 0, every public test not attempted; the reference full.
    skeleton_run = _grade_in(built)
    assert "Score: 0.0 / 91.0 (public tests)" in skeleton_run
    rows = [line for line in skeleton_run.splitlines() if line.startswith("  ") and " / " in line]
    assert len(rows) == len(PUBLIC) and all(row.strip().startswith("not attempted") for row in rows)
    copy = tmp_path / "handout"
    shutil.copytree(built, copy)
    shutil.copytree(PACKAGE, copy / "nn", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    assert "Score: 91.0 / 91.0 (public tests)" in _grade_in(copy)

    # Local verdicts (the recorded inputs) are the official ones (the course's seed), test by test.
    local = fixtures.load(NUMPY_NN, built / "fixtures")
    for name in ("dense_backward_2d_only", "relu_forward_no_cache", "ce_log_softmax_eps", "tensordot_cache_x"):
        entry = next(e for kind in ("buggy", "correct") for e in entries(kind, "numpy-nn") if e.name == name)
        root = materialize(entry, tmp_path / name)
        checks = [c for c in PUBLIC if c.cls in accuracy.graded_classes(entry)]
        official = runner.grade(root, submission=name, limits=LIMITS, checks=checks, assignment=NUMPY_NN)
        here = runner.grade(root, submission=name, limits=LIMITS, checks=checks, assignment=NUMPY_NN, source=local)
        assert official.seed != here.seed
        assert [(r.name, r.outcome, r.score) for r in here.results] == \
            [(r.name, r.outcome, r.score) for r in official.results], name


def test_a_backward_that_squeezes_its_gradient_is_not_sent_to_forward(tmp_path):
    """A trial's CrossEntropy.backward returned np.squeeze(...): () for one sample of one class. The hint said to check
    the shapes forward keeps in the cache, which were right; it now names what drops a dimension, backward first."""
    reference_with(tmp_path, "losses.py", 'return (cache["probs"] - y_true) / y_pred.shape[0]',
                   'return np.squeeze(cache["probs"] - y_true) / y_pred.shape[0]')
    report = grade(tmp_path, [c for c in TESTS if c.cls == "CrossEntropy"])
    said = next(r.output for r in report.results if r.name == "CrossEntropy.backward: dL/dy_pred")
    assert "np.squeeze" in said and "check the shapes forward keeps" not in said, said


def test_a_backward_returning_the_gradient_beside_its_dict_is_told_to_return_the_array_alone(tmp_path):
    """A trial's Dense.backward returned (dx, gradients): the hint said np.array(...) turns the tuple into an array,
    which raises for that pair. It now says to return the array alone (np.array only for a tuple of numbers), naming
    the item where it is the right value (helper-137)."""
    reference_with(tmp_path, "dense.py", "return (G @ W.T).reshape(x.shape)",
                   "return (G @ W.T).reshape(x.shape), gradients")
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    said = next(r.output for r in report.results if r.name == "Dense.backward: dx on a batch [N, in_dim]")
    assert "returned a tuple whose item 0 is the right value here" in said and "return its item 0 alone" in said, said


def test_a_forged_key_error_message_costs_what_the_same_slip_without_it_costs(tmp_path):
    """helper-83: code that rewrote the worker's KeyError messages to "'a', {[]: 1}" made the grader's reading of
    the keys raise TypeError, and every Dense test read "the grader failed" (64 points against 91.5). The message is
    the worker's word: unreadable, the keys are unknown."""
    slip = ("        return y, {}\n", "        if x.ndim == 2 and x.shape[0] == 1:\n            y = y + 1.0\n"
                                     "        return y, {}\n")
    honest = grade(reference_with(tmp_path / "honest", "dense.py", *slip),
                   checks=[c for c in TESTS if c.cls == "Dense"])
    forging = reference_with(tmp_path / "forging", "dense.py", *slip)
    dense = forging / "nn" / "dense.py"
    dense.write_text("import sys as _sys\n_w = _sys.modules.get('__main__')\n"
                     "if _w is not None and hasattr(_w, '_error'):\n"
                     "    _own = _w._error\n"
                     "    def _forged(exc, op, _own=_own):\n"
                     "        found = _own(exc, op)\n"
                     "        if isinstance(exc, KeyError):\n"
                     "            found['msg'] = \"'a', {[]: 1}\"\n"
                     "        return found\n"
                     "    _w._error = _forged\n" + dense.read_text())
    report = grade(forging, checks=[c for c in TESTS if c.cls == "Dense"])
    assert not [r for r in report.results if "grader failed" in r.output], explain(report.results)
    assert report.score == honest.score < 100


@pytest.mark.parametrize("edit", [
    ('diff = cache["diff"]\n', 'diff = cache.pop("diff")\n'),  # (taken out first: the second call raises KeyError)
    ('diff = cache["diff"]\n', 'if cache.get("used"):\n            raise RuntimeError("cache used twice")\n'
                               '        cache["used"] = True\n        diff = cache["diff"]\n'),
], ids=["pop", "refuses"])
def test_a_backward_that_changes_its_cache_loses_its_point_even_where_a_second_call_raises(edit, tmp_path):
    """helper-92: MSE.backward scaling the cached difference in place failed "does not modify ... the cache", but the
    same after cache.pop (or with a guard refusing a cache used before) passed, as a second call that raised was not
    judged. The writeup says backward may be called again with the same cache: one that raises fails too."""
    root = reference_with(tmp_path, "losses.py", *edit)
    path = root / "nn" / "losses.py"
    path.write_text(path.read_text().replace("        return 2.0 * diff / diff.size\n",
                                             "        diff *= 2.0 / diff.size\n        return diff\n", 1))
    report = grade(root, [c for c in TESTS if c.cls == "MSE"])
    lost = [r for r in report.results if not r.passed]
    assert [r.name for r in lost] == ["MSE.backward: does not modify y_pred, y_true or the cache"], explain(lost)
    assert "given the same cache again" in lost[0].output and "no cache.pop" in lost[0].output, lost[0].output


def test_the_keys_a_backward_stored_are_read_before_any_other_call_of_its_code(tmp_path):
    """helper-92: a Dense.backward that stored an extra key, kept the dict on self and took the key out when called
    again got its "nothing else" point back (98 -> 100): the keys were read last, after later calls."""
    reference_with(tmp_path, "dense.py", "        return (G @ W.T).reshape(x.shape)\n",
                   "        dx = (G @ W.T).reshape(x.shape)\n"
                   "        prev = getattr(self, '_prev', None)\n"
                   "        if prev is not None:\n"
                   "            prev.pop(f'{self.name}/x', None)\n"
                   "        else:\n"
                   "            gradients[f'{self.name}/x'] = dx\n"
                   "        self._prev = gradients\n"
                   "        return dx\n")
    report = grade(tmp_path, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name: r for r in report.results if not r.passed}
    nothing_else = [name for name in lost if "gradients['{name}/b']" in name or "no b gradient" in name]
    assert nothing_else and any("/x" in lost[name].output for name in nothing_else), explain(list(lost.values()))


def test_a_row_value_that_lost_its_axis_is_told_to_keep_it(tmp_path):
    """helper-100: CrossEntropy.forward shifting by y_pred.max(axis=1), keepdims forgotten, raised "operands could not
    be broadcast together with shapes (3,4) (3,)" on most batches, and no test said why."""
    root = reference_with(tmp_path, "losses.py", "y_pred.max(axis=1, keepdims=True)", "y_pred.max(axis=1)")
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    crashed = [r for r in report.results if "could not be broadcast" in r.output and r.outcome is Outcome.FAILED]
    assert crashed and all("keepdims=True" in r.output for r in crashed), explain(crashed)  # (a test that waits for
    # forward, "not run: needs CrossEntropy.forward, but ...", says what forward raised: forward's tests say why)


def test_a_gradients_dict_rebound_in_backward_is_charged_by_the_tests_of_its_keys_alone(tmp_path):
    """helper-166: `gradients = {name/W: ...}` in backward (a local name: the grader's dict stays empty) failed the W and
    b tests, with a hint; the use_bias=False test, whose dW those re-read, charged it again with "gradients holds -1
    more key(s) besides 'Dense/W'". A dict holding fewer keys than the test expects is the tests of those keys' to
    charge."""
    root = reference_with(tmp_path, "dense.py", 'gradients[f"{self.name}/W"] = X.T @ G',
                          'gradients = {f"{self.name}/W": X.T @ G}')
    report = grade(root, [c for c in TESTS if c.cls == "Dense"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"Dense.backward: gradients['{name}/W'] on a batch",
                         "Dense.backward: gradients['{name}/b'] on a batch"}, lost
    assert not any("more key" in output for output in lost.values()), lost


@pytest.mark.parametrize("replace", ["y = np.exp(-np.logaddexp(0.0, -x.reshape(x.shape[0], -1)))",
                                     "y = np.array([[np.exp(-np.logaddexp(0.0, -x[i, j])) for j in range(x.shape[1])]"
                                     " for i in range(x.shape[0])])"], ids=["reshaped to 2-d", "a loop over i, j"])
def test_an_activation_written_for_two_dimensions_only_is_told_it_takes_any_shape(tmp_path, replace):
    """helper-166: a Sigmoid forward written for [N, C] alone (a loop over two indices, a reshape to two dimensions)
    raised IndexError, or gave y another shape, on one sample [C] and on three dimensions, with no hint (Dense's
    forward says what it takes). The forward test now says so."""
    root = reference_with(tmp_path, "activations.py", "y = np.exp(-np.logaddexp(0.0, -x))", replace)
    report = grade(root, [c for c in TESTS if c.cls == "Sigmoid"])
    output = {r.name: r.output for r in report.results}["Sigmoid.forward: y = 1 / (1 + exp(-x))"]
    assert "an activation takes x of any shape" in output, output


def test_a_loss_backward_wrong_on_large_batches_alone_fails_the_hidden_test_alone(tmp_path):
    """helper-169: a hidden large-batch test that judged backward given an empty cache where forward raised (7bb4850,
    reverted) failed the grader itself where backward was wrong there ("the grader failed on this test" in all 11
    CrossEntropy tests, 78 where 98 was due), and let a forward raising on purpose on large batches keep a backward
    wrong there its points. A backward wrong on large batches alone loses the hidden test, and only it."""
    root = reference_with(tmp_path, "losses.py", 'return (cache["probs"] - y_true) / y_pred.shape[0]',
                          'return (cache["probs"] - y_true) / y_pred.shape[0] * (1.1 if len(y_pred) >= 32 else 1.0)')
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    lost = {r.name: r.output for r in report.results if not r.passed}
    assert set(lost) == {"CrossEntropy.backward: large batches and many classes"}, lost
    assert "grader failed" not in lost["CrossEntropy.backward: large batches and many classes"], lost


@pytest.mark.parametrize("cls, find", [("MSE", "        diff = cache[\"diff\"]\n        return 2.0 * diff / diff.size\n"),
                                       ("CrossEntropy", '        return (cache["probs"] - y_true) / y_pred.shape[0]\n')])
def test_a_loss_backward_left_as_the_skeleton_is_not_attempted_in_every_test(tmp_path, cls, find):
    """helper-172: an unwritten loss backward (the skeleton's raise) read "failed ... raised NotImplementedError" in
    each of its tests, where an unwritten Dense.backward read "not attempted": the hidden large-batch test, its dL/dy_pred
    excused, passed on forward's loss, which counted as the method having worked."""
    root = reference_with(tmp_path, "losses.py", find,
                          f'        raise NotImplementedError("{cls}.backward is not implemented yet")\n')
    report = grade(root, [c for c in TESTS if c.cls == cls])
    backward = {r.name: r.outcome for r in report.results if r.name.startswith(f"{cls}.backward")}
    assert backward and set(backward.values()) == {Outcome.NOT_ATTEMPTED}, backward


OWN_SOFTMAX = ("e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))\n"
               "        return (e / e.sum(axis=1, keepdims=True) - y_true) / y_pred.shape[0]")


@pytest.mark.parametrize("backward, judged", [(OWN_SOFTMAX, True), ('(cache["probs"] - y_true) / y_pred.shape[0]', False)],
                         ids=["from y_pred", "from the cache"])
def test_a_loss_backward_that_needs_no_cache_is_judged_where_forward_raises(tmp_path, backward, judged):
    """helper-141: CrossEntropy.forward taking each row's max without keepdims raises on most inputs, and a right
    backward computing from y_pred alone lost its 12 points to "needs CrossEntropy.forward". Where forward raises,
    backward is also called with an empty cache: one that returns there has its value tests judged (and keeps their
    points); one that reads the cache is judged, as before, where forward returned one."""
    root = reference_with(tmp_path, "losses.py", "shifted = y_pred - y_pred.max(axis=1, keepdims=True)",
                          "shifted = y_pred - y_pred.max(axis=1)")
    path = root / "nn" / "losses.py"
    path.write_text(path.read_text().replace('return (cache["probs"] - y_true) / y_pred.shape[0]', f"return {backward}"
                                             if not backward.startswith("e =") else backward))
    report = grade(root, [c for c in TESTS if c.cls == "CrossEntropy"])
    results = {r.name: r for r in report.results}
    for name in ("CrossEntropy.backward: dL/dy_pred", "CrossEntropy.backward: finite for large logits"):
        assert results[name].passed is judged, (name, results[name].output)
        if not judged:  # (where forward runs, the cache it returns is wrong: the hint says so)
            assert "an empty cache" not in results[name].output, results[name].output
    assert not results["CrossEntropy.forward: loss, the mean over the batch"].passed
