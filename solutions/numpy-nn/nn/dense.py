import numpy as np

from .layer import Cache, Layer


class Dense(Layer):
    """A fully connected layer: y = x @ W + b.

    Parameters, kept with set_parameter (so keyed by the layer's name):
        "{name}/W"  shape [in_dim, out_dim]
        "{name}/b"  shape [out_dim]   (only when use_bias is True)
    """

    def __init__(self, in_dim: int, out_dim: int, use_bias: bool = True, name: str = "Dense"):
        """Make the layer's parameters with self.set_parameter:

            W: shape [in_dim, out_dim], random, e.g. np.random.randn(in_dim, out_dim) * np.sqrt(2 / in_dim)
               (graded: its shape, and that its entries are finite and not all 0)
            b: zeros of shape [out_dim], only when use_bias is True; with use_bias=False the layer has
               no b at all (no "{name}/b" parameter)

        The parameters() of Dense(3, 2, name="fc1") are then {"fc1/W": [3, 2] array, "fc1/b": zeros(2)}.
        """
        super().__init__(name)
        self.in_dim, self.out_dim, self.use_bias = in_dim, out_dim, use_bias
        # BEGIN SOLUTION
        self.set_parameter("W", np.random.randn(in_dim, out_dim) * np.sqrt(2.0 / in_dim))
        if use_bias:
            self.set_parameter("b", np.zeros(out_dim))
        # END SOLUTION

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """y = x @ W + b (no b when use_bias is False), with W and b read with self.get_parameter.

        x: [..., in_dim], any number of leading batch dimensions: [N, in_dim], [B, T, in_dim], or one
        sample [in_dim]; y keeps them: [..., out_dim].
        Returns (y, cache): cache is a dict of whatever backward needs (it may be empty: backward is
        given x too). Do not modify x.
        """
        # BEGIN SOLUTION
        y = x @ self.get_parameter("W")
        if self.use_bias:
            y = y + self.get_parameter("b")
        return y, {}
        # END SOLUTION

    def backward(self, x: np.ndarray, cache: Cache, backwards_gradient: np.ndarray,
                 gradients: dict[str, np.ndarray]) -> np.ndarray:
        """x and cache: forward's input and the cache it returned; backwards_gradient = dL/dy, y's shape
        [..., out_dim].

        With the batch dimensions flattened, X = x.reshape(-1, in_dim) and G = backwards_gradient.reshape(-1,
        out_dim) (every sample one row), store into the dict `gradients` you are given:

            gradients["{name}/W"] = X.T @ G            [in_dim, out_dim], summed over every sample (not averaged)
            gradients["{name}/b"] = G.sum(axis=0)      [out_dim], only when use_bias is True

        and nothing else ({name} is this layer's name, self.name). Return dx = G @ W.T reshaped to x's
        shape [..., in_dim]. Do not modify x or backwards_gradient.
        """
        # BEGIN SOLUTION
        W = self.get_parameter("W")
        X = x.reshape(-1, W.shape[0])
        G = backwards_gradient.reshape(-1, W.shape[1])
        gradients[f"{self.name}/W"] = X.T @ G
        if self.use_bias:
            gradients[f"{self.name}/b"] = G.sum(axis=0)
        return (G @ W.T).reshape(x.shape)
        # END SOLUTION
