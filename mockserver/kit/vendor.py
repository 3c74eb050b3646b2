"""What a vendor provides to the vendor-neutral core: one `Vendor` declaration, and its store.

A vendor is one folder under `mockserver/vendors/` and one line in `mockserver/registry.py`.
Its `vendor.py` declares a `Vendor`: data, not code (its tables, its files, its lifecycle), and
the core does the wiring: it builds the routes, renders errors in the vendor's body, derives
the scenario words and the section schema, answers a scripted `fail`, sends webhooks under the
vendor's name with its retry policy (`VendorState.webhooks`), fills the OpenAPI enums from the
lifecycle, and makes a fresh store for each world. Every field without a default is required
(mypy, and Python at the declaration, name a missing one); what a type cannot say is checked
when the vendor is registered (`mockserver/kit/contract.py`), with a message naming what is
wrong.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.actions import ActionTable
from mockserver.kit.lifecycle import Lifecycle
from mockserver.kit.matchers import MatcherTable
from mockserver.kit.outbox import Outbox
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
    """A vendor's section of a scenario file.

    `schema(words)`: its JSON Schema, given the vendor's scenario words (derived by the core
    from its tables and lifecycle; rule lists are `rules_schema(words, what)`); `parse(data,
    ctx)`: typed configuration from a schema-valid section (`ctx.fail` for semantic errors);
    `check(data, ctx)`: for `mockserver validate`, what a schema-valid section says that the
    vendor would refuse at run time, as `file:line:col: key: message` lines; `default`: the
    section the embedded default scenario gives this vendor (None: none).
    """

    schema: Callable[[Vocabulary], Mapping[str, Any]]
    parse: Callable[[Mapping[str, Any] | None, SectionContext], Any]
    check: Callable[[Mapping[str, Any], SectionContext], list[str]] | None = None
    default: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class WebhookPolicy:
    """How a vendor delivers: its retry schedule and timeout (what `VendorState.webhooks`
    applies to every send), and the signature schemes its deliveries may carry (the first is
    what the sandbox signs with by default; the pytest receiver tries each)."""

    retry: RetryPolicy = DEFAULT_POLICY
    signatures: tuple[Signature, ...] = ()


@dataclass(frozen=True)
class ErrorFormat:
    """A vendor's error body: `render(error)` answers an `ApiError` in the vendor's shape
    (status, body, headers); `message` is the path of keys at which a client reads the error's
    message in that body (`("msg",)`, `("error", "message")`). Registration renders a sample
    error and checks that its message is found there, so every error the core renders for the
    vendor (auth, 404, faults, bad bodies) says what went wrong where its clients look."""

    render: Callable[[ApiError], web.Response]
    message: tuple[str, ...] = ("message",)

    def message_of(self, body: Any) -> Any:
        """The message in an error body (None when the path is not there)."""
        for key in self.message:
            if not isinstance(body, dict):
                return None
            body = body.get(key)
        return body


@dataclass(frozen=True)
class KeyAuth:
    """How a client sends its API key (`Authorization: Bearer <key>`: header and scheme) and
    which key of the vendor's scenario section lists the keys accepted (`keys`; absent: any
    key). The cross-cutting tests, the image probe and `key~namespace` isolation read it."""

    header: str = "Authorization"
    scheme: str = "Bearer"
    keys: str = "keys"

    def headers(self, key: str) -> dict[str, str]:
        """The header a client sends with `key`."""
        return {self.header: f"{self.scheme} {key}".strip()}


@dataclass(frozen=True)
class SmokeCall:
    """One documented call that must answer 2xx with the default scenario and any key: the
    image probe (`tools/image-probe.sh`) sends it to a running image, on the main port and, for
    a call naming one of the vendor's `hosts` (sent as its `Host`), on that host's own port
    too. `body`: JSON (None: none); `expect`: a key the JSON answer has."""

    method: str
    path: str
    body: Any = None
    expect: str | None = None
    host: str | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "expect": self.expect,
            "host": self.host,
        }


@dataclass(frozen=True)
class ConsoleView:
    """How the reviewer console shows a vendor's items: an ES module in the vendor's folder
    (`mockserver/http/console/parts.js` says what it exports)."""

    package: str
    resource: str = "console.js"

    def read(self) -> bytes:
        return resources.files(self.package).joinpath(self.resource).read_bytes()


@dataclass(frozen=True)
class OpenApiDocument:
    """One OpenAPI description a vendor serves under `/_mockserver/openapi/{name}`: `package`
    and `resource` locate its YAML file; `lifecycle` fills its `x-lifecycle` enums."""

    name: str
    package: str
    resource: str
    lifecycle: Lifecycle | None = None


def fault_phrase(status: int) -> str:
    """What a scripted `fail` without a `message` says by default: the status's reason phrase."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Request failed"


