"""Which .xlsx writer writes the roll-up: their names, the default and the environment variable that picks
one (``excel`` lays the roll-up out for them and re-exports these). Kept apart from ``excel`` so that a sync
knows its writer, part of what a re-sync compares, without importing the roll-up's layout."""

from __future__ import annotations

import os

from ..errors import MapsheetError

WRITERS = ("rust", "xlsxwriter")
DEFAULT_WRITER = "rust"
ENV = "MAPSHEET_ROLLUP_WRITER"


def writer_name(writer: str | None = None) -> str:
    name = (writer or os.environ.get(ENV) or DEFAULT_WRITER).strip().lower()
    if name not in WRITERS:
        raise MapsheetError(f"unknown roll-up writer {name!r} (from {'sync(writer=...)' if writer else ENV}); "
                            f"choose {' or '.join(WRITERS)}")
    return name
