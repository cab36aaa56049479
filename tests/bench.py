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
grader's source again. Target: warm ratio <= 2 with >= 2000 inputs checked.
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
    grade = [sys.executable, "-m", "autograder", "grade", "solutions"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, AUTOGRADER_CACHE=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cold, _ = timed(grade, env)
        floors, warm_runs = [], []
        for _ in range(RUNS):
            floors.append(timed([sys.executable, "-c", "import numpy, hypothesis"], env)[0])
            warm_runs.append(timed(grade, env))
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
    ]
    for what, detail, figure, note in rows:
        print(f"{what:<7}{detail:<40}{figure:>10}  {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
