"""The scripted reviewers' logic without HTTP: rule matching and per-value verdicts."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.vendors.outharm.actions import decisions, verdict
from mockserver.vendors.outharm.matchers import rule_matches
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA, Review, Submission


def sub(content: dict[str, list[str]]) -> Submission:
    return Submission("s1", DEFAULT_SCHEMA, content, 0.0, "manual")


CONTENT = {"title": ["Buy NOW"], "images": ["https://x.io/nsfw.png", "data:image/png;base64,AA"]}


@pytest.mark.parametrize(
    ("when", "appeal", "expected"),
    [
        ({}, False, True),
        ({"any_text_contains": "buy now"}, False, True),
        ({"any_text_contains": ["zzz", "now"]}, False, True),
        ({"any_text_contains": "nsfw"}, False, False),  # image values are not text
        ({"image_url_contains": "NSFW"}, False, True),
        ({"image_url_matches": r"^data:image/png"}, False, True),
        ({"any_text_matches": "^Buy"}, False, True),
        ({"any_text_matches": "^buy"}, False, False),
        ({"field": "images"}, False, True),
        ({"field": ["comments", "body"]}, False, False),
        ({"field": "images", "any_text_contains": "buy"}, False, False),
        ({"schema": "general content"}, False, True),
        ({"schema": DEFAULT_SCHEMA.id.upper()}, False, True),
        ({"schema": "other"}, False, False),
        ({"appeal": True}, False, False),
        ({"appeal": True}, True, True),
        ({"appeal": False}, False, True),
        ({"was_harmful": False}, True, True),
        ({"was_harmful": True}, True, False),
        ({"any_text_contains": "buy", "image_url_contains": "png"}, False, True),
        ({"any_text_contains": "buy", "image_url_contains": "gif"}, False, False),
    ],
)
def test_rule_matches(when: dict[str, Any], appeal: bool, expected: bool) -> None:
    assert rule_matches(when, sub(CONTENT), appeal) is expected


def test_was_harmful_reads_the_last_verdict() -> None:
    s = sub({"title": ["x"]})
    s.reviews.append(Review(1, False, 0.0, "r", 1.0, None, {"title": [(True, ("spam",))]}))
    assert rule_matches({"was_harmful": True}, s, True)
    s.reviews.append(Review(2, True, 0.0, "r", 2.0, None, {"title": [(False, ())]}))
    assert not rule_matches({"was_harmful": True}, s, True)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (False, (False, ())),
        (True, (True, ())),
        ("spam", (True, ("spam",))),
        (["a", "b"], (True, ("a", "b"))),
    ],
)
def test_verdict_forms(written: Any, expected: Any) -> None:
    assert verdict(written) == expected


def test_precedence_values_then_fields_then_base() -> None:
    s = sub({"title": ["a", "b"], "description": ["c"], "images": ["https://x.io/1.png"]})
    args = {"harmful": "hate", "fields": {"title": False}, "values": {"title": ["spam"]}}
    assert decisions(args, s, {}, {}) == {
        "title": [(True, ("spam",)), (False, ())],
        "description": [(True, ("hate",))],
        "images": [(True, ("hate",))],
    }


def test_uphold_repeats_the_previous_verdict_and_fills_gaps_as_safe() -> None:
    s = sub({"title": ["a", "b"]})
    previous: dict[str, list[tuple[bool, tuple[str, ...]]]] = {"title": [(True, ("hate",))]}
    assert decisions({"uphold": True}, s, {}, previous) == {
        "title": [(True, ("hate",)), (False, ())]
    }


def test_matching_without_value_tests_applies_to_everything() -> None:
    s = sub({"title": ["a"]})
    assert decisions({"harmful": True, "matching": True}, s, {"appeal": True}, {}) == {
        "title": [(True, ())]
    }


def test_strict_checks_for_the_control_plane() -> None:
    s = sub({"title": ["a"]})
    with pytest.raises(ValueError, match="no field 'images'"):
        decisions({"fields": {"images": True}}, s, {}, {}, strict=True)
    with pytest.raises(ValueError, match="1 value"):
        decisions({"values": {"title": [True, False]}}, s, {}, {}, strict=True)
    with pytest.raises(ValueError, match="not both"):
        decisions({"uphold": True, "harmful": True}, s, {}, {}, strict=True)
    # Scripted steps are lenient: a rule may name fields a submission lacks.
    assert decisions({"fields": {"images": True}}, s, {}, {}) == {"title": [(False, ())]}
