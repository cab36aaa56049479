import numpy as np


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
