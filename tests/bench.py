"""`make bench`: how long grading the reference takes, next to the floor of
starting Python with numpy and hypothesis imported, on this machine.

Each command runs several times and the fastest run counts (the least disturbed
by whatever else the machine is doing); the floor and the warm grading take turns,
so a slow spell of a shared machine slows both alike. Grading starts from an empty example
cache: the first run draws the hypothesis examples (cold), later runs reuse them
(warm), as every run after a course's first does. Python keeps the grader's compiled
bytecode, as on any machine where it is installed (numpy's and hypothesis's, in the
floor, were compiled when pip installed them): a PYTHONDONTWRITEBYTECODE in the
environment is left out of the timed commands, or every run would compile the
grader's source again. Target: warm ratio <= 2 with >= 2000 inputs checked. The other
assignments' references are timed the same way (warm), each with its own ratio to the same floor.
The class report of a thousand entries is timed here too (rendering it, in this process), not in a test:
a timed test fails on a busy machine for nothing the code did.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - began, done.stdout


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from autograder import assignments

    grade = [sys.executable, "-m", "autograder", "grade", "solutions"]
    others = {a.name: [sys.executable, "-m", "autograder", "grade", str(a.solutions.parent.relative_to(ROOT)),
                       "--assignment", a.name] for a in assignments.available() if a.name != "mytorch"}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, AUTOGRADER_CACHE=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cold, _ = timed(grade, env)
        for command in others.values():
            timed(command, env)  # (draws its examples)
        floors, warm_runs = [], []
        other_runs: dict[str, list] = {name: [] for name in others}
        for _ in range(RUNS):
            floors.append(timed([sys.executable, "-c", "import numpy, hypothesis"], env)[0])
            warm_runs.append(timed(grade, env))
            for name, command in others.items():
                other_runs[name].append(timed(command, env))
        batch_seconds, entries, steady = _batch(env)
    report = _report_seconds()
    floor = min(floors)
    warm, out = min(warm_runs)
    score = re.search(r"^Score: (\S+) / (\S+)", out, re.M)
    examples = int(re.search(r"^checked (\d+) inputs", out, re.M).group(1))
    rows = [
        ("floor", "python -c 'import numpy, hypothesis'", f"{floor:6.3f} s", f"fastest of {RUNS}"),
        ("cold", "grade solutions, drawing the examples", f"{cold:6.3f} s", "first run"),
        ("warm", "grade solutions, examples kept", f"{warm:6.3f} s", f"fastest of {RUNS}"),
        ("ratio", "warm / floor", f"{warm / floor:6.2f}  ", "target <= 2"),
        ("ratio", "cold / floor", f"{cold / floor:6.2f}  ", ""),
        ("inputs", "checked per run", f"{examples:6d}  ", "target >= 2000"),
        ("score", "of the reference", f"{score.group(1)} / {score.group(2)}", ""),
        ("batch", f"{entries} entries, examples kept", f"{batch_seconds:6.2f} s", "one run, start-up included"),
        ("rate", "entries per second", f"{entries / batch_seconds:6.1f}  ", "target >= 10"),
        ("steady", "entries per second, first to last result", f"{steady:6.1f}  ", "a larger class's rate"),
        ("entry", "batch seconds per entry / warm", f"{batch_seconds / entries / warm:6.2f}  ",
         "what a class shares: under 1"),
        ("report", "report.html of 1,000 entries, rendered", f"{report:6.3f} s", f"fastest of {RUNS}; target < 0.5"),
    ]
    for name, runs in other_runs.items():
        seconds, text = min(runs)
        found = re.search(r"^Score: (\S+) / (\S+)", text, re.M)
        inputs = int(re.search(r"^checked (\d+) inputs", text, re.M).group(1))
        rows += [("warm", f"{name}: its reference, examples kept", f"{seconds:6.3f} s", f"fastest of {RUNS}"),
                 ("ratio", f"{name} warm / floor", f"{seconds / floor:6.2f}  ", "target <= 2"),
                 ("inputs", f"{name}: checked, score", f"{inputs:6d}  ", f"{found.group(1)} / {found.group(2)}")]
    for what, detail, figure, note in rows:
        print(f"{what:<7}{detail:<40}{figure:>10}  {note}".rstrip())
    return 0


BATCH_ENTRIES = 40
BATCH_MIX = ("linear_no_bias", "relu_derivative_ge_zero", "ce_softmax_axis0", "bn_alpha_swapped", "exit_in_method")


def _report_seconds() -> float:
    """The fastest of RUNS renderings of a class report of a thousand entries (the suite checks what it holds)."""
    from autograder.batch_report import render
    from tests.test_batch_report import thousand_rows

    rows = thousand_rows()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        render(rows)
        times.append(time.perf_counter() - began)
    return min(times)


def _batch(env: dict) -> tuple[float, int, float]:
    """The wall time of `batch` on a class of BATCH_ENTRIES entries: three in four correct, each in another of the
    catalogue's styles (a class's submissions are not copies of the reference: each is graded in full, and a
    grading process judges only the replies it has not seen to the bit), one in four a mistake or an attack
    from the catalogue (the same examples cache as the runs above)."""
    sys.path.insert(0, str(ROOT))
    from tests.catalogue import entries, materialize

    catalogue = {entry.name: entry for entry in entries()}
    correct = sorted(entry.name for entry in entries("correct"))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "class"
        for i in range(BATCH_ENTRIES):
            name = BATCH_MIX[(i // 4) % len(BATCH_MIX)] if i % 4 == 3 else correct[(i - i // 4) % len(correct)]
            materialize(catalogue[name], source / f"student{i:03d}")
        seconds, finished = _timed_batch([sys.executable, "-m", "autograder", "batch", str(source), "--output",
                                          str(Path(tmp) / "graded")], env)
    return seconds, BATCH_ENTRIES, (len(finished) - 1) / (finished[-1] - finished[0])


def _timed_batch(cmd: list[str], env: dict) -> tuple[float, list[float]]:
    """The wall time of a batch and, from its progress lines ("[k/N] ..." as each entry finishes), when each entry
    finished: the rate between the first and the last is the one a class larger than the bench's gets, once the
    grading processes run (what the start-up costs is spread over more entries)."""
    began = time.perf_counter()
    finished = []
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env) as proc:
        for line in proc.stderr:
            if re.match(r"\[\d+/\d+\] ", line):
                finished.append(time.perf_counter())
    if proc.returncode != 0 or len(finished) < 2:
        raise SystemExit(f"the bench's batch failed (exit {proc.returncode}, {len(finished)} entries reported)")
    return time.perf_counter() - began, finished


if __name__ == "__main__":
    sys.exit(main())
