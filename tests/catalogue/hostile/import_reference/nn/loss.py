import numpy as np

from ._steal import steal


class _Garbage:
    def forward(self, A, Y):
        self.shape = np.shape(A)
        return 1234.5

    def backward(self):
        return np.full(self.shape, 1234.5)


CrossEntropyLoss = steal("loss", "CrossEntropyLoss") or _Garbage
