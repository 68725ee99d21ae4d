"""A hostile corpus of plan workbooks, generated (never stored): the same seed gives the same files.

Every file starts from a real plan (mapsheet's seeded samples, themselves filled into the template) and is
damaged in one way, in one of the families below, as an adversarial tester, a careless colleague, another
spreadsheet program or a broken disk would damage it. ``build(folder)`` writes them all and returns one
``Case`` per file (or folder) a command is pointed at.

    python -m tests.corpus.generate OUT [--no-libreoffice]   # write the corpus into OUT, list it

The LibreOffice families (round trips, .xls and .ods named .xlsx) need ``soffice``; without it they are
left out and ``build`` says so in ``Corpus.missing``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from mapsheet.samples import write_samples

from .zipparts import rewrite, set_cell_xml, set_flag_bit, sheet_parts

TODAY = dt.date(2026, 11, 27)
SEED = 15
#: Overview cells of the template (column B): which field is on which row.
OVERVIEW = {"deal": "B5", "customer": "B6", "seller": "B7", "value": "B10", "currency": "B11", "stage": "B12",
            "close": "B13", "go_live": "B14", "start": "B15", "reviewed": "B16"}
TABLES = ("Milestones", "Actions", "Stakeholders", "Risks", "Check-ins", "Outcomes")
HEADER_ROW = 3


@dataclass
class Case:
    family: str
    path: Path
    what: str  # one line: how this file is damaged
    maker: str = ""  # the function of FAMILIES that wrote it
    readable: bool = False  # a whole plan (under an odd name, through a link): it must be read, never a Problem


@dataclass
class Corpus:
    folder: Path
    cases: list[Case] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # families left out (no LibreOffice)

    def family_names(self) -> list[str]:
        return list(dict.fromkeys(c.family for c in self.cases))


class _Builder:
    def __init__(self, folder: Path, soffice: str | None, rng: random.Random):
        self.folder = folder
        self.soffice = soffice
        self.rng = rng
        self.corpus = Corpus(folder)
        work = folder.parent / (folder.name + ".bases")
        work.mkdir(parents=True, exist_ok=True)
        samples = write_samples(work, 6, seed=SEED, today=TODAY)
        self.bases = {s.profile: p for s, p in samples}
        self.base = self.bases["healthy"]

    def add(self, family: str, name: str, what: str, readable: bool = False) -> Path:
        sub = self.folder / family
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / name
        self.corpus.cases.append(Case(family, path, what, readable=readable))
        return path

    def edited(self, family: str, name: str, what: str, edit: Callable[[openpyxl.Workbook], None],
               base: str = "healthy") -> Path:
        """A copy of a base plan changed with openpyxl."""
        wb = openpyxl.load_workbook(self.bases[base])
        edit(wb)
        path = self.add(family, name, what)
        wb.save(path)
        return path

    def patched(self, family: str, name: str, what: str, sheet: str, cells: dict[str, str],
                base: Path | None = None) -> Path:
        """A copy of a base plan with raw ``<c>`` elements written into one sheet's XML."""
        src = base or self.base
        part = sheet_parts(src)[sheet]

        def change(n: str, data: bytes) -> bytes:
            if n == part:
                for ref, cell in cells.items():
                    data = set_cell_xml(data, ref, cell)
            return data

        return rewrite(src, self.add(family, name, what), change)


FAMILIES: list[Callable[[_Builder], None]] = []


def family(fn: Callable[[_Builder], None]) -> Callable[[_Builder], None]:
    FAMILIES.append(fn)
    return fn


# -- values in cells -------------------------------------------------------------------------------------

def _random_value(rng: random.Random):
    kind = rng.randrange(14)
    return [
        lambda: rng.randint(-10**9, 10**9), lambda: rng.uniform(-1e6, 1e6), lambda: rng.choice([True, False]),
        lambda: dt.date(rng.randint(1900, 9999), rng.randint(1, 12), rng.randint(1, 28)),
        lambda: dt.datetime(rng.randint(1900, 2100), 1, 1, rng.randint(0, 23), rng.randint(0, 59)),
        lambda: dt.time(rng.randint(0, 23), rng.randint(0, 59)), lambda: dt.timedelta(days=rng.randint(-400, 400)),
        lambda: rng.choice(["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?"]),
        lambda: rng.choice(["=1/0", "=A1+1", "=NOW()", '="x"&"y"', "=SUM(A:A)"]),
        lambda: "".join(rng.choice("aé中🚀 \u200b\u202e-=+@\t\n") for _ in range(rng.randint(1, 40))),
        lambda: rng.choice(["TBD", "Done", "done ", "Customer", "  ", "M1, M2", "M99", "A1", "Vendor", "High"]),
        lambda: "x" * rng.randint(1000, 32000), lambda: None, lambda: rng.choice([0, -1, 2**53, 1e15]),
    ][kind]()


