"""Grading one submission: every check, class by class, against a sandboxed worker.

Each class (Linear, ReLU, ...) is graded apart, in a worker of its own (or one whose every run was a
clean pass: `_grade_tasks`), with numpy restored before each class (sandbox/worker.py). A class's inputs
come two ways: seeded cases (edge shapes, then random ones) and examples that
hypothesis draws from the check's strategy. Checks that share a case generator or
a strategy share the inputs, and a script several of them send runs once. All of
it streams through the worker in one request while the grading process judges
each reply as it arrives; the smallest failing seeded case is the one reported.
A check that fails only on a hypothesis example then replays its property
interactively with the same seed, so hypothesis finds that example again and
shrinks it. The grading process owns the reference, the inputs and every
verdict; the worker only runs student code.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from . import assignments, diagnose, examples, reference, verdict as verdicts
from .checks.base import TWIN, Check, Crashed, NotAttempted, Outputs, Unless, Waiting, rereads
from .compare import Failure, FormOnly, alternatives, contradicts, matches, mistakes
from .record import record
from .replay import command as replay_command
from .report import Outcome, Report, TestResult
from .sandbox import Limits, Sandbox, Script, pool, server
from .sandbox.script import keep
from .sandbox.pool import Enclosure
from .sandbox.limits import official_seed
from .verdict import Verdict


class Aborted(BaseException):
    """Stop shrinking at once (hypothesis does not shrink past a BaseException)."""


@record
class _Case:
    """One input of one check, waiting for the worker's reply to be judged."""
    check: Check
    verdict: Verdict
    case: object
    gen: object  # the check body, paused after yielding `script` (None: not called yet, see `body`)
    script: Script
    drawn: bool  # drawn by hypothesis (a failure on it is worth shrinking)
    ref: object = None  # where the body's expected values come from

    def body(self):
        """The check body, paused after its script: where the script was built before (for a batch's earlier entry,
        or the class's lean run: `_plan`), the body is called only for a reply that must be judged (the script it
        yields again is the same, as a body's script depends on the input alone)."""
        if self.gen is None:
            self.gen = self.check.body(self.case, self.ref)
            next(self.gen)
        return self.gen

    def judge(self, result) -> None:
        kept = pool.KEPT
        if kept is not None and kept.kept(result):  # (a batch: the same reply to this input judged before)
            key = (self.check.name, id(self.case), id(result), self.verdict.excused)
            known = JUDGED.get(key)
            if known is not None and known[0] is self.case:
                self.verdict.passed(known[1])
                return
        if not self.verdict.judge(self.check, self.body(), self.case, self.script, result):
            self.verdict.shrinkable = self.drawn and not result.hit_limit
            self._named(self.verdict.failure)
        elif kept is not None and kept.kept(result) and self.verdict.passing and len(JUDGED) < JUDGED_MOST:
            JUDGED[key] = (self.case, self.verdict.passing)

    def later(self, result) -> None:
        """A later input of a check already failed (the verdict stands), for what it says. A value test's: whether
        the method's values are right there (does it compute something right where it is not wrong, or does not
        crash?). A failure whose hint names a known mistake: which mistakes this input fits and could tell, if it
        fails on the same value's numbers (on a small input two mistakes can give the same numbers; a hint must be
        right for the student's code, not only for the input shown)."""
        verdict = self.verdict
        failure = verdict.failure
        crash = isinstance(failure, Crashed)
        confirm = not crash and bool(failure.claim) and verdict.confirming < CONFIRMING
        tally = self.check.computes and (crash or type(failure) is Failure or isinstance(failure, FormOnly))  # (a
        # PointSlip too: helper-194's GELU backward, zeros past its first input holding a 0, had no later input counted)
        if not (confirm or tally):
            return
        verdict.confirming += confirm
        raised = self._again(result)
        if tally and isinstance(raised, Crashed) and raised.cause:
            verdict.later_crashes.add(raised.cause)
        if tally and (raised is None or isinstance(raised, FormOnly)):  # (the right numbers in a list: right)
            verdict.right_after += 1
        elif tally and (isinstance(raised, Failure) and not isinstance(raised, (Waiting, NotAttempted))
                        or isinstance(raised, Unless) and raised.left):
            verdict.wrong_after += 1  # (a crash is not right either; a needed method, a Skip or a missing fixture:
            # neither. helper-85: a backward raising on every batch of two or more kept the tests a wrong value
            # there loses, 98.75 against 97.5: a crash must never buy a pass. An input left to another test, as
            # Verdict.left counts those before the failure)
        if confirm and isinstance(raised, Failure):
            self._named(raised)

    def _again(self, result):
        """Send a later input's outputs into the check body of a check already failed, for what they say, not for
        its verdict: what the body raised (None: it passed)."""
        try:
            with np.errstate(all="ignore"):
                self.body().send(Outputs(result, self.script, self.check.method, self.verdict.excused))
        except StopIteration:
            return None
        except Exception as exc:  # noqa: BLE001 - read by the caller, never the grader's own failure
            return exc
        return RuntimeError("a check body yielded more than once")

    def _named(self, failure: Failure) -> None:
        """Keep which known mistakes a failure on a value's numbers fits, and which its input could tell apart; and
        those it fits with a value computed (`_computed_value`)."""
        if failure.about:
            self.verdict.claims.setdefault(failure.about, []).append((failure.fits, failure.tested))
            if failure.fits and _computed_value(failure.got, self.script, self.case):
                self.verdict.computed_fits |= failure.fits


# In a batch's grading processes (with pool.KEPT): (check, input, reply, values excused) -> how a reply that passed
# counted, for every later reply of the same bytes to that input (the cases, kept in memory, live as long as this)
JUDGED: dict = {}
JUDGED_MOST = 1 << 18
# And (check, input) -> (input, reference, the script its body yields): built once, sent for every entry (`_Case.body`)
SCRIPTS: dict = {}


CONFIRMING = 24  # later inputs of a check failed with a hint naming a known mistake judged again, to confirm it


