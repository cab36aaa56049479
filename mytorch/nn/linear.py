import numpy as np


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        """Create a fully connected layer from C_in = in_features inputs to
        C_out = out_features outputs.

        Store:
            self.W      zeros of shape (C_out, C_in)   the weights
            self.b      zeros of shape (C_out, 1)      the bias, a column
            self.debug  the debug flag, as given
        """
        # TODO: implement Linear.__init__
        raise NotImplementedError("Linear.__init__ is not implemented yet")

    def forward(self, A):
        """Z = A @ W.T + 1_N @ b.T, where 1_N is a column of N ones, shape (N, 1).

        A: (N, C_in) -> Z: (N, C_out).
        Store self.A (the input) and self.N (= N, the batch size) for backward.
        Do not modify A.
        """
        # TODO: implement Linear.forward
        raise NotImplementedError("Linear.forward is not implemented yet")

    def backward(self, dLdZ):
        """Backpropagate dLdZ (N, C_out), the gradient of the loss with respect to Z.

        dLdA = dLdZ @ W        (N, C_in)       returned
        dLdW = dLdZ.T @ A      (C_out, C_in)   stored as self.dLdW
        dLdb = dLdZ.T @ 1_N    (C_out, 1)      stored as self.dLdb

        A and N are the ones stored by forward. Do not modify dLdZ.
        """
        # TODO: implement Linear.backward
        raise NotImplementedError("Linear.backward is not implemented yet")
