"""Apply an edit list to an .xlsx/.xlsm file with openpyxl, and save it safely.

What this backend promises (tested with a full dump of the workbook before and after):
- the user's values, formulas, notes, fills, validations, conditional formats, names, widths, panes and
  the macros of .xlsm files (``keep_vba``) are untouched; only mapsheet's own marks change;
- mapsheet's note text sits below ``NOTE_MARKER`` (a user's note above it is kept); the fill a cell had
  before mapsheet coloured it is remembered in the hidden ``STATE_SHEET`` (the same layout the live-Excel
  backend uses: sheet | cell | fill as RRGGBB, plus the exact openpyxl fill in a fourth column), so
  ``ClearOwnMarks`` restores it exactly;
- a workbook holding what openpyxl cannot carry through a save (charts, images, threaded comments,
  extended validations or formats) is refused rather than silently damaged;
- the file is replaced atomically, and never while Excel has it open.
"""

from __future__ import annotations

import hashlib
import json
import re
from copy import copy
from dataclasses import replace
import warnings
import zipfile
from pathlib import Path
from typing import Iterable

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..edits import CHECK_SHEET, NOTE_AUTHOR, STATE_HEADER, STATE_SHEET, Edit, ReplaceSheet, SetFill, SetNote, \
    own_note_part
from ..errors import UnreadableWorkbook, display_path
from ..safeio import atomic_write, ensure_not_open
from ..safetext import xml_safe
from ..grid import a1, parse_a1
from .base import FillState, MarkingWriter, ReservedTab, StateRows, apply_all, own_note_text
from .xlsx_fidelity import AnnotationUnsafe, keep_cached_results, refuse_losses
from .xlsx_guard import Limits, inspect
from ..styles import FORMATS, LINE_HEIGHT, PROSE_CHARS, text_lines

# plus, for this backend, the exact openpyxl fill and a fingerprint of the cell's row (its values), by which
# a remembered fill follows its row when rows are inserted or deleted above it
FILE_STATE_HEADER = (*STATE_HEADER, "xlsx fill", "row")
ACTIVE_LABEL_CELL, ACTIVE_CELL = "F1", "G1"  # the tab to show again once the marks are cleared
NOTE_SIZE = (320, 140)  # points: wide enough for a finding or two
# Parts of a package that openpyxl drops on save: refusing beats losing the user's work.
_FRAGILE_PARTS = {"xl/charts/": "charts", "xl/media/": "images", "xl/threadedComments/": "threaded comments",
                  "xl/pivotTables/": "pivot tables", "xl/slicers/": "slicers", "xl/diagrams/": "SmartArt"}


def load_for_edit(path: Path) -> openpyxl.Workbook:
    """Load a workbook to change it, refusing what a save would damage: the reader's guards first (nothing
    hostile reaches openpyxl), then what openpyxl would drop or change (``xlsx_fidelity``)."""
    package = inspect(path, Limits.from_settings())
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    lost = sorted({what for prefix, what in _FRAGILE_PARTS.items() if any(n.startswith(prefix) for n in names)})
    if lost:
        raise AnnotationUnsafe(f"{path}: the workbook has {', '.join(lost)}, which mapsheet's file writer cannot keep; "
                               "use the Excel 'Check plan' button, or check without --annotate")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True,
                                        rich_text=True)
        except Exception as exc:  # openpyxl's errors on damaged parts are its own types (and KeyErrors)
            raise UnreadableWorkbook(path, f"the workbook could not be opened for editing ({type(exc).__name__}: "
                                           f"{exc}); nothing was written") from None
    refuse_losses(path, wb, package)
    dropped = [str(w.message) for w in caught
               if "will be removed" in str(w.message) or "not supported" in str(w.message)]
    if dropped:
        raise AnnotationUnsafe(f"{path}: openpyxl would change this workbook on save ({dropped[0]}); "
                               "use the Excel 'Check plan' button instead")
    _regenerate_comment_drawings(wb, path)
    return wb


