"""The code that runs outside the grading process: the fork server and the worker.

This file is self-contained (standard library, plus numpy once running) because
the fork server loads it from its file alone (``python -I -S -B``), with no
site-packages and no access to the grader's package. The grading process imports this module only for
the framing helpers (`send_frame`, `recv_frame`), which use nothing but the
standard library.

Fork server ("zygote"): imports numpy once, then for every spawn request forks a
worker: a new session (its own process group), resource limits, stdout/stderr on
the capture pipe the grader handed over, cwd in a scratch directory, and the
submission's private copy as the first import root.

Worker: reads requests of cases, each a list of operations on student objects,
runs them, and streams back one reply per case. Values go back as .npy bytes
(never pickles). Everything a worker says is a claim, not a fact: the grading
process validates all of it.

Wire format: frames of a 4-byte big-endian length and a payload. A message is
one JSON frame with an "nblobs" count, followed by that many raw frames.
"""
import importlib
import importlib.util
import io
import itertools
import json
import operator
import os
import re
import struct
import sys
import time
import types

MAX_FRAME = 64 * 1024 * 1024  # more than any honest reply; a larger frame is an attack


class ChannelClosed(Exception):
    """The other end went away, or broke the framing."""


def _recv_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise ChannelClosed("end of stream")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def send_frame(sock, payload):
    sock.sendall(_framed(payload))


def _framed(payload):
    return struct.pack(">I", len(payload)) + payload


def recv_frame(sock, limit=MAX_FRAME):
    return _frame_body(sock, _recv_exact(sock, 4), limit)


def _frame_body(sock, head, limit):
    """The payload of the frame whose 4-byte length `head` was read."""
    (size,) = struct.unpack(">I", head)
    if size > limit:
        raise ChannelClosed(f"frame of {size} bytes is over the {limit}-byte limit")
    return _recv_exact(sock, size)


def send_request(sock, request, fds=()):
    """A control request (a JSON object) as one frame, with the file descriptors it hands over, in one write.
    Framed, so that two requests waiting unread (one whose sender died before the reply, then the next) are
    read as two, never as one run of bytes that is neither (it ended the fork server: helper-found, under load)."""
    import socket

    socket.send_fds(sock, [_framed(json.dumps(request).encode())], list(fds))


def recv_request(sock, most_fds, limit=1 << 16):
    """(request, fds) of `send_request`. The descriptors come with the first bytes of their own frame (the kernel
    never reads past a write that carries descriptors into one that came before). Raises ChannelClosed at the end
    of the channel or on a frame that is not one; descriptors read with a bad frame are closed."""
    import socket

    head, fds = b"", []
    try:
        while len(head) < 4:
            data, more, _, _ = socket.recv_fds(sock, 4 - len(head), most_fds)
            if not data:
                raise ChannelClosed("end of stream")
            head += data
            fds += more
        request = json.loads(_frame_body(sock, head, limit))
        if not isinstance(request, dict):
            raise ChannelClosed("a request that is not an object")
        return request, fds
    except (ChannelClosed, ValueError) as exc:
        for fd in fds:
            os.close(fd)
        raise ChannelClosed(str(exc)) from None


def send_message(sock, header, blobs=()):
    """A JSON header frame and its blob frames, in one write."""
    _send_frames(sock, json.dumps(dict(header, nblobs=len(blobs))).encode(), blobs)


def _send_frames(sock, header, blobs):
    """The header's bytes and each blob, each after its length, in one write."""
    sock.sendall(b"".join(part for frame in (header, *blobs) for part in (struct.pack(">I", len(frame)), frame)))


def _send_reply(sock, reply, blobs):
    """send_message of a case's reply: the usual one (every value an array, no error, nothing printed) written
    without json.dumps, byte for byte as it would write it (a fifth of the time)."""
    if reply["err"] is not None or reply["soft"] or reply["printed"]:
        return send_message(sock, reply, blobs)
    parts = []
    for label, item in reply["out"].items():
        if "b" not in item:  # (a value that is not an array: json.dumps says why)
            return send_message(sock, reply, blobs)
        text = _LABELS.get(label)
        if text is None:
            text = json.dumps(label)
            if len(_LABELS) < 4096:  # (labels come from the grader: a run sends a few hundred, many times)
                _LABELS[label] = text
        parts.append(f'{text}: {{"b": {item["b"]}}}')
    _send_frames(sock, (f'{{"case": {reply["case"]}, "out": {{{", ".join(parts)}}}, "err": null, "soft": [], '
                        f'"printed": [], "nblobs": {len(blobs)}}}').encode(), blobs)


_LABELS = {}  # label -> its JSON text


def recv_message(sock, limit=MAX_FRAME):
    """A header and its blobs (a `Blobs`). The blob frames are read as one run of bytes and cut up only as
    they are used (a request holds thousands of small arrays: two system calls, or a copy, for each would
    cost more than running them)."""
    header = json.loads(recv_frame(sock, limit))
    count = int(header.get("nblobs", 0))
    if not count:
        return header, Blobs(b"", [])
    return header, _blobs(recv_frame(sock, limit), count)  # one frame holding every blob frame (see script.pack)


def _blobs(data, count):
    """The `Blobs` of one frame holding `count` blob frames, each after its length."""
    total, spans, at = len(data), [], 0
    for _ in range(count):
        if at + 4 > total:
            raise ChannelClosed("blob frames shorter than announced")
        (size,) = struct.unpack_from(">I", data, at)
        if at + 4 + size > total:
            raise ChannelClosed("blob frames shorter than announced")
        spans.append((at + 4, at + 4 + size))
        at += 4 + size
    return Blobs(data, spans)


class Blobs:
    """The blobs of a request: blobs[i] is the i-th one's bytes; `array(np, i)` the array it holds (read-only, made
    once however often a case uses it), or None for one that is not a plain .npy payload."""

    def __init__(self, data, spans):
        self.data, self.spans, self.arrays = data, spans, {}

    def __len__(self):
        return len(self.spans)

    def __getitem__(self, i):
        start, end = self.spans[i]
        return self.data[start:end]

    def array(self, np, i):
        arr = self.arrays.get(i)
        if arr is None:
            start, end = self.spans[i]
            arr = self.arrays[i] = npy_loads(np, self.data, start, end)
        return arr


# ------------------------------------------------------------------ .npy bytes

NPY_MAGIC = b"\x93NUMPY\x01\x00"
# The header np.save writes for a plain C-ordered numeric array; anything else goes through np.load.
NPY_HEADER = re.compile(rb"\{'descr': '([<|][fiub][1248])', 'fortran_order': False, "
                        rb"'shape': \((\d+(?:, \d+)*,?)?\), \} *\n")


def npy_dumps(np, arr):
    """The .npy (version 1.0) bytes np.save would write for a numeric array, without its per-call cost
    (tobytes is C order whatever the array's layout; the few headers of a run are made once each)."""
    key = (arr.dtype.str, arr.shape)
    start = _STARTS.get(key)
    if start is None:
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % key
        header += " " * (63 - (len(header) + 10) % 64) + "\n"
        start = NPY_MAGIC + len(header).to_bytes(2, "little") + header.encode("latin1")
        if len(_STARTS) < _MAX_HEADERS:
            _STARTS[key] = start
    return start + arr.tobytes()


_STARTS = {}  # (dtype, shape) -> the bytes before the data (bounded like _HEADERS below)


_HEADERS = {}  # .npy bytes up to the data -> (dtype, shape, size in bytes): a run sends the same few shapes many times
_MAX_HEADERS = 4096  # (headers come from the other side: what they may make this hold is bounded)
# ... in bytes too: only a header of a plain length is kept (np.save's and npy_dumps' are 128 bytes for a shape of a
# few dimensions; a worker padding each of 4096 headers to 64 KiB made a grading process hold 512 MiB: helper-83)
CACHED_HEADER_MOST = 256


def npy_loads(np, data, begin=0, stop=None):
    """A read-only array for a payload with the plain header (in data[begin:stop]), else None (the caller uses
    np.load)."""
    stop = len(data) if stop is None else stop
    if stop - begin < 10:
        return None
    end = begin + 10 + (data[begin + 8] | data[begin + 9] << 8)
    start = data[begin:end]  # magic, length and header: the same few for a run's thousands of arrays
    known = _HEADERS.get(start)
    if known is None:
        match = NPY_HEADER.fullmatch(start, 10) if start[:8] == NPY_MAGIC and len(start) == end - begin else None
        if match is None:
            return None
        dtype = np.dtype(match[1].decode())
        shape = tuple(int(d) for d in (match[2] or b"").split(b",") if d.strip())
        count = 1
        for d in shape:
            count *= d
        known = (dtype, shape, dtype.itemsize * count)
        if len(_HEADERS) < _MAX_HEADERS and len(start) <= CACHED_HEADER_MOST:
            _HEADERS[bytes(start)] = known
    dtype, shape, size = known
    if stop - end != size:
        return None
    return np.ndarray(shape, dtype, data, end)  # (a view: read-only, as data is bytes)


# ---------------------------------------------------------------- worker side

# What the worker is doing, for the grader to read if it dies: (case + 1, op, phase, printed offset).
# Phase 0 runs the op; phase k >= 1 imports the first k parts of the op's module path.
PROGRESS = struct.Struct("<qqqq")
# After it on the page: time.monotonic_ns() when the worker had read its latest request (the grader zeroes it before
# sending one). A request is megabytes and the channel holds it whole: the grader's clock for the first case of a
# request starts there, not when its writing returned (a fresh worker may still be starting, then reading).
RECEIVED = struct.Struct("<q")
# After that: time.monotonic_ns() when the worker began its current case. A grader that waited for the reply of an
# earlier case (held with others, `_Outbox`) reads there how long the case it stopped had run (`Sandbox._request`).
STARTED = struct.Struct("<q")
PAGE = PROGRESS.size + RECEIVED.size + STARTED.size
_STATE = {"root": "", "progress": None, "modules": {}}
_IMPORTS = {}  # module -> the module, or why it failed: every case in a worker sees the same outcome


def _mark(case, op, phase):
    """Publish where the worker is; returns the printed-output offset at this point."""
    offset = _printed_end()
    if _STATE["progress"] is not None:
        PROGRESS.pack_into(_STATE["progress"], 0, case + 1, op, phase, offset)
    return offset


_OWN_STREAMS = [None, None]  # the worker's own unbuffered stdout and stderr (a student may replace them)
_WRITTEN = [0]  # the bytes written through them (_Counted)
# Where a case's printing began: [the output file's size, _WRITTEN then, exact]. Exact: every op asks the file.
_BEGAN = [0, 0, False]


