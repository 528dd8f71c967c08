"""How big a table is, told without parsing it (the TUI chooses on the spot or a thread)."""

from shadow.core.models import is_empty
from shadow.core.store import Store


def test_size_hint_reads_no_table_and_is_zero_only_for_an_empty_one(tmp_path):
    path = tmp_path / "shadow.json"
    store = Store(path)
    assert is_empty(store)
    with store.transaction("test") as tx:
        for n in range(50):
            tx.insert("people", {"name": f"Person {n}", "note": "x" * 200})
        tx.insert("kudos", {"text": "ok"})
    assert store.size_hint("people") == 50  # read already: counted
    store.compact()
    store.close()

    again = Store(path, create=False, read_only=True)
    hint = again.size_hint("people")
    assert hint > 50  # estimated from its bytes (~250 a record), so not parsed
    assert again.size_hint("kudos") == 1  # a small table is never 0
    assert again.size_hint("visits") == 0  # no such table
    assert not is_empty(again)
    assert again.count("people") == 50  # parsed now
    assert again.size_hint("people") == 50
    again.close()


def test_size_hint_never_waits_for_another_thread(tmp_path):
    """While another thread holds the store (a backup, a fold, a read) a screen asking
    whether to read on the spot is told "large": on the spot it would wait for it."""
    import threading

    from shadow.core.store import BUSY_SIZE
    from tests.dbfiles import add

    store = Store(tmp_path / "db.json")
    add(store, "Ann")
    assert store.size_hint("people") == 1
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store._mutex:
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(10)
        assert store.size_hint("people") == BUSY_SIZE
    finally:
        release.set()
        worker.join()
    assert store.size_hint("people") == 1
