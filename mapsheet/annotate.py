"""A check result as edits: notes and colours on the offending cells, and the "Plan check" sheet.

Pure core: it decides what to mark and how the summary sheet reads; a backend (file, live Excel,
Google Sheets) applies the same list. The list always starts with ``ClearOwnMarks``, so annotating a
plan twice gives the same workbook as annotating it once.
"""

from __future__ import annotations

from collections import defaultdict

from .check import CheckResult
from .edits import CHECK_SHEET, Cell, ClearOwnMarks, Edit, ReplaceSheet, SetFill, SetNote
from .grid import Location
from .levels import SEVERITY_FILLS
from .rules.base import Band, Family, Finding, Severity
from .verdict import State, understood_line

SEVERITY_ICON = {Severity.ERROR: "✖", Severity.WARNING: "▲", Severity.INFO: "●"}
BAND_STYLE = {band: "band-" + band.value.lower().replace(" ", "-") for band in Band}
#: How a dimension's state reads on the sheet (the severity styles: red failing, yellow weak...).
STATE_STYLE = {State.OK: "muted", State.WEAK: "warning", State.FAILING: "error", State.NOT_READ: "error"}
BAR_WIDTH = 20
COLUMN_WIDTHS = (26, 12, 28, 16, 82, 10)


def plan_edits(result: CheckResult, sheet_names: list[str] | None = None) -> list[Edit]:
    """The edits that annotate a plan with ``result``. Findings on sheets the workbook does not have
    (a missing tab) appear only on the Plan check sheet."""
    existing = set(sheet_names if sheet_names is not None else result.plan.sheet_names)
    edits: list[Edit] = [ClearOwnMarks()]
    by_cell: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    for f in result.findings:
        cell = marked_cell(f.location)
        if cell is not None and cell[0] in existing:
            by_cell[cell].append(f)
    for (sheet, row, col), findings in sorted(by_cell.items()):
        worst = max(findings, key=lambda f: f.severity.rank)
        edits.append(SetNote(sheet, row, col, "\n".join(note_line(f) for f in findings)))
        edits.append(SetFill(sheet, row, col, SEVERITY_FILLS[worst.severity.value]))
    edits.append(check_sheet(result, existing))
    return edits


def marked_cell(location: Location) -> tuple[str, int, int] | None:
    """The cell a finding is marked on: its own, or the first of its row (a header-row finding)."""
    if location.row is None:
        return None
    return location.sheet, location.row, location.col if location.col is not None else 0


def note_line(f: Finding) -> str:
    return f"{SEVERITY_ICON[f.severity]} {f.code} {f.name}: {f.message}"


