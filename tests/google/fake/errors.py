"""Google's error answers, in the shapes Google sends them.

Sheets v4 envelopes ({code, message, status[, details]}) are those recorded in gspread's cassettes (404
NOT_FOUND, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT). 429s were dropped from the cassettes, so the
RESOURCE_EXHAUSTED envelope and Drive's v3 envelopes ({code, message, errors: [{domain, reason, ...}]})
follow the answers quoted in issue reports (gspread #1592 for storageQuotaExceeded, gspread #314 and
gargle #159/#160 for the quota message).
"""
from __future__ import annotations


class ApiError(Exception):
    """Raised by a handler; the transport turns it into Google's JSON answer."""

    def __init__(self, code: int, body: dict, headers: dict | None = None):
        super().__init__(body.get("error", {}).get("message", str(code)))
        self.code = code
        self.body = body
        self.headers = headers or {}


_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE",
           503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


def sheets_error(code: int, message: str, *, details: list | None = None) -> ApiError:
    error = {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN")}
    if details:
        error["details"] = details
    return ApiError(code, {"error": error})


def drive_error(code: int, message: str, reason: str, *, domain: str = "global", location: str | None = None) -> ApiError:
    item = {"message": message, "domain": domain, "reason": reason}
    if location:
        item.update(locationType="parameter", location=location)
    return ApiError(code, {"error": {"code": code, "message": message, "errors": [item]}})


def invalid(message: str, field: str | None = None) -> ApiError:
    details = None
    if field:
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": message}]}]
    return sheets_error(400, message, details=details)


def not_found() -> ApiError:
    return sheets_error(404, "Requested entity was not found.")


def no_permission() -> ApiError:
    return sheets_error(403, "The caller does not have permission")


def drive_not_found(file_id: str) -> ApiError:
    return drive_error(404, f"File not found: {file_id}.", "notFound", location="fileId")


def storage_quota() -> ApiError:
    message = "The user's Drive storage quota has been exceeded."
    return drive_error(403, message, "storageQuotaExceeded", domain="usageLimits")


def drive_rate_limit(reason: str = "userRateLimitExceeded") -> ApiError:
    message = "User rate limit exceeded." if reason == "userRateLimitExceeded" else "Rate limit exceeded."
    return drive_error(403, message, reason, domain="usageLimits")


def quota_exhausted(kind: str = "Read", project: str = "123456789012", retry_after: int | None = None) -> ApiError:
    """Sheets' per-minute quota: 429 RESOURCE_EXHAUSTED."""
    metric = f"{kind} requests"
    limit = f"{kind}RequestsPerMinutePerUser"
    message = (f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' of service "
               f"'sheets.googleapis.com' for consumer 'project_number:{project}'.")
    details = [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {"quota_metric": f"sheets.googleapis.com/{kind.lower()}_requests", "quota_limit": limit,
                     "quota_limit_value": "60", "service": "sheets.googleapis.com",
                     "consumer": f"projects/{project}", "quota_location": "global"},
    }, {
        "@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Request a higher quota limit.",
                   "url": "https://cloud.google.com/docs/quotas/help/request_increase"}],
    }]
    error = sheets_error(429, message, details=details)
    if retry_after is not None:
        error.headers["Retry-After"] = str(retry_after)
    return error


def server_error(code: int = 500) -> ApiError:
    messages = {500: "Internal error encountered.", 502: "Bad Gateway", 503: "The service is currently unavailable.",
                504: "The service is currently unavailable."}
    return sheets_error(code, messages.get(code, "Internal error encountered."))
