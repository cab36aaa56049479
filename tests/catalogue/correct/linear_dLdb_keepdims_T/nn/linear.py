import numpy as np


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug

    def forward(self, A):
        self.A = A
        self.N = A.shape[0]
        return np.matmul(A, self.W.T) + np.dot(np.ones((self.N, 1)), self.b.T)

    def backward(self, dLdZ):
        self.dLdW = np.dot(dLdZ.T, self.A)
        self.dLdb = dLdZ.sum(axis=0, keepdims=True).T
        return np.matmul(dLdZ, self.W)
