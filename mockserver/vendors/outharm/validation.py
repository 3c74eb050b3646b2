"""Request validation shared by Outharm's automated and manual moderation endpoints.

The documented rules ("Validation Rules" of https://outharm.com/docs/api/automated and
https://outharm.com/docs/api/manual) and the documented error names
(https://outharm.com/docs/api/errors) are all there is; which name goes with which rule is not
documented, so each check says which name it uses and why. The naming principle:

- `missing-field`: a required top-level field (`schema_id`, `content`) is absent or null.
- `invalid-field-value`: a field has the wrong JSON type or format (schema_id not a UUID,
  content not an object, a field's value not an array, an array item not a string).
- `validation-error`: a rule from the documented validation list is broken; the manual page
  uses this name for one of them ("Content cannot be empty").
- `invalid-image-format`: an image component value is not an http(s) URL or a base64 data URL.
- `schema-not-found` (404): the manual page's exact name and message.

Order [I]: body shape and content structure first, then the schema lookup, then the checks
that need the schema (field names, image values), as a validate-then-load backend would.
Unknown top-level keys are a convenience (`unknown_fields`): ignored with a lenience note, or
refused as `validation-error` in strict mode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.base import jsonio
from mockserver.base.errors import ApiError
from mockserver.kit.conveniences import Convenience, convenience
from mockserver.vendors.outharm.models import Schema

AUTH_DOCS = "https://outharm.com/docs/api/auth"
AUTOMATED_DOCS = "https://outharm.com/docs/api/automated"
MANUAL_DOCS = "https://outharm.com/docs/api/manual"
BODY_FIELDS = frozenset({"schema_id", "content"})

MAX_FIELDS = 50
MAX_FIELD_NAME = 100
MAX_VALUES = 100
MAX_URL = 2048  # "HTTP/HTTPS URLs must be under 2048 characters": 2048 itself is rejected

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _bad(code: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, message, code=code)


def check_content_type(content_type: str | None) -> None:
    """Require `Content-Type: application/json` (parameters such as charset are allowed)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        # invalid-content-type: https://outharm.com/docs/api/errors lists it with the hint "use
        # application/json".
        raise _bad("invalid-content-type", "Content-Type must be application/json")


def parse_body(raw: bytes) -> Any:
    """Decode a JSON request body; bytes that are not JSON are a 400."""
    try:
        return jsonio.loads(raw)
    except jsonio.TooDeep as exc:
        # validation-error [I]: as for unparsable JSON, the generic name.
        raise _bad("validation-error", f"Request body is {exc}") from None
    except ValueError:
        # validation-error [I]: no documented name for unparsable JSON; this is the generic one.
        raise _bad("validation-error", "Request body must be valid JSON") from None


def validate_submission(
    body: Any, schemas: Mapping[str, Schema]
) -> tuple[Schema, dict[str, list[str]]]:
    """Check a `{"schema_id", "content"}` body against the documented rules.

    `schemas` is keyed by lower-case schema id. Returns the schema and the content (field ->
    values, in request order). Raises `ApiError` with Outharm's error name on the first failure.
    """
    if not isinstance(body, dict):
        # missing-field: a body that is not an object carries none of the required fields.
        raise _bad("missing-field", "Request body must be a JSON object with schema_id and content")
    schema_id = body.get("schema_id")
    if schema_id is None:
        # missing-field: the required schema_id is absent.
        raise _bad("missing-field", "Field 'schema_id' is required")
    if not isinstance(schema_id, str) or not _UUID.fullmatch(schema_id):
        # invalid-field-value: present but not in the documented UUID format.
        raise _bad("invalid-field-value", "Field 'schema_id' must be a valid UUID")
    content = body.get("content")
    if content is None:
        # missing-field: the required content is absent.
        raise _bad("missing-field", "Field 'content' is required")
    if not isinstance(content, dict):
        # invalid-field-value: present but not the documented object of arrays.
        raise _bad("invalid-field-value", "Field 'content' must be an object of value arrays")
    values = _check_structure(content)
    schema = schemas.get(schema_id.lower())
    if schema is None:
        # schema-not-found: the manual page's name, status and message, word for word.
        raise _bad("schema-not-found", "Schema not found or not accessible", 404)
    for name, items in values.items():
        kind = schema.components.get(name)
        if kind is None:
            # validation-error: "Field names must match schema component names" is a listed rule.
            raise _bad(
                "validation-error",
                f"Field '{name}' is not a component of schema '{schema.name}'",
            )
        if kind == "image":
            for index, item in enumerate(items):
                _check_image(name, index, item)
    return schema, values


