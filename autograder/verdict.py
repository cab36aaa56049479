"""What the runner learned about one check, and the `TestResult` a student reads from it."""
from __future__ import annotations

from .cases import describe
from .checks.base import TWIN, Check, Crashed, NotAttempted, Outputs, Skip, Unless, Waiting
from .compare import Failure
from .expected import NoFixture
from .record import field, record
from .report import Outcome, TestResult
from .sandbox import CaseResult, Script
from .sandbox.pool import alike_kinds

PRINTED_LINES = 12  # lines of what the student's code printed shown per failure
OWNED = "the values it compares are graded by another test, which failed"  # (an input that judged nothing so)


@record
class Verdict:
    failure: Failure | None = None  # the first real failure: final
    waiting: Waiting | None = None  # an input the check could not run on: shown only if nothing fails
    case: object = None  # the input of the failure (or of the waiting)
    script: Script | None = None  # what was called on it
    printed: tuple = ()  # (op, bytes) the student's code printed on that input
    shrunk: bool = False  # the input is hypothesis's shrunk example
    shrinkable: bool = False  # it failed on a hypothesis example that is worth shrinking
    examples: int = 0  # inputs judged
    returned: int = 0  # inputs on which the method graded returned (rightly or wrongly), not crashed
    skipped: str = ""  # why some inputs could not judge the check (the last reason)
    excused: frozenset = frozenset()  # values not compared: the test that grades them failed
    failed_owners: frozenset = frozenset()  # those tests (of the tests that grade values this one reads)
    reached: int | None = None  # the furthest op of `script` the failure is about
    crashed: Crashed | None = None  # the method crashed on an input a non-primary check left out
    crashes: int = 0  # inputs left out for that reason
    crashed_at: dict = field(default_factory=dict)  # of those, how many crashed as each value label was read, (label,
    # the crash's cause: Crashed.cause) -> count
    owned_crashes: tuple | None = None  # (count, owners that failed, the crash) of those left out for good
    not_called: int = 0  # of those, inputs it was not called on: it hung or ended the worker on an earlier one
    right_after: int = 0  # failed (a value test, on a crash or a wrong value): later inputs where its values were
    wrong_after: int = 0  # right, and where wrong (the failure stands: these only say if it computes anything)
    streamed: int | None = None  # inputs judged before shrinking began (its replays count in `examples` too)
    unfinished: bool = False  # the time budget ran out before every input was judged
    blocked: Waiting | None = None  # an input was left out as a method the check needs raised there (Skip.waiting)
    objects: frozenset | None = None  # the student objects whose values the verdict is about (None: all)
    notes: dict = field(default_factory=dict)  # what the inputs that passed said (Outputs.note), in order
    claims: dict = field(default_factory=dict)  # value label -> (fits, tested) of each seeded or drawn input that
    # failed on its numbers alone: a hint another input speaks against is dropped (runner._unconfirmed)
    confirming: int = 0  # later inputs judged again to see what they name
    # The known mistakes a wrong value fitted where it was computed (neither one number throughout nor an array the
    # grader passed, unchanged), on the input that failed or one that confirmed it (runner: a slip, charged once)
    computed_fits: set = field(default_factory=set)
    # What the last input judged did, when it passed and changed nothing but counts, notes and the reason some
    # inputs were skipped: (examples, returned, notes, skipped or None, blocked or None), as `passed` applies it
    passing: tuple | None = None
    owned: int = 0  # inputs that judged nothing, as every value they compare is excused (its owner failed)
    waited: int = 0  # inputs it could not run on (a Waiting each)
    waited_on: set = field(default_factory=set)  # the methods they waited on (None: no method, an MLP's layers)
    # (the classes it needs, a Verdict of the first such input's failure) of the inputs that passed unless every test
    # of those classes passes (checks.base.Unless)
    unless: tuple | None = None
    settled: int = 0  # failed as those tests passed (`settle`): the inputs but one that passed only so, now wrong
    left: int = 0  # inputs left to those tests (Unless.left): no right value, as `right_and_wrong` counts them
    conditional: int = 0  # inputs that passed unless those tests pass (an Unless without `left`): judged, and if
    # those tests pass (`settle`), wrong
    # inputs left out where its value was wrong, as another test's failure may explain it (Skip.unright: a loss's
    # backward behind a wrong forward): no right value either, but unlike `left` no bar to credit where it passed
    unright: int = 0
    # the causes (Crashed.cause) of crashes its method met on inputs judged after this test failed on a value (`later`):
    # the same crash in a test re-reading its values is this test's to charge, once (helper-161: Softmax.backward's
    # sum without keepdims, wrong in shape on one input, raising on others, lost its behaviour test too)
    later_crashes: set = field(default_factory=set)

    def judge(self, check: Check, gen, case, script: Script, result: CaseResult) -> bool:
        """Send the worker's outputs into the check body `gen` that yielded `script`; False when the
        check has failed for good (a waiting input does not stop it: a real failure may follow)."""
        self.passing = None
        out = Outputs(result, script, check.method, self.excused)
        try:
            gen.send(out)
        except StopIteration:
            crash = out.probe_crash()
            if crash is not None:  # (a state probe raised where forward itself did not: see Outputs.probe_crash)
                self.examples += 1
                self.failure = crash
                self._keep(case, script, result, out)
                return False
            skipped = OWNED if out.judged_nothing else None
            self.passed((0 if skipped else 1, 0 if out.met_raise else 1, tuple(out.notes), skipped, None))
            return True
        except Unless as unless:  # (passed here; the runner charges it where those classes pass every test)
            if self.unless is None:
                kept = Verdict(failure=unless.failure, examples=1, left=1 if unless.left else 0)
                kept._keep(case, script, result, out)
                self.unless = (unless.needs, kept)
            elif unless.failure.about:  # (what each later one's value fits: `settle`)
                self.unless[1].claims.setdefault(unless.failure.about, []).append(
                    (unless.failure.fits, unless.failure.tested))
            if unless.left:  # (left to those tests as a Skip owned by them: judged nothing here)
                self.passed((0, 0, (), unless.left, None))
                self.owned += 1
                self.left += 1
                self.passing = None
                return True
            self.passed((1, 1, tuple(out.notes), None, None))
            self.conditional += 1
            self.passing = None  # (a pass only unless those classes pass: a later reply of the same bytes is judged
            return True  # again, so an entry graded after another in its grading process keeps that charge: helper-163)
        except NoFixture:  # local mode: no recorded expected value for this input
            self.passed((0, 0, (), None, None))
            return True
        except Skip as skip:
            self.passed((0, 0, (), str(skip), skip.waiting))
            if skip.owned:
                self.owned += 1
                self.unright += skip.unright
                self.passing = None  # (counted here: a later reply of the same bytes is judged again)
            return True
        except Failure as failure:
            self.examples += 1
            if type(failure) is Failure and out.behind is not None:  # (a value its method's crash left as it was)
                failure = out.crash_behind()
            if not isinstance(failure, (Waiting, NotAttempted)):
                failure = out.soft_waiting() or failure
            if isinstance(failure, Crashed) and failure.about_input and not check.primary:
                self.examples -= 1  # charged once, by the method's primary check
                self.crashes += 1
                if out.raising is not None and failure.cause:
                    key = (out.raising, failure.cause)
                    self.crashed_at[key] = self.crashed_at.get(key, 0) + 1
                self.not_called += failure.earlier
                if self.crashed is None and self.failure is None:
                    self.crashed = failure
                    self._keep(case, script, result, out)
                return True
            if isinstance(failure, Waiting):
                self.examples -= 1
                self.waited += 1  # (and who it waited on: see `result`)
                self.waited_on.add(failure.culprit or None)  # (raised, not attempted, or hung or ended the worker)
                if self.waiting is None:
                    self.waiting = failure
                    self._keep(case, script, result, out)
                return True
            self.returned += not isinstance(failure, (Crashed, NotAttempted))
            self.failure = failure
            self._keep(case, script, result, out)
            return False
        raise RuntimeError("a check body yielded more than once")

    def right_and_wrong(self) -> tuple[int, int]:
        """A failed value test's inputs where its method's values were right and where not (wrong, or a crash):
        those before the failure and after it, not the replays of shrinking."""
        judged = self.examples if self.streamed is None else self.streamed
        # (an input left to another test is no right value: a GELU backward wrong on the one input its wrong forward
        # left, and right on one other, read as right on most and kept its behaviour tests)
        # (nor one left out where its value was wrong: helper-127's MSELoss.backward of -2 Y / (N C), right on A = Y
        # = 0 alone and left to the failing forward elsewhere, read as right on most and kept its other tests)
        wrong = self.settled  # (judged, and wrong: counted in `judged`, but the one failed)
        return judged - 1 + self.right_after - wrong, self.wrong_after + 1 + self.left + self.unright + wrong

    def crash_causes(self) -> set:
        """The causes (Crashed.cause) of the crashes this test met: its failure's, and those it left out."""
        return ({getattr(self.failure or self.crashed, "cause", ())} | {cause for _, cause in self.crashed_at}
                | self.later_crashes)

    def passed(self, passing: tuple) -> None:
        """Count an input that passed (or judged nothing): `passing` as `judge` keeps it."""
        examples, returned, notes, skipped, blocked = self.passing = passing
        self.examples += examples
        self.returned += returned
        self.notes.update(dict.fromkeys(notes))
        self.owned += skipped == OWNED
        if skipped is not None:
            self.skipped = skipped
        if blocked is not None and self.blocked is None:
            self.blocked = blocked

    def charge(self, failure: Failure, case, script: Script) -> None:
        """Fail with `failure`, found once the run was over (runner: calls answered otherwise than the first time),
        about the whole of the input `case` and its `script`."""
        self.failure, self.case, self.script, self.reached = failure, case, script, None
        self.objects, self.printed, self.unless = None, (), None

    def settle(self) -> None:
        """Fail with the failure kept of the first input that passed unless the tests it needs pass (`unless`), now
        that those have passed: its method's mistake, charged as any other failure of this test is (runner: where
        they are tests of the class graded in the same run)."""
        kept = self.unless[1]
        self.failure, self.case, self.script, self.reached = kept.failure, kept.case, kept.script, kept.reached
        self.objects, self.printed, self.unless = kept.objects, kept.printed, None
        self.settled = self.conditional - 1 + kept.left
        for about, found in kept.claims.items():  # (a hint the other inputs speak against is dropped, as for any
            self.claims.setdefault(about, []).extend(found)  # failure: runner._unconfirmed; helper-181 had a backward
            # fit a known mistake on the first input alone, garbage elsewhere, keep its other tests as "one slip")
        if kept.left:  # (that input was left to those tests: now judged, and failed)
            self.left -= 1
            self.examples += 1

    def _keep(self, case, script: Script, result: CaseResult, out: Outputs) -> None:
        """Remember the input a verdict is about, the objects whose values it read, and what the student's
        code printed on them up to that point."""
        reached = out.reached
        self.case, self.script, self.reached = case, script, reached if reached >= 0 else None
        self.objects = script.objects(op for op in out.read if op >= 0) or None
        self.printed = tuple((op, data) for op, data in result.printed if (reached < 0 or op <= reached)
                             and (self.objects is None or script.object_of(op) in self.objects))


