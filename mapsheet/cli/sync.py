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
from ..google.ids import spreadsheet_id
from ..sync import SyncReport, sync as run_sync
from ..sync.drive import client_factory
from ..sync.gsheet import GoogleRollup
from ._app import app, console, err_console, friendly_errors
from ._options import CredentialsOption, TodayOption, today_or
from .plans import DEMO_STAGES


@app.command()
@friendly_errors
def sync(
    ctx: typer.Context,
    sources: List[str] = typer.Argument(..., metavar="SOURCE...", help="Plan workbooks, folders (searched "
                                        "recursively), glob patterns, @list.txt files naming one per line, or "
                                        "Google Drive folder URLs or ids."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="The roll-up to write: an .xlsx workbook, or a "
                                      "Google Sheet's URL or id (replaced in place: same id, same link)."),
    out_google: Optional[str] = typer.Option(None, "--out-google", metavar="new", help="Write the roll-up into a "
                                             "new Google Sheet (then pass its URL to --out next time)."),
    folder: Optional[str] = typer.Option(None, "--folder", metavar="ID", help="With --out-google new: the Drive "
                                         "folder (or Shared Drive folder) to create it in."),
    read_via: Optional[str] = typer.Option(None, "--read-via", metavar="export|sheets", help="How native Google "
                                           "Sheets are read: Drive's .xlsx export (default: Drive's quota is large, "
                                           "reads run side by side) or the Sheets API (60 reads a minute)."),
    credentials: Optional[Path] = CredentialsOption,
    time_limit: float = typer.Option(30, "--time-limit", metavar="MINUTES", min=0.1, help="Stop reading plans "
                                     "from Drive after this long (Google slow or refusing); the plans left are "
                                     "listed on the Problems sheet and read at the next sync."),
    today: Optional[str] = TodayOption,
    config: Optional[Path] = typer.Option(None, "--config", help="A mapsheet.toml or pyproject.toml for every plan "
                                          "(default: the one found beside each plan, or the defaults)."),
    history: Optional[Path] = typer.Option(None, "--history", help="The sync history (SQLite; default: "
                                           "<out>.history.sqlite beside the roll-up)."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write every table as a CSV file in this folder."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", help="Also write every table as a Parquet file in "
                                           "this folder (needs pyarrow)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes reading plan files (default: all "
                                       "cores); plans in Drive are read 8 at a time (this many when given)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary; errors only."),
) -> None:
    """Roll plans up into one workbook: deals, open actions, overdue by owner, risks, milestones, changes
    since the last sync and problems. SOURCE may be a Google Drive folder's URL or id (subfolders and Shared
    Drives included): only plans changed since the last sync are read. Exit 0 all read, 1 some plans had
    problems, 2 could not run."""
    google = client_factory(credentials, **((ctx.obj or {}).get("google", {})))
    target, history = _target(out, out_google, folder, history, google)
    with _progress(quiet) as on_progress:
        report = run_sync(expand_lists(sources), target, today=today_or(today), config=config, history=history,
                          csv=csv, parquet=parquet, jobs=jobs, progress=on_progress, google=google, read_via=read_via,
                          time_limit=time_limit * 60)
    if not quiet:
        print_report(report)
    raise typer.Exit(report.exit_code)


def _target(out: str | None, out_google: str | None, folder: str | None, history: Path | None, google):
    """Where the roll-up goes: an .xlsx path, or a Google Sheet (given, or made now); and its history (a
    Google roll-up's defaults to rollup-<id>.history.sqlite in the current folder)."""
    if (out is None) == (out_google is None):
        raise MapsheetError("say where the roll-up goes: --out rollup.xlsx, --out <Google Sheet URL>, or "
                            "--out-google new")
    sheet = spreadsheet_id(out) if out is not None and not out.lower().endswith(".xlsx") else None
    if out is not None and sheet is None:
        if Path(out).suffix.lower() != ".xlsx":
            raise MapsheetError(f"--out {out}: the roll-up is an .xlsx workbook or a Google Sheet; name it e.g. "
                                "rollup.xlsx, or give the Sheet's URL")
        return Path(out), history
    if out_google is not None:
        if out_google.strip().lower() != "new":
            raise MapsheetError(f"--out-google {out_google}: say --out-google new (an existing Sheet goes in --out)")
        target = GoogleRollup.create(google(), "MAP roll-up", folder)
        console.print(f"Created the roll-up Google Sheet {escape(target.link)}: pass it to --out next time")
    else:
        target = GoogleRollup(google(), sheet)
    return target, history or Path(f"rollup-{target.spreadsheet}.history.sqlite")


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
        if report.google is not None:
            console.print(f"  {report.google.cells:,} cells in {report.google.requests} batchUpdate requests")
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
