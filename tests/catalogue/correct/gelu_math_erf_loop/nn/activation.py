import math

import numpy as np


class GELU:
    def forward(self, Z):
        self.Z = Z.copy()
        self.cdf = np.zeros(Z.shape)
        A = np.zeros(Z.shape)
        for i in range(Z.shape[0]):
            for j in range(Z.shape[1]):
                self.cdf[i, j] = 0.5 * (1 + math.erf(Z[i, j] / math.sqrt(2)))
                A[i, j] = Z[i, j] * self.cdf[i, j]
        self.A = A
        return A

    def backward(self, dLdA):
        dLdZ = np.zeros(dLdA.shape)
        for i in range(dLdA.shape[0]):
            for j in range(dLdA.shape[1]):
                z = self.Z[i, j]
                pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
                dLdZ[i, j] = dLdA[i, j] * (self.cdf[i, j] + z * pdf)
        return dLdZ
