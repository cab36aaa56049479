"""Checks of `ReLU`, `Sigmoid` and `Tanh` in `nn.activations`: 10 points each, hidden tests included.

forward is graded on its y alone; backward against the reference, given the student's own forward's
cache (where that forward raises or returns no (y, cache) pair, backward's tests wait). Inputs have
0 to 3 leading dimensions ([C], [N, C], [B, T, C], [A, B, T, C]), of mixed magnitude; ReLU's have exact
zeros (its derivative there is graded alone), the smooth ones |x| far below the 709 where exp
overflows, and dL/dy within +-3 (a correct float32 implementation passes); Sigmoid and Tanh are also
graded on |x| of 710 to 1000, in one small test each ("finite for large inputs").
"""
from __future__ import annotations

import numpy as np

from ...cases import draw
from ...checks.base import EXCUSED, Crashed, Skip, check, consistent, per_case
from ...checks.gradients import matches_reference, slopes
from ...compare import EXACT, Failure, expect, matches, shape_str
from ...diagnose import NON_FINITE
from ...expected import expected
from ...record import replace
from ...sandbox import Script
from .cases import STRATEGIES, large_input_cases, relu_cases, relu_nonzero_cases, smooth_cases
from .common import (backward_twice, distinct, elsewhere, extra_keys, forward_before, forward_between,
                     forward_pair, judge_cache_kept, judge_fresh_cache, judge_pair, key_list, needs_pair, returned,
                     same_cache, shape_hinted, spoilt_by_shared_cache)

RELU, SIGMOID, TANH = (f"nn.activations.{name}" for name in ("ReLU", "Sigmoid", "Tanh"))
CLASSES = {"ReLU": RELU, "Sigmoid": SIGMOID, "Tanh": TANH}
STRATEGY = draw(f"{STRATEGIES}:activation_strategy")
NONZERO = draw(f"{STRATEGIES}:activation_strategy", zeros=False)
SMOOTH = draw(f"{STRATEGIES}:activation_strategy", bounded=True)
STEP = 1e-2  # of the smooth activations' finite differences: truncation ~ STEP**2 * |f'''| / 6, float32 rounding far below
FIX_FORWARD = ("your forward's y is wrong on this input too, and backward is given the cache that forward "
               "returned: fix forward first")
AGAIN = ("backward must compute from the x and cache it is given, not from what forward kept on the layer (from its "
         "first call or its last): "
         "one layer object may run forward several times (at several places of a network) before its backwards")


def sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def cls_of(path: str) -> str:
    return path.rsplit(".", 1)[1]


# ------------------------------------------------------------------ scripts shared by the three classes


@per_case
def _forward_script(path: str, case):
    s = Script(case=case)
    _, pair = forward_pair(s, s.new(path), case.x, keep_args="forward")
    return s, pair


@per_case
def _backward_script(path: str, case):
    """forward(x) -> (y, cache), backward(x, cache, backwards_gradient, gradients) on a fresh layer (the gradients
    dict's keys read at once: an activation stores none), and again with that cache; then another layer's forward of
    another x, forward(x), forward of a third x and backward with x and forward(x)'s cache."""
    s = Script(case=case)
    layer = s.new(path)
    cache, pair = forward_pair(s, layer, case.x)
    gradients = s.dict("gradients")
    s.call(layer, "backward", case.x, cache, case.backwards_gradient, gradients, label="dx", keep_args=True)
    key_list(s, gradients, "keys")  # (at once: later calls of the student's code could change that dict: helper-92)
    backward_twice(s, layer, case.x, cache, case.backwards_gradient, s.dict("gradients"), label="dx.twice")
    again = s.new(path)
    forward_before(s, again, elsewhere(case.x, 1), shown=("another x",))
    cache, pair_again = forward_pair(s, again, case.x, prefix="again.", lean=True)
    later = forward_between(s, again, elsewhere(case.x, 2), shown=("a third x",))
    s.call(again, "backward", case.x, cache, case.backwards_gradient, s.dict("gradients"), label="again.dx")
    same_cache(s, cache, later)
    return s, pair, pair_again


