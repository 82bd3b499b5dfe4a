"""Endpoints: deployed models, their lifecycle, their API keys and their predictions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from pydantic import AliasChoices, Field, model_validator
from typing_extensions import Self

from sambastudio._arguments import check_count, check_name, hyperparams_json
from sambastudio._base import Collection, Record, Routes, Scope, UnknownStatus, Waitable
from sambastudio._waiting import Acceptors
from sambastudio.errors import EndpointFailed, SambaStudioError
from sambastudio.resources import chat as conversations
from sambastudio.resources import embeddings, openai_clients, predictions
from sambastudio.resources.api_keys import ApiKey, ApiKeyRef, EndpointApiKeys, key_entries
from sambastudio.resources.chat import ChatCompletion, ChatStream
from sambastudio.resources.models import Model
from sambastudio.resources.predictions import Params, Prediction
from sambastudio.resources.streaming import TokenStream

if TYPE_CHECKING:
    from sambastudio._client import Client

EndpointStatus = (
    Literal["Deploying", "SettingUp", "AwaitingRDU", "Live", "Failed", "Stopped"] | UnknownStatus
)

ENDPOINT_ACCEPTORS: Acceptors[Any] = Acceptors(
    success=frozenset({"Live"}),
    failure=frozenset({"Failed", "Stopped"}),
    error=EndpointFailed,
    capacity=frozenset({"AwaitingRDU"}),
)
"""A stopped endpoint will not come up by itself, so waiting on it fails at once."""


class EndpointTarget(Record):
    """What an endpoint serves: a model (by id), on how many instances of which RDUs."""

    model: str | None = None
    model_checkpoint_name: str | None = None
    model_version: str | int | None = None
    instances: int | None = None
    rdu_arch: str | None = None


class Endpoint(Waitable):
    """A deployed model; ``wait()`` until it is Live, then ``predict()`` or ``stream()``.

    ``wait()`` raises ``EndpointFailed`` if it fails or is stopped. ``api_key`` is the key
    calls use unless told otherwise; ``api_keys`` manages them all.
    """

    kind: ClassVar[str] = "endpoint"
    _acceptors: ClassVar[Acceptors[Any]] = ENDPOINT_ACCEPTORS
    _bar_percent: ClassVar[bool] = False  # the status beside the time waited

    id: str = Field(validation_alias=AliasChoices("id", "endpoint_id"))
    name: str | None = Field(None, validation_alias=AliasChoices("name", "endpoint_name"))
    description: str | None = None
    project_id: str | None = None
    status: EndpointStatus | None = None
    url: str | None = None
    """The predict path, e.g. ``/api/predict/generic/<project_id>/<endpoint_id>``."""
    stream_url: str | None = None
    targets: list[EndpointTarget] = Field(default_factory=list)
    hyperparams: Any = None
    openai_compatible: bool | None = Field(
        None,
        validation_alias=AliasChoices("inference_api_openai_compatible", "openai_compatible"),
    )
    model_type: str | None = None
    app_id: str | None = None
    app_name: str | None = None
    user_id: str | None = None
    tenant_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    listed_keys: list[ApiKey] = Field(default_factory=list)
    """The keys the server listed with the endpoint (wire ``api_keys``, or 2024's ``api_key``)."""

    @model_validator(mode="before")
    @classmethod
    def _gather_keys(cls, data: Any) -> Any:
        """Keys in either generation become ``ApiKey`` objects that know their endpoint."""
        if not isinstance(data, Mapping) or not {"api_key", "api_keys"} & data.keys():
            return data
        owner = {
            "project_id": data.get("project_id"),
            "endpoint_id": data.get("id", data.get("endpoint_id")),
        }
        rest = {k: v for k, v in data.items() if k not in ("api_key", "api_keys")}
        return {**rest, "listed_keys": [{**entry, **owner} for entry in key_entries(data)]}

    def _bind(self, client: Client | None) -> None:
        super()._bind(client)
        if client is not None:
            for key in self.listed_keys:
                key.attach(client)

    # ------------------------------------------------------------------- views
    @property
    def api_key(self) -> ApiKey | None:
        """The first active key, which ``predict`` and ``stream`` use by default."""
        return next((key for key in self.listed_keys if key.is_active), None)

    @property
    def api_keys(self) -> EndpointApiKeys:
        return EndpointApiKeys(self.client, self._project(), self.id)

    @property
    def model_id(self) -> str | None:
        return self.targets[0].model if self.targets else None

    @property
    def instances(self) -> int | None:
        return self.targets[0].instances if self.targets else None

    @property
    def rdu_arch(self) -> str | None:
        return self.targets[0].rdu_arch if self.targets else None

    @property
    def openai_base_url(self) -> str:
        """The ``base_url`` for an OpenAI client (``{host}/v1/{endpoint_id}``).

        Raises ``SambaStudioError`` for an endpoint created without ``openai_compatible``.
        """
        if self.openai_compatible is False:
            raise SambaStudioError(f"{self!r} was not created with openai_compatible=True")
        return f"{self.client.settings.host_url}/v1/{self.id}"

    # --------------------------------------------------------------- lifecycle
    def _home(self) -> ProjectEndpoints:
        return ProjectEndpoints(self.client, self._project())

    def _project(self) -> str:
        if not self.project_id:
            raise SambaStudioError(f"{self!r} does not say which project holds it")
        return self.project_id

    def _at(self) -> dict[str, str]:
        return {"project": self._project(), "endpoint": self.id}

    # wait() under the name earlier releases gave it (a method, which pydantic's mypy
    # plugin takes for a field without a type).
    wait_until_live = Waitable.wait  # type: ignore[pydantic-field]

    def update(
        self,
        *,
        description: str | None = None,
        instances: int | None = None,
        rdu_arch: str | None = None,
    ) -> Self:
        """Change what is given (``None`` leaves it); instances on a stopped one restarts it."""
        if instances is not None:
            check_count("instances", instances)
        if rdu_arch is not None:
            check_name("rdu_arch", rdu_arch)
        answer = self._send(
            "update_endpoint",
            **self._at(),
            description=description,
            instances=instances,
            rdu_arch=rdu_arch,
        )
        return self._absorb_answer(answer)

    def stop(self) -> Self:
        """Stop serving without deleting; ``update(instances=n)`` starts it again."""
        return self._absorb_answer(self._send("stop_endpoint", **self._at()))

    def delete(self) -> None:
        self._home().delete(self)

    # -------------------------------------------------------------- predictions
    @overload
    def predict(
        self, inputs: str, params: Params | None = None, *, api_key: ApiKeyRef | None = None
    ) -> Prediction: ...
    @overload
    def predict(
        self,
        inputs: list[str] | tuple[str, ...],
        params: Params | None = None,
        *,
        api_key: ApiKeyRef | None = None,
    ) -> list[Prediction]: ...
    def predict(
        self,
        inputs: str | Sequence[str],
        params: Params | None = None,
        *,
        api_key: ApiKeyRef | None = None,
    ) -> Prediction | list[Prediction]:
        """One ``Prediction`` for a string, a list of them for a list of strings.

        ``params`` take plain values (``{"max_tokens_to_generate": 64}``); ``api_key``
        defaults to ``self.api_key``.
        """
        outputs, answer = predictions.outputs(self, inputs, params, api_key)
        found = [Prediction.of(output, answer) for output in outputs]
        return found[0] if isinstance(inputs, str) else found

    def embed(
        self, texts: str | Sequence[str], *, api_key: ApiKeyRef | None = None
    ) -> list[list[float]]:
        """One vector per text, from an endpoint serving an embedding model (on its
        OpenAI-compatible route if it has one, else on its predict wire)."""
        return embeddings.embed(self, texts, api_key)

    @overload
    def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        stream: Literal[False] = False,
        api_key: ApiKeyRef | None = None,
        **params: Any,
    ) -> ChatCompletion: ...
    @overload
    def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        stream: Literal[True],
        api_key: ApiKeyRef | None = None,
        **params: Any,
    ) -> ChatStream: ...
    def chat(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        stream: bool = False,
        api_key: ApiKeyRef | None = None,
        **params: Any,
    ) -> ChatCompletion | ChatStream:
        """Answer a conversation (``[{"role": "user", "content": "..."}]``).

        ``params`` are OpenAI's (``max_tokens``, ``temperature``, ``stop``, ``n``, ...) and
        SambaNova's (``top_k``, ``do_sample``, ...). With ``stream=True``, a ``ChatStream``
        of chunks whose ``usage`` is set after the last. The OpenAI-compatible route is used
        when the endpoint has one, the V2 predict route otherwise (docs/inference.md).
        """
        return conversations.chat(self, messages, params, stream=stream, api_key=api_key)

    def openai_client(self, *, async_: bool = False, api_key: ApiKeyRef | None = None) -> Any:
        """An ``openai.OpenAI`` (``AsyncOpenAI`` with ``async_=True``) for this endpoint;
        needs the ``openai`` extra (``pip install 'sambastudio[openai]'``)."""
        return openai_clients.openai_client(self, api_key, async_)

    def stream(
        self, text: str, params: Params | None = None, *, api_key: ApiKeyRef | None = None
    ) -> TokenStream:
        """The completion of ``text``, token by token as they arrive; after the last one,
        the stream's ``usage`` holds the counts and timing. ``with`` it to close early.

        Arguments are checked now; the request is sent when the first token is asked for.
        An error the server reports in the stream raises ``SambaStudioError``.
        """
        return predictions.stream(self, text, params, api_key)

    def predict_file(
        self, path: str | PathLike[str], *, api_key: ApiKeyRef | None = None
    ) -> list[Prediction]:
        """Predictions for a file of inputs, uploaded whole."""
        return predictions.predict_file(self, path, api_key)


