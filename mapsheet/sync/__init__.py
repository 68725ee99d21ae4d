"""``mapsheet sync``: many deal plans -> one roll-up workbook a sales manager reads.

The flow, one step per module: ``run`` lists the plans and reads the changed ones in parallel, each into a
small ``summary``; ``history`` (SQLite beside the roll-up) caches summaries and remembers every sync;
``changes`` compares with the last sync; ``tables`` lays out the roll-up as data; ``xlsx`` writes it as a
workbook and ``export`` as CSV or Parquet. Only ``xlsx`` and ``export`` know a file format.
"""

from .run import SyncReport, sync

__all__ = ["SyncReport", "sync"]