def feedback(verdict: Verdict, failure: Failure, replay: str, rare: str = "", calls: bool = True) -> str:
    lines = [failure.message] + ([rare] if rare else [])
    if failure.hint:
        lines.append(f"hint: {failure.hint}")
    script = verdict.script if getattr(failure, "about_input", True) else None
    if script is not None and calls:
        lines.append(f"calls: {script.describe(verdict.reached, verdict.objects)}")
    if verdict.case is not None and script is not None:
        origin = "smallest failing input found by hypothesis" if verdict.shrunk else "failing input"
        names = script.inputs(verdict.reached, verdict.objects)
        if names:  # a constructor alone passes no arrays: its call above says it all
            lines.append(f"{origin}:")
            lines += [f"  {line}" for line in describe(**{n: script.input(n) for n in names}).splitlines()]
    if verdict.printed:
        lines.append("your code printed:")
        budget = PRINTED_LINES
        for op, data in verdict.printed:
            text = data.decode("utf-8", "replace").splitlines()
            if script is not None:
                lines.append(f"  during {script.meta[op].text}:")
            lines += [f"  | {line}" for line in text[:budget]]
            budget -= len(text)
            if budget <= 0:
                lines.append("  | ...")
                break
    lines.append(f"replay: {replay}")
    return "\n".join(lines)


