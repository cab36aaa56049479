"""Tolerances and mistake diagnosis: a correct float32 answer passes, a relative error of 1e-3 in any
output fails, and a wrong answer a common mistake produces is named, with a pointer to the handout."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import runner
from autograder.compare import EXACT, Failure, expect
from autograder.report import Outcome
from tests.catalogue import Edit, Entry, entries, lost_by, materialize
from tests.test_grading import ALL_CHECKS as CHECKS, FAST, grade

values = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=8),
                    elements=st.floats(-1e3, 1e3, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-3))


def diagnosis(got, expected, **options) -> str:
    with pytest.raises(Failure) as failed:
        expect("dLdW", got, expected, **options)
    return failed.value.hint


@settings(max_examples=60, deadline=None)
@given(values)
def test_float32_rounding_passes_and_a_relative_error_of_1e_3_fails(expected):
    expect("Z", expected.astype(np.float32), expected)
    if np.any(expected):
        with pytest.raises(Failure):
            expect("Z", expected * (1 + 1e-3), expected)


def test_transposed_scaled_and_sign_flipped_answers_are_named_with_a_handout_pointer():
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    assert diagnosis(expected.T, expected) == ("dLdW equals the expected value transposed: dLdW must have shape "
                                               "(2, 3) (see the handout's Shapes table)")
    assert "N = 4 times the expected value" in diagnosis(expected * 4, expected, batch=4)
    assert "divided by N = 4 once more" in diagnosis(expected / 4, expected, batch=4)
    assert "opposite sign" in diagnosis(-expected, expected)
    assert "handout's math section" in diagnosis(-expected, expected)


def test_no_diagnosis_when_no_known_mistake_matches():
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    assert diagnosis(expected + 0.5, expected, batch=4) == ""
    assert diagnosis(np.ones((2, 3)), np.zeros((2, 3)), batch=4) == ""  # every transform of zeros is zeros


# (mutant, the test it fails first, words its diagnosis must hold)
DIAGNOSED = [
    ("linear_dLdW_transposed", "Linear.backward: dLdW", "your dLdW is transposed: it must have W's shape (C_out, C_in)"),
    ("linear_dLdW_div_N", "Linear.backward: dLdW", "dLdW is divided by N"),
    ("linear_b_1d", "Linear.__init__", "it must be a column"),
    ("linear_dLdb_wrong_axis", "Linear.backward: dLdb", "over the features (axis=1)"),
    ("linear_no_bias", "Linear.forward: output Z", "has no bias term"),
    ("relu_derivative_ge_zero", "ReLU.backward: derivative is 0 at exactly Z = 0", "not 0 at Z = 0"),
    ("relu_abs", "ReLU.forward", "your A is |Z|"),
    ("relu_backward_in_place", "ReLU.backward: does not modify dLdA", "set dLdA's entries to 0 in place"),  # (helper-137)
    ("relu_mask_inverted", "ReLU.backward: dLdZ", "your mask is inverted"),  # (its smallest failing input, every Z
    # negative, fits "dLdA unmasked" too: the larger ones tell the two apart)
    ("softmax_backward_no_outer", "Softmax.backward: dLdZ", "your Jacobian is diag(a) alone"),
    ("softmax_backward_diag_of_column", "Softmax.backward: dLdZ", "np.diag returns the diagonal"),  # (helper-146)
    ("gelu_backward_minus_z_pdf", "GELU.backward: dLdZ", "your dA/dZ subtracts Z * pdf(Z)"),  # (helper-146)
    ("sgd_step_updates_copies", "SGD.step: W without momentum", "never change"),  # (helper-151)
    ("sgd_momentum_dampened", "SGD.step: W with momentum", "an exponential average"),  # (helper-151)
    ("mse_half_convention", "MSELoss.forward: loss", "half the mean squared error"),  # (helper-151)
    ("mse_loss_per_sample_column", "MSELoss.forward: loss", "one value per sample"),  # (helper-150)
    ("ce_loss_per_sample_over_N", "CrossEntropyLoss.forward: loss", "each sample's share of the mean"),  # (helper-150)
    ("softmax_backward_sum_without_A", "Softmax.backward: dLdZ", "your row sums are of dLdA alone"),  # (helper-91)
    ("ce_softmax_axis0", "CrossEntropyLoss.forward: loss", "(axis=1)"),
    ("bn_eval_updates_first", "BatchNorm1d.forward: evaluation output uses the running statistics",
     "first updated with this batch"),
    ("ce_lse_of_unshifted", "CrossEntropyLoss.forward: loss", "shift both or neither"),  # (and so a right backward
    # behind it, which passed only where dLdA is 0, is credited: the class's forward has a slip, not constants)
    ("ce_unstable_softmax", "CrossEntropyLoss.forward: finite for large logits", "subtract each row's max"),
    ("ce_loss_per_sample", "CrossEntropyLoss.forward: loss", "a scalar"),
    ("ce_backward_missing_N", "CrossEntropyLoss.backward: dLdA", "not divided by N"),
    ("ce_backward_div_C", "CrossEntropyLoss.backward: dLdA", "divided by C, the number of classes"),  # (helper-91)
    ("ce_loss_divided_by_C", "CrossEntropyLoss.forward: loss", "divided by C, the number of classes"),  # (helper-97)
    ("sgd_last_layer_skipped", "SGD.step: W without momentum", "leaves the last layer as it was"),  # (helper-97)
    ("gelu_pdf_precedence", "GELU.backward: dLdZ", "the constant of your pdf term is pi / sqrt(2)"),  # (helper-97)
    ("ce_softmax_not_normalised", "CrossEntropyLoss.backward: dLdA", "your softmax is not normalised"),  # (helper-96)
    ("mse_backward_div_N_squared", "MSELoss.backward: dLdA", "divided by N * N"),  # (helper-91)
    ("ce_backward_sign_flipped", "CrossEntropyLoss.backward: dLdA", "wrong sign"),
    ("ce_backward_times_two", "CrossEntropyLoss.backward: dLdA", "the factor 2 is MSELoss's"),  # (helper-215)
    # smooth activations
    ("identity_backward_ones", "Identity.backward: dLdZ", "dA/dZ alone"),
    ("sigmoid_forward_sign", "Sigmoid.forward: output A", "the exponent's sign is wrong"),
    ("sigmoid_backward_uses_Z", "Sigmoid.backward: dLdZ", "uses Z where it needs A"),
    ("tanh_exp_formula", "Tanh.forward: finite for large inputs", "inf / inf = NaN; use np.tanh(Z)"),
    ("tanh_backward_no_square", "Tanh.backward: dLdZ", "the square is missing"),
    ("gelu_backward_no_Z_pdf", "GELU.backward: dLdZ", "missing the Z * pdf term"),
    ("gelu_backward_uses_A", "GELU.backward: dLdZ", "uses A, GELU's output, where it needs Z"),  # (helper-78)
    ("gelu_erf_without_sqrt2", "GELU.forward: output A", "uses erf(Z / sqrt(2))"),
    ("gelu_tanh_cdf_reused", "GELU.forward: output A", "the tanh approximation of GELU"),  # (helper-117)
    ("gelu_backward_tanh_slope", "GELU.backward: dLdZ", "the derivative of the tanh approximation"),  # (helper-143)
    # at the first step W stays as it was, as a step that updates a copy leaves it: the second step tells the two
    # apart, and names the mistake at the first
    ("sgd_velocity_updated_after_use", "SGD.step: W with momentum", "uses the velocity before updating it"),
]


@pytest.mark.parametrize("name, test, words", DIAGNOSED, ids=[d[0] for d in DIAGNOSED])
def test_a_common_mistake_is_named_in_plain_words(name, test, words, tmp_path):
    entry = next(e for e in entries("buggy") if e.name == name)
    report = grade(entry, tmp_path)  # (the classes it can change: the others are the reference's code)
    result = next(r for r in report.results if r.name.startswith(test))
    assert result.outcome is Outcome.FAILED
    hint = next(line for line in result.output.splitlines() if line.startswith("hint:"))
    assert words in hint and "handout" in hint
    if name in ONE_SLIP:  # (named, a slip costs its value test alone: its method's other tests are credited)
        assert [r.name for r in report.results if not r.passed] == [result.name], report.results


ONE_SLIP = {"gelu_pdf_precedence", "ce_loss_divided_by_C", "gelu_backward_tanh_slope", "gelu_backward_minus_z_pdf",
            "softmax_backward_diag_of_column", "ce_loss_per_sample", "mse_half_convention", "mse_loss_per_sample_column",
            "ce_loss_per_sample_over_N"}  # (helper-97, with no hint: GELU's others "not credited")


def test_the_class_relu_in_an_mlps_layers_is_told_to_be_an_object(tmp_path):
    """`self.layers += [Linear(c_in, c_out), ReLU]` (no parentheses) was told it shared one object at several places,
    and in MLP0 that its activation was "a class of your own" (helper-91): it is the class, not an object of it."""
    entry = next(e for e in entries("buggy") if e.name == "mlp4_relu_class_not_object")
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission=entry.name, limits=FAST,
                          checks=[c for c in CHECKS if c.cls == "MLP4"])
    (lost,) = [r for r in report.results if not r.passed]
    assert lost.name.startswith("MLP4.__init__") and "is a class itself, not a layer object" in lost.output
    assert "append ReLU(), an object made from the class" in lost.output and "several places" not in lost.output


# Every output of the reference, scaled by 1 + 1e-3: (file, find, replace, the test that must fail).
SCALED = [
    ("nn/linear.py", "return A @ self.W.T + ones @ self.b.T", "return (A @ self.W.T + ones @ self.b.T) * 1.001",
     "Linear.forward: output Z"),
    ("nn/linear.py", "        return dLdA\n", "        return dLdA * 1.001\n", "Linear.backward: dLdA"),
    ("nn/linear.py", "self.dLdW = dLdZ.T @ self.A", "self.dLdW = dLdZ.T @ self.A * 1.001", "Linear.backward: dLdW"),
    ("nn/linear.py", "self.dLdb = dLdZ.T @ ones", "self.dLdb = dLdZ.T @ ones * 1.001", "Linear.backward: dLdb"),
    ("nn/activation.py", "np.maximum(0, Z)\n        return self.A\n", "np.maximum(0, Z)\n        return self.A * 1.001\n",
     "ReLU.forward: output A"),
    ("nn/activation.py", "return dLdA * (self.A > 0)", "return dLdA * (self.A > 0) * 1.001", "ReLU.backward: dLdZ"),
    ("nn/loss.py", "return float(-(Y * log_softmax).sum() / self.N)",
     "return float(-(Y * log_softmax).sum() / self.N) * 1.001", "CrossEntropyLoss.forward: loss"),
    ("nn/loss.py", "return (self.softmax - self.Y) / self.N", "return (self.softmax - self.Y) / self.N * 1.001",
     "CrossEntropyLoss.backward: dLdA"),
    # smooth activations
    ("nn/activation.py", "self.A = np.array(Z, dtype=float)", "self.A = np.array(Z, dtype=float) * 1.001",
     "Identity.forward: output A"),
    ("nn/activation.py", "return dLdA * np.ones_like(self.A)", "return dLdA * np.ones_like(self.A) * 1.001",
     "Identity.backward: dLdZ"),
    ("nn/activation.py", "self.A = 1 / (1 + np.exp(-Z))", "self.A = 1.001 / (1 + np.exp(-Z))", "Sigmoid.forward: output A"),
    ("nn/activation.py", "return dLdA * (self.A - self.A * self.A)", "return dLdA * (self.A - self.A * self.A) * 1.001",
     "Sigmoid.backward: dLdZ"),
    ("nn/activation.py", "self.A = np.tanh(Z)", "self.A = np.tanh(Z) * 1.001", "Tanh.forward: output A"),
    ("nn/activation.py", "return dLdA * (1 - self.A * self.A)", "return dLdA * (1 - self.A * self.A) * 1.001",
     "Tanh.backward: dLdZ"),
    ("nn/activation.py", "self.A = self.Z * self.cdf", "self.A = self.Z * self.cdf * 1.001", "GELU.forward: output A"),
    ("nn/activation.py", "return dLdA * (self.cdf + self.Z * pdf)", "return dLdA * (self.cdf + self.Z * pdf) * 1.001",
     "GELU.backward: dLdZ"),
]


@pytest.mark.parametrize("file, find, replace, test", SCALED, ids=[s[3] for s in SCALED])
def test_a_relative_error_of_1e_3_in_any_output_fails_its_test(file, find, replace, test, tmp_path):
    entry = Entry(name="scaled", kind="buggy", description="one output off by 1e-3", blame=(test.split(".")[0],),
                  max_score=None, honest_classes=(), edits=(Edit(file, find, replace),))
    report = grade(entry, tmp_path)
    assert next(r for r in report.results if r.name.startswith(test)).outcome is Outcome.FAILED


TRIAL_SLIPS = [  # (one-line slips trials met with no hint, helper-109, 111, 114, 115: the test they fail names them,
    # and no other test fails)
    ("sgd_b_velocity_from_W", "SGD.step: b with momentum", "your b's velocity is built from W's"),
    ("sgd_nesterov", "SGD.step: W with momentum", "Nesterov's momentum"),  # (helper-174: this and the next two)
    ("ce_backward_softmax_whole_array", "CrossEntropyLoss.backward: dLdA", "taken over the whole array"),
    ("mse_difference_squared_in_place", "MSELoss.backward: dLdA", "or forward squared in place the difference"),
    ("softmax_jacobian_inner_product", "Softmax.backward: dLdZ", "subtracts a @ a, one number"),
    ("mse_N_from_columns", "MSELoss.forward: loss", "the N of N * C is the batch size, A.shape[0]"),
    ("ce_backward_Y_alone_over_N", "CrossEntropyLoss.backward: dLdA", "only your Y is divided by N"),
    ("gelu_backward_pdf_term_outside", "GELU.backward: dLdZ", "only your cdf term is multiplied by dLdA"),
    ("ce_softmax_sum_of_whole_batch", "CrossEntropyLoss.forward: loss", "a sum over every entry of A"),
    ("ce_forward_stores_A_as_Y", "CrossEntropyLoss.backward: dLdA", "does forward store self.Y = Y?"),
    ("mse_norm_not_squared", "MSELoss.forward: loss", "uses the norm of A - Y"),
    ("linear_stores_output_as_A", "Linear.forward: stores A and N", "your self.A is forward's output Z"),
    ("mse_backward_times_C", "MSELoss.backward: dLdA", "multiplied by C where it is divided"),
    ("mse_forward_times_C", "MSELoss.forward: loss", "multiplied by C where it is divided"),
    ("softmax_returns_unnormalised", "Softmax.forward: output A", "returns exp(Z - max) before it is divided"),
    ("bn_dLdBW_over_features", "BatchNorm1d.backward: dLdBW", "sums dLdBZ * NZ over the features (axis=1"),
    ("bn_dLdBW_no_axis", "BatchNorm1d.backward: dLdBW", "your dLdBW is one number, the sum over every entry"),
    ("bn_dLdBb_keepdims_no_axis", "BatchNorm1d.backward: dLdBb", "np.sum(dLdBZ, axis=0, keepdims=True)"),
    ("sgd_b_moved_by_W_velocity", "SGD.step: b with momentum", "your b moves by W's velocity"),
    ("sgd_b_by_dLdW", "SGD.step: b without momentum", "your b moves by W's gradient"),
    # (helper-180: behind a forward within tolerance but not within 1e-6, its every input was left to forward's test,
    # which passed: backward's tests were "not credited", the tests owning dLdZ failed too, and the hint never shown)
    ("gelu_approximate_erf_no_z_pdf", "GELU.backward: dLdZ", "missing the Z * pdf term"),
    # (helper-182: these three had no hint, or a wrong one, and the first two lost 2 and 3 points more as "not
    # credited")
    ("softmax_forward_whole_array", "Softmax.forward: output A", "taken over the whole array"),
    ("ce_backward_softmax_of_softmax", "CrossEntropyLoss.backward: dLdA", "the softmax of the softmax"),
    ("mse_stores_difference_as_A", "MSELoss.backward: dLdA", "does forward store the difference as self.A"),
    # (helper-174, helper-185: both scored 100, as backward is graded on the state the grader sets)
    ("bn_bz_computed_in_nz", "BatchNorm1d.forward: keeps what backward reads, through evaluation mode",
     "your self.NZ holds BZ"),
    ("bn_eval_stores_nz", "BatchNorm1d.forward: keeps what backward reads, through evaluation mode",
     "evaluation mode changes what backward reads"),
    ("bn_forward_does_not_store_N", "BatchNorm1d.forward: keeps what backward reads, through evaluation mode",
     "forward does not store self.N"),
    ("bn_forward_keeps_first_N", "BatchNorm1d.forward: keeps what backward reads, through evaluation mode",
     "keeps an earlier batch's"),
]


@pytest.mark.parametrize("name, test, words", TRIAL_SLIPS, ids=[m[0] for m in TRIAL_SLIPS])
def test_a_slip_a_trial_met_is_named_by_the_one_test_it_fails(name, test, words, tmp_path):
    entry = next(e for e in entries("buggy") if e.name == name)
    checks = [c for c in runner.assignments.get().checks() if c.cls == entry.blame[0]]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    lost = [r for r in report.results if r.outcome is not Outcome.PASSED]
    assert [r.name for r in lost] == [test], [(r.name, r.output) for r in lost]
    assert words in lost[0].output, lost[0].output


# ------------------------------------------------------------------ BatchNorm1d

BATCHNORM_DIAGNOSED = [
    ("bn_dLdBW_dLdBb_swapped", "BatchNorm1d.backward: dLdBW", "are the two swapped?"),
    ("bn_eval_last_batch_stats", "BatchNorm1d.forward: evaluation output", "the M and V of the last training batch"),
    ("bn_eval_ignored", "BatchNorm1d.forward: evaluation updates no running statistic", "nothing is updated"),
    ("bn_running_from_NZ", "BatchNorm1d.forward: running statistics", "not of NZ"),
    ("bn_var_ddof1", "BatchNorm1d.forward: training output BZ", "ddof=1"),
    ("bn_var_not_divided_by_N", "BatchNorm1d.forward: training output BZ", "sum of the squared deviations"),
    ("bn_var_is_std", "BatchNorm1d.forward: training output BZ", "your V is the standard deviation"),
    ("bn_mean_no_axis", "BatchNorm1d.forward: training output BZ", "your M is taken over the whole array (no axis)"),
    ("bn_running_V_starts_at_zero", "BatchNorm1d.forward: running statistics", "does not start at 1"),
    ("bn_running_var_unbiased", "BatchNorm1d.forward: running statistics", "uses the unbiased variance"),
    ("bn_alpha_swapped", "BatchNorm1d.forward: running statistics", "alpha and 1 - alpha are swapped"),
    ("bn_alpha_hardcoded", "BatchNorm1d.forward: running statistics", "use self.alpha"),
    ("bn_backward_no_mean_term", "BatchNorm1d.backward: dLdZ", "lacks the term -mean(dLdNZ)"),
    ("bn_backward_no_scale_term", "BatchNorm1d.backward: dLdZ", "lacks the term -NZ * mean(dLdNZ * NZ)"),
    ("bn_dLdBW_not_summed", "BatchNorm1d.backward: dLdBW", "not summed"),
    ("bn_backward_sums_scale_term", "BatchNorm1d.backward: dLdZ", "NZ * the sum of dLdNZ * NZ"),  # (helper-87)
    ("bn_backward_mean_no_axis", "BatchNorm1d.backward: dLdZ", "a mean in your dLdZ is taken over"),  # (helper-154)
    ("bn_backward_mean_axis1", "BatchNorm1d.backward: dLdZ", "a mean in your dLdZ is taken over"),  # (helper-146)
]


@pytest.mark.parametrize("name, test, words", BATCHNORM_DIAGNOSED, ids=[d[0] for d in BATCHNORM_DIAGNOSED])
def test_a_common_batchnorm_mistake_is_named_in_plain_words(name, test, words, tmp_path):
    test_a_common_mistake_is_named_in_plain_words(name, test, words, tmp_path)


BATCHNORM_SCALED = [
    ("        return self.BZ\n", "        return self.BZ * 1.001\n", "BatchNorm1d.forward: training output BZ"),
    ("(1 - self.alpha) * self.M", "(1 - self.alpha) * self.M * 1.001", "BatchNorm1d.forward: running statistics"),
    ("            return self.BW * NZ + self.Bb\n", "            return (self.BW * NZ + self.Bb) * 1.001\n",
     "BatchNorm1d.forward: evaluation output"),
    ("return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps)",
     "return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps) * 1.001", "BatchNorm1d.backward: dLdZ"),
    ("self.dLdBW = np.sum(dLdBZ * self.NZ, axis=0, keepdims=True)",
     "self.dLdBW = np.sum(dLdBZ * self.NZ, axis=0, keepdims=True) * 1.001", "BatchNorm1d.backward: dLdBW"),
    ("self.dLdBb = np.sum(dLdBZ, axis=0, keepdims=True)", "self.dLdBb = np.sum(dLdBZ, axis=0, keepdims=True) * 1.001",
     "BatchNorm1d.backward: dLdBb"),
]


@pytest.mark.parametrize("find, replace, test", BATCHNORM_SCALED, ids=[s[2] for s in BATCHNORM_SCALED])
def test_a_relative_error_of_1e_3_in_any_batchnorm_output_fails_its_test(find, replace, test, tmp_path):
    test_a_relative_error_of_1e_3_in_any_output_fails_its_test("nn/batchnorm.py", find, replace, test, tmp_path)


@pytest.mark.parametrize("seed", [0, 2])
def test_a_hint_that_fits_the_input_shown_only_by_coincidence_is_not_given(seed, tmp_path):
    """GELU's pdf over sqrt(pi): near Z = 0 its dA/dZ has the numbers of an erf(Z) mistake (the smallest failing
    input, Z = 0.0087 at seed 0, fits it), but the larger failing inputs, which tell the two apart, fit neither. A
    hint naming a mistake the student did not make is worse than none."""
    entry = next(e for e in entries("buggy") if e.name == "gelu_pdf_over_sqrt_pi")
    report = grade(entry, tmp_path, seed=seed)
    result = next(r for r in report.results if r.name == "GELU.backward: dLdZ")
    assert result.outcome is Outcome.FAILED
    assert "erf(Z)" not in result.output, result.output


def test_a_number_changed_below_six_digits_is_shown_changed():
    """An argument clipped in place to 1 - 1e-7 is not "got 1, expected 1": as many digits as tell them apart."""
    with pytest.raises(Failure, match=r"got 0\.9999999, expected 1 "):
        expect("predict after forward", np.array([[1 - 1e-7]]), np.array([[1.0]]), EXACT)


def test_an_sgd_failure_lists_the_gradients_the_layers_were_given(tmp_path):
    """SGD is graded on plain layers the grader fills: each step's gradients are set as `layers[0].dLdW = dLdW1[0]`
    (a slice of the case's array of every step's). The failing input lists them with W and b (a trial's student
    could not redo the step by hand from W1 and b1 alone)."""
    sub = materialize(next(e for e in entries("buggy") if e.name == "sgd_velocity_not_kept"), tmp_path / "sub")
    checks = [c for c in runner.assignments.get().checks() if c.cls == "SGD"]
    report = runner.grade(sub, seed=0, submission="s", limits=FAST, checks=checks)
    failed = [r for r in report.results if r.outcome is Outcome.FAILED]
    assert failed
    for result in failed:
        listed = result.output.split("failing input", 1)[1].split("replay:", 1)[0]
        assert "calls:" in result.output and "W1 (" in listed and "dLdW1 (" in listed, result.output


def test_an_sgd_step_that_keeps_only_b_s_velocity_is_told_so_for_w_and_its_failure_shows_lr_and_mu(tmp_path):
    """A trial's step computed W's velocity into a local variable and kept b's on self: the velocity mistakes were
    modelled on W and b together, so b's right values ruled them out and W's failure had no hint; and the optimizer's
    construction, between the first and the last steps of the calls line, was cut, so its lr and mu were not shown."""
    edit = Edit("optim/sgd.py", """                self.v_W[i] = self.mu * self.v_W[i] + layer.dLdW
                self.v_b[i] = self.mu * self.v_b[i] + layer.dLdb
                layer.W = layer.W - self.lr * self.v_W[i]
