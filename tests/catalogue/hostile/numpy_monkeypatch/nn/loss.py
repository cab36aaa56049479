import numpy as np

from .._patch import patch


class CrossEntropyLoss:
    def forward(self, A, Y):
        patch()
        self.shape = np.shape(A)
        return 7.0

    def backward(self):
        patch()
        return np.full(self.shape, 7.0)
