"""HITL.sh review-request endpoints (https://docs.hitl.sh/api-reference/requests/create-request
and the pages beside it; `GET /v1/requests/{id}/response` from concepts/integrations.mdx).

Pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17 unless another commit is
named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.base.jsonio import json_response
from mockserver.records.clock import iso
from mockserver.vendors.hitl import variants
from mockserver.vendors.hitl.http import (
    body_json,
    body_of,
    endpoint,
    envelope,
    json_body,
    state_of,
    user_of,
)
from mockserver.vendors.hitl.lenient import REQUEST_SOURCE, recalled, shadow
from mockserver.vendors.hitl.matchers import MATCHERS, RequestSubject
from mockserver.vendors.hitl.models import ApiUser, HitlRequest, person
from mockserver.vendors.hitl.routes_loops import _loop, loop_of
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.validation import (
    FIELD_NAMES,
    check_object_id,
    is_older_shape,
    parse_feedback,
    parse_list_query,
    parse_update_request,
    validate_create_request,
)

_PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _request(request: web.Request) -> HitlRequest:
    state = state_of(request)
    request_id = check_object_id(request.match_info["request_id"], "request").lower()
    req = state.requests.get(request_id)
    if req is None:
        raise ApiError(404, "Request not found")
    if req.owner.user_id != user_of(request).user_id:
        raise ApiError(403, "Access denied to this request")
    return req


@endpoint()
def create_request(request: web.Request, state: HitlState, user: ApiUser) -> web.Response:
    """`POST /v1/api/loops/{loopId}/requests`: validate, pick the scenario rule, broadcast.
    (A plain function: the busiest call of the live path awaits nothing.)"""
    loop = loop_of(request, state, user)
    raw = body_of(request)
    body = body_json(request, raw)
    if is_older_shape(body) and state.world.variants.is_(variants.OLDER_SHAPE, "rejected"):
        raise ApiError(400, "Validation failed", data="request_text is required")
    inp = validate_create_request(body, strict=state.strict)
    if not state.strict and not recalled(request, state.strict_verdicts, raw):
        shadow(
            request,
            lambda: validate_create_request(body, strict=True),
            REQUEST_SOURCE,
            verdicts=state.strict_verdicts,
            key=raw,
        )
    # Broadcast to the loop's active members; a new loop's creator is one (create-loop.mdx), so
    # the quickstart's request on a loop nobody joined yet is accepted (its step 3 says so).
    members = loop.broadcast()
    if not members:
        raise ApiError(400, "No active members found in the loop")
    req_fields = inp.fields
    world = state.world
    rules = state.cfg.rules
    # a rule starting with `fail` answers this call (the core's `fail`: `choose` raises it)
    if rules.asks:
        subject = RequestSubject(req_fields, loop)
        rule = world.engine.choose(rules, lambda when: MATCHERS.matches(when, subject))
    else:  # (no rule reads the request: no subject or closure to make)
        rule = world.engine.choose(rules, _unasked)
    now = world.clock.timestamp()
    timeout = req_fields["timeout_seconds"]
    req = HitlRequest.new(  # (positional: keywords cost more, on every call)
        world.ids.object_id(),
        loop.id,
        user,
        req_fields,
        FIELD_NAMES,
        inp.response_config,
        inp.default_response,
        now + timeout,
        now,
        members,
        dict(inp.legacy or {}),
        now,
    )
    state.add_request(req, rule)
    return envelope(
        "Request created and broadcasted successfully",
        _created(state, req, req_fields),
        status=201,
    )


def _unasked(when: Mapping[str, Any]) -> bool:
    raise AssertionError("a rule set without `when` asked a matcher")


def _created(state: HitlState, req: HitlRequest, req_fields: dict[str, Any]) -> dict[str, Any]:
    """The 201 answer's `data` in the `hitl.created_id` form (see variants.py); `req_fields`
    are the request's fields as validated (read here, not unpacked again)."""
    form = state.world.variants.form(variants.CREATED_ID)
    if form == "request":
        return {"request": state.request_json(req)}
    members = len(req.broadcasted_to)
    summary: dict[str, Any] = {
        "request_id": req.id,
        "id": req.id,
        "status": req.status,
        "processing_type": req_fields["processing_type"],
        "type": req_fields["type"],
        "priority": req.priority,
        "timeout_at": iso(req.timeout_at),
        "broadcasted_to": members,
        "notifications_sent": members,
        "polling_url": f"/v1/api/requests/{req.id}",
    }
    if form == "request_id":
        del summary["id"]
    elif form == "id":
        del summary["request_id"]
    else:
        summary["request"] = state.request_json(req)
    return summary


