"""The graded tests, in the order students see them (100 points in all).

One module per family of classes; each declares the student classes it grades in `CLASSES`.
"""
from . import activation, batchnorm, batchnorm_backward, elementwise, gelu, linear, loss, mlp, mse, sgd, softmax
from .base import Check, check, collect

CHECKS = collect(linear, elementwise, activation, gelu, softmax, mse, loss, batchnorm, batchnorm_backward, sgd, mlp)

__all__ = ["CHECKS", "Check", "check", "collect"]
