"""Checks of `nn.dense.Dense`: 36 points, the hidden test included.

Each method is graded on its own, as far as the convention allows: the grader builds the layer and
sets W and b itself (`set_parameter`, given), so forward does not depend on __init__'s random W; backward
is judged against the reference on the grader's x, W and backwards_gradient, with the cache the
student's own forward returned (the only cache it can have: the contract leaves what it holds to the
student). Where that forward raises or returns no (y, cache) pair, backward's value tests judge what it
returned given an empty cache with no forward before it (`given_at`), where it returned; else they wait,
charging nothing. Batches come as [N, in_dim] (most tests) and with no, two or three leading batch dimensions
(tests of their own), so a layer right on [N, in_dim] only loses those.
"""
from __future__ import annotations

import numpy as np

from ...checks.base import Crashed, Skip, check, per_case, rounds
from ...checks.gradients import matches_reference, slopes
from ...compare import EXACT, Failure, expect, matches
from ...expected import expected
from ...sandbox import Script
from ...cases import draw
from .cases import STRATEGIES, dense_batch_cases, dense_cases, dense_no_bias_cases, dense_slope_cases
from .common import (absent, backward_twice, charge_to, distinct, elsewhere, extra_keys, forward_before,
                     forward_between, forward_pair, judge_cache_kept, judge_fresh_cache, judge_pair, key_hint, key_list,
                     keys_found, needs_pair, pairs_or_empty, returned, same_cache, shape_hinted,
                     spoilt_by_shared_cache)

DENSE = "nn.dense.Dense"
CLASSES = {"Dense": DENSE}
FORWARD = "Dense.forward"
Y = "Dense.forward: y = x @ W + b on a batch [N, in_dim]"
DX, DW, DB = ("Dense.backward: dx on a batch [N, in_dim]", "Dense.backward: gradients['{name}/W'] on a batch",
              "Dense.backward: gradients['{name}/b'] on a batch")
LEADING = "Dense.backward: dx, dW and db for one sample [in_dim] and for two or three leading batch dimensions"
NO_BIAS = "Dense.backward: with use_bias=False: dx, dW, and no b gradient"
STRATEGY = draw(f"{STRATEGIES}:dense_strategy")
BATCH_STRATEGY = draw(f"{STRATEGIES}:dense_strategy", counts=(0, 2, 3))
NO_BIAS_STRATEGY = draw(f"{STRATEGIES}:dense_strategy", use_bias=False)
FIX_FORWARD = ("your forward's y is wrong on this input too, and backward is given the cache that forward "
               "returned: fix forward first")
FLAT = "flatten the batch first: X = x.reshape(-1, in_dim), G = backwards_gradient.reshape(-1, out_dim)"


def student(s: Script, case):
    """A student Dense with the case's W (and b), set with the given set_parameter: forward does not
    depend on __init__'s random W. set_parameter fails only when __init__ did not set the layer up."""
    c_in, c_out = case.dims
    layer = s.new(DENSE, c_in, c_out, case.bias, case.layer_name)
    set_parameter(s, layer, "W", case.W)
    if case.bias:
        set_parameter(s, layer, "b", case.b)
    return layer


def set_parameter(s: Script, layer, param: str, value, shown: str | None = None) -> None:
    s.call(layer, "set_parameter", param, value, label=s.fresh(), shown=(repr(param), shown or param))
    charge_to(s, "Dense.__init__")


def reference(package, case):
    c_in, c_out = case.dims
    layer = package.Dense(c_in, c_out, case.bias, case.layer_name)
    layer.set_parameter("W", case.W.copy())
    if case.bias:
        layer.set_parameter("b", case.b.copy())
    return layer


def key(case, param: str) -> str:
    return f"{case.layer_name}/{param}"


@expected
def _expected(package, case):
    """y, dx, dW and db (zeros(0) without a bias) of the reference."""
    layer = reference(package, case)
    y, cache = layer.forward(case.x)
    gradients = {}
    dx = layer.backward(case.x, cache, case.backwards_gradient, gradients)
    return y, dx, gradients[key(case, "W")], gradients.get(key(case, "b"), np.zeros(0))


# ------------------------------------------------------------------ __init__


