"""Hive multipart bodies crafted to exhaust the parser: tens of thousands of parts, a megabyte
of RFC 2047 encoded-word headers. Each is refused quickly in Hive's error shape, other calls are
answered meanwhile, and the process's peak memory barely moves."""

from __future__ import annotations

import asyncio
import io
import resource
import time
from typing import Any

import pytest

from mockserver.vendors.hive.multipart import MAX_FIELD_BYTES, MAX_PART_HEADER_BYTES, MAX_PARTS

from .conftest import START, Client, MakeClient

SCENARIO = f'seed: 1\nclock: manual\nstart: "{START}"\nhive: {{keys: [vk]}}\n'
BOUNDARY = "b0undary"
HEADERS = {
    "Authorization": "token vk",
    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
}
ENCODED_WORD = b"=?utf-8?q?=C3=A9t=C3=A9?= "


def part(name: str, value: bytes, extra: bytes = b"") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n'.encode()
        + extra
        + b"\r\n"
        + value
        + b"\r\n"
    )


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def post_while_others_call(client: Client, data: bytes) -> tuple[int, Any, float, int]:
    """Post `data` to Hive while health checks run; status, body, seconds, checks answered."""
    done = asyncio.Event()

    async def others() -> int:
        answered = 0
        while not done.is_set():
            resp = await client.get("/_mockserver/health")
            answered += resp.status == 200
        return answered

    checker = asyncio.create_task(others())
    try:
        started = time.perf_counter()
        resp = await client.post("/api/v1/task/sync", data=io.BytesIO(data), headers=HEADERS)
        elapsed = time.perf_counter() - started
        answer = await resp.json()
    finally:
        done.set()
    return resp.status, answer, elapsed, await checker


BOMBS = {
    "20k parts": body(*(part("f", b"x") for _ in range(20_000))),
    "1 MiB of encoded words in one part": body(
        part("text_data", b"hi", b"X-Junk: " + ENCODED_WORD * (1024 * 1024 // 26) + b"\r\n")
    ),
    "encoded-word headers in every part": body(
        *(
            part("f", b"x", b"X-Junk: " + ENCODED_WORD * 300 + b"\r\n")
            for _ in range(1024 * 1024 // 8000)
        )
    ),
    "a megabyte text field": body(part("text_data", b"a" * (MAX_FIELD_BYTES + 1))),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
async def test_a_multipart_bomb_is_refused_fast(sandbox: MakeClient, name: str) -> None:
    client = await sandbox(SCENARIO, max_body=2 * 1024 * 1024)
    before = peak_rss_mib()
    status, answer, elapsed, _ = await post_while_others_call(client, BOMBS[name])
    assert status == 413, answer
    assert answer == {**answer, "code": 413, "error": "payload_too_large"}
    assert elapsed < 2.0, f"{name}: {elapsed:.3f}s"
    print(f"{name}: answered in {elapsed * 1000:.1f} ms")
    assert peak_rss_mib() - before < 100


def test_the_limits_are_those_documented() -> None:
    assert (MAX_PARTS, MAX_PART_HEADER_BYTES, MAX_FIELD_BYTES) == (100, 8192, 262144)


async def test_a_form_within_the_limits_still_works(sandbox: MakeClient) -> None:
    """Up to the part limit, encoded-word headers included, a form is answered as before."""
    client = await sandbox(SCENARIO)
    fields = [
        part("post_id", b"p1", b"X-Note: " + ENCODED_WORD * 200 + b"\r\n"),
        part("patron_id", b"u1"),
        part(
            "text_data", "héllo".encode("latin-1"), b"Content-Type: text/plain; charset=latin-1\r\n"
        ),
    ]
    fields += [part("extra", b"x") for _ in range(MAX_PARTS - len(fields))]
    resp = await client.post("/api/v1/task/sync", data=body(*fields), headers=HEADERS)
    answer = await resp.json()
    assert resp.status == 200, answer
    assert (answer["post_id"], answer["patron_id"]) == ("p1", "u1")
    resp = await client.get("/_mockserver/journal")
    assert (await resp.json())["count"] == 1


@pytest.mark.parametrize(
    "data",
    [
        b"no boundary at all",
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated".encode(),
        f"--{BOUNDARY}\r\nno colon here\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
        f"--{BOUNDARY}\r\nContent-Disposition: form-data".encode(),
    ],
)
async def test_a_broken_multipart_body_is_a_400(sandbox: MakeClient, data: bytes) -> None:
    client = await sandbox(SCENARIO)
    resp = await client.post("/api/v1/task/sync", data=data, headers=HEADERS)
    answer = await resp.json()
    assert resp.status == 400, answer
    assert answer == {**answer, "code": 400, "error": "invalid_form"}
