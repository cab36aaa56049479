"""Checks of `mytorch.optim.sgd.SGD`: 10 points.

The grader builds the model itself: plain objects holding W, b, dLdW and dLdb (never the student's
Linear), so SGD is graded on its own. Each case runs SGD on two fresh copies of a two-layer model,
without momentum and with it, for three steps, setting new gradients before each step and reading
every W and b after each step (copies: an update in place passes, and a mistake that shows only from
the second step on, such as a velocity that forgets mu, is caught there). W and b have tests of their own,
so a step that forgets b keeps W's points. Hints replay the usual mistakes on the case.
"""
from __future__ import annotations

import importlib
import itertools
from types import SimpleNamespace

import numpy as np

from ..cases import draw, sgd_cases
from ..compare import EXCUSED, VALUES, expect, matches
from ..expected import expected
from ..sandbox import Script
from .base import check, per_case

SGD = "mytorch.optim.sgd.SGD"
CLASSES = {"SGD": SGD}
RUNS = ("plain", "momentum")  # SGD(model, lr, 0), then SGD(model, lr, mu) on a fresh model


def _mu(case, run: str):
    return 0 if run == "plain" else float(case.mu)


def labels(case, run: str, params: str = "Wb") -> list[tuple[str, str]]:
    """(label, what) of every value of `params` read in `run`, in the order they are judged: after each
    step, each layer's W then b."""
    return [(f"{run}.{p}{i}@{t}", f"layers[{i - 1}].{p} after step {t + 1}")
            for t in range(case.steps) for i in (1, 2) for p in params]


def add_run(s: Script, case, run: str) -> None:
    """A fresh model of two grader-made layers, SGD(model, lr, mu), then for each step: the step's
    gradients, step(), every W and b read back."""
    layers = [s.plain(f"layers[{i}]") for i in range(2)]
    for t in range(case.steps):
        for i, (layer, p) in enumerate(zip(layers, case.layers()), 1):
            if t == 0:
                s.set(layer, "W", p["W"])
                s.set(layer, "b", p["b"])
            s.set(layer, "dLdW", p["dLdW"][t], shown=f"dLdW{i}[{t}]")
            s.set(layer, "dLdb", p["dLdb"][t], shown=f"dLdb{i}[{t}]")
        if t == 0:
            model = s.plain("model")
            s.set(model, "layers", layers)
            sgd = s.new(SGD, model, float(case.lr), _mu(case, run))
        s.call(sgd, "step", label=f"{run}.step{t}", soft=True)
        for i, layer in enumerate(layers, 1):
            s.get(layer, "W", label=f"{run}.W{i}@{t}")
            s.get(layer, "b", label=f"{run}.b{i}@{t}")


@per_case
def script(case):
    """Both runs: one script for every test of an input, run once."""
    s = Script(case=case)
    for run in RUNS:
        add_run(s, case, run)
    return s


def _reference_run(package, case, mu) -> tuple:
    module = importlib.import_module(package.__name__.rpartition(".")[0] + ".optim.sgd")
    layers = [SimpleNamespace(W=p["W"].copy(), b=p["b"].copy()) for p in case.layers()]
    optimizer = module.SGD(SimpleNamespace(layers=layers), float(case.lr), mu)
    found = []
    for t in range(case.steps):
        for layer, p in zip(layers, case.layers()):
            layer.dLdW, layer.dLdb = p["dLdW"][t].copy(), p["dLdb"][t].copy()
        optimizer.step()
        found += [np.array(getattr(layer, name), dtype=np.float64) for layer in layers for name in ("W", "b")]
    return tuple(found)


@expected
def expected_plain(package, case):
    return _reference_run(package, case, 0)


@expected
def expected_momentum(package, case):
    return _reference_run(package, case, float(case.mu))


