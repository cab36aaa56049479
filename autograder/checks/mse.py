"""Checks of MSELoss (to be written)."""
from __future__ import annotations

CLASSES = {
    "MSELoss": "mytorch.nn.loss.MSELoss",
}
