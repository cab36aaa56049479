"""The fork server: one pre-warmed process that forks workers on request.

It is started with ``python -I -S -B`` (no site-packages, no user paths, no
bytecode writes), runs worker.py's code and imports numpy once, so a worker costs a fork, not an
interpreter start. This module imports no numpy itself, so the grading process
can start the fork server before its own heavy imports and both load at once; its process is
started earlier still, first thing in `python -m autograder grade`, by boot.py (`ForkServer` takes
it over, and names the packages folder it imports numpy from).
"""
from __future__ import annotations

import atexit
import fcntl
import glob
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from . import boot
from . import worker as wire
from .cgroups import Cgroups
from .limits import ConfigError, Limits, MiB, allowed_imports

# The devices a worker may read: never all of /dev (a raw disk holds every file, solutions included).
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")
KEEPER_GRACE = 2.0  # seconds a keeper gets to kill its worker and exit (it takes milliseconds)

class SandboxError(Exception):
    """The sandbox itself could not run (not the student's fault)."""


CHANNEL_BUFFER = 4 << 20  # bytes either end of a worker's channel may have on their way: a request holds megabytes


def channel() -> tuple[socket.socket, socket.socket]:
    """(ours, the worker's): a connected pair whose buffers hold a whole request, so that the grading process writes
    it in a few steps, not in hundreds of 200 KB ones that each wait for the worker to read the one before."""
    ours, theirs = socket.socketpair()
    for end in (ours, theirs):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHANNEL_BUFFER)
    return ours, theirs


def _package_folders() -> set[str]:
    """The folders installed packages live in (this environment's and its base interpreter's site-packages, and
    Debian's dist-packages), and the wheels of pip and setuptools ensurepip keeps, which lie inside the standard
    library's folder or /usr/lib."""
    found = set()
    for base in (sys.prefix, sys.base_prefix):
        places = sysconfig.get_paths(vars={"base": base, "platbase": base})
        found.update((places["purelib"], places["platlib"]))
        for lib in (places["stdlib"], places["platstdlib"]):
            found.update(os.path.join(lib, name) for name in ("site-packages", "dist-packages", "ensurepip/_bundled"))
    found.update(glob.glob("/usr/lib/python3*/dist-packages") + glob.glob("/usr/lib/python3*/site-packages"))
    return found | {os.path.realpath(path) for path in found}


