import numpy as np


class MSELoss:
    def forward(self, A, Y):
        """Mean squared error between predictions A (N, C) and targets Y (N, C).

        L = sum((A - Y) ** 2) / (N * C), over every entry.
        Return L, a scalar (a Python float is fine). Store what backward needs. Do not modify A or Y.
        """
        # BEGIN SOLUTION
        self.A = A
        self.Y = Y
        self.N, self.C = A.shape
        return float(np.sum((A - Y) ** 2) / (self.N * self.C))
        # END SOLUTION

    def backward(self):
        """dLdA = 2 * (A - Y) / (N * C), shape (N, C), for the A and Y of the last forward."""
        # BEGIN SOLUTION
        return 2 * (self.A - self.Y) / (self.N * self.C)
        # END SOLUTION


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
        # BEGIN SOLUTION
        self.A = A
        self.Y = Y
        self.N = A.shape[0]
        shifted = A - A.max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.softmax = np.exp(log_softmax)
        return float(-(Y * log_softmax).sum() / self.N)
        # END SOLUTION

    def backward(self):
        """dLdA = (softmax(A) - Y) / N, shape (N, C), for the A and Y of the last forward."""
        # BEGIN SOLUTION
        return (self.softmax - self.Y) / self.N
        # END SOLUTION
