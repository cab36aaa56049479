import numpy as np

from ._steal import steal


class _Garbage:
    def __init__(self, in_features, out_features, debug=False):
        self.W = np.full((out_features, in_features), 1234.5)
        self.b = np.full((out_features, 1), 1234.5)

    def forward(self, A):
        self.shape = np.shape(A)
        return np.full((self.shape[0], self.W.shape[0]), 1234.5)

    def backward(self, dLdZ):
        self.dLdW = np.full(self.W.shape, 1234.5)
        self.dLdb = np.full(self.b.shape, 1234.5)
        return np.full(self.shape, 1234.5)


Linear = steal("linear", "Linear") or _Garbage