def result(check: Check, verdict: Verdict, replay: str, method_returned: bool, not_attempted: NotAttempted | None,
           charged: frozenset, skeleton: frozenset = frozenset()) -> TestResult:
    """The test's result. A crash on an input this test judges is left out only when it is charged once
    already (`charged`: the methods of the class whose first test failed on a crash) and the method returned on
    some input of some test of it (`method_returned`), and only when it ran on more of this test's inputs than
    it crashed on; otherwise it fails here: a crash is never free, a method that never works earns
    nothing, and one that works only on a few small inputs does not earn tests judged on those alone. A method that
    raised NotImplementedError and never returned from a call (the skeleton's: `not_attempted`, what it raised) is
    not attempted, in every test of it, and so are the tests that wait for it (`skeleton`: such methods of the class);
    where it returns on some input, a test that waits for it where it raises leaves those inputs out, as for any
    other exception."""
    common = dict(name=check.name, max_score=float(check.points), visibility=check.visibility)
    failure = verdict.failure
    crash_charged = check.method in charged
    if not_attempted is not None:  # (where it returns somewhere, NotImplementedError is a crash)
        return TestResult(score=0.0, outcome=Outcome.NOT_ATTEMPTED, output=not_attempted.skeleton, **common)
    if failure is None and verdict.crashed is not None:
        if crash_charged and verdict.examples == verdict.owned == 0 and verdict.crashed.earlier:  # nothing of this
            # test ran (helper-219: inputs that ran, whose values a failed test grades, had read "none ran"): no
            return TestResult(score=0.0, outcome=Outcome.NOT_RUN, output=_not_called(check, verdict), **common)
        failure = charged_crash(verdict, method_returned, crash_charged)  # (verdict of its own)
    if failure is None and verdict.waiting is not None and _waits_charged(verdict, charged - skeleton):
        return TestResult(score=float(check.points), outcome=Outcome.PASSED, output=_passed(check, verdict), **common)
    if failure is None and verdict.waiting is not None:
        outcome = Outcome.NOT_ATTEMPTED if verdict.waiting.not_attempted else Outcome.NOT_RUN
        return TestResult(score=0.0, outcome=outcome, output=_waited(verdict, outcome, replay), **common)
    if failure is None:
        unless = () if verdict.unless is None else (verdict.unless[0], TestResult(
            score=0.0, outcome=Outcome.FAILED, output=feedback(verdict.unless[1], verdict.unless[1].failure, replay),
            **common))
        return TestResult(score=float(check.points), outcome=Outcome.PASSED, output=_passed(check, verdict),
                          unless=unless, **common)
    right, wrong = verdict.right_and_wrong()
    rare = (f"wrong on {wrong} of this test's {right + wrong} inputs (right on the other {right})"  # (a slip on some
            if check.computes and type(failure) is Failure and right > wrong else "")  # kind of input: how rare)
    return TestResult(score=0.0, outcome=Outcome.FAILED, output=feedback(verdict, failure, replay, rare), **common)


