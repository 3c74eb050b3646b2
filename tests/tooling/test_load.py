"""`mockserver load`: a CI job's scenarios into a sandbox that could not mount them (issue 25).
Checked here first, then added to the running sandbox's library and one put in use, with an
exit status a CI step can branch on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.cli import load
from mockserver.cli.main import main
from mockserver.client.control import ControlError
from mockserver.http.settings import Settings
from mockserver.testing import ControlClient, InProcessServer

from .helpers import scenario, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def running() -> Iterator[InProcessServer]:
    with InProcessServer(Settings()) as server:
        yield server


@pytest.fixture
def control(running: InProcessServer) -> Iterator[ControlClient]:
    client = ControlClient(running.url)
    yield client
    client.reset(every_namespace=True, default_scenario=True)


def test_a_folder_is_loaded_and_its_first_file_put_in_use(
    running: InProcessServer, control: ControlClient, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["load", str(ROOT / "scenarios"), "--url", running.url, "--wait", "5"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    packaged = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert out.splitlines() == [
        f"loaded {len(packaged)} scenario(s) into {running.url}: {', '.join(packaged)}",
        "in use in every namespace: hitl-approve",
    ]
    answer = control.scenario()
    assert answer["name"] == "hitl-approve"
    assert answer["source"] == str(ROOT / "scenarios" / "hitl-approve.yaml")
    assert set(packaged) <= set(answer["available"])
    # a fresh namespace (each test's, with the pytest plugin against this sandbox) starts on it
    assert ControlClient(running.url, "pytest-gw0-1").scenario()["name"] == "hitl-approve"


def test_a_default_is_used_or_the_one_named_and_a_namespace_alone(
    running: InProcessServer, control: ControlClient, tmp_path: Path
) -> None:
    write(tmp_path / "a.yaml", scenario("a"))
    write(tmp_path / "default.yaml", scenario("default"))
    assert load.load([str(tmp_path)], running.url, wait=5) == load.OK
    assert control.scenario()["name"] == "default"
    assert control.scenario()["source"] == str(tmp_path / "default.yaml")
    code = load.load([str(tmp_path / "a.yaml")], running.url, namespace="qa", use="hitl-timeout")
    assert code == load.OK
    assert ControlClient(running.url, "qa").scenario()["name"] == "hitl-timeout"  # packaged
    assert control.scenario()["name"] == "default"  # the other namespaces keep theirs


def test_a_file_with_a_problem_loads_nothing(
    running: InProcessServer,
    control: ControlClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(tmp_path / "good.yaml", scenario("good"))
    bad = write(tmp_path / "bad.yaml", scenario("bad", "    - otherwise: {claim: {by: nobody}}\n"))
    code = main(["load", str(tmp_path), "--url", running.url])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(f"{bad}:9:31: hitl.rules[0].otherwise.claim.by: unknown reviewer")
    assert err == "mockserver load: 1 problem(s): nothing was loaded\n"
    assert "good" not in control.scenario()["available"]


def test_no_sandbox_in_time_is_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.yaml", scenario("a"))
    code = main(["load", str(tmp_path), "--url", "http://127.0.0.1:9", "--wait", "0.3"])
    assert code == 2
    assert capsys.readouterr().err.startswith(
        "mockserver load: no sandbox answered at http://127.0.0.1:9 within 0.3s: cannot reach"
    )


def test_it_waits_for_a_sandbox_still_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container still starting refuses connections a few times: that is no failure."""
    monkeypatch.setattr(load, "WAIT_STEP", 0.0)
    answers: list[Any] = [ControlError(0, "refused"), ControlError(503, "starting"), {"ok": 1}]

    class Starting:
        def health(self) -> Any:
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

    ticks = iter(range(100))
    assert load.wait_for(Starting(), 10, lambda: float(next(ticks))) is None  # type: ignore[arg-type]
    answers[:] = [ControlError(0, "refused")] * 20
    ticks = iter(range(100))
    assert load.wait_for(Starting(), 3, lambda: float(next(ticks))) == "refused"  # type: ignore[arg-type]
    assert len(answers) == 20 - 3  # asked three times in its three seconds, then gave up


def test_a_sandbox_with_a_control_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.yaml", scenario("a"))
    with InProcessServer(Settings(control_token="s3cret")) as server:
        monkeypatch.setenv("MOCKSERVER_CONTROL_TOKEN", "wrong")
        assert main(["load", str(tmp_path), "--url", server.url]) == 3
        assert "refused: this sandbox requires its control token" in capsys.readouterr().err
        monkeypatch.setenv("MOCKSERVER_CONTROL_TOKEN", "s3cret")
        assert main(["load", str(tmp_path), "--url", server.url]) == 0
        assert ControlClient(server.url, token="s3cret").scenario()["name"] == "a"
