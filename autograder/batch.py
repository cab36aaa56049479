"""`python -m autograder batch SUBMISSIONS [--output DIR] [--jobs N] [--seed N]`: a whole class.

SUBMISSIONS is a folder holding one entry per student (a folder, or a .zip/.tar/.tar.gz archive,
named after the student), or a Gradescope "Export Submissions" archive or folder (entries
`submission_<id>/`, named after their submitters from `submission_metadata.yml`).

Every entry is graded as `grade` grades a submission alone, with the same seed (the same verdicts:
a test checks it), by `--jobs` grading processes (default: one per core) that share one fork server.
Under DIR (default `graded/`) it writes:

- `<entry>.json`: the entry's Gradescope results, every test, even for an entry that could not be
  read (each test then fails, saying why);
- `grades.csv`: a row per entry: name, sid and email (from a Gradescope export), entry, score, max_score,
  seconds, error, the points of each test;
- `report.html`: what course staff look at (see batch_report.py).

An entry that is unreadable, hangs or attacks the sandbox gets its row and its reason; the batch goes
on. A rerun skips an entry already graded from the same content, by the same grader and seed
(`.batch-state.json` keeps a digest of each, never the seed itself), so fixing one test and rerunning
regrades everything, and rerunning after an interruption regrades nothing twice. Ctrl-C stops the
batch and writes the gradebook and report of what finished.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .archive import SUFFIXES
from .output import write_atomic
from .sandbox.limits import ConfigError
from .submission import SubmissionError, prepare

STATE = ".batch-state.json"
GRADESCOPE_METADATA = "submission_metadata.yml"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Entry:
    """One student's hand-in: where it is, its name in the gradebook, its results file's stem, and (from
    a Gradescope export) its submitters' student ids and emails, for matching the gradebook to a roster."""

    path: Path
    name: str
    stem: str
    sid: str = ""
    email: str = ""


