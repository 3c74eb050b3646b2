"""HITL.sh review-request bodies: create (current and older shape) and PATCH, lenient or strict.

Current shape (api-reference/requests/create-request.mdx and the OpenAPI's
`CreateRequestRequest`): `processing_type`, `type`, `priority`, `request_text`, `response_type`,
`response_config`, `default_response`, `timeout_seconds`, `platform`, ...

Lenient (default) vs strict:
- lenient defaults: `processing_type` "time-sensitive", `type` "markdown", `priority` "medium",
  `platform` "api" (any string accepted), `timeout_seconds` 3600 for time-sensitive and 30 days
  (2592000) for deferred; a deferred request may set up to 30 days (strict: 60-86400 always);
- strict requires request_text, response_type and response_config (openapi's required list,
  less what the vendor's own samples leave out: the seed quickstart sends no `type` nor
  `platform`, in step 7 no `default_response` nor `timeout_seconds` for a time-sensitive
  request, and its use-case payloads no `processing_type` nor `priority`; the sample wins, so
  strict fills those in as lenient mode does), and `platform` from the documented enum when
  given;
- unknown top-level keys are accepted in lenient mode (real clients send extras) and rejected in
  strict mode (`unknown field: foo`);
- lenient mode with neither `response_type` nor `response_config` makes a single_select with the
  legacy options `DEFAULT_LEGACY_OPTIONS` (the decisions of the older docs).

Older shape (the seed requests page, https://docs.hitl.sh/concepts/requests as of
concepts/requests.mdx @cce3de9; lenient only, strict answers "request_text is required"):
`content`, `content_type` text|image|video|document, `priority` low|normal|high|urgent,
`ai_analysis`, `metadata`, `context`. Mapping: text -> `type` markdown with `request_text` =
content; image/video/document -> `type` image/video/file with `image_url`/`video_url`/`file_url`
= content (a bare base64 string becomes a `data:` URL) and `request_text` "Review this image" (or
video, document); normal -> medium, urgent -> critical. The fields as sent are kept in `legacy`.

Pages cited by path, the OpenAPI file (api-reference/openapi.json) included, are in
github.com/hitl-sh/docs.hitl.sh @0e23b17 unless another commit is named; the seed quickstart is
https://docs.hitl.sh/quickstart (quickstart.mdx).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.answer_checks import check_default_response
from mockserver.vendors.hitl.response_cache import Fitting, check_default, parsed_config
from mockserver.vendors.hitl.response_config import parse_response_config
from mockserver.vendors.hitl.response_model import RESPONSE_TYPES, ResponseConfig
from mockserver.vendors.hitl.validation_fields import (
    UPDATE_NEEDS_A_FIELD,
    get_enum,
    get_object,
    get_str,
    get_str_list,
    get_url,
    invalid,
    is_int,
    reject_unknown,
    require_object,
)

PROCESSING_TYPES = ("time-sensitive", "deferred")
CONTENT_TYPES = ("markdown", "image", "file", "video", "audio")
PRIORITIES = ("low", "medium", "high", "critical")
PLATFORMS = ("n8n", "zapier", "web_portal", "api", "mobile", "webhook")
LEGACY_CONTENT_TYPES = ("text", "image", "video", "document")
LEGACY_PRIORITIES = {"low": "low", "normal": "medium", "high": "high", "urgent": "critical"}
DEFAULT_LEGACY_OPTIONS = ("Approve", "Reject", "Needs Changes", "Escalate")
TIME_SENSITIVE_DEFAULT_TIMEOUT = 3600
DEFERRED_DEFAULT_TIMEOUT = 30 * 86400
MAX_TEXT = 2000
MAX_CONTEXT_BYTES = 50 * 1024
MEDIA_URL_FIELDS = {
    "image": "image_url",
    "file": "file_url",
    "video": "video_url",
    "audio": "audio_url",
}
UPDATABLE = (
    "request_text",
    "priority",
    "response_config",
    "default_response",
    "timeout_seconds",
    "context",
    "metadata",
    "tags",
    "callback_url",
)
_STRICT_REQUIRED = ("request_text", "response_type", "response_config")
_LEGACY_MEDIA = {
    "image": ("image", "image/png"),
    "video": ("video", "video/mp4"),
    "document": ("file", "application/octet-stream"),
}
_KNOWN = {"processing_type", "type", "priority", "request_text", "context", "timeout_seconds"}
_KNOWN |= {"response_type", "response_config", "default_response", "platform", "loop_id"}
_KNOWN |= {"platform_version", "callback_url", "tags", "metadata", "file_type", "file_name"}
_KNOWN |= set(MEDIA_URL_FIELDS.values())


@dataclass(frozen=True)
class CreateRequestInput:
    """A validated create-request body; `legacy` holds the older shape's fields as sent."""

    request_text: str
    response_type: str
    response_config: ResponseConfig
    processing_type: str = "time-sensitive"
    type: str = "markdown"
    priority: str = "medium"
    timeout_seconds: int = TIME_SENSITIVE_DEFAULT_TIMEOUT
    default_response: Any = None
    image_url: str | None = None
    file_url: str | None = None
    file_type: str | None = None
    file_name: str | None = None
    video_url: str | None = None
    audio_url: str | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    platform: str = "api"
    platform_version: str | None = None
    callback_url: str | None = None
    tags: tuple[str, ...] = ()
    legacy: dict[str, Any] | None = None


