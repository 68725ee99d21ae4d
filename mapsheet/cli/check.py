"""``mapsheet check`` and ``mapsheet rules``: the judgement of a plan, in a terminal or as JSON."""

from __future__ import annotations

import json
import warnings
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .. import api
from ..config import Config, load_config
from ..errors import MapsheetError, display_path
from ..report import document, error_dict, result_dict
from ..rules import Severity, all_rules, find_rule
from ..rules.base import Band, Family
from ..sources import PlanRef, open_sources
from ._app import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, app, console, err_console, friendly_errors
from ._options import CredentialsOption, TodayOption, google_opener, today_or


class Format(str, Enum):
    human = "human"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


SEVERITY_STYLE = {Severity.ERROR: ("✖", "bold red"), Severity.WARNING: ("▲", "yellow"), Severity.INFO: ("●", "blue")}
#: Findings listed per family in a terminal: past this a list helps nobody, and printing 20,000 takes minutes.
MAX_SHOWN = 100
BAND_STYLE = {Band.ON_TRACK: "bold green", Band.AT_RISK: "bold yellow", Band.OFF_TRACK: "bold red"}


@app.command()
@friendly_errors
def check(
    ctx: typer.Context,
    plans: List[str] = typer.Argument(..., help="Plan workbooks (.xlsx/.xlsm), folders, glob patterns or Google "
                                      "Sheet URLs/ids, mixed."),
    format: Format = typer.Option(Format.human, "--format", "-f", help="human (default) or json (schema mapsheet.check/1)."),
    today: Optional[str] = TodayOption,
    config: Optional[Path] = typer.Option(None, "--config", help="A mapsheet.toml or pyproject.toml to use "
                                          "(default: found beside the plan or in a parent folder)."),
    select: Optional[str] = typer.Option(None, "--select", help="Only these rules: codes, prefixes or names, comma-separated."),
    ignore: Optional[str] = typer.Option(None, "--ignore", help="Skip these rules: codes, prefixes or names, comma-separated."),
    fail_under: Optional[int] = typer.Option(None, "--fail-under", min=0, max=100, help="Exit 1 when a plan scores under this."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Exit 1 when a finding at or above this severity remains."),
    annotate: bool = typer.Option(False, "--annotate", help="Write notes, colours and a 'Plan check' sheet into the plan."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="With one plan: write the annotated copy here "
                                          "instead of changing the plan."),
    credentials: Optional[Path] = CredentialsOption,
) -> None:
    """Check plans: score, grade, health band and what to fix, grouped by family."""
    reference = today_or(today)
    documents, exit_code, sources, seen = [], EXIT_OK, [], set()
    for arg in plans:  # an argument that names nothing is that argument's error, not the end of the run
        try:
            opened = open_sources([arg], google=google_opener(credentials, ctx))
        except MapsheetError as exc:
            if format is not Format.json:
                raise
            exit_code = EXIT_ERROR
            documents.append(error_dict(display_path(arg), str(exc)))
            continue
        sources += [s for s in opened if s.ref.key not in seen]
        seen.update(s.ref.key for s in opened)
    if output is not None and len(sources) != 1:
        raise MapsheetError("--output takes exactly one plan")
    fixed_config = load_config(config) if config else None
    for source in sources:
        ref = source.ref
        try:
            cfg = _with_overrides(source.config(fixed_config), select, ignore)
            result = api.check(source, today=reference, config=cfg)
            if annotate or output is not None:
                _annotate(source, result, output)
        except MapsheetError as exc:
            exit_code = EXIT_ERROR
            documents.append(error_dict(display_path(ref.link), str(exc)))
            if format is Format.human:
                err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            continue
        documents.append(result_dict(result, display_path(ref.link)))
        if _fails(result, fail_under, fail_on) and exit_code == EXIT_OK:
            exit_code = EXIT_FINDINGS
        if format is Format.human:
            print_result(result, ref)
    if format is Format.json:
        typer.echo(json.dumps(document(documents, reference), indent=2, ensure_ascii=False))
    elif len(sources) > 1:
        print_summary(documents)
    raise typer.Exit(exit_code)


def _with_overrides(config: Config, select: str | None, ignore: str | None) -> Config:
    if not select and not ignore:
        return config
    from ..config import build_config

    overrides = dict(config.raw)
    if select:
        overrides["select"] = [s.strip() for s in select.split(",") if s.strip()]
    if ignore:
        overrides["ignore"] = [*overrides.get("ignore", []), *(s.strip() for s in ignore.split(",") if s.strip())]
    return build_config(overrides, config.source + " + command line")


def _fails(result, fail_under: int | None, fail_on: FailOn) -> bool:
    if fail_under is not None and result.score.total < fail_under:
        return True
    if fail_on is FailOn.never:
        return False
    bar = Severity(fail_on.value).rank
    return any(f.severity.rank >= bar for f in result.findings)


def _annotate(source, result, output: Path | None) -> None:
    with _said_warnings():
        target = api.annotate(source, result, output=output)
    console.print(f"[green]Annotated[/] {escape(display_path(target))}")


@contextmanager
def _said_warnings():
    """What a backend could not do as asked about mapsheet's own marks, as one yellow line each."""
    from ..backends.xlsx_write import MarkWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MarkWarning)
        yield
    for w in caught:
        if issubclass(w.category, MarkWarning):
            err_console.print(f"[yellow]warning:[/] {escape(str(w.message))}", soft_wrap=True)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


# -- human output ---------------------------------------------------------------------------------------

