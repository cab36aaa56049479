"""Checks of BatchNorm1d (to be written)."""
from __future__ import annotations

CLASSES = {
    "BatchNorm1d": "mytorch.nn.batchnorm.BatchNorm1d",
}