def _unconfirmed(verdict: Verdict) -> None:
    """A failure's hint that names a known mistake, where another input, failed on the same value's numbers, could
    tell that mistake apart and the value did not fit it there (it fitted the input shown by coincidence): named
    instead is the next mistake the value fits on the input shown that no input speaks against, or none (a
    misleading hint is worse than none). An inverted ReLU mask gives dLdA unmasked where every Z is negative."""
    failure = verdict.failure
    if failure is None or not failure.claim:
        return
    others = verdict.claims.get(failure.about, ())
    for words in [failure.hint, *failure.fitting]:
        claim = failure.claim if words is failure.hint else mistakes(words)
        if not any(contradicts(claim, fits, tested) for fits, tested in others):
            # A hint naming several mistakes (alike on the input shown) names those no other input speaks against.
            named = next((w for w in failure.fitting if mistakes(w) == claim), words)
            parts = getattr(named, "parts", ())
            left = [part for part in parts
                    if not any(contradicts(mistakes(part), fits, tested) for fits, tested in others)]
            if left and len(left) < len(parts):
                failure.hint = diagnose.with_pointer(left[0] if len(left) == 1 else alternatives(left))
                failure.claim = mistakes(left[0] if len(left) == 1 else alternatives(left))
            else:
                failure.hint = failure.hint if words is failure.hint else diagnose.with_pointer(words)
                failure.claim = claim  # (what the hint now names: the credit rule reads it, `_grade_checks`)
            return
    failure.hint, failure.claim = "", frozenset()


def _property_seed(seed: int, check: Check) -> int:
    """One seed per class and strategy: checks that share a strategy share its examples."""
    return zlib.crc32(f"{seed}:{check.cls}:{check.strategy!r}".encode())


def _inputs(check: Check, source, seed: int, made: dict) -> list[tuple[object, bool]]:
    """The check's inputs as (case, drawn by hypothesis), smallest seeded first; `made` shares them
    between the checks of a class that use the same case generator or strategy."""
    own = []
    for cases in check.cases if isinstance(check.cases, tuple) else (check.cases,):  # (several: the same case
        key = f"{check.cls}:{cases.__qualname__}"  # objects other checks get from each, so scripts are shared)
        if key not in made:
            made[key] = source.inputs(key, lambda cases=cases, key=key: examples.seeded(cases, seed, key))
        own += [(case, False) for case in made[key]]
    if check.strategy is not None:
        key = f"{check.cls}:{check.strategy!r}"
        if key not in made:
            made[key] = source.inputs(key, lambda: examples.drawn(check.strategy, _property_seed(seed, check)))
        own += [(case, True) for case in made[key]]
    return own


def _excuse(check: Check, found: dict[str, Verdict]) -> None:
    """Set the values `check` does not compare again: those whose owning check failed; and which of its owners
    failed."""
    failed = {name for name, v in found.items() if v.failure is not None  # (NotImplementedError too: a crash, unless
              and not v.failure.keeps_owned}  # its method never returns, and then every test of
    # it is not attempted: _grade_checks; a failure that leaves what it owns judged: an MLP without its last ReLU)
    verdict = found[check.name]
    verdict.excused = frozenset(label for label, owners in check.owners if failed.intersection(owners))
    verdict.failed_owners = frozenset(failed.intersection(name for _, owners in check.owners for name in owners))


def _computed_value(got, script: Script, case) -> bool:
    """Whether a wrong value is more than a placeholder: not zeros, nor one number throughout (ones), nor an array
    the grader passed, unchanged (`return dLdA`, `self.output = inputs`), which a known mistake's hint may name too
    (an inverted ReLU mask gives zeros where every Z is positive: zeros prove nothing, even in one entry)."""
    if not isinstance(got, np.ndarray) or got.size == 0:
        return False
    flat = got.ravel()
    if not np.any(flat) or flat.size > 1 and np.all(flat == flat[0]):
        return False
    given = [*script.arrays, *(vars(case).values() if case is not None else ())]  # (within the values' tolerance:
    # `dLdA * (1 + 1e-9)` is dLdA passed back, and fits "dLdZ is dLdA unchanged" as well as dLdA itself does)
    return not any(isinstance(value, np.ndarray) and matches(got, value) for value in given)


def _right_somewhere(verdict: Verdict) -> bool:
    """A value test that failed, on a crash or on a wrong value, whose method gave right values on at least as many of
    its other inputs as wrong ones: a method written, with a slip on some inputs (one sample, one class), not one
    whose values are all wrong (zeros, a constant: on a few degenerate inputs those can be right, never on most)."""
    right, wrong = verdict.right_and_wrong()  # (a crash counts as not right, as a wrong value does)
    failure = verdict.failure
    return (isinstance(failure, (Crashed, FormOnly)) or type(failure) is Failure) and right > 0 and right >= wrong


LEAN_FIRST = True  # (False: every script runs in full at once; the verdicts are the same, a test checks)


class _NotClean(Exception):
    """A lean run (`_batch_phase`) met something other than a clean pass; `answers`: script index -> its reply, for
    every script the run had answered."""

    def __init__(self, answers: dict):
        super().__init__()
        self.answers = answers


def _clean(verdict: Verdict) -> bool:
    """A verdict with nothing in it but passes, and inputs left out for what they are (a Skip: never for a value of
    the calls made for diagnosis, which only a failure reads): no failure, no input it could not run on."""
    return verdict.failure is None and verdict.waiting is None and verdict.crashed is None and not verdict.unfinished


def _batch_phase(checks: list[Check], sandbox: Sandbox, ref, seed: int,
                 deadline: float = float("inf"), ran: set | None = None) -> dict[str, Verdict]:
    """Every seeded case and drawn example of `checks` in one stream, judged as replies arrive;
    checks that re-compare values other checks own are judged last, once the owners' verdicts are in.
    `ref` is where inputs and expected values come from.

    Where scripts carry calls made only to explain a failure (`Script.diagnosing`: the student's own parts of a
    composite method, calls with the other kind of target), they first run without them: a class whose every
    input then passes cleanly (no failure, no error, no input it could not run on) has those verdicts (a passing
    test reads none of those values); at the first thing that is not a clean pass the class runs again in full,
    in a fresh worker, with nothing learned from that first run, and those verdicts are its verdicts. They are
    the full run's, but for code that answers differently once called more often (a counter of its calls) or that
    fails only as diagnosis reads it (a returned object whose [None] ends the worker): a class that passes without
    those calls keeps its points (a trial found both; tests compare every test's output on the catalogue's).
    So too, with every call, in a worker that served another class (`sandbox.borrowed`). `ran`, where given, gets
    the methods of `checks` a call of which returned in the run these verdicts are of (`_run_phase`)."""
    ran = set() if ran is None else ran
    inputs: dict = {}  # input key -> cases
    built = SCRIPTS if pool.KEPT is not None else {}  # (check, input) -> its script: a run again sends the same
    plan = _plan(checks, ref, seed, inputs, built)
    if LEAN_FIRST and (sandbox.borrowed or any(script.diagnostic for script in plan[1])):
        learned, began = sandbox.learned(), time.perf_counter()
        try:
            return _run_phase(checks, sandbox, deadline, *plan, lean=True, ran=ran)
        except _NotClean as dirty:
            first = dirty.answers
            ran.clear()
            sandbox.forget(learned)  # (and the worker: the full run is a fresh one's)
            # (a run thrown away: not the submission's time, see _deadline; in all, at most the budget once more)
            spent = min(time.perf_counter() - began, sandbox.limits.submission_timeout - _CREDIT[0])
            _CREDIT[0] += spent
            deadline += spent
            sandbox.deadline += spent
            plan = _plan(checks, ref, seed, inputs, built)  # (fresh verdicts; check bodies called as replies need)
            return _run_phase(checks, sandbox, deadline, *plan, ran=ran, first=first)
    return _run_phase(checks, sandbox, deadline, *plan, ran=ran)


