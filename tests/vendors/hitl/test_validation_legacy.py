"""HITL create-request bodies in the older seed shape (https://docs.hitl.sh/concepts/requests as of
hitl-sh/docs.hitl.sh concepts/requests.mdx @cce3de9): mapping and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hitl.validation import CreateRequestInput, parse_create_request

# The seed requests page, the older shape
LEGACY_TEXT = {
    "loop_id": "content_moderation",
    "content": "User submitted comment text",
    "content_type": "text",
    "priority": "normal",
    "ai_analysis": {"confidence": 0.65, "flags": ["potential_hate_speech"], "risk_score": 0.7},
    "metadata": {"user_id": "user_123", "source": "social_media_api"},
    "context": {"language": "en", "contains_links": False},
}


def failed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    assert (info.value.status, info.value.message) == (400, "Validation failed")
    return info.value.data


def lenient(body: Any) -> CreateRequestInput:
    return parse_create_request(body, strict=False)


# --- older request shape (the seed requests page) -------------------------------------------


def test_legacy_text_request_is_mapped_and_kept() -> None:
    req = lenient(LEGACY_TEXT)
    assert (req.request_text, req.type, req.priority) == (
        "User submitted comment text",
        "markdown",
        "medium",
    )
    assert req.legacy == {
        "content": "User submitted comment text",
        "content_type": "text",
        "priority": "normal",
        "ai_analysis": LEGACY_TEXT["ai_analysis"],
    }
    assert req.metadata == LEGACY_TEXT["metadata"]
    assert req.context == LEGACY_TEXT["context"]
    assert (req.response_type, req.timeout_seconds, req.processing_type) == (
        "single_select",
        3600,
        "time-sensitive",
    )
    assert failed(parse_create_request, LEGACY_TEXT, strict=True) == "request_text is required"


def test_legacy_media_requests() -> None:
    image = lenient({"content": "aGVsbG8=", "content_type": "image", "priority": "urgent"})
    assert (image.type, image.image_url, image.request_text, image.priority) == (
        "image",
        "data:image/png;base64,aGVsbG8=",
        "Review this image",
        "critical",
    )
    video = lenient({"content": "https://cdn.example.com/v.mp4", "content_type": "video"})
    assert (video.type, video.video_url, video.request_text) == (
        "video",
        "https://cdn.example.com/v.mp4",
        "Review this video",
    )
    doc = lenient({"content": "https://example.com/r.pdf", "content_type": "document"})
    assert (doc.type, doc.file_url, doc.legacy) == (
        "file",
        "https://example.com/r.pdf",
        {"content": "https://example.com/r.pdf", "content_type": "document"},
    )


def test_legacy_shape_with_explicit_response_type() -> None:
    body = {
        "content": "Rate this",
        "response_type": "rating",
        "response_config": {"min": 1, "max": 5},
    }
    req = lenient(body)
    assert (req.response_type, req.response_config.max_value, req.legacy) == (
        "rating",
        5,
        {"content": "Rate this"},
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"content_type": "text"}, "content is required"),
        ({"content": 12}, "content must be a string"),
        ({"content": "x" * 2001}, "content must be between 1 and 2000 characters"),
        (
            {"content": "x", "content_type": "audio"},
            "content_type must be one of: text, image, video",
        ),
        (
            {"content": "x", "priority": "asap"},
            "priority must be one of: low, normal, high, urgent",
        ),
        ({"content": "x", "ai_analysis": [0.5]}, "ai_analysis must be an object"),
    ],
)
def test_legacy_shape_errors(body: dict[str, Any], problem: str) -> None:
    assert failed(parse_create_request, body, strict=False).startswith(problem)
