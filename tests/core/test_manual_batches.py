"""On a manual clock, the webhook attempts that fall due at one instant go to their receiver
in batches (pipelined on one connection), in the order their timers would have fired: a test
that decides a hundred requests at once does not make a hundred round trips. One item's two
webhooks never share a batch, and what cannot join one (a refused URL) is settled in its turn."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from mockserver.base.ids import IdFactory
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.webhooks.dispatcher import Dispatcher
from mockserver.webhooks.fastpost import Item
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.transport import Transport

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
QUICK = RetryPolicy((15.0,), timeout=1.0)
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Receiver:
    """A raw receiver that answers only once `together` requests have arrived on one
    connection (one at a time, each would wait for an answer that never comes)."""

    def __init__(self, together: int) -> None:
        self.together = together
        self.bodies: list[bytes] = []
        self.batches: list[list[bytes]] = []
        self.connections = 0
        self.port = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                owed: list[bytes] = []
                while len(owed) < self.together:
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    body = await reader.readexactly(length)
                    self.bodies.append(body)
                    owed.append(body)
                writer.write(OK * len(owed))
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def setup() -> AsyncIterator[tuple[Dispatcher, Clock, Receiver]]:
    """A dispatcher on a manual clock; `receiver.batches` lists the bodies of each batch its
    fast client sent."""
    receiver = Receiver(together=3)
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    clock = Clock(START, "manual")
    transport = Transport()
    post_many = transport.fast.post_many

    async def recorded(items: Sequence[Item], *rest: Any) -> None:
        receiver.batches.append([body for _, body, _ in items])
        await post_many(items, *rest)

    transport.fast.post_many = recorded  # type: ignore[method-assign,assignment]
    dispatcher = Dispatcher(clock, IdFactory(random.Random(1)), Notifier(), transport, 100)
    try:
        yield dispatcher, clock, receiver
    finally:
        await transport.close()
        server.close()
        await server.wait_closed()


def send(d: Dispatcher, url: str, body: bytes, subject: str) -> object:
    return d.send(
        vendor="hitl",
        event="request.claimed",
        url=url,
        body=body,
        headers={},
        policy=QUICK,
        subject=subject,
    )


async def test_attempts_due_at_one_instant_go_together_in_their_order(
    setup: tuple[Dispatcher, Clock, Receiver],
) -> None:
    d, clock, receiver = setup
    url = f"http://127.0.0.1:{receiver.port}"
    sent = [send(d, f"{url}/h{n % 2}", b"%d" % n, f"r{n}") for n in range(6)]
    assert await clock.advance(0) == 6  # every timer counted as fired
    assert [x.state for x in sent] == ["delivered"] * 6  # type: ignore[attr-defined]
    assert receiver.bodies == [b"0", b"1", b"2", b"3", b"4", b"5"]
    assert receiver.batches == [receiver.bodies] and receiver.connections == 1


async def test_one_items_second_webhook_waits_for_its_first_to_be_answered(
    setup: tuple[Dispatcher, Clock, Receiver],
) -> None:
    d, clock, receiver = setup
    url = f"http://127.0.0.1:{receiver.port}/h"
    sent = [send(d, url, b"r%d:%c" % (n % 3, e), f"r{n % 3}") for n, e in enumerate(b"aaabbb")]
    await clock.advance(0)
    assert [x.state for x in sent] == ["delivered"] * 6  # type: ignore[attr-defined]
    assert receiver.batches == [[b"r0:a", b"r1:a", b"r2:a"], [b"r0:b", b"r1:b", b"r2:b"]]


async def test_a_refused_url_is_settled_in_its_turn(
    setup: tuple[Dispatcher, Clock, Receiver],
) -> None:
    """The attempts before it go out first, those after it in a batch of their own."""
    d, clock, receiver = setup
    url = f"http://127.0.0.1:{receiver.port}/h"
    first = [send(d, url, b"r%d:a" % n, f"r{n}") for n in range(3)]
    refused = send(d, "http://127.0.0.1:+1/h", b"x", "r9")
    second = [send(d, url, b"r%d:b" % n, f"r{n}") for n in range(3, 6)]
    await clock.advance(0)
    states = [x.state for x in [*first, refused, *second]]  # type: ignore[attr-defined]
    assert states == ["delivered"] * 3 + ["failed"] + ["delivered"] * 3
    assert receiver.batches == [[b"r0:a", b"r1:a", b"r2:a"], [b"r3:b", b"r4:b", b"r5:b"]]
