"""A command runs with the garbage collector paused (its reads build no garbage in
cycles; every pass over them was wasted) and leaves the collector as it found it."""

import gc

import pytest

from shadow.cli import collector_paused, data
from tests.cli.shell import run_as


@pytest.fixture
def collector_on():
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


def test_a_command_runs_with_the_collector_paused_and_restores_it(
    collector_on, sample_db, capsys, monkeypatch, tmp_path
):
    seen = []
    real = data.cmd_check

    def spy(args):
        seen.append(gc.isenabled())
        return real(args)

    monkeypatch.setattr(data, "cmd_check", spy)
    code, _out, _err = run_as(capsys, sample_db, "check")
    assert code == 0 and seen == [False]
    assert gc.isenabled()
    # A refused command leaves it on too.
    code, _out, err = run_as(capsys, str(tmp_path / "none.json"), "list", "people")
    assert code == 1 and "no database" in err
    assert gc.isenabled()


def test_the_collector_stays_off_if_it_was_off_and_serve_keeps_it(collector_on):
    with collector_paused("serve"):
        assert gc.isenabled()  # (runs on and on: as usual)
    gc.disable()
    with collector_paused("list"):
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()
