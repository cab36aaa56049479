
# ATTACK: a ReLU of the model's own that lets everything through (the MLPs become linear networks). The MLP
# tests give every layer a stand-in, so only the class of the activations can tell; appended after the
# reference, it is the ReLU the MLPs' __init__ finds.
class ReLU:
    def forward(self, Z):
        return Z

    def backward(self, dLdA):
        return dLdA