""", """                v_W = self.mu * self.v_W[i] + layer.dLdW
                self.v_b[i] = self.mu * self.v_b[i] + layer.dLdb
                layer.W = layer.W - self.lr * v_W
""")
    entry = Entry(name="sgd_w_velocity_local", kind="buggy", description="W's velocity not kept", blame=("SGD",),
                  max_score=None, honest_classes=(), edits=(edit,))
    checks = [c for c in runner.assignments.get().checks() if c.cls == "SGD"]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    outcome = {r.name: r for r in report.results}
    assert [name for name, r in outcome.items() if r.outcome is not Outcome.PASSED] == ["SGD.step: W with momentum"]
    output = outcome["SGD.step: W with momentum"].output
    assert "hint: your velocity starts from zero at every step" in output and "self.v_W[i]" in output, output
    calls = next(line for line in output.splitlines() if line.strip().startswith("calls:"))
    assert re.search(r"; SGD\(model, [0-9.e-]+, [0-9.e-]+\); ", calls) and "more ..." in calls, calls


def test_an_sgd_step_moving_b_by_its_gradient_alone_is_told_to_move_it_by_the_velocity(tmp_path):
    """helper-102: with momentum, b -= lr * dLdb (v_b kept right, never used) has the numbers of a velocity started
    from zero at every step, and the hint said only that, to a student whose velocity was right."""
    edit = Edit("optim/sgd.py", "                layer.b = layer.b - self.lr * self.v_b[i]\n",
                "                layer.b = layer.b - self.lr * layer.dLdb\n")
    entry = Entry(name="sgd_b_by_gradient", kind="buggy", description="b not moved by its velocity", blame=("SGD",),
                  max_score=None, honest_classes=(), edits=(edit,))
    checks = [c for c in runner.assignments.get().checks() if c.cls == "SGD"]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    failed = [r for r in report.results if r.outcome is not Outcome.PASSED]
    assert [r.name for r in failed] == ["SGD.step: b with momentum"], failed
    assert "your b moves by lr * dLdb alone" in failed[0].output and "b = b - lr * self.v_b[i]" in failed[0].output


def test_a_loss_backward_of_the_wrong_shape_points_at_what_forward_stores_too(tmp_path):
    """A forward whose softmax sum forgot keepdims raises on most batches, and on one-class batches stores a softmax of
    shape (N, N): its correct backward returns that shape. The failure said only "shape mismatch", sending the student
    to a backward with nothing wrong in it; then a hint named forward's stored arrays too; now backward's test is not
    charged there (the loss is right by chance on such a batch, and forward's loss test fails: helper-214) and waits
    for forward, which it names, with the input forward raised on."""
    edit = Edit("nn/loss.py", "np.log(np.exp(shifted).sum(axis=1, keepdims=True))", "np.log(np.exp(shifted).sum(axis=1))")
    entry = Entry(name="ce_forward_no_keepdims", kind="buggy", description="softmax sum without keepdims",
                  blame=("CrossEntropyLoss",), max_score=None, honest_classes=(), edits=(edit,))
    checks = [c for c in runner.assignments.get().checks() if c.cls == "CrossEntropyLoss"]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    output = next(r for r in report.results if r.name == "CrossEntropyLoss.backward: dLdA").output
    assert output.startswith("not run: needs CrossEntropyLoss.forward") and "failing input:" in output, output


def test_a_backward_reading_what_its_forward_never_stored_is_told_to_store_it(tmp_path):
    """A trial's GELU.forward computed Z into a local name, and backward read self.Z: the failure said only that
    backward raised AttributeError, on a line of backward that is right."""
    edit = Edit("nn/activation.py", """        self.Z = np.array(Z, dtype=float)
        erf = np.vectorize(math.erf, otypes=[float])(self.Z / math.sqrt(2))
""", """        Zf = np.array(Z, dtype=float)
        erf = np.vectorize(math.erf, otypes=[float])(Zf / math.sqrt(2))
""")
    edit2 = Edit("nn/activation.py", "self.A = self.Z * self.cdf", "self.A = Zf * self.cdf")
    entry = Entry(name="gelu_z_not_stored", kind="buggy", description="forward keeps Z in a local name",
                  blame=("GELU",), max_score=None, honest_classes=(), edits=(edit, edit2))
    checks = [c for c in runner.assignments.get().checks() if c.cls == "GELU"]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    output = next(r for r in report.results if r.name == "GELU.backward: dLdZ").output
    assert "hint: GELU.backward reads self.Z, which this GELU never got: store it on self" in output, output


def test_a_backward_left_out_behind_a_forward_that_raised_is_not_told_to_store_what_it_stores(tmp_path):
    """A loss's forward that subtracts the row max without keepdims raises on most batches, before it stores its
    softmax; its backward, which reads that softmax, then raised AttributeError. The hidden test left those inputs out
    but said "reads self.softmax, which this CrossEntropyLoss never got: store it on self", to code that stores it
    (helper-197): the note says forward raised there."""
    edit = Edit("nn/loss.py", "shifted = A - A.max(axis=1, keepdims=True)", "shifted = A - A.max(axis=1)")
    entry = Entry(name="ce_forward_max_no_keepdims", kind="buggy", description="row max without keepdims",
                  blame=("CrossEntropyLoss",), max_score=None, honest_classes=(), edits=(edit,))
    checks = [c for c in CHECKS if c.cls == "CrossEntropyLoss"]
    report = runner.grade(materialize(entry, tmp_path), seed=0, submission="s", limits=FAST, checks=checks)
    output = next(r for r in report.results if r.name == "CrossEntropyLoss.backward: large batches and many classes").output
    assert "never got" not in output and "store it on self" not in output, output
    assert "forward raised on this input, so backward had nothing of it to use" in output, output


def test_a_batchnorm_evaluation_failure_lists_the_running_statistics_the_grader_set(tmp_path):
    """Evaluation is graded after the grader sets running_M and running_V to what three correct training calls give:
    the failing input lists those values (a trial's student could not redo the evaluation by hand without them)."""
    sub = materialize(next(e for e in entries("buggy") if e.name == "bn_eval_ignored"), tmp_path / "sub")
    checks = [c for c in runner.assignments.get().checks() if c.name.startswith("BatchNorm1d.forward: evaluation")]
    report = runner.grade(sub, seed=0, submission="s", limits=FAST, checks=checks)
    failed = [r for r in report.results if r.outcome is Outcome.FAILED]
    assert failed
    for result in failed:
        assert "BatchNorm1d.running_M = running_M_of_3_correct_batches" in result.output, result.output
        listed = result.output.split("failing input", 1)[1].split("replay:", 1)[0]
        for name in ("running_M_of_3_correct_batches (", "running_V_of_3_correct_batches (", "Zeval ("):
            assert name in listed, result.output


def test_a_softmax_row_max_without_keepdims_is_named_where_numpy_broadcasts_it():
    """helper-121: `np.exp(Z - np.max(Z, axis=1))` raises unless C is 1 or N; with one class it gives an (N, N)
    softmax, the input the output test showed ("shape mismatch: got (2, 2), expected (2, 1)"), with no hint."""
    from types import SimpleNamespace

    from autograder.checks import softmax

    Z = np.array([[-0.1289], [-0.0156]])
    e = np.exp(Z - np.max(Z, axis=1))
    with pytest.raises(Failure) as failed:
        expect("A", e / e.sum(axis=1, keepdims=True), softmax.softmax(Z),
               known_wrong=softmax._output_mistakes(SimpleNamespace(Z=Z)))
    assert "shape mismatch" in failed.value.message and "np.max(Z, axis=1, keepdims=True)" in failed.value.hint


# (file, find, replace, class, test, words of its hint): one-line slips with no hint (helper-155), so no slip to the
# credit rule: every other test of the method read "not credited" (up to 3.5 points more). Named, the value tests
# alone are charged.
NAMED_SLIPS = [
    ("nn/batchnorm.py", "self.BZ = self.BW * self.NZ + self.Bb", "self.BZ = self.BW * self.NZ", "BatchNorm1d",
     "BatchNorm1d.forward: training output BZ", "your BZ is not shifted"),  # (helper-165: no hint on one sample)
    ("nn/batchnorm.py", "self.M = np.mean(Z, axis=0, keepdims=True)\n        self.V = np.var(Z, axis=0, keepdims=True)",
     "self.M = np.mean(Z, axis=1, keepdims=True)\n        self.V = np.var(Z, axis=1, keepdims=True)", "BatchNorm1d",
     "BatchNorm1d.forward: training output BZ", "features of each row (axis=1)"),  # (helper-165)
    ("nn/batchnorm.py", "return (dLdNZ - mean_term - scale_term) / np.sqrt(self.V + self.eps)",
     "return dLdNZ / np.sqrt(self.V + self.eps)", "BatchNorm1d", "BatchNorm1d.backward: dLdZ",
     "M and V depend on Z"),  # (helper-170: M and V taken as constants, no hint on its one-sample input)
    ("nn/activation.py", "return dLdA * (self.A > 0)", "return np.maximum(dLdA, 0) * (self.A > 0)", "ReLU",
     "ReLU.backward: dLdZ", "np.maximum(dLdA, 0)"),  # (helper-165)
    ("nn/activation.py", "return dLdA * (self.A - self.A * self.A)", "return dLdA * self.A - self.A * self.A",
     "Sigmoid", "Sigmoid.backward: dLdZ", "dLdA multiplies A alone"),  # (helper-165)
    ("nn/activation.py", "return dLdA * (1 - self.A * self.A)", "return dLdA * (1 - self.A) ** 2", "Tanh",
     "Tanh.backward: dLdZ", "(1 - A) ** 2"),  # (helper-165)
    ("nn/activation.py", "return dLdA * (self.cdf + self.Z * pdf)",
     "return dLdA * (0.5 + np.vectorize(math.erf)(self.Z / math.sqrt(2)) + self.Z * pdf)", "GELU", "GELU.backward: dLdZ",
     "0.5 + erf(Z / sqrt(2))"),  # (helper-161)
    ("nn/activation.py", "return dLdA * (self.cdf + self.Z * pdf)", "return dLdA * (self.cdf + self.Z / math.sqrt(2) * pdf)",
     "GELU", "GELU.backward: dLdZ", "1 / sqrt(2) of what it should be"),  # (helper-161)
    ("nn/linear.py", "return A @ self.W.T + ones @ self.b.T", "return A @ self.W.T - ones @ self.b.T", "Linear",
     "Linear.forward: output Z", "your Z subtracts the bias"),
    ("nn/activation.py", "self.A = 1 / (1 + np.exp(-Z))", "self.A = 1 / 1 + np.exp(-Z)", "Sigmoid",
     "Sigmoid.forward: output A", "bracket the denominator"),
    ("nn/activation.py", "self.A = 1 / (1 + np.exp(-Z))", "self.A = 1 / (1 - np.exp(-Z))", "Sigmoid",
     "Sigmoid.forward: output A", "your denominator subtracts exp(-Z)"),
    ("nn/activation.py", "return dLdA * (self.A - self.A * self.A)", "return dLdA * self.A * 1 - self.A", "Sigmoid",
     "Sigmoid.backward: dLdZ", "without brackets"),
    ("nn/activation.py", "return dLdA * (self.A - self.A * self.A)", "return dLdA * (self.A + self.A * self.A)",
     "Sigmoid", "Sigmoid.backward: dLdZ", "your dA/dZ is A + A * A"),
    ("nn/activation.py", "self.A = np.tanh(Z)", "self.A = np.tan(Z)", "Tanh", "Tanh.forward: output A", "np.tan(Z)"),
    ("nn/activation.py", "return dLdA * (1 - self.A * self.A)", "return dLdA * 1 - self.A * self.A", "Tanh",
     "Tanh.backward: dLdZ", "without brackets"),
    ("nn/activation.py", "self.A = np.maximum(0, Z)", "self.A = np.minimum(0, Z)", "ReLU", "ReLU.forward: output A",
     "np.minimum"),
    ("nn/activation.py", "            a = self.A[i]\n", "            a = self.A[0]\n", "Softmax", "Softmax.backward: dLdZ",
     "built from the first row"),
    ("nn/loss.py", "return float(np.sum((A - Y) ** 2) / (self.N * self.C))",
     "return float(np.sum(A - Y) ** 2 / (self.N * self.C))", "MSELoss", "MSELoss.forward: loss", "squares the sum"),
    ("nn/loss.py", "return float(np.sum((A - Y) ** 2) / (self.N * self.C))",
     "return float(np.sum((A - Y) * 2) / (self.N * self.C))", "MSELoss", "MSELoss.forward: loss", "multiplies A - Y by 2"),
    ("nn/loss.py", "return 2 * (self.A - self.Y) / (self.N * self.C)",
     "return 2 * (self.A - self.Y) ** 2 / (self.N * self.C)", "MSELoss", "MSELoss.backward: dLdA", "squares A - Y"),
    ("nn/loss.py", "return float(-(Y * log_softmax).sum() / self.N)", "return float(-(Y * self.softmax).sum() / self.N)",
     "CrossEntropyLoss", "CrossEntropyLoss.forward: loss", "where its log belongs"),
    ("nn/loss.py", "np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
     "np.log(np.exp(shifted)).sum(axis=1, keepdims=True)", "CrossEntropyLoss", "CrossEntropyLoss.forward: loss",
     "a log taken before the sum"),
    ("nn/loss.py", "return (self.softmax - self.Y) / self.N", "return (self.softmax - self.Y) // self.N",
     "CrossEntropyLoss", "CrossEntropyLoss.backward: dLdA", "floor division"),
    ("nn/loss.py", "return (self.softmax - self.Y) / self.N", "return (self.softmax - 1) / self.N", "CrossEntropyLoss",
     "CrossEntropyLoss.backward: dLdA", "subtracts 1 from every entry"),
]


@pytest.mark.parametrize("file, find, replace, test, wrong", [
    ("nn/batchnorm.py", "        self.BZ = self.BW * self.NZ + self.Bb\n",
     "        Y = self.BW * Z + self.Bb\n        self.BZ = (Y - np.mean(Y, axis=0, keepdims=True)) / "
     "np.sqrt(np.var(Y, axis=0, keepdims=True) + self.eps)\n", "BatchNorm1d.forward: training output BZ", "not shifted"),
    ("nn/batchnorm.py", "        self.BZ = self.BW * self.NZ + self.Bb\n", "        self.BZ = self.BW * self.NZ * self.Bb\n",
     "BatchNorm1d.forward: training output BZ", "not shifted"),
], ids=["scaled and shifted before normalising", "times Bb"])
def test_a_one_sample_hint_is_dropped_where_larger_inputs_fit_neither_mistake_it_names(tmp_path, file, find, replace,
                                                                                         test, wrong):
    """helper-171: on a batch of one sample NZ is 0, so a BZ not shifted and one not scaled nor shifted are both 0; the
    one wording given to both (9406d55) was never checked against larger inputs, and a BZ that is scaled and shifted,
    but before normalising, was told it was not shifted. The wording names both as its parts: larger inputs that fit
    neither drop it."""
    from tests.test_fairness import reference_with

    report = runner.grade(reference_with(tmp_path, file, find, replace), seed=0, submission="s", limits=FAST,
                          checks=[c for c in CHECKS if c.cls == "BatchNorm1d"])
    output = {r.name: r.output for r in report.results}[test]
    assert not output.startswith("passed") and wrong not in output, output


@pytest.mark.parametrize("file, find, replace, cls, test, words", NAMED_SLIPS,
                         ids=[f"{cls}: {words}" for _, _, _, cls, _, words in NAMED_SLIPS])
def test_a_one_line_slip_is_named_and_charged_by_its_value_tests_alone(tmp_path, file, find, replace, cls, test, words):
    from tests.test_fairness import reference_with

    root = reference_with(tmp_path, file, find, replace)
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in CHECKS if c.cls == cls])
    said, lost = lost_by(report, test)
    assert words in said and "hint:" in said, lost
    assert not any(output.startswith("not credited") for output in lost.values()), lost


