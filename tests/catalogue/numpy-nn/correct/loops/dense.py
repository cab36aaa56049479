

class Dense(Layer):
    def __init__(self, in_dim, out_dim, use_bias=True, name="Dense"):
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        self.set_parameter("W", np.random.randn(in_dim, out_dim) / np.sqrt(in_dim))
        if use_bias:
            self.set_parameter("b", np.zeros(out_dim))

    def forward(self, x):
        W = self.get_parameter("W")
        samples = x.reshape(-1, self.in_dim)
        y = np.zeros((samples.shape[0], self.out_dim))
        for i, row in enumerate(samples):
            y[i] = row @ W
            if self.use_bias:
                y[i] += self.get_parameter("b")
        return y.reshape(x.shape[:-1] + (self.out_dim,)), {}

    def backward(self, x, cache, backwards_gradient, gradients):
        W = self.get_parameter("W")
        X = x.reshape(-1, self.in_dim)
        G = backwards_gradient.reshape(-1, self.out_dim)
        dW = np.zeros_like(W)
        db = np.zeros(self.out_dim)
        dx = np.zeros_like(X)
        for i in range(X.shape[0]):
            dW += np.outer(X[i], G[i])
            db += G[i]
            dx[i] = W @ G[i]
        gradients[f"{self.name}/W"] = dW
        if self.use_bias:
            gradients[f"{self.name}/b"] = db
        return dx.reshape(x.shape)
