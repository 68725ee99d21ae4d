"""Drive v3: files (get, list, create, update, copy, delete, export, media), permissions and comments."""
from __future__ import annotations

import base64
import copy
import email.parser
import email.policy
import hashlib

from . import fields as fieldmask
from . import xlsx
from .call import Call
from .errors import ApiError, drive_error, drive_not_found, storage_quota
from .query import compile_query
from .store import FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, DriveFile, rfc3339

DEFAULT_FIELDS = "kind,id,name,mimeType"
LIST_DEFAULT_FIELDS = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"


def file_json(state, f: DriveFile) -> dict:
    out = {
        "kind": "drive#file",
        "id": f.id,
        "name": f.name,
        "mimeType": f.mime_type,
        "parents": list(f.parents),
        "trashed": f.trashed,
        "explicitlyTrashed": f.trashed,
        "createdTime": rfc3339(f.created),
        "modifiedTime": rfc3339(f.modified),
        "version": str(f.version),
        "owners": [{"kind": "drive#user", "emailAddress": f.owner, "displayName": f.owner.split("@")[0], "me": False}],
        "webViewLink": (f"https://docs.google.com/spreadsheets/d/{f.id}/edit?usp=drivesdk" if f.mime_type == SPREADSHEET_MIME
                        else f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"),
        "shared": bool(f.permissions),
        "appProperties": dict(f.app_properties),
        "capabilities": {"canEdit": True, "canCopy": True, "canDownload": True},
    }
    if f.description is not None:
        out["description"] = f.description
    if f.drive_id:
        out["driveId"] = f.drive_id
        out.pop("owners")
    if f.content is not None:
        out["size"] = str(len(f.content))
        out["md5Checksum"] = hashlib.md5(f.content).hexdigest()
    if not f.app_properties:
        out.pop("appProperties")
    return out


def _masked(state, f: DriveFile, mask_text: str | None, user: str) -> dict:
    body = file_json(state, f)
    for owner in body.get("owners", []):
        owner["me"] = owner["emailAddress"] == user
    return fieldmask.apply(body, fieldmask.parse(mask_text or DEFAULT_FIELDS))


def _visible(call: Call, f: DriveFile) -> bool:
    if f.drive_id and not call.flag("supportsAllDrives") and not call.flag("supportsTeamDrives"):
        return False
    return call.state.can_read(f, call.user)


def get_visible(call: Call, file_id: str) -> DriveFile:
    f = call.state.files.get(file_id)
    if f is None or not _visible(call, f):
        raise drive_not_found(file_id)
    return f


def _need_write(call: Call, f: DriveFile) -> None:
    if not call.state.can_write(f, call.user):
        raise drive_error(403, "The user does not have sufficient permissions for this file.",
                          "insufficientFilePermissions")


def files_get(call: Call) -> dict | bytes:
    f = get_visible(call, call.path_args["fileId"])
    if call.param("alt") == "media":
        if f.content is None:
            raise drive_error(403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                              "fileNotDownloadable", location="alt")
        return f.content
    return _masked(call.state, f, call.param("fields"), call.user)


def files_list(call: Call) -> dict:
    query = call.param("q")
    predicate = compile_query(query) if query else (lambda f: True)
    all_drives = call.flag("includeItemsFromAllDrives") or call.flag("includeTeamDriveItems")
    if all_drives and not (call.flag("supportsAllDrives") or call.flag("supportsTeamDrives")):
        raise drive_error(403, "The includeItemsFromAllDrives parameter can only be set to true when supportsAllDrives "
                               "is also set to true.", "teamDriveIncludeItemsRequiresSupport")
    only_drive = call.param("driveId") if call.param("corpora") == "drive" else None
    matches = []
    for f in call.state.files.values():
        if f.drive_id and not all_drives:
            continue
        if only_drive and f.drive_id != only_drive:
            continue
        if not call.state.can_read(f, call.user):
            continue
        if predicate(file_json(call.state, f)):
            matches.append(f)
    order = call.param("orderBy")
    if order:
        for part in reversed(order.split(",")):
            name, _, direction = part.strip().partition(" ")
            key = {"modifiedTime": lambda f: f.modified, "createdTime": lambda f: f.created,
                   "name": lambda f: f.name.lower()}.get(name, lambda f: f.name.lower())
            matches.sort(key=key, reverse=direction == "desc")
    page_size = min(int(call.param("pageSize", "100")), 1000)  # the document: above 1000 is coerced to 1000
    if page_size < 1:
        raise drive_error(400, f"Invalid value '{page_size}'. Values must be within the range: [1, 1000]", "invalid",
                          location="pageSize")
    token = call.param("pageToken") or ""
    start = int(base64.urlsafe_b64decode(token.encode()).decode()) if token else 0
    page = matches[start : start + page_size]
    body = {"kind": "drive#fileList", "incompleteSearch": False,
            "files": [file_json(call.state, f) for f in page]}
    if start + page_size < len(matches):
        body["nextPageToken"] = base64.urlsafe_b64encode(str(start + page_size).encode()).decode()
    mask = call.param("fields") or LIST_DEFAULT_FIELDS
    return fieldmask.apply(body, fieldmask.parse(mask))


def _check_parents(call: Call, parents: list[str]) -> str | None:
    drive_id = None
    for parent in parents:
        folder = call.state.files.get(parent)
        if folder is None or not _visible(call, folder):
            raise drive_not_found(parent)
        _need_write(call, folder)
        drive_id = folder.drive_id or drive_id
    return drive_id


def refuse_service_account(call: Call, drive_id: str | None) -> None:
    """Service accounts have no Drive storage: creating outside a Shared Drive fails (gspread #1592)."""
    if call.state.is_service_account(call.user) and not call.state.service_account_storage and not drive_id:
        raise storage_quota()


def files_create(call: Call, *, content: bytes | None = None, metadata: dict | None = None) -> dict:
    meta = metadata if metadata is not None else call.json_body()
    parents = meta.get("parents") or []
    drive_id = _check_parents(call, parents)
    refuse_service_account(call, drive_id)
    mime = meta.get("mimeType") or (XLSX_MIME if content else "application/octet-stream")
    name = meta.get("name") or "Untitled"
    f = call.state.new_file(name, mime, owner=call.user, parents=parents, drive_id=drive_id)
    f.app_properties.update(meta.get("appProperties") or {})
    f.description = meta.get("description")
    if mime == SPREADSHEET_MIME:
        book = call.state.attach_spreadsheet(f)
        if content:
            xlsx.import_xlsx(book, content)
    elif content is not None:
        f.content = content
    return _masked(call.state, f, call.param("fields"), call.user)


def files_update(call: Call, *, content: bytes | None = None, metadata: dict | None = None) -> dict:
    f = get_visible(call, call.path_args["fileId"])
    _need_write(call, f)
    meta = metadata if metadata is not None else (call.json_body() if call.body is not None else {})
    for key in ("name", "description"):
        if key in meta:
            setattr(f, key, meta[key])
    if "name" in meta and f.id in call.state.books:
        call.state.books[f.id].properties["title"] = meta["name"]
    if "trashed" in meta:
        f.trashed = bool(meta["trashed"])
    if meta.get("appProperties"):
        f.app_properties.update(meta["appProperties"])
    add = [p for p in (call.param("addParents") or "").split(",") if p]
    remove = [p for p in (call.param("removeParents") or "").split(",") if p]
    if add:
        _check_parents(call, add)
    f.parents = [p for p in f.parents if p not in remove] + [p for p in add if p not in f.parents]
    if content is not None:
        if f.mime_type == SPREADSHEET_MIME:
            xlsx.import_xlsx(call.state.books[f.id], content)
        else:
            f.content = content
    call.state.touch(f.id)
    return _masked(call.state, f, call.param("fields"), call.user)


def files_copy(call: Call) -> dict:
    source = get_visible(call, call.path_args["fileId"])
    meta = call.json_body()
    parents = meta.get("parents") or [p for p in source.parents if call.state.can_write(call.state.files.get(p), call.user)]
    drive_id = _check_parents(call, parents)
    refuse_service_account(call, drive_id)
    name = meta.get("name") or f"Copy of {source.name}"
    f = call.state.new_file(name, source.mime_type, owner=call.user, parents=parents, drive_id=drive_id)
    f.content = source.content
    if source.mime_type == SPREADSHEET_MIME:
        book = copy.deepcopy(call.state.books[source.id])
        book.spreadsheet_id = f.id
        book.properties["title"] = name
        call.state.books[f.id] = book
    return _masked(call.state, f, call.param("fields"), call.user)


def files_delete(call: Call) -> None:
    f = get_visible(call, call.path_args["fileId"])
    if call.state.role_of(f, call.user) != "owner" and not f.drive_id:
        raise drive_error(403, "The user does not have sufficient permissions for this file.",
                          "insufficientFilePermissions")
    call.state.remove_file(f.id)
    return None


def files_export(call: Call) -> bytes:
    f = get_visible(call, call.path_args["fileId"])
    mime = call.param("mimeType")
    if f.mime_type != SPREADSHEET_MIME:
        raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
    book = call.state.books[f.id]
    if mime == XLSX_MIME:
        return xlsx.export_xlsx(book)
    if mime == "text/csv":
        return xlsx.export_csv(book)
    raise drive_error(400, "The requested conversion is not supported.", "badRequest", location="mimeType")


def export_content_type(call: Call) -> str:
    return call.param("mimeType") or "application/octet-stream"


def upload(call: Call) -> dict:
    """POST/PATCH upload/drive/v3/files with uploadType=multipart or media."""
    kind = call.param("uploadType")
    metadata, content = {}, call.raw
    if kind == "multipart":
        metadata, content = _split_multipart(call)
    elif kind != "media":
        raise drive_error(400, f"Invalid upload type: {kind}", "invalid", location="uploadType")
    if call.method == "POST":
        return files_create(call, content=content, metadata=metadata)
    return files_update(call, content=content, metadata=metadata)


def _split_multipart(call: Call) -> tuple[dict, bytes]:
    import json

    content_type = call.headers.get("Content-Type") or call.headers.get("content-type") or ""
    if not content_type.lower().startswith("multipart/related"):
        raise drive_error(400, f"Media type '{content_type.split(';')[0]}' is not supported. Use multipart/related.",
                          "badContent")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + call.raw)
    parts = list(message.iter_parts())
    if len(parts) != 2:
        raise drive_error(400, "Malformed multipart body.", "badContent")
    metadata = json.loads(parts[0].get_payload(decode=True).decode())
    return metadata, parts[1].get_payload(decode=True)


