"""A synchronous client for the control plane (`/_mockserver/...`), standard library only.

The same client drives an in-process sandbox and a container: everything goes over HTTP, and
every call carries the client's namespace as `X-Mockserver-Namespace` (none for the default
namespace ""). Errors are raised, never returned: `ControlError` with the control plane's
message, `ScenarioRejected` listing every problem of an uploaded scenario, `WaitTimedOut` (also
an `AssertionError`) when a long-poll gives up.
"""

from __future__ import annotations

import contextlib
import json
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mockserver.settings import control_token
from mockserver.testing import assertions
from mockserver.testing.scenarios import ScenarioSource, scenario_text
from mockserver.testing.transport import (
    ControlError,
    Json,
    ScenarioRejected,
    WaitTimedOut,
    opener_for,
    send,
)

NAMESPACE_HEADER = "X-Mockserver-Namespace"
PREFIX = "/_mockserver"

__all__ = ["ControlClient", "ControlError", "Json", "ScenarioRejected", "WaitTimedOut"]


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
        return f"ControlClient({self.url!r}, namespace={self.namespace!r})"

    @property
    def headers(self) -> dict[str, str]:
        """The header that puts a vendor call in this client's namespace (empty for "")."""
        return {NAMESPACE_HEADER: self.namespace} if self.namespace else {}

    # -- transport ---------------------------------------------------------------------------
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
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        url = self.url + PREFIX + path + ("?" + urllib.parse.urlencode(params) if params else "")
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
        return send(self._opener, method, url, headers, data, timeout or self.timeout)

    # -- server and scenario -----------------------------------------------------------------
    def health(self) -> Json:
        return self.request("GET", "/health")

    def reset(self) -> Json:
        """A fresh world for this namespace: empty stores, journal, deliveries; clock restarted."""
        return self.request("POST", "/reset")

    def drop_namespace(self) -> Json:
        """Forget this client's namespace on the sandbox (state, logs, clock, scenario)."""
        return self.request("DELETE", f"/namespaces/{urllib.parse.quote(self.namespace, safe='')}")

    def scenario(self) -> Json:
        """The current scenario's name, source, clock and reviewers, and the library's names."""
        return self.request("GET", "/scenario")

    def load_scenario(
        self,
        source: ScenarioSource,
        *,
        base_dir: Path | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> Json:
        """Make a scenario current (and reset): a file path, inline YAML text or a dict.

        Relative paths are looked up in `base_dir`, then the working directory. `${name}`
        placeholders are replaced from `substitutions` (the plugin fills `${webhook_url}` and
        `${webhook_secret}`). Raises ScenarioRejected with every problem found.
        """
        text, origin = scenario_text(source, base_dir=base_dir, substitutions=substitutions)
        try:
            named_file = None if origin.startswith("<") else {"source": origin}
            return self.request("PUT", "/scenario", query=named_file, text=text)
        except ControlError as exc:
            problems = exc.body.get("problems")
            if exc.status != 400 or not isinstance(problems, list):
                raise
            named = [str(p).replace("<uploaded>", origin) for p in problems]
            raise ScenarioRejected(exc.status, named, exc.body) from None

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

    def use_scenario(self, name: str) -> Json:
        """Make a scenario of the server's library (`--scenario` folder) current, by name."""
        return self.request("PUT", "/scenario", body={"name": name})

    # -- journal and deliveries --------------------------------------------------------------
    def journal(
        self,
        *,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> list[Json]:
        """API calls received in this namespace, oldest first; `path` is a glob."""
        query = {"vendor": vendor, "method": method, "path": path, "status": status}
        entries: list[Json] = self.request("GET", "/journal", query=query)["entries"]
        return entries

    def clear_journal(self) -> None:
        self.request("DELETE", "/journal")

    def deliveries(
        self,
        *,
        vendor: str | None = None,
        event: str | None = None,
        url: str | None = None,
        state: str | None = None,
        subject: str | None = None,
    ) -> list[Json]:
        """Webhook deliveries (with every attempt), oldest first; `event`, `url` are globs."""
        query = {"vendor": vendor, "event": event, "url": url, "state": state, "subject": subject}
        found: list[Json] = self.request("GET", "/deliveries", query=query)["deliveries"]
        return found

    def clear_deliveries(self) -> None:
        self.request("DELETE", "/deliveries")

    def redeliver(self, delivery_id: str) -> Json:
        """Send a recorded delivery again (a new delivery, same body and signature)."""
        return self.request("POST", f"/deliveries/{urllib.parse.quote(delivery_id)}/redeliver")

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
        path = f"/items/{urllib.parse.quote(vendor)}/{urllib.parse.quote(item_id)}"
        return self.request("POST", path, body=_step(action))

    # -- waits -------------------------------------------------------------------------------
    def wait_for_status(
        self, vendor: str, item_id: str, status: str | Iterable[str], timeout: float = 10.0
    ) -> str:
        """Block until the item reaches `status` (or one of several); returns the status."""
        wanted = status if isinstance(status, str) else ",".join(status)
        path = f"/wait/items/{urllib.parse.quote(vendor)}/{urllib.parse.quote(item_id)}"
        answer = self.request(
            "GET", path, query={"status": wanted, "timeout": timeout}, timeout=timeout + 5
        )
        return str(answer["status"])

    def wait_for_deliveries(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        vendor: str | None = None,
        event: str | None = None,
        url: str | None = None,
        state: str | None = None,
        subject: str | None = None,
    ) -> list[Json]:
        """Block until `count` deliveries match (any state unless `state` is given)."""
        query = {"count": count, "timeout": timeout, "vendor": vendor, "event": event}
        query.update(url=url, state=state, subject=subject)
        try:
            found: list[Json] = self.request(
                "GET", "/wait/deliveries", query=query, timeout=timeout + 5
            )["deliveries"]
        except WaitTimedOut as exc:
            listing = assertions.describe_deliveries(exc.body.get("deliveries") or [])
            raise WaitTimedOut(exc.status, f"{exc.message}\n{listing}", exc.body) from None
        return found

    def wait_for_requests(
        self,
        count: int = 1,
        *,
        timeout: float = 10.0,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> list[Json]:
        """Block until `count` API calls matching the filters are in the journal."""
        query = {"count": count, "timeout": timeout, "vendor": vendor, "method": method}
        query.update(path=path, status=status)
        found: list[Json] = self.request("GET", "/wait/journal", query=query, timeout=timeout + 5)[
            "entries"
        ]
        return found

    # -- assertions --------------------------------------------------------------------------
    def assert_request_made(
        self,
        *,
        vendor: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        body: Mapping[str, Any] | None = None,
        count: int | None = 1,
    ) -> list[Json]:
        """Assert the journal holds exactly `count` matching calls (None: at least one).
        `path` is a glob; `body` must be contained in the JSON body. Returns the matches."""
        return assertions.assert_request_made(
            self.journal(),
            vendor=vendor,
            method=method,
            path=path,
            status=status,
            body=body,
            count=count,
            namespace=self.namespace,
        )

    def assert_webhook_delivered(
        self,
        event: str | None = None,
        count: int | None = 1,
        *,
        vendor: str | None = None,
        url: str | None = None,
        subject: str | None = None,
        state: str | None = "delivered",
        timeout: float = 0.0,
    ) -> list[Json]:
        """Assert exactly `count` deliveries (None: at least one) match, in `state` (None: any).
        With `timeout`, first wait up to that many seconds for them. Returns the matches."""
        if timeout > 0 and count != 0:
            with contextlib.suppress(WaitTimedOut):  # the assertion below says what arrived
                self.wait_for_deliveries(
                    count or 1,
                    timeout=timeout,
                    vendor=vendor,
                    event=event,
                    url=url,
                    state=state,
                    subject=subject,
                )
        return assertions.assert_webhook_delivered(
            self.deliveries(),
            event=event,
            vendor=vendor,
            url=url,
            subject=subject,
            state=state,
            count=count,
            namespace=self.namespace,
        )
