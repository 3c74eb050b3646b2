"""Checking Hive request fields and turning them into typed submissions.

Dashboard v1/v2 (seed `hive-dashboard-api.txt`, reference B.2): exactly one of `text_data` and
`url`; `post_id` and the user id (`patron_id`, newer docs `user_id`) required; `callback_url`
required for v1 async (v2 docs mark it optional); metadata objects. Models API (reference B.1):
exactly one of `media`, `url`, `text_data`. Reports (B.2): `post_id` or `user_id`,
`report_categories` required. Hive publishes no error catalogue, so every failure here is our
own 4xx with a short `error` code (README fidelity notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from mockserver import jsonio
from mockserver.errors import ApiError

from .forms import Fields, Upload

IdField = Literal["patron_id", "user_id"]
TEXT_MODEL: Final = "text"
VISUAL_MODEL: Final = "visual"
# v2 `models` names: the docs' example uses "ocr", "visual", "audio"; the rest are our reading
# of the prose ("visual, audio, demographics, AI-generated media"). Only text and visual scores
# are emulated; the others are acknowledged and reported in project_status_map.
URL_MODELS: Final = ("visual", "ocr", "audio", "demographics", "ai_generated_media")
TEXT_MODELS: Final = (TEXT_MODEL,)


@dataclass(frozen=True)
class Content:
    """The one piece of content a task analyses."""

    text: str | None = None
    url: str | None = None
    upload: Upload | None = None


@dataclass(frozen=True)
class DashboardSubmission:
    content: Content
    id_field: IdField
    user_id: str
    post_id: str
    callback_url: str | None = None
    content_metadata: dict[str, Any] = field(default_factory=dict)
    user_metadata: dict[str, Any] = field(default_factory=dict)
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelsSubmission:
    content: Content
    callback_url: str | None = None
    metadata: Any = None


@dataclass(frozen=True)
class ReportSubmission:
    post_id: str | None
    user_id: str | None
    reporter_id: str | None
    categories: tuple[str, ...]
    reason: str | None


def _bad(message: str, code: str = "invalid_field") -> ApiError:
    return ApiError(400, message, code=code)


def _string(fields: Fields, name: str) -> str | None:
    """A scalar field as text; None when absent or empty. Numbers are accepted as ids."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(f"{name} must be a string")
    text = str(value).strip()
    return text or None


def _required(fields: Fields, name: str) -> str:
    value = _string(fields, name)
    if value is None:
        raise _bad(f"{name} is required", "missing_field")
    return value


def _object(fields: Fields, name: str) -> dict[str, Any] | None:
    """A metadata object: a JSON object, or (in forms) a JSON string of one."""
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = jsonio.loads(value)
        except ValueError:
            raise _bad(f"{name} must be a JSON object") from None
    if not isinstance(value, dict):
        raise _bad(f"{name} must be a JSON object")
    return value


def _url(fields: Fields, name: str) -> str | None:
    value = _string(fields, name)
    if value is not None and not value.lower().startswith(("http://", "https://")):
        raise _bad(f"{name} must be an http(s) URL, got {value!r}", "unsupported_input")
    if value is not None:
        try:
            urlsplit(value)
        except ValueError as exc:  # e.g. an unclosed IPv6 bracket: "http://[abc"
            raise _bad(f"{name} is not a valid URL: {exc}", "unsupported_input") from None
    return value


def _content(fields: Fields, *, media: bool) -> Content:
    names = ("media", "url", "text_data") if media else ("text_data", "url")
    if not media and "media" in fields:
        raise _bad(
            "media uploads are not accepted by the Dashboard API: send text_data or url",
            "unsupported_input",
        )
    given = [n for n in names if fields.get(n) not in (None, "")]
    listed = " and ".join(names) if len(names) == 2 else "media, url and text_data"
    if len(given) > 1:
        raise _bad(f"Send exactly one of {listed}: got {' and '.join(given)}", "conflicting_fields")
    if not given:
        raise _bad(f"Send one of {listed}", "missing_field")
    if given[0] == "media":
        upload = fields["media"]
        if not isinstance(upload, Upload):
            raise _bad("media must be a file in a multipart body", "unsupported_input")
        return Content(upload=upload)
    if given[0] == "url":
        url = _url(fields, "url")
        if url is None:  # only white space (make fuzz: a lone U+0085 was a 500)
            raise _bad(f"Send one of {listed}: url is blank", "missing_field")
        return Content(url=url)
    text = fields["text_data"]
    if not isinstance(text, str):
        raise _bad("text_data must be a string")
    return Content(text=text)


