"""``doctor`` against an emulator whose management paths are not the table's (``api="v2"``).

It finds every read-only operation, from the host's API description and, with the
description hidden, by probing alone; with the routes file it wrote, the README lifecycle
and the shim's fine-tune -> deploy -> predict sequence run unchanged (see conftest.py).
"""

from __future__ import annotations

import pytest

from sambastudio import Client
from sambastudio._routes import ROUTES
from sambastudio.doctor import run_doctor
from sambastudio.doctor._probe import NOT_PROBED, read_only
from sambastudio.emulator import Emulator
from sambastudio.emulator._v2 import LAYOUT
from tests.doctor.conftest import World


def test_the_readme_lifecycle_ran_on_v2_with_the_written_routes(v2_world: World) -> None:
    assert v2_world.printed[-2] == "EXIT_WITH_0"
    assert v2_world.printed[-1].strip()  # the endpoint's answer


@pytest.mark.parametrize("api_docs", [True, False], ids=["with-api-doc", "probing-only"])
def test_doctor_finds_every_read_only_route(
    v2_world: World, api_docs: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMBASTUDIO_ROUTES", raising=False)
    with (
        Emulator(api="v2", api_docs=api_docs, data_dir=v2_world.data_dir) as emu,
        Client(host_url=emu.url, access_key=v2_world.access_key) as client,
    ):
        report = run_doctor(client)
    readers = set(read_only())
    rows = {row.operation: row for row in report.operations if row.operation in readers}
    assert set(rows) == readers
    skipped = {name for name, row in rows.items() if row.outcome == "skipped"}
    assert skipped == set(NOT_PROBED)
    for name, row in rows.items():
        if name in NOT_PROBED:
            continue
        moved = LAYOUT[name] != ROUTES[name].path  # tenant_default_tenant is where the table says
        assert row.outcome == ("moved" if moved else "found"), row
        assert row.found_path == LAYOUT[name], row
        # A train job has no results archive yet: that path answers its own 404.
        assert row.status in ((200, 404) if ROUTES[name].streams else (200,)), row
        assert row.shape_ok is not False, row
    assert (report.api_document is not None) == api_docs
    assert report.exit_code == 0


def test_the_written_routes_are_the_gateway_layout(v2_world: World) -> None:
    from sambastudio._overrides import load_routes

    routes = load_routes(v2_world.routes_file)
    assert {name: routes[name].path for name in LAYOUT} == dict(LAYOUT)
    assert routes["nlp_predict"] == ROUTES["nlp_predict"]  # served elsewhere: untouched
