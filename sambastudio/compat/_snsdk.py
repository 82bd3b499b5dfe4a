"""The ``SnSdk`` class: the flat legacy API, assembled from one mixin per resource family."""

from __future__ import annotations

from sambastudio.compat._datasets import DatasetMethods
from sambastudio.compat._endpoints import EndpointMethods
from sambastudio.compat._models import ModelMethods
from sambastudio.compat._platform import PlatformMethods
from sambastudio.compat._projects import JobMethods, ProjectMethods


class SnSdk(
    ProjectMethods, JobMethods, ModelMethods, EndpointMethods, DatasetMethods, PlatformMethods
):
    """SambaNova Systems Python SDK for SambaStudio (the flat legacy API).

    ``SnSdk(host_url, access_key, command=None, user_agent='SambaStudioSDK/23.11.2', *,
    tenant_id=None, disable_ssl_verify=False)``. Every method returns the server's JSON as a
    dict with ``status_code`` and ``headers`` added; HTTP errors are returned, not raised.
    Each method warns once (``DeprecationWarning``) with its object-model replacement; see
    docs/migration.md.
    """
