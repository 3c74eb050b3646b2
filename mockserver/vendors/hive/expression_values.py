"""What the names and values of a Hive rule condition mean: the environment a condition is
evaluated against, truthiness, comparison and metadata lookup (the parser is `expressions.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar


@dataclass(frozen=True)
class Env:
    """What a condition is evaluated against: one analysis result plus the request metadata."""

    scores: Mapping[str, float] = field(default_factory=dict)
    # Classes that count as present for a bare class name; None means "score > 0".
    present: frozenset[str] | None = None
    pii: Mapping[str, int] = field(default_factory=dict)  # kind ("phone", "email") -> count
    text_filters: Mapping[str, int] = field(default_factory=dict)  # filter type -> count
    urls: int = 0
    content: Mapping[str, object] = field(default_factory=dict)
    user: Mapping[str, object] = field(default_factory=dict)


Getter = Callable[[Env], object]


@dataclass(frozen=True)
class Node:
    """One parsed sub-expression: its value, and whether it holds as a bare condition."""

    value: Getter
    truthy: Callable[[Env], bool]


def is_truthy(value: object) -> bool:
    """Whether a value holds as a bare condition; the strings "false", "0", "no" do not."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "null", "none")
    return bool(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coerce(value: object, other: object) -> object:
    """Metadata sent as form fields arrives as strings: read "3" as 3 and "true" as true when
    the other side is a number or a boolean."""
    if not isinstance(value, str):
        return value
    if isinstance(other, bool):
        lowered = value.strip().lower()
        return {"true": True, "false": False}.get(lowered, value)
    if _is_number(other):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def compare(op: str, left: object, right: object) -> bool:
    """`left <op> right`; ordering values of different kinds (or a missing one) never holds."""
    left, right = _coerce(left, right), _coerce(right, left)
    if op in ("==", "!="):
        # true is not 1: a boolean only equals a boolean
        equal = isinstance(left, bool) == isinstance(right, bool) and left == right
        return equal if op == "==" else not equal
    if _is_number(left) and _is_number(right):
        return _order(op, float(str(left)), float(str(right)))
    if isinstance(left, str) and isinstance(right, str):
        return _order(op, left, right)
    return False  # ordering a missing value, a boolean or mixed types never holds


_Ordered = TypeVar("_Ordered", float, str)


def _order(op: str, left: _Ordered, right: _Ordered) -> bool:
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left < right


def lookup(data: Mapping[str, object], path: list[str]) -> object:
    """A nested metadata value (`user.profile.age`), or None when any key is missing."""
    current: object = data
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def constant(value: object) -> Node:
    """A literal: its own value, truthy as `is_truthy` says."""
    return Node(lambda env: value, lambda env: is_truthy(value))
