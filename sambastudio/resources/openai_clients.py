"""OpenAI clients configured for an endpoint, for code written against the openai package.

``openai`` is an optional dependency (the ``openai`` extra), imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sambastudio.errors import MissingDependencyError
from sambastudio.resources import predictions

if TYPE_CHECKING:
    from sambastudio.resources.api_keys import ApiKeyRef
    from sambastudio.resources.endpoints import Endpoint

EXTRA_HINT = "pip install 'sambastudio[openai]'"


def openai_client(endpoint: Endpoint, api_key: ApiKeyRef | None, async_: bool) -> Any:
    """``openai.OpenAI`` (or ``AsyncOpenAI``) on ``endpoint.openai_base_url`` with its key."""
    try:
        openai = importlib.import_module("openai")
    except ImportError:
        raise MissingDependencyError(
            f"openai_client() needs the openai package: {EXTRA_HINT}"
        ) from None
    base_url = endpoint.openai_base_url
    key = predictions.call_target(endpoint, api_key)["key"]
    factory = openai.AsyncOpenAI if async_ else openai.OpenAI
    return factory(api_key=key, base_url=base_url, max_retries=endpoint.client.settings.max_retries)
