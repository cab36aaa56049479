import numpy as np
from scipy.special import erf


class GELU:
    def forward(self, Z):
        self.Z = Z
        self.A = 0.5 * Z * (1 + erf(Z / np.sqrt(2)))
        return self.A

    def backward(self, dLdA):
        Z = self.Z
        dAdZ = 0.5 * (1 + erf(Z / np.sqrt(2))) + (Z / np.sqrt(2 * np.pi)) * np.exp(-Z ** 2 / 2)
        return dLdA * dAdZ
