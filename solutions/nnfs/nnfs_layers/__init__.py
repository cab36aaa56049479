"""nnfs_layers: the layers of a small network "from scratch", in the style of the book Neural Networks
from Scratch: every layer keeps what it computes on itself (`output`, `dinputs`, ...) and returns nothing."""
from .dense import LayerDense
from .activations import ActivationReLU, ActivationSoftMax
from .losses import LossCrossEntropy, ActivationLoss

__all__ = ["LayerDense", "ActivationReLU", "ActivationSoftMax", "LossCrossEntropy", "ActivationLoss"]