def unknown_fields(body: Any) -> list[Convenience]:
    """The top-level keys a submission body has beyond `schema_id` and `content`."""
    if not isinstance(body, dict):
        return []
    return [
        convenience(
            "outharm.unknown_field",
            _bad("validation-error", f"Unknown field '{name}'"),
            AUTOMATED_DOCS,
            str(name),
        )
        for name in body
        if name not in BODY_FIELDS
    ]


def _check_structure(content: dict[Any, Any]) -> dict[str, list[str]]:
    """The rules that need no schema: counts, names, array shapes and value types."""
    if not content:
        # validation-error: the manual page's own example, message word for word.
        raise _bad("validation-error", "Content cannot be empty")
    if len(content) > MAX_FIELDS:
        # validation-error: "Maximum 50 fields per request" is a listed rule.
        raise _bad(
            "validation-error",
            f"Content cannot have more than {MAX_FIELDS} fields, got {len(content)}",
        )
    values: dict[str, list[str]] = {}
    for key, items in content.items():
        name = str(key)
        if not name:
            # validation-error: "Field names cannot be empty" is a listed rule.
            raise _bad("validation-error", "Field names cannot be empty")
        if len(name) > MAX_FIELD_NAME:
            # validation-error: "... or exceed 100 characters" is a listed rule.
            raise _bad(
                "validation-error",
                f"Field '{name}' name cannot exceed {MAX_FIELD_NAME} characters",
            )
        if not isinstance(items, list):
            # invalid-field-value: a wrong JSON type ("All values are arrays").
            raise _bad("invalid-field-value", f"Field '{name}' must be an array of values")
        if not items:
            # validation-error: "Arrays cannot be empty (must have at least one value)".
            raise _bad("validation-error", f"Field '{name}' must have at least one value")
        if len(items) > MAX_VALUES:
            # validation-error: "Maximum 100 values per field array" is a listed rule.
            raise _bad(
                "validation-error",
                f"Field '{name}' cannot have more than {MAX_VALUES} values, got {len(items)}",
            )
        for index, item in enumerate(items):
            if not isinstance(item, str):
                # invalid-field-value: a wrong JSON type; values are text or image strings.
                raise _bad(
                    "invalid-field-value", f"Field '{name}' value at index {index} must be a string"
                )
            if not item.strip():
                # validation-error: "Individual values cannot be empty or whitespace-only".
                raise _bad(
                    "validation-error",
                    f"Field '{name}' value at index {index} cannot be empty or whitespace-only",
                )
        values[name] = list(items)
    return values


def _check_image(name: str, index: int, value: str) -> None:
    """An image component value: an http(s) URL under 2048 characters or a base64 data URL.

    [I] Only image components get the URL rules: a text value that looks like a URL is text.
    """
    lowered = value.lower()
    where = f"Field '{name}' value at index {index}"
    if lowered.startswith(("http://", "https://")):
        if len(value) >= MAX_URL:
            # validation-error: "HTTP/HTTPS URLs must be under 2048 characters" is a listed
            # rule; the URL's form is fine, its length is not.
            raise _bad("validation-error", f"{where}: URL must be under {MAX_URL} characters")
        return
    if lowered.startswith("data:"):
        if ";base64," not in lowered:
            # invalid-image-format: the data URL is not in the required `;base64,` form.
            raise _bad("invalid-image-format", f"{where}: data URL must include ';base64,'")
        return
    # invalid-image-format: neither of the two documented image forms.
    raise _bad("invalid-image-format", f"{where} must be an http(s) URL or a base64 data URL")