@pytest.mark.parametrize("cdf", ["self.A / self.Z", "np.divide(self.A, self.Z, out=np.zeros_like(self.Z), "
                                 "where=self.Z != 0)"], ids=["nan", "where"])
def test_a_gelu_backward_dividing_by_z_is_told_so_and_charged_as_one_slip(tmp_path, cdf):
    """helper-182: a backward computing the cdf as A / Z is 0 / 0 = nan exactly where Z is 0, and had no hint;
    helper-192: it (or np.divide's `where` leaving 0 there) lost its behaviour tests too, "not credited" (3 points),
    most inputs holding a 0. Right everywhere else, it is one slip: its value test alone."""
    from tests.test_fairness import reference_with

    root = reference_with(tmp_path, "nn/activation.py", "        return dLdA * (self.cdf + self.Z * pdf)\n",
                          f"        with np.errstate(all='ignore'):\n            cdf = {cdf}\n"
                          "        return dLdA * (cdf + self.Z * pdf)\n")
    report = runner.grade(root, seed=0, submission="s", limits=FAST, checks=[c for c in CHECKS if c.cls == "GELU"])
    said, lost = lost_by(report, "GELU.backward: dLdZ")
    assert "wrong only where Z is exactly 0" in said and "divided by Z" in said, lost
    assert set(lost) == {"GELU.backward: dLdZ"}, lost


