"""The control client's HTTP plumbing (standard library only) and the errors it raises.

`send` is the one place a control-plane call goes over the wire, for `mockserver trigger`,
`mockserver health` and `mockserver.testing` alike: it never routes a loopback sandbox through
an HTTP(S)_PROXY, and it turns every failure into a `ControlError` that says what happened.
"""

from __future__ import annotations

import functools
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]
CONTROL_PREFIX = "/_mockserver"  # as `appkeys.CONTROL_PREFIX` (which loads aiohttp)
NAMESPACE_HEADER = "X-Mockserver-Namespace"  # as `appkeys.NAMESPACE_HEADER`
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ControlError(Exception):
    """The control plane answered with an error (`status`, its `message` and full `body`);
    status 0 when no answer came (nothing listening, not a URL, not a mockserver)."""

    def __init__(self, status: int, message: str, body: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.body: Mapping[str, Any] = body or {}


class ScenarioRejected(ControlError):
    """An uploaded scenario did not load; `problems` are `file:line:col: key: message` lines."""

    def __init__(self, status: int, problems: list[str], body: Mapping[str, Any]) -> None:
        super().__init__(status, "scenario rejected:\n  " + "\n  ".join(problems), body)
        self.problems = problems


class WaitTimedOut(ControlError, AssertionError):
    """A long-poll wait ended before its condition held."""


def opener_for(url: str) -> urllib.request.OpenerDirector:
    """A shared opener; one for a loopback sandbox never goes through an HTTP(S)_PROXY."""
    return _opener(direct=(urllib.parse.urlsplit(url).hostname or "") in _LOOPBACK)


@functools.cache
def _opener(*, direct: bool) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(*([urllib.request.ProxyHandler({})] if direct else []))


def send(
    opener: urllib.request.OpenerDirector,
    method: str,
    url: str,
    headers: Mapping[str, str],
    data: bytes | None,
    timeout: float,
) -> Json:
    """One call; the decoded JSON answer, or ControlError (WaitTimedOut for a 408)."""
    base = url.split(CONTROL_PREFIX, 1)[0]
    try:
        req = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
    except ValueError:
        raise ControlError(0, f"not a URL: {base!r} (like http://127.0.0.1:8080)") from None
    try:
        with opener.open(req, timeout=timeout) as resp:
            raw: bytes = resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            raw = exc.read()
        message, answer = _failure(exc.code, exc.reason, raw)
        if exc.code == 408:
            raise WaitTimedOut(exc.code, message, answer) from None
        raise ControlError(exc.code, message, answer) from None
    except (urllib.error.URLError, OSError) as exc:  # OSError: a timeout, a reset connection
        reason = getattr(exc, "reason", exc)
        raise ControlError(0, f"cannot reach the sandbox at {base}: {reason}") from None
    if not raw:
        return {}
    try:
        data_back = json.loads(raw)
    except ValueError:
        raise ControlError(0, f"{url} did not answer JSON: is this a mockserver?") from None
    return data_back if isinstance(data_back, dict) else {"value": data_back}


def _failure(status: int, reason: str, raw: bytes) -> tuple[str, Json]:
    """The message and body of an error answer: the control plane's `error` when it sent its
    JSON shape, else the status line and the start of whatever came."""
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = None
    if isinstance(body, dict):
        return str(body.get("error") or f"HTTP {status} {reason}"), body
    text = raw[:200].decode("utf-8", "replace").strip()
    return f"HTTP {status} {reason}" + (f": {text}" if text else ""), {"error": text}
