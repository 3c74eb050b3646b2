"""Whether a URL a client or a scenario gives (a `callback_url`, a webhook receiver) is one the
sandbox can call, read strictly.

The HTTP client reads ports leniently: `:+8080`, `:8_080` and full-width digits (`:８０８０`) all
mean port 8080 to it, while Python's `urlsplit` refuses them, so a check that reads the URL one
way and a connection that reads it the other disagree about where a webhook goes. Here a port is
one to five ASCII digits and nothing else, so every URL accepted means one address to everyone.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL = 8192  # characters; a longer URL is refused before it is parsed
CACHED_URL = 512  # characters; the verdicts on shorter URLs are remembered (see url_problem)


def url_problem(url: str) -> str | None:
    """Why `url` is not an http(s) URL the sandbox can call (in words for an error message),
    or None when it is one. A spam wave sends every request's webhooks to one or a few
    `callback_url`s, each checked when the request arrives and before every attempt: the
    verdict on a short URL is remembered (it depends on the text alone)."""
    if len(url) <= CACHED_URL:
        return _remembered_problem(url)
    return _problem(url)


@functools.lru_cache(maxsize=1024)
def _remembered_problem(url: str) -> str | None:
    return _problem(url)


def _problem(url: str) -> str | None:
    if len(url) > MAX_URL:
        return f"it is longer than {MAX_URL} characters"
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return "it holds a space or a control character"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket: "http://[abc"
        return f"it cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an http or https URL"
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        if rest and not rest.startswith(":"):
            return f"{hostport!r} is not host:port"
        port = rest[1:]
    else:
        host, _, port = hostport.partition(":")
    if not host:
        return "it names no host"
    if all(c in "0123456789." for c in host) and not _dotted_quad(host):
        return f"its host {host!r} is not an IPv4 address written as four numbers (a.b.c.d)"
    if port and not (len(port) <= 5 and port.isascii() and port.isdigit()):
        return f"its port {port!r} is not a number from 1 to 65535 written in digits 0-9"
    if port and not 0 < int(port) <= 65535:
        return f"its port {port!r} is not a number from 1 to 65535"
    return None


def _dotted_quad(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def is_local_address(address: str) -> bool:
    """True when `address` (an IP address) belongs to this machine (binding to it succeeds)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


def origin(host: str, port: int | str, scheme: str = "http") -> str:
    """`scheme://host:port`, an IPv6 address in brackets (`http://[::1]:8080`)."""
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def local_url(host: str, port: int) -> str:
    """The URL a browser or `curl` on this machine uses (127.0.0.1 for every interface)."""
    return origin("127.0.0.1" if host in ("0.0.0.0", "::", "") else host, port)
