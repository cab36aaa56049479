import numpy as np


class ReLU:
    def forward(self, Z):
        rows, cols = Z.shape
        A = np.zeros((rows, cols))
        for r in range(rows):
            for c in range(cols):
                A[r, c] = Z[r, c] if Z[r, c] > 0 else 0.0
        self.A = A
        return A

    def backward(self, dLdA):
        rows, cols = dLdA.shape
        dLdZ = np.zeros((rows, cols))
        for r in range(rows):
            for c in range(cols):
                if self.A[r, c] > 0:
                    dLdZ[r, c] = dLdA[r, c]
        return dLdZ
