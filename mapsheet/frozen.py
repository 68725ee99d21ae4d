"""Frozen dataclasses made with fewer compiled methods: Python 3.11 compiles each method a dataclass makes, at
import, and a reading process imports dozens of these classes before it reads its first plan."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def quick(cls: type[T]) -> type[T]:
    """``cls`` made a frozen dataclass with an ``__init__`` that fills the instance's dict directly, instead of the
    generated one's ``object.__setattr__`` per field (five times slower; a check makes dozens of these
    objects a plan). Python 3.11 compiles each method a dataclass makes, at import: the dataclass's own
    ``__init__`` is not made, and the two methods that refuse a change (``_refuse_set``, ``_refuse_delete``) are
    shared by these classes rather than made for each; equality and hashing are the frozen dataclass's. Its
    fields must have no default factory."""
    cls = dataclass(init=False, unsafe_hash=True)(cls)
    cls.__setattr__, cls.__delattr__ = _refuse_set, _refuse_delete  # type: ignore[method-assign, assignment]
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING or not f.init for f in fields):
        raise TypeError(f"{cls.__name__}: quick() takes fields with plain defaults only")
    defaults = {f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    params = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields)
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fields)
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, {params}):\n    d = self.__dict__\n{body}", defaults, namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