class _Counted(io.RawIOBase):
    """The worker's stdout or stderr (fd 1 or 2, one file), counting the bytes written through it: where an op's
    printing ends is then known without asking the file (a system call per op: a tenth of a worker's time).
    What is written around them (os.write(1, ...), C code) is found at the case's end (`_case_printed`)."""

    def __init__(self, fd):
        self.name = fd

    def writable(self):
        return True

    def fileno(self):
        return self.name

    def write(self, data):
        written = os.write(self.name, data)
        _WRITTEN[0] += written
        return written


def _output_size():
    try:
        return os.lseek(1, 0, os.SEEK_END)
    except OSError:
        return 0


def _printed_end():
    """The printed-output offset now: the case's start and what was written since through the worker's streams."""
    if sys.stdout is not _OWN_STREAMS[0] or sys.stderr is not _OWN_STREAMS[1]:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a student may have replaced or closed them
                pass
    began, counted, exact = _BEGAN
    return _output_size() if exact else began + _WRITTEN[0] - counted


def _case_began():
    """The case's printing starts here (the file's size: one system call per case)."""
    _BEGAN[0:2] = _output_size(), _WRITTEN[0]
    return _BEGAN[0]


def _case_printed(printed, op, end):
    """`printed` as the case's (op, start, end) ranges, `end` the last's end by the count. If the file says more
    was printed (written around the worker's streams), the ops' ranges are not known: all the case printed is
    said as the last op's, and from then on every op asks the file."""
    size = _output_size()
    if size != end and not _BEGAN[2]:
        _BEGAN[2] = True
        return [[op, _BEGAN[0], size]] if size > _BEGAN[0] else []
    return printed


def _text(value, limit=500):
    try:
        return str(value)[:limit]
    except BaseException:  # noqa: BLE001 - a hostile __str__ (one raising SystemExit too: it must not end the worker)
        return "(unprintable)"


def _grader_folders():
    """The grader's temporary folders a path may start with, as the student never saw them: the submission's private
    copy and the allowed packages' folder (every run names others)."""
    return [_STATE["root"].rstrip("/") + "/"] + ([_STATE["packages"] + "/"] if _STATE.get("packages") else [])


def _error(exc, op):
    """What the grader is told about an exception raised by student code during op `op`; one whose class answers
    for its name or text by raising again (a metaclass, a property) is told as such, and never ends the worker."""
    try:
        return _error_info(exc, op)
    except BaseException:  # noqa: BLE001 - (KeyboardInterrupt, SystemExit too)
        return {"op": op, "type": "an exception", "where": "",
                "msg": "(whose class raised again as its name or message was read)"}


def _error_info(exc, op):
    root = _STATE["root"].rstrip("/") + "/"
    where, tb = "", exc.__traceback__
    while tb is not None:  # the innermost frame in the submission (traceback.extract_tb would also work out
        filename = tb.tb_frame.f_code.co_filename  # every frame's columns: a tenth of a worker's time, for
        if isinstance(filename, str) and filename.startswith(root):  # the soft calls that raise on purpose)
            where = f"{filename[len(root):]}:{tb.tb_lineno}"
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and isinstance(exc.filename, str) and exc.filename.startswith(root):
        where = f"{exc.filename[len(root):]}:{exc.lineno}"
    msg = _text(exc.msg if isinstance(exc, SyntaxError) and isinstance(exc.msg, str) else exc)
    if type(exc) is SystemExit:  # (its text is its code, often none: "SystemExit:  (at ...)" said nothing, helper-110)
        msg = "sys.exit() was called" if exc.code is None else f"sys.exit({_text(repr(exc.code), 100)}) was called"
    # Paths as the student has them: the submission's private copy and the allowed packages' folder are temporary
    # folders of the grader (every run names others, and the student never saw them).
    for folder in _grader_folders():
        if folder != "/":
            msg = msg.replace(folder, "")
    info = {"op": op, "type": type(exc).__name__[:100], "msg": msg, "where": where}
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        info["missing"] = _text(exc.name, 200)
    return info


class _ImportFailed(Exception):
    def __init__(self, info):
        super().__init__(info["msg"])
        self.info = info


