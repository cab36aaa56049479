class LayerDense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = np.random.default_rng().normal(0.0, 0.01, size=(n_inputs, n_neurons))
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        self.inputs = inputs.copy()
        self.output = inputs @ self.weights + self.biases
        return self.output

    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues
        self.dbiases = dvalues.sum(axis=0).reshape(1, -1)
        self.dinputs = dvalues @ self.weights.T
