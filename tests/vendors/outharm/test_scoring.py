"""Outharm automated scoring (deterministic, one global threshold) and result bodies."""

from __future__ import annotations

from typing import Any

from mockserver.vendors.outharm.models import DEFAULT_SCHEMA, DEFAULT_SCHEMA_ID
from mockserver.vendors.outharm.scenario import parse_section
from mockserver.vendors.outharm.scoring import (
    MANUAL_COMPLETED,
    AutomatedConfig,
    ManualDecisions,
    manual_result_json,
    score_submission,
    uniform_decisions,
)

COMPONENTS = DEFAULT_SCHEMA.components  # what scoring reads of a schema
SUB = "123e4567-e89b-12d3-a456-426614174000"


def automated(section: dict[str, Any]) -> AutomatedConfig:
    return parse_section({"automated": section}).automated


RULES = automated(
    {
        "threshold": 0.5,
        "rules": [
            {"field": "title", "contains": "buy now", "category": "spam", "score": 0.92},
            {"field": "title", "matches": "(?i)kill|hate", "category": "hate", "score": 0.9},
            {"any_text_matches": "(?i)idiot", "category": "harassment", "score": 0.7},
            {"image_url_matches": "nsfw", "category": "sexual", "score": 0.97},
            {"any_text_contains": "meh", "category": "violence", "score": 0.3},
        ],
    }
)


def test_rules_give_per_value_scores_and_the_documented_shape() -> None:
    content = {
        "title": ["I HATE this", "lovely day"],
        "description": ["what an idiot", "meh"],
        "images": ["https://cdn.example.com/nsfw/1.jpg", "https://cdn.example.com/cat.jpg"],
    }
    result = score_submission(COMPONENTS, content, RULES)
    assert result.to_json(SUB, DEFAULT_SCHEMA_ID) == {
        "submission_id": SUB,
        "schema_id": DEFAULT_SCHEMA_ID,
        "is_harmful": True,
        "results": {
            "title": {
                "is_harmful": True,
                "detailed": [
                    {"is_harmful": True, "categories": ["hate"], "scores": {"hate": 0.9}},
                    {"is_harmful": False},
                ],
            },
            "description": {
                "is_harmful": True,
                "detailed": [
                    {
                        "is_harmful": True,
                        "categories": ["harassment"],
                        "scores": {"harassment": 0.7},
                    },
                    {"is_harmful": False, "scores": {"violence": 0.3}},
                ],
            },
            "images": {
                "is_harmful": True,
                "detailed": [
                    {"is_harmful": True, "categories": ["sexual"], "scores": {"sexual": 0.97}},
                    {"is_harmful": False},
                ],
            },
        },
    }


def test_scoring_is_deterministic() -> None:
    content = {"title": ["Buy now, idiot", "kill"], "body": ["fine"]}
    first = score_submission(COMPONENTS, content, RULES).to_json(SUB, DEFAULT_SCHEMA_ID)
    for _ in range(5):
        assert score_submission(COMPONENTS, content, RULES).to_json(SUB, DEFAULT_SCHEMA_ID) == (
            first
        )


def test_contains_is_case_insensitive_and_field_scoped() -> None:
    result = score_submission(COMPONENTS, {"title": ["BUY NOW!"], "body": ["buy now"]}, RULES)
    assert result.results["title"].detailed[0].categories == ("spam",)
    assert not result.results["body"].is_harmful


def test_text_rules_skip_images_and_image_rules_skip_text() -> None:
    content = {"images": ["https://example.com/idiot.jpg"], "body": ["nsfw talk"]}
    result = score_submission(COMPONENTS, content, RULES)
    assert not result.is_harmful


def test_score_equal_to_threshold_is_harmful() -> None:
    cfg = automated(
        {"threshold": 0.7, "rules": [{"contains": "x", "category": "hate", "score": 0.7}]}
    )
    value = score_submission(COMPONENTS, {"title": ["x"]}, cfg).results["title"].detailed[0]
    assert value.is_harmful and value.categories == ("hate",)


