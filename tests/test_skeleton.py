"""The student skeleton mytorch/ is generated from solutions/mytorch/ and leaks nothing."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import skeleton

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions" / "mytorch"
HANDOUT = ROOT / "mytorch"


def solution_blocks(text: str) -> list[list[str]]:
    """The lines between each BEGIN/END SOLUTION pair, read independently of the generator."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.strip() == "# BEGIN SOLUTION":
            current = []
        elif line.strip() == "# END SOLUTION":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def methods_with_solutions() -> set[str]:
    """Class.method for every function in solutions/ that holds a solution block."""
    names = set()
    for path in SOLUTIONS.rglob("*.py"):
        lines = path.read_text().splitlines()
        begins = [i + 1 for i, line in enumerate(lines) if line.strip() == "# BEGIN SOLUTION"]
        for cls in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(cls, ast.ClassDef):
                for f in cls.body:
                    if isinstance(f, ast.FunctionDef) and any(f.lineno < b <= f.end_lineno for b in begins):
                        names.add(f"{cls.name}.{f.name}")
    return names


def docstrings(text: str) -> dict[str, str | None]:
    """Every module, class and function docstring in `text`, keyed by its dotted path."""
    found = {"<module>": ast.get_docstring(ast.parse(text))}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                found[prefix + child.name] = ast.get_docstring(child)
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(text), "")
    return found


def test_committed_mytorch_is_what_make_skeleton_generates():
    assert skeleton.check(SOLUTIONS, HANDOUT) == [], "mytorch/ is out of date with solutions/: run `make skeleton`"


def test_the_handout_has_the_files_the_grader_imports():
    assert {"__init__.py", "nn/__init__.py", "nn/linear.py", "nn/activation.py", "nn/loss.py"} <= set(
        skeleton.generate(SOLUTIONS)
    )


def test_no_solution_line_appears_in_the_skeleton():
    """Neither in what the generator makes nor in the committed mytorch/."""
    checked = 0
    for rel, text in skeleton.generate(SOLUTIONS).items():
        committed = (HANDOUT / rel).read_text() if (HANDOUT / rel).exists() else ""
        skeleton_lines = {line.strip() for line in (text + "\n" + committed).splitlines()}
        for block in solution_blocks((SOLUTIONS / rel).read_text()):
            for line in block:
                code = line.strip()
                if code and not code.startswith("#"):
                    assert code not in skeleton_lines, f"{rel} leaks the solution line {code!r}"
                    checked += 1
    assert checked > 0, "found no solution lines to check"


def test_docstrings_are_preserved():
    for rel, text in skeleton.generate(SOLUTIONS).items():
        assert docstrings(text) == docstrings((SOLUTIONS / rel).read_text()), rel


def test_files_without_markers_are_copied_unchanged():
    for rel, text in skeleton.generate(SOLUTIONS).items():
        original = (SOLUTIONS / rel).read_text()
        if "# BEGIN SOLUTION" not in original:
            assert text == original, rel


