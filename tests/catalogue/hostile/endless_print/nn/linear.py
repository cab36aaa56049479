import sys


def _spew():
    line = "Linear says hello " * 50
    while True:
        print(line)
        print(line, file=sys.stderr)


class Linear:
    def __init__(self, in_features, out_features, debug=False):
        _spew()

    def forward(self, A):
        _spew()

    def backward(self, dLdZ):
        _spew()
