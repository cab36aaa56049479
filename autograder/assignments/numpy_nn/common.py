"""What the numpy-nn checks share: how a forward's (y, cache) is read, how a dict's keys come back,
and the words for the usual mistakes of this convention.

forward(x) -> (y, cache): the grader keeps what forward returned in the worker (`Script.returned`),
reads y (item 0) back, and keeps the cache (item 1) there, for the same object's backward; the cache
never comes back (it is the student's own, whatever it holds). Whether forward returned that pair at
all is told from what comes back: `result[None]` (an array returned alone comes back whole, with a new
first axis; a tuple cannot be read so), item 0, item 2 (a pair has none), and whether reading item 1
failed. The value tests read y from the pair, or from an array returned alone; the test "returns the
pair (y, cache)" charges a forward that returns anything else, and backward's tests then wait for
forward (backward cannot run without forward's cache), charging nothing.
"""
from __future__ import annotations

import ast
import zlib
from typing import NamedTuple

import numpy as np

from ...checks.base import Crashed, NotAttempted, Skip, Waiting, absent, consistent
from ...compare import NOT_ARRAY, TO_ARRAY, Failure, matches, shape_str, unambiguous
from ...sandbox import Bad, Script
from ...sandbox.script import Obj

SEPARATOR = "\u241e"  # joins a dict's keys into one text (a key holding it is unlikely)


class Pair(NamedTuple):
    """The labels under which one forward call's result comes back."""
    value: str  # item 0: y (a loss: the loss)
    whole: str  # result[None]: an array (or numpy number) returned alone, with a new first axis
    third: str  # item 2: a pair has none
    call_op: int  # the forward call
    cache_op: int  # the op reading item 1 (the cache, kept in the worker): it raises when there is none
    what: str  # "y" or "loss"
    number: str = ""  # what forward returned, whole, where that is a number (a Python float: no [None] of it)


def charge_to(s: Script, method: str) -> None:
    """Charge a failure of the script's last op to `method` ("Dense.__init__"): the grader's call of a
    given method (set_parameter) that can fail only because of what that method set up."""
    cls, _, name = method.partition(".")
    s.meta[-1] = s.meta[-1]._replace(cls=cls, name=name)


def forward_pair(s: Script, obj: Obj, *args, prefix: str = "", keep_args: str = "", what: str = "y",
                 shown: tuple[str, ...] | None = None, lean: bool = False) -> tuple[Obj, Pair]:
    """Call obj.forward(*args), keeping its result in the worker: y (item 0) comes back under
    `{prefix}{what}`; returns the cache (item 1, kept in the worker) and the labels to judge the pair by.
    `lean`: y and the cache only, for a second forward of the same input whose script reads the whole of the
    first (how a forward returned something else than the pair is told from that one)."""
    result = s.returned(obj, "forward", *args, name=f"({what}, cache)", keep_args=keep_args, shown=shown)
    call = len(s.ops) - 1
    if not lean:
        with s.diagnosing():  # (a forward that returns its value alone fails a passing test's reads without them)
            holder = s.dict("the grader's dict")  # what forward returned comes back whole: a number does, a pair not
            s.call(holder, "setdefault", "returned", result, label=f"{prefix}{what}.returned", soft=True)
            s.meta[-1] = s.meta[-1]._replace(kind="get", text=result.name)  # (a read, not a call the student made)
            s.item(result, None, label=f"{prefix}{what}.returned[None]")
    s.item(result, 0, label=f"{prefix}{what}", name=what)
    if not lean:
        s.item(result, 2, label=f"{prefix}{what}.returned[2]")
    cache = s.item(result, 1, name="cache")
    return cache, Pair(f"{prefix}{what}", f"{prefix}{what}.returned[None]", f"{prefix}{what}.returned[2]", call,
                       len(s.ops) - 1, what, f"{prefix}{what}.returned")


def forward_value(s: Script, obj: Obj, *args, prefix: str = "", what: str = "loss",
                  shown: tuple[str, ...] | None = None) -> Pair:
    """Call obj.forward(*args) and read back only its value (item 0, or what it returned alone), never the
    cache: a forward that returns no pair does not stop the script here (reading its cache would), so a
    test of the value alone runs later calls too. Judge it with `returned` (not `judge_pair`)."""
    result = s.returned(obj, "forward", *args, name=f"({what}, cache)", shown=shown)
    call = len(s.ops) - 1
    holder = s.dict("the grader's dict")
    s.call(holder, "setdefault", "returned", result, label=f"{prefix}{what}.returned", soft=True)
    s.meta[-1] = s.meta[-1]._replace(kind="get", text=result.name)
    s.item(result, None, label=f"{prefix}{what}.returned[None]")
    s.item(result, 0, label=f"{prefix}{what}", name=what)
    return Pair(f"{prefix}{what}", f"{prefix}{what}.returned[None]", f"{prefix}{what}.returned[2]", call, -1, what,
                f"{prefix}{what}.returned")


