"""Running untrusted student code in disposable, limited worker processes.

Names are loaded on first use, so that importing `autograder.sandbox.server`
(to start the fork server early) does not import numpy.
"""
import importlib

_WHERE = {
    "Bad": "script", "CaseResult": "script", "Obj": "script", "Script": "script",
    "StudentError": "script",
    "Limits": "limits", "ForkServer": "server", "SandboxError": "server", "Sandbox": "pool",
}
__all__ = sorted(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
