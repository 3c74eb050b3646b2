"""Body parsing (JSON, urlencoded, multipart from already-read bytes) and field validation."""

from __future__ import annotations

import pytest

from mockserver.base.errors import ApiError
from mockserver.vendors.hive.forms import Upload, parse_body
from mockserver.vendors.hive.validation import dashboard_submission, report_submission

MULTIPART = (
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="text_data"\r\n\r\n'
    b"h\xc3\xa9llo\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="media"; filename="gun.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n"
    b"\xff\xd8\xff\r\n"
    b"--XyZ--\r\n"
)


def test_multipart_fields_and_files() -> None:
    fields = parse_body(MULTIPART, "multipart/form-data; boundary=XyZ")
    assert fields == {
        "text_data": "héllo",
        "media": Upload("gun.jpg", "image/jpeg", b"\xff\xd8\xff"),
    }


def test_urlencoded_repeats_become_lists() -> None:
    fields = parse_body(b"models=visual&models=ocr&post_id=1", "application/x-www-form-urlencoded")
    assert fields == {"models": ["visual", "ocr"], "post_id": "1"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [(b'{"post_id": 1}', {"post_id": 1}), (b"post_id=1", {"post_id": "1"})],
)
def test_no_content_type_guesses(body: bytes, expected: dict[str, object]) -> None:
    assert parse_body(body, "") == expected


def test_a_multipart_body_without_boundary_is_refused() -> None:
    with pytest.raises(ApiError) as caught:
        parse_body(b"junk", "multipart/form-data")
    assert (caught.value.status, caught.value.code) == (400, "invalid_form")


def test_form_strings_for_lists_and_metadata() -> None:
    sub = dashboard_submission(
        {
            "user_id": 12,
            "post_id": "p",
            "url": "https://x.test/v.mp4",
            "models": '["visual", "ocr", "visual"]',
            "content_metadata": '{"channel": "kids"}',
            "patron_metadata": '{"tier": 1}',
        },
        version="v2",
        is_async=True,
    )
    assert (sub.id_field, sub.user_id) == ("user_id", "12")
    assert sub.models == ("visual", "ocr")
    assert sub.content_metadata == {"channel": "kids"} and sub.user_metadata == {"tier": 1}
    assert sub.callback_url is None  # optional on v2
    text = dashboard_submission(
        {"user_id": "u", "post_id": "p", "text_data": "hi", "models": "text"},
        version="v2",
        is_async=False,
    )
    assert text.models == ("text",)


def test_report_categories_from_a_form() -> None:
    report = report_submission({"user_id": "u", "report_categories": "spam,hate"})
    assert report.categories == ("spam", "hate") and report.post_id is None