# ---- permissions and comments ---------------------------------------------------------------------------

def permissions_list(call: Call) -> dict:
    f = get_visible(call, call.path_args["fileId"])
    items = [{"kind": "drive#permission", "id": "owner", "type": "user", "role": "owner", "emailAddress": f.owner}]
    items += [{"kind": "drive#permission", **p} for p in f.permissions]
    body = {"kind": "drive#permissionList", "permissions": items}
    mask = call.param("fields")
    return fieldmask.apply(body, fieldmask.parse(mask)) if mask else body


def permissions_create(call: Call) -> dict:
    f = get_visible(call, call.path_args["fileId"])
    _need_write(call, f)
    given = call.json_body()
    perm = {"id": f"p{len(f.permissions) + 1}", "type": given.get("type", "user"), "role": given.get("role", "reader")}
    if given.get("emailAddress"):
        perm["emailAddress"] = given["emailAddress"]
    if given.get("domain"):
        perm["domain"] = given["domain"]
    f.permissions.append(perm)
    return {"kind": "drive#permission", **perm}


def permissions_delete(call: Call) -> None:
    f = get_visible(call, call.path_args["fileId"])
    _need_write(call, f)
    before = len(f.permissions)
    f.permissions = [p for p in f.permissions if p["id"] != call.path_args["permissionId"]]
    if len(f.permissions) == before:
        raise drive_error(404, f"Permission not found: {call.path_args['permissionId']}.", "notFound",
                          location="permissionId")
    return None


def comments_list(call: Call) -> dict:
    get_visible(call, call.path_args["fileId"])
    return {"comments": []}


def folder_mime() -> str:
    return FOLDER_MIME


__all__ = ["ApiError"]
