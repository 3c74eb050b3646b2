"""Fixtures for the fuzz tests: one live sandbox per worker with the fuzz scenario, a
`requests` session, and a namespace of its own for each test (a fresh world)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from mockserver.testing.server import InProcessServer

from .support import start_server

NS_HEADER = "X-Mockserver-Namespace"


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessServer]:
    server = start_server(tmp_path_factory.mktemp("fuzz"))
    yield server
    server.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> dict[str, str]:
    """The namespace header that gives this test a world of its own."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    return {NS_HEADER: name}
