"""The plain-HTTP client's bound on connections busy at once (webhooks/gate.py): with every
connection busy, a batch waits for one in turn; one whose deadline passes while it waits is
left unsettled and takes no connection; a place freed goes to the next waiting, and none is
lost, however the waits end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mockserver.webhooks.fastpost import FastPost, Result
from mockserver.webhooks.gate import Gate
from mockserver.webhooks.http1 import Answer, Target
from tests.support.rawhttp import raw_receiver, read_request

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@asynccontextmanager
async def held_receiver(release: asyncio.Event) -> AsyncIterator[tuple[Target, list[int]]]:
    """A raw receiver answering each request once `release` is set; the list counts the
    requests that arrived."""
    arrived: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await read_request(reader)
                arrived.append(1)
                await release.wait()
                writer.write(OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    async with raw_receiver(serve) as target:
        yield target, arrived


async def test_with_every_connection_busy_batches_wait_their_turn_within_their_deadline() -> None:
    release = asyncio.Event()
    client = FastPost(1)  # one connection busy at most
    async with held_receiver(release) as (target, arrived):

        async def post(timeout: float) -> Result:
            results: list[Result] = [None]
            await client.post_many([(target, b"{}", {})], 1024, results, timeout)
            return results[0]

        first = asyncio.create_task(post(10.0))
        while not arrived:  # (the first holds the one connection, unanswered)
            await asyncio.sleep(0)
        assert await post(0.05) is None  # its deadline passed while it waited: unsettled
        second, third = asyncio.create_task(post(10.0)), asyncio.create_task(post(10.0))
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(arrived) == 1  # both wait their turn, nothing sent
        release.set()
        got = await asyncio.wait_for(asyncio.gather(first, second, third), 5)
        assert [r.status if isinstance(r, Answer) else r for r in got] == [200, 200, 200]
        assert len(arrived) == 3
        assert isinstance(await asyncio.wait_for(post(10.0), 5), Answer)  # no place lost
    await client.close()


async def test_a_place_handed_to_a_wait_that_stops_goes_on_to_the_next() -> None:
    gate = Gate(1)
    assert gate.take_now() and not gate.take_now()
    stopping = asyncio.create_task(gate.take())
    next_in_turn = asyncio.create_task(gate.take())
    await asyncio.sleep(0)  # both waiting, in turn
    gate.give()  # the place is handed to the first...
    stopping.cancel()  # ...which stops before it runs again
    await asyncio.wait_for(next_in_turn, 1)  # the next has it
    assert stopping.cancelled() and not gate.take_now()
    gate.give()
    assert gate.take_now()  # and once given back, it is free
