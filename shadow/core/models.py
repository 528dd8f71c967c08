"""The domain: dataclasses with validation for everything shadow keeps.

Each model knows its table, how to become a stored document and back, and how
to check itself. ``validate()`` raises :class:`ValidationError` carrying one
message per field, so a form can show each next to its field and the command
line can print them on one line.

(Over 500 lines: one dataclass per table, with its validation, sharing one checker; a module
per model would scatter the domain's rules.)
"""

from __future__ import annotations

import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar, Self

SIDES = ("it", "library")
SIDE_LABELS = {"it": "IT", "library": "Library"}

# From the source paper's list of IT roles (help desk levels 1-3 first: they are
# the people library technicians meet most).
IT_ROLES = (
    "Help desk level 1",
    "Help desk level 2",
    "Help desk level 3",
    "Network administrator",
    "Systems administrator",
    "Database administrator",
    "Developer",
    "Web developer",
    "Information security",
    "Telecommunications",
    "Testing and quality assurance",
    "Project manager",
    "Business analyst",
    "Infrastructure architect",
    "Change manager",
    "Software asset manager",
    "Hardware/network engineer",
)
LIBRARY_ROLES = (
    "Library technician",
    "Librarian",
    "Department head",
    "Branch manager",
    "Circulation supervisor",
    "Cataloguer",
    "Archivist",
    "Children's librarian",
    "Electronic Information Coordinator",
    "Outreach officer",
    "Makerspace coordinator",
    "Library assistant",
)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VISIT_KINDS = ("tour", "shadowing", "temporary assignment", "group meeting")
VISIT_STATUSES = ("requested", "confirmed", "completed", "cancelled", "no-show")
OBSERVATION_KINDS = ("workflow seen", "pain point", "system issue", "idea", "praise")
DIRECTIONS = ("it-to-library", "library-to-it")
DIRECTION_LABELS = {"it-to-library": "IT → library", "library-to-it": "library → IT"}
# For narrow table columns (the Schedule's agenda at 80 columns).
DIRECTION_SHORT = {"it-to-library": "IT→lib", "library-to-it": "lib→IT"}


def direction_of(department_side: str | None) -> str:
    """A visit's direction follows its department: to an IT team it is library-to-it."""
    return "library-to-it" if department_side == "it" else "it-to-library"


def visitor_side(department_side: str | None) -> str:
    """Who visits a department of this side: library staff visit IT teams, and the reverse."""
    return "library" if department_side == "it" else "it"


LEVELS = ("high", "medium", "low")
RISKS = ("financial", "compliance", "reputation")
SUGGESTION_STATUSES = (
    "new",
    "under review",
    "accepted",
    "in progress",
    "done",
    "declined",
    "duplicate",
)
ACTION_STATUSES = ("open", "in progress", "done", "dropped")
SURVEY_PHASES = ("before", "after")
SURVEY_DIMENSIONS = ("plain language", "listening", "understanding of our work", "follow-through")

NAME_MAX = 120
LINE_MAX = 200
TEXT_MAX = 10_000