def test_an_mlp_value_on_the_stand_in_layers_says_whose_numbers_they_are(tmp_path):
    """helper-224: an MLP0 whose forward skips its ReLU was told "got -2, expected -4" under a hint naming the missing
    activation: a negative expected output for a model ending in a ReLU read as the grader's mistake. The value is the
    stand-ins' (their activations scale), and the failure says so whatever hint it gets."""
    entry = next(e for e in entries("buggy") if e.name == "mlp1_forward_skips_last_layer")
    report = grade(entry, tmp_path)
    said = next(r for r in report.results if r.name == "MLP1.forward: output").output
    assert said.startswith("output on the grader's stand-in layers (each Linear A @ P_i, each activation Z * s_j"), said
    assert "\nhint: your output is the last Linear's output" in said, said


def test_values_a_failed_test_grades_are_named_once_for_each_test_that_grades_them(tmp_path):
    """helper-224: SGD's hidden test behind a momentum step with its sign flipped listed 20 lines, "momentum.W1@0 not
    compared again: 'SGD.step: W with momentum' grades it, and failed", one per value; more than EXCUSED_LISTED of one
    test's values are one line."""
    entry = next(e for e in entries("buggy") if e.name == "sgd_momentum_without_mu")
    report = grade(entry, tmp_path)
    said = next(r for r in report.results if r.name == "SGD.step: large layers and five steps").output
    assert "not compared again: 'SGD.step: W with momentum' grades it" not in said, said
    assert re.search(r"^\d+ values not compared again \(momentum\.W1@0, \.\.\., momentum\.W2@4\): "
                     r"'SGD\.step: W with momentum' grades them, and failed$", said, re.M), said
    assert len(said.splitlines()) <= 8, said