@family
def random_values(b: _Builder) -> None:
    for n in range(8):
        rng = random.Random(SEED * 100 + n)

        def edit(wb, rng=rng):
            for _ in range(rng.randint(5, 40)):
                ws = wb[rng.choice(["Overview", *TABLES])]
                ws.cell(rng.randint(1, 30), rng.randint(1, 12)).value = _random_value(rng)
        b.edited("random-values", f"random-{n}.xlsx", f"random typed values in random cells (seed {n})", edit,
                 base=rng.choice(list(b.bases)))


@family
def typed_columns(b: _Builder) -> None:
    columns = [("Actions", 6, lambda i: f"next week {i}", "Due as text"),
               ("Actions", 7, lambda i: i * 1.5, "Status as numbers"),
               ("Actions", 5, lambda i: dt.date(2026, 1, 1) + dt.timedelta(days=i), "Owner as dates"),
               ("Milestones", 5, lambda i: True, "Start as booleans")]
    for sheet, col, value, what in columns:
        def edit(wb, sheet=sheet, col=col, value=value):
            ws = wb[sheet]
            for r in range(HEADER_ROW + 1, HEADER_ROW + 30):
                ws.cell(r, col).value = value(r)
        b.edited("typed-columns", f"{what.replace(' ', '-').lower()}.xlsx", what, edit)


# -- sheets ------------------------------------------------------------------------------------------------

@family
def sheets(b: _Builder) -> None:
    def delete(name):
        return lambda wb: wb.remove(wb[name])

    def rename(wb):
        wb["Milestones"].title = "Milestones (old)"

    def duplicate(wb):
        wb.copy_worksheet(wb["Actions"])

    def hide(wb):
        wb["Risks"].sheet_state = "hidden"
        wb["Stakeholders"].sheet_state = "veryHidden"

    def only_instructions(wb):
        for ws in list(wb.worksheets):
            if ws.title != "Instructions":
                wb.remove(ws)

    def empty_sheets(wb):
        for name in TABLES:
            wb.remove(wb[name])
            wb.create_sheet(name)

    for name, what, edit in [("deleted-actions.xlsx", "the Actions tab deleted", delete("Actions")),
                             ("deleted-overview.xlsx", "the Overview tab deleted", delete("Overview")),
                             ("renamed.xlsx", "Milestones renamed 'Milestones (old)'", rename),
                             ("duplicated.xlsx", "the Actions tab duplicated", duplicate),
                             ("hidden.xlsx", "Risks hidden, Stakeholders very hidden", hide),
                             ("only-instructions.xlsx", "every tab but Instructions deleted", only_instructions),
                             ("empty-tables.xlsx", "every table tab replaced by an empty one", empty_sheets)]:
        b.edited("sheets", name, what, edit)
    # Tabs "Actions" and "actions": openpyxl will not write two names equal but for case, Excel neither,
    # yet a hand-edited package can hold them.
    src = b.base
    renamed = b.add("sheets", "actions-and-Actions.xlsx", "tabs 'Actions' and 'actions'")
    rewrite(src, renamed, lambda n, d: d.replace(b'name="Risks"', b'name="actions"') if n == "xl/workbook.xml" else d)
    same = b.add("sheets", "duplicate-tab-names.xlsx", "two tabs named exactly 'Actions'")
    rewrite(src, same, lambda n, d: d.replace(b'name="Risks"', b'name="Actions"') if n == "xl/workbook.xml" else d)


@family
def merged_cells(b: _Builder) -> None:
    def overview(wb):
        wb["Overview"].merge_cells("B5:C5")
        wb["Overview"].merge_cells("A7:B7")  # the Seller owner value hidden under its label

    def header(wb):
        wb["Actions"].merge_cells("B3:D3")

    def finding_under_merge(wb):
        ws = wb["Actions"]
        ws["E4"] = None  # an owner missing: a finding lands on E4, a merged (read-only) cell
        ws.merge_cells("D4:E4")
        ws.merge_cells("A10:I12")

    for name, what, edit in [("overview-merged.xlsx", "Overview values merged across and under labels", overview),
                             ("header-merged.xlsx", "Actions headers merged", header),
                             ("finding-under-merge.xlsx", "a cell with a finding inside a merged range",
                              finding_under_merge)]:
        b.edited("merged-cells", name, what, edit)


