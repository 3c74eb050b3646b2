"""The journal: every API call the sandbox received, whatever the vendor, for tests to inspect."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.base import jsonio
from mockserver.base.boundedlog import BoundedLog
from mockserver.base.filters import EVERY_CALL, JournalFilter
from mockserver.base.redaction import query_pairs, redact_headers, redact_query, redact_text
from mockserver.records.lenience import Lenience

BODY_LIMIT = 64 * 1024  # a longer body keeps this prefix, with its full size and SHA-256
ANSWER_LIMIT = 16 * 1024  # the sandbox's own answer, kept for the journal and the console
# What an entry costs besides the objects it holds (the entry itself, the headers' mapping and
# proxy), and what each header costs besides its name and value (the mapping's slot): measured
# with a deep-size walk (tests/reliability/test_journal_bytes.py keeps them honest).
ENTRY_OVERHEAD = 512
HEADER_OVERHEAD = 64


@dataclass(slots=True)
class JournalEntry:
    seq: int
    at: str
    vendor: str
    method: str
    path: str
    query: str  # the query string as received (parsed only when shown)
    headers: Mapping[str, str]  # as received (read-only); secrets are redacted in to_json
    body: bytes
    status: int = 0
    duration_ms: float = 0.0
    api_key: str | None = None
    lenience: list[Lenience] | None = None  # notes of what strict mode would refuse
    body_size: int = 0  # set with body_sha256 when the stored body is a prefix
    body_sha256: str | None = None
    cost: int = 0  # bytes counted against the journal's byte cap
    answer: bytes = b""  # the body the sandbox answered with (its first ANSWER_LIMIT bytes)

    @classmethod
    def arriving(
        cls, vendor: str, method: str, path: str, query: str, headers: Mapping[str, str]
    ) -> JournalEntry:
        """The entry of a call that has just arrived: no number yet (the journal numbers it
        when appended), no time (the world's once the call has arrived whole), no body yet.
        (Positional: keywords cost a few thousand instructions more, on every call.)"""
        return cls(0, "", vendor, method, path, query, headers, b"")

    def body_json(self) -> Any:
        """The body as JSON when it parses within the nesting cap, else as text: the journal
        renders whatever was stored."""
        return _shown(self.body[:BODY_LIMIT])

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path,
            "query": redact_query(_first_values(self.query)),
            "headers": redact_headers(self.headers),
            "body": redact_text(self.body_json()),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "lenience": [n.to_json() for n in self.lenience or ()],
            "response": redact_text(_shown(self.answer)),
            **self._truncation(),
        }

    def _truncation(self) -> dict[str, Any]:
        if self.body_sha256 is None:
            return {}
        return {
            "body_truncated": True,
            "body_size": self.body_size,
            "body_sha256": self.body_sha256,
        }


def _first_values(query: str) -> dict[str, str]:
    """Each parameter's first value (what the journal always showed: aiohttp's query)."""
    out: dict[str, str] = {}
    for name, value in query_pairs(query):
        out.setdefault(name, value)
    return out


# `sys.getsizeof` of a str or bytes is its `__sizeof__()` (neither is tracked by the
# collector, so no collector header is added), but getsizeof parses its arguments the slow
# way: the methods themselves give the same number at a fraction of the cost. Header names
# are multidict's `istr`, a str subclass of the same layout (also untracked).
_STR_SIZE = str.__sizeof__
_BYTES_SIZE = bytes.__sizeof__


def stored_size(entry: JournalEntry) -> int:
    """The bytes an entry holds in memory, every part counted: its path, query string, each
    header, its body and answer, and its own overhead (what the byte cap counts; the size of a
    string or bytes is its length plus a fixed header, taken in constant time)."""
    headers = entry.headers
    return (
        ENTRY_OVERHEAD
        + _BYTES_SIZE(entry.body)
        + _BYTES_SIZE(entry.answer)
        + _STR_SIZE(entry.path)
        + _STR_SIZE(entry.query)
        + _STR_SIZE(entry.at)
        + sum(map(_STR_SIZE, headers.keys()))  # (map of a builtin: no Python frame per header)
        + sum(map(_STR_SIZE, headers.values()))
        + HEADER_OVERHEAD * len(headers)
    )


def _shown(data: bytes) -> Any:
    """Stored bytes as JSON when they parse within the nesting cap, else as text."""
    text = data.decode("utf-8", "replace")
    try:
        return jsonio.loads(text)
    except ValueError:
        return text


class Journal(BoundedLog[JournalEntry]):
    """The newest `cap` calls, and no more than `max_bytes` of them: the oldest go first."""

    def __init__(self, cap: int, max_bytes: int = 32 * 1024 * 1024) -> None:
        super().__init__(cap)
        self.max_bytes = max_bytes
        self.bytes = 0

    def append(self, entry: JournalEntry) -> None:
        """Number the entry as it is logged (once its answer is known), so sequence numbers stay
        unique and increasing when calls overlap (one waiting on a latency fault, say). A body
        over BODY_LIMIT is kept as its prefix, its size and hash (hashed only then)."""
        self.total += 1
        entry.seq = self.total
        body = entry.body
        if len(body) > BODY_LIMIT:
            entry.body_size = len(body)
            entry.body_sha256 = hashlib.sha256(body).hexdigest()
            body = entry.body = body[:BODY_LIMIT]
        cost = entry.cost = stored_size(entry)
        entries = self._entries
        if len(entries) == self.cap:  # the deque drops its oldest as this one goes in
            self.dropped += 1
            if not entries:
                return  # a cap of 0 keeps nothing
            self.bytes -= entries[0].cost
        entries.append(entry)
        self.bytes += cost
        while self.bytes > self.max_bytes and len(entries) > 1:
            self.bytes -= entries.popleft().cost
            self.dropped += 1

    def clear(self) -> None:
        super().clear()
        self.bytes = 0

    def query(self, where: JournalFilter = EVERY_CALL) -> list[JournalEntry]:
        """Entries `where` lets through, oldest first."""
        return self.select(where.matches)
