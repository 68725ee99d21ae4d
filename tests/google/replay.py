"""Replay gspread's recorded Google traffic (vcrpy cassettes) against the fake and compare the answers.

Recorded ids (files, sheets, named/protected ranges, charts) differ from the fake's: they are learned by
walking the recorded and the fake's answers side by side (a key naming an id, at the same place) and
substituted in every later request; answers are compared after mapping the fake's ids back, with
createdTime/modifiedTime and etags normalised. Status and JSON body must be equal; non-JSON bodies
(csv exports) byte for byte.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import discovery

ID_KEYS = {"id", "spreadsheetId", "sheetId", "namedRangeId", "protectedRangeId", "chartId", "objectId"}
TIME_KEYS = {"createdTime", "modifiedTime", "modifiedByMeTime", "viewedByMeTime"}
USER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"  # the identity that recorded the cassettes


def cassette_dir() -> Path | None:
    """../shared/google/gspread-cassettes from the repository root (or any folder above it)."""
    override = os.environ.get("MAPSHEET_GOOGLE_CASSETTES")
    if override:
        return Path(override)
    root = Path(__file__).resolve().parents[2]
    for base in (root, *root.parents):
        candidate = base / "shared" / "google" / "gspread-cassettes"
        if candidate.is_dir():
            return candidate
    return None


@dataclass
class Ids:
    """Recorded id <-> the fake's id."""

    to_fake: dict = field(default_factory=dict)
    to_recorded: dict = field(default_factory=dict)

    def learn(self, recorded, fake) -> None:
        if recorded == fake or recorded in self.to_fake or fake in self.to_recorded:
            return
        if type(recorded) is not type(fake):
            return
        self.to_fake[recorded] = fake
        self.to_recorded[fake] = recorded

    def strings(self, text: str, table: dict) -> str:
        for old, new in sorted(((k, v) for k, v in table.items() if isinstance(k, str) and len(k) > 8),
                               key=lambda kv: -len(kv[0])):
            text = text.replace(old, new)
        return text

    def json(self, value, table: dict, key: str | None = None):
        if isinstance(value, dict):
            return {k: self.json(v, table, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, table, key) for v in value]
        if isinstance(value, str):
            return self.strings(value, table)
        if isinstance(value, int) and not isinstance(value, bool) and key in ID_KEYS:
            return table.get(value, value)
        return value


def learn(ids: Ids, recorded, fake, key: str | None = None) -> None:
    if isinstance(recorded, dict) and isinstance(fake, dict):
        for k in recorded.keys() & fake.keys():
            learn(ids, recorded[k], fake[k], k)
    elif isinstance(recorded, list) and isinstance(fake, list) and len(recorded) == len(fake):
        for r, f in zip(recorded, fake):
            learn(ids, r, f, key)
    elif key in ID_KEYS and recorded != fake and not isinstance(recorded, (dict, list)):
        ids.learn(recorded, fake)


def normalise(value, key: str | None = None):
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items() if k != "etag"}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if key in TIME_KEYS:
        return "<time>"
    return value


@dataclass
class Mismatch:
    index: int
    request: str
    detail: str

    def __str__(self) -> str:
        return f"interaction {self.index}: {self.request}: {self.detail}"


def _body_text(body) -> str | None:
    if body is None:
        return None
    return body if isinstance(body, str) else json.dumps(body)


def replay(path: Path, make_fake) -> list[Mismatch]:
    """Replays one cassette against a fresh fake; [] when every answer matches the recorded one."""
    cassette = json.loads(path.read_text())
    fake = make_fake()
    session = fake.session()
    ids = Ids()
    problems: list[Mismatch] = []
    for index, interaction in enumerate(cassette["interactions"]):
        rec_req, rec_resp = interaction["request"], interaction["response"]
        uri = ids.strings(rec_req["uri"], ids.to_fake)
        uri = _map_sheet_ids_in_uri(uri, ids)
        body = rec_req.get("body")
        headers = {k: v[0] for k, v in (rec_req.get("headers") or {}).items()
                   if k.lower() in ("content-type",)}
        if body:
            try:
                body = json.dumps(ids.json(json.loads(body), ids.to_fake))
            except ValueError:
                body = ids.strings(body, ids.to_fake)
        label = f"{rec_req['method']} {rec_req['uri'].split('?')[0]}"
        try:
            answer = session.request(rec_req["method"], uri, data=body.encode() if isinstance(body, str) else body,
                                     headers=headers)
        except Exception as err:  # a fake crash is a mismatch, not a test error
            problems.append(Mismatch(index, label, f"fake raised {type(err).__name__}: {err}"))
            return problems
        expected_status = rec_resp["status"]["code"]
        if answer.status_code != expected_status:
            problems.append(Mismatch(index, label, f"status {answer.status_code}, recorded {expected_status}: "
                                     f"{answer.text[:300]}"))
            return problems
        recorded_text = rec_resp["body"]["string"] or ""
        try:
            recorded = json.loads(recorded_text) if recorded_text else None
        except ValueError:
            recorded = None
        if recorded is None:
            if recorded_text and answer.content.decode(errors="replace") != recorded_text:
                problems.append(Mismatch(index, label, f"body {answer.text[:200]!r}, recorded {recorded_text[:200]!r}"))
                return problems
            continue
        try:
            got = answer.json()
        except ValueError:
            problems.append(Mismatch(index, label, f"answer is not JSON: {answer.text[:200]!r}"))
            return problems
        method = discovery.find_method(rec_req["method"], rec_req["uri"])
        if method is not None and answer.status_code < 300:
            for problem in discovery.validate_response(method.id, got):  # the fake's own answer, held to the API
                problems.append(Mismatch(index, label, f"answer breaks the discovery document: {problem}"))
                return problems
        learn(ids, recorded, got)
        mapped = normalise(ids.json(got, ids.to_recorded))
        if mapped != normalise(recorded):
            problems.append(Mismatch(index, label, first_difference(normalise(recorded), mapped)))
            return problems
    return problems


def _map_sheet_ids_in_uri(uri: str, ids: Ids) -> str:
    def swap(m):
        return m.group(1) + str(ids.to_fake.get(int(m.group(2)), m.group(2)))

    return re.sub(r"(/sheets/)(\d+)", swap, uri)


def first_difference(expected, got, where: str = "body") -> str:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(expected.keys() | got.keys()):
            if key not in got:
                return f"{where}.{key} missing (recorded {json.dumps(expected[key])[:150]})"
            if key not in expected:
                return f"{where}.{key} not in the recording (fake gave {json.dumps(got[key])[:150]})"
            if expected[key] != got[key]:
                return first_difference(expected[key], got[key], f"{where}.{key}")
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return f"{where}: {len(got)} items, recorded {len(expected)}: {json.dumps(got)[:150]} vs {json.dumps(expected)[:150]}"
        for i, (e, g) in enumerate(zip(expected, got)):
            if e != g:
                return first_difference(e, g, f"{where}[{i}]")
    return f"{where}: {json.dumps(got)[:150]}, recorded {json.dumps(expected)[:150]}"
