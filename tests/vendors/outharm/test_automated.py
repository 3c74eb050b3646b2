"""`POST /moderation/automated` through HTTP: the synchronous result (its shape is the sandbox's
documented choice: the part of https://outharm.com/docs/api/automated that gives it could not be
read), scores from scenario rules, and the stored submission."""

from __future__ import annotations

from .conftest import SCHEMA_ID, MakeSandbox

RULES = {
    "threshold": 0.5,
    "rules": [
        {"field": "title", "matches": "(?i)kill|hate", "category": "hate", "score": 0.92},
        {"any_text_contains": "cheap", "category": "spam", "score": 0.4},
        {"image_url_contains": "nsfw", "category": "sexual", "score": 0.97},
    ],
}


async def test_the_seed_example_body_is_scored_safe_by_default(sandbox: MakeSandbox) -> None:
    api = await sandbox({})
    content = {
        "title": ["User-generated content requiring expert review"],
        "description": ["Complex content that needs human judgment"],
        "images": ["https://example.com/user-uploaded-image.jpg"],
    }
    result = await api.automated(content)
    safe = {"is_harmful": False, "detailed": [{"is_harmful": False}]}
    assert result == {
        "submission_id": result["submission_id"],
        "schema_id": SCHEMA_ID,
        "is_harmful": False,
        "results": {"title": safe, "description": safe, "images": safe},
    }
    item = await api.item(result["submission_id"])
    assert (item["status"], item["source"], item["reviews"]) == ("scored", "automated", [])
    assert item["automated"] == result


async def test_rules_give_categories_and_scores_per_value(sandbox: MakeSandbox) -> None:
    api = await sandbox({"automated": RULES})
    result = await api.automated(
        {
            "title": ["I hate this", "cheap hats"],
            "images": ["https://cdn.io/a.jpg", "https://cdn.io/nsfw/b.jpg"],
        }
    )
    assert result["is_harmful"] is True
    assert result["results"]["title"] == {
        "is_harmful": True,
        "detailed": [
            {"is_harmful": True, "categories": ["hate"], "scores": {"hate": 0.92}},
            {"is_harmful": False, "scores": {"spam": 0.4}},  # below the threshold
        ],
    }
    assert result["results"]["images"]["detailed"][1] == {
        "is_harmful": True,
        "categories": ["sexual"],
        "scores": {"sexual": 0.97},
    }


async def test_the_threshold_decides(sandbox: MakeSandbox) -> None:
    api = await sandbox({"automated": {**RULES, "threshold": 0.4}})
    result = await api.automated({"description": ["cheap"]})
    # https://outharm.com/docs/concepts/automated: score >= threshold is harmful.
    assert result["results"]["description"]["detailed"] == [
        {"is_harmful": True, "categories": ["spam"], "scores": {"spam": 0.4}}
    ]


async def test_a_scenario_schema_with_its_own_id(sandbox: MakeSandbox) -> None:
    schema_id = "6f1c2a4e-9b7d-4c3e-8a2f-0d5e6b7c8a9f"
    schemas = [{"id": schema_id, "name": "Chat", "components": {"message": "text"}}]
    api = await sandbox({"schemas": schemas})
    resp = await api.post(
        "/moderation/automated", {"schema_id": schema_id.upper(), "content": {"message": ["hi"]}}
    )
    assert resp.status == 200
    assert (await resp.json())["schema_id"] == schema_id
    resp = await api.post(
        "/moderation/automated", {"schema_id": SCHEMA_ID, "content": {"message": ["hi"]}}
    )
    assert resp.status == 404  # only the scenario's schemas exist
