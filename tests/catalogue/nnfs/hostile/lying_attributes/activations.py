import numpy as np

from ._liar import Liar


class ActivationReLU:
    def forward(self, inputs):
        self.inputs = Liar(np.shape(inputs))
        self.output = Liar(np.shape(inputs))

    def backward(self, dvalues):
        self.dinputs = Liar(np.shape(dvalues))


class ActivationSoftMax:
    def forward(self, inputs):
        self.inputs = Liar(np.shape(inputs))
        self.output = Liar(np.shape(inputs))

    def backward(self, dvalues):
        self.dinputs = Liar(np.shape(dvalues))
