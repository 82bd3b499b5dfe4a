"""A token stream, once started, gives each event ``timeout`` to arrive, however long the
whole stream runs: a server that trickles an event forever is cut, a slow consumer or a
long generation that keeps sending is not."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from sambastudio import Client
from sambastudio.errors import APITimeoutError
from sambastudio.resources import Endpoint
from tests.hardening.trickling_server import bytewise, trickling_server

KEY = "k-0123456789abcdef"
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
)
END = b"0\r\n\r\n"
"""The empty chunk that ends a chunked body (a streaming server sends each event as it
comes, in a chunk of its own)."""
WIRE_URLS = {"sse": "/api/predict/nlp/p1/e1", "json lines": "/api/predict/generic/p1/e1"}


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _trickled(data: bytes) -> list[bytes]:
    """``data`` sent one byte per chunk."""
    return [_chunk(byte) for byte in bytewise(data)]


def _event(wire: str, token: str, *, last: bool = False) -> bytes:
    record = {"stream_token": token, "is_last_response": last}
    if wire == "sse":
        return b"data: " + json.dumps(record).encode() + b"\n\n"
    return json.dumps({"result": {"responses": [record]}}).encode() + b"\n"


def _endpoint(url: str, wire: str, timeout: float = 1) -> Endpoint:
    client = Client(host_url=url, access_key=KEY, max_retries=0, timeout=timeout)
    data: dict[str, Any] = {
        "id": "e1",
        "project_id": "p1",
        "status": "Live",
        "targets": [{"model": "Meta-Llama-3.2-1B-Instruct"}],
    }
    return Endpoint.model_validate({**data, "url": WIRE_URLS[wire]}).attach(client)


@pytest.mark.parametrize("wire", sorted(WIRE_URLS))
def test_an_event_trickled_after_the_stream_started_is_cut_at_the_timeout(wire: str) -> None:
    trickled = _trickled(_event(wire, " world, " * 10))
    steady = HEAD + _chunk(_event(wire, "Hello"))
    with trickling_server(steady=steady, pieces=trickled) as server:
        tokens = _endpoint(server.url, wire).stream("hi", api_key=KEY)
        assert next(tokens) == "Hello"
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            next(tokens)
        assert time.monotonic() - started < 2.5
    assert str(caught.value) == (
        "the stream of Endpoint(id='e1', status='Live') stalled:"
        " no complete event within 1 s; timeout=1"
    )


def test_a_chat_stream_trickling_an_event_is_cut_at_the_timeout() -> None:
    chunk = {"choices": [{"index": 0, "delta": {"content": "Hello"}}]}
    first = b"data: " + json.dumps(chunk).encode() + b"\n\n"
    with trickling_server(steady=HEAD + _chunk(first), pieces=_trickled(first * 3)) as server:
        endpoint = _endpoint(server.url, "json lines")
        endpoint = endpoint.model_copy(update={"openai_compatible": True})
        chunks = endpoint.chat([{"role": "user", "content": "hi"}], stream=True, api_key=KEY)
        assert next(chunks).choices[0].delta.content == "Hello"
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            next(chunks)
        assert time.monotonic() - started < 2.5


def test_a_long_generation_that_keeps_sending_events_is_not_cut() -> None:
    """Six events 0.4 s apart take 2.4 s in all, more than the 1 s timeout."""
    events = [_event("sse", f"t{index} ") for index in range(5)] + [_event("sse", "end", last=True)]
    pieces = [*map(_chunk, events), END]
    with trickling_server(steady=HEAD, pieces=pieces, interval=0.4) as server:
        tokens = list(_endpoint(server.url, "sse").stream("hi", api_key=KEY))
    assert tokens == ["t0 ", "t1 ", "t2 ", "t3 ", "t4 ", "end"]


def test_the_time_a_consumer_takes_between_tokens_is_not_counted() -> None:
    events = _event("sse", "a") + _event("sse", "b") + _event("sse", "c", last=True)
    with trickling_server(steady=HEAD + _chunk(events) + END, pieces=[]) as server:
        tokens = []
        for token in _endpoint(server.url, "sse", timeout=0.5).stream("hi", api_key=KEY):
            tokens.append(token)
            time.sleep(0.8)
    assert tokens == ["a", "b", "c"]
