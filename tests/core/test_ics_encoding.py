"""The iCalendar export's own line folding and date-time encoding write exactly what
icalendar writes (they replace it on the hot path of ``export ics``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from dateutil import tz
from icalendar import vDDDTypes
from icalendar.parser import foldline

from shadow.core import reports

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # foldline, the reference


def test_folding_ascii_and_other_lines_splits_as_icalendar_does():
    rng = random.Random(12)
    alphabet = "abc \\^;,:" + "é€😀"
    for n in range(3000):
        size = rng.randrange(1, 400)
        pool = alphabet if n % 2 else alphabet[:9]  # half of them ASCII only
        line = "".join(rng.choice(pool) for _ in range(size))
        assert reports._fold(line) == foldline(line), line


def test_date_times_are_encoded_as_icalendar_encodes_them():
    zones = [UTC, tz.gettz("Europe/Paris"), tz.gettz("America/New_York"), tz.gettz("Etc/UTC")]
    moments = [datetime(2026, m, 3, 9, 30, 15) for m in (1, 3, 7, 10, 11)]
    for zone in zones:
        for moment in moments:
            value = moment.replace(tzinfo=UTC).astimezone(zone)
            for _ in range(2):  # the first is icalendar's own, the second the reused form
                prop = vDDDTypes(value)
                params = prop.params.to_ical().decode() if prop.params else ""
                expected = f"DTSTART{';' if params else ''}{params}:{prop.to_ical().decode()}"
                assert reports._ics_datetime("DTSTART", value) == expected
    naive = datetime(2026, 5, 1, 8, 0)
    assert reports._ics_datetime("DTEND", naive) == "DTEND:20260501T080000"