def test_every_skeleton_method_raises_not_implemented_naming_itself(tmp_path):
    """Import the handout as students do (`import mytorch.nn`), in a fresh process."""
    shutil.copytree(HANDOUT, tmp_path / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    probe = textwrap.dedent(
        """
        import importlib, inspect, json, pkgutil
        import mytorch, mytorch.nn
        from mytorch.nn import Linear, ReLU, CrossEntropyLoss
        raised = {}
        for info in pkgutil.walk_packages(mytorch.__path__, "mytorch."):
            module = importlib.import_module(info.name)
            for cls in vars(module).values():
                if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                    continue
                for name, f in vars(cls).items():
                    if not inspect.isfunction(f):
                        continue
                    params = list(inspect.signature(f).parameters.values())[1:]
                    args = [None for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
                    try:
                        f(cls.__new__(cls), *args)
                        raised[f.__qualname__] = None
                    except Exception as e:
                        raised[f.__qualname__] = [type(e).__name__, str(e)]
        print(json.dumps(raised))
        """
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    raised = json.loads(run.stdout)

    expected = methods_with_solutions()
    assert {"Linear.__init__", "Linear.forward", "ReLU.backward", "CrossEntropyLoss.forward"} <= expected
    assert expected <= set(raised)
    for qualname, error in raised.items():
        if qualname in expected:
            assert error == ["NotImplementedError", f"{qualname} is not implemented yet"], qualname
        else:  # given code (BatchNorm1d.__init__, SGD.__init__): called here with None, it may fail, but not as a stub
            assert error is None or error[0] != "NotImplementedError", qualname


def test_a_block_becomes_the_one_stub_form_at_the_markers_indentation(tmp_path):
    (tmp_path / "m.py").write_text(
        textwrap.dedent(
            '''\
            class Outer:
                class Inner:
                    def step(self, x):
                        """Doc."""
                        if x:
                            # BEGIN SOLUTION
                            return x
                            # END SOLUTION
                        return 0

            def helper():
                # BEGIN SOLUTION
                return 1
                # END SOLUTION
            '''
        )
    )
    assert skeleton.generate(tmp_path)["m.py"] == textwrap.dedent(
        '''\
        class Outer:
            class Inner:
                def step(self, x):
                    """Doc."""
                    if x:
                        # TODO: implement Outer.Inner.step
                        raise NotImplementedError("Outer.Inner.step is not implemented yet")
                    return 0

        def helper():
            # TODO: implement helper
            raise NotImplementedError("helper is not implemented yet")
        '''
    )


@pytest.mark.parametrize(
    "body, line",
    [
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", 2),  # never closed
        ("def f():\n    return 1\n    # END SOLUTION\n", 3),  # END without BEGIN
        ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n", 3),  # nested
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", 1),  # not inside a function
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n\ndef g():\n    return 2\n    # END SOLUTION\n", 7),
    ],
    ids=["unclosed", "stray-end", "nested", "module-level", "runs-into-next-def"],
)
def test_a_bad_marker_is_an_error_naming_file_and_line(tmp_path, body, line):
    (tmp_path / "bad.py").write_text(body)
    with pytest.raises(ValueError, match=rf"bad\.py:{line}\b"):
        skeleton.generate(tmp_path)


def test_write_replaces_stale_py_files_and_leaves_other_files(tmp_path):
    dest = tmp_path / "mytorch"
    (dest / "old").mkdir(parents=True)
    (dest / "old" / "gone.py").write_text("x = 1\n")
    (dest / "notes.txt").write_text("mine\n")

    written = skeleton.write(SOLUTIONS, dest)

    assert written == sorted(skeleton.generate(SOLUTIONS))
    assert not (dest / "old" / "gone.py").exists()
    assert (dest / "notes.txt").read_text() == "mine\n"
    assert skeleton.check(SOLUTIONS, dest) == []


def test_check_names_missing_extra_and_edited_files(tmp_path):
    dest = tmp_path / "mytorch"
    skeleton.write(SOLUTIONS, dest)
    (dest / "nn" / "linear.py").write_text("# edited\n")
    (dest / "nn" / "loss.py").unlink()
    (dest / "extra.py").write_text("")
    assert skeleton.check(SOLUTIONS, dest) == ["extra.py", "nn/linear.py", "nn/loss.py"]


def test_write_refuses_to_overwrite_the_solutions(tmp_path):
    with pytest.raises(ValueError, match="overlap"):
        skeleton.write(SOLUTIONS, SOLUTIONS)
    with pytest.raises(ValueError, match="overlap"):
        skeleton.write(SOLUTIONS, SOLUTIONS.parent)


def test_cli_check_exits_1_when_out_of_date_and_0_after_writing(tmp_path, capsys):
    dest = tmp_path / "mytorch"
    assert skeleton.main(["--check", str(SOLUTIONS), str(dest)]) == 1
    assert "run `make skeleton`" in capsys.readouterr().err
    assert skeleton.main([str(SOLUTIONS), str(dest)]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first and all(line.startswith("wrote ") for line in first)
    assert skeleton.main(["--check", str(SOLUTIONS), str(dest)]) == 0
    (dest / "nn" / "linear.py").write_text("# changed by hand\n")
    assert skeleton.main([str(SOLUTIONS), str(dest)]) == 0  # only what it changed is said
    assert capsys.readouterr().out.splitlines() == [f"wrote {dest / 'nn' / 'linear.py'}"]
    assert skeleton.main([str(SOLUTIONS), str(dest)]) == 0
    assert capsys.readouterr().out.strip() == f"{dest}/ is up to date with {skeleton._shown(SOLUTIONS)}/ ({len(first)} files)"
