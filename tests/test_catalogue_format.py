"""The submission catalogue (tests/catalogue/) is well formed and honest.

- every entry materializes (each mutant's `find` occurs exactly once in the reference);
- every correct entry behaves like the reference on every probe below;
- every buggy entry differs observably from the reference in the class it blames,
  and only there;
- hostile entries are materialized but NEVER imported here.

The probes call the classes the way the contract allows: several shapes (N = 1,
C = 1, square, non-square), exact zeros in ReLU inputs, logits of 1000 and of
spread +-300, two forward calls before backward, two forward/backward rounds,
and checks that no argument is modified in place. Values are compared with
rtol=1e-4, atol=1e-6 (a float32 implementation passes).
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import CHECKS

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.catalogue import (  # noqa: E402
    BESIDE,
    CLASS_FILES,
    CLASSES,
    ENTRIES,
    REFERENCE,
    CatalogueError,
    Edit,
    Entry,
    materialize,
)

RTOL, ATOL = 1e-4, 1e-6
MODULES = {c.cls: c.module for c in CHECKS}  # where the grader finds each class
SAFE = [e for e in ENTRIES if e.kind != "hostile" and e.in_process]


# --------------------------------------------------------------------------- loading


@contextlib.contextmanager
def imported_mytorch(root: Path):
    """Import the `mytorch` package found in `root`; yield {class name: class}.

    Any `mytorch` modules already loaded (e.g. the handout) are set aside and restored.
    """
    saved = {k: v for k, v in sys.modules.items() if _submission_module(k)}
    for k in saved:
        del sys.modules[k]
    sys.path.insert(0, str(root))
    old_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    importlib.invalidate_caches()
    try:
        classes = {}
        for cls, modname in MODULES.items():
            mod = importlib.import_module(_chosen(root, modname))
            assert Path(mod.__file__).resolve().is_relative_to(root.resolve()), mod.__file__
            classes[cls] = getattr(mod, cls)
        yield classes
    finally:
        sys.dont_write_bytecode = old_bytecode
        sys.path.remove(str(root))
        for k in [k for k in sys.modules if _submission_module(k)]:
            del sys.modules[k]
        sys.modules.update(saved)


def _submission_module(name: str) -> bool:
    return name.split(".")[0] in ("mytorch", "models")


def _chosen(root: Path, modname: str) -> str:
    """A module path, or of alternatives ("models.mlp|mytorch.models.mlp") the first `root` has, as the
    grader's worker picks it."""
    choices = modname.split("|")
    return next((m for m in choices if (root.joinpath(*m.split(".")).with_suffix(".py")).is_file()), choices[-1])


# --------------------------------------------------------------------------- observations
# An observation is a small tuple that compares with `same`, so a probe run on the
# reference and on a candidate can be diffed key by key.


def arr(x):
    if isinstance(x, np.ndarray) and type(x) is np.ndarray and x.dtype.kind in "biuf":
        return ("array", x.shape, x.astype(np.float64))
    return ("not an ndarray", type(x).__name__, getattr(x, "shape", None))


def scalar(x):
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
        return ("scalar", float(x))
    if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "iuf":
        return ("scalar", float(x.reshape(-1)[0]))
    return ("not a scalar", type(x).__name__, getattr(x, "shape", None))


def same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "array":
        return a[1] == b[1] and bool(np.allclose(a[2], b[2], rtol=RTOL, atol=ATOL))
    if a[0] == "scalar":
        return bool(np.isclose(a[1], b[1], rtol=RTOL, atol=ATOL))
    return a == b


def unchanged(current, original):
    return ("unchanged", bool(np.array_equal(current, original)))


def one_hot(rng, n, c):
    y = np.zeros((n, c))
    y[np.arange(n), rng.integers(0, c, size=n)] = 1.0
    return y


def run(probe, classes, *args) -> dict:
    obs: dict = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(None):
        warnings.simplefilter("ignore")
        try:
            probe(classes, obs, *args)
        except Exception as exc:  # a buggy method may raise: that is an observation
            obs["raised"] = ("raised", type(exc).__name__)
    return obs