@per_case
def _init_script(case):
    """The layer as constructed, with its parameters() (no input of the case is passed: none is shown)."""
    s = Script()
    c_in, c_out = case.dims
    if case.layer_name == "Dense" and case.bias:  # the defaults, as Dense(in_dim, out_dim)
        layer = s.new(DENSE, c_in, c_out)
    else:
        layer = s.new(DENSE, c_in, c_out, case.bias, case.layer_name)
    params = s.returned(layer, "parameters", name="parameters()")
    s.labels["parameters"] = len(s.ops) - 1  # (only marked as read: what a failure is about)
    s.item(params, key(case, "W"), label="W")
    s.item(params, key(case, "b"), label="b")
    key_list(s, params, "keys")
    return s


def _judge_W(out, case) -> None:
    out.read.add(out.script.labels["parameters"])
    c_in, c_out = case.dims
    got, name = out["W"], key(case, "W")
    if absent(got):
        raise Failure(f"parameters() has no {name!r}", "make W with self.set_parameter('W', ...), which keys it "
                      f"'{{name}}/W'; " + key_hint(keys_found(out, "keys"), case.layer_name, "W"))
    if isinstance(got, np.ndarray) and got.shape == (c_out, c_in) and c_in != c_out:
        raise Failure(f"W: shape {got.shape}, expected ({c_in}, {c_out})",
                      "your W is [out_dim, in_dim]; it is [in_dim, out_dim], so that y = x @ W")
    if not isinstance(got, np.ndarray) or got.shape != (c_in, c_out):
        expect("W", got, np.zeros((c_in, c_out)), generic=False)  # (fails at its type or shape stage)
    W = got.astype(np.float64)
    if not np.all(np.isfinite(W)):
        raise Failure("W has entries that are not finite")
    if not np.any(W):
        raise Failure("W is all zeros", "draw W at random, e.g. np.random.randn(in_dim, out_dim) * "
                      "np.sqrt(2 / in_dim): with equal weights every output unit computes and learns the same thing")


def _extra_keys(out, expected_keys: list[str]) -> None:
    extra = extra_keys(out, "keys", expected_keys)
    if extra:
        raise Failure(f"parameters() holds {extra} besides {' and '.join(map(repr, expected_keys))}",
                      "a Dense layer's parameters are W and, when use_bias, b: nothing else")


@check("Dense.__init__: parameters '{name}/W' of shape [in_dim, out_dim] (random) and '{name}/b' zeros [out_dim]",
       points=2, cases=dense_cases, computes=False)
def init_parameters(case, ref):
    out = yield _init_script(case)
    _judge_W(out, case)
    c_in, c_out = case.dims
    got, name = out["b"], key(case, "b")
    if absent(got):
        raise Failure(f"parameters() has no {name!r}", "with use_bias=True (the default), make b with "
                      "self.set_parameter('b', np.zeros(out_dim)); " + key_hint(keys_found(out, "keys"),
                                                                              case.layer_name, "b"))
    expect("b", got, np.zeros(c_out), generic=False, known_wrong=lambda: [
        (np.zeros((1, c_out)), "your b has shape (1, out_dim); it is 1-D: np.zeros(out_dim)"),
        (np.zeros((c_out, 1)), "your b is a column (out_dim, 1); it is 1-D: np.zeros(out_dim)"),
        (np.zeros(c_in), "your b has in_dim entries; it has one per output: np.zeros(out_dim)")],
        hint="b starts as zeros: np.zeros(out_dim)")
    _extra_keys(out, [key(case, "W"), key(case, "b")])


@check("Dense.__init__: with use_bias=False, no b", points=1, cases=dense_no_bias_cases, computes=False)
def init_no_bias(case, ref):
    out = yield _init_script(case)
    _judge_W(out, case)
    if not absent(out["b"]):
        raise Failure(f"parameters() holds {key(case, 'b')!r} for a layer made with use_bias=False",
                      "with use_bias=False the layer has no b: set b only when use_bias is True")
    _extra_keys(out, [key(case, "W")])


# ------------------------------------------------------------------ forward


@per_case
def _forward_script(case):
    s = Script(case=case)
    layer = student(s, case)
    _, pair = forward_pair(s, layer, case.x, keep_args="forward")
    return s, pair


