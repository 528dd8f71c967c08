"""The homes of programmes (lookup, active, add) and of settings (date order, rules,
service levels, closures): what the CLI and the screens both call."""

import pytest

from shadow.core import config, programmes, settings, sla
from shadow.core.models import ValidationError
from shadow.core.store import Store


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "shadow.json")


def test_programmes_are_found_by_name_or_number_and_named_once(store):
    pid, first = programmes.add(store, "Ada", "  Spring   tours ", "walks", "2026-03-01")
    assert (first.name, first.start) == ("Spring tours", "2026-03-01")
    assert programmes.find(store, "spring TOURS")["id"] == pid
    assert programmes.find(store, f" #{pid} ")["id"] == pid
    assert programmes.find(store, "autumn") is None
    assert programmes.find_id(store, None) is None and programmes.find_id(store, "") is None
    with pytest.raises(programmes.ProgrammeError, match="no programme named 'autumn'"):
        programmes.find_id(store, "autumn")
    with pytest.raises(programmes.ProgrammeError, match="already exists"):
        programmes.add(store, "Ada", "SPRING TOURS")
    with pytest.raises(ValidationError):
        programmes.add(store, "Ada", "   ")
    assert [p.name for p in programmes.every(store)] == ["Spring tours"]


def test_active_programmes_leave_out_finished_ones_oldest_first(store):
    old, _ = programmes.add(store, "Ada", "Old")
    new, _ = programmes.add(store, "Ada", "New")
    gone, _ = programmes.add(store, "Ada", "Gone")
    with store.transaction("Ada") as tx:
        tx.update("programmes", gone, {"active": False})
    assert [p.id for p in programmes.active(store)] == [old, new]
    assert programmes.get(store, gone).active is False and programmes.get(store, 99) is None
    assert [i["name"] for i in programmes.listing(store)] == ["Old", "New", "Gone"]
    assert set(programmes.listing(store)[0]) == {
        "id", "name", "description", "start", "end", "active"
    }  # fmt: skip


def test_dayfirst_is_per_user_and_read_in_one_place(store):
    assert settings.dayfirst() is True
    asked = []
    assert settings.change(store, "DayFirst", "no", lambda: asked.append(1) or "Ada") == (
        "dayfirst = no"
    )
    assert settings.dayfirst() is False and config.get("dayfirst") is False and asked == []
    with pytest.raises(settings.SettingsError, match="dayfirst takes yes or no"):
        settings.change(store, "dayfirst", "maybe", lambda: "Ada")


def test_rules_service_levels_and_closures_are_stored(store):
    assert settings.change(store, "buffer_minutes", "30", lambda: "Ada") == "buffer_minutes = 30"
    assert settings.rules(Store(store.path))["buffer_minutes"] == 30
    with pytest.raises(settings.SettingsError, match="takes a whole number"):
        settings.change(store, "host_week_cap", "many", lambda: "Ada")
    with pytest.raises(settings.SettingsError, match="unknown setting 'Colour'"):
        settings.change(store, "Colour", "blue", lambda: "Ada")
    assert settings.change(store, "sla.p5", "30/none", lambda: "Ada") == "sla.p5 = 30d/none"
    assert sla.policy(store)[5] == (sla.Target(30, "d"), None)
    closed = settings.change(store, "closures", "2026-12-28; 2026-12-25, 2026-12-25", lambda: "A")
    assert closed == "closures = 2026-12-25, 2026-12-28"
    assert [d.isoformat() for d in sorted(settings.closures(store))] == [
        "2026-12-25", "2026-12-28"
    ]  # fmt: skip
    with pytest.raises(settings.SettingsError, match="YYYY-MM-DD"):
        settings.change(store, "closures", "Christmas", lambda: "Ada")
    assert settings.change(store, "closures", "none", lambda: "Ada") == "closures = none"
    lines = settings.listing(store)
    assert lines[0] == "dayfirst = yes    (yours: 4/3/2027 is 4 March)"
    assert "buffer_minutes = 30    (minutes a person needs between two visits; default 15)" in lines
    assert (
        "sla.p5 = 30d/none    (working hours h / days d to triage/resolve a P5; default 20d/none)"
        in lines
    )
    assert lines[-1] == "closures = none    (days that stop service-level clocks)"
