"""The Typer application and the pieces every command shares (error handling, --version, -h).

What a command prints goes through ``_console`` (user text escaped there, once, for every command).
"""

from __future__ import annotations

import functools
import sys
from typing import Callable, Optional, TypeVar

import typer

from .._version import __version__
from ..errors import MapsheetError
from ._console import console, err_console, error  # noqa: F401  (console, err_console: re-exported)

#: Every command and group takes -h as well as --help.
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
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
