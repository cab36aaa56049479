"""The grading process's side of a submission's workers.

`Sandbox` grades one submission: it asks the fork server for a worker, sends it
scripts, reads the replies under a deadline, and kills the worker's whole
process group when it misbehaves or when grading ends.

When a worker dies (a crash, an exit, a time-out), a page of memory it shares
with the grader says which op of which case it was running (the cases before it
whose replies it still held run again, as they were sent, in a fresh worker: a
worker writes its replies a few at a time). That op is charged:
the case gets the values of the ops before it (rerun in a fresh worker) and an
error on it (a soft op is left out instead, as where it raises, and the case goes on:
a backward whose forward hangs is still judged on the state the grader sets),
and later cases do not run that op again (a soft call is left out, anything else
stops the case there), so one endless loop costs one time-out, not one per input;
two on arguments of the same kinds stop that method on such arguments, two
written two ways on arguments of two kinds stop the method. A package `__init__.py` that kills
the worker is not run again; its package's modules still load. What the student's code prints goes to an
append-only file, capped in size by the worker's RLIMIT_FSIZE; the worker says
which bytes of it each op printed.
"""
from __future__ import annotations

import fcntl
import json
import mmap
import operator
import os
import re
import signal
import socket
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from . import worker as wire
from ..record import field, record, replace
from .limits import Limits
from .script import CaseResult, Malformed, Script, StudentError, decode, pack
from .server import ForkServer, SandboxError, channel, describe_status, remove_tree, wait_exit

# A worker must have read a request within the case time limit, and at most this many seconds, after it was
# written (a fresh one starts first: namespaces, its private root, limits; milliseconds, unless the machine is
# swamped), and is looked at this often until it has. What it says of when it read it is its word: a forged time buys
# a request's first case that much more at most.
START_LIMIT = 5.0
START_POLL = 0.05
WATCH_POLL = 0.005  # seconds between looks at the progress page of a worker that is to reach a "wait" op (`stream`)
# Bounds on one case's reply: honest ones are a few kilobytes (a header, a few small arrays).
MAX_HEADER = 1 << 20
MAX_BLOBS = 1024
MAX_MESSAGE = 64 << 20
GRACE = 0.2  # seconds a worker that closed its channel gets to exit on its own, so its exit status is its own


@record
class _Worker:
    """A live worker: its pid (its keeper's, when isolated), channel, progress page and unread bytes."""
    pid: int | None  # (None: forked by an enclosure, which ends it)
    sock: socket.socket
    progress: mmap.mmap
    inbox: bytearray = field(default_factory=bytearray)


@record(frozen=True)
class _Death:
    """Where and how a worker died: the op it was running, the import phase, and why."""

    case: int
    op: int
    phase: int
    why: str
    printed: bytes
    hit_limit: bool
    again: tuple | None = None  # (op, printed, hit_limit) of the death of this case's rerun, where that comes later
    held: bool = False  # the worker held replies of earlier cases when it was stopped: the wait timed more than this
    before: tuple = ()  # the _Deaths of soft ops of the same case that ended earlier workers (left out since)


