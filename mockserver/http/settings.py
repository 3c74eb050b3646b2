"""Settings, read in one place: command-line flags over `MOCKSERVER_*` environment variables
over defaults. YAML is for scenarios only."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from mockserver.http import hostports
from mockserver.kit.variants import parse_assignments

ENV_PREFIX = "MOCKSERVER_"
ENV_NAMES = {"allowed_host": "ALLOWED_HOSTS"}  # variables not named after their field


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    scenario: str | None = None
    scenario_name: str | None = None
    seed: int | None = None
    log_level: str = "info"
    log_format: str = "text"
    strict: bool = False
    rate_limit: int = 100
    journal_cap: int = 10_000
    delivery_cap: int = 10_000
    max_pending_deliveries: int = 5_000
    """Per namespace: past it the oldest pending delivery is abandoned (webhooks/dispatcher.py)."""
    max_body: int = 1024 * 1024
    watch: bool = False
    clock: str | None = None
    key_namespaces: bool = True
    variant: str = ""
    """`vendor.name=form` assignments, separated by commas or spaces (`--variant`, repeatable)."""
    host_ports: str = ""
    """`HOST=PORT` pairs (or `all`): each declared host on a port of its own (`--host-port`)."""
    # Hardening limits (README, Settings): a slow or idle connection, the journal's bytes and
    # the namespaces a shared sandbox keeps.
    idle_timeout: float = 30.0
    body_timeout: float = 30.0
    """Seconds a request's whole body may take to arrive after its head."""
    body_memory: int = 64 * 1024 * 1024
    """Bytes of request bodies still arriving, all connections together."""
    journal_max_bytes: int = 32 * 1024 * 1024
    max_namespaces: int = 200
    namespace_idle: float = 3600.0
    namespace_waits: int = 500
    """Long-poll waits parked at once in one namespace."""
    max_waits: int = 2000
    """Long-poll waits parked at once in all namespaces together."""
    control_token: str | None = None
    dump_on_exit: str | None = None
    allowed_host: str = ""
    """More names (or addresses) the control plane answers to, besides its own: separated by
    commas or spaces (`--allowed-host`, repeatable; MOCKSERVER_ALLOWED_HOSTS)."""
    # The event-loop watchdog (mockserver/base/loopwatch.py): log every callback that holds the loop
    # longer than this many milliseconds (0: off), and append each as a JSON line to the report.
    loop_watchdog_ms: float = 0.0
    loop_watchdog_report: str | None = None
    loop: str = "asyncio"
    """The event loop: asyncio, or uvloop (the `mockserver[uvloop]` extra)."""

    def __post_init__(self) -> None:
        """Refuse settings the server cannot run with, naming the variable."""
        for name in ("journal_cap", "delivery_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()}: must be 0 or more")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"{ENV_PREFIX}PORT: must be between 0 and 65535, got {self.port}")
        if self.max_pending_deliveries < 1:
            raise ValueError(f"{ENV_PREFIX}MAX_PENDING_DELIVERIES: must be 1 or more")
        if self.rate_limit < 1:
            raise ValueError(f"{ENV_PREFIX}RATE_LIMIT: must be 1 or more")
        if self.max_body < 1:
            raise ValueError(f"{ENV_PREFIX}MAX_BODY: must be 1 or more")
        try:
            parse_assignments(self.variant)
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}VARIANT: {exc}") from None
        try:
            hostports.parse(self.host_ports)
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}HOST_PORTS: {exc}") from None
        for name in (
            "idle_timeout",
            "body_timeout",
            "body_memory",
            "namespace_idle",
            "journal_max_bytes",
            "max_namespaces",
            "namespace_waits",
            "max_waits",
        ):
            if not getattr(self, name) > 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()}: must be more than 0")
        if self.body_memory < self.max_body:
            raise ValueError(
                f"{ENV_PREFIX}BODY_MEMORY: must be at least MOCKSERVER_MAX_BODY "
                f"({self.max_body}), or no body of the largest size could arrive"
            )
        if not self.loop_watchdog_ms >= 0:
            raise ValueError(f"{ENV_PREFIX}LOOP_WATCHDOG_MS: must be 0 (off) or more")
        if self.loop not in ("asyncio", "uvloop"):
            raise ValueError(f"{ENV_PREFIX}LOOP: must be asyncio or uvloop, got {self.loop!r}")
        if self.log_format not in ("text", "json"):
            raise ValueError(f"{ENV_PREFIX}LOG_FORMAT: must be text or json")
        if self.clock is not None:
            from mockserver.records.clockmodes import parse_clock

            try:
                parse_clock(clock_value(self.clock))
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX}CLOCK: {exc}") from None

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """The `--allowed-host` names, lower-case, without ports."""
        return tuple(h for h in self.allowed_host.replace(",", " ").lower().split() if h)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `MOCKSERVER_<NAME>` variables, then explicit (non-None) overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + ENV_NAMES.get(f.name, f.name.upper()))
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw, f.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def control_token(environ: Mapping[str, str] | None = None) -> str | None:
    """The control token clients send (`MOCKSERVER_CONTROL_TOKEN`), None when unset."""
    env = os.environ if environ is None else environ
    return env.get(ENV_PREFIX + "CONTROL_TOKEN") or None


def _convert(name: str, raw: str, type_name: Any) -> Any:
    text = str(type_name)
    if text.startswith("bool"):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{ENV_PREFIX}{name.upper()}: expected true or false, got {raw!r}")
    if text.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(
                f"{ENV_PREFIX}{name.upper()}: expected a whole number, got {raw!r}"
            ) from None
    if text.startswith("float"):
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not math.isfinite(value):
            raise ValueError(f"{ENV_PREFIX}{name.upper()}: expected a number, got {raw!r}")
        return value
    return raw


def clock_value(text: str) -> object:
    """`--clock` text as the clock spelling it stands for: `{scale: 60}` / `{"mode": ...}`
    written on a command line are read as YAML, anything else is the word itself."""
    if text.strip().startswith("{"):
        import yaml

        try:
            loaded: object = yaml.safe_load(text)
        except yaml.YAMLError:
            return text
        return loaded
    return text
