"""Checks of Softmax (to be written)."""
from __future__ import annotations

CLASSES = {
    "Softmax": "mytorch.nn.activation.Softmax",
}
