"""The directory: people on both sides and the library's departments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, TabbedContent, TabPane

from shadow.core import directory
from shadow.core.directory import DirectoryError
from shadow.core.models import Department, Model, Person
from shadow.core.records import department_cells, person_cells
from shadow.core.store import StoreError

from ..commands import Command, bindings
from ..loading import Loader
from ..modals.base import Confirm
from ..modals.department_form import DepartmentForm
from ..modals.import_csv import ImportModal
from ..modals.person_form import PersonForm
from ..widgets.filter_field import FilterField
from ..widgets.record_table import RecordTable
from .base import REFRESH_COMMAND, AreaScreen

# (label, narrowest width the column may be cut to; None: never cut.) At 80 columns
# every heading stays whole: the people fit at their least widths, and the departments'
# Capacity and then Hours leave the table (the department page has them).
PEOPLE_COLUMNS = (
    ("Name", 14),
    ("Side", None),
    ("Role", 10),
    ("Department/Team", 15),
    ("Email", 14),
    ("Active", None),
)
DEPARTMENT_COLUMNS = (
    ("Name", 14),
    ("Branch", 8),
    ("Capacity", None),
    ("Hours", 12),
    ("Hosts", 12),
    ("Active", None),
    ("Side", None),
)
DEPARTMENT_DROP = ("Capacity", "Hours")


class Listed(NamedTuple):
    """A record as the table shows it: its id, whether active, and its cells' text."""

    id: int
    active: bool
    cells: tuple[str, ...]


def matches(cells: Sequence[str], needle: str) -> bool:
    """Substring search over the cells as shown, ignoring case and accents."""
    return directory.matches(needle, *cells)


def to_row(cells: Sequence[str], active: bool) -> list[Text]:
    """User text as literal Text cells (never markup); inactive records dimmed."""
    style = "dim" if not active else ""
    return [Text(cell, style=style, no_wrap=True) for cell in cells]