def linear_probe(classes, obs, seed, mode, N, C_in, C_out):
    rng = np.random.default_rng(seed)
    A1, A2 = rng.standard_normal((N, C_in)), rng.standard_normal((N, C_in))
    D1, D2 = rng.standard_normal((N, C_out)), rng.standard_normal((N, C_out))
    W, b = rng.standard_normal((C_out, C_in)), rng.standard_normal((C_out, 1))
    layer = classes["Linear"](C_in, C_out)
    obs["init.W"] = arr(layer.W)
    obs["init.b"] = arr(layer.b)
    layer.W, layer.b = W.copy(), b.copy()
    a1, a2, d1, d2 = A1.copy(), A2.copy(), D1.copy(), D2.copy()
    if mode == "basic":
        obs["forward.Z"] = arr(layer.forward(a1))
        obs["forward.A unchanged"] = unchanged(a1, A1)
        obs["self.A"] = arr(getattr(layer, "A", None))
        obs["self.N"] = scalar(getattr(layer, "N", None))
        obs["backward.dLdA"] = arr(layer.backward(d1))
        obs["backward.dLdZ unchanged"] = unchanged(d1, D1)
    elif mode == "two forwards":
        layer.forward(a1)
        obs["forward#2.Z"] = arr(layer.forward(a2))
        obs["backward.dLdA"] = arr(layer.backward(d2))
    elif mode == "two rounds":
        layer.forward(a1)
        layer.backward(d1)
        obs["forward#2.Z"] = arr(layer.forward(a2))
        obs["backward#2.dLdA"] = arr(layer.backward(d2))
    elif mode == "two objects":  # another layer's forward between this one's forward and what it stored
        layer.forward(a1)
        other = classes["Linear"](C_in, C_out)
        other.W, other.b = W.copy(), b.copy()
        other.forward(a2)
        obs["self.A"] = arr(getattr(layer, "A", None))
        obs["backward.dLdA"] = arr(layer.backward(d1))
    obs["self.dLdW"] = arr(getattr(layer, "dLdW", None))
    obs["self.dLdb"] = arr(getattr(layer, "dLdb", None))
    obs["W unchanged"] = unchanged(layer.W, W)
    obs["b unchanged"] = unchanged(layer.b, b)
    obs["A unchanged"] = unchanged(a1, A1)
    obs["A#2 unchanged"] = unchanged(a2, A2)


def relu_input(rng, shape):
    Z = rng.standard_normal(shape)
    Z[rng.random(shape) < 0.3] = 0.0  # exact zeros: the derivative there is 0
    if Z.size > 1:
        Z.flat[0] = 0.0
        Z.flat[1] = -abs(Z.flat[1]) - 0.1
    else:
        Z.flat[0] = -0.7
    return Z


def activation_rounds(layer, obs, mode, Z1, Z2, D):
    """What an activation does with one forward ("basic", "large") or two, then a backward: outputs, what it
    stored, and whether every argument is left as it was (on copies: the originals are compared with)."""
    z1, z2, d = Z1.copy(), Z2.copy(), D.copy()
    if mode in ("basic", "large"):
        obs["forward.A"] = arr(layer.forward(z1))
        obs["forward.Z unchanged"] = unchanged(z1, Z1)
    elif mode == "two forwards":
        layer.forward(z1)
        obs["forward#2.A"] = arr(layer.forward(z2))
    elif mode == "two objects":  # another object's forward between this one's forward and backward
        obs["forward.A"] = arr(layer.forward(z1))
        type(layer)().forward(z2)
    obs["self.A"] = arr(getattr(layer, "A", None))
    obs["backward.dLdZ"] = arr(layer.backward(d))
    obs["backward.dLdA unchanged"] = unchanged(d, D)
    obs["Z unchanged"] = unchanged(z1, Z1)
    obs["Z#2 unchanged"] = unchanged(z2, Z2)


def relu_probe(classes, obs, seed, mode, N, C):
    rng = np.random.default_rng(seed)
    Z1, Z2 = relu_input(rng, (N, C)), relu_input(rng, (N, C))
    D = rng.standard_normal((N, C)) + 3.0  # nonzero and mostly positive
    D.flat[-1] = -1.5
    activation_rounds(classes["ReLU"](), obs, mode, Z1, Z2, D)