def _waited(verdict: Verdict, outcome: Outcome, replay: str) -> str:
    """What a test that waits for another method says: why, and, where that method raised, hung or ended the worker
    on the input kept (`Waiting.here`), that input and how to replay it, as a failure's (helper-209: a forward that
    hung on one input of a backward's test alone, every test of forward passing, left the student no input to look
    at). Not the calls of the test: the message names the one that failed, and what the test read after it (a
    backward given an empty cache, to see whether it needs one) is not what failed."""
    said = f"{outcome.value}: {verdict.waiting.message}"
    if not verdict.waiting.here or verdict.case is None or verdict.crashed is not None:  # (a crash's input, kept)
        return said
    return feedback(verdict, Failure(said, verdict.waiting.hint), replay, calls=False)


def excuse_crashes(check: Check, verdict: Verdict, failed: dict[str, set]) -> None:
    """Leave out, like the values they stopped, the crashes on reading values that tests owning values of this one
    failed on, the same crash (`failed`: test -> the causes of the crashes it met; in the end: a crash that a test
    which is not its method's first one left out fails that test only once the class is judged, so reading the
    values it owns did not know yet): that test charges the crash, once, whichever value this test read first (a
    backward that stored its right dLdW before its dLdA line raised: the dLdW test passes, the dLdA test charges the
    crash). Only the same crash (the same exception from the same line, on arguments of the same kinds:
    Crashed.cause): raising on inputs of another kind (a hidden test's large two-dimensional batches) is charged
    where it happens."""
    names = {name for _, owners in check.owners for name in owners}
    owned = {(label, cause): {name for name in names if any(_same_crash(cause, c) for c in failed.get(name, ()))}
             for label, cause in verdict.crashed_at}
    left = sum(count for key, count in verdict.crashed_at.items() if owned[key])
    if not left:
        return
    verdict.crashes -= left
    verdict.owned_crashes = (left, sorted(set().union(*owned.values())), verdict.crashed)
    if not verdict.crashes:
        verdict.crashed = None


