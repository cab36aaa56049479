import numpy as np


class ReLU:
    def forward(self, Z):
        """A = max(0, Z), elementwise.

        Z: any shape -> A: the same shape. Store self.A for backward.
        Do not modify Z.
        """
        # BEGIN SOLUTION
        self.A = np.maximum(0, Z)
        return self.A
        # END SOLUTION

    def backward(self, dLdA):
        """dLdZ = dLdA * dA/dZ, elementwise.

        dA/dZ is 1 where Z > 0 and 0 where Z <= 0 (so 0 at exactly Z = 0).
        dLdA: the shape of Z -> dLdZ: the same shape. Do not modify dLdA.
        """
        # BEGIN SOLUTION
        return dLdA * (self.A > 0)
        # END SOLUTION
