"""What a cell shows: parse what a user (or a values write) enters, render effective and formatted values.

Numbers and dates follow Google's en_US behaviour for the formats mapsheet uses: plain numbers, percent,
dates as serial numbers from 1899-12-30 with a date pattern. Formulas are stored, not evaluated (their
effective value is empty unless a formula is a plain constant such as `=1` or `="text"`).
"""
from __future__ import annotations

import datetime as dt
import re

EPOCH = dt.datetime(1899, 12, 30)

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def serial(moment: dt.datetime) -> float:
    delta = moment - EPOCH
    value = delta.days + delta.seconds / 86400
    return int(value) if value == int(value) else value


def from_serial(value: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=value)


def parse_entered(value, user_entered: bool) -> tuple[dict, dict | None]:
    """A values-API input -> (ExtendedValue, number format Google would set or None)."""
    if value is None:
        return {}, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        return {"numberValue": value}, None
    text = str(value)
    if not user_entered:
        return ({"stringValue": text} if text != "" else {}), None
    if text == "":
        return {}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    stripped = text.strip()
    if _NUMBER.match(stripped) and any(ch.isdigit() for ch in stripped):
        number = float(stripped.replace(",", ""))
        if "," in stripped:  # typed with thousands separators: Google keeps that look as a number format
            decimals = len(stripped.split(".")[1]) if "." in stripped else 0
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return {"numberValue": _tidy(number)}, {"type": "NUMBER", "pattern": pattern}
        return {"numberValue": _tidy(number)}, None
    if stripped.endswith("%") and _NUMBER.match(stripped[:-1].strip()) and any(ch.isdigit() for ch in stripped):
        number = float(stripped[:-1].replace(",", "")) / 100
        return {"numberValue": _tidy(number)}, {"type": "PERCENT", "pattern": "0%" if number * 100 == int(number * 100) else "0.00%"}
    for pattern, order, fmt in ((_ISO_DATE, (0, 1, 2), "yyyy-mm-dd"), (_US_DATE, (2, 0, 1), "M/d/yyyy")):
        m = pattern.match(stripped)
        if m:
            parts = [int(g) for g in m.groups()]
            try:
                day = dt.datetime(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                break
            return {"numberValue": serial(day)}, {"type": "DATE", "pattern": fmt}
    m = _ISO_DATETIME.match(stripped)
    if m:
        y, mo, d, h, mi = (int(g) for g in m.groups()[:5])
        s = int(m.group(6) or 0)
        try:
            moment = dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            return {"stringValue": text}, None
        return {"numberValue": serial(moment)}, {"type": "DATE_TIME", "pattern": "yyyy-mm-dd H:mm:ss"}
    return {"stringValue": text}, None


def _tidy(number: float):
    return int(number) if number == int(number) and abs(number) < 2**53 else number


def effective(cell: dict) -> dict | None:
    """effectiveValue of a cell, or None when it has none."""
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    if "formulaValue" in entered:
        return _constant_formula(entered["formulaValue"])
    return dict(entered)


_HYPERLINK = re.compile(r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.I)


def link(cell: dict) -> str | None:
    """CellData.hyperlink (output only): a HYPERLINK formula's target or the cell's text link."""
    formula = (cell.get("userEnteredValue") or {}).get("formulaValue")
    m = _HYPERLINK.match(formula or "")
    if m:
        return m.group(1).replace('""', '"')
    return (((cell.get("userEnteredFormat") or {}).get("textFormat") or {}).get("link") or {}).get("uri")


def _constant_formula(formula: str) -> dict | None:
    """Formulas of constants only (`="text"`, `=3/2`, `= 1 / 1024`): anything else has no value in the fake."""
    body = formula[1:].strip()
    m = _HYPERLINK.match(formula)
    if m:  # =HYPERLINK("url", "label") shows its label
        return {"stringValue": (m.group(2) if m.group(2) is not None else m.group(1)).replace('""', '"')}
    number = _arithmetic(body)
    if number is not None:
        return {"numberValue": _tidy(number)}
    if len(body) >= 2 and body[0] == body[-1] == '"':
        return {"stringValue": body[1:-1].replace('""', '"')}
    if _NUMBER.match(body) and any(ch.isdigit() for ch in body):
        return {"numberValue": _tidy(float(body.replace(",", "")))}
    if body.upper() in ("TRUE", "FALSE"):
        return {"boolValue": body.upper() == "TRUE"}
    return None


def _arithmetic(text: str) -> float | None:
    import ast
    import operator

    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.USub: operator.neg, ast.UAdd: operator.pos}

    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.operand))
        raise ValueError(text)

    try:
        return ev(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, TypeError):
        return None


