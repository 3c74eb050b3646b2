"""The `moderation.manual.completed` webhook (reference A.6) and how it is sent.

Body: the documented envelope `{"event", "data": {submission_id, schema_id, is_harmful,
results}}` built by `scoring.manual_result_json`. Authentication: Outharm says to "compare"
the endpoint's shared secret, not an HMAC; which header carries it is UNKNOWN, so the header is
configurable and defaults to `Authorization: Bearer <secret>` as the legacy demo checks it
(A.6 [3P]/[I]). Retries: Outharm documents none (A.6 UNKNOWN); the sandbox's choice is the
shared default schedule (immediate, 15 s, 1 min, 5 min, 30 min, 2 h, 12 h, 24 h; 2xx delivered,
5xx/408/429/network errors retried), overridable by the scenario's `webhooks:` settings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mockserver.vendors.outharm.config import WebhookConfig
from mockserver.vendors.outharm.models import Decisions, Submission
from mockserver.vendors.outharm.scoring import MANUAL_COMPLETED, manual_result_json
from mockserver.webhooks.policy import DEFAULT_POLICY

if TYPE_CHECKING:
    from mockserver.webhooks.deliveries import Delivery
    from mockserver.world import World


def body(sub: Submission, decisions: Decisions) -> bytes:
    """The exact bytes POSTed."""
    return json.dumps(manual_result_json(sub.id, sub.schema.id, decisions)).encode()


def emit(
    world: World, target: WebhookConfig | None, sub: Submission, decisions: Decisions
) -> Delivery | None:
    """Queue the webhook for a decided review; None when the scenario configures no endpoint
    (like a project without a webhook: the verdict is only visible on the control plane)."""
    if target is None:
        return None
    return world.dispatcher.send(
        vendor="outharm",
        event=MANUAL_COMPLETED,
        url=target.url,
        body=body(sub, decisions),
        headers={target.header: target.header_value()},
        secret_headers=(target.header,),  # the shared secret: a fingerprint in the log
        policy=DEFAULT_POLICY.with_settings(world.scenario.delivery),
        subject=sub.id,
    )
