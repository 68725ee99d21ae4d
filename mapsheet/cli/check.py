"""``mapsheet check`` and ``mapsheet rules``: the judgement of a plan, in a terminal or as JSON."""

from __future__ import annotations

import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from .. import api
from ..config import Config, load_config
from ..errors import MapsheetError, display_path
from ..gate import NEVER, Gate
from ..report import document, error_dict, result_dict
from ..rules import Severity, all_rules, find_rule
from ..rules.base import Band, Family
from ..sources import PlanRef, open_sources
from ..verdict import State, dimension_of, understood_line
from ._app import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, command
from ._console import cell, echo_json, error, grid, plain, rich_console, safe, say, show, warn
from ._options import CREDENTIALS, TODAY, google_opener, pin_clock, today_or
from ._parser import argument, option

#: What --format and --fail-on take.
FORMATS = ("human", "json")
FAIL_ON = (*(s.value for s in Severity), NEVER)

SEVERITY_STYLE = {Severity.ERROR: ("✖", "bold red"), Severity.WARNING: ("▲", "yellow"), Severity.INFO: ("●", "blue")}
#: Findings listed per family in a terminal: past this a list helps nobody, and printing 20,000 takes minutes.
MAX_SHOWN = 100
STATE_STYLE = {State.OK: "green", State.WEAK: "yellow", State.FAILING: "bold red", State.NOT_READ: "bold magenta"}
BAND_STYLE = {Band.ON_TRACK: "bold green", Band.AT_RISK: "bold yellow", Band.OFF_TRACK: "bold red",
              Band.NOT_CHECKABLE: "bold magenta"}


@command(
    argument("plans", metavar="PLAN", nargs="+", help="Plan workbooks (.xlsx/.xlsm), folders, glob patterns, "
             "Google Sheet URLs/ids, or @list.txt files naming one per line."),
    option("--format", "-f", metavar="FORMAT", choices=FORMATS, default="human",
           help="human (default) or json (schema mapsheet.check/1)."),
    TODAY,
    option("--config", metavar="FILE", type=Path, help="A mapsheet.toml or pyproject.toml to use (default: found "
           "beside the plan or in a parent folder)."),
    option("--select", metavar="RULES", help="Only these rules: codes, prefixes or names, comma-separated."),
    option("--ignore", metavar="RULES", help="Skip these rules: codes, prefixes or names, comma-separated."),
    option("--fail-under", metavar="SCORE", type=int, low=0, high=100,
           help="Exit 1 when a plan scores under this (0-100)."),
    option("--fail-on", metavar="LEVEL", choices=FAIL_ON, default=Severity.ERROR.value, help="Exit 1 when a "
           "finding at or above this severity remains: error (default), warning, info or never."),
    option("--quiet", "-q", flag=True, help="For gates and cron: only the plans that fail (and why), unreadable "
           "plans, and one summary line."),
    option("--annotate", flag=True, help="Write notes, colours and a 'Plan check' sheet into the plan."),
    option("--output", "-o", metavar="FILE", type=Path, help="With one plan: write the annotated copy here "
           "instead of changing the plan."),
    CREDENTIALS,
)
def check(plans: list[str], format: str, today: str | None, config: Path | None, select: str | None,
          ignore: str | None, fail_under: int | None, fail_on: str, quiet: bool, annotate: bool,
          output: Path | None, credentials: Path | None, obj=None) -> int:
    """Check plans: score, grade, health band and what to fix, grouped by family."""
    reference = today_or(today)
    documents, exit_code, sources, seen = [], EXIT_OK, [], set()
    for arg in plans:  # an argument that names nothing is that argument's error, not the end of the run
        try:
            opened = open_sources([arg], google=google_opener(credentials, obj))
        except MapsheetError as exc:
            if format != "json":
                raise
            exit_code = EXIT_ERROR
            documents.append(error_dict(display_path(arg), str(exc)))
            continue
        sources += [s for s in opened if s.ref.key not in seen]
        seen.update(s.ref.key for s in opened)
    if output is not None and len(sources) != 1:
        raise MapsheetError("--output takes exactly one plan")
    fixed_config = load_config(config) if config else None
    gate = Gate(fail_under, fail_on)
    human = format == "human"
    failures = []
    for source in sources:
        ref = source.ref
        try:
            cfg = _with_overrides(source.config(fixed_config), select, ignore)
            result = pin_clock(api.check(source, today=reference, config=cfg), today)
            if annotate or output is not None:
                _annotate(source, result, output, quiet or not human)
        except MapsheetError as exc:
            exit_code = EXIT_ERROR
            message = _naming(ref, exc)
            documents.append(error_dict(display_path(ref.link), message))
            if human:
                error(message)
            continue
        documents.append(result_dict(result, display_path(ref.link)))
        reasons = gate.reasons(result)
        if reasons:
            failures.append((ref.link, result, reasons))
            exit_code = exit_code or EXIT_FINDINGS
        if human and not quiet:
            print_result(result, source.ref)  # a Sheet's title is known once it has been read
    if not human:
        echo_json(document(documents, reference))
        return exit_code
    if len(sources) > 1 and not quiet:
        print_summary(documents)
    print_gate(failures, gate)
    say(summary_line(documents, failures, gate))
    return exit_code


