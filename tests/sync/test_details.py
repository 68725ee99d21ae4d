"""The detail rows' sort keys, packed small for a sync of many plans (``details.packed``), must put rows in the
order the roll-up's sheets promise: the order of the keys themselves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapsheet.sync.details import Read, packed

ints = st.integers(min_value=-(1 << 62), max_value=1 << 62)
texts = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)))
file_names = st.text(alphabet=st.sampled_from(["a", "b", "\x00", "\udcff", "\udc80", "\ue000", "\ud7ff", "é"]))


@given(st.lists(st.tuples(ints, ints), min_size=2), st.lists(st.tuples(ints, st.one_of(texts, file_names)), min_size=2))
def test_packed_keys_sort_as_the_keys(number_keys, text_keys):
    for same_kind in (number_keys, text_keys):
        assert sorted(same_kind, key=packed) == sorted(same_kind)


def test_a_text_sorts_before_the_longer_texts_it_begins_and_by_its_characters():
    names = ["Contoso", "Contoso\x00", "Contoso Ltd", "Contosö", "Contos", "", "\udcffname", "Z"]
    assert sorted([(5, n) for n in names], key=packed) == sorted((5, n) for n in names)
    assert packed((-3, "x")) < packed((2, "a")) < packed((1 << 40, ""))


def test_a_key_it_cannot_pack_is_an_error_not_a_wrong_order():
    with pytest.raises(TypeError, match="float"):
        packed((1, 2.5))


def test_rows_text_comes_back_the_same_from_memory_and_from_the_spill_file():
    import random

    from mapsheet.sync.details import Spilled

    rng = random.Random(3)
    spilled = Spilled()
    spilled.MEMORY = 20_000  # past this, text goes to the temporary file
    texts = {rng.randbytes(8): ("<row>" + "é<x>" * rng.randrange(0, 400) + "</row>").encode() for _ in range(300)}
    for digest, text in texts.items():
        spilled.add(digest, text)
    assert spilled.end > 0 and spilled.held  # some of it in the file, the last of it still in memory
    wanted = [*reversed(texts), b"\0" * 8, *texts]  # a block's rows, one of them not here
    found, missing = spilled.texts(wanted)
    assert missing == [len(texts)] and found[len(texts)] is None
    assert [bytes(f) for i, f in enumerate(found) if i != len(texts)] == [texts[d] for d in wanted if d in texts]
    spilled.close()


def _summary(deal: str = "Contoso – ERP") -> dict:
    import datetime as dt

    from mapsheet.sync.summary import ActionRow, MilestoneRow, RiskRow

    due = dt.date(2026, 11, 20)
    return {"path": f"{deal}.xlsx", "error": None, "deal": deal, "owner": "Ann", "close_date": due,
            "actions": [ActionRow("A1", "Send terms", "M1", "Vendor", "Ann", due, "Open", 7),
                        ActionRow("A2", "Call", "", "Customer", "", None, "Open", 0)],
            "milestones": [MilestoneRow("M1", "Kickoff", "Joint", "Ann", due, due, "Open", None, 7)],
            "risks": [RiskRow("R1", "Budget", "", "High", "High", "", "", "Open")], "drift": []}


def test_what_a_reading_process_hands_over_is_what_its_index_and_rows_give():
    """The main process takes a plan's rows as the reading process laid them out (``Read.kept``): the same
    entries as the stored index gives (what a re-sync reads back), and each row's own text."""
    from mapsheet.sync.details import Details, read
    from mapsheet.sync.xlsx_rows import plan_rows

    taken, stored = Details(), Details()
    for deal in ("Contoso – ERP", "Fabrikam"):
        key = f"{deal}.xlsx"
        r = read(_summary(deal), render=True)
        taken.add(key, r.texts, r.kept)
        stored.add_index(key, r.index)
        assert taken.rows[key] == stored.rows[key]
        rows = [row for rs in plan_rows(_summary(deal)).values() for row in rs]
        found, missing = taken.xml.texts([row.digest for row in rows])
        assert missing == [] and [bytes(t) for t in found] == [row.xml for row in rows]
    plans = [_summary("Fabrikam"), _summary()]
    assert taken.order(plans) == stored.order(plans)
    r = read(_summary(), render=True)
    with pytest.raises(ValueError):
        taken.add("short", r.texts[:-1], r.kept)


