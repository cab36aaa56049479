class _Apart:
    """Linear layers in self.layers, each followed by its activation in self.f."""

    def __init__(self, widths, debug=False):
        self.layers = [Linear(c_in, c_out) for c_in, c_out in zip(widths, widths[1:])]
        self.f = [ReLU() for _ in self.layers]
        self.debug = debug

    def forward(self, A0):
        out = A0
        for linear, activation in zip(self.layers, self.f):
            out = activation.forward(linear.forward(out))
        return out

    def backward(self, dLdA):
        grad = dLdA
        for linear, activation in zip(self.layers[::-1], self.f[::-1]):
            grad = linear.backward(activation.backward(grad))
        return grad


class MLP0(_Apart):
    def __init__(self, debug=False):
        super().__init__([2, 3], debug)


class MLP1(_Apart):
    def __init__(self, debug=False):
        super().__init__([2, 3, 2], debug)


class MLP4(_Apart):
    def __init__(self, debug=False):
        super().__init__([2, 4, 8, 8, 4, 2], debug)
