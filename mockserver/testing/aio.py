"""The control client for async tests: the same calls, awaitable.

It builds no request of its own: every call is the synchronous `ControlClient`'s (paths, filter
queries, namespace header, control token: `mockserver.client.control`).

Each call runs the synchronous client in a worker thread (`asyncio.to_thread`), so a long-poll
wait never blocks the test's event loop, and anything the test serves on that loop (an aiohttp
webhook handler, say) keeps answering while the test waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Unpack

from mockserver.base.filters import (
    DeliveryCriteria,
    DeliveryFields,
    DeliveryFilter,
    JournalFields,
    JournalFilter,
)
from mockserver.testing.client import ControlClient, Json
from mockserver.testing.scenarios import ScenarioSource


class AsyncControlClient:
    """Awaitable wrappers over a `ControlClient` (`.sync` is the wrapped client; anything not
    wrapped here: `await asyncio.to_thread(client.sync.method, ...)`)."""

    def __init__(self, sync: ControlClient) -> None:
        self.sync = sync

    @property
    def namespace(self) -> str:
        return self.sync.namespace

    async def reset(self) -> Json:
        return await asyncio.to_thread(self.sync.reset)

    async def scenario(self) -> Json:
        return await asyncio.to_thread(self.sync.scenario)

    async def use_scenario(self, name: str) -> Json:
        return await asyncio.to_thread(self.sync.use_scenario, name)

    async def load_scenario(
        self,
        source: ScenarioSource,
        *,
        base_dir: Path | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> Json:
        return await asyncio.to_thread(
            self.sync.load_scenario, source, base_dir=base_dir, substitutions=substitutions
        )

    async def journal(
        self, where: JournalFilter | None = None, /, **fields: Unpack[JournalFields]
    ) -> list[Json]:
        return await asyncio.to_thread(lambda: self.sync.journal(where, **fields))

    async def deliveries(
        self, where: DeliveryFilter | None = None, /, **fields: Unpack[DeliveryFields]
    ) -> list[Json]:
        return await asyncio.to_thread(lambda: self.sync.deliveries(where, **fields))

    async def vendors(self) -> list[Json]:
        return await asyncio.to_thread(self.sync.vendors)

    async def clock(self) -> Json:
        return await asyncio.to_thread(self.sync.clock)

    async def set_clock_mode(self, mode: str, scale: float = 1.0) -> Json:
        return await asyncio.to_thread(self.sync.set_clock_mode, mode, scale)

    async def items(self, vendor: str | None = None, status: str | None = None) -> list[Json]:
        return await asyncio.to_thread(self.sync.items, vendor, status)

    async def advance(self, by: str | float | timedelta) -> Json:
        return await asyncio.to_thread(self.sync.advance, by)

    async def set_time(self, when: str | datetime | float) -> Json:
        return await asyncio.to_thread(self.sync.set_time, when)

    async def act(self, vendor: str, item_id: str, action: str | Mapping[str, Any]) -> Json:
        return await asyncio.to_thread(self.sync.act, vendor, item_id, action)

    async def wait_for_status(
        self, vendor: str, item_id: str, status: str | Iterable[str], timeout: float = 10.0
    ) -> str:
        return await asyncio.to_thread(self.sync.wait_for_status, vendor, item_id, status, timeout)

    async def wait_for_deliveries(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: DeliveryFilter | None = None,
        **fields: Unpack[DeliveryFields],
    ) -> list[Json]:
        return await asyncio.to_thread(
            lambda: self.sync.wait_for_deliveries(count, timeout=timeout, where=where, **fields)
        )

    async def wait_for_requests(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: JournalFilter | None = None,
        **fields: Unpack[JournalFields],
    ) -> list[Json]:
        return await asyncio.to_thread(
            lambda: self.sync.wait_for_requests(count, timeout=timeout, where=where, **fields)
        )

    async def assert_request_made(
        self,
        where: JournalFilter | None = None,
        /,
        *,
        body: Mapping[str, Any] | None = None,
        count: int | None = 1,
        **fields: Unpack[JournalFields],
    ) -> list[Json]:
        return await asyncio.to_thread(
            lambda: self.sync.assert_request_made(where, body=body, count=count, **fields)
        )

    async def assert_webhook_delivered(
        self,
        event: str | None = None,
        count: int | None = 1,
        *,
        timeout: float = 0.0,
        where: DeliveryFilter | None = None,
        **criteria: Unpack[DeliveryCriteria],
    ) -> list[Json]:
        return await asyncio.to_thread(
            lambda: self.sync.assert_webhook_delivered(
                event, count, timeout=timeout, where=where, **criteria
            )
        )
