"""Projects: the folders that hold a user's jobs and endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import AliasChoices, Field
from typing_extensions import Self

from sambastudio._arguments import check_name
from sambastudio._base import Collection, Resource, Routes, UnknownStatus

if TYPE_CHECKING:  # imported when first asked for: listing projects needs neither
    from sambastudio.resources.endpoints import ProjectEndpoints
    from sambastudio.resources.jobs import ProjectJobs

ProjectStatus = Literal["Available"] | UnknownStatus


class Project(Resource):
    """A project; ``project.jobs`` and ``project.endpoints`` are what it holds."""

    kind: ClassVar[str] = "project"

    id: str = Field(validation_alias=AliasChoices("id", "project_id"))
    name: str | None = Field(None, validation_alias=AliasChoices("name", "project_name"))
    description: str | None = None
    status: ProjectStatus | None = None
    user_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def owner(self) -> str | None:
        """Who created it: ``metadata.owner`` (2025) or ``user_id`` (2024)."""
        owner = self.metadata.get("owner")
        return str(owner) if owner else self.user_id

    @property
    def jobs(self) -> ProjectJobs:
        from sambastudio.resources.jobs import ProjectJobs

        return ProjectJobs(self.client, self.id, project_name=self.name)

    @property
    def endpoints(self) -> ProjectEndpoints:
        from sambastudio.resources.endpoints import ProjectEndpoints

        return ProjectEndpoints(self.client, self.id, project_name=self.name)

    def _home(self) -> Projects:
        return Projects(self.client)

    def update(self, *, name: str | None = None, description: str | None = None) -> Self:
        """Rename the project or change its description (``None`` leaves a field as is)."""
        if name is not None:
            check_name("name", name)
        answer = self._send("update_project", project=self.id, name=name, description=description)
        return self._absorb_answer(answer)

    def delete(self) -> None:
        """Delete the project; the server refuses while it still holds jobs or endpoints."""
        self._home().delete(self)


class Projects(
    Collection[Project],
    model=Project,
    routes=Routes(
        list="list_projects",
        list_key="projects",
        info="project_info",
        id_arg="project",
        search="search_project",
        search_arg="project_name",
        search_key="project_id",
    ),
):
    """``client.projects``."""

    def create(self, *, name: str, description: str = "") -> Project:
        """A new project."""
        return self._create(
            "create_project",
            called=check_name("name", name),
            expected={"description": description},
            project_name=name,
            description=description,
        )

    def delete(self, project: str | Project) -> None:
        """Delete a project by name, id or object."""
        self._client._request("delete_project", project=self._resolve(project))
