"""Print the README's points table from the checks (public and hidden): `python tests/points_table.py`.

tests/test_docs.py fails when the README's table and the grader disagree; paste this over it.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder import reference  # noqa: E402
from autograder.checks import CHECKS  # noqa: E402


def table() -> str:
    checks = CHECKS + reference.hidden_checks()
    order = list(dict.fromkeys(c.cls for c in CHECKS))
    lines = ["| class | test | points |", "|---|---|---|"]
    for cls in order:
        mine = [c for c in CHECKS if c.cls == cls] + [c for c in checks[len(CHECKS):] if c.cls == cls]
        total = sum(c.points for c in mine)
        for i, c in enumerate(mine):
            method, what = c.name.split(": ", 1)
            hidden = " (hidden)" if c.visibility != "visible" else ""
            first = f"{cls} ({total:g})" if i == 0 else ""
            lines.append(f"| {first} | `{method.split('.', 1)[1]}`: {what}{hidden} | {c.points:g} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
