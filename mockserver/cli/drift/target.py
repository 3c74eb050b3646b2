"""One side of a drift run: a base URL and a key, called probe by probe, with pacing, a call
budget and a list of what to undo.

The real side is paced (at least `pace` seconds between calls), capped (`max_calls`, cleanups
included: a run never starts a probe it could not also undo) and stops starting probes when the
vendor's remaining-calls header falls to `reserve`. Every object a probe creates is queued for
cleanup the moment its id is known, so an interrupted run still undoes it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from mockserver.cli.drift.compare import matching
from mockserver.kit.drift_probes import INVALID_KEY, Call, Probe, ProbeSet

MAX_BODY = 1024 * 1024


@dataclass
class Answer:
    """What one call got back: status, the headers that matter, the body (JSON or a text
    excerpt), or `error` when nothing came back at all."""

    call: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    is_json: bool = False
    error: str | None = None
    skipped: str | None = None

    @property
    def answered(self) -> bool:
        return self.error is None and self.skipped is None

    @property
    def ok(self) -> bool:
        return self.answered and 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        if self.skipped is not None:
            return {"skipped": self.skipped}
        if self.error is not None:
            return {"call": self.call, "error": self.error}
        return {"call": self.call, "status": self.status, "headers": self.headers}


@dataclass
class Limits:
    pace: float = 0.0
    max_calls: int = 1000
    reserve: int = 0
    remaining_header: str | None = None
    timeout: float = 30.0


@dataclass
class Cleanup:
    call: Call
    probe: str
    status: int | None = None
    error: str | None = None
    gone: str | None = None
    """Why a failed undo leaves nothing behind (already gone, already decided)."""
    provides: frozenset[str] = frozenset()
    """The values its probe saved (a loop's `loop_id`)."""
    needs: frozenset[str] = frozenset()
    """The values its probe's call used (a request made in a loop needs `loop_id`)."""

    @property
    def undone(self) -> bool:
        ok = self.error is None and self.status is not None and 200 <= self.status < 300
        return ok or self.gone is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"call": self.call.label(), "after": self.probe}
        if self.status is not None:
            out["status"] = self.status
        if self.error is not None:
            out["error"] = self.error
        if self.gone is not None:
            out["gone"] = self.gone
        out["undone"] = self.undone
        return out


