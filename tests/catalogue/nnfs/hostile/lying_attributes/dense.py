import numpy as np

from ._liar import Liar


class LayerDense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = Liar((n_inputs, n_neurons))
        self.biases = Liar((1, n_neurons))

    def forward(self, inputs):
        self.inputs = Liar(np.shape(inputs))
        self.output = Liar((np.shape(inputs)[0], np.shape(self.weights)[1]))

    def backward(self, dvalues):
        self.dweights = Liar(np.shape(self.weights))
        self.dbiases = Liar(np.shape(self.biases))
        self.dinputs = Liar(np.shape(self.inputs))
