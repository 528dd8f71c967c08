"""The patron-privacy check: card numbers, email addresses and phone numbers are flagged
(masked); dates, timestamps, visit ids, money, ISBNs and version numbers are not."""

import pytest

from shadow.core.privacy import CARD, EMAIL, PHONE, check, warnings


def kinds(text):
    return [(f.kind, text[f.start : f.end]) for f in check(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call +44 20 7946 0958 after 5", [(PHONE, "+44 20 7946 0958")]),
        ("ring (406) 555-0134.", [(PHONE, "(406) 555-0134")]),
        ("the desk is 555 0134", [(PHONE, "555 0134")]),
        ("or 555-0134", [(PHONE, "555-0134")]),
        ("406-555-0134 and 406.555.0134", [(PHONE, "406-555-0134"), (PHONE, "406.555.0134")]),
        ("her card 21234000567890 was blocked", [(CARD, "21234000567890")]),
        ("card no. 2123400056 expired", [(CARD, "2123400056")]),
        ("mail ada.lee+ill@example.org today", [(EMAIL, "ada.lee+ill@example.org")]),
        ("see https://x.org/p?email=jo.b@lib.example.org&x=1", [(EMAIL, "jo.b@lib.example.org")]),
        ("mailto:jo@lib.org", [(EMAIL, "jo@lib.org")]),
        ("https://x.org/u/jo%40lib.org", [(EMAIL, "jo%40lib.org")]),
    ],
)
def test_flagged(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 2026-12-16 at 09:30, back 17:00",
        "saved 2026-12-16T09:30:00+00:00 and 2026-12-16T09:30:00.123456Z",
        "the log said 20261216093000",
        "compact 202612160930",
        "visit 20@2026-12-16 and #12",
        "it cost $1,250.00, or £1 250, or €2 500 000",
        "budget $5550134",
        "ISBN 978-0-306-40615-7",
        "scan 9780306406157 at the desk",
        "ISBN 0306406152",
        "ISBN-10: 0-306-40615-2",
        "version 1.2.3 on build 4.10",
        "pi is 3.14159265358979",
        "room 101 2026",
        "open 09:00-17:00 Mon-Fri",
        "between 2026-2027",
        "1,234,567,890 loans",
        "a run of 123456789 is nine digits",
        "https://catalogue.example.org/record/12345",
    ],
)
def test_not_flagged(text):
    assert check(text) == []


def test_values_are_masked_and_fields_named():
    lines = warnings({"learned": "card 21234000567890", "text": "ada@example.org, 555 0134"})
    assert lines == [
        "privacy: learned: looks like a card number (••••••••••7890); "
        "patron details do not belong in notes",
        "privacy: text: looks like an email address (a•••@example.org); "
        "patron details do not belong in notes",
        "privacy: text: looks like a phone number (••• ••34); patron details do not belong in notes",
    ]
    joined = "\n".join(lines)
    assert "21234000567890" not in joined and "ada@" not in joined and "555 0134" not in joined


def test_empty_and_markup_text():
    assert check("") == [] and check(None) == []
    assert kinds("[red]555 0134[/]") == [(PHONE, "555 0134")]
