"""How each named style of ``edits.STYLES`` looks in Excel, set through xlwings' Range and Font."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    font_color: str | None = None  # RRGGBB
    fill: str | None = None  # RRGGBB
    number_format: str | None = None
    wrap: bool = False


#: What each named style of edits.STYLES looks like in Excel; colours follow Excel's built-in
#: "Good / Neutral / Bad" cell styles so the check reads like Excel's own formatting.
FORMATS: dict[str, Format] = {
    "title": Format(bold=True, size=16),
    "subtitle": Format(size=12, font_color="595959"),
    "muted": Format(italic=True, font_color="808080"),
    "label": Format(bold=True),
    "header": Format(bold=True, font_color="FFFFFF", fill="1F4E78"),
    "section": Format(bold=True, size=12, font_color="1F4E78"),
    "score": Format(bold=True, size=20),
    "grade": Format(bold=True, size=20),
    "band-on-track": Format(bold=True, font_color="006100", fill="C6EFCE"),
    "band-at-risk": Format(bold=True, font_color="9C5700", fill="FFEB9C"),
    "band-off-track": Format(bold=True, font_color="9C0006", fill="FFC7CE"),
    "error": Format(fill="FFC7CE"),
    "warning": Format(fill="FFEB9C"),
    "info": Format(fill="DDEBF7"),
    "bar": Format(fill="4472C4"),
    "bar-empty": Format(fill="D9D9D9"),
    "link": Format(font_color="0563C1"),
    "number": Format(number_format="0"),
    "percent": Format(number_format="0%"),
    "date": Format(number_format="yyyy-mm-dd"),
    "wrap": Format(wrap=True),
}


def apply_format(rng: Any, fmt: Format | None) -> None:
    if fmt is None:
        return
    if fmt.bold is not None:
        rng.font.bold = fmt.bold
    if fmt.italic is not None:
        rng.font.italic = fmt.italic
    if fmt.size is not None:
        rng.font.size = fmt.size
    if fmt.font_color:
        rng.font.color = f"#{fmt.font_color}"
    if fmt.fill:
        rng.color = f"#{fmt.fill}"
    if fmt.number_format:
        rng.number_format = fmt.number_format
    if fmt.wrap:
        rng.wrap_text = True