def ce_probe(classes, obs, seed, mode, N, C, scale, offset):
    rng = np.random.default_rng(seed)
    A1 = rng.standard_normal((N, C)) * scale + offset
    A2 = rng.standard_normal((N, C)) * scale + offset
    Y1, Y2 = one_hot(rng, N, C), one_hot(rng, N, C)
    loss = classes["CrossEntropyLoss"]()
    a1, a2, y1, y2 = A1.copy(), A2.copy(), Y1.copy(), Y2.copy()
    if mode == "basic":
        obs["forward.L"] = scalar(loss.forward(a1, y1))
        obs["forward.A unchanged"] = unchanged(a1, A1)
        obs["forward.Y unchanged"] = unchanged(y1, Y1)
    elif mode == "two forwards":
        loss.forward(a1, y1)
        obs["forward#2.L"] = scalar(loss.forward(a2, y2))
    obs["backward.dLdA"] = arr(loss.backward())
    for name, now, before in (("A", a1, A1), ("Y", y1, Y1), ("A#2", a2, A2), ("Y#2", y2, Y2)):
        obs[f"{name} unchanged after backward"] = unchanged(now, before)


def smooth_input(rng, shape, mode):
    if mode == "large":  # every |Z| past 709, where exp overflows: only Tanh is probed there
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(710, 1000, size=shape)
    Z = rng.standard_normal(shape) * 3
    Z[rng.random(shape) < 0.2] = 0.0
    return Z


def smooth_probe(classes, obs, cls, seed, mode, N, C):
    """Identity, Sigmoid, Tanh, GELU: one forward (or two) and a backward."""
    rng = np.random.default_rng(seed)
    Z1, Z2 = smooth_input(rng, (N, C), mode), smooth_input(rng, (N, C), mode)
    D = rng.standard_normal((N, C))
    activation_rounds(classes[cls](), obs, mode, Z1, Z2, D)


def _probes():
    probes = []
    seed = 0
    for mode in ("basic", "two forwards", "two rounds"):
        for shape in ((1, 3, 2), (4, 1, 1), (3, 3, 3), (5, 4, 2), (2, 6, 7)):
            seed += 1
            probes.append(("Linear", linear_probe, (seed, mode) + shape))
    for mode in ("basic", "two forwards"):
        for shape in ((1, 1), (1, 5), (4, 1), (3, 3), (5, 4), (6, 7)):
            seed += 1
            probes.append(("ReLU", relu_probe, (seed, mode) + shape))
    for mode in ("basic", "two forwards"):
        for N, C, scale, offset in (
            (1, 3, 2.0, 0.0),
            (4, 1, 2.0, 0.0),
            (3, 3, 2.0, 0.0),
            (5, 4, 2.0, 0.5),
            (8, 10, 1.0, 0.0),
            (5, 4, 3.0, 1000.0),  # large logits: must stay finite
            (6, 5, 300.0, 0.0),  # widely spread logits: log-softmax, not log(softmax)
        ):
            seed += 1
            probes.append(("CrossEntropyLoss", ce_probe, (seed, mode, N, C, scale, offset)))
    for cls in ("Identity", "Sigmoid", "Tanh", "GELU"):
        for mode in ("basic", "two forwards") + (("large",) if cls == "Tanh" else ()):
            for shape in ((1, 1), (1, 5), (4, 1), (3, 3), (5, 4), (6, 7)):
                seed += 1
                probes.append((cls, smooth_probe, (cls, seed, mode) + shape))
    return probes


PROBES = _probes()


def observe(classes) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {c: [] for c in CLASSES}
    for cls, probe, args in PROBES:
        out[cls].append(run(probe, classes, *args))
    return out


def differences(cls: str, got: list[dict], want: list[dict]) -> list[str]:
    diffs = []
    probes = [p for p in PROBES if p[0] == cls]
    assert len(probes) == len(got) == len(want)
    for (_, _, args), g, w in zip(probes, got, want):
        for key in sorted(set(g) | set(w)):
            if key not in g or key not in w or not same(g[key], w[key]):
                diffs.append(f"{args}: {key}: got {short(g.get(key))}, want {short(w.get(key))}")
    return diffs


