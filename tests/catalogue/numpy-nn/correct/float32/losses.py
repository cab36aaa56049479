

class MSE:
    def forward(self, y_pred, y_true):
        diff = y_pred.astype(np.float32) - y_true.astype(np.float32)
        return np.float32(np.mean(diff * diff)), {"diff": diff}

    def backward(self, y_pred, y_true, cache):
        diff = cache["diff"]
        return np.float32(2) * diff / np.float32(diff.size)


class CrossEntropy:
    def forward(self, y_pred, y_true):
        z = y_pred.astype(np.float32)
        shifted = z - z.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -(y_true.astype(np.float32) * log_probs).sum() / np.float32(z.shape[0])
        return np.float32(loss), {"probs": np.exp(log_probs)}

    def backward(self, y_pred, y_true, cache):
        return (cache["probs"] - y_true.astype(np.float32)) / np.float32(y_pred.shape[0])
