"""The lenience report: what the sandbox accepted or filled in that the real service would not.

Every time a vendor accepts something strict mode would reject, or applies a convenience the
real service does not have (a default filled in, an unknown key ignored, a reviewer auto-joined,
an older shape mapped), it records a `Lenience` note: on the journal entry of the call when
there is one, and in the world's `LenienceReport`, which sums the notes by rule with a count
and the first call. `GET /_mockserver/lenience` serves the report; `serve` logs each rule once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("mockserver.lenience")


@dataclass(frozen=True)
class Lenience:
    rule: str
    """A stable name, `vendor.what`, e.g. `hitl.reviewer_auto_joined`."""
    real: str
    """What the real service would do instead."""
    source: str
    """The document that says so."""
    detail: str = ""
    """This occurrence (a field name, a reviewer)."""

    def to_json(self) -> dict[str, str]:
        out = {"rule": self.rule, "real": self.real, "source": self.source}
        if self.detail:
            out["detail"] = self.detail
        return out


class Call(Protocol):
    """What the report shows of the first call a rule noted: its journal entry (the journal
    keeps the notes on its entries and imports this module for them, so the report names only
    these fields, not the entry's type)."""

    @property
    def seq(self) -> int: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def at(self) -> str: ...


@dataclass
class _Sum:
    note: Lenience
    count: int
    first: Call | None


class LenienceReport:
    """Notes of one world, summed by rule. `logged` is shared by the worlds of one server so a
    rule is logged once per process, not once per test."""

    def __init__(self, logged: set[str] | None = None) -> None:
        self._sums: dict[str, _Sum] = {}
        self._logged = logged if logged is not None else set()

    def add(self, note: Lenience, entry: Call | None = None) -> None:
        found = self._sums.get(note.rule)
        if found is not None:
            found.count += 1
            if found.first is None:
                found.first = entry
            return
        self._sums[note.rule] = _Sum(note, 1, entry)
        if note.rule not in self._logged:
            self._logged.add(note.rule)
            log.info(
                "lenience %s: accepted here; the real service would %s (%s)%s",
                note.rule,
                note.real,
                note.source,
                f" [{note.detail}]" if note.detail else "",
            )

    def clear(self) -> None:
        self._sums.clear()

    def __len__(self) -> int:
        return sum(s.count for s in self._sums.values())

    def to_json(self) -> dict[str, Any]:
        rules = [
            {**s.note.to_json(), "count": s.count, "first_call": _call(s.first)}
            for s in self._sums.values()
        ]
        return {"rules": rules, "total": len(self)}


def _call(entry: Call | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {"seq": entry.seq, "method": entry.method, "path": entry.path, "at": entry.at}
