"""Drive's side of the fake's state: files, spreadsheets attached to them, who may read or write, and the
version and modifiedTime stamps every write moves."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from .store import SPREADSHEET_MIME, DriveFile, Spreadsheet, new_file_id, new_spreadsheet

ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")  # strongest first
WRITERS = ("owner", "organizer", "fileOrganizer", "writer")


class DriveState:
    files: dict[str, DriveFile]
    books: dict[str, Spreadsheet]

    def now(self):
        return self.clock.now()

    def new_file(self, name: str, mime: str, *, owner: str, parents: Iterable[str] = (), drive_id: str | None = None,
                 file_id: str | None = None) -> DriveFile:
        moment = self._stamp()
        f = DriveFile(file_id or new_file_id(), name, mime, owner, list(parents), moment, moment, drive_id=drive_id)
        self.files[f.id] = f
        return f

    def attach_spreadsheet(self, f: DriveFile) -> Spreadsheet:
        book = new_spreadsheet(f.id, f.name)
        self.books[f.id] = book
        return book

    def create_spreadsheet(self, title: str, *, owner: str, parents: Iterable[str] = ()) -> Spreadsheet:
        return self.attach_spreadsheet(self.new_file(title, SPREADSHEET_MIME, owner=owner, parents=parents))

    def remove_file(self, file_id: str) -> None:
        self.files.pop(file_id, None)
        self.books.pop(file_id, None)
        for child in [f for f in self.files.values() if file_id in f.parents]:
            self.remove_file(child.id)

    def _stamp(self):
        """The clock's time, strictly after the last stamp (two writes in one instant still differ)."""
        moment = self.clock.now()
        last = getattr(self, "_last_stamp", None)
        if last is not None and moment <= last:
            moment = last + dt.timedelta(milliseconds=1)
        self._last_stamp = moment
        return moment

    def touch(self, file_id: str) -> None:
        """A write landed: Drive bumps version and modifiedTime (mapsheet's own writes included)."""
        f = self.files.get(file_id)
        if f is not None:
            f.version += 1
            f.modified = self._stamp()

    def is_service_account(self, email: str) -> bool:
        return email.endswith(".gserviceaccount.com")

    def role_of(self, f: DriveFile, email: str) -> str | None:
        seen = set()
        roles = []
        todo = [f]
        while todo:
            item = todo.pop()
            if item is None or item.id in seen:
                continue
            seen.add(item.id)
            role = item.role_of(email)
            if role:
                roles.append(role)
            todo.extend(self.files.get(p) for p in item.parents)
        return next((role for role in ROLES if role in roles), None)

    def can_read(self, f: DriveFile, email: str) -> bool:
        return self.role_of(f, email) is not None

    def can_write(self, f: DriveFile | None, email: str) -> bool:
        return f is not None and self.role_of(f, email) in WRITERS
