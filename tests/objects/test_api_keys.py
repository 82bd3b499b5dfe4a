"""Endpoint API keys against the emulator: create, list, find, revoke, describe; never shown."""

from __future__ import annotations

import pickle
import uuid

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import NameNotFoundError, SambaStudioError
from sambastudio.resources import Project
from sambastudio.resources.api_keys import ApiKey, fingerprint
from tests.objects._endpoint_fixtures import deploy, deploy_live
from tests.objects.conftest import default_key


def test_a_new_endpoint_has_an_active_default_key(project: Project, emulator: Emulator) -> None:
    endpoint = deploy(project)
    assert endpoint.api_key is not None
    assert endpoint.api_key.reveal() == default_key(emulator, endpoint.id)
    assert endpoint.api_key.is_active
    assert endpoint.api_keys.list().to_list() == [endpoint.api_key]


def test_create_generates_a_uuid_key_client_side(project: Project) -> None:
    endpoint = deploy(project)
    key = endpoint.api_keys.create(description="ci")
    assert isinstance(key, ApiKey)
    assert (key.description, key.status, key.endpoint_id) == ("ci", "Active", endpoint.id)
    assert uuid.UUID(key.reveal()).version == 4
    assert key.id == fingerprint(key.reveal())
    assert key != endpoint.api_key
    assert key in endpoint.api_keys.list().to_list()  # api_keys: in 2024 answers too (S3)


def test_create_registers_a_key_the_caller_chose(project: Project) -> None:
    endpoint = deploy_live(project)
    # Not a uuid other tests use: the SDK remembers keys it sent, and masks them everywhere.
    chosen = "c4053c1e-57a1-4e9b-8f3e-6a2b9d1f0e77"
    key = endpoint.api_keys.create(description="mine", key=chosen)
    assert key.reveal() == chosen
    assert (key.id, key.description, key.status) == (fingerprint(chosen), "mine", "Active")
    assert endpoint.predict("Hello", api_key=chosen).text  # the server took that value
    assert chosen not in repr(key)


def test_get_by_object_id_value_or_description(project: Project, emulator: Emulator) -> None:
    endpoint = deploy(project)
    key = endpoint.api_key
    assert key is not None
    assert key.reveal() == default_key(emulator, endpoint.id)
    refs: list[str | ApiKey] = [key, key.id, key.reveal()]
    for ref in refs:
        assert endpoint.api_keys.get(ref) == key
    described = endpoint.api_keys.create(description="described")
    assert endpoint.api_keys.get("described") == described


def test_an_unknown_key_is_reported_by_its_fingerprint_only(project: Project) -> None:
    endpoint = deploy(project)
    secret = str(uuid.uuid4())
    for ref in (secret, "not-a-uuid-secret"):
        with pytest.raises(NameNotFoundError) as caught:
            endpoint.api_keys.get(ref)
        assert ref not in str(caught.value)
        assert fingerprint(ref) in str(caught.value)


def test_revoke_and_update_the_description(project: Project) -> None:
    endpoint = deploy(project)
    key = endpoint.api_keys.create(description="ci")
    assert key.update(description="nightly") is key
    assert (key.description, key.status) == ("nightly", "Active")
    assert key.revoke() is key
    assert (key.description, key.status) == ("nightly", "Revoked")
    assert not key.is_active


def test_revoking_the_default_key_moves_the_default(project: Project, emulator: Emulator) -> None:
    endpoint = deploy(project)
    first = endpoint.api_key
    assert first is not None
    assert first.reveal() == default_key(emulator, endpoint.id)
    second = endpoint.api_keys.create(description="next")
    first.revoke()
    assert endpoint.refresh().api_key == second


def test_revoking_the_only_key_leaves_no_default(project: Project, emulator: Emulator) -> None:
    endpoint = deploy(project)
    assert endpoint.api_key is not None
    assert endpoint.api_key.reveal() == default_key(emulator, endpoint.id)
    assert endpoint.api_key.revoke().status == "Revoked"
    assert endpoint.refresh().api_key is None


def test_the_key_never_shows(project: Project) -> None:
    key = deploy(project).api_keys.create(description="ci")
    secret = key.reveal()
    for text in (repr(key), str(key), key.model_dump_json(), str(key.model_dump())):
        assert secret not in text
    assert f"id='{key.id}'" in repr(key)  # the fingerprint stands in for the key


def test_pickling_keeps_the_key_and_drops_the_client(client: Client, project: Project) -> None:
    key = deploy(project).api_keys.create(description="ci")
    restored = pickle.loads(pickle.dumps(key))  # noqa: S301 - our own bytes
    assert restored == key
    assert restored.reveal() == key.reveal()
    with pytest.raises(SambaStudioError, match="attach"):
        restored.revoke()
    assert restored.attach(client).revoke().status == "Revoked"
