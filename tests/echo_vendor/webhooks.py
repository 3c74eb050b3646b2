"""The `message.decided` webhook: signed, sent through the world's dispatcher with echo's
retry policy (the scenario's `webhooks:` settings override it, as for every vendor)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mockserver.kit.vendor import WebhookPolicy
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.signatures import HmacSignature

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView
    from tests.echo_vendor.models import Message
    from tests.echo_vendor.scenario import EchoConfig

EVENT = "message.decided"
SIGNATURE = HmacSignature("X-Echo-Signature", prefix="sha256=")
# Waits before the 2nd, 3rd and 4th attempt; 2xx is delivered, 5xx/408/429 retried.
POLICY = WebhookPolicy(RetryPolicy((10.0, 60.0, 300.0), timeout=10.0), (SIGNATURE,))


def emit(world: WorldView, cfg: EchoConfig, message: Message) -> None:
    """Queue `message.decided` for the scenario's `echo.webhook` (nothing when it has none)."""
    hook = cfg.webhook
    if hook is None:
        return
    body = json.dumps({"event": EVENT, "message": message.to_json()}).encode()
    world.dispatcher.send(
        vendor="echo",
        event=EVENT,
        url=hook.url,
        body=body,
        headers=SIGNATURE.sign(hook.secret, body),
        policy=POLICY.retry.with_settings(world.scenario.delivery),
        subject=message.id,
    )