C = TypeVar("C")


class VendorState(ABC, Generic[C]):
    """A vendor's store for one world; a reset replaces it with a fresh one.

    The core makes it (`Vendor.state(world, vendor)`) with what every store needs: `world` (what
    it sees of its world), `vendor` (its declaration), `lifecycle`, `cfg` (its section of the
    world's scenario, parsed), `problems` and `webhooks` (its `Outbox`: sends under its name,
    with its retry policy). A store's own `__init__` calls this one first. The core reaches its
    items only through the abstract methods (the `ItemStore` of `mockserver/kit/actions.py`).
    """

    def __init__(self, world: WorldView, vendor: Vendor) -> None:
        self.world = world
        self.vendor = vendor
        self.lifecycle = vendor.lifecycle
        self.cfg: C = world.scenario.section(vendor.name)
        self.problems: list[str] = []
        """Scripted steps that could not apply at run time (file:line and why)."""
        delivery = world.scenario.delivery
        self.webhooks = Outbox(world.dispatcher, vendor.name, vendor.webhooks.retry, delivery)

    @abstractmethod
    def find(self, item_id: str) -> Any | None:
        """The item an id names (None: no such item)."""

    @abstractmethod
    def all_items(self) -> Iterable[Any]:
        """Every item the control plane lists, oldest first."""

    @abstractmethod
    def status_of(self, item: Any) -> str:
        """An item's status (one of the vendor's lifecycle)."""

    @abstractmethod
    def summary(self, item: Any) -> str:
        """One line saying what the item is (the console and `trigger list` show it)."""

    @abstractmethod
    def item_json(self, item: Any) -> dict[str, Any]:
        """An item as the control plane and the reviewer console show it (the core adds its
        `status`, its `summary` and the `actions` it offers now)."""

    def changed(self, item_id: str) -> None:
        """Wake the waits on this item (the core calls it after every action and timer)."""
        self.world.changed(item_id)

    def scenario_problems(self) -> list[str]:
        return list(self.problems)


StateFactory = Callable[["WorldView", "Vendor"], VendorState[Any]]

DEFAULT_FAIL = "answer the call that brought the item in with an error status and/or latency"


