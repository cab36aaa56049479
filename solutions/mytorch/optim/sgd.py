import numpy as np


class SGD:
    def __init__(self, model, lr=0.1, momentum=0):
        """Stochastic gradient descent over model.layers, a list of layers with W, b, dLdW and dLdb.

        Given (not graded): the layers, the learning rate lr, the momentum mu, and one velocity per
        parameter, zeros of its shape (v_W[i] for layers[i].W, v_b[i] for layers[i].b).
        """
        self.l = model.layers
        self.L = len(model.layers)
        self.lr = lr
        self.mu = momentum
        self.v_W = [np.zeros(layer.W.shape, dtype=float) for layer in self.l]
        self.v_b = [np.zeros(layer.b.shape, dtype=float) for layer in self.l]

    def step(self):
        """Update every layer's W and b once, from its dLdW and dLdb.

        Without momentum (mu = 0):  W = W - lr * dLdW                  (same for b)
        With momentum mu:           v_W = mu * v_W + dLdW;  W = W - lr * v_W   (same for b)
        """
        # BEGIN SOLUTION
        for i in range(self.L):
            layer = self.l[i]
            if self.mu == 0:
                layer.W = layer.W - self.lr * layer.dLdW
                layer.b = layer.b - self.lr * layer.dLdb
            else:
                self.v_W[i] = self.mu * self.v_W[i] + layer.dLdW
                self.v_b[i] = self.mu * self.v_b[i] + layer.dLdb
                layer.W = layer.W - self.lr * self.v_W[i]
                layer.b = layer.b - self.lr * self.v_b[i]
        # END SOLUTION