# ------------------------------------------------------------------ a cache shared by every forward

SAME_CACHE = "again.same cache"  # whether an earlier forward's cache is the object a later forward returned
MARK = "autograder: a key the grader put into the later forward's cache"


# Fixed noise in [-2, 2), from a hash of the integers (not numpy.random: importing that costs a graded run 9 ms);
# a prime length, so that windows of it rarely repeat.
_NOISE = (np.sin(np.arange(1.0, 4100.0) * 12.9898) * 43758.5453) % 1.0 * 4.0 - 2.0


def elsewhere(value: np.ndarray, salt: int, rows: bool = False) -> np.ndarray:
    """An input of `value`'s shape and dtype that no formula of `value` gives, for the forwards the grader runs
    before and after the one whose cache a backward is given: a window of fixed noise that starts where a checksum
    of `value`'s bytes says (the same every run), so code that spots a fixed transform of its input (1 - 2 * x)
    cannot tell them from a network's own. `rows`: `value`'s rows in another order (targets stay targets)."""
    start = zlib.crc32(np.ascontiguousarray(value).tobytes(), salt)
    window = _NOISE[(start + np.arange(len(value) if rows else value.size)) % len(_NOISE)]
    if rows:
        return value[np.argsort(window)] if value.ndim else value.copy()
    return window.reshape(value.shape).astype(value.dtype)


def forward_before(s: Script, obj: Obj, *args, shown: tuple[str, ...]) -> None:
    """obj.forward(*args) (soft) on a fresh object, before the forward whose cache its backward is given: what
    forward keeps on the object from its first call only is then not what that backward needs."""
    s.call(obj, "forward", *args, label=s.fresh(), soft=True, shown=shown)


def forward_between(s: Script, obj: Obj, *args, shown: tuple[str, ...]) -> Obj:
    """obj.forward(*args) (soft), run between an earlier forward of `obj` and the backward given that forward's
    cache: what this forward returned as its cache, kept in the worker for `same_cache`."""
    later = s.returned(obj, "forward", *args, name="(y, cache)", shown=shown, soft=True)
    return s.item(later, 1, label=s.fresh(), name="cache")  # (a label: a read that fails stops nothing)


def same_cache(s: Script, cache: Obj, later: Obj) -> None:
    """Whether `cache`, an earlier forward's, is the very object a later forward returned as its cache (one dict
    kept on self and filled again by every forward), under SAME_CACHE: a key put into the later one shows in the
    earlier. Last, after the backward given `cache` (which never sees the key)."""
    s.call(later, "__setitem__", MARK, True, label=s.fresh(), soft=True)
    s.meta[-1] = s.meta[-1]._replace(kind="get", text=f"{later.name} (the grader's key put in)")  # (not calls the
    s.call(cache, "__contains__", MARK, label=SAME_CACHE, soft=True)  # student made: never shown among them)
    s.meta[-1] = s.meta[-1]._replace(kind="get", text=f"{cache.name} (whether it holds that key)")


def backward_twice(s: Script, obj: Obj, *args, label: str) -> None:
    """obj.backward(*args) once more (soft), with the cache the first backward was given: a backward that changed
    that cache (an in-place *= on one of its arrays) returns another value the second time (`judge_cache_kept`).
    The first call's values came back as it returned: what the second changes does not reach them."""
    s.call(obj, "backward", *args, label=label, soft=True)


CACHE_CHANGED = ("your backward changed the cache it was given (an in-place *=, += or masked assignment on one of "
                 "its arrays): given the same cache again it returns another {what}; compute new arrays and leave the "
                 "cache's as forward made them")


CACHE_AGAIN = ("backward may be called again with the cache forward returned (a layer used at several places, "
               "a second backward pass): leave the cache as forward made it (no cache.pop, no in-place change of its "
               "arrays), and write each call's gradients into the dict that call is given")


