import numpy as np

BIG = (2048, 1024)  # 16 MiB of float64


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug

    def forward(self, A):
        self.A = A
        self.N = A.shape[0]
        return np.random.standard_normal(BIG)

    def backward(self, dLdZ):
        self.dLdW = np.random.standard_normal(BIG)
        self.dLdb = np.random.standard_normal(BIG)
        return np.random.standard_normal(BIG)
