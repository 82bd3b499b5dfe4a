"""Chat, embeddings, usage and OpenAI clients through the object model, against the emulator."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from sambastudio._client import Client
from sambastudio._response import APIResponse
from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.errors import MissingDependencyError, NotFoundError, SambaStudioError
from sambastudio.resources import ChatCompletion, ChatStream, Project, TokenStream
from sambastudio.resources.endpoints import Endpoint
from tests.objects._endpoint_fixtures import (
    EMBEDDING_MODEL,
    deploy,
    deploy_live,
    refused_before_sending,
    routes_sent,
)

HELLO = [{"role": "user", "content": "Hello, what is a checkpoint?"}]


@pytest.fixture(params=[True, False], ids=["openai", "v2"])
def live(request: pytest.FixtureRequest, project: Project) -> Endpoint:
    return deploy_live(project, openai_compatible=request.param)


def test_chat_answers_a_typed_completion_on_the_route_the_endpoint_offers(
    client: Client, live: Endpoint
) -> None:
    with routes_sent(client) as sent:
        answer = live.chat(HELLO, max_tokens=5)

    assert sent == ["openai_chat_completions" if live.openai_compatible else "v2_predict"]
    assert isinstance(answer, ChatCompletion)
    assert answer.choices[0].message.role == "assistant"
    assert answer.text == answer.choices[0].message.content
    assert answer.choices[0].finish_reason == "length"
    assert answer.usage is not None
    assert answer.usage.completion_tokens == 5
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + 5  # type: ignore[operator]
    assert answer.usage.time_to_first_token is not None
    assert answer.usage.total_latency is not None


def test_both_routes_answer_the_same_conversation_alike(project: Project) -> None:
    by_openai = deploy_live(project, openai_compatible=True).chat(HELLO)
    by_v2 = deploy_live(project).chat(HELLO)
    assert by_openai.text == by_v2.text
    assert "emulated" in by_openai.text


def test_stop_cuts_the_answer_before_the_stop_sequence(live: Endpoint) -> None:
    whole = live.chat(HELLO).text
    word = whole.split()[3]
    assert live.chat(HELLO, stop=[word]).text == whole[: whole.index(word)].rstrip()


def test_n_gives_n_choices_on_the_openai_route(project: Project) -> None:
    answer = deploy_live(project, openai_compatible=True).chat(HELLO, n=3, seed=7)
    assert [choice.index for choice in answer.choices] == [0, 1, 2]
    assert len({choice.message.content for choice in answer.choices}) > 1


def test_a_stream_yields_chunks_that_add_up_and_then_the_usage(live: Endpoint) -> None:
    whole = live.chat(HELLO)

    with live.chat(HELLO, stream=True) as stream:
        assert isinstance(stream, ChatStream)
        assert stream.usage is None
        text = "".join(chunk.text for chunk in stream)

    assert text == whole.text
    assert stream.usage is not None
    assert stream.usage.completion_tokens == whole.usage.completion_tokens  # type: ignore[union-attr]


def test_leaving_a_stream_early_closes_it(live: Endpoint) -> None:
    with live.chat(HELLO, stream=True) as stream:
        next(stream)
    with pytest.raises(StopIteration):
        next(stream)


def test_predict_and_stream_carry_usage_and_timing(project: Project) -> None:
    endpoint = deploy_live(project)
    prediction = endpoint.predict("Hello")
    assert prediction.usage is not None
    assert prediction.usage.completion_tokens == prediction.completion_tokens

    stream = endpoint.stream("Hello")
    assert isinstance(stream, TokenStream)
    assert "".join(stream) == prediction.text
    assert stream.usage is not None
    assert stream.usage.total_tokens == prediction.total_tokens
    assert stream.usage.start_time is not None


@pytest.mark.parametrize("openai_compatible", [True, False], ids=["openai", "predict"])
def test_embed_answers_vectors_on_either_route(
    client: Client, project: Project, openai_compatible: bool
) -> None:
    endpoint = deploy_live(project, model=EMBEDDING_MODEL, openai_compatible=openai_compatible)
    with routes_sent(client) as sent:
        vectors = endpoint.embed(["a checkpoint", "a dataset"])
    assert (sent[0] == "openai_embeddings") is openai_compatible
    assert len(vectors) == 2
    assert all(len(vector) == len(vectors[0]) > 0 for vector in vectors)


# -------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("argument", "call"),
    [
        ("messages", lambda e: e.chat([])),
        ("messages", lambda e: e.chat("Hello")),
        ("messages", lambda e: e.chat([{"role": "robot", "content": "beep"}])),
        ("params", lambda e: e.chat(HELLO, temprature=0.5)),
        ("endpoint", lambda e: e.embed(["a"])),
    ],
)
def test_bad_input_is_refused_before_sending(
    client: Client, live: Endpoint, argument: str, call: Callable[[Endpoint], Any]
) -> None:
    with refused_before_sending(client, argument):
        call(live)


def test_an_endpoint_not_live_is_refused_and_told_to_wait(client: Client, project: Project) -> None:
    endpoint = deploy(project)
    not_live = r"not Live: call endpoint\.wait\(\) first"
    with routes_sent(client) as sent, pytest.raises(SambaStudioError, match=not_live):
        endpoint.chat(HELLO)
    assert sent == []


# --------------------------------------------------------------- OpenAI clients
def test_openai_client_talks_to_the_endpoint(project: Project) -> None:
    endpoint = deploy_live(project, openai_compatible=True)
    client = endpoint.openai_client()
    assert isinstance(client, openai.OpenAI)
    model = endpoint.targets[0].model_checkpoint_name
    assert model is not None
    answer = client.chat.completions.create(model=model, messages=HELLO)  # type: ignore[arg-type]
    assert answer.choices[0].message.content == endpoint.chat(HELLO).text
    assert isinstance(endpoint.openai_client(async_=True), openai.AsyncOpenAI)


def test_openai_client_without_the_extra_names_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = deploy_live(project, openai_compatible=True)
    monkeypatch.setitem(sys.modules, "openai", None)  # as if not installed: import fails
    with pytest.raises(MissingDependencyError, match=r"sambastudio\[openai\]"):
        endpoint.openai_client()


def test_a_process_prompt_conversation_is_json(client: Client, project: Project) -> None:
    """The V2 route carries the conversation as process_prompt JSON, as SambaStudio reads it."""
    endpoint = deploy_live(project)
    bodies: list[Any] = []
    real_send = client._pipeline.send

    def send(request: Any, **options: Any) -> Any:
        bodies.append(request.json)
        return real_send(request, **options)

    client._pipeline.send = send  # type: ignore[method-assign]
    endpoint.chat(HELLO, max_tokens=2)
    body = bodies[0]
    assert body["params"]["process_prompt"] is True
    assert body["params"]["max_tokens_to_generate"] == 2
    assert json.loads(body["items"][0]["value"])["messages"] == HELLO


def _watched(endpoint: Endpoint) -> tuple[Endpoint, list[APIResponse]]:
    """``endpoint`` on a client that records every response the emulator sends."""
    seen: list[APIResponse] = []
    return copy.copy(endpoint).attach(endpoint.client.with_options(on_response=seen.append)), seen


def test_a_chat_completion_keeps_its_response(live: Endpoint) -> None:
    endpoint, seen = _watched(live)
    answer = endpoint.chat(HELLO, max_tokens=5)
    assert answer.last_response.status_code == seen[-1].status_code == 200
    assert answer.last_response.request_id == seen[-1].request_id
    assert answer.last_response.request_id
    assert answer.last_response.method == "POST"


def test_a_chat_stream_keeps_the_response_it_streams(live: Endpoint) -> None:
    endpoint, seen = _watched(live)
    with endpoint.chat(HELLO, stream=True, max_tokens=5) as stream:
        with pytest.raises(SambaStudioError, match="the stream is not sent yet"):
            stream.last_response  # noqa: B018  # nothing is sent before the first chunk
        text = "".join(chunk.text for chunk in stream)
    assert text
    assert stream.usage is not None  # the final statistics: a record, not a resource
    assert stream.last_response.status_code == seen[-1].status_code == 200
    assert stream.last_response.request_id == seen[-1].request_id
    assert stream.last_response.request_id


def test_a_routes_file_moves_chat_like_every_route(
    emulator: Emulator, live: Endpoint, tmp_path: Path
) -> None:
    """A routes file corrects chat's routes, plain and streamed, as it corrects the others:
    moved to paths the emulator does not serve, each chat call is answered 404 there."""
    names = ("openai_chat_completions", "v2_predict", "v2_predict_stream")
    moved = {name: {"path": "/moved" + ROUTES[name].path} for name in names}
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps({"version": 1, "routes": moved}), encoding="utf-8")
    with Client(emulator.url, emulator.access_key, routes=routes) as client:
        endpoint = client.projects.get(live.project_id).endpoints.get(live.id)
        with routes_sent(client) as sent, pytest.raises(NotFoundError) as plain:
            endpoint.chat(HELLO)
        with pytest.raises(NotFoundError) as streamed:
            next(iter(endpoint.chat(HELLO, stream=True)))
    assert sent == ["openai_chat_completions" if live.openai_compatible else "v2_predict"]
    for caught in (plain.value, streamed.value):
        assert caught.response is not None
        assert "/moved/" in caught.response.url
