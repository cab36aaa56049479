import numpy as np


class ReLU:
    def forward(self, Z):
        A = Z.copy()
        A[A < 0] = 0
        self.A = A
        return A.copy()

    def backward(self, dLdA):
        dLdZ = dLdA.copy()
        dLdZ[self.A <= 0] = 0
        return dLdZ
