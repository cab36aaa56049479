import numpy as np


class ReLU:
    def forward(self, Z):
        Z = Z.astype(np.float32)
        self.A = np.maximum(np.float32(0), Z)
        return self.A

    def backward(self, dLdA):
        dLdA = dLdA.astype(np.float32)
        return dLdA * (self.A > 0).astype(np.float32)
