"""Outharm's public demo integration as a client of the sandbox, under the one variant it needs.

Facts, from github.com/deswif/outharm-demo at commit 2c0b50a1b2b9f8c53784fb3a21167be9fdb2612b:

- `src/handers/uploadFeed.ts`: `POST https://api.outharm.com/automated/predict` with
  `Authorization: Bearer <OUTHARM_TOKEN>` and a `form-data` body holding the upload as the
  `image` file part (a uuid file name with the image's extension); anything but a 2xx is an
  error; it reads `isHarmful` and `predictionId` (stored in an `Int` column,
  `prisma/schema.prisma`).
- `src/handers/reportFeed.ts`: for a harmless prediction, `POST .../manual/report/<predictionId>`
  (no body); reads `status` (`reported` or `pending-moderation`) and, for `pending-moderation`,
  `data.requestId`.
- `src/handers/appealUpploadFeed.ts`: for a harmful prediction, `POST .../manual/appeal/
  <predictionId>` (no body); reads `requestId`.
- `src/handers/outharmWebhook.ts`: answers 401 unless `Authorization` is exactly
  `Bearer <OUTHARM_WEBHOOK_SECRET>`; for `event == "moderation-completed"` reads
  `data.isHarmful` and `data.moderationRequestId`: harmful deletes the post with that request
  id, harmless marks it harmless.

It needs `outharm.generation: legacy`: that generation is all it speaks, and Outharm's current
documentation describes another (`/moderation/*`); on the defaults its first call is a 404 in
Outharm's error body.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mockserver.testing import Sandbox, SandboxClock
from mockserver.testing.receiver import ReceiverEndpoint
from tests.profiles.hive_outharm_support import multipart_file, origin, post

API = "https://api.outharm.com"
TOKEN = "demo-outharm-token"


def scenario(receiver: ReceiverEndpoint) -> str:
    return f"""
clock: manual
variants: {{outharm.generation: legacy}}
outharm:
  tokens: [{TOKEN}]
  automated:
    rules:
      - {{image_url_contains: beach, category: sexual, score: 0.93}}
  webhook: {{url: "{receiver.url}", secret: "{receiver.secret}"}}
  manual:
    - when: {{appeal: true}}
      then: {{decide: {{after: 1h, harmful: false}}}}
    - otherwise: {{decide: {{after: 2h, harmful: [sexual]}}}}
"""


@dataclass
class Feed:
    """A row of the demo's `Feed` table."""

    id: int
    harmful: bool
    prediction_id: int
    request_id: int | None = None


class Demo:
    """The demo's handlers, calling the sandbox with only the origin and the token changed."""

    def __init__(self, sandbox: Sandbox, secret: str) -> None:
        self.sandbox, self.secret = sandbox, secret
        self.feeds: dict[int, Feed] = {}
        self.auth = {"Authorization": f"Bearer {sandbox.api_key(TOKEN)}", **sandbox.headers}

    def url(self, path: str) -> str:
        return origin(self.sandbox, "outharm", API + path)

    def upload(self, extension: str) -> Feed:
        body, content_type = multipart_file(
            "image", f"{uuid.uuid4()}.{extension}", b"\xff\xd8\xff\xe0", "image/jpeg"
        )
        answer = post(
            self.url("/automated/predict"), {**self.auth, "Content-Type": content_type}, data=body
        )
        assert answer.ok, answer.text
        data = answer.json()
        assert isinstance(data["predictionId"], int)
        feed = Feed(len(self.feeds) + 1, data["isHarmful"], data["predictionId"])
        self.feeds[feed.id] = feed
        return feed

    def report(self, feed: Feed) -> str:
        assert not feed.harmful  # the demo reports false negatives only
        answer = post(self.url(f"/manual/report/{feed.prediction_id}"), self.auth)
        assert answer.ok, answer.text
        data = answer.json()
        if data["status"] == "pending-moderation":
            feed.request_id = data["data"]["requestId"]
        return str(data["status"])

    def appeal(self, feed: Feed) -> None:
        assert feed.harmful  # the demo appeals harmful predictions only
        answer = post(self.url(f"/manual/appeal/{feed.prediction_id}"), self.auth)
        assert answer.ok, answer.text
        feed.request_id = answer.json()["requestId"]

    def webhook(self, authorization: str | None, body: dict[str, object]) -> int:
        if authorization != f"Bearer {self.secret}":
            return 401
        if body["event"] == "moderation-completed":
            data = body["data"]
            assert isinstance(data, dict)
            (feed,) = [
                f for f in self.feeds.values() if f.request_id == data["moderationRequestId"]
            ]
            if data["isHarmful"]:
                del self.feeds[feed.id]
            else:
                feed.harmful = False
        return 200


def test_the_demo_needs_the_legacy_generation(mockserver: Sandbox) -> None:
    body, content_type = multipart_file("image", "a.jpg", b"\xff\xd8", "image/jpeg")
    answer = post(
        origin(mockserver, "outharm", API + "/automated/predict"),
        {"Authorization": "Bearer t", "Content-Type": content_type, **mockserver.headers},
        data=body,
    )
    assert (answer.status_code, answer.json()) == (
        404,
        {
            "name": "not-found",
            "message": "No such endpoint: POST /automated/predict",
            "status_code": "404",
        },
    )


def test_upload_report_appeal_and_the_verdict_webhooks(
    mockserver: Sandbox, mockserver_clock: SandboxClock, webhook_receiver: ReceiverEndpoint
) -> None:
    mockserver.load_scenario(scenario(webhook_receiver))
    mockserver_clock.freeze()
    demo = Demo(mockserver, webhook_receiver.secret)
    # the sandbox scores an upload by its file name (a uuid here): the `beach` rule decides
    sunset, cat = demo.upload("jpg"), demo.upload("png")
    assert (sunset.harmful, cat.harmful) == (False, False)
    flagged = demo.upload("beach.jpg")
    assert flagged.harmful and flagged.prediction_id == 3
    demo.appeal(flagged)
    assert demo.report(cat) == "pending-moderation"
    assert demo.report(cat) == "reported"  # a second report while the review is open
    mockserver_clock.advance("2h")
    hooks = webhook_receiver.wait(2)
    assert [demo.webhook(h.header("Authorization"), h.json()) for h in hooks] == [200, 200]
    assert demo.webhook("Bearer wrong", hooks[0].json()) == 401
    # the appeal was upheld (the post is harmless now); the reported post is gone
    assert sorted(demo.feeds) == [sunset.id, flagged.id]
    assert demo.feeds[flagged.id].harmful is False
