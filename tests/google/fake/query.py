"""Drive v3 search queries (`q`): `'<folder>' in parents and trashed = false and modifiedTime > '...'`."""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from .errors import drive_error

_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|<|>)|(?P<paren>[()])|(?P<word>[A-Za-z_.]+))""")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _bad(text)
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        pos = m.end()
    return out


def _bad(text: str):
    return drive_error(400, "Invalid Value", "invalid", location="q")


def compile_query(text: str) -> Callable[[dict], bool]:
    """Returns a predicate over a file's JSON (all fields)."""
    tokens = _tokens(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse_or():
        left = parse_and()
        while peek() == ("word", "or"):
            take()
            right = parse_and()
            left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
        return left

    def parse_and():
        left = parse_not()
        while peek() == ("word", "and"):
            take()
            right = parse_not()
            left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
        return left

    def parse_not():
        if peek() == ("word", "not"):
            take()
            inner = parse_not()
            return lambda f: not inner(f)
        if peek() == ("paren", "("):
            take()
            inner = parse_or()
            if take() != ("paren", ")"):
                raise _bad(text)
            return inner
        return parse_term()

    def parse_term():
        kind, value = take()
        if kind == "str":
            word = take()
            field = take()
            if word != ("word", "in") or field[0] != "word":
                raise _bad(text)
            return lambda f, v=value, name=field[1]: _contains(f, name, v)
        if kind != "word":
            raise _bad(text)
        field = value
        op_kind, op = take()
        if op_kind == "word" and op == "in":  # gspread writes `parents in "<id>"`
            _, operand = take()
            return lambda f: _contains(f, field, operand)
        if op_kind == "word" and op == "contains":
            _, operand = take()
            return lambda f: str(operand).lower() in str(f.get(field, "")).lower()
        if op_kind != "op":
            raise _bad(text)
        operand_kind, operand = take()
        if operand_kind == "word" and operand in ("true", "false"):
            operand = operand == "true"
        return lambda f: _compare(f.get(field), op, operand, field)

    predicate = parse_or()
    if pos != len(tokens):
        raise _bad(text)
    return predicate


def _contains(f: dict, field: str, value: str) -> bool:
    items = f.get(field) or []
    if field in ("owners", "writers", "readers"):
        return value in [o.get("emailAddress") if isinstance(o, dict) else o for o in items]
    return value in items


def _compare(actual, op: str, operand, field: str) -> bool:
    if field.endswith("Time") and isinstance(operand, str):
        actual = _time(actual)
        operand = _time(operand)
    if actual is None:
        return op == "!="
    return {"=": actual == operand, "!=": actual != operand, "<": actual < operand, "<=": actual <= operand,
            ">": actual > operand, ">=": actual >= operand}[op]


def _time(text):
    if text is None:
        return None
    text = text.replace("Z", "+00:00")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment
