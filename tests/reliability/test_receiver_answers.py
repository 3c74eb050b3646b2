"""A receiver's answer is untrusted: only a short prefix is read (never decompressed), a
redirect is a failed attempt that is retried and never followed, and a webhook aimed at the
sandbox itself (its control plane) is refused, not sent."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from mockserver.webhooks.transport import ANSWER_PREFIX

from .conftest import MakeClient, advance, control, deliveries, journal
from .test_webhook_faults import cancelled_request, scenario

MakeServer = Callable[..., Awaitable[TestServer]]
SENT_CAP = 64 * 1024 * 1024  # an endless answer stops here even if nobody stops reading


async def test_an_endless_answer_is_read_only_up_to_a_short_prefix(
    sandbox: MakeClient, aiohttp_server: MakeServer
) -> None:
    sent = [0]

    async def endless(request: web.Request) -> web.StreamResponse:
        await request.read()
        answer = web.StreamResponse(status=200)
        await answer.prepare(request)
        chunk = b"x" * 65536
        try:
            while sent[0] < SENT_CAP:
                await answer.write(chunk)
                sent[0] += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the sandbox hung up: what we want
        return answer

    app = web.Application()
    app.router.add_post("/hook", endless)
    server = await aiohttp_server(app)
    client = await sandbox(scenario())
    delivery = await cancelled_request(client, str(server.make_url("/hook")))
    await advance(client, "0s")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    (attempt,) = found["attempts"]
    assert found["state"] == "delivered" and attempt["status"] == 200
    assert attempt["answer"] == "x" * ANSWER_PREFIX and attempt["answer_truncated"] is True
    # The sandbox stopped reading: the receiver could only fill the socket buffers.
    assert sent[0] < 16 * 1024 * 1024


async def test_a_gzip_answer_is_recorded_as_sent_not_decompressed(
    sandbox: MakeClient, aiohttp_server: MakeServer
) -> None:
    # 32 MiB in ~32 KiB, compressed off the event loop (the suite's loop watchdog)
    bomb = await asyncio.to_thread(gzip.compress, b"\0" * (32 * 1024 * 1024), compresslevel=9)

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    app = web.Application()
    app.router.add_post("/hook", answer)
    server = await aiohttp_server(app)
    client = await sandbox(scenario())
    delivery = await cancelled_request(client, str(server.make_url("/hook")))
    await advance(client, "0s")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    (attempt,) = found["attempts"]
    assert found["state"] == "delivered"
    assert attempt["answer"] == f"<{ANSWER_PREFIX} bytes of gzip content, not decoded>"
    assert attempt["answer_truncated"] is True


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_failed_attempt_retried_and_never_followed(
    sandbox: MakeClient, aiohttp_server: MakeServer, status: int
) -> None:
    hits: list[tuple[str, str, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        hits.append((request.method, request.path, request.headers.get("Authorization")))
        if request.path == "/hook":
            return web.Response(status=status, headers={"Location": "/elsewhere"})
        return web.Response(text="followed")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hook)
    server = await aiohttp_server(app)
    client = await sandbox(scenario("webhooks: {retry: [15s]}"))
    delivery = await cancelled_request(client, str(server.make_url("/hook")))
    await advance(client, "0s")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    assert found["state"] == "pending"  # failed, and retried per the schedule
    (attempt,) = found["attempts"]
    assert attempt["status"] == status and attempt["location"] == "/elsewhere"
    assert attempt["error"] == "redirect to /elsewhere not followed"
    await advance(client, "15s")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    assert found["state"] == "failed" and [a["status"] for a in found["attempts"]] == [status] * 2
    assert [(m, p) for m, p, _ in hits] == [("POST", "/hook"), ("POST", "/hook")]


# the address as the connection reads it, whatever the URL's spelling: a name, a wildcard,
# another loopback address, an IPv4-mapped IPv6 address
@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "0.0.0.0", "127.0.0.2", "[::ffff:127.0.0.1]"]
)
async def test_a_webhook_to_the_sandbox_itself_is_refused(sandbox: MakeClient, host: str) -> None:
    client = await sandbox(scenario())
    await control(client, "POST", "/reset", ns="other")  # another tenant's namespace exists
    port = client.server.port
    url = f"http://{host}:{port}/_mockserver/reset?all=1"
    delivery = await cancelled_request(client, url)
    await advance(client, "1d")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    assert found["state"] == "failed"
    (attempt,) = found["attempts"]  # refused once, never retried
    assert attempt["status"] is None
    assert attempt["error"] == (
        f"refused: {URL(url).host}:{port} is this sandbox's own address; webhooks are never "
        "delivered to the sandbox itself"
    )
    # Nothing was reset: the journal still holds the calls that made the webhook.
    assert (await journal(client))["count"] == 2
    health = await control(client, "GET", "/health")
    assert "other" in str(health)
