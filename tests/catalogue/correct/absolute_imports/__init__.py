"""my mytorch"""
from mytorch import nn  # noqa: F401

__version__ = "0.1"
