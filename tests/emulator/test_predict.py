"""Predictions: every variant and stream, determinism, token counts, auth, embeddings."""

from __future__ import annotations

import io
import json
import math
from typing import Any, NamedTuple

import pytest
import requests

from sambastudio.emulator import Emulator
from sambastudio.emulator._completions import EMBEDDING_DIM, chat_prompt, count_tokens
from tests.emulator.conftest import Api
from tests.emulator.helpers import EMBEDDING, LLM, start_endpoint

PROMPT = "What does the emulator answer?"
LIVE_AFTER = 60  # emulated seconds: Deploying 10 + SettingUp 30, and some
MESSAGES = [{"role": "user", "content": "x"}]
TIMING = {
    "start_time",
    "end_time",
    "model_execution_time",
    "time_to_first_token",
    "throughput_after_first_token",
    "batch_size_used",
}


class Target(NamedTuple):
    project: str
    endpoint: str
    key: str


def go_live(api: Api, **overrides: Any) -> Target:
    endpoint = start_endpoint(api, **overrides)
    api.emulator.clock.advance(LIVE_AFTER)
    return Target(endpoint["project_id"], endpoint["id"], endpoint["api_keys"][0]["api_key"])


@pytest.fixture(scope="module")
def llm(shared_api: Api) -> Target:
    return go_live(shared_api, endpoint_name="llm")


@pytest.fixture(scope="module")
def embedder(shared_api: Api) -> Target:
    return go_live(shared_api, endpoint_name="embedder", model_checkpoint=EMBEDDING)


def predict(api: Api, route: str, target: Target, **args: Any) -> requests.Response:
    """A V1/V2/file route, with the endpoint key and no platform key."""
    args.setdefault("key", target.key)
    return api(route, as_user=None, project=target.project, endpoint=target.endpoint, **args)


def openai(api: Api, route: str, target: Target, **args: Any) -> requests.Response:
    args.setdefault("key", target.key)
    args.setdefault("model", LLM)
    if route == "openai_project_chat_completions":
        return api(route, as_user=None, project=target.project, endpoint=target.endpoint, **args)
    return api(route, as_user=None, endpoint_id=target.endpoint, **args)


def untimed_usage(usage: dict[str, Any]) -> dict[str, Any]:
    return {name: usage[name] for name in ("prompt_tokens", "completion_tokens", "total_tokens")}


def error_message(response: requests.Response) -> str:
    """The message of an error in either format: grpc-gateway's ``message`` (the V1 and V2
    predict routes sit behind it) or OpenAI's ``error``."""
    body = response.json()
    return str(body["message"] if "message" in body else body["error"]["message"])


def grpc_error(code: int, message: str) -> dict[str, Any]:
    """A grpc-gateway error body, as the predict routes answer (api-evidence §7, N7)."""
    return {"code": code, "message": message, "details": []}


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def typed(**values: Any) -> dict[str, dict[str, str]]:
    """V1 params as callers send them: a type name and a string value."""
    return {name: {"type": type(v).__name__, "value": str(v)} for name, v in values.items()}


