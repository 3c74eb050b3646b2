"""Control plane: the journal of calls and the webhook delivery log, with long-poll waits."""

from __future__ import annotations

from aiohttp import web

from mockserver.http.control.common import delivery_filter, journal_filter, not_reached, world_for
from mockserver.http.control.responses import fail, ok, query_float, query_int
from mockserver.http.control.tallies import DeliveryTally, JournalTally


async def get_journal(request: web.Request) -> web.Response:
    world = world_for(request)
    entries = world.journal.query(journal_filter(request))
    limit = query_int(request, "limit", minimum=1)
    if limit is not None:
        entries = entries[-limit:]
    return ok(
        {
            "entries": [e.to_json() for e in entries],
            "count": len(entries),
            "total": world.journal.total,
            "dropped": world.journal.dropped,
        }
    )


async def clear_journal(request: web.Request) -> web.Response:
    world_for(request).journal.clear()
    return ok({"cleared": True})


async def get_deliveries(request: web.Request) -> web.Response:
    world = world_for(request)
    found = world.dispatcher.query(delivery_filter(request))
    return ok(
        {
            "deliveries": [d.to_json() for d in found],
            "count": len(found),
            "total": world.dispatcher.log.total,
            "dropped": world.dispatcher.log.dropped,
            "pending": world.dispatcher.pending,
            "max_pending": world.dispatcher.max_pending,
            "abandoned_at_bound": world.dispatcher.abandoned_at_bound,
        }
    )


async def clear_deliveries(request: web.Request) -> web.Response:
    world_for(request).dispatcher.log.clear()
    return ok({"cleared": True})


async def get_delivery(request: web.Request) -> web.Response:
    delivery = world_for(request).dispatcher.get(request.match_info["id"])
    if delivery is None:
        fail(404, f"no delivery {request.match_info['id']!r}")
    return ok(delivery.to_json())


async def redeliver(request: web.Request) -> web.Response:
    world = world_for(request)
    delivery = world.dispatcher.get(request.match_info["id"])
    if delivery is None:
        fail(404, f"no delivery {request.match_info['id']!r}")
    again = world.dispatcher.redeliver(delivery)
    return ok(again.to_json(), status=201)


async def wait_deliveries(request: web.Request) -> web.Response:
    """Long-poll until `count` deliveries match the filters (and, with ?state=, that state)."""
    world = world_for(request)
    count = query_int(request, "count", minimum=1) or 1
    timeout = query_float(request, "timeout", 10.0)
    where = delivery_filter(request)
    tally = DeliveryTally(world.dispatcher.log, where, count)
    reached = await world.notifier.wait_for(
        tally.reached,
        timeout,
        topic="deliveries",
        key=where.subject,  # one item's deliveries: woken by that item's only
        accepts=tally.accepts,
    )
    found = world.dispatcher.query(where)
    if not reached:
        fail(
            *not_reached(world, f"{len(found)} of {count} deliveries after {timeout:g}s"),
            deliveries=[d.to_json() for d in found],
        )
    return ok({"deliveries": [d.to_json() for d in found], "count": len(found)})


async def wait_journal(request: web.Request) -> web.Response:
    world = world_for(request)
    count = query_int(request, "count", minimum=1) or 1
    timeout = query_float(request, "timeout", 10.0)
    where = journal_filter(request)
    tally = JournalTally(world.journal, where, count)
    reached = await world.notifier.wait_for(
        tally.reached,
        timeout,
        topic="journal",
        key=_literal(where.path),  # a path without wildcards: woken by that path only
        accepts=tally.accepts,
    )
    found = world.journal.query(where)
    if not reached:
        fail(*not_reached(world, f"{len(found)} of {count} calls after {timeout:g}s"))
    return ok({"entries": [e.to_json() for e in found], "count": len(found)})


def _literal(glob: str | None) -> str | None:
    return glob if glob and not any(c in glob for c in "*?[") else None
