"""snapi's command lines, as scripts run them, against the emulator: their effect on the
server's state and their ``Key : Value`` output (``--output snapi``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sambastudio.emulator import Emulator, _storage
from tests.cli.conftest import ARCH, DEMO_DATA, LATER, MODEL, Cli, World, unique

TARGET = "Meta-Llama-3-8B-Instruct"
APP = "Generative Tuning"
SNAPI = ("--output", "snapi")


def value(output: str, key: str) -> str:
    """What a grep-based script reads: the value on the ``Key : Value`` line."""
    found = re.search(rf"^{re.escape(key)} : (.*)$", output, re.MULTILINE)
    assert found is not None, (key, output)
    return found.group(1)


def test_version(cli: Cli) -> None:
    assert re.fullmatch(r"sambastudio \S+\n", cli("version").stdout)


def test_project_create_and_app_list_blocks(cli: Cli, world: World) -> None:
    name = unique("proj")
    cli("project", "create", "--project", name)
    assert world.client.projects.get(name).name == name
    blocks = cli("app", "list", *SNAPI).stdout.split("\n\n")
    first = blocks[0]
    assert value(first, "Name") == "Generative Tuning"
    assert value(first, "ID") == world.app
    assert value(first, "Playground") in ("True", "False")
    assert "Prediction Input : " in first


def test_dataset_add_from_a_source_file_after_echo_yes(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    source = tmp_path / "src.json"
    source.write_text(json.dumps({"source_path": str(DEMO_DATA)}))
    name = unique("data")
    added = cli("dataset", "add", "--dataset-name", name, "--apps", world.app,
                "--job_type", "train", "--job_type", "evaluation", "--source_type", "local",
                "--source_file", str(source), "--description", "capitals",
                "--application_field", "geography", "--language", "english",
                input="yes\n")  # fmt: skip
    assert "Are you sure you want to proceed? (yes/no)" in added.stderr
    assert "Dataset added successfully." in added.stdout
    dataset = world.client.datasets.get(name)
    assert sorted(dataset.job_types) == ["evaluation", "train"]
    assert dataset.description == "capitals"
    info = cli("dataset", "info", "--dataset", name, *SNAPI).stdout
    assert value(info, "Name") == name
    # snapi's dataset info labels (api-evidence §2), which grep-based scripts read
    assert value(info, "Dataset ID") == dataset.id
    assert value(info, "Job Type") == ", ".join(dataset.job_types)
    assert value(info, "Status") == "Available"
    assert value(info, "Created Time") == str(dataset.time_created)
    cli("dataset", "remove", "--dataset", name)
    assert name not in [d.name for d in world.client.datasets.list()]


def test_dataset_add_short_flags_and_yaml_source(cli: Cli, world: World, tmp_path: Path) -> None:
    source = tmp_path / "src.yaml"
    source.write_text(f"source_path: '{DEMO_DATA}'\n")
    metadata = tmp_path / "meta.json"
    metadata.write_text('{"train_filepath": "train.jsonl"}')
    name = unique("data")
    out = cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
              "-st", "localMachine", "-sf", str(source), "-d", "short", "-ft", "jsonl",
              "-u", "https://example.com/data", "-l", "english", "-af", "geography",
              "-mf", str(metadata), *SNAPI, input="yes\n")  # fmt: skip
    assert value(out.stdout, "Name") == name
    dataset = world.client.datasets.get(name)
    assert dataset.description == "short"
    assert (dataset.file_type, dataset.url, dataset.language) == (
        "jsonl",
        "https://example.com/data",
        "english",
    )
    assert dataset.metadata == {"train_filepath": "train.jsonl", "application_field": "geography"}


def test_dataset_add_with_older_docs_dataset_path_and_list(cli: Cli, world: World) -> None:
    name = unique("data")
    cli("dataset", "add", "--dataset-name", name, "--apps", world.app, "--job_type", "train",
        "--dataset-path", str(DEMO_DATA), input="yes\n")  # fmt: skip
    listed = cli("dataset", "list", *SNAPI).stdout.split("\n\n")
    block = next(block for block in listed if value(block, "Name") == name)
    assert value(block, "Status") == "Available"
    added = world.client.datasets.get(name)
    assert value(block, "Path") == added.path
    assert value(block, "User") == added.user_id
    assert value(block, "Time Created") == added.created_at.isoformat(sep=" ", timespec="seconds")


def test_dataset_list_has_snapis_columns(cli: Cli, world: World) -> None:
    """snapi's dataset list prints PATH, APPS, USER, STATUS, TIME CREATED (api-evidence §4)."""
    name = unique("data")
    cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
        "--path", str(DEMO_DATA), input="yes\n")  # fmt: skip
    lines = cli("dataset", "list").stdout.splitlines()
    headers = lines[0].split("  ")
    for column in ("PATH", "APPS", "USER", "STATUS", "TIME CREATED"):
        assert column in [h.strip() for h in headers if h.strip()]
    row = next(line for line in lines if line.startswith(name))
    assert world.client.datasets.get(name).user_id in row


