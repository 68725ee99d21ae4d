"""The pass/fail bar of ``mapsheet check`` (``--fail-under``, ``--fail-on``) and why a plan fell under it.

A gate on a schedule must say which plans failed and why, not only exit 1: ``reasons`` returns the
sentences a gate prints, and ``passes`` is "no reason". Pure: no terminal, no file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .check import CheckResult
from .rules.base import Band, Finding, Severity

NEVER = "never"
FAIL_ON_CHOICES = tuple(s.value for s in Severity) + (NEVER,)


@dataclass(frozen=True)
class Gate:
    fail_under: int | None = None  # a score under this fails
    fail_on: str = Severity.ERROR.value  # a finding at or above this severity fails; "never": none does

    def tripping(self, result: CheckResult) -> list[Finding]:
        """The findings at or above ``fail_on``, worst first."""
        if self.fail_on == NEVER:
            return []
        bar = Severity(self.fail_on).rank
        return sorted((f for f in result.findings if f.severity.rank >= bar), key=lambda f: -f.severity.rank)

    def under(self, result: CheckResult) -> bool:
        return self.fail_under is not None and result.score.total < self.fail_under

    def reasons(self, result: CheckResult) -> list[str]:
        """Why ``result`` fails this gate, one sentence per bar it falls under; empty when it passes."""
        out = []
        if result.score.band is Band.NOT_CHECKABLE and self.fail_on != NEVER:
            out.append("Not checkable: mapsheet found nothing it could judge in this plan "
                       f"[--fail-on {self.fail_on}]")
        if self.under(result):
            out.append(f"scored {result.score.total}, under --fail-under {self.fail_under}")
        tripping = self.tripping(result)
        if tripping:
            first = tripping[0]
            more = f" (and {len(tripping) - 1} more)" if len(tripping) > 1 else ""
            out.append(f"{first.severity.value} {first.code} at {first.location}: {first.message}{more} "
                       f"[--fail-on {self.fail_on}]")
        return out

    def passes(self, result: CheckResult) -> bool:
        return not self.reasons(result)

    def describe(self) -> str:
        """The bar in words, for a summary line."""
        parts = [f"--fail-under {self.fail_under}"] if self.fail_under is not None else []
        parts.append(f"--fail-on {self.fail_on}")
        return ", ".join(parts)
