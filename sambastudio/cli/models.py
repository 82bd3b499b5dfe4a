"""``sambastudio model``: base models and the ones promoted from checkpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    JOB,
    MODEL,
    PROJECT,
    add_commands,
    delete_command,
    hidden_alias,
    info_command,
    list_command,
    rdus_of,
    show_created,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._errors import Failure
from sambastudio.cli._output import show_done
from sambastudio.resources import Model

COLUMNS = ("name", "id", "status", "model_type", "job_types", "version")


def find(client: Client, model: str) -> Model:
    return client.models.get(model)


@click.group(cls=Group)
def model() -> None:
    """Models: the catalogue, promoted checkpoints, bundles and speculative pairs.

    \b
    Examples:
      sambastudio model add -p demo -j ft-1 -m <checkpoint> -n my-model -t finetuned
      sambastudio model add-composite -n my-bundle -e my-model -e Meta-Llama-3-8B-Instruct
      sambastudio model create-sd-pair --name sd --target Meta-Llama-3-8B-Instruct \\
          --target-version 1 --draft Meta-Llama-3.2-1B-Instruct --draft-version 1 --rdu-arch SN40L-8
    """


@model.command("add")
@PROJECT
@JOB
@click.option(
    "-m",
    "--model-checkpoint",
    "checkpoint",
    required=True,
    help="The checkpoint to promote (its name, as `checkpoint list` shows).",
)
@click.option("-n", "--name", required=True, help="Name of the new model.")
@click.option(
    "-t",
    "--checkpoint-type",
    type=click.Choice(["finetuned", "pretrained"]),
    default="finetuned",
    show_default=True,
)
@click.option("--description", default="")
def add(
    project: str, job: str, checkpoint: str, name: str, checkpoint_type: Any, description: str
) -> None:
    """Promote a checkpoint to a model (snapi: model add -m -n -p -j -t)."""
    client = cli_context().client
    found = client.projects.get(project).jobs.get(job).checkpoints.get(checkpoint)
    added = found.promote(name=name, description=description, checkpoint_type=checkpoint_type)
    show_created("model", added)


_DEPENDENCIES = click.option(
    "-e",
    "--dependency",
    "--dependencies",
    "dependencies",
    multiple=True,
    required=True,
    help="A model to bundle (name or id; repeatable).",
)
_RDU_REQUIRED = click.option(
    "--rdu-required", "--rdu_required", type=click.IntRange(min=1), default=8, show_default=True
)


@model.command("add-composite")
@click.option("-n", "--name", required=True, help="Name of the new composite model.")
@_DEPENDENCIES
@_RDU_REQUIRED
@click.option("--description", default="")
def add_composite(
    name: str, dependencies: tuple[str, ...], rdu_required: int, description: str
) -> None:
    """Bundle models into one composite model (snapi: model add-composite -n -e)."""
    created = cli_context().client.models.create_composite(
        name=name, dependencies=list(dependencies), rdu_required=rdu_required,
        description=description,
    )  # fmt: skip
    show_created("model", created)


@model.command("validate-bundle")
@_DEPENDENCIES
@_RDU_REQUIRED
def validate_bundle(dependencies: tuple[str, ...], rdu_required: int) -> None:
    """Check that the models can be bundled on these RDUs; exit 1 with the reasons if not."""
    check = cli_context().client.models.validate_bundle(
        dependencies=list(dependencies), rdu_required=rdu_required
    )
    if not check.valid:
        reasons = "; ".join(str(v.get("message", v)) for v in check.validations)
        raise Failure(f"these models cannot be bundled: {reasons}")
    show_done(f"Bundle validated: {', '.join(dependencies)} on {rdu_required} RDUs.", valid=True)


def _pair(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options naming a speculative-decoding pair, as snapi spells them."""
    for option in reversed(
        [
            click.option("--target", required=True, help="The target model (name or id)."),
            click.option("--target-version", "--target_version", help="Its version."),
            click.option("--draft", required=True, help="The smaller draft model."),
            click.option("--draft-version", "--draft_version", help="Its version."),
            click.option("-a", "--rdu-arch", "--rdu_arch", required=True, help="RDU architecture."),
        ]
    ):
        command = option(command)
    return command


def _member(client: Client, ref: str, version: str | None, option: str) -> Model:
    """The model ``ref``, checked to be ``version`` when one is given."""
    found = client.models.get(ref)
    if version is not None and found.version is not None and str(found.version) != version:
        raise click.BadParameter(
            f"model {ref} is version {found.version}, not {version}", param_hint=option
        )
    return found


def _validated(
    target: str, target_version: str | None, draft: str, draft_version: str | None, arch: str
) -> tuple[Model, Model, int]:
    """Both members and the RDUs, once the server said the draft can speculate for the
    target; a refusal lists every reason and creates nothing."""
    client = cli_context().client
    rdus = rdus_of(arch, "--rdu-arch")
    pair = (
        _member(client, target, target_version, "--target-version"),
        _member(client, draft, draft_version, "--draft-version"),
    )
    check = client.models.validate_spec_decoding(target=pair[0], draft=pair[1], rdu_required=rdus)
    if not check.valid:
        reasons = "; ".join(str(v.get("message", v)) for v in check.validations)
        raise Failure(f"{draft} cannot be a speculative-decoding draft for {target}: {reasons}")
    return pair[0], pair[1], rdus


@model.command("validate-spec-decoding")
@_pair
def validate_spec_decoding(
    target: str, target_version: str | None, draft: str, draft_version: str | None, rdu_arch: str
) -> None:
    """Check that DRAFT can speculate for TARGET; exit 1 with the reasons if not."""
    _validated(target, target_version, draft, draft_version, rdu_arch)
    show_done(
        f"Speculative decoding validated: {draft} can draft for {target} on {rdu_arch}.",
        valid=True,
    )


@model.command("create-sd-pair")
@click.option("-n", "--name", required=True, help="Name of the new speculative-decoding pair.")
@_pair
@click.option("--description", default="")
def create_sd_pair(
    name: str,
    target: str,
    target_version: str | None,
    draft: str,
    draft_version: str | None,
    rdu_arch: str,
    description: str,
) -> None:
    """Validate a target/draft pair, then create it as a composite model."""
    target_model, draft_model, rdus = _validated(
        target, target_version, draft, draft_version, rdu_arch
    )
    names = {"target_model": target_model.name or target, "draft_model": draft_model.name or draft}
    created = cli_context().client.models.create_composite(
        name=name,
        dependencies=[target_model, draft_model],
        rdu_required=rdus,
        description=description,
        config_params=names,
    )
    show_created("model", created)


_delete = delete_command("model", find, MODEL)
add_commands(
    model,
    list_command("model", COLUMNS, lambda client: client.models.list()),
    info_command("model", find, MODEL),
    _delete,
    hidden_alias(_delete, "remove"),
)
