"""The README is part of the contract: its points table is the grader's."""
import re
from pathlib import Path

from autograder import reference
from autograder.checks import CHECKS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_points_table_lists_every_test_with_its_points():
    rows = re.findall(r"^\| ([^|]*) \| `([^`]+)`: (.+?) \| ([\d.]+) \|$", README, re.M)
    documented, cls = [], ""
    for first, method, what, points in rows:  # the class is named on its first row only, with its total
        cls = first.split(" (")[0].strip() or cls
        documented.append((f"{cls}.{method}", what, float(points)))
    checks = CHECKS + reference.hidden_checks()
    graded = [(c.method, c.name.split(": ", 1)[1] + (" (hidden)" if c.visibility != "visible" else ""), c.points)
              for c in checks]
    assert sorted(documented) == sorted(graded)
    totals = dict(re.findall(r"^\| (\w+) \(([\d.]+)\) \|", README, re.M))
    assert {k: float(v) for k, v in totals.items()} == {c.cls: sum(x.points for x in checks if x.cls == c.cls)
                                                          for c in checks}
    assert sum(c.points for c in checks) == 100
