"""The ``mapsheet`` command line: one thin function per command over the public API.

Each command group lives in its own module (check: check, rules, clean; plans: new, import, demo, template;
excel: excel ...; sync: sync and the demo's roll-up step; serve: serve, google script), imported when its
command runs: ``_app.COMMANDS`` says which. Exit codes, for every command: 0 done (or the plan passed),
1 findings or problems over the chosen bar, 2 could not run.
"""

from __future__ import annotations

from ._app import main, run

__all__ = ["main", "run"]  # run: the console script and ``python -m mapsheet``; main: for programs