def _run(layer, case):
    """The reference's y and dx."""
    y, cache = layer.forward(case.x)
    return y, layer.backward(case.x, cache, case.backwards_gradient, {})


def judge_y(out, pair, path: str, y, wrong=(), hint: str = "") -> None:
    x = out.script.case.x
    takes = ("an activation takes x of any shape (one sample [C], a batch [N, C], or more leading dimensions) and y "
             "keeps it: compute on the whole array elementwise, with no loop over two indices and no reshape to two "
             "dimensions")  # (helper-166: no hint, all 10 points)
    try:
        got = returned(out, pair, f"{cls_of(path)}.forward")
    except Crashed as crash:
        raise shape_hinted(crash, x, takes) from None
    if not hint and x.ndim != 2 and isinstance(got, np.ndarray) and got.shape != np.shape(y):
        hint = f"x here has shape {shape_str(x.shape)}: {takes}"
    expect("y", got, y, known_wrong=distinct(wrong, y) if callable(wrong) else wrong, hint=hint, generic=False)


def judge_dx(out, pair, path: str, y, dx, wrong=()) -> None:
    needs_pair(out, pair, f"{cls_of(path)}.forward")
    got_y = out.result.values.get(pair.value)
    hint = FIX_FORWARD if isinstance(got_y, np.ndarray) and not matches(got_y, y) else ""
    # (the sign too: helper-148's flipped sign had no hint, so no slip, and every other backward test "not credited")
    expect("dx", out["dx"], dx, known_wrong=distinct(lambda: [*(wrong() if callable(wrong) else wrong), (
        -dx, "your dx has the opposite sign: this activation's derivative is never negative, so dx has "
             "backwards_gradient's sign")], dx), hint=hint, generic=False)


def judge_kept_x(out) -> None:
    expect("x after forward", out["forward#arg0"], out.script.case.x, EXACT, generic=False,
           hint="your forward changed x in place; compute a new array instead")


def judge_backward_kept(out, pair, path: str) -> None:
    """x, backwards_gradient and the cache unchanged, and nothing written into gradients."""
    needs_pair(out, pair, f"{cls_of(path)}.forward")
    case = out.script.case
    expect("x after backward", out["dx#arg0"], case.x, EXACT, generic=False)
    expect("backwards_gradient after backward", out["dx#arg2"], case.backwards_gradient, EXACT, generic=False,
           hint="your backward changed backwards_gradient in place (*=, or a masked assignment); compute a new "
                "array instead")
    extra = extra_keys(out, "keys", [])
    if extra:
        raise Failure(f"gradients holds {extra} after backward",
                      f"{cls_of(path)} has no parameters: its backward writes nothing into gradients")
    judge_cache_kept(out, (("dx", "dx.twice", "dx"),))


def judge_fresh_pair(out, pair, method: str) -> None:
    """The pair, and a cache of its own each call (read from backward's script: one shared dict is a mistake
    only where it spoils what backward computes)."""
    judge_pair(out, pair, method)
    judge_fresh_cache(out, method, ("dx",))


def judge_again(out, pair, again) -> None:
    name = out.script.meta[pair.call_op].cls
    needs_pair(out, pair, f"{name}.forward")
    needs_pair(out, again, f"{name}.forward")
    if spoilt_by_shared_cache(out, ("dx",)):
        raise Skip("forward returns one cache for every call: its test 'returns the pair' charges that")
    consistent("dx after another forward", out["again.dx"], out["dx"], hint=AGAIN,
               reference_label="dx with no forward in between")


def slopes_script(path: str, case, step: float):
    """forward at x with each entry moved by +-step (y only), then forward and backward at x."""
    s = Script(case=case)
    layer = s.new(path)

    def probe(x):
        result = s.returned(layer, "forward", x, name="(y, cache)", shown=(f"x with one entry moved by +-{step:g}",))
        label = s.fresh()
        s.item(result, 0, label=label, name="y")
        return label

    by_x = slopes("x", case.x, step, probe)
    cache, pair = forward_pair(s, layer, case.x)
    s.call(layer, "backward", case.x, cache, case.backwards_gradient, s.dict("gradients"), label="dx")
    return s, pair, by_x