def judge_cache_kept(out, labels: tuple[tuple[str, str, str], ...]) -> None:
    """What backward computed (each `first` label) is what it computes when given the same cache again (`twice`),
    shown as `what`. A second call that raises where the first returned fails too: the writeup says backward may be
    called again with the same cache (helper-92: a backward that took its array out of the cache, cache.pop, then
    changed it in place, or one that refused a cache used before, kept the point)."""
    for first, twice, what in labels:
        raised = out.raised_at(twice)
        if raised is not None:
            if out.raised_at(first) is not None:  # (it raises anyway: its value test charges that)
                raise Skip("backward raised on its first call too, so a second one shows nothing of the cache")
            raise Failure(f"backward given the same cache again: {raised.message}", CACHE_AGAIN)
        again = out[twice]
        if isinstance(again, Bad) and isinstance(out[first], np.ndarray):  # (a gradient it no longer stores there)
            raise Failure(f"{what} from backward given the same cache again: {again.what}", CACHE_AGAIN)
        consistent(f"{what} from backward given the same cache again", again, out[first],
                   hint=CACHE_CHANGED.format(what=what), reference_label=f"{what} from the first backward")


def spoilt_by_shared_cache(out, labels: tuple[str, ...]) -> list[str]:
    """Where forward returns one cache object for every call: which of backward's values (`labels`), given an
    earlier forward's cache, differ from those with no forward in between (the `again.` ones against the
    first): forward's mistake, charged by its test "returns the pair", not backward's. None differing: a shared
    cache backward does not read (it is given x too) is no mistake."""
    shared = out.result.values.get(SAME_CACHE)
    if not (isinstance(shared, np.ndarray) and shared.shape == () and bool(shared)):
        return []
    spoilt = []
    for label in labels:
        later, first = out.result.values.get(f"again.{label}"), out.result.values.get(label)
        if isinstance(later, np.ndarray) and isinstance(first, np.ndarray) and not matches(
                later.astype(np.float64), first.astype(np.float64)):
            spoilt.append(label)
    return spoilt


SHARED = ("{method} returns one dict as its cache on every call (kept on self and filled again): the cache an "
          "earlier forward returned changes when forward runs again, so backward given it computes {what} from the "
          "later forward's values")
SHARED_FIX = ("make a new cache on each call (cache = {{...}}; return {value}, cache): one {kind} object may run "
              "forward several times (at several places of a network) before its backwards")
SHOWN = {"dx": "dx", "dW": "dW", "db": "db", "grad": "dL/dy_pred"}  # what backward computes, as the writeup names it


def judge_fresh_cache(out, method: str, labels: tuple[str, ...], value: str = "y") -> None:
    """Fail where forward's one shared cache spoilt what backward computed (see `spoilt_by_shared_cache`; the first
    of `labels` is what backward returns; `value`: what forward returns besides the cache, y or loss); the calls
    shown are those that show it (both objects' forwards and backwards, the second's forward between)."""
    spoilt = spoilt_by_shared_cache(out, labels)
    if spoilt:
        shown = (*labels[:1], *spoilt)  # (the first label: what backward returned, so both objects' calls are shown)
        for label in dict.fromkeys((SAME_CACHE, *shown, *(f"again.{label}" for label in shown))):
            out.peek(label)
        names = [SHOWN.get(label, label) for label in spoilt]
        what = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        raise Failure(SHARED.format(method=method, what=what),
                      SHARED_FIX.format(value=value, kind="loss" if value == "loss" else "layer"))


def _forward_ran(out, pair: Pair) -> None:
    """Raise what the check must say when forward itself raised (its crash, or a wait for it), or when
    reading what it returned did (an object whose [] raises past `except Exception`, or ends the worker:
    forward's doing); else mark forward's call as what the check is about (its calls and inputs are shown
    with a failure)."""
    error = out.result.error
    if error is not None and pair.call_op < error.op < pair.cache_op:
        forward = out.script.meta[pair.call_op].method
        what = f"reading what {forward} returned raised {error.type}: {error.msg}"
        out.read.add(pair.call_op)
        out.reached = max(out.reached, error.op)
        if out.method == forward:
            raise Crashed(what)
        raise Waiting(f"needs {forward}, but {what}", culprit=forward, raised=True)
    out.peek(pair.value)
    out.read.add(pair.call_op)


def not_a_pair(out, pair: Pair) -> str:
    """'' when forward returned the pair (value, cache), else how it did not (forward ran: `_forward_ran`)."""
    values, error = out.result.values, out.result.error
    pair_words = f"the pair ({pair.what}, cache)"
    if isinstance(values.get(pair.whole), np.ndarray) or _number(values.get(pair.number)):
        return f"returned {pair.what} alone, not {pair_words}"
    first = values.get(pair.value)
    if absent(first, "[0]"):
        if "NoneType" in first.what:
            return f"returned None, not {pair_words}"
        return f"did not return {pair_words}: {first.what.removeprefix('nothing: ')}"
    if error is not None and error.op == pair.cache_op:
        return f"returned one item, not {pair_words}: reading [1] of it raised {error.type}: {error.msg}"
    if pair.third in values and not absent(values[pair.third], "[2]"):
        return f"returned more than two items; it returns {pair_words}"
    return ""


