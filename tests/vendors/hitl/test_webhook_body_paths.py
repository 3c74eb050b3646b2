"""The webhook body as built for sending writes the same bytes as the straightforward build it
replaced (kept below as it was where it changed: every field looked up and every time formatted
where it is written), for every body, `response_by` and signature form, over generated requests:
legacy fields, metadata (an integer beyond 64 bits too), media fields, every lifecycle event,
decided or not, sent at the time of the change or later, equal or falsy times."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.base.jsonio import dumps
from mockserver.kit.variants import Selection
from mockserver.records.clock import iso
from mockserver.scenario.model import Reviewer
from mockserver.vendors.hitl import webhooks
from mockserver.vendors.hitl.models import (
    ApiUser,
    HitlRequest,
    Loop,
    Member,
    _response_by,
    broadcast_json,
    person,
)
from mockserver.vendors.hitl.response_config import parse_response_config
from mockserver.vendors.hitl.scenario import HitlConfig, WebhookTarget
from mockserver.vendors.hitl.validation import FIELD_NAMES
from mockserver.vendors.hitl.variants import VARIANTS, WEBHOOK_BODY

# -- the straightforward build, as it was -------------------------------------------------------


def plain_request(
    req: HitlRequest,
    response_by: str,
    f: Mapping[str, Any],
    broadcast: Callable[[tuple[Member, ...]], Any],
) -> dict[str, Any]:
    created = iso(req.created_at)
    answered = iso(req.response_at) if req.response_at else None
    reviewer = req.response_by
    out: dict[str, Any] = {
        "id": req.id,
        "loop_id": req.loop_id,
        "creator_id": req.owner.user_id,
        "api_key_id": req.owner.api_key_id,
        "processing_type": f.get("processing_type"),
        "type": f.get("type"),
        "priority": f.get("priority"),
        "request_text": f.get("request_text"),
        "image_url": f.get("image_url"),
        "context": f.get("context"),
        "platform": f.get("platform", None if "platform" in req.names else "api"),
        "platform_version": f.get("platform_version"),
        "response_type": req.config.response_type,
        "response_config": req.config.raw,
        "default_response": req.default_response,
        "timeout_seconds": f.get("timeout_seconds"),
        "timeout_at": iso(req.timeout_at),
        "callback_url": f.get("callback_url"),
        "broadcasted_to": broadcast(req.broadcasted_to),
        "broadcasted_at": created,
        "status": req.status,
        "claimed_by": req.claimed_by.id if req.claimed_by else None,
        "claimed_at": iso(req.claimed_at) if req.claimed_at else None,
        "response_by": _response_by(reviewer, response_by),
        "response_at": answered,
        "completed_at": answered,
        "response_data": req.response_data,
        "response_time_seconds": req.response_time_seconds,
        "created_at": created,
        "updated_at": iso(req.updated_at or req.created_at),
    }
    for key in ("file_url", "file_type", "file_name", "video_url", "audio_url", "tags"):
        if f.get(key) is not None:
            out[key] = f[key]
    if f.get("metadata") is not None:
        out["metadata"] = f["metadata"]
    if req.cancelled_at is not None:
        out["cancelled_at"] = iso(req.cancelled_at)
    if req.timed_out_at is not None:
        out["timed_out_at"] = iso(req.timed_out_at)
    if response_by == "id_and_user":
        out["response_by_user"] = person(reviewer)
    out.update(req.legacy)
    return out


def plain_envelope(
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


def plain_payload(
    event: str, req: HitlRequest, loop: Loop | None, now: float, form: str, response_by: str
) -> dict[str, Any]:
    f = req.values()
    if form in ("B", "D"):  # (not built from the request's JSON: unchanged)
        return webhooks.payload(event, req, loop, now, form, response_by)
    if form == "C":
        return {
            "event": event,
            "request_id": req.id,
            "timestamp": iso(now),
            "data": {"request": plain_request(req, "object", f, broadcast_json)},
        }
    request_json = plain_request(req, response_by, f, broadcast_json)
    data = plain_envelope(event, req, loop, request_json)
    if form == "A":
        return {"event": event, "timestamp": iso(now), "data": data}
    return {"event": event, "timestamp": iso(now), **webhooks._flat(event, req), "data": data}


# -- generated requests -------------------------------------------------------------------------

T0 = 1_767_600_000.0
EVENTS = ("request.claimed", "request.completed", "request.cancelled", "request.timeout")
REVIEWERS = (
    Reviewer("65f1234567890abcdef10001", "Dana Reviewer", "dana@example.com"),
    Reviewer("65f1234567890abcdef10002", 'Sam "Mod" Ü', "sam@example.com"),
)
MEMBERS = (Member("65f1234567890abcdef10001", "dana@example.com", "Dana", "member", T0),)
LOOP = Loop("65f1234567890abcdef12345", "Loop", "d", "i", "65f1234567890abcdef10000", T0, T0)
CONFIG = parse_response_config("single_select", {"options": ["Approve", "Reject"]}, strict=False)
texts = st.text(max_size=12)
field_values: dict[str, st.SearchStrategy[Any]] = {
    "request_text": texts,
    "response_type": st.just("single_select"),
    "processing_type": st.sampled_from(["time-sensitive", "deferred"]),
    "type": st.sampled_from(["markdown", "image"]),
    "priority": st.sampled_from(["low", "medium", "high", "critical"]),
    "timeout_seconds": st.integers(1, 86_400),
    "image_url": texts,
    "file_url": texts,
    "file_type": texts,
    "file_name": texts,
    "video_url": texts,
    "audio_url": texts,
    "context": st.dictionaries(texts, st.integers() | texts, max_size=2),
    "metadata": st.dictionaries(texts, st.integers() | texts | st.none(), max_size=2),
    "platform": texts,
    "platform_version": texts,
    "callback_url": st.just("http://hooks.test/h"),
    "tags": st.lists(texts, max_size=2),
}
times = st.sampled_from([0.0, 1.0005, 2.5, 3.0, 60.25]) | st.floats(0, 10_000)


@st.composite
def requests(draw: st.DrawFn) -> tuple[HitlRequest, float]:
    present = {k: draw(strategy) for k, strategy in field_values.items() if draw(st.booleans())}
    present["priority"] = present.get("priority", "medium")
    names = FIELD_NAMES if draw(st.booleans()) else tuple(n for n in FIELD_NAMES if n in present)
    legacies = [{}, {"content": "x", "content_type": "text"}, {"priority": "normal"}]
    legacies.append({"updated_at": "as sent"})  # (any dict: what the fast path may not assume)
    legacy = draw(st.sampled_from(legacies))
    created = draw(st.just(0.0) | times.map(lambda t: T0 + t))
    req = HitlRequest.new(
        id="65f1234567890abcdef1aaaa",
        loop_id=LOOP.id,
        owner=ApiUser.for_key("k"),
        fields=present,
        names=names,
        config=CONFIG,
        default_response=draw(st.sampled_from(["Reject", None, 3])),
        timeout_at=created + draw(times),
        created_at=created,
        broadcasted_to=draw(st.sampled_from([(), MEMBERS])),
        legacy=legacy,
        updated_at=draw(st.sampled_from([0.0, created])),
    )
    req.status = draw(st.sampled_from(["claimed", "completed", "cancelled", "timeout"]))
    stamps = [created, created + 1.0005, created + 3.25]
    if draw(st.booleans()):
        req.claimed_by = draw(st.sampled_from(REVIEWERS))
        req.claimed_at = draw(st.sampled_from(stamps) | times | st.just(0.0))
    if draw(st.booleans()):
        req.response_by = draw(st.sampled_from(REVIEWERS))
        req.response_at = draw(st.sampled_from(stamps) | times | st.just(0.0))
        req.response_data = draw(st.sampled_from(["Approve", None, {"a": 1}]))
    req.updated_at = draw(
        st.sampled_from([req.updated_at, *stamps, req.claimed_at or 0.0, req.response_at or 0.0])
    )
    req.cancelled_at = draw(st.none() | st.sampled_from(stamps))
    req.timed_out_at = draw(st.none() | st.sampled_from(stamps))
    req.previous_status = draw(st.sampled_from([None, "pending", "claimed"]))
    sent = draw(st.sampled_from([req.updated_at or req.created_at, created + 7.0019]))
    return req, sent


class Sent:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes, Mapping[str, str]]] = []

    def send(
        self, event: str, url: str, body: bytes, headers: Mapping[str, str], subject: str
    ) -> None:  # (as `Outbox.send`, which `emit` calls with its arguments in order)
        self.calls.append((event, url, body, headers))


def sandbox(forms: Mapping[str, str], now: float, targets: tuple[WebhookTarget, ...]) -> Any:
    chosen = Selection({**{v.name: v.default for v in VARIANTS}, **forms})
    clock = types.SimpleNamespace(timestamp=lambda: now)
    cfg = HitlConfig(webhook_secret="whsec_paths", webhooks=targets)
    world = types.SimpleNamespace(variants=chosen, clock=clock)
    return types.SimpleNamespace(cfg=cfg, world=world, webhooks=Sent())


def plain_body(made: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(made)
    except TypeError:
        return dumps(made)


@settings(max_examples=600, deadline=None)
@given(
    requests(),
    st.sampled_from(EVENTS),
    st.sampled_from(["A", "B", "C", "D", "merged"]),
    st.sampled_from(["id", "id_and_user", "object", "email"]),
    st.sampled_from(["sha256", "bare", "none"]),
    st.booleans(),
    st.booleans(),
)
def test_webhook_bodies_and_headers_are_the_straightforward_ones(
    made: tuple[HitlRequest, float],
    event: str,
    body_form: str,
    response_by: str,
    signature: str,
    with_loop: bool,
    huge: bool,
) -> None:
    req, now = made
    if huge:  # beyond what orjson writes: the encoder's slower path
        req.set_field("metadata", {"n": 2**70})
    loop = LOOP if with_loop else None
    forms = {WEBHOOK_BODY: body_form, "hitl.response_by": response_by}
    forms["hitl.signature_header"] = signature
    target = WebhookTarget("http://hooks.test/extra", "whsec_extra", None, "normal")
    state = sandbox(forms, now, (target,))
    webhooks.emit(state, event, req, loop)
    expected = plain_body(plain_payload(event, req, loop, now, body_form, response_by))
    scheme = {"sha256": webhooks.SHA256, "bare": webhooks.BARE}.get(signature)
    for _, url, body, headers in state.webhooks.calls:
        assert body == expected
        secret = "whsec_paths" if url.endswith("/h") else "whsec_extra"
        assert headers == (scheme.sign(secret, expected) if scheme else {})
    assert len(state.webhooks.calls) == (2 if req.values().get("callback_url") else 1)
    # and the request's own answer is the same too
    shown = req.to_json(response_by)
    assert shown == plain_request(req, response_by, req.values(), broadcast_json)
    assert list(shown) == list(plain_request(req, response_by, req.values(), broadcast_json))
