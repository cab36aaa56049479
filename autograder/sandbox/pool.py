"""The grading process's side of a submission's workers.

`Sandbox` grades one submission: it asks the fork server for a worker, sends it
scripts, reads the replies under a deadline, and kills the worker's whole
process group when it misbehaves or when grading ends. A dead worker fails the
run it was on; the next run gets a fresh one. What the student's code prints
goes to an append-only file, capped in size by the worker's RLIMIT_FSIZE.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import worker as wire
from .limits import Limits
from .script import CaseResult, Malformed, Script, StudentError, decode, pack
from .server import ForkServer, describe_status


@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    inbox: bytearray = field(default_factory=bytearray)


class Sandbox:
    """Runs scripts for one submission in disposable worker processes."""

    def __init__(self, server: ForkServer, root: Path, limits: Limits = Limits()):
        self.server, self.root, self.limits = server, root, limits
        self.scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=server.home))
        self._output = os.open(server.home / f"{self.scratch.name}.out", os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._worker: _Worker | None = None

    def run(self, scripts: list[Script]) -> list[CaseResult]:
        return list(self.stream(scripts))

    def stream(self, scripts: list[Script]) -> Iterator[CaseResult]:
        """One result per script, in order, each as soon as the worker sends it, so the caller can
        judge one case while the worker runs the next. If the worker dies, the case it was on says
        how and the rest come back `not_run`; the next call gets a fresh worker."""
        worker = self._worker or self._spawn()
        mark = os.fstat(self._output).st_size
        header, blobs = pack(scripts)
        finished = False
        try:
            wire.send_message(_Blocking(worker.sock), header, blobs)
        except OSError:
            pass  # it died already; reading will tell how
        try:
            for done in range(len(scripts)):
                reply, why = self._receive(worker, time.monotonic() + self.limits.case_timeout)
                printed, mark = self._printed(mark)
                if reply is not None:
                    yield replace(reply, printed=printed)
                    continue
                killed_by_us = why != "stopped"  # a timeout or a broken reply, named by _receive
                status = self._kill(worker)
                if not killed_by_us:
                    why = describe_status(status, self.limits)
                hit_limit = killed_by_us or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXFSZ)
                yield CaseResult({}, StudentError("", "WorkerDied", why), printed, hit_limit)
                not_run = CaseResult({}, StudentError("", "NotRun", "not run"))
                yield from [not_run] * (len(scripts) - done - 1)
                break
            finished = True
        finally:
            if not finished:  # the caller stopped early: replies still in flight would confuse the next request
                self.recycle()

    def _printed(self, mark: int) -> tuple[bytes, int]:
        """What was printed since `mark` (at most `output_keep` bytes of it), and the new mark."""
        size = os.fstat(self._output).st_size
        if size <= mark:
            return b"", mark
        return os.pread(self._output, min(self.limits.output_keep, size - mark), mark), size

    def _spawn(self) -> _Worker:
        pid, sock = self.server.spawn(self.root, self.scratch, self.limits, self._output)
        self._worker = _Worker(pid, sock)
        return self._worker

    def _receive(self, worker: _Worker, deadline: float) -> tuple[CaseResult | None, str]:
        """One case reply, or the reason the worker is to be killed."""
        while True:
            try:
                reply = _take_message(worker.inbox)
            except Malformed as exc:
                return None, f"broke the grading protocol ({exc})"
            if reply is not None:
                return reply, ""
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, f"timed out after {self.limits.case_timeout:g} s"
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

    def _kill(self, worker: _Worker) -> int:
        """Kill the worker's process group; its wait status."""
        status = self.server.reap(worker.pid)
        worker.sock.close()
        self._worker = None
        return status

    def recycle(self) -> None:
        """End the current worker; the next run starts from a fresh fork."""
        if self._worker is not None:
            self._kill(self._worker)

    def close(self) -> None:
        self.recycle()
        os.close(self._output)
        os.unlink(self.server.home / f"{self.scratch.name}.out")
        shutil.rmtree(self.scratch, ignore_errors=True)


class _Blocking:
    """sendall with a deadline, so a worker that never reads cannot hang the grader."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(30)
        self.sock.sendall(data)


def _take_message(inbox: bytearray) -> CaseResult | None:
    """Cut one complete message (header frame + its blobs) off the front of `inbox`."""
    frames, pos = [], 0
    needed = 1
    while len(frames) < needed:
        if len(inbox) < pos + 4:
            return None
        (size,) = struct.unpack(">I", inbox[pos:pos + 4])
        if size > wire.MAX_FRAME:
            raise Malformed(f"a frame of {size} bytes")
        if len(inbox) < pos + 4 + size:
            return None
        frames.append(bytes(inbox[pos + 4:pos + 4 + size]))
        pos += 4 + size
        if len(frames) == 1:
            try:
                header = json.loads(frames[0])
                needed = 1 + int(header["nblobs"])
            except (ValueError, KeyError, TypeError) as exc:
                raise Malformed(f"unreadable header: {type(exc).__name__}") from None
            if not 0 <= needed <= 1024:
                raise Malformed("too many blobs")
    del inbox[:pos]
    return decode(header, frames[1:])
