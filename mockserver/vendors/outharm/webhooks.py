"""The `moderation.manual.completed` webhook (https://outharm.com/docs/api/webhooks) and how it
is sent.

Body: the documented envelope `{"event", "data": {submission_id, schema_id, is_harmful,
results}}` built by `scoring.manual_result_json`. Authentication: Outharm says to "compare"
the endpoint's shared secret, not an HMAC; which header carries it is UNKNOWN, so the header is
configurable and defaults to `Authorization: Bearer <secret>` as the legacy demo checks it
(github.com/deswif/outharm-demo src/handers/outharmWebhook.ts @2c0b50a; [I] for the current
API). Retries: Outharm documents none; the sandbox's choice is the shared default schedule
(immediate, 15 s, 1 min, 5 min, 30 min, 2 h, 12 h, 24 h; 2xx delivered, 5xx/408/429/network
errors retried), overridable by the scenario's `webhooks:` settings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mockserver.kit.vendor import WebhookPolicy
from mockserver.vendors.outharm.lifecycle import LEGACY_COMPLETED
from mockserver.vendors.outharm.models import Decisions, Submission
from mockserver.vendors.outharm.scenario import WebhookConfig
from mockserver.vendors.outharm.scoring import manual_result_json
from mockserver.webhooks.policy import DEFAULT_POLICY
from mockserver.webhooks.signatures import SharedSecret, Signature

if TYPE_CHECKING:
    from mockserver.kit.vendor import VendorState
    from mockserver.webhooks.deliveries import Delivery


BEARER = SharedSecret("Authorization", "Bearer ", name="bearer")
POLICY = WebhookPolicy(retry=DEFAULT_POLICY, signatures=(BEARER,))
"""What the vendor declares as its `webhooks`: the shared schedule, `Authorization: Bearer
<secret>` by default (a scenario's `webhook.header` sends the bare secret in another header)."""


def signature(target: WebhookConfig) -> Signature:
    """How the secret is sent: `Bearer <secret>` in Authorization ([I], as the legacy demo checks
    it), else the bare secret in the header the scenario names (the receiver's `secret_header`)."""
    if target.header.lower() == "authorization":
        return SharedSecret(target.header, "Bearer ", name=BEARER.name)
    return SharedSecret(target.header, "", name="header")


# The legacy generation's event body: `data: {isHarmful, moderationRequestId}`
# (github.com/deswif/outharm-demo src/handers/outharmWebhook.ts, commit 2c0b50a).


def body(sub: Submission, decisions: Decisions, request_id: int | None = None) -> bytes:
    """The exact bytes POSTed: the current generation's documented body, or the legacy one for
    a legacy prediction's review."""
    if sub.legacy:
        harmful = any(h for verdicts in decisions.values() for h, _ in verdicts)
        legacy = {"isHarmful": harmful, "moderationRequestId": request_id}
        return json.dumps({"event": LEGACY_COMPLETED, "data": legacy}).encode()
    return json.dumps(manual_result_json(sub.id, sub.schema.id, decisions)).encode()


def emit(
    state: VendorState[Any],
    target: WebhookConfig | None,
    sub: Submission,
    decisions: Decisions,
    request_id: int | None = None,
) -> Delivery | None:
    """Queue the webhook for a decided review; None when the scenario configures no endpoint
    (like a project without a webhook: the verdict is only visible on the control plane)."""
    if target is None:
        return None
    payload = body(sub, decisions, request_id)
    event = state.lifecycle.event_of("completed")  # the lifecycle's (lifecycle.py)
    return state.webhooks.send(
        LEGACY_COMPLETED if sub.legacy or event is None else event,
        target.url,
        payload,
        headers=signature(target).sign(target.secret, payload),
        secret_headers=(target.header,),  # the shared secret: a fingerprint in the log
        subject=sub.id,
    )