def check_sheet(result: CheckResult, existing: set[str]) -> ReplaceSheet:
    score, plan = result.score, result.plan
    rows: list[tuple[Cell, ...]] = []
    merges: list[tuple[int, int, int, int]] = []
    findings_header = None  # the row of the findings table's header: printed again atop every page

    def add(*cells: Cell, span_from: int | None = None) -> None:
        """Add a row; ``span_from`` merges that cell across the rest of the sheet's width (long text)."""
        if span_from is not None:
            merges.append((len(rows), span_from, len(rows), len(COLUMN_WIDTHS) - 1))
        rows.append(tuple(cells))

    deal, customer = (str(v or "") for v in (plan.field("deal"), plan.field("customer")))
    # The customer once: a deal is often named after it ("Acme – Analytics platform").
    title = " – ".join(v for v in (deal, "" if customer.casefold() in deal.casefold() else customer) if v) \
        or "Mutual action plan"
    add(Cell("Plan check", "title"))
    add(Cell(title, "subtitle"), span_from=0)
    add()
    add(Cell("Score", "label"), Cell(score.total, "score"), Cell(f"/ 100   grade {score.grade}", "muted"),
        Cell(score.band.value, BAND_STYLE[score.band]))
    add(Cell("Why", "label"), Cell("\n".join(score.band_reasons), "wrap"), span_from=1)
    add(Cell("Read", "label"), Cell(understood_line(result.understood), "wrap"), span_from=1)
    counts = ", ".join(f"{result.count(s)} {s.value}{'s' if result.count(s) != 1 else ''}" for s in Severity)
    add(Cell("Findings", "label"), Cell(counts), span_from=1)
    add(Cell("Checked", "label"),
        Cell(f"{result.checked_at:%d %b %Y %H:%M} by mapsheet {result.version}, judged as of "
             f"{result.today:%d %b %Y}, settings: {result.config_source}", "muted"), span_from=1)
    add()
    add(Cell("The guide's core dimensions", "section"))
    add(Cell("Dimension", "header"), Cell("State", "header"), Cell("Points", "header"), Cell("", "header"),
        Cell("Why", "header"), Cell("", "header"))
    for d in score.dimensions:
        add(Cell(d.dimension.title), Cell(d.state.value, STATE_STYLE[d.state]),
            Cell(-round(d.lost, 1) if d.lost else None, "number"), Cell(None), Cell(d.why or None, "wrap"))
    if score.band_lost:
        add(Cell("The band itself"), Cell(score.band.value, "muted"), Cell(-round(score.band_lost, 1), "number"),
            Cell(None), Cell("a plan that is not On track keeps only a share of its points, so the score and the "
                             "band tell the same story", "wrap"))
    add()
    add(Cell("Breakdown by family", "section"))
    add(Cell("Family", "header"), Cell("Points", "header"), Cell("Kept", "header"), Cell("", "header"),
        Cell("", "header"), Cell("Findings", "header"))
    for fs in score.families:
        if fs.weight == 0:
            continue
        filled = round(fs.share * BAR_WIDTH)
        add(Cell(fs.family.title), Cell(f"{fs.score:.0f} / {fs.weight:.0f}"), Cell(fs.share, "percent"),
            Cell("█" * filled or None, "bar"), Cell(None), Cell(fs.findings or None, "number"))
    add()
    add(Cell(f"What to fix ({len(result.findings)})", "section"))
    if result.findings:
        findings_header = len(rows)
        add(*(Cell(h, "header") for h in ("Severity", "Code", "Check", "Where", "What to do", "Points")))
        for f in _ordered(result.findings):
            add(Cell(f.severity.value, f.severity.value), Cell(f.code), Cell(f.name),
                _where(f.location, existing), Cell(f.message, "wrap"),
                Cell(round(f.points, 1) or None))
    else:
        add(Cell("Nothing: this plan follows every check.", "muted"))
    if result.suppressed:
        add()
        add(Cell(f"Silenced on purpose ({len(result.suppressed)})", "section"))
        for f in result.suppressed:
            add(Cell(f.severity.value, "muted"), Cell(f.code, "muted"), Cell(f.name, "muted"),
                _where(f.location, existing), Cell(f.message, "muted"))
    add()
    add(Cell("Cells with a finding carry a note (below '— mapsheet —') and a colour: red error, yellow warning, "
             "blue info. `mapsheet clean` (or `mapsheet excel clear` in Excel) removes them all; your own values, notes and colours "
             "are never changed. To silence a check on purpose, put its code in 'Ignore checks' on the Overview, "
             "or write 'mapsheet: ignore CODE' in a row's Notes.", "note"), span_from=0)
    return ReplaceSheet(CHECK_SHEET, 0, tuple(rows), COLUMN_WIDTHS, tab_color="1F3864", merges=tuple(merges),
                        repeat_rows=None if findings_header is None else (findings_header, findings_header))


def _ordered(findings: list[Finding]) -> list[Finding]:
    family_order = {f: i for i, f in enumerate(Family)}
    return sorted(findings, key=lambda f: (-f.severity.rank, family_order[f.family], f.code, f.location))


def _where(location: Location, existing: set[str]) -> Cell:
    """The finding's place, linked to its cell when the sheet exists (a missing tab has nowhere to go)."""
    if location.sheet not in existing:
        return Cell(f"{location} (missing)")
    cell = marked_cell(location)
    target = Location(location.sheet, cell[1], cell[2]) if cell else Location(location.sheet, 0, 0)
    return Cell(str(location), "link", link=target)
