"""The base class of every layer. Given: complete, not graded, and not yours to change (the grader
uses the course's copy of this file, whatever your submission holds).

A layer keeps its parameters in one dict, keyed "{name}/{param}": a Dense layer named "fc1" keeps
"fc1/W" and "fc1/b". Its backward writes the gradient of each parameter into the `gradients` dict it
is given, under the same key, so an optimiser can pair every parameter with its gradient:

    y, cache = layer.forward(x)
    ...
    gradients = {}
    dx = layer.backward(x, cache, backwards_gradient, gradients)
    layer.update_parameters({key: value - lr * gradients[key] for key, value in layer.parameters().items()})
"""
from __future__ import annotations

import numpy as np

Cache = dict[str, np.ndarray]  # what forward returns beside y, for backward: whatever backward needs


class Layer:
    def __init__(self, name: str):
        """A layer named `name`, with no parameters yet."""
        self.name = name
        self.params: dict[str, np.ndarray] = {}

    def key(self, param: str) -> str:
        """The key of parameter `param` of this layer: "{name}/{param}"."""
        return f"{self.name}/{param}"

    def set_parameter(self, param: str, value: np.ndarray) -> None:
        """Set parameter `param` ("W"): stored under the key "{name}/{param}"."""
        self.params[self.key(param)] = value

    def get_parameter(self, param: str) -> np.ndarray:
        """The value of parameter `param` ("W"), stored under "{name}/{param}"."""
        return self.params[self.key(param)]

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter of the layer, {"{name}/{param}": value} (the layer's own dict)."""
        return self.params

    def update_parameters(self, params: dict[str, np.ndarray]) -> None:
        """Set each parameter of this layer whose key is in `params` to its value there; keys of other
        layers are ignored, so one dict can update every layer of a network."""
        for key in self.params:
            if key in params:
                self.params[key] = params[key]

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """Return (y, cache): the layer's output, and what backward needs."""
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented yet")

    def backward(self, x: np.ndarray, cache: Cache, backwards_gradient: np.ndarray,
                 gradients: dict[str, np.ndarray]) -> np.ndarray:
        """Given forward's input x and its cache, and backwards_gradient = dL/dy (y's shape): store
        dL/dparam in gradients["{name}/{param}"] for each parameter, and return dL/dx (x's shape)."""
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented yet")
