class LayerDense(LayerDense):
    def forward(self, inputs):
        self.inputs = inputs.astype(np.float32)
        self.output = self.inputs @ self.weights.astype(np.float32) + self.biases.astype(np.float32)

    def backward(self, dvalues):
        d = dvalues.astype(np.float32)
        self.dweights = self.inputs.astype(np.float32).T @ d
        self.dbiases = np.sum(d, axis=0, keepdims=True)
        self.dinputs = d @ self.weights.astype(np.float32).T