# The fields a stored request keeps, in this order: CreateRequestInput's, less those kept apart.
_KEPT_APART = ("response_config", "default_response", "legacy")
FIELD_NAMES = tuple(
    f.name for f in dataclasses.fields(CreateRequestInput) if f.name not in _KEPT_APART
)


def is_older_shape(body: Any) -> bool:
    """The older body of the seed requests page (concepts/requests.mdx @cce3de9): `content` /
    `content_type`, no request_text."""
    return (
        isinstance(body, (dict, Mapping))  # (dict first: a dict needs no ABC check)
        and "request_text" not in body
        and ("content" in body or "content_type" in body)
    )


class CreateRequestParts(NamedTuple):
    """A validated create-request body as a request is stored: `fields` holds the fields of
    FIELD_NAMES the body sets, none of them None (an absent one reads as None; `tags` is a
    list), in no particular order."""

    fields: dict[str, Any]
    response_config: ResponseConfig
    default_response: Any
    legacy: dict[str, Any] | None


def validate_create_request(body: Any, *, strict: bool) -> CreateRequestParts:
    """Validate a create-request body (either shape); 400 "Validation failed" naming the field.
    The fields come as a stored request keeps them, with no CreateRequestInput in between (a
    frozen dataclass of 21 fields costs more to build than the checks themselves)."""
    obj = require_object(body)
    legacy: dict[str, Any] | None = None
    if is_older_shape(obj):
        if strict:
            raise invalid("request_text is required")
        fields, legacy = _map_legacy(obj)
    else:
        if strict:
            for key in _STRICT_REQUIRED:
                if obj.get(key) is None:
                    raise invalid(f"{key} is required")
            reject_unknown(obj, _KNOWN)
        fields = _content_fields(obj)
    processing = get_enum(obj, "processing_type", PROCESSING_TYPES) or "time-sensitive"
    timeout = _timeout(obj, processing, strict=strict)
    response_type, cfg, fitting = _response(obj, strict=strict)
    default = obj.get("default_response")
    check_default(cfg, fitting, default, strict=strict)
    platform = get_str(obj, "platform") or "api"
    if strict and obj.get("platform") is not None:
        platform = get_enum(obj, "platform", PLATFORMS) or platform
    fields["response_type"] = response_type
    fields["processing_type"] = processing
    fields["timeout_seconds"] = timeout
    fields["platform"] = platform
    for name, read in _OPTIONAL:
        if name in obj:  # (each reader gives None for an absent key: no call needed)
            value = read(obj)
            if value is not None:
                fields[name] = value
    return CreateRequestParts(fields, cfg, default, legacy)


