"""ML apps: the families of models and datasets (text generation, embeddings, ...)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AliasChoices, Field

from sambastudio._base import Collection, Resource


class App(Resource):
    kind: ClassVar[str] = "app"

    id: str = Field(validation_alias=AliasChoices("id", "app_id"))
    name: str | None = Field(None, validation_alias=AliasChoices("name", "app_name"))
    description: str | None = None
    playground: bool | None = None
    prediction_input: str | None = None
    """``text`` or ``file``: what the app's endpoints take."""

    def _home(self) -> Apps:
        return Apps(self.client)


class Apps(Collection[App]):
    """``client.apps``; names resolve by listing (there is no search route)."""

    model = App
    list_route, list_key = "list_apps", "apps"
    info_route, info_key, id_arg = "app_info", "apps", "app"
