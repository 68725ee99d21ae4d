"""``mapsheet sync``: many deal plans -> one roll-up workbook a sales manager reads.

The flow, one step per module: ``run`` lists the plans and reads the changed ones in parallel, each into a
small ``summary``; ``history`` (SQLite beside the roll-up) caches summaries and remembers every sync;
``changes`` compares with the last sync; ``tables`` lays out the roll-up as data; ``excel`` picks the workbook
writer, ``xlsx_rust`` (rustpy-xlsxwriter, the default) or ``xlsx`` (XlsxWriter), and ``export`` writes CSV or
Parquet. Only those three know a file format.
"""

from .run import SyncReport, sync

__all__ = ["SyncReport", "sync"]
