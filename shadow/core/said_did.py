""" "You said, we did": per department, the suggestions it raised that were done.

A suggestion counts for a department when its author belongs to the department (their
``department_id``, or for an IT team their team name), or when it was raised on a visit to
the department by someone of the department's own side (a host writing it down). Only
suggestions whose status is ``done`` are listed, newest first, each in plain language
(the jargon check's readable replacements, ``core/plain.py``), with when it was done, who
marked it done (from the audit trail) and who carried out its actions.

Rendered as Markdown (user text escaped) or as a standalone printable HTML page (every
piece of user text through ``html.escape``; the page carries no script).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from . import plain
from .dates import format_day, from_iso
from .directory import find_department
from .models import Action, Department, Person, Suggestion, Visit
from .reports import md_escape
from .store import Store

FORMATS = ("md", "html")


@dataclass(frozen=True)
class DoneItem:
    id: int
    said: str  # the suggestion's title, in plain words
    detail: str  # its description, in plain words
    raised_by: str
    raised_on: str  # ISO
    done_on: str  # ISO
    marked_by: str  # who marked it done ("" when the history does not say)
    carried_out_by: list[str]  # owners of its done actions


@dataclass(frozen=True)
class SaidDid:
    department: Department
    now: datetime
    items: list[DoneItem]


def _members(store: Store, dept: Department) -> set[int]:
    out = set()
    for d in store.all(Person.TABLE):
        if d.get("department_id") == dept.id:
            out.add(d["id"])
        elif dept.side == "it" and d.get("side") == "it":
            if str(d.get("team") or "").casefold() == dept.name.casefold():
                out.add(d["id"])
    return out


def read(store: Store, ref: int | str, now: datetime) -> SaidDid:
    dept = find_department(store, ref)
    members = _members(store, dept)
    people = {d["id"]: d for d in store.all(Person.TABLE)}
    visits = {d["id"] for d in store.all(Visit.TABLE) if d.get("department_id") == dept.id}
    owners: dict[int, list[str]] = {}
    for a in store.all(Action.TABLE):
        if a.get("suggestion_id") and a.get("status") == "done":
            name = people.get(a.get("owner_id"), {}).get("name", "?")
            names = owners.setdefault(a["suggestion_id"], [])
            if name not in names:
                names.append(name)
    items = []
    for doc in store.all(Suggestion.TABLE):
        s = Suggestion.from_doc(doc)
        if s.status != "done":
            continue
        author = people.get(s.author_id, {})
        ours = s.author_id in members or (s.visit_id in visits and author.get("side") == dept.side)
        if not ours:
            continue
        marked = [
            e
            for e in store.audit(Suggestion.TABLE, doc["id"])
            if e.get("field") == "status" and e.get("new") == "done"
        ]
        items.append(
            DoneItem(
                id=doc["id"],
                said=plain.replace_all(s.title),
                detail=plain.replace_all(s.description),
                raised_by=author.get("name", "?"),
                raised_on=doc.get("created", ""),
                done_on=s.closed or (marked[-1]["ts"] if marked else doc.get("updated", "")),
                marked_by=marked[-1].get("actor", "") if marked else "",
                carried_out_by=owners.get(doc["id"], []),
            )
        )
    items.sort(key=lambda i: (i.done_on, i.id), reverse=True)
    return SaidDid(dept, now, items)


def _day(iso: str) -> str:
    return format_day(from_iso(iso).date()) if iso else "?"


def _by(item: DoneItem) -> str:
    parts = []
    if item.carried_out_by:
        parts.append(f"carried out by {', '.join(item.carried_out_by)}")
    if item.marked_by:
        parts.append(f"marked done by {item.marked_by}")
    return "; ".join(parts)


def markdown(report: SaidDid) -> str:
    name = md_escape(report.department.name)
    out = [
        f"# You said, we did: {name}",
        "",
        f"Suggestions raised by {name} that have been done, as of {format_day(report.now.date())}.",
        "",
    ]
    if not report.items:
        out.append("Nothing done yet: the suggestions raised are still being worked on.")
    for item in report.items:
        out.append(f"## You said: {md_escape(item.said)}")
        out.append("")
        if item.detail:
            out.append(md_escape(item.detail))
            out.append("")
        out.append(
            f"- **Raised** by {md_escape(item.raised_by)} on {_day(item.raised_on)} (#{item.id})"
        )
        by = _by(item)
        out.append(
            f"- **We did it** on {_day(item.done_on)}" + (f", {md_escape(by)}" if by else "")
        )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


_STYLE = (
    "body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}"
    "h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.6em}"
    ".when{color:#444}@media print{body{margin:0}}"
)


def html_page(report: SaidDid) -> str:
    e = html.escape
    name = e(report.department.name)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>You said, we did: {name}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>You said, we did: {name}</h1>",
        f"<p>Suggestions raised by {name} that have been done, as of "
        f"{e(format_day(report.now.date()))}.</p>",
    ]
    if not report.items:
        out.append("<p>Nothing done yet: the suggestions raised are still being worked on.</p>")
    for item in report.items:
        out.append(f"<h2>You said: {e(item.said)}</h2>")
        if item.detail:
            out.append("<p>" + e(item.detail).replace("\n", "<br>") + "</p>")
        by = _by(item)
        out.append(
            f'<p class="when">Raised by {e(item.raised_by)} on {e(_day(item.raised_on))} '
            f"(#{item.id}).<br>We did it on {e(_day(item.done_on))}"
            + (f", {e(by)}" if by else "")
            + ".</p>"
        )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(report: SaidDid, fmt: str) -> str:
    return html_page(report) if fmt == "html" else markdown(report)
