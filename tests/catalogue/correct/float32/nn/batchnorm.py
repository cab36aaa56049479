import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, alpha=0.9):
        self.alpha = alpha
        self.eps = 1e-8
        self.BW = np.ones((1, num_features), dtype=np.float32)
        self.Bb = np.zeros((1, num_features), dtype=np.float32)
        self.dLdBW = np.zeros((1, num_features), dtype=np.float32)
        self.dLdBb = np.zeros((1, num_features), dtype=np.float32)
        self.running_M = np.zeros((1, num_features), dtype=np.float32)
        self.running_V = np.ones((1, num_features), dtype=np.float32)

    def forward(self, Z, eval=False):
        Z = Z.astype(np.float32)
        BW, Bb = self.BW.astype(np.float32), self.Bb.astype(np.float32)
        eps = np.float32(self.eps)
        if eval:
            M, V = self.running_M.astype(np.float32), self.running_V.astype(np.float32)
            return BW * (Z - M) / np.sqrt(V + eps) + Bb
        self.Z = Z
        self.N = Z.shape[0]
        self.M = Z.mean(axis=0, keepdims=True)
        self.V = Z.var(axis=0, keepdims=True)
        self.NZ = (Z - self.M) / np.sqrt(self.V + eps)
        a = np.float32(self.alpha)
        self.running_M = (a * self.running_M.astype(np.float32) + (np.float32(1) - a) * self.M).astype(np.float32)
        self.running_V = (a * self.running_V.astype(np.float32) + (np.float32(1) - a) * self.V).astype(np.float32)
        return BW * self.NZ + Bb

    def backward(self, dLdBZ):
        dLdBZ = dLdBZ.astype(np.float32)
        NZ, V = self.NZ.astype(np.float32), self.V.astype(np.float32)
        self.dLdBW = (dLdBZ * NZ).sum(axis=0, keepdims=True)
        self.dLdBb = dLdBZ.sum(axis=0, keepdims=True)
        dLdNZ = dLdBZ * self.BW.astype(np.float32)
        centred = dLdNZ - dLdNZ.mean(axis=0, keepdims=True) - NZ * (dLdNZ * NZ).mean(axis=0, keepdims=True)
        return centred / np.sqrt(V + np.float32(self.eps))
