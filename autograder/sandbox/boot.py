"""Starting the fork server's process, as early as a command can.

The fork server (server.py) spends most of its start-up importing numpy, and the command
that needs it spends its own importing the grader. `Launched` starts the process with nothing
but what Python itself has loaded by then (os, sys; socket and subprocess are imported here),
so that `python -m autograder grade` can start it first thing (`early`): its interpreter and
its own imports run while the command still loads. The process then waits for its first
message, the folder of the packages its workers may import (`server.ForkServer`, which takes
the early process over: `take`), before it imports numpy from there.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile

# The fork server runs worker.py's code as its main module, without the grader's package on its path:
# loaded from its file, and so from the bytecode Python keeps for it (`-c SOURCE` compiled it every time).
BOOT = ("import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('__main__', sys.argv[1])\n"
        "worker = sys.modules['__main__'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(worker)\n"
        "worker.zygote(int(sys.argv[2]))\n")
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


class Launched:
    """A started fork server process: its control channel and its log (an unnamed file: what it printed, read
    to explain why it stopped)."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        self.log = tempfile.TemporaryFile("w+b")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-B", "-c", BOOT, WORKER, str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
                start_new_session=True, close_fds=True,
            )
        except BaseException:
            ours.close()
            self.log.close()
            raise
        finally:
            theirs.close()
        self.control = ours


_EARLY: list[Launched] = []


def early() -> None:
    """Start the fork server's process now, for the first `take` of this process; a failure is left for that
    `take` to meet again (and report)."""
    try:
        _EARLY.append(Launched())
    except Exception:  # noqa: BLE001 - said, as one line, when grading starts it
        pass


def take() -> Launched:
    """The process `early` started (once), else a new one."""
    return _EARLY.pop() if _EARLY else Launched()
