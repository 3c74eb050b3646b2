"""Conveniences a vendor emulation allows beyond the vendor's documents, and how strictness
treats them: strict mode (`--strict`, or `strict: true` in the vendor's scenario section)
refuses each with the answer the real service documents; lenient mode accepts it and leaves a
lenience note (the rule, what the real service would do, its public source) on the call's
journal entry and in `GET /_mockserver/lenience`.

A vendor's request checks stay pure: they return the conveniences they found (a `Convenience`
each) next to what they parsed, and the handler hands them to `allow`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

from mockserver.base.errors import ApiError
from mockserver.kit.worldview import note_lenience
from mockserver.records.lenience import Lenience


@dataclass(frozen=True)
class Convenience:
    """One convenience in one call: the note lenient mode records, the answer strict mode
    gives instead."""

    note: Lenience
    refusal: ApiError


def convenience(rule: str, refusal: ApiError, source: str, detail: str = "") -> Convenience:
    """A convenience named `rule` (`vendor.what`), refused in strict mode with `refusal`;
    `source` is the public document that says so, `detail` this occurrence (a field name)."""
    real = f"answer {refusal.status}: {refusal.message}"
    return Convenience(Lenience(rule, real, source, detail), refusal)


def allow(request: web.Request, found: Iterable[Convenience], *, strict: bool) -> None:
    """Refuse the first convenience (strict), or note every one on the call (lenient)."""
    for one in found:
        if strict:
            raise one.refusal
        note_lenience(request, one.note)
