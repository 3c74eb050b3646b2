"""One port per real host (`--host-port api.thehive.ai=8081`, `MOCKSERVER_HOST_PORTS`).

A vendor declares its real hosts (`Vendor.hosts`); each one named here gets a listening port
of its own, on which the sandbox answers only as that host: the routes that host serves, the
vendor's auth, and the vendor's error body for any other path (control plane included). A
client then switches from the vendor to the sandbox by changing its origin alone. The main
port keeps serving every vendor at its real paths.

`HOST=PORT` pairs are separated by commas or spaces; the word `all` names every declared host,
on the ports after the main port in the order `GET /_mockserver/vendors` lists them (free ports
when the main port is 0). Port 0 is a free port.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import socket

    from mockserver.kit.vendor import Vendor
    from mockserver.webhooks.transport import OwnAddresses

ALL: Final = "all"


class HostPortError(ValueError):
    """A `--host-port` value the vendors do not declare, or that clashes with another port."""


@dataclass(frozen=True)
class HostBinding:
    """A declared host served on a port of its own (`port` 0 until bound: a free port)."""

    host: str
    vendor: str
    port: int


def parse(text: str) -> list[tuple[str, int]] | None:
    """`HOST=PORT` pairs in the order given, or None for `all`; ValueError on bad syntax."""
    words = text.replace(",", " ").split()
    if words == [ALL]:
        return None
    pairs: list[tuple[str, int]] = []
    for word in words:
        host, eq, port = word.partition("=")
        if not eq or not host:
            if word == ALL:
                raise ValueError("`all` stands alone: every declared host, or HOST=PORT pairs")
            raise ValueError(f"expected HOST=PORT (e.g. api.thehive.ai=8081), got {word!r}")
        try:
            number = int(port)
        except ValueError:
            raise ValueError(f"{host}: the port must be a whole number, got {port!r}") from None
        if not 0 <= number <= 65535:
            raise ValueError(f"{host}: the port must be between 0 and 65535, got {number}")
        if any(h == host.lower() for h, _ in pairs):
            raise ValueError(f"{host} is named twice")
        pairs.append((host.lower(), number))
    return pairs


def declared(vendors: Iterable[Vendor]) -> dict[str, str]:
    """Every declared host -> its vendor's name, in the vendors' order."""
    return {h.name: v.name for v in vendors for h in v.hosts}


def resolve(text: str, vendors: Sequence[Vendor], main_port: int) -> tuple[HostBinding, ...]:
    """The bindings `text` asks for; HostPortError naming the declared hosts (and the nearest)
    for a host no vendor declares, or for a port used twice or equal to the main port."""
    hosts = declared(vendors)
    pairs = parse(text)
    if pairs is None:
        pairs = [(host, main_port + i + 1 if main_port else 0) for i, host in enumerate(hosts)]
    bindings: list[HostBinding] = []
    used = {main_port} if main_port else set()
    for host, port in pairs:
        if host not in hosts:
            close = difflib.get_close_matches(host, list(hosts), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(hosts) or "none"
            raise HostPortError(f"no vendor declares the host {host!r}{hint}; hosts: {known}")
        if port and port in used:
            raise HostPortError(f"{host}: port {port} is already used by another listener")
        used.add(port)
        bindings.append(HostBinding(host, hosts[host], port))
    return tuple(bindings)


def install(
    table: dict[int, HostBinding],
    own: OwnAddresses,
    bound: Iterable[tuple[HostBinding, socket.socket]],
) -> None:
    """Record which listening port serves which host (the app's `HOST_PORTS`, before it
    serves), and that each is the sandbox's own address (`Transport.own`)."""
    for binding, sock in bound:
        address, port = sock.getsockname()[:2]
        table[port] = HostBinding(binding.host, binding.vendor, port)
        own.add(str(address), port)  # never a webhook target either


def ports(table: dict[int, HostBinding]) -> dict[str, int]:
    """Declared host -> the port serving it (from the app's `HOST_PORTS`), for
    `GET /_mockserver/vendors`."""
    return {b.host: port for port, b in table.items()}
