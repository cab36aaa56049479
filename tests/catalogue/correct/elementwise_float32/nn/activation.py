import numpy as np
from scipy.special import erf


class Identity:
    def forward(self, Z):
        self.A = Z.astype(np.float32)
        return self.A

    def backward(self, dLdA):
        return dLdA.astype(np.float32) * np.ones_like(self.A, dtype=np.float32)


class Sigmoid:
    def forward(self, Z):
        Z = Z.astype(np.float32)
        self.A = np.float32(1) / (np.float32(1) + np.exp(-Z))
        return self.A

    def backward(self, dLdA):
        A = np.asarray(self.A, dtype=np.float32)
        return dLdA.astype(np.float32) * (A - A * A)


class Tanh:
    def forward(self, Z):
        self.A = np.tanh(Z.astype(np.float32))
        return self.A

    def backward(self, dLdA):
        A = np.asarray(self.A, dtype=np.float32)
        return dLdA.astype(np.float32) * (np.float32(1) - A * A)


class GELU:
    def forward(self, Z):
        self.Z = Z.astype(np.float32)
        self.cdf = np.float32(0.5) * (np.float32(1) + erf(self.Z / np.float32(np.sqrt(2))))
        self.A = self.Z * self.cdf
        return self.A

    def backward(self, dLdA):
        Z = self.Z
        pdf = np.exp(-Z * Z / np.float32(2)) / np.float32(np.sqrt(2 * np.pi))
        return dLdA.astype(np.float32) * (self.cdf + Z * pdf)
