import numpy as np


class MSELoss:
    def forward(self, A, Y):
        """Mean squared error between predictions A (N, C) and targets Y (N, C).

        L = sum((A - Y) ** 2) / (N * C), over every entry.
        Return L, a scalar (a Python float is fine). Store what backward needs. Do not modify A or Y.
        """
        # TODO: implement MSELoss.forward
        raise NotImplementedError("MSELoss.forward is not implemented yet")

    def backward(self):
        """dLdA = 2 * (A - Y) / (N * C), shape (N, C), for the A and Y of the last forward."""
        # TODO: implement MSELoss.backward
        raise NotImplementedError("MSELoss.backward is not implemented yet")


class CrossEntropyLoss:
    def forward(self, A, Y):
        """Mean cross-entropy between logits A (N, C) and one-hot labels Y (N, C).

        softmax(A)[i, j] = exp(A[i, j]) / sum_k exp(A[i, k])   (over classes, axis 1)
        L = (1 / N) * sum_i ( -sum_j Y[i, j] * log(softmax(A)[i, j]) )

        Return L, a scalar (a Python float is fine).
        Must stay finite for large logits (e.g. 1000): subtracting each row's max
        from A leaves softmax(A) unchanged and keeps exp from overflowing.
        Store what backward needs. Do not modify A or Y.
        """
        # TODO: implement CrossEntropyLoss.forward
        raise NotImplementedError("CrossEntropyLoss.forward is not implemented yet")

    def backward(self):
        """dLdA = (softmax(A) - Y) / N, shape (N, C), for the A and Y of the last forward."""
        # TODO: implement CrossEntropyLoss.backward
        raise NotImplementedError("CrossEntropyLoss.backward is not implemented yet")
