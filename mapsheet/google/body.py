"""An edit list as ONE Sheets v4 ``batchUpdate`` body (pure: the read answer in, a dict out).

The edit contract is the shared one (backends/base.py), played against the sheet as it was read: the
writer keeps the final note and background of every cell it touches, and ``build_body`` turns them into
requests, in an order Google applies atomically:

1. ``deleteSheet`` for the old Plan check and state tabs;
2. one ``updateCells`` per touched cell (note and/or background), only where the result differs from
   what the sheet has (cleaning a clean sheet sends nothing);
3. ``addSheet`` + ``updateCells`` (+ ``mergeCells``, column widths) for the Plan check tab, reusing its
   old tab id so links to it keep working, and for the hidden state tab.

Links on the Plan check go to cells by tab id and range (``#gid=…&range=B4``). The state tab has the
shared columns (sheet | cell | fill) and the exact Google background (JSON) in a fourth column.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Iterable

from ..backends.base import FillState, MarkingWriter, StateRows, apply_all, own_note_text
from ..edits import CHECK_SHEET, STATE_HEADER, STATE_SHEET, Edit, ReplaceSheet
from . import formats
from .grid import cell_value, cells, sheet_ids

GOOGLE_STATE_HEADER = (*STATE_HEADER, "google fill")
_UNSET = object()


def build_body(response: dict, edits: Iterable[Edit]) -> dict:
    """The one ``batchUpdate`` body that applies ``edits`` to the spreadsheet read as ``response``
    (``{"requests": []}`` when nothing would change)."""
    writer = apply_all(_Writer(response), edits)
    return {"requests": writer.requests()}


class _Writer(MarkingWriter):
    def __init__(self, response: dict):
        super().__init__()
        self.ids = sheet_ids(response)
        self.order = [s["properties"]["title"] for s in
                      sorted(response.get("sheets", []), key=lambda s: s["properties"].get("index", 0))]
        self.deleted: list[str] = []
        self.added: dict[str, tuple[ReplaceSheet | None, list[list[Any]]]] = {}  # name -> (edit, state rows)
        self.read_notes: dict[tuple[str, int, int], str] = {}
        self.read_fills: dict[tuple[str, int, int], dict] = {}
        self.state_values: list[list[Any]] = []
        for sheet in response.get("sheets", []):
            name = sheet["properties"]["title"]
            for r, c, cell in cells(sheet):
                if cell.get("note"):
                    self.read_notes[(name, r, c)] = cell["note"]
                style = (cell.get("userEnteredFormat") or {}).get("backgroundColorStyle")
                if style:
                    self.read_fills[(name, r, c)] = style
                if name == STATE_SHEET:
                    row = self.state_values
                    while len(row) <= r:
                        row.append([])
                    row[r] += [""] * (c + 1 - len(row[r]))
                    row[r][c] = cell_value(cell)
        self.notes: dict[tuple[str, int, int], str | None] = {}
        self.backgrounds: dict[tuple[str, int, int], dict | None] = {}

    # -- primitives -------------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [n for n in self.order if n not in self.deleted] + list(self.added)

    def read_state(self) -> StateRows:
        rows = {}
        for sheet, ref, rgb, *exact in (r + [""] * (4 - len(r)) for r in self.state_values[1:]):
            if sheet and ref:
                rows[(str(sheet), str(ref))] = (str(rgb or ""), str(exact[0] or ""))
        return rows

    def write_state(self, rows: StateRows) -> None:
        values = [list(GOOGLE_STATE_HEADER)]
        values += [[sheet, ref, state[0], state[1] if len(state) > 1 else ""] for (sheet, ref), state in sorted(rows.items())]
        self.added[STATE_SHEET] = (None, values)

    def delete_sheet(self, name: str) -> None:
        if name in self.added:
            del self.added[name]
        else:
            self.deleted.append(name)

    def marked_notes(self):
        keys = sorted(set(self.read_notes) | set(self.notes))
        for key in keys:
            text = self.note(*key)
            if key[0] not in self.deleted and own_note_text(text):
                yield (*key, text)

    def note(self, sheet: str, row: int, col: int) -> str | None:
        key = (sheet, row, col)
        return self.notes[key] if key in self.notes else self.read_notes.get(key)

    def put_note(self, sheet: str, row: int, col: int, text: str | None) -> None:
        self.notes[(sheet, row, col)] = text or None

    def _background(self, key) -> dict | None:
        return self.backgrounds[key] if key in self.backgrounds else self.read_fills.get(key)

    def fill_state(self, sheet: str, row: int, col: int) -> FillState:
        style = self._background((sheet, row, col))
        return (formats.rgb_of(style), json.dumps(style, sort_keys=True) if style else "")

    def put_fill(self, sheet: str, row: int, col: int, color: str) -> None:
        self.backgrounds[(sheet, row, col)] = formats.color_style(color)

    def restore_fill(self, sheet: str, row: int, col: int, state: FillState) -> None:
        rgb, exact = (state + ("",))[:2]
        self.backgrounds[(sheet, row, col)] = json.loads(exact) if exact else (formats.color_style(rgb) if rgb else None)

    def write_sheet(self, edit: ReplaceSheet) -> None:
        self.added[edit.name] = (edit, [])

    # -- the body ---------------------------------------------------------------------------------------
    def requests(self) -> list[dict]:
        out: list[dict] = [{"deleteSheet": {"sheetId": self.ids[name]}} for name in self.deleted]
        for key in sorted(set(self.notes) | set(self.backgrounds)):
            request = self._cell_request(key)
            if request:
                out.append(request)
        taken = set(self.ids.values())
        for name, (edit, values) in self.added.items():
            sheet_id = self.ids.get(name) if name in self.deleted else None
            if sheet_id is None:
                sheet_id = _new_id(name, taken)
            taken.add(sheet_id)
            out += _check_tab(edit, sheet_id, self.ids) if edit is not None else _state_tab(values, sheet_id)
        return out

    def _cell_request(self, key: tuple[str, int, int]) -> dict | None:
        sheet, row, col = key
        if sheet in self.deleted or sheet not in self.ids:
            return None
        cell: dict[str, Any] = {}
        fields = []
        note = self.notes.get(key, _UNSET)
        if note is not _UNSET and note != self.read_notes.get(key):
            fields.append("note")
            if note:
                cell["note"] = note
        background = self.backgrounds.get(key, _UNSET)
        if background is not _UNSET and background != self.read_fills.get(key):
            fields.append("userEnteredFormat.backgroundColorStyle")
            # Present even when clearing: the mask names only the background, the rest of the format stays.
            cell["userEnteredFormat"] = {"backgroundColorStyle": background} if background else {}
        if not fields:
            return None
        return {"updateCells": {"rows": [{"values": [cell]}], "fields": ",".join(fields),
                                "start": {"sheetId": self.ids[sheet], "rowIndex": row, "columnIndex": col}}}


def _new_id(name: str, taken: set[int]) -> int:
    """A tab id derived from the name (stable from run to run), moved on past any id in use."""
    candidate = zlib.crc32(name.encode()) % 2_000_000_000 + 1
    while candidate in taken:
        candidate += 1
    return candidate


def _check_tab(edit: ReplaceSheet, sheet_id: int, ids: dict[str, int]) -> list[dict]:
    width = max([len(row) for row in edit.rows] + [len(edit.column_widths), 1])
    properties: dict[str, Any] = {
        "sheetId": sheet_id, "title": edit.name, "index": edit.position,
        "gridProperties": {"rowCount": max(len(edit.rows), 1), "columnCount": width,
                           "frozenRowCount": edit.freeze_rows, "hideGridlines": True}}
    if edit.tab_color:
        properties["tabColorStyle"] = formats.color_style(edit.tab_color)
    rows = []
    for row in edit.rows:
        values = []
        for spec in row:
            cell: dict[str, Any] = {"userEnteredFormat": formats.cell_format(spec.style)}
            value = formats.extended_value(spec.value)
            if value is not None:
                cell["userEnteredValue"] = value
            if spec.link is not None and spec.link.sheet in ids:
                target = f"#gid={ids[spec.link.sheet]}&range={spec.link.a1 or 'A1'}"
                cell["userEnteredFormat"]["textFormat"]["link"] = {"uri": target}
                cell["userEnteredFormat"]["textFormat"]["underline"] = True
            values.append(cell)
        rows.append({"values": values})
    out = [{"addSheet": {"properties": properties}},
           {"updateCells": {"rows": rows, "fields": "userEnteredValue,userEnteredFormat",
                            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}}]
    for c, w in enumerate(edit.column_widths):
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": round(w * formats.PIXELS_PER_WIDTH)}, "fields": "pixelSize"}})
    for r0, c0, r1, c1 in edit.merges:
        out.append({"mergeCells": {"mergeType": "MERGE_ALL", "range": {
            "sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1 + 1,
            "startColumnIndex": c0, "endColumnIndex": c1 + 1}}})
    return out


def _state_tab(values: list[list[Any]], sheet_id: int) -> list[dict]:
    properties = {"sheetId": sheet_id, "title": STATE_SHEET, "hidden": True,  # added last
                  "gridProperties": {"rowCount": max(len(values), 1), "columnCount": len(GOOGLE_STATE_HEADER)}}
    rows = [{"values": [{"userEnteredValue": {"stringValue": str(v)}} if v else {} for v in row]} for row in values]
    return [{"addSheet": {"properties": properties}},
            {"updateCells": {"rows": rows, "fields": "userEnteredValue",
                             "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}}]
