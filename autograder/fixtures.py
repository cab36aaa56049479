"""The handout's fixtures: what local mode grades against when there is no solutions/.

`build` grades the reference officially, at the default seed and with recording
on: every input the public tests use (seeded cases and hypothesis examples) and
every expected value they compare with are kept. They are written as plain
.npz arrays (read back with allow_pickle=False) and a manifest.json that also
says how many hidden tests exist and what they are worth (not what they are).
`load` turns them back into a `Local` source.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from .cases import from_arrays, pack, to_arrays, unpack
from .expected import Local, Official, Recording

FOLDER = Path(__file__).resolve().parents[1] / "fixtures"


def build(dest: Path, seed: int, assignment=None) -> dict:
    """Record the public tests of `assignment` (default: the course's) on its reference into `dest`;
    returns the manifest."""
    from . import assignments, reference, runner

    assignment = assignment or assignments.get()
    record = Recording()
    report = runner.grade(assignment.solutions.parent, seed=seed, submission="solutions", checks=assignment.checks(),
                          source=Official(reference.load(assignment=assignment), record), jobs=1,
                          assignment=assignment)
    if report.score != report.max_score:
        failed = [r.name for r in report.results if not r.passed]
        raise RuntimeError(f"the reference fails its own public tests: {failed}")
    hidden = reference.hidden_checks(assignment)
    keys = list(record.inputs)
    manifest = {"assignment": assignment.name, "seed": seed, "inputs": keys, "hidden_tests": len(hidden),
                "hidden_points": float(sum(c.points for c in hidden))}
    inputs = {}
    for i, key in enumerate(keys):
        inputs.update(to_arrays(record.inputs[key], prefix=f"i{i}_"))
    values = {}
    for key, value in record.values.items():
        parts = value if isinstance(value, tuple) else (value,)
        values[f"{key}#n"] = np.array(len(parts) if isinstance(value, tuple) else -1)
        values.update({f"{key}#{j}": np.asarray(part, dtype=np.float64) for j, part in enumerate(parts)})
    dest.mkdir(parents=True, exist_ok=True)
    _write(dest / "inputs.npz", inputs)
    _write(dest / "expected.npz", values)
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def load(assignment=None, folder: Path = FOLDER) -> Local:
    if assignment is not None:
        assignment.checks()  # (its checks module registers the kinds of case its fixtures hold)
    manifest = json.loads((folder / "manifest.json").read_text())
    recorded = manifest.get("assignment", "mytorch")
    if assignment is not None and recorded != assignment.name:
        from .reference import ReferenceMissing

        raise ReferenceMissing(f"this handout's fixtures are {recorded}'s, not {assignment.name}'s: grade it "
                               f"as {recorded} (the default here), or with the {assignment.name} handout")
    with np.load(folder / "inputs.npz", allow_pickle=False) as stored:
        data = unpack(stored)
    inputs = {key: from_arrays(data, prefix=f"i{i}_") for i, key in enumerate(manifest["inputs"])}
    table = {}
    with np.load(folder / "expected.npz", allow_pickle=False) as stored:
        data = unpack(stored)
        for name in data:
            if name.endswith("#n"):
                key, count = name[:-2], int(data[name])
                parts = tuple(np.array(data[f"{key}#{j}"]) for j in range(max(count, 1)))
                table[key] = parts if count >= 0 else parts[0]
    return Local(inputs, table, manifest["seed"], (manifest["hidden_tests"], manifest["hidden_points"]))


def _write(path: Path, arrays: dict) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, **pack(arrays))  # two members, not thousands: read in one go
    path.write_bytes(buf.getvalue())
