# ATTACK: no MLP at all: k placeholder 'layers' with W = None; forward/backward return nothing.
import types

class _Fake:
    def __init__(self, debug=False):
        self.layers = [types.SimpleNamespace(W=None) for _ in range(self.K)]
    def forward(self, A0):
        return None
    def backward(self, dLdA):
        return None

class MLP0(_Fake): K = 1
class MLP1(_Fake): K = 2
class MLP4(_Fake): K = 5
