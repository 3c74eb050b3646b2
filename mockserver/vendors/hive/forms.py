"""Request bodies as Hive clients send them: JSON, urlencoded or multipart form data.

The Dashboard docs label the fields "Form Data" but send JSON in every example; third-party
integrations also send `application/x-www-form-urlencoded`, and the Models API examples use
multipart (`--form`, including a `media` file). All three are accepted (the sandbox's choice;
https://docs.thehive.ai/docs/dashboard-api-reference,
https://docs.thehive.ai/reference/submit-a-task-synchronously). The core has already read the
body (for the journal), so multipart is parsed from those bytes (multipart.py, with its limits).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mockserver.base import jsonio
from mockserver.base.errors import ApiError

from .multipart import Upload, parse_multipart

__all__ = ["FORM_TYPES", "Fields", "Upload", "parse_body"]

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

Fields = dict[str, Any]


def parse_body(body: bytes, content_type: str) -> Fields:
    """The fields of a request body; `content_type` is the full Content-Type header."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body.strip():
        raise ApiError(400, "The request body is empty: send JSON or form data", code="empty_body")
    if mime == "application/json" or mime.endswith("+json"):
        return _json(body)
    if mime == "application/x-www-form-urlencoded":
        return _urlencoded(body)
    if mime == "multipart/form-data":
        return _multipart(body, content_type)
    if mime == "":
        # curl -d without a Content-Type: JSON when it looks like JSON, else a form.
        return _json(body) if body.lstrip().startswith(b"{") else _urlencoded(body)
    raise ApiError(
        415,
        f"Unsupported Content-Type {mime!r}: send application/json, "
        "application/x-www-form-urlencoded or multipart/form-data",
        code="unsupported_media_type",
    )


def _json(body: bytes) -> Fields:
    try:
        data = jsonio.loads(body)
    except jsonio.TooDeep as exc:
        raise ApiError(400, f"The JSON body is {exc}", code="invalid_json") from None
    except ValueError as exc:
        raise ApiError(400, f"The body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The JSON body must be an object", code="invalid_json")
    return data


def _add(fields: Fields, name: str, value: Any) -> None:
    """Repeated form fields (`models=visual&models=ocr`) become a list."""
    if name not in fields:
        fields[name] = value
    elif isinstance(fields[name], list):
        fields[name].append(value)
    else:
        fields[name] = [fields[name], value]


def _urlencoded(body: bytes) -> Fields:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"The form body does not parse: {exc}", code="invalid_form") from None
    fields: Fields = {}
    for name, value in pairs:
        _add(fields, name, value)
    return fields


def _multipart(body: bytes, content_type: str) -> Fields:
    return parse_multipart(body, content_type, _add)
