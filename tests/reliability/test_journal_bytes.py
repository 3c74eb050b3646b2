"""The journal is bounded by bytes as well as by entries: a body over 64 KiB is kept as its
first 64 KiB with its full size and SHA-256, and the oldest calls go once the journal holds
`MOCKSERVER_JOURNAL_MAX_BYTES`, so rejected megabyte uploads cannot pile up in memory."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from mockserver.journal import BODY_LIMIT

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
