"""The decision webhook: signed, sent through the store's `Outbox` (the core applies echo's
retry policy and name; the scenario's `webhooks:` settings override the policy, as for every
vendor). Its event is the lifecycle's for the new status (`message.decided`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mockserver.kit.vendor import WebhookPolicy
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.signatures import HmacSignature

if TYPE_CHECKING:
    from mockserver.kit.vendor import VendorState

    from .models import Message
    from .scenario import EchoConfig

SIGNATURE = HmacSignature("X-Echo-Signature", prefix="sha256=")
# Waits before the 2nd, 3rd and 4th attempt; 2xx is delivered, 5xx/408/429 retried.
POLICY = WebhookPolicy(RetryPolicy((10.0, 60.0, 300.0), timeout=10.0), (SIGNATURE,))


def emit(state: VendorState[EchoConfig], message: Message) -> None:
    """Queue the decision for the scenario's `echo.webhook` (nothing when it has none)."""
    hook = state.cfg.webhook
    event = state.lifecycle.event_of(message.status)
    if hook is None or event is None:
        return
    body = json.dumps({"event": event, "message": message.to_json()}).encode()
    headers = SIGNATURE.sign(hook.secret, body)
    state.webhooks.send(event, hook.url, body, headers=headers, subject=message.id)