def judge_slopes(out, pair, path: str, case, by_x, reference_losses) -> None:
    needs_pair(out, pair, f"{cls_of(path)}.forward")

    def loss(y):
        if y.shape != case.x.shape:
            raise Skip("forward's y has the wrong shape there, so its slopes say nothing about backward")
        return float((case.backwards_gradient * y).sum())

    matches_reference(by_x.losses(out, loss), reference_losses)
    by_x.check("dx", out["dx"], out, loss)


def probe_losses(make, case, step: float) -> np.ndarray:
    """The reference's sum(backwards_gradient * y) at every probe of `slopes_script`."""
    losses = []
    for k in range(case.x.size):
        for sign in (1.0, -1.0):
            moved = case.x.copy()
            moved.flat[k] += sign * step
            losses.append(float((case.backwards_gradient * make().forward(moved)[0]).sum()))
    return np.array(losses)


# ------------------------------------------------------------------ ReLU: 10 points

RELU_Y, RELU_DX = "ReLU.forward: y = max(0, x)", "ReLU.backward: dx"
AT_ZERO = "your derivative is not 0 at x = 0: it is 1 only where x > 0 (use x > 0, not x >= 0)"


@expected
def _relu(package, case):
    return _run(package.ReLU(), case)


@check(RELU_Y, points=2.5, cases=relu_cases, strategy=STRATEGY)
def relu_forward_y(case, ref):
    s, pair = _forward_script(RELU, case)
    x = case.x
    judge_y((yield s), pair, RELU, _relu(ref, case)[0], wrong=lambda: [
        (np.abs(x), "your y is |x|; negative inputs must become 0: y = max(0, x)"),
        (np.where(x > 0, x, 0.01 * x), "your y keeps 0.01 * x for negative inputs (leaky ReLU); they must become 0"),
        (np.minimum(x, 0), "your y keeps the negative entries; it keeps the positive ones: y = max(0, x)"),
        (x > 0, "your y is the mask x > 0; it is max(0, x)"),
        (np.max(x, 0), "your y is np.max(x, 0), the largest entry along axis 0 (the 0 is read as the axis); the "
                       "elementwise max with 0 is np.maximum(x, 0)")])  # (helper-156: no hint)


@check("ReLU.forward: returns the pair (y, cache)", points=0.5, cases=relu_cases, strategy=STRATEGY, behaviour=True)
def relu_forward_pair(case, ref):
    s, pair, _ = _backward_script(RELU, case)
    judge_fresh_pair((yield s), pair, "ReLU.forward")


@check("ReLU.forward: does not modify x", points=0.5, cases=relu_cases, strategy=STRATEGY, behaviour=True)
def relu_forward_keeps_x(case, ref):
    judge_kept_x((yield _forward_script(RELU, case)[0]))


def _relu_dx_mistakes(case):
    g, x = case.backwards_gradient, case.x
    return [(g, "your dx is backwards_gradient unmasked; mask it where x was not positive: dx = g * (x > 0)"),
            (g * (x < 0), "your mask is inverted; the gradient passes where x > 0: dx = g * (x > 0)"),
            (g * (g > 0), "your mask looks at backwards_gradient; it is where x was positive: dx = g * (x > 0)"),
            ((x > 0).astype(float), "your dx is the mask alone; multiply it by backwards_gradient: dx = g * (x > 0)"),
            (g * np.maximum(x, 0), "your dx is g * max(0, x); the derivative is the mask (x > 0), not y")]


@check(RELU_DX, points=3, cases=relu_nonzero_cases, strategy=NONZERO)
def relu_backward_dx(case, ref):
    s, pair, _ = _backward_script(RELU, case)
    y, dx = _relu(ref, case)
    judge_dx((yield s), pair, RELU, y, dx, wrong=lambda: _relu_dx_mistakes(case))