def test_a_plans_read_comes_back_from_a_pickle_the_same_type_for_type(sample_plans):
    """What a reading process hands over is pickled with its rows as plain tuples (``Read.__reduce__``): the main
    process unpickles the same summary, its rows their named tuples again, and the same stored forms; but for
    the milestones' rows of a plan whose milestones come as text (``Read.milestones``: the test after this)."""
    import datetime as dt
    import pickle

    from mapsheet.config import Config
    from mapsheet.sync import summary
    from mapsheet.sync.details import read

    from .test_summary_store import _typed as typed

    plans = [summary.summarize(str(path), dt.date(2026, 11, 27), Config.default()) for _, path in sample_plans[:4]]
    drifted = _summary() | {"drift": [summary.DriftRow("missing-column", "Actions!D2", "missing: Due")]}
    reads = [read(s, render) for s in [*plans, drifted, {"path": "x.xlsx", "error": "locked"}]
             for render in (True, False)]
    assert all(any(r.summary.get(key) for r in reads) for key in summary.ROW_TYPES)
    back = pickle.loads(pickle.dumps(reads, pickle.HIGHEST_PROTOCOL))
    sent = [r if r.milestones is None else r._replace(summary=r.summary | {"milestones": []}) for r in reads]
    assert [typed(r) for r in back] == [typed(r) for r in sent]
    assert sum(r.milestones is not None for r in reads) == 5  # each plan read whose rows were rendered
    assert all(type(r) is Read for r in back)


def test_a_sort_key_equal_to_one_packed_before_but_of_other_types_is_still_refused():
    """Packed keys are remembered by key: (1, "x") packed first must not let (True, "x") or (1.0, "x"), equal to
    it, through as if they were it."""
    from mapsheet.sync.details import _index

    index, _ = _index({"Actions": ([(1, "x")], [b"d" * 8], [b"<row></row>"])})
    assert index
    for odd in ((True, "x"), (1.0, "x")):
        with pytest.raises(TypeError):
            _index({"Actions": ([odd], [b"d" * 8], [b"<row></row>"])})


def test_each_rows_entry_is_its_packed_key_and_digest_whether_its_values_were_met_before_or_not():
    """A sheet's keys are packed a value at a time, each value remembered: an entry is still ``packed`` of its
    whole key followed by its digest, for values met before in another place of the key, keys of other lengths,
    texts with NULs, and empty sheets."""
    from mapsheet.sync.details import _index

    sheets = [[(-3, 739000), (0, 739000), (-3, 739000)],
              [(739000, "Contoso"), (739001, "Contoso\0x"), (5, ""), (739000, "739000")],
              [(-3,), (1, "a", 2)],  # keys of other lengths
              [(-1 << 62, "é"), (1 << 62, "-3")], []]
    for _ in range(2):  # the second time every value is one met before
        for orders in sheets:
            digests = [bytes([i]) * 8 for i in range(len(orders))]
            _, (entries, _) = _index({"Risks": (orders, digests, [b"<row>" for _ in orders])})
            assert entries["Risks"] == [packed(o) + d for o, d in zip(orders, digests)]


def _rows_2(entries: dict[str, list[bytes]]) -> bytes:
    """A stored index of the kind before (``rows 2``: compressed, each entry after its key's length)."""
    import struct
    import zlib

    out = [b"rows 2\n"]
    for sheet, kept in entries.items():
        out += struct.pack(">BI", len(sheet.encode()), len(kept)), sheet.encode()
        out += [struct.pack(">H", len(e) - 8) + e for e in kept]
    return zlib.compress(b"".join(out), 1)


def _rows_3(entries: dict[str, list[bytes]]) -> bytes:
    """A stored index of the kind before (``rows 3``: the sheets' entries packed by struct, their lengths first)."""
    import struct

    out = [b"rows 3\n", bytes([len(entries)])]
    for sheet, kept in entries.items():
        name = sheet.encode()
        out += struct.pack(">BI", len(name), len(kept)), name, struct.pack(f">{len(kept)}H", *map(len, kept)), *kept
    return b"".join(out)


