

class ReLU(Layer):
    def __init__(self, name="ReLU"):
        super().__init__(name)

    def forward(self, x):
        x = x.astype(np.float32)
        return np.maximum(x, np.float32(0)), {"mask": x > 0}

    def backward(self, x, cache, backwards_gradient, gradients):
        return backwards_gradient.astype(np.float32) * cache["mask"]


class Sigmoid(Layer):
    def __init__(self, name="Sigmoid"):
        super().__init__(name)

    def forward(self, x):
        y = (0.5 * (1 + np.tanh(0.5 * x.astype(np.float32)))).astype(np.float32)
        return y, {"y": y}

    def backward(self, x, cache, backwards_gradient, gradients):
        y = cache["y"]
        return backwards_gradient.astype(np.float32) * y * (1 - y)


class Tanh(Layer):
    def __init__(self, name="Tanh"):
        super().__init__(name)

    def forward(self, x):
        y = np.tanh(x.astype(np.float32))
        return y, {"y": y}

    def backward(self, x, cache, backwards_gradient, gradients):
        y = cache["y"]
        return backwards_gradient.astype(np.float32) * (1 - y * y)
