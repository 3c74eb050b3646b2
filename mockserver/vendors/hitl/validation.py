"""HITL.sh input validation: ids, loop bodies, list queries, feedback, and (re-exported) requests.

Every check raises `ApiError` with HITL's messages (api-reference/loops/*.mdx,
api-reference/requests/*.mdx and api-reference/errors.mdx in github.com/hitl-sh/docs.hitl.sh
@0e23b17); the vendor's renderer turns it into `{"error": true, "msg": ..., "data": ...}`. Request
bodies are validated in `validation_requests` and re-exported here, so handlers import from this one
module.

Lenient vs strict for loops: strict requires `icon` (openapi) and rejects unknown keys; lenient
defaults `icon` to "shield-check" (the seed sends an emoji, which both modes accept). The
documented icon names are examples, not an enforced set. List queries: an unknown query
parameter is always a 400; an empty value counts as absent. An invalid `priority` filter answers
"Invalid priority filter value" by analogy with the documented status message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.validation_fields import (
    UPDATE_NEEDS_A_FIELD,
    get_bool,
    get_enum,
    get_object,
    get_str,
    get_str_list,
    invalid,
    is_number,
    reject_unknown,
    require_object,
)
from mockserver.vendors.hitl.validation_requests import (
    FIELD_NAMES,
    PRIORITIES,
    CreateRequestInput,
    is_older_shape,
    parse_create_request,
    parse_update_request,
    validate_create_request,
)

__all__ = [
    "FIELD_NAMES",
    "CreateRequestInput",
    "ListQuery",
    "check_object_id",
    "is_older_shape",
    "parse_create_loop",
    "parse_create_request",
    "parse_feedback",
    "parse_list_query",
    "parse_update_loop",
    "parse_update_request",
    "validate_create_request",
]

SORTS = ("created_at_desc", "created_at_asc", "priority_desc", "status_asc")
FEEDBACK_CATEGORIES = ("positive", "constructive", "issue")
FEEDBACK_SCORES = ("rating", "accuracy", "timeliness", "helpfulness")
DEFAULT_ICON = "shield-check"
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
_LOOP_FIELDS = ("name", "description", "icon")
_QUERY_KEYS = ("status", "priority", "loop_id", "limit", "offset", "sort")
# The largest integer every JSON client reads exactly; a larger offset is a 400 (it used to be a
# 500: the answer's `next_offset` did not fit the JSON encoder's 64-bit integers).
MAX_OFFSET = 2**53 - 1


@dataclass(frozen=True)
class ListQuery:
    """Filters and paging of `GET /v1/api/requests`."""

    status: str | None = None
    priority: str | None = None
    loop_id: str | None = None
    limit: int = 50
    offset: int = 0
    sort: str = "created_at_desc"


def check_object_id(value: str, kind: str) -> str:
    """`value` lower-cased when it is a 24-hex ObjectID, else 400 "Invalid {kind} ID format"."""
    if not isinstance(value, str) or not _OBJECT_ID.match(value):
        raise ApiError(
            400,
            f"Invalid {kind} ID format",
            data=f"{kind} ID {value!r} is not a 24-character hex ObjectID",
        )
    return value.lower()


def parse_create_loop(body: Any, *, strict: bool = False) -> dict[str, Any]:
    """`{"name", "description", "icon"}` from a create-loop body."""
    obj = require_object(body)
    if strict:
        reject_unknown(obj, _LOOP_FIELDS)
    name = get_str(obj, "name", required=True, min_len=1, max_len=100)
    description = get_str(obj, "description", max_len=500) or ""
    icon = get_str(obj, "icon", required=strict, min_len=1 if strict else 0, max_len=100)
    return {"name": name, "description": description, "icon": icon or DEFAULT_ICON}


def parse_update_loop(body: Any, *, strict: bool = False) -> dict[str, Any]:
    """The loop fields a PUT body sets; null `description` clears it."""
    obj = require_object(body)
    if strict:
        reject_unknown(obj, _LOOP_FIELDS)
    if not any(key in obj for key in _LOOP_FIELDS):
        raise ApiError(400, UPDATE_NEEDS_A_FIELD)
    updates: dict[str, Any] = {}
    if "name" in obj:
        updates["name"] = get_str(obj, "name", required=True, min_len=1, max_len=100)
    if "description" in obj:
        updates["description"] = get_str(obj, "description", max_len=500) or ""
    if "icon" in obj:
        updates["icon"] = get_str(obj, "icon", required=True, min_len=1, max_len=100)
    return updates


def parse_list_query(query: Mapping[str, str], statuses: Sequence[str]) -> ListQuery:
    """Filters of `GET /v1/api/requests`, with HITL's documented error messages; `statuses`:
    the vendor's lifecycle, which the status filter takes."""
    for key in query:
        if key not in _QUERY_KEYS:
            raise invalid(f"unknown query parameter: {key}")
    given = {key: value for key, value in query.items() if value != ""}
    loop_id = given.get("loop_id")
    return ListQuery(
        status=_filter_value(given, "status", statuses),
        priority=_filter_value(given, "priority", PRIORITIES),
        loop_id=check_object_id(loop_id, "loop") if loop_id is not None else None,
        limit=_query_int(given, "limit", 50, 1, 100, "limit must be between 1 and 100"),
        offset=_query_int(
            given, "offset", 0, 0, MAX_OFFSET, "offset must be a non-negative integer"
        ),
        sort=get_enum(given, "sort", SORTS) or "created_at_desc",
    )


def _filter_value(query: Mapping[str, str], key: str, allowed: Sequence[str]) -> str | None:
    """A filter that takes one of `allowed` words, or None when not given."""
    value = query.get(key)
    if value is not None and value not in allowed:
        raise ApiError(
            400, f"Invalid {key} filter value", data=f"{key} must be one of: " + ", ".join(allowed)
        )
    return value


def _query_int(
    query: Mapping[str, str], key: str, default: int, low: int, high: int | None, problem: str
) -> int:
    text = query.get(key)
    if text is None:
        return default
    try:
        value = int(text.strip(), 10)
    except ValueError:
        raise ApiError(400, "Invalid pagination parameters", data=problem) from None
    if value < low or (high is not None and value > high):
        raise ApiError(400, "Invalid pagination parameters", data=problem)
    return value


def parse_feedback(body: Any) -> dict[str, Any]:
    """The `feedback` object of an add-feedback body, checked field by field (extras allowed)."""
    obj = require_object(body)
    if obj.get("feedback") is None:
        raise invalid("feedback is required")
    feedback = get_object(obj, "feedback")
    if not feedback:
        raise invalid("feedback must not be empty")
    for key in FEEDBACK_SCORES:
        value = feedback.get(key)
        if value is None:
            continue
        if not is_number(value):
            raise invalid(f"{key} must be a number")
        if not 1 <= value <= 5:
            raise ApiError(
                400, "Rating values must be between 1 and 5", data=f"{key} must be between 1 and 5"
            )
    comment = feedback.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise invalid("comment must be a string")
    if comment is not None and len(comment) > 1000:
        raise ApiError(
            400,
            "Comment exceeds maximum length of 1000 characters",
            data=f"comment is {len(comment)} characters long",
        )
    get_bool(feedback, "would_recommend")
    get_bool(feedback, "follow_up_needed")
    get_str_list(feedback, "tags")
    get_enum(feedback, "category", FEEDBACK_CATEGORIES)
    return dict(feedback)
