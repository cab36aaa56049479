class SGD:
    def __init__(self, model, lr=0.1, momentum=0):
        self.model = model
        self.lr, self.mu = lr, momentum
        self.velocity = {i: {"W": np.zeros_like(layer.W, dtype=float), "b": np.zeros_like(layer.b, dtype=float)}
                         for i, layer in enumerate(model.layers)}

    def step(self):
        for i, layer in enumerate(self.model.layers):
            for name in ("W", "b"):
                self.velocity[i][name] = self.mu * self.velocity[i][name] + getattr(layer, "dLd" + name)
                setattr(layer, name, getattr(layer, name) - self.lr * self.velocity[i][name])
