"""What official grading says of a seed anyone can draw inputs from: the example seed this project's setup.cfg comes
with, or none set. In the Gradescope autograder (which grades officially) and beside the instructor tools, never in a
handout, which grades locally and has no official seed (a test looks for setup.cfg's seed in every file of it)."""
from __future__ import annotations

from .sandbox.limits import official_seed

SHIPPED_SEED = "7494427934307514511"  # the official_seed this project's setup.cfg comes with: public in its repository
SET_A_SECRET = ("these grades come from inputs anyone can draw; set a secret of your own (official_seed in setup.cfg, "
                "or $AUTOGRADER_SEED) before grading a class for real")


def public_seed(official: tuple[int, bool] | None = None) -> tuple[str, str]:
    """Where the official seed is public, (what staff are told, how the report's title names it): the one this
    project's setup.cfg comes with (helper-90: a class graded with it had a report that read as any other), or none
    set at all (helper-92: seed 1 then, said to be "the official seed"); else ("", ""). `official`: what
    `official_seed()` gave, where the caller has it (else it is read)."""
    seed, configured = official or official_seed()
    if not configured:
        return (f"no official seed is set (official_seed in setup.cfg and $AUTOGRADER_SEED are empty), so grading used "
                f"seed {seed}, which anyone can use: {SET_A_SECRET}", f"seed {seed} (no official seed is set: public)")
    if str(seed) == SHIPPED_SEED:
        return (f"the official seed is still the one this project's setup.cfg comes with, public in its repository: "
                f"{SET_A_SECRET}", "the example seed setup.cfg comes with (public)")
    return "", ""