def _package(name, skip):
    """Make package `name` importable: run its __init__.py as Python would, but keep the package when
    that fails (or when `skip` names it: it ended an earlier worker), so its other modules still load."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return  # not a package: the import itself will say so
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    if name not in skip:
        try:
            spec.loader.exec_module(module)
        except BaseException:  # noqa: BLE001 - its failure is reported by an "import" op of the package
            sys.modules[name] = module


def _resolve(name):
    """`name`, or for alternatives ("models.mlp|mytorch.models.mlp") the first whose file the
    submission has (the first when none is there: importing it says what is missing)."""
    choices = name.split("|")
    for choice in choices:
        base = os.path.join(_STATE["root"], *choice.split("."))
        if os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py")):
            return choice
    return choices[0]


def _load(name, skip, mark):
    """Import the submission's module `name` (or the first of its alternatives the submission has),
    its packages first; the outcome is kept for the worker."""
    found = _IMPORTS.get(name)
    if found is None:
        try:
            found = _import(name, skip, mark)
        finally:  # what the import changed in numpy (np.exp = ... at the top of a module) reaches no class:
            if _STATE.get("numpy") is not None:  # a package __init__.py imports every module, in every worker
                np, pristine, errors = _STATE["numpy"]
                # A name it added (a shim: np.float = float) stays, for every class: the reference never reads
                # it, and it was added before any class ran, whichever runs first.
                added = {k: v for k, v in vars(np).items() if k not in pristine and not k.startswith("__")}
                _restore(np, pristine, errors)
                vars(np).update(added)
                pristine.update(added)
        _IMPORTS[name] = found
    if isinstance(found, dict):
        raise _ImportFailed(found)
    return found


def _import(name, skip, mark):
    """The module `name` (or its first alternative the submission has), or what its import raised (a dict)."""
    chosen = _resolve(name)
    parts = chosen.split(".")
    try:
        for depth in range(1, len(parts)):
            mark(depth)
            _package(".".join(parts[:depth]), skip)
        mark(len(parts))
        if name in skip:
            raise ImportError(f"{chosen} ended an earlier worker when imported")
        return importlib.import_module(chosen)
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import too
        # (no alternative there: the message names every place the module may be)
        return dict(_error(exc, -1), module=name if "|" in name and _resolve(name) == chosen and
                    isinstance(exc, ModuleNotFoundError) and exc.name and chosen.startswith(exc.name) else chosen)


def _class(module, path, name):
    """Class `name` of `module`; when it is not there, an AttributeError that names what is (a class
    spelled otherwise, such as GeLU for GELU), so the student knows what to rename."""
    found = getattr(module, name, None)
    if found is not None:
        return found
    where = module.__name__.replace(".", "/") + ".py"
    near = sorted(n for n in vars(module) if n.lower() == name.lower() and isinstance(vars(module)[n], type))
    if near:
        raise AttributeError(f"found {near[0]} in {where}: the class must be named {name}")
    raise AttributeError(f"{where} has no class {name}")


MAX_VALUE_BYTES = 256 << 10  # answers here are tens of kilobytes at most: a larger array is sent as its shape only


def oversized(shape, nbytes) -> str:
    """What an array larger than any answer is said to be (the worker says it instead of sending the array; the
    grader, of one a worker sends anyway)."""
    return f"an array of shape {tuple(shape)} ({nbytes >> 10} KiB), far larger than any answer these tests expect"


def _encode(np, value):
    """(npy bytes, None) for a numpy array or a plain number, else (None, what it was): an array larger than any
    answer is only its shape (the catalogue's huge_replies: 16 MiB replies cost tens of milliseconds a call to copy,
    send and parse)."""
    if value is None:
        return None, "None (did you forget to return?)"
    if type(value) is np.ndarray and value.dtype.kind in "biuf":  # (the usual answer: its bytes are a copy already)
        if value.nbytes > MAX_VALUE_BYTES:
            return None, oversized(value.shape, value.nbytes)
        try:
            return npy_dumps(np, value), None
        except Exception as exc:  # noqa: BLE001 - a view far larger than memory (zero strides)
            return None, f"a ndarray that numpy cannot convert ({type(exc).__name__})"
    if isinstance(value, np.matrix):  # (helper-164: its `*` is a matrix product, and code given it breaks: an MLP's)
        return None, "a numpy.matrix, not a plain array (on a matrix, * is the matrix product): use np.asarray"
    if isinstance(value, np.ndarray):
        try:
            nbytes = np.ndarray.nbytes.__get__(value)  # (numpy's own size, not a subclass property's: not copied first)
            if nbytes > MAX_VALUE_BYTES:
                return None, oversized(np.ndarray.shape.__get__(value), nbytes)
            arr = np.array(value, subok=False, copy=True)
        except Exception as exc:  # noqa: BLE001 - anything the student's object raises
            return None, f"a {type(value).__name__} that numpy cannot convert ({type(exc).__name__})"
    elif isinstance(value, (int, float, np.generic)):
        arr = np.array(value)
    else:
        return None, f"a {type(value).__name__[:60]}, not a numpy array"
    if arr.dtype.kind not in "biuf":
        return None, f"a {type(value).__name__[:60]} of dtype {arr.dtype}, not numbers"
    if arr.nbytes > MAX_VALUE_BYTES:
        return None, oversized(arr.shape, arr.nbytes)
    return npy_dumps(np, arr), None


MAX_ITEMS = 4  # items of a returned tuple or list sent one by one (a pair such as (loss, cache), a triple)


def _numbers(np, value):
    """The .npy bytes of a plain list or tuple of numbers (nested: rows) as an array, or None for anything else."""
    try:
        arr = np.array(value, dtype=None)
        if arr.dtype.kind not in "biuf" or arr.size > 4096:
            return None
        return npy_dumps(np, arr)
    except BaseException:  # noqa: BLE001 - whatever its elements raise: no numbers
        return None


def _probe_layers(np, model, maps, scalars, activation=None):
    """Put the grader's stand-ins into `model`'s layers: its Linear layers (what has a W) in `layers`, in
    order, get forward A @ P_i and backward G @ Q_i (`maps`: [(P_i, Q_i)]), and keep what they were given
    (probe_A, probe_dLdZ); its activations (the rest of `layers`, then `f`) get forward Z * s_j and backward
    G * t_j (`scalars`: [(s_j, t_j)]). Each checks shapes as a layer keeping its input would; a backward whose
    forward never ran (a model's forward that skipped that layer: its forward's mistake, judged there) works all
    the same, so a right backward is not charged for it (helper-77). No layer
    math: fixed maps, so only the model's own wiring decides what comes out. One object at several places
    (a single ReLU() appended after every Linear) gets the stand-ins of its places in call order (forward
    in order, backward in reverse), so its model is judged as with one object per place; that it is shared
    is counted apart (the constructor's mistake). `activation`: "module.Class", the class every activation
    should be (the student's own, as imported: a class of the model's module, even one of that name, is not
    it). Returns the counts found: [Linear layers, activations, places that repeat an earlier object, the
    number (from 1) of the first activation not of that class, or 0, and of the first that is a class itself
    (`ReLU` appended without its parentheses), or 0, and the places holding an object that got stand-ins in a model
    built before (layers shared between models: a list made once, in the class body or the module), and the place
    (from 1) of the first item of `layers` out of the order Linear, activation, Linear, ... (an activation put before
    its Linear), or 0, and how many of the activations are in `layers` (not in `f`)]."""
    f = getattr(model, "f", None)
    if not isinstance(f, (list, tuple)):  # (one activation object as self.f, not a list of them: helper-94)
        try:
            f = [f] if f is not None and not isinstance(f, type) and hasattr(f, "forward") else []
        except Exception:  # noqa: BLE001 - a hostile __getattr__: no activation there
            f = []
    layers = list(model.layers)
    items = layers + list(f)
    linears = activations = foreign = classes = in_layers = 0
    order = 0  # the place (from 1) of the first item of `layers` out of the contract's order, Linear then activation
    if not all(hasattr(item, "W") for item in layers):  # (activations in `layers`, not in `f`)
        order = next((p for p, item in enumerate(layers, 1) if hasattr(item, "W") != (p % 2 == 1)), 0)
    module, _, name = (activation or "").rpartition(".")
    try:
        expected = vars(sys.modules[module]).get(name) if module in sys.modules else None
    except TypeError:  # (not a module: what the student's code put there)
        expected = None
    places = {}  # id(item) -> (item, [(position, forward, backward) of each place it has])
    shared = 0  # places holding an object that got stand-ins in a model built before (layers shared between models)
    for position, item in enumerate(items):
        try:
            before = bool(type(item).__dict__.get("_grader_stand_ins")) and id(item) not in places
        except Exception:  # noqa: BLE001 - (a hostile metaclass: not one of ours)
            before = False
        shared += before
        if hasattr(item, "W"):
            linears += 1
            if linears > len(maps):
                continue
            forward, backward = _linear_stand_in(np, item, linears, *maps[linears - 1])
        else:
            activations += 1
            in_layers += position < len(layers)
            if not foreign and not before and isinstance(expected, type) and type(item) is not expected:
                foreign = activations
            if not classes and isinstance(item, type):
                classes = activations
            width = maps[activations - 1][0].shape[1] if activations <= len(maps) and not order else None  # (Linear
            # j's C_out; where the layers are out of order, __init__'s mistake, what the activation's forward was given)
            forward, backward = _activation_stand_in(np, activations, *scalars[min(activations, len(scalars)) - 1],
                                                     width)
        places.setdefault(id(item), (item, []))[1].append((position, forward, backward))
    for item, found in places.values():
        position = found[0][0]
        if len(found) == 1:
            forward, backward = found[0][1:]
        else:
            forward, backward = _in_call_order([f for _, f, _ in found]), _in_call_order([b for _, _, b in found][::-1])
        if not _give(item, forward, backward):
            raise TypeError(f"item {position} of the model's layers keeps its own .forward or .backward: the grader "
                            "cannot give it a stand-in")
    return [linears, activations, len(items) - len(places), foreign, classes, shared, order, in_layers]


def _give(item, forward, backward):
    """Make `item`'s forward and backward the stand-ins, as methods bound to it: its class is swapped for a
    subclass of its own (same name, no slots of its own) holding them, so a class with __slots__, whose objects
    take no new attribute, gets them too; an attribute of the object's own by that name is replaced as well.
    True when `item.forward(x)` and `item.backward(g)` now call the stand-ins."""
    stand_ins = {"forward": forward, "backward": backward}
    methods = {"forward": lambda self, value: forward(value), "backward": lambda self, value: backward(value)}
    kept = {}  # what a Linear stand-in keeps on its layer (probe_A, probe_dLdZ), where slots leave no room for it

    def keeper(name):
        def read(self):
            if name not in kept:
                raise AttributeError(name)
            return kept[name]
        return property(read, lambda self, value: kept.__setitem__(name, value))

    try:
        slots = not hasattr(item, "__dict__")
    except Exception:  # noqa: BLE001 - (a hostile __dict__: the object itself, as where its class refuses)
        slots = None
    if slots is not None:
        _subclassed(item, {**methods, "_grader_stand_ins": True,
                           **({name: keeper(name) for name in ("probe_A", "probe_dLdZ")} if slots else {})})
    for name, method in methods.items():
        if not _routed(item, name, method, stand_ins[name]):
            try:
                setattr(item, name, stand_ins[name])
            except Exception:  # noqa: BLE001
                return False
            if not _routed(item, name, method, stand_ins[name]):
                return False
    return True


def _settable(item, name, value):
    """Give `item` the attribute `name` = `value` where setting it raised (a read-only property that computes it, a
    __setattr__ or __slots__ that refuse it): its class is swapped for a subclass of its own (same name, no slots of
    its own) whose `name` is a plain stored value, as `_give` does for the MLP stand-ins. Where even that fails (a
    metaclass, __init_subclass__ refusing), the object keeps what it has: what it computes with it is judged as any
    other value. (helper-94: a wrong property N, refused, had the right backward charged for forward's mistake.)"""
    box = {}
    stored = property(lambda self: box["value"], lambda self, given: box.__setitem__("value", given))
    try:
        if _subclassed(item, {name: stored}):
            object.__setattr__(item, name, value)
    except BaseException:  # noqa: BLE001, S110 - (a class that refuses)
        pass


def _subclassed(item, members: dict) -> bool:
    """Swap `item`'s class for a subclass of its own (same name, module and qualified name, no slots of its own)
    holding `members`; False where the class refuses (a metaclass, __init_subclass__), the object then as it was."""
    klass = type(item)
    try:
        item.__class__ = type(klass.__name__, (klass,), {
            "__slots__": (), "__module__": klass.__module__, "__qualname__": klass.__qualname__, **members})
    except Exception:  # noqa: BLE001
        return False
    return True


def _routed(item, name, method, stand_in):
    try:
        found = getattr(item, name)
    except Exception:  # noqa: BLE001 - a hostile __getattr__
        return False
    return found is stand_in or getattr(found, "__func__", None) is method


def _in_call_order(stand_ins):
    """One callable for an object at several places: the k-th call goes to the stand-in of place k (cyclically)."""
    calls = [0]

    def call(value):
        calls[0] += 1
        return stand_ins[(calls[0] - 1) % len(stand_ins)](value)

    return call


def _floats(np, given, what):
    try:
        return np.array(given, dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - whatever the model passed
        raise TypeError(f"{what} was given a {type(given).__name__[:60]}, not an array of numbers") from exc


def _linear_stand_in(np, layer, i, P, Q):
    c_in, c_out = P.shape
    name, seen = f"the grader's stand-in for Linear layer {i} ({c_in} -> {c_out})", {}

    def forward(A):
        A = _floats(np, A, f"{name}'s forward")
        if A.ndim != 2 or A.shape[1] != c_in:
            raise ValueError(f"{name}'s forward was given shape {A.shape}: it takes (N, {c_in}), "
                             f"{'A0' if i == 1 else f'the output of layer {i - 1} (after its activation)'}")
        seen["N"], layer.probe_A = A.shape[0], A
        return A @ P

    def backward(G):
        G = _floats(np, G, f"{name}'s backward")
        if G.ndim != 2 or G.shape[1] != c_out or G.shape[0] != seen.get("N", G.shape[0]):
            raise ValueError(f"{name}'s backward was given shape {G.shape}: it takes ({seen.get('N', 'N')}, {c_out}), "
                             f"the gradient with respect to its output ({REVERSE})")
        layer.probe_dLdZ = G
        return G @ Q

    return forward, backward


REVERSE = "backward runs the layers in reverse order, each on the gradient the layer after it returned"


def _activation_stand_in(np, j, s, t, width=None):
    """Activation j's stand-in. Its backward takes the shape its forward was given, or, where forward was given
    another width than `width` (Linear j's C_out: the model's forward wired it wrong, that test's mistake), the shape
    the contract's forward gives it: a right backward is not charged for forward's wiring, and a backward that runs
    the layers out of order is still told apart (the stand-ins' maps commute: shapes alone show the order)."""
    name, seen = f"the grader's stand-in for activation {j}", {}

    def forward(Z):
        Z = _floats(np, Z, f"{name}'s forward")
        seen["shape"] = Z.shape
        return Z * s

    def backward(G):
        G = _floats(np, G, f"{name}'s backward")
        ran = "shape" in seen
        takes = seen["shape"] if ran else G.shape  # (a forward that never ran, helper-77: the width alone, below)
        if width is not None and G.ndim == 2 and (len(takes) != 2 or takes[1] != width):
            takes = (takes[0] if ran and len(takes) == 2 else G.shape[0], width)
        if G.shape != takes:  # (helper-169: where its forward never ran, a backward out of order went unseen)
            given = "was given" if ran and takes == seen["shape"] else "is given"
            raise ValueError(f"{name}'s backward was given shape {G.shape}; it takes {takes}, the shape of what its "
                             f"forward {given} ({REVERSE})")
        return G * t

    return forward, backward


def _run_case(np, io, index, case, blobs, out_blobs, skip):
    """Run one case's ops; returns its reply header. Ops:
    ["import", module] | ["new", obj, module, class, args(, soft)] | ["set", obj, attr, value(, state)] (state 1: set
      even where the object refuses it, `_settable`; 2: the same, the attribute read first; value {"c": [obj, attr]}:
      a copy of what that object holds there, nothing set where it holds nothing)
    | ["call", obj, method, args, keep_args, label, soft(, keep)] (keep: an object id the returned value is
      kept under; label None: the value does not come back) | ["get", obj, attr, label]
    | ["item", obj, key, label, keep] (obj[key], kept; label None: it does not come back) | ["dict", obj]
    | ["plain", obj] (an empty object the grader fills: a model, a layer)
    | ["members", obj, attr, having, [new objs], label] (the items of obj.attr that have attribute
      `having`, bound in order; their count comes back under label)
    | ["probe", obj, [[P, Q] per Linear], [[s, t] per activation], label(, activation class)] (stand-ins for
      obj's layers, see `_probe_layers`; the counts of Linear layers, activations, repeated objects and the
      first activation not of that class come back under label)
    | ["skip"] (an op the grader left out) | ["wait"] (in place of an op that ran out of time in an earlier run: the
      grader ends the worker once it gets there, `Sandbox.stream`). A module may name alternatives:
      "models.mlp|mytorch.models.mlp".
    An argument is an array {"a": i}, an object {"o": id}, a list of arguments, or a plain JSON value."""
    base, ops = case
    objects, out, soft, printed = {}, {}, [], []

    def value(v):
        """An argument: a fresh writable array for every use, an object, a list, or a plain JSON value."""
        if type(v) is dict:
            at = v.get("a")
            if at is None or "o" in v:
                return objects[v["o"]]
            arr = array(np, base + at)
            return np.load(io.BytesIO(blobs[base + at]), allow_pickle=False) if arr is None else arr.copy()
        if type(v) is list:
            return [value(x) for x in v]
        return v

    def emit(label, v):
        data, bad = _encode(np, v)
        if data is None:
            out[label] = {"bad": bad}
            numbers = _numbers(np, v) if type(v) in (list, tuple) else None
            if numbers is not None:  # (its numbers too: a list holding the right ones is one slip, not every value wrong)
                out[label]["v"] = len(out_blobs)
                out_blobs.append(numbers)
            elif type(v) in (list, tuple) and 2 <= len(v) <= MAX_ITEMS:  # (and each item of a pair such as (L, cache):
                items = []  # the right value beside something else is one slip too)
                for x in v:
                    data = _encode(np, x)[0] if isinstance(x, (np.ndarray, int, float, np.generic)) else None
                    items.append(None if data is None else len(out_blobs))
                    if data is not None:
                        out_blobs.append(data)
                out[label]["i"] = items
        else:
            out[label] = {"b": len(out_blobs)}
            out_blobs.append(data)

    array, progress, publish = blobs.array, _STATE["progress"], PROGRESS.pack_into
    err = None
    end = _case_began()
    j = 0
    for j, op in enumerate(ops):
        kind = op[0]
        start = end  # (nothing runs between one op's end and the next's start)
        if progress is not None:
            publish(progress, 0, index + 1, j, 0, end)  # (as _mark)
        try:  # (the usual kinds first)
            if kind == "call":
                args = [value(a) for a in op[3]]
                returned, raised = None, None
                try:
                    returned = getattr(objects[op[1]], op[2])(*args)
                except BaseException as exc:  # noqa: BLE001 - (SystemExit, KeyboardInterrupt: raised like any other)
                    if not op[6]:
                        raise
                    raised = exc
                if op[4]:  # the arguments first: converting the returned object runs its code, which must
                    for i, a in enumerate(args):  # not get the chance to undo a change to them
                        emit(f"{op[5]}#arg{i}", a)
                if raised is not None:
                    soft.append(_error(raised, j))
                elif len(op) > 7:
                    objects[op[7]] = returned
                else:
                    emit(op[5], returned)
            elif kind == "get":  # a failed read is that value's verdict, not the case's
                try:
                    got = getattr(objects[op[1]], op[2])
                except Exception as exc:  # noqa: BLE001
                    out[op[3]] = {"bad": f"nothing: reading .{op[2]} raised {type(exc).__name__}: {_text(exc, 200)}"
                                         f"{_held(np, objects[op[1]]) if isinstance(exc, AttributeError) else ''}"}
                    continue
                if got is None:  # (a stored attribute: "did you forget to return?" would point the wrong way)
                    out[op[3]] = {"bad": f"None (its .{op[2]} is None: store the array there)"}
                else:
                    emit(op[3], got)
            elif kind == "set":
                given = op[3]
                if type(given) is dict and "c" in given:  # (a copy of what an object holds there: `Script.restore`)
                    try:
                        held = getattr(objects[given["c"][0]], given["c"][1])
                    except Exception:  # noqa: BLE001 - (it holds nothing there: nothing is set)
                        continue
                    given = np.array(held, copy=True) if isinstance(held, np.ndarray) else held
                else:
                    given = value(given)
                    if len(op) > 4 and op[4] == 2:  # (read first, as a copy's set reads it: `Script.set`'s `read`)
                        try:
                            getattr(objects[op[1]], op[2])
                        except Exception:  # noqa: BLE001, S110 - (nothing there yet)
                            pass
                try:
                    setattr(objects[op[1]], op[2], given)
                except BaseException:  # noqa: BLE001
                    if len(op) <= 4:
                        raise
                    # state the grader fills in for the next method (Linear.A, .N): set even where the object
                    _settable(objects[op[1]], op[2], given)  # refuses it (N a read-only property reading A)
            elif kind == "item":
                if op[3] is None:
                    objects[op[4]] = objects[op[1]][op[2]]
                    continue
                try:  # a failed read is that value's verdict, not the case's
                    objects[op[4]] = got = objects[op[1]][op[2]]
                except Exception as exc:  # noqa: BLE001
                    out[op[3]] = {"bad": f"nothing: reading [{_text(repr(op[2]), 100)}] raised {type(exc).__name__}: "
                                         f"{_text(exc, 200)}"}
                    continue
                emit(op[3], got)
            elif kind == "new":
                cls = _class(_load(op[2], skip, lambda phase: _mark(index, j, phase)), op[2], op[3])
                _mark(index, j, 0)
                args = [value(a) for a in op[4]]
                try:
                    objects[op[1]] = cls(*args)
                except BaseException as exc:  # noqa: BLE001 - (SystemExit too: as a soft call's)
                    if len(op) <= 5 or not op[5]:
                        raise
                    soft.append(_error(exc, j))  # soft: a constructor that raises leaves no object; the case goes on
            elif kind == "dict":
                objects[op[1]] = {}
            elif kind == "plain":
                objects[op[1]] = types.SimpleNamespace()
            elif kind == "import":
                _load(op[1], skip, lambda phase: _mark(index, j, phase))
            elif kind == "wait":  # (in place of an op that ran out of time before: the grader ends the worker here)
                while True:
                    time.sleep(60)
            elif kind == "members":
                found = [m for m in getattr(objects[op[1]], op[2]) if hasattr(m, op[3])]
                objects.update(zip(op[4], found))
                emit(op[5], len(found))
                if len(found) < len(op[4]):
                    raise LookupError(f"{op[2]} holds {len(found)} objects with .{op[3]}, not {len(op[4])}")
            elif kind == "probe":
                maps = [(value(p), value(q)) for p, q in op[2]]
                emit(op[4], np.array(_probe_layers(np, objects[op[1]], maps, [tuple(x) for x in op[3]], *op[5:6])))
            # (else "skip": an op the grader left out)
        except _ImportFailed as failed:
            err = dict(failed.info, op=j, phase="import")
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: a method may not end the worker
            err = _error(exc, j)
        end = _printed_end()
        if end > start:
            printed.append([j, start, end])
        if err is not None:
            break
    printed = _case_printed(printed, j, end)
    return {"case": index, "out": out, "err": err, "soft": soft, "printed": printed}


def _held(np, obj) -> str:
    """Where an object that has no attribute the grader reads keeps its arrays (helper-123's Softmax stored its output
    as self.out: "no attribute 'A'" alone left the student to find which name the contract wanted)."""
    try:
        names = [name for name, value in vars(obj).items() if type(name) is str and type(value) is np.ndarray]
    except Exception:  # noqa: BLE001 - no __dict__, or one that raises: nothing to say
        return ""
    return f" (it holds arrays in {', '.join('.' + _text(name, 40) for name in names[:6])})" if names else ""


def _compile_once():
    """Keep the code of each module the worker compiles: one that forgets the submission's modules (below) imports
    them again from the same files, and compiles each once."""
    from importlib.machinery import SourceFileLoader

    compile_source, compiled = SourceFileLoader.source_to_code, {}

    def source_to_code(self, data, path, *, _optimize=-1):
        key = (path, bytes(data), _optimize)
        code = compiled.get(key)
        if code is None:
            code = compiled[key] = compile_source(self, data, path, _optimize=_optimize)
        return code

    SourceFileLoader.source_to_code = source_to_code


def _forget_submission(mine):
    """The submission's modules as a fresh worker has them: none imported (the worker goes on with another class,
    which imports them again: what one class's calls left in a module's globals or on its classes never reaches
    the next). A module is the submission's when its file, or a folder of its package, is in the submission. And
    the worker's own names as they were when it started (`mine`): a class's module that replaced the worker's
    encoder must not answer for the next class (which, run again in a fresh worker, would have answered otherwise
    and been charged for it: runner._answered_again)."""
    found = globals()
    for name, value in mine.items():
        if found.get(name, _ABSENT) is not value:
            found[name] = value
    root, before = os.path.join(_STATE["root"], ""), _STATE["modules"]
    for name, module in list(sys.modules.items()):
        if before.get(name) is module:  # loaded before any student code ran (numpy, ...): not the submission's
            continue
        try:
            places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or ())]
            if any(isinstance(place, str) and place.startswith(root) for place in places):
                del sys.modules[name]
        except BaseException:  # noqa: BLE001 - an object whose attributes raise: not a module of a file (it stays)
            pass
    _IMPORTS.clear()


UNWRITTEN = 0x7FFCDEADBEEFCAFE  # the bits of the NaN an array from np.empty holds in the grader (compare.UNWRITTEN)


def _unwritten_marked(np) -> None:
    """np.empty and np.empty_like as student code finds them: their float arrays filled with one NaN, UNWRITTEN (in
    float32 and float16, what it casts to), where numpy leaves whatever the memory held. An entry a method reads
    without ever writing it (a ReLU.backward from np.empty_like, filled only where Z > 0) is then wrong the same way
    on every run, and named (compare: the payload survives arithmetic); what the memory held differed with what ran
    before, and so did the verdicts of the tests that read it (helper-178: 82, then 81, for the same submission).
    (np.ndarray(shape), numpy's type itself, still hands out memory as it was: SECURITY.md, "Known limits".)"""
    mark = np.array([UNWRITTEN], dtype=np.uint64).view(np.float64)[0]
    empty, empty_like = np.empty, np.empty_like

    def marked(made):
        if isinstance(made, np.ndarray) and made.dtype.kind in "fc" and made.size:
            made[...] = mark
        return made

    def empty_marked(*args, **kwargs):
        return marked(empty(*args, **kwargs))

    def empty_like_marked(*args, **kwargs):
        return marked(empty_like(*args, **kwargs))

    marks = {empty: empty_marked, empty_like: empty_like_marked}
    for function, marking in marks.items():
        marking.__name__, marking.__qualname__, marking.__doc__ = function.__name__, function.__qualname__, None
    # Under every name numpy has them by (numpy._core.multiarray.empty_like, numpy._core.numeric's: helper-183 read
    # what the memory held through those, and its score changed from run to run); numpy's own functions that build
    # on them (np.zeros_like fills what empty_like gives) then fill twice, and give what they gave.
    for module in [module for name, module in sys.modules.items() if name == "numpy" or name.startswith("numpy.")]:
        found = getattr(module, "__dict__", None)
        if isinstance(found, dict):
            for name in ("empty", "empty_like"):
                if found.get(name) is empty or found.get(name) is empty_like:
                    found[name] = marks[found[name]]


def _restore(np, pristine, errors):
    """numpy as the worker found it: a worker may grade several classes, and a setting or a function one
    class's code changed in numpy (np.seterr(all="raise"), a replaced np.exp) must not reach the next."""
    found = vars(np)
    if len(found) != len(pristine) or not all(map(operator.is_, map(found.get, pristine, _ABSENT), pristine.values())):
        for name in [name for name in found if name not in pristine]:
            if sys.modules.get(f"numpy.{name}") is not found[name]:  # (a submodule numpy loads on first use stays)
                del found[name]
        found.update(pristine)
    np.seterr(**errors)


_ABSENT = itertools.repeat(object())  # (found.get's default for a name numpy no longer has: never numpy's value)


def serve(sock):
    """The worker loop: one request at a time until the grader closes the channel (a request is one
    class's inputs, or one replayed input)."""
    import io

    import numpy as np

    real = dict(vars(np))
    _unwritten_marked(np)
    pristine, errors = dict(vars(np)), np.geterr()  # (numpy as student code finds it: `_unwritten_marked`)
    mine = dict(globals())  # (the worker's own functions, put back before another class: `_forget_submission`)
    _STATE["modules"] = dict(sys.modules)  # (what student code imports from here on may be the submission's)
    _STATE["numpy"] = (np, pristine, errors)
    # What the worker itself calls of numpy (to load arguments, to convert what comes back, the MLP stand-ins), as
    # it was before any student code ran: a method that replaces numpy.array while it runs must not decide what
    # the grader is told of the arguments it was given (numpy itself is put back only between requests).
    own = types.SimpleNamespace(**real)
    me = os.getpid()
    # (when each case began, on the progress page: bound here, before student code can replace the module's names)
    stamp, stamp_at = STARTED.pack_into, PROGRESS.size + RECEIVED.size
    os.register_at_fork(after_in_child=_cut_off)  # (registered here: only student code forks from now on)
    _compile_once()
    _warnings_named_as_handed_in()
    while True:
        try:
            header, blobs = recv_message(sock)
        except ChannelClosed:
            return
        if _STATE["progress"] is not None:
            RECEIVED.pack_into(_STATE["progress"], PROGRESS.size, time.monotonic_ns())
        _restore(np, pristine, errors)
        if header.get("forget"):
            _forget_submission(mine)
        skip = set(header.get("skip_init", ()))
        cases = header["cases"]
        outbox = _Outbox(sock)
        kept_cases, kept_blobs = _KEPT
        for i, case in enumerate(cases):
            out_blobs = []
            began = time.monotonic()
            if _STATE["progress"] is not None:
                stamp(_STATE["progress"], stamp_at, time.monotonic_ns())
            kept = type(case) is int  # (a case the fork server decoded once for every worker: `_keep`)
            reply = _run_case(own, io, i, kept_cases[case] if kept else case, kept_blobs if kept else blobs,
                              out_blobs, skip)
            if os.getpid() != me:  # a child student code forked without Python's fork hooks (libc's fork):
                os._exit(0)  # it goes on as if it were the worker, but only the worker answers
            _send_reply(outbox, reply, out_blobs)
            outbox.due(i == len(cases) - 1, time.monotonic() - began >= FLUSH_SLOW)


class _Outbox:
    """Replies on their way to the grader, written to the channel a few at a time: one write per case cost the
    worker a sixth of its time (a system call, and a wake-up of the grading process, for each of some 900 small
    replies). A reply is written with the next FLUSH_CASES - 1 at most (fewer if they are large, or one of them
    is slow); one that the worker's death leaves unsent is not lost: its case ran before the case the progress page
    names, and the grader runs it again in a fresh worker. Which cases those are depends on the cases, never on how
    long a quick one took (a method that counts its calls gets the same values every run)."""

    def __init__(self, sock):
        self.sock, self.parts, self.size = sock, [], 0

    def sendall(self, data):
        self.parts.append(data)
        self.size += len(data)

    def due(self, last, slow):
        """Write what waits after the request's last case, a slow case (the grader waits for each reply for the case
        time limit), FLUSH_CASES replies or FLUSH_SIZE bytes."""
        if self.parts and (last or slow or len(self.parts) >= FLUSH_CASES or self.size >= FLUSH_SIZE):
            self.sock.sendall(b"".join(self.parts))
            self.parts, self.size = [], 0


FLUSH_CASES = 8
FLUSH_SIZE = 1 << 16  # bytes
FLUSH_SLOW = 0.25  # seconds: a case this long is written at once (the grader's case time limit is seconds)


def _warnings_named_as_handed_in():
    """A warning a student's code triggers ("overflow encountered in exp") names its file as the student has it,
    mytorch/nn/loss.py:50, not under the private copy's folder, which the student never saw; one raised in numpy
    (np.var with ddof=1 on one row) names numpy/_core/_methods.py, not the grader's temporary folder of allowed
    packages (a name that changed every run)."""
    import warnings

    shown = warnings.formatwarning
    folders = _grader_folders()

    def formatwarning(message, category, filename, lineno, line=None):
        for folder in folders:
            if isinstance(filename, str) and filename.startswith(folder):
                filename = filename[len(folder):]
        return shown(message, category, filename, lineno, line)

    warnings.formatwarning = formatwarning


def _cut_off():
    """In a child that student code forked (os.fork, multiprocessing): it may go on running student code, but
    it no longer publishes progress, and when it returns into this loop it ends before it answers a case. Else
    the worker and its copy would both answer, each case's reply read as the next's, and the grading process
    would charge wrong values to whatever method came next, or blame the protocol on an innocent op."""
    _STATE["progress"] = None


# ----------------------------------------------------------- confinement

_BUILT = {}  # what the fork server prepares once for every worker (ctypes types, the filter's program)
_READ = 1 | 4 | 8  # LANDLOCK_ACCESS_FS_EXECUTE | READ_FILE | READ_DIR


def landlock_abi():
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return max(0, libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)))
    except (OSError, AttributeError):
        return 0


