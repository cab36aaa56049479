class ActivationReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.where(inputs > 0, inputs, 0.0)

    def backward(self, dvalues):
        self.dinputs = dvalues * (self.inputs > 0)
