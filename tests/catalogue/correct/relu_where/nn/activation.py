import numpy as np


class ReLU:
    def forward(self, Z):
        self.A = np.where(Z > 0, Z, 0.0)
        return self.A

    def backward(self, dLdA):
        dAdZ = np.where(self.A > 0, 1.0, 0.0)
        return dLdA * dAdZ
