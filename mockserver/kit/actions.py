"""Reviewer actions: what a vendor declares once, and what the core derives from it.

A vendor lists its reviewer words in an `ActionTable`: each `Action` has its JSON Schema, the
item statuses it applies from and a handler. From that one table the core builds the scenario
vocabulary (schema, bare words, descriptions), the control plane's `act`, the `actions` listed
on each item, and the "step skipped" problems a scripted step that no longer applies leaves.

The table reaches items through what every vendor state has (see `ItemStore`): `find(id)`,
`all_items()`, `status_of(item)`, `summary(item)`, `item_json(item)`, `changed(id)`, the list
`problems` and the vendor's `lifecycle` (an action may apply from a phase of it, `WAITING`,
rather than from listed statuses, and so follows a status added to the lifecycle).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mockserver.base.errors import ApiError
from mockserver.kit.lifecycle import Lifecycle, Phase
from mockserver.scenario.steps import Step

log = logging.getLogger("mockserver.scenario")

# Every core-level word; `fail` answers the submission itself and is no reviewer action.
CORE_WORDS = frozenset({"fail"})


class ItemStore(Protocol):
    """What the core needs from a vendor's state to run its actions."""

    problems: list[str]
    lifecycle: Lifecycle

    def find(self, item_id: str) -> Any | None: ...

    def all_items(self) -> Iterable[Any]:
        """Every item the control plane lists, oldest first."""
        ...

    def status_of(self, item: Any) -> str: ...

    def summary(self, item: Any) -> str: ...

    def item_json(self, item: Any) -> dict[str, Any]: ...

    def changed(self, item_id: str) -> None: ...


_FIRST = ("id", "kind")  # an item's fields begin with these, then its status and summary

Handle = Callable[[Any, Any, Step], None]
"""`handler(state, item, step)`: do it now, or raise ApiError/ValueError saying why not."""


@dataclass(frozen=True)
class Action:
    """One reviewer word.

    `schema`: JSON Schema properties of its settings (the core adds `after` and `by`).
    `applies_from`: item statuses it applies from, listed or as a phase of the vendor's
    lifecycle (`WAITING`); None: any (the handler may still refuse).
    `refusal(item, status)`: the message when it does not apply (default: a generic one).
    `bare`: it may be written as the plain word (`timeout`).
    `find(state, id)`: another way to reach its target (HITL's `join` takes a loop).
    `result(state, target)`: what the control plane answers (default: the item's JSON).
    `listed`: whether items offer it in their `actions` (False for a word aimed elsewhere).
    `missing(id)`: the 404 message when nothing answers to the id (default: the table's).
    """

    word: str
    description: str
    handler: Handle
    schema: Mapping[str, Any] = field(default_factory=dict)
    applies_from: frozenset[str] | Phase | None = None
    refusal: Callable[[Any, str], str] | None = None
    bare: bool = True
    find: Callable[[Any, str], Any | None] | None = None
    result: Callable[[Any, Any], dict[str, Any]] | None = None
    listed: bool = True
    missing: Callable[[str], str] | None = None

    def allowed(self, lifecycle: Lifecycle) -> frozenset[str] | None:
        """The statuses it applies from in `lifecycle` (None: any)."""
        wanted = self.applies_from
        return wanted.of(lifecycle) if isinstance(wanted, Phase) else wanted

    def applies(self, status: str, lifecycle: Lifecycle) -> bool:
        allowed = self.allowed(lifecycle)
        return allowed is None or status in allowed

    def refuse(self, item: Any, status: str, lifecycle: Lifecycle) -> str:
        if self.refusal is not None:
            return self.refusal(item, status)
        allowed = ", ".join(sorted(self.allowed(lifecycle) or ()))
        return f"{self.word} applies to items that are {allowed}; this one is {status}"