# The one text rule, for every field: no control characters (C0, DEL, C1), no line or
# paragraph separators, no bidi embeddings, overrides or isolates (they reorder what a
# reader sees), no lone surrogates (undecodable bytes). Multi-line text may hold
# newlines and tabs.
UNSAFE_CHARS = "\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[{UNSAFE_CHARS}]")
_CONTROL_TEXT = re.compile(f"(?![\\n\\t])[{UNSAFE_CHARS}]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class UserError(ValueError):
    """A request a person made that cannot be carried out, explained in one line.

    Every core module's own error derives from this, so the CLI and the TUI
    catch one type and show its message as it is.
    """


class ValidationError(ValueError):
    """One or more fields are wrong. ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    @classmethod
    def check(cls, record: Any, errors: dict[str, str]) -> None:
        """The end of reading typed input into ``record``: the problems already found in
        ``errors``, else the record's own validation, raised together (none: return)."""
        if not errors:
            try:
                record.validate()
            except ValidationError as exc:
                errors.update(exc.errors)
        if errors:
            raise cls(errors)


# ------------------------------------------------------------------ field checks
class _Checker:
    """Collects problems field by field, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def line(self, name: str, value: Any, *, required: bool = False, limit: int = LINE_MAX) -> None:
        """One line of text: no control characters at all."""
        self._string(name, value, required, limit, _CONTROL)

    def text(self, name: str, value: Any, *, required: bool = False) -> None:
        """Free text: newlines and tabs allowed, other control characters not."""
        self._string(name, value, required, TEXT_MAX, _CONTROL_TEXT)

    def _string(
        self, name: str, value: Any, required: bool, limit: int, bad: re.Pattern[str]
    ) -> None:
        if value is None or value == "":
            if required:
                self.fail(name, "is required")
            return
        if not isinstance(value, str):
            self.fail(name, "must be text")
        elif required and not value.strip():
            self.fail(name, "is required")
        elif found := bad.search(value):
            self.fail(name, unsafe_message(found.group()))
        elif len(value) > limit:
            self.fail(name, f"is too long ({len(value)} characters; at most {limit})")

    def choice(self, name: str, value: Any, options: tuple[str, ...], *, required=True) -> None:
        if value in (None, "") and not required:
            return
        if value not in options:
            self.fail(name, f"must be one of: {', '.join(options)} (got {value!r})")

    def ref(self, name: str, value: Any, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fail(name, "is required")
            return
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(name, f"must be a record id (got {value!r})")

    def refs(self, name: str, value: Any, *, at_least: int = 0) -> None:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
        ):
            self.fail(name, "must be a list of record ids")
        elif len(set(value)) != len(value):
            self.fail(name, "lists someone twice")
        elif len(value) < at_least:
            self.fail(name, f"needs at least {at_least}")

    def timestamp(self, name: str, value: Any, *, required: bool = True) -> None:
        if value in (None, ""):
            if required:
                self.fail(name, "is required")
            return
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(name, f"must be an ISO 8601 date and time (got {value!r})")
            return
        if parsed.tzinfo is None:
            self.fail(name, "must carry a timezone offset")

    def day(self, name: str, value: Any, *, required: bool = True) -> None:
        if value in (None, ""):
            if required:
                self.fail(name, "is required")
            return
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(name, f"must be a date YYYY-MM-DD (got {value!r})")

    def level(self, name: str, value: Any, low: int, high: int, *, required=True) -> None:
        if value is None and not required:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(name, f"must be a whole number from {low} to {high} (got {value!r})")

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def parse_id(ref: Any) -> int | None:
    """A record id typed as ``12`` or ``#12`` (ASCII digits only), or None if it is not one."""
    text = str(ref).strip().removeprefix("#")
    if re.fullmatch(r"[0-9]{1,12}", text) and int(text) > 0:
        return int(text)
    return None


def unsafe_message(char: str) -> str:
    what = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}.get(char)
    if what is None and "\ud800" <= char <= "\udfff":
        what = "bytes that are not UTF-8 text"
    elif what is None and "\u2028" <= char <= "\u2029":
        what = "a line break"
    elif what is None and char >= "\u202a":
        what = "a text-direction control"
    return (
        f"contains {what or 'a control character'} (U+{ord(char):04X}), which is not allowed here"
    )


def check_text(name: str, value: Any, *, multiline: bool = True, required: bool = False) -> None:
    """The text rule on one value that is saved outside a whole record's validation
    (a reason given with a status change). Raises ValidationError."""
    c = _Checker()
    if multiline:
        c.text(name, value, required=required)
    else:
        c.line(name, value, required=required)
    c.done()


def clean_line(value: str | None) -> str:
    """Trim a one-line field and fold runs of white space (keeps other characters as typed)."""
    if value is None:
        return ""
    return " ".join(value.split())


def name_key(name: str) -> str:
    """How names are compared: case- and space-insensitive."""
    return " ".join(name.split()).casefold()


