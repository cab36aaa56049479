class SGD:
    def __init__(self, model, lr=0.1, momentum=0):
        self.l = model.layers
        self.L = len(model.layers)
        self.lr = np.float32(lr)
        self.mu = np.float32(momentum)
        self.v_W = [np.zeros(layer.W.shape, dtype=np.float32) for layer in self.l]
        self.v_b = [np.zeros(layer.b.shape, dtype=np.float32) for layer in self.l]

    def step(self):
        for i in range(self.L):
            layer = self.l[i]
            self.v_W[i] = self.mu * self.v_W[i] + layer.dLdW.astype(np.float32)
            self.v_b[i] = self.mu * self.v_b[i] + layer.dLdb.astype(np.float32)
            layer.W = layer.W.astype(np.float32) - self.lr * self.v_W[i]
            layer.b = layer.b.astype(np.float32) - self.lr * self.v_b[i]
