"""The SQLite document store: identity, names, scopes, transactions, durability."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambastudio.emulator._store import GLOBAL, Conflict, Missing, Store


@pytest.fixture
def store() -> Store:
    return Store()


def test_insert_then_get_by_id_or_name(store: Store) -> None:
    store.insert("project", {"id": "1", "name": "demo"}, tenant_id="t")
    assert store.get("project", "1") == {"id": "1", "name": "demo"}
    assert store.get("project", "demo", tenant_id="t") == {"id": "1", "name": "demo"}
    assert store.get("project", "demo", tenant_id="other") is None
    assert store.get("job", "1") is None


def test_names_are_unique_per_kind_tenant_and_parent(store: Store) -> None:
    store.insert("job", {"id": "1", "name": "ft"}, tenant_id="t", parent_id="p1")
    store.insert("job", {"id": "2", "name": "ft"}, tenant_id="t", parent_id="p2")
    store.insert("job", {"id": "3", "name": "ft"}, tenant_id="u", parent_id="p1")
    with pytest.raises(Conflict) as caught:
        store.insert("job", {"id": "4", "name": "ft"}, tenant_id="t", parent_id="p1")
    assert (caught.value.kind, caught.value.name, caught.value.parent_id) == ("job", "ft", "p1")
    assert store.get("job", "ft") is None  # ambiguous without a scope
    assert store.get("job", "ft", parent_id="p2") == {"id": "2", "name": "ft"}


def test_unnamed_documents_never_conflict(store: Store) -> None:
    store.insert("key", {"id": "a"}, tenant_id=GLOBAL)
    store.insert("key", {"id": "b"}, tenant_id=GLOBAL)
    with pytest.raises(Conflict):
        store.insert("key", {"id": "a"}, tenant_id=GLOBAL)


def test_list_keeps_creation_order_within_scope(store: Store) -> None:
    for number in (3, 1, 2):
        store.insert("job", {"id": str(number), "name": f"j{number}"}, tenant_id="t", parent_id="p")
    store.insert("job", {"id": "9", "name": "other"}, tenant_id="t", parent_id="q")
    assert [d["id"] for d in store.list("job", parent_id="p")] == ["3", "1", "2"]
    assert len(store.list("job", tenant_id="t")) == 4
    assert store.list("job", tenant_id="nobody") == []


def test_update_merges_and_checks_names(store: Store) -> None:
    store.insert("project", {"id": "1", "name": "a", "x": 1}, tenant_id="t")
    store.insert("project", {"id": "2", "name": "b"}, tenant_id="t")
    assert store.update("project", "1", {"x": 2, "y": 3}) == {
        "id": "1",
        "name": "a",
        "x": 2,
        "y": 3,
    }
    assert store.get("project", "a") == {"id": "1", "name": "a", "x": 2, "y": 3}
    with pytest.raises(Conflict):
        store.update("project", "1", {"name": "b"})
    store.update("project", "1", {"name": "c"})
    assert store.get("project", "c", tenant_id="t") is not None
    with pytest.raises(Missing):
        store.update("project", "nope", {})


def test_delete_is_idempotent(store: Store) -> None:
    store.insert("project", {"id": "1", "name": "a"}, tenant_id="t")
    store.delete("project", "1")
    store.delete("project", "1")
    assert store.get("project", "1") is None
    store.insert("project", {"id": "2", "name": "a"}, tenant_id="t")  # the name is free again


def _insert_two_then_fail(store: Store) -> None:
    with store.transaction():
        store.insert("project", {"id": "1", "name": "a"}, tenant_id="t")
        with store.transaction():
            store.insert("project", {"id": "2", "name": "b"}, tenant_id="t")
        raise RuntimeError("boom")


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        _insert_two_then_fail(store)
    assert store.list("project") == []
    with store.transaction():
        store.insert("project", {"id": "3", "name": "c"}, tenant_id="t")
    assert [d["id"] for d in store.list("project")] == ["3"]


def test_a_file_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = Store(path)
    first.insert("project", {"id": "1", "name": "a"}, tenant_id="t")
    first.close()
    second = Store(path)
    assert second.get("project", "a", tenant_id="t") == {"id": "1", "name": "a"}
    assert second.last_seq() == 1
    second.close()


def test_names_lists_ids_and_names_without_reading_documents(store: Store) -> None:
    store.insert("job", {"id": "1", "name": "a", "big": "x" * 1000}, tenant_id="t", parent_id="p")
    store.insert("job", {"id": "2"}, tenant_id="t", parent_id="p")
    assert store.names("job", parent_id="p") == [("1", "a"), ("2", None)]
