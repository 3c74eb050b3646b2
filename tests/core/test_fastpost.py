"""The plain-HTTP webhook client (webhooks/fastpost.py) against raw loopback receivers: what
goes on the wire, each way an answer's body can be framed, kept-alive connections (reused,
or closed by the receiver meanwhile), and receivers that misbehave."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from mockserver.webhooks.fastpost import FastPost, Item, Result, parse
from mockserver.webhooks.http1 import Answer, Refused, Target
from tests.support.rawhttp import raw_receiver, read_request

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def receiver(handle: Handler) -> AsyncIterator[tuple[Target, list[int]]]:
    """A raw receiver on a free port; the list counts the connections it accepted."""
    accepted: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            await handle(reader, writer)
        finally:
            writer.close()

    async with raw_receiver(serve, "/hook?x=1") as target:
        yield target, accepted


def answering(*answers: bytes, then_close: bool = False) -> Handler:
    """A receiver answering each request on a connection with the next of `answers`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            writer.write(answer)
            await writer.drain()
        if not then_close:
            await reader.read()  # hold the connection until the client lets go

    return handle


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def post(client: FastPost, target: Target, limit: int = 1024) -> object:
    return await client.post(target, b'{"a": 1}', {"Content-Type": "application/json"}, limit)


def test_only_plain_http_urls_take_this_path() -> None:
    assert parse("http://example.com/h?q=1") == Target("example.com", 80, "example.com", "/h?q=1")
    assert parse("http://[::1]:8000") == Target("::1", 8000, "[::1]:8000", "/")
    for other in (
        "https://example.com/h",  # TLS: the aiohttp session
        "http://user:pw@example.com/h",  # credentials: the aiohttp session
        "http://[::1/h",  # unusable: the aiohttp session reports it
        "http://example.com:99999/h",
        "http://exämple.com/h",
        "ftp://example.com/h",
        "http:///h",
    ):
        assert parse(other) is None, other


async def test_the_request_on_the_wire_and_a_reused_connection() -> None:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(3):
            seen.append(await read_request(reader))
            writer.write(OK)
        await reader.read()

    client = FastPost(8)
    async with receiver(handle) as (target, accepted):
        for _ in range(3):
            answer = await client.post(target, b"{}", {"X-Sig": "s"}, 1024)
            assert (answer.status, answer.body, answer.truncated) == (200, b"ok", False)
        await client.close()
    assert len(accepted) == 1  # kept alive: one connection for the three
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /hook?x=1 HTTP/1.1"
    assert lines[1] == f"Host: 127.0.0.1:{target.port}"
    assert "X-Sig: s" in lines and "Content-Length: 2" in lines and body == b"{}"


@pytest.mark.parametrize(
    ("answer", "body", "truncated"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", b"0123", True),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n0123", b"0123", False),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n01\r\n1\r\n2\r\n0\r\n\r\n",
            b"012",
            False,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n0\r\n\r\n",
            b"0123",
            True,
        ),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
            b"ok",
            False,
        ),
        (b"HTTP/1.1 204 No Content\r\n\r\n", b"", False),
    ],
    ids=["length-cut", "length", "chunked", "chunked-cut", "interim-100", "no-content"],
)
async def test_each_body_framing_read_up_to_the_limit(
    answer: bytes, body: bytes, truncated: bool
) -> None:
    client = FastPost(8)
    async with receiver(answering(answer)) as (target, _):
        got = await client.post(target, b"{}", {}, 4)
        await client.close()
    assert (got.body, got.truncated) == (body, truncated)


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\n\r\nok",  # no length: the body runs to the connection's end
    ],
    ids=["http-1.0", "connection-close", "no-length"],
)
async def test_a_connection_the_answer_does_not_keep_alive_is_not_reused(answer: bytes) -> None:
    """Each connection answers once and then only holds on: a client that sent a second
    request on it would wait for an answer that never comes."""
    client = FastPost(8)

    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer)
        await writer.drain()
        if b"Content-Length" not in answer:
            writer.close()  # the end of the body
        await reader.read()

    async with receiver(once) as (target, accepted):
        for _ in range(2):
            got = await asyncio.wait_for(client.post(target, b"{}", {}, 1024), 2)
            assert (got.status, got.body) == (200, b"ok")
        await client.close()
    assert len(accepted) == 2


