"""Build a realistic shadow installation: ten years of a large library network.

    .venv/bin/python benchmarks/generate.py --records 150000 --seed 1 --out PATH
        [--today YYYY-MM-DD] [--tinydb PATH] [--sqlite PATH]

Everything is written through the core: the models' own ``validate()``, the
store's ``transaction()`` with ``insert``/``update`` (so every record carries
its bookkeeping and every change its audit entry), ``schedule.parse_repeat``
and ``schedule.expand`` for series and their overrides, and the same changes
``backlog.vote``/``backlog.merge``/``set_status`` make. What it does not do is
one transaction per record: history is written a month at a time, one
transaction per month, back-dated to that month (``created`` and the audit
time), because fsyncing 400,000 separate saves would take an hour and says
nothing a benchmark needs. Booking conflicts are not checked (that check reads
every visit, which would make building quadratic); visits keep to opening
hours on weekdays.

The proportions are those of issue 12 (for 150,571 records: 300 people,
60 departments, 40,880 visits with 389 series and their overrides, 63,069
notes, 20,065 suggestions with 22,735 votes and 1,267 merges, 15,655
actions, 5,208 kudos, 5,333 surveys), scaled to ``--records``. Output is
deterministic for a seed, a size and a ``--today`` (default: today).

``--tinydb`` and ``--sqlite`` also write the same records as a plain TinyDB
file (its default ``JSONStorage``) and as an SQLite database (WAL), the
baselines ``bench.py`` compares against.

The person and suggestion makers here are the ones ``store_bench.py`` and
``backlog_bench.py`` use.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shadow.core import dates, schedule  # noqa: E402
from shadow.core.models import (  # noqa: E402
    IT_ROLES,
    LEVELS,
    LIBRARY_ROLES,
    OBSERVATION_KINDS,
    RISKS,
    SURVEY_DIMENSIONS,
    VISIT_KINDS,
    Action,
    Department,
    Kudos,
    Observation,
    Person,
    Programme,
    Suggestion,
    Survey,
    Visit,
)
from shadow.core.store import Store  # noqa: E402

FIRST = "Ada Bram Chloé Dmitri Efua Fatima Gus Hana Ivo Jun Kofi Lena Mateus Noor Olek".split()
LAST = "Abara Becker Castillo Dubois Eriksen Fujita García Haddad Iyer O'Brien Petrov".split()
TEAMS = ["Service desk", "Infrastructure", "Apps", "Security", "Circulation", "Cataloguing"]
TEAMS += ["Branch services", "Digital", "Outreach", "Collections"]
WORDS = ["printer", "wifi", "catalogue", "kiosk", "sorter", "website", "login", "scanner"]
BRANCHES = "Central Northgate Riverside Hillcrest Eastfield Harbour Oakwood Westbrook".split()
DEPTS = "Circulation Cataloguing Reference Children's Makerspace Archives Outreach Acquisitions"
DEPTS = DEPTS.split()
THINGS = [
    "self-checkout kiosk",
    "public wifi login",
    "catalogue search",
    "label printer",
    "returns sorter",
    "room booking page",
    "barcode scanner",
    "staff intranet",
    "e-book lending app",
    "print release queue",
]
SEEN = [
    "queues at the {t} every morning",
    "staff re-type data from the {t} into a spreadsheet",
    "the {t} times out after two minutes",
    "patrons ask for help with the {t} several times an hour",
    "the {t} works well once it is explained",
    "a workaround for the {t} nobody wrote down",
]

# Issue 12's installation: records of each kind per 150,571.
FULL = 150_571
SHARE = {
    "visits": 40_880,
    "observations": 63_069,
    "suggestions": 20_065,
    "actions": 15_655,
    "kudos": 5_208,
    "surveys": 5_333,
}
SERIES_PER_VISIT = 389 / 40_880
VOTES_PER_SUGGESTION = 22_735 / 20_065
MERGES_PER_SUGGESTION = 1_267 / 20_065
YEARS = 10
ACTOR = "generator"


# ------------------------------------------------------------------ shared makers
def person(rng: random.Random, i: int) -> dict:
    """A realistic Person document (name, side, role, team, email, active)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    side = rng.choice(("it", "library"))
    return {
        "name": f"{first} {last} {i}",
        "side": side,
        "role": rng.choice(IT_ROLES if side == "it" else LIBRARY_ROLES),
        "department_id": rng.randint(1, 60) if side == "library" else None,
        "team": rng.choice(TEAMS),
        "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{i}@example.org",
        "active": rng.random() > 0.1,
    }


