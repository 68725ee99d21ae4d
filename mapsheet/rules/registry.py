"""The rule catalogue: ``@rule`` registers a rule; ``all_rules()`` lists them by code.

Codes are stable and never reused after a rule is removed (see ``RETIRED``). The first digit of a code
names its family: MAP0xx structure, 1 completeness, 2 specific and actionable, 3 mutual ownership,
4 realistic timelines, 5 stakeholders, 6 obstacles, 7 cadence and freshness, 8 follow-through,
9 simplicity.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Callable, Iterable

from ..levels import CODE_PREFIX
from .base import Family, Hit, Rule, RuleDoc, Severity

_RULES: dict[str, Rule] = {}
#: Codes of removed rules: never to be given to a new rule.
RETIRED: frozenset[str] = frozenset()
FAMILY_MODULES = ("structure", "completeness", "specific", "ownership", "timelines", "stakeholders",
                  "obstacles", "cadence", "follow_through", "simplicity")
FAMILY_DIGIT = {Family.STRUCTURE: "0", Family.COMPLETENESS: "1", Family.SPECIFIC: "2", Family.OWNERSHIP: "3",
                Family.TIMELINES: "4", Family.STAKEHOLDERS: "5", Family.OBSTACLES: "6", Family.CADENCE: "7",
                Family.FOLLOW_THROUGH: "8", Family.SIMPLICITY: "9"}


def rule(code: str, name: str, family: Family, severity: Severity, *, why: str, bad: str, good: str, fix: str,
         settings: tuple[str, ...] = ()) -> Callable:
    """Register a rule. The function's docstring's first line is its one-line summary."""

    def register(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if code in _RULES or code in RETIRED:
            raise ValueError(f"rule code {code} is already taken")
        if not (code.startswith(CODE_PREFIX) and len(code) == 6 and code[3] == FAMILY_DIGIT[family]):
            raise ValueError(f"{code}: a {family.value} rule's code is MAP{FAMILY_DIGIT[family]}xx")
        summary = (inspect.getdoc(func) or "").splitlines()[0] if func.__doc__ else ""
        if not summary:
            raise ValueError(f"{code}: the rule function needs a docstring (its summary)")
        _RULES[code] = Rule(code, name, family, severity, summary, RuleDoc(why, bad, good, fix), settings, func)
        return func

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, in code order."""
    for module in FAMILY_MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return dict(sorted(_RULES.items()))


def registered() -> dict[str, Rule]:
    """The rules registered so far, in registration order (``all_rules`` loads and sorts the catalogue)."""
    return _RULES


def find_rule(code_or_name: str) -> Rule | None:
    rules = all_rules()
    key = code_or_name.strip()
    if key.upper() in rules:
        return rules[key.upper()]
    return next((r for r in rules.values() if r.name == key.lower()), None)
