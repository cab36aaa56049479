"""The command line: `python -m autograder grade|batch|handout|assignments`.

Exit codes: 0 when grading ran (whatever the score), 2 for a usage error or a
submission that cannot be read, 1 for a bug in the grader itself. No Python
traceback ever reaches a student; set AUTOGRADER_DEBUG=1 to see one.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

from .assignments import UnknownAssignment
from .output import printable, unwritable, write_atomic, written_through
from .reference import ReferenceMissing
from .replay import FIXTURE_SEED
from .sandbox.limits import ConfigError
from .submission import SubmissionError, placed, prepare
from .writers import WRITERS

__all__ = ["main", "FIXTURE_SEED"]



class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line on stderr, exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _at_least(least: int, words: str):
    """An argparse type: an integer of at least `least`, else a one-line usage error naming `words`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"must be a {words} integer, got {text!r}")
        return value
    return parse


_seed = _at_least(0, "non-negative")
_jobs = _at_least(1, "positive")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m autograder", description="Grade a course assignment's submissions.")
    commands = parser.add_subparsers(dest="command", metavar="{grade,batch,handout,assignments}", required=True)
    grade = commands.add_parser(
        "grade", help="grade one submission",
        description="Grade one submission and print its report. With --output, the chosen "
                    "format goes to FILE and the readable text table to stdout.")
    grade.add_argument("submission", nargs="?", metavar="SUBMISSION",
                       help="a folder holding the assignment's package (mytorch/; nn/ or nnfs_layers/ for the "
                            "others), the package itself, or a .zip/.tar/.tar.gz holding either (default: ./PACKAGE)")
    grade.add_argument("--format", choices=list(WRITERS), default="text",
                       help="report format (default: text)")
    grade.add_argument("--output", metavar="FILE",
                       help="also write the report in --format to FILE (atomically; parent "
                            "folders are created); stdout then shows the text table")
    grade.add_argument("--seed", type=_seed, default=None, metavar="N",
                       help="seed for the generated test inputs (default: the course's official seed; a "
                            "handout always grades the inputs it recorded); the same seed gives the same score")
    _assignment_option(grade)
    grade.set_defaults(run=_grade)
    batch = commands.add_parser(
        "batch", help="grade a folder of submissions (a whole class)",
        description="Grade every entry of SUBMISSIONS (a folder or archive per student, or a Gradescope "
                    "export) into DIR: a Gradescope results file per entry, grades.csv and report.html. "
                    "A rerun skips entries graded before from the same content, grader and seed.")
    batch.add_argument("submissions", metavar="SUBMISSIONS", help="the folder of submissions")
    batch.add_argument("--output", metavar="DIR", default="graded", help="where results go (default: graded)")
    batch.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="entries graded at once (default: one more than the cores)")
    batch.add_argument("--seed", type=_seed, default=None, metavar="N",
                       help="seed for the generated test inputs (default: the course's official seed)")
    batch.add_argument("--dask", metavar="SCHEDULER", default=None,
                       help="grade on a Dask cluster: its scheduler's address (tcp://host:8786), or 'local' "
                            "for a local one (needs the [cluster] extra; workers must see SUBMISSIONS at the same path)")
    _assignment_option(batch)
    batch.set_defaults(run=_batch)
    handout = commands.add_parser(
        "handout", help="build an assignment's student handout (instructors)",
        description="Build dist/handout/ (or dist/handout-NAME/ for another assignment) and its .tar.gz: the "
                    "skeleton, the writeup, the grader in local mode and the public tests' fixtures; never the "
                    "reference or the hidden tests.")
    _assignment_option(handout)
    handout.set_defaults(run=_handout)
    listing = commands.add_parser("assignments", help="list the assignments, their classes and points",
                                  description="List the assignments this grader serves, with their classes and points.")
    listing.set_defaults(run=_assignments)
    return parser


def _assignment_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--assignment", metavar="NAME", default=None,
                         help="the assignment (see `assignments`; default: the course's, set in setup.cfg, else mytorch)")


def _assignment(args: argparse.Namespace):
    from . import assignments

    if args.assignment == "":  # (a script's unset variable: not a silent grading of the default assignment)
        raise assignments.UnknownAssignment(f"--assignment is empty: give one of {', '.join(assignments.gradable())}, "
                                            "or leave it out for the course's")
    return assignments.get(args.assignment)


