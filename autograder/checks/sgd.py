"""Checks of SGD (to be written)."""
from __future__ import annotations

CLASSES = {
    "SGD": "mytorch.optim.sgd.SGD",
}
