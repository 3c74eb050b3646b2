"""A webhook never reaches the sandbox itself, however its URL is spelled or routed: the
webhook client checks each address it is about to connect to (not the URL's text), a URL is
read strictly (a port is 1 to 5 digits 0-9, as the check and the client must agree), and a call
that arrives carrying the sandbox's own delivery mark (through a port forward) is refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from .conftest import LOOP_ID, START, Client, MakeClient, advance, control, deliveries, journal
from .test_webhook_faults import AUTH, cancelled_request, scenario


def spellings(port: int) -> dict[str, str]:
    """The ways an HTTP client may read as `port` that a strict reading refuses."""
    digits = str(port)
    return {
        "plus": f"+{digits}",
        "underscore": f"{digits[:1]}_{digits[1:]}",
        "full-width": "".join(chr(ord(d) + 0xFEE0) for d in digits),
        "arabic-indic": "".join(chr(ord(d) - ord("0") + 0x660) for d in digits),
        "zero-padded": f"000{digits}",
    }


async def nothing_was_reset(client: Client, calls: int) -> None:
    """The journal still holds its calls and the other tenant's namespace still exists."""
    assert (await journal(client))["count"] == calls
    assert "other" in (await control(client, "GET", "/namespaces"))["namespaces"]


async def sandbox_and_url(sandbox: MakeClient, spelling: str) -> tuple[Client, str]:
    """A sandbox, and a URL of its reset with its own port spelled as `spelling` says."""
    client = await sandbox(scenario())
    port = spellings(client.server.port or 0)[spelling]
    return client, f"http://127.0.0.1:{port}/_mockserver/reset?all=1"


@pytest.mark.parametrize("spelling", sorted(spellings(8080)))
async def test_a_callback_url_with_a_malformed_port_is_refused_at_once(
    sandbox: MakeClient, spelling: str
) -> None:
    client, url = await sandbox_and_url(sandbox, spelling)
    body = {"request_text": "x", "response_type": "text", "callback_url": url}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    assert resp.status == 400, await resp.text()
    assert "callback_url" in (await resp.json())["msg"] + str((await resp.json())["data"])
    hive = {"text_data": "x", "post_id": "p", "user_id": "u", "callback_url": url}
    resp = await client.post("/api/v2/task/async", json=hive, headers={"Authorization": "token k"})
    assert resp.status == 400, await resp.text()
    assert "port" in await resp.text()


@pytest.mark.parametrize("spelling", sorted(spellings(8080)))
async def test_a_scenario_webhook_with_a_malformed_port_is_refused_not_sent(
    sandbox: MakeClient, spelling: str
) -> None:
    client, url = await sandbox_and_url(sandbox, spelling)
    hooked = f"""
seed: 9
clock: manual
start: "{START}"
hitl:
  loops: [{{id: {LOOP_ID}, name: Team}}]
  rules: [{{otherwise: timeout}}]
  webhooks: [{{url: "{url}", secret: s}}]
"""
    resp = await client.put("/_mockserver/scenario", data=hooked.encode())
    assert resp.status == 200, await resp.text()
    await control(client, "POST", "/reset", ns="other")
    body = {"request_text": "x", "response_type": "text", "response_config": {}}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    rid = (await resp.json())["data"]["request_id"]
    assert (await client.delete(f"/v1/api/requests/{rid}", headers=AUTH)).status == 200
    await advance(client, "1d")
    found = [d for d in (await deliveries(client))["deliveries"] if d["url"] == url]
    assert found and all(d["state"] == "failed" for d in found)
    for delivery in found:
        (attempt,) = delivery["attempts"]  # refused once, never retried
        assert attempt["error"].startswith("invalid URL: its port "), attempt
    await nothing_was_reset(client, calls=2)


# -- a port forward: the sandbox reached through another port, as `docker run -p` does -------
class Forwarder:
    """A TCP port that relays every connection to `target` (as docker-proxy does)."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = 0
        self.connections = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server


@pytest.fixture
async def forwarded(sandbox: MakeClient) -> AsyncIterator[tuple[Client, Forwarder]]:
    client = await sandbox(scenario())
    await control(client, "GET", "/health")  # the sandbox learns its own port
    forwarder = Forwarder(client.server.port or 0)
    server = await forwarder.start()
    yield client, forwarder
    server.close()


@pytest.mark.parametrize("path", ["/_mockserver/reset?all=1", f"/v1/api/loops/{LOOP_ID}/requests"])
async def test_a_webhook_that_comes_back_through_a_port_forward_is_refused(
    forwarded: tuple[Client, Forwarder], path: str
) -> None:
    client, forwarder = forwarded
    await control(client, "POST", "/reset", ns="other")
    url = f"http://127.0.0.1:{forwarder.port}{path}"
    delivery = await cancelled_request(client, url)
    await advance(client, "0s")
    (found,) = (await deliveries(client, subject=delivery["subject"]))["deliveries"]
    attempt = found["attempts"][0]
    assert forwarder.connections >= 1  # it did go out, through the forward ...
    assert attempt["status"] == 403  # ... and the sandbox refused its own mark
    assert "X-Mockserver-Delivery" in attempt["answer"]
    await nothing_was_reset(client, calls=2)
    items = (await control(client, "GET", "/items"))["items"]
    assert len(items) == 1  # the webhook created no request


async def test_a_call_through_the_forward_without_the_mark_is_served(
    forwarded: tuple[Client, Forwarder],
) -> None:
    """The mark is this process's own secret: another client's call through the same forward
    is answered as usual."""
    _, forwarder = forwarded
    reader, writer = await asyncio.open_connection("127.0.0.1", forwarder.port)
    writer.write(
        b"GET /_mockserver/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"X-Mockserver-Delivery: a-guess\r\nConnection: close\r\n\r\n"
    )
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0177.0.0.1", "127.0.0.1."])
async def test_a_host_that_is_not_a_plain_address_is_refused_as_invalid(
    sandbox: MakeClient, host: str
) -> None:
    """Short or decimal IPv4 forms mean 127.0.0.1 to some readers and nothing to others: a
    callback URL that names one is refused, never retried."""
    client = await sandbox(scenario())
    url = f"http://{host}:{client.server.port}/_mockserver/reset?all=1"
    body = {"request_text": "x", "response_type": "text", "callback_url": url}
    resp = await client.post(f"/v1/api/loops/{LOOP_ID}/requests", json=body, headers=AUTH)
    assert resp.status == 400, await resp.text()