def _same_crash(a: tuple, b: tuple) -> bool:
    """Two crashes' causes (Crashed.cause) are the same crash: the same exception from the same line, on arguments of
    kinds that may be the same (an array the worker keeps for the call, to see what the method does to it, is of
    any kind)."""
    return bool(a) and bool(b) and a[:2] == b[:2] and alike_kinds(a[2], b[2])


def _waits_charged(verdict: Verdict, charged: frozenset) -> bool:
    """The inputs a test waited on stay left out (it passes on the others): every one of them waited on a method
    of its class that raised, hung or ended the worker there (helper-210: a loss's forward that looped forever on
    batches of one cost its right backward 7 points, 1 when it raised), whose first test failed on a crash
    (`charged`: those methods), and the test judged more inputs than it waited on, counting those whose every value
    another test grades, which failed (that test charges them: helper-96, a CrossEntropyLoss whose forward raised on a (1, 1) batch lost "backward: finite
    for large logits", whose dLdA was excused on every other input, as not run). As for a method's own crashes:
    charged once, never a pass bought by a crash (a forward raising on one edge input cost a loss's backward test
    all of its 2 points)."""
    return (bool(verdict.waited_on) and verdict.waited_on <= charged
            and verdict.examples + verdict.owned > verdict.waited)


def charged_crash(verdict: Verdict, method_returned: bool, crash_charged: bool) -> Failure | None:
    """The failure `result` charges a test for the crashes it left out (`Verdict.crashed`), None where they stay left
    out (see `result`; a test none of whose inputs ran, after a call that did not return, is not run there)."""
    crashed = verdict.crashed
    if verdict.failure is not None or crashed is None:
        return None
    if not crash_charged:
        return crashed
    if verdict.examples == 0 and crashed.earlier:
        return None
    if verdict.examples == 0 and not method_returned:
        if verdict.not_called:  # (helper-210: "on every input" where it hung on one and was not called on the rest)
            return Crashed(f"on {verdict.crashes - verdict.not_called} of this test's {verdict.crashes} inputs, "
                           f"{crashed.message}; it was not called on the other {verdict.not_called}, as a method is "
                           "not called again after a call that does not return", crashed.hint)
        return Crashed(f"on every input of this test, {crashed.message}", crashed.hint)
    if verdict.crashes > verdict.examples:
        skipped = (f"{verdict.not_called} of them not called, as a method is not called again after a call that "
                   "does not return") if verdict.not_called else ""
        where = (f"on {verdict.crashes} of the {verdict.crashes + verdict.examples} inputs of this test (it returned "
                 f"on only {verdict.examples}{'; ' + skipped if skipped else ''})" if verdict.examples else  # (none ran: "13 of the 13
                 f"on every one of its {verdict.crashes} inputs" + (f" ({skipped})" if skipped else ""))  # ... more")
        return Crashed(f"{where}, {crashed.message}", crashed.hint)
    return None


