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
        if not eval:
            self.M = np.mean(Z, axis=0, keepdims=True)
            std = np.std(Z, axis=0, keepdims=True)
            self.V = std ** 2
            self.sigma = np.sqrt(self.V + self.eps)
            self.NZ = (Z - self.M) / self.sigma
            self.running_M = self.alpha * self.running_M + (1 - self.alpha) * self.M
            self.running_V = self.alpha * self.running_V + (1 - self.alpha) * self.V
            return self.BW * self.NZ + self.Bb
        sigma = np.sqrt(self.running_V + self.eps)
        return self.BW * ((Z - self.running_M) / sigma) + self.Bb

    def backward(self, dLdBZ):
        N = dLdBZ.shape[0]
        self.dLdBW = np.sum(dLdBZ * self.NZ, axis=0, keepdims=True)
        self.dLdBb = np.sum(dLdBZ, axis=0, keepdims=True)
        dLdNZ = dLdBZ * self.BW
        sigma = np.sqrt(self.V + self.eps)
        return (N * dLdNZ - dLdNZ.sum(axis=0, keepdims=True)
                - self.NZ * (dLdNZ * self.NZ).sum(axis=0, keepdims=True)) / (N * sigma)