# ------------------------------------------------------------------ opening hours
_DAY_WORDS = {"weekdays": ("mon", "fri"), "weekday": ("mon", "fri"), "weekends": ("sat", "sun"),
              "weekend": ("sat", "sun"), "daily": ("mon", "sun"), "every day": ("mon", "sun")}  # fmt: skip
_CLOCK = r"(?:(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?|(noon|midday|midnight))"
_TIME_RANGE = re.compile(rf"{_CLOCK}\s*(?:-|to|until)\s*{_CLOCK}", re.IGNORECASE)
_HOURS_EXAMPLE = (
    "expected e.g. 'Mon-Fri 09:00-17:00; Sat 10:00-14:00' (or 'Mon-Fri 9-5', '9am-5pm')"
)


def _clock(hour: str | None, minute: str | None, half: str | None, word: str | None):
    """(hours, minutes, had an am/pm) of one written time, or None if it is no time."""
    if word:
        word = word.lower()
        return (0 if word == "midnight" else 12), 0, True
    h, m = int(hour or 0), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower().startswith("p") else 0)
    return h, m, bool(half)


def _times(segment: str, spec: str) -> list[str]:
    """A written time range (``09:00-17:00``, ``9-5``, ``9am-5pm``, ``8.30 to 4.30pm``) as
    ``["HH:MM", "HH:MM"]``. A bare end hour below the start, like the 5 in ``9-5``, is
    the afternoon; a time written on the 24-hour clock (``17:00-09:00``) is taken as is."""
    m = _TIME_RANGE.fullmatch(spec.replace("–", "-").replace("—", "-").strip())
    if not m:
        raise ValueError(
            f"cannot read {spec!r} in {segment!r}: times are HH:MM, 24-hour, or 9am-5pm"
        )
    start, end = _clock(*m.groups()[0:4]), _clock(*m.groups()[4:8])
    if start is None or end is None:
        raise ValueError(f"cannot read {spec!r} in {segment!r}: am/pm times run from 1 to 12")
    (sh, sm, s_half), (eh, em, e_half) = start, end
    written_end = m.group(5) or ""
    if (not e_half and not s_half and (eh, em) <= (sh, sm) and eh < 12 and sh <= 12
            and not written_end.startswith("0")):  # fmt: skip
        eh += 12
    if not s_half and e_half and sh < 12 and (sh + 12, sm) < (eh, em):
        sh += 12  # "1-5pm" is all afternoon; "9-5pm" starts in the morning
    if (eh, em) == (0, 0) and (e_half or m.group(8)):
        eh, em = 23, 59  # "to 12am", "to midnight": the end of the day
    for h, mm in ((sh, sm), (eh, em)):
        if h > 23 or mm > 59:
            raise ValueError(f"cannot read {spec!r} in {segment!r}: times are HH:MM, 24-hour")
    times = [f"{sh:02d}:{sm:02d}", f"{eh:02d}:{em:02d}"]
    if times[0] >= times[1]:
        raise ValueError(f"{segment!r}: closing time must be after opening time")
    return times


