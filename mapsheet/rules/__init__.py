"""The rule catalogue. See ``registry`` for how rules are declared and ``base`` for what they report."""

from .base import Band, Context, Family, Finding, Hit, Rule, RuleDoc, Severity
from .registry import all_rules, find_rule, rule

__all__ = ["Band", "Context", "Family", "Finding", "Hit", "Rule", "RuleDoc", "Severity", "all_rules",
           "find_rule", "rule"]
