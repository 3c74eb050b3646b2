"""`drift --listen`: a small receiver that records the first webhook each side delivers
(headers and raw body), and what the signature looks like.

Each side gets its own path (`/real/<run-id>`, `/sandbox/<run-id>`), so one receiver serves
both. The real service must reach it: listen on a port a tunnel forwards to and pass the
tunnel's address as `--public-url`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import socket
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mockserver.cli.drift.compare import Difference, compare_bodies
from mockserver.cli.drift.target import parse_body

MAX_BODY = 1024 * 1024
_SIGNATURE_NAME = re.compile(r"signature|^authorization$|^webhook-|hmac", re.IGNORECASE)


@dataclass
class Delivery:
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> Any:
        return parse_body(self.raw)[0]

    def signatures(self) -> dict[str, str]:
        """Each signature-like header with the scheme of its value (never the value)."""
        return {
            name.lower(): scheme(value)
            for name, value in self.headers.items()
            if _SIGNATURE_NAME.search(name)
        }


def scheme(value: str) -> str:
    value = value.strip()
    if re.fullmatch(r"sha256=[0-9a-fA-F]{64}", value):
        return "sha256=<hex HMAC-SHA256>"
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        return "<hex HMAC-SHA256>"
    if re.fullmatch(r"t=\d+,v1=[0-9a-fA-F]+", value):
        return "t=<timestamp>,v1=<hex>"
    if value.lower().startswith("bearer "):
        return "Bearer <secret>"
    if re.fullmatch(r"(v1,)?[A-Za-z0-9+/]{40,}={0,2}", value):
        return "<base64>"
    return "<other>"


def verify(secret: str, delivery: Delivery) -> bool:
    """Whether any signature header is the HMAC-SHA256 (hex, optionally `sha256=`) of the body."""
    expected = hmac.new(secret.encode(), delivery.raw, hashlib.sha256).hexdigest()
    for name, value in delivery.headers.items():
        if _SIGNATURE_NAME.search(name):
            got = value.strip().removeprefix("sha256=").lower()
            if hmac.compare_digest(got.encode(), expected.encode()):
                return True
    return False


class Listener:
    def __init__(self, host: str, port: int, run_id: str, public_url: str | None = None) -> None:
        self.host, self.port, self.run_id = host, port, run_id
        self._public = public_url.rstrip("/") if public_url else None
        self._runner: web.AppRunner | None = None
        self.received: dict[str, list[Delivery]] = {"real": [], "sandbox": []}
        self._arrived = asyncio.Condition()

    async def start(self) -> Listener:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post("/{side}/{run_id}", self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            await self._runner.cleanup()
            raise
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url_for(self, side: str) -> str:
        local = f"http://{self.host}:{self.port}"
        base = self._public if side == "real" and self._public else local
        return f"{base}/{side}/{self.run_id}"

    async def _receive(self, request: web.Request) -> web.Response:
        side = request.match_info["side"]
        if request.match_info["run_id"] != self.run_id or side not in self.received:
            return web.Response(status=404)
        raw = await request.read()
        async with self._arrived:
            if len(self.received[side]) < 100:
                self.received[side].append(Delivery(dict(request.headers), raw))
            self._arrived.notify_all()
        return web.Response(status=200, text="ok")

    def mark(self) -> dict[str, int]:
        """How many deliveries each side has sent so far (see `next_after`)."""
        return {side: len(found) for side, found in self.received.items()}

    async def next_after(self, side: str, mark: dict[str, int], timeout: float) -> Delivery | None:
        """The first delivery from `side` after `mark`, waiting up to `timeout` seconds: the
        one a probe caused, not an earlier one (a real reviewer claiming a request)."""
        found = self.received[side]

        async def wait() -> Delivery:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(found) > mark[side])
                return found[mark[side]]

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            return None


def compare_deliveries(
    real: Delivery | None, sandbox: Delivery | None, secret: str | None
) -> dict[str, Any]:
    """The webhook section of the report: shapes, signature schemes, and whether the real
    signature verifies with the secret the user gave."""
    if real is None or sandbox is None:
        side = "real service" if real is None else "sandbox"
        return {"outcome": "missing", "detail": f"no delivery from the {side}"}
    differences: list[Difference] = [
        d for d in compare_bodies(real.body, sandbox.body) if not d.soft
    ]
    rs, ss = real.signatures(), sandbox.signatures()
    for name in sorted(set(rs) | set(ss)):
        if rs.get(name) != ss.get(name):
            differences.append(
                Difference(f"headers.{name}", rs.get(name, "absent"), ss.get(name, "absent"))
            )
    out: dict[str, Any] = {
        "outcome": "differs" if differences else "same",
        "differences": [d.to_json() for d in differences],
        "signature": {"real": rs, "sandbox": ss},
    }
    if secret:
        out["signature"]["real_verifies"] = verify(secret, real)
    return out
