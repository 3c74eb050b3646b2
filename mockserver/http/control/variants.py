"""Control plane: the documented variants (list, choose per namespace, match an answer) and
the lenience report."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.http.control.common import world_for
from mockserver.http.control.responses import fail, ok, read_json
from mockserver.kit.variants import VariantError, match_forms


async def get_variants(request: web.Request) -> web.Response:
    """Every variant with its forms, sources, default and the form this namespace uses;
    `?vendor=` keeps one vendor's."""
    world = world_for(request)
    wanted = request.query.get("vendor")
    variants = [
        v
        for v in world.registry.to_json(world.variants)
        if not wanted or v["name"].startswith(wanted + ".")
    ]
    return ok({"variants": variants, "count": len(variants)})


async def put_variants(request: web.Request) -> web.Response:
    """Body `{"hitl.webhook_body": "B", ...}`: these forms for this namespace until its next
    reset or scenario change."""
    body = await read_json(request, required=True)
    changes = body.get("variants", body)
    if not isinstance(changes, dict) or not all(isinstance(v, str) for v in changes.values()):
        fail(400, 'give {"vendor.name": "form", ...}')
    world = world_for(request)
    try:
        world.variants = world.variants.with_(world.registry, changes)
    except VariantError as exc:
        fail(400, str(exc))
    return ok({"variants": world.variants.as_dict()})


async def match_variant(request: web.Request) -> web.Response:
    """Body: a JSON answer or webhook (`{"headers": ..., "body": ...}` for webhooks); which
    forms of `?variant=` it matches."""
    world = world_for(request)
    name = request.query.get("variant", "")
    try:
        variant = world.registry.get(name)
    except VariantError as exc:
        fail(400, str(exc))
    doc: Any = await read_json(request, required=True)
    return ok({"variant": name, "forms": match_forms(variant, doc)})


async def get_lenience(request: web.Request) -> web.Response:
    """What this namespace accepted that the real service would not, summed by rule."""
    return ok(world_for(request).lenience.to_json())


async def clear_lenience(request: web.Request) -> web.Response:
    world_for(request).lenience.clear()
    return ok({"cleared": True})
