"""The graded tests of the mytorch assignment, in the order students see them (100 points in all).

One module per family of classes; each declares the student classes it grades in `CLASSES`. `base` and
`gradients` are shared with the other assignments' checks (autograder/assignments/); the modules of
`OWN` are mytorch's alone, imported when `CHECKS` is first read (another assignment's handout does not
ship them).
"""
from __future__ import annotations

import importlib

from .base import Check, check, collect

MODULES = ("linear", "elementwise", "activation", "gelu", "softmax", "mse", "loss", "batchnorm", "batchnorm_backward",
           "sgd", "mlp")
OWN = (*MODULES, "smooth")  # every module here that only mytorch's checks use (smooth: elementwise's and gelu's helpers)

__all__ = ["CHECKS", "MODULES", "OWN", "Check", "check", "collect"]


def __getattr__(name: str):
    if name != "CHECKS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    found = collect(*(importlib.import_module(f"{__name__}.{module}") for module in MODULES))
    globals()["CHECKS"] = found
    return found
