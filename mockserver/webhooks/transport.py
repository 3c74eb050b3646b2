"""How webhooks leave the sandbox: one client session shared by every namespace, the sandbox's
own listening addresses (never a webhook target), and per-namespace, per-target limits on
attempts in flight, so one receiver that never answers cannot hold everyone's connections.

A receiver's answer is untrusted: at most `ANSWER_PREFIX` bytes of it are read, exactly as sent
(never decompressed), and redirects are never followed (a 3xx is a failed attempt).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from mockserver.base.urls import is_local_address
from mockserver.webhooks.fastpost import FastPost

ANSWER_PREFIX = 1024  # bytes of a receiver's answer read and recorded
NAMESPACE_IN_FLIGHT = 16  # attempts one namespace has in flight at once (sender.py's workers)
TARGET_IN_FLIGHT = 4  # attempts to one scheme://host:port in flight at once, per namespace
TOTAL_CONNECTIONS = 512  # connections of the shared session, all namespaces together


class SelfDelivery(OSError):
    """A connection the sandbox refused to open: its address is one the sandbox listens on."""

    TEXT = "refused: the address is this sandbox's own; webhooks are never sent to the sandbox"

    def __init__(self) -> None:
        super().__init__(self.TEXT)  # one text for every address, so several read as one


class OwnAddresses:
    """The host:port pairs the sandbox listens on, and its mark on what it sends.

    A webhook never reaches the sandbox itself (its control plane: `/_mockserver/reset`). Two
    checks, both where the effect happens rather than on the URL's text:

    - the connection: every socket the webhook client opens is checked against the address it
      is about to connect to, after name resolution, as the operating system will read it
      (`socket_factory`): a loopback, wildcard or local address of this machine on a port the
      sandbox listens on is refused before a byte is sent;
    - the arrival: every attempt carries the header `MARK_HEADER` with this process's random
      `marker`, and a call that arrives carrying it is refused (`marked`). That catches a
      route the first check cannot see, such as a port forward (`host.docker.internal:8080`
      under `docker run -p 8080:8080` reaches the sandbox through the host).
    """

    MARK_HEADER = "X-Mockserver-Delivery"
    REFUSAL = (
        "refused: this call is a webhook this sandbox sent to itself (the X-Mockserver-Delivery "
        "header); webhooks are never delivered to the sandbox itself"
    )

    def __init__(self) -> None:
        self.ports: set[int] = set()
        self.hosts: set[str] = set()
        self.marker = secrets.token_hex(16)

    def add(self, host: str, port: int) -> None:
        if port:
            self.ports.add(port)
            self.hosts.add(host)

    def learn(self, sockname: object) -> None:
        """The local address of a connection the sandbox accepted: one of its listeners."""
        if isinstance(sockname, tuple) and len(sockname) >= 2 and isinstance(sockname[1], int):
            self.add(str(sockname[0]), sockname[1])

    def marked(self, request: web.Request) -> bool:
        """Whether a call that arrived is one of this sandbox's own webhook attempts."""
        given = request.headers.get(self.MARK_HEADER)
        return given is not None and hmac.compare_digest(given.encode(), self.marker.encode())

    def reaches_us(self, sockaddr: object) -> bool:
        """Whether connecting to `sockaddr` (a socket address: host, port, ...) would reach
        one of the sandbox's listening sockets."""
        if not isinstance(sockaddr, tuple) or len(sockaddr) < 2:
            return False
        host, port = sockaddr[0], sockaddr[1]
        if port not in self.ports or not isinstance(host, str):
            return False
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback or ip.is_unspecified or str(ip) in self.hosts:
            return True
        return is_local_address(str(ip))

    def socket_factory(self, addr_info: tuple[Any, ...]) -> socket.socket:
        """The webhook client's sockets (aiohttp's `socket_factory`): SelfDelivery instead of a
        socket that would connect to the sandbox itself."""
        family, type_, proto, _, address = addr_info
        if self.reaches_us(address):
            raise SelfDelivery()
        return socket.socket(family=family, type=type_, proto=proto)


def self_delivery(exc: BaseException) -> bool:
    """Whether a failed connection was refused by `OwnAddresses.socket_factory`."""
    cause = getattr(exc, "os_error", None) or exc
    return isinstance(cause, SelfDelivery) or SelfDelivery.TEXT in str(cause)


def refused_as_own(url: str) -> str:
    """Why an attempt to `url` was refused, naming the host and port as the client read them."""
    target = URL(url)
    return (
        f"refused: {target.host}:{target.port} is this sandbox's own address; webhooks are "
        "never delivered to the sandbox itself"
    )


class Transport:
    """Shared by the dispatchers of every namespace: the client session and own addresses."""

    def __init__(self) -> None:
        self.own = OwnAddresses()
        self._session: aiohttp.ClientSession | None = None
        # plain http:// receivers (fastpost.py), with the same guard on the connected address
        self.fast = FastPost(
            TOTAL_CONNECTIONS, self.own.reaches_us, (OwnAddresses.MARK_HEADER, self.own.marker)
        )

    def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=TOTAL_CONNECTIONS, socket_factory=self.own.socket_factory
                ),
                auto_decompress=False,
                # a receiver's cookies are never sent back (nor filtered per attempt: cost)
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        await self.fast.close()
        if self._session is not None:
            await self._session.close()
