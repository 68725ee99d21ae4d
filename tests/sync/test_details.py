"""The detail rows' sort keys, packed small for a sync of many plans (``details.packed``), must put rows in the
order the roll-up's sheets promise: the order of the keys themselves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapsheet.sync.details import packed

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
    assert all(spilled.get(d) == t for d, t in reversed(texts.items()))
    assert spilled.get(b"\0" * 8) is None
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
        assert [taken.xml.get(row.digest) for row in rows] == [row.xml for row in rows]
    plans = [_summary("Fabrikam"), _summary()]
    assert taken.order(plans) == stored.order(plans)
    r = read(_summary(), render=True)
    with pytest.raises(ValueError):
        taken.add("short", r.texts[:-1], r.kept)


def test_a_sort_key_equal_to_one_packed_before_but_of_other_types_is_still_refused():
    """Packed keys are remembered by key: (1, "x") packed first must not let (True, "x") or (1.0, "x"), equal to
    it, through as if they were it."""
    from mapsheet.sync.details import _index

    index, _ = _index({"Actions": ([(1, "x")], [b"d" * 8], [b"<row></row>"])})
    assert index
    for odd in ((True, "x"), (1.0, "x")):
        with pytest.raises(TypeError):
            _index({"Actions": ([odd], [b"d" * 8], [b"<row></row>"])})
