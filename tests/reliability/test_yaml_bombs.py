"""YAML alias bombs ("billion laughs") and recursive aliases, wherever a scenario is read: an
upload, `mockserver validate`, `serve`, hot reload. Each is a `file:line:col` problem like any
other scenario mistake, found quickly, never a 500 or a traceback."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest

from mockserver.base.errors import ScenarioError
from mockserver.cli.main import main
from mockserver.http.server import create_app
from mockserver.http.settings import Settings
from mockserver.http.watch import RELOADER
from mockserver.scenario.yamlsource import MAX_DEPTH, MAX_NODES

from .conftest import START, MakeClient


def laughs(levels: int = 9) -> str:
    """400 bytes that expand to 9**levels strings."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefghijk", "bcdefghijkl"[: levels - 1], strict=False):
        text += f"{name}: &{name} [{','.join(['*' + prev] * 9)}]\n"
    return text


def merge_laughs(levels: int = 9) -> str:
    """Merge keys (`<<`) that merge the mapping before them nine times over: the document
    stays small, the work of building it does not."""
    text = "a: &a {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9}\n"
    for prev, name in zip("abcdefghijk", "bcdefghijkl"[: levels - 1], strict=False):
        text += f"{name}: &{name} {{<<: [{','.join(['*' + prev] * 9)}]}}\n"
    return text


BOMBS = {
    "merge laughs": (merge_laughs(), f"more than {MAX_NODES} values"),
    "merge of itself": ("seed: 1\nx: &x {a: 1, <<: *x}\n", "merges a mapping into itself"),
    "merge of a scalar": ("seed: 1\nx: &x 3\ny: {<<: *x}\n", "`<<` merges a mapping"),
    "billion laughs": (laughs(), f"more than {MAX_NODES} values"),
    "recursive list": ("seed: 1\nhitl: &h\n  keys: [*h]\n", f"more than {MAX_DEPTH} levels"),
    "recursive map": ("seed: 1\nx: &x {y: *x}\n", f"more than {MAX_DEPTH} levels"),
    "aliased key": ("seed: 1\nk: &k [1, 2]\n? *k\n: 1\n", "keys must be plain words"),
}
GOOD = f'seed: 1\nclock: manual\nstart: "{START}"\n'


@pytest.mark.parametrize("name", sorted(BOMBS))
async def test_an_upload_is_a_400_naming_the_line(sandbox: MakeClient, name: str) -> None:
    text, expected = BOMBS[name]
    client = await sandbox(GOOD)
    before = await (await client.get("/_mockserver/health")).json()
    started = time.perf_counter()
    resp = await client.put("/_mockserver/scenario?source=bomb.yaml", data=text)
    elapsed = time.perf_counter() - started
    answer = await resp.json()
    assert resp.status == 400, answer
    assert answer["error"] == "scenario rejected"
    assert answer["problems"][0].startswith("bomb.yaml:")
    assert expected in answer["problems"][0]
    assert elapsed < 2.0
    health = await client.get("/_mockserver/health")
    assert (await health.json())["scenario"] == before["scenario"]  # the good one stays


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_validate_serve_and_reload_report_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text, expected = BOMBS[name]
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out and expected in out, out
    with pytest.raises(ScenarioError) as caught:
        create_app(Settings(scenario=str(path)))
    assert expected in caught.value.problems[0]


@pytest.mark.parametrize("name", sorted(BOMBS))
async def test_a_hot_reload_keeps_the_last_good_scenario(
    tmp_path: Path, aiohttp_client: Any, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    path = tmp_path / "qa.yaml"
    path.write_text("name: good\n" + GOOD, encoding="utf-8")
    app = create_app(Settings(scenario=str(path), watch=True))
    reloader = app[RELOADER]
    reloader.interval = 3600.0
    client = await aiohttp_client(app)
    before = path.stat().st_mtime_ns
    path.write_text(BOMBS[name][0], encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # seen as an edit on any file system
    with caplog.at_level(logging.ERROR, "mockserver.watch"):
        assert await reloader.check() == "rejected"
    assert BOMBS[name][1] in reloader.problems[0]
    assert "Traceback" not in caplog.text
    health = await client.get("/_mockserver/health")
    assert (await health.json())["scenario"] == "good"
