"""Commands that make plans: ``new``, ``demo`` and ``template build``."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path
from ..safeio import ensure_not_open
from ..template.spec import CURRENCY, STAGE
from ._app import DEMO_STAGES, add_group, command
from ._console import cell, grid, rich_console, say, show
from ._options import CREDENTIALS, TODAY, google_client, parse_date, pin_clock, today_or
from ._parser import argument, option

add_group("template", "The standard plan template.")

DEFAULT_DEMO_FOLDER = Path("mapsheet-demo")
FORCE = option("--force", flag=True, help="Replace an existing file.")


@command(
    option("--customer", "-c", metavar="NAME", required=True, help="The buying organisation."),
    option("--close", metavar="YYYY-MM-DD", required=True, help="Target close (signature) date."),
    option("--owner", "-o", metavar="NAME", required=True, help="The seller who owns the plan."),
    option("--deal", "-d", metavar="NAME", help="Deal name (default: the customer's name)."),
    option("--value", metavar="AMOUNT", type=float, help="Expected contract value."),
    option("--currency", metavar="CODE", help=f"One of {', '.join(CURRENCY)}."),
    option("--stage", metavar="STAGE", help=f"One of {', '.join(STAGE)}."),
    option("--champion", metavar="NAME", help="The customer's champion."),
    option("--economic-buyer", metavar="NAME", help="Who signs off the budget."),
    option("--go-live", metavar="YYYY-MM-DD", help="Planned go-live date."),
    option("--goals", metavar="TEXT", help="The customer's goals, in their words."),
    option("--start", metavar="YYYY-MM-DD", help="Plan start (default: today)."),
    option("--out", metavar="FILE", type=Path, help="Where to write the plan (default: 'CUSTOMER - DEAL MAP.xlsx')."),
    option("--template", metavar="FILE", type=Path, help="A customised template to start from."),
    FORCE,
    option("--google", flag=True, help="Create the plan as a Google Sheet in Drive instead of a file."),
    option("--folder", metavar="ID", help="With --google: the Drive folder (or Shared Drive folder) to create it in."),
    option("--template-id", metavar="ID", help="With --google: copy this Google Sheet (a team's own template) "
           "instead of the standard one."),
    CREDENTIALS,
)
def new(customer: str, close: str, owner: str, deal: str | None, value: float | None, currency: str | None,
        stage: str | None, champion: str | None, economic_buyer: str | None, go_live: str | None, goals: str | None,
        start: str | None, out: Path | None, template: Path | None, force: bool, google: bool, folder: str | None,
        template_id: str | None, credentials: Path | None, obj=None) -> None:
    """Create a plan for a deal from the template, milestones scheduled back from the close date."""
    # Imported here: openpyxl costs every other command a sixth of a second at start-up.
    from ..fill import write_plan
    from ..template.spec import match_choice
    from ..workback import new_plan_draft

    close_date = parse_date(close, "--close")
    start_date = parse_date(start, "--start") or today_or(None)
    if close_date <= start_date:
        raise _usage(f"--close {close_date} must be after the plan start {start_date}")
    for flag, text, choices in (("--currency", currency, CURRENCY), ("--stage", stage, STAGE)):
        if text is not None and match_choice(text, choices) is None:
            raise _usage(f"{flag}: '{text}' is not one of {', '.join(choices)}")
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
        _new_in_google(obj, draft, target.stem, folder, template_id, template, credentials)
        return
    if target.exists() and not force:
        raise _usage(f"{target} already exists; choose another --out or pass --force")
    if target.exists():
        ensure_not_open(target, hint=" or write to another --out")
    write_plan(draft, target, template)
    _say_created(str(target), draft, _quote(target))


def _new_in_google(obj, draft, title: str, folder, template_id, template, credentials) -> None:
    from ..google.create import create_plan
    from ..google.ids import sheet_url, spreadsheet_id

    if template_id is not None:
        template_id = spreadsheet_id(template_id) or template_id
    sid = create_plan(google_client(credentials, obj), draft, title=title, folder=folder, template_id=template_id,
                      template=template)
    _say_created(sheet_url(sid), draft, sheet_url(sid))


def _say_created(where: str, draft, check_arg: str) -> None:
    milestones = draft.tables["milestones"]
    say("[green]Created[/] {}", where)
    say(f"  {len(milestones)} milestones from {milestones[0]['due']:%d %b %Y} to "
        f"{milestones[-1]['due']:%d %b %Y}, signature on {draft.overview['close_date']:%d %b %Y}.")
    say("  Next: fill in the customer's goals, actions and stakeholders with your champion, then run:")
    say("    [bold]{}[/]", f"{mapsheet_command()} check {check_arg}", wrap=False)


@command(
    argument("sheet", type=Path, help="A MAP sheet made elsewhere: .xlsx, .xlsm or a .csv export."),
    option("--out", metavar="FILE", type=Path, help="Where to write the plan (default: 'SHEET (mapsheet).xlsx')."),
    FORCE,
    name="import",
)
def import_(sheet: Path, out: Path | None, force: bool) -> None:
    """Convert a MAP sheet in another layout into the standard template, keeping every value, and say how."""
    from ..importer import import_file

    target = out or sheet.with_name(f"{sheet.stem} (mapsheet).xlsx")
    written, imported = import_file(sheet, target, force=force)
    for line in imported.lines:
        say("{}", line)
    say("[green]Imported[/] {} -> {}", sheet, written)
    say("  Next (every check of the template applies), run:")
    say("    [bold]{}[/]", f"{mapsheet_command()} check {_quote(written)}", wrap=False)


@command(
    option("--out", metavar="DIR", type=Path, default=DEFAULT_DEMO_FOLDER,
           help="Folder for the sample plans and results."),
    option("--count", metavar="N", type=int, default=25, low=1, high=5000, help="How many sample plans."),
    option("--seed", metavar="N", type=int, default=7, help="Random seed: the same seed gives the same plans."),
    TODAY,
)
def demo(out: Path, count: int, seed: int, today: str | None) -> None:
    """Write realistic sample deal plans, check them and sync them into a roll-up (no accounts needed)."""
    from ..samples import write_samples

    reference = today_or(today)
    plans_dir = out / "plans"
    with rich_console().status(f"Writing {count} sample plans..."):
        written = write_samples(plans_dir, count, seed=seed, today=reference)
    say("[green]Wrote[/] {} sample plans to {}", len(written), f"{plans_dir}/")
    for stage in (_check_and_annotate, *DEMO_STAGES):
        stage(plans_dir, out, reference)
    _print_where(out, plans_dir, written[0][1] if written else None, reference)


def _print_where(out: Path, plans_dir: Path, example: Path | None, reference) -> None:
    """The demo's last word: what it left where, and what to try next."""
    from rich.text import Text

    from ..sync.history import default_history_path

    show()
    say("[bold]Where everything is[/]")
    where = grid("", gap=2)
    for path, what in ((plans_dir, "the sample plans, each annotated (a 'Plan check' tab first)"),
                       (out / "rollup.xlsx", "the manager's roll-up of all of them"),
                       (default_history_path(out / "rollup.xlsx"), "the sync history (close-date pushes, score moves)")):
        if path.exists():
            where.add_row(cell(f"  {path}"), Text(what, style="dim"))
    show(where)
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
    for path in track(paths, description="Checking and annotating...", console=rich_console(), transient=True):
        result = pin_clock(api.check(path, today=reference), reference.isoformat())
        api.annotate_file(path, result)
        documents.append(result_dict(result, str(path)))
    print_summary(documents)
    say("[green]Checked and annotated[/] {} plans in {} (open one: the 'Plan check' tab comes first; "
        "`mapsheet clean` removes the marks)", len(paths), f"{plans_dir}/")


@command(argument("out", type=Path, nargs="?", default=Path("templates/mutual-action-plan.xlsx"),
                  help="Where to write the template."), name="build", group="template")
def template_build(out: Path) -> None:
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