def blocked(check: Check, verdict: Verdict, outcome: Outcome = Outcome.NOT_RUN) -> TestResult:
    """A test none of whose inputs it could judge, as a method it needs raised on each (`Verdict.blocked`), where no
    test charges that: it waits for the method, as where it needs it to run (a crash never buys a pass). NOT_ATTEMPTED
    where the method raised NotImplementedError on each and none of its calls returned (the skeleton's, or a composite
    of it)."""
    return TestResult(check.name, float(check.points), 0.0, outcome, f"{outcome.value}: {verdict.blocked.message}",
                      check.visibility)


def _not_called(check: Check, verdict: Verdict) -> str:
    """A test none of whose inputs ran: the method it grades hung or ended the worker on an earlier input (its
    first test charges that), and is not called again. Its points wait for a method that finishes."""
    why = verdict.crashed.message.split(": ", 1)[-1].split(", and is not called again")[0]
    return (f"not run: {why}; after that, it is not called again, so none of this test's inputs ran (the first "
            f"test of {check.method} charges the call that did not return). Once it returns on every input, this "
            "test is judged too" + (f"\nhint: {verdict.crashed.hint}" if verdict.crashed.hint else ""))


EXCUSED_LISTED = 3  # values not compared again that a passed test names one by one, for each test that grades them


def _passed(check: Check, verdict: Verdict) -> str:
    lines = [f"passed on {verdict.examples} inputs" if verdict.examples else
             "passed: nothing left for this test to judge (every input was left out), so it charges nothing"]
    owners, by_owners = dict(check.owners), {}
    for label in sorted(label for label in verdict.excused if not label.endswith(TWIN)):
        failed = tuple([name for name in owners[label] if name in verdict.failed_owners] or owners[label])
        by_owners.setdefault(failed, []).append(label)
    for failed, labels in by_owners.items():  # (helper-224: an SGD test listed 20 such lines, one per value)
        graded = f"{' and '.join(map(repr, failed))} {'grade' if len(failed) > 1 else 'grades'}"
        if len(labels) > EXCUSED_LISTED:
            lines.append(f"{len(labels)} values not compared again ({labels[0]}, ..., {labels[-1]}): {graded} them, "
                         "and failed")
        else:
            lines += [f"{label} not compared again: {graded} it, and failed" for label in labels]
    if verdict.owned_crashes is not None:
        count, failed, crash = verdict.owned_crashes
        lines.append(f"left out the {count} input{'s' if count > 1 else ''} where {check.method} raised "
                     f"({crash.message}): {' and '.join(map(repr, failed))} {'grade' if len(failed) > 1 else 'grades'} "
                     "what it gives there, and failed")
    lines += [f"note: {note}" for note in verdict.notes]
    if wrong_behind := verdict.unright + verdict.left:  # (helper-222: a backward dividing by N alone passed on the
        # one-column batches, where its forward's loss was right too; fixing forward then failed it)
        lines.append(f"note: judged only where forward's value is right; on the {wrong_behind} input"
                     f"{'s' if wrong_behind > 1 else ''} where it is wrong, this test's value was wrong too (it may "
                     "come from what forward stored, so it is not charged here): once forward is right, look at this "
                     "test again")
    if verdict.skipped:
        lines.append(f"{'left out some inputs' if verdict.examples else 'why'}: {verdict.skipped}")  # (helper-220: "every
        # input was left out", then "left out some inputs")
    if verdict.crashed is not None:
        lines.append(f"left out the inputs where {check.method} crashed (charged once, by its first test): "
                     f"{verdict.crashed.message}")
    if verdict.waiting is not None:
        lines.append(f"left out the {verdict.waited} input{'s' if verdict.waited > 1 else ''} where a method it needs "
                     f"raised (charged once, by that method's first test): {verdict.waiting.message}")
    return "\n".join(lines)