def parse_create_request(body: Any, *, strict: bool) -> CreateRequestInput:
    """Validate a create-request body (either shape) into a CreateRequestInput; 400
    "Validation failed" naming the field."""
    fields, cfg, default, legacy = validate_create_request(body, strict=strict)
    tags = tuple(fields.pop("tags", ()))
    return CreateRequestInput(
        **fields, tags=tags, response_config=cfg, default_response=default, legacy=legacy
    )


def parse_update_request(
    body: Any, current: CreateRequestInput | Mapping[str, Any], *, strict: bool
) -> dict[str, Any]:
    """Validate a PATCH body against the request as it stands.

    Returns only the fields sent, typed as on `CreateRequestInput` (so
    `dataclasses.replace(current, **updates)` works). JSON null clears `context`, `metadata`,
    `tags`, `callback_url` and (lenient only) `default_response`.
    """
    obj = require_object(body)
    if strict:
        for key in obj:
            if key in _KNOWN and key not in UPDATABLE:
                raise invalid(f"field cannot be updated: {key}")
        reject_unknown(obj, UPDATABLE)
    if not any(key in obj for key in UPDATABLE):
        raise ApiError(400, UPDATE_NEEDS_A_FIELD)
    updates: dict[str, Any] = {}
    if "request_text" in obj:
        text = get_str(obj, "request_text", required=True, min_len=1, max_len=MAX_TEXT)
        updates["request_text"] = text
    if "priority" in obj:
        updates["priority"] = get_enum(obj, "priority", PRIORITIES, required=True)
    if "timeout_seconds" in obj:
        processing = str(_current(current, "processing_type") or "time-sensitive")
        if obj["timeout_seconds"] is None:
            raise invalid("timeout_seconds must be an integer")
        updates["timeout_seconds"] = _timeout(obj, processing, strict=strict)
    response_type = str(_current(current, "response_type"))
    cfg = _current_config(current, response_type)
    if "response_config" in obj:
        if obj["response_config"] is None:
            raise invalid("response_config must be an object")
        cfg = parse_response_config(response_type, obj["response_config"], strict=strict)
        updates["response_config"] = cfg
    if "default_response" in obj:
        if obj["default_response"] is None and strict:
            raise invalid("default_response is required")
        check_default_response(cfg, obj["default_response"], strict=strict)
        updates["default_response"] = obj["default_response"]
    elif strict and "response_config" in obj:
        check_default_response(cfg, _current(current, "default_response"), strict=True)
    if "context" in obj:
        updates["context"] = _context(obj)
    if "metadata" in obj:
        updates["metadata"] = get_object(obj, "metadata")
    if "tags" in obj:
        updates["tags"] = tuple(get_str_list(obj, "tags") or ())
    if "callback_url" in obj:
        updates["callback_url"] = get_url(obj, "callback_url")
    return updates


def _content_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """request_text, type, priority and the media fields (those set) of the current shape."""
    text = get_str(obj, "request_text", required=True, min_len=1, max_len=MAX_TEXT)
    kind = get_enum(obj, "type", CONTENT_TYPES) or "markdown"
    fields: dict[str, Any] = {"request_text": text, "type": kind}
    fields["priority"] = get_enum(obj, "priority", PRIORITIES) or "medium"
    for url_field in MEDIA_URL_FIELDS.values():
        if url_field in obj and (url := get_url(obj, url_field, allow_data=True)) is not None:
            fields[url_field] = url
    for name in ("file_type", "file_name"):
        if name in obj and (value := get_str(obj, name)) is not None:
            fields[name] = value
    needed = MEDIA_URL_FIELDS.get(kind)
    if needed and needed not in fields:
        raise invalid(f"{needed} is required when type is '{kind}'")
    return fields


