"""`prepare` finds mytorch/ in every form a student hands in, and copies nothing else."""
from __future__ import annotations

import io
import os
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest

from autograder import submission
from autograder.submission import SubmissionError, prepare

MODULES = {
    "mytorch/__init__.py": b"",
    "mytorch/nn/__init__.py": b"from .linear import Linear\n",
    "mytorch/nn/linear.py": b"class Linear:\n    pass\n",
    "mytorch/tests/helper.py": b"# a module like any other\n",
}
JUNK = {
    "conftest.py": b"import os; os._exit(0)\n",
    "setup.py": b"raise SystemExit\n",
    "results.json": b'{"score": 100}',
    "tests/test_linear.py": b"",
    "mytorch/notes.txt": b"not a module",
    "mytorch/__pycache__/linear.cpython-311.pyc": b"\x00",
    "mytorch/.ipynb_checkpoints/linear-checkpoint.py": b"",
}


def copied(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_tree(base: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(data)
    return base


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def make_tar(path: Path, files: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    (tmp_path / "dest").mkdir()
    return tmp_path / "dest"


def test_directory_holding_mytorch_copies_only_its_modules(tmp_path, dest):
    src = write_tree(tmp_path / "repo", {**MODULES, **JUNK})
    assert prepare(src, dest) == dest
    assert copied(dest) == MODULES


def test_the_mytorch_directory_itself(tmp_path, dest):
    write_tree(tmp_path / "repo", MODULES)
    prepare(tmp_path / "repo" / "mytorch", dest)
    assert copied(dest) == MODULES


def test_default_is_mytorch_in_the_working_directory(tmp_path, dest, monkeypatch):
    write_tree(tmp_path, MODULES)
    monkeypatch.chdir(tmp_path)
    prepare(None, dest)
    assert copied(dest) == MODULES


def test_zip_with_mytorch_at_the_top(tmp_path, dest):
    prepare(make_zip(tmp_path / "hw1.zip", {**MODULES, **JUNK}), dest)
    assert copied(dest) == MODULES


def test_tar_gz_nested_one_folder_deep(tmp_path, dest):
    nested = {f"hw1/{name}": data for name, data in {**MODULES, **JUNK}.items()}
    prepare(make_tar(tmp_path / "hw1.tar.gz", nested), dest)
    assert copied(dest) == MODULES


def test_zip_of_mytorch_contents_and_macos_litter(tmp_path, dest):
    files = {name.removeprefix("mytorch/"): data for name, data in MODULES.items()}
    files["__MACOSX/nn/._linear.py"] = b"\x00\x05\x16\x07"
    prepare(make_zip(tmp_path / "handin.zip", files), dest)
    assert copied(dest) == MODULES


def test_plain_tar_inside_a_gradescope_submission_folder(tmp_path, dest):
    (tmp_path / "upload").mkdir()
    make_tar(tmp_path / "upload" / "handin.tar", MODULES, mode="w")
    prepare(tmp_path / "upload", dest)
    assert copied(dest) == MODULES


def test_zip_slip_member_rejects_the_archive(tmp_path, dest):
    archive = make_zip(tmp_path / "evil.zip", {**MODULES, "mytorch/../../escaped.py": b"x"})
    with pytest.raises(SubmissionError, match=r"unsafe path in evil.zip"):
        prepare(archive, dest)
    assert not (tmp_path / "escaped.py").exists() and not list(dest.iterdir())


def test_absolute_tar_member_rejects_the_archive(tmp_path, dest):
    archive = make_tar(tmp_path / "evil.tgz", {**MODULES, "/tmp/mytorch/x.py": b"x"})
    with pytest.raises(SubmissionError, match="absolute paths"):
        prepare(archive, dest)


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_a_file_and_a_link_of_one_name_give_what_unpacking_leaves_the_last(kind, tmp_path):
    """An archive holding mytorch/nn/linear.py twice, a link and the file: the last one is what unpacking it leaves,
    so a file after the link is graded with no note, and a link after the file is left out, said in a note (never
    the file graded while a note says it was left out)."""
    name = "mytorch/nn/linear.py"
    for link_last in (False, True):
        path = tmp_path / f"{kind}{link_last}.{kind}"
        if kind == "tar":
            with tarfile.open(path, "w") as tf:
                link = tarfile.TarInfo(name)
                link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
                data = MODULES[name]
                info = tarfile.TarInfo(name)
                info.size = len(data)
                for member in ([info, link] if link_last else [link, info]):
                    tf.addfile(member, io.BytesIO(data) if member is info else None)
                for other, body in MODULES.items():
                    if other != name:
                        extra = tarfile.TarInfo(other)
                        extra.size = len(body)
                        tf.addfile(extra, io.BytesIO(body))
        else:
            with zipfile.ZipFile(path, "w") as zf, warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (zipfile warns of the duplicate name: that is the point)
                link = zipfile.ZipInfo(name)
                link.external_attr = 0o120777 << 16
                entries = [(name, MODULES[name]), (link, "/etc/passwd")]
                for entry, body in (entries if link_last else entries[::-1]):
                    zf.writestr(entry, body)
                for other, body in MODULES.items():
                    if other != name:
                        zf.writestr(other, body)
        notes, dest = [], tmp_path / f"dest-{kind}{link_last}"
        dest.mkdir()
        prepare(path, dest, notes)
        left = f"left out {name}: it is a symbolic link, and links are not followed; hand in the file itself"
        if link_last:
            assert name not in copied(dest) and notes == [left], notes
        else:
            assert copied(dest)[name] == MODULES[name] and notes == [], notes


def test_symlinks_in_archives_are_not_followed(tmp_path, dest):
    tar = make_tar(tmp_path / "links.tar", MODULES, mode="w")
    with tarfile.open(tar, "a") as tf:
        link = tarfile.TarInfo("mytorch/nn/secret.py")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    notes = []
    prepare(tar, dest, notes)
    assert copied(dest) == MODULES
    assert notes == ["left out mytorch/nn/secret.py: it is a symbolic link, and links are not followed; "
                     "hand in the file itself"]

    zip_ = make_zip(tmp_path / "links.zip", MODULES)
    with zipfile.ZipFile(zip_, "a") as zf:
        link = zipfile.ZipInfo("mytorch/nn/secret.py")
        link.external_attr = (0o120777 << 16)  # S_IFLNK: the "content" is the link target
        zf.writestr(link, "/etc/passwd")
    other = dest.parent / "dest2"
    other.mkdir()
    notes = []
    prepare(zip_, other, notes)
    assert copied(other) == MODULES and len(notes) == 1 and "mytorch/nn/secret.py" in notes[0]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_in_a_directory_are_not_followed(tmp_path, dest):
    src = write_tree(tmp_path / "repo", MODULES)
    secret = write_tree(tmp_path / "elsewhere", {"secret.py": b"TOKEN = 1\n", "pkg/a.py": b""})
    os.symlink(secret / "secret.py", src / "mytorch" / "nn" / "secret.py")
    os.symlink(secret / "pkg", src / "mytorch" / "pkg")
    notes = []
    prepare(src, dest, notes)
    assert copied(dest) == MODULES
    assert sorted(n.split(":")[0] for n in notes) == ["left out mytorch/nn/secret.py", "left out mytorch/pkg"]


def test_archive_without_mytorch_says_what_to_do(tmp_path, dest):
    archive = make_zip(tmp_path / "hw1.zip", {"main.py": b"", "README.md": b""})
    with pytest.raises(SubmissionError) as err:
        prepare(archive, dest)
    message = str(err.value)
    assert message.startswith("no mytorch/ directory found in hw1.zip") and "\n" not in message


@pytest.mark.parametrize("archived", [False, True], ids=["folder", "zip"])
def test_mytorch_nested_too_deep_is_named_where_it_was_found(tmp_path, dest, archived):
    """helper-186: hw1/handin/mytorch/ (two folders down) read "no mytorch/ directory found", not where it is."""
    files = {"hw1/handin/mytorch/__init__.py": b"", "hw1/handin/mytorch/nn/linear.py": b"L = 1\n",
             "hw1/README.md": b""}
    given = make_zip(tmp_path / "hw1.zip", files) if archived else write_tree(tmp_path / "sub", files)
    with pytest.raises(SubmissionError) as err:
        prepare(given, dest)
    message = str(err.value)
    assert message.startswith("no mytorch/ directory found in ") and "\n" not in message
    assert "(found hw1/handin/mytorch/: mytorch/ must be at the top or in one folder at the top" in message


@pytest.mark.parametrize("top", ["", "hw1/", "nn/"])  # (nn/: helper-133, where nn/linear.py was taken alone)
def test_an_archive_of_the_files_alone_puts_each_where_mytorch_has_it(tmp_path, dest, top):
    """helper-130: a zip of linear.py, loss.py, ... without mytorch/ was refused, where a folder of them (and the
    Gradescope zip) grades them: an archive is read alike, with the skeleton's __init__.py files, and a note."""
    archive = make_zip(tmp_path / "hw1.zip", {f"{top}linear.py": b"L = 1\n", f"{top}sgd.py": b"S = 1\n",
                                              f"{top}mlp.py": b"M = 1\n", f"{top}notes.md": b""})
    notes = []
    prepare(archive, dest, notes)
    files = copied(dest)
    assert {k: v for k, v in files.items() if not k.endswith("__init__.py")} == {
        "mytorch/nn/linear.py": b"L = 1\n", "mytorch/optim/sgd.py": b"S = 1\n", "mytorch/models/mlp.py": b"M = 1\n"}
    skeleton = Path(__file__).resolve().parents[1] / "mytorch"
    assert {k for k in files if k.endswith("__init__.py")} == {
        f"mytorch/{p.relative_to(skeleton).as_posix()}" for p in skeleton.rglob("__init__.py")}
    assert notes == ["the files were handed in without mytorch/: linear.py, mlp.py, sgd.py were put where mytorch/ "
                     "has them"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "not found: "),
    (lambda p: write_tree(p, {"hw1.rar": b"Rar!"}) / "hw1.rar", "unsupported file type: hw1.rar"),
    (lambda p: write_tree(p, {"hw1.zip": b"PK\x03\x04 not really"}) / "hw1.zip", "corrupt archive: hw1.zip"),
    (lambda p: write_tree(p, {"hw1.tar.gz": b"\x1f\x8b garbage"}) / "hw1.tar.gz", "corrupt archive: hw1.tar.gz"),
    (lambda p: write_tree(p, {"src/x.py": b""}) / "src", "no mytorch/ directory found in "),
])
def test_unusable_submissions_give_one_line_errors(tmp_path, dest, make, message):
    with pytest.raises(SubmissionError) as err:
        prepare(make(tmp_path), dest)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_an_unsupported_archive_is_told_every_kind_the_grader_reads(tmp_path, dest):
    """The message listed .zip, .tar and .tar.gz, not .tgz, which the grader reads too."""
    from autograder import archive

    with pytest.raises(SubmissionError) as err:
        prepare(write_tree(tmp_path, {"hw1.tar.bz2": b"BZh9"}) / "hw1.tar.bz2", dest)
    assert all(suffix in str(err.value) for suffix in archive.SUFFIXES), str(err.value)


def test_size_and_count_limits(tmp_path, dest, monkeypatch):
    big = make_zip(tmp_path / "big.zip", {**MODULES, "mytorch/big.py": b"#" * (submission.MAX_FILE_BYTES + 1)})
    with pytest.raises(SubmissionError, match="file too large: mytorch/big.py"):
        prepare(big, dest)
    monkeypatch.setattr(submission, "MAX_FILES", 3)
    with pytest.raises(SubmissionError, match="too many files"):
        prepare(make_zip(tmp_path / "many.zip", MODULES), dest)
    monkeypatch.setattr(submission, "MAX_FILES", 500)
    monkeypatch.setattr(submission, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(SubmissionError, match="submission too large"):
        prepare(make_zip(tmp_path / "total.zip", MODULES), dest)


def test_tar_read_through_is_bounded(tmp_path, dest, monkeypatch):
    from autograder import archive
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 1000)
    tar = make_tar(tmp_path / "data.tar.gz", {**MODULES, "data/train.npy": b"\x00" * 5000})
    with pytest.raises(SubmissionError, match="archive too large: data.tar.gz"):
        prepare(tar, dest)


def test_member_corrupted_inside_the_archive(tmp_path, dest):
    archive = make_zip(tmp_path / "hw1.zip", {**MODULES, "mytorch/nn/loss.py": b"MARKER" * 10})
    raw = archive.read_bytes()
    archive.write_bytes(raw.replace(b"MARKERMARKER", b"MARKERmarker", 1))  # stored data no longer matches its CRC
    with pytest.raises(SubmissionError, match="corrupt archive: hw1.zip"):
        prepare(archive, dest)


def test_a_password_protected_or_empty_zip_says_so(tmp_path, dest):
    """helper-176: a zip with a password read "corrupt archive: ... File <ZipInfo filename=...> is encrypted", and an
    empty one "File is not a zip file"."""
    archive = make_zip(tmp_path / "hw1.zip", MODULES)
    raw = bytearray(archive.read_bytes())
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the encrypted bit of every member's flags
        start = raw.find(signature)
        while start >= 0:
            raw[start + at] |= 1
            start = raw.find(signature, start + 4)
    archive.write_bytes(bytes(raw))
    with pytest.raises(SubmissionError) as err:
        prepare(archive, dest)
    assert str(err.value) == "hw1.zip is password-protected: make the archive again without a password"
    (tmp_path / "empty.zip").write_bytes(b"")
    with pytest.raises(SubmissionError, match="^empty archive: empty.zip is 0 bytes$"):
        prepare(tmp_path / "empty.zip", tmp_path / "dest2")


def test_a_tar_header_declaring_a_huge_long_name_is_refused_in_one_line(tmp_path, dest):
    import gzip

    header = tarfile.TarInfo("././@LongLink")
    header.type, header.size = tarfile.GNUTYPE_LONGNAME, 40 << 30  # 40 GiB of "name", never sent
    bomb = tmp_path / "bomb.tar.gz"
    bomb.write_bytes(gzip.compress(header.tobuf(format=tarfile.GNU_FORMAT) + b"\0" * 4096))
    with pytest.raises(SubmissionError, match="archive too large"):
        prepare(bomb, dest)


def _during_copy(monkeypatch, change):
    """Run `change` once, just before the copy reads its first file."""
    real = submission._read_at

    def read_at(*args):
        if not getattr(read_at, "done", False):
            read_at.done = True
            change()
        return real(*args)

    monkeypatch.setattr(submission, "_read_at", read_at)


def test_a_folder_swapped_for_a_link_during_the_copy_is_refused(tmp_path, dest, monkeypatch):
    src = write_tree(tmp_path / "repo", MODULES)
    secret = write_tree(tmp_path / "solutions", {name.split("/", 1)[1]: b"SECRET = 1\n" for name in MODULES
                                                 if name.startswith("mytorch/nn/")})

    def swap():
        (src / "mytorch" / "nn").rename(src / "mytorch" / "nn_old")
        os.symlink(secret / "nn", src / "mytorch" / "nn")

    _during_copy(monkeypatch, swap)
    with pytest.raises(SubmissionError, match="changed while it was being read"):
        prepare(src, dest)
    assert not any(b"SECRET" in p.read_bytes() for p in dest.rglob("*.py"))


def test_a_file_rewritten_during_the_copy_is_refused(tmp_path, dest, monkeypatch):
    src = write_tree(tmp_path / "repo", MODULES)
    target = src / "mytorch" / "nn" / "linear.py"
    _during_copy(monkeypatch, lambda: target.write_bytes(target.read_bytes() + b"# more\n"))
    with pytest.raises(SubmissionError, match="changed while it was being read"):
        prepare(src, dest)


def test_a_file_added_during_the_copy_is_refused(tmp_path, dest, monkeypatch):
    src = write_tree(tmp_path / "repo", MODULES)
    _during_copy(monkeypatch, lambda: (src / "mytorch" / "zzz.py").write_bytes(b"X = 1\n"))
    with pytest.raises(SubmissionError, match="changed while it was being read"):
        prepare(src, dest)


def test_a_decoder_running_out_of_memory_rejects_the_archive(tmp_path, dest, monkeypatch):
    """Whatever a crafted archive makes a decoder ask for, it is that archive's rejection, in one line."""
    tar = make_tar(tmp_path / "hw1.tar.gz", MODULES)

    def greedy(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(tarfile.TarFile, "next", greedy)
    with pytest.raises(SubmissionError, match="corrupt archive: hw1.tar.gz: MemoryError"):
        prepare(tar, dest)


def test_a_zip_declaring_millions_of_entries_is_refused_before_it_is_read(tmp_path, dest, monkeypatch):
    """zipfile reads the whole central directory when it opens an archive: 5 million entries of nothing
    took 2.6 GB before the entry limit was checked. The end record says how many there are."""
    import struct
    import zipfile

    archive = make_zip(tmp_path / "hw1.zip", MODULES)
    raw = archive.read_bytes()
    end = raw.rfind(b"PK\x05\x06")
    directory_size, directory_at = struct.unpack_from("<II", raw, end + 12)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 5_300_000, 5_300_000,
                         directory_size, directory_at)  # zip64: 5.3 million entries
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    tail = bytearray(raw[end:])
    struct.pack_into("<HH", tail, 8, 0xFFFF, 0xFFFF)  # "see the zip64 record"
    archive.write_bytes(raw[:end] + record + locator + bytes(tail))

    def never(*args, **kwargs):
        raise AssertionError("zipfile opened the archive")

    big = make_zip(tmp_path / "big.zip", MODULES)
    raw = bytearray(big.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    struct.pack_into("<I", raw, end + 12, 40 << 20)  # a 40 MiB central directory
    big.write_bytes(bytes(raw))
    monkeypatch.setattr(zipfile.ZipFile, "__init__", never)
    with pytest.raises(SubmissionError, match="archive too large: hw1.zip"):
        prepare(archive, dest)
    with pytest.raises(SubmissionError, match="archive too large: big.zip"):
        prepare(big, dest)


MLP = {"models/__init__.py": b"", "models/mlp.py": b"from mytorch.nn.linear import Linear\n",
       "models/notes.txt": b"not a module"}


@pytest.mark.parametrize("make", [
    lambda base, files: write_tree(base / "repo", files),
    lambda base, files: write_tree(base / "repo", files) / "mytorch",  # mytorch/ itself: models/ beside it
    lambda base, files: make_zip(base / "hw1.zip", files),
    lambda base, files: make_tar(base / "hw1.tar.gz", {f"hw1/{name}": data for name, data in files.items()}),
], ids=["folder", "mytorch_itself", "zip", "tar_in_a_top_folder"])
def test_models_beside_mytorch_are_copied_too(tmp_path, dest, make):
    """The course keeps its MLPs in models/mlp.py beside mytorch/: both travel, and nothing else does."""
    prepare(make(tmp_path, {**MODULES, **MLP, **JUNK}), dest)
    assert copied(dest) == {**MODULES, "models/__init__.py": b"", "models/mlp.py": MLP["models/mlp.py"]}


def test_an_empty_folder_is_said_to_be_empty(tmp_path, dest):
    """helper-74: a class's empty entry read "give the folder that holds mytorch/, or mytorch/ itself", advice for
    someone grading their own code; to course staff it means nothing was handed in."""
    (tmp_path / "erin" / ".ipynb_checkpoints").mkdir(parents=True)
    with pytest.raises(SubmissionError, match=r"no mytorch/ directory found in .*erin: it is empty \(nothing was "
                                              r"handed in\)$"):
        prepare(tmp_path / "erin", dest)


@pytest.mark.parametrize("content", [{}, {"README.md": "hi"}], ids=["empty", "no Python file"])
def test_an_archive_without_a_python_file_is_said_to_hand_in_nothing(tmp_path, dest, content):
    """helper-149: an empty frank.zip read "the archive must contain mytorch/ ...", a layout mistake, where an empty
    folder says it is empty."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "frank.zip", "w") as zf:
        for name, text in content.items():
            zf.writestr(name, text)
    with pytest.raises(SubmissionError, match=r"frank.zip: it holds no \.py file \(an empty archive hands in "
                                              r"nothing\)$"):
        prepare(tmp_path / "frank.zip", dest)


def test_models_without_mytorch_is_not_a_submission(tmp_path, dest):
    with pytest.raises(SubmissionError, match="no mytorch/ directory found"):
        prepare(write_tree(tmp_path / "repo", MLP), dest)


def test_two_mytorch_folders_are_named_not_guessed(tmp_path):
    """An old and a new copy side by side: the message names both (a trial found "no mytorch/ found")."""
    for name in ("old", "new"):
        (tmp_path / "sub" / name / "mytorch").mkdir(parents=True)
        (tmp_path / "sub" / name / "mytorch" / "__init__.py").write_text("")
    with pytest.raises(SubmissionError) as found:
        prepare(tmp_path / "sub", tmp_path / "dest")
    assert "found 2 hand-ins" in str(found.value) and "new/mytorch/" in str(found.value) \
        and "old/mytorch/" in str(found.value)


def test_a_class_folder_given_to_grade_is_refused_not_one_of_its_archives_graded(tmp_path):
    """A class folder (students' folders and one student's .zip) given to `grade`: a newcomer's was graded as the
    one .zip, under the folder's name, without a word. It is refused, naming what it holds and `batch`."""
    import zipfile

    source = tmp_path / "class"
    (source / "alice" / "mytorch").mkdir(parents=True)
    (source / "alice" / "mytorch" / "__init__.py").write_text("")
    (source / "bob" / "nn").mkdir(parents=True)  # (the package's contents, without its folder)
    (source / "bob" / "__init__.py").write_text("")
    with zipfile.ZipFile(source / "carol.zip", "w") as zf:
        zf.writestr("mytorch/__init__.py", "")
    with pytest.raises(SubmissionError) as found:
        prepare(source, tmp_path / "dest")
    assert "found 3 hand-ins" in str(found.value) and "carol.zip" in str(found.value) \
        and "autograder batch" in str(found.value)


def _pax_tar(path: Path, record: bytes, then: list[tarfile.TarInfo] = ()) -> Path:
    """A .tar.gz whose first member is a pax header holding `record` as it stands, then `then` (empty files)."""
    import gzip

    header = tarfile.TarInfo("././@PaxHeader")
    header.type, header.size = tarfile.XHDTYPE, len(record)
    raw = header.tobuf(format=tarfile.USTAR_FORMAT) + record + b"\0" * (-len(record) % 512)
    for info in then:
        raw += info.tobuf(format=tarfile.USTAR_FORMAT)
    path.write_bytes(gzip.compress(raw + b"\0" * 1024))
    return path


def _pax_record(key: str, value: bytes) -> bytes:
    """One pax record, "<length> <key>=<value>\n", its length counting its own digits."""
    body = b" " + key.encode() + b"=" + value + b"\n"
    length = len(body) + len(str(len(body)))
    length += len(str(length)) - len(str(len(body)))
    return str(length).encode() + body


def test_a_tar_member_of_negative_size_is_refused_not_looped_over(tmp_path, dest):
    """A size field in base-256 may be negative: tarfile would seek back by it to the same headers, for ever (each
    step through a gzip stream decompressing it again from the start)."""
    import gzip

    first = tarfile.TarInfo("mytorch/a.py")
    back = bytearray(tarfile.TarInfo("mytorch/b.py").tobuf(format=tarfile.GNU_FORMAT))
    back[124:136] = b"\xff" * 11 + b"\x00"  # the size, base-256: -256 bytes
    back[148:156] = b" " * 8
    back[148:156] = b"%06o\0 " % sum(back[:512])
    loop = tmp_path / "loop.tar.gz"
    loop.write_bytes(gzip.compress(first.tobuf(format=tarfile.GNU_FORMAT) + bytes(back) + b"\0" * 4096))
    with pytest.raises(SubmissionError, match="negative size"):
        prepare(loop, dest)


def test_a_nul_byte_in_a_member_name_is_refused_in_one_line(tmp_path, dest):
    info = tarfile.TarInfo("mytorch/nn/evil.py")
    info.pax_headers = {"path": "mytorch/nn/ev\0il.py"}
    with tarfile.open(tmp_path / "nul.tar", "w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in MODULES.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tf.addfile(member, io.BytesIO(data))
        tf.addfile(info, io.BytesIO(b""))
    with pytest.raises(SubmissionError, match="unsafe path in nul.tar"):
        prepare(tmp_path / "nul.tar", dest)


def test_the_zip64_record_zipfile_reads_is_the_one_checked(tmp_path, dest, monkeypatch):
    """CPython's zipfile reads the zip64 end record just before its locator whatever the classic end record says:
    an end record declaring 1 entry, and a zip64 record of 5 million, is refused before zipfile reads them."""
    import struct

    def never(*args, **kwargs):
        raise AssertionError("zipfile opened the archive")

    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 5_000_000, 5_000_000, 47 << 20, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, 0, 1)  # (pointing nowhere useful: at offset 0)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 47, 0, 0)
    liar = tmp_path / "liar.zip"
    liar.write_bytes(b"\0" * 64 + record + locator + end)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", never)
    with pytest.raises(SubmissionError, match="archive too large: liar.zip"):
        prepare(liar, dest)


def test_an_archive_that_takes_too_long_to_read_is_refused_and_grading_goes_on(tmp_path, dest, monkeypatch):
    """A pax header of digits makes tarfile's regular expression backtrack (quadratic: 80 KB took 8 s, 16 MiB would
    take days): the archive is read in a child process that has ARCHIVE_SECONDS, and then is refused."""
    import time

    monkeypatch.setattr(submission, "ARCHIVE_SECONDS", 1)
    slow = tmp_path / "slow.tar.gz"
    _pax_tar(slow, b"1" * (1 << 20))
    began = time.monotonic()
    with pytest.raises(SubmissionError, match="slow.tar.gz could not be read within 1 s"):
        prepare(slow, dest)
    assert time.monotonic() - began < 10
    prepare(make_tar(tmp_path / "fine.tar.gz", MODULES), dest)  # the next one is read as ever


def test_an_archive_that_takes_too_much_memory_to_read_is_refused(tmp_path, dest, monkeypatch):
    """A pax sparse map of a million zeros: tarfile turns it into lists of ints, about 30 times the header's size
    (a 32 KB .tar.gz took 0.95 GB). Read in a child process with ARCHIVE_MEMORY to spare, it is refused."""
    monkeypatch.setattr(submission, "ARCHIVE_MEMORY", 64 << 20)
    bomb = tmp_path / "sparse.tar.gz"
    member = tarfile.TarInfo("mytorch/a.py")
    _pax_tar(bomb, _pax_record("GNU.sparse.map", b"0," * (8 << 20) + b"0"), [member])
    with pytest.raises(SubmissionError, match="sparse.tar.gz"):
        prepare(bomb, dest)


def test_another_assignments_package_gets_the_option_that_grades_it(tmp_path, dest):
    from autograder import assignments

    (tmp_path / "hw" / "nnfs_layers").mkdir(parents=True)
    (tmp_path / "hw" / "nnfs_layers" / "dense.py").write_text("x = 1\n")
    with pytest.raises(SubmissionError, match=r"it holds nnfs_layers/: grade it with --assignment nnfs\)$"):
        prepare(tmp_path / "hw", dest)
    with pytest.raises(SubmissionError, match=r"it is nnfs_layers/: grade it with --assignment nnfs\)$"):
        prepare(tmp_path / "hw" / "nnfs_layers", dest)
    with pytest.raises(SubmissionError, match=r"it holds nnfs_layers/: grade it with --assignment nnfs\)$"):
        prepare(tmp_path / "hw", dest, assignment=assignments.get("numpy-nn"))


def test_the_files_of_mytorch_itself_graded_as_nnfs_get_the_option_that_grades_them(tmp_path, dest):
    """mytorch/'s own files (nn/, optim/, models/ and __init__.py) in a folder graded with --assignment nnfs were
    told to use --assignment numpy-nn (nn/ is numpy-nn's package name), which grades them 0: they are mytorch's."""
    import shutil

    from autograder import assignments
    from tests.catalogue import REFERENCE

    shutil.copytree(REFERENCE, tmp_path / "hw", ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.raises(SubmissionError, match=r"it holds the files of mytorch/ itself: grade it with --assignment "
                                              r"mytorch\)$"):
        prepare(tmp_path / "hw", dest, assignment=assignments.get("nnfs"))


def test_in_a_copy_without_that_assignment_its_package_is_named_not_an_option_that_fails(tmp_path, dest, monkeypatch):
    """A mytorch handout grades mytorch only: an nnfs hand-in there is said to be nnfs's, not given --assignment
    nnfs (which that copy refuses)."""
    from autograder import assignments

    monkeypatch.setattr(assignments, "gradable", lambda: ["mytorch"])
    (tmp_path / "hw" / "nnfs_layers").mkdir(parents=True)
    (tmp_path / "hw" / "nnfs_layers" / "dense.py").write_text("x = 1\n")
    with pytest.raises(SubmissionError, match=r"it holds nnfs_layers/, the nnfs assignment's package: this copy "
                                              r"grades mytorch only\)$") as caught:
        prepare(tmp_path / "hw", dest)
    assert "--assignment" not in str(caught.value)


def test_another_assignments_package_is_never_read_as_this_ones(tmp_path, dest):
    """mytorch/ holds nn/, numpy-nn's package name: a mytorch submission graded as numpy-nn is refused, naming the
    option that grades it, not graded as a numpy-nn package with 62 failures."""
    from autograder import assignments

    numpy_nn = assignments.get("numpy-nn")
    folder = write_tree(tmp_path / "hw", MODULES)
    with pytest.raises(SubmissionError, match=r"no nn/ directory .* grade it with --assignment mytorch\)$"):
        prepare(folder, dest, assignment=numpy_nn)
    with pytest.raises(SubmissionError, match=r"no nn/ directory .* grade it with --assignment mytorch\)$"):
        prepare(make_zip(tmp_path / "hw.zip", MODULES), dest, assignment=numpy_nn)


def test_a_folder_of_the_files_alone_beside_a_pycache_is_placed(tmp_path):
    """helper-133: hw1/ holding the six files, beside a __pycache__/ left by running them, was refused (two folders),
    where a zip of the same was graded."""
    from autograder import assignments

    hand_in = write_tree(tmp_path / "hand_in", {"hw1/linear.py": b"L = 1\n", "hw1/sgd.py": b"S = 1\n",
                                                "__pycache__/linear.cpython-311.pyc": b"\0"})
    notes = []
    placed = submission.placed(hand_in, tmp_path / "placed", notes, assignments.get())
    assert (placed / "mytorch" / "nn" / "linear.py").read_bytes() == b"L = 1\n" and notes, notes
