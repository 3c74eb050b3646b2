"""What must still hold after every hostile fuzz case, whatever the sandbox answered it:

- the case itself got no 5xx;
- no callback held the sandbox's event loop past the suite's budget (tests/conftest.py);
- every read endpoint still answers 200 in the case's namespace: each vendor's lists and every
  `GET` of the control plane that needs no id (items, journal, deliveries, clock, timers,
  scenario, the console's data ...), derived from the OpenAPI descriptions the sandbox serves,
  plus the console's view of each vendor the sandbox registers;
- memory: the process grows by at most MEMORY_BOUND over one fuzz test.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from mockserver.http.openapi import document, names

# The sandbox keeps a 64 KiB prefix of each body in the journal (32 MiB per namespace at most):
# one fuzz test's few hundred cases stay far below this, whatever they send.
MEMORY_BOUND = 96 * 1024 * 1024
TIMEOUT = 10.0


def server_prefix(doc: Mapping[str, Any], path: str | None = None) -> str:
    """The path an operation of a description is under on the sandbox: its path's first server,
    else the description's."""
    servers = doc["paths"].get(path, {}).get("servers") if path else None
    url = str((servers or doc["servers"])[0]["url"])
    return url.rstrip("/") if url.startswith("/") else ""


def _parameter(doc: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = spec.get("$ref")
    if isinstance(ref, str):
        found: Mapping[str, Any] = doc["components"]["parameters"][ref.rsplit("/", 1)[-1]]
        return found
    return spec


def read_endpoints(base: str, session: requests.Session) -> list[tuple[str, str]]:
    """(description name, URL) of every `GET` that needs no id nor required query parameter,
    long polls excepted, in every description; and the console's view of each vendor."""
    found: list[tuple[str, str]] = []
    for name in names():
        doc = document(name)
        for path, item in doc["paths"].items():
            prefix = server_prefix(doc, path)
            op = item.get("get")
            if op is None or "{" in path or path.startswith("/wait/"):
                continue
            params = [_parameter(doc, p) for p in op.get("parameters", [])]
            if any(p.get("required") and p.get("in") == "query" for p in params):
                continue
            found.append((name, base + prefix + path))
    vendors = session.get(f"{base}/_mockserver/vendors", timeout=TIMEOUT).json()["vendors"]
    found += [("control", f"{base}/_mockserver/ui/vendors/{v['name']}.js") for v in vendors]
    return found


def rss() -> int:
    """This process's resident memory in bytes (the in-process sandbox's included)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Invariants:
    """Checks the sandbox at `base` after each case, in the namespace `headers` name."""

    base: str
    session: requests.Session
    headers: Mapping[str, str]
    auth: Mapping[str, Mapping[str, str]]  # description name -> its auth header
    watch: Any  # the suite's watch (tests/conftest.py, `loop_watch`)
    reads: list[tuple[str, str]] = field(default_factory=list)
    start_rss: int = 0

    def __post_init__(self) -> None:
        self.reads = read_endpoints(self.base, self.session)
        self.watch.take()
        self.start_rss = rss()

    def after(self, what: str, response: requests.Response | None, *, reads: bool = True) -> None:
        """Every invariant, after the case `what` (its answer, None for none); the reads
        only with `reads`."""
        problems: list[str] = []
        if response is not None and response.status_code >= 500:
            problems.append(f"answered {response.status_code}: {response.text[:300]}")
        # The sandbox may go on after its answer (reading the rest of a body it refused): one
        # more call, answered once the loop is free, puts any stall on this case, not the next.
        self.session.get(f"{self.base}/_mockserver/health", timeout=TIMEOUT)
        problems += [f"stalled the loop: {o.describe()}" for o in self.watch.take()]
        for name, url in self.reads if reads else ():
            headers = {**self.auth.get(name, {}), **self.headers}
            read = self.session.get(url, headers=headers, timeout=TIMEOUT)
            if read.status_code != 200:
                problems.append(
                    f"GET {url[len(self.base) :]} answered {read.status_code} afterwards: "
                    f"{read.text[:200]}"
                )
        problems += [f"stalled the loop (reading): {o.describe()}" for o in self.watch.take()]
        assert not problems, f"after {what}:\n" + "\n".join(problems)

    def memory(self) -> None:
        """RSS without a full collection first (one costs about 0.2 s in a test process): the
        bound is loose enough for what garbage a test leaves."""
        grown = rss() - self.start_rss
        assert grown < MEMORY_BOUND, f"the process grew {grown >> 20} MiB over this fuzz test"
