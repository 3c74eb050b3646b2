"""`mockserver.testing.container`: everything but the Docker engine itself. A fake stands in for
testcontainers' DockerContainer; the health wait runs against a real in-process sandbox and
against a probe on a fake clock (no sleeping)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.testing import InProcessServer
from mockserver.testing.container import ContainerNotReady, MockserverContainer

ROOT = Path(__file__).resolve().parents[2]


class FakeDocker:
    """Records what the module asks of a DockerContainer; 'runs' on a given host and port."""

    def __init__(self, image: str, host: str = "127.0.0.1", port: int = 32768) -> None:
        self.image = image
        self.host, self.port = host, port
        self.env: dict[str, str] = {}
        self.ports: list[int] = []
        self.volumes: list[tuple[str, str, str]] = []
        self.command: Any = None
        self.kwargs: dict[str, Any] = {}
        self.started = self.stopped = False

    def with_env(self, key: str, value: str) -> FakeDocker:
        self.env[key] = value
        return self

    def with_exposed_ports(self, *ports: int) -> FakeDocker:
        self.ports.extend(ports)
        return self

    def with_volume_mapping(self, host: str, container: str, mode: str = "ro") -> FakeDocker:
        self.volumes.append((host, container, mode))
        return self

    def with_command(self, command: Any) -> FakeDocker:
        self.command = command
        return self

    def with_kwargs(self, **kwargs: Any) -> FakeDocker:
        self.kwargs.update(kwargs)
        return self

    def start(self) -> FakeDocker:
        self.started = True
        return self

    def stop(self) -> None:
        self.stopped = True

    def get_container_host_ip(self) -> str:
        return self.host

    def get_exposed_port(self, port: int) -> int:
        assert port in self.ports
        return self.port + self.ports.index(port)  # each exposed port mapped to its own

    def get_logs(self) -> tuple[bytes, bytes]:
        return b"mockserver on http://0.0.0.0:8080\n", b"boom\n"


def test_configuration_mounts_env_command_and_host_alias() -> None:
    made: list[FakeDocker] = []

    def docker(image: str) -> FakeDocker:
        made.append(FakeDocker(image))
        return made[-1]

    container = (
        MockserverContainer("mockserver:test", docker=docker)
        .with_scenarios(ROOT / "scenarios")
        .with_scenario_name("hitl-reject")
        .with_clock("manual")
    )
    assert container.environment() == {
        "MOCKSERVER_PORT": "8080",
        "MOCKSERVER_HOST_PORTS": "all",
        "MOCKSERVER_SCENARIO_NAME": "hitl-reject",
        "MOCKSERVER_CLOCK": "manual",
    }
    container.wait_until_ready = lambda *a, **k: None  # type: ignore[method-assign]
    with container:
        (fake,) = made
        assert (fake.image, fake.started, fake.ports, fake.command) == (
            "mockserver:test",
            True,
            [8080, 8081, 8082, 8083, 8084],  # the main port, then each vendor host's own
            ["serve"],
        )
        assert fake.volumes == [(str((ROOT / "scenarios").resolve()), "/scenarios", "ro")]
        assert fake.env["MOCKSERVER_SCENARIO_NAME"] == "hitl-reject"
        assert fake.kwargs == {"extra_hosts": {"host.docker.internal": "host-gateway"}}
        assert container.url == "http://127.0.0.1:32768"
        assert container.host_url("api.thehive.ai") == "http://127.0.0.1:32772"
        with pytest.raises(KeyError, match=r"hosts: api\.hitl\.sh, api\.outharm\.com"):
            container.host_url("api.thehive.com")
        assert container.plugin_environment() == {
            "MOCKSERVER_URL": "http://127.0.0.1:32768",
            "MOCKSERVER_HOST_URLS": "api.hitl.sh=http://127.0.0.1:32769,"
            "api.outharm.com=http://127.0.0.1:32770,"
            "api.hivemoderation.com=http://127.0.0.1:32771,"
            "api.thehive.ai=http://127.0.0.1:32772",
            "MOCKSERVER_RECEIVER_BIND": "0.0.0.0",
            "MOCKSERVER_RECEIVER_HOST": "host.docker.internal",
        }
    assert fake.stopped


def test_the_host_ports_follow_the_image_and_can_be_chosen() -> None:
    # The image's MOCKSERVER_HOST_PORTS=all (Dockerfile): each declared host on the ports after
    # the main one; with_env names others, or none.
    assert MockserverContainer().host_ports() == {
        "api.hitl.sh": 8081,
        "api.outharm.com": 8082,
        "api.hivemoderation.com": 8083,
        "api.thehive.ai": 8084,
    }
    chosen = MockserverContainer().with_env("MOCKSERVER_HOST_PORTS", "api.thehive.ai=9000")
    assert chosen.host_ports() == {"api.thehive.ai": 9000}
    assert MockserverContainer().with_env("MOCKSERVER_HOST_PORTS", "").host_ports() == {}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "MOCKSERVER_HOST_PORTS=all" in dockerfile
    assert "EXPOSE 8080 8081 8082 8083 8084" in dockerfile


def test_urls_for_ipv6_hosts_and_before_start() -> None:
    container = MockserverContainer(docker=lambda image: FakeDocker(image, host="::1", port=9))
    with pytest.raises(RuntimeError, match="not started"):
        _ = container.url
    container.wait_until_ready = lambda *a, **k: None  # type: ignore[method-assign]
    assert container.start().url == "http://[::1]:9"


def test_a_missing_scenario_folder_is_named() -> None:
    with pytest.raises(FileNotFoundError, match="scenario folder 'nowhere' not found"):
        MockserverContainer().with_scenarios("nowhere")


def test_the_wait_polls_until_healthy_then_gives_up_with_the_log() -> None:
    now = [0.0]
    answers = iter([False, False, True])
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    container = MockserverContainer(docker=FakeDocker)
    container.wait_until_ready(5, probe=lambda: next(answers), sleep=sleep, clock=lambda: now[0])
    assert slept == [0.2, 0.2]

    container._container = FakeDocker("mockserver:latest")  # as start() leaves it
    with pytest.raises(ContainerNotReady, match="within 1s; its log:\nmockserver on") as caught:
        container.wait_until_ready(1, probe=lambda: False, sleep=sleep, clock=lambda: now[0])
    assert "boom" in str(caught.value)


def test_the_health_probe_against_a_real_sandbox_and_the_plugin_backend() -> None:
    with InProcessServer() as server:
        host, port = server.url.removeprefix("http://").split(":")
        container = MockserverContainer(docker=lambda i: FakeDocker(i, host, int(port)))
        container.start(timeout=5)  # the real health wait, answered at once
        assert container.control().health()["status"] == "ok"
        backend = container.backend()
        assert backend.url == server.url and backend.begin_test().startswith("pytest-")
        assert backend.host_urls["api.thehive.ai"] == container.host_url("api.thehive.ai")
        container.stop()


def test_without_testcontainers_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_testcontainers(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("testcontainers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_testcontainers)
    with pytest.raises(ImportError, match=r"pip install 'mockserver\[testcontainers\]'"):
        MockserverContainer().start()
