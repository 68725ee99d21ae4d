"""What was worked out of values met before, kept by value: a sync meets the same few dates, sheet starts, parts
and settings plan after plan, and works each out once. Bounded where the values met are not few: all forgotten at
once past the bound, so a sync of any size holds at most that many."""

from __future__ import annotations

from typing import Any, Callable


class Memo(dict):
    """``make(value)`` of each value asked for (``memo[value]``), made when first asked for; past ``most`` values
    (None: no bound) all forgotten before the next is made. A hit is a plain dict look-up, no Python call."""

    __slots__ = ("make", "most")

    def __init__(self, make: Callable[[Any], Any], most: int | None = None) -> None:
        super().__init__()
        self.make, self.most = make, most

    def __missing__(self, value: Any) -> Any:
        if self.most is not None and len(self) >= self.most:
            self.clear()
        made = self[value] = self.make(value)
        return made


def remember(cache: dict, key: Any, value: Any, most: int) -> None:
    """``cache[key] = value``, the cache emptied first when it holds ``most``: for what is worked out of more than
    its key (the reader's caches of parts, sheet starts and tails, limits met in earlier plans), bounded as a
    ``Memo`` is."""
    if len(cache) >= most:
        cache.clear()
    cache[key] = value