def _landlock():
    """(ABI, ruleset type, rule type, libc), made once (in the fork server) and kept."""
    import ctypes

    if "landlock" not in _BUILT:
        class Ruleset(ctypes.Structure):
            _fields_ = [("handled_access_fs", ctypes.c_uint64)]

        class PathBeneath(ctypes.Structure):
            _pack_ = 1
            _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

        _BUILT["landlock"] = (landlock_abi(), Ruleset, PathBeneath, ctypes.CDLL(None, use_errno=True))
    return _BUILT["landlock"]


def confine(readable, writable):
    """Landlock this process: read (and execute) only under `readable`, write only under
    `writable`. Irreversible, inherited by every child. Returns the ABI used, 0 if none."""
    import ctypes

    abi, Ruleset, PathBeneath, libc = _landlock()
    if abi < 1:
        return 0
    handled = (1 << 13) - 1  # ABI 1: the 13 filesystem rights
    handled |= (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) | (1 << 15 if abi >= 5 else 0)
    ruleset = Ruleset(handled)
    fd = libc.syscall(444, ctypes.byref(ruleset), ctypes.c_size_t(ctypes.sizeof(ruleset)), ctypes.c_uint32(0))
    if fd < 0:
        return 0
    for paths, access in ((readable, _READ), (writable, handled)):
        for path in paths:
            try:
                parent = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            rule = PathBeneath(access & handled if os.path.isdir(path) else access & handled & 0b111, parent)
            libc.syscall(445, fd, ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0))
            os.close(parent)
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.syscall(446, fd, ctypes.c_uint32(0)) != 0:  # NO_NEW_PRIVS
        os.close(fd)
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    os.close(fd)
    return abi


