"""Backends: the only modules that talk to a spreadsheet program or library.

Each reads a source into a ``grid.Workbook`` and/or applies a list of ``edits`` to it. The core never
imports them; the public API picks one by the kind of source.
"""
