"""HITL.sh `when` keys: which review requests a scenario rule applies to.

A rule is chosen when a request is created, from the request's fields as validated and the
loop it is created in (`RequestSubject`). Text, one-of and subset keys are the core's common
matchers (`mockserver/kit/matchers.py`), so they behave as they do for every vendor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from mockserver.kit.matchers import (
    Matcher,
    MatcherTable,
    one_of,
    subset,
    text_contains,
    text_matches,
)
from mockserver.vendors.hitl.models import Loop
from mockserver.vendors.hitl.response_model import RESPONSE_TYPES
from mockserver.vendors.hitl.validation_requests import PRIORITIES, PROCESSING_TYPES


class RequestSubject(NamedTuple):
    """A request about to be created: its validated fields and its loop (a tuple: one is made
    for every create-request, and a frozen dataclass costs several times more to make)."""

    fields: Mapping[str, Any]
    loop: Loop | None

    @property
    def text(self) -> str:
        return str(self.fields.get("request_text", ""))


def _in_loop(wanted: Any, subject: RequestSubject) -> bool:
    loop = subject.loop
    return loop is not None and str(wanted).lower() in (loop.id.lower(), loop.name.lower())


def _field(name: str, choices: Sequence[str], description: str) -> Matcher:
    """A one-of key on the request field of the same name."""
    return one_of(name, lambda s: s.fields.get(name), description, choices)


def _mapping(name: str, description: str) -> Matcher:
    return subset(name, lambda s: s.fields.get(name), description)


def _text(subject: RequestSubject) -> str:
    return subject.text


MATCHERS = MatcherTable(
    [
        Matcher("loop", {"type": "string", "description": "loop id or name"}, _in_loop),
        text_contains(_text, "request text contains (any of; no case)"),
        text_matches(_text, "request text matches this regex"),
        _field("priority", PRIORITIES, "priority is (one of)"),
        _field("response_type", RESPONSE_TYPES, "response type is (one of)"),
        _field("processing_type", PROCESSING_TYPES, "processing type is"),
        _mapping("context", "these context fields have these values"),
        _mapping("metadata", "these metadata fields have these values"),
    ]
)
