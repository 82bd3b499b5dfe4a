"""What an IDE and mypy infer for endpoints, keys, predictions and administration.

Checked statically by ``mypy --strict sambastudio tests/typing``, never run: each
``assert_type`` is a promise about a public signature.
"""

from __future__ import annotations

from typing_extensions import assert_type

from sambastudio._client import Client
from sambastudio._pagination import Pager
from sambastudio.resources import Job, Model, Project
from sambastudio.resources.admin import Admin, Feature, ResourceUsage
from sambastudio.resources.api_keys import ApiKey, EndpointApiKeys
from sambastudio.resources.endpoints import (
    Endpoint,
    Endpoints,
    EndpointStatus,
    ProjectEndpoints,
)
from sambastudio.resources.notifications import Notification, Notifications
from sambastudio.resources.predictions import Prediction
from sambastudio.resources.streaming import TokenStream
from sambastudio.resources.tenants import Tenant, Tenants
from sambastudio.resources.users import Role, Roles, User, Users


def endpoints(client: Client, project: Project, model: Model) -> None:
    assert_type(project.endpoints, ProjectEndpoints)
    assert_type(client.endpoints, Endpoints)
    endpoint = project.endpoints.create(name="ep", model=model, rdu_arch="SN40L-8")
    assert_type(endpoint, Endpoint)
    assert_type(project.endpoints.create(name="ep", model="m", rdu_arch="a", instances=2), Endpoint)
    assert_type(project.endpoints.get("ep"), Endpoint)
    assert_type(project.endpoints.list(), Pager[Endpoint])
    assert_type(project.endpoints.delete(endpoint), None)
    assert_type(client.endpoints.get("ep"), Endpoint)
    assert_type(client.endpoints.list().to_list(), list[Endpoint])
    assert_type(endpoint.wait_until_live(timeout=600, on_progress=print), Endpoint)
    assert_type(endpoint.update(instances=2, description="d", rdu_arch="a"), Endpoint)
    assert_type(endpoint.stop(), Endpoint)
    assert_type(endpoint.refresh(), Endpoint)
    assert_type(endpoint.delete(), None)
    assert_type(endpoint.status, EndpointStatus | None)
    assert_type(endpoint.instances, int | None)
    assert_type(endpoint.openai_base_url, str)


def api_keys(endpoint: Endpoint) -> None:
    assert_type(endpoint.api_keys, EndpointApiKeys)
    assert_type(endpoint.api_key, ApiKey | None)
    key = endpoint.api_keys.create(description="ci")
    assert_type(key, ApiKey)
    assert_type(endpoint.api_keys.list(), Pager[ApiKey])
    assert_type(endpoint.api_keys.get("ci"), ApiKey)
    assert_type(key.reveal(), str)
    assert_type(key.is_active, bool)
    assert_type(key.update(description="d"), ApiKey)
    assert_type(key.revoke(), ApiKey)


def predictions(endpoint: Endpoint, key: ApiKey) -> None:
    assert_type(endpoint.predict("hi"), Prediction)
    assert_type(endpoint.predict("hi", {"max_tokens_to_generate": 8}, api_key=key), Prediction)
    assert_type(endpoint.predict(["a", "b"]), list[Prediction])
    assert_type(endpoint.predict(("a",), api_key="k"), list[Prediction])
    assert_type(endpoint.embed(["a"]), list[list[float]])
    assert_type(endpoint.stream("hi"), TokenStream)
    assert_type(endpoint.predict_file("inputs.txt"), list[Prediction])
    prediction = endpoint.predict("hi")
    assert_type(prediction.text, str)
    assert_type(prediction.total_tokens, int | None)


def tenants(client: Client) -> None:
    assert_type(client.tenants, Tenants)
    tenant = client.tenants.create(name="t", display_name="T")
    assert_type(tenant, Tenant)
    assert_type(client.tenants.get("t"), Tenant)
    assert_type(client.tenants.list(), Pager[Tenant])
    assert_type(client.tenants.default(), Tenant)
    assert_type(client.tenants.update("t", rdu_node_count=2), Tenant)
    assert_type(client.tenants.delete(tenant), None)
    assert_type(tenant.update(display_name="T2"), Tenant)
    assert_type(tenant.delete(), None)


def users(client: Client, tenant: Tenant) -> None:
    assert_type(client.users, Users)
    assert_type(client.roles, Roles)
    user = client.users.add("jo", email="jo@example.com", role="User", tenant=tenant)
    assert_type(user, User)
    assert_type(
        client.users.add_many([{"user_id": "a"}, {"user_id": "b", "role": "User"}]), list[User]
    )
    assert_type(client.users.get("jo"), User)
    assert_type(client.users.list(), Pager[User])
    assert_type(client.users.delete(user, tenant="t"), None)
    assert_type(user.delete(), None)
    assert_type(client.roles.list(), Pager[Role])


def notifications(client: Client) -> None:
    assert_type(client.notifications, Notifications)
    assert_type(client.notifications.list(levels=[40, 50], type="admin"), Pager[Notification])
    assert_type(client.notifications.list(page_size=10, limit=5).first(), Notification | None)


def admin(client: Client) -> None:
    assert_type(client.admin, Admin)
    assert_type(client.admin.jobs(), Pager[Job])
    assert_type(client.admin.resource_usage(), ResourceUsage)
    assert_type(client.features(), list[Feature])
    assert_type(Client.login("https://sambastudio.example", "jo", "pw", tenant="t"), Client)
