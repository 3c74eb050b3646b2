"""The pytest plugin (entry point `pytest11: mockserver`): the sandbox as fixtures.

- `mockserver`: the sandbox for one test (`Sandbox`: URLs, `headers`, `control`, `acontrol`,
  `load_scenario`, `assert_request_made`, `assert_webhook_delivered`), reset before the test.
- `webhook_receiver`: a local endpoint of the test's own (`url`, `secret`, `received`, `wait`).
- `mockserver_clock`: the test's virtual clock, frozen (`advance("1h")`, `set(...)`, `now()`).
- `mockserver_scenario`: the scenario a test starts with; by default the argument of
  `@pytest.mark.mockserver_scenario(...)` (a file, inline YAML or a dict). Override the
  fixture or parametrize it (`indirect=True`) to choose per test.
- `mockserver_backend` (session): the server itself, started on first use.
- `@pytest.mark.mockserver_variants("hitl.webhook_body", ...)` / `--mockserver-variants=all`:
  run a test once per documented form; `--mockserver-strict`: a test the sandbox was lenient
  with fails; the session ends with the lenience summary (see `variant_hooks`).

In-process by default: one sandbox per session (per xdist worker) on a free port. With
`--mockserver-url URL` or `MOCKSERVER_URL`, the same fixtures drive that running sandbox, each
test in its own namespace. `MOCKSERVER_RECEIVER_BIND` / `MOCKSERVER_RECEIVER_HOST` set where the
webhook receiver listens and the host name its URLs use (e.g. 0.0.0.0 / host.docker.internal
when the sandbox runs in a container).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pytest

from mockserver.testing.client import ControlClient
from mockserver.testing.receiver import ReceiverEndpoint, WebhookReceiver
from mockserver.testing.sandbox import InProcessBackend, RemoteBackend, Sandbox, SandboxClock
from mockserver.testing.scenarios import ScenarioSource
from mockserver.testing.variant_hooks import (  # noqa: F401 (hooks pytest finds here)
    pytest_generate_tests,
    pytest_runtest_makereport,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
    remember,
)

if TYPE_CHECKING:
    from _pytest.config import Config
    from _pytest.config.argparsing import Parser

MARKER = "mockserver_scenario"
RECEIVER_PLACEHOLDERS = {"webhook_url", "webhook_secret"}


def pytest_addoption(parser: Parser) -> None:
    group = parser.getgroup("mockserver", "mockserver sandbox")
    group.addoption(
        "--mockserver-url",
        default=None,
        help="drive the sandbox running at this URL instead of starting one in-process "
        "(default: the MOCKSERVER_URL environment variable)",
    )
    group.addoption(
        "--mockserver-variants",
        default=None,
        metavar="all|NAME,...",
        help="run every sandbox test once per documented form of these variants (all: every "
        "variant, pairwise); see `mockserver variants`",
    )
    group.addoption(
        "--mockserver-strict",
        action="store_true",
        default=False,
        help="fail a test when the sandbox accepted something the real service would not "
        "(a lenience note)",
    )


def pytest_configure(config: Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(source): the scenario the test starts with: a file path (relative to the "
        "test file), inline YAML or a dict; ${webhook_url} and ${webhook_secret} are replaced "
        "by the test's webhook_receiver",
    )
    config.addinivalue_line(
        "markers",
        "mockserver_variants(*names): run the test once per documented form of each named "
        "variant (e.g. 'hitl.webhook_body'); the forms are in the test id",
    )


def pytest_report_header(config: Config) -> str | None:
    url = _remote_url(config)
    return f"mockserver: sandbox at {url}" if url else None


def _remote_url(config: Config) -> str | None:
    option = config.getoption("mockserver_url", None)
    return str(option) if option else os.environ.get("MOCKSERVER_URL") or None


@pytest.fixture(scope="session")
def mockserver_backend(
    pytestconfig: pytest.Config,
) -> Iterator[InProcessBackend | RemoteBackend]:
    """Where the sandbox runs: started in-process on first use, or the one at MOCKSERVER_URL."""
    url = _remote_url(pytestconfig)
    backend: InProcessBackend | RemoteBackend
    if url:
        backend = RemoteBackend(url)
    else:
        from mockserver.testing.server import InProcessServer  # the app, only when needed

        backend = InProcessBackend(InProcessServer().start())
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def mockserver_webhook_server() -> Iterator[WebhookReceiver]:
    """The session's webhook receiver server; tests use `webhook_receiver`."""
    receiver = WebhookReceiver(
        os.environ.get("MOCKSERVER_RECEIVER_BIND") or "127.0.0.1",
        os.environ.get("MOCKSERVER_RECEIVER_HOST") or None,
    ).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def webhook_receiver(
    mockserver_webhook_server: WebhookReceiver,
) -> Iterator[ReceiverEndpoint]:
    """A webhook endpoint for this test only: `url`, `secret`, `received`, `wait()`."""
    endpoint = mockserver_webhook_server.endpoint()
    yield endpoint
    mockserver_webhook_server.close(endpoint)


