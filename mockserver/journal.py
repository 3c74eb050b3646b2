"""The journal: every API call the sandbox received, whatever the vendor, for tests to inspect."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver import jsonio
from mockserver.boundedlog import BoundedLog
from mockserver.redaction import redact_headers, redact_query

BODY_LIMIT = 64 * 1024


@dataclass(slots=True)
class JournalEntry:
    seq: int
    at: str
    vendor: str
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]  # as received (read-only); secrets are redacted in to_json
    body: bytes
    status: int = 0
    duration_ms: float = 0.0
    api_key: str | None = None

    def body_json(self) -> Any:
        """The body as JSON when it parses within the nesting cap, else as text: the journal
        renders whatever was stored."""
        text = self.body[:BODY_LIMIT].decode("utf-8", "replace")
        try:
            return jsonio.loads(text)
        except ValueError:
            return text

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path,
            "query": redact_query(self.query),
            "headers": redact_headers(self.headers),
            "body": self.body_json(),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
        }


class Journal(BoundedLog[JournalEntry]):
    def append(self, entry: JournalEntry) -> None:
        """Number the entry as it is logged (once its answer is known), so sequence numbers stay
        unique and increasing when calls overlap (one waiting on a latency fault, say)."""
        entry.seq = self.total + 1
        super().append(entry)

    def query(
        self,
        *,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        since: int | None = None,
    ) -> list[JournalEntry]:
        """Entries matching every given filter; `path` is a glob, `since` a sequence number."""
        return self.select(
            journal_matcher(vendor=vendor, method=method, path=path, status=status, since=since)
        )


def journal_matcher(
    *,
    vendor: str | None = None,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    since: int | None = None,
) -> Callable[[JournalEntry], bool]:
    """The journal filters as one test of an entry (for queries and for waits' wake-ups)."""

    def keep(e: JournalEntry) -> bool:
        return (
            (vendor is None or e.vendor == vendor)
            and (method is None or e.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(e.path, path))
            and (status is None or e.status == status)
            and (since is None or e.seq > since)
        )

    return keep