def parse_hours(text: str) -> dict[str, list[list[str]]]:
    """Read opening hours as people write them into ``{"mon": [["08:30", "17:00"]], ...}``:
    ``Mon-Fri 08:30-17:00; Sat 10:00-14:00``, ``Mon-Fri 9-5``, ``weekdays 9am-5pm``,
    ``Monday to Friday 9:00-17:00``, ``Sat 10-2``, ``Sun closed``; times alone
    (``9am-5pm``) are Monday to Friday.

    Raises ValueError with a message saying what was expected.
    """
    hours: dict[str, list[list[str]]] = {}
    text = (text or "").strip()
    if not text:
        return hours
    for segment in re.split(r"\s*[;,\n]\s*", text):
        if not segment:
            continue
        flat = " ".join(segment.replace("–", "-").replace("—", "-").split())
        if _TIME_RANGE.fullmatch(flat):
            flat = f"weekdays {flat}"  # times alone ("9am-5pm") are the working week
        m = re.fullmatch(
            r"(weekdays?|weekends?|daily|every day|[A-Za-z]{3}[a-z]*\.?"
            r"(?:\s*(?:-|to)\s*[A-Za-z]{3}[a-z]*\.?)?)\s*:?\s+(.+)",
            flat,
            re.IGNORECASE,
        )
        if not m:
            raise ValueError(f"cannot read {segment!r}: {_HOURS_EXAMPLE}")
        days, spec = m[1].lower(), m[2]
        if days in _DAY_WORDS:
            first, last = _DAY_WORDS[days]
        else:
            ends = re.split(r"\s*(?:-|\bto\b)\s*", days)
            first, last = ends[0][:3], ends[-1][:3]
        if first not in DAYS or last not in DAYS:
            raise ValueError(f"cannot read {segment!r}: days are Mon Tue Wed Thu Fri Sat Sun")
        if spec.strip().lower() == "closed":
            continue
        times = _times(segment, spec)
        i, j = DAYS.index(first), DAYS.index(last)
        if j < i:
            raise ValueError(f"{segment!r}: day range runs backwards")
        for day in DAYS[i : j + 1]:
            spans = hours.setdefault(day, [])
            for s, e in spans:
                if times[0] < e and s < times[1]:
                    raise ValueError(f"{segment!r} overlaps {day.title()} {s}-{e}")
            spans.append(times)
            spans.sort()
    return hours


def format_hours(hours: dict[str, list[list[str]]]) -> str:
    """The inverse of :func:`parse_hours`, grouping runs of days with equal hours."""
    out: list[str] = []
    i = 0
    while i < len(DAYS):
        spans = hours.get(DAYS[i])
        if not spans:
            i += 1
            continue
        j = i
        while j + 1 < len(DAYS) and hours.get(DAYS[j + 1]) == spans:
            j += 1
        days = DAYS[i].title() if i == j else f"{DAYS[i].title()}-{DAYS[j].title()}"
        out.extend(f"{days} {s}-{e}" for s, e in spans)
        i = j + 1
    return "; ".join(out)


# ------------------------------------------------------------------ models
_FIELD_NAMES: dict[type, frozenset[str]] = {}


@dataclass
class Model:
    TABLE: ClassVar[str] = ""
    id: int | None = field(default=None, kw_only=True)
    # The stored record's version when this was read (core/versions.py); not a field
    # a person edits, never written back through to_doc().
    version: int = field(default=1, kw_only=True, compare=False, repr=False)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        """Build from a stored document, ignoring fields this version does not know."""
        names = _FIELD_NAMES.get(cls)
        if names is None:  # worked out once per class, not once per record
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
        # (by the fields, not the document's keys: half the time for ten years of records)
        return cls(**{k: doc[k] for k in names if k in doc})

    @classmethod
    def edited(cls, base: Self | None) -> Self:
        """What typed input is read into (the ``*_from_input`` functions): a copy of
        ``base`` with its id (the version is the stored record's business), or a new one."""
        if base is None:
            return cls()
        copy = cls.from_doc(base.to_doc())
        copy.id = base.id
        return copy

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("id", None)
        doc.pop("version", None)
        return doc

    def validate(self) -> None:
        """Raise ValidationError with every problem ``check_fields`` finds (none: return)."""
        c = _Checker()
        self.check_fields(c)
        c.done()

    def check_fields(self, c: _Checker) -> None:
        """Each model's field rules, told to ``c`` field by field."""
        raise NotImplementedError

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("id", "version")]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        out = {}
        for f in fields(cls):
            if f.default is not MISSING:
                out[f.name] = f.default
            elif f.default_factory is not MISSING:
                out[f.name] = f.default_factory()
        return out


@dataclass
class Person(Model):
    TABLE: ClassVar[str] = "people"
    name: str = ""
    side: str = "it"
    role: str = ""
    department_id: int | None = None
    team: str = ""
    email: str = ""
    active: bool = True

    def check_fields(self, c: _Checker) -> None:
        c.line("name", self.name, required=True, limit=NAME_MAX)
        c.choice("side", self.side, SIDES)
        c.line("role", self.role)
        c.ref("department_id", self.department_id)
        c.line("team", self.team)
        c.line("email", self.email)
        if self.email and "email" not in c.errors and not _EMAIL.fullmatch(self.email):
            c.fail("email", f"is not an email address (got {self.email!r})")
        if not isinstance(self.active, bool):
            c.fail("active", "must be true or false")


