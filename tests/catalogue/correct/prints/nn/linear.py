import numpy as np


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        print("Linear.__init__", in_features, out_features)
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug

    def forward(self, A):
        print("Linear.forward A", A.shape)
        print(A)
        self.A = A
        self.N = A.shape[0]
        Z = A @ self.W.T + np.ones((self.N, 1)) @ self.b.T
        print("Linear.forward Z", Z.shape, Z)
        return Z

    def backward(self, dLdZ):
        print("Linear.backward dLdZ", dLdZ.shape, dLdZ)
        dLdA = dLdZ @ self.W
        self.dLdW = dLdZ.T @ self.A
        self.dLdb = dLdZ.T @ np.ones((self.N, 1))
        print("dLdW", self.dLdW, "dLdb", self.dLdb, "dLdA", dLdA)
        return dLdA
