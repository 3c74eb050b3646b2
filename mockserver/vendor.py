"""What a vendor package provides to the vendor-neutral core.

A vendor is one folder under `mockserver/vendors/` holding its routes, validation, models, error
format and webhook shape, plus one line in `mockserver/registry.py`. The core calls a vendor only
through this interface: to build its routes, to render its errors, to parse its scenario section,
to make a fresh state store for each world, and to let a scripted or manual reviewer act.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

from mockserver.actions import ActionTable
from mockserver.errors import ApiError
from mockserver.matchers import MatcherTable
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.variants import Variant
from mockserver.webhooks.policy import DEFAULT_POLICY, RetryPolicy
from mockserver.webhooks.signature import Signature

if TYPE_CHECKING:
    from mockserver.drift.model import ProbeSet
    from mockserver.scenario.context import SectionContext
    from mockserver.scenario.steps import Step
    from mockserver.world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    name: str = ""


@dataclass(frozen=True)
class ScenarioSection:
    """A vendor's section of a scenario file, wired explicitly.

    `schema`: its JSON Schema; `parse(data, ctx)`: typed configuration from a schema-valid
    section (`ctx.fail` for semantic errors); `check(data, ctx)`: for `mockserver validate`,
    what a schema-valid section says that the vendor would refuse at run time, as
    `file:line:col: key: message` lines; `default`: the section the embedded default scenario
    gives this vendor (None: none).
    """

    schema: Mapping[str, Any]
    parse: Callable[[Mapping[str, Any] | None, SectionContext], Any]
    check: Callable[[Mapping[str, Any], SectionContext], list[str]] | None = None
    default: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class WebhookPolicy:
    """How a vendor delivers: its retry schedule and timeout, and the signature schemes its
    deliveries may carry (the first is what the sandbox signs with by default; the pytest
    receiver tries each)."""

    retry: RetryPolicy = DEFAULT_POLICY
    signatures: tuple[Signature, ...] = ()


@dataclass(frozen=True)
class OpenApiDocument:
    """One OpenAPI description a vendor serves under `/_mockserver/openapi/{name}`:
    `package` and `resource` locate its YAML file (read with importlib.resources)."""

    name: str
    package: str
    resource: str


class VendorState:
    """A vendor's store for one world; a reset replaces it with a fresh one."""

    def items(self, status: str | None = None) -> list[dict[str, Any]]:
        """Reviewable items (requests, submissions, review tasks) for the control plane."""
        return []

    def all_items(self) -> Iterable[Any] | None:
        """Every item the control plane lists, oldest first, for the vendor's action table to
        describe (None: not declared; the control plane asks `items()` instead)."""
        return None

    async def act(self, item_id: str, step: Step) -> dict[str, Any]:
        """Perform one reviewer action now, as the control plane asks; returns the item."""
        raise ApiError(404, f"no reviewable item {item_id!r}")

    def item_status(self, item_id: str) -> str | None:
        return None

    problems: list[str]
    """Scripted steps that could not apply at run time (file:line and why); stores set it."""

    def scenario_problems(self) -> list[str]:
        return list(getattr(self, "problems", []))


