"""Assertions over the journal and the delivery log whose failure lists what did arrive.

They work on the control plane's JSON (journal entries, deliveries), so the same checks run
in-process and against a container. `count=None` means "at least one".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.base.filters import DeliveryFilter, JournalFilter

LISTED = 50  # entries listed in a failure message; the rest are counted


def contains(actual: Any, expected: Any) -> bool:
    """Whether `expected` is a subset of `actual`: mappings by key, recursively; else equal."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


def _criteria(**given: Any) -> str:
    shown = [f"{k}={v!r}" for k, v in given.items() if v is not None]
    return " ".join(shown) if shown else "(any)"


def _expected(count: int | None, one: str, many: str) -> str:
    if count is None:
        return f"at least one {one}"
    return f"{count} {one if count == 1 else many}"


def _listing(lines: Sequence[str], title: str, namespace: str) -> str:
    where = f" (namespace {namespace!r})" if namespace else ""
    if not lines:
        return f"{title}{where}: none."
    out = [f"{title}{where}, {len(lines)} in all:"]
    out += [f"  {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        out.append(f"  ... and {len(lines) - LISTED} more")
    return "\n".join(out)


def describe_call(entry: Mapping[str, Any]) -> str:
    query = entry.get("query") or {}
    qs = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return (
        f"#{entry.get('seq')} {entry.get('vendor')} {entry.get('method')} "
        f"{entry.get('path')}{qs} -> {entry.get('status')}"
    )


def describe_delivery(delivery: Mapping[str, Any]) -> str:
    attempts = delivery.get("attempts") or []
    answers = ", ".join(str(a.get("status") or a.get("error")) for a in attempts) or "none yet"
    subject = f" ({delivery['subject']})" if delivery.get("subject") else ""
    return (
        f"{delivery.get('vendor')} {delivery.get('event')}{subject} -> {delivery.get('url')} "
        f"[{delivery.get('state')}; attempts: {answers}]"
    )


def describe_deliveries(deliveries: Sequence[Mapping[str, Any]], namespace: str = "") -> str:
    return _listing(
        [describe_delivery(d) for d in deliveries], "Webhook deliveries the sandbox made", namespace
    )


def _check(found: int, count: int | None) -> bool:
    return found >= 1 if count is None else found == count


def assert_request_made(
    journal: Sequence[Mapping[str, Any]],
    where: JournalFilter,
    *,
    body: Mapping[str, Any] | None = None,
    count: int | None = 1,
    namespace: str = "",
) -> list[dict[str, Any]]:
    """Exactly `count` calls (None: at least one) in `journal` pass `where` and hold `body`
    (a subset of their JSON body); returns them."""
    matches = [
        dict(e)
        for e in journal
        if where.matches_json(e) and (body is None or contains(e.get("body"), body))
    ]
    if not _check(len(matches), count):
        wanted = _criteria(**where.fields(), body=body)
        expected = _expected(count, "call", "calls")
        raise AssertionError(
            f"expected {expected} matching {wanted}, found {len(matches)}.\n"
            + _listing(
                [describe_call(e) for e in journal], "API calls the sandbox received", namespace
            )
        )
    return matches


def assert_webhook_delivered(
    deliveries: Sequence[Mapping[str, Any]],
    where: DeliveryFilter,
    *,
    count: int | None = 1,
    namespace: str = "",
) -> list[dict[str, Any]]:
    """Exactly `count` deliveries (None: at least one) pass `where`; returns them."""
    matches = [dict(d) for d in deliveries if where.matches_json(d)]
    if not _check(len(matches), count):
        wanted = _criteria(**where.fields())
        expected = _expected(count, "webhook delivery", "webhook deliveries")
        raise AssertionError(
            f"expected {expected} matching {wanted}, "
            f"found {len(matches)}.\n" + describe_deliveries(deliveries, namespace)
        )
    return matches
