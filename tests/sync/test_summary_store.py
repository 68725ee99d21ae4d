"""A plan's summaries as the history stores them (``summary.dumps``, ``summary.dumps_light``): the same JSON as the
standard encoder writes, whichever values they hold, or (a read plan's light summary) by marshal, loading as the same
JSON would; so a history written by one sync is read by the next."""

from __future__ import annotations

import datetime as dt
import json
import marshal
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
        assert r.light[:2] == b"m2"  # by marshal (test_a_light_summary_by_marshal_loads_as_stored_as_json)
        values = json.dumps(list(light.values()), default=summary._encode, separators=(",", ":")).encode()
        with_keys = summary.loads(_standard(light).encode())
        assert _typed(light) == _typed(with_keys) == _typed(summary.loads(summary.dumps(light))) == \
            _typed(summary.loads(values))  # as JSON, the list of its values: as a development build stored it
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


# -- a read plan's light summary by marshal --------------------------------------------------------------------

def _canonical(value):
    """A loaded value with the type of everything in it, floats by their repr (NaN is not equal to itself)."""
    if isinstance(value, float):
        return float, repr(value)
    if isinstance(value, dict):
        return dict, [(k, _canonical(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return type(value), [_canonical(v) for v in value]
    return type(value), value


def _loaded(blob: bytes):
    """What loading ``blob`` gives: the summary (``_canonical``), or the exception's type."""
    try:
        return _canonical(summary.loads(blob))
    except Exception as exc:  # noqa: BLE001 - compared between the two stored forms
        return "refused", type(exc)


class _Text(str):
    pass


_DATE_KEYS = {"close_date", "next_milestone_due", "last_checkin", "last_reviewed"}
_ROW_DATES = {"due", "start", "completed"}


def _strategies():
    from hypothesis import strategies as st

    texts = st.one_of(st.text(st.characters(exclude_categories=()), max_size=6),  # lone surrogates included
                      st.sampled_from(["", "\ud800", "a\udfffb", "\x00", '"\\', "Contoso – ERP", "\U0001f600"]))
    plain = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.integers(-2 ** 300, 2 ** 300),
                      st.floats(allow_nan=True, allow_infinity=True), texts)
    dates = st.dates()
    odd = st.one_of(st.datetimes(), st.times(), st.timedeltas(), st.tuples(plain, plain), st.lists(plain, max_size=2),
                    st.dictionaries(st.text(max_size=3), plain, max_size=2), st.just({"$d": "2026-01-02"}),
                    st.frozensets(st.integers(), max_size=2), st.binary(max_size=3), texts.map(_Text),
                    st.just(summary.Band.AT_RISK))
    return st, plain, dates, odd


def _light(value_at, row_value_at, rows_at):
    """A strategy of light summaries with ``LIGHT_KEYS``: a value for each key (``value_at(key)``), rows of each kind
    (``rows_at(key, row)``) whose values are ``row_value_at(field)``."""
    from hypothesis import strategies as st

    def rows(key, row_type):
        row = st.tuples(*(row_value_at(f) for f in row_type._fields)).map(row_type._make)
        return rows_at(key, st.lists(row, max_size=3))

    return st.tuples(*(rows(key, summary.ROW_TYPES[key]) if key in summary.ROW_TYPES else value_at(key)
                       for key in summary.LIGHT_KEYS)).map(lambda values: dict(zip(summary.LIGHT_KEYS, values)))


def _plain_light():
    st, plain, dates, _ = _strategies()
    either = st.one_of(st.none(), dates)
    return _light(lambda key: either if key in _DATE_KEYS else plain,
                  lambda field: either if field in _ROW_DATES else plain, lambda key, rows: rows)


def _any_light():
    st, plain, dates, odd = _strategies()
    anything = st.one_of(plain, plain, dates, odd)
    return _light(lambda key: anything, lambda field: anything,
                  lambda key, rows: st.one_of(rows, rows, rows.map(tuple), st.none(), st.just([("x",)])))


def _as_json(light: dict) -> bytes:
    """A light summary stored as the list of its values in JSON, as the history stored every one before."""
    return summary._json(list(light.values())).encode()


def test_a_light_summary_by_marshal_loads_as_stored_as_json():
    """A read plan's light summary of plain values (texts with lone surrogates, None, floats with NaN, big ints),
    dates at the places of dates or None, is stored by marshal and loads as the same summary stored as JSON does:
    each date a date again, each row its named tuple, value for value and type for type."""
    from hypothesis import given, settings

    @settings(max_examples=300, deadline=None)
    @given(_plain_light())
    def check(light):
        stored = summary.dumps_light(light)
        assert stored[:2] == b"m2"
        assert _loaded(stored) == _loaded(_as_json(light))

    check()


def test_a_light_summary_of_any_values_loads_as_stored_as_json():
    """Whatever a light summary holds (a date where no date is expected, a datetime, a time, a tuple, a dict that
    looks like a stored date, a subclass of str, an enum, rows of another shape), it loads as it would stored as
    JSON: by marshal only when that gives the same, else as JSON (or it is refused as JSON refuses it)."""
    from hypothesis import given, settings

    kinds = set()

    @settings(max_examples=400, deadline=None)
    @given(_any_light())
    def check(light):
        stored = summary.dumps_light(light)
        kinds.add(stored[:2] == b"m2")
        assert _loaded(stored) == _loaded(_as_json(light))

    check()
    assert kinds == {True, False}  # both kinds were made


def _marshalled_values() -> list:
    due = dt.date(2026, 11, 20)
    light = dict.fromkeys(summary.LIGHT_KEYS, "x") | {
        "error": None, "close_date": due, "next_milestone_due": None, "last_checkin": due, "last_reviewed": due,
        "actions": [ActionRow("A1", "Call", "", "Vendor", "Ann", due, "Open", 7)], "milestones": [], "risks": [],
        "drift": [summary.DriftRow("missing-column", "Actions!D2", "missing: Due")]}
    stored = summary.dumps_light(light)
    assert stored[:2] == b"m2" and summary.loads(stored) == light
    return marshal.loads(stored[2:])


def _with(values: list, key: str, value) -> bytes:
    values = list(values)
    values[summary.LIGHT_KEYS.index(key)] = value
    return b"m2" + marshal.dumps(values, 2)


def test_marshal_data_that_is_not_a_light_summary_as_stored_is_refused():
    """What ``loads`` takes for a light summary by marshal (its tag) and that is not one as ``dumps_light`` stores
    it is refused with ValueError (a sync then takes the plan's whole summary instead: tests/sync/
    test_rollup_by_blocks.py): marshal's data of another shape, of values no summary holds (a code object: loading
    it runs nothing, but it is no summary's), cut short or not marshal's at all."""
    import pytest

    values = _marshalled_values()
    code = compile("print('no')", "stored", "exec")
    action = values[summary.LIGHT_KEYS.index("actions")][0]
    refused = [
        b"m2", b"m2\x00\x01", b"m2" + marshal.dumps(values, 2)[:-3], b"m2" + marshal.dumps(code),
        b"m2" + marshal.dumps(values[:-1], 2), b"m2" + marshal.dumps([*values, None], 2),
        b"m2" + marshal.dumps(tuple(values), 2), b"m2" + marshal.dumps(dict(zip(summary.LIGHT_KEYS, values)), 2),
        _with(values, "deal", code), _with(values, "deal", {"a": 1}), _with(values, "value", [1, 2]),
        _with(values, "value", (1, 2)), _with(values, "value", b"x"), _with(values, "value", 1j),
        _with(values, "close_date", "2026-11-20"), _with(values, "close_date", 739000.0),
        _with(values, "close_date", 10 ** 30), _with(values, "close_date", 0), _with(values, "close_date", True),
        _with(values, "actions", (action,)), _with(values, "actions", [action[:-1]]),
        _with(values, "actions", [(*action[:5], code, *action[6:])]), _with(values, "actions", [(*action, "x")]),
        _with(values, "actions", [[*action[:5], "2026-11-20", *action[6:]]]), _with(values, "drift", [("a", "b")]),
        _with(values, "drift", [("a", "b", [])]), _with(values, "milestones", None)]
    for blob in refused:
        with pytest.raises(ValueError):
            summary.loads(blob)


def test_only_what_is_tagged_is_loaded_by_marshal(monkeypatch):
    """``loads`` tells the kinds apart by their first bytes: JSON text starts with "[" or "{" and zlib's header
    with a byte whose low four bits are 8, never with the tag's "m"; marshal loads nothing of another kind."""
    import pytest

    light = summary.loads(summary.dumps_light(_summary()))  # other keys: JSON
    values = _marshalled_values()
    read = dict(zip(summary.LIGHT_KEYS, values)) | {"close_date": dt.date.fromordinal(values[8])}
    assert summary._MARSHALLED[0] & 0x0F != 8
    monkeypatch.setattr(marshal, "loads", lambda data: pytest.fail("marshal loaded another kind"))

    for blob in (summary.dumps_light(_summary()), summary.dumps(_summary()), _as_json(summary.named(read))):
        assert blob[:2] != b"m2"
        summary.loads(blob)
    assert summary.loads(summary.dumps_light(_summary())) == light
