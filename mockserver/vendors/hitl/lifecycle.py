"""A HITL.sh review request's statuses and the webhook events they send, declared once.

The statuses are the OpenAPI's `Request.status` (api-reference/openapi.json), with the older
model's optional `claimed` (get-request.mdx, concepts/requests.mdx; the newest pages drop it);
the events are api-reference/webhooks.mdx's. The vendor's `statuses` and `waiting`, the list
filter's `status` check, the `status_asc` sort, the scenario's webhook event filter, the
OpenAPI description's status enums (`x-lifecycle`) and the reviewer console all derive from
this; the store moves a request with `HitlState.move(req, status)`, which sends the status's
event.

Pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17.
"""

from __future__ import annotations

from typing import Final

from mockserver.kit.lifecycle import Lifecycle, Status

LIFECYCLE: Final = Lifecycle(
    Status("pending", "waits for a reviewer", waiting=True),
    Status("claimed", "a reviewer claimed it", waiting=True, event="request.claimed"),
    Status("completed", "a reviewer answered", final=True, event="request.completed"),
    Status("timeout", "timed out with its default response", final=True, event="request.timeout"),
    Status("cancelled", "cancelled by its creator", final=True, event="request.cancelled"),
)
