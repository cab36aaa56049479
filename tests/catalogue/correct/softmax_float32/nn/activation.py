import numpy as np


class Softmax:
    def forward(self, Z):
        Z = Z.astype(np.float32)
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        self.A = e / e.sum(axis=1, keepdims=True)
        return self.A

    def backward(self, dLdA):
        A = self.A.astype(np.float32)
        dLdA = dLdA.astype(np.float32)
        return A * (dLdA - (A * dLdA).sum(axis=1, keepdims=True))