# ----------------------------------------------------------- fork server side


CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWIPC = 0x40000000, 0x20000000, 0x10000000, 0x08000000
CLONE_NEWNS = 0x00020000
# SysV IPC dies with the worker's IPC namespace; its mounts (a private root, its scratch) with its mount namespace.
NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS


def _unshare(flags):
    import ctypes

    return ctypes.CDLL(None, use_errno=True).unshare(ctypes.c_int(flags)) == 0


def _namespaces(root):
    """Enter new PID, network, IPC and mount namespaces: "root" when made as root, "user" when made
    through a user namespace (not root, where allowed), in which the caller keeps its own uid and gid;
    None when neither works. Root never takes the user-namespace way: there its uid would be unmapped
    (and the worker could not take a uid of its own), so without CAP_SYS_ADMIN it goes without."""
    if _unshare(NAMESPACES):
        return "root"
    uid, gid = os.getuid(), os.getgid()  # (read before: in the new namespace they are unmapped until written)
    if root or not _unshare(CLONE_NEWUSER | NAMESPACES):
        return None
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        except OSError:
            pass
    return "user"


def _isolate(root):
    """New namespaces (see _namespaces). In a PID namespace the worker runs as its init, under a keeper
    outside it: on SIGTERM the keeper kills the worker, and the kernel kills every process left in the
    namespace with it (setsid daemons included, and a worker that left the keeper's process group).
    Returns how it is isolated: "root", "user" or None."""
    import signal

    mode = _namespaces(root)
    if mode is None:
        return None
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # until the keeper's handler is in place
    pid = os.fork()
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        return mode  # the worker: PID 1 of its namespace, with no network
    # The grader ends a worker by sending its keeper SIGTERM: the keeper kills the worker, the namespace's
    # init, and so everything in the namespace, even a worker that left the keeper's process group.
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    for fd in range(3, 1024):  # the keeper holds nothing of the worker's
        try:
            os.close(fd)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):  # die the way the worker died, so the grader reads the same status
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