def number_format(cell: dict) -> dict | None:
    return (cell.get("userEnteredFormat") or {}).get("numberFormat")


def formatted(cell: dict) -> str | None:
    value = effective(cell)
    if value is None:
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return "#ERROR!"
    return format_number(value["numberValue"], number_format(cell))


def format_number(number: float, fmt: dict | None) -> str:
    kind = (fmt or {}).get("type", "NUMBER")
    pattern = (fmt or {}).get("pattern", "")
    if kind in ("DATE", "DATE_TIME", "TIME") or (pattern and re.search(r"[dy]", pattern) and kind != "TEXT"):
        return format_date(from_serial(number), pattern or ("M/d/yyyy" if kind == "DATE" else "M/d/yyyy H:mm:ss"))
    if kind == "PERCENT" or pattern.endswith("%"):
        decimals = len(pattern.split(".")[1].rstrip("%")) if "." in pattern else 0
        return f"{number * 100:.{decimals}f}%"
    if pattern and re.fullmatch(r"[#0,]*0(\.0+)?", pattern):
        decimals = len(pattern.split(".")[1]) if "." in pattern else 0
        text = f"{number:,.{decimals}f}" if "," in pattern else f"{number:.{decimals}f}"
        return text
    return general(number)


def general(number: float) -> str:
    """Google's automatic format: up to 10 significant digits, no trailing zeros."""
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.10g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|AM/PM|[^ymdhsaAM]+|.", re.I)


def format_date(moment: dt.datetime, pattern: str) -> str:
    out = []
    tokens = _DATE_TOKENS.findall(pattern)
    for i, token in enumerate(tokens):
        low = token.lower()
        after_hour = any(t.lower() in ("h", "hh") for t in tokens[max(0, i - 2) : i])
        before_sec = any(t.lower() in ("s", "ss") for t in tokens[i + 1 : i + 3])
        if low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low == "mmmm":
            out.append(moment.strftime("%B"))
        elif low == "mmm":
            out.append(moment.strftime("%b"))
        elif low in ("mm", "m"):
            minute = after_hour or before_sec
            value = moment.minute if minute else moment.month
            out.append(f"{value:02d}" if low == "mm" else str(value))
        elif low == "dddd":
            out.append(moment.strftime("%A"))
        elif low == "ddd":
            out.append(moment.strftime("%a"))
        elif low == "dd":
            out.append(f"{moment.day:02d}")
        elif low == "d":
            out.append(str(moment.day))
        elif low in ("hh", "h"):
            out.append(f"{moment.hour:02d}" if low == "hh" else str(moment.hour))
        elif low in ("ss", "s"):
            out.append(f"{moment.second:02d}" if low == "ss" else str(moment.second))
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        else:
            out.append(token.replace('"', ""))
    return "".join(out)


def unformatted(cell: dict, date_time_render: str):
    """A cell for valueRenderOption=UNFORMATTED_VALUE: numbers as numbers, dates per dateTimeRenderOption."""
    value = effective(cell)
    if value is None:
        return None
    if "numberValue" in value:
        fmt = number_format(cell) or {}
        if date_time_render == "FORMATTED_STRING" and fmt.get("type") in ("DATE", "DATE_TIME", "TIME"):
            return formatted(cell)
        return value["numberValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "stringValue" in value:
        return value["stringValue"]
    return None


def rendered(cell: dict, value_render: str, date_time_render: str):
    if value_render == "FORMULA":
        entered = cell.get("userEnteredValue") or {}
        if "formulaValue" in entered:
            return entered["formulaValue"]
        return unformatted(cell, date_time_render)
    if value_render == "UNFORMATTED_VALUE":
        return unformatted(cell, date_time_render)
    return formatted(cell)
