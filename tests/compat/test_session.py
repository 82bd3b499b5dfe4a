"""The constructor's arguments and ``http_session`` changes take effect on the wire.

Over HTTPS with a self-signed certificate (pytest-httpserver), and against the emulator for
tenants; connection failures come back as dicts, without secrets.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer

from sambastudio._pipeline import RequestOptions
from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from tests.compat.helpers import SECRET, ok, projects, unique

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def https_server(certificate: tuple[Path, Path]) -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def https(https_server: HTTPServer) -> HTTPServer:
    https_server.clear()
    https_server.expect_request("/api/projects").respond_with_json({"projects": []})
    return https_server


def _no_retries(sdk: SnSdk, **options: Any) -> SnSdk:
    sdk._pipeline = sdk._pipeline.with_options(RequestOptions(max_retries=0, **options))
    return sdk


def test_a_self_signed_certificate_fails_until_verify_is_turned_off(https: HTTPServer) -> None:
    url = https.url_for("").rstrip("/")
    sdk = _no_retries(SnSdk(url, SECRET))
    refused = sdk.list_projects()
    assert refused["status_code"] == 503
    assert "TLS" in refused["detail"]
    sdk.http_session.verify = False
    ok(sdk.list_projects())
    ok(SnSdk(url, SECRET, disable_ssl_verify=True).list_projects())


def test_verify_may_name_a_ca_bundle(https: HTTPServer, certificate: tuple[Path, Path]) -> None:
    sdk = SnSdk(https.url_for("").rstrip("/"), SECRET)
    sdk.http_session.verify = str(certificate[0])
    ok(sdk.list_projects())


def test_key_user_agent_and_tenant_reach_the_wire(https: HTTPServer) -> None:
    url = https.url_for("").rstrip("/")
    sdk = SnSdk(url, SECRET, tenant_id="team-a", disable_ssl_verify=True)
    ok(sdk.list_projects())
    custom = SnSdk(url, SECRET, None, "snapi/25.1.1", disable_ssl_verify=True)
    ok(custom.list_projects())
    sdk.http_session.cookies.set("tenant", "team-b")
    ok(sdk.list_projects())
    sent = [request for request, _ in https.log]
    assert [r.headers["key"] for r in sent] == [SECRET] * 3
    assert [r.headers["User-Agent"] for r in sent] == [
        "SambaStudioSDK/23.11.2",
        "snapi/25.1.1",
        "SambaStudioSDK/23.11.2",
    ]
    assert [r.cookies.get("tenant") for r in sent] == ["team-a", None, "team-b"]


def test_an_adapter_mounted_on_http_session_sends_the_calls(https: HTTPServer) -> None:
    seen: list[str] = []

    class Spy(requests.adapters.HTTPAdapter):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            seen.append(request.url or "")
            return super().send(request, **kwargs)

    sdk = SnSdk(https.url_for("").rstrip("/"), SECRET, disable_ssl_verify=True)
    sdk.http_session.mount("https://", Spy())
    ok(sdk.list_projects())
    assert seen == [https.url_for("/api/projects")]


def test_host_url_is_public_and_setting_it_redirects_later_calls(https: HTTPServer) -> None:
    sdk = _no_retries(SnSdk("http://127.0.0.1:9", SECRET, disable_ssl_verify=True))
    assert sdk.host_url == "http://127.0.0.1:9"
    assert sdk.list_projects()["status_code"] == 503
    sdk.host_url = https.url_for("").rstrip("/")
    ok(sdk.list_projects())


def test_command_is_accepted_and_changes_nothing(https: HTTPServer) -> None:
    sdk = SnSdk(https.url_for(""), SECRET, "snapi project list", disable_ssl_verify=True)
    ok(sdk.list_projects())


# ----------------------------------------------------------- connection failures
def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_a_dict_with_status_and_detail() -> None:
    sdk = _no_retries(SnSdk(f"http://127.0.0.1:{_closed_port()}", SECRET))
    result = sdk.upload_results_to_aws(
        "p", "j", "bucket", "folder", "AKIAEXAMPLE", "aws-secret-value-123", "aws-token-456", "r"
    )
    assert result["status_code"] == 503
    assert result["headers"] == {}
    assert "could not connect" in result["detail"]
    for secret in (SECRET, "aws-secret-value-123", "aws-token-456"):
        assert secret not in str(result)


def test_a_download_without_a_server_is_a_dict_and_leaves_no_file(tmp_path: Path) -> None:
    sdk = _no_retries(SnSdk(f"http://127.0.0.1:{_closed_port()}", SECRET))
    result = sdk.download_results("p", "j", str(tmp_path))
    assert (result["status_code"], result["headers"]) == (503, {})
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_never_answers_is_a_504_dict() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        sdk = SnSdk(f"http://127.0.0.1:{silent.getsockname()[1]}", SECRET)
        _no_retries(sdk, timeout=0.3)
        result = sdk.login(sdk.host_url, "alice", "login-password-789")
    assert result["status_code"] == 504
    assert "timed out" in result["detail"]
    assert "login-password-789" not in str(result)


# ---------------------------------------------------------------- tenants, live
def test_tenant_id_and_the_tenant_cookie_select_the_tenant(emu: Emulator) -> None:
    tenant = emu.add_tenant(unique("team"))
    bob = emu.add_user(unique("bob"), tenant=tenant["name"])
    admin = SnSdk(emu.url, emu.access_key)
    ok(admin.create_project(unique("in-default"), "seen in the default tenant only"))

    by_name = SnSdk(emu.url, bob, tenant_id=tenant["name"])  # callers pass names
    assert projects(ok(by_name.list_projects())) == []
    ok(by_name.create_project(unique("in-team"), "bob's"))

    outside = SnSdk(emu.url, bob)  # the default tenant, where bob is no member
    denied = outside.list_projects()
    assert denied["status_code"] == 403
    assert "not a member" in denied["detail"]
    outside.http_session.cookies.set("tenant", tenant["id"])  # what SnsdkWrapper does
    assert len(projects(ok(outside.list_projects()))) == 1
    outside.http_session.cookies.set("tenant", "no-such-tenant")
    assert outside.list_projects()["status_code"] == 404