# mount(2) flags
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}  # syscall numbers


def _mount(libc, source, target, fstype, flags, data=None):
    import ctypes

    enc = [None if x is None else x.encode() for x in (source, target, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def _locked(path):
    """The flags a read-only remount of a bind mount of `path` must keep (those of the mount it is on)."""
    flag = os.statvfs(path).f_flag
    return (flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC))


def _bind(libc, source, target, device=False):
    """Bind `source` read-only at `target` (made first: an empty file for a device, else a directory)."""
    os.makedirs(os.path.dirname(target), 0o755, exist_ok=True)
    if device:
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o666))
    else:
        os.makedirs(target, 0o755, exist_ok=True)
    _mount(libc, source, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | (0 if device else MS_NODEV) | _locked(source)
    _mount(libc, None, target, None, flags)


def enclose(spec, owner):
    """In the worker's own mount namespace, as root: a new root holding only what it may read, bound
    read-only at the same paths (so no capability is needed to read a Python installed under /root),
    and its scratch directory on a tmpfs of bounded size and file count, owned by `owner` (uid, gid),
    that vanishes with the namespace (owned by uid and gid `owner` when that is a uid of its own, else by
    the caller). Returns True; raises OSError when it cannot."""
    import ctypes
    import platform

    libc = ctypes.CDLL(None, use_errno=True)
    os.umask(0o022)
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted here propagates to the host
    new = spec["scratch"]  # mounted over in this namespace only: the host's directory stays empty
    _mount(libc, "none", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,nr_inodes=4096,mode=755")
    readable, hidden = sorted(spec["readable"]), spec.get("hidden", [])
    bound, emptied = [], []
    for path in readable:
        if not os.path.exists(path) or any(path.startswith(b.rstrip("/") + "/") for b in bound) and not any(
                path.startswith(h.rstrip("/") + "/") for h in emptied):
            continue  # absent here, or seen through a parent already (not one shown empty below)
        device = path.startswith("/dev/")
        if not device and not os.path.isdir(path):
            continue
        _bind(libc, path, new + path, device)
        bound.append(path)
        for folder in hidden:  # installed packages' folders inside it: empty, but for allowed packages bound later
            if folder.startswith(path.rstrip("/") + "/") and os.path.isdir(new + folder) and folder not in emptied:
                _mount(libc, "none", new + folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,nr_inodes=256,mode=755")
                emptied.append(folder)
    root = spec["root"]  # its own directory may be private to the grader (0700): bind what is in it
    os.makedirs(new + root, 0o755, exist_ok=True)
    for name in os.listdir(root):
        if os.path.isdir(os.path.join(root, name)) and not os.path.islink(os.path.join(root, name)):
            _bind(libc, os.path.join(root, name), new + os.path.join(root, name))
    scratch = new + spec["scratch"]
    os.makedirs(scratch, 0o755, exist_ok=True)
    size, files = spec["scratch_limits"]
    _mount(libc, "scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={size},nr_inodes={files},mode=700,uid={owner},gid={owner if owner >= UID_BASE else os.getgid()}")
    os.chdir(new)
    number = PIVOT_ROOT.get(platform.machine())
    if number is not None and libc.syscall(number, b".", b".") == 0:
        libc.umount2(b".", MNT_DETACH)  # the old root, stacked under the new one: gone from this namespace
    else:
        os.chroot(".")
    os.chdir("/")
    try:  # past the pivot nothing may fail: the root is a scaffold of mount points, read-only if it can be
        _mount(libc, None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    except OSError:
        pass
    return True


# ------------------------------------------------------- system call filter

# What no student method needs and a worker could misuse: kernel keys (not namespaced: they outlive the
# worker and reach the next one given its uid), new namespaces (a user namespace hands back every
# capability, the way to most kernel exploits), mounts, io_uring, bpf, perf, userfaultfd, ptrace, and
# another process's memory or files (process_vm_*, pidfd_getfd: an enclosure's, say), and fallocate (with
# FALLOC_FL_KEEP_SIZE it reserves disk past the file-size limit: a worker filled the host's disk through its output
# file, and honest students graded meanwhile lost points to "No space left on device").
_DENIED = {
    "x86_64": (0xC000003E, {"ptrace": 101, "mount": 165, "umount2": 166, "pivot_root": 155, "unshare": 272,
                            "setns": 308, "add_key": 248, "request_key": 249, "keyctl": 250, "bpf": 321,
                            "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425,
                            "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428, "move_mount": 429,
                            "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
                            "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_getfd": 438, "fallocate": 285},
               {"clone": 56, "clone3": 435, "socket": 41}),
    "aarch64": (0xC00000B7, {"ptrace": 117, "mount": 40, "umount2": 39, "pivot_root": 41, "unshare": 97,
                             "setns": 268, "add_key": 217, "request_key": 218, "keyctl": 219, "bpf": 280,
                             "perf_event_open": 241, "userfaultfd": 282, "io_uring_setup": 425,
                             "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428, "move_mount": 429,
                             "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
                             "process_vm_readv": 270, "process_vm_writev": 271, "pidfd_getfd": 438, "fallocate": 47},
                {"clone": 220, "clone3": 435, "socket": 198}),
}
_NEW_NAMESPACES = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
# and CLONE_PARENT: a child made with it is its parent's parent's (the fork server's, without namespaces), which never
# waits for it: its zombies counted against the grader's user until the batch ended
_CLONE_REFUSED = _NEW_NAMESPACES | 0x8000


_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06  # classic BPF: load word, jumps, return
_ALLOW, _EPERM, _ENOSYS = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38


def _assemble(body, tail):
    """A BPF program as (code, jt, jf, k) tuples: `body` then `tail`, whose (label, insn) pairs name
    the jump targets that instructions give as strings."""
    program, labels = list(body), {}
    for label, insn in tail:
        if label:
            labels[label] = len(program)
        program.append(insn)
    out = []
    for i, (code, jt, jf, k) in enumerate(program):
        jt = labels[jt] - i - 1 if isinstance(jt, str) else (jt or 0)
        jf = labels[jf] - i - 1 if isinstance(jf, str) else (jf or 0)
        out.append((code, jt, jf, k))
    return out


def _filter_program(arch):
    """The classic BPF program of the filter for `arch` (a key of _DENIED), as (code, jt, jf, k) tuples."""
    audit, denied, special = _DENIED[arch]
    body = [(_LD, None, None, 4), (_JEQ, 0, "deny", audit),  # another ABI (i386 on x86_64): refused
            (_LD, None, None, 0), (_JGE, "deny", 0, 0x40000000)]  # x32 numbers: refused
    body += [(_JEQ, "deny", 0, nr) for nr in sorted(denied.values())]
    body += [(_JEQ, "enosys", 0, special["clone3"]),  # glibc then uses clone, whose flags can be read
             (_JEQ, "clone", 0, special["clone"]), (_JEQ, "socket", 0, special["socket"]),
             (_RET, None, None, _ALLOW)]
    tail = [("clone", (_LD, None, None, 16)), (None, (_JSET, "deny", "allow", _CLONE_REFUSED)),
            ("socket", (_LD, None, None, 16)), (None, (_JEQ, "allow", "deny", 1)),  # AF_UNIX only
            ("allow", (_RET, None, None, _ALLOW)), ("deny", (_RET, None, None, _EPERM)),
            ("enosys", (_RET, None, None, _ENOSYS))]
    return _assemble(body, tail)


# What a worker forked by an enclosure may do to a process: only to itself (pid 0). The enclosure runs as
# the same uid, and the kernel lets a process of a uid lower the resource limits (prlimit), the priority
# and the scheduling of another of that uid. Per system call: (x86_64, aarch64) numbers, and the
# arguments that must be 0 (setpriority: which = PRIO_PROCESS and who; ioprio_set: who, which must be
# IOPRIO_WHO_PROCESS).
_OWN_ONLY = {"prlimit64": ((302, 261), (0,)), "sched_setaffinity": ((203, 122), (0,)),
             "sched_setscheduler": ((144, 119), (0,)), "sched_setparam": ((142, 118), (0,)),
             "sched_setattr": ((314, 274), (0,)), "setpriority": ((141, 140), (0, 1)),
             "ioprio_set": ((251, 30), (1,))}


def _worker_filter_program(arch):
    """The filter a worker forked by an enclosure adds to the enclosure's: the calls of _OWN_ONLY only
    on itself (their pid arguments 0; ioprio_set's `which` IOPRIO_WHO_PROCESS)."""
    audit = _DENIED[arch][0]
    column = 0 if arch == "x86_64" else 1
    body = [(_LD, None, None, 4), (_JEQ, 0, "deny", audit), (_LD, None, None, 0)]
    tail = [("allow", (_RET, None, None, _ALLOW)), ("deny", (_RET, None, None, _EPERM))]
    for name, (numbers, zeros) in sorted(_OWN_ONLY.items()):
        body.append((_JEQ, f"check {name}", 0, numbers[column]))
        checks = [(_LD, None, None, 16 + 8 * i + half) for i in zeros for half in (0, 4)]
        steps = [insn for load in checks for insn in (load, (_JEQ, 0, "deny", 0))]
        if name == "ioprio_set":  # which (args[0]) must be IOPRIO_WHO_PROCESS = 1
            steps += [(_LD, None, None, 16), (_JEQ, 0, "deny", 1), (_LD, None, None, 20), (_JEQ, 0, "deny", 0)]
        tail = [(f"check {name}", steps[0]), *[(None, insn) for insn in steps[1:]],
                (None, (_RET, None, None, _ALLOW)), *tail]
    body.append((_RET, None, None, _ALLOW))
    return _assemble(body, tail)


# Without a PID namespace (not root, where user namespaces are refused) a worker shares the grader's uid, and the
# kernel lets it signal every process of that uid: kill(-1, SIGKILL) ended the grader (a batch with it), SIGSTOP froze
# it. Such a worker may signal only itself and its own process group (it leads one: setsid), its threads, and no
# process through a pidfd. Per system call: (x86_64, aarch64) numbers; _REFUSED are refused whatever their arguments.
_SIGNALS_OWN = {"kill": (62, 129), "tgkill": (234, 131), "rt_sigqueueinfo": (129, 138),
                "rt_tgsigqueueinfo": (297, 240)}
_REFUSED = {"tkill": (200, 130), "pidfd_send_signal": (424, 424), "pidfd_open": (434, 434),
                 # nor leave its process group: the grader ends a worker by killing its group, which then holds every
                 # process it made (a setsid daemon outlived its worker and signalled whoever took its pid next)
                 "setsid": (112, 157), "setpgid": (109, 154)}
# Nor does the kernel signal another process for it: no fd's owner set (it would get SIGIO, or any signal F_SETSIG
# names, SIGKILL too, when the fd is ready): fcntl F_SETOWN, F_SETSIG, F_SETOWN_EX; ioctl FIOSETOWN, SIOCSPGRP,
# TIOCSPGRP. (fcntl and ioctl numbers, then the commands refused: their second argument.)
_OWNER_CALLS = {"fcntl": ((72, 25), (8, 10, 15)), "ioctl": ((16, 29), (0x8901, 0x8902, 0x540F))}


def _signal_filter_program(arch, me):
    """The filter a worker with no PID namespace adds (pid `me`): kill only to 0 (its group), me or -me (its group
    again); tgkill, rt_sigqueueinfo and rt_tgsigqueueinfo only to its own thread group; tkill and pidfds not at all;
    no fd's owner set (`_OWNER_CALLS`); no setsid or setpgid (what it makes stays in its group, which ends with it).
    A pid or a command is an int: its low 32 bits are what the kernel reads."""
    audit = _DENIED[arch][0]
    column = 0 if arch == "x86_64" else 1
    body = [(_LD, None, None, 4), (_JEQ, 0, "deny", audit), (_LD, None, None, 0)]
    body += [(_JEQ, "deny", 0, numbers[column]) for numbers in _REFUSED.values()]
    body += [(_JEQ, "kill" if name == "kill" else "own group", 0, numbers[column])
             for name, numbers in _SIGNALS_OWN.items()]
    body += [(_JEQ, f"owner {name}", 0, numbers[column]) for name, (numbers, _) in _OWNER_CALLS.items()]
    body.append((_RET, None, None, _ALLOW))
    tail = [("kill", (_LD, None, None, 16)), (None, (_JEQ, "allow", 0, 0)), (None, (_JEQ, "allow", 0, me)),
            (None, (_JEQ, "allow", "deny", -me & 0xFFFFFFFF)),
            ("own group", (_LD, None, None, 16)), (None, (_JEQ, "allow", "deny", me))]
    for name, (_, commands) in _OWNER_CALLS.items():
        tail += [(f"owner {name}", (_LD, None, None, 24)), *[(None, (_JEQ, "deny", 0, cmd)) for cmd in commands],
                 (None, (_RET, None, None, _ALLOW))]
    tail += [("allow", (_RET, None, None, _ALLOW)), ("deny", (_RET, None, None, _EPERM))]
    return _assemble(body, tail)


def confine_signals():
    """In a worker with no PID namespace: the signal filter (its pid baked in) and the filter of an enclosure's
    workers (limits, priority and scheduling of itself only: its uid is the grader's). True when both hold."""
    me = os.getpid()
    return _install(_worker_filter_program) and _install(lambda arch: _signal_filter_program(arch, me), me)


def _built_filter(make, arch, key=None):
    """The filter `make(arch)` as a ctypes program, built once (in the fork server) and kept: (program, libc)."""
    import ctypes

    key = (make.__name__, arch, key)
    if key not in _BUILT:
        class Insn(ctypes.Structure):
            _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                        ("k", ctypes.c_uint32)]

        class Program(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Insn))]

        insns = make(arch)
        array = (Insn * len(insns))(*[Insn(*insn) for insn in insns])
        _BUILT[key] = (Program(len(insns), array), array, ctypes.CDLL(None, use_errno=True))
    program, _, libc = _BUILT[key]
    return program, libc


def filter_syscalls():
    """Install the system call filter on this process and its future children (irreversible).
    Returns True when it is in place."""
    return _install(_filter_program)


def _install(make, key=None):
    """Install the filter `make` builds on this process and its future children; True when in place. `key`: what
    tells apart the programs one `make` builds (a pid baked in)."""
    import ctypes
    import platform

    arch = platform.machine()
    if arch not in _DENIED:
        return False
    program, libc = _built_filter(make, arch, key)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return libc.prctl(22, 2, ctypes.byref(program), 0, 0) == 0  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


UID_BASE = 1_000_000  # a worker run by root becomes uid UID_BASE + its pid: unique among live workers
MAX_PROCESSES = 256  # RLIMIT_NPROC of that uid


def _capset(keep):
    """Keep only the capabilities in mask `keep` (effective and permitted), none inheritable."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    data = (Data * 2)(Data(keep, keep, 0), Data(0, 0, 0))
    if libc.capset(ctypes.byref(Header(0x20080522, 0)), data) != 0:  # _LINUX_CAPABILITY_VERSION_3
        raise OSError(ctypes.get_errno(), "capset failed")


def _drop_root(uid, keep_read_search):
    """As root: become `uid`, an unprivileged user of its own (so one worker's processes never
    count against another's RLIMIT_NPROC), with no capability at all when the worker has a private
    root (everything in it is readable by anyone). Without one (no mount namespace here),
    CAP_DAC_READ_SEARCH is kept, so that the standard library stays readable wherever Python is
    installed (Landlock still decides what may be read) while writes obey ordinary permissions."""
    import ctypes
    import resource

    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
    if keep_read_search:
        ctypes.CDLL(None).prctl(8, 1, 0, 0, 0)  # PR_SET_KEEPCAPS: keep the permitted set across setuid
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)  # without KEEPCAPS, every capability goes with root
    if keep_read_search:
        _capset(1 << 2)  # CAP_DAC_READ_SEARCH


def bound_processes():
    """Not root: RLIMIT_NPROC counts the user's own processes too, so allow MAX_PROCESSES more than
    the user has now (within the hard limit), soft and hard (a worker that raised its soft limit to the hard one
    made thousands of processes, and the fork server, of the same user, died on its next fork). Returns it."""
    import resource

    own = sum(1 for p in os.listdir("/proc") if p.isdigit() and _owner(p) == os.getuid())
    hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    wanted = own + MAX_PROCESSES if hard == resource.RLIM_INFINITY else min(own + MAX_PROCESSES, hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (wanted, wanted))  # (hard too: else student code raises it again)
    return wanted


def _owner(pid):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return -1


def _probe(tried):
    """What confinement a worker will get here: {name: achieved}, from the throwaway children `_start_probe` started
    (the caller does its other work while they run)."""
    found = {name: os.waitpid(pid, 0)[1] == 0 for name, pid in tried.items()}
    return {"landlock": landlock_abi() >= 1, "pid and network namespaces": found["pid and network namespaces"],
            "unprivileged user": True,  # root drops to a uid of its own in every worker; others already are
            "private root and capped scratch": found["private root and capped scratch"],
            "system call filter": found["system call filter"]}


def _start_probe() -> dict:
    """The children that try each confinement: {name: pid}."""
    return {name: _start_try(probe) for name, probe in (("pid and network namespaces", _probe_namespaces),
                                                        ("private root and capped scratch", _probe_mounts),
                                                        ("system call filter", _probe_filter))}


def _start_try(probe):
    """A child that exits 0 when `probe()` holds; its pid."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if probe() else 1)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    return pid


def _probe_namespaces():
    return _namespaces(os.geteuid() == 0) is not None


def _probe_filter():
    """The filter installs, and then refuses a new user namespace."""
    return filter_syscalls() and not _unshare(CLONE_NEWUSER)


def _probe_mounts():
    """A mount namespace of its own where a tmpfs can be mounted (enclose's first steps)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if _namespaces(os.geteuid() == 0) is None:
        return False
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    _mount(libc, "none", "/", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,nr_inodes=16")
    return True


def join_cgroups(groups):
    """Make this worker's control group under each of the grader's, set its caps and join it (as root)."""
    for top, settings in groups:
        path = f"{top}/w{os.getpid()}"
        try:
            try:
                os.mkdir(path)
            except FileExistsError:  # (left by a worker gone since that had this pid: its group is not swept while
                pass  # another process has the pid; this worker joins it, capped as its own, never uncapped)
            for name, value in settings.items():
                with open(f"{path}/{name}", "w") as f:
                    f.write(value)
            with open(f"{path}/cgroup.procs", "w") as f:
                f.write("0")
        except OSError:
            pass


def _child(sock, out_fd, progress_fd, spec):
    import mmap
    import resource
    import signal

    os.setsid()
    join_cgroups(spec["cgroups"])  # first: everything the worker starts is counted with it
    uid = UID_BASE + os.getpid()  # before _isolate: inside its PID namespace every worker is pid 1
    root = os.geteuid() == 0
    isolated = _isolate(root)
    for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(null)
    os.close(out_fd)
    _STATE["progress"] = mmap.mmap(progress_fd, PAGE)
    os.close(progress_fd)
    _STATE["root"] = spec["root"]
    if not root:
        bound_processes()  # (it reads /proc, which a private root does not have)
    enclosed = False
    if isolated:
        try:
            enclosed = enclose(spec, uid if root else os.getuid())
        except OSError:  # rare (the probe said it works): confined as without a mount namespace
            import ctypes

            ctypes.CDLL(None).umount2(spec["scratch"].encode(), MNT_DETACH)
            os.chdir("/")
    limits = spec["limits"]
    for name, amount in limits.items():
        resource.setrlimit(getattr(resource, name), (amount, amount))
    os.chdir(spec["scratch"])
    if root and not enclosed:
        os.chown(spec["scratch"], uid, uid)  # the one place the worker may write
    confine(spec["readable"] + [spec["root"]], [spec["scratch"]])
    if root:
        _drop_root(uid, keep_read_search=not enclosed)
    elif isolated:
        _capset(0)  # the capabilities its user namespace gave it: none are needed any more
    filter_syscalls()
    if not isolated:  # no PID namespace: the kernel would let it signal and steer every process of its uid
        confine_signals()
    os.environ.clear()
    os.environ.update({"HOME": spec["scratch"], "TMPDIR": spec["scratch"], "PATH": "/usr/bin:/bin",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    enclosure = spec.get("enclosure") and isolated and os.getpid() == 1
    if enclosure:  # (before the submission's folder is on the path: these are the installed packages)
        _preload(spec.get("preload", ()))
    sys.path.insert(0, spec["root"])
    # Unbuffered, as with `python -u`: what is printed is in the file at once, so an op's end need not flush them
    # (_printed_end), which every op paid for; counted (_Counted)
    sys.stdout = sys.__stdout__ = _OWN_STREAMS[0] = io.TextIOWrapper(_Counted(1), write_through=True)
    sys.stderr = sys.__stderr__ = _OWN_STREAMS[1] = io.TextIOWrapper(_Counted(2), write_through=True)
    try:
        if enclosure:
            _enclosure(sock, spec["scratch"])
        else:
            serve(sock)
    finally:
        os._exit(0)


# ------------------------------------------------------------- enclosure

def _preload(names):
    """Import the modules of allowed packages the submission imports (scipy.special, ...), once, for every worker
    the enclosure forks; one that fails is left for the worker to import (and fail) itself."""
    for name in names[:16]:
        if isinstance(name, str):
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - a worker meets the same failure as its own
                pass


ENCLOSURE_GRACE = 2.0  # seconds an enclosure waits for killed workers to be gone before it answers anyway


def _enclosure(control, scratch):
    """A worker's confinement, set up once, that forks a fresh worker for each sandbox of one grading
    process: {"op": "fork"} with the worker's channel, progress page and output (it answers the worker's
    pid), {"op": "end", "grace": s} (it answers the status of the worker it forked last). Every request
    first ends whatever runs besides it: this process is the init of its PID namespace, so kill(-1)
    reaches every other process in the namespace and nothing outside it, and no process in the namespace
    can signal it (the kernel delivers to a namespace's init only the signals it handles: none).

    Its workers run as its own uid, so each gets a filter of its own on top of the enclosure's: no
    resource limit, priority, scheduling or CPU set of another process (`_worker_filter_program`). And
    before each fork the enclosure checks it is as it was, that the scratch folder is empty again and that no
    System V IPC object is left in its namespace;
    when any is not so, it exits rather than fork (the grading process then starts a new enclosure:
    a fresh namespace, a fresh scratch filesystem), so no worker ever inherits anything of another's."""
    import ctypes
    import mmap
    import socket

    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no process of its uid may read its memory
    own = _own_settings()
    last = None
    while True:
        try:
            request, fds = recv_request(control, 3, 4096)
        except (OSError, ChannelClosed):
            return
        status = _end_all(last, float(request.get("grace", 0.0)))
        if request.get("op") != "fork" or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            send_frame(control, json.dumps({"status": status}).encode())
            continue
        if not _empty(scratch) or _own_settings() != own or _ipc_left():
            os._exit(3)  # a worker left what cannot be undone here: a new enclosure takes over
        pid = os.fork()
        if pid == 0:
            control.close()
            sock_fd, progress_fd, out_fd = fds
            os.dup2(out_fd, 1)
            os.dup2(out_fd, 2)
            os.close(out_fd)
            _STATE["progress"] = mmap.mmap(progress_fd, PAGE)
            os.close(progress_fd)
            try:
                if not _install(_worker_filter_program):
                    os._exit(3)
                serve(socket.socket(fileno=sock_fd))
            finally:
                os._exit(0)
        for fd in fds:
            os.close(fd)
        last = pid
        send_frame(control, json.dumps({"pid": pid}).encode())


def _ipc_left() -> bool:
    """A System V shared memory segment, semaphore set or message queue is left in the enclosure's IPC namespace:
    a worker made it, and the next worker (a fresh one for a failed class's second run, say) would read what the
    one before it kept there (helper-140: a Linear.forward that raised on its first run, leaving a mark, passed on
    its second). Counted with SHM_INFO, SEM_INFO and MSG_INFO; where the kernel refuses to say, nothing is left."""
    import ctypes

    libc, counts = ctypes.CDLL(None), (ctypes.c_int * 64)()
    for call, args, at in ((libc.shmctl, (0, 14), 0), (libc.semctl, (0, 0, 19), 7), (libc.msgctl, (0, 12), 0)):
        ctypes.memset(counts, 0, ctypes.sizeof(counts))
        if call(*args, counts) >= 0 and counts[at] > 0:  # shm_info.used_ids, seminfo.semusz, msginfo.msgpool
            return True
    return False


def _own_settings():
    """What a process of the same uid could change in the enclosure: its resource limits, priority,
    scheduling policy and CPU set (the workers' filter refuses all of it; this notices if it ever did not)."""
    import resource

    limits = tuple(resource.getrlimit(getattr(resource, name)) for name in sorted(dir(resource))
                   if name.startswith("RLIMIT_"))
    return limits, os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0), sorted(os.sched_getaffinity(0))


def _end_all(last, grace):
    """Give worker `last` `grace` seconds to exit by itself, kill every other process of the namespace,
    reap them all; the wait status of `last` (None if unknown)."""
    import signal

    found = None
    deadline = time.monotonic() + grace
    while last is not None and found is None and time.monotonic() < deadline:
        try:
            done, status = os.waitpid(last, os.WNOHANG)
        except ChildProcessError:
            break
        if done:
            found = status
        else:
            time.sleep(0.002)
    try:
        os.kill(-1, signal.SIGKILL)  # (as the namespace's init: all but itself, only in the namespace)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + ENCLOSURE_GRACE
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break  # none left
        if pid == 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.001)
            continue
        if pid == last:
            found = status
    return found


