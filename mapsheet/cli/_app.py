"""The Typer application and the pieces every command shares (error handling, --version, -h).

What a command prints goes through ``_console`` (user text escaped there, once, for every command).
"""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Callable, Optional, TypeVar

import typer
from typer.core import TyperGroup

from .._version import __version__
from ..errors import MapsheetError
from ._console import console, err_console, error  # noqa: F401  (console, err_console: re-exported)

#: Every command and group takes -h as well as --help.
CONTEXT = {"help_option_names": ["-h", "--help"]}

#: Each command (or group) of ``mapsheet``, in the order help lists them, and the modules of this package that
#: register it. A command's modules are imported only when it runs (or when help lists every command): starting
#: ``mapsheet check`` does not pay for the imports of sync, the Excel add-in or the server. The demo's roll-up
#: step is registered by the sync module (``DEMO_STAGES``). tests/cli/test_startup.py keeps this table true.
COMMANDS = {
    "check": ("check",), "rules": ("check",), "clean": ("check",),
    "new": ("plans",), "import": ("plans",), "demo": ("plans", "sync"),
    "sync": ("sync",), "serve": ("serve",),
    "template": ("plans",), "excel": ("excel",), "google": ("serve",),
}


#: The demo's steps after writing and checking its sample plans, each added by the command module that owns it
#: (sync adds the roll-up), so that running one command never imports another's module to register a step.
DEMO_STAGES: list[Callable] = []


class LazyGroup(TyperGroup):
    """The ``mapsheet`` group: every command listed, each one's module imported when it is looked up."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for module in COMMANDS[cmd_name]:
                importlib.import_module(f"{__package__}.{module}")
            built = _build(cmd_name)
            if built is not None:
                self.commands[cmd_name] = built
        return self.commands.get(cmd_name)


def _build(name: str):
    """The click command (or group) of one registered command: only that one is built (building one costs
    Typer a look at every parameter of its function), not every command its modules registered."""
    settings = dict(pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode)
    for info in app.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(info, **settings)
    for info in app.registered_groups:
        if info.name == name:
            return typer.main.get_group_from_info(info, suggest_commands=app.suggest_commands, **settings)
    return None


app = typer.Typer(
    cls=LazyGroup,
    name="mapsheet",
    help="Check, score, annotate and roll up sales mutual action plans kept in Excel and Google Sheets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
    rich_markup_mode="markdown",  # help texts wrap as paragraphs: no line break where the source had one
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

F = TypeVar("F", bound=Callable)


def _version(value: bool) -> None:
    if value:
        console.print(f"mapsheet {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(version: Optional[bool] = typer.Option(None, "--version", "-V", callback=_version, is_eager=True,
                                                 help="Print mapsheet's version and exit.")) -> None:
    """Check, score, annotate and roll up sales mutual action plans kept in Excel and Google Sheets.

    Exit codes: 0 done, 1 findings or problems over the chosen bar, 2 could not run.
    """


def friendly_errors(func: F) -> F:
    """Turn a MapsheetError into one red line on stderr and exit code 2: no traceback for user mistakes."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except MapsheetError as exc:
            error(exc)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