def _returned(script: Script, result, methods: set) -> list[str]:
    """Which of `methods` a call (or construction) of `script` returned from, by `result`: the ops before the one
    that stopped the case, but those left out and soft calls that raised."""
    stop = result.error.op if result.error is not None else len(script.ops)
    raised = {error.op for error in result.soft}
    return [op.method for j, op in enumerate(script.meta[:stop]) if op.kind in ("call", "new") and op.method in methods
            and j not in raised and script.ops[j][0] != "skip"]


def _plan(checks: list[Check], ref, seed: int, inputs: dict, built: dict) -> tuple:
    """(verdicts by check, the scripts to send, who judges each one's reply). `built`: (check, input) -> (input,
    reference, the script the check body yields), filled here: a script found there is sent as it is, and its check
    body is called only for a reply that must be judged (`_Case.body`)."""
    found = {check.name: Verdict() for check in checks}
    index: dict = {}  # id(script) -> position in `scripts` (which keeps every script alive)
    scripts: list[Script] = []
    readers: list[list[_Case]] = []  # who judges each script's reply
    for check in checks:
        for case, drawn in _inputs(check, ref, seed, inputs):
            gen, known = None, built.get((check.name, id(case)))
            if known is not None and known[0] is case and known[1] is ref:
                script = known[2]
            else:
                gen = check.body(case, ref)
                script = next(gen)
                if len(built) < JUDGED_MOST:
                    built[check.name, id(case)] = (case, ref, script)
            key = id(script)  # checks that build a script with a `per_case` helper get the same object
            if key not in index:
                index[key] = len(scripts)
                scripts.append(script)
                readers.append([])
            readers[index[key]].append(_Case(check, found[check.name], case, gen, script, drawn, ref))
    return found, scripts, readers


def _run_phase(checks: list[Check], sandbox: Sandbox, deadline: float, found: dict, scripts: list,
               readers: list, ran: set, lean: bool = False, first: dict | None = None) -> dict[str, Verdict]:
    """`_batch_phase`'s run of its plan: `lean`, without the calls for diagnosis only, raising _NotClean once it has
    met a reply that is not a clean pass. `ran` gets the methods of `checks` a call of which returned.

    A lean run that met a failure still runs to its end (judging nothing more), and the full run after it compares
    each reply with the lean run's (`first`): a test that passes reading a value the student's code gave otherwise
    the first time fails (`_answered_again`). The full run's worker cannot be kept from learning that a run came
    before it (a mark in its scratch folder's metadata, a clock, a counter of the kernel's: helper-175), and so
    that the one before failed; had the lean run stopped at that failure, a method could try another formula on the
    inputs it had not seen, and one the same everywhere would gain nothing. A lean run that stops at a crash or a
    limit tells nothing the code did not choose."""
    deferred = []
    received = 0
    dirty = False  # (lean: a reply was not a clean pass)
    answers: dict = {}  # (lean: script index -> reply)
    differing: dict = {}  # (after a lean run: script index -> how its reply differs from the lean run's)
    unseen = {check.method for check in checks} - ran
    # Two requests: a script that hands the worker a value of the reference (Script.late) is sent only once
    # every other script has been answered, as student code can read a whole request.
    early = [i for i, script in enumerate(scripts) if not script.late]
    for phase in (early, [i for i, script in enumerate(scripts) if script.late]):
        if received < len(early) and phase is not early:  # the budget ran out in the first request
            break
        ended = {k: first[i] for k, i in enumerate(phase) if first and i in first and first[i].hit_limit}
        stream = sandbox.stream([scripts[i].lean() if lean else scripts[i] for i in phase], ended)
        for k, result in enumerate(stream):  # (to its end: a stream left unfinished ends its worker)
            i = phase[k]
            if time.perf_counter() > deadline:  # checked per reply, and no reply waits past it (Sandbox.deadline)
                stream.close()
                break
            received += 1
            if lean:
                answers[i] = result
            elif first is not None and i in first:
                why = _answered_again(scripts[i].lean(), first[i], result)
                if why:
                    differing[i] = why
            if unseen:
                for method in _returned(scripts[i].lean() if lean else scripts[i], result, unseen):
                    unseen.discard(method)
                    ran.add(method)
            if lean and (result.error is not None or result.hit_limit):  # (a soft call that raised: its readers say)
                stream.close()
                raise _NotClean(answers)
            if dirty:
                continue
            for item in readers[i]:
                if item.check.owners and not lean:
                    deferred.append((item, result))
                elif item.verdict.failure is None:  # a failed check is done
                    # (A check that re-compares values other checks own, in a lean run, is judged at once, not once
                    # the stream has ended: there every owner passes or the run stops, so it is judged as it would
                    # be then, with no value excused; judged at the end, the last class's kept its grading process
                    # busy after its worker had answered.)
                    item.judge(result)
                    if lean and not _clean(item.verdict):
                        dirty = True
                        break
                else:  # (a failed check: what a later input says of its method, or of its hint)
                    item.later(result)
    if dirty:
        raise _NotClean(answers)
    if received < len(scripts):  # the budget ran out (the stream stops too): a failure found stands
        for verdict in found.values():
            verdict.unfinished = verdict.failure is None
        return found
    again = {item.check.name for i in differing for item in readers[i]}
    if _settle(checks, found, again) and lean:
        raise _NotClean(answers)  # (the tests that re-read its values are judged again, that failure known)
    later: dict[str, list] = {}
    for item, result in deferred:
        later.setdefault(item.check.name, []).append((item, result))
    for check in checks:  # (in declared order: an owner that has owners itself is judged before what it owns for)
        if check.owners:
            _excuse(check, found)
            for item, result in later.get(check.name, ()):
                if item.verdict.failure is None:
                    item.judge(result)
                    if lean and not _clean(item.verdict):
                        raise _NotClean(answers)
                else:  # (what a later input says, as for a test without owners: its "wrong on 1 of this test's 3
                    item.later(result)  # inputs (right on the other 2)" had counted none after its failure)
    for i, why in differing.items():
        for item in readers[i]:
            if _clean(item.verdict):  # (one that fails, or waits, for what the full run gave keeps that)
                item.verdict.charge(AnsweredAgain(why), item.case, item.script)
    return found


