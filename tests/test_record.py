"""`autograder.record`: the grader's records behave as the dataclasses they replaced."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.record import FrozenInstanceError, field, fields, record, replace


@record(frozen=True)
class Point:
    x: int
    tags: tuple = ()
    seen: list = field(default_factory=list, compare=False)
    cache: object = field(default=None, init=False, compare=False, repr=False)


@record
class Tally:
    count: int = 0
    names: set = field(default_factory=set)


@record(frozen=True, eq=False)
class Case:
    A: np.ndarray
    W: np.ndarray


def test_fields_in_order_with_defaults_and_factories():
    p = Point(1)
    assert [f.name for f in fields(Point)] == ["x", "tags", "seen", "cache"] == list(vars(p))
    assert (p.x, p.tags, p.seen, p.cache) == (1, (), [], None)
    assert Point(1).seen is not p.seen  # a fresh list each time
    assert Point(2, ("a",), seen=[3]).seen == [3]
    assert repr(Point(1, ("a",))) == "Point(x=1, tags=('a',), seen=[])"


def test_frozen_records_refuse_changes_and_hash_by_value():
    p = Point(1, ("a",))
    with pytest.raises(FrozenInstanceError):
        p.x = 2
    with pytest.raises(FrozenInstanceError):
        del p.tags
    assert p == Point(1, ("a",), seen=[9]) and hash(p) == hash(Point(1, ("a",)))  # (seen: compare=False)
    assert p != Point(2, ("a",)) and len({p, Point(1, ("a",))}) == 1


def test_mutable_records_are_unhashable_and_identity_records_hash_by_identity():
    t = Tally()
    t.count += 1
    assert t == Tally(1) and t != Tally(2)
    with pytest.raises(TypeError):
        hash(t)
    a = Case(A=np.ones(2), W=np.zeros(1))
    assert a == a and a != Case(A=np.ones(2), W=np.zeros(1)) and {a: 1}[a] == 1  # (arrays never compared)


def test_replace_keeps_init_fields_and_resets_the_others():
    p = Point(1, ("a",), seen=[1])
    object.__setattr__(p, "cache", "kept?")
    q = replace(p, x=5)
    assert (q.x, q.tags, q.seen, q.cache) == (5, ("a",), [1], None)
    assert replace(Tally(3), names={"n"}) == Tally(3, {"n"})


def test_wrong_arguments_are_type_errors():
    with pytest.raises(TypeError):
        Case(np.ones(1))
    with pytest.raises(TypeError):
        Point(1, x=2)
    with pytest.raises(TypeError):
        Point(1, cache=3)  # (not an argument of __init__)
    with pytest.raises(TypeError):
        @record
        class Bad:
            a: int = 0
            b: int
