"""The test's side of the fake: build a world (folders, spreadsheets, uploaded files, sharing, a user's
edits) without requests, and inspect what the requests did."""
from __future__ import annotations

from typing import Iterable

from .cells import rendered_rows, write_value
from .drive_state import DriveState
from .ranges import resolve
from .store import FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, DriveFile, Spreadsheet, new_sheet


class World(DriveState):
    user: str

    def add_folder(self, name: str, *, parents: Iterable[str] = (), owner: str | None = None,
                   shared_drive: bool = False, file_id: str | None = None) -> str:
        f = self.new_file(name, FOLDER_MIME, owner=owner or self.user, parents=parents, file_id=file_id)
        if shared_drive:
            f.drive_id = f.id
        else:
            f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        return f.id

    def add_spreadsheet(self, title: str = "Untitled spreadsheet", sheets: dict | None = None, *,
                        owner: str | None = None, parents: Iterable[str] = (), shared_with: Iterable[str] = (),
                        notes: dict | None = None, file_id: str | None = None) -> str:
        """A spreadsheet in Drive, as if a user had made it. sheets: {title: rows of values (as typed by a user)};
        notes: {"Sheet!A1": "text"}. Returns its id. Does not count as a request or bump the version."""
        f = self.new_file(title, SPREADSHEET_MIME, owner=owner or self.user, parents=parents, file_id=file_id)
        f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        book = self.attach_spreadsheet(f)
        if sheets:
            book.sheets = []
            for index, (name, rows) in enumerate(sheets.items()):
                sheet = new_sheet(0 if index == 0 else book.new_sheet_id(), name, index,
                                  max(1000, len(rows)), max(26, max((len(r) for r in rows), default=0)))
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        write_value(sheet, r, c, value, True)
                book.sheets.append(sheet)
        for where, text in (notes or {}).items():
            area = resolve(book, where)
            area.sheet.cell(area.r0, area.c0)["note"] = text
        for email in shared_with:
            self.share(f.id, email)
        return f.id

    def add_file(self, name: str, content: bytes, *, mime: str = XLSX_MIME, parents: Iterable[str] = (),
                 owner: str | None = None) -> str:
        """An uploaded (non-native) file such as an .xlsx plan."""
        f = self.new_file(name, mime, owner=owner or self.user, parents=parents)
        f.drive_id = next((self.files[p].drive_id for p in f.parents if p in self.files), None)
        f.content = content
        return f.id

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        f = self.files[file_id]
        f.permissions = [p for p in f.permissions if p.get("emailAddress") != email]
        f.permissions.append({"id": f"p{len(f.permissions) + 1}", "type": "user", "role": role, "emailAddress": email})

    def revoke(self, file_id: str, email: str) -> None:
        f = self.files[file_id]
        f.permissions = [p for p in f.permissions if p.get("emailAddress") != email]
        if f.owner == email:
            f.owner = "someone-else@example.com"

    def trash(self, file_id: str) -> None:
        self.files[file_id].trashed = True
        self.touch(file_id)

    def edit(self, file_id: str, where: str, value) -> None:
        """A user types a value into a cell in the browser: the file's version and modifiedTime move."""
        area = resolve(self.books[file_id], where)
        write_value(area.sheet, area.r0, area.c0, value, True)
        self.touch(file_id)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        return self.books[spreadsheet_id]

    def file(self, file_id: str) -> DriveFile:
        return self.files[file_id]

    def values(self, spreadsheet_id: str, where: str, render_option: str = "FORMATTED_VALUE") -> list[list]:
        """The values a user sees in a range (trailing blanks trimmed per row), for assertions."""
        return rendered_rows(resolve(self.books[spreadsheet_id], where), render_option, "SERIAL_NUMBER")

    def cell(self, spreadsheet_id: str, where: str) -> dict:
        """The stored CellData of one cell (userEnteredValue, userEnteredFormat, note, dataValidation...)."""
        area = resolve(self.books[spreadsheet_id], where)
        return dict(area.sheet.cells.get((area.r0, area.c0), {}))
