"""The control plane answers scripts and its own console, never a page of another site.

With no control token (the default), anything that can send a request to the sandbox can
reset it, and a browser sends requests for any page it shows. Two attacks, and the checks that
stop them before a control call runs (`refusal`):

- cross-site requests: a page on any origin posts a form to `/_mockserver/reset`, or calls
  `fetch(..., {mode: "no-cors"})`. Its browser marks the request: an `Origin` (and
  `Sec-Fetch-Site`) naming that page's site. So a request whose `Origin` is not the sandbox's
  own (the host and port it was sent to) is refused; so is a state-changing call a browser marks
  as cross-site, or that uses a content type a page may send without asking
  (`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`) without an
  `Origin` of the sandbox's own. Scripts (curl, the pytest plugin, `mockserver trigger`) send
  none of these headers and are not affected; the reviewer console's calls are same-origin.
- DNS rebinding: a page on `evil.example` has its name re-pointed at 127.0.0.1, so its
  requests are same-origin for the browser and reach the sandbox with `Host: evil.example`.
  So the `Host` must be one of the sandbox's own names (`host_allowed`): loopback names
  (`localhost`, `*.localhost`), this machine's host names, a name without a dot (a container,
  a Compose or CI service), `*.internal` (`host.docker.internal`), an address that is
  loopback, private or this machine's own, or a name given with `--allowed-host`
  (MOCKSERVER_ALLOWED_HOSTS). A public name cannot pass unless it is given: an attacker
  controls the DNS of a public name, never of these.

Vendor routes take any `Host` (a client may send the real vendor's host name).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from aiohttp import web

from mockserver.base.urls import is_local_address

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def refusal(request: web.Request, allowed: Collection[str]) -> str | None:
    """Why this control call must not run (a cross-site or rebound request), or None."""
    authority = request.headers.get("Host") or ""
    name, _ = split_authority(authority)
    if authority and not host_allowed(name, allowed, request.get_extra_info("sockname")):
        return (
            f"this sandbox does not answer to the name {name!r} (the Host header): a page "
            "that points a name of its own at the sandbox (DNS rebinding) would use one. If "
            f"you reach the sandbox by this name, start it with --allowed-host {name} "
            f"(or MOCKSERVER_ALLOWED_HOSTS={name})"
        )
    origin = request.headers.get("Origin")
    if origin is not None and not _same_origin(origin, authority):
        return (
            f"refused: a cross-site request (Origin {origin}); the control plane answers "
            "only its own console and scripts, not a page of another site"
        )
    if request.method in SAFE_METHODS:
        return None
    site = request.headers.get("Sec-Fetch-Site", "").lower()
    if site in ("cross-site", "same-site"):
        return f"refused: a cross-site request (Sec-Fetch-Site: {site})"
    if origin is None and _simple_type(request) and _from_a_browser(request):
        return (
            f"refused: a {request.content_type} call from a browser without an Origin; "
            "send the control plane JSON (Content-Type: application/json)"
        )
    return None


def split_authority(authority: str) -> tuple[str, str]:
    """`host:port` as (host, port), lower-case, without brackets or a final dot."""
    text = authority.strip().lower()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, ""
    return host.rstrip("."), port


def host_allowed(name: str, allowed: Collection[str], sockname: object = None) -> bool:
    """Whether `name` (a Host header's host, lower-case) is one of the sandbox's own."""
    if not name:
        return False
    if name in allowed or name == "localhost" or name.endswith((".localhost", ".internal")):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name or name in machine_names()
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified:
        return True
    if isinstance(sockname, tuple) and sockname and str(sockname[0]).split("%")[0] == str(ip):
        return True  # the address the client connected to
    return is_local_address(str(ip))


@functools.cache
def machine_names() -> frozenset[str]:
    """This machine's own host names (as `hostname` and its fully qualified form)."""
    names = {socket.gethostname(), socket.getfqdn()}
    return frozenset(n.lower().rstrip(".") for n in names if n)


def _same_origin(origin: str, authority: str) -> bool:
    """Whether an `Origin` names the host and port the request was sent to."""
    try:
        parts = urlsplit(origin.strip().lower())
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return False  # `null` (a sandboxed frame, a file) or something else
    default = _DEFAULT_PORTS[parts.scheme]
    theirs = split_authority(parts.netloc)
    ours = split_authority(authority)
    return theirs[0] == ours[0] and (theirs[1] or default) == (ours[1] or default)


def _simple_type(request: web.Request) -> bool:
    """A body type a page may send anywhere without asking (a CORS "simple" request)."""
    return request.content_type in SIMPLE_TYPES


def _from_a_browser(request: web.Request) -> bool:
    """Whether a browser made the call (scripts send none of these headers)."""
    headers = request.headers
    return any(h in headers for h in ("Referer", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Cookie"))