def fault_message(status: int) -> str:
    """How HITL.sh words a scripted `fail` that gives no message."""
    if status == 429:
        return "API rate limit exceeded"
    if status >= 500:
        return "Service temporarily unavailable"
    return "Request failed"


def _sorted(reqs: list[HitlRequest], sort: str, rank: Mapping[str, int]) -> list[HitlRequest]:
    """`reqs` (in creation order) sorted; equal times keep creation order, as the real
    service's time-prefixed ObjectIDs do (on a manual clock many requests share a time);
    `rank`: the lifecycle's order of statuses (`status_asc`)."""
    if sort == "created_at_asc":
        return sorted(reqs, key=lambda r: r.created_at)
    newest_first = reqs[::-1]
    if sort == "priority_desc":
        return sorted(newest_first, key=lambda r: (_PRIORITY_RANK[r.priority], -r.created_at))
    if sort == "status_asc":
        return sorted(newest_first, key=lambda r: (rank[r.status], -r.created_at))
    return sorted(newest_first, key=lambda r: -r.created_at)


def _page(request: web.Request, loop_id: str | None) -> dict[str, Any]:
    state = state_of(request)
    q = parse_list_query(request.query, state.lifecycle.names)
    user = user_of(request)
    reqs = [
        r
        for r in state.requests.values()
        if r.owner.user_id == user.user_id
        and (loop_id is None or r.loop_id == loop_id)
        and (q.loop_id is None or r.loop_id == q.loop_id.lower())
        and (q.status is None or r.status == q.status)
        and (q.priority is None or r.priority == q.priority)
    ]
    ordered = _sorted(reqs, q.sort, state.lifecycle.rank)
    page = ordered[q.offset : q.offset + q.limit]
    has_more = q.offset + len(page) < len(ordered)
    return {
        "requests": [state.request_json(r) for r in page],
        "count": len(page),
        "total": len(ordered),
        "has_more": has_more,
        "pagination": {
            "limit": q.limit,
            "offset": q.offset,
            "next_offset": q.offset + q.limit if has_more else None,
        },
    }


@endpoint(query=None)
async def list_requests(request: web.Request) -> web.Response:
    return envelope("Requests retrieved successfully", _page(request, None))


@endpoint(query=None)
async def list_loop_requests(request: web.Request) -> web.Response:
    loop = _loop(request)
    page = _page(request, loop.id)
    return envelope("Loop requests retrieved successfully", {"loop_id": loop.id, **page})


@endpoint()
async def get_request(request: web.Request) -> web.Response:
    req = _request(request)
    return envelope(
        "Request retrieved successfully", {"request": state_of(request).request_json(req)}
    )


@endpoint()
async def update_request(request: web.Request) -> web.Response:
    """`PATCH /v1/api/requests/{id}` (used by the vendor's MCP client; shape undocumented)."""
    state = state_of(request)
    req = _request(request)
    if req.status != "pending":
        raise ApiError(400, "Request cannot be updated in current state")
    current = {
        **req.fields,
        "response_config": req.config,
        "default_response": req.default_response,
    }
    body = await json_body(request, optional=True)
    body = {} if body is None else body
    changes = parse_update_request(body, current, strict=state.strict)
    if not state.strict:
        shadow(request, lambda: parse_update_request(body, current, strict=True), REQUEST_SOURCE)
    for key, value in changes.items():
        if key == "response_config":
            req.config = value
        elif key == "default_response":
            req.default_response = value
        elif key == "timeout_seconds":
            state.set_timeout(req, value)
        else:
            req.set_field(key, list(value) if key == "tags" and value is not None else value)
        # An older-shape field returned as sent (e.g. priority "normal") must not mask the update.
        req.legacy.pop(key, None)
    req.updated_at = state.world.clock.timestamp()
    return envelope("Request updated successfully", {"request": state.request_json(req)})


