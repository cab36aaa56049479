class ActivationReLU:
    def forward(self, inputs):
        self.inputs = inputs.astype(np.float32)
        self.output = np.maximum(np.float32(0), self.inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues.astype(np.float32)
        self.dinputs[self.inputs <= 0] = 0


class ActivationSoftMax:
    def forward(self, inputs):
        x = inputs.astype(np.float32)
        self.inputs = x
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.output = e / e.sum(axis=1, keepdims=True)

    def backward(self, dvalues):
        o, d = self.output.astype(np.float32), dvalues.astype(np.float32)
        self.dinputs = o * (d - np.sum(o * d, axis=1, keepdims=True))