def print_result(result, ref: PlanRef) -> None:
    score = result.score
    plan = result.plan
    title = plan.deal or ref.name
    console.rule(Text(title, style="bold"), align="left")
    console.print(f"[dim]{escape(ref.link)}[/]")
    head = Text()
    head.append(f"Score {score.total}/100", style="bold")
    head.append(f"   Grade {score.grade}   ")
    head.append(score.band.value, style=BAND_STYLE[score.band])
    console.print(head)
    for reason in score.band_reasons:
        console.print(f"  [dim]why:[/] {escape(reason)}", soft_wrap=True)
    table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
    table.add_column("family")
    table.add_column("score", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("findings", justify="right")
    for fs in score.families:
        if fs.weight == 0:
            continue
        filled = round(fs.share * 10)
        bar = Text("█" * filled, style="green" if fs.share >= 0.8 else "yellow" if fs.share >= 0.5 else "red")
        bar.append("░" * (10 - filled), style="dim")
        table.add_row(fs.family.title, f"{fs.score:.0f}/{fs.weight:.0f}", bar, str(fs.findings or ""))
    console.print(table)
    groups = result.by_family()
    for family in Family:
        findings = groups[family]
        if not findings:
            continue
        console.print(Text(f"{family.title} ({len(findings)})", style="bold"))
        # A grid keeps long messages wrapped under themselves, not under the severity column.
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="cyan")
        grid.add_column(ratio=1)
        for f in findings[:MAX_SHOWN]:
            icon, style = SEVERITY_STYLE[f.severity]
            grid.add_row(Text(f"  {icon} {f.severity.value:<7}", style=style), Text(f.code, style="bold"),
                         str(f.location), f.message)
        console.print(grid)
        if len(findings) > MAX_SHOWN:
            console.print(f"  [dim]… and {len(findings) - MAX_SHOWN:,} more: every finding is in --format json and "
                          "on the Plan check sheet (--annotate)[/]")
    if result.suppressed:
        console.print(f"[dim]{len(result.suppressed)} finding(s) suppressed on purpose from the sheet.[/]")
    if not result.findings:
        console.print("[green]No findings: this plan follows every check.[/]")
    console.print()


def print_summary(documents: list[dict]) -> None:
    table = Table(title="Summary", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("plan", no_wrap=True, overflow="ellipsis", max_width=32)
    for col in ("score", "grade", "band", "errors", "warnings"):
        table.add_column(col, justify="left" if col in ("grade", "band") else "right", no_wrap=True,
                         min_width=len(col))
    for d in documents:
        name = d.get("deal") or Path(d["file"]).stem
        if d.get("error"):
            table.add_row(escape(d["file"] if "://" in d["file"] else Path(d["file"]).name), "-", "-", Text("unreadable", style="bold red"), "-", "-")
        else:
            band = Band(d["band"])
            table.add_row(escape(str(name)), str(d["score"]), d["grade"], Text(d["band"], style=BAND_STYLE[band]),
                          str(d["counts"]["error"]), str(d["counts"]["warning"]))
    console.print(table)


# -- rules ------------------------------------------------------------------------------------------------

@app.command()
@friendly_errors
def rules(code: Optional[str] = typer.Argument(None, help="A rule's code or name: show its documentation.")) -> None:
    """List every rule, or show one rule's documentation."""
    if code is None:
        table = Table(box=None, header_style="dim")
        for col in ("code", "name", "severity", "family", "summary"):
            table.add_column(col)
        for r in all_rules().values():
            icon, style = SEVERITY_STYLE[r.severity]
            table.add_row(r.code, r.name, Text(r.severity.value, style=style), r.family.title, r.summary)
        console.print(table)
        console.print(f"[dim]{len(all_rules())} rules. `mapsheet rules CODE` explains one.[/]")
        return
    r = find_rule(code)
    if r is None:
        raise MapsheetError(f"no rule '{code}'; `mapsheet rules` lists them all")
    console.print(f"[bold]{r.code} {r.name}[/]  ({r.family.title}, default severity {r.severity.value})")
    console.print(escape(r.summary))
    for heading, text in (("Why", r.doc.why), ("Bad", r.doc.bad), ("Good", r.doc.good), ("Fix", r.doc.fix)):
        console.print(f"\n[bold]{heading}[/]\n  {escape(text)}", soft_wrap=True)
    if r.settings:
        defaults = Config.default().thresholds
        console.print("\n[bold]Settings[/] (\\[thresholds] in mapsheet.toml)")
        for key in r.settings:
            console.print(f"  {key} = {defaults[key]!r}")
    console.print(f"\n[dim]Silence it for one plan: put {r.code} in 'Ignore checks' on the Overview tab; for one row: "
                  f"write 'mapsheet: ignore {r.code}' in the row's Notes.[/]")


@app.command()
@friendly_errors
def clean(
    ctx: typer.Context,
    plans: List[str] = typer.Argument(..., help="Plan workbooks, folders, glob patterns or Google Sheet URLs/ids."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="With one plan: write the cleaned copy here."),
    credentials: Optional[Path] = CredentialsOption,
) -> None:
    """Remove every mark mapsheet wrote: notes, colours and the Plan check sheet. Your own values, notes
    and colours are restored exactly."""
    sources = open_sources(plans, google=google_opener(credentials, ctx))
    if output is not None and len(sources) != 1:
        raise MapsheetError("--output takes exactly one plan")
    failed = False
    for source in sources:
        try:
            with _said_warnings():
                target, changed = api.clean(source, output=output)
        except MapsheetError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            failed = True
            continue
        if changed:
            console.print(f"[green]Cleaned[/] {escape(display_path(target))}")
        else:
            console.print(f"[dim]Nothing to clean in {escape(display_path(source.ref.link))}[/]")
    raise typer.Exit(EXIT_ERROR if failed else EXIT_OK)
