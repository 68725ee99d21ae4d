"""Requests and answers held to Google's published API: the sheets.v4 and drive.v3 discovery documents
shipped by the pinned google-api-python-client (a test dependency, see pyproject's `test` extra).

    problems = validate_request("PUT", url, body)          # [] when the request is one Google documents
    problems = validate_response("sheets.spreadsheets.get", answer)

Checked: the HTTP method and path (a documented method or its media-upload path), every query parameter
(known to the method or global, type, enum, repeated, required ones present), the `fields` mask (names
exist in the answer's schema), and the body against the method's request schema through `$ref`s: unknown
fields fail, types and enums are checked. Answers are checked against the response schema the same way.
"""
from __future__ import annotations

import functools
import json
import re
import urllib.parse
from dataclasses import dataclass

from googleapiclient.discovery_cache import get_static_doc

APIS = {"sheets": "v4", "drive": "v3"}
_INT_RE = re.compile(r"^-?\d+$")


# Undocumented parameters Google is recorded accepting (200 in gspread's cassettes, e.g.
# SpreadsheetTest.test_get_lastUpdateTime: gspread 6.2.1's get_file_drive_metadata sends it to files.get).
RECORDED_TOLERATED = {"drive.files.get": {"includeItemsFromAllDrives"}}


class DiscoveryError(AssertionError):
    """A request or an answer that Google's discovery document does not allow."""


@dataclass
class Method:
    api: str
    doc: dict
    spec: dict
    regex: re.Pattern
    upload: bool

    @property
    def id(self) -> str:
        return self.spec["id"]


@functools.lru_cache(maxsize=None)
def document(api: str) -> dict:
    text = get_static_doc(api, APIS[api])
    if text is None:
        raise RuntimeError(f"google-api-python-client ships no {api} {APIS[api]} discovery document")
    return json.loads(text)


def _walk(resources: dict):
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _walk(resource.get("resources", {}))


