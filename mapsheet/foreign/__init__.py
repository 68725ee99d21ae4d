"""Reading the MAP sheets teams already have: layouts made elsewhere, in their own words.

``is_template`` tells a plan made from mapsheet's template (read by ``parse``) from one made elsewhere
(read here). One job per module: ``tables`` finds tables anywhere, ``columns`` decides what a column is by
header and content, ``values`` reads statuses and dates as people write them, ``parties`` and ``people``
work out whose step it is, ``deal_fields`` finds the deal's labelled values, ``reader`` assembles the plan,
``applicability`` says which checks can run on what the layout holds.
"""

from __future__ import annotations

from .reader import describe, read_foreign

__all__ = ["describe", "read_foreign"]
