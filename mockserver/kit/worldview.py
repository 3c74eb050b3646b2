"""What a vendor sees of the world it runs in, and how a vendor's handler reaches it.

A world (`mockserver/http/world.py`) is one namespace's sandbox: its clock, scenario engine,
webhook dispatcher, variants and the stores of every vendor. A vendor's store and handlers see
it only through `WorldView`, the part they use, so the kit and the vendors depend on no module
of the server above them: the server's `World` has all of it, and mypy checks that it does
wherever the server hands a world to a vendor (`Vendor.new_state(world)`).

A vendor's handler finds the world of its call with `world_of(request)`, set by the server's
middleware before the handler runs; `note_lenience(request, note)` records what the call got
that the real service would refuse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

if TYPE_CHECKING:
    import random

    from mockserver.base.ids import IdFactory
    from mockserver.kit.variants import Selection
    from mockserver.records.clock import Clock
    from mockserver.records.journal import JournalEntry
    from mockserver.records.lenience import Lenience
    from mockserver.scenario.model import Reviewer, Scenario
    from mockserver.scenario.rules import Engine
    from mockserver.webhooks.dispatcher import Dispatcher


class VendorSettings(Protocol):
    """The server settings a vendor reads."""

    @property
    def strict(self) -> bool:
        """`--strict`: refuse every convenience with the vendor's documented answer."""
        ...

    @property
    def rate_limit(self) -> int:
        """Calls per key per hour before the vendor's rate-limit answer."""
        ...


class WorldView(Protocol):
    """One namespace's world, as a vendor's store and handlers use it."""

    @property
    def namespace(self) -> str: ...

    @property
    def settings(self) -> VendorSettings: ...

    @property
    def scenario(self) -> Scenario:
        """The scenario this world was built from (each vendor's parsed section in it)."""
        ...

    @property
    def clock(self) -> Clock: ...

    @property
    def ids(self) -> IdFactory: ...

    @property
    def rng(self) -> random.Random:
        """The world's one seeded random source."""
        ...

    @property
    def engine(self) -> Engine:
        """The scenario engine: `choose` a rule, `schedule` its steps, `cancel` them."""
        ...

    @property
    def dispatcher(self) -> Dispatcher:
        """Webhook delivery, the core's: a vendor sends through its store's `webhooks` (an
        `Outbox`, `mockserver/kit/outbox.py`), which adds its name and its retry policy."""
        ...

    @property
    def variants(self) -> Selection:
        """The documented form chosen for every variant in this world."""
        ...

    def state(self, vendor: str) -> Any:
        """A vendor's store in this world (a handler asks for its own vendor's)."""
        ...

    def changed(self, item: str | None = None) -> None:
        """Wake the control-plane waits on an item (or on any item)."""
        ...

    def reviewer(self, ref: str | None) -> Reviewer:
        """The reviewer a step names, or a seeded random one for None / 'random'."""
        ...

    def note_lenience(self, note: Lenience, entry: JournalEntry | None = None) -> None: ...


WORLD: web.RequestKey[WorldView] = web.RequestKey("mockserver.world")
ENTRY: web.RequestKey[JournalEntry] = web.RequestKey("mockserver.entry")
SERVED_HOST: web.RequestKey[str] = web.RequestKey("mockserver.served_host")


def world_of(request: web.Request) -> WorldView:
    """The world the current vendor call runs in (set by the server's middleware)."""
    return request[WORLD]


def served_host(request: web.Request) -> str | None:
    """The declared host whose own port a vendor call arrived on (`--host-port`), else None
    (the main port, which serves every vendor)."""
    return request.get(SERVED_HOST)


def note_lenience(request: web.Request, note: Lenience) -> None:
    """Record that this vendor call got something the real service would refuse or not do."""
    request[WORLD].note_lenience(note, request.get(ENTRY))
