"""``mapsheet sync``: roll many plans up into one workbook for sales managers (and the demo's last step)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import MapsheetError
from ..sync import SyncReport, sync as run_sync
from ._app import app, console, err_console, friendly_errors
from ._options import TodayOption, today_or
from .plans import DEMO_STAGES


@app.command()
@friendly_errors
def sync(
    sources: List[str] = typer.Argument(..., metavar="SOURCE...", help="Plan workbooks, folders (searched "
                                        "recursively), glob patterns, or @list.txt files naming one per line."),
    out: Path = typer.Option(..., "--out", "-o", help="The roll-up workbook to write (.xlsx)."),
    today: Optional[str] = TodayOption,
    config: Optional[Path] = typer.Option(None, "--config", help="A mapsheet.toml or pyproject.toml for every plan "
                                          "(default: the one found beside each plan, or the defaults)."),
    history: Optional[Path] = typer.Option(None, "--history", help="The sync history (SQLite; default: "
                                           "<out>.history.sqlite beside the roll-up)."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write every table as a CSV file in this folder."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", help="Also write every table as a Parquet file in "
                                           "this folder (needs pyarrow)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes reading plans (default: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary; errors only."),
) -> None:
    """Roll plans up into one workbook: deals, open actions, overdue by owner, risks, milestones, changes
    since the last sync and problems. Exit 0 all read, 1 some plans had problems, 2 could not run."""
    if out.suffix.lower() != ".xlsx":
        raise MapsheetError(f"--out {out}: the roll-up is an .xlsx workbook; name it e.g. rollup.xlsx")
    with _progress(quiet) as on_progress:
        report = run_sync(expand_lists(sources), out, today=today_or(today), config=config, history=history,
                          csv=csv, parquet=parquet, jobs=jobs, progress=on_progress)
    if not quiet:
        print_report(report)
    raise typer.Exit(report.exit_code)


def expand_lists(sources: list[str]) -> list[str]:
    """``@list.txt`` -> the paths it names, one per line (blank lines and # comments skipped; relative paths
    are relative to the list's folder)."""
    out: list[str] = []
    for source in sources:
        if not source.startswith("@"):
            out.append(source)
            continue
        listing = Path(source[1:])
        try:
            lines = listing.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise MapsheetError(f"{source}: cannot read the list of plans ({exc.strerror})") from None
        for line in (ln.strip() for ln in lines):
            if line and not line.startswith("#"):
                out.append(str(listing.parent / Path(line).expanduser()))
    return out


class _progress:
    """A Rich progress bar on stderr while plans are read; silent when quiet or not on a terminal."""

    def __init__(self, quiet: bool):
        self.bar = None if quiet or not sys.stderr.isatty() else Progress(
            TextColumn("Reading plans"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err_console, transient=True)
        self.task = None

    def __enter__(self):
        if self.bar is None:
            return None
        self.bar.start()
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.bar.add_task("read", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def print_report(report: SyncReport) -> None:
    read = f"{report.plans} plan{'s' if report.plans != 1 else ''}: {report.read} read, {report.cached} unchanged " \
           "(from the history)"
    console.print(read)
    if report.problems:
        parts = [text for n, text in ((report.unreadable, f"{report.unreadable} could not be read"),
                                      (report.drifted, f"{report.drifted} drifted from the template")) if n]
        console.print(f"[bold red]{' and '.join(parts)}[/]: see the Problems sheet")
    if report.written:
        rows = ", ".join(f"{sheet} {n:,}" for sheet, n in report.rows.items())
        console.print(f"[green]Wrote[/] {escape(str(report.out))}  ({rows})")
    else:
        console.print(f"Nothing changed since the last sync: {escape(str(report.out))} is up to date")
    for folder in sorted({p.parent for p in report.exports}):
        files = [p.name for p in report.exports if p.parent == folder]
        console.print(f"Exported {len(files)} tables to {escape(str(folder))}/ ({', '.join(files)})")


def demo_sync(plans_dir: Path, out_dir: Path, today: dt.date) -> None:
    """The demo's last step: roll its sample plans up into out_dir/rollup.xlsx."""
    report = run_sync([plans_dir], out_dir / "rollup.xlsx", today=today)
    console.print(f"[green]Rolled up[/] {report.plans} plans into {escape(str(report.out))} "
                  f"({report.problems} with problems: see its Problems sheet)")


DEMO_STAGES.append(demo_sync)