@dataclass
class Department(Model):
    TABLE: ClassVar[str] = "departments"
    name: str = ""
    branch: str = ""
    hosts: list[int] = field(default_factory=list)
    capacity: int = 2
    hours: dict[str, list[list[str]]] = field(default_factory=dict)
    notes: str = ""
    closed_dates: list[str] = field(default_factory=list)
    active: bool = True
    side: str = "library"  # library department, or an IT team ("it") visited by library staff
    liaison_id: int | None = None  # who coordinates the department's side of the programme
    liaison_since: str | None = None  # date

    @property
    def direction(self) -> str:
        return direction_of(self.side)

    def check_fields(self, c: _Checker) -> None:
        c.line("name", self.name, required=True, limit=NAME_MAX)
        c.choice("side", self.side, SIDES)
        c.ref("liaison_id", self.liaison_id)
        c.day("liaison_since", self.liaison_since, required=False)
        c.line("branch", self.branch)
        c.refs("hosts", self.hosts)
        c.level("capacity", self.capacity, 1, 200)
        if not isinstance(self.hours, dict) or any(d not in DAYS for d in self.hours):
            c.fail("hours", "must map mon..sun to opening spans")
        else:
            try:
                parse_hours(format_hours(self.hours))
            except ValueError as exc:
                c.fail("hours", str(exc))
        c.text("notes", self.notes)
        if not isinstance(self.closed_dates, list):
            c.fail("closed_dates", "must be a list of dates")
        else:
            for d in self.closed_dates:
                c.day("closed_dates", d)


@dataclass
class Programme(Model):
    TABLE: ClassVar[str] = "programmes"
    name: str = ""
    description: str = ""
    start: str | None = None  # date
    end: str | None = None  # date
    coordinator_id: int | None = None
    goals: list[dict[str, Any]] = field(default_factory=list)
    active: bool = True

    def check_fields(self, c: _Checker) -> None:
        c.line("name", self.name, required=True, limit=NAME_MAX)
        c.text("description", self.description)
        c.day("start", self.start, required=False)
        c.day("end", self.end, required=False)
        if self.start and self.end and "start" not in c.errors and "end" not in c.errors:
            if self.end < self.start:
                c.fail("end", "is before the start")
        c.ref("coordinator_id", self.coordinator_id)


@dataclass
class Visit(Model):
    TABLE: ClassVar[str] = "visits"
    department_id: int | None = None
    visitors: list[int] = field(default_factory=list)
    hosts: list[int] = field(default_factory=list)
    start: str = ""  # aware ISO 8601
    end: str = ""
    kind: str = "tour"
    purpose: str = ""
    status: str = "requested"
    programme_id: int | None = None
    rrule: str = ""  # RFC 5545 RRULE text, without DTSTART
    timezone: str = ""  # IANA zone the recurrence is anchored in
    series_id: int | None = None  # set on a record that overrides one occurrence of a series
    occurrence: str = ""  # that occurrence's original start (aware ISO 8601)
    override_reason: str = ""  # why soft conflicts were accepted
    status_reason: str = ""  # why it was last cancelled or reopened (the audit keeps each)

    def check_fields(self, c: _Checker) -> None:
        c.ref("department_id", self.department_id, required=True)
        c.refs("visitors", self.visitors, at_least=1)
        c.refs("hosts", self.hosts, at_least=1)
        c.timestamp("start", self.start)
        c.timestamp("end", self.end)
        if "start" not in c.errors and "end" not in c.errors:
            if datetime.fromisoformat(self.end) <= datetime.fromisoformat(self.start):
                c.fail("end", "must be after the start")
        c.choice("kind", self.kind, VISIT_KINDS)
        c.text("purpose", self.purpose)
        c.choice("status", self.status, VISIT_STATUSES)
        c.ref("programme_id", self.programme_id)
        c.line("rrule", self.rrule, limit=500)
        c.line("timezone", self.timezone)
        c.ref("series_id", self.series_id)
        if self.series_id is not None:
            c.timestamp("occurrence", self.occurrence)
            if self.rrule:
                c.fail("rrule", "an occurrence of a series cannot repeat itself")
        c.text("override_reason", self.override_reason)
        c.text("status_reason", self.status_reason)


