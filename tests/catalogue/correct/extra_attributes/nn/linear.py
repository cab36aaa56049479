import numpy as np


class Linear:
    """A fully connected layer with a few conveniences of my own."""

    def __init__(self, in_features, out_features, debug=False):
        self.in_features = in_features
        self.out_features = out_features
        self.W = np.zeros((out_features, in_features))
        self.b = np.zeros((out_features, 1))
        self.debug = debug
        self.training = True
        self.history = []
        self.zero_grad()

    def __repr__(self):
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"

    def __call__(self, A):
        return self.forward(A)

    def parameters(self):
        return [self.W, self.b]

    def zero_grad(self):
        self.dLdW = np.zeros_like(self.W)
        self.dLdb = np.zeros_like(self.b)

    def forward(self, A):
        self.A = A
        self.N = A.shape[0]
        self.Z = A @ self.W.T + np.ones((self.N, 1)) @ self.b.T
        self.history.append(self.Z.shape)
        if self.debug:
            self.last_input_norm = float(np.linalg.norm(A))
        return self.Z

    def backward(self, dLdZ):
        self.dLdZ = dLdZ
        self.dLdA = dLdZ @ self.W
        self.dLdW = dLdZ.T @ self.A
        self.dLdb = dLdZ.T @ np.ones((self.N, 1))
        return self.dLdA
