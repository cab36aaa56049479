import numpy as np

from ._liar import Liar, LyingFloat


class LossCrossEntropy:
    def forward(self, predict, target):
        return Liar(np.shape(predict)[:1])

    def calculate(self, predict, target):
        return LyingFloat()

    def backward(self, dvalues, target):
        self.dinputs = Liar(np.shape(dvalues))


class ActivationLoss:
    def __init__(self):
        from .activations import ActivationSoftMax

        self.activation = ActivationSoftMax()
        self.loss = LossCrossEntropy()

    def forward(self, inputs, target):
        self.output = Liar(np.shape(inputs))
        return LyingFloat()

    def backward(self, dvalues, target):
        self.dinputs = Liar(np.shape(dvalues))
