"""A world: one isolated sandbox state (clock, journal, deliveries, rules, vendor stores).

The server holds one world per namespace (the default namespace is ""). Resetting a namespace
replaces its world with a fresh one built from the already-parsed scenario, which is what makes
per-test reset cheap. Nothing here knows any vendor: vendor stores are made by the vendors.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp

from mockserver.base.cleanup import Cleanup
from mockserver.base.errors import ApiError
from mockserver.base.ids import IdFactory
from mockserver.http.settings import Settings, clock_value
from mockserver.kit.variants import Selection, VariantRegistry, parse_assignments
from mockserver.records.changes import ChangeFeed, FeedingNotifier
from mockserver.records.clock import Clock, ClockMode
from mockserver.records.clockmodes import parse_clock
from mockserver.records.journal import Journal, JournalEntry
from mockserver.records.lenience import Lenience, LenienceReport
from mockserver.records.notifier import Notifier, WaitLimits
from mockserver.scenario.model import HttpFault, Reviewer, Scenario
from mockserver.scenario.rules import Engine
from mockserver.webhooks.dispatcher import Dispatcher

if TYPE_CHECKING:
    from mockserver.kit.vendor import Vendor, VendorState

log = logging.getLogger("mockserver.world")

FALLBACK_REVIEWER = Reviewer("65f1234567890abcdef12350", "Sandbox Reviewer", "reviewer@example.com")


class World:
    def __init__(
        self,
        scenario: Scenario,
        settings: Settings,
        vendors: Sequence[Vendor],
        session: Callable[[], aiohttp.ClientSession],
        namespace: str = "",
        feed: ChangeFeed | None = None,
        registry: VariantRegistry | None = None,
        logged: set[str] | None = None,
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.namespace = namespace
        self.closed = False  # reset or dropped: a call still running in it keeps nothing
        seed = settings.seed if settings.seed is not None else scenario.seed
        self.rng = random.Random(seed)
        self.ids = IdFactory(self.rng)
        mode, scale = _clock_mode(settings.clock, scenario)
        start = scenario.start if scenario.start is not None else float(int(time.time()))
        self.clock = Clock(start, mode, scale)
        self.notifier = Notifier() if feed is None else FeedingNotifier(feed)
        self.journal = Journal(settings.journal_cap, settings.journal_max_bytes)
        self.dispatcher = Dispatcher(
            self.clock,
            self.ids,
            self.notifier,
            session,
            settings.delivery_cap,
            scenario.webhook_faults,
            namespace=namespace,
            max_pending=settings.max_pending_deliveries,
        )
        # (after each scripted step: the notifier's own call, not `changed` calling it)
        self.engine = Engine(self.clock, namespace, self.notifier.item_changed)
        self.registry = registry or variant_registry(vendors)
        # Defaults, then --variant, then the scenario's `variants:` (both checked at load).
        self.variants: Selection = self.registry.selection(
            parse_assignments(settings.variant), scenario.variants
        )
        self.lenience = LenienceReport(logged)
        self._fault_hits: dict[int, int] = {}
        self.states: dict[str, VendorState[Any]] = {v.name: v.new_state(self) for v in vendors}

    def state(self, vendor: str) -> Any:
        return self.states[vendor]

    def changed(self, item: str | None = None) -> None:
        """Vendor stores call this after any change (naming the item changed, when one is),
        to wake the control-plane waits it concerns."""
        self.notifier.item_changed(item)

    def note_lenience(self, note: Lenience, entry: JournalEntry | None = None) -> None:
        """Record a lenience note (on the call's journal entry when there is one)."""
        if entry is not None:
            if entry.lenience is None:
                entry.lenience = []
            entry.lenience.append(note)
        self.lenience.add(note, entry)

    def reviewer(self, ref: str | None) -> Reviewer:
        """The reviewer a step names, or a seeded random one for None / 'random'; ValueError
        listing the scenario's reviewers when `ref` names nobody in it."""
        people = self.scenario.reviewers
        if ref and ref != "random":
            found = self.scenario.find_reviewer(ref)
            if found is not None:
                return found
            known = ", ".join(r.email for r in people) or "none"
            raise ValueError(f"unknown reviewer {ref!r} (the scenario's reviewers: {known})")
        return self.rng.choice(people) if people else FALLBACK_REVIEWER

    def http_fault(self, vendor: str, method: str, path: str) -> HttpFault | None:
        """The first scenario fault matching a call that has uses left, counting this use."""
        if not self.scenario.http_faults:
            return None
        for index, fault in enumerate(self.scenario.http_faults):
            if fault.vendor and fault.vendor != vendor:
                continue
            if fault.method and fault.method != method:
                continue
            if fault.path and not fnmatch.fnmatchcase(path, fault.path):
                continue
            used = self._fault_hits.get(index, 0)
            if fault.times is not None and used >= fault.times:
                continue
            self._fault_hits[index] = used + 1
            return fault
        return None

    def start(self) -> None:
        self.clock.start()

    def busy(self) -> bool:
        """Whether the world is in use though no call came lately: a wait is parked on it,
        or a timer is still to fire (a scripted step, a timeout, a webhook attempt)."""
        return self.notifier.parked > 0 or self.clock.has_pending()

    async def close(self, grace: float = 5.0) -> int:
        """Stop the clock, letting a firing timer (a webhook in flight) finish within `grace`
        seconds; deliveries still pending are recorded as abandoned. Returns that count.
        Waits on this namespace are answered at once."""
        self.closed = True
        self.notifier.close("the namespace was reset or dropped")
        deadline = time.monotonic() + grace
        try:
            await asyncio.wait_for(self.clock.quiesce(), grace)
        except TimeoutError:
            log.warning("namespace %r: a timer was still running at shutdown", self.namespace)
        await self.clock.stop()
        await self.dispatcher.drain(max(0.0, deadline - time.monotonic()))
        abandoned = self.dispatcher.abandon_pending()
        self.clock.drop_timers()
        return abandoned


def variant_registry(vendors: Sequence[Vendor]) -> VariantRegistry:
    """Every variant the vendors declare."""
    return VariantRegistry(v for vendor in vendors for v in vendor.variants)


def _clock_mode(override: str | None, scenario: Scenario) -> tuple[ClockMode, float]:
    if override:
        return parse_clock(clock_value(override))
    return scenario.clock, scenario.scale


class Worlds:
    """The worlds of every namespace, created on first use."""

    def __init__(
        self,
        scenario: Scenario,
        settings: Settings,
        vendors: Sequence[Vendor],
        session: Callable[[], aiohttp.ClientSession],
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.vendors = tuple(vendors)
        self._session = session
        self._worlds: dict[str, World] = {}
        self._scenarios: dict[str, Scenario] = {}
        # every world's changes, and namespaces made, reset or dropped; the waits' limits
        self.feed = ChangeFeed(WaitLimits(settings.namespace_waits, settings.max_waits))
        self.registry = variant_registry(self.vendors)
        self.registry.selection(parse_assignments(settings.variant))  # bad --variant: fail now
        self._logged: set[str] = set()  # lenience rules already logged by this server
        self._used: dict[str, float] = {}  # namespace -> when last used (monotonic seconds)
        self._cleanup = Cleanup()

    def get(self, namespace: str = "") -> World:
        """The namespace's world, created on first use: ApiError 503 when `max_namespaces`
        others exist and none has been idle for `namespace_idle` seconds."""
        world = self._worlds.get(namespace)
        if world is None:
            self._admit(namespace)
            scenario = self._scenarios.get(namespace, self.scenario)
            world = World(
                scenario,
                self.settings,
                self.vendors,
                self._session,
                namespace,
                self.feed,
                self.registry,
                self._logged,
            )
            world.start()
            self._worlds[namespace] = world
            self.feed.bump()
        if namespace:
            self._used[namespace] = time.monotonic()
        return world

    def _admit(self, namespace: str) -> None:
        """ApiError 503 when `namespace` is new and there is no room for it."""
        if namespace and namespace not in self._worlds and self._full():
            raise ApiError(
                503,
                f"Too many sandbox namespaces ({self.settings.max_namespaces}, "
                "MOCKSERVER_MAX_NAMESPACES): drop unused ones with DELETE "
                "/_mockserver/namespaces/NAME; one idle for "
                f"{self.settings.namespace_idle:g}s (no wait parked on it, no scripted step "
                "to come) is dropped to make room",
                code="too-many-namespaces",
            )

    def _full(self) -> bool:
        """Whether `max_namespaces` exist besides the default, once idle ones are dropped."""
        if len(self._worlds) - ("" in self._worlds) < self.settings.max_namespaces:
            return False
        cutoff = time.monotonic() - self.settings.namespace_idle
        for name in [n for n, at in self._used.items() if at < cutoff]:
            if (busy := self._worlds.get(name)) is not None and busy.busy():
                continue  # a wait is parked on it, or its scenario has steps still to run
            world = self._worlds.pop(name, None)
            self._scenarios.pop(name, None)
            del self._used[name]
            if world is not None:
                log.info("namespace %r dropped after %gs idle", name, self.settings.namespace_idle)
                self._cleanup.close(world)
                self.feed.bump()
        return len(self._worlds) - ("" in self._worlds) >= self.settings.max_namespaces

    def namespaces(self) -> list[str]:
        return sorted(self._worlds)

    def parked(self, namespace: str) -> int:
        """Long-poll waits parked in `namespace` now (0 for one not in use: never created)."""
        world = self._worlds.get(namespace)
        return world.notifier.parked if world is not None else 0

    def parked_all(self) -> int:
        """Long-poll waits parked in the whole sandbox now, the console's included."""
        return self.feed.limits.parked

    async def reset(self, namespace: str = "") -> World:
        old = self._worlds.pop(namespace, None)
        if old is not None:
            await old.close(grace=0.5)
            self._cleanup.collect_soon()
        return self.get(namespace)

    async def drop(self, namespace: str) -> bool:
        """Forget a namespace: its world and its scenario override. False if it had neither."""
        world = self._worlds.pop(namespace, None)
        override = self._scenarios.pop(namespace, None)
        self._used.pop(namespace, None)
        dropped = world is not None
        if world is not None:
            await world.close(grace=0.5)
            self._cleanup.collect_soon()
        self.feed.bump()
        return dropped or override is not None

    async def reset_all(self) -> None:
        for namespace in list(self._worlds):
            await self.reset(namespace)

    async def use_scenario(self, scenario: Scenario, namespace: str | None = None) -> None:
        """Make `scenario` current for one namespace (or, with None, the default for all) and
        reset what it affects."""
        if namespace is None:
            self.scenario = scenario
            self._scenarios.clear()
            for ns in list(self._worlds):
                await self.reset(ns)
        else:
            self._admit(namespace)  # refused: nothing of it is kept
            self._scenarios[namespace] = scenario
            try:
                await self.reset(namespace)
            except ApiError:  # the last room went to another namespace meanwhile
                if self._scenarios.get(namespace) is scenario:
                    del self._scenarios[namespace]
                raise

    def scenario_for(self, namespace: str) -> Scenario:
        return self._scenarios.get(namespace, self.scenario)

    async def close_all(self, grace: float = 5.0) -> int:
        """Close every namespace at once (so a stop takes `grace`, not `grace` per namespace)."""
        worlds = list(self._worlds.values())
        self._worlds.clear()
        return sum(await asyncio.gather(*(world.close(grace) for world in worlds)))