def _forward_mistakes(case, y):
    wrong = []
    if case.bias:
        wrong.append((case.x @ case.W, "your y has no bias: y = x @ W + b"))
    c_in, c_out = case.dims
    if c_in == c_out:
        wrong.append((case.x @ case.W.T + (case.b if case.bias else 0), "your y uses W.T: W is [in_dim, out_dim], "
                                                                          "so y = x @ W + b"))
    if y.ndim == 1:  # (one sample: a leading 1 comes from a bias reshaped to a row as often as from reshaping x)
        wrong.append((y[None], "for one sample x [in_dim], y is [out_dim]: yours has a leading dimension of 1 "
                               "(from x made two-dimensional, or b reshaped to a row (1, out_dim)?); with b of shape "
                               "[out_dim], y = x @ W + b keeps x's leading dimensions"))
    elif y.ndim != 2:
        wrong.append((y.reshape(-1, c_out), "your y is flattened to [samples, out_dim]: keep x's leading "
                                            "dimensions, y = x @ W + b does ([..., out_dim])"))
    return wrong


def _judge_y(out, pair, case, ref, hint: str = "") -> None:
    y = _expected(ref, case)[0]
    expect("y", returned(out, pair, FORWARD), y, known_wrong=distinct(lambda: _forward_mistakes(case, y), y),
           hint=hint)


@check(Y, points=4, cases=dense_cases, strategy=STRATEGY)
def forward_y(case, ref):
    s, pair = _forward_script(case)
    _judge_y((yield s), pair, case, ref)


@check("Dense.forward: returns the pair (y, cache)", points=1, cases=dense_cases, strategy=STRATEGY, behaviour=True)
def forward_pair_returned(case, ref):
    """The pair, and a cache of its own each call (read from backward's script: one shared dict is a mistake
    only where it spoils what backward computes)."""
    s, pair, _ = _backward_script(case)
    out = yield s
    judge_pair(out, pair, FORWARD)
    judge_fresh_cache(out, FORWARD, _gradients(case))


def _gradients(case) -> tuple[str, ...]:
    """The labels of what backward computes, for the case."""
    return ("dx", "dW", "db") if case.bias else ("dx", "dW")


@check("Dense.forward: y for one sample [in_dim] and for two or three leading batch dimensions", points=2,
       cases=dense_batch_cases, strategy=BATCH_STRATEGY, owners={"y": Y})
def forward_leading(case, ref):
    s, pair = _forward_script(case)
    out = yield s
    try:
        _judge_y(out, pair, case, ref)
    except Crashed as crash:  # (helper-75: an einsum of "ni,io->no" raised, and said only numpy's words)
        raise shape_hinted(crash, case.x, "forward takes x of shape [..., in_dim], any number of leading dimensions, "
                           "and y keeps them: x @ W does (np.einsum needs '...i,io->...o'; a reshape to [-1, in_dim] "
                           "must be undone for y)") from None


@check("Dense.forward: with use_bias=False, y = x @ W", points=1, cases=dense_no_bias_cases, strategy=NO_BIAS_STRATEGY,
       owners={"y": Y})
def forward_no_bias(case, ref):
    """y is compared here whatever the batch test of y said (a forward right only without a bias computes something
    right; one wrong everywhere fails here too: leaving those inputs out would credit one right by chance on an input
    or two); only its hint to add no b waits for the batch test to pass (y + 1 is no b added)."""
    s, pair = _forward_script(case)
    out = yield s
    charged = pair.value in out.excused
    out.excused = out.excused - {pair.value}
    _judge_y(out, pair, case, ref, hint="" if charged else "with use_bias=False, y = x @ W: add no b")


@check("Dense.forward: does not modify x", points=0.5, cases=dense_cases, strategy=STRATEGY, behaviour=True)
def forward_keeps_x(case, ref):
    out = yield _forward_script(case)[0]
    expect("x after forward", out["forward#arg0"], case.x, EXACT)


# ------------------------------------------------------------------ backward


