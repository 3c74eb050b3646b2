"""HITL.sh route table: every endpoint at both of its path forms (handlers in `routes_loops.py`
and `routes_requests.py`).

Current docs and the official clients use `/v1/api/...`; the vendor's OpenAPI file uses
`/v1/...` (its `paths`: hitl-sh/docs.hitl.sh api-reference/openapi.json @0e23b17). Both are
served.
"""

from __future__ import annotations

from mockserver.kit.vendor import Handler, Route
from mockserver.vendors.hitl import routes_loops as loops
from mockserver.vendors.hitl import routes_requests as requests

# Paths below the version prefix. The create-request comes first: aiohttp tries the resources
# that share a prefix (here `/loops`) in the order they were added, and it is the call a suite
# makes most. No two of these paths match the same URL, so the order changes nothing else.
_API: list[tuple[str, str, Handler]] = [
    ("GET", "/loops/{loop_id}/requests", requests.list_loop_requests),
    ("POST", "/loops/{loop_id}/requests", requests.create_request),
    ("POST", "/loops", loops.create_loop),
    ("GET", "/loops", loops.list_loops),
    ("GET", "/loops/{loop_id}", loops.get_loop),
    ("PUT", "/loops/{loop_id}", loops.update_loop),
    ("DELETE", "/loops/{loop_id}", loops.delete_loop),
    ("GET", "/loops/{loop_id}/members", loops.list_members),
    ("DELETE", "/loops/{loop_id}/members/{user_id}", loops.remove_member),
    ("GET", "/requests", requests.list_requests),
    ("GET", "/requests/{request_id}", requests.get_request),
    ("PATCH", "/requests/{request_id}", requests.update_request),
    ("DELETE", "/requests/{request_id}", requests.cancel_request),
    ("POST", "/requests/{request_id}/feedback", requests.add_feedback),
    ("GET", "/requests/{request_id}/response", requests.get_response),
]


def routes() -> list[Route]:
    out = [Route("GET", "/v1/test", loops.test_key)]
    for prefix in ("/v1/api", "/v1"):
        out += [Route(method, prefix + path, handler) for method, path, handler in _API]
    return out