@check("ReLU.backward: derivative is 0 at exactly x = 0", points=1, cases=relu_cases, computes=False,
       owners={"dx": RELU_DX})
def relu_backward_at_zero(case, ref):
    """Only the entries where x is exactly 0 ('ReLU.backward: dx' never sees one); where that test
    passed, a dx that is no array of x's shape is charged here."""
    s, pair, _ = _backward_script(RELU, case)
    out = yield s
    needs_pair(out, pair, "ReLU.forward")
    got, zero = out["dx"], case.x == 0
    if got is EXCUSED:
        return
    dx = _relu(ref, case)[1]
    if not isinstance(got, np.ndarray) or got.shape != dx.shape:
        expect("dx", got, dx, generic=False)  # (fails at its type or shape stage)
    expect("dx where x = 0", np.where(zero, got, 0.0), np.where(zero, dx, 0.0), generic=False,
           known_wrong=lambda: [(np.where(zero, case.backwards_gradient, 0.0), AT_ZERO)])


@check("ReLU.backward: does not modify x, backwards_gradient or the cache, and stores no gradient", points=0.5,
       cases=relu_cases, strategy=STRATEGY, behaviour=True)
def relu_backward_keeps(case, ref):
    s, pair, _ = _backward_script(RELU, case)
    judge_backward_kept((yield s), pair, RELU)


@check("ReLU.backward: uses the x and cache it is given (another forward ran since)", points=0.5,
       cases=relu_nonzero_cases, behaviour=True)
def relu_backward_given_cache(case, ref):
    s, pair, again = _backward_script(RELU, case)
    judge_again((yield s), pair, again)


def _away_from_zero(case):
    """ReLU is linear away from 0: with every |x| >= 0.1 and a step of half the smallest, differences are exact."""
    return replace(case, x=np.where(case.x < 0, -1.0, 1.0) * np.maximum(np.abs(case.x), 0.1))


def _relu_step(case) -> float:
    return 0.5 * float(np.min(np.abs(_away_from_zero(case).x)))


@expected
def _relu_probes(package, case):
    return probe_losses(package.ReLU, _away_from_zero(case), _relu_step(case))


def _slope_cases(make):
    def edge(rng):
        found = make(rng)
        return [found[i] for i in (0, 1, 2, 3, 7, 9)]  # [1, 1], [1, 3], [4, 1], [3, 4], [3], [2, 3, 2]

    edge.__name__ = edge.__qualname__ = f"edge_{make.__name__}"
    return edge


@check("ReLU.backward: agrees with finite differences of forward", points=0.5, cases=_slope_cases(relu_nonzero_cases),
       strategy=NONZERO, owners={"dx": RELU_DX})
def relu_backward_finite_differences(case, ref):
    original, case = case, _away_from_zero(case)
    s, pair, by_x = slopes_script(RELU, case, _relu_step(original))
    judge_slopes((yield s), pair, RELU, case, by_x, _relu_probes(ref, original))


# ------------------------------------------------------------------ Sigmoid: 10 points

SIG_Y, SIG_DX = "Sigmoid.forward: y = 1 / (1 + exp(-x))", "Sigmoid.backward: dx"
SIG_OVERFLOW = ("your y is not finite for large |x|: exp overflows to inf past about 709, and exp(x) / (1 + exp(x)) "
                "becomes inf / inf = NaN; use 1 / (1 + exp(-x)), or a form that only ever exponentiates -|x|")


@expected
def _sigmoid(package, case):
    return _run(package.Sigmoid(), case)


@check(SIG_Y, points=2.5, cases=smooth_cases, strategy=SMOOTH)
def sigmoid_forward_y(case, ref):
    s, pair = _forward_script(SIGMOID, case)
    x = case.x
    judge_y((yield s), pair, SIGMOID, _sigmoid(ref, case)[0], wrong=lambda: [
        (sigmoid(-x), "your y is sigmoid(-x): y = 1 / (1 + exp(-x)), with the minus sign"),
        (np.tanh(x), "your y is tanh(x); the sigmoid is 1 / (1 + exp(-x))"),
        # (a stable form with one branch's sign flipped: helper-97, no hint, 95.5; a full flip is named, 97.5)
        (np.where(x >= 0, sigmoid(x), sigmoid(-x)), "your y is right where x >= 0 but is sigmoid(-x) where x < 0: "
                                                    "there y = exp(x) / (1 + exp(x))"),
        (np.where(x >= 0, sigmoid(-x), sigmoid(x)), "your y is right where x < 0 but is sigmoid(-x) where x >= 0: "
                                                    "there y = 1 / (1 + exp(-x))")])