RETURN_PAIR = ("return both: `return {what}, cache` (cache: whatever backward needs, e.g. a dict of arrays, "
               "possibly empty); backward is given that cache")


def judge_pair(out, pair: Pair, method: str) -> None:
    """Fail unless forward returned the pair (value, cache)."""
    _forward_ran(out, pair)
    problem = not_a_pair(out, pair)
    if problem:
        raise Failure(f"{method} {problem}", RETURN_PAIR.format(what=pair.what))


def returned(out, pair: Pair, method: str):
    """forward's value (y or the loss): item 0 of the pair, or what forward returned alone when that is
    an array (the test of the pair charges that mistake); fails when there is no value to read."""
    _forward_ran(out, pair)
    if pair.value in out.excused:  # its own test failed: not compared again
        return out[pair.value]
    whole = out.result.values.get(pair.whole)
    if isinstance(whole, np.ndarray) and whole.ndim >= 1:
        out.compared.add(pair.whole)
        return whole.reshape(whole.shape[1:])
    number = out.result.values.get(pair.number)
    if _number(number):  # a Python float returned alone: the loss all the same (the test of the pair charges it)
        out.compared.add(pair.number)
        return number
    problem = not_a_pair(out, pair)
    got = out[pair.value]
    if problem and not (isinstance(got, np.ndarray) or isinstance(got, Bad) and got.what.endswith(NOT_ARRAY)):
        raise Failure(f"{method} {problem}", RETURN_PAIR.format(what=pair.what))
    if isinstance(got, Bad) and got.what.endswith(NOT_ARRAY) and got.numbers is None:  # (a list of numbers: its
        kind = got.what[:-len(NOT_ARRAY)]  # numbers are judged, compare.FormOnly)
        raise Failure(f"{pair.what} (the first item {method} returns) is {kind}, not a numpy array",
                      f"forward returns ({pair.what}, cache), in that order" if "dict" in kind
                      else TO_ARRAY.format(kind=kind))
    return got


def _number(value) -> bool:
    """What forward returned, whole, is one number (a Python float or int; a numpy one comes back through [None])."""
    return isinstance(value, np.ndarray) and value.ndim == 0


def needs_pair(out, pair: Pair, method: str) -> None:
    """For a check of backward: wait (not charged) unless forward returned the pair (its cache is what
    backward is given). A forward that raised makes the check wait too (peeking its value says so)."""
    _forward_ran(out, pair)
    problem = not_a_pair(out, pair)
    if problem:
        raise Waiting(f"needs {method}, which {problem}", culprit=method)


class distinct(unambiguous):
    """The known wrong answers `make()` gives, as hints that are right whenever shown (see
    `compare.unambiguous`: one that gives the right value is dropped, those that give the same value
    become one hint naming each), where a shape counts: a [1, 1] db is not the [1] one. With `scalar`, size-1
    values are compared as numbers."""

    def __init__(self, make, expected_value, scalar: bool = False):
        super().__init__(make, expected_value)
        self.scalar = scalar

    def _same(self, a, b) -> bool:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if self.scalar and a.size == 1 and b.size == 1:
            a, b = a.reshape(()), b.reshape(())
        return matches(a, b, self.tol)


# ------------------------------------------------------------------ the keys of a dict


def given_empty(out, label: str) -> bool:
    """backward, called given an empty cache with no forward before it, returned (the call was sent: lean scripts
    leave it out)."""
    at = out.script.labels.get(label)
    return at is not None and out.script.ops[at][0] != "skip" and out.raised_at(label) is None


def pairs_or_empty(out, pairs, method: str, alone: tuple[str, ...]) -> bool:
    """False where forward returned each of its (value, cache) `pairs`; True where it did not and backward, called
    given an empty cache with no forward before it, returned under each label of `alone` (it needs nothing forward
    keeps: its values are judged there, helper-141, helper-193); else forward's Waiting (`needs_pair`)."""
    try:
        for pair in pairs:
            needs_pair(out, pair, method)
    except Waiting:
        if not all(given_empty(out, label) for label in alone):
            raise
        return True
    return False