def _template_regex(prefix: str, flat: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", flat)
    out = ""
    for part in parts:
        if part.startswith("{"):
            name = part[1:-1].lstrip("+")
            out += f"(?P<{name}>.+?)" if name == "range" else f"(?P<{name}>[^/:]+)"
        else:
            out += re.escape(part)
    return re.compile("^" + re.escape(prefix) + out + "$")


@functools.lru_cache(maxsize=None)
def methods() -> tuple[Method, ...]:
    found = []
    for api in APIS:
        doc = document(api)
        root = urllib.parse.urlsplit(doc["rootUrl"]).netloc
        for spec in _walk(doc["resources"]):
            flat = spec.get("flatPath", spec["path"])
            found.append(Method(api, doc, spec, _template_regex(f"{root}/{doc['servicePath']}", flat), False))
            simple = ((spec.get("mediaUpload") or {}).get("protocols") or {}).get("simple")
            if simple:
                found.append(Method(api, doc, spec, _template_regex(root, simple["path"]), True))
    return tuple(found)


def find_method(http_method: str, url: str) -> Method | None:
    parts = urllib.parse.urlsplit(url)
    where = parts.netloc + parts.path
    for method in methods():
        if method.spec["httpMethod"] == http_method and method.regex.match(where):
            return method
    return None


def validate_request(http_method: str, url: str, body=None, *, expect: str | None = None) -> list[str]:
    """Problems with one request (empty when Google's documents allow it). body: parsed JSON, bytes or None."""
    method = find_method(http_method, url)
    if method is None:
        return [f"{http_method} {urllib.parse.urlsplit(url).path} is not a method of sheets v4 or drive v3"]
    problems = []
    if expect and method.id != expect:
        problems.append(f"served as {expect} but the discovery document says {method.id}")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    problems += _check_params(method, params)
    request_schema = (method.spec.get("request") or {}).get("$ref")
    if method.upload:
        return problems  # media bodies are not JSON; multipart metadata is checked by the handler
    if body is not None and not isinstance(body, (bytes, bytearray)):
        if request_schema is None:
            problems.append(f"{method.id} takes no request body")
        else:
            problems += check_value(body, {"$ref": request_schema}, method.doc["schemas"], "body")
    elif request_schema and method.spec["httpMethod"] in ("POST", "PUT", "PATCH") and body is None:
        pass  # an empty body is allowed (Google treats it as {})
    return problems


def validate_response(method_id: str, answer) -> list[str]:
    method = next((m for m in methods() if m.id == method_id and not m.upload), None)
    if method is None:
        return [f"unknown method {method_id}"]
    schema = (method.spec.get("response") or {}).get("$ref")
    if schema is None:
        return [] if answer in (None, b"", {}) or isinstance(answer, bytes) else [f"{method_id} answers no body"]
    if isinstance(answer, bytes):
        return []
    return check_value(answer, {"$ref": schema}, method.doc["schemas"], "answer")


def _check_params(method: Method, params: dict[str, list[str]]) -> list[str]:
    problems = []
    known = dict(method.doc.get("parameters", {}))
    known.update({k: v for k, v in method.spec.get("parameters", {}).items() if v.get("location") == "query"})
    for name, values in params.items():
        spec = known.get(name)
        if spec is None and name in RECORDED_TOLERATED.get(method.id, ()):
            continue
        if spec is None:
            problems.append(f"unknown parameter {name!r}")
            continue
        if len(values) > 1 and not spec.get("repeated"):
            problems.append(f"parameter {name!r} given {len(values)} times")
        for value in values:
            problems += _check_param_value(name, value, spec)
        if name == "fields" and (method.spec.get("response") or {}).get("$ref"):
            problems += _check_mask(values[-1], method.spec["response"]["$ref"], method.doc["schemas"])
    for name, spec in method.spec.get("parameters", {}).items():
        if spec.get("location") == "query" and spec.get("required") and name not in params:
            problems.append(f"required parameter {name!r} missing")
    return problems


def _check_param_value(name: str, value: str, spec: dict) -> list[str]:
    kind = spec.get("type", "string")
    if kind == "boolean" and value.lower() not in ("true", "false"):
        return [f"parameter {name}={value!r} is not a boolean"]
    if kind == "integer":
        if not _INT_RE.match(value):
            return [f"parameter {name}={value!r} is not an integer"]
        if "minimum" in spec and int(value) < int(spec["minimum"]):
            return [f"parameter {name}={value} is below its minimum {spec['minimum']}"]
    if "enum" in spec and value not in spec["enum"]:
        return [f"parameter {name}={value!r} is not one of {spec['enum']}"]
    return []


def _check_mask(text: str, schema: str, schemas: dict) -> list[str]:
    import importlib

    fields = importlib.import_module("fake.fields")
    try:
        tree = fields.parse(text)
    except fields.MaskError as err:
        return [str(err)]
    return [f"fields mask names {bad}, which {schema} does not have" for bad in fields.validate(tree, schema, schemas)]


def check_value(value, schema: dict, schemas: dict, where: str) -> list[str]:
    """Problems with a JSON value against a discovery schema (unknown object fields are problems)."""
    if value is None:
        return []  # JSON null: the field is unset
    if "$ref" in schema:
        return check_value(value, schemas[schema["$ref"]], schemas, where)
    kind = schema.get("type")
    if kind == "any" or kind is None and "properties" not in schema:
        return []
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__} {_short(value)}"]
        problems = []
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if props is not None and key in props:
                problems += check_value(item, props[key], schemas, f"{where}.{key}")
            elif extra is not None:
                problems += check_value(item, extra, schemas, f"{where}.{key}")
            else:
                problems.append(f"{where}: unknown field {key!r}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {type(value).__name__} {_short(value)}"]
        problems = []
        for i, item in enumerate(value):
            problems += check_value(item, schema.get("items", {}), schemas, f"{where}[{i}]")
        return problems
    if kind == "string":
        fmt = schema.get("format")
        if fmt in ("int64", "uint64") and (isinstance(value, int) and not isinstance(value, bool)):
            return []
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {type(value).__name__} {_short(value)}"]
        if fmt in ("int64", "uint64") and not _INT_RE.match(value):
            return [f"{where}: {value!r} is not an {fmt}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of {schema['enum']}"]
        return []
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return []
            return [f"{where}: expected an integer, got {_short(value)}"]
        return []
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{where}: expected a number, got {_short(value)}"]
        return []
    if kind == "boolean":
        if not isinstance(value, bool):
            return [f"{where}: expected a boolean, got {_short(value)}"]
        return []
    return []


def _short(value) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) < 60 else text[:57] + "..."