class ForkServer:
    """One pre-warmed process that forks workers on request."""

    def __init__(self, allowed: tuple[str, ...] | None = None):
        self.allowed = allowed if allowed is not None else allowed_imports()
        places = {name: installed(name) for name in self.allowed}  # before any file is made: may raise
        self.home = Path(tempfile.mkdtemp(prefix="autograder-"))
        pkgdir = self.home / "packages"
        pkgdir.mkdir()
        # The allowed packages are the only ones a worker finds: each is linked into a folder of its own.
        for name, place in places.items():
            (pkgdir / Path(place).name).symlink_to(place, target_is_directory=Path(place).is_dir())
        launched = boot.take()  # (started first thing by `python -m autograder grade`: boot.early)
        self.proc, self.control, self._log = launched.proc, launched.control, launched.log
        try:  # its first message: where the packages are, which it imports numpy from
            wire.send_frame(self.control, json.dumps({"packages": str(pkgdir)}).encode())
        except OSError:
            pass  # it stopped already: its first reply says so (SandboxError)
        # What a worker may read (Landlock, where the kernel has it); it may write only its scratch.
        paths = sysconfig.get_paths()
        libs = {f"{place}.libs" for place in places.values()}  # the shared libraries wheels ship beside a package
        self.readable = sorted({paths["stdlib"], paths["platstdlib"], *places.values(), *libs, str(pkgdir),
                                "/usr/lib", "/usr/lib64", "/lib", "/lib64", *DEVICES})  # not /proc: other processes' memory
        # Where installed packages live inside those: a worker's private root shows them empty, but for the allowed
        # packages' own folders (a submission that puts one on sys.path finds no sympy, no hypothesis, no torch).
        self.hidden = sorted(_package_folders())
        self._ready = False
        self.isolation: dict[str, bool] = {}  # what confinement workers get here, from the fork server's probe
        # Grading processes forked from this one share the control channel: one request-reply at a time.
        # (lockf locks belong to a process, so they hold between forked processes, unlike flock's.)
        self._lock = open(self.home / "control.lock", "w")
        self.cgroups = Cgroups.make()  # None where this machine lets us make none

    def wait_ready(self) -> None:
        """Block until the fork server has imported numpy (call before forking grading processes)."""
        if not self._ready:
            self.isolation = self._reply().get("isolation", {})
            self.isolation["process and memory caps (cgroups)"] = bool(self.cgroups and {"pids", "memory"} <= self.cgroups.capped)
            self._ready = True

    def _ask(self, request: dict, fds: list[int]) -> dict:
        """Send a request and return its reply. The grading processes share the channel, one request at a time; one
        that dies between its request and the reply leaves the reply unread: each request has an id of its own, and
        a reply with another id is passed over (else every later request would read the reply to the one before)."""
        self.wait_ready()
        ask = os.urandom(8).hex()
        fcntl.lockf(self._lock, fcntl.LOCK_EX)
        try:
            wire.send_request(self.control, dict(request, id=ask), fds)
            while True:
                reply = self._reply()
                if reply.get("id") == ask:
                    return reply
        finally:
            fcntl.lockf(self._lock, fcntl.LOCK_UN)

    def _reply(self) -> dict:
        try:
            reply = json.loads(wire.recv_frame(self.control))
            if not isinstance(reply, dict):
                raise ValueError("not an object")
            return reply
        except (wire.ChannelClosed, OSError, ValueError) as exc:
            self._log.seek(0)
            detail = self._log.read().decode(errors="replace").strip().splitlines()[-1:]
            raise SandboxError(f"the sandbox's fork server stopped ({exc}) {' '.join(detail)}") from None

    def spawn(self, root: Path, scratch: Path, limits: Limits, output: int, progress: int,
              enclosure: bool = False, preload: tuple[str, ...] = ()) -> tuple[int, socket.socket]:
        """A new worker whose stdout and stderr append to the file `output` and which publishes what it
        is doing in the shared memory file `progress`: (pid, channel). With `enclosure` (where workers get
        PID namespaces), an enclosure instead: the worker's confinement, which forks workers (pool.Enclosure),
        having imported the modules of allowed packages named in `preload` (its workers then find them imported)."""
        ours, theirs = channel()
        request = {"op": "spawn", "root": str(root), "scratch": str(scratch), "limits": limits.rlimits(),
                   "readable": self.readable, "hidden": self.hidden,
                   "scratch_limits": [limits.scratch_bytes, limits.scratch_files],
                   "cgroups": self.cgroups.spec(limits.memory_bytes) if self.cgroups else [],
                   "enclosure": enclosure, "preload": list(preload)}
        if self.cgroups:
            self.cgroups.sweep()  # the groups of workers gone since
        try:
            answer = self._ask(request, [theirs.fileno(), output, progress])
        finally:
            theirs.close()
        if "pid" not in answer:
            ours.close()
            raise OSError(answer.get("error", "the fork server started no worker"))
        return answer["pid"], ours

    def keep(self, payload: bytes) -> int:
        """Have the fork server keep the cases of `payload` (`script.pack`'s bytes) decoded, for every worker forked
        from now on, whose requests then name them by their index (`worker._keep`); how many it kept (0: none)."""
        fd = os.memfd_create("kept", os.MFD_CLOEXEC)
        try:
            with open(fd, "wb", closefd=False) as file:
                file.write(payload)
            os.lseek(fd, 0, os.SEEK_SET)
            return int(self._ask({"op": "keep"}, [fd]).get("kept", 0))
        finally:
            os.close(fd)

    def end(self, pid: int) -> None:
        """Kill a worker whose status nobody needs, without waiting for it to be gone (the fork server
        reaps it later)."""
        self._kill(pid, wait=0.0)
        self._ask({"op": "abandon", "pid": pid}, [])

    def reap(self, pid: int) -> int:
        """Kill a worker and return its wait status."""
        self._kill(pid, wait=KEEPER_GRACE)
        return self._ask({"op": "wait", "pid": pid}, [])["status"]

    def _kill(self, pid: int, wait: float) -> None:
        """Isolated, `pid` is the worker's keeper (trusted): SIGTERM makes it kill the worker, the namespace's
        init, and so everything in the namespace. With `wait`, give it that long, then kill the process group
        too (a SIGKILL sent at once could end the keeper before it acts). Not isolated: the process group.
        With control groups, the worker's group is killed too (after `wait`: the keeper's status is its worker's)."""
        isolated = self.isolation.get("pid and network namespaces")
        if isolated:
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            if wait:
                wait_exit(pid, wait)
        if self.cgroups:
            self.cgroups.kill(pid)  # whatever it started, under any session, process group or uid
        if isolated and not wait:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        if self.control.fileno() == -1:
            return
        self.control.close()
        self.proc.kill()  # it holds no state, and a graceful exit would tear numpy down first: just end it
        self.proc.wait()  # (a few ms; not waiting left it a zombie for a PID 1 that may never reap it, helper-108)
        self._log.close()
        self._lock.close()
        if self.cgroups:
            self.cgroups.close()
        remove_tree(self.home)