def _user(fields: Fields, prefer: IdField) -> tuple[IdField, str]:
    """The submitter: `patron_id` (v1 docs) or `user_id` (newer docs); answers echo the name
    the client used."""
    patron, user = _string(fields, "patron_id"), _string(fields, "user_id")
    if patron is not None and user is not None and patron != user:
        raise _bad("patron_id and user_id name the same user: send one", "conflicting_fields")
    if patron is None and user is None:
        raise _bad(f"{prefer} is required", "missing_field")
    if patron is not None and (user is None or prefer == "patron_id"):
        return "patron_id", patron
    return "user_id", str(user)


def _models(fields: Fields, content: Content) -> tuple[str, ...]:
    raw = fields.get("models")
    if raw is None or raw == "":
        return (TEXT_MODEL,) if content.text is not None else (VISUAL_MODEL,)
    if isinstance(raw, str):
        try:
            raw = jsonio.loads(raw) if raw.lstrip().startswith("[") else raw.split(",")
        except ValueError:
            raise _bad("models must be a list of model names") from None
    if not isinstance(raw, list) or not raw or not all(isinstance(m, str) for m in raw):
        raise _bad("models must be a non-empty list of model names")
    allowed = TEXT_MODELS if content.text is not None else URL_MODELS
    kind = "text_data" if content.text is not None else "url"
    models: list[str] = []
    for name in (m.strip() for m in raw):
        if name not in allowed:
            raise _bad(
                f"model {name!r} does not take {kind} (models for {kind}: {', '.join(allowed)})",
                "unsupported_input",
            )
        if name not in models:
            models.append(name)
    return tuple(models)


def dashboard_submission(fields: Fields, *, version: str, is_async: bool) -> DashboardSubmission:
    """A Dashboard task from v1 or v2 fields; ApiError 400 naming the first problem."""
    content = _content(fields, media=False)
    post_id = _required(fields, "post_id")
    id_field, user_id = _user(fields, "patron_id" if version == "v1" else "user_id")
    callback = _url(fields, "callback_url")
    if is_async and version == "v1" and callback is None:
        raise _bad("callback_url is required for async tasks", "missing_field")
    user_meta = _object(fields, "user_metadata") or _object(fields, "patron_metadata") or {}
    return DashboardSubmission(
        content=content,
        id_field=id_field,
        user_id=user_id,
        post_id=post_id,
        callback_url=callback,
        content_metadata=_object(fields, "content_metadata") or {},
        user_metadata=user_meta,
        models=_models(fields, content) if version == "v2" else (),
    )


def models_submission(fields: Fields) -> ModelsSubmission:
    """A Models API task; `metadata` is passed back untouched in the callback."""
    content = _content(fields, media=True)
    return ModelsSubmission(
        content=content, callback_url=_url(fields, "callback_url"), metadata=fields.get("metadata")
    )


def _categories(fields: Fields) -> tuple[str, ...]:
    raw = fields.get("report_categories")
    if isinstance(raw, str):
        try:
            raw = jsonio.loads(raw) if raw.lstrip().startswith("[") else raw.split(",")
        except ValueError:
            raise _bad("report_categories must be a list of category keys") from None
    if raw is None or raw == []:
        raise _bad("report_categories is required", "missing_field")
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        raise _bad("report_categories must be a list of category keys")
    return tuple(c.strip() for c in raw)


def report_submission(fields: Fields) -> ReportSubmission:
    """A user report: about a post (`post_id`) or a user (`user_id`)."""
    post_id, user_id = _string(fields, "post_id"), _string(fields, "user_id")
    if post_id is None and user_id is None:
        raise _bad("Send post_id (to report a post) or user_id (to report a user)", "missing_field")
    return ReportSubmission(
        post_id=post_id,
        user_id=user_id,
        reporter_id=_string(fields, "reporter_id"),
        categories=_categories(fields),
        reason=_string(fields, "report_reason"),
    )
