"""Checking Hive request fields and turning them into typed submissions.

Dashboard v1/v2 (DASHBOARD_DOCS, the seed, and V2_DOCS): exactly one of `text_data` and
`url`; `post_id` and the user id (`patron_id`, newer docs `user_id`) required; `callback_url`
required for v1 async (v2 docs mark it optional); metadata objects. Models API (MODELS_DOCS):
exactly one of `media`, `url`, `text_data`. Reports (REPORT_DOCS): `post_id` or `user_id`,
`report_categories` required. Hive publishes no error catalogue, so every failure here is our
own 4xx with a short `error` code (README fidelity notes).

What is accepted beyond the documents is returned as `conveniences` (noted when lenient,
refused when strict, `mockserver/kit/conveniences.py`): a JSON number for an id, `patron_id` on v2
(whose docs name it `user_id`) or both names at once, `callback_url` on a sync call, and any
field the endpoint's docs do not list. v1 takes `patron_id` (older docs, the seed) or `user_id`
(newer docs, and oneprojectorg/common sends it to v1 in production): both are documented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

from mockserver.base import jsonio
from mockserver.base.errors import ApiError
from mockserver.base.urls import url_problem
from mockserver.kit.conveniences import Convenience, convenience

from .forms import Fields, Upload

IdField = Literal["patron_id", "user_id"]
TEXT_MODEL: Final = "text"
VISUAL_MODEL: Final = "visual"
# v2 `models` names: the docs' example uses "ocr", "visual", "audio"; the rest are our reading
# of the prose ("visual, audio, demographics, AI-generated media"). Only text and visual scores
# are emulated; the others are acknowledged and reported in project_status_map.
URL_MODELS: Final = ("visual", "ocr", "audio", "demographics", "ai_generated_media")
TEXT_MODELS: Final = (TEXT_MODEL,)

DASHBOARD_DOCS: Final = "https://docs.thehive.ai/docs/dashboard-api-reference"
V2_DOCS: Final = "https://docs.thehive.ai/docs/dashboard-api-reference-v2-multi-model-support"
MODELS_DOCS: Final = "https://docs.thehive.ai/reference/submit-a-task-synchronously"
REPORT_DOCS: Final = "https://docs.thehive.ai/docs/submit-user-reports-to-the-dashboard"
# The fields each endpoint's documents list (the pages above; conversation context:
# https://docs.thehive.ai/docs/view-conversation-context; metadata:
# https://docs.thehive.ai/docs/metadata-configuration; Thorn:
# https://docs.thehive.ai/docs/submit-to-thorn-api).
DASHBOARD_FIELDS: Final = frozenset(
    {
        *("text_data", "url", "post_id", "patron_id", "user_id", "callback_url", "models"),
        *("content_metadata", "user_metadata", "patron_metadata", "conversation_id"),
        *("timestamp", "thorn_enabled"),
    }
)
MODELS_FIELDS: Final = frozenset(
    {"media", "url", "text_data", "callback_url", "metadata", "options", "language"}
)
REPORT_FIELDS: Final = frozenset(
    {"post_id", "user_id", "reporter_id", "report_categories", "report_reason"}
)
Found = list[Convenience]


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
    conveniences: tuple[Convenience, ...] = ()


@dataclass(frozen=True)
class ModelsSubmission:
    content: Content
    callback_url: str | None = None
    metadata: Any = None
    conveniences: tuple[Convenience, ...] = ()


@dataclass(frozen=True)
class ReportSubmission:
    post_id: str | None
    user_id: str | None
    reporter_id: str | None
    categories: tuple[str, ...]
    reason: str | None
    conveniences: tuple[Convenience, ...] = ()


def _bad(message: str, code: str = "invalid_field") -> ApiError:
    return ApiError(400, message, code=code)


def _string(fields: Fields, name: str, found: Found) -> str | None:
    """A scalar field as text; None when absent or empty. A JSON number is taken as its text
    (a convenience: the docs give ids as strings)."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(f"{name} must be a string")
    if not isinstance(value, str):
        refusal = _bad(f"{name} must be a string, got the number {value!r}")
        found.append(convenience("hive.numeric_id", refusal, DASHBOARD_DOCS, name))
    text = str(value).strip()
    return text or None