def _keys(name: str) -> set:
    """What a test's name answers to in what an Unless needs: its class, its method ("Class.method"), itself."""
    return {name.split(".", 1)[0], name.split(":", 1)[0], name}


def _settle(checks: list[Check], found: dict[str, Verdict], again: set) -> bool:
    """Fail, as soon as the class's stream is over, each test that passed only unless tests of this class pass
    (checks.base.Unless) where those have passed (`Verdict.settle`), as `_unless` would once every class is graded;
    whether any was. Here, before the tests that re-read its values are judged (they leave those values to it) and
    before the credit rules read it: helper-180's GELU backward, missing its Z * pdf term behind a forward within
    tolerance of the exact one but beyond NEAR, had every input left to forward's test, which passed; it was "not
    credited", with its behaviour tests, the tests owning its value failed on that value as well (97 for one
    mistake worth 1.5), and the hint naming the mistake never shown. Not where a test needed is of another class or
    still to be judged (one re-reading values: after this), nor one that answered otherwise than in a first run
    (`again`, charged after this): `_unless` settles those in the end."""
    settled = False
    for check in checks:
        verdict = found[check.name]
        if verdict.failure is not None or verdict.unless is None:
            continue
        needed = [c for c in checks if _keys(c.name) & set(verdict.unless[0])]
        if needed and check not in needed and all(
                not c.owners and _clean(found[c.name]) and found[c.name].unless is None and c.name not in again
                and found[c.name].examples > found[c.name].left for c in needed):
            verdict.settle()
            _Case(check, verdict, verdict.case, None, verdict.script, False)._named(verdict.failure)
            settled = True
    return settled


class AnsweredAgain(Failure):
    """The student's code answered the same calls otherwise in a second run of its class (`_answered_again`)."""


AGAIN = ("{text} gave another answer to the same calls when this class was run a second time ({where}{was} the first "
         "time, {now} the second): a value may depend only on the call's arguments and its object's state, never on "
         "what an earlier run left (a file or its metadata, a clock, a process id, random numbers); every test reading "
         "these calls fails")


def _answered_again(script: Script, before, after) -> str:
    """How the student's code answered `script` (a lean run's) in the full run's reply `after` otherwise than in the
    lean run's `before` (the message of `AGAIN`), or "". Values both replies hold are compared (the full run's own
    calls for diagnosis aside), within far less than any test's tolerance (numpy may sum an input in another order
    where it lies elsewhere in memory); a value read before any method of the script ran (what __init__ made: weights
    may start random) is compared in shape and type alone, unless either run's is one number throughout (zeros, as
    no random draw gives). A reply that hit a limit compares nothing."""
    if before.hit_limit or after.hit_limit:
        return ""
    ran = next((j for j, raw in enumerate(script.ops) if raw[0] in ("call", "plain", "probe")), len(script.ops))
    for label, op in script.labels.items():
        was, now = before.values.get(label), after.values.get(label)
        if was is None or now is None or _alike(was, now, values=op >= ran):
            continue
        return AGAIN.format(text=script.meta[op].text, **_shown(was, now))
    return ""


def _alike(a, b, values: bool = True) -> bool:
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):  # (`Bad`: what the value was, an address in
        return type(a) is type(b) and _ADDRESS.sub("", str(a)) == _ADDRESS.sub("", str(b))  # a message left out)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype == b.dtype and a.tobytes() == b.tobytes():  # (the usual answer: the same bits; the tolerance below
        return True  # costs ten times as much, and a class that failed runs twice, every value compared)
    if not values and not (_constant(a) or _constant(b)):  # (zeros the second time where the first run drew random
        return True  # weights had passed Linear.__init__'s test: helper-178)
    x, y = a.astype(np.float64), b.astype(np.float64)
    finite = np.abs(x[np.isfinite(x)])
    scale = float(finite.max()) if finite.size else 1.0
    return bool(np.allclose(x, y, rtol=1e-6, atol=1e-9 * max(scale, 1.0), equal_nan=True))


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _constant(value: np.ndarray) -> bool:
    """Every entry the same (zeros, ones), of two or more: no random draw gives that."""
    return value.size > 1 and bool(np.all(value == value.flat[0]))


def _shown(was, now) -> dict:
    """The two answers, as `AGAIN` shows them: where they differ first, for arrays of one shape."""
    if not (isinstance(was, np.ndarray) and isinstance(now, np.ndarray)):
        return {"where": "", "was": getattr(was, "what", "an array"), "now": getattr(now, "what", "an array")}
    if was.shape != now.shape or was.dtype.kind != now.dtype.kind:
        return {"where": "", "was": f"shape {was.shape}, {was.dtype}", "now": f"shape {now.shape}, {now.dtype}"}
    x, y = was.astype(np.float64).ravel(), now.astype(np.float64).ravel()
    at = int(np.argmax(~np.isclose(x, y, rtol=1e-6, atol=0.0, equal_nan=True))) if x.size else 0
    where = f"at [{', '.join(map(str, np.unravel_index(at, was.shape)))}]: " if was.ndim else ""
    return {"where": where, "was": f"{x[at]:.6g}" if x.size else "empty", "now": f"{y[at]:.6g}" if y.size else "empty"}


def _shrink(check: Check, sandbox: Sandbox, ref, seed: int, found: Verdict, deadline: float = float("inf")) -> None:
    """Replay the property interactively, with the seed that drew the failing example, and let
    hypothesis shrink it; `found` ends up holding the smallest failing example."""
    found.streamed = found.examples if found.streamed is None else found.streamed
    from hypothesis import given
    from hypothesis import seed as hypothesis_seed

    from .strategies import GRADING

    @GRADING
    @hypothesis_seed(_property_seed(seed, check))
    @given(check.strategy.build())
    def prop(case):
        if time.perf_counter() > deadline:  # out of time: the smallest failure found so far stands
            raise Aborted()
        gen = check.body(case, ref)
        script = next(gen)
        (result,) = sandbox.run([script])
        if not found.judge(check, gen, case, script, result):
            if result.hit_limit:  # not worth shrinking: every replay would cost the limit again
                raise Aborted()
            raise found.failure

    collecting = gc.isenabled()
    gc.enable()  # (off in a grading process of one submission, `_lane`: hypothesis makes cycles as it shrinks)
    try:
        prop()
    except Aborted:
        pass
    except Failure:
        found.shrunk = True  # hypothesis replays the shrunk example last, so `found` holds it
    except Exception:  # noqa: BLE001 - e.g. FlakyFailure: code that fails, then passes, the same example; the
        pass  # failure found stands, unshrunk (its replays are judged like any input, so `found` holds one)
    finally:
        if not collecting:
            gc.disable()


