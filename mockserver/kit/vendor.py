"""What a vendor package provides to the vendor-neutral core.

A vendor is one folder under `mockserver/vendors/` holding its routes, validation, models, error
format and webhook shape, plus one line in `mockserver/registry.py`. The core calls a vendor only
through this interface: to build its routes, to render its errors, to parse its scenario section,
to make a fresh state store for each world, and to let a scripted or manual reviewer act.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.variants import Variant
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.webhooks.policy import DEFAULT_POLICY, RetryPolicy
from mockserver.webhooks.signatures import Signature

if TYPE_CHECKING:
    from mockserver.kit.drift_probes import ProbeSet
    from mockserver.kit.worldview import WorldView
    from mockserver.scenario.context import SectionContext

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    """One vendor endpoint. `hosts`: the vendor's declared hosts whose own port serves it
    (`--host-port`); None: every host of the vendor; `()`: the main port only (an alias the
    real hosts do not have). The main port serves every route."""

    method: str
    path: str
    handler: Handler
    name: str = ""
    hosts: tuple[str, ...] | None = None


@dataclass(frozen=True)
class VendorHost:
    """A real host of the vendor (`api.thehive.ai`), which `--host-port HOST=PORT` serves on a
    port of its own: there the sandbox answers only as that host (its routes, its auth, its
    error shape for anything else), so a client switches by its origin alone."""

    name: str
    title: str


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
class ConsoleView:
    """How the reviewer console shows a vendor's items: an ES module (`console.js` in the
    vendor's folder; `mockserver/http/console/parts.js` says what it exports), located by `package`
    and `resource` (read with importlib.resources)."""

    package: str
    resource: str = "console.js"

    def read(self) -> bytes:
        return resources.files(self.package).joinpath(self.resource).read_bytes()


@dataclass(frozen=True)
class OpenApiDocument:
    """One OpenAPI description a vendor serves under `/_mockserver/openapi/{name}`:
    `package` and `resource` locate its YAML file (read with importlib.resources)."""

    name: str
    package: str
    resource: str


class VendorState(ABC):
    """A vendor's store for one world; a reset replaces it with a fresh one.

    The core reaches its items only through these methods (the `ItemStore` of
    `mockserver/kit/actions.py`): the action table acts on them, the control plane lists them.
    """

    world: WorldView
    problems: list[str]
    """Scripted steps that could not apply at run time (file:line and why); stores set it."""

    @abstractmethod
    def find(self, item_id: str) -> Any | None:
        """The item an id names (None: no such item)."""

    @abstractmethod
    def all_items(self) -> Iterable[Any]:
        """Every item the control plane lists, oldest first."""

    @abstractmethod
    def status_of(self, item: Any) -> str:
        """An item's status (one of the vendor's `statuses`)."""

    @abstractmethod
    def item_json(self, item: Any) -> dict[str, Any]:
        """An item as the control plane and the reviewer console show it (the action table
        adds the `actions` it offers now)."""

    def changed(self, item_id: str) -> None:
        """Wake the waits on this item (the core calls it after every action and timer)."""
        self.world.changed(item_id)

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
    hosts: ClassVar[tuple[VendorHost, ...]] = ()
    """The vendor's real hosts, each of which `--host-port` can serve on a port of its own."""
    waiting: ClassVar[tuple[str, ...]] = ()
    """Those of `statuses` in which an item waits for a reviewer (HITL's `pending` and
    `claimed`, Outharm's `queued`): what `?status=waiting` lists, vendor-neutrally."""

    @abstractmethod
    def actions(self) -> ActionTable:
        """The reviewer words: each with its settings, the statuses it applies from and its
        handler (`mockserver/kit/actions.py`)."""

    @abstractmethod
    def matchers(self) -> MatcherTable:
        """The `when` keys of its rules (`mockserver/kit/matchers.py`)."""

    def webhook_policy(self) -> WebhookPolicy:
        return WebhookPolicy()

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        return ()

    def describe(self) -> dict[str, Any]:
        """What `GET /_mockserver/vendors` says about this vendor: each action word with its
        description and its settings (name -> JSON Schema), from which the `trigger` CLI
        builds its options."""
        vocabulary = self.vocabulary()
        words = self.actions().words
        bare = vocabulary.bare_words
        return {
            "name": self.name,
            "title": self.title,
            "path_prefixes": list(self.path_prefixes),
            "base_path": self.base_path,
            "hosts": [{"name": h.name, "title": h.title} for h in self.hosts],
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
            "waiting": list(self.waiting),
            "openapi": [doc.name for doc in self.openapi_documents()],
            "signatures": [s.name for s in self.webhook_policy().signatures],
        }

    @abstractmethod
    def routes(self) -> list[Route]: ...

    @abstractmethod
    def render_error(self, error: ApiError) -> web.Response: ...

    @abstractmethod
    def scenario_section(self) -> ScenarioSection:
        """This vendor's section of a scenario file: schema, parser, checks, default."""

    def default_section(self) -> Mapping[str, Any] | None:
        """What the embedded default scenario says in this vendor's section (None: nothing);
        declared as `ScenarioSection.default`, e.g. `section_file(__package__)` for the
        vendor folder's `default.yaml`."""
        return self.scenario_section().default

    def section_schema(self) -> dict[str, Any]:
        """JSON Schema for this vendor's section of a scenario file."""
        return dict(self.scenario_section().schema)

    def vocabulary(self) -> Vocabulary:
        """The scenario words, derived from the action and matcher tables."""
        actions, matchers = self.actions(), self.matchers()
        return Vocabulary(
            when=matchers.schemas(),
            actions=actions.schemas(),
            bare_words=actions.bare_words(),
            descriptions=actions.descriptions(),
        )

    def variants(self) -> tuple[Variant, ...]:
        """The places where this vendor's documents disagree, as named variants."""
        return ()

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        """Typed configuration from the (schema-valid) section; `ctx.fail` for semantic errors."""
        return self.scenario_section().parse(data, ctx)

    @abstractmethod
    def new_state(self, world: WorldView) -> VendorState: ...

    def check_section(self, data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
        """For `mockserver validate`: what a schema-valid section says that the vendor would
        refuse at run time (say, an answer the rule's response type cannot take), as
        `file:line:col: key: message` lines (`ctx.fail(path, message).problems`, not raised).
        The declared section's `check`, if any."""
        check = self.scenario_section().check
        return check(data, ctx) if check is not None else []

    def owns(self, request: web.Request) -> bool:
        """Whether a request the router did not match belongs to this vendor."""
        return any(request.path.startswith(p) for p in self.path_prefixes)

    def console_view(self) -> ConsoleView | None:
        """How the reviewer console shows this vendor's items (None: generically, by their
        summary, with no form)."""
        return None

    def drift_probes(self) -> ProbeSet | None:
        """What `mockserver drift` calls on the real service (None: no probes declared;
        a vendor returns its `drift_probes.PROBES`)."""
        return None
