"""``mapsheet serve`` (the service behind the Google Sheets button) and ``mapsheet google script`` (the
Apps Script that calls it, made ready for one server)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import MapsheetError
from ._app import app, console, friendly_errors

google_app = typer.Typer(help="Google Sheets: the 'Check plan' button's Apps Script.", no_args_is_help=True)
app.add_typer(google_app, name="google")


def _listed(value: Optional[str]) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").replace(",", " ").split() if part.strip())


@app.command()
@friendly_errors
def serve(
    audience: Optional[str] = typer.Option(
        None, "--audience", envvar="MAPSHEET_AUDIENCE", metavar="CLIENT_IDS",
        help="OAuth client ID(s) the Apps Script's ID tokens are made for (comma-separated); shown by "
             "mapsheet > Set up in the sheet. Required unless a shared key is set."),
    allow: Optional[str] = typer.Option(
        None, "--allow", envvar="MAPSHEET_ALLOW", metavar="EMAILS_OR_DOMAINS",
        help="Who may check plans: e-mail addresses and/or domains (acme.com), comma-separated."),
    host: str = typer.Option("127.0.0.1", "--host", envvar="MAPSHEET_HOST", help="Address to listen on "
                             "(0.0.0.0 in a container)."),
    port: int = typer.Option(8080, "--port", envvar="PORT", help="Port to listen on (Cloud Run sets PORT)."),
    config: Optional[Path] = typer.Option(None, "--config", envvar="MAPSHEET_CONFIG",
                                          help="The team's mapsheet.toml, used for every check."),
    max_body_mb: float = typer.Option(8.0, "--max-body-mb", envvar="MAPSHEET_MAX_BODY_MB",
                                      help="Largest request accepted, in MB."),
    rate_limit: int = typer.Option(20, "--rate-limit", envvar="MAPSHEET_RATE_LIMIT",
                                   help="Requests per user per minute."),
    timeout: float = typer.Option(20.0, "--timeout", envvar="MAPSHEET_TIMEOUT",
                                  help="Seconds a request may take to arrive, and again to be answered."),
    certs_url: Optional[str] = typer.Option(None, "--certs-url", envvar="MAPSHEET_CERTS_URL",
                                            help="Where Google's token certificates are (tests only)."),
) -> None:
    """Serve the Google Sheets 'Check plan' button: POST /check, POST /clear, GET /health.

    The shared key, if used instead of ID tokens, is read only from MAPSHEET_SHARED_SECRET."""
    import os

    try:
        from .. import serve as service
        from ..google.id_token import GOOGLE_CERTS_URL
        from ..serve.settings import ServeSettings
    except ImportError as exc:
        raise MapsheetError(f"mapsheet serve needs its extra packages ({exc.name} is missing): "
                            "pip install 'mapsheet[serve]'") from None
    settings = ServeSettings(
        audiences=_listed(audience), allowed=_listed(allow),
        shared_secret=os.environ.get("MAPSHEET_SHARED_SECRET") or None, host=host, port=port,
        certs_url=certs_url or GOOGLE_CERTS_URL, max_body_bytes=int(max_body_mb * 1_048_576),
        rate_per_minute=rate_limit, timeout_seconds=timeout, config=config)
    mode = "Google ID tokens for " + ", ".join(settings.audiences) if settings.uses_id_tokens else "the shared key"
    users = f", users of {', '.join(settings.allowed)}" if settings.allowed else ""
    console.print(f"mapsheet serve on http://{host}:{port}: accepts {mode}{users}", soft_wrap=True, markup=False)
    service.run(settings)


@google_app.command("script")
@friendly_errors
def script_command(
    url: str = typer.Option(..., "--url", help="The https:// address of your mapsheet serve."),
    out: Path = typer.Option(Path("mapsheet-apps-script"), "--out", help="Folder to write the script into."),
    script_id: Optional[str] = typer.Option(None, "--script-id", help="Also write .clasp.json for this Apps "
                                            "Script project, so `clasp push` uploads the folder."),
) -> None:
    """Write the Apps Script (mapsheet.gs + appsscript.json) that adds the mapsheet menu to a sheet."""
    from ..serve.script import write_script

    for path in write_script(out, url, script_id):
        console.print(f"Wrote {path}", markup=False)
    console.print("Next: in the plan (or the template you copy plans from) open Extensions > Apps Script, paste "
                  "mapsheet.gs, replace appsscript.json (Project Settings > Show manifest), save and reload "
                  "the sheet; or, made with --script-id, `clasp push` from this folder. See the README, "
                  "'Google Sheets: the Check plan button'.", markup=False)
