"""HITL.sh webhook payloads and signing (reference/hitl-api.md §5).

Four payload variants are published. One body satisfies the two that clients code against:
variant B's flat fields at the top (`event`, `request_id`, `status`, `response_data`,
`response_by{user_id,name,email}` ...) and variant A's envelope under `data` (`data.request`,
`data.loop`, `data.reviewer`), which the seed quickstart's handler reads. Signed with
`X-HITL-Signature-256: sha256=<hex HMAC-SHA256 of the exact raw body>` when a secret is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mockserver.clock import iso
from mockserver.jsonio import dumps
from mockserver.vendors.hitl.config import HitlConfig, WebhookTarget
from mockserver.vendors.hitl.models import HitlRequest, Loop, person
from mockserver.webhooks.policy import DEFAULT_POLICY
from mockserver.webhooks.signing import hmac_sha256_hex

if TYPE_CHECKING:
    from mockserver.world import World

SIGNATURE_HEADER = "X-HITL-Signature-256"
WRONG_SECRET_SUFFIX = "-wrong"


def sign(body: bytes, secret: str) -> dict[str, str]:
    return {SIGNATURE_HEADER: "sha256=" + hmac_sha256_hex(secret, body)}


def payload(event: str, req: HitlRequest, loop: Loop | None, now: float) -> dict[str, Any]:
    reviewer = req.response_by or req.claimed_by
    request_json = req.to_json()
    data: dict[str, Any] = {
        "request": request_json,
        "loop": loop.brief() if loop else {"id": req.loop_id},
        "reviewer": person(reviewer),
    }
    if event == "request.claimed" and req.claimed_at is not None:
        data["estimated_completion"] = iso(req.claimed_at + 300)
    if event == "request.cancelled":
        data["refund_info"] = {
            "refunded": req.previous_status == "pending",
            "reason": "Request cancelled before processing began"
            if req.previous_status == "pending"
            else "Request was already being processed by reviewer",
        }
    if event in ("request.cancelled", "request.timeout"):
        request_json["previous_status"] = req.previous_status
    decided = event == "request.completed"
    return {
        "event": event,
        "timestamp": iso(now),
        "request_id": req.id,
        "loop_id": req.loop_id,
        "status": req.status,
        "response_data": req.response_data if decided else None,
        "response_by": person(req.response_by) if decided else None,
        "response_at": iso(req.response_at) if decided and req.response_at else None,
        "response_time_seconds": req.response_time_seconds if decided else None,
        "created_at": iso(req.created_at),
        "data": data,
    }


def _targets(cfg: HitlConfig, req: HitlRequest, event: str) -> list[WebhookTarget]:
    targets: list[WebhookTarget] = []
    callback = req.fields.get("callback_url")
    if callback:
        targets.append(WebhookTarget(callback, cfg.webhook_secret, None, "normal"))
    for target in cfg.webhooks:
        if target.events is None or event in target.events:
            targets.append(target)
    return targets


def _headers(target: WebhookTarget, body: bytes) -> Mapping[str, str]:
    if target.secret is None or target.mode == "no_signature":
        return {}
    if target.mode == "wrong_signature":
        return sign(body, target.secret + WRONG_SECRET_SUFFIX)
    return sign(body, target.secret)


def emit(world: World, cfg: HitlConfig, event: str, req: HitlRequest, loop: Loop | None) -> None:
    """Send `event` for `req` to its callback_url and the scenario's targets."""
    targets = _targets(cfg, req, event)
    if not targets:
        return
    body = dumps(payload(event, req, loop, world.clock.timestamp()))
    policy = DEFAULT_POLICY.with_settings(world.scenario.delivery)
    for target in targets:
        copies = 2 if target.mode == "duplicate" else 1
        for _ in range(copies):
            world.dispatcher.send(
                vendor="hitl",
                event=event,
                url=target.url,
                body=body,
                headers=_headers(target, body),
                policy=policy,
                subject=req.id,
            )
