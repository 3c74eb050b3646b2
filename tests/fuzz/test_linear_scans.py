"""Every parse, scan and match of client text is linear in its size: for each adversarial
family (a scanner's trigger followed by a long run of one character or unit, nested brackets,
repeated separators; hostile.py), the CPU time of each scanner grows about 4 times, not 16,
when its input grows 4 times, and stays within the event loop's budget at the larger size.

CPU time of this thread (not real time), measured again as the least of a few tries when the
first ratio looks wrong, and a ratio of 4 allowed to grow to RATIO before it counts: a quadratic
scan gives 16, a linear one 4 give or take the cache. A try over the loop's budget fails at once
(no wait for a scan that takes minutes). 32 KiB is enough for a quadratic scan to exceed the
budget (the URL scan took 1.2 s there) and small enough to keep the suite fast.

QA-written regular expressions are matched by the same rule, in a subprocess (a backtracking
engine could take years on one of them): test_scenario_regexes_match_in_linear_time.
"""

from __future__ import annotations

import encodings.aliases
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mockserver.base import jsonio
from mockserver.records.journal import JournalEntry
from mockserver.registry import VENDORS
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.vendors.hive.analysis import analyze_text
from mockserver.vendors.hive.forms import parse_body
from mockserver.vendors.hive.patterns import find_urls

from .hostile import SCANNER_PREFIXES, SCANNER_UNITS, SEPARATORS, family
from .support import SCENARIO

SMALL, LARGE = 8 * 1024, 32 * 1024
RATIO = 8.0
BUDGET = 0.1  # seconds of CPU for one scan at LARGE: the event loop's budget
NOISE = 0.002  # below this a scan's time is noise: no ratio is read from it

HIVE = parse_scenario(SCENARIO, "fuzz.yaml", VENDORS).section("hive")


def families() -> list[tuple[str, Callable[[int], str]]]:
    """(name, text of about n characters) of every adversarial family."""
    found: list[tuple[str, Callable[[int], str]]] = []
    for tail in ("", "\x00"):
        for prefix in SCANNER_PREFIXES:
            for unit in SCANNER_UNITS:
                found.append((f"{prefix!r}+{unit!r}*n+{tail!r}", Family(prefix, unit, tail)))
        for unit in SEPARATORS:
            found.append((f"('a'+{unit!r})*n+{tail!r}", Family("", "a" + unit, tail)))
    for pair in ("()", "[]", "{}", "<>"):
        found.append((f"{pair[0]}*n+'http://a'+{pair[1]}*n", Nest(pair[0], pair[1])))
    return found


@dataclass(frozen=True)
class Family:
    prefix: str
    unit: str
    tail: str

    def __call__(self, n: int) -> str:
        return family(self.prefix, self.unit, n, self.tail)