@check("Sigmoid.forward: returns the pair (y, cache)", points=0.5, cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def sigmoid_forward_pair(case, ref):
    s, pair, _ = _backward_script(SIGMOID, case)
    judge_fresh_pair((yield s), pair, "Sigmoid.forward")


@check("Sigmoid.forward: finite for large inputs", points=1, cases=large_input_cases, owners={"y": SIG_Y})
def sigmoid_forward_large(case, ref):
    s, pair = _forward_script(SIGMOID, case)
    judge_y((yield s), pair, SIGMOID, _sigmoid(ref, case)[0], wrong=[(NON_FINITE, SIG_OVERFLOW)])


@check("Sigmoid.forward: does not modify x", points=0.5, cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def sigmoid_forward_keeps_x(case, ref):
    judge_kept_x((yield _forward_script(SIGMOID, case)[0]))


@check(SIG_DX, points=3, cases=smooth_cases, strategy=SMOOTH)
def sigmoid_backward_dx(case, ref):
    s, pair, _ = _backward_script(SIGMOID, case)
    y, dx = _sigmoid(ref, case)
    g, x = case.backwards_gradient, case.x
    judge_dx((yield s), pair, SIGMOID, y, dx, wrong=lambda: [
        (y * (1 - y), "your dx is dy/dx alone; multiply by backwards_gradient: dx = g * y * (1 - y)"),
        (g * y - y, "your dx is g * y - y, which g * y * 1.0 - y computes without brackets: bracket (1 - y), "
                    "dx = g * y * (1 - y)"),  # (helper-156: no hint)
        (g * y - y * y, "your dx is g * y - y * y: g multiplies y alone, not the whole of dy/dx; bracket it, "
                        "dx = g * (y - y * y)"),  # (helper-173: no hint, 5.5 points)
        (g * x * (1 - x), "your dx uses x where y = sigmoid(x) belongs: dx = g * y * (1 - y)"),
        (g * y, "your dx is g * y; the derivative of the sigmoid is y * (1 - y)"),
        (g * (1 - y), "your dx is g * (1 - y); the derivative of the sigmoid is y * (1 - y)"),
        (g * sigmoid(y) * (1 - sigmoid(y)), "your dx applies the sigmoid to y = sigmoid(x) again: y is the "
                                             "sigmoid already, so dx = g * y * (1 - y)")])


@check("Sigmoid.backward: does not modify x, backwards_gradient or the cache, and stores no gradient", points=0.5,
       cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def sigmoid_backward_keeps(case, ref):
    s, pair, _ = _backward_script(SIGMOID, case)
    judge_backward_kept((yield s), pair, SIGMOID)


@check("Sigmoid.backward: uses the x and cache it is given (another forward ran since)", points=0.5,
       cases=smooth_cases, behaviour=True)
def sigmoid_backward_given_cache(case, ref):
    s, pair, again = _backward_script(SIGMOID, case)
    judge_again((yield s), pair, again)


@expected
def _sigmoid_probes(package, case):
    return probe_losses(package.Sigmoid, case, STEP)


@check("Sigmoid.backward: agrees with finite differences of forward", points=0.5, cases=_slope_cases(smooth_cases),
       strategy=SMOOTH, owners={"dx": SIG_DX})
def sigmoid_backward_finite_differences(case, ref):
    s, pair, by_x = slopes_script(SIGMOID, case, STEP)
    judge_slopes((yield s), pair, SIGMOID, case, by_x, _sigmoid_probes(ref, case))


# ------------------------------------------------------------------ Tanh: 10 points

TANH_Y, TANH_DX = "Tanh.forward: y = tanh(x)", "Tanh.backward: dx"
TANH_OVERFLOW = ("your y is not finite for large |x|: exp overflows to inf past about 709, and (exp(x) - exp(-x)) / "
                 "(exp(x) + exp(-x)) becomes inf / inf = NaN; use np.tanh(x)")


@expected
def _tanh(package, case):
    return _run(package.Tanh(), case)


@check(TANH_Y, points=2.5, cases=smooth_cases, strategy=SMOOTH)
def tanh_forward_y(case, ref):
    s, pair = _forward_script(TANH, case)
    x = case.x
    judge_y((yield s), pair, TANH, _tanh(ref, case)[0], wrong=lambda: [
        (sigmoid(x), "your y is the sigmoid; it is tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))"),
        (np.tanh(-x), "your y is tanh(-x): the sign is flipped")])


@check("Tanh.forward: returns the pair (y, cache)", points=0.5, cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def tanh_forward_pair(case, ref):
    s, pair, _ = _backward_script(TANH, case)
    judge_fresh_pair((yield s), pair, "Tanh.forward")


@check("Tanh.forward: finite for large inputs", points=1, cases=large_input_cases, owners={"y": TANH_Y})
def tanh_forward_large(case, ref):
    s, pair = _forward_script(TANH, case)
    judge_y((yield s), pair, TANH, _tanh(ref, case)[0], wrong=[(NON_FINITE, TANH_OVERFLOW)])


@check("Tanh.forward: does not modify x", points=0.5, cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def tanh_forward_keeps_x(case, ref):
    judge_kept_x((yield _forward_script(TANH, case)[0]))


@check(TANH_DX, points=3, cases=smooth_cases, strategy=SMOOTH)
def tanh_backward_dx(case, ref):
    s, pair, _ = _backward_script(TANH, case)
    y, dx = _tanh(ref, case)
    g, x = case.backwards_gradient, case.x
    judge_dx((yield s), pair, TANH, y, dx, wrong=lambda: [
        (1 - y * y, "your dx is dy/dx alone; multiply by backwards_gradient: dx = g * (1 - y * y)"),
        (g * (1 - x * x), "your dx uses x where y = tanh(x) belongs: dx = g * (1 - y * y)"),
        (g * (1 - y), "your dx is g * (1 - y); the derivative of tanh is 1 - y * y (y squared)"),
        (g * (1 - y) ** 2, "your dx is g * (1 - y) ** 2; the derivative of tanh is 1 - y * y, the square of y alone "
                           "taken from 1"),  # (helper-159: no hint)
        (g * y * (1 - y), "your dx uses the sigmoid's derivative y * (1 - y); tanh's is 1 - y * y"),
        (g * (1 - np.tanh(y) ** 2), "your dx applies tanh to y = tanh(x) again: y is tanh(x) already, so "
                                     "dx = g * (1 - y * y)")])


@check("Tanh.backward: does not modify x, backwards_gradient or the cache, and stores no gradient", points=0.5,
       cases=smooth_cases, strategy=SMOOTH, behaviour=True)
def tanh_backward_keeps(case, ref):
    s, pair, _ = _backward_script(TANH, case)
    judge_backward_kept((yield s), pair, TANH)


@check("Tanh.backward: uses the x and cache it is given (another forward ran since)", points=0.5,
       cases=smooth_cases, behaviour=True)
def tanh_backward_given_cache(case, ref):
    s, pair, again = _backward_script(TANH, case)
    judge_again((yield s), pair, again)


@expected
def _tanh_probes(package, case):
    return probe_losses(package.Tanh, case, STEP)


@check("Tanh.backward: agrees with finite differences of forward", points=0.5, cases=_slope_cases(smooth_cases),
       strategy=SMOOTH, owners={"dx": TANH_DX})
def tanh_backward_finite_differences(case, ref):
    s, pair, by_x = slopes_script(TANH, case, STEP)
    judge_slopes((yield s), pair, TANH, case, by_x, _tanh_probes(ref, case))
