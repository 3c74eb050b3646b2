"""The words a vendor adds to the shared rule format: matcher keys and action words.

A vendor does not write this by hand: `Vocabulary.of(actions, matchers)` builds it from the
vendor's action and matcher tables (`mockserver/kit/actions.py`, `mockserver/kit/matchers.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Vocabulary:
    """`when` maps each matcher key to the JSON Schema of its value; `actions` maps each action
    word to the JSON Schema of its own properties (the core adds `after` and `by` to every
    action); `bare_words` are actions that may be written as a plain word, like `timeout`."""

    when: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    actions: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    bare_words: frozenset[str] = frozenset()
    descriptions: Mapping[str, str] = field(default_factory=dict)
