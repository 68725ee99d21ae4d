"""``mapsheet sync``: roll many plans up into one workbook for sales managers (and the demo's last step)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import MapsheetError
from ..sync import SyncReport, sync as run_sync
from ._app import app, friendly_errors
from ._console import err_console, say
from ._options import TodayOption, today_or
from .plans import DEMO_STAGES


@app.command()
@friendly_errors
def sync(
    sources: List[str] = typer.Argument(..., metavar="SOURCE...", help="Plan workbooks, folders (searched "
                                        "recursively), glob patterns, or @list.txt files naming one per line."),
    out: Path = typer.Option(..., "--out", "-o", metavar="OUT", help="The roll-up workbook to write (.xlsx)."),
    today: Optional[str] = TodayOption,
    config: Optional[Path] = typer.Option(None, "--config", metavar="FILE", help="A mapsheet.toml or pyproject.toml "
                                          "for every plan (default: the one found beside each plan, or the defaults)."),
    history: Optional[Path] = typer.Option(None, "--history", metavar="FILE", help="The sync history (SQLite; default: "
                                           "OUT.history.sqlite beside the roll-up)."),
    csv: Optional[Path] = typer.Option(None, "--csv", metavar="DIR",
                                       help="Also write every table as a CSV file in this folder."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", metavar="DIR", help="Also write every table as a Parquet file in "
                                           "this folder (needs pyarrow)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="Processes reading plans (default: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="For cron: no progress bar; only problems and one "
                               "summary line."),
) -> None:
    """Roll plans up into one workbook: deals, open actions, overdue by owner, risks, milestones, changes
    since the last sync and problems. Exit 0 all read, 1 some plans had problems, 2 could not run."""
    if out.suffix.lower() != ".xlsx":
        raise MapsheetError(f"--out {out}: the roll-up is an .xlsx workbook; name it e.g. rollup.xlsx")
    with _progress(quiet) as on_progress:
        report = run_sync(sources, out, today=today_or(today), config=config, history=history,
                          csv=csv, parquet=parquet, jobs=jobs, progress=on_progress)
    print_report(report, quiet)
    raise typer.Exit(report.exit_code)


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


def print_report(report: SyncReport, quiet: bool = False) -> None:
    """What a sync did: with ``quiet``, only problems and the summary line (for cron mail)."""
    if report.problems:
        parts = [text for n, text in ((report.unreadable, f"{report.unreadable} could not be read"),
                                      (report.drifted, f"{report.drifted} no longer "
                                                       f"follow{'s' if report.drifted == 1 else ''} the template"))
                 if n]
        say("[bold red]{}[/]: see the Problems sheet of {}", " and ".join(parts), report.out)
    if not quiet:
        if report.written:
            say("[green]Wrote[/] {}  ({})", report.out, ", ".join(f"{sheet} {n:,}" for sheet, n in report.rows.items()))
        else:
            say("Nothing changed since the last sync: {} is up to date", report.out)
        for folder in sorted({p.parent for p in report.exports}):
            files = [p.name for p in report.exports if p.parent == folder]
            say("Exported {} tables to {} ({})", len(files), f"{folder}/", ", ".join(files))
    say(summary_line(report))


def summary_line(report: SyncReport) -> str:
    """One line for every sync: plans, read or unchanged, problems, where the roll-up is."""
    n = report.plans
    line = f"{n:,} plan{'s' if n != 1 else ''} synced: {report.read:,} read, {report.cached:,} unchanged"
    if report.problems:
        line += f", [bold red]{report.problems:,} with problems[/]"
    if report.renamed:
        line += f", {report.renamed:,} with renamed columns (accepted)"
    return line


def demo_sync(plans_dir: Path, out_dir: Path, today: dt.date) -> None:
    """The demo's last step: roll its sample plans up into out_dir/rollup.xlsx."""
    report = run_sync([plans_dir], out_dir / "rollup.xlsx", today=today)
    say("[green]Rolled up[/] {} plans into {}", report.plans, report.out)
    if report.problems:
        say("  [bold red]{} of them with problems[/]: see the roll-up's Problems sheet", report.problems)
    if report.renamed:
        say("  {} use accepted synonyms for some column headers (noted on the Problems sheet, not a problem)",
            report.renamed)


DEMO_STAGES.append(demo_sync)
