"""Predictions against the emulator over the three predict wires: text, streams, vectors, keys."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    APIStatusError,
    AuthenticationError,
    InternalServerError,
    InvalidArgumentError,
    SambaStudioError,
)
from sambastudio.resources import Project
from sambastudio.resources.endpoints import Endpoint
from sambastudio.resources.predictions import WIRES, Prediction, Wire, wire_params
from tests.objects._endpoint_fixtures import (
    EMBEDDING_MODEL,
    deploy,
    deploy_live,
    refused_before_sending,
    routes_sent,
    secrets_of,
)
from tests.objects.conftest import default_key

SHORT = {"max_tokens_to_generate": 3}
TOO_LONG = "word " * 9000
"""More tokens than the base model's 8192: refused by the model, inside a 200 stream."""


def speaking(endpoint: Endpoint, wire: Wire) -> Endpoint:
    """The endpoint as if its URL named ``wire`` (the emulator serves every wire for every
    endpoint but advertises only one URL per flavor: nlp in legacy, generic in current)."""
    path = f"{wire.prefix}{endpoint.project_id}/{endpoint.id}"
    return endpoint.model_copy(update={"url": path})


@pytest.fixture(params=WIRES, ids=lambda wire: wire.predict_route)
def wire(request: pytest.FixtureRequest) -> Wire:
    chosen: Wire = request.param
    return chosen


@pytest.fixture
def live(project: Project, wire: Wire) -> Endpoint:
    return speaking(deploy_live(project), wire)


# -------------------------------------------------------------------------- predict


def test_one_text_gives_one_prediction_and_a_list_a_list(live: Endpoint) -> None:
    one = live.predict("Hello")
    assert isinstance(one, Prediction)
    assert one.text
    assert one.prompt_tokens == 1
    assert one.total_tokens == one.prompt_tokens + (one.completion_tokens or 0)
    assert one.stop_reason == "end_of_text"
    assert one.raw["completion"] == one.text
    texts = [p.text for p in live.predict(["Hello", "Bye"])]
    assert texts == [one.text, live.predict("Bye").text]
    assert [p.text for p in live.predict(("Hello",))] == [one.text]
    assert one.usage is not None
    assert (one.usage.prompt_tokens, one.usage.total_tokens) == (1, one.total_tokens)
    assert one.usage.total_latency == pytest.approx(one.usage.end_time - one.usage.start_time)


@pytest.mark.parametrize(
    "params",
    [SHORT, {"max_tokens_to_generate": {"type": "int", "value": "3"}}],
    ids=["plain", "typed"],
)
def test_params_in_either_form_reach_every_wire(live: Endpoint, params: dict[str, object]) -> None:
    short = live.predict("Hello", params)
    assert (short.completion_tokens, short.stop_reason) == (3, "max_len_reached")


def test_a_bool_param_reaches_every_wire(live: Endpoint) -> None:
    message = {"message_id": 0, "role": "user", "content": "hi"}
    chat = json.dumps({"conversation_id": "c", "messages": [message]})
    assert live.predict(chat, {"process_prompt": True}).prompt_tokens == 3  # "user: hi"


def test_predict_file(live: Endpoint, tmp_path: Path) -> None:
    source = tmp_path / "inputs.txt"
    source.write_text("Hello")
    [prediction] = live.predict_file(source)
    assert prediction.text == live.predict("Hello").text


# --------------------------------------------------------------------------- stream


def test_stream_yields_the_tokens_of_the_prediction(live: Endpoint) -> None:
    tokens = list(live.stream("Hello", SHORT))
    assert len(tokens) == 3
    assert "".join(tokens) == live.predict("Hello", SHORT).text


def test_an_error_inside_a_stream_raises(live: Endpoint) -> None:
    with pytest.raises(SambaStudioError, match="takes at most 8192") as caught:
        list(live.stream(TOO_LONG))
    assert not isinstance(caught.value, APIStatusError)


def test_stream_checks_now_and_sends_when_read(client: Client, live: Endpoint) -> None:
    with routes_sent(client) as sent:
        with pytest.raises(InvalidArgumentError):
            live.stream("Hello", ["not", "a", "dict"])  # type: ignore[arg-type]
        tokens = live.stream("Hello")
        assert sent == []
        assert next(tokens)
    assert len(sent) == 1


# -------------------------------------------------------------------------- vectors


def test_embed_gives_one_vector_per_text(project: Project, wire: Wire) -> None:
    embedder = speaking(deploy_live(project, model=EMBEDDING_MODEL), wire)
    vectors = embedder.embed(["a cat", "a dog"])
    assert len(vectors) == 2
    assert len(vectors[0]) == len(vectors[1]) > 1
    assert all(isinstance(x, float) for x in vectors[0])
    assert embedder.embed("a cat") == vectors[:1]
    assert embedder.predict("a cat").raw == vectors[0]


