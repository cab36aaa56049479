from mytorch.nn.linear import Linear
from mytorch.nn.activation import ReLU
from mytorch.nn.loss import CrossEntropyLoss

__all__ = ["Linear", "ReLU", "CrossEntropyLoss"]
