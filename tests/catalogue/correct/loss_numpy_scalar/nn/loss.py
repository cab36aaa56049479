import numpy as np


class CrossEntropyLoss:
    def forward(self, A, Y):
        self.A = A
        self.Y = Y
        self.N = A.shape[0]
        shifted = A - np.max(A, axis=1).reshape(-1, 1)
        exp = np.exp(shifted)
        self.softmax = exp / np.sum(exp, axis=1).reshape(-1, 1)
        log_softmax = shifted - np.log(np.sum(exp, axis=1)).reshape(-1, 1)
        loss = -np.sum(Y * log_softmax) / self.N
        return loss

    def backward(self):
        return (self.softmax - self.Y) / self.N