class DirectoryScreen(AreaScreen):
    AREA_TITLE = "Directory"
    HELP = (
        "The directory: the IT staff who visit, the library staff who host, and the "
        "library's departments with their opening hours, capacity and hosts. Type in "
        "the search box to narrow both lists. Nothing is ever deleted: deactivating "
        "keeps a record in the history and hides it from pickers."
    )
    WATCHES = frozenset({Person.TABLE, Department.TABLE})
    FOCUS = "#people-table"
    COMMAND_LIST = (
        Command("add", "Add", "Add a person or a department (depending on the tab)", key="a"),
        Command("edit", "Edit", "Edit the selected record (or press enter on it)", key="e"),
        Command(
            "toggle_active",
            "Deactivate / reactivate",
            "Mark the selected record inactive, or active again (asks first)",
            key="x",
            short="(De)activate",
        ),
        Command("import_csv", "Import CSV", "Import people or departments from a CSV file", "i"),
        Command(
            "focus_search", "Search", "Type to filter both lists", key="slash", key_display="/"
        ),
        Command(
            "toggle_inactive",
            "Hide/show inactive",
            "Hide inactive records, or show them again (dimmed)",
            key="h",
            short="Inactive",
        ),
        Command("show_tab('people')", "People tab", "Show the people", key="1", footer=False),
        Command(
            "show_tab('departments')",
            "Departments tab",
            "Show the departments",
            key="2",
            footer=False,
        ),
        Command("clear_search", "Clear search", "Clear the search box", key="escape", footer=False),
        REFRESH_COMMAND,
        Command(
            "department_page",
            "Open department page",
            "The selected department's card: liaison, coverage, open work (enter on a department)",
            key="o",
            footer=False,
        ),
        Command("add_person", "Add person", "Add someone to the directory"),
        Command("add_department", "Add department", "Add a library department"),
        Command("import_people", "Import people CSV", "Import people from a CSV file"),
        Command("import_departments", "Import departments CSV", "Import departments from CSV"),
    )
    BINDINGS = bindings(COMMAND_LIST)

    def __init__(self) -> None:
        super().__init__()
        self.hide_inactive = False
        self._people_rows: list[Listed] = []
        self._department_rows: list[Listed] = []
        self.loader: Loader[directory.Listing] = Loader(
            self,
            lambda _: directory.read_listing(self.app.store),
            self.show,
            size=lambda: sum(self.app.store.size_hint(t) for t in (Person.TABLE, Department.TABLE)),
            name="directory",
        )

    # ------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="directory-bar", classes="area-bar"):
            yield FilterField(
                placeholder="Search people and departments ( / )", id="search", classes="bar-fill"
            )
            yield Label("", id="directory-status", classes="bar-note", markup=False)
        with TabbedContent(id="directory-tabs"):
            with TabPane("People", id="people"):
                yield RecordTable(PEOPLE_COLUMNS, id="people-table")
            with TabPane("Departments", id="departments"):
                yield RecordTable(DEPARTMENT_COLUMNS, drop=DEPARTMENT_DROP, id="departments-table")

    @property
    def people_table(self) -> RecordTable:
        return self.query_one("#people-table", RecordTable)

    @property
    def departments_table(self) -> RecordTable:
        return self.query_one("#departments-table", RecordTable)

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "people"

    @property
    def current_table(self) -> RecordTable:
        return self.people_table if self.tab == "people" else self.departments_table

    # ------------------------------------------------------------ filling
    def reload(self) -> None:
        """Re-read the directory from the store, then show it through the filters."""
        self.loader.load()

    def show(self, listing: directory.Listing) -> None:
        people, departments = listing.people, listing.departments
        dept_names = {d.id: d.name for d in departments}
        people_names = {p.id: p.name for p in people}
        self._people_rows = [Listed(p.id, p.active, person_cells(p, dept_names)) for p in people]
        self._department_rows = [
            Listed(d.id, d.active, department_cells(d, people_names)) for d in departments
        ]
        self.refilter()

    def refilter(self) -> None:
        """Show the rows read last through the search box and the inactive filter."""
        needle = self.query_one("#search", Input).value.casefold().strip()
        shown = []
        for table, listed in (
            (self.people_table, self._people_rows),
            (self.departments_table, self._department_rows),
        ):
            rows = [
                (row.id, to_row(row.cells, row.active))
                for row in listed
                if (row.active or not self.hide_inactive) and matches(row.cells, needle)
            ]
            table.fill(rows)
            shown.append(len(rows))
        self._update_status(*shown)

    def _update_status(self, shown_people: int, shown_depts: int) -> None:
        def part(shown: int, total: int, noun: str) -> str:
            return f"{shown} {noun}" if shown == total else f"{shown} of {total} {noun}"

        people, departments = self._people_rows, self._department_rows
        text = (
            f"{part(shown_people, len(people), 'people')} · "
            f"{part(shown_depts, len(departments), 'departments')}"
        )
        inactive = sum(not row.active for row in (*people, *departments))
        if self.hide_inactive and inactive:
            text += f" · {inactive} inactive hidden"
        self.query_one("#directory-status", Label).update(text)

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.current_table.focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        if not self.query_one("#search", Input).has_focus:
            self.current_table.focus()

    # ------------------------------------------------------------ actions
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.current_table.focus()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.current_table.focus()

    def action_toggle_inactive(self) -> None:
        self.hide_inactive = not self.hide_inactive
        self.refilter()
        self.app.say("Inactive records hidden" if self.hide_inactive else "Inactive records shown")

    def action_add(self) -> None:
        if self.tab == "people":
            self.action_add_person()
        else:
            self.action_add_department()

    def action_add_person(self) -> None:
        if self.app.acting_name() is None:
            return
        self.action_show_tab("people")
        self.app.push_screen(PersonForm(), self._saved("people", "Added"))

    def action_add_department(self) -> None:
        if self.app.acting_name() is None:
            return
        self.action_show_tab("departments")
        self.app.push_screen(DepartmentForm(), self._saved("departments", "Added"))

    def _selected(self) -> tuple[type[Model], Model] | None:
        model: type[Model] = Person if self.tab == "people" else Department
        record_id = self.current_table.selected_or_say(model.__name__.lower())
        if record_id is None:
            return None
        doc = self.app.store.get(model.TABLE, record_id)
        if doc is None:
            self.app.say("That record is gone (changed elsewhere); refreshing", severity="warning")
            self.reload()
            return None
        return model, model.from_doc(doc)

    def action_edit(self) -> None:
        selected = self._selected()
        if selected is None or self.app.acting_name() is None:
            return
        model, record = selected
        form = PersonForm(record) if model is Person else DepartmentForm(record)
        self.app.push_screen(form, self._saved(self.tab, "Saved"))

    @on(RecordTable.RowSelected)
    def _row_selected(self) -> None:
        if self.tab == "departments":
            self.action_department_page()  # a department opens on its card (e edits)
        else:
            self.action_edit()

    def action_department_page(self) -> None:
        from .department import DepartmentScreen

        self.action_show_tab("departments")
        record_id = self.departments_table.selected_id
        if record_id is None:
            self.app.say("Choose a department first", severity="warning")
            return
        self.app.push_screen(DepartmentScreen(record_id))

    def _saved(self, tab: str, verb: str):
        def done(record_id: int | None) -> None:
            if record_id is None:
                return
            self.reload()
            table = self.people_table if tab == "people" else self.departments_table
            if not table.select_id(record_id):
                self.app.say(f"{verb}; not shown because of the search or the inactive filter")
                return
            name = table.full_row(record_id)[0]
            self.app.say(f"{verb} {name}")

        return done

    @work(exclusive=True, group="toggle-active")
    async def action_toggle_active(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        actor = self.app.acting_name()
        if actor is None:
            return
        model, record = selected
        if record.active:
            question = (
                f"Deactivate {record.name}? The record stays in the history but is "
                "hidden from pickers. You can reactivate it later."
            )
            verb = "Deactivate"
        else:
            question = f"Reactivate {record.name}?"
            verb = "Reactivate"
        if not await self.app.push_screen_wait(Confirm(question, yes=verb)):
            return
        try:
            directory.set_active(self.app.store, actor, model, record.id, not record.active)
        except (DirectoryError, StoreError) as exc:
            self.app.say_refused(exc)
            return
        self.reload()
        self.app.say(f"{record.name} is now {'inactive' if record.active else 'active'}")

    def action_import_csv(self) -> None:
        self._open_import(self.tab)

    def action_import_people(self) -> None:
        self._open_import("people")

    def action_import_departments(self) -> None:
        self._open_import("departments")

    def _open_import(self, kind: str) -> None:
        if self.app.acting_name() is None:
            return

        def done(result: tuple[str, int] | None) -> None:
            if result is None:
                return
            kind, count = result
            noun = {"people": ("person", "people"), "departments": ("department", "departments")}
            one, many = noun[kind]
            self.reload()
            self.action_show_tab(kind)
            self.app.say(f"Imported {count} {one if count == 1 else many}")

        self.app.push_screen(ImportModal(kind), done)
