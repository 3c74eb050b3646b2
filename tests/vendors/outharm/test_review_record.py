"""What a review records and how a queued submission's scripted steps show: who decided, from
which rule, the webhook it sent, the steps still to come, and the refusals a reviewer reads.
(Issue 18: these survived mutation once the decide logic moved to `actions.py`.)"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from .conftest import Api, MakeSandbox, Receiver, scenario_text

SCRIPT = {"manual": [{"otherwise": [{"decide": {"after": "30s", "harmful": True}}]}]}


async def _act(api: Api, sub_id: str, step: object) -> tuple[int, dict[str, Any]]:
    resp = await api.client.post(f"/_mockserver/items/outharm/{sub_id}", json=step)
    body: dict[str, Any] = await resp.json()
    return resp.status, body


async def test_a_manual_decision_records_its_reviewer_and_its_webhook(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    api = await sandbox({"webhook": {"url": receiver.url, "secret": "s"}, **SCRIPT})
    sub_id = await api.manual({"title": ["x"]})
    status, item = await _act(api, sub_id, {"decide": {"harmful": False, "by": "dana@example.com"}})
    assert status == 200
    (review,) = item["reviews"]
    assert review["decided_by"] == "dana@example.com"
    (delivery,) = await api.deliveries()
    assert review["delivery_id"] == delivery["id"]


async def test_a_queued_submission_shows_its_rule_and_its_scripted_step(
    sandbox: MakeSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    api = await sandbox(SCRIPT)
    sub_id = await api.manual({"title": ["x"]})
    item = await api.item(sub_id)
    lines = scenario_text(SCRIPT).splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "otherwise" in text)
    assert item["reviews"][0]["rule"].startswith(f"test.yaml:{line}:")  # the rule's own line
    ((step,),) = [item["next"]]
    assert (step["action"], step["in_seconds"], step["label"]) == ("decide", 30, f"{sub_id}:decide")
    with caplog.at_level(logging.INFO, logger="mockserver.scenario"):
        await api.advance("30s")
    (ran,) = [r for r in caplog.records if getattr(r, "event", "") == "scripted.decide"]
    assert (ran.vendor, ran.item) == ("outharm", sub_id)  # type: ignore[attr-defined]
    assert ran.getMessage().startswith(f"outharm {sub_id}: scripted decide")


async def test_deciding_by_hand_drops_the_scripted_steps(sandbox: MakeSandbox) -> None:
    api = await sandbox(SCRIPT)
    sub_id = await api.manual({"title": ["x"]})
    await _act(api, sub_id, {"decide": {"harmful": False}})
    assert (await api.item(sub_id))["next"] == []
    timers = (await api.control("GET", "/clock/timers"))["timers"]
    assert [t for t in timers if t["label"].startswith(sub_id)] == []


async def test_a_reviewer_reads_why_a_decision_is_refused(sandbox: MakeSandbox) -> None:
    api = await sandbox({"manual": [{"otherwise": "hold"}]})
    sub_id = await api.manual({"title": ["x"]})
    status, body = await _act(api, sub_id, {"decide": {"uphold": True, "harmful": True}})
    assert (status, body["error"]) == (400, "give `uphold: true` or `harmful`, not both")
    await _act(api, sub_id, {"decide": {"harmful": False}})
    scored = (await api.automated({"title": ["y"]}))["submission_id"]
    status, body = await _act(api, scored, {"decide": {"harmful": False}})
    assert (status, body["error"]) == (
        400,
        "Submission is not queued for manual review (scored)",
    )


async def test_the_named_reviewer_decides_not_a_random_one(sandbox: MakeSandbox) -> None:
    people = [
        {"name": "Dana Reviewer", "email": "dana@example.com"},
        {"name": "Sam Moderator", "email": "sam@example.com"},
    ]
    api = await sandbox({"manual": [{"otherwise": "hold"}]}, reviewers=people)
    for who in ("sam@example.com", "dana@example.com", "sam@example.com"):
        sub_id = await api.manual({"title": ["x"]})
        status, item = await _act(api, sub_id, {"decide": {"harmful": False, "by": who}})
        assert (status, item["reviews"][0]["decided_by"]) == (200, who)


async def test_a_manual_verdict_on_a_field_the_submission_lacks_is_refused(
    sandbox: MakeSandbox,
) -> None:
    api = await sandbox({"manual": [{"otherwise": "hold"}]})
    sub_id = await api.manual({"title": ["x"], "description": ["y"]})
    for group, verdict in (("fields", True), ("values", [True])):
        status, body = await _act(api, sub_id, {"decide": {group: {"nosuch": verdict}}})
        assert (status, body["error"]) == (
            400,
            f"{group}: submission has no field 'nosuch' (it has: title, description)",
        )


async def test_a_manual_matching_verdict_reads_no_rule(sandbox: MakeSandbox) -> None:
    """By hand, `matching` has no rule to read: the verdict covers every value."""
    rule = {"when": {"any_text_contains": "spam"}, "then": "hold"}
    api = await sandbox({"manual": [rule]})
    sub_id = await api.manual({"title": ["spam", "fine"]})
    step = {"decide": {"harmful": "spam", "matching": True}}
    status, item = await _act(api, sub_id, step)
    assert status == 200
    detailed = item["result"]["results"]["title"]["detailed"]
    assert [d["is_harmful"] for d in detailed] == [True, True]


async def test_a_scripted_matching_verdict_marks_only_the_matching_images(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    rule = {
        "when": {"image_url_contains": "nsfw"},
        "then": {"decide": {"harmful": "sexual", "matching": True}},
    }
    api = await sandbox({"webhook": {"url": receiver.url, "secret": "s"}, "manual": [rule]})
    await api.manual(
        {"title": ["x"], "images": ["https://cdn.io/nsfw/1.jpg", "https://cdn.io/2.jpg"]}
    )
    await api.advance("0s")
    results = receiver.payloads()[0]["data"]["results"]
    assert [d["is_harmful"] for d in results["images"]["detailed"]] == [True, False]
    assert results["title"]["is_harmful"] is False