# The usual mistakes, replayed on the case: rule -> (needs momentum: None either way, hint for W or b).
_RULES = {
    "ascent": (None, lambda p, v: (f"your {p} moves up the gradient: a sign in the velocity or in the step is "
                                   f"flipped; v_{p} = mu * v_{p} + dLd{p}, then {p} = {p} - lr * v_{p}") if v else
               f"your step adds the gradient; descent subtracts it: {p} = {p} - lr * dLd{p}"),
    "replace": (False, lambda p, v: f"your {p} is replaced by lr * dLd{p}; subtract that from the current "
                                    f"{p}: {p} = {p} - lr * dLd{p}"),
    "no_lr": (None, lambda p, v: f"your step does not multiply by the learning rate: {p} = {p} - lr * "
                                 f"{'v_' + p if v else 'dLd' + p}"),
    "lr_twice": (None, lambda p, v: f"your step multiplies by lr twice: v_{p} = mu * v_{p} + dLd{p}, then "
                                    f"{p} = {p} - lr * v_{p}" if v else f"your step multiplies by lr twice: "
                                    f"{p} = {p} - lr * dLd{p}"),
    "no_mu": (True, lambda p, v: f"your velocity adds up the gradients without the momentum: "
                                 f"v_{p} = mu * v_{p} + dLd{p}"),
    # (the same numbers as a step that keeps the velocity but moves by lr * dLdb alone: helper-102 was told its
    # velocity started from zero, and it kept it right)
    "reset": (True, lambda p, v: f"your velocity starts from zero at every step, or your {p} moves by lr * dLd{p} "
                                 f"alone: keep it between steps, in self.v_{p}[i] = mu * self.v_{p}[i] + dLd{p}, and "
                                 f"move {p} by it: {p} = {p} - lr * self.v_{p}[i]"),
    "shared": (True, lambda p, v: f"your layers share one velocity: each layer keeps its own, v_{p}[i] for "
                                  f"layers[i]"),
    "W_fixed": (None, lambda p, v: f"the layers' {p} never changes: step must update each layer's own {p} "
                                   f"(layer.{p} = ... or layer.{p} -= ...), not a copy kept elsewhere"),
    # (helper-151: W and b copied, the copies stepped, `W, b = layer.W.copy(), layer.b.copy()`: no hint)
    "both_fixed": (None, lambda p, v: f"the layers' W and b never change: step must update each layer's own {p} "
                                      f"(layer.{p} = ... or layer.{p} -= ...), not a copy of it"),
    # (helper-151: an exponential average, v = mu * v + (1 - mu) * dLdW: no hint)
    "dampened": (True, lambda p, v: f"your velocity scales the gradient by 1 - mu (an exponential average); the "
                                    f"contract's momentum adds it whole: v_{p} = mu * v_{p} + dLd{p}"),
    "b_fixed": (None, lambda p, v: "your b is not updated: b = b - lr * "
                                   + ("v_b, with v_b = mu * v_b + dLdb" if v else "dLdb")),
    "late": (True, lambda p, v: f"your step uses the velocity before updating it: first v_{p} = mu * v_{p} + "
                                f"dLd{p}, then {p} = {p} - lr * v_{p}"),
    # (helper-109: `self.v_b[i] = self.mu * self.v_W[i] + layer.dLdb`, a copied line, had no hint; made in b alone)
    "crossed": (True, lambda p, v: "your b's velocity is built from W's: v_b[i] = mu * v_b[i] + dLdb (v_b, not v_W)"),
    # (helper-121: `layer.b = layer.b - self.lr * self.v_W[i]`, a copied line, had no hint; b takes W's shape)
    "b_by_W": (True, lambda p, v: "your b moves by W's velocity: b = b - lr * v_b[i] (v_b, not v_W)"),
    # (helper-224: `layer.b = layer.b - self.lr * layer.dLdW`, a copied line, had no hint; b takes W's shape)
    # (without momentum only: with it, v_b built from dLdW gives what b_by_W gives at the first step, and neither
    # would be named there)
    "b_by_dLdW": (False, lambda p, v: "your b moves by W's gradient: b = b - lr * dLdb (dLdb, not dLdW)"),
    # (helper-174: W -= lr * (dLdW + mu * v), v updated first, had no hint)
    "nesterov": (True, lambda p, v: f"your step adds mu * v_{p} to the gradient (Nesterov's momentum); the "
                                    f"contract's steps by the velocity alone: v_{p} = mu * v_{p} + dLd{p}, then "
                                    f"{p} = {p} - lr * v_{p}"),
    # (a layer the loop never reaches, its W and b as they were: helper-97, range(self.L - 1), had no hint)
    "last_skipped": (None, lambda p, v: "your step leaves the last layer as it was: update every layer, "
                                        "for i in range(self.L) (not range(self.L - 1))"),
    "first_skipped": (None, lambda p, v: "your step leaves the first layer, layers[0], as it was: update every "
                                         "layer, for i in range(self.L) (from 0)"),
}
SKIPPED = {"last_skipped": -1, "first_skipped": 0}  # those rules: the layer the loop misses


