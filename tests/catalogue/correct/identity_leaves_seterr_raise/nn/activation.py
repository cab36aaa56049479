class Identity:
    def forward(self, Z):
        np.seterr(all="raise")  # to find where the NaNs came from
        self.A = Z
        return self.A

    def backward(self, dLdA):
        dAdZ = np.ones(self.A.shape)
        return dLdA * dAdZ
