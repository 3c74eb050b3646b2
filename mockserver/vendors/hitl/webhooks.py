"""HITL.sh webhook payloads and signing (https://docs.hitl.sh/api-reference/webhooks).

Four payload variants are published; the body is the `hitl.webhook_body` variant (default A,
the event envelope of hitl-sh/docs.hitl.sh api-reference/webhooks.mdx, @0e23b17 and its newest
commit @6bcdeba, which the quickstart's handler reads: `data.request`, `data.reviewer`), and
the signature header the `hitl.signature_header` variant (default `X-HITL-Signature-256:
sha256=<hex HMAC-SHA256 of the exact raw body>`, when a secret is set; `bare`:
`X-HITL-Signature: <hex>`). `SIGNATURES` and `RETRY` are the vendor's webhook policy: the same
objects sign here and verify in the pytest receiver; the store's `Outbox` applies the policy and
the vendor's name to every send.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from mockserver.base.jsonio import dumps
from mockserver.records.clock import iso
from mockserver.vendors.hitl import variants
from mockserver.vendors.hitl.models import HitlRequest, Loop, Member, broadcast_json, person
from mockserver.vendors.hitl.scenario import HitlConfig, WebhookTarget
from mockserver.webhooks.policy import DEFAULT_POLICY, RetryPolicy
from mockserver.webhooks.signatures import HmacSignature

if TYPE_CHECKING:
    from mockserver.kit.variants import Selection
    from mockserver.kit.vendor import VendorState

SIGNATURE_HEADER = "X-HITL-Signature-256"
BARE_SIGNATURE_HEADER = "X-HITL-Signature"
WRONG_SECRET_SUFFIX = "-wrong"

# The documented schedule: immediate, 15 s, 1 min, 5 min, 30 min, 2 h, 12 h, 24 h (final); 2xx
# success, 4xx no retry except 408 and 429, answer within 30 s
# (hitl-sh/docs.hitl.sh api-reference/webhooks.mdx @0e23b17, "Retry Logic").
RETRY: RetryPolicy = DEFAULT_POLICY
SHA256 = HmacSignature(SIGNATURE_HEADER, "sha256=", name="hitl-hmac")
BARE = HmacSignature(BARE_SIGNATURE_HEADER, name="hitl-hmac-bare")
SIGNATURES = (SHA256, BARE)
_BY_FORM = {"sha256": SHA256, "bare": BARE}  # `hitl.signature_header` form -> scheme


def _envelope(
    event: str, req: HitlRequest, loop: Loop | None, request_json: dict[str, Any]
) -> dict[str, Any]:
    reviewer = req.response_by or req.claimed_by
    data: dict[str, Any] = {
        "request": request_json,
        "loop": loop.brief() if loop is not None else {"id": req.loop_id},
        "reviewer": None
        if reviewer is None
        else {"user_id": reviewer.id, "name": reviewer.name, "email": reviewer.email},
    }
    if event == "request.claimed":
        if req.claimed_at is not None:
            data["estimated_completion"] = iso(req.claimed_at + 300)
    elif event == "request.completed":
        pass
    elif event == "request.cancelled":
        was_pending = req.previous_status == "pending"
        data["refund_info"] = {
            "refunded": was_pending,
            "reason": "Request cancelled before processing began"
            if was_pending
            else "Request was already being processed by reviewer",
        }
        request_json["previous_status"] = req.previous_status
    elif event == "request.timeout":
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
    *,
    values: Mapping[str, Any] | None = None,
    broadcast: Callable[[tuple[Member, ...]], Any] | None = None,
) -> dict[str, Any]:
    """The webhook body in the `hitl.webhook_body` form (A, B, C, D or merged); `values` and
    `broadcast` as `HitlRequest.to_json` takes them."""
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
            "data": {"request": req.to_json("object", values=values, broadcast=broadcast)},
        }
    request_json = req.to_json(response_by, values=values, broadcast=broadcast)
    data = _envelope(event, req, loop, request_json)
    # Sent at the time of the change (always so on a manual clock): that time is written
    # already (unless the older shape's fields, spliced in last, could have replaced it).
    changed = now == (req.updated_at or req.created_at) and not req.legacy
    sent = request_json["updated_at"] if changed else iso(now)
    if form == "A":
        return {"event": event, "timestamp": sent, "data": data}
    return {"event": event, "timestamp": sent, **_flat(event, req), "data": data}


def _targets(cfg: HitlConfig, callback: Any, event: str) -> list[WebhookTarget]:
    targets: list[WebhookTarget] = []
    if callback:
        targets.append(_callback_target(callback, cfg.webhook_secret))
    for target in cfg.webhooks:
        if target.events is None or event in target.events:
            targets.append(target)
    return targets


@functools.lru_cache(maxsize=256)  # a wave sends every request's webhooks to a few URLs
def _callback_target(url: str, secret: str | None) -> WebhookTarget:
    return WebhookTarget(url, secret, None, "normal")


def _headers(target: WebhookTarget, body: bytes, form: str) -> Mapping[str, str]:
    scheme = _BY_FORM.get(form)  # None: the `none` form signs nothing
    if scheme is None or target.secret is None or target.mode == "no_signature":
        return {}
    if target.mode == "wrong_signature":
        return scheme.sign(target.secret + WRONG_SECRET_SUFFIX, body)
    return scheme.sign(target.secret, body)


def _broadcast_fragment(members: tuple[Member, ...]) -> orjson.Fragment:
    """`broadcasted_to` encoded once per broadcast list (every request made while a loop's
    members stay the same shares one: `Loop.broadcast`), spliced into each body as is."""
    kept = _BROADCASTS.get(id(members))
    if kept is None or kept[0] is not members:
        if len(_BROADCASTS) >= 256:
            _BROADCASTS.clear()
        kept = (members, orjson.Fragment(orjson.dumps(broadcast_json(members))))
        _BROADCASTS[id(members)] = kept
    return kept[1]


# id of a broadcast list -> (the list, kept alive while cached; its encoded JSON)
_BROADCASTS: dict[int, tuple[tuple[Member, ...], orjson.Fragment]] = {}


def _forms(chosen: Selection) -> tuple[str, str, str]:
    """The chosen `hitl.webhook_body`, `hitl.response_by` and `hitl.signature_header` forms,
    read once per selection (a selection never changes: choosing anew makes a new one)."""
    kept = _FORMS[0]
    if kept[0] is not chosen:
        forms = (
            chosen.form(variants.WEBHOOK_BODY),
            chosen.form(variants.RESPONSE_BY),
            chosen.form(variants.SIGNATURE),
        )
        kept = _FORMS[0] = (chosen, forms)
    return kept[1]


# the last selection read (kept alive while cached) and its forms
_FORMS: list[tuple[Selection | None, tuple[str, str, str]]] = [(None, ("", "", ""))]


def emit(state: VendorState[HitlConfig], event: str, req: HitlRequest, loop: Loop | None) -> None:
    """Send `event` for `req` to its callback_url and the scenario's targets."""
    values = req.values()
    cfg = state.cfg
    callback = values.get("callback_url")
    if not cfg.webhooks:
        if not callback:
            return
        targets: Sequence[WebhookTarget] = (_callback_target(callback, cfg.webhook_secret),)
    else:
        targets = _targets(cfg, callback, event)
        if not targets:
            return
    world = state.world
    now = world.clock.timestamp()
    form, response_by, signature = _forms(world.variants)
    # The encoded body: with the shared encoded `broadcasted_to`, or, for a value orjson
    # cannot write (an integer beyond 64 bits in the metadata, say), by the encoder's slower
    # path with the list itself (which that path can read).
    try:
        made = payload(
            event, req, loop, now, form, response_by, values=values, broadcast=_broadcast_fragment
        )
        body = bytes(memoryview(orjson.dumps(made, default=str)))
    except TypeError:
        made = payload(
            event, req, loop, now, form, response_by, values=values, broadcast=broadcast_json
        )
        body = dumps(made)
    send = state.webhooks.send
    subject = req.id
    for target in targets:
        headers = _headers(target, body, signature)
        send(event, target.url, body, headers, subject)
        if target.mode == "duplicate":
            send(event, target.url, body, headers, subject)
