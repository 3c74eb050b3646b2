"""The parsed shape of scripted reviewer behaviour: steps, rules and rule sets (pure data).

Every vendor's rules share this shape; `rules.py` parses and plays them, vendors only read them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MANUAL = "control plane"
"""The `where` of a step sent through the control plane (`act`) rather than scripted."""


@dataclass(frozen=True)
class Step:
    """One scripted action: `word` with its arguments, `after` seconds after the previous."""

    word: str
    args: Mapping[str, Any] = field(default_factory=dict)
    after: float = 0.0
    by: str | None = None
    where: str = ""

    @property
    def manual(self) -> bool:
        """Whether a person sent this step through the control plane (not a scenario)."""
        return self.where == MANUAL


@dataclass(frozen=True)
class Rule:
    when: Mapping[str, Any]
    steps: tuple[Step, ...]
    first: int | None = None
    otherwise: bool = False
    where: str = ""

    @functools.cached_property  # read for every arriving item
    def fault(self) -> Step | None:
        """The `fail` step that answers the submission itself, if the rule starts with one."""
        return next((s for s in self.steps if s.word == "fail"), None)


@dataclass(frozen=True)
class RuleSet:
    name: str
    rules: tuple[Rule, ...] = ()

    @functools.cached_property  # read for every arriving item
    def asks(self) -> bool:
        """Whether any rule has a `when`: without one, choosing a rule reads nothing of the
        item (a vendor need not make what its matchers would read)."""
        return any(rule.when for rule in self.rules)
