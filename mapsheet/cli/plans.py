"""Commands that make plans: ``new``, ``demo`` and ``template build``."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from ..safeio import ensure_not_open
from ..template.spec import CURRENCY, STAGE
from ._app import CONTEXT, DEMO_STAGES, app, friendly_errors
from ._console import cell, console, grid, say
from ._options import CredentialsOption, TodayOption, google_client, parse_date, pin_clock, today_or

template_app = typer.Typer(help="The standard plan template.", no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(template_app, name="template")

DEFAULT_DEMO_FOLDER = Path("mapsheet-demo")


@app.command()
@friendly_errors
def new(
    ctx: typer.Context,
    customer: str = typer.Option(..., "--customer", "-c", help="The buying organisation."),
    close: str = typer.Option(..., "--close", metavar="YYYY-MM-DD", help="Target close (signature) date."),
    owner: str = typer.Option(..., "--owner", "-o", help="The seller who owns the plan."),
    deal: Optional[str] = typer.Option(None, "--deal", "-d", help="Deal name (default: the customer's name)."),
    value: Optional[float] = typer.Option(None, "--value", help="Expected contract value."),
    currency: Optional[str] = typer.Option(None, "--currency", help=f"One of {', '.join(CURRENCY)}."),
    stage: Optional[str] = typer.Option(None, "--stage", help=f"One of {', '.join(STAGE)}."),
    champion: Optional[str] = typer.Option(None, "--champion", help="The customer's champion."),
    economic_buyer: Optional[str] = typer.Option(None, "--economic-buyer", help="Who signs off the budget."),
    go_live: Optional[str] = typer.Option(None, "--go-live", metavar="YYYY-MM-DD", help="Planned go-live date."),
    goals: Optional[str] = typer.Option(None, "--goals", help="The customer's goals, in their words."),
    start: Optional[str] = typer.Option(None, "--start", metavar="YYYY-MM-DD", help="Plan start (default: today)."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE",
                                       help="Where to write the plan (default: 'CUSTOMER - DEAL MAP.xlsx')."),
    template: Optional[Path] = typer.Option(None, "--template", help="A customised template to start from."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
    google: bool = typer.Option(False, "--google", help="Create the plan as a Google Sheet in Drive instead of a file."),
    folder: Optional[str] = typer.Option(None, "--folder", metavar="ID", help="With --google: the Drive folder "
                                         "(or Shared Drive folder) to create it in."),
    template_id: Optional[str] = typer.Option(None, "--template-id", metavar="ID", help="With --google: copy "
                                              "this Google Sheet (a team's own template) instead of the standard one."),
    credentials: Optional[Path] = CredentialsOption,
) -> None:
    """Create a plan for a deal from the template, milestones scheduled back from the close date."""
    # Imported here: openpyxl costs every other command a sixth of a second at start-up.
    from ..fill import write_plan
    from ..template.spec import match_choice
    from ..workback import new_plan_draft

    close_date = parse_date(close, "--close")
    start_date = parse_date(start, "--start") or today_or(None)
    if close_date <= start_date:
        raise _usage(f"--close {close_date} must be after the plan start {start_date}")
    for option, text, choices in (("--currency", currency, CURRENCY), ("--stage", stage, STAGE)):
        if text is not None and match_choice(text, choices) is None:
            raise _usage(f"{option}: '{text}' is not one of {', '.join(choices)}")
    deal_name = deal or customer
    target = out or Path(_safe_filename(f"{customer} - {deal_name} MAP.xlsx" if deal else f"{customer} MAP.xlsx"))
    if (folder or template_id) and not google:
        raise _usage("--folder and --template-id go with --google")
    draft = new_plan_draft(
        customer=customer, deal=deal_name, owner=owner, close=close_date, start=start_date, value=value,
        currency=match_choice(currency, CURRENCY) if currency else None,
        stage=match_choice(stage, STAGE) if stage else None, champion=champion, economic_buyer=economic_buyer,
        go_live=parse_date(go_live, "--go-live"), goals=goals)
    if google:
        _new_in_google(ctx, draft, target.stem, folder, template_id, template, credentials)
        return
    if target.exists() and not force:
        raise _usage(f"{target} already exists; choose another --out or pass --force")
    if target.exists():
        ensure_not_open(target, hint=" or write to another --out")
    write_plan(draft, target, template)
    _say_created(str(target), draft, _quote(target))


def _new_in_google(ctx, draft, title: str, folder, template_id, template, credentials) -> None:
    from ..google.create import create_plan
    from ..google.ids import sheet_url, spreadsheet_id

    if template_id is not None:
        template_id = spreadsheet_id(template_id) or template_id
    sid = create_plan(google_client(credentials, ctx), draft, title=title, folder=folder, template_id=template_id,
                      template=template)
    _say_created(sheet_url(sid), draft, sheet_url(sid))


def _say_created(where: str, draft, check_arg: str) -> None:
    milestones = draft.tables["milestones"]
    say("[green]Created[/] {}", where)
    say(f"  {len(milestones)} milestones from {milestones[0]['due']:%d %b %Y} to "
        f"{milestones[-1]['due']:%d %b %Y}, signature on {draft.overview['close_date']:%d %b %Y}.")
    say("  Next: fill in the customer's goals, actions and stakeholders with your champion, then run:")
    say("    [bold]{}[/]", f"{mapsheet_command()} check {check_arg}", wrap=False)


@app.command("import")
@friendly_errors
def import_(
    sheet: Path = typer.Argument(..., help="A MAP sheet made elsewhere: .xlsx, .xlsm or a .csv export."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE",
                                       help="Where to write the plan (default: 'SHEET (mapsheet).xlsx')."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Convert a MAP sheet in another layout into the standard template, keeping every value, and say how."""
    from ..importer import import_file

    target = out or sheet.with_name(f"{sheet.stem} (mapsheet).xlsx")
    written, imported = import_file(sheet, target, force=force)
    for line in imported.lines:
        say("{}", line)
    say("[green]Imported[/] {} -> {}", sheet, written)
    say("  Next (every check of the template applies), run:")
    say("    [bold]{}[/]", f"{mapsheet_command()} check {_quote(written)}", wrap=False)


