

class ReLU(Layer):
    def __init__(self, name="ReLU"):
        super().__init__(name)

    def forward(self, x):
        return np.where(x > 0, x, 0.0), {"x": x}

    def backward(self, x, cache, backwards_gradient, gradients):
        return np.where(cache["x"] > 0, backwards_gradient, 0.0)


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Sigmoid(Layer):
    def __init__(self, name="Sigmoid"):
        super().__init__(name)

    def forward(self, x):
        return _sigmoid(x), {}

    def backward(self, x, cache, backwards_gradient, gradients):
        s = _sigmoid(x)
        return backwards_gradient * s * (1 - s)


class Tanh(Layer):
    def __init__(self, name="Tanh"):
        super().__init__(name)

    def forward(self, x):
        y = np.tanh(x)
        return y, (y,)

    def backward(self, x, cache, backwards_gradient, gradients):
        (y,) = cache
        return backwards_gradient - backwards_gradient * y ** 2
