"""A message to a pipe or a file is written without Rich (cli/_console.py): it must be exactly what Rich wrote
there (markup dropped, escaped brackets kept, user text escaped the same way, one line, no colour). Each test
compares with Rich itself; on a terminal (or when the environment says to treat one as such) Rich still prints,
colour as Rich decides."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape as rich_escape

from mapsheet.cli import _console
from mapsheet.cli._console import error, escape, markup, safe, say, warn

#: Text as users write it, with what markup cares about: brackets, backslashes, slashes, names of styles.
USER_TEXT = st.lists(st.sampled_from(list("ab [/]\\#@=:é✖") + ["bold", "[/x]", "\\[", "[red]", "\n", "\t", "\x1b",
                                                               "\u202e"]), max_size=12).map("".join)
WORD = st.text(alphabet="ab é.:-()0123456789", max_size=6)
#: Templates as mapsheet writes them: words, places for values, balanced tags, escaped brackets, backslashes.
PIECE = st.one_of(
    WORD, st.just("{}"), st.just("\\[not a tag]"), st.just("[1]"), st.just("\\\\"), st.just("\\\\[bold]x[/]"),
    WORD.map(lambda w: f"[bold]{w}[/]"), WORD.map(lambda w: f"[bold red]{w}[/bold red]"),
    WORD.map(lambda w: f"[dim]{w}{{}}[/]"), WORD.map(lambda w: f"[green]{w}[/green] [yellow]{w}[/]"))
TEMPLATE = st.lists(PIECE, max_size=6).map("".join)


def rich_wrote(text: str, err: bool = False) -> str:
    """What mapsheet's Rich console wrote to a pipe for this markup, before Rich became lazy."""
    out = io.StringIO()
    Console(file=out, highlight=False, emoji=False).print(text, soft_wrap=True)
    return out.getvalue()


def printed(func, *args, err: bool = False, **kwargs) -> str:
    stream, saved = io.StringIO(), (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = (sys.stdout, stream) if err else (stream, sys.stderr)
    try:
        func(*args, **kwargs)
    finally:
        sys.stdout, sys.stderr = saved
    return stream.getvalue()


@pytest.fixture(autouse=True)
def _no_terminal_forced(monkeypatch):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@settings(max_examples=300, deadline=None)
@given(USER_TEXT)
def test_user_text_is_escaped_as_rich_escapes_it(text):
    assert escape(text) == rich_escape(text)


@settings(max_examples=300, deadline=None)
@given(TEMPLATE, st.lists(USER_TEXT, min_size=6, max_size=6))
def test_a_message_to_a_pipe_is_what_rich_wrote_there(template, values):
    values = values[:template.count("{}")]
    assert printed(say, template, *values) == rich_wrote(markup(template, *values))
    on_stderr = printed(lambda: say(template, *values, err=True, wrap=False), err=True)
    assert on_stderr == rich_wrote(markup(template, *values))


@settings(max_examples=200, deadline=None)
@given(USER_TEXT)
def test_errors_and_warnings_to_a_pipe_are_what_rich_wrote_there(message):
    assert printed(error, message, err=True) == rich_wrote("[bold red]error:[/] " + safe(message, lines=True))
    assert printed(warn, message, err=True) == rich_wrote("[bold yellow]warning:[/] " + safe(message, lines=True))


def test_a_long_message_stays_one_line_in_a_pipe():
    long = "word " * 60
    assert printed(say, "[green]Wrote[/] {}", long) == f"Wrote {long}\n"


def test_markup_in_user_text_is_never_read_and_controls_are_shown():
    assert printed(say, "[green]Wrote[/] {}", "Acme [draft] [/x] \\ \x1b]0;t\x07.xlsx") == (
        "Wrote Acme [draft] [/x] \\ \\x1b]0;t\\x07.xlsx\n")
    assert printed(error, "bad\ncell [b]", err=True) == "error: bad\ncell [b]\n"


@pytest.mark.parametrize("env, coloured", [({"FORCE_COLOR": "1"}, True), ({"TTY_COMPATIBLE": "1"}, True),
                                            ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)])
def test_where_rich_would_see_a_terminal_rich_prints(monkeypatch, env, coloured):
    """FORCE_COLOR and TTY_COMPATIBLE make Rich treat a pipe as a terminal; NO_COLOR still takes the colour off
    (Rich keeps bold)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _console._plain_stream(err=True) is None  # left to Rich
    out = printed(error, "no such file", err=True)
    assert out.startswith("\x1b[") and "no such file" in out  # drawn by Rich, as on a terminal
    assert ("31m" in out) is coloured  # red


def test_a_terminal_gets_rich(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    assert _console._plain_stream(err=False) is None
    monkeypatch.setenv("TTY_COMPATIBLE", "0")  # Rich: not a terminal after all
    say("[bold]x[/]")
    assert sys.stdout.getvalue() == "x\n"


@pytest.mark.parametrize("args", [["--version"], ["rules"]])  # a line written here; a list drawn by Rich
def test_a_reader_that_goes_away_ends_the_command_quietly(args):
    """``mapsheet ... | head -1``: the pipe closes early; exit 1 and no traceback, written here or by Rich."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "mapsheet", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the command starts writing
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 1 and stderr == ""