@endpoint()
async def cancel_request(request: web.Request) -> web.Response:
    state = state_of(request)
    req = _request(request)
    await json_body(request, optional=True)  # an optional {"reason"} body is documented
    state.cancel(req)
    refunded = req.previous_status == "pending"
    return envelope(
        "Request cancelled successfully",
        {
            "request_id": req.id,
            "status": req.status,
            "cancelled_at": iso(req.cancelled_at or 0),
            "previous_status": req.previous_status,
            "refund_info": {
                "refunded": refunded,
                "reason": "Request cancelled before processing began"
                if refunded
                else "Request was already being processed by reviewer",
            },
        },
    )


@endpoint()
async def add_feedback(request: web.Request) -> web.Response:
    state = state_of(request)
    req = _request(request)
    feedback = parse_feedback(await json_body(request))
    if req.status != "completed":
        raise ApiError(400, "Feedback can only be added to completed requests")
    if req.feedback is not None:
        raise ApiError(400, "Feedback has already been added to this request")
    req.feedback = feedback
    return envelope(
        "Feedback added successfully",
        {
            "request_id": req.id,
            "feedback": feedback,
            "feedback_id": state.world.ids.object_id(),
            "submitted_at": state.world.clock.now_iso(),
            "reviewer_notified": True,
        },
    )


@endpoint()
async def get_response(request: web.Request) -> web.Response:
    """`GET /v1/requests/{id}/response` (concepts/integrations.mdx): 200 once decided; before
    that 202 "Response not ready yet" (the seed requests page, concepts/requests.mdx @cce3de9,
    treats any non-200 as not ready)."""
    req = _request(request)
    data = {
        "request_id": req.id,
        "status": req.status,
        "response_type": req.config.response_type,
        "response_data": req.response_data,
        "response_by": person(req.response_by),
        "response_at": iso(req.response_at) if req.response_at else None,
        "response_time_seconds": req.response_time_seconds,
        "is_default_response": False,
    }
    if req.status == "timeout":
        data.update(response_data=req.default_response, is_default_response=True)
    if req.status in ("completed", "timeout"):
        if state_of(request).world.variants.is_(variants.GET_RESPONSE, "decision"):
            # The one documented client of this endpoint reads `status` and `decision` at the
            # top level (hitl-sh/docs.hitl.sh concepts/integrations.mdx @0e23b17).
            data["decision"] = decision(data["response_data"])
            return json_response(
                {
                    "error": False,
                    "msg": "Response retrieved successfully",
                    "status": data["status"],
                    "decision": data["decision"],
                    "data": data,
                }
            )
        return envelope("Response retrieved successfully", data)
    if req.status == "cancelled":
        raise ApiError(400, "Request was cancelled and has no response", data=data)
    return web.json_response(
        {"error": False, "msg": "Response not ready yet", "data": data}, status=202
    )


_DECISIONS = (
    ("needs_changes", ("needs changes", "needs_changes", "changes", "revise")),
    ("escalate", ("escalat", "flag")),
    ("rejected", ("reject", "deny", "denied", "decline")),
    ("approved", ("approv", "accept", "allow")),
)


def decision(answer: Any) -> str | None:
    """The older docs' `decision` (approved, rejected, needs_changes, escalate) an answer reads
    as: a boolean, or an option value or label that says so; None when it says none of them."""
    if isinstance(answer, bool):
        return "approved" if answer else "rejected"
    if isinstance(answer, dict):
        answer = answer.get("selected_value") or answer.get("selected_label")
    if isinstance(answer, list) and len(answer) == 1:
        answer = answer[0]
    if not isinstance(answer, str):
        return None
    text = answer.lower()
    for name, words in _DECISIONS:
        if any(w in text for w in words):
            return name
    return None
