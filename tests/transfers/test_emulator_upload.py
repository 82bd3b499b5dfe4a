"""End to end against the emulator: real routes, its checks, its faults, a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES, WireRequest
from sambastudio.emulator import Emulator
from sambastudio.emulator._storage import dataset_files
from sambastudio.errors import InvalidArgumentError, UploadError
from sambastudio.transfers import upload as _upload
from sambastudio.transfers.plan import Journal, PlannedFile
from sambastudio.transfers.upload import upload_dataset
from tests.transfers.test_upload import make_tree

CHUNK = 64 << 10


def stored_files(emu: Emulator, dataset: dict[str, Any]) -> dict[str, bytes]:
    """The bytes the emulator holds for a dataset, by path inside the dataset."""
    dataset_id = dataset.get("id") or dataset["dataset_id"]
    return {path: file.read_bytes() for path, file in dataset_files(emu.state, dataset_id).items()}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0) as running:
        yield running


def transport_for(emu: Emulator) -> Pipeline:
    settings = Settings(host_url=emu.url, access_key=emu.access_key)
    return Pipeline(settings, sleep=lambda seconds: None)


def an_app(emu: Emulator) -> str:
    """An app's name, asked the way the upload asks (retried through injected faults)."""
    return str(_upload._send(transport_for(emu), ROUTES["list_apps"])["apps"][0]["name"])


def upload(emu: Emulator, path: Path, **kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "name": "squad",
        "path": path,
        "apps": [an_app(emu)],
        "job_types": ["train", "evaluation"],
        "chunk_size": CHUNK,
        **kwargs,
    }
    return upload_dataset(transport_for(emu), **options)


def test_a_folder_arrives_byte_identical(emu: Emulator, tmp_path: Path) -> None:
    files = make_tree(tmp_path)
    (tmp_path / "big.bin").write_bytes(os.urandom(5 * CHUNK + 3))
    files["big.bin"] = (tmp_path / "big.bin").read_bytes()

    dataset = upload(emu, tmp_path)

    assert stored_files(emu, dataset) == files


def test_faults_do_not_change_a_byte(tmp_path: Path) -> None:
    files = make_tree(tmp_path)
    (tmp_path / "big.bin").write_bytes(os.urandom(8 * CHUNK))
    files["big.bin"] = (tmp_path / "big.bin").read_bytes()

    with Emulator(port=0, fault_rate=0.2, seed=1) as faulty:
        dataset = upload(faulty, tmp_path)
        assert stored_files(faulty, dataset) == files


def test_a_wrong_digest_is_refused(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f.txt").write_text("small")
    create = _upload._Upload._create

    def lying_create(self: _upload._Upload, file: PlannedFile, digest: str | None) -> str:
        return create(self, file, "00000000")

    monkeypatch.setattr(_upload._Upload, "_create", lying_create)
    with pytest.raises(UploadError, match="refused to assemble"):
        upload(emu, tmp_path)


@pytest.mark.parametrize(
    ("change", "argument"),
    [({"apps": ["no-such-app"]}, "apps"), ({"job_types": ["train", "deploy"]}, "job_types")],
)
def test_checks_run_before_anything_is_created(
    emu: Emulator, tmp_path: Path, change: dict[str, Any], argument: str
) -> None:
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InvalidArgumentError) as caught:
        upload(emu, tmp_path, **change)
    assert caught.value.argument == argument


def test_a_taken_name_is_refused(emu: Emulator, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    upload(emu, tmp_path)
    with pytest.raises(InvalidArgumentError, match="already exists"):
        upload(emu, tmp_path)


_CHILD = textwrap.dedent(
    """
    import sys
    from sambastudio._config import Settings
    from sambastudio._pipeline import Pipeline
    from sambastudio.transfers.upload import upload_dataset

    url, key, app, path, chunk = sys.argv[1:]
    upload_dataset(
        Pipeline(Settings(host_url=url, access_key=key)),
        name="killed", path=path, apps=[app], job_types=["train"], chunk_size=int(chunk),
        concurrency=1, on_progress=lambda p: print(p.done, flush=True),
    )
    """
)


def test_a_killed_upload_resumes_with_only_the_missing_parts(tmp_path: Path) -> None:
    data = os.urandom(40 * CHUNK)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "big.bin").write_bytes(data)
    with Emulator(port=0, latency_ms=15) as slow:
        args = [slow.url, slow.access_key, an_app(slow), str(folder), str(CHUNK)]
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *args], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        for _ in range(10):  # ten parts acknowledged, then the process dies
            assert child.stdout.readline()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
        acknowledged = {
            r["part"] for r in Journal("killed", folder).records() if r["kind"] == "part"
        }
        assert 10 <= len(acknowledged) < 40

        transport = transport_for(slow)
        sent: list[int] = []
        send = transport.send

        def spy(request: WireRequest, **options: Any) -> requests.Response:
            if request.route.name == "upload_part_file":
                sent.append(int(str(request.query["partNumber"])))
            return send(request, **options)

        transport.send = spy  # type: ignore[method-assign]
        dataset = upload_dataset(
            transport,
            name="killed",
            path=folder,
            apps=[args[2]],
            job_types=["train"],
            chunk_size=CHUNK,
        )

        assert not set(sent) & acknowledged
        assert set(sent) | acknowledged == set(range(1, 41))
        assert stored_files(slow, dataset) == {"big.bin": data}
