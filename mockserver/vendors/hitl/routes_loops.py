"""HITL.sh `GET /v1/test` and the loop endpoints (api-reference/test-api-key.mdx and
api-reference/loops/*.mdx; pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17).
"""

from __future__ import annotations

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.records.clock import iso
from mockserver.vendors.hitl import variants
from mockserver.vendors.hitl.http import endpoint, envelope, json_body, state_of, user_of
from mockserver.vendors.hitl.lenient import LOOP_SOURCE, shadow
from mockserver.vendors.hitl.models import ApiUser, Loop
from mockserver.vendors.hitl.qr import qr_png_data_url
from mockserver.vendors.hitl.state import HitlState
from mockserver.vendors.hitl.validation import check_object_id, parse_create_loop, parse_update_loop


@endpoint()
async def test_key(request: web.Request) -> web.Response:
    """`GET /v1/test`: key validation with account and rate-limit details."""
    state = state_of(request)
    user = user_of(request)
    usage = state.limiter.peek(user.key, state.world.clock.timestamp())
    return envelope(
        "API key is valid",
        {
            "api_key_id": user.api_key_id,
            "user_id": user.user_id,
            "email": user.email,
            "account_status": "active",
            "rate_limit": {
                "limit": usage.limit,
                "remaining": usage.remaining,
                "reset_at": iso(usage.reset_at),
            },
            "permissions": ["loops:read", "loops:write", "requests:read", "requests:write"],
        },
    )


def _loop(request: web.Request, *, owner_only: bool = False) -> Loop:
    return loop_of(request, state_of(request), user_of(request), owner_only=owner_only)


def loop_of(
    request: web.Request, state: HitlState, user: ApiUser, *, owner_only: bool = False
) -> Loop:
    """The loop the path names, if `user` may use it (404 / 403 as documented); `_loop` for a
    handler that has the state and the caller at hand already."""
    given = request.match_info["loop_id"]
    loop = state.loops.get(given)  # (every key is a lower-case ObjectID: one found is checked)
    if loop is None:
        loop = state.loops.get(check_object_id(given, "loop").lower())
    if loop is None:
        raise ApiError(404, "Loop not found")
    if not state.can_use_loop(user, loop) or (owner_only and loop.creator_id != user.user_id):
        raise ApiError(403, "Access denied to this loop")
    return loop


@endpoint()
async def create_loop(request: web.Request) -> web.Response:
    state = state_of(request)
    body = await json_body(request)
    fields = parse_create_loop(body, strict=state.strict)
    if not state.strict:
        shadow(request, lambda: parse_create_loop(body, strict=True), LOOP_SOURCE)
    loop = state.new_loop(
        user_of(request), fields["name"], fields.get("description", ""), fields["icon"]
    )
    # The host is the `hitl.join_url` variant (quickstart vs create-loop.mdx vs older page).
    host = state.world.variants.form(variants.JOIN_URL)
    join_url = f"https://{host}/join/{loop.invite_code}"
    return envelope(
        "Loop created successfully with QR code",
        {
            "loop": loop.to_json(),
            "invite_code": loop.invite_code,
            "qr_code_base64": qr_png_data_url(join_url),
            "qr_code_url": f"https://api.hitl.sh/qr/{loop.invite_code}.png",
            "join_url": join_url,
        },
        status=201,
    )


@endpoint()
async def list_loops(request: web.Request) -> web.Response:
    state = state_of(request)
    user = user_of(request)
    loops = [loop.to_json() for loop in state.loops.values() if state.can_use_loop(user, loop)]
    return envelope("Loops retrieved successfully", {"loops": loops, "count": len(loops)})


@endpoint()
async def get_loop(request: web.Request) -> web.Response:
    return envelope("Loop retrieved successfully", {"loop": _loop(request).to_json()})


@endpoint()
async def update_loop(request: web.Request) -> web.Response:
    loop = _loop(request, owner_only=True)
    body = await json_body(request, optional=True)
    # No body at all is an update without fields, as `{}` is (api-reference/loops/update-loop.mdx:
    # "At least one field must be provided for update").
    body = {} if body is None else body
    strict = state_of(request).strict
    changes = parse_update_loop(body, strict=strict)
    if not strict:
        shadow(request, lambda: parse_update_loop(body, strict=True), LOOP_SOURCE)
    for key, value in changes.items():
        setattr(loop, key, value)
    loop.updated_at = state_of(request).world.clock.timestamp()
    return envelope("Loop updated successfully", {"loop": loop.to_json()})


@endpoint()
async def delete_loop(request: web.Request) -> web.Response:
    loop = _loop(request, owner_only=True)
    state = state_of(request)
    counts = state.delete_loop(loop)
    return envelope(
        "Loop deleted successfully",
        {"loop_id": loop.id, "deleted_at": state.world.clock.now_iso(), "deleted_data": counts},
    )


@endpoint()
async def list_members(request: web.Request) -> web.Response:
    loop = _loop(request)
    joined = sorted(m.joined_at for m in loop.members)
    return envelope(
        "Loop members retrieved successfully",
        {
            "members": [m.to_json(detailed=True) for m in loop.members],
            "total_count": len(loop.members),
            "active_count": len(loop.members),
            "pending_count": 0,
            "statistics": {
                "avg_join_time_days": 0,
                "newest_member_joined": iso(joined[-1]) if joined else None,
                "oldest_member_joined": iso(joined[0]) if joined else None,
            },
        },
    )


@endpoint()
async def remove_member(request: web.Request) -> web.Response:
    loop = _loop(request, owner_only=True)
    user_id = check_object_id(request.match_info["user_id"], "user").lower()
    if user_id == loop.creator_id:
        raise ApiError(400, "Loop creator cannot be removed")
    member = next((m for m in loop.members if m.user_id == user_id), None)
    if member is None:
        raise ApiError(404, "Member not found in this loop")
    loop.members.remove(member)
    return envelope(
        "Member removed from loop successfully",
        {
            "loop_id": loop.id,
            "user_id": user_id,
            "removed_at": state_of(request).world.clock.now_iso(),
        },
    )