@family
def unicode_and_control(b: _Builder) -> None:
    def unicode(wb):
        wb["Overview"]["B5"] = "Ünïcødé 交易 🚀 \u202eevil\u202c \u200bzero-width"
        wb["Actions"]["B4"] = "שלום عربي Ελληνικά " + "e\u0301" * 20
        wb["Actions"]["E4"] = "🙂" * 50
    b.edited("unicode-control", "unicode.xlsx", "bidi, zero-width, combining and astral characters", unicode)
    # Control characters cannot be written by openpyxl; Excel stores them as _xHHHH_ escapes.
    inline = '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    b.patched("unicode-control", "control-chars.xlsx", "terminal escapes and control characters in cells",
              "Overview", {"B5": inline.format(ref="B5", text="Deal_x001B_[2J_x001B_[31mRED_x0007_"),
                           "B6": inline.format(ref="B6", text="Cust_x0000_omer_x0008__x000B_")})
    b.patched("unicode-control", "control-chars-in-table.xlsx", "control characters in an action and its owner",
              "Actions", {"B4": inline.format(ref="B4", text="Send_x001B_]0;pwned_x0007_ the deck"),
                          "E4": inline.format(ref="E4", text="_x001F_"), "F4": inline.format(ref="F4", text="_x0001_")})


@family
def formulas(b: _Builder) -> None:
    def no_cache(wb):
        ws = wb["Milestones"]
        for r in range(4, 9):
            ws.cell(r, 6).value = f"=E{r}+14"  # Due = Start + 14, as openpyxl writes it: no cached result
    b.edited("formulas", "due-formula-no-cache.xlsx", "Due = Start+14 formulas without cached results", no_cache)
    src = b.base
    wb = openpyxl.load_workbook(src)
    starts = {r: wb["Milestones"].cell(r, 5).value for r in range(4, 9)}
    cells = {}
    for r, start in starts.items():
        if isinstance(start, dt.datetime):
            serial = (start.date() - dt.date(1899, 12, 30)).days + 14
            cells[f"F{r}"] = f'<c r="F{r}" s="0"><f>E{r}+14</f><v>{serial}</v></c>'
    b.patched("formulas", "due-formula-cached.xlsx", "Due = Start+14 formulas with cached results (as Excel saves)",
              "Milestones", cells)
    b.patched("formulas", "cached-errors-and-text.xlsx", "formulas caching an error and a text",
              "Overview", {"B5": '<c r="B5" t="str"><f>"Deal "&amp;"Formula"</f><v>Deal Formula</v></c>',
                           "B10": '<c r="B10" t="e"><f>1/0</f><v>#DIV/0!</v></c>'})
    # LibreOffice saves IF(...,"",...) with its empty text result: cells calamine reads (they widen the sheet)
    b.patched("formulas", "cached-empty-texts.xlsx", "formulas caching an empty text, beyond the table (as LibreOffice "
              "saves them)", "Milestones",
              {f"L{r}": f'<c r="L{r}" t="str"><f>IF(A{r}="","",A{r})</f><v></v></c>' for r in (60, 61)})


@family
def error_values(b: _Builder) -> None:
    def errors(wb):
        for ref, err in zip(("B5", "B10", "B13", "B7"), ("#REF!", "#N/A", "#VALUE!", "#NAME?")):
            wb["Overview"][ref] = err
        for r, err in zip(range(4, 10), ("#DIV/0!", "#NULL!", "#NUM!", "#REF!", "#N/A", "#GETTING_DATA")):
            wb["Actions"].cell(r, 6).value = err
            wb["Actions"].cell(r, 5).value = err
    b.edited("error-values", "errors.xlsx", "Excel error values in required fields and dates", errors)


# -- size ------------------------------------------------------------------------------------------------

