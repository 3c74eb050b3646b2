"""The sandbox's Docker image as a throwaway container, for Python tests (testcontainers-python).

    pip install 'mockserver[testcontainers]'

    from mockserver.testing.container import MockserverContainer

    with MockserverContainer().with_scenarios("scenarios") as sandbox:
        requests.get(sandbox.url + "/v1/test", headers={"Authorization": "Bearer k"})

Like the WireMock and LocalStack modules: `start()` runs the image with a scenarios folder
mounted read-only at `/scenarios`, waits until `/_mockserver/health` answers, and `url` is
where it listens on the host. Every real host a vendor declares is served on a port of its own
(`host_url("api.thehive.ai")`), as the image does (`MOCKSERVER_HOST_PORTS=all`), so a client
switches by origin alone. `plugin_environment()` is what the pytest plugin needs to drive it
(`MOCKSERVER_URL`, the host ports' URLs, and where the container can reach the tests' webhook
receiver); `backend()` hands the plugin the container directly, from a session fixture.

Everything up to `start()` (environment, command, mounts, URL, the readiness wait) works without
a Docker engine and without testcontainers installed, so it is unit-tested everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from mockserver.base.urls import origin
from mockserver.http import hostports
from mockserver.testing.client import ControlClient, ControlError
from mockserver.testing.lifetime import Startable

if TYPE_CHECKING:
    from mockserver.testing.sandbox import RemoteBackend

HOST_URLS_ENV = "MOCKSERVER_HOST_URLS"  # read by the plugin (mockserver.testing.sandbox)

IMAGE = "mockserver:latest"
PORT = 8080  # the image's MOCKSERVER_PORT
SCENARIOS = "/scenarios"  # the image's MOCKSERVER_SCENARIO
HOST_ALIAS = "host.docker.internal"  # how the container reaches the machine running the tests


class DockerContainerLike(Protocol):
    """The part of testcontainers' `DockerContainer` this module uses (a fake in tests)."""

    def with_env(self, key: str, value: str) -> Any: ...
    def with_exposed_ports(self, *ports: int) -> Any: ...
    def with_volume_mapping(self, host: str, container: str, mode: str = "ro") -> Any: ...
    def with_command(self, command: str | list[str]) -> Any: ...
    def with_kwargs(self, **kwargs: Any) -> Any: ...
    def start(self) -> Any: ...
    def stop(self) -> Any: ...
    def get_container_host_ip(self) -> str: ...
    def get_exposed_port(self, port: int) -> int | str: ...
    def get_logs(self) -> tuple[bytes, bytes]: ...


def _docker_container(image: str) -> DockerContainerLike:
    try:
        from testcontainers.core.container import DockerContainer
    except ImportError:
        raise ImportError(
            "MockserverContainer needs testcontainers: pip install 'mockserver[testcontainers]'"
        ) from None
    container: DockerContainerLike = DockerContainer(image)
    return container


class ContainerNotReady(RuntimeError):
    """The container did not answer its health check in time; carries its log."""