@per_case
def _backward_script(case):
    """forward(x) -> (y, cache), backward(x, cache, backwards_gradient, gradients) on a fresh layer (the gradients
    dict's keys read at once), and again with that cache (into another dict); then a second layer's forward(x),
    forward(1 - 2 * x) and backward with the first forward's x and cache."""
    s = Script(case=case)
    with s.diagnosing():  # first (a forward that raises ends the case), and apart (one that hangs stops no other op)
        start = len(s.ops)
        alone = s.dict("gradients")
        s.call(student(s, case), "backward", case.x, s.dict("an empty cache"), case.backwards_gradient, alone,
               label=ALONE + "dx", soft=True, shown=("x", "an empty cache", "backwards_gradient", "gradients"))
        s.item(alone, key(case, "W"), label=ALONE + "dW")
        s.item(alone, key(case, "b"), label=ALONE + "db")
        key_list(s, alone, ALONE + "keys")
        s.apart.update(range(start, len(s.ops)))
    layer = student(s, case)
    cache, pair = forward_pair(s, layer, case.x)
    gradients = s.dict("gradients")
    s.call(layer, "backward", case.x, cache, case.backwards_gradient, gradients, label="dx", keep_args=True,
           soft=True)  # (the gradients it wrote before raising, judged: Outputs.stored_before)
    s.item(gradients, key(case, "W"), label="dW")
    s.item(gradients, key(case, "b"), label="db")  # (there must be none without a bias)
    key_list(s, gradients, "keys")  # (at once: later calls of the student's code could change that dict: helper-92)
    twice = s.dict("gradients")
    backward_twice(s, layer, case.x, cache, case.backwards_gradient, twice, label="dx.twice")
    s.item(twice, key(case, "W"), label="twice.dW")
    again = student(s, case)
    forward_before(s, again, elsewhere(case.x, 1), shown=("another x",))
    cache, pair_again = forward_pair(s, again, case.x, prefix="again.", lean=True)
    later = forward_between(s, again, elsewhere(case.x, 2), shown=("a third x",))
    more = s.dict("gradients")
    s.call(again, "backward", case.x, cache, case.backwards_gradient, more, label="again.dx", soft=True)  # (soft as
    # the first: the given-cache test judges what a backward that raises stored before)
    s.item(more, key(case, "W"), label="again.dW")
    if case.bias:
        s.item(more, key(case, "b"), label="again.db")
    same_cache(s, cache, later)
    return s, pair, pair_again


ALONE = "alone."  # backward on a fresh layer given an empty cache, with no forward (`_backward`)


def _dx(out, pair, case, ref, at: str = "") -> None:
    y, dx, _, _ = _expected(ref, case)
    c_in, c_out = case.dims
    g = case.backwards_gradient
    wrong = []
    if c_in == c_out:
        wrong.append((g @ case.W, "your dx uses W; it is backwards_gradient @ W.T"))
    if case.x.ndim != 2:
        wrong.append((dx.reshape(-1, c_in), "your dx is flattened to [samples, in_dim]; give it x's shape: "
                                            "dx.reshape(x.shape)"))
    expect("dx" + _GIVEN[at], out[at + "dx"], dx, known_wrong=distinct(lambda: wrong, dx),
           batch=case.samples if case.x.ndim == 2 else None,
           hint=FIX_FORWARD if _forward_wrong(out, pair, y) else "")


def _forward_wrong(out, pair, y) -> bool:
    """The student's forward gave a wrong y on this input (backward then had its cache)."""
    got = out.result.values.get(pair.value)
    return isinstance(got, np.ndarray) and not matches(got, y)


_GIVEN = {"": "", ALONE: " (forward raised on this input: backward was given an empty cache)"}


def _gradient(out, case, param: str, at: str = ""):
    """gradients['{name}/{param}'] after backward, failing with what the dict holds when it is not there."""
    out.about(at + "dx")  # (not read: what backward stored before any raise is judged, Outputs.stored_before)
    got = out[f"{at}d{param}"]
    if absent(got):
        raise Failure(f"gradients has no {key(case, param)!r} after backward{_GIVEN[at]}",
                      key_hint(keys_found(out, at + "keys"), case.layer_name, param))
    return got


def _dW(out, pair, case, ref, at: str = "") -> None:
    y, _, dW, _ = _expected(ref, case)
    n = case.samples

    def wrong():
        found = [(dW.T, "your dW is transposed: it has W's shape [in_dim, out_dim]: dW = x.T @ backwards_gradient"),
                 (dW / n, "your dW is divided by the number of samples; do not divide: the loss's mean already "
                          "put its 1/N into backwards_gradient")]
        if case.x.ndim > 2:
            found.append((np.swapaxes(case.x, -1, -2) @ case.backwards_gradient,
                          f"your dW keeps leading batch dimensions (a batched matmul sums over the last one only): "
                          f"sum over every sample: {FLAT}, dW = X.T @ G"))
            found.append((np.einsum("...i,...j->...ij", case.x, case.backwards_gradient), f"your dW is one x.T @ g per sample: sum them over "
                                                               f"every sample: {FLAT}, dW = X.T @ G"))
        return found

    expect("dW" + _GIVEN[at], _gradient(out, case, "W", at), dW, known_wrong=distinct(wrong, dW),
           batch=n if case.x.ndim == 2 else None,
           hint=FIX_FORWARD if _forward_wrong(out, pair, y) else (f"dW has W's shape [in_dim, out_dim] whatever x's "
                                                            f"leading dimensions: {FLAT}, dW = X.T @ G"
                                                            if case.x.ndim != 2 else ""))


