class MLP0:
    def __init__(self, debug=False):
        self.layers = [Linear(2, 3), ReLU()]
        self.debug = debug

    def forward(self, A0):
        self.Z0 = self.layers[0].forward(A0)
        self.A1 = self.layers[1].forward(self.Z0)
        return self.A1

    def backward(self, dLdA1):
        self.dLdZ0 = self.layers[1].backward(dLdA1)
        self.dLdA0 = self.layers[0].backward(self.dLdZ0)
        return self.dLdA0


class MLP1:
    def __init__(self, debug=False):
        self.layers = [Linear(2, 3), ReLU(), Linear(3, 2), ReLU()]
        self.debug = debug

    def forward(self, A0):
        self.Z0 = self.layers[0].forward(A0)
        self.A1 = self.layers[1].forward(self.Z0)
        self.Z1 = self.layers[2].forward(self.A1)
        self.A2 = self.layers[3].forward(self.Z1)
        return self.A2

    def backward(self, dLdA2):
        self.dLdZ1 = self.layers[3].backward(dLdA2)
        self.dLdA1 = self.layers[2].backward(self.dLdZ1)
        self.dLdZ0 = self.layers[1].backward(self.dLdA1)
        self.dLdA0 = self.layers[0].backward(self.dLdZ0)
        return self.dLdA0


class MLP4:
    def __init__(self, debug=False):
        sizes = [2, 4, 8, 8, 4, 2]
        self.layers = []
        for i in range(5):
            self.layers.append(Linear(sizes[i], sizes[i + 1]))
            self.layers.append(ReLU())
        self.debug = debug

    def forward(self, A):
        self.outputs = [A]
        for i in range(len(self.layers)):
            self.outputs.append(self.layers[i].forward(self.outputs[-1]))
        return self.outputs[-1]

    def backward(self, dLdA):
        self.gradients = [dLdA]
        for i in reversed(range(len(self.layers))):
            self.gradients.append(self.layers[i].backward(self.gradients[-1]))
        return self.gradients[-1]