class Enclosure:
    """A worker's confinement, set up once for the sandboxes of one grading process: namespaces, private
    root, control group, limits, Landlock, uid and filter cost about 4 ms a worker; a fork from an enclosure
    well under 1. It forks a fresh worker for each sandbox that asks, one at a time (a fork first ends
    every process the worker before it left), and empties the scratch folder between them, so no worker
    inherits anything of another's. Only where workers get PID namespaces (`available`): the enclosure is
    the init of its namespace, which is what lets it end everything in it and nothing else."""

    def __init__(self, server: ForkServer, root: Path, limits: Limits):
        self.server, self.root, self.limits = server, root, limits
        self.preload = preloads(root, server.allowed)
        self.scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=server.home))
        self.pid: int | None = None
        self.control: socket.socket | None = None
        self._forking = False  # a fork was asked for and its answer not read yet

    @staticmethod
    def available(server: ForkServer) -> bool:
        server.wait_ready()
        return bool(server.isolation.get("pid and network namespaces"))

    def fork(self, output: int, progress: int) -> socket.socket:
        """The channel of a fresh worker that appends to `output` and publishes its progress in `progress`.

        An enclosure that has forked before answers at once; one that refuses (it exits rather than fork
        when a worker before left what it cannot undo) or is gone is replaced, once. A new enclosure's
        first fork is asked for and not waited for: it answers once it is set up, while the grading
        process builds the inputs it will send; the worker reads them once it runs, and the next request
        to the enclosure reads that answer first (`settle`)."""
        self.settle()
        for _ in range(2):
            fresh = self.control is None
            if fresh:
                self._start()
            ours, theirs = channel()
            try:
                sent = self._send({"op": "fork"}, [theirs.fileno(), progress, output])
            finally:
                theirs.close()
            if sent and fresh:
                self._forking = True
                return ours
            if sent and type(self._reply(0.0).get("pid")) is int:
                return ours
            ours.close()
            self._stop()
        raise SandboxError("the sandbox's enclosure could not start a worker")

    def end(self, grace: float = 0.0) -> int:
        """End the worker (after `grace` seconds to exit by itself) and everything it started; its wait status.
        Raises SandboxError when the enclosure never started that worker."""
        self.settle()
        if self.control is None:
            return 0
        reply = self._send({"op": "end", "grace": grace}, []) and self._reply(grace)
        status = reply.get("status") if reply else None
        if type(status) is int and 0 <= status < 1 << 16:
            return status
        return self._stop()  # it broke, or never saw the worker end: its own status stands for the worker's

    def settle(self) -> None:
        """Wait until a new enclosure has forked its first worker (its set-up, and the modules it imports for the
        submission, are not the time of the first case); SandboxError if it forked none (not the student's doing:
        no student code has run in it yet)."""
        if not self._forking:
            return
        self._forking = False
        if type(self._reply(60.0 if self.preload else 0.0).get("pid")) is not int:
            self._stop()
            raise SandboxError("the sandbox's enclosure could not start a worker")

    def _start(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        page = progress_page()
        try:
            self.pid, self.control = self.server.spawn(self.root, self.scratch, self.limits, null, page, enclosure=True,
                                                       preload=self.preload)
        finally:
            os.close(null)
            os.close(page)

    def _send(self, request: dict, fds: list[int]) -> bool:
        try:
            wire.send_request(self.control, request, fds)
            return True
        except OSError:
            return False

    def _reply(self, grace: float) -> dict:
        """The enclosure's answer (it is sandboxed: anything but a small JSON object is {})."""
        try:
            self.control.settimeout(grace + wire.ENCLOSURE_GRACE + 5.0)
            reply = json.loads(wire.recv_frame(self.control, 4096))
        except (OSError, ValueError, wire.ChannelClosed):
            return {}
        return reply if isinstance(reply, dict) else {}

    def _stop(self) -> int:
        """Kill the enclosure and everything in its namespace; its wait status."""
        self._forking = False
        if self.control is None:
            return 0
        status = self.server.reap(self.pid)
        self.control.close()
        self.pid, self.control = None, None
        return status

    def release(self) -> None:
        """Close this process's copy of the enclosure's channel, and nothing else: a process that forked (or was
        forked with) this enclosure, and leaves it to another process to grade with and end."""
        if self.control is not None:
            self.control.close()

    def close(self) -> None:
        """End the enclosure and everything in its namespace, without waiting for the kernel to take the
        namespace down (some 20 ms that nobody needs: the fork server reaps it later)."""
        self._forking = False
        if self.control is not None:
            self.server.end(self.pid)
            self.control.close()
            self.pid, self.control = None, None
        remove_tree(self.scratch)


class Sandbox:
    """Runs scripts for one submission in disposable worker processes (forked by `enclosure` when given)."""

    deadline = float("inf")  # time.monotonic() at which the submission's budget runs out: no reply waits past it

    def __init__(self, server: ForkServer, root: Path, limits: Limits = Limits(), enclosure: Enclosure | None = None):
        self.server, self.root, self.limits, self.enclosure = server, root, limits, enclosure
        self.scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=server.home))
        self._outputs = 0  # how many output files it has had (`forget` starts another)
        self._output_path = server.home / f"{self.scratch.name}.out"
        self._output = os.open(self._output_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._worker: _Worker | None = None
        self.skip_init: set[str] = set()  # packages whose __init__.py ended a worker: not run again
        self.notes: list[str] = []  # what the grading process should tell the student about the run
        self._poisoned: dict[tuple, StudentError] = {}  # op identity -> how it ended a worker
        # a call's identity -> the dimensions of 1 its arguments had where it ended a worker (`argument_ones`): it is
        # left out only on arguments with a 1 there, until it ends one on arguments without
        self._scopes: dict[tuple, tuple] = {}
        # a method's identity -> [_Hung: the calls of it on arguments of one set of kinds that ended a worker]
        self._hung: dict[tuple, list[_Hung]] = {}
        # The worker has served another task's classes (`lend`): its runs count only where they are a clean pass
        # (runner._batch_phase); and whether a run gave anything else since, so that it may not serve another
        self.borrowed = self.spoiled = False
        self._forget_imports = False  # the next request asks the worker to forget the submission's modules

    def learned(self) -> tuple:
        """What the sandbox has learned of the submission so far (the ops and packages that ended a worker)."""
        return (dict(self._poisoned), {k: [replace(g, texts=set(g.texts)) for g in v] for k, v in self._hung.items()},
                set(self.skip_init), list(self.notes), dict(self._scopes))

    def forget(self, learned: tuple) -> None:
        """Back to what `learned()` gave: a run whose verdicts are thrown away leaves nothing it taught, nor what it
        printed (a fresh output file: the size limit of what is printed counts the next run's alone; the worker
        that printed it may still be ending, and appends to the old one)."""
        poisoned, hung, skip_init, notes, scopes = learned
        self._poisoned, self._hung, self.skip_init, self.notes, self._scopes = poisoned, hung, skip_init, notes, scopes
        self.recycle()
        os.close(self._output)
        os.unlink(self._output_path)
        self._outputs += 1
        self._output_path = self.server.home / f"{self.scratch.name}.{self._outputs}.out"
        self._output = os.open(self._output_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)

    def reusable(self) -> bool:
        """Whether the worker may serve another task: alive, every run in it a clean pass (the runner says), and
        nothing learned of the submission (no op or package ended a worker, none hung)."""
        return (self._worker is not None and not self.spoiled and not self._poisoned and not self._hung
                and not self.skip_init)

    def lend(self) -> None:
        """Let the worker serve one more task as a fresh one would: it forgets the submission's modules first (they
        are imported again: nothing a class's calls left in their globals or on their classes reaches the next), its
        printed output starts again from empty (the size limit of what a worker prints is each task's), and what it
        runs counts only where it is a clean pass."""
        os.ftruncate(self._output, 0)
        self.borrowed = self._forget_imports = True

    def run(self, scripts: list[Script]) -> list[CaseResult]:
        return list(self.stream(scripts))

    def stream(self, scripts: list[Script], ended: dict[int, CaseResult] | None = None) -> Iterator[CaseResult]:
        """One result per script, in order, each as soon as it is known, so the caller can judge one
        case while the worker runs the next. Deaths are charged to the op that was running (see the
        module docstring); a fresh worker goes on with the rest.

        `ended`: script index -> its reply in an earlier run of the same code on the same scripts (less their
        calls for diagnosis: runner._batch_phase) where the case time limit ran out on an op (`_assumed`). That op is
        not waited for again: the worker runs everything as it would, but that op, in its place, waits to be ended
        (a "wait" op), and is ended as soon as it gets there, as the limit would have ended it (the replies it
        held, the op charged, what came before it run again). Where it does not get there, nothing changes. (A hang
        in a class's first run cost the class two case time limits, one of them to learn nothing: a student's
        endless loop in ReLU.backward kept a class's batch 80 s, two limits for ReLU and two for each MLP that
        calls it.)"""
        ended = ended or {}
        pending = list(range(len(scripts)))
        reruns: dict[int, _Death] = {}  # script index -> the death its prefix rerun will carry
        # script index -> what was sent of it to a worker that ran it and died later, before it sent the reply: sent
        # again as it was (what that death teaches is for the cases after it)
        unanswered: dict[int, tuple] = {}
        finished = False
        try:
            while pending and time.monotonic() < self.deadline:  # out of budget: no respawn, no retry
                sent = [unanswered.pop(i, None) or self._prepared(scripts[i], reruns.get(i)) for i in pending]
                watch = next(((k, op) for k, i in enumerate(pending) if i in ended
                              for op in [self._assumed(ended[i], sent[k])] if op is not None), None)
                if watch is not None:  # (that op waits to be ended, and is: as the limit ends it)
                    k, op = watch
                    sent[k] = (replace(sent[k][0], ops=sent[k][0].ops[:op] + [["wait"]]), *sent[k][1:])
                retry = []
                for k, outcome in enumerate(self._request([s for s, _, _ in sent], watch)):
                    i, (_, stop_error, left_out) = pending[k], sent[k]
                    if isinstance(outcome, CaseResult):
                        death = reruns.pop(i, None)
                        if death is not None and death.again:
                            op, printed, hit_limit = death.again
                            outcome = CaseResult({}, self._death_error(scripts[i], death), printed=((op, printed),),
                                                 hit_limit=hit_limit, held=death.held)
                        elif death is not None:
                            deaths = (*death.before, death)
                            printed = outcome.printed + tuple((d.op, d.printed) for d in deaths if d.printed)
                            outcome = replace(outcome, printed=tuple(sorted(printed, key=lambda p: p[0])),
                                              hit_limit=any(d.hit_limit for d in deaths),
                                              held=any(d.held for d in deaths))
                            if not scripts[i].meta[death.op].soft:  # (a soft op's death is among the soft errors:
                                outcome = replace(outcome, error=self._death_error(scripts[i], death))  # the case
                                stop_error = None  # went on)
                        if stop_error is not None and outcome.error is None:
                            outcome = replace(outcome, error=stop_error)
                        if left_out:
                            outcome = replace(outcome, soft=outcome.soft + left_out)
                        yield outcome
                        continue
                    retry = pending[k:]  # (from the first case whose reply did not come: see _request)
                    unanswered.update((pending[p], sent[p]) for p in range(k, outcome.case))
                    i = pending[outcome.case]
                    if self._learn(scripts[i], outcome):  # the case is charged: rerun what came before the op
                        last = reruns.get(i)
                        if last is None:
                            reruns[i] = outcome
                        elif last.again is None and outcome.op > last.op and scripts[i].meta[last.op].soft:
                            # the rerun went on past the soft op left out, and a later op ended its worker: that one is
                            # charged too, and the case runs again without either
                            reruns[i] = replace(outcome, before=(*last.before, replace(last, before=())))
                        elif outcome.case == k:  # the rerun itself died: no values to keep
                            first = reruns.pop(i)
                            yield CaseResult({}, self._death_error(scripts[i], first),
                                             printed=((outcome.op, outcome.printed),), hit_limit=outcome.hit_limit,
                                             held=first.held)
                            retry = pending[k + 1:]
                        else:  # (so too after cases whose replies it never sent: it runs none of its ops then)
                            reruns[i] = replace(reruns[i], again=(outcome.op, outcome.printed, outcome.hit_limit))
                    break
                pending = retry
            finished = not pending
        finally:
            if not finished:  # the caller stopped early: replies still in flight would confuse the next request
                self.recycle()

    @property
    def _timed_out(self) -> str:
        """Why a worker that ran out of the case time limit was ended."""
        return f"did not finish within {self.limits.case_timeout:g} s"

    def _assumed(self, earlier: CaseResult, prepared: tuple) -> int | None:
        """The op an earlier run's reply (`earlier`) says the case time limit ran out on, timing that case alone (no
        reply of an earlier case held: helper-205's quick cases, held while the grader waited, made a false one), on
        an op that printed nothing, where this run makes that op (`prepared`, as `_prepared` gives the case: not
        left out, not after an op that stops the case); else None. Of soft ops that ran out of time (left out, and
        the case went on), the first this run makes."""
        if not earlier.hit_limit or earlier.held:
            return None
        sent, stop, _ = prepared  # (an op left out is a "skip" in what is sent)
        for error in sorted((e for e in (*earlier.soft, earlier.error) if e is not None), key=lambda e: e.op):
            if (error.type == "WorkerDied" and not error.earlier and not error.module
                    and error.msg == self._timed_out
                    and not any(op == error.op and data for op, data in earlier.printed)
                    and 0 <= error.op < len(sent.ops) and sent.ops[error.op][0] != "skip"
                    and (stop is None or error.op < stop.op)):
                return error.op
        return None

    def _prepared(self, script: Script, rerun: _Death | None) -> tuple[Script, StudentError | None, tuple]:
        """The script to send, without the ops that ended an earlier worker (and, for a rerun, without
        the op that ended this case's worker and everything after it); the error that stops it early; the
        errors of the soft calls left out (what a value read after one of them is missing for)."""
        skipped = {}
        if rerun is not None and rerun.again:  # its rerun ended a worker too: nothing of it runs
            return script.truncated(0), None, ()
        deaths = (*rerun.before, rerun) if rerun is not None else ()
        # the calls before an op that died returned in that very run: they run again, whatever that death taught
        exempt = [(death.op, _identities(script, death.op)) for death in deaths]
        for death in deaths:
            if script.meta[death.op].soft:  # a soft op is left out, and the case goes on after it (helper-207: a
                # Softmax.forward that hung on batches stopped the case before backward, on grader-set state, was
                # called; it lost backward's 3 points, which a forward that raised there kept)
                skipped[death.op] = self._death_error(script, death)
            else:  # (the last one: nothing after it was sent)
                script = script.truncated(death.op)
        if not self._poisoned and not skipped:  # (as a rule: no op has ended a worker)
            return script, None, ()
        for j in range(len(script.ops)):
            if j in skipped or script.ops[j][0] == "skip":
                continue
            keys = [key for key in _identities(script, j) if not any(j <= op and key in ids for op, ids in exempt)]
            error = next(filter(None, (self._poison(key, script, j) or self._hung_on(key, script, j) for key in keys)),
                         None)
            if error is None:
                continue
            if script.meta[j].soft:
                skipped[j] = replace(error, op=j, earlier=True)
                continue
            return script.truncated(j, set(skipped)), replace(error, op=j, earlier=True), tuple(skipped.values())
        return (script.truncated(len(script.ops), set(skipped)) if skipped else script), None, tuple(skipped.values())

    def _learn(self, script: Script, death: _Death) -> bool:
        """Remember what a death says about the submission; True when the case itself is charged
        (False: a package __init__.py died, and the case runs again without it)."""
        op = script.meta[death.op]
        if op.kind in ("new", "import") and death.phase:
            module = script.ops[death.op][2 if op.kind == "new" else 1]
            parts = module.split(".")
            if death.phase < len(parts) and "|" not in module:  # (alternatives: which one ran is not known)
                package = ".".join(parts[:death.phase])
                if package not in self.skip_init:
                    self.skip_init.add(package)
                    self.notes.append(f"importing {package.replace('.', '/')}/__init__.py ended the worker ("
                                      f"it {death.why}); each class was graded from its own module without it")
                    return False
            self._poisoned[("module", module)] = self._death_error(script, death)
            return True
        keys, error = _identities(script, death.op), self._death_error(script, death)
        if op.kind != "call" or death.op in script.apart:
            self._poisoned[keys[-1]] = error
            return True
        # (a call that ended a worker on a batch of one row is still made on other batches, until one ends a worker
        # too: helper-210's forward looping on batches of one had cost a correct backward every test of forward(A, Y))
        ones = call_ones(script, death.op)  # (its dimensions of 1, kept by the group below too)
        scope = common_ones(self._scopes[keys[-1]], ones) if keys[-1] in self._scopes else ones
        if keys[-1] not in self._poisoned or keys[-1] in self._scopes:
            if has_ones(scope):
                self._scopes[keys[-1]] = scope
            else:
                self._scopes.pop(keys[-1], None)
        self._poisoned[keys[-1]] = replace(error, ones=keys[-1] in self._scopes)
        method, kinds, text = keys
        # The call as written (forward(inputs + shift)) is not made again on arguments of those kinds; on any
        # arguments of those kinds, once a second call ended a worker too (one that hangs only on huge inputs keeps
        # its other tests); the method itself, once calls written two ways on arguments of two kinds did (one that
        # hangs on one-hot targets only keeps its tests of class indices, one that hangs on shifted inputs only
        # keeps the others whatever the targets; one that hangs everywhere costs two or three case time limits).
        groups = self._hung.setdefault(method, [])
        group = next((g for g in groups if alike_kinds(g.kinds, kinds[-1])), None)
        if group is None:
            group = _Hung(kinds[-1])
            groups.append(group)
        group.texts.add(text)
        group.ones = ones if group.ones is None else common_ones(group.ones, ones)
        if len(group.texts) > 1:  # (where every such death had a dimension of 1, a batch of one row say: only on
            # arguments with a 1 there, helper-210's forward looping on batches of one had cost a correct backward
            # every test that needs forward on the other batches, 91 against 98 when it raises)
            group.error = replace(error, alike=True, ones=has_ones(group.ones))
        if len(groups) > 1 and len({key[3] for g in groups for key in g.texts}) > 1:
            self._poisoned[method] = error
        return True

    def _poison(self, key: tuple, script: Script, j: int) -> StudentError | None:
        """The death that stops op `j` of `script`, of identity `key` (where it was scoped to dimensions of 1, on
        arguments with a 1 there: their dimensions are looked at only then)."""
        error = self._poisoned.get(key)
        if error is None or key not in self._scopes:
            return error
        return error if within_ones(self._scopes[key], call_ones(script, j)) else None

    def _hung_on(self, key: tuple, script: Script, j: int) -> StudentError | None:
        """For a call's identity by the kinds of its arguments: the death that stops calls on such arguments (op `j`
        of `script`; where the group's deaths all had a dimension of 1, only where its arguments have one there)."""
        if len(key) != 4 or not isinstance(key[-1], tuple):
            return None
        return next((g.error for g in self._hung.get(key[:3], ()) if g.error and alike_kinds(g.kinds, key[-1])
                     and (not g.error.ones or within_ones(g.ones, call_ones(script, j)))), None)

    def _death_error(self, script: Script, death: _Death) -> StudentError:
        op = script.meta[death.op]
        module = ""
        if op.kind in ("new", "import") and death.phase:
            module = script.ops[death.op][2 if op.kind == "new" else 1]
        return StudentError(death.op, "WorkerDied", death.why, module=module)

    def _request(self, scripts: list[Script], watch: tuple[int, int] | None = None) -> Iterator[CaseResult | _Death]:
        """Send `scripts` to the worker in one request; yield each case's result as it arrives, or
        the worker's death (then stop). `watch`: (case, op) where a "wait" op stands for an op that ran out of
        time before (`stream`): the worker is ended there as soon as it gets there."""
        worker = self._worker or self._spawn()
        if self.enclosure is not None:
            self.enclosure.settle()
        payload = _packed(scripts, sorted(self.skip_init), self._forget_imports)
        self._forget_imports = False
        wire.RECEIVED.pack_into(worker.progress, wire.PROGRESS.size, 0)
        sent = time.monotonic()
        try:
            _Blocking(worker.sock, max(0.1, min(self._start_limit, self.deadline - sent))).sendall(payload)
        except OSError:
            pass  # it died already; reading will tell how
        for index, script in enumerate(scripts):
            reply, why = self._receive(worker, min(time.monotonic() + self.limits.case_timeout, self.deadline), script,
                                       None if index else sent, watch, index)
            if reply is not None:
                result, ranges = reply
                yield replace(result, printed=self._read_printed(ranges)) if ranges else result
                continue
            case, op, phase, offset = wire.PROGRESS.unpack_from(worker.progress)
            # (how long its current case had run: where the limit timed cases whose replies it held, one that had not
            # run it out alone is `held`; the worker's word, which decides only whether a later run waits for this op
            # again: `_assumed`)
            ran = time.monotonic() - _started(worker)
            killed_by_us = why != "stopped"  # a timeout or a broken reply, named by _receive
            status = self._kill(worker, grace=0.0 if killed_by_us else GRACE)
            if not killed_by_us:
                why = describe_status(status, self.limits)
            hit_limit = killed_by_us or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXFSZ)
            size = os.fstat(self._output).st_size
            # (The worker writes replies a few at a time: the cases between this one and the one it died in ran,
            # and their replies never left it. They run again, in a fresh worker.)
            if index < case <= len(scripts) and 0 <= op < len(scripts[case - 1].ops) and phase >= 0:
                case -= 1
            else:
                case, op, phase, offset = index, 0, 0, size  # it said nothing we can trust
            offset = offset if 0 <= offset <= size else size
            held = case > index and ran < self.limits.case_timeout
            yield _Death(case, op, min(phase, 64), why, self._pread(offset, size), hit_limit, held=held)
            return

    def _read_printed(self, ranges: list[tuple[int, int, int]]) -> tuple:
        """The bytes each op printed (at most `output_keep` in all), from the ranges the worker gave."""
        found, budget = [], self.limits.output_keep
        for op, start, end in ranges:  # (the worker's numbers: _pread bounds them by the file)
            data = self._pread(start, min(end, start + budget))
            if data:
                found.append((op, data))
                budget -= len(data)
            if budget <= 0:
                break
        return tuple(found)

    def _pread(self, start: int, end: int) -> bytes:
        size = os.fstat(self._output).st_size
        start, end = min(max(0, start), size), min(end, size)  # offsets come from the worker: never trusted
        end = min(end, start + self.limits.output_keep)
        return os.pread(self._output, end - start, start) if end > start else b""

    def _spawn(self) -> _Worker:
        progress = progress_page()
        try:
            page = mmap.mmap(progress, wire.PAGE)
            # The worker appends to its output and cannot read it back (what earlier workers printed, say).
            output = os.open(self._output_path, os.O_WRONLY | os.O_APPEND)
            try:
                if self.enclosure is not None:
                    pid, sock = None, self.enclosure.fork(output, progress)
                else:
                    pid, sock = self.server.spawn(self.root, self.scratch, self.limits, output, progress)
            finally:
                os.close(output)
        finally:
            os.close(progress)
        self._worker = _Worker(pid, sock, page)
        return self._worker

    def _receive(self, worker: _Worker, deadline: float, script: Script, sent: float | None = None,
                 watch: tuple[int, int] | None = None, index: int = 0):
        """One case reply (result, printed ranges), or None and the reason the worker is to be killed. `sent`: when
        the request was written, for its first case, whose time starts when the worker had read the request."""
        extended, given = False, deadline  # (the deadline moved once to time a case after held replies: _held_deadline)
        while True:
            try:
                reply = _take_message(worker.inbox, len(script.ops), script.labels)
            except Malformed as exc:
                return None, f"broke the grading protocol ({exc})"
            if reply is not None:
                return reply, ""
            now = time.monotonic()
            if deadline <= now and sent is not None and now < self.deadline:
                deadline, sent = self._first_deadline(worker, sent, now)
            remaining = deadline - now
            if remaining <= 0 and not extended and deadline < self.deadline:
                extended = True
                deadline = self._held_deadline(worker, index, deadline, given)
                remaining = deadline - now
            if remaining <= 0:
                if deadline >= self.deadline:
                    return None, (f"was stopped: the submission's {self.limits.submission_timeout:g} s for all "
                                  "tests ran out")
                return None, self._timed_out
            if watch is not None:  # (the page says where it is: at the "wait" op, it is ended, as the limit ends it)
                if wire.PROGRESS.unpack_from(worker.progress)[:2] == (watch[0] + 1, watch[1]):
                    return None, self._timed_out
                remaining = min(remaining, WATCH_POLL)
            worker.sock.settimeout(remaining)
            try:
                data = worker.sock.recv(1 << 20)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            if not data:
                return None, "stopped"
            worker.inbox += data

    def _held_deadline(self, worker: _Worker, index: int, deadline: float, given: float) -> float:
        """The deadline of the reply of case `index` once it has passed while the worker is on a later case: that
        reply is held with the next ones (`_Outbox`), and the limit timed them and the case running now together
        (helper-205: quick cases held until their eighth had run 1 s in all, a correct Linear.backward of 70 ms
        charged as not finishing within 1 s). The case running now gets the case time limit from when it began,
        by the worker's word on the progress page, and at most one case time limit past the deadline it was `given`
        (a forged word buys that much once, whatever the first case's word on when it read the request bought:
        helper-206); the deadline as it was otherwise."""
        case = wire.PROGRESS.unpack_from(worker.progress)[0]
        if case <= index + 1:
            return deadline
        return max(deadline, min(_started(worker) + self.limits.case_timeout, given + self.limits.case_timeout, self.deadline))

    def _first_deadline(self, worker: _Worker, sent: float, now: float) -> tuple[float, float | None]:
        """(deadline, sent) of a request's first case once its usual deadline has passed: case_timeout after the
        worker had read the request, by its word on the progress page (never before `sent`, nor later than
        `_start_limit` after it: a forged word buys at most that); until it has read it, another look in a moment."""
        received = wire.RECEIVED.unpack_from(worker.progress, wire.PROGRESS.size)[0] / 1e9
        if received <= 0:
            if now < sent + self._start_limit:
                return min(now + START_POLL, self.deadline), sent
            return now, None
        started = min(max(received, sent), sent + self._start_limit)
        return min(started + self.limits.case_timeout, self.deadline), None

    @property
    def _start_limit(self) -> float:
        return min(self.limits.case_timeout, START_LIMIT)

    def _kill(self, worker: _Worker, grace: float = 0.0) -> int:
        """Kill the worker's process group (after `grace` seconds to exit by itself); its wait status."""
        if self.enclosure is not None:
            status = self.enclosure.end(grace)
        else:
            if grace:
                wait_exit(worker.pid, grace)
            status = self.server.reap(worker.pid)
        worker.sock.close()
        worker.progress.close()
        self._worker = None
        self.spoiled = True
        return status

    def warm(self) -> None:
        """Start the next worker now, so that it sets itself up (namespaces, private root, limits) while
        the grading process builds the inputs it will send."""
        if self._worker is None and time.monotonic() < self.deadline:
            self._spawn()

    def recycle(self) -> None:
        """End the current worker; the next run starts from a fresh fork."""
        worker, self._worker = self._worker, None
        self.borrowed = self._forget_imports = False
        if worker is not None:
            if self.enclosure is None:
                self.server.end(worker.pid)  # its status says nothing now: do not wait for it
            # (an enclosure's worker ends when its channel closes, if it is idle; the enclosure's next fork
            # or its end kills it in any case)
            worker.sock.close()
            worker.progress.close()

    def release(self) -> None:
        """Close this process's copies of the worker's channel and page and of the output file, and nothing else: as
        `Enclosure.release`, for a sandbox another process grades with (and ends)."""
        if self._worker is not None:
            self._worker.sock.close()
            self._worker.progress.close()
        os.close(self._output)

    def close(self) -> None:
        self.recycle()
        os.close(self._output)
        os.unlink(self._output_path)
        remove_tree(self.scratch)


