"""What a vendor package provides to the vendor-neutral core.

A vendor is one folder under `mockserver/vendors/` holding its routes, validation, models, error
format and webhook shape, plus one line in `mockserver/registry.py`. The core calls a vendor only
through this interface: to build its routes, to render its errors, to parse its scenario section,
to make a fresh state store for each world, and to let a scripted or manual reviewer act.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

from mockserver.errors import ApiError
from mockserver.scenario.vocabulary import Vocabulary
from mockserver.variants import Variant

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


class VendorState:
    """A vendor's store for one world; a reset replaces it with a fresh one."""

    def items(self, status: str | None = None) -> list[dict[str, Any]]:
        """Reviewable items (requests, submissions, review tasks) for the control plane."""
        return []

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

    @abstractmethod
    def routes(self) -> list[Route]: ...

    @abstractmethod
    def render_error(self, error: ApiError) -> web.Response: ...

    @abstractmethod
    def section_schema(self) -> dict[str, Any]:
        """JSON Schema for this vendor's section of a scenario file."""

    def vocabulary(self) -> Vocabulary:
        return Vocabulary()

    def variants(self) -> tuple[Variant, ...]:
        """The places where this vendor's documents disagree, as named variants."""
        return ()

    @abstractmethod
    def parse_section(self, data: Mapping[str, Any] | None, ctx: SectionContext) -> Any:
        """Typed configuration from the (schema-valid) section; `ctx.fail` for semantic errors."""

    @abstractmethod
    def new_state(self, world: World) -> VendorState: ...

    def check_section(self, data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
        """For `mockserver validate`: what a schema-valid section says that the vendor would
        refuse at run time (say, an answer the rule's response type cannot take), as
        `file:line:col: key: message` lines (`ctx.fail(path, message).problems`, not raised).
        Default: the vendor package's `checks.check_section(data, ctx)` when the package has a
        `checks` module, else none."""
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
