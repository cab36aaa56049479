"""Small multi-layer perceptrons built from mytorch's Linear and ReLU.

The course's layout keeps this file as models/mlp.py beside mytorch/; there, import the layers
absolutely: `from mytorch.nn.linear import Linear` and `from mytorch.nn.activation import ReLU`.
Here, inside mytorch/, the relative imports below do the same. The grader accepts either place.
"""
from ..nn.activation import ReLU
from ..nn.linear import Linear


class MLP0:
    def __init__(self, debug=False):
        """One layer: self.layers = [Linear(2, 3), ReLU()]. Keep debug as self.debug."""
        # TODO: implement MLP0.__init__
        raise NotImplementedError("MLP0.__init__ is not implemented yet")

    def forward(self, A0):
        """A0: (N, 2) -> the output of the last layer, (N, 3): each layer's forward in turn."""
        # TODO: implement MLP0.forward
        raise NotImplementedError("MLP0.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdA: the gradient at the output, (N, 3) -> the gradient at the input A0, (N, 2).

        Each layer's backward in reverse order; every Linear then holds its dLdW and dLdb.
        """
        # TODO: implement MLP0.backward
        raise NotImplementedError("MLP0.backward is not implemented yet")


class MLP1:
    def __init__(self, debug=False):
        """Two layers: self.layers = [Linear(2, 3), ReLU(), Linear(3, 2), ReLU()]. Keep debug as self.debug."""
        # TODO: implement MLP1.__init__
        raise NotImplementedError("MLP1.__init__ is not implemented yet")

    def forward(self, A0):
        """A0: (N, 2) -> the output of the last layer, (N, 2): each layer's forward in turn."""
        # TODO: implement MLP1.forward
        raise NotImplementedError("MLP1.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdA: (N, 2) -> the gradient at the input A0, (N, 2): each layer's backward in reverse order."""
        # TODO: implement MLP1.backward
        raise NotImplementedError("MLP1.backward is not implemented yet")


class MLP4:
    def __init__(self, debug=False):
        """Five Linear layers of widths 2 -> 4 -> 8 -> 8 -> 4 -> 2, each followed by a ReLU:
        self.layers = [Linear(2, 4), ReLU(), Linear(4, 8), ReLU(), ..., Linear(4, 2), ReLU()].
        Keep debug as self.debug."""
        # TODO: implement MLP4.__init__
        raise NotImplementedError("MLP4.__init__ is not implemented yet")

    def forward(self, A0):
        """A0: (N, 2) -> the output of the last layer, (N, 2): each layer's forward in turn."""
        # TODO: implement MLP4.forward
        raise NotImplementedError("MLP4.forward is not implemented yet")

    def backward(self, dLdA):
        """dLdA: (N, 2) -> the gradient at the input A0, (N, 2): each layer's backward in reverse order."""
        # TODO: implement MLP4.backward
        raise NotImplementedError("MLP4.backward is not implemented yet")
