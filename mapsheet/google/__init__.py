"""Plans in Google Sheets.

Pure modules (``ids``, ``grid``, ``body``, ``template``) turn Google's JSON into mapsheet's grid and edit
lists into one ``batchUpdate`` body; ``client`` is the only module that imports gspread or google-auth,
and ``source`` is a plan source (see mapsheet/sources.py) for a Sheet.
"""

#: How a native Google Sheet is read (``drive.read_plan``): Drive's .xlsx export or the Sheets API. Here, not in
#: ``drive``: every sync checks ``--read-via``, and one of local files does not import the Drive module for it.
STRATEGIES = ("export", "sheets")
DEFAULT_STRATEGY = "export"