def _map_legacy(obj: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The older `content`/`content_type` shape mapped onto current fields, plus what was sent."""
    content = get_str(obj, "content", required=True, min_len=1) or ""
    content_type = get_enum(obj, "content_type", LEGACY_CONTENT_TYPES) or "text"
    priority = obj.get("priority")
    mapping = LEGACY_PRIORITIES | {p: p for p in PRIORITIES}
    if priority is not None and (not isinstance(priority, str) or priority not in mapping):
        raise invalid("priority must be one of: " + ", ".join(LEGACY_PRIORITIES))
    get_object(obj, "ai_analysis")
    fields: dict[str, Any] = {"priority": mapping[priority] if priority else "medium"}
    if content_type == "text":
        get_str(obj, "content", min_len=1, max_len=MAX_TEXT)
        fields |= {"request_text": content, "type": "markdown"}
    else:
        kind, mime = _LEGACY_MEDIA[content_type]
        is_link = content.startswith(("http://", "https://", "data:"))
        url = content if is_link else f"data:{mime};base64,{content}"
        fields |= {"request_text": f"Review this {content_type}", "type": kind}
        fields[MEDIA_URL_FIELDS[kind]] = url
    legacy_keys = ("content", "content_type", "priority", "ai_analysis")
    # JSON null counts as absent here too: echoing `"priority": null` would hide the mapped
    # priority and break the documented Request shape (found by the fuzz tests).
    return fields, {key: obj[key] for key in legacy_keys if obj.get(key) is not None}


def _timeout(obj: Mapping[str, Any], processing: str, *, strict: bool) -> int:
    value = obj.get("timeout_seconds")
    if value is None:
        if processing == "deferred":
            return DEFERRED_DEFAULT_TIMEOUT
        # api-reference/errors.mdx documents "timeout_seconds is required for time-sensitive
        # requests", but the seed quickstart's step 7 sends none: the sample wins, in strict
        # mode too.
        return TIME_SENSITIVE_DEFAULT_TIMEOUT
    if not is_int(value):
        raise invalid("timeout_seconds must be an integer")
    high = DEFERRED_DEFAULT_TIMEOUT if processing == "deferred" and not strict else 86400
    if not 60 <= value <= high:
        raise invalid(f"timeout_seconds must be between 60 and {high}")
    return int(value)


def _response(
    obj: Mapping[str, Any], *, strict: bool
) -> tuple[str, ResponseConfig, Fitting | None]:
    """The response type, its parsed config and (when the config is a cached one) the default
    responses already found to fit it."""
    response_type = obj.get("response_type")
    config = obj.get("response_config")
    if response_type is None:
        if strict or config is not None:
            raise invalid("response_type is required")
        default = {"options": list(DEFAULT_LEGACY_OPTIONS)}
        return "single_select", *parsed_config("single_select", default, strict=False)
    if response_type not in RESPONSE_TYPES:
        raise invalid("response_type must be one of: " + ", ".join(RESPONSE_TYPES))
    return response_type, *parsed_config(response_type, config, strict=strict)


def _context(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    context = get_object(obj, "context")
    if context is not None:
        size = len(json.dumps(context, separators=(",", ":"), default=str).encode())
        if size >= MAX_CONTEXT_BYTES:
            raise invalid("context must be under 50KB")
    return context


def _current(current: CreateRequestInput | Mapping[str, Any], key: str) -> Any:
    if isinstance(current, CreateRequestInput):
        return getattr(current, key)
    return current.get(key)


def _current_config(
    current: CreateRequestInput | Mapping[str, Any], response_type: str
) -> ResponseConfig:
    cfg = _current(current, "response_config")
    if isinstance(cfg, ResponseConfig):
        return cfg
    return parse_response_config(response_type, cfg, strict=False)


# The fields after the platform that a body may leave out, each with its reader (in this order:
# the first one wrong is the one an error names).
_OPTIONAL: tuple[tuple[str, Callable[[Mapping[str, Any]], Any]], ...] = (
    ("context", _context),
    ("metadata", lambda obj: get_object(obj, "metadata")),
    ("platform_version", lambda obj: get_str(obj, "platform_version")),
    ("callback_url", lambda obj: get_url(obj, "callback_url")),
    ("tags", lambda obj: get_str_list(obj, "tags") or None),
)


__all__ = [
    "DEFAULT_LEGACY_OPTIONS",
    "FIELD_NAMES",
    "CreateRequestInput",
    "CreateRequestParts",
    "parse_create_request",
    "parse_update_request",
    "validate_create_request",
]
