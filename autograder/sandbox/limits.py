"""Resource limits for a worker, with their documented defaults.

A course can change them in the `[autograder]` section of setup.cfg beside the
grader, using the field names below (`case_timeout = 20`). An unknown name or a
value that is not a positive number is a one-line `ConfigError`.
"""
from __future__ import annotations

import configparser
import os
from pathlib import Path

from ..record import fields, record

CONFIG = Path(__file__).resolve().parents[2] / "setup.cfg"


class ConfigError(Exception):
    """setup.cfg's [autograder] section is wrong; the message says where."""

MiB = 1024 * 1024
IMPORTS = "allowed_imports"  # the setting naming the packages submissions may import
ASSIGNMENT = "assignment"  # the setting naming the course's default assignment (a handout's: its own)
SEED = "official_seed"  # the setting holding the course's secret grading seed (never copied to the handout)
SEED_VARIABLE = "AUTOGRADER_SEED"  # the environment variable that overrides it (e.g. a CI secret)
UNSET_SEED = 1  # official grading's seed when the course set none: public, but not the handout's
DEFAULT_IMPORTS = ("numpy", "scipy")


@record(frozen=True)
class Limits:
    """What a worker and a submission may use (the defaults are the documented ones)."""
    case_timeout: float = 10.0  # wall seconds one case (a few method calls) may take
    submission_timeout: float = 300.0  # wall seconds for all tests of one submission; the rest then fail
    cpu_seconds: int = 300  # CPU seconds each process of a worker may use (RLIMIT_CPU; its tree: one CPU at most)
    memory_bytes: int = 4096 * MiB  # address space (RLIMIT_AS); numpy alone maps ~1 GiB
    file_bytes: int = 16 * MiB  # largest file a worker may write, its printed output included (RLIMIT_FSIZE)
    open_files: int = 64  # RLIMIT_NOFILE
    scratch_bytes: int = 64 * MiB  # the scratch directory's size, where it is a tmpfs of its own (SECURITY.md)
    scratch_files: int = 4096  # files and directories in it, likewise
    output_keep: int = 4096  # bytes of printed output kept to show the student

    @classmethod
    def configured(cls, path: Path = CONFIG) -> "Limits":
        """The defaults, changed by the [autograder] section of `path` if there is one."""
        parser = _read(path)
        if not parser.has_section("autograder"):
            return cls()
        known_types = {f.name: f.type for f in fields(cls)}
        changes = {}
        for name, text in parser.items("autograder"):
            if name in (IMPORTS, SEED, ASSIGNMENT):
                continue
            if name not in known_types:
                known = ", ".join([*known_types, IMPORTS, SEED, ASSIGNMENT])
                raise ConfigError(f"{path}: [autograder] has no setting {name!r} (known: {known})")
            kind = float if known_types[name] in (float, "float") else int
            try:
                value = kind(text)
            except ValueError:
                value = 0
            if value <= 0:
                raise ConfigError(f"{path}: [autograder] {name} must be a positive {kind.__name__}, got {text!r}")
            changes[name] = value
        return cls(**changes)

    def rlimits(self) -> dict[str, int]:
        """The setrlimit calls the worker makes on itself, by `resource` constant name."""
        return {
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_AS": self.memory_bytes,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }


def _read(path: Path) -> configparser.ConfigParser:
    """The settings file, parsed once for as long as its text stays the same (a batch reads it for every entry);
    the parser handed out is only read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # (configparser says nothing of a file it cannot read either; a bad one is said below)
    stamp = (os.fspath(path), text)
    if _PARSED.get("stamp") != stamp:
        parser = configparser.ConfigParser()
        try:
            parser.read(path)
        except configparser.Error as exc:
            raise ConfigError(f"{path}: {_said(exc)}") from None
        _PARSED.update(stamp=stamp, parser=parser)
    return _PARSED["parser"]


_PARSED: dict = {}  # the last file read: its stamp and its parser


def _said(exc: "configparser.Error") -> str:
    """What is wrong in the file, without configparser's reprs (helper-176: "PosixPath('...') [line 58]:
    '[autograder\\n'")."""
    import ast

    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno}: {exc.line.strip()!r} comes before any [section] header"
    lines = [(n, ast.literal_eval(text) if isinstance(text, str) and text[:1] in "'\"" else text)
                 for n, text in getattr(exc, "errors", None) or ()]
    if lines:
        return "; ".join(f"line {n}: cannot read {str(text).strip()!r} (not [section], name = value, or a comment)"
                         for n, text in lines[:3])
    return " ".join(str(exc).replace(f"While reading from {getattr(exc, 'source', None)!r} ", "").split())


def allowed_imports(path: Path = CONFIG) -> tuple[str, ...]:
    """The top-level packages submissions may import besides the standard library (numpy always),
    from `allowed_imports = numpy scipy` in the [autograder] section of `path`."""
    text = _read(path).get("autograder", IMPORTS, fallback=None)
    if text is None:
        return DEFAULT_IMPORTS
    names = tuple(dict.fromkeys(text.replace(",", " ").split()))
    bad = [name for name in names if not name.isidentifier()]
    if bad or "numpy" not in names:
        raise ConfigError(f"{path}: [autograder] {IMPORTS} must list top-level package names, numpy among them; "
                          f"got {text.strip()!r}")
    return names


def official_seed(path: Path = CONFIG) -> tuple[int, bool]:
    """(the seed official grading uses, whether the course set it): $AUTOGRADER_SEED, else
    `official_seed` in the [autograder] section of `path`, else UNSET_SEED."""
    import os

    text = os.environ.get(SEED_VARIABLE, "").strip()
    where = f"${SEED_VARIABLE}"
    if not text:
        text = _read(path).get("autograder", SEED, fallback="").strip()
        where = f"{path}: [autograder] {SEED}"
    if not text:
        return UNSET_SEED, False
    if not (text.isascii() and text.isdigit()):  # ("²" is a digit to str.isdigit, not to int: helper-92)
        raise ConfigError(f"{where} must be a whole number >= 0 (the course's secret grading seed), and it is not "
                          f"(its {len(text)} characters are not shown: it is a secret)")
    return int(text), True
