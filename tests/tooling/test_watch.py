"""Hot reload: a good edit applies without a restart, a broken edit is reported and the last
good scenario stays. Most tests call `Reloader.check()` directly (no sleeping); one runs the
real polling task with a short interval and polls, bounded, for the edit to show."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.base.errors import ScenarioError
from mockserver.cli.main import build_parser
from mockserver.cli.serve_options import settings_from as _settings
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.http.watch import RELOADER, Reloader
from mockserver.registry import VENDORS
from mockserver.scenario.loading.files import load_scenarios
from tests.support.polling import until_async

from .helpers import new_request, request_status, scenario, write

Client = TestClient[Any, Any]
Start = Callable[..., Awaitable[tuple[Client, Reloader]]]


@pytest.fixture
def start(aiohttp_client: Any) -> Start:
    """An app watching `path`; its own polling task is made idle unless `interval` is given."""

    async def go(path: Path, interval: float = 3600.0, **settings: Any) -> tuple[Client, Reloader]:
        app: web.Application = create_app(Settings(scenario=str(path), watch=True, **settings))
        reloader = app[RELOADER]
        reloader.interval = interval
        return await aiohttp_client(app), reloader

    return go


async def active(client: Client, namespace: str = "") -> str:
    answer = await client.get("/_mockserver/scenario", params={"namespace": namespace})
    name: str = (await answer.json())["name"]
    return name


async def test_a_good_edit_applies_without_restart(tmp_path: Path, start: Start) -> None:
    path = write(tmp_path / "qa.yaml", scenario("first"))
    client, reloader = await start(path)
    assert await active(client) == "first"
    assert await reloader.check() == "unchanged"
    write(path, scenario("second", "    - otherwise: {respond: {choose: Approve}}\n"))
    assert await reloader.check() == "applied"
    assert await active(client) == "second"
    request_id = await new_request(client)
    await client.post("/_mockserver/clock/advance", json={"by": "1s"})
    assert await request_status(client, request_id) == "completed"


async def test_a_broken_edit_is_reported_and_the_last_good_scenario_stays(
    tmp_path: Path, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "qa.yaml", scenario("good"))
    client, reloader = await start(path)
    request_id = await new_request(client)
    write(path, scenario("broken", "    - otherwise: {respond: {after: soon}}\n"))
    with caplog.at_level(logging.ERROR, "mockserver.watch"):
        assert await reloader.check() == "rejected"
    assert reloader.problems[0].startswith(f"{path}:9:36: hitl.rules[0].otherwise.respond.after")
    logged = caplog.text
    assert "scenario reload rejected; 'good' stays in force" in logged
    assert f"{path}:9:36: " in logged
    assert await active(client) == "good"
    # Nothing was reset: the request made before the broken edit is still there.
    assert await request_status(client, request_id) == "pending"
    # The broken file is not retried until it changes again; then a fix applies.
    assert await reloader.check() == "unchanged"
    write(path, scenario("fixed"))
    assert await reloader.check() == "applied"
    assert (await active(client), reloader.problems) == ("fixed", [])


async def test_an_empty_folder_serves_the_default_until_a_file_arrives(
    tmp_path: Path, start: Start
) -> None:
    client, reloader = await start(tmp_path)
    assert await active(client) == "default"
    write(tmp_path / "notes.yaml", scenario("notes"))
    assert await reloader.check() == "applied"
    assert await active(client) == "notes"  # a folder serves what it has: its only file
    write(tmp_path / "default.yaml", scenario("default", extra="description: mine\n"))
    assert await reloader.check() == "applied"
    answer = await (await client.get("/_mockserver/scenario")).json()
    assert (answer["description"], answer["source"]) == ("mine", str(tmp_path / "default.yaml"))
    assert answer["available"] == ["default", "notes"]


async def test_an_edit_to_another_file_keeps_the_active_world(tmp_path: Path, start: Start) -> None:
    write(tmp_path / "default.yaml", scenario("default"))
    other = write(tmp_path / "other.yaml", scenario("other"))
    client, reloader = await start(tmp_path)
    put = await client.put("/_mockserver/scenario?namespace=qa", json={"name": "other"})
    assert put.status == 200
    request_id = await new_request(client)
    write(other, scenario("other", extra="description: edited\n"))
    assert await reloader.check() == "applied"
    assert await request_status(client, request_id) == "pending"  # default world kept
    answer = await (await client.get("/_mockserver/scenario?namespace=qa")).json()
    assert (answer["name"], answer["description"]) == ("other", "edited")


async def test_the_polling_task_picks_up_an_edit(tmp_path: Path, start: Start) -> None:
    path = write(tmp_path / "qa.yaml", scenario("before"))
    client, _ = await start(path, interval=0.02)
    write(path, scenario("after"))

    async def applied() -> bool:
        return await active(client) == "after"

    await until_async(applied, "the watcher's next poll applying the edit")


def test_watch_without_a_scenario_path_is_a_no_op(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "mockserver.watch"):
        app = create_app(Settings(watch=True))
    assert RELOADER not in app
    assert "nothing to watch" in caplog.text


def test_watch_from_the_flag_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = build_parser().parse_args
    monkeypatch.delenv("MOCKSERVER_WATCH", raising=False)
    assert _settings(parse(["serve"])).watch is False
    assert _settings(parse(["serve", "--watch"])).watch is True
    monkeypatch.setenv("MOCKSERVER_WATCH", "true")
    assert _settings(parse(["serve"])).watch is True


def test_only_an_existing_empty_folder_falls_back_to_the_default(tmp_path: Path) -> None:
    assert load_scenarios(VENDORS, str(tmp_path)).default.name == "default"
    with pytest.raises(ScenarioError, match="no such file or folder"):
        load_scenarios(VENDORS, str(tmp_path / "missing"))
    with pytest.raises(ScenarioError, match="no scenario named 'qa' \\(the folder is empty\\)"):
        load_scenarios(VENDORS, str(tmp_path), "qa")