def test_dataset_add_not_confirmed_uploads_nothing(cli: Cli, world: World) -> None:
    name = unique("data")
    refused = cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
                  "--path", str(DEMO_DATA), input="no\n", code=2)  # fmt: skip
    assert "nothing was uploaded" in refused.stderr
    assert name not in [d.name for d in world.client.datasets.list()]


def aws_source_file(tmp_path: Path, secret: str, **changes: str) -> Path:
    """snapi's aws source file (api-evidence §4), as JSON."""
    fields = {"bucket": "my-bucket", "folder": "squad", "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
              "secretAccessKey": secret, "region": "us-east-1", **changes}  # fmt: skip
    source = tmp_path / "s3.json"
    source.write_text(json.dumps({k: v for k, v in fields.items() if v}))
    return source


def test_dataset_add_from_aws_imports_and_never_prints_the_secret(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    secret = "aws-secret-" + unique("never-shown")
    source = aws_source_file(tmp_path, secret)
    name = unique("s3")
    added = cli("--debug", "dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
                "-st", "aws", "-sf", str(source), *SNAPI, input="yes\n")  # fmt: skip
    assert "Dataset added successfully." in added.stdout
    assert value(added.stdout, "Status") == "Importing"
    assert "POST /api/datasets" in added.stderr  # the debug log saw the request
    dataset = world.client.datasets.get(name)
    assert dataset.path == "s3://my-bucket/squad"
    emu.clock.advance(LATER)
    waited = cli("dataset", "wait", "--dataset", name, "--json")
    assert json.loads(waited.stdout)["status"] == "Available"
    shown = [added.output, waited.output, cli("dataset", "info", "-d", name, "--json").output]
    for output in shown:
        assert secret not in output
        assert "AKIAIOSFODNN7EXAMPLE" not in output


def test_dataset_add_from_aws_waits_until_the_import_is_done(tmp_path: Path) -> None:
    with Emulator(port=0, speed=1000) as fast:
        cli = Cli(fast, tmp_path)
        secret = "aws-secret-" + unique("never-shown")
        out = cli("dataset", "add", "-n", "s3", "-apps", APP, "-j", "train", "-st", "aws",
                  "-sf", str(aws_source_file(tmp_path, secret)), "--yes", "--wait",
                  "--timeout", "20")  # fmt: skip
    assert "Dataset added successfully." in out.stdout
    assert "Dataset s3 is Available." in out.stdout
    assert secret not in out.output


def test_dataset_add_from_a_malformed_aws_file_names_fields_not_values(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    secret = "aws-secret-" + unique("never-shown")
    source = aws_source_file(tmp_path, secret, region="", bucket="Not A Bucket")
    name = unique("s3")
    refused = cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
                  "-st", "aws", "-sf", str(source), "--yes", code=2)  # fmt: skip
    assert "bucket: String should match pattern" in refused.stderr
    assert "region: Field required" in refused.stderr
    assert secret not in refused.output
    assert name not in [d.name for d in world.client.datasets.list()]


def sent(debug_log: str) -> list[str]:
    """The requests a ``--debug`` run logged, as ``METHOD /path``."""
    return re.findall(r"^DEBUG sambastudio: ([A-Z]+ \S+) -> ", debug_log, re.MULTILINE)


def test_dataset_add_file_names_the_data_to_upload(cli: Cli, world: World, tmp_path: Path) -> None:
    name = unique("data")
    cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
        "--file", str(DEMO_DATA), input="yes\n")  # fmt: skip
    assert world.client.datasets.get(name).file_count == 2
    source = tmp_path / "src.json"
    source.write_text(json.dumps({"source_path": str(DEMO_DATA)}))
    agreeing = unique("data")
    cli("dataset", "add", "-n", agreeing, "-apps", world.app, "-j", "train", "-st", "local",
        "-sf", str(source), "--file", f"{DEMO_DATA}/../demo_data/", "--yes")  # fmt: skip
    assert world.client.datasets.get(agreeing).file_count == 2


