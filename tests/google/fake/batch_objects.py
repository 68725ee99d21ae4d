"""batchUpdate requests on a sheet's objects: conditional formats, charts, protected and named ranges,
banding, filters and borders."""
from __future__ import annotations

import copy

from .errors import invalid
from .masks import apply_update
from .ranges import echo_grid_range, from_grid_range, to_grid_range
from .sheets_lookup import sheet_of


def _delete_by_id(book, attribute: str, key: str, wanted, what: str) -> None:
    for sheet in book.sheets:
        items = getattr(sheet, attribute)
        kept = [item for item in items if item.get(key) != wanted]
        if len(kept) != len(items):
            setattr(sheet, attribute, kept)
            return
    raise invalid(f"No {what} with id: {wanted}")



def add_conditional_format_rule(book, args):
    rule = copy.deepcopy(args.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise invalid("At least one range must be specified.")
    sheet = sheet_of(book, ranges[0].get("sheetId"))
    for rng in ranges:
        from_grid_range(book, rng)
    if not ("booleanRule" in rule) ^ ("gradientRule" in rule):
        raise invalid("Exactly one of booleanRule or gradientRule must be set.")
    index = args.get("index", 0)
    if index > len(sheet.conditional_formats):
        raise invalid(f"Invalid index: {index}")
    sheet.conditional_formats.insert(index, rule)


def delete_conditional_format_rule(book, args):
    sheet = sheet_of(book, args.get("sheetId"))
    index = args.get("index", 0)
    if index >= len(sheet.conditional_formats):
        raise invalid(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def update_conditional_format_rule(book, args):
    sheet = sheet_of(book, args.get("sheetId"))
    index = args.get("index", 0)
    if index >= len(sheet.conditional_formats):
        raise invalid(f"No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    old = sheet.conditional_formats[index]
    if "rule" in args:
        sheet.conditional_formats[index] = copy.deepcopy(args["rule"])
    return {"updateConditionalFormatRule": {"oldRule": old, "oldIndex": index,
                                            "newRule": sheet.conditional_formats[index], "newIndex": index}}


def add_banding(book, args):
    banded = copy.deepcopy(args.get("bandedRange") or {})
    banded.setdefault("bandedRangeId", next(book.next_object_id))
    area = from_grid_range(book, banded.get("range") or {})
    banded["range"] = echo_grid_range(banded["range"])
    area.sheet.banded_ranges.append(banded)
    return {"addBanding": {"bandedRange": copy.deepcopy(banded)}}


def delete_banding(book, args):
    _delete_by_id(book, "banded_ranges", "bandedRangeId", args.get("bandedRangeId"), "banded range")


def add_chart(book, args):
    chart = copy.deepcopy(args.get("chart") or {})
    chart.setdefault("chartId", next(book.next_object_id))
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet = sheet_of(book, anchor.get("sheetId", book.sheets[0].sheet_id)) if anchor else book.sheets[0]
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def delete_embedded_object(book, args):
    _delete_by_id(book, "charts", "chartId", args.get("objectId"), "object")


def add_protected_range(book, args):
    protected = copy.deepcopy(args.get("protectedRange") or {})
    protected.setdefault("protectedRangeId", next(book.next_object_id))
    sheet = sheet_of(book, (protected.get("range") or {}).get("sheetId"))
    protected["range"] = echo_grid_range(protected.get("range") or {})
    protected["requestingUserCanEdit"] = True  # output only: the caller owns the sheet
    protected["editors"] = protected.get("editors") or {}
    if not protected.get("warningOnly"):
        protected.pop("warningOnly", None)
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def delete_protected_range(book, args):
    _delete_by_id(book, "protected_ranges", "protectedRangeId", args.get("protectedRangeId"), "protected range")


def add_named_range(book, args):
    named = copy.deepcopy(args.get("namedRange") or {})
    named.setdefault("namedRangeId", str(next(book.next_object_id)))
    from_grid_range(book, named.get("range") or {})
    named["range"] = echo_grid_range(named.get("range") or {})
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": copy.deepcopy(named)}}


def delete_named_range(book, args):
    before = len(book.named_ranges)
    book.named_ranges = [n for n in book.named_ranges if n.get("namedRangeId") != args.get("namedRangeId")]
    if len(book.named_ranges) == before:
        raise invalid(f"No named range with id: {args.get('namedRangeId')}")


def update_named_range(book, args):
    given = args.get("namedRange") or {}
    for named in book.named_ranges:
        if named.get("namedRangeId") == given.get("namedRangeId"):
            apply_update(named, given, args.get("fields", ""))
            named["namedRangeId"] = given.get("namedRangeId")
            named["range"] = echo_grid_range(named.get("range") or {})
            return
    raise invalid(f"No named range with id: {given.get('namedRangeId')}")


def set_basic_filter(book, args):
    flt = copy.deepcopy(args.get("filter") or {})
    sheet = sheet_of(book, (flt.get("range") or {}).get("sheetId"))
    flt["range"] = to_grid_range(from_grid_range(book, flt.get("range") or {}))
    sheet.basic_filter = flt


def clear_basic_filter(book, args):
    sheet_of(book, args.get("sheetId")).basic_filter = None


def update_borders(book, args):
    area = from_grid_range(book, args.get("range") or {})
    for r, c in area.cells():
        borders = area.sheet.cell(r, c).setdefault("userEnteredFormat", {}).setdefault("borders", {})
        for side, key in (("top", r == area.r0), ("bottom", r == area.r1 - 1), ("left", c == area.c0),
                          ("right", c == area.c1 - 1)):
            if key and side in args:
                borders[side] = copy.deepcopy(args[side])