def test_score_just_below_threshold_is_safe_but_scored() -> None:
    cfg = automated(
        {"threshold": 0.7, "rules": [{"contains": "x", "category": "hate", "score": 0.69}]}
    )
    result = score_submission(COMPONENTS, {"title": ["x"]}, cfg)
    assert not result.is_harmful
    assert result.to_json(SUB, DEFAULT_SCHEMA_ID)["results"]["title"]["detailed"] == [
        {"is_harmful": False, "scores": {"hate": 0.69}}
    ]


def test_threshold_zero_flags_any_scored_value_but_not_unmatched_ones() -> None:
    cfg = automated({"threshold": 0, "rules": [{"contains": "x", "category": "hate", "score": 0}]})
    result = score_submission(COMPONENTS, {"title": ["x", "y"]}, cfg)
    assert [v.is_harmful for v in result.results["title"].detailed] == [True, False]


def test_highest_score_wins_and_categories_keep_rule_order() -> None:
    cfg = automated(
        {
            "rules": [
                {"contains": "a", "category": "violence", "score": 0.6},
                {"contains": "a", "category": "hate", "score": 0.8},
                {"contains": "a", "category": "violence", "score": 0.9},
            ]
        }
    )
    value = score_submission(COMPONENTS, {"title": ["a"]}, cfg).results["title"].detailed[0]
    assert value.scores == {"violence": 0.9, "hate": 0.8}
    assert value.categories == ("violence", "hate")


def test_disabled_categories_are_not_analysed() -> None:
    cfg = automated(
        {"categories": ["hate"], "rules": [{"contains": "a", "category": "spam", "score": 1}]}
    )
    result = score_submission(COMPONENTS, {"title": ["a"]}, cfg)
    assert result.to_json(SUB, DEFAULT_SCHEMA_ID)["results"]["title"]["detailed"] == [
        {"is_harmful": False}
    ]


def test_no_rules_means_everything_is_safe() -> None:
    result = score_submission(COMPONENTS, {"title": ["kill"]}, AutomatedConfig())
    assert result.to_json(SUB, DEFAULT_SCHEMA_ID)["is_harmful"] is False


def test_manual_result_matches_the_documented_webhook_example() -> None:
    decisions: ManualDecisions = {
        "title": [(True, ("violence", "hate"))],
        "description": [(False, ()), (False, ())],
        "images": [(False, ()), (True, ("sexual", "violence"))],
    }
    assert manual_result_json(SUB, DEFAULT_SCHEMA_ID, decisions) == {
        "event": MANUAL_COMPLETED,
        "data": {
            "submission_id": SUB,
            "schema_id": DEFAULT_SCHEMA_ID,
            "is_harmful": True,
            "results": {
                "title": {
                    "is_harmful": True,
                    "detailed": [{"is_harmful": True, "categories": ["violence", "hate"]}],
                },
                "description": {
                    "is_harmful": False,
                    "detailed": [{"is_harmful": False}, {"is_harmful": False}],
                },
                "images": {
                    "is_harmful": True,
                    "detailed": [
                        {"is_harmful": False},
                        {"is_harmful": True, "categories": ["sexual", "violence"]},
                    ],
                },
            },
        },
    }


def test_manual_result_drops_categories_of_safe_values() -> None:
    body = manual_result_json(SUB, DEFAULT_SCHEMA_ID, {"title": [(False, ("spam",))]})
    assert body["data"]["is_harmful"] is False
    assert body["data"]["results"]["title"]["detailed"] == [{"is_harmful": False}]


def test_uniform_decisions_and_automated_decisions_feed_the_manual_body() -> None:
    content = {"title": ["a", "b"], "images": ["https://example.com/x.jpg"]}
    assert uniform_decisions(content, ["spam"]) == {
        "title": [(True, ("spam",)), (True, ("spam",))],
        "images": [(True, ("spam",))],
    }
    assert uniform_decisions(content, []) == {
        "title": [(False, ()), (False, ())],
        "images": [(False, ())],
    }
    upheld = score_submission(COMPONENTS, {"title": ["I hate it", "ok"]}, RULES).decisions()
    body = manual_result_json(SUB, DEFAULT_SCHEMA_ID, upheld)
    assert body["data"]["results"]["title"]["detailed"] == [
        {"is_harmful": True, "categories": ["hate"]},
        {"is_harmful": False},
    ]
