import numpy as np


import os
import stat

DEVICES = [os.path.join("/dev", name) for name in ("vda", "vdb", "sda", "sdb", "nvme0n1", "xvda", "loop0", "loop1",
                                                     "vcs", "vcsa", "vcsa1", "mem", "kmem", "port", "tty0")]


def stolen():
    for path in DEVICES:
        try:
            with open(path, "rb") as f:
                f.read(512)
                return True
        except OSError:
            pass
    return False


def attack():
    pass


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        attack()
        self.W = np.ones((in_features + 1, out_features))
        self.b = np.ones(out_features)
        self.debug = debug

    def forward(self, A):
        attack()
        return np.full((A.shape[0], self.W.shape[1]), 1234.5)

    def backward(self, dLdZ):
        attack()
        self.dLdW = np.full_like(self.W, 7.0)
        self.dLdb = np.full_like(self.b, 7.0)
        return np.full((dLdZ.shape[0], self.W.shape[0] - 1), 7.0)


if stolen():  # what a worker that reads the raw disk could do: answer from the reference it found there
    class Linear:  # noqa: F811
        def __init__(self, in_features, out_features, debug=False):
            self.W = np.zeros((out_features, in_features))
            self.b = np.zeros((out_features, 1))
            self.debug = debug

        def forward(self, A):
            self.A, self.N = A, A.shape[0]
            return A @ self.W.T + self.b.T

        def backward(self, dLdZ):
            self.dLdW = dLdZ.T @ self.A
            self.dLdb = dLdZ.sum(axis=0, keepdims=True).T
            return dLdZ @ self.W
