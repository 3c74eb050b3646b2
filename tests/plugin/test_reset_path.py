"""The in-process plugin's reset before each test is the control plane's reset: the same
function behind `POST /_mockserver/reset?all=1&scenario=default`, so a test run against a
container can ask for exactly what an in-process run gets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver.testing import ControlClient, ControlError, InProcessServer


@pytest.fixture(scope="module")
def server() -> Iterator[InProcessServer]:
    with InProcessServer() as running:
        yield running


def dirty(url: str) -> None:
    """Scenarios loaded for every namespace and for one, and both namespaces in use."""
    ControlClient(url).load_scenario("name: mine\nclock: manual\n")
    ControlClient(url, "other").load_scenario("name: theirs\nclock: manual\n")


def seen(url: str) -> tuple[list[str], str, str]:
    namespaces = ControlClient(url).health()["namespaces"]  # before scenario() makes worlds
    return (
        namespaces,
        ControlClient(url).scenario()["name"],
        ControlClient(url, "other").scenario()["name"],
    )


def test_in_process_and_http_resets_leave_the_same_sandbox(server: InProcessServer) -> None:
    default = ControlClient(server.url).scenario()["name"]
    dirty(server.url)
    assert seen(server.url)[1:] == ("mine", "theirs")
    server.reset()  # what the plugin does before each test
    in_process = seen(server.url)
    dirty(server.url)
    answer = ControlClient(server.url).reset(every_namespace=True, default_scenario=True)
    assert answer == {"reset": "all", "namespaces": []}
    assert seen(server.url) == in_process == ([], default, default)


def test_without_the_default_a_reset_keeps_the_scenarios(server: InProcessServer) -> None:
    ControlClient(server.url).scenario()  # the default namespace in use too, whatever ran before
    dirty(server.url)
    ControlClient(server.url).reset(every_namespace=True)
    assert seen(server.url) == (["", "other"], "mine", "theirs")
    server.reset()


def test_one_namespace_back_on_the_default(server: InProcessServer) -> None:
    default = ControlClient(server.url).scenario()["name"]
    dirty(server.url)
    answer = ControlClient(server.url, "other").reset(default_scenario=True)
    assert answer["reset"] == "other"
    assert seen(server.url)[1:] == ("mine", default)
    server.reset()


def test_only_the_default_scenario_can_be_named(server: InProcessServer) -> None:
    with pytest.raises(ControlError) as caught:
        ControlClient(server.url).request("POST", "/reset", query={"scenario": "mine"})
    assert (caught.value.status, caught.value.message) == (
        400,
        "query parameter 'scenario' must be 'default', got 'mine' "
        "(to load another scenario: PUT /_mockserver/scenario)",
    )
