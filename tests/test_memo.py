"""The memo a sync keeps of values met before (``mapsheet.memo``): each worked out once, and bounded where asked."""

from mapsheet.memo import Memo, remember


def test_a_memo_makes_each_value_once_and_answers_it_after():
    made = []
    memo = Memo(lambda v: made.append(v) or v * 2)
    assert [memo[3], memo[4], memo[3], memo[3]] == [6, 8, 6, 6]
    assert made == [3, 4]


def test_a_bounded_memo_forgets_everything_once_full_and_keeps_answering_right():
    made = []
    memo = Memo(lambda v: made.append(v) or -v, most=2)
    assert [memo[1], memo[2], memo[1]] == [-1, -2, -1]
    assert memo[3] == -3 and dict(memo) == {3: -3}  # full at 2: forgotten before the third was made
    assert memo[1] == -1 and made == [1, 2, 3, 1]
    assert len(memo) <= 2


def test_remember_keeps_a_cache_within_its_bound():
    cache: dict = {}
    for key in range(10):
        remember(cache, key, str(key), 4)
        assert len(cache) <= 4 and cache[key] == str(key)
    assert cache == {8: "8", 9: "9"}
