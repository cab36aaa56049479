class Sigmoid:
    def forward(self, Z):
        from scipy.special import expit

        self.A = expit(Z)
        return self.A

    def backward(self, dLdA):
        dAdZ = self.A * (1.0 - self.A)
        return dLdA * dAdZ
