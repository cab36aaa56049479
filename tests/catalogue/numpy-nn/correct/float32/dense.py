

class Dense(Layer):
    def __init__(self, in_dim, out_dim, use_bias=True, name="Dense"):
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        self.set_parameter("W", (np.random.randn(in_dim, out_dim) * np.sqrt(2.0 / in_dim)).astype(np.float32))
        if use_bias:
            self.set_parameter("b", np.zeros(out_dim, dtype=np.float32))

    def forward(self, x):
        x = x.astype(np.float32)
        y = x @ self.get_parameter("W").astype(np.float32)
        if self.use_bias:
            y = y + self.get_parameter("b").astype(np.float32)
        return y, {}

    def backward(self, x, cache, backwards_gradient, gradients):
        W = self.get_parameter("W").astype(np.float32)
        X = x.astype(np.float32).reshape(-1, W.shape[0])
        G = backwards_gradient.astype(np.float32).reshape(-1, W.shape[1])
        gradients[f"{self.name}/W"] = X.T @ G
        if self.use_bias:
            gradients[f"{self.name}/b"] = G.sum(axis=0)
        return (G @ W.T).reshape(x.shape)