def suggestion(rng: random.Random, i: int, author_id: int, **more) -> Suggestion:
    """A suggestion about one of the usual things (what the backlog benchmark fills in)."""
    word = rng.choice(WORDS)
    return Suggestion(
        title=f"Suggestion {i} about the {word}",
        direction=rng.choice(("it-to-library", "library-to-it")),
        impact=rng.choice(LEVELS),
        urgency=rng.choice(LEVELS),
        tags=[word],
        author_id=author_id,
        **more,
    )


# ------------------------------------------------------------------ the installation
class Builder:
    def __init__(self, store: Store, records: int, seed: int, today: date):
        self.store = store
        self.rng = random.Random(seed)
        self.zone = dates.local_zone()
        self.zone_name = dates.zone_name()
        self.now = datetime.combine(today, dtime(8, 0), self.zone)
        self.records = records
        scale = records / FULL
        self.n_people = min(300, max(12, records // 30))
        self.n_depts = min(60, max(3, records // 150))
        self.counts = {k: max(1, round(v * scale)) for k, v in SHARE.items()}
        self.it: list[int] = []
        self.library: list[int] = []
        self.side: dict[int, str] = {}
        self.depts: list[tuple[int, list[int]]] = []
        self.programmes: dict[int, int] = {}
        self.done_visits: list[tuple[int, Visit]] = []  # completed, with their ids
        self.notes: list[tuple[int, int]] = []  # (note id, visit id) of recent visits
        self.open_suggestions: list[int] = []
        self.suggestions: list[tuple[int, Suggestion]] = []
        self.stats = {"votes": 0, "merges": 0, "series": 0, "overrides": 0, "transactions": 0}

    # --- helpers
    def at(self, day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, dtime(hh, mm), self.zone)

    def iso(self, value: datetime) -> str:
        return dates.to_iso(min(value, self.now))

    def weekday(self, lo: date, hi: date) -> date:
        while True:
            day = lo + timedelta(days=self.rng.randrange(max(1, (hi - lo).days)))
            if day.weekday() < 5:
                return day

    def insert(self, tx, model, summary: str, created: datetime) -> int:
        model.validate()
        return tx.insert(model.TABLE, model.to_doc(), summary=summary, created=self.iso(created))

    # --- directory
    def directory(self) -> None:
        rng = self.rng
        start = self.now - timedelta(days=365 * YEARS + 30)
        with self.store.transaction(ACTOR) as tx:
            tx.ts = self.iso(start)
            dept_ids = []
            for d in range(self.n_depts):
                closed = sorted(
                    {
                        self.weekday(date(y, 1, 1), date(y, 12, 31)).isoformat()
                        for y in range(self.now.year - YEARS, self.now.year + 2)
                        for _ in range(8)
                    }
                )
                sat = {"sat": [["10:00", "14:00"]]} if d % 3 == 0 else {}
                dept = Department(
                    name=f"{BRANCHES[d % len(BRANCHES)]} {DEPTS[d // len(BRANCHES) % 8]} {d + 1}",
                    branch=BRANCHES[d % len(BRANCHES)],
                    capacity=rng.randint(2, 6),
                    hours={day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
                    | sat,
                    closed_dates=closed,
                )
                dept_ids.append(self.insert(tx, dept, dept.name, start))
            for i in range(1, self.n_people + 1):
                doc = person(rng, i)
                side = "it" if i % 2 else "library"  # half and half, so every side has people
                doc.update(
                    side=side,
                    role=rng.choice(IT_ROLES if side == "it" else LIBRARY_ROLES),
                    department_id=rng.choice(dept_ids) if side == "library" else None,
                    active=rng.random() > 0.05,
                )
                p = Person(**doc)
                pid = self.insert(tx, p, p.name, start)
                self.side[pid] = side
                if p.active:
                    (self.it if side == "it" else self.library).append(pid)
            by_dept: dict[int, list[int]] = {}
            for pid in self.library:
                doc = tx.get(Person.TABLE, pid)
                by_dept.setdefault(doc["department_id"], []).append(pid)
            for did in dept_ids:
                hosts = by_dept.get(did) or rng.sample(self.library, 2)
                hosts = hosts[:4]
                tx.update(Department.TABLE, did, {"hosts": hosts})
                self.depts.append((did, hosts))
            # Programme-wide closures that stop service-level clocks: the public holidays.
            holidays = ("01-01", "05-01", "12-24", "12-25", "12-26", "12-31", "08-15", "11-11")
            tx.set_setting(
                "closures",
                [
                    f"{y}-{md}"
                    for y in range(self.now.year - YEARS, self.now.year + 2)
                    for md in holidays
                ],
            )
            for y in range(self.now.year - YEARS, self.now.year + 1):
                prog = Programme(
                    name=f"Shadowing {y}",
                    description=f"The {y} round of the job-shadowing programme",
                    start=f"{y}-01-01",
                    end=f"{y}-12-31",
                    coordinator_id=rng.choice(self.library),
                    goals=[],
                )
                self.programmes[y] = self.insert(tx, prog, prog.name, start)

    # --- one month of history
    def month(self, tx, lo: date, hi: date, weight: float) -> None:
        rng = self.rng
        n = {k: self.draw(v * weight) for k, v in self.counts.items()}
        fresh: list[tuple[int, Visit]] = []
        visits_left = n["visits"]
        while visits_left > 0:
            if rng.random() < SERIES_PER_VISIT:
                visits_left -= self.series(tx, lo, hi)
            else:
                vid, v = self.visit(tx, lo, hi)
                visits_left -= 1
                if v.status == "completed":
                    fresh.append((vid, v))
        self.done_visits.extend(fresh)
        pool = fresh or self.done_visits[-200:]
        if not pool:
            return
        month_notes = []
        for _ in range(n["observations"]):
            vid, v = rng.choice(pool)
            month_notes.append((self.note(tx, vid, v), vid))
        self.notes = (self.notes + month_notes)[-500:]
        for _ in range(n["kudos"]):
            vid, v = rng.choice(pool)
            giver = rng.choice(v.visitors + v.hosts)
            to = rng.choice([p for p in v.visitors + v.hosts if p != giver] or self.it)
            if to == giver:
                continue
            k = Kudos(to_id=to, from_id=giver, text="Thank you for the afternoon", visit_id=vid)
            k.announced = from_iso(v.end) < self.now - timedelta(days=30)
            self.insert(tx, k, "kudos", from_iso(v.end) + timedelta(hours=2))
        for _ in range(n["surveys"]):
            vid, v = rng.choice(pool)
            phase = rng.choice(("before", "after"))
            when = from_iso(v.start) - timedelta(days=2) if phase == "before" else from_iso(v.end)
            expect = {d: rng.randint(2, 5) for d in SURVEY_DIMENSIONS}
            s = Survey(
                department_id=v.department_id,
                respondent_id=rng.choice(v.hosts),
                phase=phase,
                visit_id=vid,
                expectation=expect,
                perception={d: max(1, min(5, expect[d] + rng.randint(-2, 1))) for d in expect},
                answered=self.iso(when + timedelta(days=1)),
            )
            self.insert(tx, s, "survey", when + timedelta(days=1))
        actions_left = n["actions"]
        for _ in range(n["suggestions"]):
            vid, v = rng.choice(pool)
            actions_left -= self.suggest(tx, vid, v, actions_left)

    def draw(self, mean: float) -> int:
        whole = int(mean)
        return whole + (1 if self.rng.random() < mean - whole else 0)

    def visit(self, tx, lo: date, hi: date) -> tuple[int, Visit]:
        rng = self.rng
        did, hosts = rng.choice(self.depts)
        day = self.weekday(lo, hi)
        start = self.at(day, rng.randint(9, 14), rng.choice((0, 30)))
        end = start + timedelta(hours=rng.choice((1, 2, 2, 3)))
        v = Visit(
            department_id=did,
            visitors=rng.sample(self.it, rng.choice((1, 1, 2))),
            hosts=rng.sample(hosts, min(len(hosts), rng.choice((1, 1, 2)))),
            start=dates.to_iso(start),
            end=dates.to_iso(end),
            kind=rng.choice(VISIT_KINDS),
            purpose=f"See how the {rng.choice(THINGS)} is used",
            status="requested",
            programme_id=self.programmes.get(day.year),
            timezone=self.zone_name,
        )
        vid = self.insert(tx, v, "visit", start - timedelta(days=rng.randint(3, 30)))
        if end < self.now:
            final = rng.choices(("completed", "cancelled", "no-show"), (86, 10, 4))[0]
            if final != "cancelled":
                tx.update(Visit.TABLE, vid, {"status": "confirmed"})
            tx.update(Visit.TABLE, vid, {"status": final})
            v.status = final
        elif rng.random() < 0.6:
            tx.update(Visit.TABLE, vid, {"status": "confirmed"})
            v.status = "confirmed"
        return vid, v

    def series(self, tx, lo: date, hi: date) -> int:
        """A weekly or fortnightly series of 8-20 visits, with a few occurrences changed."""
        rng = self.rng
        did, hosts = rng.choice(self.depts)
        day = self.weekday(lo, hi)
        start = self.at(day, rng.randint(9, 14))
        end = start + timedelta(hours=2)
        phrase = f"{rng.choice(('weekly', 'fortnightly'))} {rng.randint(8, 20)} times"
        v = Visit(
            department_id=did,
            visitors=rng.sample(self.it, 1),
            hosts=[rng.choice(hosts)],
            start=dates.to_iso(start),
            end=dates.to_iso(end),
            kind="shadowing",
            purpose="A regular afternoon on the desk",
            status="requested",
            programme_id=self.programmes.get(day.year),
            timezone=self.zone_name,
            rrule=schedule.parse_repeat(phrase, start),
        )
        vid = self.insert(tx, v, "series", start - timedelta(days=14))
        tx.update(Visit.TABLE, vid, {"status": "confirmed"})
        v.id, v.status = vid, "confirmed"
        self.stats["series"] += 1
        occs = schedule.expand(v, start, start + timedelta(days=400))
        written = 1
        for occ in rng.sample(occs, min(len(occs), rng.randint(1, 4))):
            changes: dict = {"status": "cancelled"}
            if rng.random() < 0.4:  # moved a day later instead
                changes = {
                    "start": dates.to_iso(occ.start + timedelta(days=1)),
                    "end": dates.to_iso(occ.end + timedelta(days=1)),
                }
            elif occ.end < self.now and rng.random() < 0.5:
                changes = {"status": "completed", "override_reason": "logged by the host"}
            doc = occ.visit.to_doc() | {
                "rrule": "",
                "series_id": vid,
                "occurrence": occ.original,
                "start": dates.to_iso(occ.start),
                "end": dates.to_iso(occ.end),
            }
            doc.update(changes)
            self.insert(tx, Visit.from_doc(doc), f"occurrence of visit #{vid}", occ.start)
            self.stats["overrides"] += 1
            written += 1
        return written

    def note(self, tx, vid: int, v: Visit) -> int:
        rng = self.rng
        author = rng.choice(v.visitors + v.hosts)
        at = from_iso(v.end) + timedelta(minutes=rng.randint(5, 600))
        text = rng.choice(SEEN).format(t=rng.choice(THINGS))
        if rng.random() < 0.3:
            text += "\n\n" + "We talked it through afterwards; details in the visit log. " * 3
        obs = Observation(
            visit_id=vid,
            author_id=author,
            side=self.side[author],
            kind=rng.choice(OBSERVATION_KINDS),
            text=text,
            at=self.iso(at),
        )
        return self.insert(tx, obs, f"note on visit #{vid}", at)

    def suggest(self, tx, vid: int, v: Visit, actions_left: int) -> int:
        """One suggestion with its lifecycle, votes and actions; returns the actions written."""
        rng = self.rng
        created = from_iso(v.end) + timedelta(hours=rng.randint(2, 72))
        author = rng.choice(v.visitors + v.hosts)
        i = len(self.suggestions) + 1
        s = suggestion(
            rng,
            i,
            author,
            description=f"After visit #{vid}: {rng.choice(SEEN).format(t=rng.choice(THINGS))}.",
            visit_id=vid,
            department_id=v.department_id,
            risks=rng.sample(RISKS, rng.choice((0, 0, 1, 2))),
            observations=[n for n, nv in self.notes[-50:] if nv == vid][:2],
        )
        s.direction = "it-to-library" if self.side[author] == "it" else "library-to-it"
        sid = self.insert(tx, s, s.title, created)
        # votes, one update each (what backlog.vote does)
        votes: list[int] = []
        for _ in range(self.draw(VOTES_PER_SUGGESTION * 1.07)):
            voter = rng.choice(self.it + self.library)
            if voter not in votes:
                votes.append(voter)
                tx.update(Suggestion.TABLE, sid, {"votes": list(votes)})
                self.stats["votes"] += 1
        age = (self.now - created).days
        # merges: a fresh suggestion repeating an open one is folded into it (backlog.merge)
        if self.open_suggestions and rng.random() < MERGES_PER_SUGGESTION:
            keep_id = rng.choice(self.open_suggestions[-300:])
            keep = tx.get(Suggestion.TABLE, keep_id)
            merged = list(keep["votes"]) + [p for p in votes if p not in keep["votes"]]
            tx.update(
                Suggestion.TABLE,
                keep_id,
                {
                    "votes": merged,
                    "tags": sorted(set(keep["tags"]) | set(s.tags)),
                    "merged_from": sorted(set(keep["merged_from"]) | {sid}),
                },
            )
            when = self.iso(created + timedelta(days=1))
            tx.update(
                Suggestion.TABLE,
                sid,
                {
                    "status": "duplicate",
                    "duplicate_of": keep_id,
                    "votes": [],
                    "reason": f"merged into #{keep_id}",
                    "triaged": when,
                    "closed": when,
                },
            )
            self.stats["merges"] += 1
            return 0
        # triage: most within the clock, some late, recent ones not yet
        triage_days = rng.choice((1, 2, 3, 4, 6, 9, 15))
        # (and a few are forgotten: never triaged, their clock long breached)
        if (age <= triage_days and rng.random() < 0.7) or rng.random() < 0.02:
            self.open_suggestions.append(sid)
            return 0
        triaged = created + timedelta(days=min(triage_days, max(age, 0)))
        tx.update(Suggestion.TABLE, sid, {"status": "under review", "triaged": self.iso(triaged)})
        fate = rng.choices(
            ("under review", "accepted", "in progress", "done", "declined"), (5, 10, 10, 55, 20)
        )[0]
        if age < 120 and fate in ("done", "declined") and rng.random() < 0.6:
            fate = rng.choice(("under review", "accepted", "in progress"))
        if fate != "under review":
            changes: dict = {"status": fate}
            if fate == "declined":
                changes["reason"] = "Out of scope for this year's budget"
            if fate in ("done", "declined"):
                changes["closed"] = self.iso(triaged + timedelta(days=rng.randint(5, 120)))
            tx.update(Suggestion.TABLE, sid, changes)
        if fate not in ("done", "declined"):
            self.open_suggestions.append(sid)
        self.suggestions.append((sid, s))
        if fate in ("under review", "declined") or actions_left <= 0:
            return 0
        written = 0
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            due = (triaged + timedelta(days=rng.randint(14, 60))).date()
            status = "done" if fate == "done" else rng.choice(("open", "in progress", "done"))
            if status != "done" and due < self.now.date() - timedelta(days=200):
                status = rng.choice(("done", "dropped"))
            a = Action(
                title=f"Follow up #{sid}: {rng.choice(THINGS)}",
                owner_id=rng.choice(self.it),
                due=due.isoformat(),
                status="open",
                suggestion_id=sid,
            )
            aid = self.insert(tx, a, a.title, triaged)
            if status != "open":
                changes = {"status": status}
                if status == "done":
                    changes["done_at"] = self.iso(from_iso(a.due) - timedelta(days=3))
                if status == "dropped":
                    changes["reason"] = "Superseded by the new system"
                tx.update(Action.TABLE, aid, changes)
            written += 1
        return written

    def build(self) -> dict:
        self.directory()
        first = (self.now - timedelta(days=365 * YEARS)).date().replace(day=1)
        months = []
        day = first
        while day <= self.now.date():
            nxt = (day + timedelta(days=32)).replace(day=1)
            months.append((day, nxt))
            day = nxt
        # Activity grows over the years: the last year is three times as busy as the first.
        weights = [1 + 2 * i / max(1, len(months) - 1) for i in range(len(months))]
        total = sum(weights)
        future = 0.015  # the next eight weeks are booked too
        for (lo, hi), w in zip(months, weights, strict=True):
            with self.store.transaction(ACTOR) as tx:
                tx.ts = self.iso(datetime.combine(hi, dtime(0), self.zone) - timedelta(minutes=1))
                self.month(tx, lo, hi, w / total * (1 - future))
            self.stats["transactions"] += 1
        with self.store.transaction(ACTOR) as tx:
            tx.ts = self.iso(self.now)
            lo = self.now.date() + timedelta(days=1)
            for _ in range(self.draw(self.counts["visits"] * future)):
                self.visit(tx, lo, lo + timedelta(weeks=8))
        self.store.compact()
        return self.stats


def from_iso(text: str) -> datetime:
    return dates.from_iso(text)


def build(out: Path, records: int, seed: int = 1, today: date | None = None) -> dict:
    """Write a fresh installation at ``out``; returns counts by table and how it went."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (out, out.with_name(out.name + ".journal"), out.with_name(out.name + ".lock")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    with Store(out) as store:
        stats = Builder(store, records, seed, today or dates.now().date()).build()
        counts = {t: store.count(t) for t in store.tables() if t != "_meta"}
    stats["seconds"] = round(time.perf_counter() - started, 1)
    stats["records"] = sum(v for k, v in counts.items() if k not in ("audit", "settings"))
    return {"counts": counts, **stats}


# ------------------------------------------------------------------ baselines
def _tables(shadow_path: Path) -> dict[str, dict[str, dict]]:
    """Every table, the audit trail included (it lives in a file of its own)."""
    with Store(shadow_path, create=False, read_only=True) as store:
        return {t: {str(d.pop("id")): d for d in store.all(t)} for t in store.tables()}


def to_tinydb(shadow_path: Path, out: Path) -> None:
    """The same tables as one plain TinyDB file (JSONStorage, TinyDB's own layout)."""
    data = _tables(shadow_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    # TinyDB's JSONStorage layout is exactly {table: {id: doc}}; writing it directly
    # is what TinyDB(out).table(t).insert_multiple(...) would produce, minus 10 minutes.
    out.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def to_sqlite(shadow_path: Path, out: Path) -> None:
    """The same records in SQLite (WAL): one table per kind, JSON bodies, an index on
    notes by visit (the lookup the visit page does)."""
    data = _tables(shadow_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        stale.unlink(missing_ok=True)
    con = sqlite3.connect(out)
    con.execute("PRAGMA journal_mode=WAL")
    for table, rows in data.items():
        con.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, visit_id INTEGER, body TEXT)")
        con.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)",
            (
                (int(k), v.get("visit_id") if isinstance(v, dict) else None, json.dumps(v))
                for k, v in rows.items()
            ),
        )
    con.execute("CREATE INDEX observations_visit ON observations(visit_id)")
    con.commit()
    con.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="the shadow database to write")
    p.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    p.add_argument("--tinydb", type=Path, default=None, help="also write a plain TinyDB file")
    p.add_argument("--sqlite", type=Path, default=None, help="also write an SQLite database")
    args = p.parse_args(argv)
    if args.records < 100:
        p.error("--records must be at least 100")
    result = build(args.out, args.records, args.seed, args.today)
    if args.tinydb:
        to_tinydb(args.out, args.tinydb)
    if args.sqlite:
        to_sqlite(args.out, args.sqlite)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
