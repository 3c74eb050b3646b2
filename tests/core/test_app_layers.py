"""The app serves every call through its one middleware, without aiohttp's extra layer that
sets `current_app` for sub-applications (the app has none): calls still see their app."""

from __future__ import annotations

from aiohttp import web

from .conftest import AUTH, MakeClient, create_loop


def _layers(app: web.Application) -> list[str]:
    return [getattr(handler, "__qualname__", "") for handler, _ in app._middlewares_handlers or ()]


async def test_calls_go_through_the_vendor_middleware_alone_and_see_their_app(
    sandbox: MakeClient,
) -> None:
    client = await sandbox("name: t\n")
    app = client.app
    assert app is not None
    assert _layers(app) == ["vendor_middleware"]
    # control routes read the app through `request.app`, vendor calls through the middleware
    vendors = await client.get("/_mockserver/vendors")
    assert vendors.status == 200
    loop_id = await create_loop(client)
    reply = await client.get(f"/v1/api/loops/{loop_id}", headers=AUTH)
    assert reply.status == 200
    assert (await reply.json())["data"]["loop"]["id"] == loop_id
    missing = await client.get("/v1/api/nothing-here", headers=AUTH)
    assert missing.status == 404  # the vendor's own 404, rendered by the middleware
