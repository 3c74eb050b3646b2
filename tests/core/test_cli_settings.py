"""`mockserver serve` flags and `MOCKSERVER_*` variables reach the running sandbox: each one
changes what a client sees (docs/settings.md). The command line is parsed by the real `main`;
only the final `serve` (which would block on a port) is replaced by building the same app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from mockserver.cli.main import main
from mockserver.http import server
from mockserver.http.settings import Settings

from .conftest import AUTH, SELECT, Client, Receiver, advance, create_loop

# A scenario that sets none of the options under test, so only the flag can change them.
SCENARIO = """\
clock: real
seed: 1
start: "2026-03-01T12:00:00Z"
hitl:
  keys: [test-key]
  rules:
    - otherwise: [{claim: {after: 1s}}, {respond: {after: 1s, choose: 0}}]
"""

MakeApp = Callable[[Settings], Awaitable[Client]]


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli.yaml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """`parsed("--strict", ...)`: the Settings `mockserver serve ...` would serve with."""
    for name in [n for n in os.environ if n.startswith("MOCKSERVER_")]:
        monkeypatch.delenv(name)

    def parse(*argv: str) -> Settings:
        got: list[Settings] = []
        monkeypatch.setattr(server, "serve", got.append)
        assert main(["serve", *argv]) == 0
        return got[0]

    return parse


@pytest.fixture
def make_app(aiohttp_client: Callable[..., Awaitable[Client]]) -> MakeApp:
    async def make(settings: Settings) -> Client:
        return await aiohttp_client(server.create_app(settings))

    return make


def test_every_serve_flag_reaches_the_settings(
    parsed: Callable[..., Settings], scenario_file: Path
) -> None:
    settings = parsed(
        *("--scenario", str(scenario_file), "--strict", "--rate-limit", "5"),
        *("--journal-cap", "3", "--delivery-cap", "4", "--seed", "7", "--clock", "manual"),
    )
    assert (settings.scenario, settings.strict, settings.rate_limit) == (
        str(scenario_file),
        True,
        5,
    )
    assert (settings.journal_cap, settings.delivery_cap) == (3, 4)
    assert (settings.seed, settings.clock) == (7, "manual")
    # Without the flags: the documented defaults (docs/settings.md).
    plain = parsed()
    assert (plain.strict, plain.rate_limit, plain.journal_cap, plain.delivery_cap) == (
        False,
        100,
        10_000,
        10_000,
    )
    assert (plain.seed, plain.clock, plain.variant) == (None, None, "")
    chosen = parsed("--variant", "hitl.webhook_body=B", "--variant", "hive.task_id=uuid4")
    assert chosen.variant == "hitl.webhook_body=B,hive.task_id=uuid4"


def test_variables_set_what_flags_set_and_a_flag_wins(
    parsed: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in [
        ("STRICT", "true"),
        ("RATE_LIMIT", "5"),
        ("JOURNAL_CAP", "3"),
        ("DELIVERY_CAP", "4"),
        ("SEED", "7"),
        ("CLOCK", "scale:10"),
    ]:
        monkeypatch.setenv(f"MOCKSERVER_{name}", value)
    settings = parsed()
    assert (settings.strict, settings.rate_limit, settings.journal_cap) == (True, 5, 3)
    assert (settings.delivery_cap, settings.seed, settings.clock) == (4, 7, "scale:10")
    flagged = parsed("--rate-limit", "9", "--seed", "8", "--clock", "manual")
    assert (flagged.rate_limit, flagged.seed, flagged.clock) == (9, 8, "manual")


async def test_strict_flag_rejects_what_lenient_accepts(
    parsed: Callable[..., Settings], make_app: MakeApp, scenario_file: Path
) -> None:
    # docs/fidelity.md (HITL.sh, strict table): an unknown key is accepted (and noted)
    # when lenient and a 400 naming it when strict.
    body = SELECT | {"request_text": "ok?", "source": "crm"}
    for flags, status in [((), 201), (("--strict",), 400)]:
        client = await make_app(parsed("--scenario", str(scenario_file), *flags))
        loop_id = await create_loop(client)
        resp = await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)
        assert resp.status == status, await resp.text()


async def test_rate_limit_flag_sets_the_hourly_budget(
    parsed: Callable[..., Settings], make_app: MakeApp, scenario_file: Path
) -> None:
    client = await make_app(parsed("--scenario", str(scenario_file), "--rate-limit", "2"))
    answers = [await client.get("/v1/test", headers=AUTH) for _ in range(3)]
    assert [a.status for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"


async def test_journal_cap_flag_keeps_the_newest_calls(
    parsed: Callable[..., Settings], make_app: MakeApp, scenario_file: Path
) -> None:
    client = await make_app(parsed("--scenario", str(scenario_file), "--journal-cap", "3"))
    for _ in range(5):
        assert (await client.get("/v1/test", headers=AUTH)).status == 200
    journal = await (await client.get("/_mockserver/journal")).json()
    assert (journal["count"], journal["total"], journal["dropped"]) == (3, 5, 2)


async def test_delivery_cap_flag_keeps_the_newest_deliveries(
    parsed: Callable[..., Settings], make_app: MakeApp, tmp_path: Path, receiver: Receiver
) -> None:
    path = tmp_path / "hooks.yaml"
    path.write_text(
        SCENARIO.replace("clock: real", "clock: manual").replace(
            "  keys: [test-key]\n", f"  keys: [test-key]\n  webhooks: [{{url: '{receiver.url}'}}]\n"
        )
    )
    client = await make_app(parsed("--scenario", str(path), "--delivery-cap", "1"))
    loop_id = await create_loop(client)
    body = {**SELECT, "request_text": "ok?"}
    assert (await client.post(f"/v1/api/loops/{loop_id}/requests", json=body, headers=AUTH)).ok
    await advance(client, "5s")
    assert receiver.events() == ["request.claimed", "request.completed"]
    log = await (await client.get("/_mockserver/deliveries")).json()
    assert (log["count"], log["dropped"]) == (1, 1)
    assert log["deliveries"][0]["event"] == "request.completed"


async def test_seed_flag_overrides_the_scenarios_seed(
    parsed: Callable[..., Settings], make_app: MakeApp, scenario_file: Path, tmp_path: Path
) -> None:
    """Ids come from the seeded random source: `--seed 7` gives the ids of a scenario with
    `seed: 7`, not those of the scenario's own `seed: 1`."""
    seven = tmp_path / "seven.yaml"
    seven.write_text(SCENARIO.replace("seed: 1", "seed: 7"))

    async def first_loop(*argv: str) -> str:
        return await create_loop(await make_app(parsed(*argv)))

    flagged = await first_loop("--scenario", str(scenario_file), "--seed", "7")
    assert flagged == await first_loop("--scenario", str(seven))
    assert flagged != await first_loop("--scenario", str(scenario_file))


@pytest.mark.parametrize(
    ("flag", "mode", "scale"), [("manual", "manual", 1.0), ("scale:50", "scaled", 50.0)]
)
async def test_clock_flag_overrides_the_scenarios_clock(
    parsed: Callable[..., Settings],
    make_app: MakeApp,
    scenario_file: Path,
    flag: str,
    mode: str,
    scale: float,
) -> None:
    client = await make_app(parsed("--scenario", str(scenario_file), "--clock", flag))
    clock: dict[str, Any] = await (await client.get("/_mockserver/clock")).json()
    assert (clock["mode"], clock["scale"]) == (mode, scale)
    plain = await make_app(parsed("--scenario", str(scenario_file)))
    assert (await (await plain.get("/_mockserver/clock")).json())["mode"] == "real"


def test_a_broken_scenario_stops_serve_with_file_line_messages(tmp_path: Path) -> None:
    """The README promises `file:line:col: key: message` lines and exit status 1, not a
    traceback, when `serve` is given a scenario that does not load."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("clock: manual\nhitl:\n  rules:\n    - otherwise: [nonsense]\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mockserver.cli.main",
            "serve",
            "--scenario",
            str(broken),
            "--port",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{broken}:4:"), done.stderr
