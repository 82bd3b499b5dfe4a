"""The OpenAI-compatible API as the openai client speaks it, on all three URL forms, and the
request bodies other real clients send (langchain-sambanova 0.2, langchain-community's
SambaStudio, llama-index's SambaStudio; api-evidence.md §7.1), replayed as they send them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
import requests

from tests.emulator.conftest import Api
from tests.emulator.helpers import EMBEDDING, LLM
from tests.emulator.test_predict import Target, go_live

QUESTION = [{"role": "user", "content": "What is a checkpoint?"}]


@pytest.fixture(scope="module")
def llm(shared_api: Api) -> Target:
    return go_live(shared_api, endpoint_name="openai-llm")


@pytest.fixture(scope="module")
def embedder(shared_api: Api) -> Target:
    return go_live(shared_api, endpoint_name="openai-embedder", model_checkpoint=EMBEDDING)


def base_urls(api: Api, target: Target) -> dict[str, str]:
    url = api.emulator.url
    return {
        "by-id": f"{url}/v1/{target.endpoint}",
        "openai-prefix": f"{url}/openai/v1/{target.project}/{target.endpoint}",
        "v1-project": f"{url}/v1/{target.project}/{target.endpoint}",
    }


FORMS = ["by-id", "openai-prefix", "v1-project"]


def client_for(api: Api, target: Target, form: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=target.key, base_url=base_urls(api, target)[form], max_retries=0)


@pytest.fixture
def chat_client(shared_api: Api, llm: Target) -> Iterator[openai.OpenAI]:
    with client_for(shared_api, llm, "by-id") as client:
        yield client


# ------------------------------------------------------------------ the three forms
@pytest.mark.parametrize("form", FORMS)
def test_every_form_serves_chat_completions_and_models(
    shared_api: Api, llm: Target, form: str
) -> None:
    with client_for(shared_api, llm, form) as client:
        chat = client.chat.completions.create(model=LLM, messages=QUESTION)  # type: ignore[arg-type]
        text = client.completions.create(model=LLM, prompt="What is a checkpoint?")
        models = client.models.list()

    assert chat.choices[0].message.content
    assert chat.choices[0].finish_reason == "stop"
    assert "emulated" in (chat.choices[0].message.content or "")
    assert text.choices[0].text
    assert [model.id for model in models] == [LLM]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_serves_embeddings_of_an_embedding_model(
    shared_api: Api, embedder: Target, form: str
) -> None:
    with client_for(shared_api, embedder, form) as client:
        answer = client.embeddings.create(model=EMBEDDING, input=["a checkpoint", "a dataset"])

    assert [entry.index for entry in answer.data] == [0, 1]
    assert len(answer.data[0].embedding) == 1024
    assert answer.usage.prompt_tokens == 4


def test_the_forms_answer_alike(shared_api: Api, llm: Target) -> None:
    answers = set()
    for form in FORMS:
        with client_for(shared_api, llm, form) as client:
            chat = client.chat.completions.create(model=LLM, messages=QUESTION)  # type: ignore[arg-type]
            answers.add(chat.choices[0].message.content)
    assert len(answers) == 1


def test_a_text_model_does_not_embed(shared_api: Api, llm: Target) -> None:
    with (
        client_for(shared_api, llm, "by-id") as client,
        pytest.raises(openai.BadRequestError, match="not an embedding model"),
    ):
        client.embeddings.create(model=LLM, input="x")


# --------------------------------------------------------------------- parameters
def test_stop_cuts_before_the_sequence_and_null_stop_is_no_stop(
    chat_client: openai.OpenAI,
) -> None:
    whole = chat_client.chat.completions.create(model=LLM, messages=QUESTION, stop=None)  # type: ignore[arg-type]
    text = whole.choices[0].message.content or ""
    word = text.split()[4]

    cut = chat_client.chat.completions.create(model=LLM, messages=QUESTION, stop=[word])  # type: ignore[arg-type]

    assert cut.choices[0].message.content == text[: text.index(word)].rstrip()
    assert cut.choices[0].finish_reason == "stop"


def test_max_tokens_bounds_and_n_gives_n_choices(chat_client: openai.OpenAI) -> None:
    answer = chat_client.chat.completions.create(
        model=LLM,
        messages=QUESTION,  # type: ignore[arg-type]
        max_tokens=3,
        n=3,
        seed=42,
    )

    assert [choice.index for choice in answer.choices] == [0, 1, 2]
    assert {choice.finish_reason for choice in answer.choices} == {"length"}
    assert answer.usage is not None
    assert answer.usage.completion_tokens == 9


def test_a_seed_picks_another_answer_the_same_each_time(chat_client: openai.OpenAI) -> None:
    def text(**options: Any) -> str | None:
        answer = chat_client.chat.completions.create(model=LLM, messages=QUESTION, **options)
        return answer.choices[0].message.content

    assert text(seed=1) == text(seed=1)
    assert len({text(), text(seed=1), text(seed=2)}) > 1


def test_usage_carries_sambanova_statistics_consistent_with_the_run(
    chat_client: openai.OpenAI,
) -> None:
    answer = chat_client.chat.completions.create(model=LLM, messages=QUESTION)  # type: ignore[arg-type]
    assert answer.usage is not None
    usage = answer.usage.model_dump()

    assert usage["total_latency"] == pytest.approx(usage["end_time"] - usage["start_time"])
    assert usage["completion_tokens_per_sec"] == pytest.approx(
        usage["completion_tokens"] / usage["total_latency"]
    )
    assert usage["total_tokens_per_sec"] == pytest.approx(
        usage["total_tokens"] / usage["total_latency"]
    )
    assert 0 < usage["time_to_first_token"] <= usage["total_latency"]


def test_a_stream_with_include_usage_ends_with_the_usage(chat_client: openai.OpenAI) -> None:
    whole = chat_client.chat.completions.create(model=LLM, messages=QUESTION)  # type: ignore[arg-type]
    chunks = list(
        chat_client.chat.completions.create(
            model=LLM,
            messages=QUESTION,  # type: ignore[arg-type]
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == whole.choices[0].message.content
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == whole.usage.completion_tokens  # type: ignore[union-attr]


def test_a_forced_tool_is_called_and_json_mode_answers_json(chat_client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
            },
        },
    }
    called = chat_client.chat.completions.create(
        model=LLM,
        messages=QUESTION,
        tools=[tool],
        tool_choice="required",  # type: ignore[list-item, arg-type]
    )
    json_mode = chat_client.chat.completions.create(
        model=LLM,
        messages=QUESTION,
        response_format={"type": "json_object"},  # type: ignore[arg-type]
    )

    call = called.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert called.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "lookup"  # type: ignore[union-attr]
    assert set(json.loads(call.function.arguments)) == {"q"}  # type: ignore[union-attr]
    assert json.loads(json_mode.choices[0].message.content or "")["emulated"] is True


# ----------------------------------------------------------------- tolerant bodies
def post(api: Api, url: str, key: str, body: dict[str, Any], **headers: str) -> requests.Response:
    return api.session.post(
        url, json=body, headers={"Authorization": f"Bearer {key}", **headers}, timeout=30
    )


def test_unknown_fields_are_ignored_and_known_ones_typed(shared_api: Api, llm: Target) -> None:
    url = base_urls(shared_api, llm)["by-id"] + "/chat/completions"
    body = {"model": LLM, "messages": QUESTION, "frobnicate": {"x": 1}, "metadata": {}}

    assert post(shared_api, url, llm.key, body).status_code == 200
    wrong = post(shared_api, url, llm.key, {**body, "max_tokens": "5"})
    assert wrong.status_code == 400
    error = wrong.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert error["param"] == "max_tokens"


def test_a_wrong_key_is_an_openai_authentication_error(shared_api: Api, llm: Target) -> None:
    with (
        openai.OpenAI(
            api_key="nope", base_url=base_urls(shared_api, llm)["by-id"], max_retries=0
        ) as client,
        pytest.raises(openai.AuthenticationError),
    ):
        client.chat.completions.create(model=LLM, messages=QUESTION)  # type: ignore[arg-type]


# The bodies below are what each client sends for a default configuration (their sources
# as of langchain-sambanova 0.2.0, langchain-community 0.3.31, llama-index-llms-
# sambanovasystems 0.7.0), with the model set to the endpoint's as their docs say.
LANGCHAIN_CHAT_OPENAI = {
    "messages": [{"role": "user", "content": "What is a checkpoint?"}],
    "max_tokens": 1024,
    "model": LLM,
    "temperature": 0.7,
    "top_p": 1.0,
    "stream": False,
    "stream_options": {"include_usage": True},
}
"""ChatSambaStudio on a chat/completions URL (None values dropped, so no ``stop``)."""
LLAMA_INDEX_CHAT_OPENAI = {
    "messages": [{"role": "user", "content": "What is a checkpoint?"}],
    "max_tokens": 1024,
    "stop": None,
    "model": LLM,
    "temperature": 0.7,
    "top_p": 1.0,
    "top_k": 50,
    "stream": True,
    "stream_options": {"include_usage": True},
}
CONVERSATION = json.dumps(
    {
        "conversation_id": "sambastudio-conversation-id",
        "messages": [{"message_id": None, "role": "user", "content": "What is a checkpoint?"}],
    }
)
TYPED = {
    "select_expert": {"type": "str", "value": LLM},
    "process_prompt": {"type": "bool", "value": "True"},
    "max_tokens_to_generate": {"type": "int", "value": "1024"},
    "temperature": {"type": "float", "value": "0.7"},
    "top_p": {"type": "float", "value": "1.0"},
    "do_sample": {"type": "bool", "value": "False"},
    "stop_sequences": {"type": "list", "value": "['checkpoint']"},
}
"""V1 params as those clients type them: ``type(value).__name__`` and ``str(value)``."""
PLAIN = {
    "select_expert": LLM,
    "process_prompt": True,
    "max_tokens_to_generate": 1024,
    "temperature": 0.7,
    "top_p": 1.0,
    "do_sample": False,
}


def test_langchain_chat_on_the_openai_route(shared_api: Api, llm: Target) -> None:
    url = base_urls(shared_api, llm)["v1-project"] + "/chat/completions"
    answer = post(shared_api, url, llm.key, LANGCHAIN_CHAT_OPENAI)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["choices"][0]["message"]["content"]
    assert body["system_fingerprint"]
    assert body["usage"]["completion_tokens"] > 0


def test_llama_index_streams_on_the_openai_route(shared_api: Api, llm: Target) -> None:
    url = base_urls(shared_api, llm)["openai-prefix"] + "/chat/completions"
    answer = post(shared_api, url, llm.key, LLAMA_INDEX_CHAT_OPENAI)
    assert answer.status_code == 200, answer.text
    events = [line[6:] for line in answer.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert "usage" in json.loads(events[-2])


def test_langchain_generic_v1_with_typed_params(shared_api: Api, llm: Target) -> None:
    url = f"{shared_api.emulator.url}/api/predict/generic/{llm.project}/{llm.endpoint}"
    answer = shared_api.session.post(
        url,
        json={"instances": [CONVERSATION], "params": TYPED},
        headers={"key": llm.key},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    completion = answer.json()["predictions"][0]["completion"]
    assert completion
    assert "checkpoint" not in completion.lower()  # cut before the stop sequence


def test_langchain_generic_v1_stream(shared_api: Api, llm: Target) -> None:
    url = f"{shared_api.emulator.url}/api/predict/generic/stream/{llm.project}/{llm.endpoint}"
    answer = shared_api.session.post(
        url,
        json={"instance": CONVERSATION, "params": TYPED},
        headers={"key": llm.key},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    last = json.loads(answer.text.splitlines()[-1])["result"]["responses"][0]
    assert last["is_last_response"] is True


def test_langchain_generic_v2_with_plain_params(shared_api: Api, llm: Target) -> None:
    url = f"{shared_api.emulator.url}/api/v2/predict/generic/{llm.project}/{llm.endpoint}"
    body = {"items": [{"id": "item0", "value": CONVERSATION}], "params": PLAIN}
    answer = shared_api.session.post(url, json=body, headers={"key": llm.key}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"][0]["value"]["completion"]


@pytest.mark.parametrize("route", ["generic", "v2", "openai"])
def test_langchain_embeddings_on_every_route(shared_api: Api, embedder: Target, route: str) -> None:
    url = shared_api.emulator.url
    texts = ["a checkpoint", "a dataset"]
    if route == "openai":
        answer = post(
            shared_api,
            base_urls(shared_api, embedder)["by-id"] + "/embeddings",
            embedder.key,
            {"input": texts},
        )
        vectors = [entry["embedding"] for entry in answer.json()["data"]]
    elif route == "v2":
        items = [{"id": f"item{i}", "value": text} for i, text in enumerate(texts)]
        answer = shared_api.session.post(
            f"{url}/api/v2/predict/generic/{embedder.project}/{embedder.endpoint}",
            json={"items": items, "params": {}},
            headers={"key": embedder.key},
            timeout=30,
        )
        vectors = [item["value"] for item in answer.json()["items"]]
    else:
        answer = shared_api.session.post(
            f"{url}/api/predict/generic/{embedder.project}/{embedder.endpoint}",
            json={"instances": texts, "params": {}},
            headers={"key": embedder.key},
            timeout=30,
        )
        vectors = answer.json()["predictions"]
    assert answer.status_code == 200, answer.text
    assert [len(vector) for vector in vectors] == [1024, 1024]


def test_community_llm_stop_sequences_on_v2(shared_api: Api, llm: Target) -> None:
    url = f"{shared_api.emulator.url}/api/v2/predict/generic/{llm.project}/{llm.endpoint}"
    body = {
        "items": [{"id": "item0", "value": "What is a checkpoint?"}],
        "params": {"max_tokens_to_generate": 256, "stop_sequences": ["."]},
    }
    answer = shared_api.session.post(url, json=body, headers={"key": llm.key}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert "." not in answer.json()["items"][0]["value"]["completion"]