@app.command()
@friendly_errors
def demo(
    out: Path = typer.Option(DEFAULT_DEMO_FOLDER, "--out", help="Folder for the sample plans and results."),
    count: int = typer.Option(25, "--count", min=1, max=5000, help="How many sample plans."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed gives the same plans."),
    today: Optional[str] = TodayOption,
) -> None:
    """Write realistic sample deal plans, check them and sync them into a roll-up (no accounts needed)."""
    from ..samples import write_samples

    reference = today_or(today)
    plans_dir = out / "plans"
    with console.status(f"Writing {count} sample plans..."):
        written = write_samples(plans_dir, count, seed=seed, today=reference)
    say("[green]Wrote[/] {} sample plans to {}", len(written), f"{plans_dir}/")
    for stage in (_check_and_annotate, *DEMO_STAGES):
        stage(plans_dir, out, reference)
    _print_where(out, plans_dir, written[0][1] if written else None, reference)


def _print_where(out: Path, plans_dir: Path, example: Path | None, reference) -> None:
    """The demo's last word: what it left where, and what to try next."""
    from ..sync.history import default_history_path

    console.print()
    say("[bold]Where everything is[/]")
    where = grid("", gap=2)
    for path, what in ((plans_dir, "the sample plans, each annotated (a 'Plan check' tab first)"),
                       (out / "rollup.xlsx", "the manager's roll-up of all of them"),
                       (default_history_path(out / "rollup.xlsx"), "the sync history (close-date pushes, score moves)")):
        if path.exists():
            where.add_row(cell(f"  {path}"), Text(what, style="dim"))
    console.print(where)
    if example is not None:
        day = reference.isoformat()
        command = mapsheet_command()
        if command != "mapsheet":
            activate = Path(sys.argv[0]).parent / ("activate.bat" if os.name == "nt" else "activate")
            if activate.exists():
                say("[dim]mapsheet is not on your PATH; to type just `mapsheet`, first run:[/]")
                say("  {}", ("" if os.name == "nt" else "source ") + _quote(_here(activate)), wrap=False)
        say("[bold]Try next[/] (one command a line, to copy and paste):")
        for line in (f"{command} check {_quote(example)} --today {day}",
                     f"{command} sync {_quote(plans_dir)} --out {_quote(out / 'rollup.xlsx')} --today {day}",
                     f"{command} rules"):
            say("  {}", line, wrap=False)


def _check_and_annotate(plans_dir: Path, out: Path, reference) -> None:
    """Demo stage: check every sample plan and write the result into it (notes, colours, Plan check)."""
    from rich.progress import track

    from .. import api
    from ..report import result_dict
    from .check import print_summary

    documents = []
    paths = sorted(plans_dir.glob("*.xlsx"))
    for path in track(paths, description="Checking and annotating...", console=console, transient=True):
        result = pin_clock(api.check(path, today=reference), reference.isoformat())
        api.annotate_file(path, result)
        documents.append(result_dict(result, str(path)))
    print_summary(documents)
    say("[green]Checked and annotated[/] {} plans in {} (open one: the 'Plan check' tab comes first; "
        "`mapsheet clean` removes the marks)", len(paths), f"{plans_dir}/")


@template_app.command("build")
@friendly_errors
def template_build(
    out: Path = typer.Argument(Path("templates/mutual-action-plan.xlsx"), help="Where to write the template."),
) -> None:
    """Regenerate the standard plan template from its description (templates/mutual-action-plan.xlsx)."""
    from ..template.build import write_template

    write_template(out)
    say("[green]Wrote[/] {}", out)


def _usage(message: str) -> Exception:
    from ..errors import MapsheetError

    return MapsheetError(message)


def _safe_filename(name: str) -> str:
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name)


def _quote(path: Path | str) -> str:
    """``path`` as one shell word to copy and paste (single-quoted on macOS/Linux, double on Windows)."""
    text = str(path)
    if re.fullmatch(r"[\w./\\:@%+=,-]+", text):
        return text
    return f'"{text}"' if os.name == "nt" else shlex.quote(text)


def mapsheet_command() -> str:
    """How the user runs mapsheet again from where they stand: ``mapsheet`` when that is on PATH and is this
    installation, else this environment's script as a path (after ``./dev demo``: ``.venv/bin/mapsheet``)."""
    found = shutil.which("mapsheet")
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.stem != "mapsheet":  # python -m mapsheet, or mapsheet called from Python
        return "mapsheet" if found else f"{_quote(sys.executable)} -m mapsheet"
    if found and Path(found).resolve() == script.resolve():
        return "mapsheet"
    return _quote(_here(script))


def _here(path: Path) -> Path:
    """``path`` relative to the current folder when it is below it (shorter to copy), else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path.resolve()
