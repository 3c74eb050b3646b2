"""The one client of the control plane (`/_mockserver/...`): blocking, standard library only.

`mockserver trigger` and `mockserver health` use it as it is; `mockserver.testing.ControlClient`
adds scenario files, waits that list what arrived, and assertions; `AsyncControlClient` awaits
the testing client's calls. So every caller builds a call the same way: the path under the
prefix, the query of a `JournalFilter` / `DeliveryFilter`, the namespace header (none for the
default namespace ""), and the control token (`MOCKSERVER_CONTROL_TOKEN` unless given).
Errors are raised, never returned (`client/transport.py`).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Unpack

from mockserver.base.filters import (
    EVERY_CALL,
    EVERY_DELIVERY,
    DeliveryCriteria,
    DeliveryFields,
    DeliveryFilter,
    JournalFields,
    JournalFilter,
)
from mockserver.client.transport import (
    CONTROL_PREFIX,
    NAMESPACE_HEADER,
    ControlError,
    Json,
    ScenarioRejected,
    WaitTimedOut,
    opener_for,
    send,
)
from mockserver.http.settings import control_token

__all__ = [
    "CONTROL_PREFIX",
    "NAMESPACE_HEADER",
    "ControlClient",
    "ControlError",
    "Json",
    "ScenarioRejected",
    "WaitTimedOut",
    "delivery_filter",
    "journal_filter",
]


def journal_filter(where: JournalFilter | None, fields: JournalFields) -> JournalFilter:
    """The one place keyword filters (`vendor="hitl"`) become a `JournalFilter`: `where` (or
    no filter) with the given fields set."""
    return replace(where or EVERY_CALL, **fields)


def delivery_filter(where: DeliveryFilter | None, fields: DeliveryCriteria) -> DeliveryFilter:
    """The one place keyword filters (`event="*.completed"`) become a `DeliveryFilter`."""
    return replace(where or EVERY_DELIVERY, **fields)


def quoted(*parts: str) -> str:
    """Path segments (a vendor, an item id) quoted for a URL path: `/hitl/a%2Fb`."""
    return "".join("/" + urllib.parse.quote(part, safe="") for part in parts)


def _when(value: str | datetime | float) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
    return value


def _duration(value: str | float | timedelta) -> str | float:
    return value.total_seconds() if isinstance(value, timedelta) else value


def _step(action: str | Mapping[str, Any]) -> Any:
    return action if isinstance(action, str) else dict(action)


class ControlClient:
    """The control plane of the sandbox at `url`, scoped to `namespace`."""

    def __init__(
        self, url: str, namespace: str = "", *, timeout: float = 10.0, token: str | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.namespace = namespace
        self.timeout = timeout
        # The sandbox's control token, if it has one: MOCKSERVER_CONTROL_TOKEN by default.
        self.token = token if token is not None else control_token()
        self._opener = opener_for(self.url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, namespace={self.namespace!r})"

    @property
    def headers(self) -> dict[str, str]:
        """The header that puts a vendor call in this client's namespace (empty for "")."""
        return {NAMESPACE_HEADER: self.namespace} if self.namespace else {}

    # -- transport ---------------------------------------------------------------------------
    def target(self, path: str, query: Mapping[str, Any] | None = None) -> str:
        """The URL of a control-plane call: `path` under the prefix, `query` without Nones."""
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        return (
            self.url
            + CONTROL_PREFIX
            + path
            + ("?" + urllib.parse.urlencode(params) if params else "")
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        text: str | None = None,
        timeout: float | None = None,
    ) -> Json:
        """One control-plane call; the decoded JSON answer, or ControlError."""
        headers = {"Accept": "application/json", **self.headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data: bytes | None = None
        if text is not None:
            data = text.encode("utf-8")
            headers["Content-Type"] = "application/yaml"
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        return send(
            self._opener, method, self.target(path, query), headers, data, timeout or self.timeout
        )

    # -- server and scenario -----------------------------------------------------------------
    def health(self) -> Json:
        return self.request("GET", "/health")

    def reset(self, *, every_namespace: bool = False, default_scenario: bool = False) -> Json:
        """A fresh world for this namespace: empty stores, journal, deliveries; clock restarted.
        `every_namespace`: all of them; `default_scenario`: back on the server's default
        scenario (a scenario loaded since is forgotten)."""
        query = {"all": "1" if every_namespace else None}
        query["scenario"] = "default" if default_scenario else None
        return self.request("POST", "/reset", query=query)

    def drop_namespace(self) -> Json:
        """Forget this client's namespace on the sandbox (state, logs, clock, scenario)."""
        return self.request("DELETE", "/namespaces" + quoted(self.namespace))

    def scenario(self) -> Json:
        """The current scenario's name, source, clock and reviewers, and the library's names."""
        return self.request("GET", "/scenario")

    def use_scenario(self, name: str) -> Json:
        """Make a scenario of the server's library (`--scenario` folder) current, by name."""
        return self.request("PUT", "/scenario", body={"name": name})

    def variants(self, vendor: str | None = None) -> list[Json]:
        """The documented variants: forms, sources, default and the form in use."""
        found: list[Json] = self.request("GET", "/variants", query={"vendor": vendor})["variants"]
        return found

    def set_variants(self, forms: Mapping[str, str]) -> Json:
        """Answer in these documented forms (`{"hitl.webhook_body": "B"}`) until a reset."""
        return self.request("PUT", "/variants", body=dict(forms))

    def lenience(self) -> Json:
        """What the sandbox accepted that the real service would not: `{rules, total}`."""
        return self.request("GET", "/lenience")

    # -- journal and deliveries --------------------------------------------------------------
    def journal(
        self, where: JournalFilter | None = None, /, **fields: Unpack[JournalFields]
    ) -> list[Json]:
        """API calls received in this namespace, oldest first: those `where` (a JournalFilter)
        and the keyword filters let through (`vendor`, `method`, `path` glob, `status`)."""
        query = journal_filter(where, fields).to_query()
        entries: list[Json] = self.request("GET", "/journal", query=query)["entries"]
        return entries

    def clear_journal(self) -> None:
        self.request("DELETE", "/journal")

    def deliveries(
        self, where: DeliveryFilter | None = None, /, **fields: Unpack[DeliveryFields]
    ) -> list[Json]:
        """Webhook deliveries (with every attempt), oldest first: those `where` (a
        DeliveryFilter) and the keyword filters let through (`event` and `url` are globs)."""
        query = delivery_filter(where, fields).to_query()
        found: list[Json] = self.request("GET", "/deliveries", query=query)["deliveries"]
        return found

    def clear_deliveries(self) -> None:
        self.request("DELETE", "/deliveries")

    def redeliver(self, delivery_id: str) -> Json:
        """Send a recorded delivery again (a new delivery, same body and signature)."""
        return self.request("POST", "/deliveries" + quoted(delivery_id) + "/redeliver")

    # -- clock -------------------------------------------------------------------------------
    def clock(self) -> Json:
        """`now`, `timestamp`, `mode`, `scale`, `pending_timers`, `next_due`."""
        return self.request("GET", "/clock")

    def advance(self, by: str | float | timedelta) -> Json:
        """Move virtual time forward ("90s", "2m", "1h", seconds or a timedelta), firing every
        timer that falls due (reviewer steps, timeouts, webhook attempts) before answering."""
        return self.request("POST", "/clock/advance", body={"by": _duration(by)})

    def set_time(self, when: str | datetime | float) -> Json:
        """Set virtual time (ISO-8601 text, datetime or epoch seconds); forward fires what's due."""
        return self.request("POST", "/clock/set", body={"time": _when(when)})

    def set_clock_mode(self, mode: str, scale: float = 1.0) -> Json:
        """`manual` (time moves only when told), `real`, or `scaled` with `scale`."""
        return self.request("POST", "/clock/mode", body={"mode": mode, "scale": scale})

    # -- reviewers ---------------------------------------------------------------------------
    def vendors(self) -> list[Json]:
        """What each served vendor declares (`GET /_mockserver/vendors`): name, base_path,
        action words with their settings, statuses, signature schemes."""
        found: list[Json] = self.request("GET", "/vendors")["vendors"]
        return found

    def items(self, vendor: str | None = None, status: str | None = None) -> list[Json]:
        """Reviewable items (HITL requests, ...) with their status and possible actions."""
        found: list[Json] = self.request(
            "GET", "/items", query={"vendor": vendor, "status": status}
        )["items"]
        return found

    def act(self, vendor: str, item_id: str, action: str | Mapping[str, Any]) -> Json:
        """Act as a reviewer now: `"claim"`, `"timeout"`, or a step such as
        `{"respond": {"choose": "Approve", "by": "dana@example.com"}}`. Returns the item."""
        return self.request("POST", "/items" + quoted(vendor, item_id), body=_step(action))

    # -- waits -------------------------------------------------------------------------------
    def wait_for_status(
        self, vendor: str, item_id: str, status: str | Iterable[str], timeout: float = 10.0
    ) -> str:
        """Block until the item reaches `status` (or one of several); returns the status."""
        wanted = status if isinstance(status, str) else ",".join(status)
        answer = self.request(
            "GET",
            "/wait/items" + quoted(vendor, item_id),
            query={"status": wanted, "timeout": timeout},
            timeout=timeout + 5,
        )
        return str(answer["status"])

    def wait_for_deliveries(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: DeliveryFilter | None = None,
        **fields: Unpack[DeliveryFields],
    ) -> list[Json]:
        """Block until `count` deliveries match (any state unless `state` is given); on
        timeout, WaitTimedOut (the testing client's lists the deliveries that did match)."""
        query = {"count": count, "timeout": timeout, **delivery_filter(where, fields).to_query()}
        try:
            answer = self.request("GET", "/wait/deliveries", query=query, timeout=timeout + 5)
        except WaitTimedOut as exc:
            raise self.deliveries_timed_out(exc) from None
        found: list[Json] = answer["deliveries"]
        return found

    def deliveries_timed_out(self, exc: WaitTimedOut) -> WaitTimedOut:
        """What a delivery wait raises when it gives up: the control plane's answer as it is
        (the testing client adds the list of what did arrive)."""
        return exc

    def wait_for_requests(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: JournalFilter | None = None,
        **fields: Unpack[JournalFields],
    ) -> list[Json]:
        """Block until `count` API calls matching the filters are in the journal."""
        query = {"count": count, "timeout": timeout, **journal_filter(where, fields).to_query()}
        found: list[Json] = self.request("GET", "/wait/journal", query=query, timeout=timeout + 5)[
            "entries"
        ]
        return found
