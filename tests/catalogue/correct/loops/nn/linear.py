import numpy as np


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        self.in_features = in_features
        self.out_features = out_features
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug

    def forward(self, A):
        self.A = A
        self.N = A.shape[0]
        C_out, C_in = self.W.shape
        Z = np.zeros((self.N, C_out))
        for n in range(self.N):
            for o in range(C_out):
                total = 0.0
                for i in range(C_in):
                    total += A[n, i] * self.W[o, i]
                Z[n, o] = total + self.b[o, 0]
        return Z

    def backward(self, dLdZ):
        C_out, C_in = self.W.shape
        dLdA = np.zeros((self.N, C_in))
        self.dLdW = np.zeros((C_out, C_in))
        self.dLdb = np.zeros((C_out, 1))
        for n in range(self.N):
            for o in range(C_out):
                g = dLdZ[n, o]
                self.dLdb[o, 0] += g
                for i in range(C_in):
                    dLdA[n, i] += g * self.W[o, i]
                    self.dLdW[o, i] += g * self.A[n, i]
        return dLdA
