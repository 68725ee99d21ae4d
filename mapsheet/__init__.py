"""mapsheet: check, score, annotate and roll up sales mutual action plans kept in spreadsheets."""

from .api import read_plan
from .errors import ConfigError, MapsheetError, NotAPlan, UnreadableWorkbook, WorkbookBusy
from .grid import Location
from .model import Plan, Problem, ProblemKind, Record

__version__ = "0.1.0"

__all__ = [
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
    "read_plan",
]
