import numpy as np

CLIP = 1e-7  # predictions are clipped to [CLIP, 1 - CLIP] before the log, as nnfs does


class LossCrossEntropy:
    def forward(self, predict, target):
        """The cross-entropy loss of each sample: -log(the probability predict gives its class).

        predict: (N, C) probabilities (each row sums to 1), clipped to [1e-7, 1 - 1e-7] before the log
        (np.clip(predict, 1e-7, 1 - 1e-7)), so a probability of 0 gives -log(1e-7), not infinity.
        target: either class indices, shape (N,) (integers in 0..C-1), or one-hot rows, shape (N, C).
        Returns the per-sample losses, shape (N,). Do not modify predict or target.
        """
        # BEGIN SOLUTION
        samples = len(predict)
        clipped = np.clip(predict, CLIP, 1 - CLIP)
        if len(target.shape) == 1:
            confidences = clipped[range(samples), target]
        else:
            confidences = np.sum(clipped * target, axis=1)
        return -np.log(confidences)
        # END SOLUTION

    def calculate(self, predict, target):
        """The mean over the batch of the per-sample losses forward returns: a scalar (a Python float or a
        size-1 array). Same arguments as forward."""
        # BEGIN SOLUTION
        sample_losses = self.forward(predict, target)
        return np.mean(sample_losses)
        # END SOLUTION

    def backward(self, dvalues, target):
        """self.dinputs = -target / dvalues / N: the gradient of the mean loss with respect to the predictions.

        dvalues: (N, C), the predictions given to forward (the grader's are never 0). target: class indices
        (N,), turned into one-hot rows (np.eye(C)[target]) first, or one-hot (N, C). self.dinputs: (N, C), an
        array of its own (not dvalues itself). Return nothing. Do not modify dvalues or target.
        """
        # BEGIN SOLUTION
        samples = len(dvalues)
        labels = len(dvalues[0])
        if len(target.shape) == 1:
            target = np.eye(labels)[target]
        self.dinputs = -target / dvalues
        self.dinputs = self.dinputs / samples
        # END SOLUTION


class ActivationLoss:
    """Softmax and cross-entropy in one step: the usual last layer of a classifier, with a simpler gradient."""

    def __init__(self):
        """Given: the softmax and the loss it may use (computing both itself is fine too)."""
        from .activations import ActivationSoftMax

        self.activation = ActivationSoftMax()
        self.loss = LossCrossEntropy()

    def forward(self, inputs, target):
        """Softmax of each row of inputs, then the mean cross-entropy loss of those probabilities.

        inputs: (N, C) raw scores (logits); target: class indices (N,) or one-hot rows (N, C).
        Store the softmax as self.output (N, C); return the mean loss, a scalar (as
        LossCrossEntropy.calculate, clipping included). It must stay finite however large the inputs.
        Do not modify inputs or target.
        """
        # BEGIN SOLUTION
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, target)
        # END SOLUTION

    def backward(self, dvalues, target):
        """self.dinputs = (dvalues - one-hot target) / N: the gradient of the mean loss with respect to inputs.

        dvalues: (N, C), the softmax output (nnfs calls backward(self.output, target): dvalues and
        self.output hold the same values). target: class indices (N,) or one-hot rows (N, C).
        self.dinputs: (N, C), an array of its own. Return nothing. Do not modify dvalues (start from a copy:
        in nnfs it is self.output itself), self.output or target.
        """
        # BEGIN SOLUTION
        samples = len(dvalues)
        if len(target.shape) == 2:
            target = np.argmax(target, axis=1)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), target] -= 1
        self.dinputs = self.dinputs / samples
        # END SOLUTION
