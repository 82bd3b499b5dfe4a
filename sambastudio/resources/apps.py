"""ML apps: the families of models and datasets (text generation, embeddings, ...)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AliasChoices, Field

from sambastudio._base import Collection, Resource, Routes


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


class Apps(
    Collection[App],
    model=App,
    routes=Routes(
        list="list_apps", list_key="apps", info="app_info", info_key="apps", id_arg="app"
    ),
):
    """``client.apps``; names resolve by listing (there is no search route)."""
