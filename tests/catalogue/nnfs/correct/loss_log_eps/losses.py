class LossCrossEntropy(LossCrossEntropy):
    def forward(self, predict, target):
        if target.ndim == 1:
            picked = predict[np.arange(len(predict)), target]
        else:
            picked = (predict * target).sum(axis=1)
        return -np.log(picked + 1e-7)
