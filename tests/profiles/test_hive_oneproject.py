"""One Project's moderation provider as a client of the sandbox's Hive Moderation Dashboard.

Facts, from github.com/oneprojectorg/common at commit 2d02d19e7c32e8dbcae061aafc5b254ac084c12b,
`packages/common/src/services/moderation/providers/hive.ts`:

- `submitAsync` POSTs to `https://api.hivemoderation.com/api/v1/task/async` with
  `authorization: token <key>` and `content-type: application/x-www-form-urlencoded`, a body of
  `user_id` (the publisher id, `oneproject` by default), `post_id` (its content reference),
  `callback_url`, and either `text_data` or `url` (one task per text and per media URL). It
  requires a 2xx answer and reads the task id as `task_id ?? id`.
- `parseWebhook` reads the callback's JSON: `post_id` (a string, required), `task_id`
  (nullable string) and `triggered_rules[].rule_name`; a non-empty `triggered_rules` is
  `flagged` (the reason: the rule names joined by ", "), an empty one `clear`.

On the defaults, with only the origin and the key changed, and with no lenience note: v1 takes
`user_id` (newer docs; the seed's v1 names it `patron_id`), which this production integration
relies on.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.testing import Sandbox, SandboxClock
from mockserver.testing.receiver import ReceiverEndpoint
from tests.profiles.hive_outharm_support import no_lenience, origin, post

ASYNC_URL = "https://api.hivemoderation.com/api/v1/task/async"
KEY = "oneproject-dashboard-key"
PUBLISHER = "oneproject"

SCENARIO: dict[str, Any] = {
    "clock": "manual",
    "hive": {
        "keys": [KEY],
        "callback_delay": "2s",
        "text": [{"matches": "(?i)vermin", "class": "hate", "score": 3}],
        "visual": [{"url_contains": "rifle", "class": "gun_in_hand", "score": 0.96}],
        "rules": [
            {"name": "Hate speech", "if": "hate >= 2"},
            {"name": "Weapons", "if": "gun_in_hand >= 0.9"},
        ],
    },
}


def submit_async(sandbox: Sandbox, post_id: str, callback: str, **content: str) -> str:
    answer = post(
        origin(sandbox, "hive", ASYNC_URL),
        {
            "authorization": f"token {sandbox.api_key(KEY)}",
            "content-type": "application/x-www-form-urlencoded",
            **sandbox.headers,
        },
        data={"user_id": PUBLISHER, "post_id": post_id, "callback_url": callback, **content},
    )
    assert 200 <= answer.status_code < 300, answer.text
    data = answer.json()
    task_id = data.get("task_id") or data.get("id")
    assert isinstance(task_id, str) and task_id
    return task_id


def parse_webhook(body: dict[str, Any]) -> dict[str, Any]:
    assert isinstance(body["post_id"], str)
    assert body.get("task_id") is None or isinstance(body["task_id"], str)
    rules = body.get("triggered_rules") or []
    names = [r.get("rule_name") for r in rules if r.get("rule_name")]
    return {
        "ref": body["post_id"],
        "verdict": "flagged" if rules else "clear",
        "record": body.get("task_id"),
        "reason": ", ".join(names) if rules else None,
    }


@pytest.mark.mockserver_scenario(SCENARIO)
def test_each_text_and_media_task_comes_back_as_a_verdict(
    mockserver: Sandbox, mockserver_clock: SandboxClock, webhook_receiver: ReceiverEndpoint
) -> None:
    callback = webhook_receiver.url
    tasks = {
        "proposal:42:r1": submit_async(
            mockserver, "proposal:42:r1", callback, text_data="They are vermin"
        ),
        "proposal:42:r1:0": submit_async(
            mockserver, "proposal:42:r1:0", callback, url="https://cdn.example/rifle.jpg"
        ),
        "comment:7:r1": submit_async(mockserver, "comment:7:r1", callback, text_data="Thanks!"),
    }
    mockserver_clock.advance("2s")
    hooks = webhook_receiver.wait(3)
    verdicts = {v["ref"]: v for v in (parse_webhook(h.json()) for h in hooks)}
    assert verdicts == {
        "proposal:42:r1": {
            "ref": "proposal:42:r1",
            "verdict": "flagged",
            "record": tasks["proposal:42:r1"],
            "reason": "Hate speech",
        },
        "proposal:42:r1:0": {
            "ref": "proposal:42:r1:0",
            "verdict": "flagged",
            "record": tasks["proposal:42:r1:0"],
            "reason": "Weapons",
        },
        "comment:7:r1": {
            "ref": "comment:7:r1",
            "verdict": "clear",
            "record": tasks["comment:7:r1"],
            "reason": None,
        },
    }
    no_lenience(mockserver)
