"""Reading the MAP sheets teams already have: layouts made elsewhere, in their own words.

``is_template`` tells a plan made from mapsheet's template (read by ``parse``) from one made elsewhere
(read here). One job per module: ``tables`` finds tables anywhere, ``columns`` decides what a column is by
header and content, ``values`` reads statuses and dates as people write them, ``parties`` and ``people``
work out whose step it is, ``deal_fields`` finds the deal's labelled values, ``reader`` assembles the plan,
``applicability`` says which checks can run on what the layout holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .reader import describe, read_foreign

__all__ = ["describe", "read_foreign"]


def __getattr__(name: str):
    """The reader is imported when a foreign plan is read: checking a template plan (which needs only
    ``applicability``) does not pay for it."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import reader

    return getattr(reader, name)
