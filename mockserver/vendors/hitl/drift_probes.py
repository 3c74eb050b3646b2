"""HITL.sh probes for `mockserver drift` (https://docs.hitl.sh/api-reference/introduction).

Read-only by default: test the key (a valid and an invalid one), list loops and requests, and
read a request the user names and its answer (`--request-id`: a decided one shows who answered
and how `/response` reads; only the real account has it, so these two are observed, not
compared). With `--allow-writes`: create a loop (or use `--param loop_id=...`, one of the
user's loops; a new loop's creator is its active member, so the real service takes requests on
it at once), one request of each response type, one in the older shape, read them back, list,
cancel, delete. Everything created carries the run's tag in its text and is cancelled or
deleted at the end.

Pacing: the real service allows 100 calls per key per hour
(https://docs.hitl.sh/api-reference/authentication). A full run makes about 34 calls; at most
one every 2 s, never more than 45, and no new probe once `X-RateLimit-Remaining` is down to 20,
so a nightly run leaves most of the hour's budget.
"""

from __future__ import annotations

from typing import Any

from mockserver.kit.drift_probes import Call, Param, Probe, ProbeSet, Reveal

_NOTE = "{tag} automated drift check; please ignore, it is cancelled within minutes"
_COMMON: dict[str, Any] = {
    "priority": "low",
    "processing_type": "time-sensitive",
    "timeout_seconds": 3600,
    "type": "markdown",
    "platform": "api",
}
_TYPES: dict[str, dict[str, Any]] = {
    "single_select": {
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
    },
    "multi_select": {
        "response_config": {
            "options": ["Spam", "Abuse", "Fine"],
            "min_selections": 1,
            "max_selections": 2,
        },
        "default_response": ["Fine"],
    },
    "rating": {"response_config": {"scale_min": 1, "scale_max": 5}, "default_response": 3},
    "text": {"response_config": {"max_length": 500}, "default_response": "No answer"},
    "number": {"response_config": {"min_value": 0, "max_value": 100}, "default_response": 0},
    "boolean": {
        "response_config": {"true_label": "Yes", "false_label": "No"},
        "default_response": False,
    },
}
# Where a created request's id is: the documents disagree (docs/fidelity.md, hitl.created_id).
_CREATED_ID = ("data.request_id", "data.id", "data.request.id")
_LOOP_ID = ("data.loop.id", "data.id", "data.loop_id")


def _request_path(kind: str) -> str:
    return "/api/requests/{request_" + kind + "}"


def _create(kind: str) -> Probe:
    body = {"request_text": f"{_NOTE} ({kind})", "response_type": kind, **_COMMON, **_TYPES[kind]}
    return Probe(
        f"create_request_{kind}",
        Call("POST", "/api/loops/{loop_id}/requests", body),
        writes=True,
        saves={f"request_{kind}": _CREATED_ID},
        cleanup=Call("DELETE", _request_path(kind)),
        callback_field="callback_url",
    )


def _probes() -> tuple[Probe, ...]:
    kinds = list(_TYPES)
    older = {
        "content": f"{_NOTE} (older shape)",
        "content_type": "text",
        "priority": "normal",
        "response_type": "single_select",
        "response_config": {"options": ["Approve", "Reject"]},
        "default_response": "Reject",
    }
    return (
        Probe("test_key", Call("GET", "/test")),
        Probe("invalid_key", Call("GET", "/test", auth="invalid")),
        Probe("list_loops", Call("GET", "/api/loops")),
        Probe("list_requests", Call("GET", "/api/requests", query={"limit": "5"})),
        Probe("get_given_request", Call("GET", "/api/requests/{request_id}"), real_only=True),
        Probe(
            "get_given_response",
            Call("GET", "/api/requests/{request_id}/response"),
            real_only=True,
        ),
        Probe(
            "create_loop",
            Call(
                "POST",
                "/api/loops",
                {"name": "{tag} loop", "description": _NOTE, "icon": "shield-check"},
            ),
            writes=True,
            saves={"loop_id": _LOOP_ID},
            cleanup=Call("DELETE", "/api/loops/{loop_id}"),
            skip_when_given="loop_id",
        ),
        Probe("get_loop", Call("GET", "/api/loops/{loop_id}"), writes=True),
        Probe("list_members", Call("GET", "/api/loops/{loop_id}/members"), writes=True),
        Probe("list_loops_again", Call("GET", "/api/loops"), writes=True),
        *(_create(kind) for kind in kinds),
        Probe(
            "create_request_older_shape",
            Call("POST", "/api/loops/{loop_id}/requests", older),
            writes=True,
            saves={"request_older": _CREATED_ID},
            cleanup=Call("DELETE", "/api/requests/{request_older}"),
        ),
        *(
            Probe(f"get_request_{kind}", Call("GET", _request_path(kind)), writes=True)
            for kind in kinds
        ),
        Probe(
            "get_response",
            Call("GET", "/api/requests/{request_single_select}/response"),
            writes=True,
        ),
        Probe("list_loop_requests", Call("GET", "/api/loops/{loop_id}/requests"), writes=True),
        *(
            Probe(
                f"cancel_request_{kind}",
                Call("DELETE", _request_path(kind)),
                writes=True,
                webhook=kind == kinds[0],
            )
            for kind in [*kinds, "older"]
        ),
        Probe(
            "delete_loop",
            Call("DELETE", "/api/loops/{loop_id}"),
            writes=True,
            skip_when_given="loop_id",
        ),
    )


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


