import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, alpha=0.9):
        """Batch normalisation over the batch (axis 0) of C = num_features features.

        Given (not graded): BW ones (1, C), Bb zeros (1, C), running_M zeros (1, C),
        running_V ones (1, C), eps = 1e-8, and alpha, the weight of the old running statistics.
        """
        self.alpha = alpha
        self.eps = 1e-8

        self.BW = np.ones((1, num_features))
        self.Bb = np.zeros((1, num_features))
        self.dLdBW = np.zeros((1, num_features))
        self.dLdBb = np.zeros((1, num_features))

        self.running_M = np.zeros((1, num_features))
        self.running_V = np.ones((1, num_features))

    def forward(self, Z, eval=False):
        """Z: (N, C) -> BZ: (N, C).

        Training (eval=False):
            M  = mean of Z over the batch (axis 0)                          (1, C)
            V  = variance of Z over the batch (axis 0, biased: ddof=0)      (1, C)
            NZ = (Z - M) / sqrt(V + eps)                                    (N, C)
            BZ = BW * NZ + Bb                                               (N, C)
            running_M = alpha * running_M + (1 - alpha) * M
            running_V = alpha * running_V + (1 - alpha) * V
        Evaluation (eval=True): NZ = (Z - running_M) / sqrt(running_V + eps), BZ = BW * NZ + Bb,
        and nothing is updated.
        Store what backward needs (Z, N, M, V, NZ). Do not modify Z.
        """
        # TODO: implement BatchNorm1d.forward
        raise NotImplementedError("BatchNorm1d.forward is not implemented yet")

    def backward(self, dLdBZ):
        """Backpropagate dLdBZ (N, C) through the last training-mode forward.

        dLdBW = sum over the batch of dLdBZ * NZ      (1, C)   stored as self.dLdBW
        dLdBb = sum over the batch of dLdBZ           (1, C)   stored as self.dLdBb
        dLdNZ = dLdBZ * BW
        dLdZ  = (dLdNZ - mean(dLdNZ) - NZ * mean(dLdNZ * NZ)) / sqrt(V + eps),
                means over the batch (axis 0)          (N, C)   returned
        Do not modify dLdBZ.
        """
        # TODO: implement BatchNorm1d.backward
        raise NotImplementedError("BatchNorm1d.backward is not implemented yet")
