import numpy as np


class ReLU:
    def forward(self, Z):
        self.mask = Z > 0
        self.A = Z * self.mask
        return self.A

    def backward(self, dLdA):
        return dLdA * self.mask
