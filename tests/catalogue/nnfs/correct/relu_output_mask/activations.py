class ActivationReLU:
    def forward(self, inputs):
        self.inputs = np.array(inputs, copy=True)
        self.output = np.clip(inputs, 0, None)

    def backward(self, dvalues):
        self.dinputs = np.where(self.output > 0, dvalues, 0.0)
