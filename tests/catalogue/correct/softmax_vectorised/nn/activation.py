import numpy as np


class Softmax:
    def forward(self, Z):
        shifted = Z - Z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        self.A = e / e.sum(axis=1, keepdims=True)
        return self.A

    def backward(self, dLdA):
        return self.A * (dLdA - np.sum(self.A * dLdA, axis=1, keepdims=True))
