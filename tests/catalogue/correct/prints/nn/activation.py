import numpy as np


class ReLU:
    def forward(self, Z):
        print("ReLU.forward Z =", Z)
        self.A = np.maximum(0, Z)
        print("ReLU.forward A =", self.A)
        return self.A

    def backward(self, dLdA):
        print("ReLU.backward dLdA =", dLdA)
        dLdZ = dLdA * (self.A > 0)
        print("ReLU.backward dLdZ =", dLdZ)
        return dLdZ
