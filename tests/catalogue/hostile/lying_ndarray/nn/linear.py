import numpy as np

from ._liar import Liar


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        self.W = Liar((out_features, in_features))
        self.b = Liar((out_features, 1))

    def forward(self, A):
        self.shape = np.shape(A)
        return Liar((self.shape[0], np.shape(self.W)[0]))

    def backward(self, dLdZ):
        self.dLdW = Liar(np.shape(self.W))
        self.dLdb = Liar(np.shape(self.b))
        return Liar(self.shape)
