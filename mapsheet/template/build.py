"""Generate the standard plan workbook from the template description.

``templates/mutual-action-plan.xlsx`` is this module's output, committed; ``mapsheet template build``
rewrites it and a test fails when the two disagree. The look is meant for a seller to send to a buyer:
a title on each tab, one navy header row, light input cells, dropdowns for every closed list, dates as
"31 Mar 2026", frozen headers, filters, overdue rows in bold red and done rows greyed, a Gantt-style
Timeline driven by the milestone dates, and a print setup that fits a page's width.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.styles import Font as _Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .spec import SPEC, Field, Kind, Table, TemplateSpec

DATE_FORMAT = "d mmm yyyy"
NAVY = "1F3864"
INK = "262626"
MUTED = "595959"
INPUT_FILL = PatternFill("solid", fgColor="F7F9FC")
SECTION_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
OVERDUE_INK = "C00000"  # overdue rows: bold dark red text
DONE_INK = "8C8C8C"  # done rows: grey text
THIN = Side(style="thin", color="BFC9D9")
CELL_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

FONT_NAME = "Calibri"  # named on every styled cell: a cell with no font name prints in a serif fallback


def Font(**kwargs) -> _Font:  # noqa: N802  (stands in for openpyxl's Font)
    return _Font(name=FONT_NAME, **kwargs)


TITLE_ROW = 1  # 1-based rows, as openpyxl counts
DESCRIPTION_ROW = 2
HEADER_ROW = 3
FORMATTED_ROWS = 300  # validations and conditional formats reach this far below the header
TIMELINE_ROWS = 30
TIMELINE_WEEKS = 26
OVERVIEW_VERSION_NAME = "mapsheet_template_version"


def build_template(spec: TemplateSpec = SPEC) -> Workbook:
    """The empty standard plan workbook."""
    wb = Workbook()
    wb.remove(wb.active)
    overview_cells = _overview_sheet(wb.create_sheet(spec.overview.sheet), spec)
    for table in spec.tables:
        _table_sheet(wb.create_sheet(table.sheet), table)
    _timeline_sheet(wb.create_sheet("Timeline"), spec, overview_cells)
    _instructions_sheet(wb.create_sheet("Instructions"), spec)
    wb.active = 0
    wb.properties.title = "Mutual action plan"
    wb.properties.subject = "Sales mutual action plan"
    wb.properties.creator = "mapsheet"
    wb.properties.keywords = f"mutual action plan; mapsheet template {spec.version}"
    wb.custom_doc_props.append(StringProperty(name="mapsheet template version", value=spec.version))
    version_cell = overview_cells["template_version"]
    wb.defined_names[OVERVIEW_VERSION_NAME] = DefinedName(
        OVERVIEW_VERSION_NAME, attr_text=f"'{spec.overview.sheet}'!${version_cell[0]}${version_cell[1:]}")
    return wb


def write_template(path: str | Path, spec: TemplateSpec = SPEC) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from ..safeio import atomic_save_workbook

    atomic_save_workbook(build_template(spec), path)
    return path


# -- shared pieces -------------------------------------------------------------------------------------

def _title(ws: Worksheet, title: str, description: str, width_cols: int) -> None:
    ws.sheet_view.showGridLines = False
    ws.cell(TITLE_ROW, 1, title).font = Font(size=18, bold=True, color=NAVY)
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.cell(DESCRIPTION_ROW, 1, description).font = Font(italic=True, color=MUTED)
    ws.row_dimensions[DESCRIPTION_ROW].height = 20
    ws.cell(TITLE_ROW, 1).alignment = Alignment(vertical="center")


def _print_setup(ws: Worksheet, title_rows: str | None, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.right.text = "Mutual action plan"
    ws.oddFooter.left.text = "Confidential: shared between customer and vendor"
    ws.oddFooter.right.text = "Page &P of &N"


def _validation_for(f: Field, sqref: str) -> DataValidation | None:
    if f.kind is Kind.CHOICE:
        dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True,
                            showDropDown=False)
        dv.error = f"Pick one of: {', '.join(f.choices)}"
        dv.errorTitle = f.header
        dv.errorStyle = "warning"
    elif f.kind is Kind.DATE:
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.error = "Enter a date, e.g. 31 Mar 2026"
        dv.errorTitle = f.header
        dv.errorStyle = "warning"
    elif f.kind is Kind.NUMBER:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Enter a number"
        dv.errorTitle = f.header
        dv.errorStyle = "warning"
    else:
        return None
    if f.help:
        dv.prompt = f.help
        dv.promptTitle = f.header
    dv.add(sqref)
    return dv


# -- Overview -------------------------------------------------------------------------------------------

def _overview_sheet(ws: Worksheet, spec: TemplateSpec) -> dict[str, str]:
    """Labels in column A, values in column B. Returns field key -> value cell ('B5')."""
    ov = spec.overview
    _title(ws, ov.title, "A shared plan between the customer and the vendor: why, what, who and when.", 2)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 70
    cells: dict[str, str] = {}
    row = HEADER_ROW + 1
    ws.cell(DESCRIPTION_ROW + 1, 1, "Labels in bold are the ones the plan needs most.").font = \
        Font(italic=True, color=MUTED, size=9)
    for section in ov.sections:
        if section.title == TOOL_SECTION:
            row = _tool_section(ws, section, row, cells)
            continue
        head = ws.cell(row, 1, section.title)
        head.font = Font(bold=True, color=NAVY, size=12)
        for col in (1, 2):
            ws.cell(row, col).fill = SECTION_FILL
        ws.row_dimensions[row].height = 20
        row += 1
        for f in section.fields:
            label = ws.cell(row, 1, f.header)
            label.font = Font(bold=f.required, color=INK)
            label.alignment = Alignment(vertical="top")
            value = ws.cell(row, 2)
            value.fill = INPUT_FILL
            value.border = CELL_BORDER
            value.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
            if f.kind is Kind.DATE:
                value.number_format = DATE_FORMAT
            elif f.kind is Kind.NUMBER:
                value.number_format = "#,##0"
            if f.key == "template_version":
                value.value = spec.version
                value.font = Font(color=MUTED)
            if f.key in ("goals", "compelling_event", "success_criteria"):
                ws.row_dimensions[row].height = 48
            dv = _validation_for(f, value.coordinate)
            if dv is None and f.help:
                dv = DataValidation(type=None, allow_blank=True, showInputMessage=True)
                dv.prompt, dv.promptTitle = f.help, f.header
                dv.add(value.coordinate)
            if dv is not None:
                ws.add_data_validation(dv)
            cells[f.key] = value.coordinate
            row += 1
        row += 1
    ws.freeze_panes = "A4"
    _print_setup(ws, None, landscape=False)
    ws.sheet_properties.tabColor = NAVY
    return cells


TOOL_SECTION = "Checks"  # the Overview section only the seller's tools read: hidden, and not printed


def _tool_section(ws: Worksheet, section, row: int, cells: dict[str, str]) -> int:
    """The seller's settings for mapsheet ("Ignore checks"): rows grouped and hidden at the bottom of the
    Overview, so a buyer neither sees nor prints them; a seller opens them with the + in the margin."""
    rows = [row] + [row + 1 + i for i in range(len(section.fields))]
    ws.cell(row, 1, f"{section.title} (for the vendor's plan checker)").font = Font(bold=True, color=MUTED)
    for f, r in zip(section.fields, rows[1:]):
        ws.cell(r, 1, f.header).font = Font(color=MUTED)
        value = ws.cell(r, 2)
        value.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
        value.font = Font(color=MUTED)
        if f.help:
            dv = DataValidation(type=None, allow_blank=True, showInputMessage=True)
            dv.prompt, dv.promptTitle = f.help, f.header
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
        cells[f.key] = value.coordinate
    for r in rows:
        ws.row_dimensions[r].outlineLevel = 1
        ws.row_dimensions[r].hidden = True
    ws.sheet_properties.outlinePr.summaryBelow = False
    return rows[-1] + 2


# -- table tabs -----------------------------------------------------------------------------------------

def _table_sheet(ws: Worksheet, table: Table) -> None:
    _title(ws, table.title, table.description, len(table.fields))
    first, last = HEADER_ROW + 1, HEADER_ROW + FORMATTED_ROWS
    for col, f in enumerate(table.fields, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = f.width
        head = ws.cell(HEADER_ROW, col, f.header)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = HEADER_FILL
        head.alignment = Alignment(vertical="center", wrap_text=True)
        head.border = CELL_BORDER
        for r in range(first, first + max(table.example_rows, 1)):
            c = ws.cell(r, col)
            c.border = CELL_BORDER
            c.alignment = Alignment(vertical="top", wrap_text=f.kind is Kind.TEXT)
            if f.kind is Kind.DATE:
                c.number_format = DATE_FORMAT
        dv = _validation_for(f, f"{letter}{first}:{letter}{last}")
        if dv is not None:
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = 22
    last_letter = get_column_letter(len(table.fields))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{HEADER_ROW + table.example_rows}"
    ws.freeze_panes = f"A{first}"
    _row_rules(ws, table, f"A{first}:{last_letter}{last}", first)
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def _row_rules(ws: Worksheet, table: Table, sqref: str, first: int) -> None:
    """Overdue rows red, done rows grey: computed by Excel from the row itself, so they stay true."""
    keys = [f.key for f in table.fields]
    if "status" not in keys:
        return
    status = f"${get_column_letter(keys.index('status') + 1)}{first}"
    # Font colours only: a conditional fill would hide the fill mapsheet's check puts on a cell to fix
    # (conditional formatting wins over a cell's own fill), so an overdue Due cell's mark would not show.
    done = FormulaRule(formula=[f'OR({status}="Done",{status}="Cancelled",{status}="Closed",{status}="Mitigated")'],
                       font=Font(color=DONE_INK), stopIfTrue=True)
    ws.conditional_formatting.add(sqref, done)
    if "due" in keys:
        due = f"${get_column_letter(keys.index('due') + 1)}{first}"
        overdue = FormulaRule(formula=[f'AND(ISNUMBER({due}),{due}<TODAY())'], font=Font(color=OVERDUE_INK, bold=True))
        ws.conditional_formatting.add(sqref, overdue)


# -- Timeline -------------------------------------------------------------------------------------------

def _timeline_sheet(ws: Worksheet, spec: TemplateSpec, overview_cells: dict[str, str]) -> None:
    """A Gantt view: one row per milestone (pulled by formula), one column per week, bars by formatting."""
    ms = spec.table("milestones")
    keys = [f.key for f in ms.fields]
    _title(ws, "Timeline", "Milestones week by week; bars follow the dates on the Milestones tab. "
                           "Blue: planned, green: done, red: overdue, yellow column: this week, navy line: close date.", 6)
    cols = [("id", "ID", 6), ("name", "Milestone", 30), ("side", "Side", 9), ("start", "Start", 11),
            ("due", "Due", 11), ("status", "Status", 11)]
    header = HEADER_ROW + 1
    first, last = header + 1, header + TIMELINE_ROWS
    close_ref = f"'{spec.overview.sheet}'!${overview_cells['close_date'][0]}${overview_cells['close_date'][1:]}"
    ws.cell(HEADER_ROW, 4, "Close date").font = Font(bold=True, color=NAVY)
    close = ws.cell(HEADER_ROW, 5, f'=IF({close_ref}="","",{close_ref})')
    close.number_format = DATE_FORMAT
    close.font = Font(bold=True, color=NAVY)
    for i, (key, text, width) in enumerate(cols, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        h = ws.cell(header, i, text)
        h.font, h.fill, h.border = Font(bold=True, color="FFFFFF"), HEADER_FILL, CELL_BORDER
        src = get_column_letter(keys.index(key) + 1)
        for r in range(first, last + 1):
            ms_row = HEADER_ROW + 1 + (r - first)
            ref = f"'{ms.sheet}'!{src}{ms_row}"
            c = ws.cell(r, i, f'=IF({ref}="","",{ref})')
            c.border = CELL_BORDER
            c.font = Font(size=9)
            if key in ("start", "due"):
                c.number_format = "d mmm"
    week0 = len(cols) + 1
    span = f"$D${first}:$E${last}"
    for w in range(TIMELINE_WEEKS):
        col = week0 + w
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 4.2
        if w == 0:
            formula = (f"=IF(COUNT({span})=0,TODAY()-WEEKDAY(TODAY(),3),"
                       f"MIN({span})-WEEKDAY(MIN({span}),3))")
        else:
            formula = f"={get_column_letter(col - 1)}{header}+7"
        h = ws.cell(header, col, formula)
        h.number_format = "d mmm"
        h.font, h.fill = Font(bold=True, color="FFFFFF", size=8), HEADER_FILL
        h.alignment = Alignment(text_rotation=90, horizontal="center")
        for r in range(first, last + 1):
            ws.cell(r, col).border = Border(left=Side(style="hair", color="D9D9D9"), bottom=Side(style="hair", color="D9D9D9"))
    ws.row_dimensions[header].height = 42
    g0, gl = get_column_letter(week0), get_column_letter(week0 + TIMELINE_WEEKS - 1)
    grid = f"{g0}{first}:{gl}{last}"
    wk = f"{g0}${header}"
    in_bar = f'$E{first}<>"",{wk}+6>=IF($D{first}="",$E{first},$D{first}),{wk}<=$E{first}'
    rules = [
        (f'AND({in_bar},$F{first}="Done")', "A9D18E"),
        (f'AND({in_bar},$E{first}<TODAY(),$F{first}<>"Done",$F{first}<>"Cancelled")', "E06666"),
        (f"AND({in_bar})", "6F9FD8"),
        (f'AND($E${HEADER_ROW}<>"",$E${HEADER_ROW}>={wk},$E${HEADER_ROW}<{wk}+7)', NAVY),
        (f"AND(TODAY()>={wk},TODAY()<{wk}+7)", "FFF2CC"),
    ]
    for formula, colour in rules:
        ws.conditional_formatting.add(grid, FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor=colour),
                                                        stopIfTrue=True))
    ws.freeze_panes = ws.cell(first, week0).coordinate
    _print_setup(ws, f"{header}:{header}")


# -- Instructions -----------------------------------------------------------------------------------------

INSTRUCTIONS_WIDTH = 92  # one column, printed portrait on A4 at full size
INSTRUCTIONS = (  # (heading, paragraphs): written for the buyer who receives the plan
    ("What this plan is for", (
        "This workbook is the one plan both our teams keep for this purchase: your goals in your words, the "
        "milestones to a decision, and the actions each side has agreed to, with names and dates. Both sides "
        "edit it, and we walk through it together at every check-in.",
    )),
    ("The tabs", (
        "Overview: the deal, your goals, the compelling event (why now) and what success looks like.",
        "Milestones: the few big steps to a decision and signature, each with an owner side, a named owner "
        "and a date.",
        "Actions: the tasks under each milestone. Each has one named owner, a party (Vendor or Customer), a "
        "due date and a status.",
        "Stakeholders: the people on both sides who take part in the decision, and their role in it.",
        "Risks: what could delay or stop the purchase, each with a mitigation and an owner.",
        "Check-ins: each meeting, its decisions and next steps, and the date of the next one.",
        "Outcomes: how we will measure success: the baseline, the target and when it is measured.",
        "Timeline: the milestones week by week, drawn from the Milestones tab by itself.",
    )),
    ("Keeping it up to date", (
        "Update the status of your own actions as they move: Not started, In progress, Blocked, Done or "
        "Cancelled, and set 'Completed on' when an item is done. Overdue rows turn bold red and done rows grey "
        "by themselves.",
        "When a date no longer works, change it and say why in Notes rather than leaving the row overdue.",
        "Add rows, and columns of your own, as you need; please keep the tab names and the column headers.",
    )),
    ("Notes and colours from the plan check", (
        "We may check this plan with a tool named mapsheet before a check-in. It adds a 'Plan check' tab, a "
        "note (below the line '— mapsheet —') and a colour on cells worth a look. They are suggestions for "
        "both sides; we remove them with 'mapsheet clean'. Your own values, notes and colours are never "
        "changed.",
    )),
)


def _instructions_sheet(ws: Worksheet, spec: TemplateSpec) -> None:
    from ..styles import LINE_HEIGHT, PROSE_CHARS, text_lines

    _title(ws, "How this plan works", f"A mutual action plan, template version {spec.version}.", 1)
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    row = HEADER_ROW + 1
    for heading, paragraphs in INSTRUCTIONS:
        c = ws.cell(row, 1, heading)
        c.font = Font(bold=True, color=NAVY, size=12)
        ws.row_dimensions[row].height = 22
        row += 1
        for text in paragraphs:
            c = ws.cell(row, 1, text)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            c.font = Font(color=INK)
            # a little more than one line each: paragraphs stay apart, and nothing is cut in print
            ws.row_dimensions[row].height = LINE_HEIGHT * text_lines(text, INSTRUCTIONS_WIDTH * PROSE_CHARS) + 4
            row += 1
        row += 1
    _print_setup(ws, None, landscape=False)
    ws.print_options.horizontalCentered = False
