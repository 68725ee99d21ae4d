"""A plan's summaries as the history stores them (``summary.dumps``, ``summary.dumps_light``): the same JSON as the
standard encoder writes, whichever values they hold, so a history written by one sync is read by the next."""

from __future__ import annotations

import datetime as dt
import json
import zlib

from mapsheet.sync import summary
from mapsheet.sync.summary import ActionRow, MilestoneRow


def _summary() -> dict:
    due = dt.date(2026, 11, 20)
    return {"path": "a.xlsx", "error": None, "deal": "Contoso – ERP", "value": 120000.5, "close_date": due,
            "last_reviewed": dt.datetime(2026, 11, 2, 9, 30), "last_checkin": dt.time(9, 30),
            "odd": frozenset({"x"}), "unhashable": {1, 2},  # written as their text, as json's default hook gives
            "actions": [ActionRow("A1", "Send <terms> & price", "M1", "Vendor", "Ann", due, "Open", 7),
                        ActionRow("A2", "Call", "", "Customer", "Bo", None, "Open", 0)],
            "milestones": [MilestoneRow("M1", "Kickoff", "Joint", "Ann", due, due, "Open", None, 7)],
            "risks": [], "drift": [], "score": 80, "band": "At risk"}


def _standard(s: dict) -> str:
    return json.dumps(s, default=summary._encode, separators=(",", ":"))


def test_a_summary_is_stored_as_the_standard_encoder_writes_it_dates_and_odd_values_included():
    s = _summary()
    for _ in range(2):  # the second time its dates are ones the encoder has met
        assert zlib.decompress(summary.dumps(s)).decode() == _standard(s)
    assert summary.loads(summary.dumps(s))["close_date"] == dt.date(2026, 11, 20)


def test_a_light_summary_is_stored_as_the_standard_encoder_writes_it_not_compressed():
    light = summary.light(_summary()) | {"milestones": []}
    stored = summary.dumps_light(light)
    assert stored.decode() == _standard(light)  # not compressed: a re-sync reads one of every plan
    assert [a.id for a in summary.loads(stored)["actions"]] == ["A1"]  # only the overdue action


