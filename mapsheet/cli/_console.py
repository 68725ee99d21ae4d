"""The one place the command line prints what a user reads: messages, errors, file names, plan text.

Every command prints through this module, never through ``print`` or a Console of its own.
Two kinds of text meet in a message, and they are kept apart here:

- **mapsheet's own words**, which may carry Rich markup (``"[green]Wrote[/] {}"``): trusted, written in code;
- **user text**: file and folder names, cell values from a plan, exception messages that quote them. It is
  never read as markup (``"Acme [draft].xlsx"`` prints as is, ``"[/x]"`` cannot crash Rich), and control
  characters are shown, not obeyed: ``\\x1b]0;...\\x07`` in a file name cannot retitle or recolour the
  terminal, a bidi override cannot reorder what is shown (``\\u202e``). Newlines and tabs in user text
  become ``\\n`` and ``\\t`` too, so one value stays on one line; a message's own line breaks are kept.

How to use it (other command modules, new commands)::

    from ._console import say, error, warn, cell, grid, safe, show

    say("[green]Wrote[/] {}  ({} rows)", path, rows)   # the template is markup, every argument is user text
    say("{}", message, err=True)                       # a line on stderr
    error(exc)                                          # "error: <text>" on stderr, the text escaped
    table.add_row(cell(plan_name), cell(score))         # table cells from user data: rich Text, no markup
    rows = grid("cyan"); rows.add_row(cell(where), cell(message)); show(rows)  # wraps at 80 columns
    show(Text(...))                                     # Text objects are never parsed as markup

``safe(value)`` is the escaped form of one value for writing markup by hand; ``plain(value)`` the same
without markup escaping (for Text objects and JSON). ``rich_console(err=False)`` is a Rich console on stdout
(stderr) for what must be drawn (highlighting and emoji codes off, so ``:smile:`` in a deal name stays text).
``json_text(obj)`` is the JSON a command prints, with every control character escaped (JSON itself escapes
only C0).

Rich is imported only when something is drawn: a table or grid (``cell``, ``grid``, ``show``), a progress bar,
or a message on a terminal (colour, wrapping at its width). A message to a pipe or a file (cron, a log, the
sync benchmark) is written here without Rich, as exactly the text Rich wrote there: markup tags dropped,
escaped brackets kept, no colour, one line a message (tests/cli/test_console.py compares the two). Rich is
used whenever it might see a terminal, as it decides (``FORCE_COLOR``, ``TTY_COMPATIBLE``, Jupyter), so
``NO_COLOR``, ``FORCE_COLOR`` and ``TERM=dumb`` work as Rich documents them.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

# C0 and C1 control characters, DEL, and the Unicode bidi controls (embeddings, overrides, isolates):
# anything a terminal may act on or that reorders what is shown.
# Lone surrogates too: the bytes of a file name that are not UTF-8 (Python keeps \xff as \udcff), which no
# terminal can be sent as text.
# Every one of them is a character str.isprintable() refuses, so text it accepts (nearly all) skips the
# patterns, and they are compiled on first use: ranges past Latin-1 cost the regex compiler a 64K-entry
# table each (about 3 ms for the three, at every command's start).
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\x1b"}
_KEEP_LINES = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _show(match: re.Match) -> str:
    ch = match.group()
    if "\udc80" <= ch <= "\udcff":  # a byte of a file name that is not UTF-8: shown as that byte, as display_path does
        return f"\\x{ord(ch) - 0xdc00:02x}"
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def plain(value: Any, *, lines: bool = False) -> str:
    """``value`` as text with every control character shown as an escape (``\\x1b``, ``\\n``...).
    ``lines=True`` keeps line breaks (a message of several lines); other controls are still shown."""
    text = str(value)
    if text.isprintable():
        return text
    return _compiled(_KEEP_LINES if lines else _UNSAFE).sub(_show, text)


#: What Rich reads as a tag in markup: ``[`` and a name starting with a letter, ``#``, ``/`` or ``@``, up to ``]``,
#: with the backslashes before it (an odd number escapes the tag; each pair is one literal backslash).
_TAG = r"(\\*)(\[[a-z#/@][^[]*?])"


def _escape_tag(match: re.Match) -> str:
    backslashes, tag = match.groups()
    return f"{backslashes}{backslashes}\\{tag}"


def escape(text: str) -> str:
    """``text`` as Rich markup that prints as ``text``: every tag-like bracket escaped, the backslashes before it
    doubled, and a lone backslash at the end doubled (it would escape what follows)."""
    if "[" in text:
        text = _compiled(_TAG).sub(_escape_tag, text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        text += "\\"
    return text


def strip_markup(markup: str) -> str:
    """What Rich prints for ``markup`` without colour: the tags dropped, escaped tags and brackets as written."""
    if "[" not in markup:
        return markup
    parts = _compiled(_TAG).split(markup)  # text, backslashes, tag, text, ...
    out = []
    for i in range(0, len(parts) - 1, 3):
        out.append(parts[i].replace("\\[", "["))
        backslashes, tag = parts[i + 1], parts[i + 2]
        out.append("\\" * (len(backslashes) // 2) + (tag if len(backslashes) % 2 else ""))
    out.append(parts[-1].replace("\\[", "["))
    return "".join(out)


def safe(value: Any, *, lines: bool = False) -> str:
    """``value`` ready to sit inside a Rich markup string: controls shown, brackets escaped."""
    return escape(plain(value, lines=lines))


def cell(value: Any, style: str = "") -> Text:
    """A table cell (or any renderable) from user data: never markup, controls shown."""
    from rich.text import Text

    return Text("" if value is None else plain(value), style=style)


def grid(*styles: str, gap: int = 1) -> Table:
    """Columns without borders for a list: one column per entry of ``styles`` (its style, or ""), each kept on
    one line, then a last column that wraps under itself at the terminal's width (a message, a summary), so a
    long text never runs back under the first columns. Fill it with ``cell(...)`` or ``Text``."""
    from rich.table import Table  # imported for the commands that print lists (not for a quiet sync)

    table = Table.grid(padding=(0, gap), pad_edge=False)
    for style in styles:
        table.add_column(no_wrap=True, style=style or None)
    table.add_column(ratio=1)
    return table


def markup(template: str, *values: Any) -> str:
    """``template`` (trusted Rich markup with ``{}`` places) filled with ``values`` made safe."""
    return template.format(*(safe(v) for v in values)) if values else template


def rich_console(err: bool = False) -> Console:
    """A Rich console on stdout (``err``: stderr) for what is drawn. Made afresh (cheap once Rich is imported), so
    it writes to the current ``sys.stdout`` and reads the current environment (``COLUMNS``, ``NO_COLOR``...)."""
    from rich.console import Console

    return Console(stderr=err, highlight=False, emoji=False)


def show(*renderables: Any, err: bool = False) -> None:
    """Draw Rich renderables (a table, a grid, ``Text``, nothing for an empty line) with Rich."""
    rich_console(err).print(*renderables)


def _plain_stream(err: bool):
    """The stream a message goes to when Rich would treat it as no terminal (a pipe, a file), else None.
    Decided as Rich decides (``TTY_COMPATIBLE``, ``FORCE_COLOR``, Jupyter), erring towards Rich."""
    stream = sys.stderr if err else sys.stdout
    environ = os.environ
    if environ.get("TTY_COMPATIBLE") == "1" or environ.get("FORCE_COLOR") or "ipykernel" in sys.modules:
        return None
    try:
        return None if stream.isatty() else stream
    except (AttributeError, ValueError):  # no isatty, or closed: Rich says no terminal
        return stream


def _print(markup_text: str, err: bool, wrap: bool) -> None:
    stream = _plain_stream(err)
    if stream is not None:  # what Rich writes to a pipe: the text without its tags, one line, no colour
        stream.write(strip_markup(markup_text) + "\n")
        stream.flush()
        return
    out = rich_console(err)
    out.print(markup_text, soft_wrap=not (wrap and out.is_terminal))


def say(template: str = "", *values: Any, err: bool = False, wrap: bool = True) -> None:
    """Print one message: ``template`` is mapsheet's markup, each of ``values`` is user text (escaped).
    Long messages wrap at a terminal's width between words (never in a pipe or a log, which stay one line a
    message, for grep); ``wrap=False`` keeps a line whole anyway (a command to copy and paste)."""
    _print(markup(template, *values), err, wrap)


def error(message: Any) -> None:
    """``error: <message>`` on stderr. The message is user text (it quotes names and cells): escaped, but
    its own line breaks kept."""
    _print("[bold red]error:[/] " + safe(message, lines=True), True, False)


def warn(message: Any) -> None:
    """``warning: <message>`` on stderr, the message escaped as for ``error``."""
    _print("[bold yellow]warning:[/] " + safe(message, lines=True), True, False)


_JSON_UNSAFE = "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # JSON escapes C0 itself


def _escape_controls(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(obj: Any) -> str:
    """``obj`` as indented JSON (UTF-8 kept readable) with C1 and bidi controls escaped as well."""
    import json  # for --format json only

    return _compiled(_JSON_UNSAFE).sub(_escape_controls, json.dumps(obj, indent=2, ensure_ascii=False))


def echo_json(obj: Any) -> None:
    """Print a JSON document on stdout, as is (no wrapping, no markup, no colour)."""
    sys.stdout.write(json_text(obj) + "\n")
    sys.stdout.flush()
