"""A vendor's item statuses and the webhook events they send, declared once.

A vendor lists its statuses in a `Lifecycle`, in the order of an item's life:

    LIFECYCLE = Lifecycle(
        Status("pending", "waits for a reviewer", waiting=True),
        Status("claimed", "a reviewer has it", waiting=True, event="request.claimed"),
        Status("completed", "answered", final=True, event="request.completed"),
    )

Everything else is derived from it: the vendor's `statuses` and `waiting` (what the control
plane's `?status=waiting` and the reviewer console read), which statuses are open or final, a
rank for sorting by status (declaration order unless a `rank` is given), the webhook event names
(each status's `event`, then `extra_events` no status sends), the enums of the vendor's OpenAPI
description (a schema node written `x-lifecycle: statuses` gets `enum: [...]` when the
description is loaded; see `fill`), and the action words' `applies_from=WAITING`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Which = Literal["statuses", "waiting", "open", "final", "events"]
MARKER: Final = "x-lifecycle"
"""The OpenAPI extension key a vendor's description uses where an enum derives from its
lifecycle (`x-lifecycle: waiting`); `fill` replaces it with the `enum`."""
KINDS: Final[tuple[Which, ...]] = ("statuses", "waiting", "open", "final", "events")


@dataclass(frozen=True)
class Status:
    """One status an item can have.

    `waiting`: the item waits for a reviewer in it (what `?status=waiting` lists and the
    reviewer console offers a form for). `final`: nothing changes an item in it any more.
    `event`: the webhook event an item entering it sends (None: none). `rank`: its place when
    items are sorted by status (default: its place in the declaration).
    """

    name: str
    description: str = ""
    waiting: bool = False
    final: bool = False
    event: str | None = None
    rank: int | None = None


@dataclass(frozen=True)
class Phase:
    """A set of statuses named by what they are rather than listed (`WAITING`, `OPEN`,
    `FINAL`): an action that `applies_from=WAITING` follows a status added to the lifecycle."""

    which: Which

    def of(self, lifecycle: Lifecycle) -> frozenset[str]:
        return frozenset(lifecycle.enum(self.which))


WAITING: Final = Phase("waiting")
OPEN: Final = Phase("open")
FINAL: Final = Phase("final")


@dataclass(frozen=True, init=False)
class Lifecycle:
    """A vendor's statuses, in the order of an item's life, and the events they send."""

    statuses: tuple[Status, ...]
    extra_events: tuple[str, ...] = ()
    _rank: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __init__(self, *statuses: Status, extra_events: tuple[str, ...] = ()) -> None:
        names = [s.name for s in statuses]
        problems = []
        if not statuses:
            problems.append("no statuses")
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"status {name!r} is declared twice")
        problems += [
            f"status {s.name!r} is both waiting and final"
            for s in statuses
            if s.waiting and s.final
        ]
        if problems:
            raise ValueError("invalid lifecycle: " + "; ".join(problems))
        object.__setattr__(self, "statuses", tuple(statuses))
        object.__setattr__(self, "extra_events", tuple(extra_events))
        ranks = {s.name: s.rank if s.rank is not None else i for i, s in enumerate(statuses)}
        object.__setattr__(self, "_rank", ranks)

    def __iter__(self) -> Iterator[Status]:
        return iter(self.statuses)

    @property
    def names(self) -> tuple[str, ...]:
        """Every status, in the order of an item's life."""
        return tuple(s.name for s in self.statuses)

    @property
    def waiting(self) -> tuple[str, ...]:
        """The statuses in which an item waits for a reviewer."""
        return tuple(s.name for s in self.statuses if s.waiting)

    @property
    def open(self) -> tuple[str, ...]:
        """The statuses that are not final (an item in them may still change)."""
        return tuple(s.name for s in self.statuses if not s.final)

    @property
    def final(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.statuses if s.final)

    @property
    def events(self) -> tuple[str, ...]:
        """Every webhook event the vendor sends: each status's (once), then the extra ones."""
        events = (*(s.event for s in self.statuses if s.event), *self.extra_events)
        return tuple(dict.fromkeys(events))

    @property
    def rank(self) -> Mapping[str, int]:
        """Each status's place when sorting by status."""
        return self._rank

    def status(self, name: str) -> Status:
        """The status called `name`; KeyError naming the declared ones otherwise."""
        for status in self.statuses:
            if status.name == name:
                return status
        raise KeyError(f"no status {name!r} (statuses: {', '.join(self.names)})")

    def event_of(self, name: str) -> str | None:
        """The event an item entering status `name` sends (None: none)."""
        return self.status(name).event

    def enum(self, which: Which) -> list[str]:
        """The names an OpenAPI enum or a schema lists: `statuses`, `waiting`, `open`,
        `final` or `events`."""
        if which not in KINDS:
            raise ValueError(f"{MARKER}: {which!r} is not one of {', '.join(KINDS)}")
        return list(self.names if which == "statuses" else getattr(self, which))

    def adding(self, status: Status, *, after: str | None = None) -> Lifecycle:
        """This lifecycle with one more status (after `after`, else last): how a derived
        vendor extends one."""
        statuses = list(self.statuses)
        at = len(statuses) if after is None else self.names.index(after) + 1
        statuses.insert(at, status)
        return Lifecycle(*statuses, extra_events=self.extra_events)

    def fill(self, node: Any) -> Any:
        """`node` (an OpenAPI description, parsed) with every `x-lifecycle: <which>` replaced by
        `enum: [...]` from this lifecycle (in place; returned for chaining). ValueError naming
        the path of a marker that names no kind."""
        self._fill(node, "")
        return node

    def _fill(self, node: Any, where: str) -> None:
        if isinstance(node, dict):
            if MARKER in node:
                which = node.pop(MARKER)
                try:
                    node["enum"] = self.enum(which)
                except ValueError as exc:
                    raise ValueError(f"{where or '/'}: {exc}") from None
            for key, value in node.items():
                self._fill(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                self._fill(item, f"{where}/{index}")


def markers(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """(path, kind) of every `x-lifecycle` marker under `node` (for checks and tests)."""
    if isinstance(node, dict):
        if MARKER in node:
            yield where or "/", node[MARKER]
        for key, value in node.items():
            yield from markers(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from markers(item, f"{where}/{index}")
