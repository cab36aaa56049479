import numpy as np


class ActivationReLU:
    def forward(self, inputs):
        """output = max(0, inputs), elementwise.

        inputs: (N, C) -> self.output: (N, C). Store self.inputs (for backward) and self.output. Return
        nothing. Do not modify inputs.
        """
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        """self.dinputs = dvalues where inputs > 0, and 0 where inputs <= 0 (so 0 at exactly 0).

        dvalues: (N, C) -> self.dinputs: (N, C), for the inputs of the last forward. Return nothing.
        Do not modify dvalues, and make self.dinputs an array of its own (dvalues.copy(), not dvalues
        itself): the caller may reuse dvalues.
        """
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class ActivationSoftMax:
    def forward(self, inputs):
        """self.output = the softmax of each row of inputs (over axis 1):
        output[i, j] = exp(inputs[i, j]) / sum_k exp(inputs[i, k]).

        inputs: (N, C) -> self.output: (N, C), each row summing to 1. It must stay finite however large the
        inputs: subtract each row's max before exp (softmax is unchanged). Store self.inputs and
        self.output. Return nothing. Do not modify inputs.
        """
        self.inputs = inputs
        x = inputs.astype(np.float32)
        top = x.max(axis=1, keepdims=True)
        log_sum = top + np.log(np.exp(x - top).sum(axis=1, keepdims=True))
        self.output = np.exp(x - log_sum)

    def backward(self, dvalues):
        """For each row i, with o = self.output[i] as a column (C, 1):
        self.dinputs[i] = J @ dvalues[i], where J = diagflat(o) - o @ o.T is that row's Jacobian (C, C).

        dvalues: (N, C) -> self.dinputs: (N, C), for the output of the last forward. Return nothing.
        Do not modify dvalues, and make self.dinputs an array of its own (not dvalues itself).
        """
        self.dinputs = np.empty_like(dvalues)
        for index, (single_output, single_dvalues) in enumerate(zip(self.output, dvalues)):
            single_output = single_output.reshape(-1, 1)
            jacobian_matrix = np.diagflat(single_output) - np.dot(single_output, single_output.T)
            self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)
