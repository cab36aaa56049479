import numpy as np


class LayerDense:
    def __init__(self, n_inputs, n_neurons):
        """A fully connected layer from n_inputs inputs to n_neurons neurons.

        Store:
            self.weights  (n_inputs, n_neurons)  small random values: 0.01 * np.random.randn(n_inputs, n_neurons)
                          (graded: that shape, every entry finite and within +-1, not all equal)
            self.biases   (1, n_neurons)         zeros, a row
        """
        # BEGIN SOLUTION
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        # END SOLUTION

    def forward(self, inputs):
        """output = inputs @ weights + biases (biases added to every row).

        inputs: (N, n_inputs) -> self.output: (N, n_neurons).
        Store self.inputs (for backward) and self.output. Return nothing (the grader reads self.output;
        returning it too is fine). Do not modify inputs.
        """
        # BEGIN SOLUTION
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases
        # END SOLUTION

    def backward(self, dvalues):
        """Backpropagate dvalues (N, n_neurons), the gradient of the loss with respect to self.output.

        self.dweights = inputs.T @ dvalues                 (n_inputs, n_neurons), the shape of weights
        self.dbiases  = dvalues summed over the batch      (1, n_neurons), the shape of biases:
                        np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs  = dvalues @ weights.T                (N, n_inputs)

        inputs is the one the last forward stored. Return nothing. Do not modify dvalues, and make
        self.dinputs an array of its own (not dvalues itself); each backward replaces the three gradients (it
        does not add to them).
        """
        # BEGIN SOLUTION
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = np.dot(dvalues, self.weights.T)
        # END SOLUTION
