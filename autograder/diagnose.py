"""Naming a student's mistake from the wrong answer alone.

When a value fails, `compare.expect` tries it against wrong answers derived
from the expected value: first those a check knows for its quantity (a missing
bias, softmax over the wrong axis, ReLU's derivative 1 at 0...), then the
generic ones below (transposed, scaled by N or 1/N, sign-flipped). The first
match is said in plain words, with a pointer to the part of the handout that
has the rule; when nothing matches, no diagnosis is shown.
"""
from __future__ import annotations

import functools
import sys

import numpy as np

NON_FINITE = "non-finite"  # a known wrong answer: inf or NaN where the reference is finite
SHAPES = "see the handout's Shapes table"
MATH = "see the handout's math section"
_SHAPE_WORDS = ("shape", "transposed", "column", "a row (", "(C_out", "(N,", "scalar")


def pointer(words: str) -> str:
    """The handout section that has the rule a diagnosis refers to."""
    return SHAPES if any(w in words for w in _SHAPE_WORDS) else MATH


def with_pointer(words: str) -> str:
    return words if "handout" in words else f"{words} ({pointer(words)})"


def generic(label: str, expected: np.ndarray, batch: int | None = None) -> list[tuple[np.ndarray, str]]:
    """Wrong answers any quantity can have: (value, what it means)."""
    if expected.size == 0 or not np.any(expected):
        return []  # every transform of zeros is zeros: nothing to tell apart
    found = []
    if expected.ndim == 2 and not np.array_equal(expected, expected.T):
        found.append((expected.T, f"{label} equals the expected value transposed: "
                                  f"{label} must have shape {tuple(expected.shape)}"))
    if batch and batch > 1:
        found.append((expected * batch, f"{label} is N = {batch} times the expected value: a division by N "
                                        "(the batch size) is missing"))
        found.append((expected / batch, f"{label} is the expected value divided by N = {batch} once more "
                                        "than it should be"))
    found.append((-expected, f"{label} has the opposite sign of the expected value"))
    return found


def died(call: str, why: str) -> tuple[str, str]:
    """The message and hint for a worker that died (or timed out) while running `call`."""
    if why.startswith("did not finish"):
        return f"{call} {why}", "look for an endless loop, or a Python loop over every entry where numpy can work on whole arrays"
    what = f"{call} ended the worker process: it {why}"
    if "exited" in why:
        return what, "remove exit(), quit(), sys.exit() or os._exit() from your code: a method must return"
    if "SIGKILL" in why or "memory" in why:
        return what, "look for huge allocations (an array of N x N where N x 1 would do) or an endless loop"
    return what, ""


def module_file(module: str) -> str:
    """mytorch.nn.linear -> mytorch/nn/linear.py; alternatives ("models.mlp|mytorch.models.mlp") -> each; none known
    (the worker ended before it said which: helper-116 read "note: .py could not be imported") -> a module of the
    submission."""
    if not module:
        return "a module of your submission"
    return " or ".join(choice.replace(".", "/") + ".py" for choice in module.split("|"))


@functools.lru_cache(maxsize=1)
def allowed_packages() -> str:
    from .sandbox.limits import allowed_imports

    names = allowed_imports()
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def import_raised(error) -> str:
    """What to add to the message of a call that raised ImportError (ModuleNotFoundError too): an import run
    inside the call (`from .activations import ActivationSoftMax` in a constructor) failed, in the file
    `error.where` names. Said in the message itself, not in a hint: the tests that need the call read only
    its message ("needs ActivationLoss.__init__, but ..."). '' for any other exception."""
    if error.type not in ("ModuleNotFoundError", "ImportError"):
        return ""
    file = error.where.rsplit(":", 1)[0] if error.where else "your code"
    top = error.missing.split(".")[0]
    if error.missing and top not in ("mytorch", "models", "nn", "nnfs_layers") and top not in sys.stdlib_module_names:
        return (f": {file} could not be imported, as it imports {error.missing}, which submissions may not use "
                f"(only the standard library, {allowed_packages()}): remove the import of {top} from {file}")
    if error.missing:
        return f": {file} imports {error.missing}, which is not in your submission (is that file part of it?)"
    return f": an import in {file} failed while this ran: fix that import"


def import_failed(error) -> tuple[str, str]:
    """The message and hint for a module of the submission that could not be imported."""
    file = module_file(error.module)
    where = f" (at {error.where})" if error.where else ""
    if error.type == "WorkerDied":
        return f"importing {file} ended the worker process: it {error.msg}", \
            "code at the top level of a module runs on import: it must not exit, loop or wait"
    top = error.missing.split(".")[0]
    own = error.module.split("|")[-1].split(".")[0]  # the submission's package: mytorch, nn, nnfs_layers
    allowed = allowed_packages()
    if error.missing and top not in ("mytorch", "models", own) and top not in sys.stdlib_module_names:
        at = error.where.rsplit(":", 1)[0] if error.where else ""
        if at and at not in file.split(" or "):  # the import is in another file of the submission this one imports
            return (f"{file} could not be imported: it imports {at}, which imports {error.missing}, which "
                    f"submissions may not use{where}",
                    f"submissions may import only the standard library, {allowed}: remove the import of {top} "
                    f"from {at}")
        return (f"{file} could not be imported: it imports {error.missing}, which submissions may not use{where}",
                f"submissions may import only the standard library, {allowed}: remove the import of {top}")
    if error.missing and "|" in error.module:  # none of the places the module may be holds it
        places = [choice.replace(".", "/") + ".py" for choice in error.module.split("|")]
        return (f"found neither {' nor '.join(places)} in your submission",
                f"put the file in one of those places ({places[0]} is the course's layout)")
    if error.missing:
        return (f"{file} could not be imported: there is no module {error.missing}{where}",
                f"is that file part of your submission, under {own}/?")
    if error.type == "ImportError" and "beyond top-level package" in error.msg:  # (models/mlp.py moved beside
        at = error.where.rsplit(":", 1)[0] if error.where else file  # mytorch/ with the skeleton's `from ..nn...`)
        beside = at.startswith("models/")
        return (f"{file} could not be imported: {error.type}: {error.msg}{where}",
                f"{at} lies beside mytorch/, not inside it, so its relative imports (`from ..nn...`) have no package "
                "to start from: import by the full name, `from mytorch.nn.linear import Linear` and `from "
                "mytorch.nn.activation import ReLU`" if beside else
                f"a relative import in {at} reaches above the top of its package: import by the full name")
    return f"{file} could not be imported: {error.type}: {error.msg}{where}", ""
