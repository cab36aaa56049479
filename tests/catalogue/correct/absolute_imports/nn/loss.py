import numpy as np
from numpy import exp, log


class CrossEntropyLoss:
    def forward(self, A, Y):
        self.Y = Y
        self.N = A.shape[0]
        m = A.max(axis=1)[:, np.newaxis]
        log_norm = m + log(exp(A - m).sum(axis=1))[:, np.newaxis]
        self.softmax = exp(A - log_norm)
        return float((Y * (log_norm - A)).sum() / self.N)

    def backward(self):
        return (self.softmax - self.Y) / self.N
