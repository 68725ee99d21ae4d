"""``mapsheet sync``: roll many plans up into one workbook for sales managers (and the demo's last step)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..errors import MapsheetError
from ..google.ids import spreadsheet_id
from ..sync import SyncReport, sync as run_sync
from ..sync.drive import client_factory
from . import _app
from ._app import DEMO_STAGES, command
from ._console import rich_console, say
from ._options import CREDENTIALS, TODAY, embedded, today_or
from ._parser import argument, option


@command(
    argument("sources", metavar="SOURCE", nargs="+", help="Plan workbooks, folders (searched recursively), glob "
             "patterns, @list.txt files naming one per line, or Google Drive folder URLs or ids."),
    option("--out", "-o", metavar="OUT", help="The roll-up to write: an .xlsx workbook, or a Google Sheet's URL or "
           "id (replaced in place: same id, same link)."),
    option("--out-google", metavar="new", help="Write the roll-up into a new Google Sheet (then pass its URL to "
           "--out next time)."),
    option("--folder", metavar="ID", help="With --out-google new: the Drive folder (or Shared Drive folder) to "
           "create it in."),
    option("--read-via", metavar="export|sheets", help="How native Google Sheets are read: Drive's .xlsx export "
           "(default: Drive's quota is large, reads run side by side) or the Sheets API (60 reads a minute)."),
    CREDENTIALS,
    option("--time-limit", metavar="MINUTES", type=float, default=30, low=0.1, help="Stop reading plans from "
           "Drive after this long (Google slow or refusing); the plans left are listed on the Problems sheet and "
           "read at the next sync."),
    TODAY,
    option("--config", metavar="FILE", type=Path, help="A mapsheet.toml or pyproject.toml for every plan (default: "
           "the one found beside each plan, or the defaults)."),
    option("--history", metavar="FILE", type=Path, help="The sync history (SQLite; default: OUT.history.sqlite "
           "beside the roll-up; for a Google Sheet, rollup-ID.history.sqlite in the current folder)."),
    option("--csv", metavar="DIR", type=Path, help="Also write every table as a CSV file in this folder."),
    option("--parquet", metavar="DIR", type=Path, help="Also write every table as a Parquet file in this folder "
           "(needs pyarrow)."),
    option("--jobs", "-j", metavar="N", type=int, low=1, help="Processes reading plan files (default: all cores); "
           "plans in Drive are read 8 at a time (this many when given)."),
    option("--quiet", "-q", flag=True, help="For cron: no progress bar; only problems and one summary line."),
)
def sync(sources: list[str], out: str | None, out_google: str | None, folder: str | None, read_via: str | None,
         credentials: Path | None, time_limit: float, today: str | None, config: Path | None, history: Path | None,
         csv: Path | None, parquet: Path | None, jobs: int | None, quiet: bool, obj=None) -> int:
    """Roll plans up into one workbook: deals, open actions, overdue by owner, risks, milestones, changes
    since the last sync and problems. SOURCE may be a Google Drive folder's URL or id (subfolders and Shared
    Drives included): only plans changed since the last sync are read. Exit 0 all read, 1 some plans had
    problems, 2 could not run."""
    google = client_factory(credentials, **embedded(obj))
    target, history = _target(out, out_google, folder, history, google)
    with _progress(quiet) as on_progress:
        report = run_sync(sources, target, today=today_or(today), config=config, history=history,
                          csv=csv, parquet=parquet, jobs=jobs, progress=on_progress, google=google, read_via=read_via,
                          time_limit=time_limit * 60, hold=_app.LEFT_TO_EXIT)
    print_report(report, quiet)
    return report.exit_code


def _target(out: str | None, out_google: str | None, folder: str | None, history: Path | None, google):
    """Where the roll-up goes: an .xlsx path, or a Google Sheet (given, or made now); and its history (a
    Google roll-up's defaults to rollup-ID.history.sqlite in the current folder)."""
    if (out is None) == (out_google is None):
        raise MapsheetError("say where the roll-up goes: --out rollup.xlsx, --out <Google Sheet URL>, or "
                            "--out-google new")
    sheet = spreadsheet_id(out) if out is not None and not out.lower().endswith(".xlsx") else None
    if out is not None and sheet is None:
        if Path(out).suffix.lower() != ".xlsx":
            raise MapsheetError(f"--out {out}: the roll-up is an .xlsx workbook or a Google Sheet; name it e.g. "
                                "rollup.xlsx, or give the Sheet's URL")
        return Path(out), history
    from ..sync.gsheet import GoogleRollup
    if out_google is not None:
        if out_google.strip().lower() != "new":
            raise MapsheetError(f"--out-google {out_google}: say --out-google new (an existing Sheet goes in --out)")
        target = GoogleRollup.create(google(), "MAP roll-up", folder)
        say("Created the roll-up Google Sheet {}: pass it to --out next time", target.link, wrap=False)
    else:
        target = GoogleRollup(google(), sheet)
    return target, history or Path(f"rollup-{target.spreadsheet}.history.sqlite")


class _progress:
    """A Rich progress bar on stderr while plans are read; silent when quiet or not on a terminal."""

    def __init__(self, quiet: bool):
        self.bar, self.task = None, None
        if not quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("Reading plans"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=rich_console(err=True), transient=True)

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
            if report.google is not None:
                say("  {} cells in {} batchUpdate requests", f"{report.google.cells:,}", report.google.requests)
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
