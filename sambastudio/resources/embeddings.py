"""Embeddings on whichever route the endpoint offers: OpenAI's ``embeddings`` for an
OpenAI-compatible endpoint, else its predict wire (whose answers are the vectors)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sambastudio.errors import InvalidArgumentError, SambaStudioError
from sambastudio.resources import predictions
from sambastudio.resources.chat import model_name, require_live

if TYPE_CHECKING:
    from sambastudio.resources.api_keys import ApiKeyRef
    from sambastudio.resources.endpoints import Endpoint


def embed(
    endpoint: Endpoint, texts: str | Sequence[str], api_key: ApiKeyRef | None
) -> list[list[float]]:
    batch = predictions.check_texts(texts)
    if endpoint.model_type not in (None, "embedding"):
        raise InvalidArgumentError(
            "endpoint", f"{endpoint!r} serves a {endpoint.model_type} model, not an embedding model"
        )
    require_live(endpoint)
    if not endpoint.openai_compatible:
        outputs, _answer = predictions.outputs(endpoint, batch, None, api_key)
        return predictions.vectors(outputs)
    key = predictions.call_target(endpoint, api_key)["key"]
    answer = endpoint.client._request(
        "openai_embeddings",
        endpoint_id=endpoint.id,
        key=key,
        input=batch,
        model=model_name(endpoint),
    )
    try:
        found = sorted(answer.json()["data"], key=lambda entry: entry["index"])
        return predictions.vectors([entry["embedding"] for entry in found])
    except (KeyError, TypeError) as error:
        raise SambaStudioError(f"unexpected openai_embeddings answer: {error!r}") from error
