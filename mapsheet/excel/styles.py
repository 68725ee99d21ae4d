"""Applying the named styles of ``mapsheet.styles`` to a live Excel range through xlwings' Range and Font."""

from __future__ import annotations

from typing import Any

from ..styles import FORMATS, Format  # noqa: F401  (the looks are core data; this module applies them)


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