class Vendor(ABC):
    name: ClassVar[str]
    title: ClassVar[str]
    path_prefixes: ClassVar[tuple[str, ...]]
    base_path: ClassVar[str] = ""
    """What a client's base URL adds to the server's (`/v1` for a `{url}/v1` client)."""
    statuses: ClassVar[tuple[str, ...]] = ()
    """The statuses an item of this vendor can have, in the order of its life."""

    def actions(self) -> ActionTable | None:
        """The reviewer words (None: this vendor has not declared a table yet)."""
        return None

    def matchers(self) -> MatcherTable | None:
        """The `when` keys of its rules (None: not declared as a table yet)."""
        return None

    def webhook_policy(self) -> WebhookPolicy:
        return WebhookPolicy()

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return ()

    def describe(self) -> dict[str, Any]:
        """What `GET /_mockserver/vendors` says about this vendor: each action word with its
        description and its settings (name -> JSON Schema), from which the `trigger` CLI
        builds its options."""
        actions = self.actions()
        vocabulary = self.vocabulary()
        words = list(actions.words) if actions is not None else sorted(vocabulary.actions)
        bare = vocabulary.bare_words
        return {
            "name": self.name,
            "title": self.title,
            "path_prefixes": list(self.path_prefixes),
            "base_path": self.base_path,
            "actions": [
                {
                    "word": word,
                    "bare": word in bare,
                    "description": vocabulary.descriptions.get(word, word),
                    "settings": dict(vocabulary.actions.get(word, {})),
                }
                for word in words
            ],
            "statuses": list(self.statuses),
            "openapi": [doc.name for doc in self.openapi_documents()],
            "signatures": [s.name for s in self.webhook_policy().signatures],
        }

    @abstractmethod
    def routes(self) -> list[Route]: ...

    @abstractmethod
    def render_error(self, error: ApiError) -> web.Response: ...

    def scenario_section(self) -> ScenarioSection | None:
        """This vendor's scenario section (None: the older methods below are overridden)."""
        return None

    def default_section(self) -> Mapping[str, Any] | None:
        """What the embedded default scenario says in this vendor's section (None: nothing);
        declared as `ScenarioSection.default`, e.g. `section_file(__package__)` for the
        vendor folder's `default.yaml`."""
        section = self.scenario_section()
        return section.default if section is not None else None

    def _section(self) -> ScenarioSection:
        section = self.scenario_section()
        if section is None:
            raise NotImplementedError(f"{type(self).__name__} declares no scenario_section()")
        return section

    def section_schema(self) -> dict[str, Any]:
        """JSON Schema for this vendor's section of a scenario file."""
        return dict(self._section().schema)

    def vocabulary(self) -> Vocabulary:
        """The scenario words, derived from the action and matcher tables."""
        actions, matchers = self.actions(), self.matchers()
        return Vocabulary(
            when=matchers.schemas() if matchers is not None else {},
            actions=actions.schemas() if actions is not None else {},
            bare_words=actions.bare_words() if actions is not None else frozenset(),
            descriptions=actions.descriptions() if actions is not None else {},
        )

    def variants(self) -> tuple[Variant, ...]:
        """The places where this vendor's documents disagree, as named variants."""
        return ()

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        """Typed configuration from the (schema-valid) section; `ctx.fail` for semantic errors."""
        return self._section().parse(data, ctx)

    @abstractmethod
    def new_state(self, world: World) -> VendorState: ...

    def check_section(self, data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
        """For `mockserver validate`: what a schema-valid section says that the vendor would
        refuse at run time (say, an answer the rule's response type cannot take), as
        `file:line:col: key: message` lines (`ctx.fail(path, message).problems`, not raised).
        Default: the declared section's `check`, else (until every vendor declares one) the
        vendor package's `checks.check_section(data, ctx)` when the package has that module."""
        section = self.scenario_section()
        if section is not None:
            return section.check(data, ctx) if section.check is not None else []
        package = type(self).__module__.rpartition(".")[0]
        try:
            module = importlib.import_module(f"{package}.checks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.checks":
                raise
            return []
        problems: list[str] = module.check_section(data, ctx)
        return problems

    def owns(self, request: web.Request) -> bool:
        """Whether a request the router did not match belongs to this vendor."""
        return any(request.path.startswith(p) for p in self.path_prefixes)

    def drift_probes(self) -> ProbeSet | None:
        """What `mockserver drift` calls on the real service: the vendor package's
        `drift_probes.PROBES` when the package has that module, else None."""
        package = type(self).__module__.rpartition(".")[0]
        try:
            module = importlib.import_module(f"{package}.drift_probes")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.drift_probes":
                raise
            return None
        probes: ProbeSet = module.PROBES
        return probes
