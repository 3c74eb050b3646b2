"""A delivery wait that gives up says what did arrive, however the test reached the client: the
testing client directly, the async client (which forwards to it) or the plain control client
(`mockserver trigger`'s, which says only the control plane's message)."""

from __future__ import annotations

import pytest

from mockserver.client.control import ControlClient as PlainControlClient
from mockserver.testing import Sandbox, WaitTimedOut

LISTING = "Webhook deliveries the sandbox made: none."


def test_the_testing_client_lists_what_arrived(mockserver: Sandbox) -> None:
    with pytest.raises(WaitTimedOut) as caught:
        mockserver.control.wait_for_deliveries(timeout=0.05)
    assert str(caught.value) == f"408: 0 of 1 deliveries after 0.05s\n{LISTING}"


async def test_the_async_client_lists_what_arrived(mockserver: Sandbox) -> None:
    with pytest.raises(WaitTimedOut) as caught:
        await mockserver.acontrol.wait_for_deliveries(timeout=0.05)
    assert str(caught.value).endswith(LISTING)


def test_the_plain_client_gives_the_control_planes_message(mockserver: Sandbox) -> None:
    plain = PlainControlClient(mockserver.url, mockserver.namespace)
    with pytest.raises(WaitTimedOut) as caught:
        plain.wait_for_deliveries(timeout=0.05)
    assert str(caught.value) == "408: 0 of 1 deliveries after 0.05s"
