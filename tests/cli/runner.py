"""Run ``mapsheet ARGS...`` inside the test process, through the real entry point (``mapsheet.cli.main``), and
capture what it printed: the tests' one way to drive the command line without a subprocess.

    from cli.runner import run_cli

    result = run_cli(["check", plan, "--today", "2026-11-27"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output

``obj`` is passed to ``main`` as a program embedding the CLI would (``{"google": {...}}``: the Google session
the Google tests inject). ``env`` sets environment variables for the run (None removes one).
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from mapsheet.cli import main


@dataclass
class Result:
    exit_code: int
    stdout: str  # what went to stdout
    stderr: str  # what went to stderr
    output: str  # both, in the order they were written (what a terminal shows)
    exception: BaseException | None  # an exception the command let escape (a bug: main catches user errors)


class _Captured(io.StringIO):
    """A stream that is no terminal, also copying what is written to the shared ``output``."""

    def __init__(self, output: io.StringIO):
        super().__init__()
        self._output = output

    def write(self, text: str) -> int:
        self._output.write(text)
        return super().write(text)

    def isatty(self) -> bool:
        return False


def run_cli(args: Iterable[Any], *, obj: Any = None, env: dict[str, str | None] | None = None) -> Result:
    output = io.StringIO()
    out, err = _Captured(output), _Captured(output)
    saved_env = {key: os.environ.get(key) for key in (env or {})}
    saved_streams = sys.stdout, sys.stderr
    exception = None
    try:
        _set_env(env or {})
        sys.stdout, sys.stderr = out, err
        try:
            code = main([str(a) for a in args], obj=obj)
        except SystemExit as done:  # main returns its code; a command should not exit by itself
            code, exception = (done.code if isinstance(done.code, int) else 1), done
        except Exception as exc:  # noqa: BLE001 - reported in the result, as a failing test wants to see it
            code, exception = 1, exc
    finally:
        sys.stdout, sys.stderr = saved_streams
        _set_env(saved_env)
    return Result(code, out.getvalue(), err.getvalue(), output.getvalue(), exception)


def _set_env(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
