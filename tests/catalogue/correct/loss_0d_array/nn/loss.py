import numpy as np


def _log_softmax(A):
    shifted = A - np.max(A, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


class CrossEntropyLoss:
    def forward(self, A, Y):
        self.Y = Y
        self.N = A.shape[0]
        log_p = _log_softmax(A)
        self.softmax = np.exp(log_p)
        return np.array(-np.sum(Y * log_p) / self.N)

    def backward(self):
        return (self.softmax - self.Y) / self.N