@dataclass(frozen=True, kw_only=True, eq=False)
class Vendor:
    """A vendor, declared: what the core needs from it, as data.

    Required: `name` (lower case, the scenario section's key), `title`, `package` (the vendor's
    folder, `__package__`: its files are found there), `path_prefixes` (the paths it owns, so
    an unknown path under them answers in its error body), `lifecycle` (its statuses and
    events), `auth` (how clients send keys), `errors` (its error body), `routes`, `actions` (the
    reviewer words), `matchers` (the `when` keys), `section` (its scenario section), `state`
    (its store's class), `openapi` (its OpenAPI files in `package`: `openapi.yaml` is served as
    `<name>`, `openapi-<x>.yaml` as `<name>-<x>`) and `smoke` (the image probe's calls).
    """

    name: str
    title: str
    package: str
    path_prefixes: tuple[str, ...]
    lifecycle: Lifecycle
    auth: KeyAuth
    errors: ErrorFormat
    routes: Sequence[Route]
    actions: ActionTable
    matchers: MatcherTable
    section: ScenarioSection
    state: StateFactory
    openapi: tuple[str, ...]
    smoke: tuple[SmokeCall, ...]
    base_path: str = ""
    """What a client's base URL adds to the server's (`/v1` for a `{url}/v1` client)."""
    hosts: tuple[VendorHost, ...] = ()
    """The vendor's real hosts, each of which `--host-port` can serve on a port of its own."""
    webhooks: WebhookPolicy = field(default_factory=WebhookPolicy)
    console: str | None = None
    """Its reviewer-console view, a file in `package` (None: items shown by their summary)."""
    fail: str = DEFAULT_FAIL
    """What the core's `fail` step does for this vendor (its description in the schema)."""
    fault_message: Callable[[int], str] = fault_phrase
    """How the vendor words a scripted `fail` that gives no message, by status."""
    variants: tuple[Variant, ...] = ()
    """The places where this vendor's documents disagree, as named variants."""
    drift_probes: ProbeSet | None = None
    """What `mockserver drift` calls on the real service (None: no probes)."""

    # -- derived from the declaration ---------------------------------------------------------
    @property
    def statuses(self) -> tuple[str, ...]:
        """The statuses an item can have, in the order of its life."""
        return self.lifecycle.names

    @property
    def waiting(self) -> tuple[str, ...]:
        """The statuses in which an item waits for a reviewer (what `?status=waiting` lists)."""
        return self.lifecycle.waiting

    @functools.cached_property
    def words(self) -> Vocabulary:
        """The scenario words, derived from the action and matcher tables and the lifecycle."""
        return Vocabulary.of(
            self.actions, self.matchers, events=self.lifecycle.events, fail=self.fail
        )

    def vocabulary(self) -> Vocabulary:
        return self.words

    @functools.cached_property
    def _section_schema(self) -> Mapping[str, Any]:
        return self.section.schema(self.words)

    def section_schema(self) -> dict[str, Any]:
        """JSON Schema for this vendor's section of a scenario file (built once)."""
        return dict(self._section_schema)

    def default_section(self) -> Mapping[str, Any] | None:
        """What the embedded default scenario says in this vendor's section (None: nothing)."""
        return self.section.default

    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        """Typed configuration from the (schema-valid) section; `ctx.fail` for semantic errors."""
        return self.section.parse(data, ctx)

    def check_section(self, data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
        """For `mockserver validate`: what a schema-valid section says that the vendor would
        refuse at run time, as `file:line:col: key: message` lines."""
        check = self.section.check
        return check(data, ctx) if check is not None else []

    def render_error(self, error: ApiError) -> web.Response:
        return self.errors.render(error)

    def new_state(self, world: WorldView) -> VendorState[Any]:
        """A fresh store for one world."""
        return self.state(world, self)

    def owns(self, request: web.Request) -> bool:
        """Whether a request the router did not match belongs to this vendor."""
        return any(request.path.startswith(p) for p in self.path_prefixes)

    def openapi_documents(self) -> tuple[OpenApiDocument, ...]:
        """Its OpenAPI descriptions, named after their files."""
        return tuple(
            OpenApiDocument(openapi_name(self.name, f), self.package, f, self.lifecycle)
            for f in self.openapi
        )

    def console_view(self) -> ConsoleView | None:
        """How the reviewer console shows its items (None: generically, by their summary)."""
        return None if self.console is None else ConsoleView(self.package, self.console)

    def describe(self) -> dict[str, Any]:
        """What `GET /_mockserver/vendors` says about this vendor: each action word with its
        description and its settings (name -> JSON Schema), from which the `trigger` CLI
        builds its options; its lifecycle; how a client sends its key; the image probe's calls."""
        words = self.words
        return {
            "name": self.name,
            "title": self.title,
            "path_prefixes": list(self.path_prefixes),
            "base_path": self.base_path,
            "hosts": [{"name": h.name, "title": h.title} for h in self.hosts],
            "actions": [
                {
                    "word": word,
                    "bare": word in words.bare_words,
                    "description": words.descriptions.get(word, word),
                    "settings": dict(words.actions.get(word, {})),
                }
                for word in self.actions.words
            ],
            "statuses": list(self.statuses),
            "waiting": list(self.waiting),
            "lifecycle": [
                {
                    "status": s.name,
                    "description": s.description,
                    "waiting": s.waiting,
                    "final": s.final,
                    "event": s.event,
                }
                for s in self.lifecycle
            ],
            "events": list(self.lifecycle.events),
            "auth": {"header": self.auth.header, "scheme": self.auth.scheme},
            "error_message": list(self.errors.message),
            "openapi": [doc.name for doc in self.openapi_documents()],
            "signatures": [s.name for s in self.webhooks.signatures],
            "smoke": [call.describe() for call in self.smoke],
        }


def openapi_name(vendor: str, resource: str) -> str:
    """The name a vendor's OpenAPI file is served under: `openapi.yaml` as the vendor's name,
    `openapi-<x>.yaml` as `<vendor>-<x>`."""
    stem = resource.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    suffix = stem.removeprefix("openapi").removeprefix("-")
    return f"{vendor}-{suffix}" if suffix else vendor