def short(o):
    if o is None:
        return "missing"
    if o[0] == "array":
        return f"array{o[1]}"
    return repr(o)[:80]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def reference_obs(tmp_path_factory):
    dest = tmp_path_factory.mktemp("reference")
    import shutil

    shutil.copytree(REFERENCE, dest / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    with imported_mytorch(dest) as classes:
        obs = observe(classes)
    for cls in CLASSES:
        for o in obs[cls]:
            assert "raised" not in o, f"the reference raised on a {cls} probe: {o['raised']}"
    return obs


# --------------------------------------------------------------------------- tests: format


def test_catalogue_size():
    kinds = {k: [e for e in ENTRIES if e.kind == k] for k in ("buggy", "correct", "hostile")}
    assert len(kinds["buggy"]) >= 45
    assert len(kinds["correct"]) >= 14
    assert len(kinds["hostile"]) >= 12
    for cls in MODULES:  # every graded class: at least three realistic mistakes
        assert sum(e.blame == (cls,) for e in kinds["buggy"]) >= 3, f"fewer than 3 buggy entries for {cls}"


def test_entry_fields():
    names = [e.name for e in ENTRIES]
    assert len(names) == len(set(names))
    for e in ENTRIES:
        assert e.kind in ("buggy", "correct", "hostile")
        assert e.description and "\n" not in e.description
        assert set(e.blame) <= set(CLASSES)
        assert set(e.blame).isdisjoint(e.honest_classes)
        assert set(e.blame) | set(e.honest_classes) == set(CLASSES)
        if e.kind == "buggy":
            assert e.edits and e.overlay is None and e.max_score is None
            assert len(e.blame) == 1 or {CLASS_FILES[c] for c in e.blame} == {e.edits[0].file}  # one class, or a file
        elif e.kind == "correct":
            assert e.blame == () and e.overlay is not None and e.max_score is None
        else:
            assert e.overlay is not None  # blame may be empty: an attack on grading itself, classes all honest
            assert e.max_score is not None or e.honest_classes  # a bound either way


def test_honest_max():
    entry = next(e for e in ENTRIES if e.kind == "hostile" and e.blame[0] == "Linear"
                 and {"ReLU", "CrossEntropyLoss"} <= set(e.honest_classes))
    points = {"Linear.forward: output Z": 5.0, "ReLU.forward: output A": 2.0, "CrossEntropyLoss.backward: dLdA": 3.0}
    assert entry.honest_max(points) == 5.0
    assert entry.honest_max(list(points.items())) == 5.0


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.kind}-{e.name}")
def test_materializes(entry: Entry, tmp_path: Path):
    dest = materialize(entry, tmp_path / "sub")
    assert dest == tmp_path / "sub"
    root = dest / "mytorch"
    for rel in ("__init__.py", "nn/__init__.py", "nn/linear.py", "nn/activation.py", "nn/loss.py"):
        assert (root / rel).is_file(), rel
    assert not (root / "entry.toml").exists()
    if entry.kind == "buggy":
        changed = {edit.file for edit in entry.edits}
        for rel in changed:
            assert (root / rel).read_text() != (REFERENCE / rel).read_text(), f"{rel} unchanged"
    else:
        for src in entry.overlay.rglob("*.py"):
            rel = src.relative_to(entry.overlay)
            if rel.parts[0] == BESIDE:  # next to mytorch/ (models/mlp.py, the course's layout)
                assert (dest / Path(*rel.parts[1:])).read_bytes() == src.read_bytes()
            elif entry.append and (REFERENCE / rel).is_file():  # appended to the reference file
                assert (root / rel).read_bytes().endswith(src.read_bytes())
            else:
                assert (root / rel).read_bytes() == src.read_bytes()
    if entry.kind == "hostile":
        # The classes it claims to implement honestly are the reference, untouched (each class is
        # graded from its own module, whatever the package __init__ files do).
        files = {CLASS_FILES[c] for c in entry.honest_classes}
        for rel in sorted(files):
            if entry.append and (entry.overlay / rel).is_file():  # appended to: it must not define them again
                tree = ast.parse((entry.overlay / rel).read_text())
                defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
                assert not defined & set(entry.honest_classes), f"{rel} defines honest classes again"
                continue
            assert (root / rel).read_bytes() == (REFERENCE / rel).read_bytes(), f"{rel} is not the reference"
    for path in root.rglob("*.py"):  # hostile code is only compiled, never run
        if entry.name == "relu_syntax_error" and path.name == "activation.py":
            with pytest.raises(SyntaxError):  # the one entry whose point is a file that does not compile
                compile(path.read_text(), str(path), "exec")
            continue
        compile(path.read_text(), str(path), "exec")
    with pytest.raises(FileExistsError):
        materialize(entry, dest)