def _empty(folder):
    """Remove everything in `folder`, whatever a worker left there: any name, permissions or depth (each
    directory's subdirectories are moved into a folder this makes afresh, under names nobody else chose,
    before it is removed, so no path grows long and nothing recurses). True when `folder` is empty after."""
    import secrets

    try:
        os.chmod(folder, 0o700)
        for entry in list(os.scandir(folder)):  # files first: they may hold every inode a folder needs
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        while True:
            trash = os.path.join(folder, f".trash-{secrets.token_hex(8)}")
            try:
                os.mkdir(trash, 0o700)
                break
            except FileExistsError:
                continue
    except OSError:
        return False
    pending = [entry.path for entry in os.scandir(folder) if entry.path != trash]
    moved = 0
    while pending:
        path = pending.pop()
        try:
            if os.path.islink(path) or not os.path.isdir(path):
                os.unlink(path)
                continue
            os.chmod(path, 0o700)
            for entry in list(os.scandir(path)):
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(entry.path, 0o700)  # (moving a folder to another parent writes its "..")
                    moved += 1
                    os.rename(entry.path, os.path.join(trash, str(moved)))
                    pending.append(os.path.join(trash, str(moved)))
                else:
                    os.unlink(entry.path)
            os.rmdir(path)
        except OSError:
            pass
    try:
        os.rmdir(trash)
        return not os.listdir(folder)
    except OSError:
        return False


