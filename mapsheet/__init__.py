"""mapsheet: check, score, annotate and roll up sales mutual action plans kept in spreadsheets."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from ._version import __version__

#: Where each public name is defined. Each is imported on first use (PEP 562), so that a command that needs
#: little (a re-sync with nothing changed, ``--version``) does not import the whole checker first.
_EXPORTS = {
    "check": ".api", "read_plan": ".api",
    "CheckResult": ".check",
    "ConfigError": ".errors", "MapsheetError": ".errors", "NotAPlan": ".errors",
    "UnreadableWorkbook": ".errors", "WorkbookBusy": ".errors",
    "Location": ".grid",
    "Plan": ".model", "Problem": ".model", "ProblemKind": ".model", "Record": ".model",
}

if TYPE_CHECKING:
    from .api import check, read_plan
    from .check import CheckResult
    from .errors import ConfigError, MapsheetError, NotAPlan, UnreadableWorkbook, WorkbookBusy
    from .grid import Location
    from .model import Plan, Problem, ProblemKind, Record


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    setattr(sys.modules[__name__], name, value)
    return value


class _Package(types.ModuleType):
    """``mapsheet.check`` is the function ``api.check`` (as it always was), not the submodule ``mapsheet.check``
    that Python binds on the package when the submodule is first imported (``from mapsheet.check import ...``
    still finds the submodule)."""

    def __setattr__(self, name: str, value) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "CheckResult",
    "ConfigError",
    "Location",
    "MapsheetError",
    "NotAPlan",
    "Plan",
    "Problem",
    "ProblemKind",
    "Record",
    "UnreadableWorkbook",
    "WorkbookBusy",
    "__version__",
    "check",
    "read_plan",
]
