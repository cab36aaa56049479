import numpy as np

from ._forge import forge


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        forge()
        self.W = np.full((out_features, in_features), 1234.5)
        self.b = np.full((out_features, 1), 1234.5)

    def forward(self, A):
        forge()
        self.shape = np.shape(A)
        return np.full((np.shape(A)[0], self.W.shape[0]), 1234.5)

    def backward(self, dLdZ):
        forge()
        self.dLdW = np.full(self.W.shape, 1234.5)
        self.dLdb = np.full(self.b.shape, 1234.5)
        return np.full(self.shape, 1234.5)