class ActionTable:
    """A vendor's reviewer words, in the order its documentation lists them.

    `kind` names an item in messages ("request", "task"); `missing(id)` is the message of the
    404 the control plane answers for an unknown id.
    """

    def __init__(
        self,
        actions: Iterable[Action],
        *,
        kind: str = "item",
        missing: Callable[[str], str] | None = None,
    ) -> None:
        self._actions = {a.word: a for a in actions}
        clash = CORE_WORDS & set(self._actions)
        if clash:
            raise ValueError(f"{', '.join(sorted(clash))} is a core word, not a vendor action")
        self.kind = kind
        # word -> (the lifecycle it was worked out for, the statuses it applies from)
        self._allowed: dict[str, tuple[Lifecycle, frozenset[str] | None]] = {}
        self._given_missing = missing
        self._missing = missing or (lambda item_id: f"no {kind} {item_id!r}")

    def adding(self, *actions: Action) -> ActionTable:
        """This table with more words (a derived vendor's)."""
        return ActionTable([*self, *actions], kind=self.kind, missing=self._given_missing)

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions.values())

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self._actions)

    # -- what the scenario format derives ------------------------------------------------------
    def schemas(self) -> dict[str, dict[str, Any]]:
        return {a.word: dict(a.schema) for a in self}

    def bare_words(self) -> frozenset[str]:
        return frozenset(a.word for a in self if a.bare)

    def descriptions(self) -> dict[str, str]:
        return {a.word: a.description for a in self}

    # -- what the control plane and the console derive ----------------------------------------
    def available(self, status: str, lifecycle: Lifecycle) -> list[str]:
        """The words an item in `status` offers (what the console shows as buttons)."""
        return [a.word for a in self if a.listed and a.applies(status, lifecycle)]

    def describe(self, state: ItemStore, item: Any) -> dict[str, Any]:
        """An item for the control plane: the vendor's JSON, its status and summary, and the
        actions it offers now."""
        status = state.status_of(item)
        shown = state.item_json(item)  # the vendor's: read, not changed
        described = {key: shown[key] for key in _FIRST if key in shown}
        described["status"] = status
        described["summary"] = state.summary(item)
        described.update((key, value) for key, value in shown.items() if key not in described)
        described["actions"] = self.available(status, state.lifecycle)
        return described

    def items(
        self, state: ItemStore, statuses: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every item described (only those in one of `statuses`, when given), oldest first."""
        return [
            self.describe(state, item)
            for item in state.all_items()
            if statuses is None or state.status_of(item) in statuses
        ]

    @staticmethod
    def status(state: ItemStore, item_id: str) -> str | None:
        """The status of the item `item_id` names; None when there is no such item."""
        item = state.find(item_id)
        return None if item is None else state.status_of(item)

    # -- running a word -----------------------------------------------------------------------
    def _target(self, state: ItemStore, action: Action, item_id: str) -> tuple[Any, bool]:
        """The item (or, for a word with its own `find`, its other target) and whether it is
        an item, whose status then decides whether the word applies."""
        item = state.find(item_id)
        if item is None and action.find is not None:
            return action.find(state, item_id), False
        return item, item is not None

    def _run(
        self, state: ItemStore, action: Action, target: Any, is_item: bool, step: Step
    ) -> None:
        """Check that the word applies to the item (ApiError 400 when not), then do it."""
        if is_item:
            status = state.status_of(target)
            lifecycle = state.lifecycle
            kept = self._allowed.get(action.word)
            if kept is None or kept[0] is not lifecycle:
                kept = self._remember(action, lifecycle)
            allowed = kept[1]
            if allowed is not None and status not in allowed:
                raise ApiError(400, action.refuse(target, status, lifecycle))
        action.handler(state, target, step)

    def _remember(
        self, action: Action, lifecycle: Lifecycle
    ) -> tuple[Lifecycle, frozenset[str] | None]:
        """The statuses `action` applies from in `lifecycle`, worked out once, not per step."""
        kept = self._allowed[action.word] = (lifecycle, action.allowed(lifecycle))
        return kept

    async def act(self, state: ItemStore, item_id: str, step: Step) -> dict[str, Any]:
        """The control plane's `act`: 404 for an unknown item, 400 when the word does not apply
        (ValueError from the handler becomes a 400 too); answers the item as it is now."""
        action = self._actions.get(step.word)
        if action is None and step.word in CORE_WORDS:  # `fail` answers the arriving call
            if state.find(item_id) is None:
                raise ApiError(404, self._missing(item_id))
            raise ApiError(400, f"`{step.word}` applies only when a {self.kind} arrives")
        if action is None:
            raise ApiError(400, f"unknown action {step.word!r} (actions: {', '.join(self.words)})")
        target, is_item = self._target(state, action, item_id)
        if target is None:
            raise ApiError(404, (action.missing or self._missing)(item_id))
        try:
            self._run(state, action, target, is_item, step)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        state.changed(item_id)
        if action.result is not None:
            return action.result(state, target)
        return self.describe(state, target)

    def perform(self, state: ItemStore, item_id: str, step: Step) -> None:
        """Run a scripted step now (the engine calls it, then wakes the item's waits). An item
        gone is ignored; a step that no longer applies is skipped and noted in `state.problems`
        as `where: word on kind id: why`."""
        action = self._actions.get(step.word)
        if action is None:
            return  # `fail` (core) or a word the schema let through for another vendor
        target = state.find(item_id)  # (as `_target`, inlined: called per step)
        is_item = target is not None
        if target is None:
            if action.find is None:
                return
            target = action.find(state, item_id)
            if target is None:
                return
        try:
            self._run(state, action, target, is_item, step)
        except (ApiError, ValueError) as exc:
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            note = f"{step.where}: {step.word} on {self.kind} {item_id}: {message}"
            state.problems.append(note)
            log.warning("scenario step skipped: %s", note)
        # no `state.changed` here: the engine that ran this step wakes the item's waits

    def performer(
        self, state: ItemStore, guard: Callable[[], bool] | None = None
    ) -> Callable[[str, Step], None]:
        """What the engine calls for each scripted step (`perform(item_id, step)`) of `state`'s
        items: kept once per state, no closure per item. `guard()` False skips the step
        silently (say, the review round it was scripted for is over)."""
        if guard is None:
            return functools.partial(self.perform, state)

        def perform(item_id: str, step: Step) -> None:
            if guard():
                self.perform(state, item_id, step)

        return perform
