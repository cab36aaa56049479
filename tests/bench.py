"""`make bench`: how long grading the reference takes, next to the floor of
starting Python with numpy and hypothesis imported, on this machine.

Each command runs several times and the fastest run counts (the least disturbed
by whatever else the machine is doing). Target: ratio <= 2 with >= 1000 inputs.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def fastest(cmd: list[str]) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(RUNS):
        began = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        best = min(best, time.perf_counter() - began)
        out = done.stdout
    return best, out


def main() -> int:
    floor, _ = fastest([sys.executable, "-c", "import numpy, hypothesis"])
    grade, out = fastest([sys.executable, "-m", "autograder", "grade", "solutions"])
    score = re.search(r"^Score: (\S+) / (\S+)", out, re.M)
    examples = int(re.search(r"^checked (\d+) inputs", out, re.M).group(1))
    print(f"floor  python -c 'import numpy, hypothesis'   {floor:6.3f} s  (fastest of {RUNS})")
    print(f"grade  python -m autograder grade solutions  {grade:6.3f} s  (fastest of {RUNS})")
    print(f"ratio  grade / floor                          {grade / floor:6.2f}   (target <= 2)")
    print(f"inputs checked                                {examples:6d}   (target >= 1000)")
    print(f"score                                         {score.group(1)} / {score.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