@dataclass
class Observation(Model):
    TABLE: ClassVar[str] = "observations"
    visit_id: int | None = None
    author_id: int | None = None
    side: str = "it"
    kind: str = "workflow seen"
    text: str = ""
    at: str = ""

    def check_fields(self, c: _Checker) -> None:
        c.ref("visit_id", self.visit_id, required=True)
        c.ref("author_id", self.author_id, required=True)
        c.choice("side", self.side, SIDES)
        c.choice("kind", self.kind, OBSERVATION_KINDS)
        c.text("text", self.text, required=True)
        c.timestamp("at", self.at)


@dataclass
class Suggestion(Model):
    TABLE: ClassVar[str] = "suggestions"
    title: str = ""
    description: str = ""
    direction: str = ""  # it-to-library | library-to-it; defaults to the author's side
    visit_id: int | None = None
    department_id: int | None = None
    impact: str = "medium"
    urgency: str = "medium"
    risks: list[str] = field(default_factory=list)
    impact_override: str | None = None
    tags: list[str] = field(default_factory=list)
    author_id: int | None = None
    status: str = "new"
    votes: list[int] = field(default_factory=list)
    duplicate_of: int | None = None
    reason: str = ""  # why it was last moved (declining needs one)
    observations: list[int] = field(default_factory=list)  # the notes it came from
    merged_from: list[int] = field(default_factory=list)
    triaged: str | None = None  # when it first left "new" (the triage clock stops)
    closed: str | None = None  # when it became done or declined

    def check_fields(self, c: _Checker) -> None:
        c.line("title", self.title, required=True)
        c.text("description", self.description)
        c.choice("direction", self.direction, DIRECTIONS)
        c.ref("visit_id", self.visit_id)
        c.ref("department_id", self.department_id)
        c.choice("impact", self.impact, LEVELS)
        c.choice("urgency", self.urgency, LEVELS)
        if not isinstance(self.risks, list) or any(r not in RISKS for r in self.risks):
            c.fail("risks", f"each must be one of: {', '.join(RISKS)}")
        c.choice("impact_override", self.impact_override, LEVELS, required=False)
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            c.fail("tags", "must be a list of words")
        else:
            for t in self.tags:
                c.line("tags", t, required=True, limit=40)
        c.ref("author_id", self.author_id, required=True)
        c.choice("status", self.status, SUGGESTION_STATUSES)
        c.refs("votes", self.votes)
        c.ref("duplicate_of", self.duplicate_of)
        if self.status == "duplicate" and self.duplicate_of is None:
            c.fail("duplicate_of", "a duplicate must point at the suggestion it duplicates")
        if self.status == "declined" and not (self.reason or "").strip():
            c.fail("reason", "declining needs a reason")
        c.text("reason", self.reason)
        c.refs("observations", self.observations)
        c.refs("merged_from", self.merged_from)
        c.timestamp("triaged", self.triaged, required=False)
        c.timestamp("closed", self.closed, required=False)


@dataclass
class Action(Model):
    TABLE: ClassVar[str] = "actions"
    title: str = ""
    owner_id: int | None = None
    due: str | None = None  # date
    status: str = "open"
    suggestion_id: int | None = None
    observation_id: int | None = None
    visit_id: int | None = None
    notes: str = ""
    reason: str = ""
    done_at: str | None = None

    def check_fields(self, c: _Checker) -> None:
        c.line("title", self.title, required=True)
        c.ref("owner_id", self.owner_id, required=True)
        c.day("due", self.due, required=False)
        c.choice("status", self.status, ACTION_STATUSES)
        c.ref("suggestion_id", self.suggestion_id)
        c.ref("observation_id", self.observation_id)
        c.ref("visit_id", self.visit_id)
        if not (self.suggestion_id or self.observation_id or self.visit_id):
            c.fail("suggestion_id", "an action belongs to a suggestion, observation or visit")
        c.text("notes", self.notes)
        if self.status == "dropped" and not (self.reason or "").strip():
            c.fail("reason", "dropping an action needs a reason")
        c.text("reason", self.reason)
        c.timestamp("done_at", self.done_at, required=False)


