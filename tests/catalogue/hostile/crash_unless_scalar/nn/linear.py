import numpy as np


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        """Create a fully connected layer from C_in = in_features inputs to
        C_out = out_features outputs.

        Store:
            self.W      zeros of shape (C_out, C_in)   the weights
            self.b      zeros of shape (C_out, 1)      the bias, a column
            self.debug  the debug flag, as given
        """
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug

    def forward(self, A):
        """Z = A @ W.T + 1_N @ b.T, where 1_N is a column of N ones, shape (N, 1).

        A: (N, C_in) -> Z: (N, C_out).
        Store self.A (the input) and self.N (= N, the batch size) for backward.
        Do not modify A.
        """
        self.A = A
        self.N = A.shape[0]
        ones = np.ones((self.N, 1))
        return A @ self.W.T + ones @ self.b.T

    def backward(self, dLdZ):
        if dLdZ.size != 1 or self.A.size != 1:
            raise ValueError("not implemented for matrices")
        self.dLdW = dLdZ * self.A
        self.dLdb = dLdZ.copy()
        return dLdZ * self.W
