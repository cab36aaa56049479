class LossCrossEntropy(LossCrossEntropy):
    def forward(self, predict, target):
        return super().forward(predict.astype(np.float32), target).astype(np.float32)

    def backward(self, dvalues, target):
        super().backward(dvalues.astype(np.float32), target)
        self.dinputs = self.dinputs.astype(np.float32)


class ActivationLoss(ActivationLoss):
    def forward(self, inputs, target):
        return np.float32(super().forward(inputs.astype(np.float32), target))

    def backward(self, dvalues, target):
        super().backward(dvalues.astype(np.float32), target)
        self.dinputs = self.dinputs.astype(np.float32)