@dataclass
class Kudos(Model):
    TABLE: ClassVar[str] = "kudos"
    to_id: int | None = None
    from_id: int | None = None
    text: str = ""
    visit_id: int | None = None
    observation_id: int | None = None
    announced: bool = False

    def check_fields(self, c: _Checker) -> None:
        c.ref("to_id", self.to_id, required=True)
        c.ref("from_id", self.from_id, required=True)
        c.text("text", self.text, required=True)
        c.ref("visit_id", self.visit_id)
        c.ref("observation_id", self.observation_id)


FEEDBACK_LEARNED_MAX = 500  # "one thing I learned": a sentence or two, not an essay


@dataclass
class Feedback(Model):
    """One person's rating of one visit (or one occurrence of a series), by its visitor or host."""

    TABLE: ClassVar[str] = "feedback"
    visit_id: int | None = None
    author_id: int | None = None
    side: str = "it"  # the rater's side when they rated
    rating: int = 3  # usefulness, 1-5
    again: bool | None = None  # would do it again; None: not said
    learned: str = ""  # one thing I learned (optional)
    at: str = ""

    def check_fields(self, c: _Checker) -> None:
        c.ref("visit_id", self.visit_id, required=True)
        c.ref("author_id", self.author_id, required=True)
        c.choice("side", self.side, SIDES)
        c.level("rating", self.rating, 1, 5)
        if self.again is not None and not isinstance(self.again, bool):
            c.fail("again", "must be yes, no or not said")
        c.line("learned", self.learned, limit=FEEDBACK_LEARNED_MAX)
        c.timestamp("at", self.at)


@dataclass
class Survey(Model):
    TABLE: ClassVar[str] = "surveys"
    department_id: int | None = None
    respondent_id: int | None = None
    phase: str = "before"
    visit_id: int | None = None
    expectation: dict[str, int] = field(default_factory=dict)
    perception: dict[str, int] = field(default_factory=dict)
    answered: str = ""

    def check_fields(self, c: _Checker) -> None:
        c.ref("department_id", self.department_id, required=True)
        c.ref("respondent_id", self.respondent_id, required=True)
        c.choice("phase", self.phase, SURVEY_PHASES)
        c.ref("visit_id", self.visit_id)
        for name in ("expectation", "perception"):
            scores = getattr(self, name)
            if not isinstance(scores, dict) or set(scores) != set(SURVEY_DIMENSIONS):
                c.fail(name, f"needs a 1-5 score for each of: {', '.join(SURVEY_DIMENSIONS)}")
                continue
            for dim in SURVEY_DIMENSIONS:
                c.level(name, scores[dim], 1, 5)
        c.timestamp("answered", self.answered)


@dataclass
class AuditEntry(Model):
    TABLE: ClassVar[str] = "audit"
    ts: str = ""
    actor: str = ""
    entity: str = ""
    entity_id: int | None = None
    field: str = ""
    old: Any = None
    new: Any = None

    def check_fields(self, c: _Checker) -> None:
        c.timestamp("ts", self.ts)
        c.line("actor", self.actor, required=True)
        c.line("entity", self.entity, required=True)
        c.ref("entity_id", self.entity_id, required=True)
        c.line("field", self.field, required=True)

    @classmethod
    def validate_doc(cls, doc: dict[str, Any], valid_names: set[tuple[str, str, str]]) -> None:
        """``from_doc(doc).validate()``, quick for the usual entry: ten years hold 390,000
        entries but a few hundred (actor, entity, field) triples, each checked in full once
        (``valid_names`` keeps those found valid); after that only the entry's id and time
        stamp are checked. Anything else is checked in full, so a problem reads the same."""
        names = (doc.get("actor"), doc.get("entity"), doc.get("field"))
        plain = type(names[0]) is str and type(names[1]) is str and type(names[2]) is str
        entity_id = doc.get("entity_id")
        if plain and names in valid_names and type(entity_id) is int and entity_id >= 1:
            ts = doc.get("ts")  # as _Checker.timestamp, without building a checker
            if type(ts) is str and ts:
                try:
                    if datetime.fromisoformat(ts).tzinfo is not None:
                        return
                except ValueError:
                    pass
        cls.from_doc(doc).validate()
        if plain:
            valid_names.add(names)  # type: ignore[arg-type]


