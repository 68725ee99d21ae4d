"""mapsheet's named styles and values in the Sheets v4 vocabulary (pure).

The same ``styles.FORMATS`` the file and Excel backends use become ``CellFormat`` objects here, so the
Plan check tab looks the same in Google Sheets: fonts, colours, number formats, wrapping."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..styles import FORMATS, Format
from .grid import date_to_serial

PIXELS_PER_WIDTH = 7  # Excel's column width unit is about one 11-pt character: 7 pixels
DATE_PATTERN = "d mmm yyyy"


def color(rgb: str) -> dict:
    """RRGGBB -> a Sheets ``Color`` (0..1 floats); black's zero components are left out, as Google does."""
    rgb = rgb.lstrip("#")[-6:]
    parts = {k: int(rgb[i:i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}
    return {k: v for k, v in parts.items() if v}


def color_style(rgb: str) -> dict:
    return {"rgbColor": color(rgb)}


def rgb_of(style: dict | None) -> str:
    """The RRGGBB of a ``ColorStyle`` ("" for none or a theme colour)."""
    rgb = (style or {}).get("rgbColor")
    if rgb is None:
        return ""
    return "".join(f"{round(rgb.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


def cell_format(style: str | None) -> dict:
    fmt: Format | None = FORMATS.get(style) if style else None
    text: dict[str, Any] = {"fontFamily": "Calibri", "fontSize": 11}
    out: dict[str, Any] = {"verticalAlignment": "TOP", "textFormat": text}
    if fmt is None:
        return out
    if fmt.bold:
        text["bold"] = True
    if fmt.italic:
        text["italic"] = True
    if fmt.size:
        text["fontSize"] = fmt.size
    if fmt.font_color:
        text["foregroundColorStyle"] = color_style(fmt.font_color)
    if fmt.fill:
        out["backgroundColorStyle"] = color_style(fmt.fill)
    if fmt.number_format:
        kind = "PERCENT" if "%" in fmt.number_format else "DATE" if "y" in fmt.number_format else "NUMBER"
        out["numberFormat"] = {"type": kind, "pattern": fmt.number_format}
    if fmt.wrap:
        out["wrapStrategy"] = "WRAP"
    return out


def extended_value(value: Any) -> dict | None:
    """A value as Sheets stores it; text always stays text (never a formula, a date or a number)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"numberValue": date_to_serial(value)}
    return {"stringValue": str(value)}


def date_format() -> dict:
    return {"numberFormat": {"type": "DATE", "pattern": DATE_PATTERN}}