_KEPT = ([], None)  # (the cases a batch sends every entry's workers, as `serve` reads them; their Blobs)


def _keep(fds):
    """In the fork server: keep the cases of the request (script.pack's bytes) in the file `fds[0]`, decoded, arrays
    and all, for every worker forked from now on (a batch sends each entry's workers the same scripts: each decoded
    them again, a tenth of its time). Their requests then name a kept case by its index. Returns how many are kept.
    Only scripts without a value of the reference are kept (none is `late`, see SECURITY.md): every worker holds
    them all, as a worker lent to the next class holds what it was sent for the one before."""
    global _KEPT
    import gc

    import numpy

    try:
        with open(fds[0], "rb", closefd=False) as file:
            data = file.read()
        (size,) = struct.unpack_from(">I", data, 0)
        header = json.loads(data[4:4 + size])
        count = int(header.get("nblobs", 0))
        blobs = _blobs(data[8 + size:] if count else b"", count)
        for i in range(count):
            blobs.array(numpy, i)  # (each array decoded here, once)
        cases = [tuple(case) for case in header["cases"]]
    except Exception:  # noqa: BLE001 - the grader's own bytes: a failure keeps nothing, and workers are sent all
        return 0
    finally:
        for fd in fds:
            os.close(fd)
    _KEPT = (cases, blobs)  # (a second batch's replace the first's: its scripts are new)
    gc.freeze()
    return len(cases)


def zygote(control_fd):
    """Import numpy once, from the folder of packages the first message names, then fork a worker for each spawn
    request on the control socket."""
    import socket

    control = socket.socket(fileno=control_fd)
    # Warm what every worker imports or builds, so that a worker costs a fork and its confinement. (Started first
    # thing by the grader's command, this process does this while the command still loads: boot.py.)
    import ctypes  # noqa: F401
    import io  # noqa: F401
    import mmap  # noqa: F401
    import platform  # noqa: F401
    import resource  # noqa: F401
    import secrets  # noqa: F401
    import signal  # noqa: F401

    _landlock()
    if platform.machine() in _DENIED:
        for make in (_filter_program, _worker_filter_program):
            _built_filter(make, platform.machine())
    tried = _start_probe()  # (the confinement a worker gets, tried in children while this process goes on)
    try:
        pkgdir = json.loads(recv_frame(control))["packages"]
    except (ChannelClosed, OSError, ValueError, KeyError, TypeError):  # the command ended without grading
        return
    sys.path.append(pkgdir)
    _STATE["packages"] = pkgdir.rstrip("/")
    import gc

    import numpy  # noqa: F401
    import numpy.random  # noqa: F401 - (a layer that draws its initial weights imports it: 12 ms a worker)

    gc.freeze()  # (what every worker shares: its collections of cycles need not go through numpy again)

    send_frame(control, json.dumps({"ready": True, "isolation": _probe(tried)}).encode())
    abandoned = set()
    while True:
        try:
            request, fds = recv_request(control, 4)
        except (OSError, ChannelClosed):
            return
        ask = request.get("id")  # (each reply names its request: one whose asker died is never read as another's)
        for pid in list(abandoned):  # reap the workers the grader no longer waits for, once they are gone
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    abandoned.discard(pid)
            except ChildProcessError:
                abandoned.discard(pid)
        if request["op"] == "abandon":
            abandoned.add(request["pid"])
            send_frame(control, json.dumps({"id": ask}).encode())
            continue
        if request["op"] == "keep":
            send_frame(control, json.dumps({"kept": _keep(fds), "id": ask}).encode())
            continue
        if request["op"] == "wait":
            try:
                _, status = os.waitpid(request["pid"], 0)
            except ChildProcessError:
                status = 0
            send_frame(control, json.dumps({"status": status, "id": ask}).encode())
            continue
        sock = socket.socket(fileno=fds[0])
        try:
            pid = os.fork()
        except OSError as exc:  # (the machine, or the user, out of processes: this request fails, not every next one)
            pid = None
            error = f"cannot start a worker: {exc.strerror or exc}"
        if pid == 0:
            control.close()
            _child(sock, fds[1], fds[2], request)
        sock.close()
        os.close(fds[1])
        os.close(fds[2])
        answer = {"pid": pid} if pid is not None else {"error": error}
        send_frame(control, json.dumps(dict(answer, id=ask)).encode())
