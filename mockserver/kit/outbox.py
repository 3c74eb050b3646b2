"""A vendor's webhooks in one world: what its store sends, with the core doing the wiring.

Every vendor store gets an `Outbox` (`VendorState.webhooks`): `send(event, url, body, ...)`
queues a delivery on the world's dispatcher under the vendor's name, with the vendor's retry
policy (`WebhookPolicy.retry`, or the one a call names, as Hive's action callbacks do) and the
scenario's `webhooks:` settings over it. A vendor writes neither its name nor the policy at each
send, and cannot forget the scenario's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockserver.webhooks.policy import RetryPolicy

if TYPE_CHECKING:
    from mockserver.scenario.model import DeliverySettings
    from mockserver.webhooks.deliveries import Delivery
    from mockserver.webhooks.dispatcher import Dispatcher

_NO_HEADERS: Mapping[str, str] = {}


class Outbox:
    """Sends one vendor's webhooks in one world."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        vendor: str,
        policy: RetryPolicy,
        settings: DeliverySettings,
    ) -> None:
        self.vendor = vendor
        self._dispatcher = dispatcher
        self._settings = settings
        self.policy = policy.with_settings(settings)
        """The vendor's retry policy as this world's scenario sets it."""
        self._others: dict[RetryPolicy, RetryPolicy] = {}

    def policy_for(self, policy: RetryPolicy | None) -> RetryPolicy:
        """`policy` (None: the vendor's own) with the scenario's `webhooks:` settings over it."""
        if policy is None:
            return self.policy
        applied = self._others.get(policy)
        if applied is None:
            applied = self._others[policy] = policy.with_settings(self._settings)
        return applied

    def send(
        self,
        event: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str] = _NO_HEADERS,
        subject: str | None = None,
        *,
        secret_headers: tuple[str, ...] = (),
        policy: RetryPolicy | None = None,
    ) -> Delivery:
        """Queue `event` for `url` (its first attempt is due now on the virtual clock);
        `subject`: the item it is about; `secret_headers`: headers recorded as fingerprints
        only; `policy`: another of the vendor's retry policies than its declared one.
        (`headers` and `subject` may come in order: a wave's every webhook passes them.)"""
        return self._dispatcher.send(
            self.vendor,
            event,
            url,
            body,
            headers,
            self.policy if policy is None else self.policy_for(policy),
            subject,
            None,
            secret_headers,
        )
