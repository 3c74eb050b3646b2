"""`POST /submissions/{id}/moderation/manual`: add to queue / appeal (seed docs "Add to Queue",
"Appeals Process"): 200 with no body, 404, 422, and a fresh verdict with a second webhook."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, MakeSandbox, Receiver

OVERTURN = {"when": {"appeal": True}, "then": {"decide": {"after": "2h", "harmful": False}}}
SPAM = {
    "when": {"any_text_contains": "buy now"},
    "then": {"decide": {"after": "4h", "harmful": ["spam"]}},
}


@pytest.fixture
async def api(sandbox: MakeSandbox, receiver: Receiver) -> Api:
    section = {
        "webhook": {"url": receiver.url, "secret": "om_whsec"},
        "automated": {"rules": [{"contains": "buy now", "category": "spam", "score": 0.9}]},
        "manual": [OVERTURN, SPAM],
    }
    return await sandbox(section)


async def expect_error(resp: Any, status: int, name: str, message: str) -> None:
    assert resp.status == status
    assert await resp.json() == {"name": name, "message": message, "status_code": str(status)}


async def test_an_appeal_of_a_manual_verdict_ends_with_a_second_webhook(
    api: Api, receiver: Receiver
) -> None:
    sub_id = await api.manual({"title": ["buy now!"]})
    await api.advance("4h")
    assert [p["data"]["is_harmful"] for p in receiver.payloads()] == [True]

    # The seed's request example: no body, no Content-Type.
    resp = await api.post(f"/submissions/{sub_id}/moderation/manual")
    assert resp.status == 200
    assert await resp.read() == b""
    assert resp.headers.get("Content-Length") == "0"
    assert (await api.item(sub_id))["status"] == "queued"

    await api.advance("1h59m")
    assert len(receiver.received) == 1
    await api.advance("1m")
    first, second = receiver.payloads()
    assert first["data"]["results"]["title"]["detailed"] == [
        {"is_harmful": True, "categories": ["spam"]}
    ]
    assert second["event"] == "moderation.manual.completed"
    assert second["data"]["submission_id"] == sub_id
    assert second["data"]["is_harmful"] is False
    assert second["data"]["results"] == {
        "title": {"is_harmful": False, "detailed": [{"is_harmful": False}]}
    }
    item = await api.item(sub_id)
    assert [(r["number"], r["appeal"]) for r in item["reviews"]] == [(1, False), (2, True)]
    assert item["reviews"][1]["decided_at"] == "2026-01-01T15:00:00Z"
    assert [d["state"] for d in await api.deliveries(subject=sub_id)] == ["delivered"] * 2


async def test_an_automated_submission_can_be_escalated(api: Api, receiver: Receiver) -> None:
    scored = await api.automated({"title": ["buy now"], "description": ["fine"]})
    assert scored["is_harmful"] is True
    sub_id = scored["submission_id"]
    assert (await api.item(sub_id))["status"] == "scored"
    assert (await api.queue(sub_id)).status == 200
    await api.advance("2h")
    (payload,) = receiver.payloads()
    assert payload["data"]["submission_id"] == sub_id
    assert (
        payload["data"]["is_harmful"] is False
    )  # the appeal rule overturned the automated verdict


async def test_queueing_what_is_already_queued_is_422(api: Api) -> None:
    sub_id = await api.manual({"title": ["x"]})
    expected = (422, "request-already-processed", "Request already processed")
    await expect_error(await api.queue(sub_id), *expected)
    scored = await api.automated({"title": ["y"]})
    assert (await api.queue(scored["submission_id"])).status == 200
    await expect_error(await api.queue(scored["submission_id"]), *expected)
    await api.advance("1d")
    assert (await api.queue(sub_id)).status == 200  # decided: it can be appealed


@pytest.mark.parametrize(
    "submission_id", ["123e4567-e89b-12d3-a456-426614174000", "not-a-uuid", "1"]
)
async def test_an_unknown_submission_is_404(api: Api, submission_id: str) -> None:
    await expect_error(
        await api.queue(submission_id),
        404,
        "submission-not-found",
        "Submission not found or not accessible",
    )


async def test_the_submission_id_is_matched_without_case(api: Api) -> None:
    scored = await api.automated({"title": ["x"]})
    assert (await api.queue(scored["submission_id"].upper())).status == 200


async def test_the_first_reviews_scripted_step_cannot_decide_the_appeal(
    sandbox: MakeSandbox,
) -> None:
    manual = [
        {"when": {"appeal": True}, "then": "hold"},
        {"otherwise": {"decide": {"after": "4h", "harmful": "spam"}}},
    ]
    api = await sandbox({"manual": manual})
    sub_id = await api.manual({"title": ["x"]})
    await api.control("POST", f"/items/outharm/{sub_id}", {"decide": {"harmful": "hate"}})
    assert (await api.queue(sub_id)).status == 200
    await api.advance("5h")  # the 4h step of review 1 was dropped when review 1 was decided
    assert (await api.item(sub_id))["status"] == "queued"


async def test_was_harmful_and_uphold_script_a_rejected_appeal(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    manual = [
        {"when": {"appeal": True, "was_harmful": True}, "then": {"decide": {"uphold": True}}},
        {"when": {"appeal": True}, "then": {"decide": {"harmful": "spam"}}},
    ]
    api = await sandbox({"webhook": {"url": receiver.url, "secret": "s"}, "manual": manual})
    sub_id = await api.manual({"title": ["a", "b"]})
    await api.control(
        "POST", f"/items/outharm/{sub_id}", {"decide": {"values": {"title": [False, "hate"]}}}
    )
    await api.queue(sub_id)
    await api.advance("0s")
    first, second = receiver.payloads()
    assert first["data"] == second["data"]  # upheld: the same verdict again

    other = await api.automated({"title": ["fine"]})  # safe automated verdict
    await api.queue(other["submission_id"])
    await api.advance("0s")
    assert receiver.payloads()[-1]["data"]["is_harmful"] is True
