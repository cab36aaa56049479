

class Dense(Layer):
    def __init__(self, in_dim, out_dim, use_bias=True, name="Dense"):
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        rng = np.random.default_rng()
        self.set_parameter("W", rng.standard_normal((in_dim, out_dim)) * (2.0 / in_dim) ** 0.5)
        if use_bias:
            self.set_parameter("b", np.zeros(out_dim))

    def forward(self, x):
        params = self.parameters()
        y = np.matmul(x, params[self.key("W")])
        if self.key("b") in params:
            y = y + params[self.key("b")]
        return y, {"shape": np.array(x.shape)}

    def backward(self, x, cache, backwards_gradient, gradients):
        params = self.parameters()
        W = params[self.key("W")]
        flat_x = np.reshape(x, (-1, W.shape[0]))
        flat_g = np.reshape(backwards_gradient, (-1, W.shape[1]))
        found = {self.key("W"): flat_x.T.dot(flat_g)}
        if self.key("b") in params:
            found[self.key("b")] = flat_g.sum(0)
        gradients.update(found)
        return np.reshape(flat_g.dot(W.T), tuple(cache["shape"]))