_IMPORTED = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w., \t]+))", re.M)
PRELOADS = 16  # at most


def preloads(root: Path, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The modules of allowed packages besides numpy (scipy.special, ...) that the submission's files import, as
    an enclosure imports them once for all its workers (each worker of a submission that imports scipy took a
    tenth of a second more than the whole rest of its work). Read from the text of its files, never run; none
    that one of its own files or folders, anywhere in it, may stand for (its code may put that folder on sys.path)."""
    found: dict[str, None] = {}
    try:
        found_paths = list(root.rglob("*"))
        files = sorted(path for path in found_paths if path.suffix == ".py")[:200]
        own = {path.name for path in found_paths}  # (anywhere: code may put any of its folders on sys.path)
        for path in files:
            for named, listed in _IMPORTED.findall(path.read_text(errors="replace")[:1 << 20]):
                for name in [named] if named else [part.split()[0] for part in listed.split(",") if part.split()]:
                    top = name.split(".")[0]
                    if (top in allowed and top != "numpy" and {top, f"{top}.py"}.isdisjoint(own)
                            and all(part.isidentifier() for part in name.split("."))):
                        found[name] = None
    except OSError:
        return ()
    return tuple(found)[:PRELOADS]


@record
class _Hung:
    """Calls of one method on arguments of some kinds (`argument_kinds`) that ended a worker: their texts, and the death
    that stops every call on such arguments once there are two."""
    kinds: tuple
    texts: set = field(default_factory=set)
    error: StudentError | None = None
    ones: tuple | None = None  # the dimensions of 1 every such death's arguments had (`argument_ones`)


def _identities(script: Script, j: int) -> list[tuple]:
    """What makes two ops the same for poisoning: the module imported, the class built, the method called (and the
    kinds of its arguments, and the call as shown). The ops kept apart (`Script.apart`) are all one, and like no other:
    the first of them that ends a worker stops them all on later inputs, and nothing else."""
    return [("apart",)] if j in script.apart else _keys(script, j)


def _keys(script: Script, j: int) -> list[tuple]:
    op, raw = script.meta[j], script.ops[j]
    if raw[0] == "skip":  # (an op left out of what was sent: lean scripts', runner._batch_phase)
        return [("skip", op.kind, op.cls, op.name)]
    if op.kind == "call":  # the method, the kinds of its arguments, the call as shown (its arguments' names) on
        kinds = argument_kinds(script, raw[3])  # arguments of those kinds (an input's fields have one name in every input)
        return [("call", op.cls, op.name), ("call", op.cls, op.name, kinds), ("call", op.cls, op.name, op.text, kinds)]
    if op.kind == "new":
        return [("module", raw[2]), ("new", op.cls)]
    if op.kind == "import":
        return [("module", raw[1])]
    return [(op.kind, op.cls, op.name)]


def _started(worker: _Worker) -> float:
    """When the worker began the case it is on (time.monotonic), by its word on the progress page."""
    return wire.STARTED.unpack_from(worker.progress, wire.PROGRESS.size + wire.RECEIVED.size)[0] / 1e9


def argument_kinds(script: Script, args) -> tuple:
    """The kinds of a call's arguments: each array's dtype kind and number of dimensions (class indices (N,) are not
    one-hot rows (N, C)); None for an object the worker keeps (it may hold either) or a plain value."""
    kinds = []
    for arg in args:
        if isinstance(arg, dict) and "a" in arg:
            arr = script.arrays[arg["a"]]
            kinds.append(f"{arr.dtype.kind}{arr.ndim}")
        else:
            kinds.append(None)
    return tuple(kinds)


def call_ones(script: Script, j: int) -> tuple:
    """`argument_ones` of call op `j`; for a call given no array (a loss's `backward()`), of the arrays its object was
    last given in a call (the loss's `forward(A, Y)`): the batch of one row a `backward()` hangs on is forward's
    (helper-220: one looping on batches of one was not called again on any batch, 95 against 98 when it raises)."""
    op = script.ops[j]
    if op[0] != "call":
        return ()
    if any(map(_is_array, op[3])):
        return argument_ones(script, op[3])
    for k in range(j - 1, -1, -1):
        given = script.ops[k]
        if given[0] == "call" and given[1] == op[1] and any(map(_is_array, given[3])):
            return argument_ones(script, given[3])
    return argument_ones(script, op[3])


def _is_array(arg) -> bool:
    """Whether a call's argument is one of the script's arrays ({"a": i})."""
    return isinstance(arg, dict) and "a" in arg


def argument_ones(script: Script, args) -> tuple:
    """For each of a call's arguments: which of an array's dimensions are 1 (a batch of one row, one class); None
    for anything else."""
    return tuple(tuple(d == 1 for d in script.arrays[arg["a"]].shape) if _is_array(arg) else None for arg in args)


def common_ones(a: tuple, b: tuple) -> tuple:
    """The dimensions of 1 that two calls' arguments share (`argument_ones`)."""
    if len(a) != len(b):
        return ()
    return tuple(tuple(x and y for x, y in zip(p, q)) if p is not None and q is not None and len(p) == len(q)
                 else None for p, q in zip(a, b))


def has_ones(ones: tuple | None) -> bool:
    return bool(ones) and any(p is not None and any(p) for p in ones)


def within_ones(scope: tuple, ones: tuple) -> bool:
    """Whether a call's arguments (`ones`) have a 1 at every dimension `scope` has one."""
    return len(scope) == len(ones) and all(
        p is None or not any(p) or (q is not None and len(q) == len(p) and all(y or not x for x, y in zip(p, q)))
        for p, q in zip(scope, ones))


def alike_kinds(a: tuple, b: tuple) -> bool:
    """Argument kinds that may be the same (None: any kind)."""
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def progress_page() -> int:
    """A memory file of one progress page, sealed at that size: a worker keeps a descriptor of it (its mapping's),
    and one that shrank it would kill whoever maps it (a grading process, an enclosure) with SIGBUS at its next
    read (helper-80: the grading process died, and its results were lost)."""
    fd = os.memfd_create("progress", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        os.ftruncate(fd, wire.PAGE)
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
    except BaseException:
        os.close(fd)
        raise
    return fd


class _Blocking:
    """sendall with a deadline, so a worker that never reads cannot hang the grader."""

    def __init__(self, sock: socket.socket, timeout: float):
        self.sock, self.timeout = sock, timeout

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(self.timeout)
        self.sock.sendall(data)


def _take_message(inbox: bytearray, ops: int, labels=None):
    """Cut one complete message (header frame + its blobs) off the front of `inbox`, or None while it is
    incomplete. Only frame lengths are read until the whole message is in, so a reply that arrives in
    many pieces is copied once. Raises `Malformed` for anything over the bounds. In a batch (`KEPT`), a reply
    of the same bytes as one decoded before is that one's result, found before its header is parsed."""
    if len(inbox) < 4:
        return None
    (head,) = struct.unpack_from(">I", inbox, 0)
    if head > MAX_HEADER:
        raise Malformed(f"a header of {head} bytes (at most {MAX_HEADER})")
    if len(inbox) < 4 + head:
        return None
    memo, header = KEPT, None
    # The blob count a worker writes last in its header (worker.send_message): a kept reply's bytes are those of
    # one whose parsed header said the same count (see below), so what they hold is known without parsing it.
    tail = _COUNT.search(inbox, max(4, 4 + head - 18), 4 + head) if memo is not None else None
    if tail is not None:
        nblobs = int(tail[1])
    else:
        try:
            header = json.loads(bytes(inbox[4:4 + head]))
            nblobs = header["nblobs"]
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise Malformed(f"unreadable header: {type(exc).__name__}") from None
    if type(nblobs) is not int or not 0 <= nblobs <= MAX_BLOBS:
        raise Malformed("a bad blob count")
    spans, pos = [], 4 + head
    for _ in range(nblobs):
        if len(inbox) < pos + 4:
            return None
        (size,) = struct.unpack_from(">I", inbox, pos)
        spans.append((pos + 4, pos + 4 + size))
        pos += 4 + size
        if pos > MAX_MESSAGE:
            raise Malformed(f"a reply of more than {MAX_MESSAGE // (1 << 20)} MiB")
    if len(inbox) < pos:
        return None
    if memo is not None:
        key = (bytes(inbox[:pos]), ops, None if labels is None else tuple(labels))
        kept = memo.replies.get(key)
        if kept is not None:
            del inbox[:pos]
            return kept
    text = bytes(inbox[4:4 + head]) if header is None else b""
    blobs = [bytes(inbox[start:end]) for start, end in spans]
    del inbox[:pos]
    if header is None:
        try:
            header = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise Malformed(f"unreadable header: {type(exc).__name__}") from None
        if not isinstance(header, dict) or header.get("nblobs") != nblobs or type(header["nblobs"]) is not int:
            raise Malformed("a blob count that is not the header's")  # (a forged header: no honest worker's)
    try:
        reply = decode(header, blobs, ops, labels)
    except Malformed:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a forged reply makes decoding raise is the worker's fault
        raise Malformed(f"an unreadable reply ({type(exc).__name__})") from None
    if memo is not None and not reply[1]:  # (what a reply printed is read from the output file: not kept)
        memo.keep(key, reply)
    return reply


# How an honest worker's header ends (json.dumps of a dict whose last key is "nblobs"; MAX_BLOBS has 4 digits).
_COUNT = re.compile(rb', "nblobs": (0|[1-9][0-9]{0,3})\}\Z')


class Kept:
    """Replies decoded once and handed out again, the same object, for every reply of the same bytes to a script of
    the same ops and labels (a class's submissions mostly compute the same numbers, to the bit): a batch's grading
    processes keep them (`KEPT`), so that the runner judges an input's reply once per process (`kept`). At most
    MOST bytes of replies are kept: the first ones seen, which the most common answers are among."""

    MOST = 64 << 20

    def __init__(self):
        self.replies: dict[tuple, tuple] = {}
        self.ids: set[int] = set()  # of the CaseResults kept (alive as long as this is)
        self.size = 0
        # The requests sent, by the scripts they hold (kept alive here, so that their ids name them): each entry of a
        # batch is sent the same scripts, built once (runner.SCRIPTS), and so the same bytes. At most MOST bytes.
        self.requests: dict[tuple, tuple[tuple, bytes]] = {}
        self.requests_size = 0
        self.cases = False  # whether the fork server keeps the scripts' cases decoded (script.keep)

    def keep(self, key: tuple, reply: tuple) -> None:
        size = len(key[0]) + sum(v.nbytes for v in reply[0].values.values() if isinstance(v, np.ndarray))
        if self.size + size <= self.MOST:
            self.replies[key] = reply
            self.ids.add(id(reply[0]))
            self.size += size

    def kept(self, result: CaseResult) -> bool:
        return id(result) in self.ids


KEPT: Kept | None = None  # (set in a batch's grading processes)


def _packed(scripts: list[Script], skip_init: list[str], forget: bool) -> bytes:
    """`pack(...)`; in a batch, the bytes made for the same scripts before (`Kept.requests`)."""
    memo = KEPT
    if memo is None:
        return pack(scripts, skip_init, forget)
    key = (tuple(map(id, scripts)), tuple(skip_init), forget)
    known = memo.requests.get(key)
    if known is not None and all(map(operator.is_, known[0], scripts)):
        return known[1]
    payload = pack(scripts, skip_init, forget, memo.cases)
    if known is None and memo.requests_size + len(payload) <= Kept.MOST:
        memo.requests[key] = (tuple(scripts), payload)
        memo.requests_size += len(payload)
    return payload
