"""Testing with the sandbox: a control-plane client, an in-process server, a webhook receiver
and the pytest plugin (`mockserver.testing.plugin`, registered as a `pytest11` entry point).

Importing this package is cheap; `InProcessServer` (which loads the application) is imported
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.base.filters import DeliveryFilter, JournalFilter
from mockserver.testing.aio import AsyncControlClient
from mockserver.testing.client import ControlClient, ControlError, ScenarioRejected, WaitTimedOut
from mockserver.testing.receiver import ReceivedWebhook, ReceiverEndpoint, WebhookReceiver
from mockserver.testing.sandbox import Sandbox, SandboxClock

if TYPE_CHECKING:
    from mockserver.testing.server import InProcessServer

__all__ = [
    "AsyncControlClient",
    "ControlClient",
    "ControlError",
    "DeliveryFilter",
    "InProcessServer",
    "JournalFilter",
    "ReceivedWebhook",
    "ReceiverEndpoint",
    "Sandbox",
    "SandboxClock",
    "ScenarioRejected",
    "WaitTimedOut",
    "WebhookReceiver",
]


def __getattr__(name: str) -> Any:
    if name == "InProcessServer":
        from mockserver.testing.server import InProcessServer

        return InProcessServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
