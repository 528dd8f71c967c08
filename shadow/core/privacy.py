"""The patron-privacy check: a library card number, an email address or a phone number in
text that is about to be saved (a note, a suggestion, kudos, an action's notes, what someone
learned on a visit).

Like the plain-language check it never blocks: callers show each finding (the field named,
the value masked) before saving, and the writer decides. A phone number on a note may be the
branch's public desk; a card number almost never belongs in one.

What is flagged
    card number     a run of 10-14 digits (library barcodes: patrons' often ``2`` + 13 digits)
    email address   ``name@domain.tld``, also inside a URL (``mailto:``, ``?email=``)
    phone number    ``+44 20 7946 0958``, ``(406) 555-0134``, ``406-555-0134``, ``555 0134``

What is not: dates and times (``2026-12-16``, ``2026-12-16T09:30:00+00:00``,
``20261216093000``), visit ids (``20@2026-12-16``), record ids (``#12``), money
(``$1,250.00``, ``£1 250``), ISBNs (``978-0-306-40615-7``, ``9780306406157``, ``ISBN
0306406152``), version numbers and decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .plain import longest_apart

CARD, EMAIL, PHONE = "card number", "email address", "phone number"
KINDS = (CARD, EMAIL, PHONE)
MASK = "•"


@dataclass(frozen=True)
class Finding:
    kind: str  # card number | email address | phone number
    start: int
    end: int
    masked: str  # the value with most of it hidden, safe to show or log

    def describe(self, field: str = "") -> str:
        """``learned: looks like a card number (••••••••••6789)``"""
        where = f"{field}: " if field else ""
        article = "an" if self.kind[0] in "aeiou" else "a"
        return f"{where}looks like {article} {self.kind} ({self.masked})"


_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}(?:@|%40)"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_INTL_PHONE = re.compile(
    r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,5}(?![\w-]|[.,]\d)"
)
_NANP_PHONE = re.compile(r"(?<![\w(+-])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.\s-]\d{4}(?![\w-]|[.,]\d)")
_LOCAL_PHONE = re.compile(r"(?<![\w+$£€¥.,/:@-])[2-9]\d{2}[ -]\d{4}(?![\w/:@-]|[.,]\d)")
_DIGIT_RUN = re.compile(r"(?<![\w.,$£€¥@#/:+-])(\d{10,14})(?![\w@/:-]|[.,]\d)")
_ISBN_LABEL = re.compile(r"ISBN(?:-1[03])?:?\s*$", re.IGNORECASE)


def _isbn13(digits: str) -> bool:
    if len(digits) != 13 or not digits.startswith(("978", "979")):
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return total % 10 == 0


def _isbn10(digits: str) -> bool:
    if len(digits) != 10:
        return False
    total = sum((10 - i) * int(d) for i, d in enumerate(digits))
    return total % 11 == 0


def _timestamp(digits: str) -> bool:
    """``20261216093000`` or ``202612160930``: a compact date and time, not a card."""
    formats = {14: "%Y%m%d%H%M%S", 12: "%Y%m%d%H%M"}
    if len(digits) not in formats:
        return False
    try:
        moment = datetime.strptime(digits, formats[len(digits)])
    except ValueError:
        return False
    return 1900 <= moment.year <= 2199


def _mask_digits(value: str, keep: int = 2) -> str:
    """Every digit hidden except the last ``keep``; separators stay, so the shape shows."""
    total = sum(c.isdigit() for c in value)
    seen = 0
    out = []
    for c in value:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else MASK)
        else:
            out.append(c)
    return "".join(out)


def _mask_email(value: str) -> str:
    local, _, domain = value.replace("%40", "@").partition("@")
    return f"{local[:1]}{MASK * 3}@{domain}"


def check(text: str) -> list[Finding]:
    """Card numbers, email addresses and phone numbers in ``text``, in order, no overlaps."""
    text = text or ""
    found: list[Finding] = []
    for m in _EMAIL.finditer(text):
        found.append(Finding(EMAIL, m.start(), m.end(), _mask_email(m.group())))
    for pattern in (_INTL_PHONE, _NANP_PHONE, _LOCAL_PHONE):
        for m in pattern.finditer(text):
            if sum(c.isdigit() for c in m.group()) < 7:
                continue
            found.append(Finding(PHONE, m.start(), m.end(), _mask_digits(m.group())))
    for m in _DIGIT_RUN.finditer(text):
        digits = m.group(1)
        if _isbn13(digits) or _timestamp(digits):
            continue
        if _ISBN_LABEL.search(text[: m.start()]) or (
            _isbn10(digits) and re.search(r"ISBN", text[max(0, m.start() - 30) : m.start()], re.I)
        ):
            continue
        found.append(Finding(CARD, m.start(), m.end(), _mask_digits(digits, keep=4)))
    return longest_apart(found)


def check_fields(fields: dict[str, str]) -> list[tuple[str, Finding]]:
    """Every finding in several named fields: ``[(field, finding), ...]``."""
    return [(name, f) for name, text in fields.items() for f in check(text or "")]


def warnings(fields: dict[str, str]) -> list[str]:
    """One line per finding, field named and value masked, for the CLI's standard error."""
    return [
        f"privacy: {f.describe(name)}; patron details do not belong in notes"
        for name, f in check_fields(fields)
    ]
