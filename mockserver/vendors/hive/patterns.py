"""Hive's pattern-matching side of text moderation: PII entities, URLs and deny-list filters.

Every match is a `Span` with Hive's item shape `{value, start_index, end_index, type}`, indices
into the submitted text with `end_index` exclusive
(https://docs.thehive.ai/reference/text-moderation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

PHONE_TYPE: Final = "U.S. Phone Number"
EMAIL_TYPE: Final = "Email Address"
URL_TYPE: Final = "URL"
PROFANITY_TYPE: Final = "profanity"

# Hive's PII `type` string -> the short kind used in rule conditions (`pii.phone`).
PII_KIND: Final[dict[str, str]] = {PHONE_TYPE: "phone", EMAIL_TYPE: "email"}

# US numbers written with separators: 546-855-5512, (546) 855-5512, +1 546.855.5512.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)",
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)",
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"]}>"


@dataclass(frozen=True, order=True)
class Span:
    """One pattern match in a text; `end_index` is exclusive."""

    start_index: int
    end_index: int
    value: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        """The item as Hive reports it."""
        return {
            "value": self.value,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "type": self.type,
        }


def deny_pattern(value: str) -> re.Pattern[str]:
    """How a deny-list entry matches: case-insensitively, as whole words, any run of spaces."""
    words = (re.escape(word) for word in value.split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def find_pii(text: str) -> tuple[Span, ...]:
    """US phone numbers and e-mail addresses, in text order."""
    found = [_span(m, PHONE_TYPE) for m in _PHONE.finditer(text)]
    found += [_span(m, EMAIL_TYPE) for m in _EMAIL.finditer(text)]
    return tuple(sorted(found))


def find_urls(text: str) -> tuple[Span, ...]:
    """Links starting with http(s):// or www., without trailing punctuation."""
    spans: list[Span] = []
    for match in _URL.finditer(text):
        value = match.group()
        value = value[: _url_end(value)]
        if value.lower() in ("http://", "https://", "www."):
            continue
        spans.append(Span(match.start(), match.start() + len(value), value, URL_TYPE))
    return tuple(spans)


def _url_end(value: str) -> int:
    """Where a link ends once trailing punctuation is dropped: `.,;:!?'"]}>` always, and `)`
    while the link has more `)` than `(` (so `(see http://a/b_(c))` keeps its own bracket).
    One pass from the end, with the bracket counts taken once: linear in the match."""
    opens, closes = value.count("("), value.count(")")
    end = len(value)
    while end:
        last = value[end - 1]
        if last in _URL_TRAILING:
            end -= 1
        elif last == ")" and opens < closes:
            closes -= 1
            end -= 1
        else:
            break
    return end


def find_filters(text: str, entries: Iterable[tuple[re.Pattern[str], str]]) -> tuple[Span, ...]:
    """Deny-list hits: for each (pattern, type) every match, reported as the text spells it."""
    found = [_span(m, kind) for pattern, kind in entries for m in pattern.finditer(text)]
    return tuple(sorted(set(found)))


def _span(match: re.Match[str], kind: str) -> Span:
    return Span(match.start(), match.end(), match.group(), kind)
