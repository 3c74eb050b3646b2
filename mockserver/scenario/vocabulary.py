"""The words a vendor adds to the shared rule format: matcher keys, action words, events.

A vendor does not write this by hand: the core derives it with `Vocabulary.of(actions,
matchers, events=..., fail=...)` from the vendor's action and matcher tables
(`mockserver/kit/actions.py`, `mockserver/kit/matchers.py`) and its lifecycle's events
(`mockserver/kit/lifecycle.py`), and hands it to the vendor's section schema
(`ScenarioSection.schema(words)`), which builds its rule lists with `rules_schema(words, ...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class ActionWords(Protocol):
    """What an action table gives the vocabulary (`mockserver.kit.actions.ActionTable`)."""

    def schemas(self) -> dict[str, dict[str, Any]]: ...

    def bare_words(self) -> frozenset[str]: ...

    def descriptions(self) -> dict[str, str]: ...


class MatcherKeys(Protocol):
    """What a matcher table gives the vocabulary (`mockserver.kit.matchers.MatcherTable`)."""

    def schemas(self) -> dict[str, dict[str, Any]]: ...


@dataclass(frozen=True)
class Vocabulary:
    """`when` maps each matcher key to the JSON Schema of its value; `actions` maps each action
    word to the JSON Schema of its own properties (the core adds `after` and `by` to every
    action); `bare_words` are actions that may be written as a plain word, like `timeout`;
    `descriptions` says what each word does (`fail`, the core's word, included); `events` are
    the webhook events the vendor sends (what a section's event filters may name)."""

    when: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    actions: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    bare_words: frozenset[str] = frozenset()
    descriptions: Mapping[str, str] = field(default_factory=dict)
    events: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        actions: ActionWords,
        matchers: MatcherKeys,
        *,
        events: tuple[str, ...] = (),
        fail: str | None = None,
    ) -> Vocabulary:
        """The words of a vendor's tables; `fail`: what the core's `fail` does for this
        vendor (its description in the schema)."""
        descriptions = actions.descriptions()
        if fail is not None:
            descriptions = {**descriptions, "fail": fail}
        return cls(
            when=matchers.schemas(),
            actions=actions.schemas(),
            bare_words=actions.bare_words(),
            descriptions=descriptions,
            events=events,
        )
