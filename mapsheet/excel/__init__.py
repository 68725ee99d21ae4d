"""mapsheet in Excel: the "Check plan" ribbon button (an xlwings RunPython add-in) and its backend.

- ``settings``: what the add-in's config sheet says (which Python, where the shim module is).
- ``addin``: builds ``mapsheet_addin.xlam`` from the installed xlwings' ribbon add-in (XML parts only).
- ``install``: copies it where Excel loads add-ins at start (and the RunPython AppleScript on macOS).
- ``entry``: what the button runs: read the calling workbook, check it, apply the edits, report.
- ``backend``: reads a live workbook into a grid and applies edit lists through xlwings' object model;
  ``styles`` says how each named style of the Plan check sheet looks in Excel.

Only ``entry`` and ``backend`` talk to Excel; nothing here needs xlwings PRO or its server engine.
"""
