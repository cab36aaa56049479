import math

import numpy as np


class CrossEntropyLoss:
    def forward(self, A, Y):
        N, C = A.shape
        self.N = N
        self.Y = Y
        self.softmax = np.zeros((N, C))
        total = 0.0
        for n in range(N):
            m = max(A[n, c] for c in range(C))
            s = 0.0
            for c in range(C):
                s += math.exp(A[n, c] - m)
            log_norm = m + math.log(s)
            for c in range(C):
                self.softmax[n, c] = math.exp(A[n, c] - log_norm)
                total -= Y[n, c] * (A[n, c] - log_norm)
        return total / N

    def backward(self):
        N, C = self.softmax.shape
        dLdA = np.zeros((N, C))
        for n in range(N):
            for c in range(C):
                dLdA[n, c] = (self.softmax[n, c] - self.Y[n, c]) / N
        return dLdA
