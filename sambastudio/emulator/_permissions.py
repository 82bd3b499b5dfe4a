"""Who may do what, in which tenant: the emulator's one table of permissions.

Three roles, ranked: a platform admin (``OrgAdmin``) may do anything in any tenant; a
tenant admin (``TenantAdmin``) administers the tenants it is an admin *of*; a user (``User``)
works in the tenants it belongs to. A role is held per tenant: a tenant admin of B who is
only a user in A is a user there, and in a tenant it does not belong to it holds no role.

Every action (each platform route, plus a few finer actions a handler checks itself) names
the rank it needs and where that rank must be held (:class:`Where`). Route registration
refuses an operation that has no row here, so no route can skip the check.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Literal

import attrs

Role = Literal["OrgAdmin", "TenantAdmin", "User"]


class Rank(enum.IntEnum):
    """What a role may do, ordered: each rank includes the ones below it."""

    MEMBER = 1
    TENANT_ADMIN = 2
    PLATFORM_ADMIN = 3


RANKS: Mapping[Role, Rank] = {
    "User": Rank.MEMBER,
    "TenantAdmin": Rank.TENANT_ADMIN,
    "OrgAdmin": Rank.PLATFORM_ADMIN,
}


class Where(enum.Enum):
    """The tenant in which the rank must be held."""

    CURRENT = "the tenant the request acts in (its tenant cookie)"
    NAMED = "the tenant a request argument names (the handler checks it)"
    EACH = "each tenant the answer covers (the handler leaves out the others)"
    PLATFORM = "the platform as a whole"


@attrs.frozen
class Rule:
    rank: Rank
    where: Where = Where.CURRENT


_MEMBER = Rule(Rank.MEMBER)
_PLATFORM = Rule(Rank.PLATFORM_ADMIN, Where.PLATFORM)

_MEMBER_ACTIONS: tuple[str, ...] = (
    # projects, jobs and their files
    "list_projects",
    "create_project",
    "search_project",
    "project_info",
    "update_project",
    "delete_project",
    "list_jobs",
    "create_job",
    "search_job",
    "job_info",
    "update_job",
    "delete_job",
    "stop_job",
    "resume_job",
    "get_metrics",
    "job_log_list",
    "job_log_preview",
    "download_job_artifacts",
    "download_logs",
    "download_results",
    "list_exports",
    "upload_results_to_aws",
    "list_checkpoints",
    "checkpoint_info",
    "delete_checkpoint",
    # models and apps
    "add_model",
    "list_models",
    "search_model",
    "model_info",
    "delete_model",
    "import_model",
    "import_status",
    "export_model",
    "exported_model_list",
    "delete_exported_model",
    "add_composite_model",
    "validate_spec_decoding",
    "validate_model_bundle",
    "list_apps",
    "app_info",
    # endpoints
    "list_endpoints",
    "create_endpoint",
    "endpoint_info",
    "endpoint_info_by_id",
    "update_endpoint",
    "stop_endpoint",
    "delete_endpoint",
    "add_endpoint_api_key",
    "edit_endpoint_api_key",
    # datasets and uploads
    "list_datasets",
    "search_dataset",
    "dataset_info",
    "delete_dataset",
    "add_dataset",
    "generate_dataset_id",
    "generate_model_upload_id",
    "create_folder_upload",
    "create_multipart_file_upload",
    "upload_part_file",
    "get_file_upload_status",
    "complete_multipart_file_upload",
    "complete_folder_upload",
    # the caller's own view of the platform
    "tenant_default_tenant",
    "list_notifications",
    "get_feature_list",
)

PERMISSIONS: Mapping[str, Rule] = {
    **dict.fromkeys(_MEMBER_ACTIONS, _MEMBER),
    "list_tenants": Rule(Rank.MEMBER, Where.EACH),
    "tenant_info": Rule(Rank.MEMBER, Where.NAMED),
    "read_admin_notifications": Rule(Rank.TENANT_ADMIN),
    "list_users": Rule(Rank.TENANT_ADMIN),
    "list_roles": Rule(Rank.TENANT_ADMIN),
    "add_users": Rule(Rank.TENANT_ADMIN, Where.NAMED),
    "delete_user": Rule(Rank.TENANT_ADMIN, Where.NAMED),
    "update_tenant": Rule(Rank.TENANT_ADMIN, Where.NAMED),
    "admin_job_list": Rule(Rank.TENANT_ADMIN, Where.EACH),
    "admin_resource_usage": Rule(Rank.TENANT_ADMIN, Where.EACH),
    "create_tenant": _PLATFORM,
    "delete_tenant": _PLATFORM,
    "set_tenant_capacity": _PLATFORM,
    "grant_platform_admin": _PLATFORM,
    "manage_platform_admin": _PLATFORM,
}
"""Action → the rank it needs and where. Besides route names: ``read_admin_notifications``
(``list_notifications(type="admin")``), ``set_tenant_capacity`` (``update_tenant`` of
``rdu_node_count`` or ``arch``), ``grant_platform_admin`` (``add_users`` with role
``OrgAdmin``) and ``manage_platform_admin`` (``delete_user`` of an ``OrgAdmin``)."""


def rank_of(role: Role | None) -> Rank | None:
    return RANKS[role] if role is not None else None


def allows(role: Role | None, action: str) -> bool:
    """Whether holding ``role`` (``None``: no role) in the rule's tenant permits ``action``."""
    held = rank_of(role)
    return held is not None and held >= PERMISSIONS[action].rank
