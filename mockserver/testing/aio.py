"""The control client for async tests: the same calls, awaitable.

It builds no request of its own: every call is the synchronous `ControlClient`'s (paths, filter
queries, namespace header, control token: `mockserver.client.control`).

Each call runs the synchronous client's in a worker thread (`asyncio.to_thread`, through
`forwarding.in_thread`, which keeps its signature and docstring), so a long-poll wait never
blocks the test's event loop, and anything the test serves on that loop (an aiohttp webhook
handler, say) keeps answering while the test waits.
"""

from __future__ import annotations

from mockserver.testing.client import ControlClient
from mockserver.testing.forwarding import in_thread


class AsyncControlClient:
    """Awaitable wrappers over a `ControlClient` (`.sync` is the wrapped client; anything not
    wrapped here: `await asyncio.to_thread(client.sync.method, ...)`)."""

    def __init__(self, sync: ControlClient) -> None:
        self.sync = sync

    @property
    def namespace(self) -> str:
        return self.sync.namespace

    reset = in_thread(ControlClient.reset)
    scenario = in_thread(ControlClient.scenario)
    use_scenario = in_thread(ControlClient.use_scenario)
    load_scenario = in_thread(ControlClient.load_scenario)
    journal = in_thread(ControlClient.journal)
    deliveries = in_thread(ControlClient.deliveries)
    vendors = in_thread(ControlClient.vendors)
    clock = in_thread(ControlClient.clock)
    set_clock_mode = in_thread(ControlClient.set_clock_mode)
    items = in_thread(ControlClient.items)
    advance = in_thread(ControlClient.advance)
    set_time = in_thread(ControlClient.set_time)
    act = in_thread(ControlClient.act)
    wait_for_status = in_thread(ControlClient.wait_for_status)
    wait_for_deliveries = in_thread(ControlClient.wait_for_deliveries)
    wait_for_requests = in_thread(ControlClient.wait_for_requests)
    assert_request_made = in_thread(ControlClient.assert_request_made)
    assert_webhook_delivered = in_thread(ControlClient.assert_webhook_delivered)
