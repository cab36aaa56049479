"""The README is part of the contract: its points table is the grader's."""
import re
from pathlib import Path

from autograder import reference
from autograder.checks import CHECKS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_points_table_lists_every_test_with_its_points():
    rows = re.findall(r"^\| [^|]* \| `([^`]+)`: (.+?) \| (\d+) \|$", README, re.M)
    documented = sorted((method, what, int(points)) for method, what, points in rows)
    checks = CHECKS + reference.hidden_checks()
    graded = sorted((c.name.split(": ", 1)[0].split(".", 1)[1],
                     c.name.split(": ", 1)[1] + (" (hidden)" if c.visibility != "visible" else ""), c.points)
                    for c in checks)
    assert documented == graded
    assert sum(c.points for c in checks) == 100
