# ATTACK: reach the worker's _run_case frame and forge the already-emitted 'count' value as a matrix.
def _forge():
    import sys, io
    import numpy as np
    f = sys._getframe(2)
    while f is not None and f.f_code.co_name != '_run_case':
        f = f.f_back
    if f is None:
        return
    out, blobs = f.f_locals['out'], f.f_locals['out_blobs']
    buf = io.BytesIO(); np.save(buf, np.zeros((2, 2)))
    out['count'] = {'b': len(blobs)}
    blobs.append(buf.getvalue())

for _C in (MLP0, MLP1, MLP4):
    _f = _C.forward
    def forward(self, A0, _f=_f):
        _forge()
        return _f(self, A0)
    _C.forward = forward
