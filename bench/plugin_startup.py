"""What the pytest plugin costs: sandbox start-up and the per-test reset. Prints a table.

    .venv/bin/python bench/plugin_startup.py

1. Cold start in a fresh interpreter: importing the application, then `InProcessServer.start()`.
2. Warm start and stop (median of 5) in this process.
3. Per-test reset: the in-process fast path (what the `mockserver` fixture does before each
   test), after an empty test and after a test that stored requests and sent webhooks; the
   control-plane reset over HTTP (what a remote run does after each test); a scenario upload.
4. Inside pytest (JUnit XML times): the first test using `mockserver` pays for starting the
   sandbox; the mean of 200 more, less that of 200 tests without it, is the cost per test.
Benchmarks, not tests: nothing here fails.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from mockserver.testing import ControlClient, InProcessServer, WebhookReceiver

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "examples" / "scenarios" / "moderation.yaml"
LOOP = "65f1234567890abcdef12345"
OPTIONS = {"options": ["✅ Approve - Follows guidelines", "❌ Reject - Violates guidelines"]}


def values(hook_url: str) -> dict[str, str]:
    return {"webhook_url": hook_url, "webhook_secret": "whsec_bench"}


COLD = """
import json, time
t0 = time.perf_counter()
from mockserver.testing.server import InProcessServer
t1 = time.perf_counter()
server = InProcessServer().start()
t2 = time.perf_counter()
server.stop()
print(json.dumps({"import": t1 - t0, "start": t2 - t1, "stop": time.perf_counter() - t2}))
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def busy_test(server: InProcessServer, control: ControlClient, hook_url: str) -> None:
    """What a typical test leaves behind: five requests decided, ten signed webhooks sent."""
    control.load_scenario(SCENARIO, substitutions=values(hook_url))
    for n in range(5):
        fields = {"request_text": f"crypto {n}", "response_type": "single_select"}
        body = json.dumps({**fields, "response_config": OPTIONS}).encode()
        req = urllib.request.Request(
            f"{server.url}/v1/api/loops/{LOOP}/requests",
            data=body,
            headers={"Authorization": "Bearer bench", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req) as resp:
            resp.read()
    control.advance("10m")


def pytest_times(tmp: Path, fixture: str, tests: int = 201) -> list[float]:
    """Per-test seconds (setup + call + teardown, from JUnit XML) of a fresh pytest running
    `tests` empty tests that use `fixture` (or nothing)."""
    module = tmp / f"test_{fixture or 'plain'}.py"
    module.write_text(
        textwrap.dedent(
            f"""
            import pytest

            @pytest.mark.parametrize("n", range({tests}))
            def test_it({fixture + ", " if fixture else ""}n):
                pass
            """
        )
    )
    report = tmp / f"{module.stem}.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"]
    command += ["--rootdir", str(tmp), "-c", "/dev/null", f"--junitxml={report}", str(module)]
    subprocess.run(command, check=True, capture_output=True, cwd=tmp)
    cases = ElementTree.parse(report).getroot().iter("testcase")
    return [float(case.get("time", "0")) for case in cases]


def pytest_rows() -> list[tuple[str, str]]:
    """The first test pays for the session's start; the others show the per-test cost."""
    with tempfile.TemporaryDirectory() as tmp:
        used = pytest_times(Path(tmp), "mockserver")
        plain = pytest_times(Path(tmp), "")
    per_test = statistics.fmean(used[1:]) - statistics.fmean(plain[1:])
    return [
        ("pytest: first test using `mockserver` (starts the sandbox)", ms(used[0])),
        ("pytest: each further test, fixture overhead (mean of 200)", ms(per_test)),
    ]


def main() -> None:
    rows: list[tuple[str, str]] = []
    cold = json.loads(subprocess.check_output([sys.executable, "-c", COLD], text=True))
    rows.append(("Cold: import the application (aiohttp, vendors)", ms(cold["import"])))
    rows.append(("Cold: InProcessServer.start() (app, loop thread, port)", ms(cold["start"])))

    rows.append(("Warm start + stop (median of 5)", ms(median_time(_start_stop, 5))))

    receiver = WebhookReceiver().start()
    hook = receiver.endpoint()
    with InProcessServer() as server:
        control = ControlClient(server.url)
        subs = values(hook.url)
        rows.append(("Per-test reset, in-process, after an empty test", ms(_reset(server))))
        busy = []
        for _ in range(20):
            busy_test(server, control, hook.url)
            started = time.perf_counter()
            server.reset()
            busy.append(time.perf_counter() - started)
        rows.append(
            ("Per-test reset, in-process, after 5 requests + 10 webhooks", ms(median(busy)))
        )
        rows.append(("Reset over HTTP (remote runs)", ms(median_time(control.reset, 50))))
        upload = median_time(lambda: control.load_scenario(SCENARIO, substitutions=subs), 20)
        rows.append(("Scenario upload (tests/examples/.../moderation.yaml)", ms(upload)))
    receiver.stop()

    rows += pytest_rows()

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")


def _start_stop() -> None:
    InProcessServer().start().stop()


def _reset(server: InProcessServer) -> float:
    return median_time(server.reset, 200)


def median(values: list[float]) -> float:
    return statistics.median(values)


if __name__ == "__main__":
    main()