def _db(out, pair, case, ref, at: str = "") -> None:
    y, _, _, db = _expected(ref, case)
    n, g = case.samples, case.backwards_gradient

    def wrong():
        found = [(db / n, "your db is the mean over the batch; it is the sum: backwards_gradient summed over "
                          "every sample"),
                 (db[None, :], "your db has shape (1, out_dim); b is 1-D [out_dim]: sum without keepdims")]
        if g.ndim >= 2:
            found.append((g, "your db is backwards_gradient itself; sum it over the batch: "
                             + ("backwards_gradient.sum(axis=0)" if g.ndim == 2 else
                                "backwards_gradient.reshape(-1, out_dim).sum(axis=0), over every leading dimension")))
            if g.ndim == 2:
                found.append((g.sum(axis=1), "your db sums over the features (axis=1); sum over the batch (axis=0)"))
            else:
                found.append((g.sum(axis=0), f"your db sums over the first axis only; sum over every leading "
                                             f"dimension: backwards_gradient.reshape(-1, out_dim).sum(axis=0)"))
        return found

    expect("db" + _GIVEN[at], _gradient(out, case, "b", at), db, known_wrong=distinct(wrong, db),
           batch=n if g.ndim == 2 else None,
           hint=FIX_FORWARD if _forward_wrong(out, pair, y) else ("db has b's shape [out_dim] whatever the leading "
                                                            "dimensions: backwards_gradient.reshape(-1, "
                                                            "out_dim).sum(axis=0)" if g.ndim != 2 else ""))


def _backward(case, ref, *judges):
    """A backward check's body: run forward and backward on `case`, then each of `judges` on what came back
    (once forward returned its pair); returns the outputs for whatever the check judges besides."""
    s, pair, _ = _backward_script(case)
    out = yield s
    at = given_at(out, pair)
    for judge in judges:
        judge(out, pair, case, ref, at)
    return out, at


def given_at(out, pair) -> str:
    """Where backward's values are read: "" once forward returned its pair; where forward raised, ALONE, what
    backward returned given an empty cache with no forward, if it did, as for the losses (`pairs_or_empty`;
    helper-193: a forward raising on one-sample inputs alone cost a backward that never reads the cache its
    leading-dimensions test, 3 points, as "not run: needs Dense.forward"); else it waits for forward."""
    return ALONE if pairs_or_empty(out, (pair,), FORWARD, (ALONE + "dx",)) else ""


def owned(owners: dict) -> dict:
    """`owners` for the values backward gave with forward's cache and for those it gave with an empty one alike."""
    return {**owners, **{ALONE + label: owner for label, owner in owners.items()}}


@check(DX, points=4, cases=dense_cases, strategy=STRATEGY)
def backward_dx(case, ref):
    yield from _backward(case, ref, _dx)


@check(DW, points=4, cases=dense_cases, strategy=STRATEGY)
def backward_dW(case, ref):
    yield from _backward(case, ref, _dW)


@check(DB, points=4, cases=dense_cases, strategy=STRATEGY)
def backward_db(case, ref):
    yield from _backward(case, ref, _db)


@check(LEADING, points=3, cases=dense_batch_cases, strategy=BATCH_STRATEGY,
       owners=owned({"dx": DX, "dW": DW, "db": DB}))  # (a mistake the batch tests show too is charged there, once)
def backward_leading(case, ref):
    yield from _backward(case, ref, _dx, _dW, _db)


@check(NO_BIAS, points=3, cases=dense_no_bias_cases, strategy=NO_BIAS_STRATEGY, owners=owned({"dx": DX, "dW": DW}))
def backward_no_bias(case, ref):
    out, at = yield from _backward(case, ref, _dx, _dW)
    if not absent(out[at + "db"]):
        raise Failure(f"gradients holds {key(case, 'b')!r} for a layer made with use_bias=False",
                      "with use_bias=False the layer has no b: store a b gradient only when self.use_bias")
    extra = extra_keys(out, at + "keys", [key(case, "W")])
    if extra:
        raise Failure(f"gradients holds {extra} besides {key(case, 'W')!r}",
                      "backward stores its parameters' gradients and nothing else")