def summary_line(documents: list[dict], failures: list, gate: Gate) -> str:
    """The last line of every check: how many plans, passed, failed the bar, could not be read."""
    unreadable = sum(1 for d in documents if d.get("error"))
    checked = len(documents) - unreadable
    parts = [f"{checked - len(failures)} passed"]
    if failures:
        parts.append(f"[bold red]{len(failures)} failed[/] ({safe(gate.describe())})")
    if unreadable:
        parts.append(f"[bold red]{unreadable} could not be read[/]")
    return f"{_plans(len(documents))} checked: " + ", ".join(parts)


def _plans(n: int) -> str:
    return f"{n:,} plan{'s' if n != 1 else ''}"


def print_gate(failures: list, gate: Gate) -> None:
    """Which plans fell under the bar, and the finding or score that put each there."""
    if not failures:
        return
    say("[bold red]Failed[/] ({}):", gate.describe())
    rows = grid("bold red")
    for path, result, reasons in failures:
        rows.add_row("  ✖", cell(path, "bold"))
        for reason in reasons:
            rows.add_row("", cell(reason))
    show(rows)


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


def _naming(ref: PlanRef, exc: Exception) -> str:
    """The error as said for one plan: it names the plan, whatever it is about (a broken mapsheet.toml
    beside it names only the settings file)."""
    name = display_path(ref.link)
    return str(exc) if name in str(exc) else f"{name}: {exc}"


def _annotate(source, result, output: Path | None, quiet: bool) -> None:
    with _said_warnings():
        target = api.annotate(source, result, output=output)
    if not quiet:
        say("[green]Annotated[/] {}", display_path(target))


@contextmanager
def _said_warnings():
    """What a backend could not do as asked about mapsheet's own marks, as one warning line each."""
    from ..backends.xlsx_write import MarkWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MarkWarning)
        yield
    for w in caught:
        if issubclass(w.category, MarkWarning):
            warn(w.message)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


# -- human output ---------------------------------------------------------------------------------------

def print_result(result, ref: PlanRef) -> None:
    from rich.table import Table
    from rich.text import Text

    console = rich_console()
    score = result.score
    plan = result.plan
    title = plan.deal or ref.name
    console.rule(cell(title, "bold"), align="left")
    say("[dim]{}[/]", ref.link)
    head = Text()
    head.append(f"Score {score.total}/100", style="bold")
    head.append(f"   Grade {score.grade}   ")
    head.append(score.band.value, style=BAND_STYLE[score.band])
    console.print(head)
    if score.band_reasons:
        why = grid("dim")  # a long reason wraps under itself, not under "why:"
        for reason in score.band_reasons:
            why.add_row("  why:", cell(reason))
        console.print(why)
    say("  [dim]{}[/]", understood_line(result.understood))
    states = Text("  ")
    for d in score.dimensions:
        states.append(f"{d.dimension.title}: ", style="dim")
        states.append(d.state.value, style=STATE_STYLE[d.state])
        states.append("   ")
    console.print(states)
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
        rows = grid("", "", "cyan")  # long messages wrap under themselves, not under the severity column
        for f in findings[:MAX_SHOWN]:
            icon, style = SEVERITY_STYLE[f.severity]
            rows.add_row(Text(f"  {icon} {f.severity.value:<7}", style=style), Text(f.code, style="bold"),
                         cell(f.location), cell(f.message))
        console.print(rows)
        if len(findings) > MAX_SHOWN:
            say(f"  [dim]… and {len(findings) - MAX_SHOWN:,} more: every finding is in --format json and on the "
                "Plan check sheet (--annotate)[/]")
    if result.suppressed:
        say("[dim]{} finding(s) suppressed on purpose from the sheet.[/]", len(result.suppressed))
    if not result.findings:
        say("[green]No findings: this plan follows every check.[/]")
    console.print()