def test_materialize_rejects_rotten_find(tmp_path: Path):
    for find in ("this text is not in the reference", "self.N"):  # absent; several times
        rotten = Entry(
            name="rotten",
            kind="buggy",
            description="x",
            blame=("Linear",),
            max_score=None,
            honest_classes=("ReLU", "CrossEntropyLoss"),
            edits=(Edit("nn/linear.py", find, "y"),),
        )
        with pytest.raises(CatalogueError):
            materialize(rotten, tmp_path / find.replace(" ", "_").replace(".", "_"))


# --------------------------------------------------------------------------- tests: honesty


@pytest.mark.parametrize("entry", SAFE, ids=lambda e: f"{e.kind}-{e.name}")
def test_entry_is_honest(entry: Entry, tmp_path: Path, reference_obs):
    assert entry.kind != "hostile"  # never import hostile code in this process
    dest = materialize(entry, tmp_path)
    with imported_mytorch(dest) as classes:
        got = observe(classes)
    report = {cls: differences(cls, got[cls], reference_obs[cls]) for cls in CLASSES}
    for cls in CLASSES:
        if cls in entry.blame:
            assert report[cls], f"{entry.name}: no probe tells its {cls} from the reference"
        else:
            assert not report[cls], f"{entry.name}: {cls} differs from the reference:\n" + "\n".join(
                report[cls][:20]
            )


# --------------------------------------------------------------------------- BatchNorm1d probes


def bn_row(x, C):
    """dLdBW / dLdBb of shape (C,) where (1, C) is specified: accepted by the grader's policy."""
    return x.reshape(1, C) if isinstance(x, np.ndarray) and x.shape == (C,) else x


def bn_probe(classes, obs, seed, mode, N, C, alpha):
    rng = np.random.default_rng(seed)
    Z1, Z2, Z3 = (rng.standard_normal((N, C)) * 2.0 + 1.0 for _ in range(3))
    Zeval = rng.standard_normal((N + 2, C)) * 2.0 + 1.0
    D1, D2 = rng.standard_normal((N, C)), rng.standard_normal((N, C))
    BW = rng.uniform(0.5, 1.5, size=(1, C)) * rng.choice([-1.0, 1.0], size=(1, C))
    Bb = rng.standard_normal((1, C))
    bn = classes["BatchNorm1d"](C, alpha)
    bn.BW, bn.Bb = BW.copy(), Bb.copy()
    z1, z2, z3, ze, d1, d2 = Z1.copy(), Z2.copy(), Z3.copy(), Zeval.copy(), D1.copy(), D2.copy()
    if mode == "basic":
        obs["forward.BZ"] = arr(bn.forward(z1))
        obs["forward.Z unchanged"] = unchanged(z1, Z1)
        obs["running_M"] = arr(bn.running_M)
        obs["running_V"] = arr(bn.running_V)
        obs["backward.dLdZ"] = arr(bn.backward(d1))
        obs["backward.dLdBZ unchanged"] = unchanged(d1, D1)
    elif mode == "three batches, then eval":
        for z in (z1, z2, z3):
            bn.forward(z)
        obs["running_M#3"] = arr(bn.running_M)
        obs["running_V#3"] = arr(bn.running_V)
        obs["forward(eval=True).BZ"] = arr(bn.forward(ze, True))
        obs["forward(eval=True).Z unchanged"] = unchanged(ze, Zeval)
        obs["running_M after eval"] = arr(bn.running_M)
        obs["running_V after eval"] = arr(bn.running_V)
        obs["backward.dLdZ"] = arr(bn.backward(d1))  # backpropagates the last training batch, Z3
    elif mode == "two rounds":
        bn.forward(z1)
        bn.backward(d1)
        obs["forward#2.BZ"] = arr(bn.forward(z2))
        obs["backward#2.dLdZ"] = arr(bn.backward(d2))
    elif mode == "another batch size first":  # (state kept from an earlier batch: the grader's second batch too)
        bn.forward(rng.standard_normal((N + 3, C)) * 2.0 + 1.0)
        obs["forward#2.BZ"] = arr(bn.forward(z1))
        obs["backward#2.dLdZ"] = arr(bn.backward(d1))
    elif mode == "the handout's state set":  # (what the grader sets before backward: a forward storing another V
        bn.forward(z1)  # or NZ under those names, read so by its backward, differs here alone)
        M, V = Z1.mean(axis=0, keepdims=True), Z1.var(axis=0, keepdims=True)
        bn.Z, bn.N, bn.M, bn.V, bn.NZ = Z1.copy(), N, M, V, (Z1 - M) / np.sqrt(V + 1e-8)
        obs["backward.dLdZ"] = arr(bn.backward(d1))
    obs["self.dLdBW"] = arr(bn_row(getattr(bn, "dLdBW", None), C))
    obs["self.dLdBb"] = arr(bn_row(getattr(bn, "dLdBb", None), C))
    obs["BW unchanged"] = unchanged(bn.BW, BW)
    obs["Bb unchanged"] = unchanged(bn.Bb, Bb)


