"""One suggestion in full: priority and why, status, votes, service-level clocks, history."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, Static

from shadow.core import backlog, dates, directory, sla
from shadow.core.models import Department, Observation, Person, Suggestion, Visit
from shadow.core.plain import count as counted

from ..commands import Command, bindings
from ..palette import SLA
from ..widgets.literal import history_content, one_line, visible
from .base import HELP_COMMAND, ShadowModal
from .suggestion_form import priority_content
from .wait import wait_content


class SuggestionDetail(ShadowModal[str]):
    """Dismisses with "edit", "wait" or "resume" (what the user asked for), else None."""

    DIALOG_TITLE = "Suggestion"
    HELP = (
        "A suggestion in full: its priority and why, its status, who voted, where it "
        "came from, its service-level clocks (triage and resolution, in business "
        "days), whose turn it is and every change made to it. Press e to edit it, t to mark "
        "it waiting on the library, IT or a vendor, g to resume it."
    )
    COMMAND_LIST = (
        Command("edit", "Edit", "Edit this suggestion", key="e"),
        Command("pick('wait')", "Waiting on", "Mark it waiting on library, IT or vendor", key="t"),
        Command("pick('resume')", "Resume", "It no longer waits on anyone", key="g"),
        Command("cancel", "Close", "Back to the backlog", key="escape,q"),
        HELP_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    SuggestionDetail .detail {
        width: 100;
        height: 90%;
    }
    SuggestionDetail VerticalScroll {
        height: 1fr;
    }
    SuggestionDetail .detail-heading {
        text-style: bold;
        color: $accent;
        margin-top: 1;
        width: 100%;
    }
    SuggestionDetail Static {
        width: 100%;
    }
    """

    def __init__(self, suggestion_id: int) -> None:
        super().__init__()
        self.suggestion_id = suggestion_id

    @property
    def help_title(self) -> str:
        return f"Suggestion #{self.suggestion_id}"

    def compose_dialog(self) -> ComposeResult:
        store = self.app.store
        doc = store.get(Suggestion.TABLE, self.suggestion_id)
        with Vertical(classes="dialog detail"):
            if doc is None:
                yield Label(f"Suggestion #{self.suggestion_id} no longer exists", markup=False)
                yield Button("Close", id="close")
                return
            s = Suggestion.from_doc(doc)
            people = directory.names_by_id(store, Person.TABLE)
            yield Label(
                f"#{s.id} {one_line(s.title)}", classes="dialog-title", markup=False, id="title"
            )
            with VerticalScroll():
                yield Static(priority_content(s), id="priority")
                yield Static(self._facts(s, doc, people), id="facts")
                yield Label("Service level", classes="detail-heading")
                yield Static(self._clocks(s, doc), id="clocks")
                yield Label("Whose turn", classes="detail-heading")
                yield Static(wait_content(store, "suggestions", s.id), id="waiting")
                yield Label("Description", classes="detail-heading")
                yield Static(
                    Content(visible(s.description))
                    if s.description
                    else Content.styled("none", "$text-muted"),
                    id="description",
                )
                notes = [
                    Observation.from_doc(d)
                    for d in (store.get(Observation.TABLE, i) for i in s.observations)
                    if d is not None
                ]
                if notes:
                    yield Label("From the notes", classes="detail-heading")
                    yield Static(
                        Content("\n").join(
                            Content.assemble(
                                (one_line(people.get(o.author_id, f"#{o.author_id}")), "bold"),
                                f" ({o.kind}): ",
                                visible(o.text),
                            )
                            for o in notes
                        ),
                        id="notes",
                    )
                yield Label("History", classes="detail-heading")
                yield Static(self._history(s), id="history")
            yield Button("Close", id="close")

    def _facts(self, s: Suggestion, doc: dict, people: dict[int, str]) -> Content:
        store = self.app.store
        status = Content.styled(s.status, "bold")
        if s.reason:
            status = Content.assemble(status, ("  why: ", "$text-muted"), one_line(s.reason))
        dept = store.get(Department.TABLE, s.department_id) if s.department_id else None
        visit = ""
        if s.visit_id:
            vdoc = store.get(Visit.TABLE, s.visit_id)
            if vdoc is not None:
                start, end = dates.from_iso(vdoc["start"]), dates.from_iso(vdoc["end"])
                visit = f"#{s.visit_id}, {dates.format_span(start, end)}"
            else:
                visit = f"#{s.visit_id} (gone)"
        created = doc.get("created", "")
        raised = one_line(people.get(s.author_id, f"#{s.author_id}"))
        if created:
            raised += f", {dates.format_moment(dates.from_iso(created))}"
            raised += f" ({counted(backlog.age_days(created, self.app.clock()), 'day')} ago)"
        voters = [one_line(people.get(v, f"#{v}")) for v in s.votes]
        rows = [
            ("Status", status),
            ("Direction", Content(backlog.DIRECTION_LABELS.get(s.direction, s.direction))),
            ("Department", Content(one_line(dept["name"]) if dept else "—")),
            ("Visit", Content(visit or "—")),
            ("Raised by", Content(raised)),
            ("Tags", Content(one_line(", ".join(s.tags)) or "—")),
            (
                "Votes",
                Content(f"{len(voters)}: {', '.join(voters)}" if voters else "none yet"),
            ),
        ]
        if s.risks:
            rows.append(("Risks", Content(", ".join(s.risks))))
        if s.duplicate_of:
            rows.append(("Duplicate of", Content(f"#{s.duplicate_of}")))
        if s.merged_from:
            rows.append(("Merged from", Content(", ".join(f"#{i}" for i in s.merged_from))))
        return Content("\n").join(
            Content.assemble((f"{label:<13}", "bold"), value) for label, value in rows
        )

    def _clocks(self, s: Suggestion, doc: dict) -> Content:
        store = self.app.store
        created = doc.get("created")
        if not created:
            return Content.styled("no creation time recorded", "$text-muted")
        clocks = sla.service(store).clocks(s, created, self.app.clock())
        lines = []
        for clock in clocks:
            line = Content.styled(clock.describe(), SLA.get(clock.state, ""))
            if clock.due is not None:
                due = dates.format_moment(clock.due.astimezone(dates.local_zone()))
                line = Content.assemble(line, (f"  (due {due})", "$text-muted"))
            lines.append(line)
        return Content("\n").join(lines)

    def _history(self, s: Suggestion) -> Content:
        return history_content(self.app.store, Suggestion.TABLE, s.id, "raised")

    def action_edit(self) -> None:
        self.dismiss("edit")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
