

class ReLU(Layer):
    def __init__(self, name="ReLU"):
        super().__init__(name)

    def forward(self, x):
        y = np.zeros_like(x)
        for index in np.ndindex(*x.shape):
            if x[index] > 0:
                y[index] = x[index]
        return y, {"x": x.copy()}

    def backward(self, x, cache, backwards_gradient, gradients):
        dx = np.zeros_like(backwards_gradient)
        for index in np.ndindex(*x.shape):
            if cache["x"][index] > 0:
                dx[index] = backwards_gradient[index]
        return dx
