"""What an IDE offers on a collection: its verbs, never its routing settings."""

from __future__ import annotations

import jedi
import pytest

PRELUDE = """from sambastudio import Client
client = Client(host_url="http://127.0.0.1:1", access_key="k")
project = client.projects.get("p")
job = project.jobs.get("j")
endpoint = project.endpoints.get("e")
"""

VERBS = {
    "client.projects.": {"create", "delete", "get", "id_of", "list"},
    "project.jobs.": {"create", "delete", "get", "id_of", "list"},
    "job.checkpoints.": {"best", "delete", "get", "id_of", "list"},
    "endpoint.api_keys.": {"create", "get", "id_of", "list"},
}


@pytest.mark.parametrize("expression", sorted(VERBS))
def test_completion_offers_only_public_verbs(expression: str) -> None:
    code = PRELUDE + expression
    lines = code.splitlines()
    offered = {
        completion.name
        for completion in jedi.Script(code).complete(len(lines), len(lines[-1]))
        if not completion.name.startswith("_")
    }
    assert offered == VERBS[expression]