def _unknown_fields(fields: Fields, known: frozenset[str], source: str, found: Found) -> None:
    for name in fields:
        if name not in known:
            refusal = _bad(f"Unknown field {name!r}")
            found.append(convenience("hive.unknown_field", refusal, source, name))


def _sync_callback(callback: str | None, is_async: bool, source: str, found: Found) -> None:
    if callback is not None and not is_async:
        refusal = _bad("callback_url is for async tasks only (/task/async)")
        found.append(convenience("hive.callback_url_on_sync", refusal, source))


def _required(fields: Fields, name: str, found: Found) -> str:
    value = _string(fields, name, found)
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
    value = _string(fields, name, [])  # a URL is text: a number fails the scheme check below
    if value is not None and not value.lower().startswith(("http://", "https://")):
        raise _bad(f"{name} must be an http(s) URL, got {value!r}", "unsupported_input")
    if value is not None and (problem := url_problem(value)) is not None:
        # e.g. an unclosed IPv6 bracket, or a port such as `+8080` (mockserver/base/urls.py)
        raise _bad(f"{name} is not a valid URL: {problem}", "unsupported_input")
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


def _user(fields: Fields, prefer: IdField, found: Found) -> tuple[IdField, str]:
    """The submitter: `patron_id` (v1 docs) or `user_id` (newer docs); answers echo the name
    the client used. v2's docs know only `user_id`: `patron_id` there is a convenience, and so
    is sending both names (agreeing) anywhere."""
    patron, user = _string(fields, "patron_id", found), _string(fields, "user_id", found)
    if patron is not None and user is not None and patron != user:
        raise _bad("patron_id and user_id name the same user: send one", "conflicting_fields")
    if patron is None and user is None:
        raise _bad(f"{prefer} is required", "missing_field")
    if patron is not None and user is not None:
        refusal = _bad("patron_id and user_id name the same user: send one", "conflicting_fields")
        found.append(convenience("hive.user_id_name", refusal, V2_DOCS, "both names sent"))
    elif patron is not None and prefer == "user_id":
        refusal = _bad("user_id is required", "missing_field")
        found.append(convenience("hive.user_id_name", refusal, V2_DOCS, "patron_id on v2"))
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
    found: Found = []
    content = _content(fields, media=False)
    post_id = _required(fields, "post_id", found)
    id_field, user_id = _user(fields, "patron_id" if version == "v1" else "user_id", found)
    callback = _url(fields, "callback_url")
    if is_async and version == "v1" and callback is None:
        raise _bad("callback_url is required for async tasks", "missing_field")
    source = DASHBOARD_DOCS if version == "v1" else V2_DOCS
    _sync_callback(callback, is_async, source, found)
    _unknown_fields(fields, DASHBOARD_FIELDS, source, found)
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
        conveniences=tuple(found),
    )


def models_submission(fields: Fields, *, is_async: bool) -> ModelsSubmission:
    """A Models API task; `metadata` is passed back untouched in the callback."""
    found: Found = []
    content = _content(fields, media=True)
    callback = _url(fields, "callback_url")
    _sync_callback(callback, is_async, MODELS_DOCS, found)
    _unknown_fields(fields, MODELS_FIELDS, MODELS_DOCS, found)
    return ModelsSubmission(
        content=content,
        callback_url=callback,
        metadata=fields.get("metadata"),
        conveniences=tuple(found),
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
    found: Found = []
    post_id, user_id = _string(fields, "post_id", found), _string(fields, "user_id", found)
    if post_id is None and user_id is None:
        raise _bad("Send post_id (to report a post) or user_id (to report a user)", "missing_field")
    _unknown_fields(fields, REPORT_FIELDS, REPORT_DOCS, found)
    return ReportSubmission(
        post_id=post_id,
        user_id=user_id,
        reporter_id=_string(fields, "reporter_id", found),
        categories=_categories(fields),
        reason=_string(fields, "report_reason", found),
        conveniences=tuple(found),
    )
