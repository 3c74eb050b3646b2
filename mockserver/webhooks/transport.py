"""How webhooks leave the sandbox: one client session shared by every namespace, the sandbox's
own listening addresses (never a webhook target), and per-namespace, per-target limits on
attempts in flight, so one receiver that never answers cannot hold everyone's connections.

A receiver's answer is untrusted: at most `ANSWER_PREFIX` bytes of it are read, exactly as sent
(never decompressed), and redirects are never followed (a 3xx is a failed attempt).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import aiohttp

from mockserver.webhooks.fastpost import FastPost

ANSWER_PREFIX = 1024  # bytes of a receiver's answer read and recorded
NAMESPACE_IN_FLIGHT = 16  # attempts one namespace has in flight at once (sender.py's workers)
TARGET_IN_FLIGHT = 4  # attempts to one scheme://host:port in flight at once, per namespace
TOTAL_CONNECTIONS = 512  # connections of the shared session, all namespaces together


class OwnAddresses:
    """The host:port pairs the sandbox listens on. A webhook to any of them (or to a loopback
    or wildcard address, or any address of this machine, on one of those ports) is refused:
    a receiver URL must never reach the sandbox's own control plane (`/_mockserver/reset`)."""

    def __init__(self) -> None:
        self.ports: set[int] = set()
        self.hosts: set[str] = set()

    def add(self, host: str, port: int) -> None:
        if port:
            self.ports.add(port)
            self.hosts.add(host)

    def learn(self, sockname: object) -> None:
        """The local address of a connection the sandbox accepted: one of its listeners."""
        if isinstance(sockname, tuple) and len(sockname) >= 2 and isinstance(sockname[1], int):
            self.add(str(sockname[0]), sockname[1])

    async def refusal(self, url: str) -> str | None:
        """Why a webhook to `url` must not be sent (it would reach the sandbox), or None."""
        if not self.ports:
            return None
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return None  # the attempt itself reports the unusable URL
        host = parts.hostname or ""
        if port not in self.ports or not host:
            return None
        try:
            addresses = {str(ipaddress.ip_address(host.strip("[]")))}
        except ValueError:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except OSError:
                return None  # the attempt itself reports the name that does not resolve
            addresses = {str(info[4][0]) for info in infos}
        for address in addresses:
            if self._reaches_us(address):
                return (
                    f"refused: {host}:{port} is this sandbox's own address; webhooks are "
                    "never delivered to the sandbox itself"
                )
        return None

    def _reaches_us(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_loopback or ip.is_unspecified or str(ip) in self.hosts:
            return True
        return _is_local(str(ip))


def _is_local(address: str) -> bool:
    """True when `address` belongs to this machine (binding to it succeeds)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


class Transport:
    """Shared by the dispatchers of every namespace: the client session and own addresses."""

    def __init__(self) -> None:
        self.own = OwnAddresses()
        self._session: aiohttp.ClientSession | None = None
        self.fast = FastPost(TOTAL_CONNECTIONS)  # plain http:// receivers (fastpost.py)

    def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=TOTAL_CONNECTIONS),
                auto_decompress=False,
                # a receiver's cookies are never sent back (nor filtered per attempt: cost)
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        await self.fast.close()
        if self._session is not None:
            await self._session.close()
