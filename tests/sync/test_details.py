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
