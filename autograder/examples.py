"""Hypothesis examples and seeded cases, made once and kept.

What hypothesis draws for a strategy depends only on the seed, the strategy's
code and the versions of hypothesis and numpy, never on the submission; the
seeded cases likewise on the seed and the code that makes them. So the grading
process makes each list once (importing hypothesis only then) and keeps it in a
cache directory as plain arrays (a JSON index and their bytes end to end, read
without pickle, in one read): later runs with the same seed grade the same inputs
without paying for hypothesis or for making them. A missing, stale or unreadable
cache entry is simply made again.

The cache directory is $AUTOGRADER_CACHE, or ~/.cache/mytorch-autograder;
AUTOGRADER_CACHE=off draws every time.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

from . import cases as case_types
from .cases import Draw

def cache_dir() -> Path | None:
    chosen = os.environ.get("AUTOGRADER_CACHE", "")
    if chosen.lower() in ("off", "0", "no"):
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mytorch-autograder"


def drawn(strategy: Draw, seed: int) -> list:
    """The examples hypothesis draws from `strategy` with `seed` (generate phase only)."""
    return _kept(_key(strategy, seed), lambda: _draw(strategy, seed))


def seeded(make, seed: int, key: str) -> list:
    """The seeded cases `make(rng)` gives for `key` ("Linear:linear_cases") and `seed`, smallest first;
    kept like the drawn examples (they depend only on the seed, the key and the code that makes them)."""
    def fresh() -> list:
        rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
        return sorted(make(rng), key=lambda c: c.size)

    return _kept(_seeded_name(make, seed, key), fresh)


@functools.lru_cache(maxsize=4096)
def _seeded_name(make, seed: int, key: str) -> str:
    """Everything seeded cases depend on (worked out once per process: a batch asks for every entry)."""
    code = _code(Path(__file__).parent / "cases.py", Path(make.__code__.co_filename))
    digest = hashlib.sha256(f"seeded|{seed}|{key}|{make.__qualname__}|numpy {np.__version__}|{code}".encode())
    return digest.hexdigest()[:32]


IN_MEMORY: dict[str, list] | None = None  # set to {} to keep every list in this process too (batch grading)


def _kept(name: str, make) -> list:
    """`make()`, or what it gave last time under `name` in the cache (and in IN_MEMORY, when kept there:
    then every run of the process grades the very same case objects, whose expected values are computed
    once; their arrays are made read-only, so no grading can change an input the next one uses)."""
    if IN_MEMORY is not None and name in IN_MEMORY:
        return IN_MEMORY[name]
    found = _from_disk(name, make)
    if IN_MEMORY is not None:
        for case in found:
            for value in vars(case).values():
                if isinstance(value, np.ndarray):
                    value.flags.writeable = False
        IN_MEMORY[name] = found
    return found


def _from_disk(name: str, make) -> list:
    folder = cache_dir()
    path = folder / f"{name}{SUFFIX}" if folder else None
    if path is not None:
        found = _load(path)
        if found is not None:
            return found
    made = make()
    if path is not None:
        _save(path, made)
    return made


@functools.lru_cache(maxsize=None)
def _code(*paths: Path) -> str:
    """The digest of these source files (read once per process: every list of a run asks)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _draw(strategy: Draw, seed: int) -> list:
    from hypothesis import Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from .strategies import GRADING

    examples = []

    @settings(GRADING, phases=(Phase.generate,))
    @hypothesis_seed(seed)
    @given(strategy.build())
    def collect(case):
        examples.append(case)

    collect()
    return examples


@functools.lru_cache(maxsize=4096)
def _key(strategy: Draw, seed: int) -> str:
    """Everything the drawn examples depend on (worked out once per process)."""
    own = _module_code(strategy.module) if strategy.module else ""
    return hashlib.sha256(f"{seed}|{strategy!r}|numpy {np.__version__}|{_drawing_code()}{own}".encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=None)
def _module_code(module: str) -> str:
    """The digest of an assignment's own strategies module and of every module beside it (its cases, the
    helpers they share): examples drawn by other code are never taken for this code's."""
    path = Path(importlib.util.find_spec(module).origin)
    return _code(path, *sorted(p for p in path.parent.glob("*.py") if p != path))


@functools.lru_cache(maxsize=None)
def _drawing_code() -> str:
    """The digest of the code drawn examples depend on: hypothesis's version, the strategies, the cases."""
    hypothesis_dir = importlib.util.find_spec("hypothesis").submodule_search_locations[0]
    here = Path(__file__).parent
    return _code(Path(hypothesis_dir) / "version.py", here / "strategies.py", here / "cases.py")


SUFFIX = ".cases"
MAGIC = b"AGcases1"  # then the index's length (8 bytes, little-endian), the JSON index, the arrays' bytes


def _save(path: Path, examples: list) -> None:
    packed = case_types.pack(case_types.to_arrays(examples))
    index = packed["index"].tobytes()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + struct.pack("<Q", len(index)) + index + packed["data"].tobytes())
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation: a read-only home only costs the next run a draw


def _load(path: Path) -> list | None:
    try:
        raw = path.read_bytes()
        if not raw.startswith(MAGIC):
            return None
        (size,) = struct.unpack_from("<Q", raw, len(MAGIC))
        start = len(MAGIC) + 8
        if start + size > len(raw):
            return None
        data = np.frombuffer(raw, np.uint8, len(raw) - start - size, start + size)
        return case_types.from_arrays(case_types.unpack({"index": raw[start:start + size], "data": data}))
    except (OSError, ValueError, KeyError, IndexError, TypeError, struct.error):
        return None
