"""The reference solution, loaded only in the grading process under a private name."""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from . import assignments
from .assignments import Assignment

SOLUTIONS = assignments.ASSIGNMENTS["mytorch"].solutions
HIDDEN = assignments.ASSIGNMENTS["mytorch"].hidden  # official-only tests: never in the handout
NAME = assignments.ASSIGNMENTS["mytorch"].reference_name


class ReferenceMissing(Exception):
    """There is neither solutions/ nor fixtures/ next to the grader."""


def source(assignment: Assignment | None = None):
    """Official mode when the reference is here, else local mode on the handout's fixtures."""
    from . import fixtures
    from .expected import Official

    assignment = assignment or assignments.get()
    if (assignment.solutions / "__init__.py").is_file():
        return Official(load(assignment=assignment))
    if fixtures.FOLDER.is_dir():
        return fixtures.load(assignment)
    raise ReferenceMissing(f"found neither the {assignment.name} reference (official grading) nor fixtures/ "
                           f"(a student handout) in {assignments.ROOT}")


def hidden_checks(assignment: Assignment | None = None) -> list:
    """The official-only checks, declared in the hidden_checks.py beside the reference."""
    from .checks import collect

    assignment = assignment or assignments.get()
    if not assignment.hidden.is_file():
        return []
    spec = importlib.util.spec_from_file_location(f"{assignment.reference_name}_hidden", assignment.hidden)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return collect(module, after=assignment.checks())


def load(path: Path | None = None, assignment: Assignment | None = None) -> ModuleType:
    """The reference package's classes module (mytorch: `mytorch.nn`, with `Linear`, `ReLU`, ...; the
    others: the package itself)."""
    assignment = assignment or assignments.get()
    path = path or assignment.solutions
    name = assignment.reference_name
    classes = f"{name}.{assignment.classes}" if assignment.classes else name
    if classes in sys.modules:
        return sys.modules[classes]
    init = path / "__init__.py"
    if not init.is_file():
        raise ReferenceMissing(f"no reference solution at {path}")
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(path)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return importlib.import_module(classes)