def _regenerate_comment_drawings(wb: openpyxl.Workbook, path: Path) -> None:
    """With keep_vba, openpyxl re-reads each sheet's legacy (VML) drawing from the original file and
    can write it twice or look for one that is gone. When those drawings hold only note shapes, let
    openpyxl draw the notes afresh; a drawing with form controls (macro buttons) is not ours to redraw."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for ws in wb.worksheets:
            drawing = ws.legacy_drawing
            if not drawing:
                continue
            if drawing in names and _has_controls(zf.read(drawing)):
                raise AnnotationUnsafe(f"{path}: sheet '{ws.title}' has form controls (buttons) that mapsheet's "
                                       "file writer cannot keep; use the Excel 'Check plan' button instead")
            ws.legacy_drawing = None


def _has_controls(vml: bytes) -> bool:
    # Note shapes are ObjectType="Note"; buttons, check boxes and lists have other object types.
    text = vml.decode("utf-8", "replace")
    return any(kind != "Note" for kind in re.findall(r'ObjectType="([^"]+)"', text))


def apply_edits(wb: openpyxl.Workbook, edits: Iterable[Edit]) -> bool:
    """Apply ``edits`` to a loaded workbook; True when anything changed."""
    return apply_all(_Writer(wb), edits).changed


def edit_file(path: Path, edits: list[Edit], output: Path | None = None) -> tuple[Path, bool]:
    """Apply ``edits`` to the workbook at ``path`` and save it (in place, or to ``output``).
    Nothing is written when nothing changed and the target is the file itself. What could not be done
    as asked (a remembered fill whose row moved) is said as a ``MarkWarning``."""
    target = output or path
    hint = " or write to a copy with --output COPY" if output is None else ""
    ensure_not_open(target, hint=hint)
    wb = load_for_edit(path)
    try:
        writer = apply_all(_Writer(wb), edits)
    except ReservedTab as exc:
        raise ReservedTab(f"{display_path(path)}: {exc}") from None
    for message in writer.warnings:
        warnings.warn(f"{display_path(path)}: {message}", MarkWarning, stacklevel=2)
    if writer.changed or output is not None:
        def save(tmp: Path) -> None:
            wb.save(tmp)
            keep_cached_results(path, tmp)

        # The lock is looked at again just before the replace: Excel may have opened the plan meanwhile.
        atomic_write(target, save, before_replace=lambda: ensure_not_open(target, hint=hint))
    return target, writer.changed


class MarkWarning(UserWarning):
    """Something about mapsheet's own marks could not be done as asked; the user's work was left alone."""


class _Writer(MarkingWriter):
    """The edit contract (backends/base.py) in openpyxl's terms. The state sheet carries, besides the
    shared columns, the exact openpyxl fill and the tab the user had open before the check."""

    def __init__(self, wb: openpyxl.Workbook):
        super().__init__()
        self.wb = wb
        self._prints: dict[str, _RowPrints] = {}
        self.active_before = self._remembered_active()  # the tab the user had open before the check

    def _remembered_active(self) -> str:
        if STATE_SHEET in self.wb.sheetnames:
            remembered = self.wb[STATE_SHEET][ACTIVE_CELL].value
            if remembered in self.wb.sheetnames:
                return remembered
        own = (CHECK_SHEET, STATE_SHEET)
        if self.wb.active.title not in own:
            return self.wb.active.title
        return next((ws.title for ws in self.wb.worksheets if ws.title not in own), self.wb.active.title)

    # -- primitives -------------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return self.wb.sheetnames

    def state_is_ours(self) -> bool:
        ws = self.wb[STATE_SHEET]
        return tuple(ws.cell(1, c + 1).value for c in range(len(STATE_HEADER))) == STATE_HEADER

    def read_state(self) -> StateRows:
        """The shared columns; the exact fill only from a state sheet this backend wrote (another
        backend's fourth column, e.g. a Google Sheet downloaded as .xlsx, holds its own form)."""
        ws = self.wb[STATE_SHEET]
        ours = ws.cell(1, 4).value == FILE_STATE_HEADER[3]
        fills = {}
        for sheet, ref, rgb, exact, row in ws.iter_rows(min_row=2, max_col=5, values_only=True):
            if sheet and ref:
                fills[(str(sheet), str(ref))] = (str(rgb or ""), str(exact or "") if ours else "",
                                                 str(row or "") if ours else "")
        return fills

    def write_state(self, rows: StateRows) -> None:
        ws = self.wb.create_sheet(STATE_SHEET)
        ws.append(FILE_STATE_HEADER)
        for (sheet, ref), (rgb, *exact) in sorted(rows.items()):
            ws.append([sheet, ref, rgb, *(exact + ["", ""])[:2]])
        ws[ACTIVE_LABEL_CELL] = "active sheet before the check"
        ws[ACTIVE_CELL] = self.active_before
        ws.sheet_state = "hidden"

    def delete_sheet(self, name: str) -> None:
        self.wb.remove(self.wb[name])

    def marked_notes(self):
        for ws in self.wb.worksheets:
            # The cells that exist, not every cell of the used range: one value at A1048576 must not cost
            # a million rows of empty cells.
            for cell in list(ws._cells.values()):
                if cell.comment is not None and own_note_text(cell.comment.text):
                    yield ws.title, cell.row - 1, cell.column - 1, cell.comment.text

    def _cell(self, sheet: str, row: int, col: int):
        ws = self.wb[sheet]
        return ws.cell(*_anchor(ws, row + 1, col + 1))

    def set_note(self, edit: SetNote) -> None:
        super().set_note(_at_anchor(self.wb[edit.sheet], edit))

    def set_fill(self, edit: SetFill) -> None:
        super().set_fill(_at_anchor(self.wb[edit.sheet], edit))

    def note(self, sheet: str, row: int, col: int) -> str | None:
        comment = self._cell(sheet, row, col).comment
        return comment.text if comment is not None else None

    def put_note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        cell = self._cell(sheet, row, col)
        author = cell.comment.author if cell.comment is not None and cell.comment.author else NOTE_AUTHOR
        cell.comment = _comment(xml_safe(text), author) if text else None

    def fill_state(self, sheet: str, row: int, col: int) -> FillState:
        """The fill, and where the cell is: its row's fingerprint and its own note's (mapsheet writes the note
        before the colour), by which ``where_now`` finds it again."""
        place = f"{self._rows(sheet).fingerprint(row + 1)} {_digest(own_note_part(self.note(sheet, row, col)))}"
        return (*_fill_to_state(self._cell(sheet, row, col).fill), place)

    def where_now(self, sheet: str, ref: str, state: FillState) -> str | None:
        """Where the cell is now: where it was while its row holds the same values; else the one row that
        holds them (rows were inserted or deleted above it); else where it was if it still carries the note
        mapsheet wrote there (the user edited the row); else it cannot be told (None)."""
        row_print, note_print = ((state[2] if len(state) > 2 else "").split(" ") + [""])[:2]
        row, col = parse_a1(ref)
        rows = self._rows(sheet)
        if not row_print or rows.fingerprint(row + 1) == row_print:
            return ref
        found = rows.holding(row_print)
        if len(found) == 1:
            return a1(found[0] - 1, col)
        if not found and note_print == _digest(own_note_part(self.note(sheet, row, col))):
            return ref
        return None

    def _rows(self, sheet: str) -> "_RowPrints":
        if sheet not in self._prints:
            self._prints[sheet] = _RowPrints(self.wb[sheet])
        return self._prints[sheet]

    def put_fill(self, sheet: str, row: int, col: int, color: str) -> None:
        self._cell(sheet, row, col).fill = PatternFill("solid", fgColor=color)

    def restore_fill(self, sheet: str, row: int, col: int, state: FillState) -> None:
        rgb, *exact = state
        self._cell(sheet, row, col).fill = _fill_from_state(rgb, exact[0] if exact else "")

    def clear_own_marks(self) -> None:
        super().clear_own_marks()
        if self.active_before in self.wb.sheetnames:
            self.show(self.active_before)
        elif self.wb.worksheets:
            self.show(self.wb.worksheets[0].title)

    def write_sheet(self, edit: ReplaceSheet) -> None:
        ws = self.wb.create_sheet(edit.name, edit.position)
        ws.sheet_view.showGridLines = False
        if edit.tab_color:
            ws.sheet_properties.tabColor = edit.tab_color
        styled: dict[str | None, object] = {}  # style name -> the first cell given it (styling is openpyxl's
        # slowest step: a Plan check of 6,000 findings took a minute; later cells copy the first one's style)
        for r, row in enumerate(edit.rows, start=1):
            for c, spec in enumerate(row, start=1):
                cell = ws.cell(r, c)
                if spec.value is not None:
                    cell.value = xml_safe(spec.value) if isinstance(spec.value, str) else spec.value
                    if isinstance(spec.value, str) and spec.value[:1] in ("=", "+", "-", "@"):
                        cell.data_type = "s"  # text from a plan never becomes a formula
                if spec.style in styled:
                    cell._style = copy(styled[spec.style]._style)
                else:
                    _style(cell, spec.style)
                    styled[spec.style] = cell
                if spec.link is not None:
                    sheet = spec.link.sheet.replace("'", "''")
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!{spec.link.a1 or 'A1'}")
        for c, width in enumerate(edit.column_widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        for r0, c0, r1, c1 in edit.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        _fit_rows(ws, edit)
        if edit.freeze_rows:
            ws.freeze_panes = ws.cell(edit.freeze_rows + 1, 1)
        if edit.repeat_rows:
            ws.print_title_rows = f"{edit.repeat_rows[0] + 1}:{edit.repeat_rows[1] + 1}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if edit.name == CHECK_SHEET:
            self.show(edit.name)  # opening the plan shows the result first

    def show(self, title: str) -> None:
        # Exactly one selected tab: several selected tabs make a "group" in Excel, where typing in one
        # sheet types into all of them.
        for ws in self.wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == title
        self.wb.active = self.wb.sheetnames.index(title)


def _digest(text: object) -> str:
    return hashlib.sha1(repr(text).encode("utf-8", "backslashreplace")).hexdigest()[:16]


class _RowPrints:
    """Each row's fingerprint: a short hash of the values in it (the values mapsheet never changes), by which
    a row is found again after rows were inserted or deleted above it."""

    def __init__(self, ws):
        values: dict[int, list] = {}
        for (row, col), cell in ws._cells.items():  # the cells that exist, not the whole used range
            if cell.value is not None and not isinstance(cell, MergedCell):
                values.setdefault(row, []).append((col, cell.value))
        self.prints = {row: _digest(sorted(cells)) for row, cells in values.items()}
        self.rows: dict[str, list[int]] = {}
        for row, fingerprint in self.prints.items():
            self.rows.setdefault(fingerprint, []).append(row)

    def fingerprint(self, row: int) -> str:
        return self.prints.get(row, "")

    def holding(self, fingerprint: str) -> list[int]:
        return self.rows.get(fingerprint, [])


def _style(cell, style: str | None) -> None:
    fmt = FORMATS.get(style) if style else None
    if fmt is None:
        cell.font = Font(name="Calibri", size=11)
        cell.alignment = Alignment(vertical="top")
        return
    cell.font = Font(name="Calibri", bold=fmt.bold, italic=fmt.italic, size=fmt.size or 11,
                     color=fmt.font_color if fmt.font_color else None)
    if fmt.fill:
        cell.fill = PatternFill("solid", fgColor=fmt.fill)
    if fmt.number_format:
        cell.number_format = fmt.number_format
    cell.alignment = Alignment(wrap_text=fmt.wrap or None, vertical="top")


def _fit_rows(ws, edit: ReplaceSheet) -> None:
    """Give rows with wrapped or large text the height they need (see styles.LINE_HEIGHT)."""
    widths = list(edit.column_widths)
    spans = {(r0, c0): sum(widths[c0:c1 + 1]) for r0, c0, r1, c1 in edit.merges}
    for r, row in enumerate(edit.rows):
        lines = 1
        big = max((FORMATS[c.style].size or 11 for c in row if c.style), default=11)
        if big > 14:
            ws.row_dimensions[r + 1].height = big * 1.5
        for c, spec in enumerate(row):
            fmt = FORMATS.get(spec.style) if spec.style else None
            if not (fmt and fmt.wrap) or not isinstance(spec.value, str):
                continue
            width = spans.get((r, c), widths[c] if c < len(widths) else 10)
            lines = max(lines, text_lines(spec.value, width * PROSE_CHARS))
        if lines > 1:
            ws.row_dimensions[r + 1].height = LINE_HEIGHT * lines


def _comment(text: str, author: str) -> Comment:
    comment = Comment(text, author)
    comment.width, comment.height = NOTE_SIZE
    return comment


def _fill_to_state(fill) -> tuple[str, str]:
    """(RRGGBB or "", exact openpyxl fill as JSON or "") for a cell's current fill."""
    if fill is None or fill.fill_type is None:
        return "", ""
    color = fill.fgColor
    rgb = color.rgb[-6:].upper() if color is not None and color.type == "rgb" and isinstance(color.rgb, str) else ""
    exact = {"type": fill.fill_type, "fg": _color_dict(fill.fgColor), "bg": _color_dict(fill.bgColor)}
    return rgb, json.dumps(exact, sort_keys=True)


def _color_dict(color: Color | None) -> dict:
    if color is None:
        return {}
    return {"type": color.type, "value": color.value if not isinstance(color.value, bool) else None,
            "tint": color.tint}


def _fill_from_state(rgb: str, exact: str) -> PatternFill:
    """The fill the state sheet remembers; what a hand edit broke falls back to the RRGGBB column, then to
    no fill (a bad colour never stops a clean)."""
    if exact:
        try:
            data = json.loads(exact)
            return PatternFill(fill_type=data["type"], fgColor=_color_from(data["fg"]),
                               bgColor=_color_from(data["bg"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            pass
    if rgb and re.fullmatch(r"#?(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}", rgb):
        return PatternFill("solid", fgColor=rgb.lstrip("#")[-6:])
    return PatternFill(fill_type=None)


def _anchor(ws, row: int, col: int) -> tuple[int, int]:
    """The cell that holds a merged range's value, note and fill (1-based); a cell outside merges itself."""
    if not isinstance(ws._cells.get((row, col)), MergedCell):
        return row, col
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, col


def _at_anchor(ws, edit):
    """``edit`` moved to the anchor of the merged range its cell lies in (a merged cell takes no note)."""
    row, col = _anchor(ws, edit.row + 1, edit.col + 1)
    return replace(edit, row=row - 1, col=col - 1)


def _color_from(data: dict) -> Color:
    if not data:
        return Color()
    kind, value, tint = data["type"], data["value"], data.get("tint") or 0.0
    if kind == "theme":
        return Color(theme=value, tint=tint)
    if kind == "indexed":
        return Color(indexed=value, tint=tint)
    if kind == "auto":
        return Color(auto=True, tint=tint)
    return Color(rgb=value, tint=tint)
