"""docs/migration.md is true: every row runs, in order, and sends its SnSdk method's operation.

The rows are executed as written against the emulator in both response generations; what
each row sends is recorded at the transport, so a row that merely looks right fails. The
whole-flow example of the page runs too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sambastudio._client
from sambastudio._client import Client
from sambastudio.compat._migration import MIGRATION
from sambastudio.emulator import Emulator
from sambastudio.errors import UploadError
from tests.objects.conftest import APP
from tests.objects.fakes import FakeClock
from tests.objects.flaky import Flaky
from tests.seed import seed_signatures

PAGE = Path(__file__).resolve().parents[2] / "docs" / "migration.md"
ROW = re.compile(r"^\| `(\w+)` \| `(.+)` \|$", re.MULTILINE)
FLOW = re.compile(r"## A whole flow\n.*?```python\n(.*?)```", re.DOTALL)
VERB = re.compile(r"\.(\w+)\(")

SENDS_ONE_OF = {"nlp_predict": {"nlp_predict", "generic_predict", "v2_predict"}}
"""``predict`` picks the predict route from the endpoint's URL."""


def interrupted_upload(namespace: dict[str, Any]) -> None:
    """What the resume row needs: an upload of ``squad-retry`` that failed half way."""
    client: Client = namespace["client"]
    client._pipeline.session.mount(
        client.settings.host_url, Flaky("/upload/multipart/complete", [400])
    )
    with pytest.raises(UploadError):
        client.datasets.create(
            name="squad-retry", path=namespace["data"], apps=[APP], job_types=["train"]
        )


PREPARE: dict[str, Callable[[dict[str, Any]], None]] = {
    "get_file_upload_status": interrupted_upload,
}
"""What the world must hold before a row that only makes sense after something went wrong."""


def rows() -> list[tuple[str, str]]:
    return ROW.findall(PAGE.read_text(encoding="utf-8"))


def test_one_row_per_method_of_the_shim() -> None:
    methods = [method for method, _ in rows()]
    assert len(methods) == len(set(methods)), "a method has two rows"
    assert set(methods) == set(MIGRATION)
    assert set(seed_signatures()) <= set(methods)


@pytest.mark.parametrize(("method", "code"), rows())
def test_each_row_calls_what_the_shim_warning_names(method: str, code: str) -> None:
    """The deprecation warnings (MIGRATION) and this page point to the same verbs."""
    assert set(VERB.findall(code)) & set(VERB.findall(MIGRATION[method])), MIGRATION[method]


@pytest.fixture
def namespace(client: Client, emulator: Emulator, data_dir: Path, tmp_path: Path) -> dict[str, Any]:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("Hello\nHow are you?\n")
    return {
        "Client": Client,
        "client": client,
        "data": data_dir,
        "prompts": prompts,
        "tmp": tmp_path / "downloads",
        "host_url": emulator.url,
        "password": emulator.access_key,  # the emulator's admin logs in with its key
        "aws_key_id": "AKIAEXAMPLE",
        "aws_secret": "not-a-real-secret",
    }


def run_rows(namespace: dict[str, Any], sent: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Execute each row once (the upload rows share one call); yield what each sent."""
    done: dict[str, list[str]] = {}
    for method, code in rows():
        if code not in done:
            if method in PREPARE:
                PREPARE[method](namespace)
            start = len(sent)
            exec(compile(code, f"<migration row {method}>", "exec"), namespace)  # noqa: S102
            done[code] = sent[start:]
        yield method, done[code]


def test_every_row_runs_and_sends_its_operation(namespace: dict[str, Any], sent: list[str]) -> None:
    ran = set()
    for method, operations in run_rows(namespace, sent):
        expected = SENDS_ONE_OF.get(method, {method})
        assert expected & set(operations), f"row {method} sent {operations}"
        ran.add(method)
    assert ran == set(MIGRATION)  # every row was checked, none skipped


def test_the_whole_flow_example_runs(
    emulator: Emulator,
    clock: FakeClock,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (match,) = FLOW.findall(PAGE.read_text(encoding="utf-8"))
    monkeypatch.setenv("SAMBASTUDIO_HOST_URL", emulator.url)
    monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", emulator.access_key)
    monkeypatch.setattr(sambastudio._client, "SYSTEM_CLOCK", clock)
    data_dir.rename(tmp_path / "squad")
    monkeypatch.chdir(tmp_path)
    exec(compile(match, "<migration flow>", "exec"), {})  # noqa: S102
    printed = capsys.readouterr().out.splitlines()
    assert "EXIT_WITH_0" in printed
    assert printed[-1]
