"""Resource limits for a worker, with their documented defaults."""
from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    case_timeout: float = 10.0  # wall seconds one case (a few method calls) may take
    submission_timeout: float = 300.0  # wall seconds for all tests of one submission; the rest then fail
    cpu_seconds: int = 300  # CPU seconds one worker may use in all (RLIMIT_CPU)
    memory_bytes: int = 4096 * MiB  # address space (RLIMIT_AS); numpy alone maps ~1 GiB
    file_bytes: int = 16 * MiB  # largest file a worker may write, its printed output included (RLIMIT_FSIZE)
    open_files: int = 64  # RLIMIT_NOFILE
    output_keep: int = 4096  # bytes of printed output kept to show the student

    def rlimits(self) -> dict[str, int]:
        """The setrlimit calls the worker makes on itself, by `resource` constant name."""
        return {
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_AS": self.memory_bytes,
            "RLIMIT_FSIZE": self.file_bytes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }
