"""Whose step is it: owners and the side they are on, as real sheets say it.

No real layout has a Vendor/Customer column of its own. Sheets say the side through paired owner columns
("Seller owner" / "Buyer owner"), a prefix or a suffix ("Buyer: Name", "Name (IT)", "Name (Northwind)"),
words ("Us", "Them", "Both"), company names, e-mail domains, or a list of people elsewhere in the workbook.
``Sides`` holds what the workbook says about companies and people; ``read_owner`` reads one cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocabulary import CUSTOMER, CUSTOMER_DEPARTMENTS, JOINT, SIDE_WORDS, VENDOR, VENDOR_ROLES, norm
from .values import is_placeholder

_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_PREFIX = re.compile(r"^(?P<word>[A-Za-z][A-Za-z ]{1,20}?)\s*:\s*(?P<rest>.+)$")
_PARENS = re.compile(r"^(?P<outer>[^()]*?)\s*\((?P<inner>[^()]+)\)\s*$")
_DASH_SUFFIX = re.compile(r"^(?P<name>.+?)\s+[—–-]\s+(?P<suffix>[^—–-]+)$")
_PEOPLE_SPLIT = re.compile(r"\s*(?:;|&|\+|\band\b|/)\s*")


@dataclass
class Owner:
    name: str  # "" when the cell names only a side ("Us", "Customer")
    side: str | None
    how: str  # how the side was known ("prefix 'Buyer:'", "stakeholder list", ...)


@dataclass
class Sides:
    """Companies and people the workbook places on a side."""

    customer: str | None = None
    vendor: str | None = None
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised name -> (side, how)
    companies: dict[str, str] = field(default_factory=dict)  # normalised company word -> side
    listed: list[dict[str, str]] = field(default_factory=list)  # people of a stakeholder list, as written

    def learn_company(self, name: str | None, side: str) -> None:
        if not name:
            return
        for word in norm(name).split():
            if len(word) > 2 and word not in ("inc", "ltd", "llc", "corp", "the", "and", "gmbh", "group"):
                self.companies.setdefault(word, side)

    def company_side(self, text: str) -> str | None:
        words = norm(text).split()
        sides = {self.companies[w] for w in words if w in self.companies}
        return sides.pop() if len(sides) == 1 else None

    def learn_person(self, name: str, side: str, how: str) -> None:
        if name and norm(name):
            self.people.setdefault(norm(name), (side, how))


def side_word(text: str) -> str | None:
    return SIDE_WORDS.get(norm(text))


def _suffix_side(suffix: str, sides: Sides) -> tuple[str | None, str]:
    low = norm(suffix)
    word = side_word(suffix)
    if word:
        return word, f"'({suffix})' after the name"
    if low in CUSTOMER_DEPARTMENTS or low.split()[:1] and low.split()[0] in CUSTOMER_DEPARTMENTS:
        return CUSTOMER, "a buyer's department after the name"
    if low in VENDOR_ROLES:
        return VENDOR, "a seller's role after the name"
    company = sides.company_side(suffix)
    if company:
        return company, "company name after the owner"
    return None, ""


def read_person(text: str, sides: Sides) -> Owner:
    """One person (or one side) as written in an owner cell."""
    text = text.strip().strip(",")
    email = _EMAIL.search(text)
    if email:
        domain_side = sides.company_side(email.group(1).split(".")[-2])
        who = sides.people.get(norm(text))
        name = _name_of_address(text)
        if who:
            return Owner(name, who[0], who[1])
        return Owner(name, domain_side, "e-mail domain" if domain_side else "")
    word = side_word(text)
    if word:
        return Owner("", word, f"the word '{text}'")
    m = _PREFIX.match(text)
    if m and (side_word(m.group("word")) or sides.company_side(m.group("word"))):
        side = side_word(m.group("word")) or sides.company_side(m.group("word"))
        return Owner(m.group("rest").strip(), side, f"prefix '{m.group('word')}:'")
    m = _DASH_SUFFIX.match(text)
    if m and sides.company_side(m.group("name")) and not sides.company_side(m.group("suffix")):
        return Owner(m.group("suffix").strip(), sides.company_side(m.group("name")), "company name before the owner")
    m = _PARENS.match(text)
    if m:
        outer, inner = m.group("outer").strip(), m.group("inner").strip()
        if side_word(outer):  # "Buyer (Raj Iyer)"
            return Owner(inner if not is_placeholder(inner) else "", side_word(outer), f"'{outer} (...)'")
        side, how = _suffix_side(inner, sides)
        if side:
            return Owner(outer, side, how)
        text = outer
    m = _DASH_SUFFIX.match(text)
    if m:
        side, how = _suffix_side(m.group("suffix"), sides)
        if side:
            return Owner(m.group("name").strip(), side, how)
    if "," in text:
        name, _, rest = text.partition(",")
        side, how = _suffix_side(rest.strip(), sides)
        if side:
            return Owner(name.strip(), side, how)
    who = sides.people.get(norm(text))
    if who:
        return Owner(text, who[0], who[1])
    return Owner(text, None, "")


def _name_of_address(text: str) -> str:
    """'priya.shah@northwind.com' -> 'Priya Shah' (an address that is not first.last stays as it is)."""
    local = text.strip().split("@", 1)[0]
    parts = re.split(r"[._]", local)
    if len(parts) == 2 and all(p.isalpha() for p in parts):
        return " ".join(p.capitalize() for p in parts)
    return text.strip()


def read_owner(raw: object, sides: Sides) -> list[Owner]:
    """Everyone an owner cell names: "Raj Iyer & Lee Park", "Buyer: A / Seller: B", "A, B"."""
    if raw is None or is_placeholder(raw):
        return []
    text = str(raw).strip()
    parts = [p for p in _PEOPLE_SPLIT.split(text) if p.strip()]
    if len(parts) == 1 and "," in text:
        commas = [p.strip() for p in text.split(",") if p.strip()]
        balanced = all(p.count("(") == p.count(")") for p in commas)
        if len(commas) > 1 and balanced and ("@" in commas[-1] or _suffix_side(commas[-1], sides)[0] is None):
            parts = commas  # "Raj Iyer (IT), Lee Park (SE)": a list of people, not "Name, Company"
    if len(parts) > 1:
        split = [read_person(p, sides) for p in parts]
        if all(o.name for o in split) and any(o.side for o in split):
            return split  # "Buyer: A / Seller: B", "A — Northwind & B — Contoso"
    whole = read_person(text, sides)
    if whole.side is not None or len(parts) == 1 and "," not in text:
        return [whole]
    if len(parts) == 1:
        parts = [p for p in text.split(",") if p.strip()]
    return [read_person(p, sides) for p in parts]


def side_of(owners: list[Owner]) -> tuple[str | None, str]:
    """The side of a step from its owners: one side, Joint when both sides own it, None when unknown."""
    sides = {o.side for o in owners if o.side}
    if not sides:
        return None, ""
    how = next(o.how for o in owners if o.side)
    if JOINT in sides or sides == {VENDOR, CUSTOMER}:
        return JOINT, how if JOINT in sides else "owners on both sides"
    return sides.pop(), how


def _suffixes(text: str) -> list[str]:
    out = []
    for part in _PEOPLE_SPLIT.split(text):
        part = part.strip()
        for pattern, group in ((_PARENS, "inner"), (_DASH_SUFFIX, "suffix")):
            m = pattern.match(part)
            if m:
                out.append(m.group(group).strip())
        if "," in part:
            rest = part.split(",", 1)[1].strip()
            if len(rest.split()) == 1:  # "Sam Turner, Contoso"; "A (IT), B (SE)" is two people
                out.append(rest)
        email = _EMAIL.search(part)
        if email:
            out.append(email.group(1).split(".")[-2].capitalize())
    return out


def learn_other_company(owner_cells: list[object], sides: Sides) -> str | None:
    """A company named after owners that the workbook does not place is the other side's, when one side is
    known (by its company, or by words like "(Customer)" next to other owners). Returns how, or None."""
    known, unknown = set(), set()
    for raw in owner_cells:
        if not isinstance(raw, str):
            continue
        for suffix in _suffixes(raw):
            side = side_word(suffix) or sides.company_side(suffix)
            low = norm(suffix)
            if side in (VENDOR, CUSTOMER):
                known.add(side)
            elif side is None and low and low not in CUSTOMER_DEPARTMENTS and low not in VENDOR_ROLES \
                    and len(low.split()) <= 3 and suffix[:1].isupper():
                unknown.add(suffix)
    if len(known) != 1 or not unknown:
        return None
    other = CUSTOMER if known == {VENDOR} else VENDOR
    for company in unknown:
        sides.learn_company(company, other)
    return other


def split_names(text: str) -> list[str]:
    """'Raj Iyer, Lee Park' -> ['Raj Iyer', 'Lee Park']."""
    return [p.strip() for p in re.split(r"\s*(?:,|;|&|\+|\band\b|/)\s*", text) if p.strip()]
