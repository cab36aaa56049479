"""Checks of MLP0 MLP1 MLP4 (to be written)."""
from __future__ import annotations

CLASSES = {
    "MLP0": "models.mlp|mytorch.models.mlp.MLP0",
    "MLP1": "models.mlp|mytorch.models.mlp.MLP1",
    "MLP4": "models.mlp|mytorch.models.mlp.MLP4",
}
