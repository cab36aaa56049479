"""A control group per worker, where the machine lets the grader make them (as root, mostly).

The grader makes one group of its own (`autograder-<pid>`) under the groups it
runs in, in every hierarchy it can write: cgroup v2 (for `cgroup.kill`, and for
the pids, memory and cpu controllers where they are enabled there) and the cgroup v1
`pids`, `memory` and `cpu` hierarchies of a hybrid machine. Each worker, before it runs
anything, makes `w<pid>` under those and joins it (the worker does it itself,
still root, see worker.join_cgroups), so that everything it starts is counted
and capped together: at most `MAX_PROCESSES` processes, `memory_bytes` of
memory and one CPU for the whole tree, whatever it does with sessions, groups or uids. The
grader kills a worker's group (`cgroup.kill`, else each process in it) and, when
it closes, its own group with everything left in it, then removes them.

Nothing here is needed for correct grading: where no hierarchy is writable
(not root, a container without delegation), `Cgroups.make` returns None and the
PID namespace still ends every process of a worker with it.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

MAX_PROCESSES = 256  # processes and threads of one worker's whole tree
MEMORY = "memory_bytes"  # stands for the worker's memory limit until it is spawned
CPU_PERIOD = 100_000  # microseconds: a worker's whole tree gets at most one CPU's worth of each period


def _own(path: str = "/proc/self/cgroup") -> dict[str, str]:
    """The groups this process is in: {"" (v2) or a v1 controller: path}."""
    found = {}
    for line in Path(path).read_text().splitlines():
        _, controllers, where = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            found[name] = where
    return found


def _mounts() -> dict[str, Path]:
    """Where each hierarchy is mounted: {"" (v2) or a v1 controller: mount point}."""
    found = {}
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if fields[2] == "cgroup2":
            found.setdefault("", Path(fields[1]))
        elif fields[2] == "cgroup":
            for option in fields[3].split(","):
                if option in ("pids", "memory", "cpu"):
                    found.setdefault(option, Path(fields[1]))
    return found


def _write(path: Path, text: str) -> bool:
    try:
        path.write_text(text)
        return True
    except OSError:
        return False


class Cgroups:
    def __init__(self, groups: list[tuple[Path, dict[str, str]]], killable: bool, capped: set[str]):
        self.groups = groups  # (this grader's group, what each worker's group under it is set to)
        self.killable = killable  # cgroup v2: cgroup.kill ends a whole group at once
        self.capped = capped  # the controllers that cap each worker: pids, memory, cpu

    @classmethod
    def make(cls) -> "Cgroups | None":
        """This grader's groups, or None where none can be made."""
        if os.geteuid() != 0:
            return None
        try:
            own, mounts = _own(), _mounts()
        except (OSError, ValueError):
            return None
        name = f"autograder-{os.getpid()}"
        groups, killable, capped = [], False, set()
        for kind in ("", "pids", "memory", "cpu"):
            if kind in mounts and kind in own:
                for stale in _stale(mounts[kind] / own[kind].lstrip("/")):
                    _close([stale], killable=kind == "")
        if "" in mounts and "" in own:
            top = mounts[""] / own[""].lstrip("/") / name
            if _made(top) and (top / "cgroup.kill").exists():
                killable = True
                for controller in ("pids", "memory", "cpu"):  # each refused unless delegated: fine
                    _write(top / "cgroup.subtree_control", f"+{controller}")
                enabled = set((top / "cgroup.subtree_control").read_text().split())
                settings = {}
                if "pids" in enabled:
                    settings["pids.max"] = str(MAX_PROCESSES)
                    capped.add("pids")
                if "memory" in enabled:
                    settings.update({"memory.max": MEMORY, "memory.swap.max": "0"})
                    capped.add("memory")
                if "cpu" in enabled:
                    settings["cpu.max"] = f"{CPU_PERIOD} {CPU_PERIOD}"
                    capped.add("cpu")
                groups.append((top, settings))
            elif top.exists():
                _remove(top)
        for controller, setting, value in (("pids", "pids.max", str(MAX_PROCESSES)),
                                           ("memory", "memory.limit_in_bytes", MEMORY),
                                           ("cpu", "cpu.cfs_quota_us", str(CPU_PERIOD))):
            if controller in capped or controller not in mounts or controller not in own:
                continue
            top = mounts[controller] / own[controller].lstrip("/") / name
            if _made(top):
                groups.append((top, {setting: value}))
                capped.add(controller)
        if not groups:
            return None
        return cls(groups, killable, capped) if killable or capped else None

    def spec(self, memory_bytes: int) -> list:
        """What a worker joins, and sets its group to: [[group, {file: value}], ...]."""
        return [[str(top), {name: str(memory_bytes) if value == MEMORY else value for name, value in settings.items()}]
                for top, settings in self.groups]

    def kill(self, pid: int) -> None:
        """Kill every process in worker `pid`'s groups."""
        _kill([top / f"w{pid}" for top, _ in self.groups], self.killable)

    def sweep(self) -> None:
        """Remove the groups of workers that are gone (a group can only be removed once empty). Not those whose worker
        is still running: the kernel refuses, but only once a worker joining its group has (the first to join
        after a while waits some 10 ms for the kernel, and so would this)."""
        for top, _ in self.groups:
            for group in top.glob("w*"):
                if not os.path.exists(f"/proc/{group.name[1:]}"):
                    _remove(group)

    def close(self) -> None:
        """Kill everything left in this grader's groups, then remove them."""
        _close([top for top, _ in self.groups], self.killable)


def _close(tops: list[Path], killable: bool) -> None:
    _kill(tops, killable)
    deadline = time.monotonic() + 2.0  # killed processes take a moment to leave their groups
    for top in tops:
        while True:
            for group in top.glob("w*"):
                _remove(group)
            _remove(top)
            if not top.exists() or time.monotonic() > deadline:
                break
            time.sleep(0.01)


def _stale(parent: Path) -> list[Path]:
    """Groups of graders that are gone (killed before they could remove their own)."""
    found = []
    for group in parent.glob("autograder-*"):
        pid = group.name.partition("-")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            found.append(group)
    return found


def _made(path: Path) -> bool:
    try:
        path.mkdir()
        return True
    except FileExistsError:
        return True
    except OSError:
        return False


def _kill(groups: list[Path], killable: bool) -> None:
    for group in groups:
        if killable and _write(group / "cgroup.kill", "1"):
            return  # (the v2 group: the v1 ones hold the same processes)
    for _ in range(3):  # cgroup v1: process by process (a fork in between is caught by the next round)
        pids = set()
        for group in groups:
            for procs in [group / "cgroup.procs", *group.glob("*/cgroup.procs")]:
                try:
                    pids.update(int(p) for p in procs.read_text().split())
                except (OSError, ValueError):
                    pass
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _remove(group: Path) -> None:
    try:
        group.rmdir()
    except OSError:
        pass
