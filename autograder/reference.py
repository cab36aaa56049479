"""The reference solution, loaded only in the grading process under a private name."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions" / "mytorch"
NAME = "_autograder_reference_mytorch"


class ReferenceMissing(Exception):
    """There is no solutions/ next to the grader."""


def load(path: Path = SOLUTIONS) -> ModuleType:
    """The reference `mytorch.nn` package (its classes: `Linear`, `ReLU`, ...)."""
    if f"{NAME}.nn" in sys.modules:
        return sys.modules[f"{NAME}.nn"]
    init = path / "__init__.py"
    if not init.is_file():
        raise ReferenceMissing(f"no reference solution at {path}")
    spec = importlib.util.spec_from_file_location(NAME, init, submodule_search_locations=[str(path)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = package
    spec.loader.exec_module(package)
    return importlib.import_module(f"{NAME}.nn")
