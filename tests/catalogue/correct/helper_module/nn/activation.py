from mytorch.nn import functional as F


class ReLU:
    def forward(self, Z):
        self.A = F.relu(Z)
        return self.A

    def backward(self, dLdA):
        return dLdA * F.relu_grad(self.A)
