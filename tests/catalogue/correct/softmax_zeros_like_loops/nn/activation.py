import math

import numpy as np


class Softmax:
    def forward(self, Z):
        A = np.zeros_like(Z)
        for i in range(Z.shape[0]):
            top = max(Z[i])
            total = 0.0
            for j in range(Z.shape[1]):
                A[i, j] = math.exp(Z[i, j] - top)
                total += A[i, j]
            for j in range(Z.shape[1]):
                A[i, j] /= total
        self.A = A
        return A

    def backward(self, dLdA):
        dLdZ = np.zeros_like(dLdA)
        N, C = dLdA.shape
        for i in range(N):
            for j in range(C):
                for k in range(C):
                    jacobian = self.A[i, j] * ((1.0 if j == k else 0.0) - self.A[i, k])
                    dLdZ[i, j] += jacobian * dLdA[i, k]
        return dLdZ
