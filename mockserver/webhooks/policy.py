"""Retry policies: when an attempt counts as delivered, when to retry, and the wait schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mockserver.scenario.model import DeliverySettings


@dataclass(frozen=True)
class RetryPolicy:
    """`schedule[i]` is the wait before attempt i+2; attempts stop when it runs out."""

    schedule: tuple[float, ...]
    timeout: float = 30.0
    success_only_200: bool = False
    retry_4xx: frozenset[int] = frozenset({408, 429})

    def delivered(self, status: int) -> bool:
        return status == 200 if self.success_only_200 else 200 <= status < 300

    def retryable(self, status: int | None) -> bool:
        """Network errors, timeouts, 5xx and 3xx (redirects are never followed) retry; 4xx
        stop, except the listed ones."""
        if status is None or status >= 500 or status < 400:
            return True
        if self.success_only_200:
            return True
        return status in self.retry_4xx

    def with_settings(self, settings: DeliverySettings) -> RetryPolicy:
        policy = self
        if settings.retry is not None:
            policy = replace(policy, schedule=settings.retry)
        if settings.timeout is not None:
            policy = replace(policy, timeout=settings.timeout)
        return policy


# HITL.sh's documented schedule: immediate, 15 s, 1 min, 5 min, 30 min, 2 h, 12 h, 24 h (final);
# 2xx = success, 4xx = no retry except 408 and 429, 5xx = retry, respond within 30 s.
# (github.com/hitl-sh/docs.hitl.sh api-reference/webhooks.mdx @0e23b17, "Retry Logic")
DOCUMENTED_SCHEDULE = (15.0, 60.0, 300.0, 1800.0, 7200.0, 43200.0, 86400.0)
DEFAULT_POLICY = RetryPolicy(DOCUMENTED_SCHEDULE, timeout=30.0)
