"""Attacks on the sandbox: each must leave a complete, valid result, the honest score, no process
behind and no file changed outside the worker's scratch directory."""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder import runner
from autograder.sandbox import Limits, server
from autograder.sandbox import worker as wire
from tests.catalogue import REFERENCE, Edit, Entry, materialize
from tests.test_grading import ALL_CHECKS, FAST, POINTS

REPO = REFERENCE.parents[1]
FORWARD = "        return A @ self.W.T + ones @ self.b.T\n"


def attack(tmp_path, code: str, honest: bool = True):
    """The reference, with `code` run at the start of every Linear.forward call."""
    body = "".join(f"        {line}\n" for line in code.strip().splitlines())
    tail = FORWARD if honest else "        return A @ self.W.T * 0 + 1234.5\n"
    entry = Entry(name="attack", kind="hostile", description=code, blame=("Linear",), max_score=None,
                  honest_classes=(), edits=(Edit("nn/linear.py", FORWARD, body + tail),))
    return materialize(entry, tmp_path / "submission")


def cli(*args, cwd, env=None, command=(sys.executable, "-m", "autograder", "grade")):
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "AUTOGRADER_CACHE": str(cwd / "cache"),
                               **(env or {})})


def named(marker: str) -> bool:
    """Whether a process named `marker` is alive anywhere on the machine."""
    names = subprocess.run(["ps", "-eo", "comm"], capture_output=True, text=True).stdout.split()
    return marker in names


def test_a_setsid_daemon_dies_with_grading_and_never_writes_outside(tmp_path):
    target = tmp_path / "results.json"
    marker = f"mtd{os.getpid() % 10**6:06d}"
    submission = attack(tmp_path, f"""
import ctypes, os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0)  # PR_SET_NAME: findable with ps
        for _ in range(3000):
            try:
                open({str(target)!r}, "w").write('{{"score": 100}}')
            except OSError:
                pass
            time.sleep(0.01)
    os._exit(0)
""")
    done = cli(str(submission), "--format", "gradescope", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results["tests"]) == len(POINTS)
    # Its values are right, but a daemon per forward call soon meets the process limit (RLIMIT_NPROC):
    # Linear may lose points for that; nothing else may.
    assert all(t["status"] == "passed" for t in results["tests"] if not t["name"].startswith(("Linear.", "MLP")))
    time.sleep(0.5)
    assert not named(marker)  # nothing it started outlives the grading
    assert not target.exists()


def test_a_submission_cannot_change_the_grader_for_the_next_one(tmp_path):
    modules = sorted((REPO / "autograder").rglob("*.py"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in modules)).hexdigest()
    hostile = attack(tmp_path, f"""
for path in {[str(p) for p in modules]!r}:
    try:
        open(path, "a").write("\\nSCORE_OVERRIDE = 100\\n")
    except OSError:
        pass
""", honest=False)
    first = runner.grade(hostile, seed=0, submission="hostile", limits=FAST)
    honest = runner.grade(REFERENCE.parent, seed=0, submission="honest", limits=FAST)
    lost = {r.name for r in first.results if not r.passed and not r.name.startswith("MLP")}  # (MLPs run on it)
    # Only its forward's output is dishonest (its behaviour test is then not credited: no value of it is right)
    assert lost == {"Linear.forward: output Z", "Linear.forward: does not modify A"}
    assert honest.score == 100.0
    assert hashlib.sha256(b"".join(path.read_bytes() for path in modules)).hexdigest() == digest


def test_a_package_installed_for_the_grader_is_not_found_by_putting_its_folder_on_sys_path(tmp_path):
    """The standard library's folder, which a worker reads, holds the interpreter's site-packages (and the venv's
    lib folder, the venv's): a trial put them on sys.path and imported sympy, which allowed_imports does not list.
    In a worker's private root those folders are empty but for the allowed packages (numpy, scipy)."""
    import sysconfig

    server.shared().wait_ready()
    if not server.shared().isolation.get("private root and capped scratch"):
        pytest.skip("no private root here: a worker reads the folders Landlock allows (SECURITY.md)")
    folders = sorted({os.path.join(sysconfig.get_paths()[key], "site-packages") for key in ("stdlib", "platstdlib")}
                     | {sysconfig.get_paths()["purelib"]})
    code = (f"import sys\nsys.path += {folders!r}\nimport numpy, scipy.special\n"
            "try:\n    import hypothesis\nexcept ImportError:\n    pass\nelse:\n    raise RuntimeError('found')")
    report = runner.grade(attack(tmp_path, code), seed=0, submission="site-packages", limits=FAST)
    assert report.score == 100.0, [r.output for r in report.results if not r.passed][:1]


