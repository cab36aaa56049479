"""The fork server: one pre-warmed process that forks workers on request.

It is started with ``python -I -S -B`` (no site-packages, no user paths, no
bytecode writes) and imports numpy once, so a worker costs a fork, not an
interpreter start. This module imports no numpy itself, so the grading process
can start the fork server before its own heavy imports and both load at once.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from . import worker as wire
from .limits import MiB, Limits

SOURCE = Path(wire.__file__).read_text()


class SandboxError(Exception):
    """The sandbox itself could not run (not the student's fault)."""


class ForkServer:
    """One pre-warmed process that forks workers on request."""

    def __init__(self):
        self.home = Path(tempfile.mkdtemp(prefix="autograder-"))
        pkgdir = self.home / "packages"
        pkgdir.mkdir()
        numpy_dir = importlib.util.find_spec("numpy").submodule_search_locations[0]
        (pkgdir / "numpy").symlink_to(numpy_dir, target_is_directory=True)
        ours, theirs = socket.socketpair()
        self._log = open(self.home / "zygote.log", "w+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-B", "-c", SOURCE, str(theirs.fileno()), str(pkgdir)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
            start_new_session=True, close_fds=True,
        )
        theirs.close()
        self.control = ours
        self._ready = False

    def _reply(self) -> dict:
        try:
            return json.loads(wire.recv_frame(self.control))
        except (wire.ChannelClosed, OSError, ValueError) as exc:
            self._log.seek(0)
            detail = self._log.read().decode(errors="replace").strip().splitlines()[-1:]
            raise SandboxError(f"the sandbox's fork server stopped ({exc}) {' '.join(detail)}") from None

    def spawn(self, root: Path, scratch: Path, limits: Limits, output: int) -> tuple[int, socket.socket]:
        """A new worker whose stdout and stderr append to the file `output`: (pid, channel)."""
        if not self._ready:
            self._reply()
            self._ready = True
        ours, theirs = socket.socketpair()
        request = {"op": "spawn", "root": str(root), "scratch": str(scratch), "limits": limits.rlimits()}
        socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno(), output])
        theirs.close()
        return self._reply()["pid"], ours

    def reap(self, pid: int) -> int:
        """Kill a worker's process group and return its wait status."""
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        socket.send_fds(self.control, [json.dumps({"op": "wait", "pid": pid}).encode()], [])
        return self._reply()["status"]

    def close(self) -> None:
        if self.control.fileno() == -1:
            return
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def describe_status(status: int, limits: Limits) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        known = {
            signal.SIGSEGV: "a segmentation fault",
            signal.SIGXCPU: f"using more than {limits.cpu_seconds} s of CPU time",
            signal.SIGXFSZ: f"printing or writing more than {limits.file_bytes // MiB} MiB",
            signal.SIGABRT: "an abort",
            signal.SIGBUS: "a bus error",
        }
        return f"was killed by {signal.Signals(sig).name} ({known.get(sig, 'a signal')})"
    return f"exited with code {os.WEXITSTATUS(status)}"


_SHARED: ForkServer | None = None


def shared() -> ForkServer:
    """The process's fork server, started on first use."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ForkServer()
        atexit.register(_SHARED.close)
    return _SHARED
