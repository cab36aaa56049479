class Linear:
    def __init__(self, in_features, out_features, debug=False):
        while True:
            pass

    def forward(self, A):
        i = 0
        while True:
            i += 1

    def backward(self, dLdZ):
        while True:
            pass
