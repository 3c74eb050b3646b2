"""Field checks shared by the HITL.sh body validators; every failure is a 400 naming the field.

HITL answers body problems with `{"error": true, "msg": "Validation failed", "data": "<field> must
be ..."}` (hitl-sh/docs.hitl.sh api-reference/errors.mdx @0e23b17), so each helper raises
`ApiError(400, "Validation failed", data=...)` with the field name at the start of `data`. JSON
`null` counts as absent. Booleans are never accepted where a number is expected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from mockserver.base.errors import ApiError
from mockserver.base.urls import url_problem

UPDATE_NEEDS_A_FIELD = "At least one field must be provided for update"


def invalid(detail: str) -> ApiError:
    """HITL's generic 400 with `detail` as `data`."""
    return ApiError(400, "Validation failed", data=detail)


def require_object(body: Any, name: str = "request body") -> dict[str, Any]:
    """`body` itself, when it is a JSON object."""
    if not isinstance(body, dict):
        raise invalid(f"{name} must be a JSON object")
    return body


def is_int(value: Any) -> bool:
    """A JSON integer (bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A finite JSON number (bool is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def get_str(
    obj: Mapping[str, Any],
    key: str,
    *,
    required: bool = False,
    min_len: int = 0,
    max_len: int | None = None,
) -> str | None:
    """The string at `key` (None when absent), with a length range in characters."""
    value = obj.get(key)
    if value is None:
        if required:
            raise invalid(f"{key} is required")
        return None
    if not isinstance(value, str):
        raise invalid(f"{key} must be a string")
    too_short = min_len > 0 and len(value.strip()) < min_len
    if too_short or (max_len is not None and len(value) > max_len):
        if max_len is None:
            raise invalid(f"{key} must be at least {min_len} characters")
        if min_len > 0:
            raise invalid(f"{key} must be between {min_len} and {max_len} characters")
        raise invalid(f"{key} must be at most {max_len} characters")
    return value


def get_enum(
    obj: Mapping[str, Any], key: str, allowed: Iterable[str], *, required: bool = False
) -> str | None:
    """The value at `key` when it is one of `allowed` (None when absent)."""
    choices = tuple(allowed)
    value = obj.get(key)
    if value is None:
        if required:
            raise invalid(f"{key} is required")
        return None
    if value not in choices:
        raise invalid(f"{key} must be one of: " + ", ".join(choices))
    return str(value)


def get_int(obj: Mapping[str, Any], key: str, *, low: int, high: int) -> int | None:
    """The integer at `key` within [low, high] (None when absent)."""
    value = obj.get(key)
    if value is None:
        return None
    if not is_int(value):
        raise invalid(f"{key} must be an integer")
    if not low <= value <= high:
        raise invalid(f"{key} must be between {low} and {high}")
    return int(value)


def get_bool(obj: Mapping[str, Any], key: str) -> bool | None:
    """The boolean at `key` (None when absent)."""
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        raise invalid(f"{key} must be a boolean")
    return value


def get_object(obj: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """The JSON object at `key` (None when absent)."""
    value = obj.get(key)
    if value is not None and not isinstance(value, dict):
        raise invalid(f"{key} must be an object")
    return value


def get_str_list(obj: Mapping[str, Any], key: str) -> list[str] | None:
    """The array of strings at `key` (None when absent)."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(f"{key} must be an array of strings")
    return list(value)


def get_url(obj: Mapping[str, Any], key: str, *, allow_data: bool = False) -> str | None:
    """The http(s) URL at `key` (None when absent); `data:` URLs too when `allow_data`."""
    value = get_str(obj, key)
    if value is None:
        return None
    if allow_data and value.startswith("data:"):
        return value
    # The core's strict reading: a port such as `+8080` or `８０８０`, which the webhook client
    # would read as 8080, is refused here rather than called (mockserver/base/urls.py).
    if url_problem(value) is not None:
        raise invalid(f"{key} must be a valid http or https URL")
    return value


def reject_unknown(obj: Mapping[str, Any], known: Iterable[str]) -> None:
    """Strict mode: the first key not in `known` is a 400 naming it."""
    allowed = set(known)
    for key in obj:
        if key not in allowed:
            raise invalid(f"unknown field: {key}")