async def test_a_kept_alive_connection_the_receiver_closed_is_replaced_once() -> None:
    """The receiver closes an idle connection just as the next request goes out on it (its
    keep-alive timeout): the request is sent again, once, on a new connection."""
    client = FastPost(8)
    accepted_before: list[int] = []

    async def close_after_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted_before.append(1)
        await read_request(reader)
        writer.write(OK)
        await writer.drain()
        if len(accepted_before) == 1:
            await read_request(reader)  # the next request arrives, and is never answered
            return
        await reader.read()

    async with receiver(close_after_one) as (target, accepted):
        await client.post(target, b"{}", {}, 1024)
        again = await asyncio.wait_for(client.post(target, b"{}", {}, 1024), 2)
        await client.close()
    assert again.status == 200 and len(accepted) == 2


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", "ServerDisconnectedError: Server disconnected"),
        (b"HTTP/1.1 200 OK\r\n", "ServerDisconnectedError: Server disconnected"),
        (b"SMTP ready\r\n\r\n", "ClientResponseError: 400, message='Bad status line 'SMTP ready''"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", "ClientPayloadError"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            "ClientResponseError: 400, message='Invalid Content-Length'",
        ),
    ],
    ids=["nothing", "half-a-head", "not-http", "short-body", "bad-length"],
)
async def test_a_misbehaving_receiver_is_a_failed_attempt_in_words(
    answer: bytes, error: str
) -> None:
    client = FastPost(8)
    async with receiver(answering(answer, then_close=True)) as (target, _):
        with pytest.raises(Refused) as refused:
            await client.post(target, b"{}", {}, 1024)
        await client.close()
    assert str(refused.value).startswith(error)


async def test_a_closed_port_says_it_cannot_connect() -> None:
    async with receiver(answering(OK)) as (target, _):
        pass  # closed again: nothing listens on its port now
    with pytest.raises(
        Refused, match=r"^ClientConnectorError: Cannot connect to host 127\.0\.0\.1"
    ):
        await FastPost(8).post(target, b"{}", {}, 1024)


async def test_a_batch_goes_pipelined_on_one_connection_each_with_its_answer() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for n in range(3):
            await read_request(reader)
            answer = f"answer {n}".encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(answer) + answer)
        await reader.read()

    client = FastPost(8)
    async with receiver(handle) as (target, accepted):
        results: list[Result] = [None, None, None]
        items: list[Item] = [(target, f"{{{n}}}".encode(), {}) for n in range(3)]
        await client.post_many(items, 1024, results)
        await client.close()
    assert [r.body for r in results if isinstance(r, Answer)] == [
        b"answer 0",
        b"answer 1",
        b"answer 2",
    ]
    assert len(accepted) == 1


async def test_a_receiver_closing_after_each_answer_gets_the_rest_again_one_by_one() -> None:
    """HTTP/1.0 or `Connection: close`: the receiver processed nothing after that answer, so
    the rest of the batch is sent again on new connections, each exactly once."""
    got: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await read_request(reader)
        got.append(request.rpartition(b"\r\n\r\n")[2])
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    client = FastPost(8)
    async with receiver(handle) as (target, accepted):
        results: list[Result] = [None] * 4
        await client.post_many([(target, b"%d" % n, {}) for n in range(4)], 1024, results)
        await client.close()
    assert all(isinstance(r, Answer) and r.status == 200 for r in results)
    assert sorted(got) == [b"0", b"1", b"2", b"3"] and len(accepted) == 4


async def test_a_connection_lost_mid_batch_fails_only_the_unanswered() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(OK)
        await writer.drain()  # then hangs up without a word about the others

    client = FastPost(8)
    async with receiver(handle) as (target, _):
        results: list[Result] = [None] * 3
        await client.post_many([(target, b"{}", {})] * 3, 1024, results)
        await client.close()
    assert isinstance(results[0], Answer) and results[0].status == 200
    assert [str(r) for r in results[1:]] == ["ServerDisconnectedError: Server disconnected"] * 2


