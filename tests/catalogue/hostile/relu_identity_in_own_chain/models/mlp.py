# ATTACK: the MLPs have no activations at all (a purely linear network): wrong.
from ..nn.linear import Linear

class _Net:
    def forward(self, A0):
        A = A0
        for layer in self.layers:
            A = layer.forward(A)
        return A
    def backward(self, dLdA):
        for layer in reversed(self.layers):
            dLdA = layer.backward(dLdA)
        return dLdA

def _mk(w): return [Linear(a, b) for a, b in zip(w[:-1], w[1:])]
class MLP0(_Net):
    def __init__(self, debug=False): self.layers = _mk([2, 3])
class MLP1(_Net):
    def __init__(self, debug=False): self.layers = _mk([2, 3, 2])
class MLP4(_Net):
    def __init__(self, debug=False): self.layers = _mk([2, 4, 8, 8, 4, 2])