class MockserverContainer(Startable):
    """The mockserver image, configured fluently, started with `start()` or `with`."""

    def __init__(
        self,
        image: str = IMAGE,
        *,
        port: int = PORT,
        docker: Callable[[str], DockerContainerLike] = _docker_container,
    ) -> None:
        self.image = image
        self.port = port
        self._docker = docker
        self._env: dict[str, str] = {
            "MOCKSERVER_PORT": str(port),
            "MOCKSERVER_HOST_PORTS": hostports.ALL,
        }
        self._scenarios: Path | None = None
        self._container: DockerContainerLike | None = None

    # -- configuration (no engine needed) -------------------------------------------------
    def with_scenarios(self, folder: str | Path) -> MockserverContainer:
        """Mount a folder of scenario files read-only at /scenarios (the one `with_scenario_name`
        names is served, else its scenario named `default`, else its first file)."""
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise FileNotFoundError(f"scenario folder {str(folder)!r} not found ({path})")
        self._scenarios = path
        return self

    def with_scenario_name(self, name: str) -> MockserverContainer:
        return self.with_env("MOCKSERVER_SCENARIO_NAME", name)

    def with_clock(self, clock: str) -> MockserverContainer:
        """`real`, `manual` or `scale:N` for every scenario (MOCKSERVER_CLOCK)."""
        return self.with_env("MOCKSERVER_CLOCK", clock)

    def with_env(self, key: str, value: str) -> MockserverContainer:
        """Any setting as its MOCKSERVER_* variable (see `mockserver serve --help`)."""
        self._env[key] = value
        return self

    def environment(self) -> dict[str, str]:
        return dict(self._env)

    def command(self) -> list[str]:
        return ["serve"]

    def host_ports(self) -> dict[str, int]:
        """Each declared host -> the container port answering as that host alone (the
        image's `MOCKSERVER_HOST_PORTS=all`: the ports after its main port, in the order the
        vendors declare them); empty when MOCKSERVER_HOST_PORTS is set to none."""
        from mockserver.registry import vendors

        wanted = self._env.get("MOCKSERVER_HOST_PORTS", "")
        if not wanted:
            return {}
        return {b.host: b.port for b in hostports.resolve(wanted, vendors(), self.port)}

    def volumes(self) -> dict[str, str]:
        """Host folder -> container path, all mounted read-only."""
        return {str(self._scenarios): SCENARIOS} if self._scenarios is not None else {}

    # -- lifetime ---------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> Self:
        """Run the container and return once its health check answers."""
        container = self._docker(self.image)
        for key, value in self._env.items():
            container.with_env(key, value)
        container.with_exposed_ports(self.port, *self.host_ports().values())
        for host, inside in self.volumes().items():
            container.with_volume_mapping(host, inside, "ro")
        container.with_command(self.command())
        # webhooks to the tests' receiver: http://host.docker.internal:PORT/... (Linux too)
        container.with_kwargs(extra_hosts={HOST_ALIAS: "host-gateway"})
        container.start()
        self._container = container
        try:
            self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None

    # -- where it is ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """`http://HOST:PORT` of the running container, as the tests' machine reaches it."""
        if self._container is None:
            raise RuntimeError("the container is not started: call start() first")
        host = self._container.get_container_host_ip()
        port = self._container.get_exposed_port(self.port)
        return origin(host, port)

    def get_url(self) -> str:
        return self.url

    def host_url(self, host: str) -> str:
        """`http://HOST:PORT` of the container port answering as `host` (a vendor's real host,
        e.g. `api.thehive.ai`) alone, as the tests' machine reaches it."""
        if self._container is None:
            raise RuntimeError("the container is not started: call start() first")
        ports = self.host_ports()
        if host not in ports:
            raise KeyError(f"no host port serves {host!r} (hosts: {', '.join(ports) or 'none'})")
        ip = self._container.get_container_host_ip()
        mapped = self._container.get_exposed_port(ports[host])
        return origin(ip, mapped)

    def control(self, namespace: str = "") -> ControlClient:
        return ControlClient(self.url, namespace)

    def plugin_environment(self) -> dict[str, str]:
        """What the pytest plugin reads to drive this container: its URL, and a webhook
        receiver listening where the container can reach it."""
        hosts = ",".join(f"{host}={self.host_url(host)}" for host in self.host_ports())
        return {
            "MOCKSERVER_URL": self.url,
            HOST_URLS_ENV: hosts,
            "MOCKSERVER_RECEIVER_BIND": "0.0.0.0",
            "MOCKSERVER_RECEIVER_HOST": HOST_ALIAS,
        }

    def backend(self) -> RemoteBackend:
        """The plugin's backend for this container (override `mockserver_backend` with it)."""
        from mockserver.testing.sandbox import RemoteBackend

        return RemoteBackend(self.url, host_urls={h: self.host_url(h) for h in self.host_ports()})

    def wait_until_ready(
        self,
        timeout: float = 30.0,
        *,
        interval: float = 0.2,
        probe: Callable[[], bool] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Ask `/_mockserver/health` until it answers `ok`; ContainerNotReady (with the
        container's log) after `timeout` seconds."""
        check = probe or self._healthy
        deadline = clock() + timeout
        while not check():
            if clock() >= deadline:
                raise ContainerNotReady(
                    f"{self.image} did not answer /_mockserver/health within {timeout:g}s; "
                    f"its log:\n{self._logs()}"
                )
            sleep(interval)

    def _healthy(self) -> bool:
        try:
            answer = ControlClient(self.url, timeout=2.0).health()
        except (ControlError, OSError):
            return False
        return answer.get("status") == "ok"

    def _logs(self) -> str:
        if self._container is None:
            return "(not running)"
        try:
            out, err = self._container.get_logs()
        except Exception as exc:  # the engine may be gone: the log is a courtesy
            return f"(no log: {exc})"
        return (out + err).decode("utf-8", "replace")[-4000:]