_NOT_CANCELLABLE = "Request cannot be cancelled in current state"


def _state(body: Any) -> str | None:
    """A request's status in an answer: `data.request.status` or `data.status`."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None
    request = data.get("request")
    found = request.get("status") if isinstance(request, dict) else data.get("status")
    return found if isinstance(found, str) else None


def _msg(body: Any) -> Any:
    return body.get("msg") if isinstance(body, dict) else None


def _moved_on(real_status: int, real: Any, sandbox_status: int, sandbox: Any) -> str | None:
    """A real request that a person (or its timeout) moved on between two probes: its answers
    show another status than the sandbox's, whose scripted reviewers stay still during a run,
    or it can no longer be cancelled. That is state, not drift."""
    real_state, sandbox_state = _state(real), _state(sandbox)
    if real_state and sandbox_state and real_state != sandbox_state:
        return (
            f"the real request is {real_state}, the sandbox's {sandbox_state}: a person (or "
            "its timeout) moved it on between probes"
        )
    if real_status == 400 and _msg(real) == _NOT_CANCELLABLE and 200 <= sandbox_status < 300:
        return (
            "the real request could no longer be cancelled: a person answered it (or it "
            "timed out) between probes"
        )
    return None


def _gone(status: int, body: Any) -> str | None:
    """A cleanup that finds nothing left to undo: deleted already (with its loop), or a request
    a person answered (or that timed out) before it could be cancelled."""
    if status in (404, 410):
        return "already gone"
    if status == 400 and _msg(body) == _NOT_CANCELLABLE:
        return "already decided: nothing left to cancel"
    return None


PROBES = ProbeSet(
    vendor="hitl",
    default_base="https://api.hitl.sh/v1",
    sandbox_path="/v1",
    auth_headers=_auth,
    probes=_probes(),
    key_env="HITL_API_KEY",
    params=(
        Param("loop_id", "one of your loops, used instead of a new one (never deleted)"),
        Param("request_id", "an existing (ideally completed) request, read but never changed"),
    ),
    headers=("content-type", "x-ratelimit-*", "retry-after"),
    pace=2.0,
    max_calls=45,
    reserve=20,
    remaining_header="X-RateLimit-Remaining",
    reveals={
        "hitl.created_id": Reveal("create_request_single_select"),
        "hitl.response_by": Reveal("get_given_request", "data.request"),
        "hitl.response_data": Reveal("get_given_request", "data.request"),
        # Only telling when a current-shape request was accepted in the same loop.
        "hitl.older_request_shape": Reveal(
            "create_request_older_shape", requires_ok=("create_request_single_select",)
        ),
        # A pending request's answer looks the same in every form; a decided one tells.
        "hitl.get_response": Reveal("get_given_response", status=200),
        "hitl.join_url": Reveal("create_loop"),
        "hitl.webhook_body": Reveal("webhook"),
        "hitl.signature_header": Reveal("webhook", "headers"),
    },
    moved_on=_moved_on,
    gone=_gone,
)
