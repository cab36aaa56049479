"""Checks of GELU (to be written)."""
from __future__ import annotations

CLASSES = {
    "GELU": "mytorch.nn.activation.GELU",
}
