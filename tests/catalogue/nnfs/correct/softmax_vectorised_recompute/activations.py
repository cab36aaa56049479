def _softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


class ActivationSoftMax:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = _softmax(inputs)

    def backward(self, dvalues):
        o = _softmax(self.inputs)
        self.dinputs = o * (dvalues - np.sum(o * dvalues, axis=1, keepdims=True))
