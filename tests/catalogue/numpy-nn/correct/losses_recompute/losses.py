from scipy.special import log_softmax, logsumexp


class MSE:
    def forward(self, y_pred, y_true):
        return np.square(y_pred - y_true).sum() / y_pred.size, None

    def backward(self, y_pred, y_true, cache):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class CrossEntropy:
    def forward(self, y_pred, y_true):
        rows = np.arange(y_pred.shape[0])
        picked = y_pred[rows, y_true.argmax(axis=1)]
        return np.mean(logsumexp(y_pred, axis=1) - picked), None

    def backward(self, y_pred, y_true, cache):
        return (np.exp(log_softmax(y_pred, axis=1)) - y_true) / len(y_pred)
