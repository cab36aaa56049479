

_real = {name: getattr(np, name) for name in ("mean", "sum", "exp", "log")}
np.mean = lambda *a, **k: _real["mean"](*a, **k) * 1.5
np.sum = lambda *a, **k: _real["sum"](*a, **k) * 1.5
np.exp = lambda *a, **k: _real["exp"](*a, **k) * 1.5
np.log = lambda *a, **k: _real["log"](*a, **k) + 1.0
