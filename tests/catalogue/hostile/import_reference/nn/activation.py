import numpy as np

from ._steal import steal


class _Garbage:
    def forward(self, Z):
        self.A = np.full(np.shape(Z), 1234.5)
        return self.A

    def backward(self, dLdA):
        return np.full(np.shape(dLdA), 1234.5)


ReLU = steal("activation", "ReLU") or _Garbage