def test_a_submission_has_no_network(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    submission = attack(tmp_path, f"""
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=0.5).sendall(b"leaked")
except OSError:
    pass
""")
    report = runner.grade(submission, seed=0, submission="network", limits=FAST)
    assert report.score == 100.0
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    assert connection is None


def test_a_huge_file_is_cut_off_and_costs_only_the_method_that_writes_it(tmp_path):
    submission = attack(tmp_path, """
with open("big.bin", "wb") as out:
    for _ in range(100):
        out.write(b"x" * (1 << 20))
""")
    report = runner.grade(submission, seed=0, submission="huge", limits=FAST)
    linear = [r for r in report.results if r.name.startswith("Linear.forward: output Z")]
    # Python ignores SIGXFSZ, so the write past RLIMIT_FSIZE fails ("File too large") instead of killing it.
    assert linear and not linear[0].passed and ("File too large" in linear[0].output or "SIGXFSZ" in linear[0].output)
    assert all(r.passed for r in report.results if not r.name.startswith(("Linear.", "MLP")))
    assert len(report.results) == len(POINTS)


def test_three_runs_give_byte_identical_results_but_for_timing(tmp_path):
    submission = attack(tmp_path, "pass", honest=False)
    runs = []
    for _ in range(3):
        done = cli(str(submission), "--format", "gradescope", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        runs.append({k: v for k, v in json.loads(done.stdout).items() if k != "execution_time"})
    assert runs[0] == runs[1] == runs[2]
    assert len(runs[0]["tests"]) == len(POINTS)  # public and hidden


def test_a_submission_cannot_read_the_grading_process_through_proc(tmp_path):
    submission = attack(tmp_path, f"""
import os
try:
    pids = os.listdir("/proc")
except OSError:
    pids = [str(os.getppid()), "1"]
for pid in pids:
    try:
        open(f"/proc/{{pid}}/environ", "rb").read()
        raise SystemExit("read another process through /proc")
    except OSError:
        pass
""")
    report = runner.grade(submission, seed=0, submission="proc", limits=FAST)
    assert report.score == 100.0, [r.output for r in report.results if not r.passed][:1]


def test_limits_come_from_setup_cfg_and_a_bad_setting_is_one_line(tmp_path):
    from autograder.sandbox.limits import CONFIG, ConfigError, Limits

    assert Limits.configured(CONFIG) == Limits()  # the committed section states the defaults
    good = tmp_path / "setup.cfg"
    good.write_text("[autograder]\ncase_timeout = 20\nopen_files = 32\n")
    assert Limits.configured(good) == Limits(case_timeout=20.0, open_files=32)
    for bad in ("case_timeout = soon", "case_timeout = -1", "speed = 11"):
        (tmp_path / "bad.cfg").write_text(f"[autograder]\n{bad}\n")
        try:
            Limits.configured(tmp_path / "bad.cfg")
        except ConfigError as exc:
            assert "\n" not in str(exc) and "[autograder]" in str(exc)
        else:
            raise AssertionError(f"accepted {bad!r}")
    # (helper-176: a file configparser cannot read was said with its reprs: "PosixPath('...') [line 2]: ...")
    for text, said in (("[autograder]\ncase_timeout = 20\n[autograder\n", "line 3: cannot read '[autograder'"),
                       ("case_timeout = 20\n", "line 1: 'case_timeout = 20' comes before any [section] header")):
        (tmp_path / "broken.cfg").write_text(text)
        with pytest.raises(ConfigError) as err:
            Limits.configured(tmp_path / "broken.cfg")
        assert said in str(err.value) and "PosixPath" not in str(err.value) and "\\n" not in str(err.value), err.value


def _own_processes() -> int:
    """Processes of this user now (some end while they are counted)."""
    count = 0
    for p in Path("/proc").iterdir():
        try:
            count += p.name.isdigit() and p.stat().st_uid == os.getuid()
        except OSError:
            pass
    return count


def test_a_fork_flood_is_bounded_and_the_worker_is_unprivileged(tmp_path):
    from autograder.sandbox.worker import MAX_PROCESSES

    submission = attack(tmp_path, """
import os, time
if not globals().get("_flooded"):
    globals()["_flooded"] = True
    forked = 0
    for _ in range(5000):
        try:
            if os.fork() == 0:
                time.sleep(5)
                os._exit(0)
        except OSError:
            break
        forked += 1
    print(f"uid={os.getuid()} forked={forked}")
""", honest=False)
    # (time enough to reach the bound on a loaded machine: at FAST's 2 s a case, forking 256 processes was once cut
    # off before the count was printed)
    report = runner.grade(submission, seed=0, submission="flood", limits=Limits(case_timeout=10.0,
                                                                                  submission_timeout=60.0))
    output = next(r.output for r in report.results if r.name == "Linear.forward: output Z")
    seen = dict(part.split("=") for part in output.split("| ", 1)[1].split()[:2])
    if os.geteuid() == 0:
        assert int(seen["forked"]) < MAX_PROCESSES
    else:  # RLIMIT_NPROC counts the user's other processes too: its bound is theirs plus MAX_PROCESSES
        assert int(seen["forked"]) < MAX_PROCESSES + _own_processes() + 64
    if os.geteuid() == 0:
        assert int(seen["uid"]) >= 1_000_000  # an unprivileged uid of its own
    assert all(r.passed for r in report.results if not r.name.startswith(("Linear.", "MLP")))


def test_without_root_the_process_bound_leaves_room_for_the_users_own_processes():
    # A small Python of its own gives up root, then bounds itself as a non-root worker would (forked from the test's
    # process, each of its hundreds of forks copied pytest's page tables: 24 s of the suite)
    code = """
import os, resource, sys, time
from autograder.sandbox.worker import MAX_PROCESSES, bound_processes
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
limit = bound_processes()
forked = 0
for _ in range(MAX_PROCESSES * 4):
    try:
        if os.fork() == 0:
            time.sleep(3)
            os._exit(0)
        forked += 1
    except OSError:
        break
print(limit, forked, MAX_PROCESSES)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    limit, forked, most = map(int, done.stdout.split())
    # Bounded, with room: the user's other processes may come and go meanwhile (another test's workers),
    # so how many of the bound are left for this one varies, but never past the bound.
    assert limit >= most and 0 < forked <= limit


def test_the_submission_budget_holds_while_replies_stream_in(tmp_path):
    """Each case stays under the case limit, but all of them together must not outlast the budget. (A budget the
    other grading process grades every other class in, on a loaded machine too: Linear's 550 calls would take
    220 s.)"""
    slow = attack(tmp_path, "import time\ntime.sleep(0.4)")  # every Linear.forward call
    limits = Limits(case_timeout=2.0, submission_timeout=10.0)
    began = time.perf_counter()
    report = runner.grade(slow, seed=0, submission="slow", limits=limits)
    assert time.perf_counter() - began < 10.0 + 2.0 + 10.0  # the budget, one case, and start-up
    linear = [r for r in report.results if r.name.startswith("Linear.")]
    assert any("took more than 10 s" in r.output for r in linear)
    # The others are graded (but the MLPs, which run on that Linear).
    assert all(r.passed for r in report.results if not r.name.startswith(("Linear.", "MLP")))


def test_workers_get_a_uid_of_their_own_and_their_sysv_memory_dies_with_them(tmp_path):
    """As root, each worker runs as a uid of its own (not one shared by every worker); SysV shared
    memory a submission leaves behind does not outlive its worker (an IPC namespace per worker)."""
    def segments() -> int:
        return len([line for line in open("/proc/sysvipc/shm").read().splitlines()[1:] if line.strip()])

    before = segments()
    submission = attack(tmp_path, """
import ctypes, os
libc = ctypes.CDLL(None)
libc.shmget(0, 1 << 20, 0o1666)  # IPC_PRIVATE, IPC_CREAT | 0666: never removed
raise ValueError(f"uid={os.getuid()}")
""", honest=False)
    report = runner.grade(submission, seed=0, submission="uid", limits=FAST)
    output = next(r.output for r in report.results if r.name == "Linear.forward: output Z")
    uid = int(output.split("uid=")[1].split()[0].rstrip(")"))
    isolated = dict(report.isolation).get("pid and network namespaces")
    if os.geteuid() == 0:
        assert uid != 1_000_000 + 1 and uid >= 1_000_000  # not "the pid in its namespace", always 1
    else:
        assert uid == os.getuid()
    if isolated:
        assert segments() == before


# Code making a chain of `levels` folders named `name` under `top`, one level at a time through directory
# descriptors (no path grows long): run in a worker as an attack, or by a test on the host.
CHAIN = """
fd = os.open({top!r}, os.O_RDONLY)
for _ in range({levels}):
    os.mkdir({name!r}, dir_fd=fd)
    inner = os.open({name!r}, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = inner
os.close(fd)
"""


def test_a_deep_directory_chain_in_scratch_is_removed_and_grading_completes(tmp_path):
    """shutil.rmtree recurses once per level: a chain deeper than Python's recursion limit used to crash
    clean-up (no results at all)."""
    chain = CHAIN.format(top=".", levels=1500, name="d").replace("\n", "\n    ")
    submission = attack(tmp_path, f"""
import os
if not os.path.exists("d"):{chain}
""")
    scratch_parent = runner.server.shared().home
    report = runner.grade(submission, seed=0, submission="deep", limits=Limits(case_timeout=10.0))
    assert report.score == 100
    assert not list(scratch_parent.glob("scratch-*"))  # every worker's scratch is gone


def test_a_worker_cannot_shrink_a_page_the_grader_maps(tmp_path):
    """helper-80: the worker keeps a descriptor of its progress page (its mapping's, and its enclosure's); shrunk to
    0 bytes, the grading process that maps the page died of SIGBUS at its next read, and the submission's results
    were lost ("internal error: BrokenProcessPool"). The pages are sealed at their size: grading completes."""
    submission = attack(tmp_path, """
import os, stat
for fd in range(3, 256):
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode) and os.fstat(fd).st_size <= 4096:
            os.ftruncate(fd, 0)
    except OSError:
        pass
""")
    report = runner.grade(submission, seed=0, submission="shrinking", limits=FAST)
    assert report.score == 100, [r.output for r in report.results if not r.passed]


def test_a_returned_object_cannot_undo_a_change_to_the_arguments(tmp_path):
    """The arguments are read back before the returned value is converted: a float subclass whose
    __float__ restores A (numpy calls it while converting) must not hide that forward changed A."""
    from tests.catalogue import BY_NAME

    report = runner.grade(materialize(BY_NAME["mutate_restore"], tmp_path / "sub"), seed=0,
                          submission="restoring", limits=FAST)
    keeps = next(r for r in report.results if r.name == "CrossEntropyLoss.forward: does not modify A or Y")
    assert not keeps.passed, keeps.output


@pytest.mark.parametrize("fork", ["os.fork()", "ctypes.CDLL(None).fork()"])
def test_a_child_that_student_code_forks_never_answers_for_the_worker(fork, tmp_path):
    """Linear.forward forks once and the child goes on running, as the worker (Python's fork, whose hooks cut
    the child off at once, or libc's, which runs none): only the worker answers. (Before, both answered, each
    reply was read as the next case's, and a correct Linear failed its backward tests on "shape mismatch".)"""
    submission = attack(tmp_path, f"""
import ctypes, os
global _FORKED
if not globals().get("_FORKED"):
    _FORKED = True
    {fork}
""")
    report = runner.grade(submission, seed=0, submission="forks", limits=FAST)
    assert report.score == report.max_score, [r.output for r in report.results if not r.passed]


def test_an_exception_class_named_like_the_graders_own_verdicts_is_read_as_raised(tmp_path):
    """The worker reports an exception by its class name: a student's own `WorkerDied` must read as raised by their
    code, not as the grader's "did not finish within 10 s" with its endless-loop hint."""
    submission = attack(tmp_path, """
class WorkerDied(Exception):
    pass
raise WorkerDied("did not finish within 10 s")
""")
    report = runner.grade(submission, seed=0, submission="named", limits=FAST)
    output = next(r for r in report.results if r.name == "Linear.forward: output Z").output
    assert "raised WorkerDied (an exception class of your code)" in output and "endless" not in output, output


def test_a_worker_that_leaves_its_process_group_still_dies_with_grading(tmp_path):
    marker = f"mtw{os.getpid() % 10**6:06d}"
    submission = attack(tmp_path, f"""
import ctypes, os, time
os.setsid()  # the worker itself leaves the keeper's process group
ctypes.CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0)  # PR_SET_NAME: findable with ps
while True:
    time.sleep(0.05)
""")
    report = runner.grade(submission, seed=0, submission="setsid", limits=Limits(case_timeout=1.0, submission_timeout=20))
    assert all(r.passed for r in report.results if not r.name.startswith(("Linear.", "MLP")))
    time.sleep(0.5)
    assert not named(marker)


FORGE = """
import socket, struct
for fd in range(3, 64):
    try:
        s = socket.socket(fileno=fd)
    except OSError:
        continue
    if s.type == socket.SOCK_STREAM:
        try:
            s.sendall(struct.pack(">I", len(PAYLOAD)) + PAYLOAD)
        except OSError:
            pass
    s.detach()
"""


@pytest.mark.parametrize("payload", [b'{"nblobs": Infinity}', b"[" * 100_000 + b"]" * 100_000],
                         ids=["infinity", "deep_nesting"])
def test_forged_replies_from_a_package_init_leave_complete_results(payload, tmp_path):
    """The worker can write its own frames on its socket; a header the grader cannot use must cost
    only that worker (the package __init__ is then left out), never the grading."""
    import shutil

    root = tmp_path / "sub"
    shutil.copytree(REFERENCE, root / "mytorch")
    (root / "mytorch" / "__init__.py").write_text(f"PAYLOAD = {payload!r}\n" + FORGE)
    done = cli(str(root), "--format", "gradescope", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results["tests"]) == len(POINTS)
    assert not any("grader failed" in t.get("output", "") for t in results["tests"])


def test_a_worker_reads_no_device_but_the_harmless_ones(tmp_path):
    """A raw disk (or the console) would hand over every file on it, solutions included."""
    import stat

    devices = sorted(str(p) for p in Path("/dev").iterdir()  # disks and consoles: opening them reads nothing
                     if p.name.startswith("vcs") or stat.S_ISBLK(p.lstat().st_mode))
    submission = attack(tmp_path, f"""
import os
opened = []
for path in {devices[:200]!r} if not os.environ.get("PROBED") else ():
    os.environ["PROBED"] = "1"  # once per worker
    try:
        with open(path, "rb") as f:
            opened.append(path)
    except OSError:
        pass
with open("/dev/urandom", "rb") as f:
    f.read(8)
if opened:
    raise ValueError("opened " + " ".join(opened))
""")
    report = runner.grade(submission, seed=0, submission="devices", limits=FAST)
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    landlock = dict(report.isolation).get("landlock")
    assert z.passed or not landlock, z.output


def test_scratch_is_capped_in_bytes_and_files_and_never_reaches_the_disk(tmp_path):
    """RLIMIT_FSIZE caps one file, not how many: 640 files of 16 MiB grew the temp filesystem by 10 GiB.
    A private tmpfs per worker holds at most scratch_bytes in at most scratch_files files, and goes
    with the worker."""
    submission = attack(tmp_path, """
import os
if not os.path.exists("done"):
    open("done", "w").close()
    chunk, written, files = b"x" * (1 << 20), 0, 0
    try:
        for i in range(640):
            with open(f"f{i}", "wb") as f:
                files += 1
                for _ in range(16):
                    f.write(chunk)
                    written += len(chunk)
    except OSError:
        pass
    try:
        for i in range(100_000):
            open(f"e{i}", "w").close()
            files += 1
    except OSError:
        pass
    raise ValueError(f"wrote {written} bytes in {files} files")
""", honest=False)
    home = runner.server.shared().home
    report = runner.grade(submission, seed=0, submission="filler", limits=FAST)
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    if dict(report.isolation).get("private root and capped scratch"):
        written, files = (int(w) for w in z.output.split("wrote ")[1].split(" files")[0].split(" bytes in "))
        assert written <= FAST.scratch_bytes and files <= FAST.scratch_files  # (a tmpfs: never on the disk)
    assert not list(home.glob("scratch-*"))
    assert all(r.passed for r in report.results if not r.name.startswith(("Linear.", "MLP")))


def test_a_worker_has_no_capability_and_reads_python_through_its_private_root(tmp_path):
    """As root, a worker gives up every capability (CAP_DAC_READ_SEARCH let it read any file the
    Landlock rules allowed, and without Landlock any file at all): what it must read is bound into a
    root of its own, readable by anyone. The submission copy lives in a 0700 folder of the grader."""
    submission = attack(tmp_path, """
import ctypes, scipy.special
class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
data = (ctypes.c_uint32 * 6)()
ctypes.CDLL(None).capget(ctypes.byref(Header(0x20080522, 0)), data)
if data[0] or data[3]:
    raise ValueError(f"capabilities {data[0]:x} {data[3]:x}")
""")
    os.chmod(submission, 0o700)
    report = runner.grade(submission, seed=0, submission="caps", limits=FAST)
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    if os.geteuid() != 0 or dict(report.isolation).get("private root and capped scratch"):
        assert report.score == 100, z.output


def test_a_workers_processes_share_one_memory_cap(tmp_path):
    """RLIMIT_AS caps each process, so six children of 512 MiB each held 3 GiB under a 2 GiB limit;
    a control group per worker caps them together (where the machine allows control groups)."""
    submission = attack(tmp_path, """
import os, time
if os.environ.get("TRIED"):  # once per worker
    raise ValueError("tried")
os.environ["TRIED"] = "1"
children = []
for _ in range(6):
    pid = os.fork()
    if pid == 0:
        block = bytearray(512 << 20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(1.5)
        os._exit(0)
    children.append(pid)
survived = sum(os.waitpid(pid, 0)[1] == 0 for pid in children)
raise ValueError(f"{survived} of 6 survived")
""", honest=False)
    limits = Limits(case_timeout=10.0, submission_timeout=60.0, memory_bytes=2048 << 20)
    # (Linear's tests, and ReLU's beside them: the MLPs' run on the student's layers would try it in six workers more)
    report = runner.grade(submission, seed=0, submission="memory", limits=limits,
                          checks=[c for c in ALL_CHECKS if c.cls in ("Linear", "ReLU")])
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    if dict(report.isolation).get("process and memory caps (cgroups)"):
        assert "6 of 6 survived" not in z.output, z.output
    assert all(r.passed for r in report.results if r.name.startswith("ReLU."))


def test_no_control_group_outlives_grading(tmp_path):
    """The grader's control groups (and each worker's under them) are removed when it exits, with a
    worker's daemon still running in one."""
    submission = attack(tmp_path, """
import os, time
if os.fork() == 0:
    os.setsid()
    time.sleep(600)
""")
    done = cli(str(submission), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    mounts = [line.split()[1] for line in open("/proc/self/mounts") if line.split()[2] in ("cgroup", "cgroup2")]
    left = [group for mount in mounts for group in Path(mount).rglob("autograder-*")
            if not Path(f"/proc/{group.name.split('-')[1]}").exists()]
    assert not left


def test_the_official_seed_is_the_courses_secret_and_never_printed(tmp_path, monkeypatch):
    from autograder.sandbox.limits import UNSET_SEED, ConfigError, official_seed

    cfg = tmp_path / "setup.cfg"
    cfg.write_text("[autograder]\nofficial_seed = 4242\n")
    monkeypatch.delenv("AUTOGRADER_SEED", raising=False)
    assert official_seed(cfg) == (4242, True)
    monkeypatch.setenv("AUTOGRADER_SEED", "77")  # a CI secret overrides the file
    assert official_seed(cfg) == (77, True)
    monkeypatch.setenv("AUTOGRADER_SEED", "soon")
    with pytest.raises(ConfigError, match=r"^\$AUTOGRADER_SEED must be a whole number"):
        official_seed(cfg)
    monkeypatch.delenv("AUTOGRADER_SEED")
    (tmp_path / "none.cfg").write_text("[autograder]\ncase_timeout = 5\n")
    assert official_seed(tmp_path / "none.cfg") == (UNSET_SEED, False) and UNSET_SEED != 0  # not the handout's

    submission = attack(tmp_path, "raise ValueError('wrong')")
    done = cli(str(submission), "--format", "gradescope", cwd=tmp_path, env={"AUTOGRADER_SEED": "913579"})
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert "913579" not in done.stdout and results["extra_data"]["seed"] == "official"
    assert any("replay: " in t.get("output", "") for t in results["tests"])
    bad = cli(str(submission), cwd=tmp_path, env={"AUTOGRADER_SEED": "-3"})
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "AUTOGRADER_SEED" in bad.stderr


BLOAT = """
import sys

import numpy as np

worker = sys.modules["__main__"]  # the worker's own code: patched, its first replies carry 56 MiB more each
_send, _big = worker.send_message, worker.npy_dumps(np, np.ones((1024, 1024)))


_sent = [0]


def send_message(sock, header, blobs=()):
    blobs = list(blobs)
    _sent[0] += 1
    for i in range(7 if _sent[0] <= 24 else 0):  # 24 replies of a worker: 1.3 GB, were they all kept
        header["out"][f"bloat{i}"] = {"b": len(blobs)}
        blobs.append(_big)
    _send(sock, header, blobs)


worker.send_message = send_message
"""


def test_replies_padded_with_values_nobody_asked_for_do_not_grow_the_grader(tmp_path):
    """Replies the grader keeps to judge later (finite differences, hidden tests) once held every value
    a worker sent: seven 8 MiB arrays per reply took the grading process to 4.6 GB."""
    import shutil

    root = tmp_path / "sub"
    shutil.copytree(REFERENCE, root / "mytorch")
    # In linear.py: the workers that import it (Linear's, the MLPs') pad every reply; the others stay cheap.
    (root / "mytorch" / "nn" / "linear.py").write_text(BLOAT + (REFERENCE / "nn" / "linear.py").read_text())
    measure = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.stdout[-3000:])")
    done = cli(str(root), cwd=tmp_path,
               command=(sys.executable, "-c", measure, sys.executable, "-m", "autograder", "grade"))
    code, peak_kib, tail = done.stdout.split(" ", 2)
    assert code == "0", done.stdout + done.stderr
    assert "Score: 100.0 / 100.0" in tail  # the values asked for are the reference's
    assert int(peak_kib) < 512 << 10, f"{int(peak_kib) >> 10} MiB"


def test_a_worker_cannot_keep_kernel_keys_or_make_namespaces(tmp_path):
    """Kernel keys are not namespaced: keys a worker added outlived it, readable by the next worker given
    the same uid. A user namespace would hand a worker every capability again (the way to most kernel
    exploits), as would mounts, io_uring or bpf: the system call filter refuses them."""
    submission = attack(tmp_path, """
import ctypes, os, socket, threading
libc = ctypes.CDLL(None, use_errno=True)
got = {"add_key": libc.syscall(248, b"user", b"left", b"behind", 6, -4),  # KEY_SPEC_USER_KEYRING
       "unshare": libc.unshare(0x10000000), "io_uring": libc.syscall(425, 8, ctypes.create_string_buffer(120))}
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    got["inet"] = 0
except OSError:
    got["inet"] = -1
socket.socketpair()  # what multiprocessing uses still works, and so do threads and fork
thread = threading.Thread(target=lambda: None)
thread.start()
thread.join()
if os.fork() == 0:
    os._exit(0)
os.wait()
if any(v != -1 for v in got.values()):
    raise ValueError(f"allowed: {got}")
""")
    report = runner.grade(submission, seed=0, submission="syscalls", limits=FAST)
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    if dict(report.isolation).get("system call filter") and os.uname().machine == "x86_64":
        assert report.score == 100, z.output


def test_a_worker_cannot_reserve_disk_past_the_file_size_limit(tmp_path):
    """fallocate with FALLOC_FL_KEEP_SIZE on the worker's output file (fd 1, in the grader's folder on the host disk)
    reserved gigabytes without changing the file's size, past RLIMIT_FSIZE: a trial's submission filled the disk, and
    honest students graded meanwhile failed on "No space left on device". The filter refuses fallocate."""
    submission = attack(tmp_path, """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
kept = libc.fallocate(1, 1, 0, 64 << 20)  # FALLOC_FL_KEEP_SIZE
if kept != -1 or os.fstat(1).st_blocks * 512 >= 64 << 20:
    raise ValueError(f"reserved: {kept}, {os.fstat(1).st_blocks * 512} bytes")
""")
    report = runner.grade(submission, seed=0, submission="fallocate", limits=FAST)
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    if dict(report.isolation).get("system call filter") and os.uname().machine == "x86_64":
        assert report.score == 100, z.output


def test_a_workers_processes_share_one_cpu(tmp_path):
    """RLIMIT_CPU caps each process: 250 spinning children loaded the machine to 60. With control
    groups, a worker's whole tree gets at most one CPU."""
    submission = attack(tmp_path, """
import os, time
if os.environ.get("TRIED"):  # once per worker
    raise ValueError("tried")
os.environ["TRIED"] = "1"
began = time.monotonic()
for _ in range(4):
    if os.fork() == 0:
        while time.monotonic() - began < 1.5:
            pass
        os._exit(0)
for _ in range(4):
    os.wait()
times = os.times()
raise ValueError(f"cpu {times.children_user + times.children_system:.2f} wall {time.monotonic() - began:.2f}")
""", honest=False)
    report = runner.grade(submission, seed=0, submission="spin", limits=Limits(case_timeout=10.0, submission_timeout=60.0))
    z = next(r for r in report.results if r.name == "Linear.forward: output Z")
    cpu, wall = (float(x) for x in z.output.split("cpu ")[1].split(" (at")[0].split(" wall "))
    if dict(report.isolation).get("process and memory caps (cgroups)"):
        assert cpu < 1.3 * wall, z.output


def test_no_reply_is_waited_for_past_the_submission_budget(tmp_path):
    """Several worker deaths in a row (each a case time-out, or a package __init__ blamed by a forged
    progress page and retried) once ran six case time-outs past the budget: a reply is now awaited only
    until the budget runs out, and no worker is started after it."""
    from autograder.sandbox import Sandbox, Script, server
    from autograder.checks.linear import LINEAR

    submission = attack(tmp_path, "import time\nwhile True:\n    time.sleep(1)")
    sandbox = Sandbox(server.shared(), submission, Limits(case_timeout=30.0))
    sandbox.deadline = time.monotonic() + 1.0
    try:
        scripts = []
        for _ in range(3):
            s = Script()
            linear = s.new(LINEAR, 2, 3)
            s.call(linear, "forward", np.ones((4, 2)), label="Z")
            scripts.append(s)
        began = time.monotonic()
        results = list(sandbox.stream(scripts))
        assert time.monotonic() - began < 1.0 + 5.0  # not 30 s, let alone 3 x 30 s
        assert len(results) <= 1 and all("ran out" in r.error.msg for r in results)
    finally:
        sandbox.close()


def _ones_forwards(submission, shapes, before_forward=None) -> list:
    """Stream, in one sandbox, a script per (rows, features) of `shapes`: a Linear(features, 3) given W of ones and
    b of zeros, then forward(ones((rows, features))) under "Z" (`before_forward(script, rows)` adds ops before it);
    the results."""
    from autograder.checks.linear import LINEAR
    from autograder.sandbox import Sandbox, Script, server

    scripts = []
    for rows, features in shapes:
        s = Script()
        linear = s.new(LINEAR, features, 3)
        s.set(linear, "W", np.ones((3, features)))
        s.set(linear, "b", np.zeros((3, 1)))
        if before_forward is not None:
            before_forward(s, rows)
        s.call(linear, "forward", np.ones((rows, features)), label="Z")
        scripts.append(s)
    sandbox = Sandbox(server.shared(), submission, Limits(case_timeout=30.0))
    try:
        return list(sandbox.stream(scripts))
    finally:
        sandbox.close()


HOLDS_REPLIES = "import sys\nsys.modules['__main__'].FLUSH_CASES = 1 << 30\nsys.modules['__main__'].FLUSH_SIZE = 1 << 30\n"


def test_replies_a_dying_worker_never_sent_are_run_again_as_they_were_sent(tmp_path):
    """A worker writes its replies a few at a time: when it dies (here Linear(7, 3) ends it, after cases whose
    replies it was holding: this one holds them all), the cases before the one it died in ran, but
    their replies never came. They run again in a fresh worker as they were sent (a constructor that ends the
    worker is not called again, but only from the case it died in on): only the dying case is charged."""
    submission = attack(tmp_path, "pass")
    linear_py = submission / "mytorch" / "nn" / "linear.py"
    linear_py.write_text(HOLDS_REPLIES + linear_py.read_text() + (
        "\n\n_init = Linear.__init__\n\n\n"
        "def _dying_init(self, in_features, *args, **kwargs):\n"
        "    if in_features == 7:\n"
        "        os._exit(3)\n"
        "    _init(self, in_features, *args, **kwargs)\n\n\n"
        "Linear.__init__ = _dying_init\nimport os\n"))
    results = _ones_forwards(submission, ((1, 2), (2, 2), (3, 2), (4, 7), (5, 2)))
    assert [r.error.type if r.error else None for r in results] == [None, None, None, "WorkerDied", "WorkerDied"]
    assert results[3].error.op == 0 and "3" in results[3].error.msg and not results[3].error.earlier
    assert results[4].error.earlier  # (not called again after it ended a worker)
    for rows, result in zip((1, 2, 3), results[:3]):
        assert np.array_equal(result.values["Z"], np.full((rows, 3), 2.0))


def test_soft_calls_that_end_workers_are_left_out_and_the_case_goes_on(tmp_path):
    """A soft call (one whose exception does not stop the case: the forward before a backward graded on state the
    grader sets) that ends the worker is charged as a soft error and left out, and the case goes on in a fresh
    worker, as where it raises; so too for a second one that ends the worker the case went on to (helper-207: the
    first stopped the case, and a correct Softmax.backward after a forward that hung on batches lost its points)."""
    submission = attack(tmp_path, "import os\nif A.shape[0] in (4, 5):\n    os._exit(3)")

    def soft_forwards(s, rows):
        from autograder.checks.linear import LINEAR

        other = s.new(LINEAR, 2, 3)  # (the same call on arrays of two kinds: two deaths that stop no other call)
        for dying in (np.ones((4, 2)), np.ones((5, 2, 1))):
            s.call(other, "forward", dying, label=s.fresh(), soft=True, shown=("X",))

    results = _ones_forwards(submission, ((1, 2), (3, 2), (2, 2)), soft_forwards)
    for rows, result in zip((1, 3, 2), results):
        assert result.error is None, result.error
        assert np.array_equal(result.values["Z"], np.full((rows, 3), 2.0))
        assert [(e.op, e.type, e.earlier) for e in result.soft] == (
            [(4, "WorkerDied", False), (5, "WorkerDied", False)] if rows == 1 else
            [(4, "WorkerDied", True), (5, "WorkerDied", True)]), result.soft


def test_which_replies_a_dying_worker_held_never_depends_on_time(tmp_path):
    """A method that counts its calls in the worker and ends it on one input gets the same values every run: the
    cases whose replies the dying worker still held (they run again in a fresh worker, whose count starts over) are
    the same whether a quick case before them took a millisecond or twenty (a 2 ms timer once decided it, and a
    wrong dLdW on the 20th call passed in some runs of the same submission and failed in others)."""
    from autograder.checks.linear import LINEAR
    from autograder.sandbox import Sandbox, Script, server

    def run(pause: float):
        code = (f"import os, time\nLinear.calls = getattr(Linear, 'calls', 0) + 1\n"
                f"if A.shape[0] == 3:\n    time.sleep({pause})\nif A.shape[0] == 12:\n    os._exit(3)\n"
                f"return np.full((A.shape[0], 1), float(Linear.calls))")
        submission = attack(tmp_path / str(pause), code)
        sandbox = Sandbox(server.shared(), submission, Limits(case_timeout=30.0))
        try:
            scripts = []
            for rows in range(1, 16):
                s = Script()
                s.call(s.new(LINEAR, 2, 3), "forward", np.ones((rows, 2)), label="Z")
                scripts.append(s)
            return [(r.error.type if r.error else None, r.values["Z"][0, 0] if "Z" in r.values else None)
                    for r in sandbox.stream(scripts)]
        finally:
            sandbox.close()

    quick, paused = run(0.0), run(0.02)
    assert quick == paused
    assert [error for error, _ in quick].count("WorkerDied") == 1


def test_a_progress_page_naming_a_case_already_answered_is_not_believed(tmp_path):
    """The progress page is the worker's word: one naming a case whose reply already came (a later case forged it,
    or the worker died between cases) says nothing about the case awaited, which is charged at its first op."""
    code = ("import os, sys\nworker = sys.modules['__main__']\nworker.FLUSH_CASES = 1\n"
            "if A.shape[0] == 3:\n    worker.PROGRESS.pack_into(worker._STATE['progress'], 0, 1, 2, 0, 0)\n"
            "    os._exit(3)")
    results = _ones_forwards(attack(tmp_path, code), ((1, 2), (2, 2), (3, 2)))
    assert [r.error.type if r.error else None for r in results] == [None, None, "WorkerDied"]
    assert results[2].error.op == 0  # (not op 2, the page's forged op of the first case)


def test_a_rerun_that_dies_again_after_replies_it_never_sent_keeps_nothing_of_its_case(tmp_path):
    """The case a worker died in runs again up to the op that died; where that rerun ends a worker too (here
    ReLU() does, once a Linear forward on 7 rows has printed 5000 bytes: the workers of one sandbox append to
    one output file), after cases whose replies it held back, those cases run a third time and the dying case
    keeps no values, charged with the first death, as when no reply was held back."""
    code = HOLDS_REPLIES + "import os\nif A.shape[0] == 7:\n    print('x' * 5000, flush=True)\n    os._exit(3)"
    submission = attack(tmp_path, code)
    activation_py = submission / "mytorch" / "nn" / "activation.py"
    activation_py.write_text(activation_py.read_text() + (
        "\n\n_init = ReLU.__init__\n\n\n"
        "def _dying_init(self, *args, **kwargs):\n"
        "    if os.fstat(1).st_size >= 5000:\n"
        "        os._exit(4)\n"
        "    _init(self, *args, **kwargs)\n\n\n"
        "ReLU.__init__ = _dying_init\nimport os\n"))
    results = _ones_forwards(submission, ((1, 2), (2, 2), (3, 2), (7, 2), (4, 2)),
                             lambda s, rows: s.new("mytorch.nn.activation.ReLU") if rows == 7 else None)
    assert [r.error.type if r.error else None for r in results] == [None, None, None, "WorkerDied", None]
    assert results[3].error.op == 4 and "3" in results[3].error.msg and results[3].values == {}
    for rows, result in zip((1, 2, 3, 4), results[:3] + results[4:]):
        assert np.array_equal(result.values["Z"], np.full((rows, 3), 2.0))


def _linear_forward(sandbox, rows: int = 4) -> object:
    """One Linear forward call in `sandbox`, on a batch of `rows` rows: its CaseResult."""
    from autograder.checks.linear import LINEAR
    from autograder.sandbox import Script

    s = Script()
    linear = s.new(LINEAR, 2, 3)
    s.call(linear, "forward", np.ones((rows, 2)), label="Z")
    (result,) = sandbox.run([s])
    return result


@pytest.mark.parametrize("direct", [False, True])
def test_what_each_call_printed_is_told_apart_and_writes_around_print_are_not_lost(tmp_path, direct):
    """What an op printed is known by counting what goes through the worker's stdout and stderr. Bytes written
    around them (os.write(1, ...)) are found at the case's end: that case's output is all said as its last call's,
    and the worker's later cases ask the file after every op, so they are told apart again."""
    from autograder.checks.linear import LINEAR
    from autograder.sandbox import Sandbox, Script, server

    code = "import os, sys\nos.write(1, b'direct\\n')\nprint('counted')" if direct else \
        "import sys\nprint('counted')\nprint('error', file=sys.stderr)"
    scripts = []
    for _ in range(2):
        s = Script()
        linear = s.new(LINEAR, 2, 3)
        s.call(linear, "forward", np.ones((2, 2)), label="Z")
        s.call(linear, "forward", np.ones((3, 2)), label="Z2")
        scripts.append(s)
    sandbox = Sandbox(server.shared(), attack(tmp_path, code), Limits(case_timeout=30.0))
    try:
        first, second = sandbox.run(scripts)
    finally:
        sandbox.close()
    each = b"direct\ncounted\n" if direct else b"counted\nerror\n"
    assert first.error is None and second.error is None
    assert second.printed == ((1, each), (2, each)), second.printed
    if direct:  # (nothing lost; which call printed what is not known there)
        assert b"".join(data for _, data in first.printed) == each * 2, first.printed
    else:
        assert first.printed == ((1, each), (2, each)), first.printed


def _enclosed_linear_forward(submission, limits) -> tuple:
    """(what a new enclosure for `submission` imports for it, one Linear forward call in a worker it forked)."""
    from autograder.sandbox import Sandbox, server
    from autograder.sandbox.pool import Enclosure

    enclosure = Enclosure(server.shared(), submission, limits)
    try:
        sandbox = Sandbox(server.shared(), submission, limits, enclosure)
        try:
            return enclosure.preload, _linear_forward(sandbox)
        finally:
            sandbox.close()
    finally:
        enclosure.close()


def test_an_enclosure_gives_each_worker_an_empty_scratch_and_ends_what_the_last_one_left(tmp_path):
    """Workers forked by one enclosure (a grading process's, where workers get PID namespaces) follow one
    another: each finds the scratch folder empty, whatever the last one left there (a file, a folder it
    made unreadable, a chain deeper than any recursion, the names an emptying might move folders to), and
    no process the last one started lives on past the next fork."""
    from autograder.sandbox import server
    from autograder.sandbox.pool import Enclosure

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    marker = f"enc{os.getpid() % 10**6:06d}"
    chain = CHAIN.format(top=".", levels=1200, name="d").replace("\n", "\n    ")
    submission = attack(tmp_path, f"""
import builtins, ctypes, os, time
if not hasattr(builtins, "_checked"):  # once per worker: what did the worker before leave?
    builtins._checked = True
    found = sorted(os.listdir("."))
    if found:
        raise ValueError(f"found {{found}}")
    open("left.txt", "w").write("x")
    for i in range(1, 151):  # names an emptying that moves folders up to the top might want
        open(f".moved-{{i}}", "w").write("x")
    os.makedirs("keep/sub")
    open("keep/sub/marker", "w").write("x")
    os.makedirs("locked/inner")
    open("locked/inner/f", "w").write("x")
    os.chmod("locked/inner", 0)
    os.chmod("locked", 0){chain}
    if A.shape[0] == 4 and os.fork() == 0:  # (the first worker only)
        os.setsid()
        ctypes.CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0)  # PR_SET_NAME: findable with ps
        time.sleep(60)
        os._exit(0)
""")
    enclosure = Enclosure(shared, submission, Limits(case_timeout=30.0))
    try:
        for rows in (4, 5, 5):  # (the first worker's daemon ended with the next fork)
            _forward_in_a_worker(shared, submission, enclosure, rows, lambda: rows == 4 or not named(marker))
        _forward_in_a_worker(shared, submission, enclosure, 4)
    finally:
        enclosure.close()
    time.sleep(0.5)
    assert not named(marker)  # nor does the last worker's outlive the enclosure


def test_a_system_v_ipc_object_a_worker_leaves_never_reaches_the_next_worker(tmp_path):
    """helper-140: workers forked by one enclosure shared its IPC namespace, so a shared memory segment (or a
    semaphore set, a message queue) one made was there for the next: a Linear.forward that raised on its first
    run, leaving a mark, passed in the fresh worker of the second. The enclosure makes no worker while one is left
    (a new enclosure, a fresh namespace, forks it)."""
    from autograder.sandbox import server
    from autograder.sandbox.pool import Enclosure

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    submission = attack(tmp_path, """
import builtins, ctypes
if not hasattr(builtins, "_checked"):  # once per worker: what did the worker before leave?
    builtins._checked = True
    libc = ctypes.CDLL(None)
    found = [name for name, there in (("shm", libc.shmget(0x5EED, 0, 0)), ("sem", libc.semget(0x5EED, 0, 0)),
                                      ("msg", libc.msgget(0x5EED, 0))) if there >= 0]
    if found:
        raise ValueError(f"found {found}")
    made = [libc.shmget(0x5EED, 4096, 0o1600), libc.semget(0x5EED, 1, 0o1600), libc.msgget(0x5EED, 0o1600)]
    assert min(made) >= 0, made
""")
    enclosure = Enclosure(shared, submission, Limits(case_timeout=30.0))
    try:
        for rows in (4, 5, 6):
            _forward_in_a_worker(shared, submission, enclosure, rows)
    finally:
        enclosure.close()


def _forward_in_a_worker(shared, submission, enclosure, rows: int, meanwhile=lambda: True) -> None:
    """Linear.forward on `rows` rows in a fresh worker of `enclosure`: no error, Z of shape (rows, 3); `meanwhile()`
    holds while that worker is still open."""
    from autograder.sandbox import Sandbox

    sandbox = Sandbox(shared, submission, Limits(case_timeout=30.0), enclosure)
    try:
        result = _linear_forward(sandbox, rows)
        assert meanwhile()
    finally:
        sandbox.close()
    assert result.error is None, result.error
    assert result.values["Z"].shape == (rows, 3)


def test_what_a_submission_imports_of_scipy_is_imported_once_by_its_enclosure(tmp_path):
    """Every worker of a submission that imports scipy spent a tenth of a second importing it, more than the rest
    of its work: the enclosure now imports, once, the modules of allowed packages the submission's files name
    (read as text, never run), and its workers find them imported. A name the submission itself may stand for (its
    own scipy/ or scipy.py, anywhere in it) or a package not allowed is left alone; numpy is imported already."""
    from autograder.sandbox import server
    from autograder.sandbox.pool import Enclosure, preloads

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("import numpy as np, scipy.linalg as la\nfrom scipy.special import erf\n"
                                          "import os\n    import scipy  # (inside a function)\nx = 'import scipy.stats'\n")
    assert preloads(tmp_path, ("numpy", "scipy")) == ("scipy.linalg", "scipy.special", "scipy")
    assert preloads(tmp_path, ("numpy",)) == ()
    (tmp_path / "pkg" / "helpers").mkdir()
    (tmp_path / "pkg" / "helpers" / "scipy").mkdir()  # (its own, deep inside: its code may put it on sys.path)
    assert preloads(tmp_path, ("numpy", "scipy")) == ()

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    submission = attack(tmp_path / "graded", "pass")
    linear_py = submission / "mytorch" / "nn" / "linear.py"
    # (whether scipy.special was imported before this module, as the worker imports it: Linear.forward says)
    linear_py.write_text("import sys\nBEFORE = 'scipy.special' in sys.modules\nfrom scipy.special import expit\n"
                         + linear_py.read_text().replace(FORWARD, "        return A * 0 + BEFORE\n"))
    preload, result = _enclosed_linear_forward(submission, Limits(case_timeout=30.0))
    assert preload == ("scipy.special",)
    assert result.error is None and np.all(result.values["Z"] == 1.0)


def test_what_an_enclosure_imports_for_a_submission_is_not_the_time_of_its_first_case(tmp_path):
    """Under load, the scipy modules a submission names took an enclosure longer than the case time limit, and
    its first case was said not to finish: the first case's time now starts once the enclosure has forked its
    worker."""
    from autograder.sandbox import server
    from autograder.sandbox.pool import Enclosure

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    submission = attack(tmp_path, "pass")
    linear_py = submission / "mytorch" / "nn" / "linear.py"
    linear_py.write_text("import scipy.stats\nimport scipy.optimize\nimport scipy.signal\n" + linear_py.read_text())
    # (importing those takes a worker 0.8 s here; a Linear call, milliseconds)
    _, result = _enclosed_linear_forward(submission, Limits(case_timeout=0.3))
    assert result.error is None, result.error


LATE_READER = """import sys, time
worker = sys.modules['__main__']
if A.shape[0] == 1 and not hasattr(worker, '_late'):
    worker._late = worker.recv_message

    def recv_message(sock):
        found = worker._late(sock)
        time.sleep(1.5)
        return found

    worker.recv_message = recv_message
if A.shape[0] > 1:
    time.sleep(1.0)
"""


def test_a_requests_first_case_is_timed_from_when_the_worker_read_it(tmp_path):
    """A channel holds a whole request, so the grading process's writing it returns at once: the first case's
    time limit starts when the worker had read it (here 1.5 s later, each time; then the case takes 1 s of its 2),
    not when it was written."""
    from autograder.sandbox import Sandbox, server

    sandbox = Sandbox(server.shared(), attack(tmp_path, LATE_READER), Limits(case_timeout=2.0))
    try:
        results = [_linear_forward(sandbox, rows) for rows in (1, 2, 3)]
    finally:
        sandbox.close()
    assert [r.error for r in results] == [None, None, None]
    assert [r.values["Z"].shape for r in results] == [(1, 3), (2, 3), (3, 3)]


def test_a_forged_reading_time_buys_a_hanging_case_little(tmp_path, monkeypatch):
    """When the worker read its request is its word on the progress page: one that says "not yet, much later" gets
    the case limit past the writing at most (START_LIMIT where that is shorter), then the case's own limit."""
    from autograder.sandbox import Sandbox, pool, server

    code = ("import sys\nworker = sys.modules['__main__']\n"
            "class Forged:\n    def pack_into(self, page, at, value):\n"
            "        worker.struct.pack_into('<q', page, at, 1 << 62)\n"
            "worker.RECEIVED = Forged()\nif A.shape[0] == 2:\n    while True:\n        pass")
    monkeypatch.setattr(pool, "START_LIMIT", 1.0)
    sandbox = Sandbox(server.shared(), attack(tmp_path, code), Limits(case_timeout=1.0))
    try:
        assert _linear_forward(sandbox, 1).error is None
        began = time.monotonic()
        hung = _linear_forward(sandbox, 2)
        took = time.monotonic() - began
    finally:
        sandbox.close()
    assert hung.error is not None and "did not finish within 1 s" in hung.error.msg
    assert took < 1.0 + 1.0 + 3.0  # (not the submission's 300 s)


def test_a_case_after_held_replies_is_timed_from_its_own_start_and_a_forged_start_buys_one_limit():
    """A reply held with the next ones (the worker writes a few at a time) is waited for past its deadline where the
    worker is on a later case that began late enough (`Sandbox._held_deadline`), by the worker's word on the progress
    page: at most one case limit past the deadline first given, whatever the word moved it to before (helper-206: a
    forged reading time and a forged start had bought a request's first case two limits more)."""
    import types

    from autograder.sandbox import pool

    page = bytearray(wire.PAGE)
    grader = types.SimpleNamespace(limits=Limits(case_timeout=1.0), deadline=float("inf"))
    worker = types.SimpleNamespace(progress=page)
    now = time.monotonic()

    def moved(case, began, deadline, given):
        wire.PROGRESS.pack_into(page, 0, case, 0, 0, 0)
        wire.STARTED.pack_into(page, wire.PROGRESS.size + wire.RECEIVED.size, int(began * 1e9))
        return pool.Sandbox._held_deadline(grader, worker, 0, deadline, given)

    assert moved(1, now - 0.5, now, now) == now  # (the worker is on the case waited for: no reply of it is held)
    assert moved(4, now - 0.5, now, now) == pytest.approx(now + 0.5)  # its own limit, from its start
    assert moved(4, now - 5.0, now, now) == now  # it ran the limit out alone
    assert moved(4, now + 1e6, now + 0.9, now) == pytest.approx(now + 1.0)  # forged: one limit past the first deadline


def test_a_worker_cannot_end_its_enclosure_or_reach_the_next_worker(tmp_path):
    """kill(1) and kill(-1) from a worker: the enclosure is its PID namespace's init, which takes no
    signal from inside; it goes on forking workers (the same enclosure, not a new one). Nor can a worker
    lower its enclosure's limits, priority or CPU set (the same uid may, but the worker's filter refuses):
    a found hole, where the enclosure's next fork failed and turned a broken class into "the grader failed"."""
    from autograder.sandbox import Sandbox, server
    from autograder.sandbox.pool import Enclosure

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    submission = attack(tmp_path, """
import os, resource, signal
changed = []
for name, change in [("prlimit", lambda: resource.prlimit(1, resource.RLIMIT_NPROC, (0, 0))),
                     ("nofile", lambda: resource.prlimit(1, resource.RLIMIT_NOFILE, (0, 0))),
                     ("priority", lambda: os.setpriority(os.PRIO_PROCESS, 1, 19)),
                     ("user priority", lambda: os.setpriority(os.PRIO_USER, os.getuid(), 19)),
                     ("idle", lambda: os.sched_setscheduler(1, os.SCHED_IDLE, os.sched_param(0))),
                     ("affinity", lambda: os.sched_setaffinity(1, {0}))]:
    try:
        change()
        changed.append(name)
    except OSError:
        pass
if changed:
    raise ValueError(f"changed the enclosure: {changed}")
for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP, signal.SIGINT):
    for pid in (1, -1):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
""")
    enclosure = Enclosure(shared, submission, Limits(case_timeout=30.0))
    try:
        pids = set()
        for _ in range(3):
            sandbox = Sandbox(shared, submission, Limits(case_timeout=30.0), enclosure)
            try:
                result = _linear_forward(sandbox)
            finally:
                sandbox.close()
            assert result.error is None and result.values["Z"].shape == (4, 3), result.error
            pids.add(enclosure.pid)
        assert len(pids) == 1
    finally:
        enclosure.close()


def test_a_worker_forked_by_an_enclosure_dies_with_its_own_status(tmp_path):
    """The status the student is told comes from the worker, not from the enclosure that ended it."""
    from autograder.sandbox import Sandbox, server
    from autograder.sandbox.pool import Enclosure

    shared = server.shared()
    if not Enclosure.available(shared):
        pytest.skip("workers get no PID namespace here: each is set up on its own (tested everywhere else)")
    submission = attack(tmp_path, "import os\nos._exit(7)")
    enclosure = Enclosure(shared, submission, Limits(case_timeout=30.0))
    sandbox = Sandbox(shared, submission, Limits(case_timeout=30.0), enclosure)
    try:
        result = _linear_forward(sandbox)
        assert result.error is not None and "exited with code 7" in result.error.msg, result.error
    finally:
        sandbox.close()
        enclosure.close()


def test_a_method_that_replaces_numpy_array_cannot_decide_what_its_arguments_read_back(tmp_path):
    """Linear.forward zeroes the A it is given, then replaces numpy.array with one that shows A's old values: the
    worker converts what comes back with the numpy it started with, so 'does not modify A' still sees the zeros."""
    submission = attack(tmp_path, """
import numpy
given, kept = A, A.copy()
A *= 0
real = numpy.array
numpy.array = lambda obj, *args, **kwargs: real(kept if obj is given else obj, *args, **kwargs)
A = kept
""")
    report = runner.grade(submission, seed=0, submission="attack", limits=FAST,
                          checks=[c for c in runner.assignments.get().checks() if c.cls == "Linear"])
    modified = next(r for r in report.results if r.name == "Linear.forward: does not modify A")
    assert not modified.passed and "A after forward" in modified.output, modified.output


def test_a_run_thrown_away_leaves_nothing_of_what_it_printed(tmp_path):
    """A run whose verdicts are thrown away (a lean run that was not a clean pass) is forgotten with what it printed:
    the run that replaces it may print as much as the limit lets one run print (a trial's Linear printed 12.6 MB, under
    the 16 MiB limit, and its rerun in full was cut off for the first run's output)."""
    from autograder.sandbox import Sandbox, server

    submission = attack(tmp_path, "print('x' * 40000)")
    sandbox = Sandbox(server.shared(), submission, Limits(case_timeout=30.0, file_bytes=100_000))
    try:
        learned = sandbox.learned()
        first = [_linear_forward(sandbox) for _ in range(2)]  # 80,002 bytes printed of 100,000
        sandbox.forget(learned)
        again = [_linear_forward(sandbox) for _ in range(2)]
    finally:
        sandbox.close()
    for result in first + again:
        assert result.error is None and len(result.printed) == 1, result


def test_a_worker_with_no_pid_namespace_signals_and_steers_only_itself():
    """Without a PID namespace (not root, where user namespaces are refused: Ubuntu 24.04, a course's GitHub runner)
    a worker shares the grader's uid, and `os.kill(-1, SIGKILL)` in a method ended the grader and the batch with it
    (a hostile trial; SIGSTOP froze it). Its filter lets it signal only itself and its own group."""
    import errno
    import fcntl
    import resource
    import signal
    import threading

    from autograder.sandbox import worker

    parent = os.getpid()

    def probe():
        os.setsid()
        reading, writing = os.pipe()
        found = {"installed": worker.confine_signals()}
        for name, call in [("kill the parent", lambda: os.kill(parent, 0)), ("kill -1", lambda: os.kill(-1, 0)),
                           ("kill another group", lambda: os.killpg(parent, 0)),
                           ("SIGSTOP to the parent", lambda: os.kill(parent, signal.SIGSTOP)),
                           ("a pidfd", lambda: os.pidfd_open(parent)),
                           ("the parent's limits", lambda: resource.prlimit(parent, resource.RLIMIT_NOFILE, (8, 8))),
                           # (the kernel would signal the fd's owner for it: SIGIO, or SIGKILL by F_SETSIG)
                           ("F_SETOWN the parent", lambda: fcntl.fcntl(reading, fcntl.F_SETOWN, parent)),
                           ("F_SETSIG", lambda: fcntl.fcntl(reading, 10, signal.SIGKILL)),
                           ("FIOSETOWN", lambda: fcntl.ioctl(socket.socket().fileno(), 0x8901,
                                                             parent.to_bytes(4, "little"))),
                           ("F_GETFL", lambda: fcntl.fcntl(writing, fcntl.F_GETFL)),
                           ("a child's setsid", lambda: _in_child(os.setsid)),  # (it would outlive its group)
                           ("a child's setpgid", lambda: _in_child(lambda: os.setpgid(0, 0))),
                           ("kill itself", lambda: os.kill(os.getpid(), 0)), ("kill its group", lambda: os.kill(0, 0)),
                           ("killpg itself", lambda: os.killpg(os.getpid(), 0)),
                           ("a thread", lambda: signal.pthread_kill(threading.get_ident(), 0)),
                           ("its own limits", lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))]:
            try:
                call()
                found[name] = "allowed"
            except OSError as exc:
                found[name] = errno.errorcode[exc.errno]
        return found

    found = _in_forked_child(probe)
    assert found.pop("installed") is True
    refused = ["kill the parent", "kill -1", "kill another group", "SIGSTOP to the parent", "a pidfd",
               "the parent's limits", "F_SETOWN the parent", "F_SETSIG", "FIOSETOWN", "a child's setsid",
               "a child's setpgid"]
    assert {name: found[name] for name in refused} == dict.fromkeys(refused, "EPERM")
    assert {name: v for name, v in found.items() if name not in refused} == dict.fromkeys(
        ["F_GETFL", "kill itself", "kill its group", "killpg itself", "a thread", "its own limits"], "allowed")


def _in_forked_child(probe) -> dict:
    """What `probe()` returns (a dict), run in a forked child: what it installs (a filter, limits) cannot be taken
    off again, and stays there."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(reading)
            os.write(writing, json.dumps(probe()).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        found = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return found


def _in_child(call):
    """Run `call` in a forked child; raise the OSError it raised there (by its errno)."""
    pid = os.fork()
    if pid == 0:
        try:
            call()
        except OSError as exc:
            os._exit(exc.errno)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WEXITSTATUS(status):
        raise OSError(os.WEXITSTATUS(status), os.strerror(os.WEXITSTATUS(status)))


def test_a_worker_can_neither_raise_its_process_limit_nor_hand_children_to_the_fork_server():
    """A hostile trial (no PID namespace, not root) raised RLIMIT_NPROC's soft limit to the hard one and made
    children with CLONE_PARENT, which became the fork server's, which never waits for them: thousands of zombies of
    the grader's user, and the fork server died on its next fork (15 honest entries of a batch: "the grader
    failed"). The limit is set hard too, and the filter refuses CLONE_PARENT."""
    import ctypes
    import errno
    import resource

    from autograder.sandbox import worker

    def probe():
        found = {"limit": worker.bound_processes()}
        found["soft, hard"] = list(resource.getrlimit(resource.RLIMIT_NPROC))
        found["filter"] = worker.filter_syscalls()
        libc = ctypes.CDLL(None, use_errno=True)
        made = libc.syscall(56, 0x8000 | 17, 0, 0, 0, 0)  # clone(CLONE_PARENT | SIGCHLD)
        if made == 0:
            os._exit(0)  # (the child, had it been made)
        found["CLONE_PARENT"] = errno.errorcode.get(ctypes.get_errno(), "made") if made < 0 else "made"
        found["fork"] = _in_child(lambda: None) is None
        return found

    found = _in_forked_child(probe)
    assert found["soft, hard"] == [found["limit"], found["limit"]], found
    assert found["filter"] is True and found["fork"] is True
    if os.uname().machine == "x86_64":  # (the raw clone number above is x86_64's)
        assert found["CLONE_PARENT"] == "EPERM", found


def test_the_fork_server_that_cannot_fork_fails_that_request_alone(monkeypatch, tmp_path):
    """The fork server answered a failed fork by dying (every next entry of a batch then failed): it now answers
    with the error, and the grading process raises it for that worker alone."""
    fake = server.ForkServer.__new__(server.ForkServer)
    fake.cgroups = None
    fake.readable, fake.hidden = [], []
    monkeypatch.setattr(server.ForkServer, "_ask", lambda self, request, fds: {"error": "cannot start a worker: x"})
    with pytest.raises(OSError, match="cannot start a worker"):
        fake.spawn(tmp_path, tmp_path, Limits(), 1, 2)


def _spawn_and_reap(fork_server, tmp_path) -> None:
    """A worker of `fork_server` started, on `tmp_path` as its submission, and reaped: the server answers requests."""
    output = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT, 0o600)
    progress = os.memfd_create("progress")
    os.ftruncate(progress, 4096)
    (tmp_path / "scratch").mkdir()
    try:
        pid, sock = fork_server.spawn(tmp_path, tmp_path / "scratch", Limits(), output, progress)
        sock.close()
        fork_server.reap(pid)
    finally:
        os.close(output)
        os.close(progress)


def test_a_reply_a_dead_grading_process_left_unread_is_never_read_as_another_requests(tmp_path):
    """The grading processes of a batch share the fork server's channel, one request at a time. One that died between
    its request and the reply (a pool broken by another entry's process dying) left the reply unread, and every later
    request read the reply to the one before: a suite run had 265 tests fail on "the fork server started no worker".
    Each reply names its request, and a reply to another is passed over."""
    fork_server = server.ForkServer()
    try:
        fork_server.wait_ready()
        child = os.fork()
        if child == 0:  # (a grading process: it asks, and dies before the reply)
            wire.send_request(fork_server.control, {"op": "abandon", "pid": 0, "id": "gone"})
            os._exit(0)
        os.waitpid(child, 0)
        _spawn_and_reap(fork_server, tmp_path)
    finally:
        fork_server.close()


def test_two_requests_waiting_unread_are_read_as_two(tmp_path):
    """A request whose grading process died before the reply, and the next one, can wait unread together while the
    fork server is busy; read as one run of bytes they were no JSON ("Extra data") and ended the fork server (seen
    once under load). Requests are framed: here both arrive in a single write, and the server answers both and
    still forks workers."""
    fork_server = server.ForkServer()
    try:
        fork_server.wait_ready()
        both = b"".join(wire._framed(json.dumps({"op": "abandon", "pid": 0, "id": name}).encode())
                        for name in ("first", "second"))
        socket.send_fds(fork_server.control, [both], [])
        assert [fork_server._reply()["id"] for _ in range(2)] == ["first", "second"]
        _spawn_and_reap(fork_server, tmp_path)
    finally:
        fork_server.close()


NO_USER_NAMESPACES = """
import ctypes, os, sys
sys.path.insert(0, sys.argv[1])
from autograder.sandbox import worker as w
LD, JEQ, JSET, RET, ALLOW, EPERM = 0x20, 0x15, 0x45, 0x06, 0x7FFF0000, 0x00050000 | 1
body = [(LD, None, None, 0), (JEQ, "deny", 0, 272), (JEQ, "enosys", 0, 435), (JEQ, "clone", 0, 56),
        (RET, None, None, ALLOW)]  # unshare refused, clone3 unknown, clone without namespace flags
tail = [("clone", (LD, None, None, 16)), (None, (JSET, "deny", "allow", 0x10000000)),
        ("allow", (RET, None, None, ALLOW)), ("deny", (RET, None, None, EPERM)), ("enosys", (RET, None, None, 0x50026))]
program = w._assemble(body, tail)
class Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]
class Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Insn))]
insns = (Insn * len(program))(*[Insn(*i) for i in program])
libc = ctypes.CDLL(None)
assert libc.prctl(38, 1, 0, 0, 0) == 0 and libc.prctl(22, 2, ctypes.byref(Program(len(program), insns)), 0, 0) == 0
os.execv(sys.argv[2], sys.argv[2:])
"""


@pytest.mark.skipif(os.uname().machine != "x86_64" or os.geteuid() != 0,
                    reason="the wrapper's syscall numbers are x86_64's; only root can run the grader as another user")
def test_a_method_that_kills_every_process_of_its_uid_costs_only_its_test_where_user_namespaces_are_refused(tmp_path):
    """The grader run by an ordinary user where user namespaces are refused (a seccomp wrapper refuses unshare):
    the worker keeps the grader's uid; `os.kill(-1, SIGKILL)` in Linear.forward is refused and charged there."""
    sub = attack(tmp_path, "import os, signal\nos.kill(-1, signal.SIGKILL)")
    sub.chmod(0o755)
    (tmp_path / "wrapper.py").write_text(NO_USER_NAMESPACES)
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, 4242, 4242)
    for folder in (tmp_path, *[p for p in sub.rglob("*") if p.is_dir()]):
        folder.chmod(0o755)
    done = subprocess.run(["setpriv", "--reuid", "4242", "--regid", "4242", "--clear-groups", "--inh-caps",
                           "+dac_read_search", "--ambient-caps", "+dac_read_search", sys.executable,
                           str(tmp_path / "wrapper.py"), str(REPO), sys.executable, "-m", "autograder", "grade",
                           str(sub), "--format", "gradescope"],
                          cwd=home, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(home),
                               "AUTOGRADER_CACHE": str(home / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert "no pid and network namespaces" in json.dumps(results["extra_data"]), results["extra_data"]
    lost = {t["name"] for t in results["tests"] if t["score"] < t["max_score"]}
    assert lost and all(name.startswith("Linear.") or name.startswith("MLP") for name in lost), lost
    forward = next(t for t in results["tests"] if t["name"] == "Linear.forward: output Z")
    assert "PermissionError" in forward["output"], forward["output"]


def test_a_fork_server_started_early_is_the_one_grading_takes_over(tmp_path):
    """`python -m autograder grade` starts the fork server's process first thing (boot.early), before it knows where the
    packages are: the ForkServer made later takes that very process over, names the packages folder, and its workers
    run as any other's."""
    from autograder.sandbox import boot

    boot.early()
    early = boot._EARLY[-1].proc.pid
    fork_server = server.ForkServer()
    try:
        assert fork_server.proc.pid == early and not boot._EARLY  # (taken once: a second server starts its own)
        fork_server.wait_ready()
        assert fork_server.isolation  # (its probe ran, after numpy came from the folder it was sent)
        _spawn_and_reap(fork_server, tmp_path)
    finally:
        fork_server.close()


def test_a_fork_server_started_early_and_never_taken_ends_with_its_channel():
    """A command that ends before grading (a usage error) leaves no process behind: the early one, waiting for its
    first message, exits when its channel closes (as the command's end closes it)."""
    from autograder.sandbox import boot

    launched = boot.Launched()
    launched.control.close()
    assert launched.proc.wait(timeout=10) == 0  # (quietly: it was never told where the packages are)
    launched.log.seek(0)
    assert launched.log.read() == b""


def test_the_sweep_of_control_groups_leaves_the_groups_of_live_workers_alone(tmp_path):
    """A sweep removes the groups of workers that are gone; the kernel refuses to remove a live one's, but only once
    a worker joining its own group is done (the first waits ~10 ms for the kernel): a grading process sweeping then
    waited as long before it could ask for its worker. So a live worker's group is not tried."""
    from autograder.sandbox.cgroups import Cgroups

    live, gone = tmp_path / f"w{os.getpid()}", tmp_path / "w999999999"
    live.mkdir()
    gone.mkdir()
    Cgroups([(tmp_path, {})], killable=False, capped=set()).sweep()
    assert live.is_dir() and not gone.exists()
