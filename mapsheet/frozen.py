"""Frozen dataclasses made with fewer compiled methods: Python 3.11 compiles each method a dataclass makes, at
import, and a reading process imports dozens of these classes before it reads its first plan.

``frozen`` and ``quick`` each make ``cls`` a frozen dataclass whose equality, hashing, repr and refusals of a
change are the ones ``dataclass(frozen=True)`` makes, but the repr (``_repr``, seldom called) and the two methods
that refuse a change (``_refuse_set``, ``_refuse_delete``) are shared by every such class rather than compiled for
each. Their fields must have no default factory."""

from __future__ import annotations

import dataclasses
import reprlib
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def frozen(cls: type[T]) -> type[T]:
    """``cls`` made a frozen dataclass whose ``__init__`` sets each field as the dataclass's own does (through
    ``object.__setattr__``, which keeps the fields where Python 3.11 reads them fastest): for objects read far
    more often than they are made (the template, the rules, the reading limits, a plan's problems)."""
    return _made(cls, "    _set(self, {name!r}, {name})\n")


def quick(cls: type[T]) -> type[T]:
    """``cls`` made a frozen dataclass with an ``__init__`` that fills the instance's dict directly, instead of
    ``object.__setattr__`` per field (five times slower, but the fields are then read from a plain dict): for
    objects made dozens of times a plan and read a few times (hits, findings, scores)."""
    return _made(cls, "    d[{name!r}] = {name}\n", "    d = self.__dict__\n")


def _made(cls: type[T], each: str, first: str = "") -> type[T]:
    """``cls`` a dataclass with its equality and hashing, the shared refusals of a change, and an ``__init__``
    whose body sets each field by ``each`` (after ``first``)."""
    cls = dataclass(init=False, repr=False, unsafe_hash=True)(cls)
    if "__repr__" not in cls.__dict__:  # as the dataclass leaves a repr of the class's own
        cls.__repr__ = _repr  # type: ignore[method-assign]
    cls.__setattr__, cls.__delattr__ = _refuse_set, _refuse_delete  # type: ignore[method-assign, assignment]
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields):
        raise TypeError(f"{cls.__name__}: fields with plain defaults only")
    defaults: dict[str, Any] = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    defaults["_set"] = object.__setattr__
    params = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields)
    body = first + "".join(each.format(name=f.name) for f in fields)
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, {params}):\n{body or '    pass'}\n", defaults, namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    """The dataclass's repr: ``Name(field=value, ...)``, each field that asks to be shown."""
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
