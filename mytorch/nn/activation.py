import math

import numpy as np


class Identity:
    def forward(self, Z):
        """A = Z.

        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        # TODO: implement Identity.forward
        raise NotImplementedError("Identity.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = 1 everywhere.

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # TODO: implement Identity.backward
        raise NotImplementedError("Identity.backward is not implemented yet")


class Sigmoid:
    def forward(self, Z):
        """A = 1 / (1 + exp(-Z)), elementwise.

        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        # TODO: implement Sigmoid.forward
        raise NotImplementedError("Sigmoid.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = A - A * A (A = the output of forward).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # TODO: implement Sigmoid.backward
        raise NotImplementedError("Sigmoid.backward is not implemented yet")


class Tanh:
    def forward(self, Z):
        """A = tanh(Z) = (exp(Z) - exp(-Z)) / (exp(Z) + exp(-Z)), elementwise.

        A must stay finite for |Z| as large as 1000, where exp overflows (np.tanh does).
        Z: (N, C) -> A: the same shape. Store self.A for backward. Do not modify Z.
        """
        # TODO: implement Tanh.forward
        raise NotImplementedError("Tanh.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where dA/dZ = 1 - A * A (A = the output of forward).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # TODO: implement Tanh.backward
        raise NotImplementedError("Tanh.backward is not implemented yet")


class ReLU:
    def forward(self, Z):
        """A = max(0, Z), elementwise.

        Z: any shape -> A: the same shape. Store self.A for backward.
        Do not modify Z.
        """
        # TODO: implement ReLU.forward
        raise NotImplementedError("ReLU.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, elementwise.

        dA/dZ is 1 where Z > 0 and 0 where Z <= 0 (so 0 at exactly Z = 0).
        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # TODO: implement ReLU.backward
        raise NotImplementedError("ReLU.backward is not implemented yet")


class GELU:
    def forward(self, Z):
        """A = 0.5 * Z * (1 + erf(Z / sqrt(2))), elementwise.

        erf is math.erf (one number at a time) or scipy.special.erf (whole arrays).
        Z: (N, C) -> A: the same shape. Store what backward needs (Z, A). Do not modify Z.
        """
        # TODO: implement GELU.forward
        raise NotImplementedError("GELU.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, where
        dA/dZ = 0.5 * (1 + erf(Z / sqrt(2))) + Z / sqrt(2 pi) * exp(-Z^2 / 2).

        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # TODO: implement GELU.backward
        raise NotImplementedError("GELU.backward is not implemented yet")


class Softmax:
    def forward(self, Z):
        """A = softmax of each row of Z (over axis 1): A[i, j] = exp(Z[i, j]) / sum_k exp(Z[i, k]).

        Z: (N, C) -> A: (N, C). Subtract each row's max first so exp cannot overflow.
        Store self.A for backward. Do not modify Z.
        """
        # TODO: implement Softmax.forward
        raise NotImplementedError("Softmax.forward is not implemented yet")

    def backward(self, dLdA):
        """For each row i, with a = A[i] (the output of forward):
        dLdZ[i] = J @ dLdA[i], where J = diag(a) - a a^T is that row's Jacobian (C, C).

        dLdA: (N, C) -> dLdZ: (N, C). Do not modify dLdA.
        """
        # TODO: implement Softmax.backward
        raise NotImplementedError("Softmax.backward is not implemented yet")
