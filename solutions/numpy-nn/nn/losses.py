"""Losses: forward(y_pred, y_true) -> (loss, cache), loss a scalar (a Python float is fine);
backward(y_pred, y_true, cache) -> dL/dy_pred, y_pred's shape. No method may modify its arguments."""
import numpy as np

from .layer import Cache


class MSE:
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> tuple[float, Cache]:
        """L = mean((y_pred - y_true) ** 2), the mean over every entry: the sum of the squares divided by
        y_pred.size (for [N, C]: by N * C). y_pred and y_true have the same shape, any shape.
        Returns (L, cache), cache a dict of whatever backward needs."""
        # BEGIN SOLUTION
        diff = y_pred - y_true
        return float(np.mean(diff * diff)), {"diff": diff}
        # END SOLUTION

    def backward(self, y_pred: np.ndarray, y_true: np.ndarray, cache: Cache) -> np.ndarray:
        """dL/dy_pred = 2 * (y_pred - y_true) / y_pred.size, y_pred's shape."""
        # BEGIN SOLUTION
        diff = cache["diff"]
        return 2.0 * diff / diff.size
        # END SOLUTION


class CrossEntropy:
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> tuple[float, Cache]:
        """Mean cross-entropy of logits y_pred [N, C] and one-hot labels y_true [N, C]:

            softmax(y_pred)[i, j] = exp(y_pred[i, j]) / sum_k exp(y_pred[i, k])   (over the classes, axis 1)
            L = -sum(y_true * log(softmax(y_pred))) / N                           (the mean over the batch)

        Returns (L, cache). L must be right for any logits: finite when a whole row is shifted by
        thousands, and exact when one logit is hundreds above the label's. Compute log(softmax) as
        (y_pred - m) - log(sum(exp(y_pred - m), axis 1)) with m each row's max (log-sum-exp), never as
        the log of a softmax (which underflows to log(0) = -inf) or log(softmax + eps) (capped near -log(eps)).
        """
        # BEGIN SOLUTION
        shifted = y_pred - y_pred.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-(y_true * log_probs).sum() / y_pred.shape[0]), {"probs": np.exp(log_probs)}
        # END SOLUTION

    def backward(self, y_pred: np.ndarray, y_true: np.ndarray, cache: Cache) -> np.ndarray:
        """dL/dy_pred = (softmax(y_pred) - y_true) / N, shape [N, C]; finite for any logits."""
        # BEGIN SOLUTION
        return (cache["probs"] - y_true) / y_pred.shape[0]
        # END SOLUTION
