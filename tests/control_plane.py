"""A test helper shared by vendor suites: control-plane calls scoped to one vendor."""

from __future__ import annotations

from typing import Any, ClassVar

from aiohttp.test_utils import TestClient


class VendorControl:
    """Control-plane calls (clock, deliveries, reviewable items) for `vendor`'s tests."""

    vendor: ClassVar[str]

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = await self.client.request(method, "/_mockserver" + path, json=body)
        assert resp.status < 300, await resp.text()
        return await resp.json()

    async def advance(self, by: str) -> Any:
        return await self.control("POST", "/clock/advance", {"by": by})

    async def deliveries(self, **filters: str) -> list[dict[str, Any]]:
        query = "&".join(f"{k}={v}" for k, v in {"vendor": self.vendor, **filters}.items())
        found: list[dict[str, Any]] = (await self.control("GET", f"/deliveries?{query}"))[
            "deliveries"
        ]
        return found

    async def item(self, item_id: str) -> dict[str, Any]:
        items = (await self.control("GET", f"/items?vendor={self.vendor}"))["items"]
        (item,) = [i for i in items if i["id"] == item_id]
        return dict(item)
