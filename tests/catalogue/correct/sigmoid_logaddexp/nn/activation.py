import numpy as np


class Sigmoid:
    def forward(self, Z):
        self.A = np.exp(-np.logaddexp(0, -Z))
        return self.A

    def backward(self, dLdA):
        return dLdA * self.A * (1 - self.A)
