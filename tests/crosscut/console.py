"""The reviewer console's view of a vendor, through the control plane it reads: the page's
vendor list (`/_mockserver/ui/vendors.json`: its view, its lifecycle), `/_mockserver/vendors`,
its own view's script when it ships one, its items listed (each with status, summary and the
words it offers) and, for an item that offers a bare word, acted on as the console's buttons do
(`POST /_mockserver/items/{vendor}/{id}`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.kit.vendor import Vendor

Client = TestClient[web.Request, web.Application]


async def _json(client: Client, path: str) -> tuple[int, Any]:
    resp = await client.get(path)
    return resp.status, await resp.json(content_type=None)


async def console_failures(client: Client, vendor: Vendor, act: bool = True) -> list[str]:
    """What the console would get wrong about `vendor` (empty: nothing). With `act`, the first
    listed item that offers a bare word is acted on with it."""
    name = vendor.name
    failures: list[str] = []
    _, listed = await _json(client, "/_mockserver/ui/vendors.json")
    entry = next((v for v in listed["vendors"] if v["name"] == name), None)
    wanted = {
        "name": name,
        "title": vendor.title,
        "view": vendor.console is not None,
        "statuses": list(vendor.statuses),
        "waiting": list(vendor.waiting),
        "final": list(vendor.lifecycle.final),
    }
    if entry != wanted:
        failures.append(f"{name}: the console's vendor list says {entry}, not {wanted}")
    _, described = await _json(client, "/_mockserver/vendors")
    if name not in [v["name"] for v in described["vendors"]]:
        failures.append(f"{name}: not in GET /_mockserver/vendors")
    view = await client.get(f"/_mockserver/ui/vendors/{name}.js")
    if view.status != (200 if vendor.console is not None else 404):
        failures.append(f"{name}: its console view answers {view.status}")
    status, items = await _json(client, f"/_mockserver/items?vendor={name}")
    if status != 200:
        return [*failures, f"{name}: GET /_mockserver/items?vendor={name} answered {status}"]
    for item in items["items"]:
        failures += _item_problems(vendor, item)
    _, waiting = await _json(client, f"/_mockserver/items?vendor={name}&status=waiting")
    expected = [i["id"] for i in items["items"] if i["status"] in vendor.waiting]
    if [i["id"] for i in waiting["items"]] != expected:
        failures.append(f"{name}: ?status=waiting lists {waiting['items']}, not {expected}")
    if act:
        failures += await _act(client, vendor, items["items"])
    return failures


def _item_problems(vendor: Vendor, item: dict[str, Any]) -> list[str]:
    said = f"{vendor.name} item {item.get('id')}"
    problems = []
    if item.get("vendor") != vendor.name or not isinstance(item.get("id"), str):
        problems.append(f"{said}: no vendor or id: {item}")
    if item.get("status") not in vendor.statuses:
        problems.append(f"{said}: status {item.get('status')!r} is not in its lifecycle")
    if not isinstance(item.get("summary"), str):
        problems.append(f"{said}: no summary (what the console shows without a view)")
    if not set(item.get("actions", [None])) <= set(vendor.actions.words):
        problems.append(f"{said}: offers {item.get('actions')}, not its words")
    return problems


async def _act(client: Client, vendor: Vendor, items: list[dict[str, Any]]) -> list[str]:
    bare = vendor.words.bare_words
    for item in items:
        word = next((w for w in item["actions"] if w in bare), None)
        if word is None:
            continue
        path = f"/_mockserver/items/{vendor.name}/{item['id']}"
        resp = await client.post(path, json=word)
        answer = await resp.json(content_type=None)
        if resp.status != 200 or answer.get("id") != item["id"]:
            return [f"{vendor.name}: acting with {word!r} on {item['id']}: {resp.status} {answer}"]
        return []
    return []
