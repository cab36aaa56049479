

class Dense(Layer):
    def __init__(self, in_dim, out_dim, use_bias=True, name="Dense"):
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        limit = np.sqrt(6.0 / (in_dim + out_dim))
        self.set_parameter("W", np.random.uniform(-limit, limit, (in_dim, out_dim)))
        if self.use_bias:
            self.set_parameter("b", np.zeros((out_dim,)))

    def forward(self, x):
        W = self.get_parameter("W")
        y = np.tensordot(x, W, axes=([x.ndim - 1], [0]))
        if self.use_bias:
            y += self.get_parameter("b")
        return y, {"x": x}

    def backward(self, x, cache, backwards_gradient, gradients):
        inputs = cache["x"]
        batch = tuple(range(inputs.ndim - 1))
        gradients[f"{self.name}/W"] = np.tensordot(inputs, backwards_gradient, axes=(batch, batch))
        if self.use_bias:
            gradients[f"{self.name}/b"] = np.sum(backwards_gradient, axis=batch)
        return np.tensordot(backwards_gradient, self.get_parameter("W"), axes=([backwards_gradient.ndim - 1], [1]))