def _update(rule: str, x, g, v, lr: float, mu: float, k: int):
    """(new value, new velocity) of one parameter (k: 0 for W, 1 for b) under `rule`."""
    if rule == "b_fixed" and k == 1 or rule == "W_fixed" and k == 0 or rule == "both_fixed":
        return x, v
    if rule == "replace":
        return lr * g, v
    if rule == "late":
        return x - lr * v, mu * v + g
    if rule == "nesterov":
        v = mu * v + g
        return x - lr * (g + mu * v), v
    v = {"no_mu": v + g, "reset": g, "dampened": mu * v + (1 - mu) * g}.get(
        rule, mu * v + (lr * g if rule == "lr_twice" and mu else g))
    step = {"no_lr": 1.0, "lr_twice": lr * lr if not mu else lr}.get(rule, lr) * v
    return (x + step if rule == "ascent" else x - step), v


@per_case
def wrong_runs(case, run: str) -> list[tuple[tuple, str]]:
    """[(values in `labels` order, rule)] of the mistakes that apply to `run` and can run on the case, each made in
    both parameters' updates, then in W's alone and in b's alone (a step written out for W and for b apart may have
    the slip in one of them: a velocity kept for b but not for W)."""
    lr, mu = float(case.lr), _mu(case, run)
    found = []
    for (rule, (needs_momentum, _)), where in itertools.product(_RULES.items(), ((0, 1), (0,), (1,))):
        if (needs_momentum is not None and needs_momentum != bool(mu)
                or rule.endswith(("_fixed", "_skipped")) and where != (0, 1)
                or rule in ("crossed", "b_by_W", "b_by_dLdW") and where != (1,)):
            continue
        missed = SKIPPED[rule] % len(case.layers()) if rule in SKIPPED else None
        params = [[p["W"].copy(), p["b"].copy()] for p in case.layers()]
        velocities, shared, values = [[0.0, 0.0] for _ in params], [0.0, 0.0], []
        with np.errstate(all="ignore"):
            try:
                for t in range(case.steps):
                    for i, p in enumerate(case.layers()):
                        if i == missed:
                            continue
                        for k, name in enumerate(("dLdW", "dLdb")):
                            made = rule if k in where and missed is None else ""  # ("": the right update)
                            v = shared[k] if made == "shared" else velocities[i][0] if made == "crossed" \
                                else velocities[i][k]  # (crossed: W's, as this step left it)
                            if made == "b_by_W":  # (b's own velocity kept, W's taken for the step: b of W's shape)
                                v, new = mu * v + p[name][t], params[i][k] - lr * velocities[i][0]
                            else:  # (b_by_dLdW: b's own update, on W's gradient)
                                new, v = _update(made, params[i][k], p["dLdW" if made == "b_by_dLdW" else name][t], v,
                                                 lr, mu, k)
                            if np.shape(new) != params[i][k].shape and made not in ("b_by_W", "b_by_dLdW"):
                                raise ValueError("a shared velocity of another layer's shape")
                            params[i][k] = new
                            if made == "shared":
                                shared[k] = v
                            else:
                                velocities[i][k] = v
                    values += [x.copy() for layer in params for x in layer]
            except ValueError:
                continue
        found.append((tuple(values), rule))
    return found