def _student_modules(checks: list[Check]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(packages, modules) of the submission that `checks` import: "mytorch", "mytorch.nn", ... and
    "mytorch.nn.linear", ..., as the checks modules declare them (the runner holds no list of its own)."""
    modules = tuple(dict.fromkeys(c.module for c in checks if c.module))
    # (A module with alternatives, "models.mlp|mytorch.models.mlp", is imported whole: the worker picks one.)
    packages = tuple(dict.fromkeys(".".join(m.split(".")[:i]) for m in modules if "|" not in m
                                   for i in range(1, m.count(".") + 1)))
    return packages, modules


def _import_notes(sandbox: Sandbox, checks: list[Check]) -> list[str]:
    """What went wrong importing the submission's packages and modules, one line each."""
    packages, modules = _student_modules(checks)
    modules = packages + modules
    scripts = []
    for module in modules:
        s = Script()
        s.load(module)
        scripts.append(s)
    notes, results = [], sandbox.run(scripts)
    # The modules the submission does not have (each says so in a note of its own): a package __init__.py that
    # fails only as it imports one of them says nothing more (the skeleton's, which the grader supplies where the
    # files were handed in loose, least of all).
    absent = {r.error.missing for m, r in zip(modules, results) if m not in packages and r.error is not None
              and r.error.type == "ModuleNotFoundError" and r.error.missing == m}
    for module, result in zip(modules, results):
        error = result.error
        if error is None:
            continue
        if module in packages and error.type == "ModuleNotFoundError" and error.missing in absent:
            continue
        if module in packages:
            where = f" (at {error.where})" if error.where else ""
            what = f"it {error.msg}" if error.type == "WorkerDied" else f"{error.type}: {error.msg}{where}"
            notes.append(f"{module.replace('.', '/')}/__init__.py failed when imported: {what}; "
                         "each class was graded from its own module")
        else:
            notes.append(diagnose.import_failed(error)[0])
    return notes


def _grade_checks(checks, sandbox, ref, job) -> tuple[dict[str, TestResult], int]:
    """Verdicts on `checks`, and the number of inputs checked."""
    ran: set = set()  # the methods a call of which returned (one that never does and raised NotImplementedError
    try:  # is not attempted: verdict.result)
        found = _batch_phase(checks, sandbox, ref, job.seed, _deadline(job), ran)
    except Exception as exc:  # noqa: BLE001 - a grader bug must not cost the student
        sandbox.spoiled = True
        return {check.name: verdicts.grader_failed(check, exc) for check in checks}, 0
    if not all(_clean(verdict) for verdict in found.values()):
        sandbox.spoiled = True  # (its worker serves no other task: see _grade_tasks)
    tested = {check.method for check in checks}
    for check in checks:  # a method no test grades (ReLU's __init__) failed: charged to the first test of each
        verdict = found[check.name]  # method that needs it, or nothing would ever be
        waiting = verdict.waiting
        if (check.primary and verdict.failure is None and waiting is not None and not waiting.not_attempted
                and waiting.culprit and waiting.culprit not in tested):
            verdict.failure = Crashed(waiting.message.split(", but ", 1)[-1])
    results = {}
    returned = {check.method for check in checks if found[check.name].returned}
    skeleton = {}  # method -> the NotImplementedError of a method none of whose calls returned: not attempted
    worked = {check.method for check in checks  # (unless what it stored before raising passed a value test, on
              if check.computes and found[check.name].failure is None  # more inputs than it crashed on: the
              and found[check.name].examples > found[check.name].crashes  # gradients a backward stored, then the
              and not (rereads(check) and found[check.name].excused)}  # (not a test that, its own value excused,
    # judged another method's: numpy-nn's hidden MSE.backward test passed on forward's loss, and an unwritten backward
    # read "failed ... raised NotImplementedError" in all its tests, helper-172)
    for check in checks:  # skeleton's raise left below them; not the zeros of __init__, right where they happen to be)
        raised = found[check.name].failure or found[check.name].crashed
        if isinstance(raised, NotAttempted) and check.method not in ran and check.method not in worked:
            skeleton.setdefault(check.method, raised)
    charged = frozenset(check.method for check in checks  # (a value test that failed on a wrong value and met its
                        if check.primary and (isinstance(found[check.name].failure, Crashed)  # method's crash later
                                              or found[check.name].failure is not None  # charges that crash too)
                                              and found[check.name].later_crashes))
    untried = frozenset(check.method for check in checks) - ran  # (methods none of whose calls returned)
    for check in checks:
        if found[check.name].unfinished:
            results[check.name] = verdicts.over_budget(check, job.limits.submission_timeout)
            continue
        in_time = time.perf_counter() < _deadline(job)
        if found[check.name].shrinkable and in_time:  # out of time: the failure stands, unshrunk
            try:
                _shrink(check, sandbox, ref, job.seed, found[check.name], _deadline(job))
            except Exception as exc:  # noqa: BLE001
                results[check.name] = verdicts.grader_failed(check, exc)
                continue
        _unconfirmed(found[check.name])
        if check.owners and found[check.name].crashed_at:  # (owners come first, in declared order)
            verdicts.excuse_crashes(check, found[check.name], {
                name: found[name].crash_causes() for name, r in results.items() if r.outcome is Outcome.FAILED})
        results[check.name] = verdicts.result(check, found[check.name], job.replay, check.method in returned,
                                              skeleton.get(check.method), charged, frozenset(skeleton))
    method_of = {c.name: c.method for c in checks}

    def judged_own(c: Check) -> bool:
        """Whether a test compared values of its own method: where the tests owning the values it re-reads failed,
        one of those it still compared is its method's (a hidden large test of backward that also compares forward's
        A passed on A alone, and credited a backward whose every value was wrong, where the handout's run, which has
        no hidden tests, did not; finite differences that compared dLdW where the dLdA they also read was excused do
        prove backward computes something right)."""
        excused = {label for label in found[c.name].excused if not label.endswith(TWIN)}
        return not excused or any(label not in excused and c.method in map(method_of.get, owners)
                                  for label, owners in c.owners)

    def judged(c: Check) -> bool:
        """Whether a test judged more inputs than it left to another test's failure (`Verdict.left`): one that judged
        none, or fewer (helper-122's GELU backward, passed on one input of 32 and left to forward's test on the rest,
        where forward was made wrong on purpose, had kept every point), proves nothing of its method."""
        return found[c.name].examples > found[c.name].left

    def computed(c: Check) -> bool:
        """A value test that passed, having judged a value of its own method."""
        return c.computes and judged(c) and results[c.name].outcome is Outcome.PASSED and judged_own(c)

    def recognised(c: Check) -> bool:
        """A value test that failed on a known mistake its hint names (no other input spoke against it), which the
        value fitted, computed, on some input: the method was written, with that slip, charged by its value tests."""
        failure, verdict = found[c.name].failure, found[c.name]
        return (c.computes and results[c.name].outcome is Outcome.FAILED and type(failure) is Failure
                and bool(failure.hint) and bool(failure.claim & verdict.computed_fits))

    def mostly_right(c: Check) -> bool:
        """A value test that failed on some inputs of a method right on most of the others (`_right_somewhere`)."""
        return c.computes and results[c.name].outcome is Outcome.FAILED and _right_somewhere(found[c.name])

    if not any(computed(c) or recognised(c) or mostly_right(c) for c in checks):
        unimported = next((f for f in (found[c.name].failure for c in checks)  # (a module that could not be imported:
                           if isinstance(f, Crashed) and not f.about_input), None)  # every test says that, not values)
        for check in checks:  # constants and garbage behave consistently: that alone earns nothing
            if results[check.name].outcome is Outcome.PASSED:
                results[check.name] = (verdicts.never_returned(check, unimported) if unimported is not None
                                       else verdicts.uncredited(check, found[check.name]))
        return results, sum(v.examples for v in found.values())
    never = {check.method: found[check.name].failure for check in checks  # a method that raised on every call (its
             if check.primary and check.method in charged - returned}  # first test charges that) earns no other test
    for method in dict.fromkeys(c.method for c in checks):  # the same, for one method whose values are all wrong
        if method in never:  # (one that never returned: its tests say that, below)
            continue
        mine = [c for c in checks if c.method == method]
        failed_values = [c for c in mine if c.computes and results[c.name].outcome is Outcome.FAILED
                         and found[c.name].failure is not None]
        wrong = [c for c in failed_values if not _right_somewhere(found[c.name])]  # on a wrong value, or on a crash
        # with no input right either (where it does not crash, the crash rules leave its inputs out of its other tests)
        values = [c for c in mine if c.computes and not rereads(c)]  # (or none of its value tests judged anything:
        left_out = values and all(results[c.name].outcome is Outcome.PASSED and not judged(c)
                                  for c in values)  # every input was left out, as its parts raise there, say)
        slip = any(recognised(c) for c in mine) and all(recognised(c) or mostly_right(c) for c in failed_values)
        if any(computed(c) for c in mine) or slip or not (wrong or left_out):  # (one slip: each value it gets
            continue  # wrong is that known mistake, or right on most inputs; not one output's slip beside constants)
        for check in mine:  # tests that judged only its behaviour, or had nothing left to judge
            if results[check.name].outcome is Outcome.PASSED and (check.behaviour or not judged(check)
                                                                  or not judged_own(check)):
                results[check.name] = verdicts.uncredited(check, found[check.name], wrong[0] if wrong else None,
                                                          method=True)
    for check in checks:
        if check.method in never and results[check.name].outcome is Outcome.PASSED:
            results[check.name] = verdicts.never_returned(check, never[check.method])
    for check in checks:  # nothing judged, as a method it needs raised on every input: where every test of the
        verdict = found[check.name]  # method passed, nothing charges that crash, and the test waits for the method
        if verdict.blocked is not None and not verdict.examples and results[check.name].outcome is Outcome.PASSED:
            if verdict.blocked.not_attempted and verdict.blocked.culprit in untried:  # (never returns: not attempted)
                results[check.name] = verdicts.blocked(check, verdict, Outcome.NOT_ATTEMPTED)
                continue
            culprit = [c for c in checks if c.method == verdict.blocked.culprit]
            if culprit and all(results[c.name].outcome is Outcome.PASSED for c in culprit):
                results[check.name] = verdicts.blocked(check, verdict)
    return results, sum(v.examples for v in found.values())


# Seconds of runs thrown away in this grading process (a lean run that was not a clean pass): the submission's
# budget is not spent on them, so a class that runs again in full has the time a fresh worker would have had. (At
# most the budget in all: grading takes at most twice the budget, and only that long where classes fail late in long
# runs; a submission slow only in runs thrown away cannot hold a grading process for longer.)
_CREDIT = [0.0]


def _deadline(job: "_Job") -> float:
    """When the submission's budget runs out (time.perf_counter()), runs thrown away not counted."""
    return job.began + job.limits.submission_timeout + _CREDIT[0]


@record(frozen=True)
class _Job:
    """One class's grading, as a grading process needs it (the checks themselves stay in memory)."""

    root: Path
    seed: int
    replay: str  # the command that replays this run, for every failure's last line
    limits: Limits
    began: float


_GROUPS: list[list[list[Check]]] = []  # set before forking grading processes, which inherit them
_SOURCE: list = [None]
NOTES = -1  # the task that tries importing every student module, for the notes


def _groups(checks: list[Check]) -> list[list[list[Check]]]:
    """The tasks: the checks of each class (graded together: they share inputs and scripts), a task each. The
    classes of the module with the most checks come first (the longest, most often: started last, they would
    keep one grading process busy while the other has finished; a task of each class lets the other take some),
    then the others in the order the checks declare them: classes built on others (the MLPs, on Linear) come
    last, so that when those others are slow, what does not depend on them is graded before the budget runs out.
    (A task's classes in a list: the classes of one module once were one task.)"""
    modules: dict[str, dict[str, list[Check]]] = {}
    for check in checks:  # hidden checks come after every public one: gather by class, not by run
        modules.setdefault(check.module, {}).setdefault(check.cls, []).append(check)
    groups = list(modules.values())
    first = max(groups, key=lambda classes: sum(map(len, classes.values())), default={})
    return [[checks] for classes in [first, *(g for g in groups if g is not first)] for checks in classes.values()]


def _sandbox(job: _Job, enclosure: Enclosure | None) -> Sandbox:
    """A sandbox whose worker is already starting: it gets ready while the grading process builds the
    inputs, or grades the task before."""
    sandbox = Sandbox(server.shared(), job.root, job.limits, enclosure)
    sandbox.deadline = time.monotonic() + (_deadline(job) - time.perf_counter())
    sandbox.warm()
    return sandbox


def _grade_tasks(job: _Job, take, left, premade: tuple | None = None) -> list[tuple[int, tuple[dict[str, TestResult], int,
                                                                                            list[str]]]]:
    """Grade the tasks `take()` hands out (a group's index or NOTES) until it returns None, one after
    another. A worker whose every run was a clean pass serves the next task too (`Sandbox.lend`: there, what is
    not a clean pass runs again in a fresh worker of the task's own, `_batch_phase`); any other task starts a
    fresh worker. Where workers get PID namespaces, an enclosure forks them (about half the cost of setting each
    up alone, and the enclosure is set up while the first inputs are built); elsewhere, while tasks are left for
    someone to take (`left()`) and the worker may not serve the next, the next one starts while this process
    grades (no task is claimed ahead: a task that runs long must not hold up another).
    `premade`: (enclosure, sandbox) made for this process before it was forked (`_premade`), the worker starting.
    Returns [(task, (results, inputs checked, notes))]."""
    done = []
    if premade is not None:
        enclosure, spare = premade
    else:
        enclosure = Enclosure(server.shared(), job.root, job.limits) if Enclosure.available(server.shared()) else None
        spare = None
    sandbox = None
    try:
        while (task := take()) is not None:
            if sandbox is not None and LEAN_FIRST and sandbox.reusable():
                sandbox.lend()
            else:
                if sandbox is not None:
                    sandbox.close()
                sandbox, spare = spare or _sandbox(job, enclosure), None
            done.append((task, _grade_task(task, job, sandbox)))
            if left() and enclosure is None and spare is None and not (LEAN_FIRST and sandbox.reusable()):
                spare = _sandbox(job, enclosure)
    finally:
        for left_over in (sandbox, spare):
            if left_over is not None:
                left_over.close()
        if enclosure is not None:
            enclosure.close()
    return done


def _grade_task(task: int, job: _Job, sandbox: Sandbox) -> tuple[dict[str, TestResult], int, list[str]]:
    """NOTES: try importing every student module, in a fresh worker (one that served a class may have kept a
    package whose __init__.py failed, which would then import without a word); a worker whose every import
    succeeded may serve a class next. Otherwise grade the classes of `_GROUPS[task]` (one), in the worker of
    `sandbox`."""
    if task == NOTES:
        if sandbox.borrowed:
            sandbox.recycle()
        try:
            notes = _import_notes(sandbox, [c for group in _GROUPS for cls in group for c in cls])
            sandbox.spoiled = sandbox.spoiled or bool(notes)
            return {}, 0, notes
        except Exception:  # noqa: BLE001 - notes are extra: a grader bug there must not cost the results
            return {}, 0, []
    results, inputs = {}, 0
    with np.errstate(all="ignore"):  # wrong answers overflow on purpose; the verdict says so, not a warning
        for checks in _GROUPS[task]:
            found, count = _grade_checks(checks, sandbox, _SOURCE[0], job)
            results.update(found)
            inputs += count
    return results, inputs, sandbox.notes


def _order(groups: list[list[list[Check]]]) -> list[int]:
    """The tasks in the order the grading processes take them: the notes (the smallest task, in a fresh worker:
    see _grade_task), then the classes in `_groups`'s order."""
    return [NOTES, *range(len(groups))]


_NEXT: list = [None]  # the next task's position in the task list, shared by the grading processes


def _take_shared(tasks: list[int]):
    """(take, left) for the grading processes (one or more) sharing `tasks`: take() hands out the next task
    not yet taken, left() says whether one is."""
    def take():
        with _NEXT[0].get_lock():
            position = _NEXT[0].value
            _NEXT[0].value += 1
        return tasks[position] if position < len(tasks) else None
    return take, lambda: _NEXT[0].value < len(tasks)


def _lane(job: _Job, tasks: list[int]) -> list:
    """A grading process of one submission: short-lived, and what it makes is nearly all kept until it ends (the
    scripts, the verdicts): the cyclic garbage collector is off (5% of its time; `_shrink` turns it on). Its first
    call grades with the sandbox `_claim` kept for it."""
    gc.disable()
    premade = _MINE.pop() if _MINE else None
    return _grade_tasks(job, *_take_shared(tasks), premade)


_PREMADE: list = []  # [(enclosure, sandbox)]: one per grading process, made before they are forked (`_premade`)
_MINE: list = []  # in a grading process: the one it claimed and has not graded with yet


def _premade(job: _Job, count: int) -> list[tuple]:
    """A sandbox for each of `count` grading processes, made before they are forked: their enclosures set themselves
    up and fork the first workers (namespaces, control groups: the first of these waits for the kernel, some 10 ms)
    while the grading processes start and build their first inputs, instead of after."""
    isolated = Enclosure.available(server.shared())
    made, enclosure = [], None
    try:
        for _ in range(count):
            enclosure = Enclosure(server.shared(), job.root, job.limits) if isolated else None
            made.append((enclosure, _sandbox(job, enclosure)))
            enclosure = None
    except BaseException:
        _end(made)
        if enclosure is not None:  # (made, and its sandbox not)
            enclosure.close()
        raise
    return made


def _end(premade: list[tuple]) -> None:
    """End premade sandboxes no grading process took (their workers, enclosures and files)."""
    for enclosure, sandbox in premade:
        sandbox.close()
        if enclosure is not None:
            enclosure.close()


def _release(premade: tuple) -> None:
    """This process's copies of a premade sandbox's channels and files closed: another process grades with it."""
    enclosure, sandbox = premade
    sandbox.release()
    if enclosure is not None:
        enclosure.release()


def _claim(claims) -> None:
    """In a grading process as it starts: keep the first premade sandbox no other has claimed, and close this
    process's copies of the others (each worker's channel has one grading process at its other end)."""
    with claims.get_lock():
        mine = claims.value
        claims.value += 1
    for k, premade in enumerate(_PREMADE):
        if k == mine:
            _MINE.append(premade)
        else:
            _release(premade)


_FROZEN: list = []


def _freeze_heap() -> None:
    """Once per process, before its first grading: what is loaded by then (numpy, hypothesis, the checks, the
    reference: most of the heap, and never garbage) leaves the cyclic garbage collector's care (gc.freeze). Each
    full collection of a grading process went through all of it again (about 45 ms, most of them in a grading
    process forked from this one, which also copied every page it touched); cycles made later are still
    collected. (Not again later: what is alive at a second freeze, a batch entry's cycles, would be kept.)"""
    if not _FROZEN:
        _FROZEN.append(True)
        gc.freeze()


def warm(source, seed: int | None, assignment: assignments.Assignment) -> None:
    """In a batch's main process, before it forks the grading processes: build what every entry's grading builds
    first and the same for all (this module and the checks, each class's inputs, the scripts of its runs and the
    bytes each is sent as), once here, for every grading process to inherit, instead of once in each of them. (Each
    built it on its first entry: a third of a second, on every core.) The same objects they would have built: the
    verdicts do not change."""
    checks = assignment.checks() + ([] if source.local else reference.hidden_checks(assignment))
    seed = _seed(source, seed)
    every = []
    with np.errstate(all="ignore"):
        for group in _groups(checks):
            for cls in group:
                _, scripts, readers = _plan(cls, source, seed, {}, SCRIPTS)
                for item in (item for reading in readers for item in reading if item.gen is not None):
                    item.gen.close()
                every += [script.lean() for script in scripts] + scripts
    # (each script's bytes made once, Script._sent, and the fork server keeps them decoded for every worker)
    if pool.KEPT is not None:
        pool.KEPT.cases = keep(every, server.shared())
    _freeze_heap()


def _unless(results: dict[str, TestResult]) -> dict[str, TestResult]:
    """`results`, where each passed result that fails unless some test of the classes (or methods, "Class.method", or
    tests, by name) it needs fails (checks.base.Unless) is that failure if every test of those passed (one not graded
    here is not known to pass)."""
    passed: dict[str, bool] = {}
    for name, result in results.items():
        for key in _keys(name):
            passed[key] = passed.get(key, True) and result.passed
    return {name: result.unless[1] if result.unless and all(passed.get(cls, False) for cls in result.unless[0])
            else result for name, result in results.items()}


def _public_seed(official: tuple[int, bool]) -> str:
    """What official grading with a public seed says (`official.public_seed` of `official`, the seed and whether the
    course set it), '' where the seed is the course's own; a handout (local mode) has no official seed."""
    try:
        from .official import public_seed
    except ImportError:
        return ""
    return public_seed(official)[0]


def _seed(source, seed: int | None) -> int:
    """The seed a grading uses: a handout's recorded one, else `seed`, else official grading's."""
    return source.seed if source.local else official_seed()[0] if seed is None else seed


def _processes(groups: int) -> int:
    return max(1, min(groups, os.cpu_count() or 1, 2))


def grade(root: Path, *, seed: int | None = None, submission: str | None, limits: Limits | None = None, checks=None,
          source=None, jobs: int | None = None, replay: str | None = None, notes: tuple[str, ...] = (),
          assignment: assignments.Assignment | None = None) -> Report:
    """Grade the submission whose private copy is `root` (the folder holding mytorch/); `submission`
    is its path as the user gave it (None: the default ./mytorch), for the report and the replay line;
    `notes` are said first in the report (what intake left out).

    `source` is where inputs and expected values come from: by default the reference in solutions/
    (official mode, with the hidden tests) or, in a student's handout, the recorded fixtures (local
    mode: public tests only, on the recorded inputs). `seed` None: official grading's seed (the course's
    secret, setup.cfg's official_seed or $AUTOGRADER_SEED); local mode always uses the recorded inputs'
    seed. Each class is graded apart, in a worker of its own (or one whose every run was a clean pass:
    `_grade_tasks`);
    with two cores or more, two grading processes (forked from this one) share the classes.
    """
    began = time.perf_counter()
    limits = limits or Limits.configured()
    assignment = assignment or assignments.get()
    source = source or reference.source(assignment)
    if checks is None:
        checks = assignment.checks() + ([] if source.local else reference.hidden_checks(assignment))
    default, secret = (source.seed, False) if source.local else official_seed()
    if source.local and seed is not None and seed != default:  # (said, not silently ignored)
        notes = (*notes, f"--seed {seed} is not used here: a handout grades the inputs recorded with seed {default}; "
                         "official grading draws others")
    if source.local or seed is None:
        seed = default  # local: the recorded inputs are those of the seed they were made with
    public = _public_seed((default, secret)) if not source.local and seed == default else ""
    secret = secret and seed == default
    if public:  # (every result graded so says it: "seed official" alone read as a course's secret, helper-93)
        notes = (*notes, public)
    replay = replay or replay_command(submission, None if seed == default else seed,
                                      None if assignment == assignments.get() else assignment.name)
    job = _Job(root, seed, replay, limits, began)
    _CREDIT[0] = 0.0
    _SOURCE[0] = source
    _GROUPS[:] = _groups(list(checks))
    tasks = _order(_GROUPS)
    processes = jobs or _processes(len(_GROUPS))
    server.shared().wait_ready()  # before forking: the grading processes share the fork server
    _freeze_heap()
    context = multiprocessing.get_context("fork")
    _NEXT[0] = context.Value("i", 0)
    if processes == 1:
        graded = _grade_tasks(job, *_take_shared(tasks))
    else:
        _PREMADE[:] = _premade(job, processes)
        try:
            with ProcessPoolExecutor(processes, mp_context=context, initializer=_claim,
                                     initargs=(context.Value("i", 0),)) as lanes:
                running = lanes.map(_lane, [job] * processes, [tasks] * processes)  # (every process forked by now)
                for premade in _PREMADE:
                    _release(premade)
                _PREMADE.clear()
                graded = [done for lane in running for done in lane]
        finally:
            _end(_PREMADE)  # (the grading processes never started: ended here)
            _PREMADE.clear()
    graded = [found for _, found in sorted(graded, key=lambda item: (item[0] != NOTES, item[0]))]
    raw = _unless({name: result for part, _, _ in graded for name, result in part.items()})
    return Report(submission=submission or assignment.package, seed=seed, results=tuple(raw[c.name] for c in checks),
                  execution_time=round(time.perf_counter() - began, 3),
                  examples=sum(examples for _, examples, _ in graded),
                  notes=tuple(dict.fromkeys([*notes, *(note for _, _, found in graded for note in found)])),
                  hidden=source.hidden if source.local else (0, 0.0),
                  isolation=tuple(server.shared().isolation.items()), replay=replay, secret_seed=secret,
                  local=source.local, assignment=assignment.name)