@pytest.fixture
def mockserver_scenario(request: pytest.FixtureRequest) -> ScenarioSource | None:
    """The scenario the test starts with (None: the sandbox's default). Reads the marker;
    override this fixture, or parametrize it with `indirect=True`, to choose otherwise."""
    if hasattr(request, "param"):
        param: ScenarioSource | None = request.param
        return param
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None
    if len(marker.args) != 1 or marker.kwargs:
        raise pytest.UsageError(
            f"{request.node.nodeid}: @pytest.mark.{MARKER} takes one argument: "
            "a file path, inline YAML text or a dict"
        )
    source: ScenarioSource = marker.args[0]
    return source


@pytest.fixture
def mockserver_variant_forms() -> dict[str, str]:
    """The documented forms this test runs with (`vendor.name` -> form); empty: the defaults.
    Set per test by `@pytest.mark.mockserver_variants` or `--mockserver-variants`."""
    return {}


@pytest.fixture
def mockserver(
    request: pytest.FixtureRequest,
    mockserver_backend: InProcessBackend | RemoteBackend,
    mockserver_scenario: ScenarioSource | None,
    mockserver_variant_forms: dict[str, str],
) -> Iterator[Sandbox]:
    """The sandbox for this test: a fresh world on its scenario."""
    backend = mockserver_backend
    control = ControlClient(backend.url, backend.begin_test())

    def substitutions(needed: set[str]) -> Mapping[str, str]:
        values = {"mockserver_url": backend.url}
        if needed & RECEIVER_PLACEHOLDERS:
            receiver: ReceiverEndpoint = request.getfixturevalue("webhook_receiver")
            values.update(webhook_url=receiver.url, webhook_secret=receiver.secret)
        return values

    sandbox = Sandbox(
        backend.url,
        control,
        backend.mode,
        base_dir=request.path.parent,
        substitutions=substitutions,
        variant_forms=mockserver_variant_forms,
        origin=request.path,
        host_urls=backend.host_urls if isinstance(backend, RemoteBackend) else None,
    )
    if mockserver_scenario is not None:
        sandbox.load_scenario(mockserver_scenario)
    elif mockserver_variant_forms:
        sandbox.control.set_variants(mockserver_variant_forms)
    remember(request.node, sandbox, mockserver_variant_forms)
    yield sandbox
    backend.end_test(control)


@pytest.fixture
def mockserver_clock(mockserver: Sandbox) -> SandboxClock:
    """The test's virtual clock, frozen: scripted reviewers, timeouts and webhook retries
    happen only when the test moves time (`advance("1h")`, `set("2026-01-01T10:00:00Z")`)."""
    clock = SandboxClock(mockserver.control)
    clock.freeze()
    return clock
