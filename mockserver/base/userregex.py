"""Regular expressions written in scenarios (`text_matches`, `matches`, `url_matches`, ...),
matched against client text in time linear in its size.

A QA engineer's pattern runs on every call's text, so a backtracking engine would let one
pattern such as `(a+)+$` freeze the sandbox for every tenant on a 30-character text. These
patterns are compiled with RE2 (https://github.com/google/re2/wiki/Syntax), whose matching
time is linear in the text whatever the pattern: the syntax QA writes for content matching
(literals, alternations, classes, `\\d`, `\\b`, `(?i)`, repetitions, groups, anchors) is the
same; lookarounds and backreferences, which no linear-time engine can run, are refused when
the scenario loads, with its file, line and key. `\\w`, `\\d` and `\\b` are ASCII in RE2:
`\\pL` matches a letter of any script.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the scenario's author, not logged


class UserRegexError(ValueError):
    """A pattern RE2 cannot compile; the message says why, in one line."""


@dataclass(frozen=True, eq=False)
class UserPattern:
    """A compiled scenario pattern: `search(text)` says whether it occurs in `text`."""

    pattern: str
    _compiled: Any

    def search(self, text: str) -> bool:
        try:
            return self._compiled.search(text) is not None
        except UnicodeEncodeError:  # a surrogate that reached the text some other way
            return self._compiled.search(text.encode("utf-8", "replace").decode()) is not None


@functools.lru_cache(maxsize=1024)
def compile_user_pattern(pattern: str) -> UserPattern:
    """The pattern compiled (cached: matchers compile on use), or UserRegexError."""
    try:
        return UserPattern(pattern, re2.compile(pattern, _OPTIONS))
    except re2.error as exc:
        raise UserRegexError(_reason(exc)) from None
    except (UnicodeError, TypeError, ValueError) as exc:
        raise UserRegexError(str(exc)) from None


def literal(text: str, *, ignore_case: bool = False) -> UserPattern:
    """A pattern that finds `text` as written (`contains`, `url_contains`)."""
    return compile_user_pattern(("(?i)" if ignore_case else "") + re2.escape(text))


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else exc
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if any(f"invalid perl operator: (?{c}" in text for c in "<=!"):
        return f"{text} (lookarounds are not supported: patterns match in linear time, RE2)"
    if "invalid escape sequence: \\" in text and text[-1:].isdigit():
        return f"{text} (backreferences are not supported: patterns match in linear time, RE2)"
    return text