def test_a_stored_index_gives_back_what_the_reading_process_laid_out_and_refuses_anything_else():
    """The index a re-sync reads (``rows 4``) gives each sheet's entries as the reading process handed them over
    (``Read.kept``); one of a kind before, one cut short or with bytes after its end, or one whose entries are not
    byte strings ending in a digest, is refused as another kind (ValueError: the plan's rows are then rendered
    again from its whole summary)."""
    import marshal
    import struct

    from mapsheet.sync.details import _entries, read

    for s in (_summary(), _summary("Fabrikam") | {"risks": []}, {"path": "x.xlsx", "error": "locked"}):
        r = read(s, render=True)
        assert _entries(r.index) == r.kept[0]
        if not r.kept[0]:
            continue
        for before in (_rows_2(r.kept[0]), _rows_3(r.kept[0])):
            with pytest.raises(ValueError):
                _entries(before)
        for end in range(len(r.index)):  # cut short anywhere
            with pytest.raises(ValueError):
                _entries(r.index[:end])
        with pytest.raises(ValueError):
            _entries(r.index + b"\0")
        for shape in ({"Actions": [b"short"]}, {"Actions": ["text" * 4]}, {"Actions": (b"x" * 12,)}, [b"x" * 12],
                      {1: [b"x" * 12]}):
            body = marshal.dumps(shape, 4)
            with pytest.raises(ValueError):
                _entries(b"rows 4\n" + struct.pack(">I", len(body)) + body)


def test_a_plan_whose_stored_index_is_of_the_kind_before_has_its_rows_rendered_again():
    """A re-sync meeting an index stored by a development build (``rows 2``) renders the plan's rows again from
    its whole summary, and keeps them to store (``Details.rerendered``)."""
    from mapsheet.sync import summary
    from mapsheet.sync.details import Details, read
    from mapsheet.sync.run import _add_indexes

    class Store:
        def cached_summaries(self, paths):
            return {p: summary.dumps(_summary()) for p in paths}

    r = read(_summary(), render=True)
    rows = Details()
    _add_indexes(rows, {"old.xlsx": _rows_2(r.kept[0]), "new.xlsx": r.index}, Store())
    assert rows.rows["old.xlsx"] == rows.rows["new.xlsx"] == r.kept[0]
    assert list(rows.rerendered) == ["old.xlsx"] and rows.rerendered["old.xlsx"].index == r.index
    assert rows.xml.texts([e[-8:] for es in r.kept[0].values() for e in es])[1] == []


def test_a_plans_state_made_from_its_handed_over_milestones_is_the_one_made_from_its_rows(sample_plans, tmp_path):
    """A reading process hands a plan's milestones over as the history stores them (``Read.milestones``), not as
    its summary's rows: the state the main process makes of them compares with the last sync's and is recorded
    exactly as the state made from the rows (an undated milestone, one without an id, names beyond ASCII too)."""
    import datetime as dt
    import pickle
    import sqlite3

    from mapsheet.config import Config
    from mapsheet.sync import summary
    from mapsheet.sync.changes import compare, state_of
    from mapsheet.sync.details import read
    from mapsheet.sync.history import History, PlanState

    today = dt.date(2026, 11, 27)
    plans = [summary.summarize(str(path), today, Config.default()) for _, path in sample_plans[:3]]
    odd = _summary("Müller – ERP") | {"score": 40, "band": "At risk", "pct_done": None, "milestones": [
        summary.MilestoneRow("M1", "Kick-off “joint”", "Joint", "Ann", None, None, "Open", None, 0),
        summary.MilestoneRow("", "No id", "Vendor", "", None, today, "Open", None, 0),
        summary.MilestoneRow("M3", "Sign", "Customer", "Bo", today, today, "Done", today, 0)]}
    with History(tmp_path / "fast.sqlite") as fast, History(tmp_path / "slow.sqlite") as slow:
        for s in [*plans, odd]:
            assert s["milestones"]
            back = pickle.loads(pickle.dumps(read(s, render=True), pickle.HIGHEST_PROTOCOL))
            assert back.summary["milestones"] == [] and back.milestones is not None  # handed over as text only
            moved = {m.id: (m.name, m.due and m.due - dt.timedelta(days=3)) for m in s["milestones"] if m.id}
            before = PlanState(s["path"], s["deal"], s["owner"], s["close_date"], 1, "On track", 0.0, 2, moved)
            made, rows = state_of(back.summary, before, back.milestones), state_of(s, before)
            assert made._replace(milestones=dict(made.milestones)) == rows
            assert compare({s["path"]: before}, {s["path"]: made}, set()) == \
                compare({s["path"]: before}, {s["path"]: rows}, set()) != []
            for store, state in ((fast, made), (slow, rows)):
                store.record(today=today, version="1", fingerprint="f", rollup=None, states=[state], cache=[],
                             forget=[], unreadable=0, drifted=0)
    recorded = [sqlite3.connect(tmp_path / name).execute("SELECT * FROM plan_state").fetchall()
                for name in ("fast.sqlite", "slow.sqlite")]
    assert recorded[0] == recorded[1] and len(recorded[0]) == 4