@check("Dense.backward: does not modify x, backwards_gradient or the cache", points=0.5, cases=dense_cases,
       strategy=STRATEGY, behaviour=True)
def backward_keeps_args(case, ref):
    s, pair, _ = _backward_script(case)
    out = yield s
    needs_pair(out, pair, FORWARD)
    expect("x after backward", out["dx#arg0"], case.x, EXACT)
    expect("backwards_gradient after backward", out["dx#arg2"], case.backwards_gradient, EXACT)
    judge_cache_kept(out, (("dx", "dx.twice", "dx"), ("dW", "twice.dW", "dW")))


@check("Dense.backward: uses the x and cache it is given (another forward ran since)", points=1, cases=dense_cases,
       behaviour=True)
def backward_given_cache(case, ref):
    """Against the student's own first round: only what the forward in between changes is judged here. A backward
    that raises in both rounds the same way (its dx test charges that) is judged on the gradients it stored before."""
    s, pair, again = _backward_script(case)
    out = yield s
    needs_pair(out, pair, FORWARD)
    needs_pair(out, again, FORWARD)
    if spoilt_by_shared_cache(out, _gradients(case)):
        raise Skip("forward returns one cache for every call: its test 'returns the pair' charges that")
    hint = ("backward must compute from the x and cache it is given, not from what forward kept on the layer (from "
            "its first call or its last): a layer may run forward several times before the backward passes")
    rounds(out, "dx", ("again.dx",), [(f"{label} after another forward", f"again.{label}", label,
                                       f"{label} with no forward in between") for label in _gradients(case)], hint)


@expected
def _expected_probes(package, case):
    """The reference's L = sum(backwards_gradient * y) at every probe of the finite-difference check."""
    losses = []
    for name in ("x", "W", "b") if case.bias else ("x", "W"):
        base = getattr(case, name)
        for k in range(base.size):
            for sign in (1.0, -1.0):
                moved = base.astype(np.float64, copy=True)
                moved.flat[k] += sign
                layer = reference(package, case)
                if name == "x":
                    y, _ = layer.forward(moved)
                else:
                    layer.set_parameter(name, moved)
                    y, _ = layer.forward(case.x)
                losses.append(float((case.backwards_gradient * y).sum()))
    return np.array(losses)


@check("Dense.backward: agrees with finite differences of forward", points=2, cases=dense_slope_cases,
       strategy=STRATEGY, owners={"dx": (DX, LEADING), "dW": (DW, LEADING), "db": (DB, LEADING)})
def backward_finite_differences(case, ref):
    """Reference-free: L = sum(backwards_gradient * y(x, W, b)); y is affine, so a step of 1 is exact.
    Judged only where the student's forward matches the reference: elsewhere its slopes say nothing."""
    s = Script(case=case)
    layer = student(s, case)

    def probe(x=case.x, shown=("x",)):
        result = s.returned(layer, "forward", x, name="(y, cache)", shown=shown)
        label = s.fresh()
        s.item(result, 0, label=label, name="y")
        return label

    def moved(param):
        def run(value):
            set_parameter(s, layer, param, value, f"{param} with one entry moved by +-1")
            return probe()
        return run

    by = [slopes("x", case.x, 1.0, lambda x: probe(x, ("x with one entry moved by +-1",)))]
    by.append(slopes("W", case.W, 1.0, moved("W")))
    set_parameter(s, layer, "W", case.W)
    if case.bias:
        by.append(slopes("b", case.b, 1.0, moved("b")))
        set_parameter(s, layer, "b", case.b)
    cache, pair = forward_pair(s, layer, case.x)
    gradients = s.dict("gradients")
    s.call(layer, "backward", case.x, cache, case.backwards_gradient, gradients, label="dx")
    s.item(gradients, key(case, "W"), label="dW")
    if case.bias:
        s.item(gradients, key(case, "b"), label="db")
    out = yield s
    needs_pair(out, pair, FORWARD)

    def loss(y):
        if y.shape != case.backwards_gradient.shape:
            raise Skip("forward's y has the wrong shape there, so its slopes say nothing about backward")
        return float((case.backwards_gradient * y).sum())

    matches_reference(np.concatenate([p.losses(out, loss) for p in by]), _expected_probes(ref, case))
    for label, slope in zip(("dx", "dW", "db"), by):
        slope.check(label, out[label], out, loss)