def events(response: requests.Response) -> list[tuple[str | None, str]]:
    """The (event, data) pairs of a server-sent event stream."""
    found = []
    for block in response.text.strip().split("\n\n"):
        event, data = None, []
        for line in block.split("\n"):
            field, _, value = line.partition(": ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
        found.append((event, "\n".join(data)))
    return found


def lines(response: requests.Response) -> list[Any]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def untimed(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without the statistics of its run, which change with the clock."""
    return {name: value for name, value in answer.items() if name not in TIMING}


def nlp_text(api: Api, target: Target, prompt: str = PROMPT, **params: Any) -> dict[str, Any]:
    return untimed(
        ok(predict(api, "nlp_predict", target, input=[prompt], params=typed(**params)))["data"][0]
    )


# --------------------------------------------------------------------- answers
def test_a_completion_comes_with_honest_token_counts(shared_api: Api, llm: Target) -> None:
    answer = ok(predict(shared_api, "nlp_predict", llm, input=[PROMPT]))["data"][0]

    assert set(answer) == {
        "completion",
        "prompt_tokens_count",
        "completion_tokens_count",
        "total_tokens_count",
        "stop_reason",
        *TIMING,
    }
    assert answer["end_time"] - answer["start_time"] == pytest.approx(
        answer["model_execution_time"]
    )
    assert answer["prompt_tokens_count"] == count_tokens(PROMPT) == 6
    assert answer["completion_tokens_count"] == count_tokens(answer["completion"]) > 0
    assert answer["total_tokens_count"] == 6 + answer["completion_tokens_count"]
    assert answer["stop_reason"] == "end_of_text"


def test_every_variant_answers_the_same_text_for_the_same_prompt(
    shared_api: Api, llm: Target
) -> None:
    api, expected = shared_api, nlp_text(shared_api, llm)
    nlp = ok(predict(api, "nlp_predict", llm, input=[PROMPT, "other"]))["data"]
    generic = ok(predict(api, "generic_predict", llm, instances=[PROMPT]))["predictions"]
    v2 = ok(predict(api, "v2_predict", llm, items=[{"id": "item0", "value": PROMPT}]))["items"]
    file = predict(api, "nlp_predict_file", llm, file_path=("q.txt", io.BytesIO(PROMPT.encode())))

    answers = [nlp[0], generic[0], v2[0]["value"], ok(file)["data"][0]]
    assert [untimed(answer) for answer in answers] == [expected] * 4
    assert v2[0]["id"] == "item0"
    assert nlp[1] != expected


def _fresh_text(seed: int) -> str:
    with Emulator(port=0, seed=seed) as emulator:
        api = Api(emulator)
        return str(nlp_text(api, go_live(api, endpoint_name="other"))["completion"])


def test_the_text_depends_only_on_the_prompt_model_and_seed(shared_api: Api, llm: Target) -> None:
    text = nlp_text(shared_api, llm)["completion"]

    assert nlp_text(shared_api, llm)["completion"] == text
    assert _fresh_text(seed=0) == text
    assert _fresh_text(seed=1) != text


@pytest.mark.parametrize(
    ("route", "args", "read"),
    [
        ("nlp_predict", {"input": [PROMPT], "params": typed(max_tokens_to_generate=3)}, "data"),
        (
            "generic_predict",
            {"instances": [PROMPT], "params": typed(max_tokens_to_generate=3)},
            "predictions",
        ),
        (
            "v2_predict",
            {"items": [{"id": "i", "value": PROMPT}], "params": {"max_tokens_to_generate": 3}},
            "items",
        ),
    ],
)
def test_max_tokens_cuts_the_same_text_shorter(
    shared_api: Api, llm: Target, route: str, args: dict[str, Any], read: str
) -> None:
    full = nlp_text(shared_api, llm)["completion"]
    answer = ok(predict(shared_api, route, llm, **args))[read][0]
    answer = answer.get("value", answer)

    assert answer["completion_tokens_count"] == 3
    assert answer["stop_reason"] == "max_len_reached"
    assert full.startswith(answer["completion"])


def test_process_prompt_reads_a_conversation_as_the_chat_routes_do(
    shared_api: Api, llm: Target
) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    conversation = json.dumps({"conversation_id": "c", "messages": messages})
    params = {"process_prompt": True}

    v2 = ok(
        predict(
            shared_api, "v2_predict", llm, items=[{"id": "c", "value": conversation}], params=params
        )
    )
    chat = ok(openai(shared_api, "openai_chat_completions", llm, messages=messages))

    value = v2["items"][0]["value"]
    assert value["completion"] == chat["choices"][0]["message"]["content"]
    rendered = chat_prompt((m["role"], m["content"]) for m in messages)
    assert value["prompt_tokens_count"] == chat["usage"]["prompt_tokens"] == count_tokens(rendered)


# --------------------------------------------------------------------- streams
def test_the_nlp_stream_is_sse_whose_tokens_add_up(shared_api: Api, llm: Target) -> None:
    expected = nlp_text(shared_api, llm)

    response = predict(shared_api, "nlp_predict_stream", llm, input=[PROMPT])

    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers.get("transfer-encoding") == "chunked"
    found = events(response)
    tokens = [json.loads(data)["stream_token"] for event, data in found[:-1]]
    assert {event for event, _ in found[:-1]} == {"stream_event"}
    assert "".join(tokens) == expected["completion"]
    assert len(tokens) == expected["completion_tokens_count"]
    event, data = found[-1]
    last = json.loads(data)
    assert event == "end_event"
    assert last["is_last_response"] is True
    assert last["stream_token"] == ""
    assert {k: last[k] for k in expected} == expected


def test_the_generic_stream_is_json_lines_ending_with_the_last_response(
    shared_api: Api, llm: Target
) -> None:
    expected = nlp_text(shared_api, llm)

    response = predict(shared_api, "generic_predict_stream", llm, instance=PROMPT)

    assert response.headers["content-type"].startswith("application/x-ndjson")
    responses = [line["result"]["responses"][0] for line in lines(response)]
    assert [r["is_last_response"] for r in responses] == [False] * (len(responses) - 1) + [True]
    assert "".join(r["stream_token"] for r in responses) == expected["completion"]
    last = responses[-1]
    assert last["completion_tokens_count"] == len(responses) - 1
    assert last["prompt"] == PROMPT
    assert {"start_time", "end_time", "time_to_first_token", "batch_size_used"} <= set(last)


def test_the_v2_stream_names_the_item_of_every_line(shared_api: Api, llm: Target) -> None:
    items = [{"id": "a", "value": PROMPT}, {"id": "b", "value": "another question"}]
    answers = ok(predict(shared_api, "v2_predict", llm, items=items))["items"]

    response = predict(shared_api, "v2_predict_stream", llm, items=items)

    streamed: dict[str, str] = {"a": "", "b": ""}
    for line in lines(response):
        (entry,) = line["result"]["items"]
        streamed[entry["id"]] += entry["value"]["stream_token"]
    assert streamed == {answer["id"]: answer["value"]["completion"] for answer in answers}


# ---------------------------------------------------------------------- OpenAI
@pytest.mark.parametrize("route", ["openai_chat_completions", "openai_project_chat_completions"])
def test_openai_chat_answers_a_chat_completion(shared_api: Api, llm: Target, route: str) -> None:
    answer = ok(openai(shared_api, route, llm, messages=[{"role": "user", "content": PROMPT}]))

    assert answer["object"] == "chat.completion"
    assert answer["model"] == LLM
    assert answer["system_fingerprint"]
    (choice,) = answer["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["finish_reason"] == "stop"
    usage = answer["usage"]
    assert usage["prompt_tokens"] == count_tokens(f"user: {PROMPT}")
    assert usage["completion_tokens"] == count_tokens(choice["message"]["content"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize("include_usage", [True, False])
def test_openai_chat_streams_chunks_ending_with_done(
    shared_api: Api, llm: Target, include_usage: bool
) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}]
    whole = ok(openai(shared_api, "openai_chat_completions", llm, messages=messages, max_tokens=4))

    response = openai(
        shared_api,
        "openai_chat_completions",
        llm,
        messages=messages,
        max_tokens=4,
        stream=True,
        stream_options={"include_usage": include_usage},
    )

    found = events(response)
    assert found[-1] == (None, "[DONE]")
    chunks = [json.loads(data) for _, data in found[:-1]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks if chunk["choices"]]
    assert deltas[0]["role"] == "assistant"
    assert (
        "".join(delta["content"] for delta in deltas) == whole["choices"][0]["message"]["content"]
    )
    finishes = [chunk["choices"][0]["finish_reason"] for chunk in chunks if chunk["choices"]]
    assert finishes[-1] == "length"
    usage = [untimed_usage(chunk["usage"]) for chunk in chunks if "usage" in chunk]
    assert usage == ([untimed_usage(whole["usage"])] if include_usage else [])


def test_openai_completions_answer_one_choice_per_prompt(shared_api: Api, llm: Target) -> None:
    prompts = [PROMPT, "another question"]
    whole = ok(openai(shared_api, "openai_completions", llm, prompt=prompts))

    streamed = openai(shared_api, "openai_completions", llm, prompt=prompts, stream=True)

    assert whole["object"] == "text_completion"
    assert [choice["index"] for choice in whole["choices"]] == [0, 1]
    assert whole["choices"][0]["text"] == nlp_text(shared_api, llm)["completion"]
    texts = ["", ""]
    for _, data in events(streamed)[:-1]:
        (choice,) = json.loads(data)["choices"]
        texts[choice["index"]] += choice["text"]
    assert texts == [choice["text"] for choice in whole["choices"]]


# ------------------------------------------------------------------ embeddings
def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embedding_models_answer_unit_vectors_that_relate_texts(
    shared_api: Api, embedder: Target
) -> None:
    texts = ["the cat sat on the mat", "a cat sat on a mat", "quarterly revenue grew"]

    vectors = ok(predict(shared_api, "nlp_predict", embedder, input=texts))["data"]
    generic = ok(predict(shared_api, "generic_predict", embedder, instances=texts[:1]))
    v2 = ok(predict(shared_api, "v2_predict", embedder, items=[{"id": "x", "value": texts[0]}]))
    file = predict(
        shared_api, "nlp_predict_file", embedder, file_path=("t.txt", io.BytesIO(texts[0].encode()))
    )

    assert all(len(vector) == EMBEDDING_DIM for vector in vectors)
    assert all(math.isclose(_cosine(v, v), 1.0, abs_tol=1e-4) for v in vectors)
    assert _cosine(vectors[0], vectors[1]) > 0.4
    assert abs(_cosine(vectors[0], vectors[2])) < 0.2
    assert generic["predictions"][0] == v2["items"][0]["value"] == ok(file)["data"][0] == vectors[0]


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("nlp_predict_stream", {"input": ["x"]}),
        ("generic_predict_stream", {"instance": "x"}),
        ("v2_predict_stream", {"items": [{"id": "i", "value": "x"}]}),
    ],
)
def test_embedding_models_do_not_stream(
    shared_api: Api, embedder: Target, route: str, args: dict[str, Any]
) -> None:
    response = predict(shared_api, route, embedder, **args)

    assert response.status_code == 400
    assert "embedding model" in error_message(response)


def test_embedding_models_do_not_chat(shared_api: Api, embedder: Target) -> None:
    response = openai(
        shared_api,
        "openai_chat_completions",
        embedder,
        model=EMBEDDING,
        messages=[{"role": "user", "content": "x"}],
    )

    assert response.status_code == 400
    assert "embedding model" in error_message(response)


# ------------------------------------------------------- refusals by the model
TOO_LONG = "word " * 9000  # the LLM's max_seq_length is 8192


def test_a_too_long_input_is_a_400_outside_a_stream(shared_api: Api, llm: Target) -> None:
    response = predict(shared_api, "nlp_predict", llm, input=[TOO_LONG])

    assert response.status_code == 400
    assert response.json() == grpc_error(3, f"the input has 9000 tokens; {LLM} takes at most 8192")


def test_a_too_long_input_is_an_error_event_in_the_nlp_stream(shared_api: Api, llm: Target) -> None:
    response = predict(shared_api, "nlp_predict_stream", llm, input=[TOO_LONG])

    assert response.status_code == 200
    ((event, data),) = events(response)
    assert event == "error_event"
    assert json.loads(data) == {
        "error": {
            "code": 3,
            "message": f"the input has 9000 tokens; {LLM} takes at most 8192",
            "details": [],
        }
    }


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("generic_predict_stream", {"instance": TOO_LONG}),
        ("v2_predict_stream", {"items": [{"id": "i", "value": TOO_LONG}]}),
    ],
)
def test_a_too_long_input_is_an_error_line_in_a_json_lines_stream(
    shared_api: Api, llm: Target, route: str, args: dict[str, Any]
) -> None:
    response = predict(shared_api, route, llm, **args)

    assert response.status_code == 200
    (line,) = lines(response)
    assert "takes at most 8192" in line["error"]["message"]


# --------------------------------------------------------------- auth and state
def _post(api: Api, path: str, headers: dict[str, str], body: dict[str, Any]) -> requests.Response:
    return api.session.post(api.emulator.url + path, json=body, headers=headers, timeout=10)


@pytest.mark.parametrize("key", [None, "not-a-key", "PLATFORM"])
def test_only_an_endpoint_key_may_predict(shared_api: Api, llm: Target, key: str | None) -> None:
    platform = shared_api.emulator.access_key
    headers = {"key": key.replace("PLATFORM", platform)} if key else {}

    response = _post(
        shared_api, f"/api/predict/nlp/{llm.project}/{llm.endpoint}", headers, {"inputs": ["x"]}
    )

    assert response.status_code == 401
    assert response.json() == grpc_error(16, "missing, invalid or revoked endpoint API key")
    assert response.headers["content-type"] == "application/json,application/grpc"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic KEY"}, {"key": "KEY"}],
)
def test_openai_routes_take_the_endpoint_key_as_a_bearer_token(
    shared_api: Api, llm: Target, headers: dict[str, str]
) -> None:
    sent = {name: value.replace("KEY", llm.key) for name, value in headers.items()}
    body = {"model": LLM, "messages": MESSAGES}

    response = _post(shared_api, f"/v1/{llm.endpoint}/chat/completions", sent, body)

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("project", "endpoint", "missing"),
    [
        ("PROJECT", "00000000-0000-4000-8000-000000000000", "endpoint"),
        ("nope", "ENDPOINT", "project"),
    ],
)
def test_an_unknown_project_or_endpoint_answers_404(
    shared_api: Api, llm: Target, project: str, endpoint: str, missing: str
) -> None:
    target = llm._replace(
        project=project.replace("PROJECT", llm.project),
        endpoint=endpoint.replace("ENDPOINT", llm.endpoint),
    )

    response = predict(shared_api, "nlp_predict", target, input=["x"])

    assert response.status_code == 404
    assert response.json()["code"] == 5
    assert error_message(response).startswith(missing)


def test_a_revoked_key_stops_working_and_the_others_do_not(emulator: Emulator, api: Api) -> None:
    target = go_live(api)
    api.ok(
        "add_endpoint_api_key",
        project_id="p",
        endpoint_id="ep",
        api_key="second-key",
        description="",
    )
    api.ok(
        "edit_endpoint_api_key",
        project_id="p",
        api_key=target.key,
        status="Revoked",
        description="",
    )

    assert predict(api, "nlp_predict", target, input=[PROMPT]).status_code == 401
    assert predict(api, "nlp_predict", target, input=[PROMPT], key="second-key").status_code == 200


def test_an_endpoint_answers_only_once_live(emulator: Emulator, api: Api) -> None:
    endpoint = start_endpoint(api)
    target = Target(endpoint["project_id"], endpoint["id"], endpoint["api_keys"][0]["api_key"])

    deploying = predict(api, "nlp_predict", target, input=[PROMPT])
    assert deploying.status_code == 503
    assert deploying.json() == grpc_error(14, "endpoint ep is Deploying, not Live; try again soon")
    emulator.clock.advance(LIVE_AFTER)
    assert predict(api, "nlp_predict", target, input=[PROMPT]).status_code == 200
    api.ok("stop_endpoint", project="p", endpoint="ep")
    stopped = openai(
        api, "openai_chat_completions", target, messages=[{"role": "user", "content": "x"}]
    )
    assert stopped.status_code == 409
    assert "is Stopped" in error_message(stopped)


# -------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("route", "args", "status", "detail"),
    [
        (
            "nlp_predict",
            {
                "input": ["x"],
                "params": {"max_tokens_to_generate": {"type": "int", "value": "many"}},
            },
            400,
            "'many' is not a int",
        ),
        (
            "nlp_predict",
            {"input": ["x"], "params": {"do_sample": {"type": "bool", "value": "maybe"}}},
            400,
            "'maybe' is not a bool",
        ),
        (
            "nlp_predict",
            {"input": ["x"], "params": typed(max_tokens_to_generate=0)},
            400,
            "positive integer",
        ),
        ("nlp_predict", {"input": []}, 400, "inputs"),
        ("nlp_predict_stream", {"input": ["x", "y"]}, 400, "a stream takes one input, not 2"),
        (
            "v2_predict",
            {"items": [{"id": "i", "value": "x"}], "params": {"max_tokens_to_generate": "3"}},
            400,
            "positive integer",
        ),
        (
            "v2_predict",
            {"items": [{"id": "i", "value": "x"}], "params": {"process_prompt": "yes"}},
            400,
            "process_prompt must be a boolean",
        ),
        (
            "v2_predict",
            {"items": [{"id": "i", "value": "not json"}], "params": {"process_prompt": True}},
            400,
            "JSON conversation",
        ),
        ("v2_predict", {"items": [{"value": "x"}]}, 400, "items.0.id: field required"),
        (
            "openai_chat_completions",
            {"messages": MESSAGES, "model": "gpt-4"},
            404,
            "model 'gpt-4' is not served here",
        ),
        ("openai_chat_completions", {"messages": []}, 400, "messages"),
        ("openai_chat_completions", {"messages": MESSAGES, "temperature": 5}, 400, "temperature"),
        ("openai_chat_completions", {"messages": [{"role": "robot", "content": "x"}]}, 400, "role"),
        ("openai_chat_completions", {"messages": MESSAGES, "max_tokens": 0}, 400, "max_tokens"),
        ("openai_completions", {"prompt": []}, 400, "non-empty list"),
    ],
)
def test_bad_input_is_refused_with_a_clear_detail(
    shared_api: Api, llm: Target, route: str, args: dict[str, Any], status: int, detail: str
) -> None:
    call = openai if route.startswith("openai") else predict

    response = call(shared_api, route, llm, **args)

    assert response.status_code == status, response.text
    assert detail in error_message(response)


@pytest.mark.parametrize(
    ("options", "detail"),
    [
        ({"json": {"predict_file": "x"}}, "multipart/form-data"),
        ({"files": {"other": ("a.txt", b"x")}}, "the multipart field 'predict_file' is missing"),
    ],
)
def test_file_predict_needs_the_predict_file_field(
    shared_api: Api, llm: Target, options: dict[str, Any], detail: str
) -> None:
    response = shared_api.session.post(
        f"{shared_api.emulator.url}/api/predict/file/{llm.project}/{llm.endpoint}",
        headers={"key": llm.key},
        timeout=10,
        **options,
    )

    assert response.status_code == 400
    assert detail in error_message(response)
