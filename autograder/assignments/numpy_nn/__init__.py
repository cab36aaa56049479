"""The numpy-nn assignment's public checks (its hidden ones are in solutions/numpy-nn/hidden_checks.py).

Layers return a cache and write their parameters' gradients into a dict: `nn/dense.py` (Dense),
`nn/activations.py` (ReLU, Sigmoid, Tanh), `nn/losses.py` (MSE, CrossEntropy); `nn/layer.py` is given.
"""
from . import activations, dense, losses
from ...checks.base import collect

CHECKS = collect(dense, activations, losses)
