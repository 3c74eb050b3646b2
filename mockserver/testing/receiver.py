"""A local webhook receiver: one small HTTP server per test session, one endpoint per test.

Each endpoint has its own URL (`/hooks/<token>`) and secret, records every call it gets (exact
body bytes, headers) and checks its signature the way a careful application would, through the
very objects the sandbox signs with: each vendor's `webhooks.signatures` (HITL.sh's
`X-HITL-Signature-256` HMAC, Outharm's `Authorization: Bearer <secret>`, and those of a vendor
a test registers), or the bare secret in `secret_header` when the endpoint says so.

A late delivery for an endpoint whose test has ended gets 404 and is not recorded anywhere, so
tests never see each other's webhooks. The server runs on plain threads (`http.server`), so it
answers while the test blocks, in sync and async tests alike.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from mockserver.webhooks.signatures import Signature as Scheme

Signature = Literal["valid", "invalid", "missing"]


@dataclass(frozen=True)
class ReceivedWebhook:
    """One call the receiver got, with its signature checked against the endpoint's secret."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    received_at: float
    signature: Signature
    scheme: str | None  # the scheme's `name` ("hitl-hmac", "bearer"), "header", None: unsigned

    @property
    def verified(self) -> bool:
        return self.signature == "valid"

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        low = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == low), None)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event(self) -> str | None:
        """The payload's `event` (HITL) or `type` (Outharm) field, when it is a JSON object."""
        try:
            data = self.json()
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        value = data.get("event", data.get("type"))
        return str(value) if value is not None else None

    def describe(self) -> str:
        return f"{self.method} {self.path} event={self.event!r} signature={self.signature}"


def vendor_schemes() -> tuple[Scheme, ...]:
    """Every signature scheme the vendors declare, in the order they are served (asked at call
    time, so a vendor a test registers counts)."""
    from mockserver.registry import vendors  # the vendor packages, only once a call arrives

    found: list[Scheme] = []
    for vendor in vendors():
        found += [s for s in vendor.webhooks.signatures if s not in found]
    return tuple(found)


def check_signature(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    secret_header: str | None = None,
    schemes: Iterable[Scheme] | None = None,
) -> tuple[Signature, str | None]:
    """The verdict on one call's signature and the name of the scheme it used: the first of
    `schemes` (default: every vendor's) whose headers the call carries decides."""
    if secret_header is not None:
        wanted = secret_header.lower()
        sent = next((v for k, v in headers.items() if k.lower() == wanted), None)
        if sent is None:
            return "missing", None
        return (
            "valid" if hmac.compare_digest(sent.encode(), secret.encode()) else "invalid"
        ), "header"
    for scheme in vendor_schemes() if schemes is None else schemes:
        verdict = scheme.verify(headers, body, secret)
        if verdict is not None:
            return ("valid" if verdict else "invalid"), scheme.name
    return "missing", None


