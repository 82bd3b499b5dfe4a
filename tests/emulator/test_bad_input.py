"""Bad input anywhere answers 4xx with a clear message: never a 5xx, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api

ODD_VALUES = ("..", "%2e%2e%2fetc", "nope", " ", "a" * 300, "\u00e9t\u00e9")
ODD_BODIES: tuple[Any, ...] = (
    {},
    {"unexpected": 1},
    [],
    "not an object",
    {"instances": -1, "hyperparams": "{bad", "limit": -5, "job_type": "dance"},
)


def _check(response: requests.Response, where: str) -> None:
    """No 5xx; an error is a 4xx whose JSON says what was wrong, without a traceback."""
    assert response.status_code < 500, (where, response.status_code, response.text)
    assert "Traceback" not in response.text, where
    if response.status_code >= 400:
        body = response.json()
        said = body.get("detail") or body.get("message") or body.get("error", {}).get("message")
        assert said, (where, response.text)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_route_answers_nonsense_with_a_5xx(shared_emulator: Emulator, name: str) -> None:
    route = ROUTES[name]
    session = requests.Session()
    session.trust_env = False
    headers = {"key": shared_emulator.access_key}
    paths = {route.path.format(**dict.fromkeys(route.path_params(), v)) for v in ODD_VALUES}
    for path in sorted(paths):
        for body in ODD_BODIES if route.method in ("POST", "PUT", "PATCH") else (None,):
            response = session.request(
                route.method,
                shared_emulator.url + path,
                json=body,
                params={"limit": "x", "page": "-1", "levels": "7"},
                headers={**headers, "Authorization": "Bearer nope"},
                timeout=10,
            )
            _check(response, f"{name} {path} {body!r}")
    session.close()


def test_a_malformed_json_body_is_a_400(shared_emulator: Emulator) -> None:
    response = requests.post(
        shared_emulator.url + "/api/projects",
        data=b"{not json",
        headers={"key": shared_emulator.access_key, "content-type": "application/json"},
        timeout=10,
    )
    _check(response, "malformed body")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_path_with_dot_dot_never_escapes(shared_api: Api) -> None:
    for name in ("..", "../etc/passwd", "/etc/passwd", "C:\\\\windows"):
        response = shared_api("create_project", project_name=name, description="")
        assert response.status_code == 400, name
        assert (
            "may not contain" in response.json()["detail"] or "empty" in response.json()["detail"]
        )
