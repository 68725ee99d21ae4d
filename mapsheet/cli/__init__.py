"""The ``mapsheet`` command line: one thin function per command over the public API.

Each command group lives in its own module and is registered here. Exit codes, for every command:
0 done (or the plan passed), 1 findings or problems over the chosen bar, 2 could not run.
"""

from __future__ import annotations

from ._app import app, main  # noqa: F401  (the console script entry point)
from . import check, plans  # noqa: F401,E402  (registers: check, rules, new, demo, template)
from . import excel  # noqa: F401,E402  (registers: excel build-addin, install, uninstall, clear)
from . import sync  # noqa: F401,E402  (registers: sync, and the demo's roll-up step)
from . import serve  # noqa: F401,E402  (registers: serve, google script)
