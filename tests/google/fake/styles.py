"""How Google stores colours and formats: every colour gets its *Style twin (backgroundColor <->
backgroundColorStyle.rgbColor), zero colour components and zero grid properties are left out."""
from __future__ import annotations

_TWINS = (("backgroundColor", "backgroundColorStyle"), ("foregroundColor", "foregroundColorStyle"),
          ("tabColor", "tabColorStyle"), ("color", "colorStyle"))


def colour(value: dict) -> dict:
    """Google keeps 8 bits a channel, stored as float32: 0.5 comes back as 0.49803922 (recorded in
    WorksheetTest.test_update_tab_color), so halves round down; other values go to the nearest level."""
    return {k: (_channel(v) if k in ("red", "green", "blue") else v) for k, v in value.items()
            if v not in (0, 0.0, None)}


def _channel(value: float) -> float:
    import math
    import struct

    level = math.ceil(value * 255 - 0.5 - 1e-6) / 255
    single = struct.unpack("f", struct.pack("f", level))[0]
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            number = float(text)
            return int(number) if number.is_integer() else number
    return single


def twin_colours(obj):
    """Recursively add the missing twin of each colour field (in place) and drop zero components."""
    if isinstance(obj, list):
        for item in obj:
            twin_colours(item)
        return obj
    if not isinstance(obj, dict):
        return obj
    for plain, style in _TWINS:
        if obj.get(style) == {} and plain not in obj:
            del obj[style]  # {"rgbColor": null}: the colour is being cleared
            continue
        if isinstance(obj.get(plain), dict):
            obj[plain] = colour(obj[plain])
            if style not in obj:
                obj[style] = {"rgbColor": dict(obj[plain])}
        if isinstance(obj.get(style), dict):
            rgb = obj[style].get("rgbColor")
            if isinstance(rgb, dict):
                obj[style]["rgbColor"] = colour(rgb)
                if plain not in obj:
                    obj[plain] = dict(obj[style]["rgbColor"])
    for key, value in obj.items():
        if key not in ("rgbColor",) and isinstance(value, (dict, list)):
            twin_colours(value)
    return obj


def drop_zero_grid(properties: dict) -> None:
    """gridProperties keep rowCount/columnCount; zero counts and false flags are not stored."""
    grid = properties.get("gridProperties")
    if isinstance(grid, dict):
        for key in [k for k, v in grid.items() if v in (0, False) and k not in ("rowCount", "columnCount")]:
            del grid[key]


def strip_nulls(obj):
    if isinstance(obj, dict):
        return {k: strip_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [strip_nulls(v) for v in obj]
    return obj


def twin_fields(mask: dict) -> dict:
    """A parsed write mask naming one of a colour pair names the other too (they are one setting)."""
    out = dict(mask)
    for key, sub in mask.items():
        if sub is not None:
            out[key] = twin_fields(sub)
        for plain, style in _TWINS:
            if key == plain:
                out.setdefault(style, None)
            elif key == style:
                out.setdefault(plain, None)
    return out


def strip_empty_lists(obj):
    """Repeated fields left empty are not stored (proto3)."""
    if isinstance(obj, dict):
        return {k: strip_empty_lists(v) for k, v in obj.items() if v != []}
    if isinstance(obj, list):
        return [strip_empty_lists(v) for v in obj]
    return obj
