from .linear import Linear
from .activation import ReLU
from .loss import CrossEntropyLoss

__all__ = ["Linear", "ReLU", "CrossEntropyLoss"]