def distinct(candidates, want) -> list:
    """The (value, words) candidates that differ from `want` and from every other candidate: a hint must
    be right whenever it is shown, so a mistake that coincides with another one (or with the right value)
    on this input is not named there."""
    return [(value, words) for j, (value, words) in enumerate(candidates)
            if not matches(value, want) and not any(matches(value, other) for i, (other, _) in enumerate(candidates)
                                                    if i != j)]


def _hints(case, run: str, index: int, want, p: str, others: list):
    """The mistakes' values at read `index` (a generator: computed only when the value fails), of those that
    also give every other value the student's run returned (`others`, None at `index`): a mistake that another
    value rules out is not named (a step that moved nothing is no b left behind, nor a layer left alone a late
    velocity), and one that a later value tells apart from another is named where the two still agree (a late
    velocity leaves W as it was at the first step, as a step that updates a copy does: the second step tells)."""
    explained = {}  # rule -> its values, where it was made in both parameters or in one (the first that fits)
    for values, rule in wrong_runs(case, run):
        if rule not in explained and all(matches(got, value) for got, value in zip(others, values)
                                         if isinstance(got, np.ndarray)):
            explained[rule] = values
    yield from distinct([(values[index], _RULES[rule][1](p, run == "momentum")) for rule, values in explained.items()],
                        want)


def _all_close(got: list, want: tuple) -> bool:
    """Whether every value read passes `expect` (one vectorised comparison for the usual case)."""
    if not all(isinstance(g, np.ndarray) and g.shape == w.shape for g, w in zip(got, want)):
        return False
    scale = np.repeat([max(VALUES.floor, float(np.max(np.abs(w)))) for w in want], [w.size for w in want])
    expected = np.concatenate([w.ravel() for w in want])
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(np.concatenate([g.ravel() for g in got]).astype(np.float64) - expected)
        return bool(np.all(err <= VALUES.rtol * np.abs(expected) + VALUES.atol * scale))


def judge(out, case, run: str, want: tuple, params: str = "Wb", hints: bool = True) -> None:
    """Judge the values of `params` ("W", "b" or both) read in `run`; `want` holds every W and b read."""
    reads = [(index, label, what) for index, (label, what) in enumerate(labels(case, run))
             if label.split(".")[1][0] in params]
    if _all_close([out.result.values.get(label) for _, label, _ in reads], [want[index] for index, _, _ in reads]):
        return
    for index, label, what in reads:  # read one by one: the report shows the calls up to the first wrong value
        value = out[label]
        if value is not EXCUSED:  # a step that raised is charged as such, not as the value read after it
            out.peek(f"{run}.step{label.split('@')[1]}")
        others = [None if j == index else out.result.values.get(read)  # (for hints only)
                  for j, (read, _) in enumerate(labels(case, run))]
        expect(what, value, want[index], generic=False,
               known_wrong=_hints(case, run, index, want[index], label.split(".")[1][0], others) if hints else [])


def _declare(name: str, points: float, run: str, params: str):
    def body(case, ref):
        out = yield script(case)
        judge(out, case, run, (expected_plain if run == "plain" else expected_momentum)(ref, case), params)

    return check(name, points=points, cases=sgd_cases, strategy=draw("sgd_strategy"))(body)


PLAIN_W, PLAIN_B = "SGD.step: W without momentum", "SGD.step: b without momentum"
MOMENTUM_W, MOMENTUM_B = "SGD.step: W with momentum", "SGD.step: b with momentum"
OWNERS = {("plain", "W"): PLAIN_W, ("plain", "b"): PLAIN_B, ("momentum", "W"): MOMENTUM_W,
          ("momentum", "b"): MOMENTUM_B}
step_plain_w = _declare(PLAIN_W, 2, "plain", "W")
step_plain_b = _declare(PLAIN_B, 2, "plain", "b")
step_momentum_w = _declare(MOMENTUM_W, 3, "momentum", "W")
step_momentum_b = _declare(MOMENTUM_B, 2, "momentum", "b")
