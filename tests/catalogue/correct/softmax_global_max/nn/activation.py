import numpy as np


class Softmax:
    def forward(self, Z):
        e = np.exp(Z - np.max(Z))
        self.A = e / np.sum(e, axis=1, keepdims=True)
        return self.A

    def backward(self, dLdA):
        dLdZ = np.zeros_like(dLdA)
        for i in range(dLdA.shape[0]):
            a = self.A[i].reshape(-1, 1)
            dLdZ[i] = ((np.diagflat(a) - a @ a.T) @ dLdA[i].reshape(-1, 1)).ravel()
        return dLdZ
