import numpy as np


class Activation:
    """Base class: subclasses implement f and df."""

    def __call__(self, Z):
        return self.forward(Z)

    def forward(self, Z):
        self.Z = Z
        self.A = self.f(Z)
        return self.A

    def backward(self, dLdA):
        return dLdA * self.df()


class ReLU(Activation):
    name = "relu"

    def f(self, Z):
        return np.maximum(0, Z)

    def df(self):
        return (self.Z > 0).astype(float)

    def __repr__(self):
        return "ReLU()"