def entries(source: Path, output: Path | None = None) -> list[Entry]:
    """The entries of a submissions folder or Gradescope export, in name order (SubmissionError if none);
    `output`, the batch's own results folder, is never one, even when it is inside."""
    if not source.is_dir():
        raise SubmissionError(f"{source} is not a folder of submissions (unpack a course platform's export first)")
    base = source
    inner = [p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if not (source / GRADESCOPE_METADATA).is_file() and len(inner) == 1 and (inner[0] / GRADESCOPE_METADATA).is_file():
        base = inner[0]  # an export unpacked with its top folder
    names = _gradescope_names(base / GRADESCOPE_METADATA)
    found = []
    for path in sorted(base.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.name in ("__MACOSX", GRADESCOPE_METADATA) or path.is_symlink():
            continue
        if output is not None and path.resolve() == output.resolve():
            continue
        if path.is_dir() or (path.is_file() and path.name.lower().endswith(SUFFIXES)):
            stem = path.name[:-len(next(s for s in SUFFIXES if path.name.lower().endswith(s)))] if path.is_file() else path.name
            found.append((path, names.get(path.name, {"name": stem}), stem))
    if not found:
        raise SubmissionError(f"no submissions in {source}: expected a folder or archive per student")
    taken: set[str] = set()
    result = []
    for path, who, stem in found:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "entry"
        unique = safe
        if safe != stem or safe.lower() in taken:  # never a clean name another entry may have (_alice, Alice)
            unique = f"{safe}-{hashlib.sha256(stem.encode()).hexdigest()[:8]}"
        n = 1
        while unique.lower() in taken:
            n += 1
            unique = f"{safe}-{hashlib.sha256(stem.encode()).hexdigest()[:8]}-{n}"
        taken.add(unique.lower())
        result.append(Entry(path, who["name"], unique, who.get("sid", ""), who.get("email", "")))
    return result


def _gradescope_names(metadata: Path) -> dict[str, dict[str, str]]:
    """submission folder -> its submitters' names, student ids and emails (joined with " & " for a group),
    from a Gradescope export's metadata (a YAML file of `submission_<id>:` blocks, each listing
    `:submitters:` with `:name:`, `:sid:` and `:email:`); only those lines are read."""
    try:
        text = metadata.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    found: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        top = re.match(r"^(submission_\d+):\s*$", line)
        if top:
            current = found.setdefault(top.group(1), {"name": [], "sid": [], "email": []})
            continue
        field = re.match(r"^\s*-?\s*:(name|sid|email):\s*(.*?)\s*$", line)
        if current is not None and field and field.group(2):
            current[field.group(1)].append(field.group(2).strip("'\""))
    return {folder: {key: " & ".join(values) for key, values in fields.items()}
            for folder, fields in found.items() if fields["name"]}


def grader_version() -> str:
    """A digest of everything a verdict depends on besides the submission and the seed: the grader's code,
    the reference, the hidden tests and the settings."""
    digest = hashlib.sha256()
    paths = sorted([*(ROOT / "autograder").rglob("*.py"), *(ROOT / "solutions").rglob("*.py"), ROOT / "setup.cfg"])
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _content(folder: Path) -> str:
    """A digest of the prepared copy's files: what is graded, nothing else."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        name, data = str(path.relative_to(folder)).encode(), path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name + hashlib.sha256(data).digest())  # (no two sets alike)
    return digest.hexdigest()[:32]


def _grade_one(entry: Entry, seed: int | None, kept: dict | None, version: str, limits=None) -> dict:
    """Grade `entry` in this process; its gradebook row (with the results file's text, unless `kept`, the
    stamp of the results already there, is this grading's)."""
    from . import runner
    from .writers import WRITERS

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
        notes: list[str] = []
        try:
            path = _placed(entry.path, Path(tmp) / "placed", notes)
            root = prepare(path, Path(tmp) / "copy", notes)
            content = _content(root)
        except SubmissionError as exc:
            return _rejected(entry, str(exc), began)
        except Exception as exc:  # noqa: BLE001 - (RecursionError on folders nested past reason, ...) this entry only
            return _rejected(entry, f"its files could not be read ({type(exc).__name__})", began)
        stamp = {"content": content, "grader": version, "seed": _seed_digest(seed)}
        if kept == stamp:
            return {"entry": entry.stem, "kept": True, "stamp": stamp}
        try:
            report = runner.grade(root, seed=seed, submission=entry.name, notes=tuple(notes), jobs=1, limits=limits,
                                  source=_shared_source(), replay=_replay(entry, seed))
        except Exception as exc:  # noqa: BLE001 - a grader bug costs this entry its grading, not the batch
            return _rejected(entry, f"the grader failed on this entry ({type(exc).__name__}: {exc})", began)
    return {"entry": entry.stem, "stamp": stamp, "seconds": round(time.perf_counter() - began, 3),
            "results": WRITERS["gradescope"](report), "error": None}


def _placed(path: Path, dest: Path, notes: list[str]) -> Path:
    """`path`, or, when it holds the assignment's files without mytorch/ (what some students drag into
    Gradescope: linear.py, activation.py, ...), a folder with each of them where mytorch/ has it, as the
    Gradescope autograder grades them (gradescope/loose_files.py, shared)."""
    loose = _loose_files()
    files = loose.found(path) if loose is not None else {}
    if not files:
        return path
    notes.append(f"the files were handed in without mytorch/: {', '.join(sorted(p.name for p in files.values()))} "
                 "were put where mytorch/ has them")
    return loose.assemble(files, dest)


@functools.lru_cache(maxsize=None)
def _loose_files():
    """gradescope/loose_files.py (loaded once per process), or None where it is not shipped."""
    import importlib.util

    path = ROOT / "gradescope" / "loose_files.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("autograder_loose_files", path)
    loose = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loose)
    loose.SKELETON = ROOT / "solutions" / "mytorch"  # (only its __init__.py files are used)
    return loose


def _replay(entry: Entry, seed: int | None) -> str:
    """The command that grades this entry alone, as the batch did (its own path, its seed if not official)."""
    from .replay import command
    from .sandbox.limits import official_seed

    return command(str(entry.path.resolve()), None if seed is None or seed == official_seed()[0] else seed)


_SOURCE: list = []


def _shared_source():
    """What every entry a grading process grades shares: the reference (official mode), the inputs (kept in
    memory: the same case objects for every entry) and so the expected values, computed once per process."""
    from . import examples, reference

    if not _SOURCE:
        examples.IN_MEMORY = {}
        _SOURCE.append(reference.source())
    return _SOURCE[0]


def _rejected(entry: Entry, why: str, began: float) -> dict:
    """The row of an entry that could not be graded: every test failed, saying why."""
    from .checks import CHECKS
    from .reference import hidden_checks
    from .report import Outcome, Report, TestResult
    from .writers import WRITERS

    results = tuple(TestResult(c.name, float(c.points), 0.0, Outcome.FAILED, f"submission rejected: {why}",
                               c.visibility) for c in CHECKS + hidden_checks())
    report = Report(submission=entry.name, seed=-1, results=results, notes=(why,), secret_seed=True)
    return {"entry": entry.stem, "stamp": None, "seconds": round(time.perf_counter() - began, 3),
            "results": WRITERS["gradescope"](report), "error": why}


@functools.lru_cache(maxsize=None)
def _seed_digest(seed: int | None) -> str:
    from .sandbox.limits import official_seed

    value = official_seed()[0] if seed is None else seed
    return hashlib.sha256(f"autograder seed {value}".encode()).hexdigest()[:16]


def run(source: Path, output: Path, jobs: int | None = None, seed: int | None = None, limits=None,
        progress=None, dask: str | None = None) -> dict:
    """Grade every entry of `source` into `output`; returns a summary. See the module docstring. `limits`:
    the sandbox's (default: setup.cfg's); `progress`: what is told of each entry finished (default: a bar
    on a terminal, lines otherwise); `dask`: a Dask scheduler's address ("local": a LocalCluster) to
    grade on instead of this machine's grading processes."""
    from .sandbox import server

    found = entries(source, output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubmissionError(f"cannot make --output {output}: {exc.strerror or exc}") from None
    state = _load_state(output / STATE)
    _drop_stale(state, {entry.stem for entry in found}, output)
    version = grader_version()
    if dask is None:
        server.shared().wait_ready()  # one fork server for every grading process (they are forked from here)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(found)))
    rows: dict[str, dict] = {}
    interrupted = False
    report = progress or _Progress(len(found))
    todo = list(found)
    try:
        while todo:  # (a grading process that dies takes only its entry: the rest go to a new pool)
            if dask is not None:
                todo = _on_dask(dask, todo, jobs, seed, limits, state, version, output, rows, report)
            else:
                todo = _pool(todo, jobs, seed, limits, state, version, output, rows, report)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        report.close()
    _write_outputs(found, rows, output, source, seed)
    graded = [row for row in rows.values() if row.get("error") is None]
    return {"entries": len(found), "finished": len(rows), "graded": len(graded),
            "kept": sum(1 for row in rows.values() if row.get("kept")), "interrupted": interrupted}


def _pool(todo: list[Entry], jobs: int, seed, limits, state: dict, version: str, output: Path, rows: dict,
          report) -> list[Entry]:
    """Grade `todo` in `jobs` processes until done (returns []) or until one dies (returns what was not
    finished, less the entry whose process died, which gets its row)."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts) as pool:
        pending = {pool.submit(_grade_one, entry, seed, _kept(state, entry, output), version, limits): entry
                   for entry in todo}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    entry = pending.pop(future)
                    try:
                        row = future.result()
                    except Exception as exc:  # noqa: BLE001 - a grader bug on one entry is that entry's row
                        if not isinstance(exc, BrokenProcessPool):
                            row = _rejected(entry, f"the grader failed on it ({type(exc).__name__})", time.perf_counter())
                            _finish(entry, row, state, output, rows, report)
                            continue
                        why = "its grading process died (a grader failure, not the submission's)"
                        row = _rejected(entry, why, time.perf_counter())
                        _finish(entry, row, state, output, rows, report)
                        return [e for e in pending.values()]
                    _finish(entry, row, state, output, rows, report)
        except KeyboardInterrupt:  # what runs is stopped at once (its workers end with it), the rest never starts
            for child in multiprocessing.active_children():
                child.kill()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return []


def _kept(state: dict, entry: Entry, output: Path) -> dict | None:
    """The stamp of the entry's results already in `output`, if they are there."""
    return state.get(entry.stem) if (output / f"{entry.stem}.json").is_file() else None


def _on_dask(address: str, todo: list[Entry], jobs: int, seed, limits, state: dict, version: str, output: Path,
             rows: dict, report) -> list[Entry]:
    """Grade `todo` on a Dask cluster (`address` of its scheduler, or "local": a LocalCluster of `jobs`
    workers here). Each Dask worker grades with the same sandbox, its own fork server; it must see the
    entries at the same paths (a shared filesystem) and run one task at a time (`--nthreads 1`)."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError("--dask needs dask.distributed: pip install -e '.[cluster]'") from None
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        client = Client(cluster if cluster is not None else address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = {client.submit(_grade_on_worker, entry, seed, _kept(state, entry, output), version, limits,
                                 pure=False): entry for entry in todo}
        try:
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    row = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost: this entry's row says so, the rest go on
                    row = _rejected(entry, f"its grading on the cluster failed ({type(exc).__name__}: {exc})",
                                    time.perf_counter())
                _finish(entry, row, state, output, rows, report)
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return []


def _grade_on_worker(entry: Entry, seed, kept, version: str, limits) -> dict:
    """`_grade_one` on a Dask worker: the grader loads there, with a fork server of its own."""
    from .sandbox import server

    server.shared().wait_ready()
    return _grade_one(entry, seed, kept, version, limits)


def _ignore_interrupts() -> None:
    """Grading processes leave Ctrl-C to the batch, which stops them (a terminal sends it to them all)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _finish(entry: Entry, row: dict, state: dict, output: Path, rows: dict, report) -> None:
    """Keep one entry's outcome: its results file, its state, its gradebook row."""
    path = output / f"{entry.stem}.json"
    if row.get("kept"):
        try:
            results = json.loads(path.read_text(encoding="utf-8"))  # (our own file, written by an earlier run)
            row = {**row, "seconds": float(results.get("execution_time", 0.0)), "error": None}
        except (OSError, ValueError):
            results = {}
            row = {**row, "kept": False, "error": "its kept results are unreadable: the next run grades it again"}
    else:
        text = row.pop("results")
        write_atomic(path, text)
        results = json.loads(text)
    # (only a few numbers stay in memory: the report reads each entry's results file back at the end)
    row.update(score=results.get("score"), max_score=results.get("max_score", 0.0))
    if row.get("stamp") is not None and row.get("error") is None:
        state[entry.stem] = row["stamp"]
    else:
        state[entry.stem] = {"written": True}  # (never a stamp a grading matches: graded again next time)
    write_atomic(output / STATE, json.dumps(state, indent=1, sort_keys=True) + "\n")
    rows[entry.stem] = row
    report.update(entry, row)


def _load_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _drop_stale(state: dict, current: set[str], output: Path) -> None:
    """Remove the results of entries an earlier run graded that are no longer there (a student removed,
    names that changed), so that `output` holds this class's results only."""
    for stem in [stem for stem in state if stem not in current]:
        (output / f"{stem}.json").unlink(missing_ok=True)
        del state[stem]


def _write_outputs(found: list[Entry], rows: dict, output: Path, source: Path, seed: int | None) -> None:
    """grades.csv and report.html for the entries that finished (in entry order)."""
    table = []
    for entry in found:
        row = rows.get(entry.stem)
        if row is None:
            continue
        try:
            tests = json.loads((output / f"{entry.stem}.json").read_text(encoding="utf-8")).get("tests", [])
        except (OSError, ValueError):
            tests = []
        table.append({"name": entry.name, "sid": entry.sid, "email": entry.email, "entry": entry.stem,
                      "score": None if row.get("error") else row["score"],
                      "max_score": row["max_score"], "seconds": row.get("seconds", 0.0),
                      "error": row.get("error"), "tests": [_brief(test) for test in tests]})
    write_atomic(output / "grades.csv", _gradebook(table))
    try:
        from .batch_report import render
    except ImportError:  # (the report module ships with the grader; never fatal to the gradebook)
        return
    when = time.strftime("%Y-%m-%d %H:%M")
    seed_shown = "the official seed" if seed is None else f"seed {seed}"
    write_atomic(output / "report.html", render(table, title=f"{source.name}: {len(table)} submissions, "
                                                             f"graded {when} with {seed_shown}"))


def _brief(test: dict) -> dict:
    """A test as the gradebook and report use it: its output cut to what the report reads (the first line,
    the hints), so a class of a thousand entries fits in memory."""
    lines = str(test.get("output", "")).splitlines()
    kept = lines[:1] + [line for line in lines[1:] if line.lstrip().startswith("hint:") and line == line.lstrip()]
    return {**test, "output": "\n".join(line[:500] for line in kept)}


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: names and reasons come from students (a folder named
    `=HYPERLINK(...)`), and a cell starting with = + - @ (or a tab or return) is a formula to Excel and
    LibreOffice; such a cell gets a leading apostrophe, which they show as text."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _gradebook(table: list[dict]) -> str:
    tests = []
    for row in table:
        for test in row["tests"]:
            if test["name"] not in tests:
                tests.append(test["name"])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "sid", "email", "entry", "score", "max_score", "seconds", "error", *map(_cell, tests)])
    for row in table:
        points = {test["name"]: test["score"] for test in row["tests"]}
        writer.writerow([*map(_cell, (row["name"], row["sid"], row["email"], row["entry"])),
                         "" if row["score"] is None else row["score"], row["max_score"],
                         row["seconds"], _cell(row["error"] or ""), *[points.get(name, "") for name in tests]])
    return buf.getvalue()


class _Progress:
    """A progress bar on a terminal (tqdm), plain lines otherwise."""

    def __init__(self, total: int):
        self.total, self.count = total, 0
        self.bar = None
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="entry", file=sys.stderr)
            except ImportError:
                pass

    def update(self, entry: Entry, row: dict) -> None:
        self.count += 1
        what = ("kept" if row.get("kept") else f"{row.get('score') or 0:g}/{row.get('max_score') or 0:g}") \
            if row.get("error") is None else f"not graded: {row['error']}"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{entry.name[:30]}: {what[:40]}", refresh=False)
            self.bar.update(1)
        else:
            name = "".join(c if c.isprintable() else "?" for c in entry.name)
            what = "".join(c if c.isprintable() else "?" for c in what)
            print(f"[{self.count}/{self.total}] {name}: {what}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