@dataclass
class ReceiverEndpoint:
    """What one test sees: `url`, `secret`, the `received` calls and a few switches.

    `reject_unverified`: answer 401 to a call whose signature is missing or wrong (what a real
    application does), so the sandbox records a failed delivery. `secret_header`: the header
    that carries the bare secret, for receivers configured that way.
    """

    url: str
    secret: str
    reject_unverified: bool = False
    secret_header: str | None = None
    _hooks: list[ReceivedWebhook] = field(default_factory=list, repr=False)
    _answers: list[int] = field(default_factory=list, repr=False)
    _default_status: int = field(default=200, repr=False)
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    @property
    def received(self) -> list[ReceivedWebhook]:
        with self._cond:
            return list(self._hooks)

    @property
    def events(self) -> list[str | None]:
        return [hook.event for hook in self.received]

    @property
    def all_verified(self) -> bool:
        """Every call so far carried a valid signature (and at least one call came)."""
        hooks = self.received
        return bool(hooks) and all(h.verified for h in hooks)

    def respond_with(self, status: int, times: int | None = None) -> None:
        """Answer the next `times` calls (None: every call from now on) with `status`."""
        with self._cond:
            if times is None:
                self._answers.clear()
                self._default_status = status
            else:
                self._answers.extend([status] * times)

    def clear(self) -> None:
        with self._cond:
            self._hooks.clear()

    def wait(
        self, count: int = 1, *, timeout: float = 5.0, event: str | None = None
    ) -> list[ReceivedWebhook]:
        """Block until `count` calls (for `event`, if given) have arrived; returns them.
        Raises AssertionError listing what did arrive when `timeout` seconds pass first."""

        def matching() -> list[ReceivedWebhook]:
            return [h for h in self._hooks if event is None or h.event == event]

        with self._cond:
            reached = self._cond.wait_for(lambda: len(matching()) >= count, timeout)
            found = matching()
            if not reached:
                lines = "\n".join(f"  {h.describe()}" for h in self._hooks) or "  (none)"
                wanted = f" for event {event!r}" if event else ""
                raise AssertionError(
                    f"{len(found)} of {count} webhook calls{wanted} arrived at {self.url} "
                    f"within {timeout:g}s; received:\n{lines}"
                )
            return found

    def assert_all_verified(self) -> None:
        """AssertionError naming every call whose signature was missing or wrong."""
        hooks = self.received
        bad = [h for h in hooks if not h.verified]
        if not hooks or bad:
            lines = "\n".join(f"  {h.describe()}" for h in (bad or hooks)) or "  (none)"
            raise AssertionError(f"webhook calls at {self.url} not all verified:\n{lines}")

    def _record(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> int:
        signature, scheme = check_signature(headers, body, self.secret, self.secret_header)
        hook = ReceivedWebhook(method, path, dict(headers), body, time.time(), signature, scheme)
        with self._cond:
            self._hooks.append(hook)
            status = self._answers.pop(0) if self._answers else self._default_status
            self._cond.notify_all()
        if self.reject_unverified and not hook.verified:
            return 401
        return status


class WebhookReceiver:
    """The session's receiver server; `endpoint()` gives each test its own URL and secret."""

    def __init__(self, bind: str = "127.0.0.1", advertise: str | None = None) -> None:
        self.bind = bind
        self.advertise = advertise or ("127.0.0.1" if bind in ("0.0.0.0", "::", "") else bind)
        self._endpoints: dict[str, ReceiverEndpoint] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the webhook receiver is not started")
        return f"http://{self.advertise}:{self._server.server_address[1]}"

    def start(self) -> WebhookReceiver:
        if self._server is None:
            self._server = ThreadingHTTPServer((self.bind, 0), _handler_for(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                args=(0.05,),
                name="mockserver-webhooks",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(5.0)
        self._server = self._thread = None

    def endpoint(self, secret: str | None = None) -> ReceiverEndpoint:
        """A new endpoint with its own URL and (unless given) a fresh random secret."""
        token = secrets.token_hex(6)
        found = ReceiverEndpoint(
            url=f"{self.base_url}/hooks/{token}", secret=secret or f"whsec_{secrets.token_hex(8)}"
        )
        with self._lock:
            self._endpoints[token] = found
        return found

    def close(self, endpoint: ReceiverEndpoint) -> None:
        """Stop recording for `endpoint`; later calls to its URL get 404."""
        token = endpoint.url.rsplit("/", 1)[-1]
        with self._lock:
            self._endpoints.pop(token, None)

    def _find(self, path: str) -> ReceiverEndpoint | None:
        parts = path.split("?", 1)[0].strip("/").split("/")
        if len(parts) != 2 or parts[0] != "hooks":
            return None
        with self._lock:
            return self._endpoints.get(parts[1])


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mockserver-webhook-receiver"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            endpoint = receiver._find(self.path)
            if endpoint is None:
                self._answer(404, {"error": f"no webhook endpoint at {self.path}"})
                return
            status = endpoint._record(self.command, self.path, dict(self.headers), body)
            self._answer(status, {"received": True, "status": status})

        def _answer(self, status: int, data: dict[str, Any]) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the sandbox's delivery log and `received` say everything."""

    return Handler