@dataclass
class Secondment(Model):
    """A multi-day temporary assignment: a person works in a host department for a while,
    writes one short line a day, and the host signs it off at the end."""

    TABLE: ClassVar[str] = "secondments"
    person_id: int | None = None
    department_id: int | None = None
    host_id: int | None = None
    start: str = ""  # date
    end: str = ""  # date
    goals: str = ""  # the learning goals
    log: list[dict[str, str]] = field(default_factory=list)  # {"day", "text", "at"}
    signed_off: str | None = None  # when the host signed it off
    sign_off_comment: str = ""

    def check_fields(self, c: _Checker) -> None:
        c.ref("person_id", self.person_id, required=True)
        c.ref("department_id", self.department_id, required=True)
        c.ref("host_id", self.host_id, required=True)
        c.day("start", self.start)
        c.day("end", self.end)
        if "start" not in c.errors and "end" not in c.errors and self.end < self.start:
            c.fail("end", "is before the start")
        c.text("goals", self.goals)
        if not isinstance(self.log, list) or not all(isinstance(e, dict) for e in self.log):
            c.fail("log", "must be a list of daily entries")
        else:
            for entry in self.log:
                c.day("log", entry.get("day"))
                c.line("log", entry.get("text"), required=True, limit=LINE_MAX)
                c.timestamp("log", entry.get("at"))
        c.timestamp("signed_off", self.signed_off, required=False)
        c.text("sign_off_comment", self.sign_off_comment)


WAIT_SIDES = ("library", "it", "vendor")
WAIT_RECORDS = ("suggestions", "actions")


@dataclass
class Wait(Model):
    """A stretch of time a suggestion or action waited on one side (``end`` None: still waiting)."""

    TABLE: ClassVar[str] = "waits"
    record: str = "suggestions"  # suggestions | actions
    record_id: int | None = None
    on: str = ""  # library | it | vendor
    note: str = ""
    start: str = ""
    end: str | None = None

    def check_fields(self, c: _Checker) -> None:
        c.choice("record", self.record, WAIT_RECORDS)
        c.ref("record_id", self.record_id, required=True)
        c.choice("on", self.on, WAIT_SIDES)
        c.text("note", self.note)
        c.timestamp("start", self.start)
        c.timestamp("end", self.end, required=False)


@dataclass
class ClockStart(Model):
    """A suggestion's service-level clocks re-timed from a priority change (the history)."""

    TABLE: ClassVar[str] = "clock_starts"
    suggestion_id: int | None = None
    at: str = ""
    priority: int = 3
    previous: int = 3

    def check_fields(self, c: _Checker) -> None:
        c.ref("suggestion_id", self.suggestion_id, required=True)
        c.timestamp("at", self.at)
        c.level("priority", self.priority, 1, 5)
        c.level("previous", self.previous, 1, 5)


MODELS: dict[str, type[Model]] = {
    m.TABLE: m
    for m in (
        Person,
        Department,
        Programme,
        Visit,
        Observation,
        Suggestion,
        Action,
        Kudos,
        Feedback,
        Survey,
        Secondment,
        AuditEntry,
        Wait,
        ClockStart,
    )
}


def is_empty(store: Any) -> bool:
    """No records at all (the first run), told without parsing ten years of tables."""
    return not any(store.size_hint(table) for table in MODELS if table != "audit")
