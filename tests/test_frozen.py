"""``frozen`` and ``quick`` share one repr among their classes (rather than compiling one for each at import): it must
read as the repr ``dataclass(frozen=True)`` compiles, whatever the fields ask."""

from __future__ import annotations

import dataclasses

from mapsheet.frozen import frozen, quick
from mapsheet.levels import Family
from mapsheet.rules.base import Finding, Severity
from mapsheet.grid import Location


@dataclasses.dataclass(frozen=True)
class Plain:
    a: object
    b: str = "x"
    hidden: int = dataclasses.field(default=0, repr=False)


def test_the_shared_repr_reads_as_the_dataclasss_own():
    for make in (quick, frozen):
        @make
        class Made:
            a: object
            b: str = "x"
            hidden: int = dataclasses.field(default=0, repr=False)

        for a in (1, "it's", None, [1, {"k": (2.5,)}], Location("Actions", 3, 4)):
            assert repr(Made(a, "y", 7)) == repr(Plain(a, "y", 7)).replace("Plain", Made.__qualname__)
        made, plain = Made([]), Plain([])
        made.a.append(made)
        plain.a.append(plain)  # a value holding the object itself: shown as "..." where it recurs
        assert repr(made) == repr(plain).replace("Plain", Made.__qualname__) == f"{Made.__qualname__}(a=[...], b='x')"

        @make
        class Own:
            a: int

            def __repr__(self) -> str:
                return "own"

        assert repr(Own(1)) == "own"  # a repr of the class's own is kept, as the dataclass keeps it


def test_a_finding_reads_as_before():
    finding = Finding("MAP201", "action-owner-missing", Severity.ERROR, Family.SPECIFIC, "m", Location("Actions", 3, 4))
    shown = ", ".join(f"{f.name}={getattr(finding, f.name)!r}" for f in dataclasses.fields(finding) if f.repr)
    assert repr(finding) == f"Finding({shown})" and repr(finding).startswith("Finding(code='MAP201', ")