@dataclass(frozen=True)
class Nest:
    opening: str
    closing: str

    def __call__(self, n: int) -> str:
        return self.opening * (n // 2) + "http://a" + self.closing * (n // 2)


def cpu(scan: Callable[[str], Any], text: str, tries: int = 1) -> float:
    best = float("inf")
    for _ in range(tries):
        start = time.thread_time()
        scan(text)
        best = min(best, time.thread_time() - start)
        if best > BUDGET:
            break
    return best


def _multipart(charset: str) -> Callable[[str], Any]:
    def scan(text: str) -> Any:
        data = text.encode("utf-8", "surrogatepass")
        body = (
            b'--b\r\nContent-Disposition: form-data; name="text_data"\r\n'
            + f"Content-Type: text/plain; charset={charset}\r\n\r\n".encode()
            + data
            + b"\r\n--b--\r\n"
        )
        try:
            return parse_body(body, "multipart/form-data; boundary=b")
        except Exception as exc:  # a refusal is a fine answer; only time counts here
            return exc

    return scan


def _json_string(text: str) -> Any:
    return jsonio.loads(json.dumps({"text_data": text}))


def _journal_shows(text: str) -> Any:
    entry = JournalEntry(0, "", "v", "POST", "/", "", {}, json.dumps({"t": text}).encode())
    return entry.to_json()


SCANNERS: dict[str, Callable[[str], Any]] = {
    "hive: URLs": find_urls,
    "hive: text analysis (deny list, text rules, PII, URLs)": lambda t: analyze_text(t, HIVE),
    "hive: urlencoded form": lambda t: parse_body(
        b"text_data=" + t.encode("utf-8", "surrogatepass"), "application/x-www-form-urlencoded"
    ),
    "hive: multipart form, utf-8": _multipart("utf-8"),
    "JSON body": _json_string,
    "journal entry": _journal_shows,
}


def check_linear(scan: Callable[[str], Any], make: Callable[[int], str], what: str) -> None:
    small = cpu(scan, make(SMALL))
    assert small <= BUDGET, f"{what}: {small * 1000:.0f} ms of CPU at {SMALL} characters"
    large = cpu(scan, make(LARGE))
    assert large <= BUDGET, f"{what}: {large * 1000:.0f} ms of CPU at {LARGE} characters"
    if large > NOISE and large > RATIO * max(small, NOISE / RATIO):
        small = cpu(scan, make(SMALL), tries=5)  # a busy moment, or the real thing?
        large = cpu(scan, make(LARGE), tries=5)
        assert large <= RATIO * max(small, NOISE / RATIO), (
            f"{what}: {small * 1000:.1f} ms at {SMALL} characters, {large * 1000:.1f} ms at "
            f"{LARGE}: not linear"
        )


@pytest.mark.parametrize("scanner", list(SCANNERS))
def test_each_scan_of_client_text_is_linear_in_its_size(scanner: str) -> None:
    scan = SCANNERS[scanner]
    for name, make in families():
        check_linear(scan, make, f"{scanner}, family {name}")


def charsets() -> list[str]:
    """One name for each codec Python has (its canonical name), and every alias of the ones a
    form may declare."""
    return sorted(set(encodings.aliases.aliases.values()) | {"punycode", "idna", "x-unknown"})


def test_multipart_text_in_every_charset_decodes_in_linear_time() -> None:
    """A text part's declared charset picks its decoder: each one Python has is linear, or
    refused before it runs."""
    texts: list[tuple[str, Callable[[int], str]]] = [
        ("'a'*n", lambda n: "a" * n),
        ("'a-'+'b'*n", lambda n: "a-" + "b" * n),
        ("'aé'*n", lambda n: "aé" * (n // 2)),
    ]
    for charset in charsets():
        for name, make in texts:
            check_linear(_multipart(charset), make, f"charset={charset}, text {name}")


# What QA engineers may write in a scenario's `text_matches` / `matches`: the classic
# catastrophic patterns of a backtracking engine, and the input that makes each one try every
# way (`a` many times, then what makes the match fail).
CATASTROPHIC = [
    ("(a+)+$", "a", "!"),
    ("(a|a)*b", "a", "!"),
    ("(a*)*b", "a", "!"),
    ("(a|aa)+$", "a", "!"),
    ("^(\\w+\\s?)*$", "a", "!"),
    ("(x+x+)+y", "x", "!"),
    ("a*a*a*a*a*a*b", "a", "!"),
    ("(?i)(idiot|id)*z", "idiot", "!"),
]
SCRIPT = """
import json, sys, time
from mockserver.base.userregex import compile_user_pattern
out = []
for pattern, unit, tail in json.loads(sys.argv[1]):
    compiled = compile_user_pattern(pattern)
    times = []
    for n in (4096, 16384):
        text = unit * (n // len(unit)) + tail
        start = time.thread_time()
        compiled.search(text)
        times.append(time.thread_time() - start)
    out.append([pattern, times])
print(json.dumps(out))
"""


def test_scenario_regexes_match_in_linear_time() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(CATASTROPHIC)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for pattern, (small, large) in json.loads(done.stdout):
        assert large <= BUDGET, f"{pattern!r}: {large * 1000:.0f} ms of CPU on 16 KiB"
        assert large <= NOISE or large <= RATIO * max(small, NOISE / RATIO), (pattern, small, large)
