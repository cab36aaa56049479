"""`python -m autograder ...`: see `autograder.cli`."""
import atexit
import os
import sys

# The grader's arrays are small: BLAS threads would only cost CPU (OpenBLAS starts one per core at import)
# that the workers need. Set before numpy is imported; an explicit setting in the environment wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Grading one submission is short-lived and keeps nearly all it makes until it exits (the modules, then the inputs and
# their scripts): the cyclic garbage collector, which went through it all again and again, is off (runner._shrink
# turns it on while hypothesis shrinks, which makes cycles); the grading processes this one forks inherit that.
if sys.argv[1:2] == ["grade"]:
    import gc

    gc.disable()

# The fork server loads numpy while this process loads the grader (a batch on a Dask cluster needs none here): its
# process starts first thing, and is told where the packages are once the grader knows (sandbox/boot.py).
if sys.argv[1:2] == ["grade"] or sys.argv[1:2] == ["batch"] and not any(a.startswith("--dask") for a in sys.argv):
    from .sandbox import boot  # noqa: E402

    boot.early()

    from .sandbox import server  # noqa: E402

    server.start()

from .cli import main  # noqa: E402


def _exit(code: int) -> None:
    """Exit as Python would (exit handlers, such as the fork server's clean-up, then the standard streams),
    without tearing down every module one by one, which numpy makes slow (~25 ms) and nobody needs."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): Python exits with 120 then
            code = code or 120
    os._exit(code)


_exit(main())
