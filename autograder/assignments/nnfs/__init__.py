"""The `nnfs` assignment ("neural networks from scratch" style): layers keep their results as attributes
(`output`, `dinputs`, `dweights`, `dbiases`) and return nothing; the student package is `nnfs_layers/`.
The tests, in the order students see them (86 public points; 14 more in solutions/nnfs/hidden_checks.py).
"""
from ...checks.base import collect
from . import activations, dense, losses

CHECKS = collect(dense, activations, losses)

__all__ = ["CHECKS"]
