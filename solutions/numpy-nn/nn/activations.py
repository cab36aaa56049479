"""Activations: layers with no parameters. forward(x) -> (y, cache), elementwise, for x of any shape
([N, C], [B, T, C], one sample [C], ...); backward(x, cache, backwards_gradient, gradients) -> dx of x's
shape, dx = backwards_gradient * dy/dx. They have no parameters, so backward writes nothing into
`gradients`. No method may modify its arguments."""
import numpy as np

from .layer import Cache, Layer


class ReLU(Layer):
    def __init__(self, name: str = "ReLU"):
        super().__init__(name)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """y = max(0, x), elementwise. Returns (y, cache), cache a dict of whatever backward needs."""
        # BEGIN SOLUTION
        return np.maximum(x, 0.0), {"mask": x > 0}
        # END SOLUTION

    def backward(self, x: np.ndarray, cache: Cache, backwards_gradient: np.ndarray,
                 gradients: dict[str, np.ndarray]) -> np.ndarray:
        """dx = backwards_gradient * (x > 0): the derivative is 1 where x > 0 and 0 where x <= 0,
        exactly 0 included."""
        # BEGIN SOLUTION
        return backwards_gradient * cache["mask"]
        # END SOLUTION


class Sigmoid(Layer):
    def __init__(self, name: str = "Sigmoid"):
        super().__init__(name)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """y = 1 / (1 + exp(-x)), elementwise. Returns (y, cache). y must stay finite however large |x|
        is (the grader tries |x| up to 1000): exp(x) alone overflows to inf past x = 709."""
        # BEGIN SOLUTION
        y = np.exp(-np.logaddexp(0.0, -x))
        return y, {"y": y}
        # END SOLUTION

    def backward(self, x: np.ndarray, cache: Cache, backwards_gradient: np.ndarray,
                 gradients: dict[str, np.ndarray]) -> np.ndarray:
        """dx = backwards_gradient * y * (1 - y), with y = sigmoid(x)."""
        # BEGIN SOLUTION
        y = cache["y"]
        return backwards_gradient * y * (1.0 - y)
        # END SOLUTION


class Tanh(Layer):
    def __init__(self, name: str = "Tanh"):
        super().__init__(name)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """y = tanh(x), elementwise. Returns (y, cache). y must stay finite however large |x| is (the
        grader tries |x| up to 1000): (exp(x) - exp(-x)) / (exp(x) + exp(-x)) is inf / inf = NaN past 709."""
        # BEGIN SOLUTION
        y = np.tanh(x)
        return y, {"y": y}
        # END SOLUTION

    def backward(self, x: np.ndarray, cache: Cache, backwards_gradient: np.ndarray,
                 gradients: dict[str, np.ndarray]) -> np.ndarray:
        """dx = backwards_gradient * (1 - y * y), with y = tanh(x)."""
        # BEGIN SOLUTION
        y = cache["y"]
        return backwards_gradient * (1.0 - y * y)
        # END SOLUTION