def wait_exit(pid: int, seconds: float) -> None:
    """Wait up to `seconds` for process `pid` to exit (it is the fork server's child, not ours)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return
    try:
        select.select([fd], [], [], seconds)
    finally:
        os.close(fd)


def remove_tree(path: Path) -> None:
    """Delete what a worker left, however deep: shutil.rmtree recurses once per level (a chain of
    thousands of directories raises RecursionError), so what it leaves goes to `rm -rf`, which walks
    any depth. Never raises: clean-up must not cost a submission its results."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except RecursionError:
        pass
    if os.path.lexists(path):
        try:
            subprocess.run(["rm", "-rf", "--", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=600, check=False)
        except (OSError, subprocess.SubprocessError):
            pass


def installed(name: str) -> str:
    """Where package (or module) `name` is installed for this Python; ConfigError if it is not."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not (spec.submodule_search_locations or spec.origin):
        raise ConfigError(f"submissions may import {name!r} (setup.cfg, [autograder] allowed_imports), but it is "
                          f"not installed for {sys.executable}: install the grader with its dependencies "
                          "(make grade does it in .venv), or add the package to install_requires")
    return str(Path(spec.submodule_search_locations[0] if spec.submodule_search_locations else spec.origin))


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
        try:
            name = signal.Signals(sig).name
        except ValueError:  # a real-time signal has no name
            name = f"signal {sig}"
        return f"was killed by {name} ({known.get(sig, 'a signal')})"
    code = os.WEXITSTATUS(status)
    if code == 0:  # (a worker never exits by itself while it has cases: code run in it ended it, helper-116)
        return "exited with code 0 (code run in the worker ended it: os._exit(0), or an exception from a signal handler)"
    return f"exited with code {code}"


_SHARED: ForkServer | None = None


def start() -> None:
    """Start the process's fork server now, if it can be; a failure is reported by the first shared()."""
    try:
        shared()
    except Exception:  # noqa: BLE001 - said again, as one line, when grading asks for it
        pass


def shared() -> ForkServer:
    """The process's fork server, started on first use."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ForkServer()
        atexit.register(_SHARED.close)
    return _SHARED
