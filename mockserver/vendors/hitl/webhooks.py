"""HITL.sh webhook payloads and signing (reference/hitl-api.md §5).

Four payload variants are published; the body is the `hitl.webhook_body` variant (default A,
the event envelope the seed quickstart's handler reads: `data.request`, `data.reviewer`), and
the signature header the `hitl.signature_header` variant (default `X-HITL-Signature-256:
sha256=<hex HMAC-SHA256 of the exact raw body>`, when a secret is set).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mockserver.clock import iso
from mockserver.jsonio import dumps
from mockserver.vendors.hitl import variants
from mockserver.vendors.hitl.config import HitlConfig, WebhookTarget
from mockserver.vendors.hitl.models import HitlRequest, Loop, person
from mockserver.webhooks.policy import DEFAULT_POLICY
from mockserver.webhooks.signing import hmac_sha256_hex

if TYPE_CHECKING:
    from mockserver.world import World

SIGNATURE_HEADER = "X-HITL-Signature-256"
BARE_SIGNATURE_HEADER = "X-HITL-Signature"
WRONG_SECRET_SUFFIX = "-wrong"


def sign(body: bytes, secret: str, form: str = "sha256") -> dict[str, str]:
    if form == "none":
        return {}
    if form == "bare":
        return {BARE_SIGNATURE_HEADER: hmac_sha256_hex(secret, body)}
    return {SIGNATURE_HEADER: "sha256=" + hmac_sha256_hex(secret, body)}


def _envelope(
    event: str, req: HitlRequest, loop: Loop | None, request_json: dict[str, Any]
) -> dict[str, Any]:
    reviewer = req.response_by or req.claimed_by
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
    return data


def _flat(event: str, req: HitlRequest) -> dict[str, Any]:
    decided = event == "request.completed"
    return {
        "request_id": req.id,
        "loop_id": req.loop_id,
        "status": req.status,
        "response_data": req.response_data if decided else None,
        "response_by": person(req.response_by) if decided else None,
        "response_at": iso(req.response_at) if decided and req.response_at else None,
        "response_time_seconds": req.response_time_seconds if decided else None,
        "created_at": iso(req.created_at),
    }


def payload(
    event: str,
    req: HitlRequest,
    loop: Loop | None,
    now: float,
    form: str = "A",
    response_by: str = "id",
) -> dict[str, Any]:
    """The webhook body in the `hitl.webhook_body` form (A, B, C, D or merged)."""
    if form == "B":
        return {"event": event, **_flat(event, req)}
    if form == "D":
        decided = event == "request.completed"
        reviewer = req.response_by
        return {
            "event": event,
            "request_id": req.id,
            "status": req.status,
            "response_data": req.response_data if decided else None,
            "response_by": reviewer.email if decided and reviewer else None,
            "completed_at": iso(req.response_at) if decided and req.response_at else None,
        }
    if form == "C":
        return {
            "event": event,
            "request_id": req.id,
            "timestamp": iso(now),
            "data": {"request": req.to_json("object")},
        }
    data = _envelope(event, req, loop, req.to_json(response_by))
    if form == "A":
        return {"event": event, "timestamp": iso(now), "data": data}
    return {"event": event, "timestamp": iso(now), **_flat(event, req), "data": data}


def _targets(cfg: HitlConfig, req: HitlRequest, event: str) -> list[WebhookTarget]:
    targets: list[WebhookTarget] = []
    callback = req.fields.get("callback_url")
    if callback:
        targets.append(WebhookTarget(callback, cfg.webhook_secret, None, "normal"))
    for target in cfg.webhooks:
        if target.events is None or event in target.events:
            targets.append(target)
    return targets


def _headers(target: WebhookTarget, body: bytes, form: str) -> Mapping[str, str]:
    if target.secret is None or target.mode == "no_signature":
        return {}
    if target.mode == "wrong_signature":
        return sign(body, target.secret + WRONG_SECRET_SUFFIX, form)
    return sign(body, target.secret, form)


def emit(world: World, cfg: HitlConfig, event: str, req: HitlRequest, loop: Loop | None) -> None:
    """Send `event` for `req` to its callback_url and the scenario's targets."""
    targets = _targets(cfg, req, event)
    if not targets:
        return
    chosen = world.variants
    body = dumps(
        payload(
            event,
            req,
            loop,
            world.clock.timestamp(),
            chosen.form(variants.WEBHOOK_BODY),
            chosen.form(variants.RESPONSE_BY),
        )
    )
    signature = chosen.form(variants.SIGNATURE)
    policy = DEFAULT_POLICY.with_settings(world.scenario.delivery)
    for target in targets:
        copies = 2 if target.mode == "duplicate" else 1
        for _ in range(copies):
            world.dispatcher.send(
                vendor="hitl",
                event=event,
                url=target.url,
                body=body,
                headers=_headers(target, body, signature),
                policy=policy,
                subject=req.id,
            )
