"""Google's partial-response field masks: `sheets(properties(sheetId,title),data.rowData.values.note)`.

A mask is parsed into a tree {name: subtree or None} and applied to an answer: objects keep only the named
keys, lists apply the mask to each element, `*` keeps everything below it.
"""
from __future__ import annotations

from typing import Any

Mask = dict[str, "Mask | None"]


class MaskError(ValueError):
    pass


def parse(text: str) -> Mask:
    text = text.replace(" ", "").replace("/", ".")
    tree, pos = _parse_list(text, 0)
    if pos != len(text):
        raise MaskError(f"unbalanced parentheses in fields mask {text!r}")
    return tree


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    tree: Mask = {}
    while pos < len(text):
        name_end = pos
        while name_end < len(text) and text[name_end] not in ",()":
            name_end += 1
        path = text[pos:name_end]
        if not path:
            raise MaskError(f"empty field name at {pos} in {text!r}")
        pos = name_end
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise MaskError(f"missing ')' in fields mask {text!r}")
            pos += 1
        _insert(tree, path.split("."), sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return tree, pos


def _insert(tree: Mask, names: list[str], sub: Mask | None) -> None:
    head, rest = names[0], names[1:]
    if not rest:
        if head in tree and tree[head] is not None and sub is not None:
            _merge(tree[head], sub)
        elif head in tree and (tree[head] is None or sub is None):
            tree[head] = None
        else:
            tree[head] = sub
        return
    child = tree.get(head, {})
    if head in tree and tree[head] is None:
        return  # already whole
    tree[head] = child
    _insert(child, rest, sub)


def _merge(into: Mask, other: Mask) -> None:
    for key, sub in other.items():
        if key not in into:
            into[key] = sub
        elif into[key] is None or sub is None:
            into[key] = None
        else:
            _merge(into[key], sub)


def apply(value: Any, mask: Mask | None) -> Any:
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in mask.items():
        if key in value:
            out[key] = apply(value[key], sub)  # a message the mask empties stays as {} (as Google answers)
    return out


def validate(mask: Mask, schema: str, schemas: dict) -> list[str]:
    """Names in the mask that the discovery schema does not have (Google answers 400 for those)."""
    errors: list[str] = []
    _validate(mask, schemas.get(schema, {}), schemas, schema, errors)
    return errors


def _validate(mask: Mask, schema: dict, schemas: dict, where: str, errors: list[str]) -> None:
    schema = _resolve(schema, schemas)
    props = schema.get("properties", {})
    for key, sub in mask.items():
        if key == "*":
            continue
        if key not in props:
            errors.append(f"{where}.{key}")
            continue
        if sub is not None:
            _validate(sub, props[key], schemas, f"{where}.{key}", errors)


def _resolve(schema: dict, schemas: dict) -> dict:
    while True:
        if "$ref" in schema:
            schema = schemas[schema["$ref"]]
        elif schema.get("type") == "array":
            schema = schema.get("items", {})
        elif schema.get("type") == "object" and "additionalProperties" in schema:
            schema = schema["additionalProperties"]
        else:
            return schema

