"""Plans in Google Sheets.

Pure modules (``ids``, ``grid``, ``body``, ``template``) turn Google's JSON into mapsheet's grid and edit
lists into one ``batchUpdate`` body; ``client`` is the only module that imports gspread or google-auth,
and ``source`` is a plan source (see mapsheet/sources.py) for a Sheet.
"""