def uncredited(check: Check, verdict: Verdict, failed: Check | None = None, method: bool = False) -> TestResult:
    """A test that passed without judging values, in a class none of whose value tests passed, or (`method`) in a
    method none of whose value tests passed: `failed` is one of them that failed (None: every input of them was
    left out)."""
    if verdict.examples == 0 and (verdict.waiting or verdict.crashed):  # it could not run: say why
        why = verdict.waiting or verdict.crashed
        return TestResult(check.name, float(check.points), 0.0, Outcome.NOT_RUN, f"not run: {why.message}",
                          check.visibility)
    if method:
        name = check.method
        what = ("judges how it behaves, not its values" if check.behaviour and verdict.examples else
                f"had none of {name}'s values left to judge (another test grades them, and failed)"
                if verdict.examples and verdict.excused else
                f"had nothing left to judge ({verdict.skipped or 'every input was left out'})")
        fix = (f"Fix what {failed.name!r} reports first" if failed is not None else
               f"None of {name}'s inputs could be judged: fix what the tests it needs report first")
        return TestResult(check.name, float(check.points), 0.0, Outcome.FAILED,
                          f"not credited: this test {what}, and no test of {name}'s values passed; its points are "
                          f"for a {name.split('.', 1)[1]} that computes something right. {fix}, and this test is "
                          "judged again", check.visibility)
    left_out = f" (every input was left out: {verdict.skipped})" if verdict.examples == 0 and verdict.skipped else ""
    return TestResult(check.name, float(check.points), 0.0, Outcome.FAILED,
                      f"not credited{left_out}: no test of {check.cls}'s values passed, and this test's points are "
                      f"for a {check.cls} that computes something right: fix its values first", check.visibility)


def never_returned(check: Check, crash: Crashed) -> TestResult:
    """A test that passed (on values other tests grade, or with nothing left to judge) of a method that raised on
    every call of every test: a method that never works earns nothing, whatever it raises (NotImplementedError
    makes every test of it "not attempted"; a typo must not earn more)."""
    hint = f"\nhint: {crash.hint}" if crash.hint else ""
    every = "on every input of this test, " if crash.about_input else ""  # (a module that could not be imported)
    return TestResult(check.name, float(check.points), 0.0, Outcome.FAILED, f"{every}{crash.message}{hint}",
                      check.visibility)


def over_budget(check: Check, seconds: float) -> TestResult:
    return TestResult(check.name, float(check.points), 0.0, Outcome.FAILED,
                      f"not run: grading this submission took more than {seconds:g} s in all; "
                      "look for slow loops or code that waits", check.visibility)


def grader_failed(check: Check, exc: Exception) -> TestResult:
    return TestResult(check.name, float(check.points), 0.0, Outcome.NOT_RUN,
                      f"not run: the grader failed on this test ({type(exc).__name__}: {exc}); not your fault, "
                      "please report it", check.visibility)