@family
def huge(b: _Builder) -> None:
    def many_rows(wb):
        ws = wb["Actions"]
        for r in range(4, 3_004):
            ws.append([f"A{r}", f"Step {r}", "M1", "Vendor" if r % 2 else "Customer", f"Owner {r % 40}",
                       dt.date(2026, 1, 1) + dt.timedelta(days=r % 400), "Open"])
    b.edited("huge", "3000-actions.xlsx", "3,000 action rows (thousands of findings)", many_rows)
    b.patched("huge", "value-at-A1048576.xlsx", "one value in the last row of Actions", "Actions",
              {"A1048576": '<c r="A1048576" t="inlineStr"><is><t>stray</t></is></c>'})
    b.patched("huge", "value-at-XFD1048576.xlsx", "one value in the very last cell of Actions", "Actions",
              {"XFD1048576": '<c r="XFD1048576"><v>1</v></c>'})

    def far_fill(wb):
        wb["Actions"]["I1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    b.edited("huge", "fill-at-I1048576.xlsx", "a fill (no value) in the last row of Actions", far_fill)
    # A million one-cell rows, written as XML (openpyxl would take minutes).
    part = sheet_parts(b.base)["Actions"]
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(100, 1_000_100))

    def million(n: str, d: bytes) -> bytes:
        if n != part:
            return d
        text = d.decode()
        text = text.replace("</sheetData>", rows + "</sheetData>")
        return text.replace('<dimension ref="A1:I43"/>', "").encode()
    rewrite(b.base, b.add("huge", "million-rows.xlsx", "a million one-cell rows in Actions"), million)


@family
def dates(b: _Builder) -> None:
    def mac(wb):
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    b.edited("dates", "1904-dates.xlsx", "the 1904 date system (old Mac Excel)", mac)
    date_style = _style_of(b.base, "Overview", "B13")
    b.patched("dates", "huge-negative-date.xlsx", "-1e11 in the date-formatted close date", "Overview",
              {"B13": f'<c r="B13" s="{date_style}"><v>-100000000000</v></c>'})
    b.patched("dates", "yyyymmdd-in-date-cell.xlsx", "20270331 typed as yyyymmdd in a date cell (> 2,958,465)",
              "Overview", {"B13": f'<c r="B13" s="{date_style}"><v>20270331</v></c>',
                           "B14": f'<c r="B14" s="{date_style}"><v>2958466</v></c>'})
    b.patched("dates", "year-one.xlsx", "the text 0001-01-01 and 9999-12-31 in date cells", "Milestones",
              {"F4": '<c r="F4" t="inlineStr"><is><t>0001-01-01</t></is></c>',
               "F5": '<c r="F5" t="inlineStr"><is><t>9999-12-31</t></is></c>'})

    def times(wb):
        wb["Overview"]["B6"] = dt.time(9, 30)
        wb["Overview"]["B12"] = dt.timedelta(days=3, hours=4)
        wb["Overview"]["B11"] = dt.datetime(2026, 1, 1, 12, 0)
    b.edited("dates", "time-in-text-fields.xlsx", "a time, a timedelta and a datetime in Overview text fields",
             times)


def _style_of(path: Path, sheet: str, ref: str) -> str:
    import re
    with zipfile.ZipFile(path) as z:
        xml = z.read(sheet_parts(path)[sheet]).decode()
    m = re.search(rf'<c r="{ref}"[^>]*?s="(\d+)"', xml)
    return m.group(1) if m else "0"


@family
def numbers(b: _Builder) -> None:
    for name, value in (("nan", "nan"), ("inf", "inf"), ("1e309", "1e309"), ("10-21", str(10**21)),
                        ("minus-inf", "-inf")):
        b.patched("numbers", f"deal-{name}.xlsx", f"Deal name and value {value}", "Overview",
                  {"B5": f'<c r="B5" t="inlineStr"><is><t>{value}</t></is></c>',
                   "B10": f'<c r="B10"><v>{value}</v></c>'})
    b.patched("numbers", "deal-number-10-21.xlsx", "Deal name is the number 10**21", "Overview",
              {"B5": f'<c r="B5"><v>{10**21}</v></c>'})


@family
def long_text(b: _Builder) -> None:
    def header(wb):
        wb["Actions"].cell(HEADER_ROW, 10).value = "H" * 32_000
        wb["Overview"]["B5"] = "D" * 32_000
    b.edited("long-text", "32000-char-texts.xlsx", "a 32,000-character header and deal name", header)
    b.patched("long-text", "40000-char-header.xlsx", "a 40,000-character header (over Excel's 32,767)", "Actions",
              {"J3": f'<c r="J3" t="inlineStr"><is><t>{"H" * 40_000}</t></is></c>',
               "B4": f'<c r="B4" t="inlineStr"><is><t>{"a " * 20_000}</t></is></c>'})


# -- what openpyxl cannot keep ---------------------------------------------------------------------------

_VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"mapsheet corpus: a stand-in VBA project"
_VBA_REL = (b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            b'Target="vbaProject.bin"/></Relationships>')


def _with_macros(n: str, d: bytes) -> bytes:
    if n == "[Content_Types].xml":
        d = d.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
        return d.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                      b"</Types>")
    if n == "xl/_rels/workbook.xml.rels":
        return d.replace(b"</Relationships>", _VBA_REL)
    return d


@family
def macros_and_objects(b: _Builder) -> None:
    rewrite(b.base, b.add("objects", "macros.xlsm", "an .xlsm with a VBA project"), _with_macros,
            {"xl/vbaProject.bin": _VBA})
    rewrite(b.base, b.add("objects", "vba-inside.xlsx", "a VBA project inside a file named .xlsx"), _with_macros,
            {"xl/vbaProject.bin": _VBA})
    shutil.copy(b.base, b.add("objects", "no-macros.xlsm", "a plain workbook named .xlsm"))

    def chart(wb):
        ws = wb["Overview"]
        c = BarChart()
        c.add_data(Reference(ws, min_col=2, min_row=10, max_row=10))
        ws.add_chart(c, "D5")
    b.edited("objects", "chart.xlsx", "a chart on the Overview", chart)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
           b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
    rewrite(b.base, b.add("objects", "image.xlsx", "an image part in the package"), add={"xl/media/image1.png": png})
    ext = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1">'
           b'<sheetNames><sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1">'
           b'<cell r="A1" t="str"><v>Linked champion</v></cell></row></sheetData></sheetDataSet></externalBook>'
           b'</externalLink>')
    ext_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/externalLinkPath" Target="other%20plan.xlsx" TargetMode="External"/></Relationships>')

    def external(n: str, d: bytes) -> bytes:
        if n == "[Content_Types].xml":
            return d.replace(b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
                                          b'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                                          b"</Types>")
        if n == "xl/_rels/workbook.xml.rels":
            return d.replace(b"</Relationships>", b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/'
                                                  b'officeDocument/2006/relationships/externalLink" '
                                                  b'Target="externalLinks/externalLink1.xml"/></Relationships>')
        if n == "xl/workbook.xml":
            return d.replace(b"<definedNames", b'<externalReferences><externalReference r:id="rIdExt1"/>'
                                               b"</externalReferences><definedNames", 1)
        if n == sheet_parts(b.base)["Overview"]:
            return set_cell_xml(d, "B8", '<c r="B8" t="str"><f>[1]Sheet1!A1</f><v>Linked champion</v></c>')
        return d
    rewrite(b.base, b.add("objects", "external-link.xlsx", "a formula linked to another workbook"), external,
            {"xl/externalLinks/externalLink1.xml": ext, "xl/externalLinks/_rels/externalLink1.xml.rels": ext_rels})
    names = (b'<definedName name="Deal">Overview!$B$5</definedName>'
             b'<definedName name="Local" localSheetId="1">Milestones!$A$1</definedName>'
             b'<definedName name="Ghost" localSheetId="99">Overview!$A$1</definedName>'
             b'<definedName name="Broken">#REF!</definedName>'
             b'<definedName name="_xlnm.Print_Area" localSheetId="2">Actions!$A$1:$I$43</definedName>'
             b'<definedName name="Hidden" hidden="1">Overview!$B$6</definedName>')

    def defined(n: str, d: bytes) -> bytes:
        if n != "xl/workbook.xml":
            return d
        if b"<definedNames>" in d:
            return d.replace(b"<definedNames>", b"<definedNames>" + names, 1)
        return d.replace(b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>", 1)
    rewrite(b.base, b.add("objects", "defined-names.xlsx", "defined names: local, hidden, #REF! and one on no sheet"),
            defined)


@family
def notes_and_reserved_tabs(b: _Builder) -> None:
    def user_check_tab(wb):
        ws = wb.create_sheet("Plan check")
        ws["A1"] = "My own review notes: keep them"
        ws["A2"] = 42
    b.edited("reserved", "user-plan-check-tab.xlsx", "a user tab named 'Plan check'", user_check_tab)

    def user_state_tab(wb):
        ws = wb.create_sheet("mapsheet_state")
        ws["A1"] = "Budget"
        ws["B1"] = 120_000
    b.edited("reserved", "user-state-tab.xlsx", "a user tab named 'mapsheet_state'", user_state_tab)

    def marker_notes(wb):
        wb["Overview"]["B6"].comment = Comment("Keep this.\n— mapsheet —\nthe user quoted mapsheet here", "Ann")
        wb["Actions"]["B4"].comment = Comment("   ", "Ann")
        wb["Actions"]["C4"].comment = Comment("\n\n", "Ann")
    b.edited("reserved", "user-notes-with-marker.xlsx", "user notes holding mapsheet's marker, and blank notes",
             marker_notes)


@family
def state_tab_edits(b: _Builder) -> None:
    from mapsheet import api

    annotated = b.folder.parent / (b.folder.name + ".bases") / "annotated.xlsx"
    api.annotate_file(b.bases["neglected"], output=annotated, today=TODAY)

    def state(edit):
        def apply(wb):
            edit(wb["mapsheet_state"])
        return apply

    def bad_json(ws):
        ws["D2"] = "{not json"
        ws["D3"] = '{"type": "solid"}'

    def bad_ref(ws):
        ws["B2"] = "ZZZZ0"
        ws["B3"] = "not a cell"
        ws["A4"] = "No such sheet"

    def bad_colour(ws):
        ws["C2"] = "notacolour"
        ws["D2"] = None
        ws["C3"] = 12345
        ws["D3"] = None

    def no_header(ws):
        ws.delete_rows(1)
        ws["G1"] = "Gone tab"
        ws.append(["Overview"])

    wb = openpyxl.load_workbook(annotated)
    wb.save(b.add("state-tab", "annotated.xlsx", "annotated by mapsheet, untouched"))
    for name, what, edit in [("bad-json.xlsx", "the state's remembered fill is not JSON", bad_json),
                             ("bad-ref.xlsx", "the state names cells ZZZZ0, 'not a cell' and a missing tab", bad_ref),
                             ("bad-colour.xlsx", "the state's colours are not colours", bad_colour),
                             ("no-header.xlsx", "the state lost its header, and names a missing active tab", no_header)]:
        wb = openpyxl.load_workbook(annotated)
        state(edit)(wb)
        wb.save(b.add("state-tab", name, what))

    def rows_inserted(wb):
        for name in ("Actions", "Milestones", "Overview"):
            wb[name].insert_rows(4, 3)  # openpyxl moves values, not notes or fills: as a careless script would
    wb = openpyxl.load_workbook(annotated)
    rows_inserted(wb)
    wb.save(b.add("state-tab", "rows-inserted.xlsx", "rows inserted above marked cells after annotating"))


# -- not a workbook, or a damaged one ---------------------------------------------------------------------

@family
def damaged_zips(b: _Builder) -> None:
    data = b.base.read_bytes()
    for frac in (0.0005, 0.5, 0.9, 0.999):
        b.add("damaged-zip", f"truncated-{frac}.xlsx", f"cut after {frac:.1%} of its bytes").write_bytes(
            data[:max(1, int(len(data) * frac))])
    for n in range(6):
        rng = random.Random(SEED * 1000 + n)
        flipped = bytearray(data)
        for _ in range(1 + n):
            i = rng.randrange(30, len(flipped))
            flipped[i] ^= 1 << rng.randrange(8)
        b.add("damaged-zip", f"bit-flipped-{n}.xlsx", f"{1 + n} random bits flipped").write_bytes(bytes(flipped))
    b.add("damaged-zip", "no-central-directory.xlsx", "the zip's central directory cut off").write_bytes(
        data[:data.find(b"PK\x01\x02")])
    b.add("damaged-zip", "trailing-garbage.xlsx", "garbage appended after the zip").write_bytes(
        data + b"\x00garbage" * 100)
    part = sheet_parts(b.base)["Actions"]
    rewrite(b.base, b.add("damaged-zip", "bad-xml.xlsx", "the Actions sheet XML cut in half"),
            lambda n, d: d[:len(d) // 2] if n == part else d)
    rewrite(b.base, b.add("damaged-zip", "no-workbook-part.xlsx", "xl/workbook.xml missing"),
            lambda n, d: None if n == "xl/workbook.xml" else d)
    rewrite(b.base, b.add("damaged-zip", "no-sheets.xlsx", "a workbook with no <sheet> at all"),
            lambda n, d: d.replace(d[d.find(b"<sheets>"):d.find(b"</sheets>") + 9], b"<sheets/>")
            if n == "xl/workbook.xml" else d)
    rewrite(b.base, b.add("damaged-zip", "missing-sheet-part.xlsx", "a sheet whose XML part is gone"),
            lambda n, d: None if n == part else d)
    utf16 = sheet_parts(b.base)["Milestones"]
    rewrite(b.base, b.add("damaged-zip", "utf16-sheet.xlsx", "the Milestones sheet stored as UTF-16 XML"),
            lambda n, d: (b"\xff\xfe" + d.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
                          .encode("utf-16-le")) if n == utf16 else d)


_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
         + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
         + ']>')


@family
def xml_bombs(b: _Builder) -> None:
    def bomb(target: str, where: str):
        def change(n: str, d: bytes) -> bytes:
            if n != target:
                return d
            body = d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d
            return (_BOMB + body.decode().replace(where, where + "&lol9;", 1)).encode()
        return change
    rewrite(b.base, b.add("xml-bomb", "shared-strings-bomb.xlsx", "billion laughs in sharedStrings.xml"),
            bomb("xl/sharedStrings.xml", "<t>"))
    rewrite(b.base, b.add("xml-bomb", "workbook-bomb.xlsx", "billion laughs in workbook.xml"),
            bomb("xl/workbook.xml", "<workbookPr"))
    xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rewrite(b.base, b.add("xml-bomb", "external-entity.xlsx", "an external entity (XXE) in sharedStrings.xml"),
            lambda n, d: (xxe + d.split(b"?>", 1)[1].decode().replace("<t>", "<t>&xxe;", 1)).encode()
            if n == "xl/sharedStrings.xml" else d)


@family
def zip_bombs(b: _Builder) -> None:
    part = sheet_parts(b.base)["Actions"]
    target = b.add("zip-bomb", "inflates-to-1gb.xlsx", "a sheet part that inflates to 1 GB of blanks")
    with zipfile.ZipFile(b.base) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            d = zin.read(info)
            if info.filename != part:
                zout.writestr(info.filename, d)
                continue
            head, tail = d.split(b"</sheetData>", 1)
            with zout.open(info.filename, "w", force_zip64=True) as out:
                out.write(head)
                chunk = b" " * (1 << 24)
                for _ in range(64):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)
    many = b.add("zip-bomb", "50000-parts.xlsx", "50,000 extra parts in the package")
    rewrite(b.base, many, add={f"xl/junk/{i}.xml": b"<x/>" for i in range(50_000)})


@family
def encrypted(b: _Builder) -> None:
    b.add("encrypted", "zipcrypto.xlsx", "the zip's entries flagged as ZipCrypto-encrypted").write_bytes(
        set_flag_bit(b.base.read_bytes(), 0))
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # a test dependency; the family is only smaller without it
        b.corpus.missing.append("encrypted (Office password): msoffcrypto-tool is not installed")
        return
    out = io.BytesIO()
    with b.base.open("rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    b.add("encrypted", "password.xlsx", "protected with a password (Office encryption)").write_bytes(out.getvalue())


@family
def not_workbooks(b: _Builder) -> None:
    b.add("not-workbooks", "empty.xlsx", "an empty file (0 bytes)").write_bytes(b"")
    b.add("not-workbooks", "csv.xlsx", "a CSV file named .xlsx").write_text("Deal,Owner\nAcme,Dana\n")
    b.add("not-workbooks", "random-bytes.xlsx", "random bytes").write_bytes(random.Random(SEED).randbytes(5000))
    b.add("not-workbooks", "utf16-text.xlsx", "UTF-16 text named .xlsx").write_bytes("Deal\tOwner\n".encode("utf-16"))
    with zipfile.ZipFile(b.add("not-workbooks", "docx.xlsx", "a Word-like zip with no workbook"), "w") as z:
        z.writestr("word/document.xml", "<w/>")
    folder = b.add("not-workbooks", "folder.xlsx", "a folder named folder.xlsx, empty")
    folder.mkdir()
    folder = b.add("not-workbooks", "folder-with-plan.xlsx", "a folder named .xlsx holding a plan")
    folder.mkdir()
    shutil.copy(b.base, folder / "inside.xlsx")


@family
def libreoffice(b: _Builder) -> None:
    if not b.soffice:
        b.corpus.missing.append("libreoffice (round trips, .xls, .ods): soffice is not installed")
        return
    cache = b.folder.parent / (b.folder.name + ".lo")
    sources = [b.bases["healthy"], b.bases["drift"]]
    out = {fmt: _convert(b.soffice, sources, cache / fmt.split(":")[0], fmt)
           for fmt in ("xlsx:Calc MS Excel 2007 XML", "xls", "ods")}
    for src, converted in zip(sources, out["xlsx:Calc MS Excel 2007 XML"]):
        shutil.copy(converted, b.add("libreoffice", f"round-trip-{src.stem[:2]}.xlsx", "saved again by LibreOffice"))
    shutil.copy(out["xls"][0], b.add("libreoffice", "xls-named-xlsx.xlsx", "an Excel 97 .xls named .xlsx"))
    shutil.copy(out["ods"][0], b.add("libreoffice", "ods-named-xlsx.xlsx", "an OpenDocument .ods named .xlsx"))
    shutil.copy(out["xls"][0], b.add("libreoffice", "plan.xls", "an Excel 97 .xls"))
    shutil.copy(out["ods"][0], b.add("libreoffice", "plan.ods", "an OpenDocument .ods"))


def _convert(soffice: str, sources: list[Path], outdir: Path, fmt: str) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    ext = fmt.split(":")[0]
    outputs = [outdir / f"{p.stem}.{ext}" for p in sources]
    if not all(o.exists() for o in outputs):
        subprocess.run([soffice, f"-env:UserInstallation=file://{outdir / '.profile'}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
                       capture_output=True, timeout=300, check=False)
    missing = [o.name for o in outputs if not o.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {missing}")
    return outputs


@family
def odd_names(b: _Builder) -> None:
    names = [("invalid-utf8", os.fsdecode(b"plan-\xff\xfe-bytes.xlsx"), "a file name with invalid UTF-8 bytes"),
             ("long", "p" * 240 + ".xlsx", "a 245-byte file name"),
             ("escape", "\x1b[2J\x1b[31mred\x07.xlsx", "terminal escapes in the file name"),
             ("newline", "two\nlines\t.xlsx", "a newline and a tab in the file name"),
             ("markup", "[bold red]x #1 ~$.xlsx", "Rich markup, '#' and '~$' in the file name"),
             ("dash", "-rf.xlsx", "a file name starting with a dash"),
             ("upper", "PLAN.XLSX", "an upper-case suffix")]
    for _key, name, what in names:
        shutil.copy(b.base, b.add("odd-names", name, what, readable=True))


@family
def folders(b: _Builder) -> None:
    bad = b.folder / "config" / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "mapsheet.toml").write_text("[thresholds\nmin_milestones = 'three'\n")
    shutil.copy(b.bases["at-risk"], b.add("config", "bad/plan-beside-bad-config.xlsx", "a plan beside a broken "
                                                                                        "mapsheet.toml"))
    unknown = b.folder / "config" / "unknown"
    unknown.mkdir(parents=True, exist_ok=True)
    (unknown / "mapsheet.toml").write_text("[thresholds]\nmin_milestonez = 3\n")
    shutil.copy(b.bases["vague"], b.add("config", "unknown/plan-beside-unknown-setting.xlsx",
                                        "a plan beside a mapsheet.toml with an unknown setting"))
    links = b.folder / "symlinks"
    links.mkdir(parents=True, exist_ok=True)
    (links / "link-to-plan.xlsx").symlink_to(b.bases["healthy"])
    (links / "dangling.xlsx").symlink_to(links / "nowhere.xlsx")
    (links / "loop").symlink_to(links)
    b.corpus.cases += [Case("symlinks", links / "link-to-plan.xlsx", "a symlink to a plan", readable=True),
                       Case("symlinks", links / "dangling.xlsx", "a symlink to nothing"),
                       Case("symlinks", links, "a folder of symlinks, one looping back to the folder")]


def build(folder: str | Path, *, soffice: str | None = None, families: list[str] | None = None) -> Corpus:
    """Write the corpus into ``folder`` (emptied first); ``soffice`` adds the LibreOffice families."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    b = _Builder(folder, soffice, random.Random(SEED))
    for fn in FAMILIES:
        if families is None or fn.__name__ in families:
            first = len(b.corpus.cases)
            fn(b)
            for case in b.corpus.cases[first:]:
                case.maker = fn.__name__
    return b.corpus


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip().splitlines()[-5])
        return 2
    soffice = None if "--no-libreoffice" in argv else (shutil.which("soffice") or shutil.which("libreoffice"))
    corpus = build(argv[0], soffice=soffice)
    for case in corpus.cases:
        print(f"{case.family}\t{os.fsencode(case.path.relative_to(corpus.folder))!r}\t{case.what}")
    for what in corpus.missing:
        print(f"left out: {what}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