def hanging_after(answered: int, release: asyncio.Event | None = None) -> Handler:
    """A receiver answering the first `answered` requests of a connection, then silent (until
    `release` is set, when it answers the rest)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for n in itertools.count():
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            if n >= answered:
                if release is None:
                    await reader.read()  # never answers; holds the connection
                    return
                await release.wait()
            writer.write(OK)

    return handle


async def test_a_batch_keeps_what_was_answered_by_its_deadline_and_leaves_the_rest() -> None:
    """The rest is left unsettled (None: the caller's "timed out after ..."), and the
    connection is dropped, never given to the next batch with an answer still owed on it."""
    client = FastPost(8)
    async with receiver(hanging_after(1)) as (target, accepted):
        results: list[Result] = [None] * 3
        started = time.monotonic()
        await client.post_many([(target, b"{}", {})] * 3, 1024, results, timeout=0.2)
        assert 0.2 <= time.monotonic() - started < 2.0
        assert isinstance(results[0], Answer) and results[1:] == [None, None]
        again: list[Result] = [None]
        await client.post_many([(target, b"{}", {})], 1024, again, timeout=5.0)
        await client.close()
    assert isinstance(again[0], Answer) and len(accepted) == 2


async def test_each_batch_times_out_at_its_own_deadline_and_no_other() -> None:
    """Exchanges under way at once, each watched until its own deadline: two receivers that
    never answer time out after 0.1 s and 0.3 s (the later one once the earlier is gone),
    while a third batch, with a long timeout, is answered after both."""
    client = FastPost(8)
    release = asyncio.Event()
    async with (
        receiver(hanging_after(0)) as (first, _),
        receiver(hanging_after(0)) as (second, _),
        receiver(hanging_after(0, release)) as (patient, _),
    ):
        outcomes: list[list[Result]] = [[None], [None], [None]]
        started = time.monotonic()
        waits = [
            client.post_many([(first, b"{}", {})], 1024, outcomes[0], timeout=0.1),
            client.post_many([(second, b"{}", {})], 1024, outcomes[1], timeout=0.3),
        ]
        long = asyncio.ensure_future(
            client.post_many([(patient, b"{}", {})], 1024, outcomes[2], timeout=30.0)
        )
        await asyncio.gather(*waits)
        assert 0.3 <= time.monotonic() - started < 3.0
        assert outcomes[0] == [None] and outcomes[1] == [None] and not long.done()
        release.set()
        await long
        await client.close()
    assert isinstance(outcomes[2][0], Answer) and outcomes[2][0].status == 200


async def test_the_mark_header_follows_the_requests_own_or_takes_the_place_of_its_namesake() -> (
    None
):
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(2):
            seen.append(await read_request(reader))
            writer.write(OK)
        await reader.read()

    client = FastPost(8, mark=("X-Mark", "m1"))
    async with receiver(handle) as (target, _):
        await client.post(target, b"{}", {"A": "1", "B": "2"}, 1024)
        await client.post(target, b"{}", {"X-Mark": "theirs", "B": "2"}, 1024)
        await client.close()
    first, second = (r.partition(b"\r\n\r\n")[0].split(b"\r\n")[2:5] for r in seen)
    assert first == [b"A: 1", b"B: 2", b"X-Mark: m1"]
    assert second == [b"X-Mark: m1", b"B: 2", b"Accept: */*"]


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 70_000 + b"\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 70_000,  # and no end of the head in sight
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"0" * 70_000 + b"2\r\nok",
    ],
    ids=["long-head", "endless-head", "long-chunk-size"],
)
async def test_a_head_or_chunk_line_past_the_limit_is_refused_unread(answer: bytes) -> None:
    """A receiver's status line and headers (or a chunk's size line) are read up to 64 KiB,
    in whatever pieces they arrive: past that the attempt fails in aiohttp's words, without
    waiting for the rest."""
    client = FastPost(8)
    async with receiver(answering(answer)) as (target, _):
        with pytest.raises(Refused) as refused:
            await asyncio.wait_for(client.post(target, b"{}", {}, 1024), 5)
        await client.close()
    assert str(refused.value) == "ClientResponseError: 400, message='Got more than 65536 bytes'"


async def test_pipelined_answers_arriving_in_one_piece_are_each_read_whole() -> None:
    """The receiver writes its answers to a batch at once, in one piece, each framed its own
    way: each attempt gets its own status and body."""
    answers = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew"
        b"HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"
        b"HTTP/1.1 204 No Content\r\n\r\n"
        b"HTTP/1.1 500 Oops\r\nContent-Length: 10\r\n\r\n0123456789"
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(5):
            await read_request(reader)
        writer.write(answers)
        await reader.read()

    client = FastPost(8)
    async with receiver(handle) as (target, _):
        results: list[Result] = [None] * 5
        await client.post_many([(target, b"{}", {})] * 5, 1024, results, timeout=5.0)
        await client.close()
    got = [(r.status, r.body, r.truncated) for r in results if isinstance(r, Answer)]
    assert got == [
        (200, b"ok", False),
        (201, b"new", False),
        (202, b"a", False),
        (204, b"", False),
        (500, b"0123456789", False),
    ]
