"""Notifications against the emulator: filters, following pages, arguments checked first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.resources.notifications import Notification
from tests.objects._endpoint_fixtures import refused_before_sending, routes_sent
from tests.objects.conftest import emulated_now, unique


@pytest.fixture
def tenant_names(client: Client) -> list[str]:
    """Three tenants created then deleted: six admin notifications naming them."""
    names = [unique("noted") for _ in range(3)]
    for name in names:
        client.tenants.create(name=name).delete()
    return names


def about(notes: list[Notification], names: list[str]) -> list[Notification]:
    return [note for note in notes if any(name in note.message for name in names)]


def test_list_holds_what_happened_newest_first(
    client: Client, tenant_names: list[str], emulator: Emulator
) -> None:
    notes = about(client.notifications.list(type="admin").to_list(), tenant_names)
    assert [note.message for note in notes[:2]] == [
        f"Tenant {tenant_names[-1]} deleted",
        f"Tenant {tenant_names[-1]} created",
    ]
    assert all(isinstance(note, Notification) for note in notes)
    assert {note.level for note in notes} == {20, 30}
    assert notes[0].created_at == emulated_now(emulator)  # nothing moved the clock since


def test_levels_and_ordering(client: Client, tenant_names: list[str]) -> None:
    warnings = about(client.notifications.list(levels=[30]).to_list(), tenant_names)
    assert [note.message for note in warnings] == [
        f"Tenant {name} deleted" for name in reversed(tenant_names)
    ]
    oldest_first = about(
        client.notifications.list(levels=30, ordering="asc").to_list(), tenant_names
    )
    assert oldest_first == list(reversed(warnings))


def test_the_pager_follows_pages_and_limit_caps_the_total(
    client: Client, tenant_names: list[str]
) -> None:
    everything = client.notifications.list().to_list()
    pages = list(client.notifications.list(page_size=2).pages())
    assert len(pages) > 1
    assert all(len(page.items) <= 2 for page in pages)
    assert [note for page in pages for note in page.items] == everything
    with routes_sent(client) as sent:
        assert client.notifications.list(page_size=2, limit=3).to_list() == everything[:3]
    assert sent == ["list_notifications"] * 2
    with routes_sent(client) as sent:
        assert client.notifications.list(page_size=2, limit=4).to_list() == everything[:4]
    assert sent == ["list_notifications"] * 2  # the limit ends on a page: no third request
    assert client.notifications.list(page=2, page_size=2).first() == everything[2]


def test_created_window(client: Client, tenant_names: list[str]) -> None:
    future = datetime.now(timezone.utc) + timedelta(days=3650)
    assert client.notifications.list(created_start=future).to_list() == []
    recent = client.notifications.list(created_end=future.isoformat()).to_list()
    assert len(about(recent, tenant_names)) == 6


@pytest.mark.parametrize(
    ("argument", "options"),
    [
        ("limit", {"limit": 0}),
        ("limit", {"limit": -5}),
        ("page_size", {"page_size": 0}),
        ("page", {"page": 0}),
        ("levels", {"levels": [15]}),
        ("levels", {"levels": [20, 60]}),
        ("levels", {"levels": []}),
        ("levels", {"levels": True}),
        ("type", {"type": "system"}),
    ],
)
def test_bad_filters_are_refused_before_any_request(
    client: Client, argument: str, options: dict[str, object]
) -> None:
    with refused_before_sending(client, argument):
        client.notifications.list(**options)  # type: ignore[arg-type]