def print_summary(documents: list[dict]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Summary", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("plan", no_wrap=True, overflow="ellipsis", max_width=32)
    for col in ("score", "grade", "band", "errors", "warnings"):
        table.add_column(col, justify="left" if col in ("grade", "band") else "right", no_wrap=True,
                         min_width=len(col))
    for d in documents:
        name = d.get("deal") or Path(d["file"]).stem
        if d.get("error"):
            shown = d["file"] if "://" in d["file"] else Path(d["file"]).name
            table.add_row(cell(shown), "-", "-", Text("unreadable", style="bold red"), "-", "-")
        else:
            band = Band(d["band"])
            table.add_row(cell(name), str(d["score"]), d["grade"], Text(d["band"], style=BAND_STYLE[band]),
                          str(d["counts"]["error"]), str(d["counts"]["warning"]))
    show(table)


# -- rules ------------------------------------------------------------------------------------------------

@command(argument("code", metavar="CODE", nargs="?", help="A rule's code or name: show its documentation."))
def rules(code: str | None) -> None:
    """List every rule, or show one rule's documentation."""
    if code is None:
        print_rule_list()
        return
    r = find_rule(code)
    if r is None:
        raise MapsheetError(f"no rule '{code}'; `mapsheet rules` lists them all")
    say(f"[bold]{r.code} {r.name}[/]  ({r.family.title}, default severity {r.severity.value}; "
        "feeds the verdict's dimension: {})", _feeds(r))
    say("{}", r.summary)
    from rich.padding import Padding

    for heading, text in (("Why", r.doc.why), ("Bad", r.doc.bad), ("Good", r.doc.good), ("Fix", r.doc.fix)):
        show()
        say(f"[bold]{heading}[/]")
        show(Padding(cell(text), (0, 0, 0, 2)))
    if r.settings:
        defaults = Config.default().thresholds
        say("\n[bold]Settings[/] (\\[thresholds] in mapsheet.toml)")
        for key in r.settings:
            say("  {} = {}", key, repr(defaults[key]))
    say(f"\n[dim]Silence it for one plan: put {r.code} in 'Ignore checks' on the Overview tab; for one row: "
        f"write 'mapsheet: ignore {r.code}' in the row's Notes.[/]")


def print_rule_list() -> None:
    """Every rule by family, two lines each (code, severity and name; then the summary, wrapped under the
    name), so that nothing is cut at 80 columns."""
    from rich.text import Text

    by_family: dict[Family, list] = {f: [] for f in Family}
    for r in all_rules().values():
        by_family[r.family].append(r)
    for family, members in by_family.items():
        if not members:
            continue
        feeds = Counter(_feeds(r) for r in members).most_common(1)[0][0]
        head = Text(f"{family.title} ({len(members)})", style="bold")
        head.append(f"  feeds: {feeds}", style="dim")
        show(head)
        rows = grid("", "")
        for r in members:
            icon, style = SEVERITY_STYLE[r.severity]
            text = Text(r.name, style="bold")
            text.append("\n" + plain(r.summary), style="")
            if _feeds(r) != feeds:
                text.append(f" (feeds: {_feeds(r)})", style="dim")
            rows.add_row(Text(f"  {r.code}"), Text(f"{icon} {r.severity.value:<7}", style=style), text)
        show(rows)
    say("[dim]{} rules. `mapsheet rules CODE` explains one.[/]", len(all_rules()))
    say("[dim]feeds: the verdict's dimension a rule's findings count against.[/]")


def _feeds(r) -> str:
    d = dimension_of(r.code, r.family)
    return d.title if d else "(none: blinds)"


@command(
    argument("plans", metavar="PLAN", nargs="+", help="Plan workbooks, folders, glob patterns, Google Sheet "
             "URLs/ids or @list.txt files."),
    option("--output", "-o", metavar="FILE", type=Path, help="With one plan: write the cleaned copy here."),
    CREDENTIALS,
)
def clean(plans: list[str], output: Path | None, credentials: Path | None, obj=None) -> int:
    """Remove every mark mapsheet wrote: notes, colours and the Plan check sheet. Your own values, notes and
    colours are restored exactly."""
    sources = open_sources(plans, google=google_opener(credentials, obj))
    if output is not None and len(sources) != 1:
        raise MapsheetError("--output takes exactly one plan")
    cleaned = untouched = failed = 0
    for source in sources:
        try:
            with _said_warnings():
                target, changed = api.clean(source, output=output)
        except MapsheetError as exc:
            error(exc)
            failed += 1
            continue
        if changed:
            cleaned += 1
            say("[green]Cleaned[/] {}", display_path(target))
        else:
            untouched += 1
            say("[dim]Nothing to clean in {}[/]", display_path(source.ref.link))
    if len(sources) > 1:
        parts = [f"{cleaned} cleaned", f"{untouched} had no marks"]
        if failed:
            parts.append(f"[bold red]{failed} could not be cleaned[/]")
        say(f"{_plans(len(sources))}: " + ", ".join(parts))
    return EXIT_ERROR if failed else EXIT_OK
