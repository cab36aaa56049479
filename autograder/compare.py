"""The one comparison helper: every graded value goes through `expect`.

Stages, cheapest first, each named in the message: the value is a numeric array
(a scalar may be any size-1 value), it has exactly the expected shape, it is
finite wherever the reference is finite, and it is close to the reference.
NaN never equals anything.

Closeness of `got` to `expected` (float64) means, element by element,

    |got - expected| <= rtol * |expected| + atol * max(floor, max |expected|)

so the absolute slack grows with the output's own scale: float32 rounding in a
sum of large terms is forgiven, a relative error of 1e-3 is not. The floor keeps
a value that is exactly 0 (or tiny) in the reference from demanding an exact 0:
rounding noise of intermediate terms of order 1 is forgiven there too.
"""
from __future__ import annotations

import math
import re

import numpy as np

from . import diagnose
from .record import record
from .sandbox import Bad


@record(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    floor: float = 0.1  # the absolute term scales with max |expected|, but never with less than this


VALUES = Tolerance(rtol=1e-4, atol=1e-5)  # outputs compared with the reference
FINITE_DIFFERENCES = Tolerance(rtol=1e-2, atol=1e-3)  # a backward against its own forward's slopes
EXACT = Tolerance(rtol=0.0, atol=0.0)  # an argument after the call: untouched means identical
# A value for inputs moved by 500 to 5000, against the student's own for the inputs: float32 keeps a shifted input to
# 2^-24 of 5000 (3e-4), so a float32 formula (x - (max + log(sum)), say) is off by that much; one that is not stable
# is off by far more (inf, NaN, 0, or a row of equal values).
SHIFTED = Tolerance(rtol=2e-3, atol=2e-3)
EXCUSED = Bad("a value another test grades")  # what a check reads for a value whose owning test failed


class Failure(Exception):
    """A graded value is wrong. `message` says what; `hint` says what to try. `about` is the value's label when
    it is an array of numbers whose shape, or finite numbers, are wrong (a known mistake's value of another shape
    fits it as numbers alone would: a loss of one value per sample); then `claim` holds the known mistake(s) the hint
    names, `fits` every known mistake the value matches on this input and `tested` every one this input could
    tell (see `expect`; each as its words with the input's numbers left out). `keeps_owned`: the values this test owns
    are still judged by the tests that re-read them (`runner._excuse`: an MLP built without its last ReLU)."""

    keeps_owned = False  # (the default of subclasses with an __init__ of their own)

    def __init__(self, message: str, hint: str = "", *, about: str = "", claim: frozenset = frozenset(),
                 fits: frozenset = frozenset(), tested: frozenset = frozenset(), fitting: tuple = (), got=None,
                 keeps_owned: bool = False):
        super().__init__(message)
        self.keeps_owned = keeps_owned
        self.message, self.hint, self.about = message, hint, about
        self.claim, self.fits, self.tested = claim, fits, tested
        self.fitting = fitting  # the words of every known mistake the value matches here, in the order tried
        self.got = got  # the value, where it fits a known mistake (what it fits was computed? runner._named)


class FormOnly(Failure):
    """A value of the right numbers in the wrong form (a list or tuple of them): charged by its value test, as one
    slip of the method (runner._right_somewhere), not as a method whose every value is wrong."""


class PointSlip(FormOnly):
    """A value right on every entry but those of one kind its hint names (GELU's cdf computed as A / Z: 0 / 0 where Z
    is exactly 0): charged by its value test as one slip of the method, as a value of the right numbers in the wrong
    form is (helper-192: such a GELU backward lost its behaviour tests too, as "not credited", most inputs holding a
    0). Only a method right everywhere else gets it: no value of a wrong method is one."""


class Alternatives(str):
    """A hint naming several mistakes that give the same numbers on the input shown; `parts`: each one's words."""

    parts: tuple = ()


def alternatives(names, words: str = "") -> Alternatives:
    """The hint naming each of `names` (the words of two mistakes or more), in `words` where given (one sentence for
    mistakes that always give the same numbers on some kind of input: BatchNorm's on one sample)."""
    hint = Alternatives(words or "this value fits more than one mistake: " + "; or ".join(
        f"({i}) {w}" for i, w in enumerate(names, 1)))
    hint.parts = tuple(names)
    return hint


_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def mistakes(words: str) -> frozenset:
    """The mistakes a hint's words name, without the numbers of the input it quotes ("uses 0.9 where the layer's
    alpha is 0.8"): what two inputs' diagnoses are compared by."""
    return frozenset(_NUMBER.sub("#", part) for part in getattr(words, "parts", ()) or (words,))


def contradicts(claim: frozenset, fits: frozenset, tested: frozenset) -> bool:
    """Whether another failing input speaks against a hint that names `claim`: it could tell one of those mistakes
    apart (`tested`), yet the value fits none of them there. (On a small input two mistakes can give the same
    numbers: near Z = 0, a pdf over sqrt(pi) and an erf(Z) give GELU the same slope.)"""
    return bool(claim & tested) and not claim & fits


def shape_str(shape) -> str:
    return str(tuple(shape))


def close(got: np.ndarray, expected: np.ndarray, tol: Tolerance = VALUES) -> np.ndarray:
    """Elementwise closeness (see the module docstring); NaN is never close."""
    return _close(got, expected, tol)[0]


@np.errstate(invalid="ignore", over="ignore")  # (as a decorator: cheaper than a `with` on every call)
def _close(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> tuple[np.ndarray, float]:
    """`close`, and the scale of its absolute term. Every value graded comes here, mostly small arrays,
    so numpy's Python-level wrappers (np.max, a `with np.errstate`) would cost more than the arithmetic:
    the reduction is the ufunc's own, as np.max calls it."""
    magnitude = np.abs(expected)
    scale = max(tol.floor, float(np.maximum.reduce(magnitude, axis=None, initial=0.0)))
    return np.abs(got - expected) <= tol.rtol * magnitude + tol.atol * scale, scale


def matches(got, expected, tol: Tolerance = VALUES) -> bool:
    """Whether `got` passes every stage: for recognising known wrong answers."""
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return False
    if got.shape != expected.shape:
        return False
    return bool(np.all(close(got.astype(np.float64), expected, tol)))


def expect(label: str, got, expected, tol: Tolerance = VALUES, *, scalar: bool = False,
           known_wrong=(), hint: str = "", batch: int | None = None, generic: bool = True) -> None:
    """Raise `Failure` unless `got` matches `expected`.

    On a failure, the diagnosis: `known_wrong` holds (value, words) pairs, answers that
    common mistakes with this quantity produce, computed from the reference (or is a function
    giving them, called only on a failure: most inputs pass, and the pairs cost); then come the
    generic wrong answers of `diagnose.generic` (`batch` is N, for "missing /N"). The first
    one `got` matches is the hint, with a pointer to the handout; else `hint`, if any.
    """
    if got is EXCUSED:
        return
    expected = np.asarray(expected, dtype=np.float64)
    try:
        _stages(label, got, expected, tol, scalar)
    except FormOnly:
        raise
    except Failure as failure:
        if unwritten(got):  # (named, and charged as any wrong value: not as one slip of a method otherwise right,
            # which the mark, written by hand where a value is wrong, or beside nothing computed, would buy: helper-183)
            raise Failure(failure.message, UNWRITTEN_HINT.format(label=label), about=failure.about) from None
        known = known_wrong() if callable(known_wrong) else known_wrong
        shown, fits, tested, fitting = None, set(), set(), []
        for wrong, words in [*known, *(diagnose.generic(label, expected, batch) if generic else [])]:
            if isinstance(wrong, str) and wrong == diagnose.NON_FINITE:
                if shown is None and _non_finite(got, expected):
                    shown = words
                continue
            wrong = np.asarray(wrong, dtype=np.float64)
            named = mistakes(words)
            tested |= named
            if matches(got.reshape(wrong.shape) if scalar and _size1(got, wrong) else got, wrong, tol):
                fits |= named
                fitting.append(words)
                shown = words if shown is None else shown
            if shown is not None and not failure.about:  # (the others are looked at only to confirm a hint: below)
                break
        if shown is not None:
            raise Failure(failure.message, diagnose.with_pointer(shown), about=failure.about,
                          claim=mistakes(shown), fits=frozenset(fits), tested=frozenset(tested),
                          fitting=tuple(fitting), got=got if isinstance(got, np.ndarray) else None) from None
        raise Failure(failure.message, hint or failure.hint, about=failure.about, tested=frozenset(tested)) from None


# The NaN np.empty and np.empty_like fill their float arrays with in the worker (sandbox.worker.UNWRITTEN), as
# float64, float32 and float16 hold it (read as float64, the sign left out: -x keeps the payload)
UNWRITTEN = frozenset(int(np.array([0x7FFCDEADBEEFCAFE], dtype=np.uint64).view(np.float64).astype(kind)
                          .astype(np.float64).view(np.uint64)[0]) for kind in (np.float64, np.float32, np.float16))
_UNWRITTEN_BITS = np.array(sorted(UNWRITTEN), dtype=np.uint64)
UNWRITTEN_HINT = ("entries of your {label} hold what np.empty (or np.empty_like) left there, never written or only added "
                  "to (+=): that is no zero but whatever the memory held (in the grader, a NaN put in every such array, "
                  "so that each run gives the same result); start from np.zeros_like, or write every entry")


def unwritten(got) -> bool:
    """`got` holds UNWRITTEN, from an array of np.empty that no code wrote, or a value computed from one."""
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "fc" or got.size == 0:
        return False
    values = (got.real if got.dtype.kind == "c" else got).astype(np.float64)
    bits = values.view(np.uint64) & np.uint64(0x7FFFFFFFFFFFFFFF)
    return bool(np.any(np.isnan(values) & np.isin(bits, _UNWRITTEN_BITS)))


def _non_finite(got, expected) -> bool:
    """`got` is a numeric array with inf or NaN where `expected` is finite (its shape may be off)."""
    if not isinstance(got, np.ndarray) or got.size != expected.size:
        return False
    return bool(np.any(~np.isfinite(got.astype(np.float64).reshape(expected.shape)) & np.isfinite(expected)))


def _size1(got, wrong) -> bool:
    return isinstance(got, np.ndarray) and got.size == 1 and wrong.size == 1


# (a tuple of numbers becomes an array with np.array; a pair of the array and something else does not: numpy-nn's
# Dense.backward returning (dx, gradients) was told to wrap it in np.array, which raises)
TO_ARRAY = ("if {kind} holds your array beside something else (a pair such as (dx, gradients)), return the array "
            "alone; if it holds numbers, np.array(...) turns it into one")


RIGHT_ITEM = "the method returns one value, not {kind}: return its item {i} alone"


RIGHT_NUMBERS = "your numbers are right on this input, but {kind} is not a numpy array: return {form}"


def _stages(label, got, expected, tol, scalar):
    if isinstance(got, Bad):
        if got.what.endswith(NOT_ARRAY):
            kind = got.what[:-len(NOT_ARRAY)]

            def right(value) -> bool:  # (the list's numbers, or an item of the tuple, as the right value here)
                if not isinstance(value, np.ndarray) or (value.size != 1 if scalar else value.shape != expected.shape):
                    return False
                ok, scale = _close(value.astype(np.float64).reshape(() if scalar else expected.shape), expected, tol)
                return bool(ok.all()) and math.isfinite(scale)

            if right(got.numbers):
                raise FormOnly(f"{label}: returned {kind} of the right numbers here: return a numpy array",
                               RIGHT_NUMBERS.format(kind=kind, form="the number itself (float(...))" if scalar
                                                    else "np.array(...) of them"))
            for i, item in enumerate(got.items or ()):
                if right(item):
                    raise FormOnly(f"{label}: returned {kind} whose item {i} is the right value here: return that "
                                   "value alone", RIGHT_ITEM.format(kind=kind, i=i))
            raise Failure(f"{label}: returned {kind}: return a numpy array", TO_ARRAY.format(kind=kind))
        want = "a scalar" if scalar else f"an array of shape {shape_str(expected.shape)}"
        raise Failure(f"{label}: expected {want}, got {got.what}")
    if scalar:
        if got.size != 1:  # (about: a known mistake's value of this shape fits it as well as numbers alone would)
            raise Failure(f"{label}: expected a scalar (one number), got an array of shape {shape_str(got.shape)}",
                          about=label)
        got = got.reshape(())
    elif got.shape != expected.shape:
        raise Failure(f"{label}: shape mismatch: got {shape_str(got.shape)}, expected {shape_str(expected.shape)}",
                      about=label)
    got = got.astype(np.float64, copy=False)  # (only read: a float64 array needs no copy)
    ok, scale = _close(got, expected, tol)
    if ok.all() and math.isfinite(scale):
        # The usual case, settled in one pass: an entry within a finite distance of a finite expected value
        # is finite, and NaN is never close, so the finiteness stage below could not fail.
        return
    bad = np.isfinite(expected) & ~np.isfinite(got)
    if bad.any():
        at = _where(bad)
        raise Failure(f"{label}: got {got[at]}{_at(at)}, expected a finite value ({_num(expected[at])})")
    if not ok.all():
        err = np.where(ok, 0.0, np.abs(got - expected))
        err = np.where(np.isnan(err), np.inf, err)
        at = _where(err == err.max())
        where = f"wrong values in {int((~ok).sum())} of {ok.size} entries; largest error{_at(at)}: " if at else ""
        shown_got, shown_expected = _apart(got[at], expected[at])
        raise Failure(f"{label}: {where}got {shown_got}, expected {shown_expected} "
                      f"(rtol={tol.rtol:g}, atol={tol.atol:g})", about=label)


def _where(mask: np.ndarray) -> tuple:
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


NOT_ARRAY = ", not a numpy array"  # how the worker describes a list, tuple or other object it was given


def _at(at: tuple) -> str:
    return f" at index {at}" if at else ""


def _num(x, digits: int = 6) -> str:
    return f"{float(x) + 0.0:.{digits}g}"  # + 0.0: -0 reads as 0


def _apart(got, expected) -> tuple[str, str]:
    """The two numbers with as many digits as it takes to tell them apart (1 - 1e-7 is not "1" next to 1)."""
    for digits in (6, 9, 12, 17):
        a, b = _num(got, digits), _num(expected, digits)
        if a != b:
            break
    return a, b


class unambiguous:
    """The known wrong answers `make()` gives, as hints that are right whenever shown. One that gives the
    right value on this input is dropped; those that give the same numbers as each other (on small inputs
    two mistakes often do: for one sample, dividing by N only is not dividing at all) become one hint
    naming each. Worked out only when iterated, which `expect` does only for a value that failed."""

    def __init__(self, make, expected_value, tol=VALUES):
        self.make, self.expected, self.tol = make, expected_value, tol

    def _same(self, a, b) -> bool:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.size == 1 and b.size == 1:
            a, b = a.reshape(()), b.reshape(())
        return matches(a, b, self.tol)

    def __iter__(self):
        kept = [(value, words) for value, words in self.make() if not self._same(value, self.expected)]
        told = set()
        for i, (value, words) in enumerate(kept):
            alike = tuple(j for j, (other, _) in enumerate(kept)
                          if j == i or self._same(value, other) or self._same(other, value))
            if alike in told:
                continue
            told.add(alike)
            names = tuple(dict.fromkeys(kept[j][1] for j in alike))  # (one mistake may have several forms)
            yield value, alternatives(names) if len(names) > 1 else words
