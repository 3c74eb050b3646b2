"""The journal is bounded by bytes as well as by entries: a body over 64 KiB is kept as its
first 64 KiB with its full size and SHA-256, and the oldest calls go once the journal holds
`MOCKSERVER_JOURNAL_MAX_BYTES`, so rejected megabyte uploads cannot pile up in memory. Every
byte an entry holds counts (path, query string, headers, body, answer, its own overhead):
whatever a call's shape, the size the journal counts tracks the size it holds."""

from __future__ import annotations

import gc
import hashlib
import io
import random
import sys
import types
from pathlib import Path

from mockserver.records.journal import (
    BODY_LIMIT,
    ENTRY_OVERHEAD,
    HEADER_OVERHEAD,
    JournalEntry,
    stored_size,
)

from .conftest import START, MakeClient, worlds_of

SCENARIO = f'seed: 1\nclock: manual\nstart: "{START}"\nhive: {{keys: [vk]}}\n'
MIB = 1024 * 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_a_long_body_keeps_its_prefix_size_and_hash(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, max_body=2 * MIB)
    sent = bytes(range(256)) * (MIB // 256)
    resp = await client.post("/api/v1/task/sync", data=io.BytesIO(sent))  # no key: a 401
    assert resp.status == 401
    small = b'{"post_id": "p"}'
    await client.post("/api/v1/task/sync", data=small)
    entries = (await (await client.get("/_mockserver/journal")).json())["entries"]
    big, short = entries
    assert big["body_truncated"] is True
    assert (big["body_size"], big["body_sha256"]) == (len(sent), hashlib.sha256(sent).hexdigest())
    assert len(big["body"]) <= BODY_LIMIT
    assert short["body"] == {"post_id": "p"}
    assert "body_truncated" not in short and "body_sha256" not in short


async def test_the_oldest_calls_go_when_the_byte_cap_is_reached(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, max_body=2 * MIB, journal_max_bytes=MIB)
    before = rss_mib()
    for _ in range(100):
        resp = await client.post("/api/v1/task/sync", data=io.BytesIO(b"x" * MIB))
        assert resp.status == 401
    journal = worlds_of(client).get("").journal
    assert journal.bytes <= MIB
    found = await (await client.get("/_mockserver/journal")).json()
    assert found["total"] == 100
    assert 10 <= found["count"] <= 16  # each entry keeps 64 KiB and its headers
    assert found["dropped"] == 100 - found["count"]
    assert rss_mib() - before < 40  # 100 MiB were sent
    await client.delete("/_mockserver/journal")
    assert journal.bytes == 0


async def test_the_entry_cap_still_counts_entries(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, journal_cap=3)
    for n in range(5):
        await client.post("/api/v1/task/sync", data=b"x" * n)
    found = await (await client.get("/_mockserver/journal")).json()
    assert (found["count"], found["dropped"], found["total"]) == (3, 2, 5)
    journal = worlds_of(client).get("").journal
    assert journal.bytes == sum(e.cost for e in journal)


_NOT_OWNED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def deep_size(root: object) -> int:
    """The bytes held by `root` and everything it references (types and modules aside)."""
    seen: set[int] = set()
    total = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or obj is None or isinstance(obj, _NOT_OWNED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def shape(rng: random.Random) -> tuple[str, dict[str, str], bytes]:
    """A random call within what the HTTP parser takes: a query of up to a few thousand
    parameters, up to 90 headers, a body up to 100 KiB."""
    params = rng.choice([0, 1, 10, 300, 1302, 2500])
    width = rng.choice([0, 1, 5, 40])
    while params * (width + 6) > 7800:  # the request line stays within 8190 bytes
        params //= 2
    query = "&".join(f"p{i}={'v' * width}" for i in range(params))
    headers = {f"X-H{i}": "h" * rng.choice([1, 50, 1000]) for i in range(rng.choice([0, 5, 90]))}
    body = b"b" * rng.choice([0, 10, 5000, 100_000])
    return "?" + query if query else "", headers, body


async def test_the_counted_size_of_an_entry_tracks_what_it_holds(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO, max_body=2 * MIB)
    journal = worlds_of(client).get("").journal
    rng = random.Random(23)
    for _ in range(40):
        query, headers, body = shape(rng)
        resp = await client.post(f"/api/v1/task/sync{query}", data=body, headers=headers)
        assert resp.status == 401
        entry: JournalEntry = list(journal)[-1]
        held = deep_size(entry)
        assert held / 2 <= entry.cost <= held * 2, (query[:40], len(headers), len(body))
    assert journal.bytes == sum(e.cost for e in journal)


def getsizeof_cost(entry: JournalEntry) -> int:
    """What an entry costs by `sys.getsizeof` of each part (stored_size takes `__sizeof__`)."""
    size = sys.getsizeof
    parts = [entry.body, entry.answer, entry.path, entry.query, entry.at]
    parts += [*entry.headers.keys(), *entry.headers.values()]
    return ENTRY_OVERHEAD + sum(map(size, parts)) + HEADER_OVERHEAD * len(entry.headers)


async def test_the_counted_size_is_what_getsizeof_gives(sandbox: MakeClient) -> None:
    """Whatever the text of a call's parts (ASCII, Latin-1, wider, astral), the cost counted
    is what `sys.getsizeof` says they hold."""
    client = await sandbox(SCENARIO)
    journal = worlds_of(client).get("").journal
    for text in ("a", "é", "€", "😀" * 3):
        resp = await client.post(
            f"/api/v1/task/sync?q={text}", data=text.encode(), headers={"X-Text": text}
        )
        assert resp.status == 401
        entry: JournalEntry = list(journal)[-1]
        assert entry.headers["X-Text"] == text and text in entry.query
        assert entry.cost == stored_size(entry) == getsizeof_cost(entry)


async def test_queries_count_against_the_byte_cap(sandbox: MakeClient) -> None:
    """Calls with 1,302 empty parameters each (what a request line of 8 KiB holds): the
    journal keeps no more than its cap of them, by what they really hold."""
    client = await sandbox(SCENARIO, journal_max_bytes=MIB)
    query = "&".join(f"p{i}=" for i in range(1302))
    for _ in range(300):
        assert (await client.get(f"/api/v1/task/sync?{query}")).status in (401, 405)
    journal = worlds_of(client).get("").journal
    assert journal.bytes <= MIB
    assert journal.dropped > 0
    assert sum(deep_size(e) for e in journal) <= 2 * MIB
