class SGD:
    def __init__(self, model, lr=0.1, momentum=0):
        self.l = model.layers
        self.L = len(model.layers)
        self.lr = lr
        self.mu = momentum
        self.v_W = [np.zeros(layer.W.shape, dtype=float) for layer in self.l]
        self.v_b = [np.zeros(layer.b.shape, dtype=float) for layer in self.l]

    def step(self):
        for i, layer in enumerate(self.l):
            if self.mu == 0:
                layer.W -= self.lr * layer.dLdW
                layer.b -= self.lr * layer.dLdb
                continue
            self.v_W[i] *= self.mu
            self.v_W[i] += layer.dLdW
            self.v_b[i] *= self.mu
            self.v_b[i] += layer.dLdb
            layer.W -= self.lr * self.v_W[i]
            layer.b -= self.lr * self.v_b[i]