def test_dataset_add_file_refuses_other_data_or_s3_before_sending(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "src.json"
    source.write_text(json.dumps({"source_path": str(DEMO_DATA)}))
    name, before = unique("data"), emu.state.store.last_seq()
    other = cli("--debug", "dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
                "-st", "local", "-sf", str(source), "--file", str(DEMO_DATA / "train.jsonl"),
                "--yes", code=2)  # fmt: skip
    assert "--file" in other.stderr
    assert f"the source_path of --source_file {source}" in other.stderr
    assert "name different data" in other.stderr
    s3 = cli("--debug", "dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
             "-st", "aws", "-sf", str(aws_source_file(tmp_path, "secret-1")),
             "--file", str(DEMO_DATA), "--yes", code=2)  # fmt: skip
    assert "-st aws imports from S3 (leave --file out)" in s3.stderr
    assert sent(other.stderr + s3.stderr) == []
    assert emu.state.store.last_seq() == before


@pytest.mark.parametrize("flag", ["-t", "--test"])
def test_dataset_add_test_is_a_dry_run_that_creates_nothing(
    cli: Cli, world: World, emu: Emulator, flag: str
) -> None:
    name, before = unique("data"), emu.state.store.last_seq()
    out = cli("--debug", "dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
              "--file", str(DEMO_DATA), "-d", "checked", flag, *SNAPI)  # fmt: skip
    assert "--test: dry run, nothing was created (assumed meaning of snapi's --test" in out.stderr
    assert value(out.stdout, "Name") == name
    assert value(out.stdout, "Created") == "False"
    assert value(out.stdout, "Total Bytes") == str(
        sum(file.stat().st_size for file in DEMO_DATA.iterdir())
    )
    requests = sent(out.stderr)
    assert "GET /api/apps" in requests  # the apps were checked
    assert all(request.startswith("GET ") for request in requests), requests
    assert emu.state.store.last_seq() == before
    assert name not in [d.name for d in world.client.datasets.list()]
    as_json = cli("dataset", "add", "-n", name, "-apps", world.app, "-j", "train",
                  "--path", str(DEMO_DATA), "--test", "--json")  # fmt: skip
    planned = json.loads(as_json.stdout)
    assert (planned["dry_run"], planned["created"], planned["name"]) == (True, False, name)
    assert sorted(f["path"] for f in planned["files"]) == ["train.jsonl", "validation.jsonl"]


def test_dataset_add_test_checks_what_a_real_add_checks(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    taken = world.job.dataset_id or ""
    taken_name = world.client.datasets.get(taken).name or ""
    before = emu.state.store.last_seq()
    name_taken = cli("dataset", "add", "-n", taken_name, "-apps", world.app, "-j", "train",
                     "--path", str(DEMO_DATA), "-t", code=2)  # fmt: skip
    assert "already exists" in name_taken.stderr
    unknown_app = cli("dataset", "add", "-n", unique("data"), "-apps", "no-such-app",
                      "-j", "train", "--path", str(DEMO_DATA), "-t", code=2)  # fmt: skip
    assert "no-such-app" in unknown_app.stderr
    (tmp_path / "empty").mkdir()
    empty = cli("dataset", "add", "-n", unique("data"), "-apps", world.app, "-j", "train",
                "--file", str(tmp_path / "empty"), "-t", code=2)  # fmt: skip
    assert "holds no files" in empty.stderr
    secret = "aws-secret-" + unique("never-shown")
    s3 = cli("--debug", "dataset", "add", "-n", unique("s3"), "-apps", world.app, "-j", "train",
             "-st", "aws", "-sf", str(aws_source_file(tmp_path, secret)), "-t", *SNAPI)  # fmt: skip
    assert value(s3.stdout, "Source") == "s3://my-bucket/squad"
    assert all(request.startswith("GET ") for request in sent(s3.stderr))
    assert secret not in s3.output
    assert emu.state.store.last_seq() == before


def test_job_create_with_rdus_info_checkpoints_model_add_and_delete(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    project, name = world.project.name or "", unique("job")
    hyperparams = tmp_path / "hp.json"
    hyperparams.write_text('{"num_iterations": 4, "save_steps": 2}')
    dataset = world.job.dataset_id or ""
    cli("job", "create", "-p", project, "-j", name, "-t", "train", "-m", MODEL, "-d", dataset,
        "-r", "16", "-a", ARCH, "-hf", str(hyperparams), "-l")  # fmt: skip
    job = world.project.jobs.get(name)
    assert job.parallel_instances == 2
    assert job.load_state is True
    emu.clock.advance(LATER)
    job.wait(10, poll_interval=0.01)
    info = cli("job", "info", "-p", project, "-j", name).stdout
    assert value(info, "Status") == "EXIT_WITH_0"
    first = cli("checkpoint", "list", "-p", project, "-j", name).stdout.splitlines()[1]
    checkpoint = first.split()[0]
    model = unique("model")
    cli("model", "add", "-m", checkpoint, "-n", model, "-p", project, "-j", name, "-t",
        "pretrained")  # fmt: skip
    assert world.client.models.get(model).checkpoint_type == "pretrained"
    assert model in cli("model", "list").stdout
    cli("model", "remove", "-m", model)
    cli("job", "delete", "-p", project, "-j", name)
    assert name not in [j.name for j in world.project.jobs.list()]


def test_job_create_refuses_rdus_that_do_not_fit_the_arch(cli: Cli, world: World) -> None:
    name = unique("job")
    out = cli("job", "create", "-p", world.project.id, "-j", name, "-m", MODEL,
              "-d", world.job.dataset_id or "", "-r", "12", "-a", ARCH, code=2)  # fmt: skip
    assert "-r/--rdu-required" in out.stderr
    assert name not in [j.name for j in world.project.jobs.list()]


def test_endpoint_create_info_hides_the_key_stop_delete(
    cli: Cli, world: World, emu: Emulator
) -> None:
    project, name = world.project.name or "", unique("ep")
    cli("endpoint", "create", "-p", project, "-n", name, "-m", world.model.id, "-a", ARCH,
        "-i", "1")  # fmt: skip
    emu.clock.advance(LATER)
    key = world.project.endpoints.get(name).api_key
    assert key is not None
    info = cli("endpoint", "info", "-p", project, "-e", name).stdout
    assert value(info, "Status") == "Live"
    assert value(info, "URL").endswith(world.project.endpoints.get(name).id)
    assert value(info, "API Key") == "(hidden; add --show-key to print it)"
    assert key.reveal() not in info
    shown = cli("endpoint", "info", "-p", project, "-e", name, "--show-key").stdout
    assert value(shown, "API Key") == key.reveal()
    cli("endpoint", "stop", f"--project={project}", f"--endpoint={name}")
    assert world.project.endpoints.get(name).status == "Stopped"
    cli("endpoint", "delete", "-p", project, "-e", name)
    assert name not in [e.name for e in world.project.endpoints.list()]


def test_model_add_composite_and_remove(cli: Cli, world: World) -> None:
    name = unique("bundle")
    out = cli("model", "add-composite", "-n", name, "-e", MODEL, "-e", TARGET, *SNAPI).stdout
    bundle = world.client.models.get(name)
    assert value(out, "ID") == bundle.id
    assert bundle.composition == "Composite"
    assert [d["name"] for d in bundle.dependencies] == [MODEL, TARGET]
    cli("model", "remove", "-m", name)


def test_validate_bundle(cli: Cli, world: World) -> None:
    checked = cli("model", "validate-bundle", "-e", MODEL, "-e", TARGET, "--rdu-required", "16")
    assert "Bundle validated" in checked.stdout
    refused = cli("model", "validate-bundle", "-e", MODEL, "-e", MODEL, code=1)
    assert f"models appear more than once: {MODEL}" in refused.stderr


def test_validate_spec_decoding_and_create_sd_pair(cli: Cli, world: World) -> None:
    pair = ["--target", TARGET, "--target-version", "1", "--draft", MODEL,
            "--draft-version", "1", "--rdu-arch", ARCH]  # fmt: skip
    assert "validated" in cli("model", "validate-spec-decoding", *pair).stdout
    name = unique("sd")
    cli("model", "create-sd-pair", "--name", name, *pair)
    created = world.client.models.get(name)
    assert created.config["target_model"] == TARGET
    assert created.config["draft_model"] == MODEL
    assert created.config["rdu_required"] == 8
    backwards = ["--target", MODEL, "--draft", TARGET, "--rdu-arch", ARCH]
    refused = cli("model", "create-sd-pair", "--name", unique("sd"), *backwards, code=1)
    assert "draft model must be smaller" in refused.stderr
    wrong = cli("model", "validate-spec-decoding", *pair[:3], "7", *pair[4:], code=2)
    assert "version 1, not 7" in wrong.stderr


def checkpoint_folder(tmp_path: Path) -> dict[str, bytes]:
    """A local checkpoint under ``tmp_path/ckpt``: its files by path inside it."""
    files = {"config.json": b'{"model_type": "llama"}', "weights/model.bin": bytes(range(256)) * 40}
    for relpath, data in files.items():
        (tmp_path / "ckpt" / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "ckpt" / relpath).write_bytes(data)
    return files


def test_import_model_create_uploads_a_local_checkpoint(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    files = checkpoint_folder(tmp_path)
    name = unique("imported")
    out = cli("import", "model", "create", "--model-name", name, "--app", world.app,
              "--source-type", "LOCAL", "--source-path", str(tmp_path / "ckpt"),
              "--model-arch", MODEL, "--parameter-count", "1b", "--sequence-length", "8192",
              "--vocab-size", "128256", "-ni", "--publisher", "me", "--description", "mine",
              "--ignore-transformers-version")  # fmt: skip
    for flag in ("--app", "--publisher", "--description", "--ignore-transformers-version"):
        assert f"{flag} is accepted for snapi but not sent" in out.stderr
    imported = world.client.models.get(name)
    assert f"Importing model {name} ({imported.id})" in out.stdout
    emu.clock.advance(LATER)
    assert imported.import_status().status == "Available"
    assert world.client.models.get(name).status == "Available"
    stored = _storage.model_files(emu.state, imported.id)
    assert {path: file.read_bytes() for path, file in stored.items()} == files


def test_import_model_create_refuses_before_sending(
    cli: Cli, world: World, emu: Emulator, tmp_path: Path
) -> None:
    checkpoint_folder(tmp_path)
    before = emu.state.store.last_seq()
    missing = cli("--debug", "import", "model", "create", "--model-name", unique("imported"),
                  "--source-type", "LOCAL", "--source-path", str(tmp_path / "nowhere"),
                  "--model-arch", MODEL, "-ni", code=2)  # fmt: skip
    assert "--source-path" in missing.stderr
    assert "does not exist on this machine" in missing.stderr
    assert sent(missing.stderr) == []
    mismatch = cli("--debug", "import", "model", "create", "--model-name", unique("imported"),
                   "--source-path", str(tmp_path / "ckpt"), "--model-arch", MODEL,
                   "--vocab-size", "32000", code=2)  # fmt: skip
    assert "--vocab-size" in mismatch.stderr
    assert all(request.startswith("GET ") for request in sent(mismatch.stderr))
    assert emu.state.store.last_seq() == before


def test_import_model_create_from_a_path_on_the_storage(
    cli: Cli, world: World, emu: Emulator
) -> None:
    name = unique("imported")
    cli("import", "model", "create", "--model-name", name, "--source-type", "STORAGE",
        "--source-path", "imports/ckpt", "--model-arch", MODEL, "-ni")  # fmt: skip
    imported = world.client.models.get(name)
    assert imported.description == "imported from local storage"
    emu.clock.advance(LATER)
    assert imported.import_status().status == "Available"
    assert _storage.model_files(emu.state, imported.id) == {}


@pytest.mark.parametrize("group", ["project", "job", "dataset", "model", "endpoint", "config",
                                   "import", "completion", "checkpoint", "app", "tenant", "user",
                                   "notification"])  # fmt: skip
def test_each_group_help_shows_examples(cli: Cli, group: str) -> None:
    help_text = cli(group, "--help").stdout
    examples = help_text.split("Examples:")[1].split("Options:")[0]
    lines = [line for line in examples.splitlines() if line.strip().startswith("sambastudio")]
    assert 2 <= len(lines) <= 3, help_text


def test_a_failure_is_printed_where_snapi_scripts_look_for_it(cli: Cli, world: World) -> None:
    """Scripts written for snapi find errors by "error occured", status_code and
    ``message: ...`` on stdout (api-evidence §4); stderr and the exit code stay the same."""
    failed = cli("job", "info", "-p", world.project.name, "-j", "no-such-job", *SNAPI, code=1)
    assert "error occured" in failed.stdout
    assert "status_code: 404" in failed.stdout
    message = next(line for line in failed.stdout.splitlines() if line.startswith("message: "))
    assert "no-such-job" in message
    assert "no-such-job" in failed.stderr
    plain = cli("job", "info", "-p", world.project.name, "-j", "no-such-job", code=1)
    assert plain.stdout == ""
