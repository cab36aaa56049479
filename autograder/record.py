"""Record classes: what `dataclasses` gives the grader, made for a short-lived command.

`@record` is `@dataclasses.dataclass` cut down to what the grader's classes use: fields from the
class's annotations (and its record bases'), defaults and `field(default_factory=..., init=False,
compare=False, repr=False)`, `frozen`, `eq` (value equality, and for a frozen record a hash of its
fields; `eq=False`: identity), a readable repr, `replace` and `fields`. Only `__init__` is generated
(straight-line code: some classes are made thousands of times a run); the other methods are shared.

Why not `dataclasses` itself: `grade` is a command a student runs again and again, and its start is
most of its time. Importing `dataclasses` (with `inspect`, which it needs) and processing the grader's
38 classes cost ~22 ms of the ~50 ms the grader takes to import (`make bench` holds the whole command to
twice the time Python takes to import numpy and hypothesis); generating each class's `__init__` alone
costs a few.
"""
from __future__ import annotations

MISSING = object()


class FrozenInstanceError(AttributeError):
    """A frozen record's field was assigned or deleted."""


class Field:
    __slots__ = ("name", "type", "default", "default_factory", "init", "compare", "repr")

    def __init__(self, default=MISSING, default_factory=MISSING, init: bool = True, compare: bool = True,
                 repr: bool = True):  # noqa: A002 - (the dataclasses word)
        self.name, self.type = "", ""
        self.default, self.default_factory = default, default_factory
        self.init, self.compare, self.repr = init, compare, repr


def field(*, default=MISSING, default_factory=MISSING, init: bool = True, compare: bool = True,
          repr: bool = True) -> Field:  # noqa: A002
    return Field(default, default_factory, init, compare, repr)


def fields(obj) -> tuple[Field, ...]:
    """The fields of a record class or record, in order."""
    return (obj if isinstance(obj, type) else type(obj)).__record_fields__


def replace(obj, **changes):
    """A new record like `obj` with `changes` (its fields that `__init__` does not take start from their defaults)."""
    for f in fields(obj):
        if f.init and f.name not in changes:
            changes[f.name] = obj.__dict__[f.name]
    return type(obj)(**changes)


def record(cls=None, *, frozen: bool = False, eq: bool = True):
    """Make `cls` a record (see the module's docstring); use as `@record` or `@record(frozen=True, eq=False)`."""
    def make(cls):
        found = {f.name: f for base in reversed(cls.__mro__[1:]) for f in getattr(base, "__record_fields__", ())}
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            value = cls.__dict__.get(name, MISSING)
            spec = value if isinstance(value, Field) else Field(default=value)
            if isinstance(value, Field):
                if spec.default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, spec.default)
            spec.name, spec.type = name, annotation
            found.pop(name, None)
            found[name] = spec
        cls.__record_fields__ = tuple(found.values())
        cls.__init__ = _init(cls, cls.__record_fields__)
        cls.__repr__ = _repr
        if eq:
            cls.__eq__ = _eq
            cls.__hash__ = _hash if frozen else None
        if frozen:
            cls.__setattr__, cls.__delattr__ = _refuse_set, _refuse_delete
        return cls

    return make if cls is None else make(cls)


def _init(cls, found):
    """`__init__` for `found`, as straight-line code: arguments in field order, defaults after them."""
    names, lines, given, defaulted = {}, [], [], False
    for f in found:
        if f.default_factory is not MISSING:
            names[f"_make_{f.name}"] = f.default_factory
            value = f"_make_{f.name}()"
        elif f.default is not MISSING:
            names[f"_default_{f.name}"] = f.default
            value = f"_default_{f.name}"
        else:
            value = None
        if not f.init:
            lines.append(f"    d[{f.name!r}] = {value}")
            continue
        if value is None and defaulted:
            raise TypeError(f"{cls.__name__}: field {f.name!r} without a default follows one with a default")
        defaulted = value is not None
        if value is None:
            given.append(f.name)
            lines.append(f"    d[{f.name!r}] = {f.name}")
        elif f.default_factory is not MISSING:
            given.append(f"{f.name}=_MISSING")
            lines.append(f"    d[{f.name!r}] = {value} if {f.name} is _MISSING else {f.name}")
        else:
            given.append(f"{f.name}={value}")
            lines.append(f"    d[{f.name!r}] = {f.name}")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(given)}):\n    d = self.__dict__\n" + ("\n".join(lines) or "    pass") + "\n"
    scope = {"_MISSING": MISSING, **names}
    exec(source, scope)  # noqa: S102 - the grader's own field names, as dataclasses does
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(self) -> str:
    shown = ", ".join(f"{f.name}={self.__dict__.get(f.name)!r}" for f in type(self).__record_fields__ if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _values(self) -> tuple:
    return tuple(self.__dict__[f.name] for f in type(self).__record_fields__ if f.compare)


def _eq(self, other):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self) -> int:
    return hash(_values(self))


def _refuse_set(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")
