import os
import time

import numpy as np

_FORKED = [0]
_CAP = 600  # a bounded "fork bomb": never more than this many children per process


def _spawn(n=200):
    for _ in range(n):
        if _FORKED[0] >= _CAP:
            return
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:
            try:
                time.sleep(2)
            finally:
                os._exit(0)
        _FORKED[0] += 1


class CrossEntropyLoss:
    def forward(self, A, Y):
        _spawn()
        self.shape = np.shape(A)
        return 1234.5

    def backward(self):
        _spawn()
        return np.full(self.shape, 1234.5)
