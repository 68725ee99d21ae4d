"""Lists of people anywhere in the workbook (a Stakeholders tab, a "Key stakeholders" table above the
steps): who is on which side, learnt from a side or company column, an e-mail domain, or the section
row the person sits under ("Customer Side" / "Your Side")."""

from __future__ import annotations

from ..grid import Workbook
from ..template.spec import normalize_header
from .parties import Sides, side_word

_NAME = {"name", "stakeholder", "person", "contact", "full name", "who"}
_SIDE = {"side", "party", "team", "buyer seller"}
_COMPANY = {"company", "organisation", "organization", "org", "employer", "account"}
_EMAIL = {"email", "e mail", "mail", "email address"}
_ROLE = {"role", "title", "responsibility", "job title", "position"}


def _header(sheet, r: int) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for c, v in sheet.iter_row(r):
        if not isinstance(v, str):
            return None
        n = normalize_header(v)
        for key, names in (("name", _NAME), ("side", _SIDE), ("company", _COMPANY), ("email", _EMAIL),
                           ("role", _ROLE)):
            if n in names and key not in cols:
                cols[key] = c
    if "name" in cols and len(cols) >= 2:
        return cols
    return None


def learn_people(workbook: Workbook, sides: Sides) -> int:
    """Put every listed person on their side; returns how many were placed. A list of two companies where
    one is the customer places the other company's people on the vendor's side (and the other way round)."""
    unplaced: list[tuple[str, str]] = []
    placed = _learn(workbook, sides, unplaced)
    known = set(sides.companies.values())
    if len(known) == 1 and unplaced:
        other = "Customer" if known == {"Vendor"} else "Vendor"
        for name, company in unplaced:
            sides.learn_company(company, other)
            sides.learn_person(name, other, "the stakeholder list (the company that is not the other side's)")
            placed += 1
    return placed


def _learn(workbook: Workbook, sides: Sides, unplaced: list[tuple[str, str]]) -> int:
    placed = 0
    for sheet in workbook.sheets:
        r = 0
        while r < sheet.height:
            cols = _header(sheet, r)
            r += 1
            if cols is None:
                continue
            section: str | None = None
            blanks = 0
            while r < sheet.height and blanks < 2:
                cells = dict(sheet.iter_row(r))
                r += 1
                if not cells:
                    blanks += 1
                    continue
                blanks = 0
                if len(cells) == 1:
                    only = str(next(iter(cells.values())))
                    section = (side_word(only) or side_word(only.split()[0])) if only.split() else None
                    if section is None:
                        break  # the title of whatever comes next: the list has ended
                    continue
                name = cells.get(cols["name"])
                if not isinstance(name, str) or not name.strip() or len(name.split()) > 5:
                    continue
                sides.listed.append({k: str(cells[c]).strip() for k, c in cols.items() if cells.get(c) is not None})
                side, how = _side(cells, cols, sides)
                if side is None and section:
                    side, how = section, "the section of the stakeholder list"
                if side is None:
                    company = _company(cells, cols)
                    if company:
                        unplaced.append((name.strip(), company))
                if side:
                    sides.learn_person(name.strip(), side, how)
                    if "email" in cols and isinstance(cells.get(cols["email"]), str):
                        sides.learn_person(cells[cols["email"]].strip(), side, how)
                    placed += 1
    return placed


def _side(cells: dict, cols: dict[str, int], sides: Sides) -> tuple[str | None, str]:
    if "side" in cols and isinstance(cells.get(cols["side"]), str):
        word = side_word(cells[cols["side"]]) or sides.company_side(cells[cols["side"]])
        if word:
            return word, "the stakeholder list's side column"
    if "company" in cols and isinstance(cells.get(cols["company"]), str):
        side = sides.company_side(cells[cols["company"]])
        if side:
            return side, "the stakeholder list's company column"
    if "email" in cols and isinstance(cells.get(cols["email"]), str) and "@" in cells[cols["email"]]:
        domain = cells[cols["email"]].split("@", 1)[1].split(".")[0]
        side = sides.company_side(domain)
        if side:
            return side, "the stakeholder list's e-mail domain"
    return None, ""


def _company(cells: dict, cols: dict[str, int]) -> str | None:
    """The company a listed person is with, from a company column or an e-mail domain."""
    if "company" in cols and isinstance(cells.get(cols["company"]), str):
        return cells[cols["company"]].strip()
    if "email" in cols and isinstance(cells.get(cols["email"]), str) and "@" in cells[cols["email"]]:
        return cells[cols["email"]].split("@", 1)[1].split(".")[0]
    return None
