from .linear import Linear
from .activation import Identity, Sigmoid, Tanh, ReLU, GELU, Softmax
from .loss import MSELoss, CrossEntropyLoss
from .batchnorm import BatchNorm1d

__all__ = ["Linear", "Identity", "Sigmoid", "Tanh", "ReLU", "GELU", "Softmax", "MSELoss", "CrossEntropyLoss",
           "BatchNorm1d"]
