"""``mapsheet serve`` (the service behind the Google Sheets button) and ``mapsheet google script`` (the
Apps Script that calls it, made ready for one server)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import MapsheetError
from ._app import add_group, command
from ._console import rich_console, say
from ._parser import option

add_group("google", "Google Sheets: the 'Check plan' button's Apps Script.")


def _listed(value: Optional[str]) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").replace(",", " ").split() if part.strip())


@command(
    option("--audience", metavar="CLIENT_IDS", env="MAPSHEET_AUDIENCE", help="OAuth client ID(s) the Apps "
           "Script's ID tokens are made for (comma-separated); shown by mapsheet > Set up in the sheet. Required "
           "unless a shared key is set."),
    option("--allow", metavar="EMAILS_OR_DOMAINS", env="MAPSHEET_ALLOW", help="Who may check plans: e-mail "
           "addresses and/or domains (acme.com), comma-separated."),
    option("--host", metavar="HOST", default="127.0.0.1", env="MAPSHEET_HOST",
           help="Address to listen on (0.0.0.0 in a container)."),
    option("--port", metavar="PORT", type=int, default=8080, env="PORT",
           help="Port to listen on (Cloud Run sets PORT)."),
    option("--config", metavar="FILE", type=Path, env="MAPSHEET_CONFIG",
           help="The team's mapsheet.toml, used for every check."),
    option("--max-body-mb", metavar="MB", type=float, default=8.0, env="MAPSHEET_MAX_BODY_MB",
           help="Largest request accepted, in MB."),
    option("--rate-limit", metavar="N", type=int, default=20, env="MAPSHEET_RATE_LIMIT",
           help="Requests per user per minute."),
    option("--timeout", metavar="SECONDS", type=float, default=20.0, env="MAPSHEET_TIMEOUT",
           help="Seconds a request may take to arrive, and again to be answered."),
    option("--certs-url", metavar="URL", env="MAPSHEET_CERTS_URL",
           help="Where Google's token certificates are (tests only)."),
)
def serve(audience: str | None, allow: str | None, host: str, port: int, config: Path | None, max_body_mb: float,
          rate_limit: int, timeout: float, certs_url: str | None) -> None:
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
    say("{}", f"mapsheet serve on http://{host}:{port}: accepts {mode}{users}", wrap=False)
    service.run(settings)


@command(
    option("--url", metavar="URL", required=True, help="The https:// address of your mapsheet serve."),
    option("--out", metavar="DIR", type=Path, default=Path("mapsheet-apps-script"),
           help="Folder to write the script into."),
    option("--script-id", metavar="ID", help="Also write .clasp.json for this Apps Script project, so `clasp push` "
           "uploads the folder."),
    name="script", group="google",
)
def script_command(url: str, out: Path, script_id: str | None) -> None:
    """Write the Apps Script (mapsheet.gs + appsscript.json) that adds the mapsheet menu to a sheet."""
    from ..serve.script import write_script

    console = rich_console()
    for path in write_script(out, url, script_id):
        console.print(f"Wrote {path}", markup=False)
    console.print("Next: in the plan (or the template you copy plans from) open Extensions > Apps Script, paste "
                  "mapsheet.gs, replace appsscript.json (Project Settings > Show manifest), save and reload "
                  "the sheet; or, made with --script-id, `clasp push` from this folder. See the README, "
                  "'Google Sheets: the Check plan button'.", markup=False)
