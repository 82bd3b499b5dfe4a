"""Helpers for the endpoint and administration tests: deploying, and watching what is sent.

``tests/objects/conftest.py`` registers this module for pytest's assertion rewriting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest

from sambastudio._client import Client
from sambastudio._routes import WireRequest
from sambastudio.errors import InvalidArgumentError
from sambastudio.resources import Project
from sambastudio.resources.endpoints import Endpoint
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, unique

EMBEDDING_MODEL = "e5-large-v2"


def deploy(project: Project, **options: Any) -> Endpoint:
    """A new endpoint of the base model (Deploying); ``options`` override create()'s."""
    arguments: dict[str, Any] = {"name": unique("ep"), "model": BASE_MODEL, "rdu_arch": RDU_ARCH}
    return project.endpoints.create(**{**arguments, **options})


def deploy_live(project: Project, **options: Any) -> Endpoint:
    """A new endpoint, waited on until Live (the test's clock moves the emulator's)."""
    return deploy(project, **options).wait_until_live(timeout=600)


def secrets_of(client: Client, *endpoints: Endpoint) -> list[str]:
    """Every credential in play: the access key and each key of the endpoints."""
    keys = [key.reveal() for endpoint in endpoints for key in endpoint.api_keys.list()]
    return [client.settings.access_key, *keys]


@contextmanager
def routes_sent(client: Client) -> Iterator[list[str]]:
    """The names of the routes ``client`` sends inside the block, in order."""
    names: list[str] = []
    real_send = client._pipeline.send

    def send(request: WireRequest, **options: Any) -> Any:
        names.append(request.route.name)
        return real_send(request, **options)

    with mock.patch.object(client._pipeline, "send", send):
        yield names


@contextmanager
def refused_before_sending(client: Client, argument: str) -> Iterator[None]:
    """The block raises ``InvalidArgumentError`` naming ``argument``; ``client`` sends nothing."""
    with routes_sent(client) as sent, pytest.raises(InvalidArgumentError) as caught:
        yield
    assert caught.value.argument == argument
    assert sent == []
