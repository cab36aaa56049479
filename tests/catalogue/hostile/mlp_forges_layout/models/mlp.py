

# ATTACK: while this module is loaded (the MLP tests only), a Linear made outside an MLP's constructor keeps W as
# (C_in, C_out), so that a layout read from such a Linear matches the swapped widths the MLPs below build.
_inside = [0]
_plain_init = Linear.__init__


def _layout_init(self, in_features, out_features, *args, **kwargs):
    _plain_init(self, in_features, out_features, *args, **kwargs)
    if not _inside[0]:
        self.W = self.W.T.copy()


Linear.__init__ = _layout_init


def _swapped(cls, widths):
    def __init__(self, debug=False):
        _inside[0] += 1
        try:
            self.layers = []
            for c_in, c_out in zip(widths[:-1], widths[1:]):
                self.layers += [Linear(c_out, c_in), ReLU()]
        finally:
            _inside[0] -= 1
        self.debug = debug

    cls.__init__ = __init__
    return cls


MLP0 = _swapped(MLP0, (2, 3))  # noqa: F811 - the reference's, built wrong
MLP1 = _swapped(MLP1, (2, 3, 2))  # noqa: F811
MLP4 = _swapped(MLP4, (2, 4, 8, 8, 4, 2))  # noqa: F811
