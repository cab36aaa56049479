import numpy as np


class CrossEntropyLoss:
    def forward(self, A, Y):
        self.A = A
        self.Y = Y
        N, C = A.shape
        self.N = N
        Ones_C = np.ones((C, 1))
        Ones_N = np.ones((N, 1))
        row_max = A.max(axis=1, keepdims=True)
        shifted = A - row_max @ Ones_C.T
        log_sum = np.log(np.exp(shifted) @ Ones_C)  # (N, 1)
        log_softmax = shifted - log_sum @ Ones_C.T
        self.softmax = np.exp(log_softmax)
        crossentropy = (-Y * log_softmax) @ Ones_C  # (N, 1)
        sum_crossentropy = Ones_N.T @ crossentropy  # (1, 1)
        L = sum_crossentropy / N
        return L

    def backward(self):
        dLdA = (self.softmax - self.Y) / self.N
        return dLdA