class Target:
    """`side` is "real" or "sandbox"; `values` start as the user's parameters for this side."""

    def __init__(
        self,
        side: str,
        base: str,
        key: str,
        probe_set: ProbeSet,
        values: Mapping[str, str],
        limits: Limits,
        callback_url: str | None = None,
    ) -> None:
        self.side = side
        self.base = base.rstrip("/")
        self.probe_set = probe_set
        self.given = dict(values)
        self.values = dict(values)
        self.limits = limits
        self.callback_url = callback_url
        self.calls = 0
        self.stopped: str | None = None
        self.pending: list[Cleanup] = []
        self.cleaned: list[Cleanup] = []
        self._key = key
        self._last = 0.0
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Target:
        timeout = aiohttp.ClientTimeout(total=self.limits.timeout)
        self._session = aiohttp.ClientSession(timeout=timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    def missing(self, probe: Probe) -> list[str]:
        return sorted(
            n for n in probe.call.placeholders() - {"tag", "run_id"} if n not in self.values
        )

    async def run(self, probe: Probe) -> Answer:
        """Make the probe's call (unless it cannot or should not run here) and keep what it
        saves; queue its cleanup; drop a queued cleanup this very call performed."""
        if probe.skip_when_given and probe.skip_when_given in self.given:
            return Answer(probe.call.label(), skipped=f"{probe.skip_when_given} was given")
        if self.stopped is not None:
            return Answer(probe.call.label(), skipped=self.stopped)
        lacking = self.missing(probe)
        if lacking:
            return Answer(
                probe.call.label(), skipped=f"no {', '.join(lacking)} from earlier probes"
            )
        if self.calls + len(self.pending) + 1 + (probe.cleanup is not None) > self.limits.max_calls:
            self.stopped = f"call budget of {self.limits.max_calls} reached"
            return Answer(probe.call.label(), skipped=self.stopped)
        call = probe.call.render(self.values)
        if probe.callback_field and self.callback_url and isinstance(call.body, dict):
            call = Call(
                call.method,
                call.path,
                {**call.body, probe.callback_field: self.callback_url},
                call.query,
                call.auth,
            )
        await self._undo_dependents(call)
        answer = await self.send(call)
        if answer.ok:
            self._after(probe, call, answer)
        self._watch_budget(answer)
        return answer

    def _after(self, probe: Probe, call: Call, answer: Answer) -> None:
        for name, paths in probe.saves.items():
            found = first_string(answer.body, paths)
            if found is not None:
                self.values[name] = found
        if probe.cleanup is not None and not probe.cleanup.placeholders() - set(self.values) - {
            "tag",
            "run_id",
        }:
            self.pending.append(
                Cleanup(
                    probe.cleanup.render(self.values),
                    probe.name,
                    provides=frozenset(probe.saves),
                    needs=frozenset(probe.call.placeholders()),
                )
            )
        done = [c for c in self.pending if c.call.label() == call.label()]
        for c in done:
            self.pending.remove(c)
            c.status = answer.status
            self.cleaned.append(c)

    def _watch_budget(self, answer: Answer) -> None:
        header = self.limits.remaining_header
        if header is None or self.side != "real":
            return
        raw = answer.headers.get(header.lower())
        if raw is not None and raw.strip().isdigit() and int(raw) <= self.limits.reserve:
            self.stopped = f"{header} fell to {raw} (reserve {self.limits.reserve})"

    async def _undo_dependents(self, call: Call) -> None:
        """Before a probe undoes something still queued (deletes a loop), undo, newest first,
        what was made with it (the requests made in that loop): requests go before their
        loop, as in the cleanup at the end."""
        target = next((c for c in self.pending if c.call.label() == call.label()), None)
        if target is None:
            return
        provided = set(target.provides)
        dependents: list[Cleanup] = []
        for item in self.pending[self.pending.index(target) + 1 :]:
            if item.needs & provided:
                dependents.append(item)
                provided |= item.provides
        for item in reversed(dependents):
            self.pending.remove(item)
            await self._undo(item)

    async def clean_up(self) -> list[Cleanup]:
        """Undo, newest first, everything still queued; returns every cleanup of the run."""
        while self.pending:
            await self._undo(self.pending.pop())
        return self.cleaned

    async def _undo(self, item: Cleanup) -> None:
        answer = await self.send(item.call)
        item.status = answer.status or None
        item.error = answer.error
        if answer.answered and not answer.ok:
            item.gone = self.probe_set.gone(answer.status, answer.body)
        self.cleaned.append(item)

    async def send(self, call: Call) -> Answer:
        assert self._session is not None, "use `async with Target(...)`"
        wait = self._last + self.limits.pace - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self.calls += 1
        headers = {"Accept": "application/json"}
        if call.auth == "key":
            headers.update(self.probe_set.auth_headers(self._key))
        elif call.auth == "invalid":
            headers.update(self.probe_set.auth_headers(INVALID_KEY))
        try:
            async with self._session.request(
                call.method,
                self.base + call.path,
                params=dict(call.query) or None,
                json=call.body,
                headers=headers,
                allow_redirects=False,
            ) as resp:
                raw = await resp.content.read(MAX_BODY)
                answer = Answer(
                    call.label(), resp.status, matching(resp.headers, self.probe_set.headers)
                )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Answer(call.label(), error=f"{type(exc).__name__}: {exc}")
        finally:
            self._last = time.monotonic()
        answer.body, answer.is_json = parse_body(raw)
        return answer


def parse_body(raw: bytes) -> tuple[Any, bool]:
    if not raw.strip():
        return None, False
    try:
        return json.loads(raw), True
    except (ValueError, UnicodeDecodeError, RecursionError):
        return raw[:200].decode("utf-8", "replace"), False


def first_string(body: Any, paths: tuple[str, ...]) -> str | None:
    """The first of the dotted paths that leads to a string or a number in `body`."""
    for path in paths:
        node = body
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str) and node:
            return node
        if isinstance(node, int | float) and not isinstance(node, bool):
            return str(node)
    return None
