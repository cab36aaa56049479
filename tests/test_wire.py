"""The bytes that cross the sandbox boundary: .npy payloads and their validation."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from autograder.sandbox import Bad
from autograder.sandbox.script import load_array
from autograder.sandbox.worker import _encode, npy_dumps, npy_loads

ARRAYS = [np.zeros(()), np.arange(3.0), np.ones((2, 3), np.float32), np.array([[1, 2]]), np.array([True]),
          np.zeros((0, 3)), np.ones((1, 1, 1)), np.arange(12.0).reshape(3, 4).T, np.ones(2, np.float16)]


@pytest.mark.parametrize("arr", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_our_npy_bytes_are_what_numpy_reads(arr):
    ours = npy_dumps(np, arr)
    back = np.load(io.BytesIO(ours), allow_pickle=False)
    assert back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr)
    if arr.flags.c_contiguous:
        saved = io.BytesIO()
        np.save(saved, arr)
        assert ours == saved.getvalue()
    fast = npy_loads(np, ours)
    assert fast is not None and fast.shape == arr.shape and np.array_equal(fast, arr)


def test_payloads_that_are_not_plain_numbers_never_load():
    pickled = io.BytesIO()
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    complex_ = io.BytesIO()
    np.save(complex_, np.array([1 + 2j]))
    assert isinstance(load_array(pickled.getvalue()), Bad)  # never unpickled
    assert isinstance(load_array(complex_.getvalue()), Bad)
    assert isinstance(load_array(b"\x93NUMPY\x01\x00garbage"), Bad)
    truncated = npy_dumps(np, np.arange(4.0))[:-8]
    assert isinstance(load_array(truncated), Bad)


def _frames(*payloads: bytes) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in payloads)


def test_a_reply_arriving_in_pieces_is_read_once_whole():
    from autograder.sandbox.pool import _take_message

    value = npy_dumps(np, np.arange(6.0).reshape(2, 3))
    message = _frames(json.dumps({"out": {"Z": {"b": 0}}, "nblobs": 1}).encode(), value) + b"\0\0\0"
    inbox = bytearray()
    for i in range(0, len(message) - 3, 7):  # nothing until the last byte of the message is in
        assert _take_message(inbox, 1) is None
        inbox += message[i:min(i + 7, len(message) - 3)]
    result, ranges = _take_message(inbox, 1)
    assert np.array_equal(result.values["Z"], np.arange(6.0).reshape(2, 3)) and ranges == []
    assert inbox == b""
    inbox += b"\0\0\0"
    assert _take_message(inbox, 1) is None and inbox == b"\0\0\0"  # the start of the next message stays


@pytest.mark.parametrize("header, why", [
    (b'{"out": {}, "nblobs": Infinity}', "blob count"),
    (b'{"out": {}, "nblobs": 1e300}', "blob count"),
    (b'{"out": {}, "nblobs": "2"}', "blob count"),
    (b'{"out": {}, "nblobs": 100000}', "blob count"),
    (b'{"out": {}}', "unreadable header"),
    (b"[" * 100_000 + b"]" * 100_000, "unreadable header"),
    (b'{"out": {}, "nblobs": 0, "pad": "' + b"x" * (2 << 20) + b'"}', "header of"),
    (b'{"out": {}, "nblobs": 5000}', "blob count"),
    (b'{"out": [}, "nblobs": 0}', "unreadable header"),  # (ends as an honest header does)
    (b'["out", {"nblobs": 0}, "nblobs": 0}', "unreadable header"),
    (b'{"out": {}, "nblobs": 1, "x": 2, "nblobs": 0}', None),  # (the count JSON reads is the last one: no blob)
])
@pytest.mark.parametrize("batch", [False, True], ids=["alone", "batch"])
def test_a_forged_reply_header_is_malformed_never_an_exception(header, why, batch, monkeypatch):
    """In a batch, replies the grading process decoded before are found by their bytes before the header is parsed
    (pool.Kept): a header made to look like an honest one there is refused as well."""
    from autograder.sandbox import pool
    from autograder.sandbox.script import Malformed

    monkeypatch.setattr(pool, "KEPT", pool.Kept() if batch else None)
    if why is None:
        result, _ = pool._take_message(bytearray(_frames(header)), 1)
        assert result.values == {}
        return
    with pytest.raises(Malformed, match=why):
        pool._take_message(bytearray(_frames(header)), 1)


def test_a_reply_kept_in_a_batch_is_the_same_result_for_the_same_bytes_only(monkeypatch):
    from autograder.sandbox import pool
    from autograder.sandbox.worker import send_message

    class Wire:
        data = b""

        def sendall(self, data):
            self.data += data

    def reply(values):
        wire = Wire()
        send_message(wire, {"case": 0, "out": {"Z": {"b": 0}}, "err": None, "soft": [], "printed": []},
                     [npy_dumps(np, values)])
        return bytearray(wire.data)

    monkeypatch.setattr(pool, "KEPT", pool.Kept())
    first, _ = pool._take_message(reply(np.arange(3.0)), 1, {"Z": 0})
    again, _ = pool._take_message(reply(np.arange(3.0)), 1, {"Z": 0})
    other, _ = pool._take_message(reply(np.arange(3.0) + 1), 1, {"Z": 0})
    assert again is first and pool.KEPT.kept(again)
    assert np.array_equal(other.values["Z"], np.arange(3.0) + 1) and other is not first


def test_a_reply_over_the_message_bound_is_refused_before_it_is_all_in():
    from autograder.sandbox.pool import MAX_MESSAGE, _take_message
    from autograder.sandbox.script import Malformed

    header = json.dumps({"out": {}, "nblobs": 2}).encode()
    inbox = bytearray(_frames(header) + (MAX_MESSAGE - 100).to_bytes(4, "big") + b"x" * 1000)
    assert _take_message(inbox, 1) is None  # the first blob is not all in yet, and within the bound
    inbox = bytearray(_frames(header, b"x" * 10) + (MAX_MESSAGE).to_bytes(4, "big"))
    with pytest.raises(Malformed, match="more than 64 MiB"):
        _take_message(inbox, 1)


def test_an_array_far_larger_than_any_answer_is_kept_as_its_shape_only():
    big = load_array(npy_dumps(np, np.zeros((1200, 1000))))
    assert isinstance(big, Bad) and "(1200, 1000)" in big.what and "larger than any answer" in big.what
    assert load_array(npy_dumps(np, np.zeros((100, 300)))).shape == (100, 300)  # 234 KiB: kept


@pytest.mark.parametrize("value", [np.zeros((1200, 1000)), np.broadcast_to(np.float32(1), (10**6, 10**6)),
                                   np.zeros((1200, 1000)).view(np.recarray)], ids=["plain", "broadcast", "subclass"])
def test_a_worker_sends_an_array_far_larger_than_any_answer_as_its_shape_only(value):
    """What the grader keeps of such an array, said by the worker: not its bytes (the catalogue's huge_replies, 16 MiB a
    call, had taken 36 s to grade and ended workers as replies over 64 MiB; its backward's tests now say the shape)."""
    data, what = _encode(np, value)
    assert data is None and f"{value.shape}" in what and "larger than any answer" in what, what
    assert _encode(np, np.zeros((100, 300)))[0] is not None


@pytest.mark.parametrize("header", [b"{'descr': '<f1', 'fortran_order': False, 'shape': (2,), }",
                                    b"{'descr': '<b4', 'fortran_order': False, 'shape': (1,), }",
                                    b"{'descr': '<f8', 'fortran_order': False, 'shape': (" + b"1, " * 70 + b"), }"])
def test_a_forged_npy_header_is_a_bad_value_never_an_exception(header):
    """The worker's own code can be patched to write any header; numpy refusing it is that value's verdict."""
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 8
    assert isinstance(load_array(data), Bad)


def test_an_array_named_by_many_labels_is_decoded_once_and_a_reply_holds_at_most_so_much():
    """A forged reply pointing hundreds of labels at one Fortran-ordered blob (decoded by np.load, a copy
    each time) held 250 KB per label until the end of grading."""
    from autograder.sandbox.script import MAX_REPLY_VALUES, decode

    saved = io.BytesIO()
    np.lib.format.write_array(saved, np.asfortranarray(np.ones((2, 16000))))  # 250 KiB
    labels = {f"v{i}": {"b": 0} for i in range(300)}
    result, _ = decode({"out": labels}, [saved.getvalue()], 1, set(labels))
    values = list(result.values.values())
    assert all(v is values[0] for v in values) and isinstance(values[0], np.ndarray)
    distinct = {f"v{i}": {"b": i} for i in range(100)}
    result, _ = decode({"out": distinct}, [saved.getvalue()] * 100, 1, set(distinct))
    kept = sum(v.nbytes for v in result.values.values() if isinstance(v, np.ndarray))
    assert kept <= MAX_REPLY_VALUES and any(isinstance(v, Bad) for v in result.values.values())
    # the numbers of a list, and the items of a pair, that a value which is no array names: bounded alike
    others = {f"v{i}": {"bad": "a tuple", "v": i, "i": [i, 99 - i, i, 7, -1, "x"][:4]} for i in range(100)}
    others["long"] = {"bad": "a tuple", "i": list(range(5))}  # (more items than a worker sends: none read)
    result, _ = decode({"out": others}, [saved.getvalue()] * 100, 1, set(others))
    bad = list(result.values.values())
    held = {id(a): a.nbytes for v in bad for a in (v.numbers, *(v.items or ())) if isinstance(a, np.ndarray)}
    assert all(isinstance(v, Bad) for v in bad) and sum(held.values()) <= MAX_REPLY_VALUES
    assert result.values["long"].items is None and result.values["v0"].items[0] is result.values["v0"].numbers


def test_an_error_names_the_innermost_line_of_the_submission_not_numpys_or_the_graders(tmp_path, monkeypatch):
    """What a raised exception reports: its type, message, and file:line of the deepest frame in the submission
    (a helper of the method, here; never numpy's own file below it, nor the worker's frames above it)."""
    import importlib.util

    from autograder.sandbox import worker

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("import numpy as np\n\n\ndef method(n):\n    return helper(n)\n\n\n"
                                             "def helper(n):\n    return np.zeros(n).reshape(n + 1)\n")
    spec = importlib.util.spec_from_file_location("pkg.mod", tmp_path / "pkg" / "mod.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(worker._STATE, "root", str(tmp_path))
    try:
        module.method(3)
    except ValueError as exc:
        info = worker._error(exc, 4)
    assert info["where"] == "pkg/mod.py:9" and info["type"] == "ValueError" and info["op"] == 4
    assert "reshape" in info["msg"]
    try:
        raise KeyError("not in the submission")
    except KeyError as exc:
        assert worker._error(exc, 0)["where"] == ""


def test_a_request_is_what_the_worker_reads_and_a_truncated_script_is_sent_as_itself():
    """script.pack's bytes, read by the worker's recv_message: each case's ops and arrays, at their offsets. A
    script sent twice (a batch sends the scripts of one input for every entry) gives the same bytes; a
    truncated copy of it (the ops before one that ended a worker) is sent with its own ops, not the original's."""
    import socket

    from autograder.sandbox.script import Script, pack
    from autograder.sandbox.worker import recv_message

    first, second = Script(), Script()
    layer = first.new("mytorch.nn.linear.Linear", 2, 3)
    first.set(layer, "W", np.arange(6.0).reshape(3, 2))
    first.call(layer, "forward", np.ones((4, 2), np.float32), label="Z")
    second.call(second.plain("model"), "backward", np.zeros(3), label="dLdA")

    def read(data: bytes):
        ours, theirs = socket.socketpair()
        with ours, theirs:
            ours.sendall(data)
            return recv_message(theirs)

    header, blobs = read(pack([first, second], ["mytorch"]))
    assert header["cases"] == [[0, json.loads(json.dumps(first.ops))], [2, json.loads(json.dumps(second.ops))]]
    assert header["skip_init"] == ["mytorch"] and header["nblobs"] == 3
    for blob, arr in zip(blobs, first.arrays + second.arrays):
        back = npy_loads(np, blob)
        assert back.dtype == arr.dtype and np.array_equal(back, arr)
    assert pack([first, second], ["mytorch"]) == pack([first, second], ["mytorch"])
    cut = first.truncated(1)
    header, _ = read(pack([cut]))
    assert header["cases"] == [[0, json.loads(json.dumps(first.ops[:1]))]]
    assert pack([first]) != pack([cut])


def test_a_batch_sends_a_request_it_made_before_as_the_same_bytes_and_no_other(monkeypatch):
    """In a batch, the request for the same scripts is made once (pool._packed, for every entry); the same scripts
    asked with other settings (modules to forget, packages whose __init__ is left out), or other scripts, are made
    as pack makes them."""
    from autograder.sandbox import pool
    from autograder.sandbox.script import Script, pack

    monkeypatch.setattr(pool, "KEPT", pool.Kept())
    first, second = Script(), Script()
    first.call(first.new("mytorch.nn.linear.Linear", 2, 3), "forward", np.ones((4, 2)), label="Z")
    second.call(second.plain("model"), "backward", np.zeros(3), label="dLdA")
    made = pool._packed([first, second], [], False)
    assert made == pack([first, second]) and pool._packed([first, second], [], False) is made
    for scripts, skip, forget in [([first, second], [], True), ([first, second], ["mytorch"], False),
                                  ([second, first], [], False), ([first], [], False), ([first.truncated(1)], [], False)]:
        assert pool._packed(scripts, skip, forget) == pack(scripts, skip, forget) != made


@pytest.mark.parametrize("reply, blobs", [
    ({"case": 3, "out": {"Z": {"b": 0}, 'dLdA "\u00e9"': {"b": 1}}, "err": None, "soft": [], "printed": []},
     [b"x", b"yy"]),
    ({"case": 3, "out": {"Z": {"bad": "None (did you forget to return?)"}}, "err": None, "soft": [], "printed": []},
     []),
    ({"case": 0, "out": {}, "err": None, "soft": [], "printed": []}, []),
    ({"case": 1, "out": {"Z": {"b": 0}}, "err": {"op": 1, "type": "ValueError"}, "soft": [], "printed": [[0, 1, 2]]},
     [b"z"]),
], ids=["arrays", "not an array", "nothing", "an error"])
def test_a_reply_is_the_bytes_json_would_write(reply, blobs):
    """The worker writes the usual reply without json.dumps: the grader reads the same bytes (and a batch's grading
    process finds a kept reply by them)."""
    from autograder.sandbox.worker import _send_reply, send_message

    class Wire:
        data = b""

        def sendall(self, data):
            self.data += data

    ours, plain = Wire(), Wire()
    _send_reply(ours, reply, blobs)
    send_message(plain, reply, blobs)
    assert ours.data == plain.data


def test_headers_padded_long_are_read_but_never_kept(monkeypatch):
    """helper-83: a worker wrote each array with another 64 KiB .npy header (spaces, leading zeros: '0003' is 3);
    the grading process kept every new one (4096 of them, twice) and reached 900 MiB from 100 for a 100 score.
    Such arrays are read as any other, but only headers of a plain length are kept."""
    from autograder.sandbox import script, worker

    monkeypatch.setattr(script, "_LAYOUTS", {})
    monkeypatch.setattr(worker, "_HEADERS", {})
    arr = np.arange(6.0).reshape(2, 3)
    for zeros in range(50):
        header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s2, 3), }" % ("0" * zeros)
        header += " " * (4096 - 10 - len(header) - 1) + "\n"
        data = worker.NPY_MAGIC + len(header).to_bytes(2, "little") + header.encode("latin1") + arr.tobytes()
        got = load_array(data)
        assert isinstance(got, np.ndarray) and np.array_equal(got, arr)
    assert not script._LAYOUTS and not worker._HEADERS
    assert np.array_equal(load_array(npy_dumps(np, arr)), arr) and len(script._LAYOUTS) == 1  # (a plain one is)