def test_embed_on_a_text_model_says_so(live: Endpoint) -> None:
    with pytest.raises(SambaStudioError, match="embedding model"):
        live.embed(["Hello"])


# ----------------------------------------------------------------------------- keys


def test_any_active_key_works_and_a_revoked_one_is_refused(
    client: Client, live: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    key = live.api_keys.create(description="ci")
    assert live.predict("Hello", api_key=key).text
    assert live.predict("Hello", api_key=key.reveal()).text
    key.revoke()
    caplog.set_level(logging.DEBUG, logger="sambastudio")
    with pytest.raises(AuthenticationError) as refused:
        live.predict("Hello", api_key=key)
    with pytest.raises(AuthenticationError) as refused_stream:
        list(live.stream("Hello", api_key=key))
    texts = [str(refused.value), str(refused_stream.value), caplog.text]
    for secret in [*secrets_of(client, live), key.reveal()]:
        for text in texts:
            assert secret not in text


def test_without_an_active_key_nothing_is_sent(
    client: Client, project: Project, emulator: Emulator
) -> None:
    endpoint = deploy(project)
    assert endpoint.api_key is not None
    assert endpoint.api_key.reveal() == default_key(emulator, endpoint.id)
    endpoint.api_key.revoke()
    endpoint.refresh()
    with routes_sent(client) as sent, pytest.raises(SambaStudioError, match="no active API key"):
        endpoint.predict("Hello")
    assert sent == []


def test_an_endpoint_on_its_way_answers_503(project: Project) -> None:
    with pytest.raises(InternalServerError) as caught:
        deploy(project).predict("Hello")
    assert caught.value.status_code == 503


# ------------------------------------------------------------------------ arguments


@pytest.mark.parametrize(
    ("argument", "call"),
    [
        ("inputs", lambda e: e.predict([])),
        ("inputs", lambda e: e.predict([1])),
        ("inputs", lambda e: e.embed([])),
        ("params", lambda e: e.predict("Hello", ["max_tokens_to_generate"])),
        ("params", lambda e: e.predict("Hello", {"n": {"type": "int", "value": "x"}})),
        ("text", lambda e: e.stream(["Hello"])),
        ("path", lambda e: e.predict_file("/no/such/file")),
    ],
)
def test_bad_arguments_are_refused_before_sending(
    client: Client, live: Endpoint, argument: str, call: Callable[[Endpoint], object]
) -> None:
    with refused_before_sending(client, argument):
        call(live)


def test_a_url_of_no_known_wire_is_refused(live: Endpoint) -> None:
    with pytest.raises(SambaStudioError, match="no predict URL"):
        live.model_copy(update={"url": "/api/predict/audio/p/e"}).predict("Hello")


# ------------------------------------------------------------------ params, as data


def test_v1_params_are_typed_strings() -> None:
    nlp = WIRES[0]
    given = {
        "a": True,
        "b": 3,
        "c": 0.5,
        "d": "x",
        "e": ["<eos>"],
        "f": {"type": "int", "value": 1},
    }
    assert wire_params(nlp, given) == {
        "a": {"type": "bool", "value": "true"},
        "b": {"type": "int", "value": "3"},
        "c": {"type": "float", "value": "0.5"},
        "d": {"type": "str", "value": "x"},
        "e": {"type": "str", "value": '["<eos>"]'},
        "f": {"type": "int", "value": "1"},
    }


def test_v2_params_are_plain_values() -> None:
    v2 = next(wire for wire in WIRES if not wire.typed_params)
    given = {
        "a": {"type": "bool", "value": "False"},
        "b": {"type": "int", "value": "3"},
        "c": {"type": "float", "value": "0.5"},
        "d": 7,
    }
    assert wire_params(v2, given) == {"a": False, "b": 3, "c": 0.5, "d": 7}
    assert wire_params(v2, None) is None


@pytest.mark.parametrize("wire", WIRES, ids=lambda wire: wire.predict_route)
@pytest.mark.parametrize(("kind", "value"), [("int", "many"), ("float", "x"), ("bool", "yes")])
def test_a_typed_value_that_does_not_parse_is_refused(wire: Wire, kind: str, value: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        wire_params(wire, {"n": {"type": kind, "value": value}})
    assert caught.value.argument == "params"


# ----------------------------------------------------------------------- OpenAI URL


def test_the_openai_base_url_serves_chat_completions(project: Project, emulator: Emulator) -> None:
    endpoint = deploy_live(project, openai_compatible=True)
    assert endpoint.api_key is not None
    assert endpoint.api_key.reveal() == default_key(emulator, endpoint.id)
    answer = requests.post(
        f"{endpoint.openai_base_url}/chat/completions",
        headers={"Authorization": f"Bearer {endpoint.api_key.reveal()}"},
        json={
            "model": endpoint.targets[0].model_checkpoint_name,
            "messages": [{"role": "user", "content": "Hello"}],
        },
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["choices"][0]["message"]["content"]
