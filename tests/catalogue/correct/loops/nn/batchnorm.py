import math

import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, alpha=0.9):
        self.alpha = alpha
        self.eps = 1e-8
        self.BW = np.ones((1, num_features))
        self.Bb = np.zeros((1, num_features))
        self.dLdBW = np.zeros((1, num_features))
        self.dLdBb = np.zeros((1, num_features))
        self.running_M = np.zeros((1, num_features))
        self.running_V = np.ones((1, num_features))

    def forward(self, Z, eval=False):
        N, C = Z.shape
        BZ = np.zeros((N, C))
        if eval:
            for c in range(C):
                scale = math.sqrt(self.running_V[0, c] + self.eps)
                for n in range(N):
                    BZ[n, c] = self.BW[0, c] * (Z[n, c] - self.running_M[0, c]) / scale + self.Bb[0, c]
            return BZ
        self.Z, self.N = Z, N
        self.M, self.V, self.NZ = np.zeros((1, C)), np.zeros((1, C)), np.zeros((N, C))
        running_M, running_V = np.zeros((1, C)), np.zeros((1, C))
        for c in range(C):
            total = 0.0
            for n in range(N):
                total += Z[n, c]
            mean = total / N
            squares = 0.0
            for n in range(N):
                squares += (Z[n, c] - mean) ** 2
            var = squares / N
            self.M[0, c], self.V[0, c] = mean, var
            for n in range(N):
                self.NZ[n, c] = (Z[n, c] - mean) / math.sqrt(var + self.eps)
                BZ[n, c] = self.BW[0, c] * self.NZ[n, c] + self.Bb[0, c]
            running_M[0, c] = self.alpha * self.running_M[0, c] + (1 - self.alpha) * mean
            running_V[0, c] = self.alpha * self.running_V[0, c] + (1 - self.alpha) * var
        self.running_M, self.running_V = running_M, running_V
        return BZ

    def backward(self, dLdBZ):
        N, C = dLdBZ.shape
        dLdZ = np.zeros((N, C))
        self.dLdBW, self.dLdBb = np.zeros((1, C)), np.zeros((1, C))
        for c in range(C):
            mean_d, mean_dnz = 0.0, 0.0
            for n in range(N):
                self.dLdBW[0, c] += dLdBZ[n, c] * self.NZ[n, c]
                self.dLdBb[0, c] += dLdBZ[n, c]
                d = dLdBZ[n, c] * self.BW[0, c]
                mean_d += d / N
                mean_dnz += d * self.NZ[n, c] / N
            scale = math.sqrt(self.V[0, c] + self.eps)
            for n in range(N):
                d = dLdBZ[n, c] * self.BW[0, c]
                dLdZ[n, c] = (d - mean_d - self.NZ[n, c] * mean_dnz) / scale
        return dLdZ
