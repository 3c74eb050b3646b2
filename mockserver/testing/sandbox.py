"""What the fixtures hand to a test: the sandbox's URLs and control client, and its clock.

A backend is where the sandbox runs: `InProcessBackend` (started by the session, namespace ""
reset before each test, so vendor clients need no extra header) or `RemoteBackend` (an already
running sandbox, e.g. the container, named by `MOCKSERVER_URL`; each test gets a namespace of
its own, which vendor calls must carry as `X-Mockserver-Namespace`: `sandbox.headers`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from mockserver.base.urls import origin
from mockserver.testing.aio import AsyncControlClient
from mockserver.testing.client import ControlClient, ControlError, Json, ScenarioRejected
from mockserver.testing.forwarding import on_control
from mockserver.testing.scenarios import ScenarioSource, in_test_file, placeholders

if TYPE_CHECKING:
    from mockserver.testing.server import InProcessServer

Mode = Literal["in-process", "remote"]

# sandbox URL -> vendor name -> base path, as the sandbox declared them (they never change
# while a server runs; a name not found is asked again). Host ports are asked per test: a new
# server on a reused URL may serve its hosts on other ports.
_BASE_PATHS: dict[str, dict[str, str]] = {}
HOST_URLS_ENV = "MOCKSERVER_HOST_URLS"
"""`HOST=URL` pairs: where a remote sandbox's host ports are reached when its own port numbers
are not (a container's mapped ports); `MockserverContainer.plugin_environment()` sets it."""


def host_urls_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`MOCKSERVER_HOST_URLS` as host -> URL (empty when unset)."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for word in env.get(HOST_URLS_ENV, "").replace(",", " ").split():
        host, eq, url = word.partition("=")
        if not eq or not host or not url:
            raise ValueError(f"{HOST_URLS_ENV}: expected HOST=URL pairs, got {word!r}")
        out[host.lower()] = url.rstrip("/")
    return out


class InProcessBackend:
    mode: Mode = "in-process"

    def __init__(self, server: InProcessServer) -> None:
        self.server = server
        self.url = server.url

    def begin_test(self) -> str:
        """Every namespace back to a fresh world on the default scenario: the control plane's
        `POST /_mockserver/reset?all=1&scenario=default`, run in-process (`server.reset()`)."""
        self.server.reset()
        return ""

    def end_test(self, control: ControlClient) -> None:
        """Nothing: the next test's reset drops this test's world."""

    def close(self) -> None:
        self.server.stop()


class RemoteBackend:
    mode: Mode = "remote"

    def __init__(
        self, url: str, worker: str | None = None, host_urls: Mapping[str, str] | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.host_urls = dict(host_urls) if host_urls is not None else host_urls_from_env()
        ControlClient(self.url).health()  # fail at once, clearly, when nothing answers
        worker = worker or os.environ.get("PYTEST_XDIST_WORKER", "main")
        self._prefix = f"pytest-{worker}-{secrets.token_hex(3)}"
        self._numbers = itertools.count(1)

    def begin_test(self) -> str:
        """A namespace nobody has used: a fresh world, whatever else shares the sandbox."""
        return f"{self._prefix}-{next(self._numbers)}"

    def end_test(self, control: ControlClient) -> None:
        """Free what the test's world holds: its namespace is dropped from the sandbox, unless
        MOCKSERVER_KEEP_NAMESPACES is set (to inspect a run's state afterwards)."""
        if os.environ.get("MOCKSERVER_KEEP_NAMESPACES", "").lower() in ("1", "true", "yes"):
            return
        with contextlib.suppress(ControlError):
            control.drop_namespace()

    def close(self) -> None:
        """Nothing: the sandbox belongs to whoever started it."""


class SandboxClock:
    """The test's virtual clock. The `mockserver_clock` fixture freezes it (manual mode):
    nothing scripted happens until the test moves time with `advance` or `set`."""

    def __init__(self, control: ControlClient) -> None:
        self.control = control

    def describe(self) -> Json:
        """`now`, `timestamp`, `mode`, `scale`, `pending_timers`, `next_due`."""
        return self.control.clock()

    def now(self) -> datetime:
        return _parse(self.describe()["now"])

    @property
    def mode(self) -> str:
        return str(self.describe()["mode"])

    def freeze(self) -> None:
        """Manual mode: time moves only when the test says so."""
        self.control.set_clock_mode("manual")

    def run(self, scale: float = 1.0) -> None:
        """Let time run again: with the wall clock (1.0) or `scale` times faster."""
        if scale == 1.0:
            self.control.set_clock_mode("real")
        else:
            self.control.set_clock_mode("scaled", scale)

    def advance(self, by: str | float | timedelta) -> datetime:
        """Move forward ("30s", "2m", "1h", seconds, timedelta), firing what falls due;
        returns the new virtual time."""
        return _parse(self.control.advance(by)["now"])

    def set(self, when: str | datetime | float) -> datetime:
        """Jump to a time (forward fires what falls due); returns the new virtual time."""
        return _parse(self.control.set_time(when)["now"])


def _parse(text: Any) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


class Sandbox:
    """The sandbox as one test sees it.

    `url` is the server; `url_for(vendor)` (`url_for("hitl")` is `{url}/v1`) the base URL to
    give a vendor's client; `headers` must go on vendor calls when the sandbox is
    shared (empty in-process); `control` and `acontrol` drive the control plane.
    """

    def __init__(
        self,
        url: str,
        control: ControlClient,
        mode: Mode,
        *,
        base_dir: Path | None = None,
        substitutions: Callable[[set[str]], Mapping[str, str]] | None = None,
        variant_forms: Mapping[str, str] | None = None,
        origin: Path | None = None,
        host_urls: Mapping[str, str] | None = None,
    ) -> None:
        self._origin = origin  # the test file, where inline scenarios are written
        self.url = url
        self._host_urls = dict(host_urls or {})
        self._hosts: dict[str, dict[str, int | None]] = {}
        self.variant_forms = dict(variant_forms or {})
        self.control = control
        self.mode = mode
        self.acontrol = AsyncControlClient(control)
        self._base_dir = base_dir
        self._substitutions = substitutions

    def __repr__(self) -> str:
        return f"<Sandbox {self.url} mode={self.mode} namespace={self.namespace!r}>"

    if not TYPE_CHECKING:  # type checkers keep flagging unknown attributes themselves

        def __getattr__(self, name: str) -> Any:
            """A control-plane call asked of the sandbox itself: say where it lives."""
            message = f"{type(self).__name__!r} object has no attribute {name!r}"
            if not name.startswith("_") and hasattr(ControlClient, name):
                message += (
                    f"; control-plane calls are on .control: mockserver.control.{name}(...)"
                    f" (in async tests: await mockserver.acontrol.{name}(...))"
                )
            raise AttributeError(message)

    @property
    def namespace(self) -> str:
        return self.control.namespace

    @property
    def headers(self) -> dict[str, str]:
        return self.control.headers

    def api_key(self, key: str) -> str:
        """`key` as this test's vendor clients should send it: `key~<namespace>` against a
        shared sandbox (the sandbox strips the suffix), the key itself in-process."""
        return f"{key}~{self.namespace}" if self.namespace else key

    def url_for(self, vendor: str, host: str | None = None) -> str:
        """The base URL to give `vendor`'s client: `{url}{base_path}` (`url_for("hitl")` is
        `{url}/v1`), as the sandbox's `GET /_mockserver/vendors` declares it (asked once per
        sandbox URL). With `host` (one of the vendor's real hosts, `url_for("hive",
        host="api.thehive.ai")`): the port answering as that host alone, so a client switches
        by origin alone. KeyError, naming what the sandbox serves, for anything else."""
        paths = _BASE_PATHS.get(self.url)
        if paths is None or vendor not in paths or host is not None:
            described = self.control.vendors()
            paths = {str(v["name"]): str(v["base_path"]) for v in described}
            _BASE_PATHS[self.url] = paths
            self._hosts = {
                str(v["name"]): {str(h["name"]): h.get("port") for h in v.get("hosts", [])}
                for v in described
            }
        if vendor not in paths:
            raise KeyError(f"the sandbox serves no vendor {vendor!r} (vendors: {', '.join(paths)})")
        if host is None:
            return self.url + paths[vendor]
        return self._host_url(vendor, host.lower()) + paths[vendor]

    def _host_url(self, vendor: str, host: str) -> str:
        hosts = self._hosts.get(vendor, {})
        if host not in hosts:
            known = ", ".join(hosts) or "none"
            raise KeyError(f"{vendor} declares no host {host!r} (its hosts: {known})")
        if host in self._host_urls:
            return self._host_urls[host]
        port = hosts[host]
        if port is None:
            raise KeyError(
                f"the sandbox at {self.url} serves no port as {host}: start it with "
                f"--host-port {host}=PORT (or MOCKSERVER_HOST_PORTS)"
            )
        parts = urlsplit(self.url)
        name = parts.hostname or "127.0.0.1"
        return origin(name, port, parts.scheme)

    def load_scenario(self, source: ScenarioSource) -> Json:
        """Make a scenario current for this test (and reset its world): a file (relative to
        the test's folder, then the working directory), inline YAML or a dict. `${webhook_url}`
        and `${webhook_secret}` become the test's `webhook_receiver` URL and secret."""
        values: Mapping[str, str] = {}
        if self._substitutions is not None:
            values = self._substitutions(placeholders(source, self._base_dir))
        try:
            loaded = self.control.load_scenario(
                source, base_dir=self._base_dir, substitutions=values
            )
        except ScenarioRejected as exc:
            mapped = in_test_file(source, exc.problems, self._origin)
            if mapped is None:
                raise
            raise ScenarioRejected(exc.status, mapped, exc.body) from None
        if self.variant_forms:  # the test's forms (variant matrix) outlive a scenario change
            self.control.set_variants(self.variant_forms)
        return loaded

    lenience = on_control(ControlClient.lenience)
    assert_request_made = on_control(ControlClient.assert_request_made)
    assert_webhook_delivered = on_control(ControlClient.assert_webhook_delivered)
    wait_for_status = on_control(ControlClient.wait_for_status)
