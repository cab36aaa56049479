"""Make the student handout `mytorch/` from the reference `solutions/mytorch/`.

Inside a method, the solution sits between two marker lines, right after the
docstring:

    def forward(self, A):
        \"\"\"Z = A @ W.T + 1_N @ b.T ...\"\"\"
        # BEGIN SOLUTION
        ...
        # END SOLUTION

Each such block becomes the one stub form students see everywhere (indented
like the BEGIN marker):

        # TODO: implement Linear.forward
        raise NotImplementedError("Linear.forward is not implemented yet")

Everything else, docstrings included, is copied unchanged; so is any file
without markers. A block that is unbalanced, nested, or not inside a function
is a `ValueError` naming file and line.

    python -m autograder.skeleton            # write mytorch/ (`make skeleton`)
    python -m autograder.skeleton --check    # exit 1 if mytorch/ is out of date
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

__all__ = ["generate", "write", "check", "main"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
ROOT = Path(__file__).resolve().parents[1]


def _stub(qualname: str, indent: str, newline: str = "\n") -> str:
    """The lines that replace one solution block of function `qualname`."""
    return (
        f"{indent}# TODO: implement {qualname}{newline}"
        f'{indent}raise NotImplementedError("{qualname} is not implemented yet"){newline}'
    )


def _functions(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every function in `tree` with its `__qualname__` (`Linear.forward`)."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((prefix + child.name, child))
                visit(child, f"{prefix}{child.name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _enclosing(functions: list[tuple[str, ast.AST]], begin: int, end: int, where: str) -> str:
    """The qualname of the function holding the block on lines begin..end (1-based).

    That is the innermost function whose body spans the BEGIN line; the block
    must not reach into code outside it (a forgotten END further down would).
    """
    spans = [(f.lineno, name, f) for name, f in functions if f.lineno < begin <= f.end_lineno]
    if not spans:
        raise ValueError(f"{where}:{begin}: solution block is not inside a function body")
    _, qualname, func = max(spans, key=lambda span: span[0])
    inside = set(map(id, ast.walk(func)))
    for name, f in functions:
        if begin < f.lineno < end and id(f) not in inside:
            raise ValueError(f"{where}:{end}: the block opened at line {begin} in {qualname} runs into {name}")
    return qualname


def _skeleton(text: str, where: str) -> str:
    """`text` with every solution block replaced by its stub; `where` names the file."""
    lines = text.splitlines(keepends=True)
    if not any(line.strip() in (BEGIN, END) for line in lines):
        return text
    try:
        functions = _functions(ast.parse(text, filename=where))
    except SyntaxError as e:
        raise ValueError(f"{where}:{e.lineno}: not valid Python: {e.msg}") from None

    out, begin = [], None  # begin: index of the open BEGIN line, if any
    for i, line in enumerate(lines):
        mark = line.strip()
        if mark == BEGIN:
            if begin is not None:
                raise ValueError(f"{where}:{i + 1}: {BEGIN} inside the block opened at line {begin + 1}")
            begin = i
        elif mark == END:
            if begin is None:
                raise ValueError(f"{where}:{i + 1}: {END} without a {BEGIN} before it")
            opener = lines[begin]
            indent = opener[: len(opener) - len(opener.lstrip())]
            qualname = _enclosing(functions, begin + 1, i + 1, where)
            newline = opener[len(opener.rstrip("\r\n")):] or "\n"
            out.append(_stub(qualname, indent, newline))
            begin = None
        elif begin is None:
            out.append(line)
    if begin is not None:
        raise ValueError(f"{where}:{begin + 1}: {BEGIN} is never closed by {END}")

    result = "".join(out)
    try:
        ast.parse(result, filename=where)
    except SyntaxError as e:
        raise ValueError(f"{where}: the skeleton is not valid Python (line {e.lineno}: {e.msg})") from None
    return result


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:  # keep line endings as they are
        return f.read()


def generate(src: Path) -> dict[str, str]:
    """The skeleton of every .py file under `src`, keyed by relative posix path."""
    src = Path(src)
    if not src.is_dir():
        raise ValueError(f"{src}: not a directory")
    return {
        path.relative_to(src).as_posix(): _skeleton(_read(path), str(path))
        for path in sorted(src.rglob("*.py"))
    }


def _committed(dest: Path) -> dict[str, str]:
    """The .py files now in `dest`, keyed like `generate`'s result."""
    dest = Path(dest)
    if not dest.is_dir():
        return {}
    return {path.relative_to(dest).as_posix(): _read(path) for path in sorted(dest.rglob("*.py"))}


def _refuse_overlap(src: Path, dest: Path) -> None:
    """Writing into (or around) the solutions would destroy them."""
    s, d = Path(src).resolve(), Path(dest).resolve()
    if s == d or s in d.parents or d in s.parents:
        raise ValueError(f"refusing to write the skeleton of {src} into {dest}: the directories overlap")


def write(src: Path, dest: Path) -> list[str]:
    """Write the skeleton of `src` into `dest`; return the relative paths written.

    .py files in `dest` that `generate` would not produce are removed; other
    files (caches, notes) are left alone.
    """
    _refuse_overlap(src, dest)
    files = generate(src)  # before touching dest: a marker error leaves it as it was
    dest = Path(dest)
    for rel in _committed(dest).keys() - files.keys():
        (dest / rel).unlink()
    for rel, text in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return sorted(files)


def check(src: Path, dest: Path) -> list[str]:
    """The relative paths where `dest` differs from `generate(src)`: missing,
    extra or different .py files. Empty when the two are in sync."""
    want, have = generate(src), _committed(dest)
    return sorted(rel for rel in want.keys() | have.keys() if want.get(rel) != have.get(rel))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.skeleton",
        description="Generate the student skeleton mytorch/ from solutions/mytorch/.",
    )
    parser.add_argument("--check", action="store_true", help="only report whether DEST is up to date (exit 1 if not)")
    parser.add_argument("paths", nargs="*", metavar="SRC DEST", help="default: solutions/mytorch mytorch (in the repo)")
    args = parser.parse_args(argv)
    if len(args.paths) not in (0, 2):
        parser.error("give both SRC and DEST, or neither")
    src, dest = map(Path, args.paths) if args.paths else (ROOT / "solutions" / "mytorch", ROOT / "mytorch")

    try:
        if args.check:
            stale = check(src, dest)
            for rel in stale:
                print(_shown(dest / rel))
            if stale:
                print(f"{dest.name}/ is out of date with solutions/: run `make skeleton`", file=sys.stderr)
            return 1 if stale else 0
        removed = sorted(_committed(dest).keys() - generate(src).keys())
        changed = set(check(src, dest)) if dest.is_dir() else None  # (None: every file is new)
        written = write(src, dest)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for rel in removed:
        print(f"removed {_shown(dest / rel)}")
    for rel in written:
        if changed is None or rel in changed:
            print(f"wrote {_shown(dest / rel)}")
    if changed is not None and not changed:
        print(f"{_shown(dest)}/ is up to date with {_shown(src)}/ ({len(written)} files)")
    return 0


def _shown(path: Path) -> str:
    """`path` relative to the working directory when it is under it."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