def _bn_probes(seed=1000):
    probes = []
    for mode in ("basic", "three batches, then eval", "two rounds", "another batch size first",
                 "the handout's state set"):
        for N, C, alpha in ((1, 3, 0.9), (4, 1, 0.9), (3, 3, 0.8), (5, 4, 0.9), (8, 6, 0.75)):
            seed += 1
            probes.append(("BatchNorm1d", bn_probe, (seed, mode, N, C, alpha)))
    return probes


PROBES += _bn_probes()
# --------------------------------------------------------------------------- probes: Softmax and MSELoss
# Inputs are floats (the policy: np.zeros_like(Z) is a right way to build the output). Large inputs move
# the whole batch by one constant, which any per-row constant (each row's max, or the batch's) absorbs.


def softmax_probe(classes, obs, seed, mode, N, C, scale, offset):
    rng = np.random.default_rng(seed)
    Z1 = rng.standard_normal((N, C)) * scale + offset
    Z2 = rng.standard_normal((N, C)) * scale + offset
    D = rng.standard_normal((N, C)) * 2.0
    activation_rounds(classes["Softmax"](), obs, mode, Z1, Z2, D)


def mse_probe(classes, obs, seed, mode, N, C, scale):
    rng = np.random.default_rng(seed)
    A1, Y1 = rng.standard_normal((N, C)) * scale, rng.standard_normal((N, C)) * scale
    A2, Y2 = rng.standard_normal((N, C)) * scale, rng.standard_normal((N, C)) * scale
    loss = classes["MSELoss"]()
    a1, a2, y1, y2 = A1.copy(), A2.copy(), Y1.copy(), Y2.copy()
    if mode == "basic":
        obs["forward.L"] = scalar(loss.forward(a1, y1))
        obs["forward.A unchanged"] = unchanged(a1, A1)
        obs["forward.Y unchanged"] = unchanged(y1, Y1)
    elif mode == "two forwards":
        loss.forward(a1, y1)
        obs["forward#2.L"] = scalar(loss.forward(a2, y2))
    obs["backward.dLdA"] = arr(loss.backward())
    for name, now, before in (("A", a1, A1), ("Y", y1, Y1), ("A#2", a2, A2), ("Y#2", y2, Y2)):
        obs[f"{name} unchanged after backward"] = unchanged(now, before)


def _softmax_mse_probes():
    probes = []
    seed = 1000
    for mode in ("basic", "two forwards"):
        for N, C, scale, offset in (
            (1, 1, 1.0, 0.0),
            (1, 5, 1.0, 0.0),
            (4, 1, 1.0, 0.0),
            (3, 3, 2.0, 0.0),
            (5, 4, 1.0, 0.5),
            (6, 7, 3.0, 0.0),
            (5, 4, 3.0, 1000.0),  # large inputs: must stay finite
            (4, 6, 30.0, 0.0),  # widely spread rows: nearly one-hot
        ):
            seed += 1
            probes.append(("Softmax", softmax_probe, (seed, mode, N, C, scale, offset)))
    for mode in ("basic", "two forwards"):
        for N, C, scale in ((1, 1, 1.0), (1, 4, 1.0), (4, 1, 2.0), (3, 3, 1.0), (5, 4, 3.0), (6, 7, 0.5)):
            seed += 1
            probes.append(("MSELoss", mse_probe, (seed, mode, N, C, scale)))
    return probes


PROBES += _softmax_mse_probes()


