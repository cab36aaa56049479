class SGD:
    def __init__(self, model, lr=0.1, momentum=0):
        self.l = model.layers
        self.L = len(model.layers)
        self.lr = lr
        self.mu = momentum
        self.v_W = [np.zeros(layer.W.shape, dtype=float) for layer in self.l]
        self.v_b = [np.zeros(layer.b.shape, dtype=float) for layer in self.l]

    def step(self):
        for i in range(self.L):
            layer = self.l[i]
            self.v_W[i] = self.mu * self.v_W[i] - self.lr * layer.dLdW
            self.v_b[i] = self.mu * self.v_b[i] - self.lr * layer.dLdb
            layer.W = layer.W + self.v_W[i]
            layer.b = layer.b + self.v_b[i]