def key_list(s: Script, d: Obj, label: str) -> None:
    """Ops that bring back how many keys dict `d` (which lives in the worker) holds, under `{label}.count`,
    and the keys themselves as text, under `label`: they are joined with SEPARATOR (a string the grader puts
    in a dict of its own) and looked up in that dict, whose KeyError names them. Last in a script: keys that
    are not strings stop the case there. The keys are read for a diagnosis only (`Script.diagnosing`): a passing
    test reads the count (a dict holding the keys it should, and no more)."""
    s.call(d, "__len__", label=f"{label}.count", soft=True)
    s.meta[-1] = s.meta[-1]._replace(kind="get", text=f"len({d.name})")  # (a read, not a call the student made)
    with s.diagnosing():
        holder = s.dict("keys")
        s.call(holder, "setdefault", "separator", SEPARATOR, label=s.fresh(), soft=True)
        separator = s.item(holder, "separator", name="separator")
        joined = s.returned(separator, "join", d, name="keys")
        s.call(holder, "__getitem__", joined, label=label, soft=True)


def keys_found(out, label: str) -> list[str] | None:
    """The keys `key_list` brought back under `label`, in the dict's order (None: unknown, e.g. a text
    too long to come back whole)."""
    op = out.script.labels.get(label)
    error = next((e for e in out.result.soft if e.op == op), None)
    if error is None or error.type != "KeyError":
        return None
    # (the message is the worker's word: whatever its text makes literal_eval raise, a TypeError for "{[]: 1}" as
    # helper-83 forged it, means the keys are unknown, never that the grader failed)
    try:
        text = ast.literal_eval(error.msg)
    except Exception:  # noqa: BLE001
        return None
    return (text.split(SEPARATOR) if text else []) if isinstance(text, str) else None


def key_count(out, label: str) -> int | None:
    """How many keys the dict of `key_list` holds (None: unknown)."""
    got = out.result.values.get(f"{label}.count")
    return int(got) if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iu" else None


def extra_keys(out, label: str, expected: list[str]) -> str:
    """'' when the dict holds exactly the keys `expected` (which the check found there), else what it holds
    besides them ('' too when that cannot be told, or when it holds fewer: a key missing is the test's of that key,
    helper-166's "gradients holds -1 more key(s)" charged a gradients dict rebound in backward a second time)."""
    count, keys = key_count(out, label), keys_found(out, label)
    if count is None or count <= len(expected):
        return ""
    extra = [k for k in keys if k not in expected] if keys is not None else []
    if extra:
        return ", ".join(map(repr, extra[:4])) + (", ..." if len(extra) > 4 else "")
    return f"{count - len(expected)} more key(s)"


def key_hint(keys: list[str] | None, name: str, param: str) -> str:
    """What the keys found say about a missing gradients["{name}/{param}"] (or parameter)."""
    want = f"{name}/{param}"
    rule = f"the key is the layer's name, '/', the parameter: f\"{{self.name}}/{param}\" (here {want!r})"
    if keys is None:
        return f"store it as gradients[f\"{{self.name}}/{param}\"] ({want!r} here)"
    if not keys:
        return (f"gradients is empty after backward: store into the dict backward is given, "
                f"gradients[f\"{{self.name}}/{param}\"] = ... (gradients = {{...}} inside backward only "
                f"rebinds a local name, and the caller never sees it)")
    found = ", ".join(repr(k) for k in keys[:6]) + (", ..." if len(keys) > 6 else "")
    for wrong in (param, f"d{param}", f"Dense/{param}", f"{name}/d{param}", f"{name}.{param}", f"{name}_{param}",
                  f"{name}{param}", param.lower(), f"{name}/{param.lower()}"):
        if wrong in keys and wrong != want:
            why = (f"the layer is named {name!r}, not 'Dense': use self.name" if wrong == f"Dense/{param}"
                   else rule)
            return f"your gradient is under {wrong!r} (gradients holds {found}): {why}"
    return f"gradients holds {found} but not {want!r}: {rule}"


def shape_hinted(crash: Crashed, x, takes: str) -> Crashed:
    """`crash`, a forward's raise on `x`, with what the forward takes as its hint where `x` is not [N, C] and the crash
    is its own on this input and has none (a forward written for two dimensions alone: Dense's einsum "ni,io->no",
    helper-75; an activation's loop over i and j, helper-166); `takes` follows "x here has shape (...):"."""
    if x.ndim == 2 or crash.hint or isinstance(crash, NotAttempted) or crash.earlier or not crash.about_input:
        return crash
    return crash.hinted(f"x here has shape {shape_str(x.shape)}: {takes}")
