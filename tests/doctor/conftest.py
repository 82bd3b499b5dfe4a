"""A v2 (grpc-gateway style) emulator that already holds a whole lifecycle, and the routes
file ``doctor`` wrote for it from its API description.

The data lives in a directory, so tests can serve the same state again with the API
description hidden (``api_docs=False``).
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import attrs
import pytest

from sambastudio import Client
from sambastudio.compat import SnSdk
from sambastudio.doctor import run_doctor
from sambastudio.emulator import Emulator
from tests.compat import test_emulator_jobs as shim_jobs
from tests.compat.helpers import TRAINING_DATA, upload_dataset
from tests.docs.code_blocks import DEMO_DATA, readme_example


@attrs.frozen
class World:
    data_dir: Path
    routes_file: Path
    access_key: str
    printed: list[str]


@pytest.fixture(scope="session")
def v2_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Doctor (with the API document) on a fresh v2 emulator writes a routes file; with it,
    the README lifecycle and the shim's fine-tune -> deploy -> predict sequence run."""
    root = tmp_path_factory.mktemp("v2-world")
    data_dir, routes_file = root / "data", root / "routes.json"
    shutil.copytree(DEMO_DATA, root / "capitals")
    patch = pytest.MonkeyPatch()
    patch.chdir(root)
    patch.setenv("SNAPI_CLI_CONFIG_DIR", str(root / "no-snapi"))
    printed: list[str] = []
    try:
        with Emulator(api="v2", speed=100_000, data_dir=data_dir) as emu:
            with Client(host_url=emu.url, access_key=emu.access_key) as client:
                report = run_doctor(client)
            routes_file.write_text(json.dumps(report.routes_document()), encoding="utf-8")
            patch.setenv("SAMBASTUDIO_HOST_URL", emu.url)
            patch.setenv("SAMBASTUDIO_ACCESS_KEY", emu.access_key)
            patch.setenv("SAMBASTUDIO_ROUTES", str(routes_file))
            namespace = {"print": lambda *args: printed.append(" ".join(map(str, args)))}
            exec(readme_example(), namespace)  # noqa: S102 - README's code
            key = emu.access_key
        # Time stands still for the shim's sequence: it moves the clock itself.
        with (
            Emulator(api="v2", speed=0, data_dir=data_dir) as emu,
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", DeprecationWarning)
            sdk = SnSdk(emu.url, emu.access_key)
            upload_dataset(sdk, "squad-v2", TRAINING_DATA, ["train", "evaluation"])
            shim_jobs.test_fine_tune_promote_deploy_predict(sdk, emu, False, "squad-v2")
    finally:
        patch.undo()
    return World(data_dir, routes_file, key, printed)
