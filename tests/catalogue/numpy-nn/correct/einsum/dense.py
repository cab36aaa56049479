

class Dense(Layer):
    def __init__(self, in_dim, out_dim, use_bias=True, name="Dense"):
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        self.set_parameter("W", np.random.normal(0.0, np.sqrt(2.0 / in_dim), size=(in_dim, out_dim)))
        if use_bias:
            self.set_parameter("b", np.zeros(out_dim))

    def forward(self, x):
        y = np.einsum("...i,io->...o", x, self.get_parameter("W"))
        if self.use_bias:
            y = y + self.get_parameter("b")
        return y, {}

    def backward(self, x, cache, backwards_gradient, gradients):
        X, G = x.reshape(-1, self.in_dim), backwards_gradient.reshape(-1, self.out_dim)
        gradients[self.name + "/W"] = np.einsum("ni,no->io", X, G)
        if self.use_bias:
            gradients[self.name + "/b"] = np.einsum("no->o", G)
        return np.einsum("...o,io->...i", backwards_gradient, self.get_parameter("W"))