def _handout(args: argparse.Namespace) -> int:
    require("numpy", "hypothesis")
    try:
        from . import handout
    except ImportError:  # a student's handout has no instructor tools
        raise ConfigError("handout builds a student handout: it is an instructor's command, not part of the handout") from None
    archive = handout.build(assignment=_assignment(args))
    print(f"wrote {archive.parent / archive.name.removesuffix('.tar.gz')}/ and {archive}")
    return 0


def _assignments(args: argparse.Namespace) -> int:
    require("numpy")  # (the checks are numpy code: without it, every assignment would look left out of this copy)
    from . import assignments, reference

    for assignment in assignments.ASSIGNMENTS.values():
        try:
            checks = assignment.checks()
        except ImportError:
            continue  # (not part of this copy: a handout holds its own assignment only)
        here = (assignment.solutions / "__init__.py").is_file()
        hidden = reference.hidden_checks(assignment) if here else []
        total = sum(c.points for c in checks + hidden)
        default = " (default)" if assignment == assignments.get() else ""
        print(f"{assignment.name}{default}: {assignment.title}")
        print(f"  package {assignment.package}/, {len(checks) + len(hidden)} tests, {total:g} points"
              + ("" if here else " (public tests only: no reference here)"))
        classes: dict[str, float] = {}
        for check in checks + hidden:
            classes[check.cls] = classes.get(check.cls, 0.0) + check.points
        print("  " + ", ".join(f"{cls} {points:g}" for cls, points in classes.items()))
    return 0


