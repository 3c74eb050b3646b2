"""Manual moderation end to end: the seed's request, scripted reviewers on the manual clock, the
documented `moderation.manual.completed` webhook, and reviewer actions via the control plane."""

from __future__ import annotations

import re
from typing import Any

from .conftest import SCHEMA_ID, MakeSandbox, Receiver

# The seed docs' request example for POST /moderation/manual, verbatim.
SEED_CONTENT = {
    "title": ["User-generated content requiring expert review"],
    "description": [
        "Complex content that needs human judgment",
        "Context-sensitive material to evaluate",
    ],
    "images": [
        "https://example.com/user-uploaded-image.jpg",
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD...",
    ],
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SAFE = {"is_harmful": False}


def hook(url: str, **extra: str) -> dict[str, str]:
    return {"url": url, "secret": "om_whsec", **extra}


def safe_result(sub_id: str) -> dict[str, Any]:
    return {
        "event": "moderation.manual.completed",
        "data": {
            "submission_id": sub_id,
            "schema_id": SCHEMA_ID,
            "is_harmful": False,
            "results": {
                "title": {"is_harmful": False, "detailed": [SAFE]},
                "description": {"is_harmful": False, "detailed": [SAFE, SAFE]},
                "images": {"is_harmful": False, "detailed": [SAFE, SAFE]},
            },
        },
    }


async def test_seed_request_example_then_default_verdict_by_webhook(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    api = await sandbox({"webhook": hook(receiver.url)})
    # The seed example, as written: the documented headers and body.
    resp = await api.post(
        "/moderation/manual",
        {"schema_id": SCHEMA_ID, "content": SEED_CONTENT},
        headers={"Authorization": "Bearer your_api_token_here", "Content-Type": "application/json"},
    )
    assert resp.status == 200
    body = await resp.json()
    assert list(body) == ["submission_id"] and UUID.match(body["submission_id"])
    sub_id = body["submission_id"]
    assert (await api.item(sub_id))["status"] == "queued"

    await api.advance("59s")  # no rule matches: the default verdict comes after 1 minute
    assert receiver.received == [] and await api.deliveries() == []
    await api.advance("1s")

    ((headers, raw),) = receiver.received
    assert headers["Authorization"] == "Bearer om_whsec"
    assert headers["Content-Type"] == "application/json"
    assert receiver.payloads() == [safe_result(sub_id)]
    item = await api.item(sub_id)
    assert item["status"] == "completed"
    assert item["result"] == safe_result(sub_id)["data"]
    (delivery,) = await api.deliveries()
    assert delivery["event"] == "moderation.manual.completed"
    assert delivery["subject"] == sub_id
    assert delivery["state"] == "delivered"
    assert delivery["url"] == receiver.url
    assert delivery["body"].encode() == raw  # the log holds the exact bytes sent
    assert [a["status"] for a in delivery["attempts"]] == [200]
    assert delivery["attempts"][0]["at"] == "2026-01-01T09:01:00Z"


async def test_a_rule_decides_after_its_delay(sandbox: MakeSandbox, receiver: Receiver) -> None:
    manual = [
        {
            "when": {"any_text_contains": "buy now"},
            "then": {"decide": {"after": "4h", "harmful": ["spam"]}},
        }
    ]
    api = await sandbox({"webhook": hook(receiver.url), "manual": manual})
    sub_id = await api.manual({"title": ["BUY NOW cheap pills"], "images": ["https://x.io/a.png"]})
    await api.advance("3h59m")
    assert receiver.received == []
    await api.advance("1m")
    assert receiver.payloads() == [
        {
            "event": "moderation.manual.completed",
            "data": {
                "submission_id": sub_id,
                "schema_id": SCHEMA_ID,
                "is_harmful": True,
                "results": {
                    "title": {
                        "is_harmful": True,
                        "detailed": [{"is_harmful": True, "categories": ["spam"]}],
                    },
                    "images": {
                        "is_harmful": True,
                        "detailed": [{"is_harmful": True, "categories": ["spam"]}],
                    },
                },
            },
        }
    ]


async def test_per_field_and_per_value_verdicts_give_the_documented_example(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    decide = {
        "after": "10m",
        "fields": {"title": ["violence", "hate"]},
        "values": {"images": [False, ["sexual", "violence"]]},
    }
    api = await sandbox(
        {"webhook": hook(receiver.url), "manual": [{"otherwise": {"decide": decide}}]}
    )
    sub_id = await api.manual(SEED_CONTENT)
    await api.advance("10m")
    # The webhook example of https://outharm.com/docs/api/webhooks, value for value.
    assert receiver.payloads()[0]["data"] == {
        "submission_id": sub_id,
        "schema_id": SCHEMA_ID,
        "is_harmful": True,
        "results": {
            "title": {
                "is_harmful": True,
                "detailed": [{"is_harmful": True, "categories": ["violence", "hate"]}],
            },
            "description": {"is_harmful": False, "detailed": [SAFE, SAFE]},
            "images": {
                "is_harmful": True,
                "detailed": [SAFE, {"is_harmful": True, "categories": ["sexual", "violence"]}],
            },
        },
    }


async def test_matching_limits_the_verdict_to_the_matched_values(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    rule = {
        "when": {"any_text_contains": ["buy now", "free money"], "field": "description"},
        "then": {"decide": {"harmful": "spam", "matching": True}},
    }
    api = await sandbox({"webhook": hook(receiver.url), "manual": [rule]})
    await api.manual({"title": ["buy now"], "description": ["hello", "FREE MONEY here"]})
    await api.advance("0s")
    results = receiver.payloads()[0]["data"]["results"]
    assert results == {
        "title": {"is_harmful": False, "detailed": [SAFE]},
        "description": {
            "is_harmful": True,
            "detailed": [SAFE, {"is_harmful": True, "categories": ["spam"]}],
        },
    }


async def test_rules_match_on_schema_field_regex_and_image_url(sandbox: MakeSandbox) -> None:
    manual = [
        {"when": {"schema": "nope"}, "then": {"decide": {"harmful": "hate"}}},
        {"when": {"field": "comments"}, "then": {"decide": {"harmful": "harassment"}}},
        {
            "when": {"any_text_matches": r"(?i)\bkill\b"},
            "then": {"decide": {"harmful": "violence"}},
        },
        {"when": {"image_url_contains": "NSFW"}, "then": {"decide": {"harmful": "sexual"}}},
        {"when": {"schema": "General Content", "first": 1}, "then": {"decide": {"harmful": True}}},
    ]
    api = await sandbox({"manual": manual})
    cases = [
        ({"title": ["x"], "comments": ["y"]}, ["harassment"]),
        ({"title": ["I will KILL it"]}, ["violence"]),
        ({"title": ["skill"], "images": ["https://cdn.io/nsfw/1.jpg"]}, ["sexual"]),
        ({"title": ["https://cdn.io/nsfw/1.jpg"]}, []),  # image tests skip text values; `first: 1`
        ({"title": ["fine"]}, None),  # `first: 1` used up: the default verdict
    ]
    ids = [await api.manual(content) for content, _ in cases]
    await api.advance("1m")
    for sub_id, (_, categories) in zip(ids, cases, strict=True):
        result = (await api.item(sub_id))["result"]
        if categories is None:
            assert result["is_harmful"] is False
        else:
            assert result["is_harmful"] is True
            assert result["results"]["title"]["detailed"][0]["categories"] == categories


async def test_uphold_on_a_new_submission_agrees_with_automated_scoring(
    sandbox: MakeSandbox,
) -> None:
    section = {
        "automated": {
            "rules": [
                {"field": "title", "contains": "idiot", "category": "harassment", "score": 0.8}
            ]
        },
        "manual": [
            {"otherwise": {"decide": {"after": "5m", "uphold": True, "by": "dana@example.com"}}}
        ],
    }
    api = await sandbox(section)
    sub_id = await api.manual({"title": ["you idiot", "hello"]})
    await api.advance("5m")
    item = await api.item(sub_id)
    assert item["result"]["results"]["title"]["detailed"] == [
        {"is_harmful": True, "categories": ["harassment"]},
        SAFE,
    ]
    (review,) = item["reviews"]
    assert review["decided_by"] == "dana@example.com"
    assert review["decided_at"] == "2026-01-01T09:05:00Z"
    assert review["appeal"] is False


async def test_the_secret_header_is_configurable(sandbox: MakeSandbox, receiver: Receiver) -> None:
    api = await sandbox({"webhook": hook(receiver.url, header="X-Webhook-Secret")})
    await api.manual({"title": ["x"]})
    await api.advance("1m")
    ((headers, _),) = receiver.received
    assert headers["X-Webhook-Secret"] == "om_whsec"  # any other header carries the bare secret
    assert "Authorization" not in headers


async def test_without_a_webhook_the_verdict_is_only_on_the_control_plane(
    sandbox: MakeSandbox,
) -> None:
    api = await sandbox({})
    sub_id = await api.manual({"title": ["x"]})
    await api.advance("1m")
    item = await api.item(sub_id)
    assert item["status"] == "completed" and item["reviews"][0]["delivery_id"] is None
    assert await api.deliveries() == []


async def test_hold_leaves_it_to_a_reviewer_on_the_control_plane(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    manual = [{"when": {"any_text_contains": "second look"}, "then": "hold"}]
    api = await sandbox({"webhook": hook(receiver.url), "manual": manual})
    sub_id = await api.manual({"title": ["needs a second look"], "description": ["a", "b"]})
    await api.advance("30d")
    assert (await api.item(sub_id))["status"] == "queued"
    queued = await api.control("GET", "/items?vendor=outharm&status=queued")
    assert [i["id"] for i in queued["items"]] == [sub_id]

    decide = {"decide": {"values": {"description": [False, "hate"]}, "by": "dana@example.com"}}
    item = await api.control("POST", f"/items/outharm/{sub_id}", decide)
    assert item["status"] == "completed"
    assert item["reviews"][0]["decided_by"] == "dana@example.com"
    # The first attempt is due at once; the clock's runner sends it without an advance.
    await api.control("GET", "/wait/deliveries?vendor=outharm&state=delivered&timeout=5")
    assert receiver.payloads()[0]["data"]["results"]["description"]["detailed"] == [
        SAFE,
        {"is_harmful": True, "categories": ["hate"]},
    ]
    waited = await api.control("GET", f"/wait/items/outharm/{sub_id}?status=completed&timeout=1")
    assert waited == {"id": sub_id, "status": "completed"}


async def test_a_manual_verdict_cancels_the_scripted_one(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    manual = [{"otherwise": {"decide": {"after": "1h", "harmful": "spam"}}}]
    api = await sandbox({"webhook": hook(receiver.url), "manual": manual})
    sub_id = await api.manual({"title": ["x"]})
    await api.control("POST", f"/items/outharm/{sub_id}", "decide")  # bare word: not harmful
    await api.advance("2h")
    assert [p["data"]["is_harmful"] for p in receiver.payloads()] == [False]


async def test_control_plane_errors(sandbox: MakeSandbox) -> None:
    api = await sandbox({"manual": [{"otherwise": "hold"}]})
    sub_id = await api.manual({"title": ["x"]})
    client = api.client
    resp = await client.post(
        f"/_mockserver/items/outharm/{sub_id}", json={"decide": {"fields": {"images": True}}}
    )
    assert resp.status == 400
    assert "submission has no field 'images'" in (await resp.json())["error"]
    resp = await client.post(
        f"/_mockserver/items/outharm/{sub_id}", json={"decide": {"values": {"title": [True, True]}}}
    )
    assert resp.status == 400
    resp = await client.post(
        f"/_mockserver/items/outharm/{sub_id}", json={"decide": {"harmful": "Not A Slug"}}
    )
    assert resp.status == 400
    resp = await client.post(
        "/_mockserver/items/outharm/00000000-0000-4000-8000-000000000000", json="decide"
    )
    assert resp.status == 404
    assert (await resp.json())["error"] == "Submission not found"
    resp = await client.post(f"/_mockserver/items/outharm/{sub_id}", json={"fail": {"status": 500}})
    assert resp.status == 400
    assert (await resp.json())["error"] == "`fail` applies only when a submission arrives"
    assert (await client.post(f"/_mockserver/items/outharm/{sub_id}", json="decide")).status == 200
    resp = await client.post(f"/_mockserver/items/outharm/{sub_id}", json="decide")
    assert resp.status == 400
    assert (await resp.json())["error"] == "Submission is not queued for manual review (completed)"


async def test_ids_and_timeline_are_deterministic_for_a_seed(sandbox: MakeSandbox) -> None:
    runs = []
    for _ in range(2):
        api = await sandbox({})
        runs.append([await api.manual({"title": [str(i)]}) for i in range(3)])
    assert runs[0] == runs[1] and len(set(runs[0])) == 3


async def test_a_scripted_decide_is_lenient_where_a_control_call_is_strict(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    """A scenario's `fields` naming a field this submission lacks is ignored (scenarios serve
    many submission shapes); the same step sent over the control plane is refused (above)."""
    manual = [{"otherwise": {"decide": {"after": "1h", "fields": {"images": True}}}}]
    api = await sandbox({"webhook": hook(receiver.url), "manual": manual})
    sub_id = await api.manual({"title": ["x"]})
    await api.advance("2h")
    assert (await api.item(sub_id))["status"] == "completed"
    assert [p["data"]["is_harmful"] for p in receiver.payloads()] == [False]
    assert (await api.control("GET", "/scenario"))["problems"] == []