def _typed(value):
    """A value with the type of everything in it, to compare two loaded summaries type for type."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}, list(value)
    if isinstance(value, (list, tuple)):
        return type(value), [_typed(v) for v in value]
    return type(value), value


def test_a_stored_summary_loads_as_the_general_decoder_gives_it_compressed_or_not():
    """``loads`` makes rows and dates without a Python call for each: the same values of the same types (rows
    as their named tuples, dates as dates) as the standard decoder with the date hook and ``_make`` give, from
    a light summary stored as it is and from one compressed (as a development build stored it)."""
    s = _summary() | {"drift": [summary.DriftRow("missing_column", "Actions!A2", "missing: Owner")],
                      "risks": [summary.RiskRow("R1", "Budget", "", "High", "High", "", "", "Open")]}
    for stored in (summary.dumps_light(s), summary.dumps(s), summary.dumps_light(summary.light(s))):
        text = stored.decode() if stored[:1] == b"{" else zlib.decompress(stored).decode()
        general = json.loads(text, object_hook=summary._decode)
        for key, row_type in summary.ROW_TYPES.items():
            general[key] = [row_type._make(r) for r in general[key]]
        loaded = summary.loads(stored)
        assert _typed(loaded) == _typed(general)
    loaded = summary.loads(summary.dumps_light(s))
    assert type(loaded["actions"][0]) is ActionRow and loaded["actions"][0].due == dt.date(2026, 11, 20)
    assert type(loaded["milestones"][0]) is MilestoneRow and loaded["last_reviewed"] == dt.date(2026, 11, 2)
    assert summary.loads(summary.dumps_light({"path": "a.xlsx", "error": "locked"})) == \
        {"path": "a.xlsx", "error": "locked"}


def test_a_stored_row_of_the_wrong_length_is_refused_as_namedtuple_refuses_it():
    import pytest

    bad = json.dumps({"path": "a.xlsx", "error": None, "actions": [["A1", "Call"]]}).encode()
    with pytest.raises(TypeError):
        summary.loads(bad)


def test_a_read_plans_light_summary_is_stored_as_its_values_and_loads_as_one_stored_with_its_keys(sample_plans):
    """A read plan's light summary (its keys ``LIGHT_KEYS``, as a read plan gives them) is stored as the list of its
    values; it loads as the same summary, type for type and key for key, as the same summary stored with its
    keys (how every light summary was stored before: a history kept by an older mapsheet still loads)."""
    from mapsheet.config import Config
    from mapsheet.sync import details

    read = [details.read(summary.summarize(str(path), dt.date(2026, 11, 27), Config.default()), render=True)
            for _, path in sample_plans[:6]]
    assert all(tuple(summary.loads(r.light)) == summary.LIGHT_KEYS for r in read)  # every read plan's keys
    assert any(summary.loads(r.light)["actions"] for r in read) and any(summary.loads(r.light)["drift"] for r in read)
    for r in read:
        light = summary.loads(r.light)
        assert r.light[:1] == b"[" and r.light.decode() == json.dumps(list(light.values()), default=summary._encode,
                                                                         separators=(",", ":"))
        with_keys = summary.loads(_standard(light).encode())
        assert _typed(summary.loads(r.light)) == _typed(with_keys) == _typed(summary.loads(summary.dumps(light)))
    s = _summary()  # other keys: kept with them
    assert summary.dumps_light(s)[:1] == b"{" and _typed(summary.loads(summary.dumps_light(s))) == \
        _typed(summary.loads(summary.dumps(s)))


def test_a_read_plans_stored_forms_made_together_are_each_as_made_alone_and_load_as_stored_with_keys(sample_plans):
    """A reading process makes a read plan's stored whole summary and light summary together (``dumps_read``): the
    same bytes as ``dumps`` and ``dumps_light`` give each alone. The whole one is the list of its values (as the
    light one is); it loads as the same summary stored with its keys, as every summary was stored before."""
    from mapsheet.config import Config

    plans = [summary.summarize(str(path), dt.date(2026, 11, 27), Config.default()) for _, path in sample_plans[:6]]
    s = plans[0]
    every = s | {"actions": [a._replace(days_overdue=3) for a in s["actions"]]}  # every action overdue
    none = s | {"actions": [a._replace(days_overdue=0) for a in s["actions"]]}
    assert s["actions"] and every["actions"] and not summary.light(none)["actions"]
    for s in [*plans, every, none, _summary(), {"path": "a.xlsx", "error": "locked"}]:
        light = summary.light(s)
        whole, stored = summary.dumps_read(s, light)
        assert whole == summary.dumps(s) and stored == summary.dumps_light(light | {"milestones": []})
        assert _typed(summary.loads(whole)) == _typed(summary.loads(zlib.compress(_standard(s).encode())))
    assert zlib.decompress(summary.dumps(plans[0]))[:1] == b"["


def test_a_stored_list_of_values_of_another_length_is_refused():
    import pytest

    values = json.dumps([None] * (len(summary.LIGHT_KEYS) - 1)).encode()
    with pytest.raises(ValueError):
        summary.loads(values)


def test_a_plan_drifted_or_named_columns_by_synonyms_as_the_kinds_of_its_drift_say():
    drift = summary.DriftRow
    renamed = drift("renamed-column", "Actions!C2", "column 'Who' is read as Owner (an accepted synonym)")
    missing = drift("missing-column", "Actions!D2", "missing: Due")
    read = {"path": "a.xlsx", "error": None, "band": "On track"}
    for rows, drifted, synonyms in (([], False, False), ([renamed], False, True), ([missing], True, False),
                                    ([renamed, missing], True, True)):
        s = read | {"drift": rows}
        assert (summary.is_drifted(s), summary.has_synonyms(s), summary.needs_attention(s)) == \
            (drifted, synonyms, drifted)
        assert summary.is_drifted(summary.loads(summary.dumps_light(s))) is drifted  # its drift as stored
    assert summary.needs_attention(read | {"drift": [], "band": "Not checkable"})
    assert not summary.is_drifted({"path": "a.xlsx", "error": "locked", "drift": [missing]})