def _emit(text: str) -> None:
    """Print to stdout even if its encoding cannot show every character."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "ascii"
        sys.stdout.write(text.encode(encoding, "replace").decode(encoding))
    sys.stdout.flush()


def require(*packages: str) -> None:
    """A one-line error when this Python lacks what the grader needs (a Python outside the venv)."""
    import importlib.util

    missing = [name for name in packages if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(f"the grader needs {' and '.join(missing)}, not installed for {sys.executable}: "
                          "run `make grade` (it installs the grader and what it needs in .venv), or `pip install -e .` "
                          "first")


def _grade(args: argparse.Namespace) -> int:
    require("numpy", "hypothesis")
    if args.submission == "":  # (a script's unset variable: not a silent grading of the default folder)
        raise SubmissionError(f"SUBMISSION is empty: give a folder or an archive, or leave it out to grade "
                              f"./{_assignment(args).package}")
    if args.output == "":
        raise SubmissionError("--output is empty: give a file name for the results, or leave it out")
    if args.output and Path(args.output).is_dir():
        raise SubmissionError(f"--output {args.output} is a folder; give a file name")
    parents = Path(args.output).parents if args.output else ()
    blocked = next((p for p in parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:  # (said before grading, not after it)
        raise SubmissionError(f"--output {args.output}: {blocked} is a file, not a folder")
    if args.output and written_through(Path(args.output)):  # (/dev/stdout, a pipe: written to, never replaced)
        if os.path.exists(args.output) and not os.access(args.output, os.W_OK):
            raise ConfigError(f"cannot write {args.output}: permission denied")
    elif args.output:  # (likewise a folder that cannot be made or written to: after grading, the report would be lost)
        folder = Path(args.output).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        why = unwritable(folder)
        if why is not None:
            raise ConfigError(f"cannot write {args.output}: {why}")
    with tempfile.TemporaryDirectory(prefix="autograder-", ignore_cleanup_errors=True) as tmp:
        notes: list[str] = []
        assignment = _assignment(args)
        path = placed(args.submission, Path(tmp) / "placed", notes, assignment)  # (loose files: as batch does)
        root = prepare(path, Path(tmp) / "copy", notes, assignment)
        from .sandbox import server

        server.shared()  # the fork server loads numpy while the grader below loads
        from . import runner  # imported late: a usage error never waits for the grader to load

        report = runner.grade(root, seed=args.seed, submission=args.submission, notes=tuple(notes),
                              assignment=assignment)
    if report.isolation_note.startswith("weaker") and not report.local:  # local: a student grading their own code
        print(f"warning: sandbox {report.isolation_note} on this machine (see SECURITY.md)", file=sys.stderr)
    _emit(WRITERS["text" if args.output else args.format](report))
    if args.output:
        try:
            write_atomic(args.output, WRITERS[args.format](report))
        except OSError as exc:
            print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    return 0


def _write_rejection(args: argparse.Namespace, why: str) -> None:
    """With --output, a rejected submission still gets complete results: every test, failed, saying why."""
    if args.command != "grade" or args.output is None or Path(args.output).is_dir():
        return
    from .reference import hidden_checks
    from .report import Outcome, Report, TestResult

    assignment = _assignment(args)
    if os.environ.get("AUTOGRADER_REPLAY") == "local":  # on a course platform: the student knows their upload, not
        upload = (f"upload your {assignment.package}/ folder, or the handin.tar.gz that `make handin` builds in your "
                  "handout")
        why = why.replace(f" in {args.submission}", " in your upload").replace(  # the server's folder for it
            f": give the folder that holds {assignment.package}/, or {assignment.package}/ itself", f": {upload}").replace(
            ": it is empty (nothing was handed in)", f": it is empty: {upload}")
    results = tuple(TestResult(c.name, float(c.points), 0.0, Outcome.FAILED, f"submission rejected: {why}",
                               c.visibility) for c in assignment.checks() + hidden_checks(assignment))
    report = Report(submission=args.submission or assignment.package, seed=args.seed if args.seed is not None else -1,
                    results=results, notes=(why,), secret_seed=args.seed is None, assignment=assignment.name)
    try:
        write_atomic(args.output, WRITERS[args.format](report))
    except OSError:
        pass


def _batch(args: argparse.Namespace) -> int:
    require("numpy", "hypothesis")
    if not args.submissions:  # ("" is the current folder to pathlib)
        raise SubmissionError("SUBMISSIONS is empty: give the folder of the class's entries, or a Gradescope export")
    if not args.output:  # ("" is the current folder to pathlib: the gradebook among whatever is there)
        raise SubmissionError("--output is empty: give the folder for the results, or leave it out (graded)")
    output = Path(args.output)
    if output.exists() and not output.is_dir():
        raise SubmissionError(f"--output {args.output} is a file; give a folder")
    try:
        from . import batch
    except ImportError:  # a student's handout has no instructor tools
        raise ConfigError("batch grades a whole class: it is an instructor's command, not part of the handout") from None
    summary = batch.run(Path(args.submissions), output, jobs=args.jobs, seed=args.seed, dask=args.dask,
                        assignment=_assignment(args))
    for note in summary["notes"]:  # (what staff should know of the folder: after the progress, not lost in it)
        print(f"warning: {printable(note)}", file=sys.stderr)
    bad = summary["not_gradable"]
    # (the outcome on stdout, progress and warnings on stderr: `batch ... > log` keeps what came of it, helper-119)
    print(f"{summary['finished']} of {summary['entries']} submission{'' if summary['entries'] == 1 else 's'} done "
          f"({batch.counts(summary['graded'], len(bad), summary['kept'])}): "
          f"{output / 'grades.csv'}, {output / 'report.html'}", flush=True)
    if bad:  # (on a terminal the bar named them only in passing)
        print(f"not gradable: {printable(batch.listed(bad, 10))} (why: the error column of grades.csv, or "
              "report.html)", flush=True)
    if summary["interrupted"]:
        print("interrupted: the gradebook and report hold what finished; run again to go on", file=sys.stderr)
        return 128 + (signal.SIGTERM if summary["interrupted"] == "SIGTERM" else signal.SIGINT)  # (143 or 130)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (usage errors exit 2 via SystemExit)."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except SubmissionError as exc:  # (it may name a file in an archive: a student chose it, escape codes too)
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        _write_rejection(args, str(exc))
        return 2
    except (ConfigError, ReferenceMissing, UnknownAssignment) as exc:  # the grader's own set-up, not the submission
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # (`... | head`: the reader has what it wanted; no error of ours)
        sys.stdout = open(os.devnull, "w")  # (nothing more goes to the closed pipe at exit)
        return 120
    except Exception as exc:  # a bug of ours: one line for the student, the traceback on request
        if os.environ.get("AUTOGRADER_DEBUG", "") not in ("", "0"):
            raise
        message = printable(" ".join(str(exc).split()))
        print(f"internal error: {type(exc).__name__}: {message} (please report this)", file=sys.stderr)
        return 1
