"""The image probe's vendor part: every vendor a running sandbox serves, called as it declares.

`tools/image-probe.sh` (the PROBE of `make image-check`) runs `python3 tools/image_probe.py URL`
against the image's container; tests/tooling/test_image.py and the generated-vendor test call
`probe(url)` against a sandbox of their own. It names no vendor and counts nothing by hand: it
reads `GET /_mockserver/vendors`, then for each vendor

- sends each of its smoke calls (`Vendor.smoke`: a documented call that answers 2xx with the
  default scenario and any key, sent with the key as the vendor's `auth` says) to the main
  port (as `Host: <host>` when the call names one of the vendor's hosts: a path can mean
  another API on another host), and to that host's own port when it has one;
- asks each of its hosts' own ports for `/_mockserver/health`, which only the control plane
  serves: the answer must be the vendor's error (not 2xx, its message where it says);
- and checks that the journal gained, for the vendor, exactly the calls it sent.

Python's standard library only: the probe runs on the machine that runs the image, where the
package need not be installed.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

KEY = "probe-key"
TIMEOUT = 10.0


class ProbeFailed(AssertionError):
    """What the sandbox answered that it should not have."""


def http(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, Any]:
    """(status, JSON answer or None) of one call; a connection failure raises OSError."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # the sandbox only
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def _at(body: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def _journal(url: str, vendor: str) -> int:
    status, answer = http(f"{url}/_mockserver/journal?vendor={quote(vendor)}")
    if status != 200 or not isinstance(answer, dict):
        raise ProbeFailed(f"journal: GET /_mockserver/journal answered {status}")
    return int(answer["count"])


def _origin(url: str, port: int) -> str:
    """The URL of `port` on the host the probe reaches the sandbox at."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def check_smoke(base: str, vendor: dict[str, Any], call: dict[str, Any], where: str) -> str:
    auth = vendor["auth"]
    headers = {auth["header"]: f"{auth['scheme']} {KEY}".strip()}
    if call.get("host"):
        headers["Host"] = call["host"]
    status, answer = http(base + call["path"], call["method"], headers, call["body"])
    said = f"{vendor['name']}: {call['method']} {call['path']}{where}"
    if not 200 <= status < 300:
        raise ProbeFailed(f"{said} answered {status}: {json.dumps(answer)[:300]}")
    expect = call.get("expect")
    if expect and not (isinstance(answer, dict) and expect in answer):
        raise ProbeFailed(f"{said}: the answer has no {expect!r}: {json.dumps(answer)[:300]}")
    return f"{said} -> {status}"


def _host_answers_as_its_vendor(base: str, vendor: dict[str, Any], host: str) -> str:
    status, answer = http(base + "/_mockserver/health")
    said = f"{vendor['name']}: {host}'s port {urlsplit(base).port}"
    message = _at(answer, vendor["error_message"])
    if 200 <= status < 300 or not isinstance(message, str) or not message:
        raise ProbeFailed(
            f"{said} should answer /_mockserver/health as {vendor['name']} does an unknown path "
            f"(its error, message at {'.'.join(vendor['error_message'])}): got {status} "
            f"{json.dumps(answer)[:300]}"
        )
    return f"{said} answers any other path in {vendor['name']}'s error shape ({status})"


def probe(url: str, say: Callable[[str], None] = print) -> dict[str, int]:
    """Call every vendor `url` serves as it declares; ProbeFailed on a wrong answer. Returns
    how many calls each vendor got (and its journal recorded)."""
    url = url.rstrip("/")
    status, answer = http(url + "/_mockserver/vendors")
    if status != 200 or not isinstance(answer, dict) or not answer.get("vendors"):
        raise ProbeFailed(f"GET /_mockserver/vendors answered {status}: {answer}")
    vendors: list[dict[str, Any]] = answer["vendors"]
    before = {v["name"]: _journal(url, v["name"]) for v in vendors}
    sent: dict[str, int] = {}
    for vendor in vendors:
        ports = {h["name"]: h["port"] for h in vendor["hosts"] if h.get("port")}
        if not vendor["smoke"]:
            raise ProbeFailed(f"{vendor['name']}: declares no smoke call")
        count = 0
        for call in vendor["smoke"]:
            say(check_smoke(url, vendor, call, ""))
            count += 1
            if call.get("host") in ports:
                where = f" on {call['host']}'s own port"
                say(check_smoke(_origin(url, ports[call["host"]]), vendor, call, where))
                count += 1
        for host, port in ports.items():
            say(_host_answers_as_its_vendor(_origin(url, port), vendor, host))
            count += 1
        sent[vendor["name"]] = count
    for name, count in sent.items():
        got = _journal(url, name) - before[name]
        if got != count:
            raise ProbeFailed(f"journal: {got} {name} call(s) recorded, {count} sent")
    say(f"journal: each vendor's calls recorded ({sum(sent.values())} in all)")
    return sent


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8080"
    try:
        probe(url, lambda line: print(f"probe: {line}", flush=True))
    except (ProbeFailed, OSError) as exc:
        print(f"probe: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
