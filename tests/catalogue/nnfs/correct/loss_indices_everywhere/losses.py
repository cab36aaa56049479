def _indices(target):
    return np.argmax(target, axis=1) if target.ndim == 2 else target


class LossCrossEntropy:
    def forward(self, predict, target):
        rows = np.arange(len(predict))
        return -np.log(np.clip(predict[rows, _indices(target)], 1e-7, 1 - 1e-7))

    def calculate(self, predict, target):
        return self.forward(predict, target).mean()

    def backward(self, dvalues, target):
        rows, n = np.arange(len(dvalues)), len(dvalues)
        dinputs = np.zeros_like(dvalues)
        labels = _indices(target)
        dinputs[rows, labels] = -1.0 / dvalues[rows, labels]
        self.dinputs = dinputs / n


class ActivationLoss(ActivationLoss):
    def backward(self, dvalues, target):
        rows = np.arange(len(dvalues))
        dinputs = np.array(dvalues, dtype=float, copy=True)
        dinputs[rows, _indices(target)] -= 1.0
        self.dinputs = dinputs / len(dvalues)
