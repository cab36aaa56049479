import math

import numpy as np

if not hasattr(np, "float"):  # old tutorials use np.float, gone since numpy 1.24
    np.float = float


class Identity:
    def forward(self, Z):
        """A = Z.

        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        self.A = np.array(Z, dtype=float)
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = 1 everywhere.

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        return dLdA * np.ones_like(self.A)


class Sigmoid:
    def forward(self, Z):
        """A = 1 / (1 + exp(-Z)), elementwise.

        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        self.A = 1 / (1 + np.exp(-Z))
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = A - A * A (A = the output of forward).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        return dLdA * (self.A - self.A * self.A)


class Tanh:
    def forward(self, Z):
        """A = tanh(Z) = (exp(Z) - exp(-Z)) / (exp(Z) + exp(-Z)), elementwise.

        A must stay finite for |Z| as large as 1000, where exp overflows (np.tanh does).
        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = 1 - A * A (A = the output of forward).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        return dLdA * (1 - self.A * self.A)


class ReLU:
    def forward(self, Z):
        """A = max(0, Z), elementwise.

        Z: any shape -> A: the same shape. Store self.A for backward.
        Do not modify Z.
        """
        self.A = np.maximum(0, Z).astype(np.float)
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, elementwise.

        dA/dZ is 1 where Z > 0 and 0 where Z <= 0 (so 0 at exactly Z = 0).
        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        return dLdA * (self.A > 0)


class GELU:
    def forward(self, Z):
        """A = 0.5 * Z * (1 + erf(Z / sqrt(2))), elementwise.

        erf is math.erf (one number at a time) or scipy.special.erf (whole arrays).
        Z: (N, C) -> A: the same shape. Store what backward needs (Z, A). Do not modify Z.
        """
        self.Z = np.array(Z, dtype=float)
        erf = np.vectorize(math.erf, otypes=[float])(self.Z / math.sqrt(2))
        self.cdf = 0.5 * (1 + erf)
        self.A = self.Z * self.cdf
        return self.A

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where
        dA/dZ = 0.5 * (1 + erf(Z / sqrt(2))) + Z / sqrt(2 pi) * exp(-Z^2 / 2).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        pdf = np.exp(-self.Z * self.Z / 2) / math.sqrt(2 * math.pi)
        return dLdA * (self.cdf + self.Z * pdf)


class Softmax:
    def forward(self, Z):
        """A = softmax of each row of Z (over axis 1): A[i, j] = exp(Z[i, j]) / sum_k exp(Z[i, k]).

        Z: (N, C) -> A: (N, C). Subtract each row's max first so exp cannot overflow.
        Store self.A for backward. Do not modify Z.
        """
        e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
        self.A = e / np.sum(e, axis=1, keepdims=True)
        return self.A

    def backward(self, dLdA):
        """For each row i, with a = A[i] (the output of forward):
        dLdZ[i] = J @ dLdA[i], where J = diag(a) - a a^T is that row's Jacobian (C, C).

        dLdA: (N, C) -> dLdZ: (N, C). Do not modify dLdA.
        """
        dLdZ = np.zeros(dLdA.shape)
        for i in range(dLdA.shape[0]):
            a = self.A[i]
            J = np.diag(a) - np.outer(a, a)
            dLdZ[i] = J @ dLdA[i]
        return dLdZ
