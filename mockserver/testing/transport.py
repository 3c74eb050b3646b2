"""The control client's HTTP plumbing (standard library only) and the errors it raises."""

from __future__ import annotations

import functools
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ControlError(Exception):
    """The control plane answered with an error (`status`, its `message` and full `body`)."""

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
    req = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
    try:
        with opener.open(req, timeout=timeout) as resp:
            raw: bytes = resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            raw = exc.read()
        answer = _decode(raw)
        message = str(answer.get("error", raw[:200].decode("utf-8", "replace")))
        if exc.code == 408:
            raise WaitTimedOut(exc.code, message, answer) from None
        raise ControlError(exc.code, message, answer) from None
    except urllib.error.URLError as exc:
        base = url.split("/_mockserver", 1)[0]
        raise ControlError(0, f"cannot reach the sandbox at {base}: {exc.reason}") from None
    return _decode(raw)


def _decode(raw: bytes) -> Json:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {"error": raw[:500].decode("utf-8", "replace")}
    return data if isinstance(data, dict) else {"value": data}
