"""The ``mapsheet`` command line: the table of commands, how they are declared, and ``main``, which runs one.

A command is a function in its module, declared once with ``@command(...)`` and its parameters (``_parser``);
its docstring is its help (the first paragraph its line in ``mapsheet -h``). Only the module of the command
that runs is imported, and only that command's parser is built (argparse; help drawn by rich-argparse when
printed). What a command prints goes through ``_console`` (user text escaped there, once, for every command).
A command returns its exit code (None for 0); a ``MapsheetError`` becomes one red line and exit code 2.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Callable, NoReturn

from .._version import __version__
from ..errors import MapsheetError
from ._console import error, say
from ._parser import HELP, Param, Parser, UsageError, paragraphs, summary

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

DESCRIPTION = """Check, score, annotate and roll up sales mutual action plans kept in Excel and Google Sheets.

Exit codes: 0 done, 1 findings or problems over the chosen bar, 2 could not run."""

#: The demo's steps after writing and checking its sample plans, each added by the command module that owns it
#: (sync adds the roll-up), so that running one command never imports another's module to register a step.
DEMO_STAGES: list[Callable] = []

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Command:
    """A declared command: its function and parameters; the function gets each parameter by its name (and
    ``obj``, what a program embedding the CLI passed to ``main``, when it has a parameter of that name)."""

    def __init__(self, func: Callable, params: tuple[Param, ...]):
        self.func, self.params = func, params
        code = func.__code__
        self.takes_obj = "obj" in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]

    def parser(self, prog: str) -> Parser:
        parser = Parser(prog, paragraphs(self.func.__doc__))
        for param in self.params:
            param.add_to(parser)
        parser.add_help_option()
        return parser


#: Every command registered so far, by (group or None, name); and the groups' one-line help.
REGISTRY: dict[tuple[str | None, str], Command] = {}
GROUPS: dict[str, str] = {}


def command(*params: Param, name: str | None = None, group: str | None = None) -> Callable:
    """Declare the decorated function as ``mapsheet [GROUP] NAME`` (default name: the function's) with these
    parameters, in the order help lists them."""

    def register(func: Callable) -> Callable:
        REGISTRY[(group, name or func.__name__)] = Command(func, params)
        return func

    return register


def add_group(name: str, help: str) -> None:
    """Declare a group of sub-commands (``mapsheet excel install``...), listed in help with this line."""
    GROUPS[name] = help


def main(argv: list[str] | None = None, *, obj: Any = None) -> int:
    """Run ``mapsheet ARGV...`` (default: this process's arguments) and return its exit code. A program that
    embeds the CLI (and the tests) may pass ``obj``: ``{"google": {...}}`` is the Google session to use."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv), obj)
    except (UsageError, MapsheetError) as exc:
        error(exc)
        return EXIT_ERROR
    except SystemExit as done:  # argparse after printing help
        return done.code if isinstance(done.code, int) else EXIT_OK
    except KeyboardInterrupt:
        say("Aborted!", err=True)
        return EXIT_FINDINGS
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, exit 1, as Rich does
        _quiet_stdout()
        return EXIT_FINDINGS


#: What a command leaves to the end of the process (a sync's summaries and rows: ``sync(hold=...)``) instead of taking
#: it apart object by object as it returns: a list while ``run`` runs the command (it then ends the process without
#: Python's shutdown), None where a program calls ``main`` and goes on after.
LEFT_TO_EXIT: list | None = None


def run() -> NoReturn:
    """The ``mapsheet`` program (its console script, and ``python -m mapsheet``): ``main``, its exit code the
    process's. Once the command has ended and what it printed is flushed, the process ends at once, without
    Python's shutdown: every file the command wrote is closed, and the shutdown would only take apart what is
    left (the modules, the caches a sync fills) object by object, with collections that walk them all: 30-60 ms
    of a full sync (measured: benchmarks/ROUNDS.md, the seventh round), and of every other command. Not in
    ``main``, which programs (and the tests) call and go on after."""
    global LEFT_TO_EXIT
    LEFT_TO_EXIT = []
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (``| head``), a stream closed: nothing more can be shown
            pass
    os._exit(code)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit finds no closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced in process): nothing to flush there
        pass


def _run(args: list[str], obj: Any) -> int:
    if not args or args[0] in ("-h", "--help"):
        _listing("mapsheet", DESCRIPTION, [(name, _line(name)) for name in _load_all()], top=True).print_help()
        return EXIT_OK if args else EXIT_ERROR
    head, rest = args[0], args[1:]
    if head in ("-V", "--version"):
        say(f"mapsheet {__version__}")
        return EXIT_OK
    if head not in COMMANDS:
        raise UsageError(_unknown(head, list(COMMANDS), "mapsheet"))
    for module in COMMANDS[head]:
        importlib.import_module(f"{__package__}.{module}")
    key, prog = (None, head), f"mapsheet {head}"
    if head in GROUPS:
        subs = [n for g, n in REGISTRY if g == head]
        if not rest or rest[0] in ("-h", "--help"):
            _listing(prog, GROUPS[head], [(n, summary(REGISTRY[head, n].func.__doc__)) for n in subs]).print_help()
            return EXIT_OK if rest else EXIT_ERROR
        if rest[0] not in subs:
            raise UsageError(_unknown(rest[0], subs, prog))
        key, prog, rest = (head, rest[0]), f"{prog} {rest[0]}", rest[1:]
    cmd = REGISTRY[key]
    kwargs = vars(cmd.parser(prog).parse_intermixed_args(rest))
    if cmd.takes_obj:
        kwargs["obj"] = obj
    code = cmd.func(**kwargs)
    return EXIT_OK if code is None else code


def _load_all() -> list[str]:
    for name in COMMANDS:
        for module in COMMANDS[name]:
            importlib.import_module(f"{__package__}.{module}")
    return list(COMMANDS)


def _line(name: str) -> str:
    return GROUPS[name] if name in GROUPS else summary(REGISTRY[None, name].func.__doc__)


def _listing(prog: str, description: str, entries: list[tuple[str, str]], top: bool = False) -> Parser:
    """The help of ``mapsheet`` or of a group: its options and its commands, one line each."""
    parser = Parser(prog, description)
    if top:
        parser.add_argument("-V", "--version", action="store_true", help="Print mapsheet's version and exit.")
    parser.add_argument("-h", "--help", action="store_true", help=HELP)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, line in entries:
        commands.add_parser(name, help=line, add_help=False)
    return parser


def _unknown(word: str, known: list[str], prog: str) -> str:
    what = "option" if word.startswith("-") else "command"
    from difflib import get_close_matches  # only for this error

    close = get_close_matches(word, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{prog}: no such {what} '{word}'{hint} (see '{prog} -h')"
