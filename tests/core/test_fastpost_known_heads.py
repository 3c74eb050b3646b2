"""A batch's answers whose heads the client has read before (`http1._HEADS`) are taken where
they lie, without a coroutine each (`Incoming.take`): each reads exactly as an answer with a
head never seen before. A body past the limit is still cut, a head that closes the connection
still ends what it carries, an interim 1xx still has no body, wherever its head was read
first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mockserver.webhooks import http1
from mockserver.webhooks.fastpost import FastPost, Result
from mockserver.webhooks.http1 import Answer, Target
from tests.support.rawhttp import raw_receiver, read_request

Play = tuple[int, bytes, bool]  # requests to read, the answers to them (one write), hang up


@asynccontextmanager
async def receiver(*plays: Play) -> AsyncIterator[Target]:
    """A raw receiver playing `plays[n]` on its n-th connection: it reads that many requests,
    writes the answers in one piece, and hangs up or waits for the client to."""
    accepted: list[Play] = list(plays)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        count, answers, close = accepted.pop(0)
        try:
            for _ in range(count):
                await read_request(reader)
            writer.write(answers)
            await writer.drain()
            if not close:
                await reader.read()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    async with raw_receiver(serve) as target:
        yield target
    assert not accepted  # every play was played


async def batch(target: Target, count: int, limit: int) -> list[Result]:
    """`count` attempts pipelined on one new connection (a client of its own), by 5 s."""
    client = FastPost(8)
    results: list[Result] = [None] * count
    await client.post_many([(target, b"{}", {})] * count, limit, results, timeout=5.0)
    await client.close()
    return results


def read(results: list[Result]) -> list[tuple[int, bytes, bool] | object]:
    return [(r.status, r.body, r.truncated) if isinstance(r, Answer) else r for r in results]


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


# (each batch below is a new connection: its first answer is read with a wait, as it comes;
# the answers after it in the same piece are the ones taken where they lie)


async def test_a_known_head_with_a_body_past_the_limit_is_cut() -> None:
    http1._HEADS.clear()
    long = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef"
    async with receiver((1, long, False), (2, OK + long, False)) as target:
        assert read(await batch(target, 1, 1024)) == [(200, b"abcdef", False)]  # (head kept)
        assert read(await batch(target, 2, 4)) == [(200, b"ok", False), (200, b"abcd", True)]


async def test_a_known_head_that_closes_the_connection_sends_the_rest_again() -> None:
    http1._HEADS.clear()
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    plays = (1, closing, True), (3, OK + closing, True), (1, OK, True)
    async with receiver(*plays) as target:
        assert read(await batch(target, 1, 1024)) == [(200, b"ok", False)]  # (head kept)
        # the third attempt was never processed: it goes again on a connection of its own
        assert read(await batch(target, 3, 1024)) == [(200, b"ok", False)] * 3


async def test_a_known_interim_head_has_no_body_whatever_length_it_claims() -> None:
    http1._HEADS.clear()
    interim = b"HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\n"
    async with receiver((1, interim + OK, False), (2, OK + interim + OK, False)) as target:
        assert read(await batch(target, 1, 1024)) == [(200, b"ok", False)]  # (heads kept)
        assert read(await batch(target, 2, 1024)) == [(200, b"ok", False)] * 2


async def test_a_known_head_of_a_chunked_body_reads_its_chunks() -> None:
    http1._HEADS.clear()
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
    async with receiver((1, chunked, False), (2, OK + chunked, False)) as target:
        assert read(await batch(target, 1, 1024)) == [(200, b"ok", False)]  # (head kept)
        assert read(await batch(target, 2, 1024)) == [(200, b"ok", False)] * 2


async def test_take_says_when_only_bytes_are_missing_and_when_answer_must_read() -> None:
    """`Incoming.take`'s answer to the exchange: wait for more bytes (True) only while what
    is missing is the rest of an answer it would take (a head's end within the head limit,
    or the body of a known plain head); otherwise (False) `answer` reads the next itself."""
    http1._HEADS.clear()
    long = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef"
    reader = asyncio.StreamReader()
    incoming = http1.Incoming(reader, 64)
    answers: list[Answer] = []
    reader.feed_data(long[:10])
    assert incoming.take(answers, 9, 1024) and not answers  # the head's end still to come
    assert await incoming.more()
    reader.feed_data(long[10:] + long[:-2])
    assert await incoming.more()
    assert not incoming.take(answers, 9, 1024) and not answers  # a head never read: `answer`
    assert (await incoming.answer(1024))[0].body == b"abcdef"
    assert incoming.take(answers, 9, 1024) and not answers  # known now: its body to come
    reader.feed_data(long[-2:] + long)
    assert await incoming.more()
    assert not incoming.take(answers, 2, 1024)  # two wanted, two taken
    assert [a.body for a in answers] == [b"abcdef"] * 2
    reader.feed_data(long)
    assert await incoming.more()
    assert not incoming.take(answers, 3, 4)  # past the limit: `answer` cuts it
    assert (await incoming.answer(4))[0].body == b"abcd"
    reader.feed_data(b"x" * 70)
    assert await incoming.more()
    assert not incoming.take(answers, 9, 1024)  # no head's end within 64 bytes: `answer`
