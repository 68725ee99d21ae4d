"""mapsheet: check, score, annotate and roll up sales mutual action plans kept in spreadsheets."""

from .api import check, read_plan
from .check import CheckResult
from .errors import ConfigError, MapsheetError, NotAPlan, UnreadableWorkbook, WorkbookBusy
from .grid import Location
from .model import Plan, Problem, ProblemKind, Record

from ._version import __version__

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
