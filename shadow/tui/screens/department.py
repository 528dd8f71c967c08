"""One department's page (the department card): what its head reads before the meeting.

Pushed on top of the Directory (enter on a department) or from the command palette
("Department page: NAME"); escape or q goes back. It shows ``core/department_card.py``'s
read-model as titled sections, in two columns when the terminal is wide and one when it
is narrow; every piece of user text is shown literally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.widgets import Label, Static

from shadow.core.department_card import DepartmentCard, card_lines, read_card
from shadow.core.models import (
    Action,
    Department,
    Kudos,
    Person,
    Secondment,
    Suggestion,
    Survey,
    Visit,
)

from ..commands import Command, bindings
from ..loading import SYNC_LIMIT, Loader
from ..modals.department_form import DepartmentForm
from ..painting import refreshes_now
from ..widgets.literal import one_line
from .base import BACK_COMMAND, PAGE_COMMANDS, REFRESH_COMMAND, AreaScreen

NARROW = 100  # below this many columns the sections stack in one column
# Which column each section goes in (by its index in card_lines): the department's people
# and visits on the left, what is open and how it is perceived on the right.
LEFT = (0, 1, 2, 3, 10)
SECTIONS = 11  # len(card_lines(card)): every card has these sections, in this order
CARD_TABLES = (Visit.TABLE, Suggestion.TABLE, Action.TABLE)  # what a card's read grows with
# A card's read costs ~3 us a record of CARD_TABLES once every table it reads is parsed
# (15 ms at 10,000 records, 0.2 s at 150,000): up to this many it is read on the spot.
# In a thread, 15 ms of reading took 0.1 s beside the first paints of the empty card
# (the thread waits for the interpreter), and the card came after them.
PARSED_ON_THE_SPOT = 6_000


class CardPage(VerticalScroll, can_focus=True, inherit_bindings=False):
    """The scrolling page."""


class DepartmentScreen(AreaScreen):
    AREA_TITLE = "Department"
    HELP = (
        "One department's card, for its head before the fortnightly meeting: the liaison "
        "(and when the role is due to rotate) and hosts, coverage both ways (who has "
        "visited it, and how its own people have visited the other side), recent and "
        "coming visits, visit ratings, open suggestions and actions, service-level "
        "breaches, kudos both ways, the perception gap, the anonymous pulse and "
        "secondments. e edits the department (liaison, hosts, side); escape goes back."
    )
    WATCHES = frozenset(
        {
            Department.TABLE,
            Person.TABLE,
            Visit.TABLE,
            Suggestion.TABLE,
            Action.TABLE,
            Kudos.TABLE,
            Survey.TABLE,
            Secondment.TABLE,
        }
    )
    FOCUS = "#card-page"
    COMMAND_LIST = (
        Command("edit", "Edit department", "Edit this department: liaison, hosts, side", "e"),
        BACK_COMMAND,
        *PAGE_COMMANDS,
        REFRESH_COMMAND,
    )
    BINDINGS = bindings(COMMAND_LIST)
    DEFAULT_CSS = """
    DepartmentScreen #card-page {
        height: 1fr;
        /* The scrollbar always shown (its column is the page's either way): shown once
           the card was read, it took a layout pass and a paint of its own. */
        overflow-y: scroll;
    }
    DepartmentScreen #card-columns {
        height: auto;
    }
    DepartmentScreen .card-column {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    DepartmentScreen.-narrow #card-columns {
        layout: vertical;
    }
    DepartmentScreen.-narrow .card-column {
        width: 100%;
    }
    DepartmentScreen .card-title {
        width: 100%;
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    DepartmentScreen .card-section {
        width: 100%;
        padding: 0 0 0 2;
    }
    DepartmentScreen #card-status {
        width: 100%;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, department_id: int) -> None:
        super().__init__()
        self.department_id = department_id
        self.card: DepartmentCard | None = None
        self.loader: Loader[DepartmentCard] = Loader(
            self,
            lambda moment: read_card(self.app.store, self.department_id, moment),
            self.show,
            size=lambda: sum(self.app.store.size_hint(t) for t in CARD_TABLES),
            limit=self._read_on_the_spot_up_to,
            failed=self._failed,
            name="department",
        )

    def _read_on_the_spot_up_to(self) -> int:
        """The loader's limit: PARSED_ON_THE_SPOT once the tables the card reads are
        parsed (else reading would parse them on the event loop), else its default."""
        if self.app.store.indexed(parsed=self.WATCHES):
            return PARSED_ON_THE_SPOT
        return SYNC_LIMIT

    def compose_body(self) -> ComposeResult:
        yield Static("", id="card-status", markup=False)
        # Every section composed here, empty, and filled by show(): mounting them there
        # laid the page out two more times after the read, each pass with its paint (the
        # card shown in stages). Timed alternately in one session, 19 openings each, the
        # card took as long either way at 10,000 records (/tmp/b7/deptab.py).
        with CardPage(id="card-page"):
            with Horizontal(id="card-columns"):
                for column, left in (("card-left", True), ("card-right", False)):
                    with Vertical(id=column, classes="card-column"):
                        for n in range(SECTIONS):
                            if (n in LEFT) == left:
                                yield Label("", classes="card-title", id=f"card-title-{n}")
                                yield Static(
                                    "", classes="card-section", markup=False, id=f"card-{n}"
                                )

    def on_mount(self) -> None:
        # (AreaScreen.on_mount runs too: Textual calls each class's handler.)
        self.set_class(self.app.size.width < NARROW, "-narrow")  # (then AreaScreen reads)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def reload(self) -> None:
        self.loader.load(self.app.clock())

    _failure_shown = False

    def _failed(self, error: str) -> None:
        self._failure_shown = True
        self.query_one("#card-status", Static).update(
            Content.styled(f"Cannot show this department: {error}", "$error")
        )

    def show(self, card: DepartmentCard) -> None:
        self.card = card
        dept = card.department
        kind = "IT team" if dept.side == "it" else "library department"
        self.sub_title = f"{one_line(dept.name)} ({kind})"
        if self._failure_shown:  # (cleared only if shown: an update lays the page out again)
            self._failure_shown = False
            self.query_one("#card-status", Static).update("")
        for n, (title, lines) in enumerate(card_lines(card)):
            self.query_one(f"#card-title-{n}", Label).update(Content(one_line(title)))
            self.query_one(f"#card-{n}", Static).update(self._section(lines))
        refreshes_now(self)  # (the sections, sized in one layout pass)

    @staticmethod
    def _section(lines: list[str]) -> Content:
        parts: list[Content] = []
        for line in lines:
            style = ""
            if getattr(line, "alert", False):
                style = "bold $warning"
            elif getattr(line, "quiet", False):
                style = "$text-muted"
            parts.append(
                Content.styled(one_line(line), style) if style else Content(one_line(line))
            )
        return Content("\n").join(parts)

    def section_text(self, title: str) -> str:
        """The text of one section as shown (for tests and screen readers)."""
        if self.card is None:
            return ""
        for n, (name, _lines) in enumerate(card_lines(self.card)):
            if name == title:
                return str(self.query_one(f"#card-{n}", Static).render())
        return ""

    # ------------------------------------------------------------ actions
    def action_page(self, direction: str) -> None:
        page = self.query_one(CardPage)
        page.scroll_page_down() if direction == "down" else page.scroll_page_up()

    def action_edit(self) -> None:
        if self.app.acting_name() is None:
            return
        doc = self.app.store.get(Department.TABLE, self.department_id)
        if doc is None:
            self.app.say("That department is gone (changed elsewhere)", severity="warning")
            return
        self.app.push_screen(DepartmentForm(Department.from_doc(doc)), lambda _saved: self.reload())


def choose_department(app) -> None:
    """Ask which department (type part of its name: case and accents ignored), then open
    its page."""
    from shadow.core import directory

    from ..modals.pickers import RecordPicker

    found = [d for d in directory.departments(app.store, active_only=True) if d.id is not None]
    if not found:
        app.say("No departments yet (add one in the Directory)", severity="warning")
        return

    def search(typed: str) -> list[tuple[str, Content]]:
        return [
            (
                str(d.id),
                Content.assemble(
                    one_line(d.name),
                    (f"  {'IT team' if d.side == 'it' else 'library'}", "$text-muted"),
                ),
            )
            for d in sorted(found, key=lambda d: d.name.casefold())
            if directory.matches(typed, d.name, d.branch)
        ]

    def chosen(value: str | None) -> None:
        if value:
            app.push_screen(DepartmentScreen(int(value)))

    app.push_screen(
        RecordPicker(
            "Which department's page?", search, placeholder="Type part of its name or branch"
        ),
        chosen,
    )
