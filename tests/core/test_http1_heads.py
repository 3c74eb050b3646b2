"""The answer heads `http1.Incoming` remembers: a repeated head reads exactly as the first
time (status, headers, keep-alive, body by its length), and what is remembered stays bounded
in count and size however many different heads receivers send."""

from __future__ import annotations

import asyncio

import pytest

from mockserver.webhooks import http1


async def read_all(data: bytes, answers: int) -> list[tuple[http1.Answer, bool, bool]]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    incoming = http1.Incoming(reader, 64 * 1024)
    return [await incoming.answer(4) for _ in range(answers)]


@pytest.mark.parametrize(
    "head, closing",
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", False),
        (b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", True),
    ],
)
async def test_a_repeated_head_reads_as_the_first_with_each_its_own_body(
    head: bytes, closing: bool
) -> None:
    http1._HEADS.clear()
    got = await read_all(head + b"ab" + head + b"cd" + head + b"ef", 3)
    assert [(a.status, a.body, a.truncated, c, e) for a, c, e in got] == [
        (int(head.split()[1]), body, False, closing, True) for body in (b"ab", b"cd", b"ef")
    ]
    assert got[0][0].headers == got[2][0].headers == http1._head(head)[1]


async def test_a_repeated_head_with_a_body_past_the_limit_is_cut_each_time() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n"
    for body in (b"abcdef", b"ghijkl"):  # (a cut answer ends what its connection carries)
        [(answer, _, ended)] = await read_all(head + body, 1)
        assert (answer.body, answer.truncated, ended) == (body[:4], True, False)


async def test_heads_remembered_stay_bounded_in_count_and_size() -> None:
    http1._HEADS.clear()
    data = b"".join(
        b"HTTP/1.1 200 OK\r\nDate: %d\r\nContent-Length: 0\r\n\r\n" % n for n in range(500)
    )
    long = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"p" * 2000 + b"\r\nContent-Length: 0\r\n\r\n"
    got = await read_all(data + long, 501)
    assert [a.status for a, _, _ in got] == [200] * 501
    assert len(http1._HEADS) <= http1._HEADS_KEPT
    assert all(len(raw) <= http1._HEAD_CACHED for raw in http1._HEADS)
