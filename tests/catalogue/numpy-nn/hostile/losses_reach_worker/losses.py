import sys

import numpy as np


def _meddle():
    frame = sys._getframe(1)
    while frame is not None:
        found = frame.f_locals
        if "out" in found and "objects" in found and isinstance(found["out"], dict):
            out, objects = found["out"], found["objects"]
            labels = list(out)
            for i, label in enumerate(labels):
                out[label] = {"b": 0} if i % 2 else {"bad": "forged " * 500}
            out["grad"] = {"b": 10 ** 9}
            out["loss"] = {"b": -1}
            out["forged.label"] = {"b": 0}
            for key in list(objects):
                if isinstance(objects[key], dict):
                    objects[key] = [1, 2, 3]
            return
        frame = frame.f_back


class MSE:
    def forward(self, y_pred, y_true):
        _meddle()
        return 123.0, {"diff": np.zeros(3)}

    def backward(self, y_pred, y_true, cache):
        _meddle()
        return np.full(y_pred.shape, 4.0)


class CrossEntropy(MSE):
    pass