def _two_object_probes():
    """Two objects of one class, one's forward between the other's forward and backward: state kept on the
    class instead of the object (a class attribute, a dict in the class body) shows there."""
    probes, seed = [], 3000
    for shape in ((1, 3, 2), (3, 3, 3), (5, 4, 2)):
        seed += 1
        probes.append(("Linear", linear_probe, (seed, "two objects") + shape))
    for shape in ((1, 5), (3, 3), (5, 4)):
        seed += 1
        probes.append(("ReLU", relu_probe, (seed, "two objects") + shape))
        for cls in ("Identity", "Sigmoid", "Tanh", "GELU"):
            seed += 1
            probes.append((cls, smooth_probe, (cls, seed, "two objects") + shape))
        seed += 1
        probes.append(("Softmax", softmax_probe, (seed, "two objects") + shape + (1.0, 0.0)))
    return probes


PROBES += _two_object_probes()
# --------------------------------------------------------------------------- probes: SGD and the MLPs


def sgd_probe(classes, obs, seed, mu, shapes):
    """Three steps on a model of grader-made layers, with new gradients before each; W and b after each."""
    from types import SimpleNamespace

    rng = np.random.default_rng(seed)
    layers = [SimpleNamespace(W=rng.standard_normal(shape), b=rng.standard_normal((shape[0], 1))) for shape in shapes]
    optimizer = classes["SGD"](SimpleNamespace(layers=layers), 0.1, mu)
    for t in range(3):
        for layer in layers:
            layer.dLdW, layer.dLdb = rng.standard_normal(layer.W.shape), rng.standard_normal(layer.b.shape)
        optimizer.step()
        for i, layer in enumerate(layers):
            obs[f"step {t + 1}: layers[{i}].W"] = arr(layer.W)
            obs[f"step {t + 1}: layers[{i}].b"] = arr(layer.b)


def mlp_probe(classes, obs, seed, cls, n):
    """The MLP built on the reference Linear and ReLU (put in its module's namespace while it is built), so
    a buggy Linear or ReLU of the entry never shows here: its widths, forward, backward, every gradient."""
    from autograder import reference

    module, layers = sys.modules[classes[cls].__module__], reference.load()
    saved = {name: getattr(module, name, None) for name in ("Linear", "ReLU")}
    module.Linear, module.ReLU = layers.Linear, layers.ReLU
    try:
        mlp = classes[cls]()
    finally:
        for name, value in saved.items():
            setattr(module, name, value)
    linears = [layer for layer in getattr(mlp, "layers", []) if hasattr(layer, "W")]
    obs["widths"] = ("widths", tuple(layer.W.shape for layer in linears))
    rng = np.random.default_rng(seed)
    for layer in linears:
        layer.W = rng.integers(-2, 3, size=layer.W.shape).astype(float)
        layer.b = rng.integers(-1, 3, size=layer.b.shape).astype(float)
    A0 = rng.integers(-2, 3, size=(n, linears[0].W.shape[1] if linears else 2)).astype(float)
    a0 = A0.copy()
    out = mlp.forward(a0)
    obs["forward"] = arr(out)
    obs["A0 unchanged"] = unchanged(a0, A0)
    obs["backward"] = arr(mlp.backward(rng.integers(-2, 3, size=np.shape(out)).astype(float)))
    for i, layer in enumerate(linears):
        obs[f"layer {i + 1} dLdW"] = arr(getattr(layer, "dLdW", None))
        obs[f"layer {i + 1} dLdb"] = arr(getattr(layer, "dLdb", None))
    try:  # a second round on the same model: what backward left of it (self.layers reversed in place raises here)
        obs["forward after backward"] = arr(mlp.forward(A0.copy()))
    except Exception as exc:  # noqa: BLE001
        obs["forward after backward"] = ("raised", type(exc).__name__)


def _sgd_mlp_probes():
    probes, seed = [], 1000
    for mu in (0, 0.9):
        for shapes in (((1, 1), (1, 1)), ((2, 3), (2, 3)), ((3, 2), (1, 3)), ((1, 4), (4, 1))):
            seed += 1
            probes.append(("SGD", sgd_probe, (seed, mu, shapes)))
    for cls in ("MLP0", "MLP1", "MLP4"):
        for n in (1, 2, 5):
            seed += 1
            probes.append((cls, mlp_probe, (seed, cls, n)))
    return probes


PROBES.extend(_sgd_mlp_probes())
