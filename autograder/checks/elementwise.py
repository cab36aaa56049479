"""Checks of Identity Sigmoid Tanh (to be written)."""
from __future__ import annotations

CLASSES = {
    "Identity": "mytorch.nn.activation.Identity",
    "Sigmoid": "mytorch.nn.activation.Sigmoid",
    "Tanh": "mytorch.nn.activation.Tanh",
}