class Endpoints(
    Collection[Endpoint],
    model=Endpoint,
    routes=Routes(
        list="list_endpoints", list_key="endpoints", info="endpoint_info_by_id", id_arg="endpoint"
    ),
):
    """``client.endpoints``: the user's endpoints across projects (create them in a project)."""


class ProjectEndpoints(
    Collection[Endpoint],
    model=Endpoint,
    routes=Routes(
        list="list_endpoints", list_key="endpoints", info="endpoint_info", id_arg="endpoint"
    ),
    scope=Scope(
        parents=("project",), list_args={"project": "project"}, lookup_args={"project": "project"}
    ),
):
    """``project.endpoints``: the endpoints of one project
    (``ProjectEndpoints(client, project_id)``)."""

    def create(
        self,
        *,
        name: str,
        model: str | Model,
        rdu_arch: str,
        instances: int = 1,
        description: str = "",
        hyperparams: Mapping[str, Any] | str | None = None,
        model_version: int | str | None = None,
        openai_compatible: bool = False,
    ) -> Endpoint:
        """Deploy ``model`` (a name, an id or the object); ``wait()`` on the result.

        Every argument is checked before the first request.
        """
        args: dict[str, Any] = {
            "endpoint_name": check_name("name", name),
            "rdu_arch": check_name("rdu_arch", rdu_arch),
            "instances": check_count("instances", instances),
            "hyperparams": hyperparams_json(hyperparams),
        }
        return self._create(
            "create_endpoint",
            called=name,
            expected={"description": description},
            project=self._within["project"],
            **args,
            model_checkpoint=self._client.models.id_of(model),
            description=description,
            model_version=model_version,
            inference_api_openai_compatible=openai_compatible,
        )

    def delete(self, endpoint: str | Endpoint) -> None:
        self._client._request(
            "delete_endpoint", project=self._within["project"], endpoint=self._resolve(endpoint)
        )
