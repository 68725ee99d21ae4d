"""How each named style of a mapsheet-owned sheet looks, as engine-neutral data.

``edits.ReplaceSheet`` cells name a style ("header", "band-at-risk"...); every backend turns the same
``Format`` into its own formatting calls, so the Plan check sheet looks the same in a file, in live
Excel and in Google Sheets. Colours follow Excel's built-in Good / Neutral / Bad cell styles so the
check reads like Excel's own formatting.
"""

from __future__ import annotations

from .frozen import frozen
from .levels import SEVERITY_FILLS


@frozen  # dataclass(frozen=True), with fewer methods compiled: a sync's reading processes import this module
class Format:
    """How a cell looks: None leaves a property to the sheet's default."""

    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    font_color: str | None = None  # RRGGBB
    fill: str | None = None  # RRGGBB
    number_format: str | None = None
    wrap: bool = False


FORMATS: dict[str, Format] = {
    "title": Format(bold=True, size=18, font_color="1F3864"),
    "subtitle": Format(size=12, font_color="595959"),
    "muted": Format(italic=True, font_color="808080"),
    "note": Format(italic=True, font_color="808080", wrap=True),
    "label": Format(bold=True, font_color="262626"),
    "header": Format(bold=True, font_color="FFFFFF", fill="1F3864"),
    "section": Format(bold=True, size=13, font_color="1F3864"),
    "score": Format(bold=True, size=22, font_color="1F3864"),
    "grade": Format(bold=True, size=22, font_color="1F3864"),
    "band-on-track": Format(bold=True, size=14, font_color="006100", fill="C6EFCE"),
    "band-at-risk": Format(bold=True, size=14, font_color="9C5700", fill="FFEB9C"),
    "band-off-track": Format(bold=True, size=14, font_color="9C0006", fill="FFC7CE"),
    "band-not-checkable": Format(bold=True, size=14, font_color="3F3F3F", fill="D9D9D9"),
    "error": Format(bold=True, font_color="9C0006", fill=SEVERITY_FILLS["error"]),
    "warning": Format(bold=True, font_color="9C5700", fill=SEVERITY_FILLS["warning"]),
    "info": Format(bold=True, font_color="1F4E78", fill=SEVERITY_FILLS["info"]),
    "bar": Format(font_color="4472C4"),  # a text bar of full blocks: its length is the share kept
    "bar-empty": Format(font_color="D9D9D9"),
    "link": Format(font_color="0563C1"),
    "number": Format(number_format="0"),
    "percent": Format(number_format="0%"),
    "date": Format(number_format="d mmm yyyy"),
    "wrap": Format(wrap=True),
}

#: Points a line of 11-pt text needs. Excel and LibreOffice do not grow the rows of a file written by a
#: program until someone edits them, so writers set the height of rows with wrapped text themselves.
LINE_HEIGHT = 15
#: Characters of prose one unit of column width holds when wrapped: Excel's unit is the width of a "0",
#: wider than most letters, less what wrapping at spaces leaves empty (measured in LibreOffice's print).
PROSE_CHARS = 1.2


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes, wrapped in a column ``width`` characters wide (about one 11-pt
    character a unit of Excel's column width; each newline starts a line)."""
    chars = max(int(width), 1)
    if "\n" not in text:  # one line, as most are: its length in lines, rounded up
        return -(-max(len(text), 1) // chars)
    return sum(-(-max(len(part), 1) // chars) for part in text.split("\n"))
