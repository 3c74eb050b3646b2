"""`mockserver drift` for Hive (a sync text task) and Outharm (automated moderation against a
schema the user names), against stand-in sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .conftest import KEY, Result, StandIn, write

Drift = Callable[..., Result]
Start = Callable[..., StandIn]
SCHEMA = "550e8400-e29b-41d4-a716-446655440000"


def test_hive_sync_text_tasks_same(stand_in: Start, drift: Drift) -> None:
    real = stand_in()
    result = drift("--vendor", "hive", "--base", real.url)
    assert result.code == 0, result.out
    assert result.outcomes() == {
        "invalid_key": "same",
        "sync_text_v1": "same",
        "sync_text_v2": "same",
        "sync_text_legacy": "same",
        "async_text_v1": "skipped",
    }
    tasks = real.control.journal(path="/api/v*/task/sync")
    assert len(tasks) == 4  # the embedded scenario accepts any key, the invalid one too
    assert all("[mockserver-drift " in t["body"]["text_data"] for t in tasks)
    assert KEY not in result.out + result.err + result.report_text


def test_hive_async_callback_recorded_with_listen(stand_in: Start, drift: Drift) -> None:
    real = stand_in()
    result = drift(
        "--vendor", "hive", "--base", real.url, "--listen", "127.0.0.1:0",
        "--listen-timeout", "10",
    )  # fmt: skip
    assert result.outcomes()["async_text_v1"] == "same"
    assert result.report["webhook"]["outcome"] == "same"
    assert result.code == 0


def test_outharm_needs_a_schema_id(stand_in: Start, drift: Drift) -> None:
    result = drift("--vendor", "outharm", "--base", "http://127.0.0.1:9")
    assert result.code == 2
    assert "--schema-id" in result.err


def test_outharm_automated_against_the_given_schema(
    stand_in: Start, drift: Drift, tmp_path: Path
) -> None:
    real_schema = "11111111-2222-4333-8444-555555555555"
    scenario = write(
        tmp_path,
        "outharm.yaml",
        f"outharm:\n  schemas:\n    - {{id: {real_schema}, name: Posts, "
        "components: {headline: text}}\n",
    )
    real = stand_in(scenario)
    result = drift(
        "--vendor", "outharm", "--base", real.url, "--schema-id", real_schema,
        "--component", "headline", "--sandbox-param", f"schema_id={SCHEMA}",
        "--sandbox-param", "component=title",
    )  # fmt: skip
    assert result.code == 0, result.out
    assert result.outcomes() == {"invalid_key": "same", "automated": "same"}
    calls = real.control.journal(path="/moderation/automated")
    assert [c["body"]["schema_id"] for c in calls] == [real_schema, real_schema]
