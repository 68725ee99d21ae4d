"""How a command's arguments and options are declared and parsed: the standard library's argparse, with help
drawn by rich-argparse (imported only when help is printed).

A command declares each of its parameters once, with ``argument(...)`` and ``option(...)`` (shared ones, such
as ``--today``, live in ``_options``). Beyond argparse, an option may take its default from an environment
variable (``env=``) and a number may be bounded (``low=``/``high=``); help shows both, and the default.
A usage error (unknown option, bad value, missing argument) raises ``UsageError`` with one line naming the
option, which ``_app.main`` prints as ``error: ...`` with exit code 2.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, Callable

HELP = "Show this message and exit."


class UsageError(Exception):
    """The command line itself is wrong: said in one line, exit code 2."""


class Param:
    """One declared argument or option: what ``ArgumentParser.add_argument`` is given, and the environment
    variable that gives its default (read when the command runs)."""

    __slots__ = ("flags", "kwargs", "env")

    def __init__(self, flags: tuple[str, ...], kwargs: dict[str, Any], env: str | None = None):
        self.flags, self.kwargs, self.env = flags, kwargs, env

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        kwargs = self.kwargs
        if self.env is not None and os.environ.get(self.env):
            # a string default goes through ``type`` as if typed: checked the same way
            kwargs = {**kwargs, "default": os.environ[self.env]}
        parser.add_argument(*self.flags, **kwargs)


def argument(name: str, *, help: str, metavar: str | None = None, nargs: str | None = None,
             default: Any = None, type: Callable | None = None) -> Param:
    """A positional argument: ``nargs="+"`` for one or more, ``"?"`` for an optional one."""
    kwargs = {"help": _help(help, default if nargs == "?" and default is not None else None), "metavar": metavar or
              name.upper(), "nargs": nargs, "default": default, "type": type}
    return Param((name,), {k: v for k, v in kwargs.items() if v is not None})


def option(*flags: str, help: str, metavar: str | None = None, type: Callable = str, default: Any = None,
           env: str | None = None, choices: tuple[str, ...] | None = None, required: bool = False,
           low: float | None = None, high: float | None = None, flag: bool = False) -> Param:
    """An option (long name first, then the short one): ``flag=True`` for an on/off switch; ``env`` names the
    environment variable that gives the default; ``low``/``high`` bound a number (inclusive)."""
    flags = tuple(sorted(flags, key=lambda f: f.startswith("--")))  # listed as -f, --format
    if flag:
        return Param(flags, {"action": "store_true", "help": _help(help)})
    if low is not None or high is not None:
        type = _bounded(type, low, high)
    kwargs = {"help": _help(help, default, env, _range(low, high)), "metavar": metavar or _metavar(type),
              "type": type, "default": default, "choices": choices, "required": required or None}
    return Param(flags, {k: v for k, v in kwargs.items() if v is not None}, env)


def _help(text: str, default: Any = None, env: str | None = None, bounds: str | None = None) -> str:
    """The help text with what a user needs besides: the range, the environment variable, the default."""
    extra = [f"[{bounds}]" if bounds else "", f"[env var: {env}]" if env else "",
             f"[default: {default}]" if default is not None else ""]
    return " ".join([text, *filter(None, extra)]).replace("%", "%%")  # argparse formats help with %


def _metavar(type: Callable) -> str:
    return {int: "INTEGER", float: "NUMBER"}.get(getattr(type, "base", type), "TEXT")


def _range(low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if high is None:
        return f"x>={low}"
    return f"x<={high}" if low is None else f"{low}<=x<={high}"


def _bounded(base: Callable, low: float | None, high: float | None) -> Callable:
    """A number type that refuses values outside [low, high], saying so."""
    what = "a whole number" if base is int else "a number"

    def convert(text: str):
        try:
            value = base(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {what}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is not in the range {_range(low, high)}")
        return value

    convert.base = base  # type: ignore[attr-defined]
    return convert


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors and help drawn by rich-argparse, imported only to print help."""

    def __init__(self, prog: str, description: str | None = None, **kwargs):
        kwargs.pop("add_help", None)  # -h is added last (``add_help_option``), as the last option listed
        super().__init__(prog=prog, description=description, add_help=False, allow_abbrev=False,
                         formatter_class=_plain_formatter, **kwargs)
        self._positionals.title = "arguments"

    def add_help_option(self) -> None:
        self.add_argument("-h", "--help", action="help", help=HELP)

    def error(self, message: str):  # argparse calls this for every usage error
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} -h')")

    def format_help(self) -> str:
        self.formatter_class = _help_formatter()
        # -h met while parsing intermixed arguments: argparse has put its plain layout of the usage here (no
        # command sets one of its own); help lays it out anew, at the terminal's width.
        self.usage = None
        return super().format_help()


def _plain_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter when no help is printed (it checks each option's metavar, and lays the usage out
    for error messages): of a set width, as asking the terminal's would import shutil (and bz2, lzma)."""
    return argparse.HelpFormatter(prog, width=100)


def _help_formatter():
    from rich_argparse.contrib import ParagraphRichHelpFormatter

    class HelpFormatter(ParagraphRichHelpFormatter):
        """Help as written: paragraphs kept, brackets in help texts printed, not read as markup."""

        help_markup = False
        text_markup = False

    return HelpFormatter


def paragraphs(doc: str | None) -> str:
    """A docstring as help text: each line's indentation removed, paragraphs (blank lines) kept."""
    return "\n".join(line.strip() for line in (doc or "").strip().splitlines())


def summary(doc: str | None) -> str:
    """The first paragraph of a docstring: a command's line in the list of commands."""
    return " ".join(paragraphs(doc).split("\n\n")[0].split())
